/* Images: format and size from the bytes, content-addressed storage, lookups. */
#include "model/image.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/image_variants.h"
#include "model/media_store.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
        const char *mime, *ext;
} formats[] = {
    {"image/png", "png"},
    {"image/jpeg", "jpg"},
    {"image/webp", "webp"},
    {"image/gif", "gif"},
};
enum { FMT_PNG, FMT_JPEG, FMT_WEBP, FMT_GIF };

static uint32_t be16(const unsigned char *p)
{
        return (uint32_t)p[0] << 8 | p[1];
}
static uint32_t le16(const unsigned char *p)
{
        return (uint32_t)p[1] << 8 | p[0];
}
static uint32_t be32(const unsigned char *p)
{
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le24(const unsigned char *p)
{
        return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Walks JPEG segments to the first start-of-frame marker, which holds the size. Every length
 * is checked against the buffer before it is used. */
static int jpeg_size(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
        size_t i = 2;
        while (i + 4 <= len) {
                if (p[i] != 0xFF)
                        return -1;
                unsigned char marker = p[i + 1];
                if (marker == 0xFF) { /* fill byte */
                        i++;
                        continue;
                }
                if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                        i += 2; /* standalone markers carry no length */
                        continue;
                }
                if (marker == 0xD9 || marker == 0xDA)
                        return -1; /* end of image or scan data before any frame header */
                uint32_t seglen = be16(p + i + 2);
                if (seglen < 2 || i + 2 + seglen > len)
                        return -1;
                bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                           marker != 0xCC;
                if (sof) {
                        if (seglen < 7)
                                return -1;
                        *h = be16(p + i + 5);
                        *w = be16(p + i + 7);
                        return 0;
                }
                i += 2 + seglen;
        }
        return -1;
}

static int webp_size(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
        if (len < 30)
                return -1;
        if (memcmp(p + 12, "VP8 ", 4) == 0) {
                if (p[23] != 0x9D || p[24] != 0x01 || p[25] != 0x2A)
                        return -1;
                *w = le16(p + 26) & 0x3FFF;
                *h = le16(p + 28) & 0x3FFF;
                return 0;
        }
        if (memcmp(p + 12, "VP8L", 4) == 0) {
                if (p[20] != 0x2F)
                        return -1;
                uint32_t bits = (uint32_t)p[21] | (uint32_t)p[22] << 8 | (uint32_t)p[23] << 16 |
                                (uint32_t)p[24] << 24;
                *w = (bits & 0x3FFF) + 1;
                *h = ((bits >> 14) & 0x3FFF) + 1;
                return 0;
        }
        if (memcmp(p + 12, "VP8X", 4) == 0) {
                *w = le24(p + 24) + 1;
                *h = le24(p + 27) + 1;
                return 0;
        }
        return -1;
}

int image_sniff(const void *data, size_t len, struct image_info *out)
{
        const unsigned char *p = data;
        uint32_t w = 0, h = 0;
        int fmt = -1;
        if (len > KD_MAX_IMAGE_BYTES)
                return IMAGE_TOO_LARGE;
        if (len >= 24 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(p + 12, "IHDR", 4) == 0) {
                w = be32(p + 16);
                h = be32(p + 20);
                fmt = FMT_PNG;
        } else if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
                if (jpeg_size(p, len, &w, &h) == 0)
                        fmt = FMT_JPEG;
        } else if (len >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) {
                if (webp_size(p, len, &w, &h) == 0)
                        fmt = FMT_WEBP;
        } else if (len >= 10 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) {
                w = le16(p + 6);
                h = le16(p + 8);
                fmt = FMT_GIF;
        }
        if (fmt < 0 || w == 0 || h == 0)
                return IMAGE_NOT_IMAGE;
        if (w > KD_MAX_IMAGE_SIDE || h > KD_MAX_IMAGE_SIDE || (uint64_t)w * h > KD_MAX_IMAGE_PIXELS)
                return IMAGE_TOO_MANY_PIXELS;
        out->mime = formats[fmt].mime;
        out->ext = formats[fmt].ext;
        out->width = w;
        out->height = h;
        return IMAGE_OK;
}

const char *image_problem(int result)
{
        switch (result) {
        case IMAGE_NOT_IMAGE:
                return N_("That file is not a PNG, JPEG, WebP or GIF image.");
        case IMAGE_TOO_LARGE:
                return N_("That image is too large; the limit is 8 MB.");
        case IMAGE_TOO_MANY_PIXELS:
                return N_(
                    "That image has too many pixels; the limit is 10,000 pixels a side and 40 "
                    "megapixels.");
        case IMAGE_OK:
                return NULL;
        default:
                return N_("The image could not be saved. Please try again.");
        }
}

const char *image_mime_ext(const char *mime)
{
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
                if (strcmp(formats[i].mime, mime) == 0)
                        return formats[i].ext;
        return NULL;
}

