/* Unit tests for model/image: recognising PNG, JPEG, WebP and GIF from crafted bytes (including
 * damaged headers, which must never be read out of bounds: every buffer handed to image_sniff is
 * a heap copy of exactly its length, so the sanitizer build catches any overread), and storing
 * uploads content-addressed in a temporary data folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/limits.h"
#include "model/image.h"
#include "tmpdb.h"

#include <dirent.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

/* ---- building images ------------------------------------------------------------------------ */

static void put_be16(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)(v >> 8);
        p[1] = (unsigned char)v;
}

static void put_be32(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)(v >> 24);
        p[1] = (unsigned char)(v >> 16);
        p[2] = (unsigned char)(v >> 8);
        p[3] = (unsigned char)v;
}

static void put_le16(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)v;
        p[1] = (unsigned char)(v >> 8);
}

static void put_le24(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)v;
        p[1] = (unsigned char)(v >> 8);
        p[2] = (unsigned char)(v >> 16);
}

static void put_le32(unsigned char *p, uint32_t v)
{
        put_le16(p, v);
        put_le16(p + 2, v >> 16);
}

/* A PNG signature, IHDR chunk and IEND chunk (45 bytes; CRCs are not checked by sniffing). */
static size_t make_png(unsigned char *o, uint32_t w, uint32_t h)
{
        memcpy(o, "\x89PNG\r\n\x1a\n", 8);
        put_be32(o + 8, 13);
        memcpy(o + 12, "IHDR", 4);
        put_be32(o + 16, w);
        put_be32(o + 20, h);
        o[24] = 8; /* bit depth */
        o[25] = 6; /* RGBA */
        o[26] = o[27] = o[28] = 0;
        put_be32(o + 29, 0x12345678);
        put_be32(o + 33, 0);
        memcpy(o + 37, "IEND", 4);
        put_be32(o + 41, 0xAE426082);
        return 45;
}

/* SOI, an APP0 (JFIF) segment, optionally a DQT and a DHT segment (whose bytes would read as a
 * wrong size if taken for a frame header), a frame header with marker sof, and EOI. Sets
 * *sof_end to the offset just past the frame header. */
static size_t make_jpeg(unsigned char *o, unsigned char sof, uint32_t w, uint32_t h, bool extra,
                        size_t *sof_end)
{
        size_t n = 0;
        o[n++] = 0xFF;
        o[n++] = 0xD8;
        static const unsigned char app0[] = {0xFF, 0xE0, 0x00, 0x10, 'J',  'F',  'I',  'F',  0x00,
                                             0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00};
        memcpy(o + n, app0, sizeof(app0));
        n += sizeof(app0);
        if (extra) {
                o[n++] = 0xFF;
                o[n++] = 0xDB; /* DQT: 2 length bytes + 65 */
                put_be16(o + n, 67);
                n += 2;
                for (int i = 0; i < 65; i++)
                        o[n++] = (unsigned char)(i + 1);
                o[n++] = 0xFF;
                o[n++] = 0xC4; /* DHT, inside the C0..CF range but not a frame header */
                put_be16(o + n, 21);
                n += 2;
                for (int i = 0; i < 19; i++)
                        o[n++] = 0x7F;
        }
        o[n++] = 0xFF;
        o[n++] = sof;
        put_be16(o + n, 17);
        n += 2;
        o[n++] = 8; /* precision */
        put_be16(o + n, h);
        n += 2;
        put_be16(o + n, w);
        n += 2;
        static const unsigned char comps[] = {3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1};
        memcpy(o + n, comps, sizeof(comps));
        n += sizeof(comps);
        if (sof_end)
                *sof_end = n;
        o[n++] = 0xFF;
        o[n++] = 0xD9;
        return n;
}

/* RIFF/WEBP with a VP8 (lossy) chunk: 30 bytes of header, then padding up to 40. The two top
 * bits of each size are scaling bits and must be ignored. */
static size_t make_webp_vp8(unsigned char *o, uint32_t w, uint32_t h)
{
        memset(o, 0, 40);
        memcpy(o, "RIFF", 4);
        put_le32(o + 4, 32);
        memcpy(o + 8, "WEBPVP8 ", 8);
        put_le32(o + 16, 20);
        o[20] = 0x50; /* frame tag */
        o[21] = 0x02;
        o[22] = 0x00;
        o[23] = 0x9D;
        o[24] = 0x01;
        o[25] = 0x2A;
        put_le16(o + 26, w | 0xC000);
        put_le16(o + 28, h | 0x4000);
        return 40;
}

