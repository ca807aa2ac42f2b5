/* PNG files for the HTTP tests, the one builder they share: real, decodable gradients of any
 * size (test_png, with seed folded into the colours so each seed is a new content address), and
 * a bare header claiming any size (png_header) for the limits. Written with zlib, a dependency
 * of the server already. */
#ifndef KD_TEST_PNG_H
#define KD_TEST_PNG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static inline void png_put32(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)(v >> 24);
        p[1] = (unsigned char)(v >> 16);
        p[2] = (unsigned char)(v >> 8);
        p[3] = (unsigned char)v;
}

/* Appends one chunk (length, type, data, CRC) at out + *at. */
static inline void png_chunk(unsigned char *out, size_t *at, const char *type,
                             const unsigned char *data, size_t len)
{
        png_put32(out + *at, (uint32_t)len);
        memcpy(out + *at + 4, type, 4);
        if (len)
                memcpy(out + *at + 8, data, len);
        uLong crc = crc32(0, out + *at + 4, (uInt)(len + 4));
        png_put32(out + *at + 8 + len, (uint32_t)crc);
        *at += len + 12;
}

/* A width x height RGB PNG (malloc'd, length in *len). */
static inline unsigned char *test_png(uint32_t width, uint32_t height, uint32_t seed, size_t *len)
{
        size_t row = 1 + (size_t)width * 3, raw_len = row * height;
        unsigned char *raw = malloc(raw_len);
        for (uint32_t y = 0; y < height; y++) {
                unsigned char *p = raw + (size_t)y * row;
                *p++ = 0; /* no filter */
                for (uint32_t x = 0; x < width; x++) {
                        *p++ = (unsigned char)(x * 255 / width);
                        *p++ = (unsigned char)(y * 255 / height);
                        *p++ = (unsigned char)(seed * 37 + (x ^ y));
                }
        }
        uLongf zlen = compressBound((uLong)raw_len);
        unsigned char *z = malloc(zlen);
        compress2(z, &zlen, raw, (uLong)raw_len, 6);
        free(raw);
        unsigned char *out = malloc(8 + 25 + zlen + 12 + 12);
        memcpy(out, "\x89PNG\r\n\x1a\n", 8);
        size_t at = 8;
        unsigned char ihdr[13];
        png_put32(ihdr, width);
        png_put32(ihdr + 4, height);
        ihdr[8] = 8; /* bits per sample */
        ihdr[9] = 2; /* RGB */
        ihdr[10] = ihdr[11] = ihdr[12] = 0;
        png_chunk(out, &at, "IHDR", ihdr, sizeof(ihdr));
        png_chunk(out, &at, "IDAT", z, zlen);
        png_chunk(out, &at, "IEND", NULL, 0);
        free(z);
        *len = at;
        return out;
}

/* The first 45 bytes of a PNG (signature, IHDR, IEND) claiming width x height RGB pixels, with
 * no pixels: enough for the server's sniffing and its size limits. Caller frees. */
static inline unsigned char *png_header(uint32_t width, uint32_t height, size_t *len)
{
        unsigned char *out = malloc(8 + 25 + 12);
        memcpy(out, "\x89PNG\r\n\x1a\n", 8);
        size_t at = 8;
        unsigned char ihdr[13] = {0};
        png_put32(ihdr, width);
        png_put32(ihdr + 4, height);
        ihdr[8] = 8; /* bits per sample */
        ihdr[9] = 2; /* RGB */
        png_chunk(out, &at, "IHDR", ihdr, sizeof(ihdr));
        png_chunk(out, &at, "IEND", NULL, 0);
        *len = at;
        return out;
}

/* The width in a PNG's IHDR, or 0 when data is not a PNG. */
static inline uint32_t png_width(const unsigned char *data, size_t len)
{
        if (len < 24 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0)
                return 0;
        return (uint32_t)data[16] << 24 | (uint32_t)data[17] << 16 | (uint32_t)data[18] << 8 |
               data[19];
}

#endif
