/* Avatars: generated initials and colours, and uploaded pictures made square. */
#include "model/avatar.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "model/image.h"
#include "model/image_variants.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Twelve hues, each dark enough for white initials at 5.4:1 or more. */
static const char *const palette[KD_AVATAR_COLOURS] = {
    "#9b2c2c", "#9a3412", "#7c5a00", "#3f6212", "#166534", "#0f766e",
    "#155e75", "#1e40af", "#4338ca", "#6b21a8", "#86198f", "#9d174d",
};

const char *avatar_palette(int i)
{
        return palette[i];
}

const char *avatar_colour(int64_t member_id)
{
        /* A multiplicative hash spreads neighbouring ids (members who signed up together and
         * talk together) over the palette instead of walking it in order. */
        uint64_t h = (uint64_t)member_id * 0x9E3779B97F4A7C15ull;
        return palette[(h >> 32) % KD_AVATAR_COLOURS];
}

/* The length of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const unsigned char *s)
{
        if (*s < 0x80)
                return 1;
        size_t n = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : *s >= 0xC0 ? 2 : 1;
        for (size_t i = 1; i < n; i++)
                if ((s[i] & 0xC0) != 0x80)
                        return 1;
        return n;
}

/* True for a character of the CJK blocks (kana, Hangul, ideographs and their punctuation). */
static bool is_cjk(const unsigned char *s)
{
        size_t n = char_len(s);
        if (n < 3)
                return false;
        uint32_t c =
            n == 3 ? (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F)
                   : (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
                         (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
               (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static void put_char(const unsigned char *c, char *out, size_t *used, size_t size)
{
        size_t n = char_len(c);
        if (*used + n + 1 > size)
                return;
        for (size_t i = 0; i < n; i++) {
                unsigned char ch = c[i];
                out[(*used)++] = (char)(n == 1 && ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
        }
        out[*used] = '\0';
}

void avatar_initials(const char *name, char *out, size_t size)
{
        const unsigned char *s = (const unsigned char *)name;
        const unsigned char *first = NULL, *last = NULL;
        bool in_word = false;
        for (; *s; s += char_len(s)) {
                bool space = *s == ' ' || *s == '\t' || *s == '-' || *s == '.' || *s == '_';
                if (!space && !in_word) {
                        if (!first)
                                first = s;
                        else
                                last = s;
                }
                in_word = !space;
        }
        size_t used = 0;
        out[0] = '\0';
        if (!first) {
                snprintf(out, size, "?");
                return;
        }
        put_char(first, out, &used, size);
        /* Chinese, Japanese and Korean names make one initial: their words are not
         * separated the way "Mira Okafor" is, and a second character is not an initial. */
        if (last && !is_cjk(first) && !is_cjk(last))
                put_char(last, out, &used, size);
}

int avatar_set(struct db *db, const char *data_dir, int64_t member_id, const void *data, size_t len,
               int *image_result)
{
        struct image_info info;
        *image_result = image_sniff(data, len, &info);
        if (*image_result != IMAGE_OK)
                return AVATAR_NOT_IMAGE;
        struct buf square = {0};
        if (image_avatar_square(data, len, KD_AVATAR_SIDE, &square) != 0) {
                buf_free(&square);
                *image_result = IMAGE_NOT_IMAGE;
                return AVATAR_NOT_IMAGE;
        }
        int64_t id = 0;
        int rc = AVATAR_DB_ERROR;
        if (db_begin(db) != DB_OK)
                goto cleanup;
        *image_result = image_store(db, data_dir, square.data, square.len, member_id, &id);
        if (*image_result != IMAGE_OK) {
                db_rollback(db);
                rc = *image_result == IMAGE_DB_ERROR ? AVATAR_DB_ERROR : AVATAR_NOT_IMAGE;
                goto cleanup;
        }
        struct db_stmt *s = db_prepare(db, "UPDATE member SET avatar_image_id = ?2 WHERE id = ?1");
        if (!s) {
                db_rollback(db);
                goto cleanup;
        }
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, id);
        int step = db_step(s);
        db_finish(s);
        if (step == DB_DONE && db_commit(db) == DB_OK)
                rc = AVATAR_OK;
        else
                db_rollback(db);
cleanup:
        buf_free(&square);
        return rc;
}

int avatar_clear(struct db *db, int64_t member_id)
{
        struct db_stmt *s =
            db_prepare(db, "UPDATE member SET avatar_image_id = NULL WHERE id = ?1");
        if (!s)
                return AVATAR_DB_ERROR;
        db_bind_int(s, 1, member_id);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? AVATAR_OK : AVATAR_DB_ERROR;
}

const char *avatar_url(struct db *db, struct arena *a, int64_t member_id)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT " AVATAR_URL_SQL("m") " FROM member m WHERE m.id = ?1");
        if (!s)
                return NULL;
        db_bind_int(s, 1, member_id);
        const char *url = NULL;
        if (db_step(s) == DB_ROW && !db_col_is_null(s, 0))
                url = arena_strdup(a, db_col_text(s, 0));
        db_finish(s);
        return url;
}