static size_t make_webp_vp8l(unsigned char *o, uint32_t w, uint32_t h)
{
        memset(o, 0, 40);
        memcpy(o, "RIFF", 4);
        put_le32(o + 4, 32);
        memcpy(o + 8, "WEBPVP8L", 8);
        put_le32(o + 16, 20);
        o[20] = 0x2F;
        put_le32(o + 21, (w - 1) | (h - 1) << 14 | 1u << 28 /* alpha hint */);
        return 40;
}

static size_t make_webp_vp8x(unsigned char *o, uint32_t w, uint32_t h)
{
        memset(o, 0, 40);
        memcpy(o, "RIFF", 4);
        put_le32(o + 4, 32);
        memcpy(o + 8, "WEBPVP8X", 8);
        put_le32(o + 16, 10);
        o[20] = 0x10; /* alpha flag */
        put_le24(o + 24, w - 1);
        put_le24(o + 27, h - 1);
        return 40;
}

static size_t make_gif(unsigned char *o, const char *version, uint32_t w, uint32_t h)
{
        memcpy(o, version, 6);
        put_le16(o + 6, w);
        put_le16(o + 8, h);
        o[10] = 0xF0;
        o[11] = 0;
        o[12] = 0;
        o[13] = 0x3B; /* trailer */
        return 14;
}

/* Sniffs a heap copy of exactly len bytes, so that any read past the end is caught. */
static int sniff(const void *data, size_t len, struct image_info *out)
{
        unsigned char *copy = malloc(len ? len : 1);
        assert_non_null(copy);
        if (len)
                memcpy(copy, data, len);
        int rc = image_sniff(copy, len, out);
        free(copy);
        return rc;
}

static void expect_image(const void *data, size_t len, const char *mime, const char *ext,
                         uint32_t w, uint32_t h)
{
        struct image_info info = {0};
        assert_int_equal(sniff(data, len, &info), IMAGE_OK);
        assert_string_equal(info.mime, mime);
        assert_string_equal(info.ext, ext);
        assert_int_equal(info.width, w);
        assert_int_equal(info.height, h);
}

static int sniff_rc(const void *data, size_t len)
{
        struct image_info info = {0};
        return sniff(data, len, &info);
}

/* ---- recognising formats -------------------------------------------------------------------- */

static void test_sniff_png(void **state)
{
        (void)state;
        unsigned char b[64];
        size_t n = make_png(b, 640, 480);
        expect_image(b, n, "image/png", "png", 640, 480);
        n = make_png(b, 1, 10000);
        expect_image(b, n, "image/png", "png", 1, 10000);
        /* only the first 24 bytes are needed */
        n = make_png(b, 3, 2);
        expect_image(b, 24, "image/png", "png", 3, 2);
        assert_int_equal(sniff_rc(b, 23), IMAGE_NOT_IMAGE);
        /* a signature without IHDR first, and a damaged signature */
        make_png(b, 3, 2);
        memcpy(b + 12, "IDAT", 4);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        make_png(b, 3, 2);
        b[1] = 'p';
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
}

static void test_sniff_jpeg(void **state)
{
        (void)state;
        unsigned char b[256];
        size_t sof_end;
        size_t n = make_jpeg(b, 0xC0, 1024, 768, false, &sof_end);
        expect_image(b, n, "image/jpeg", "jpg", 1024, 768);
        /* the frame header after other segments, one of them a DHT (0xC4) */
        n = make_jpeg(b, 0xC0, 300, 200, true, &sof_end);
        expect_image(b, n, "image/jpeg", "jpg", 300, 200);
        /* progressive (SOF2) */
        n = make_jpeg(b, 0xC2, 5, 7, true, &sof_end);
        expect_image(b, n, "image/jpeg", "jpg", 5, 7);
        /* the bytes up to the end of the frame header are enough */
        n = make_jpeg(b, 0xC1, 9, 4, false, &sof_end);
        expect_image(b, sof_end, "image/jpeg", "jpg", 9, 4);
}

