/* Avatars: a member's uploaded picture (a square WebP made from their upload, stored like any
 * image) or, without one, a generated one: their initials on a colour picked from their id,
 * so the same member always looks the same and two members rarely alike. Every colour of the
 * palette holds white text at a contrast of at least 4.5:1 (WCAG AA for normal text; checked
 * by tests/unit/test_avatar.c). */
#ifndef KD_AVATAR_H
#define KD_AVATAR_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

/* The side, in pixels, of the square an uploaded avatar is stored at: twice the largest size
 * a page shows one (a profile's 96 px), for sharp pictures on high-density screens. */
#define KD_AVATAR_SIDE 192

/* How many colours a generated avatar chooses from. */
#define KD_AVATAR_COLOURS 12

/* The background colour ("#rrggbb", static) of member_id's generated avatar. */
const char *avatar_colour(int64_t member_id);

/* The palette entry i (0 <= i < KD_AVATAR_COLOURS), for the contrast test. */
const char *avatar_palette(int i);

/* Up to two initials of a display name, in out (at least 16 bytes): the first character of
 * its first and last words, upper-cased when ASCII; one character for a one-word name or a
 * Chinese, Japanese or Korean name (its first character). "?" for an empty name. */
void avatar_initials(const char *name, char *out, size_t size);

enum avatar_result {
        AVATAR_OK = 0,
        AVATAR_NOT_IMAGE = -1, /* or one of the image limits: see avatar_problem() */
        AVATAR_DB_ERROR = -2,
};

/* Makes a KD_AVATAR_SIDE square WebP of the upload (already within the image limits, checked
 * here again by image_store's sniff) and makes it member_id's avatar. *image_result gets the
 * enum image_result when the upload was refused (image_problem() explains it). Returns an
 * enum avatar_result. */
int avatar_set(struct db *db, const char *data_dir, int64_t member_id, const void *data, size_t len,
               int *image_result);

/* Goes back to the generated avatar. Returns AVATAR_OK or AVATAR_DB_ERROR. */
int avatar_clear(struct db *db, int64_t member_id);

/* The path of member_id's uploaded avatar ("/media/<sha256>.webp", arena string), or NULL for
 * the generated one. */
const char *avatar_url(struct db *db, struct arena *a, int64_t member_id);

/* SQL pieces for loaders that name members: a column giving the avatar's path (NULL for
 * none) of the member row aliased `alias`, so a list of comments gets every author's avatar
 * in its one query. Use as AVATAR_URL_SQL("m"). */
#define AVATAR_URL_SQL(alias)                                                                      \
        "(SELECT '/media/' || av.sha256 || '.webp' FROM image av WHERE av.id = " alias             \
        ".avatar_image_id AND av.mime = 'image/webp')"

#endif