int image_save_file(const char *data_dir, const void *data, size_t len, struct image_info *info,
                    char *hex)
{
        int rc = image_sniff(data, len, info);
        if (rc != IMAGE_OK)
                return rc;
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, data, len);
        sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, digest, sizeof(digest));

        char name[96], path[4200];
        snprintf(name, sizeof(name), "%s.%s", hex, info->ext);
        if ((size_t)snprintf(path, sizeof(path), "%s/media/%s", data_dir, name) >= sizeof(path))
                return IMAGE_IO_ERROR;
        struct stat st;
        if (stat(path, &st) == 0 && (size_t)st.st_size == len)
                return IMAGE_OK; /* the same bytes, by their name */
        return media_write_file(data_dir, name, data, len) == MEDIA_OK ? IMAGE_OK : IMAGE_IO_ERROR;
}

int image_store(struct db *db, const char *data_dir, const void *data, size_t len,
                int64_t uploader_id, int64_t *id)
{
        struct image_info info;
        char hex[crypto_hash_sha256_BYTES * 2 + 1];
        int rc = image_save_file(data_dir, data, len, &info, hex);
        if (rc == IMAGE_IO_ERROR && db_kind(db) == DB_POSTGRESQL) {
                /* The database is the store there and this folder a cache: the upload stands,
                 * and this node serves it from the database (model/media_store.h). */
                log_warn("media: keeping image %s in the database only", hex);
                rc = IMAGE_OK;
        }
        if (rc != IMAGE_OK)
                return rc;
        /* The resized copies (model/image_variants.h), made once here, before any transaction
         * is open: libvips takes a moment and no write lock should wait on it. A copy this
         * folder could not take is made again on request. */
        int variants = image_variants_make(data_dir, hex, info.mime, info.width, data, len);
        if (variants < 0)
                variants = IMAGE_VARIANTS_PENDING;
        /* The row and (on PostgreSQL) the bytes commit together: no node ever finds an image
         * whose bytes it cannot get. Nested in a caller's transaction, this is a savepoint. */
        if (db_begin(db) != DB_OK)
                return IMAGE_DB_ERROR;
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO image (sha256, mime, width, height, bytes, uploader_id, created_at, "
                "variants) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                "ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id");
        if (!s) {
                db_rollback(db);
                return IMAGE_DB_ERROR;
        }
        db_bind_text(s, 1, hex);
        db_bind_text(s, 2, info.mime);
        db_bind_int(s, 3, info.width);
        db_bind_int(s, 4, info.height);
        db_bind_int(s, 5, (int64_t)len);
        if (uploader_id > 0)
                db_bind_int(s, 6, uploader_id);
        else
                db_bind_null(s, 6);
        db_bind_int(s, 7, time_now());
        db_bind_int(s, 8, variants);
        rc = db_step(s);
        if (rc == DB_ROW) {
                *id = db_col_int(s, 0);
                rc = db_step(s);
        }
        db_finish(s);
        if (rc == DB_DONE && media_record_bytes(db, *id, data, len) == MEDIA_OK &&
            db_commit(db) == DB_OK)
                return IMAGE_OK;
        db_rollback(db);
        return IMAGE_DB_ERROR;
}

const char *image_url(struct db *db, struct arena *a, int64_t id)
{
        struct db_stmt *s = db_prepare(db, "SELECT sha256, mime FROM image WHERE id = ?1");
        if (!s)
                return NULL;
        db_bind_int(s, 1, id);
        const char *url = NULL;
        if (db_step(s) == DB_ROW) {
                const char *ext = image_mime_ext(db_col_text(s, 1));
                if (ext)
                        url = arena_printf(a, "/media/%s.%s", db_col_text(s, 0), ext);
        }
        db_finish(s);
        return url;
}

int image_size(struct db *db, int64_t id, uint32_t *width, uint32_t *height)
{
        struct db_stmt *s = db_prepare(db, "SELECT width, height FROM image WHERE id = ?1");
        if (!s)
                return IMAGE_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = IMAGE_DB_ERROR;
        if (db_step(s) == DB_ROW) {
                *width = (uint32_t)db_col_int(s, 0);
                *height = (uint32_t)db_col_int(s, 1);
                rc = IMAGE_OK;
        }
        db_finish(s);
        return rc;
}

const char *image_stored_name_type(const char *name)
{
        size_t i = 0;
        for (; i < 64; i++) {
                char c = name[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                        return NULL;
        }
        if (name[i] != '.')
                return NULL;
        for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
                if (strcmp(name + i + 1, formats[f].ext) == 0)
                        return formats[f].mime;
        return NULL;
}

bool image_usable_by(struct db *db, int64_t id, int64_t member_id, int role_is_admin)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT 1 FROM image i WHERE i.id = ?1 AND (?3 <> 0 OR i.uploader_id = ?2 OR EXISTS "
                "(SELECT 1 FROM episode e JOIN newsletter n ON n.id = e.newsletter_id WHERE "
                "e.cover_image_id = i.id AND (n.owner_id = ?2 OR EXISTS (SELECT 1 FROM "
                "newsletter_author na WHERE na.newsletter_id = n.id AND na.member_id = ?2))))");
        if (!s)
                return false;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, member_id);
        db_bind_int(s, 3, role_is_admin ? 1 : 0);
        bool yes = db_step(s) == DB_ROW;
        db_finish(s);
        return yes;
}