static void test_sniff_jpeg_markers(void **state)
{
        (void)state;
        static const unsigned char sof[] = {0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x20,
                                            0x00, 0x40, 0x03, 0x01, 0x22, 0x00, 0x02,
                                            0x11, 0x01, 0x03, 0x11, 0x01}; /* 64 x 32 */
        unsigned char b[128];

        /* fill bytes before a marker */
        static const unsigned char fill[] = {0xFF, 0xD8, 0xFF, 0xFF, 0xFF};
        memcpy(b, fill, sizeof(fill));
        memcpy(b + sizeof(fill) - 1, sof, sizeof(sof));
        expect_image(b, sizeof(fill) - 1 + sizeof(sof), "image/jpeg", "jpg", 64, 32);

        /* a standalone restart marker (no length) and an empty APP1 segment */
        static const unsigned char rst[] = {0xFF, 0xD8, 0xFF, 0xD0, 0xFF, 0xE1, 0x00, 0x02};
        memcpy(b, rst, sizeof(rst));
        memcpy(b + sizeof(rst), sof, sizeof(sof));
        expect_image(b, sizeof(rst) + sizeof(sof), "image/jpeg", "jpg", 64, 32);

        /* scan data or the end of the image before any frame header */
        static const unsigned char sos[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x0C};
        memcpy(b, sos, sizeof(sos));
        memcpy(b + sizeof(sos), sof, sizeof(sof));
        assert_int_equal(sniff_rc(b, sizeof(sos) + sizeof(sof)), IMAGE_NOT_IMAGE);
        static const unsigned char eoi[] = {0xFF, 0xD8, 0xFF, 0xD9};
        memcpy(b, eoi, sizeof(eoi));
        memcpy(b + sizeof(eoi), sof, sizeof(sof));
        assert_int_equal(sniff_rc(b, sizeof(eoi) + sizeof(sof)), IMAGE_NOT_IMAGE);

        /* a zero height */
        memcpy(b, "\xFF\xD8", 2);
        memcpy(b + 2, sof, sizeof(sof));
        b[5] = b[6] = 0;
        assert_int_equal(sniff_rc(b, 2 + sizeof(sof)), IMAGE_NOT_IMAGE);
}

static void test_sniff_jpeg_damaged(void **state)
{
        (void)state;
        /* a segment length running past the end of the data */
        static const unsigned char past_end[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x10, 0x00, 'J',  'F', 'I',
                                                 'F',  0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00};
        assert_int_equal(sniff_rc(past_end, sizeof(past_end)), IMAGE_NOT_IMAGE);
        /* lengths 0 and 1 are impossible (they count themselves) */
        static const unsigned char len0[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0xFF, 0xD9};
        assert_int_equal(sniff_rc(len0, sizeof(len0)), IMAGE_NOT_IMAGE);
        static const unsigned char len1[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9};
        assert_int_equal(sniff_rc(len1, sizeof(len1)), IMAGE_NOT_IMAGE);
        /* a frame header too short to hold a size */
        static const unsigned char short_sof[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x05,
                                                  0x08, 0x00, 0x10, 0xFF, 0xD9, 0x00};
        assert_int_equal(sniff_rc(short_sof, sizeof(short_sof)), IMAGE_NOT_IMAGE);
        /* a frame header cut off by the end of the data */
        static const unsigned char cut_sof[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11,
                                                0x08, 0x00, 0x10, 0x00, 0x20};
        assert_int_equal(sniff_rc(cut_sof, sizeof(cut_sof)), IMAGE_NOT_IMAGE);
        /* garbage where a marker should be */
        static const unsigned char garbage[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00,
                                                0x12, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00,
                                                0x20, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01};
        assert_int_equal(sniff_rc(garbage, sizeof(garbage)), IMAGE_NOT_IMAGE);
        /* only the start of image */
        static const unsigned char soi[] = {0xFF, 0xD8, 0xFF};
        assert_int_equal(sniff_rc(soi, sizeof(soi)), IMAGE_NOT_IMAGE);
        static const unsigned char soi4[] = {0xFF, 0xD8, 0xFF, 0xE0};
        assert_int_equal(sniff_rc(soi4, sizeof(soi4)), IMAGE_NOT_IMAGE);
        static const unsigned char soi6[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10};
        assert_int_equal(sniff_rc(soi6, sizeof(soi6)), IMAGE_NOT_IMAGE);
}

/* Every prefix of a valid file: an image once the size is in it, not an image before. */
static void test_sniff_prefixes(void **state)
{
        (void)state;
        unsigned char b[256];
        struct image_info info;
        size_t sof_end;
        size_t n = make_jpeg(b, 0xC0, 300, 200, true, &sof_end);
        for (size_t len = 0; len <= n; len++) {
                int rc = sniff(b, len, &info);
                if (rc != (len >= sof_end ? IMAGE_OK : IMAGE_NOT_IMAGE))
                        fail_msg("JPEG prefix of %zu bytes: %d", len, rc);
        }
        n = make_png(b, 30, 20);
        for (size_t len = 0; len <= n; len++)
                if (sniff(b, len, &info) != (len >= 24 ? IMAGE_OK : IMAGE_NOT_IMAGE))
                        fail_msg("PNG prefix of %zu bytes", len);
        size_t (*webp[3])(unsigned char *, uint32_t, uint32_t) = {make_webp_vp8, make_webp_vp8l,
                                                                  make_webp_vp8x};
        for (int k = 0; k < 3; k++) {
                n = webp[k](b, 30, 20);
                for (size_t len = 0; len <= n; len++)
                        if (sniff(b, len, &info) != (len >= 30 ? IMAGE_OK : IMAGE_NOT_IMAGE))
                                fail_msg("WebP %d prefix of %zu bytes", k, len);
        }
        n = make_gif(b, "GIF89a", 30, 20);
        for (size_t len = 0; len <= n; len++)
                if (sniff(b, len, &info) != (len >= 10 ? IMAGE_OK : IMAGE_NOT_IMAGE))
                        fail_msg("GIF prefix of %zu bytes", len);
}

static void test_sniff_webp(void **state)
{
        (void)state;
        unsigned char b[64];
        size_t n = make_webp_vp8(b, 400, 300);
        expect_image(b, n, "image/webp", "webp", 400, 300);
        /* 14 bits a side: the largest lossy WebP is over the side limit */
        n = make_webp_vp8(b, 10000, 1);
        expect_image(b, n, "image/webp", "webp", 10000, 1);
        n = make_webp_vp8(b, 16383, 1);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
}

static void test_sniff_webp_kinds(void **state)
{
        (void)state;
        unsigned char b[64];
        size_t n = make_webp_vp8l(b, 123, 4567);
        expect_image(b, n, "image/webp", "webp", 123, 4567);
        n = make_webp_vp8x(b, 1920, 1080);
        expect_image(b, n, "image/webp", "webp", 1920, 1080);
        /* damaged: a wrong VP8 start code, a wrong VP8L signature, an unknown chunk */
        n = make_webp_vp8(b, 400, 300);
        b[24] = 0x02;
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        n = make_webp_vp8l(b, 10, 10);
        b[20] = 0x2E;
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        n = make_webp_vp8x(b, 10, 10);
        memcpy(b + 12, "VP8Z", 4);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        /* RIFF that is not WebP (a WAV file) */
        n = make_webp_vp8(b, 400, 300);
        memcpy(b + 8, "WAVE", 4);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
}

static void test_sniff_gif(void **state)
{
        (void)state;
        unsigned char b[32];
        size_t n = make_gif(b, "GIF89a", 320, 240);
        expect_image(b, n, "image/gif", "gif", 320, 240);
        n = make_gif(b, "GIF87a", 1, 9999);
        expect_image(b, n, "image/gif", "gif", 1, 9999);
        n = make_gif(b, "GIF88a", 320, 240);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        n = make_gif(b, "GIF89a", 320, 0);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
}

static void test_sniff_sizes(void **state)
{
        (void)state;
        unsigned char b[256];
        size_t n;
        /* exactly at the limits */
        n = make_png(b, 10000, 4000);
        expect_image(b, n, "image/png", "png", 10000, 4000);
        n = make_png(b, 6000, 6000);
        expect_image(b, n, "image/png", "png", 6000, 6000);
        /* over them */
        n = make_png(b, 10001, 1);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_png(b, 1, 10001);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_png(b, 10000, 4001);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_png(b, 8000, 6000);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_png(b, 0xFFFFFFFFu, 0xFFFFFFFFu); /* the area must not overflow */
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_jpeg(b, 0xC0, 65535, 65535, false, NULL);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_webp_vp8x(b, 16384, 16384);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        n = make_gif(b, "GIF89a", 10001, 2);
        assert_int_equal(sniff_rc(b, n), IMAGE_TOO_MANY_PIXELS);
        /* zero sizes */
        n = make_png(b, 0, 10);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        n = make_png(b, 10, 0);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
        n = make_jpeg(b, 0xC0, 0, 10, false, NULL);
        assert_int_equal(sniff_rc(b, n), IMAGE_NOT_IMAGE);
}

static void test_sniff_too_large(void **state)
{
        (void)state;
        unsigned char *big = calloc(1, KD_MAX_IMAGE_BYTES + 1);
        assert_non_null(big);
        make_png(big, 100, 100);
        struct image_info info = {0};
        assert_int_equal(image_sniff(big, KD_MAX_IMAGE_BYTES + 1, &info), IMAGE_TOO_LARGE);
        assert_int_equal(image_sniff(big, KD_MAX_IMAGE_BYTES, &info), IMAGE_OK);
        assert_int_equal(info.width, 100);
        free(big);
}

static void test_sniff_not_images(void **state)
{
        (void)state;
        static const char *const texts[] = {
            "",
            "hello, world",
            "<!DOCTYPE html><html><head><title>cat.png</title></head><body>"
            "<script>alert(1)</script></body></html>",
            "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
            "height=\"10\"></svg>",
            "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "PNG is a nice format, really, it is a very nice one",
            "GIF8",
            "RIFF\x10\x00\x00\x00WEBP",
        };
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                int rc = sniff_rc(texts[i], strlen(texts[i]));
                if (rc != IMAGE_NOT_IMAGE)
                        fail_msg("text %zu: %d", i, rc);
        }
        /* an empty upload */
        struct image_info info = {0};
        assert_int_equal(image_sniff("", 0, &info), IMAGE_NOT_IMAGE);
}

/* Random bytes after each format's magic: whatever comes back, nothing may be read out of
 * bounds (the sanitizer build checks), and a recognised image has a real size. */
static void test_sniff_random(void **state)
{
        (void)state;
        uint32_t seed = 12345;
        unsigned char b[96];
        int recognised = 0;
        for (int iter = 0; iter < 20000; iter++) {
                seed = seed * 1103515245u + 12345u;
                size_t len = (seed >> 16) % sizeof(b);
                for (size_t i = 0; i < len; i++) {
                        seed = seed * 1103515245u + 12345u;
                        uint32_t r = seed >> 16;
                        b[i] = r % 4 == 0   ? 0xFF
                               : r % 4 == 1 ? (unsigned char)(r % 24)
                                            : (unsigned char)(r >> 4);
                }
                switch (iter % 5) {
                case 0:
                        if (len >= 3)
                                memcpy(b, "\xFF\xD8\xFF", 3);
                        break;
                case 1:
                        if (len >= 16) {
                                memcpy(b, "RIFF", 4);
                                memcpy(b + 8,
                                       (iter / 5) % 3 == 0   ? "WEBPVP8 "
                                       : (iter / 5) % 3 == 1 ? "WEBPVP8L"
                                                             : "WEBPVP8X",
                                       8);
                        }
                        break;
                case 2:
                        if (len >= 16)
                                memcpy(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
                        break;
                case 3:
                        if (len >= 6)
                                memcpy(b, "GIF89a", 6);
                        break;
                default:
                        break;
                }
                struct image_info info = {0};
                int rc = sniff(b, len, &info);
                if (rc == IMAGE_OK) {
                        recognised++;
                        if (info.width == 0 || info.height == 0 || info.width > KD_MAX_IMAGE_SIDE ||
                            info.height > KD_MAX_IMAGE_SIDE || !info.mime || !info.ext)
                                fail_msg("iteration %d: bad size %ux%u", iter, info.width,
                                         info.height);
                } else if (rc != IMAGE_NOT_IMAGE && rc != IMAGE_TOO_MANY_PIXELS) {
                        fail_msg("iteration %d: unexpected result %d", iter, rc);
                }
        }
        assert_true(recognised > 100); /* the magic bytes did lead somewhere */
}

static void test_problem_messages(void **state)
{
        (void)state;
        assert_null(image_problem(IMAGE_OK));
        assert_string_equal(image_problem(IMAGE_NOT_IMAGE),
                            "That file is not a PNG, JPEG, WebP or GIF image.");
        const int errors[] = {IMAGE_TOO_LARGE, IMAGE_TOO_MANY_PIXELS, IMAGE_IO_ERROR,
                              IMAGE_DB_ERROR};
        for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
                const char *m = image_problem(errors[i]);
                assert_non_null(m);
                assert_true(strlen(m) > 10);
                assert_string_not_equal(m, image_problem(IMAGE_NOT_IMAGE));
        }
}

/* ---- stored names --------------------------------------------------------------------------- */

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_stored_name_type(void **state)
{
        (void)state;
        assert_string_equal(image_stored_name_type(HEX64 ".png"), "image/png");
        assert_string_equal(image_stored_name_type(HEX64 ".jpg"), "image/jpeg");
        assert_string_equal(image_stored_name_type(HEX64 ".webp"), "image/webp");
        assert_string_equal(image_stored_name_type(HEX64 ".gif"), "image/gif");
        static const char *const bad[] = {
            "",
            ".png",
            "png",
            HEX64,
            HEX64 ".",
            HEX64 ".jpeg",
            HEX64 ".PNG",
            HEX64 ".svg",
            HEX64 ".html",
            HEX64 ".png.html",
            HEX64 ".png/",
            HEX64 ".png\n",
            HEX64 "..png",
            HEX64 "0.png",                                                         /* 65 digits */
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.png", /* 63 */
            "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef.png",
            "0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef.png",
            "../0123456789abcdef0123456789abcdef0123456789abcdef0123456789abc.png",
            "../../etc/passwd",
            "../kindred.db",
            "/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.png",
            "abc.png",
            ".upload-AbCdEf",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (image_stored_name_type(bad[i]))
                        fail_msg("\"%s\" should be refused", bad[i]);
}

/* ---- storing -------------------------------------------------------------------------------- */

struct fixture {
        struct tmpdb t;
        struct arena *a;
        char data[96];
};

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        snprintf(fx->data, sizeof(fx->data), "%s/data", fx->t.dir);
        if (mkdir(fx->data, 0700) != 0)
                return -1;
        *state = fx;
        return 0;
}

/* Removes <data>/media/<files>, <data>/media and <data>. */
static void remove_data_dir(const char *data)
{
        char media[160];
        snprintf(media, sizeof(media), "%s/media", data);
        DIR *d = opendir(media);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                                continue;
                        char p[512];
                        snprintf(p, sizeof(p), "%s/%s", media, de->d_name);
                        unlink(p);
                }
                closedir(d);
                rmdir(media);
        }
        rmdir(data);
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        remove_data_dir(fx->data);
        arena_free(fx->a);
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

#define FX    ((struct fixture *)*state)
#define DB    (FX->t.db)
#define ARENA (FX->a)
#define DATA  (FX->data)

static int64_t count_rows(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

/* Files in <data>/media (-1 when the folder is missing). */
static int media_files(const char *data)
{
        char media[160];
        snprintf(media, sizeof(media), "%s/media", data);
        DIR *d = opendir(media);
        if (!d)
                return -1;
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        n++;
        closedir(d);
        return n;
}

static void sha256_hex(const void *data, size_t len, char hex[65])
{
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, data, len);
        sodium_bin2hex(hex, 65, digest, sizeof(digest));
}

/* Asserts that path holds exactly data[0..len). */
static void expect_file(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                fail_msg("%s is missing", path);
        unsigned char got[512];
        size_t n = fread(got, 1, sizeof(got), f);
        fclose(f);
        assert_int_equal(n, len);
        assert_memory_equal(got, data, len);
}

static void test_store_png(void **state)
{
        unsigned char png[64];
        size_t n = make_png(png, 3, 2);
        char hex[65];
        sha256_hex(png, n, hex);

        int64_t id = 0;
        assert_int_equal(image_store(DB, DATA, png, n, 0, &id), IMAGE_OK);
        assert_true(id > 0);
        char path[256];
        snprintf(path, sizeof(path), "%s/media/%s.png", DATA, hex);
        expect_file(path, png, n);
        assert_int_equal(media_files(DATA), 1);

        char want[128];
        snprintf(want, sizeof(want), "/media/%s.png", hex);
        assert_string_equal(image_url(DB, ARENA, id), want);
        assert_string_equal(image_stored_name_type(want + strlen("/media/")), "image/png");
        uint32_t w = 0, h = 0;
        assert_int_equal(image_size(DB, id, &w, &h), IMAGE_OK);
        assert_int_equal(w, 3);
        assert_int_equal(h, 2);

        /* the same bytes again: the same image, one row, one file, no temporary left over */
        int64_t again = 0;
        assert_int_equal(image_store(DB, DATA, png, n, 0, &again), IMAGE_OK);
        assert_int_equal(again, id);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM image"), 1);
        assert_int_equal(media_files(DATA), 1);
        expect_file(path, png, n);
}

static void test_store_several(void **state)
{
        unsigned char png[64], jpeg[256], gif[32];
        size_t np = make_png(png, 3, 2);
        size_t nj = make_jpeg(jpeg, 0xC0, 40, 30, true, NULL);
        size_t ng = make_gif(gif, "GIF89a", 7, 5);
        int64_t ip = 0, ij = 0, ig = 0;
        assert_int_equal(image_store(DB, DATA, png, np, 0, &ip), IMAGE_OK);
        assert_int_equal(image_store(DB, DATA, jpeg, nj, 0, &ij), IMAGE_OK);
        assert_int_equal(image_store(DB, DATA, gif, ng, 0, &ig), IMAGE_OK);
        assert_true(ip != ij && ij != ig && ip != ig);

        char hex[65], want[128], path[256];
        sha256_hex(jpeg, nj, hex);
        snprintf(want, sizeof(want), "/media/%s.jpg", hex);
        assert_string_equal(image_url(DB, ARENA, ij), want);
        snprintf(path, sizeof(path), "%s/media/%s.jpg", DATA, hex);
        expect_file(path, jpeg, nj);
        sha256_hex(gif, ng, hex);
        snprintf(want, sizeof(want), "/media/%s.gif", hex);
        assert_string_equal(image_url(DB, ARENA, ig), want);
        uint32_t w = 0, h = 0;
        assert_int_equal(image_size(DB, ij, &w, &h), IMAGE_OK);
        assert_int_equal(w, 40);
        assert_int_equal(h, 30);

        /* one changed byte is another image */
        png[44] ^= 1;
        int64_t other = 0;
        assert_int_equal(image_store(DB, DATA, png, np, 0, &other), IMAGE_OK);
        assert_true(other != ip);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM image"), 4);
        assert_int_equal(media_files(DATA), 4);
}

static void test_store_refused(void **state)
{
        static const char html[] = "<!DOCTYPE html><html><body>not a cat</body></html>";
        int64_t id = 77;
        assert_int_equal(image_store(DB, DATA, html, strlen(html), 0, &id), IMAGE_NOT_IMAGE);
        unsigned char png[64];
        size_t n = make_png(png, 20000, 20);
        assert_int_equal(image_store(DB, DATA, png, n, 0, &id), IMAGE_TOO_MANY_PIXELS);
        unsigned char *big = calloc(1, KD_MAX_IMAGE_BYTES + 1);
        assert_non_null(big);
        make_png(big, 10, 10);
        assert_int_equal(image_store(DB, DATA, big, KD_MAX_IMAGE_BYTES + 1, 0, &id),
                         IMAGE_TOO_LARGE);
        free(big);
        assert_int_equal(id, 77);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM image"), 0);
        assert_true(media_files(DATA) <= 0); /* nothing written */

        /* a data folder that cannot be written to */
        char missing[160];
        snprintf(missing, sizeof(missing), "%s/no/such/folder", DATA);
        n = make_png(png, 3, 2);
        assert_int_equal(image_store(DB, missing, png, n, 0, &id), IMAGE_IO_ERROR);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM image"), 0);

        /* unknown images */
        assert_null(image_url(DB, ARENA, 999));
        uint32_t w = 0, h = 0;
        assert_int_equal(image_size(DB, 999, &w, &h), IMAGE_DB_ERROR);
}

int main(void)
{
        if (sodium_init() < 0)
                return 1;
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_sniff_png),
            cmocka_unit_test(test_sniff_jpeg),
            cmocka_unit_test(test_sniff_jpeg_markers),
            cmocka_unit_test(test_sniff_jpeg_damaged),
            cmocka_unit_test(test_sniff_prefixes),
            cmocka_unit_test(test_sniff_webp),
            cmocka_unit_test(test_sniff_webp_kinds),
            cmocka_unit_test(test_sniff_gif),
            cmocka_unit_test(test_sniff_sizes),
            cmocka_unit_test(test_sniff_too_large),
            cmocka_unit_test(test_sniff_not_images),
            cmocka_unit_test(test_sniff_random),
            cmocka_unit_test(test_problem_messages),
            cmocka_unit_test(test_stored_name_type),
            cmocka_unit_test_setup_teardown(test_store_png, setup, teardown),
            cmocka_unit_test_setup_teardown(test_store_several, setup, teardown),
            cmocka_unit_test_setup_teardown(test_store_refused, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
