/* Images: recognising PNG, JPEG, WebP and GIF by their bytes, and storing uploads
 * content-addressed under the data folder (media/<sha256>.<ext>) and, on PostgreSQL, in the
 * database too (model/media_store.h). */
#ifndef KD_IMAGE_H
#define KD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct image_info {
        const char *mime; /* static: "image/png", "image/jpeg", "image/webp", "image/gif" */
        const char *ext;  /* static: "png", "jpg", "webp", "gif" */
        uint32_t width, height;
};

enum image_result {
        IMAGE_OK = 0,
        IMAGE_NOT_IMAGE = -1, /* not one of the four formats, or its header is damaged */
        IMAGE_TOO_LARGE = -2, /* more than KD_MAX_IMAGE_BYTES */
        IMAGE_TOO_MANY_PIXELS =
            -3, /* a side over KD_MAX_IMAGE_SIDE or area over KD_MAX_IMAGE_PIXELS */
        IMAGE_IO_ERROR = -4,
        IMAGE_DB_ERROR = -5,
};

/* Reads the format and pixel size from the first bytes of data, whatever the file was called.
 * Returns IMAGE_OK with *out filled, IMAGE_NOT_IMAGE, IMAGE_TOO_LARGE or
 * IMAGE_TOO_MANY_PIXELS. */
int image_sniff(const void *data, size_t len, struct image_info *out);

/* A msgid explaining a negative image_result to the person who uploaded. */
const char *image_problem(int result);

/* Checks data with image_sniff and writes it to <data_dir>/media/<sha256>.<ext> (atomically;
 * nothing is written when that file is already there), without recording it. Fills *info and
 * sha256_hex (65 bytes) when it returns IMAGE_OK or IMAGE_IO_ERROR (the file could not be
 * written). Returns IMAGE_OK or a negative enum image_result. */
int image_save_file(const char *data_dir, const void *data, size_t len, struct image_info *info,
                    char *sha256_hex);

/* Checks data with image_sniff, writes it to <data_dir>/media/<sha256>.<ext> (atomically, once:
 * the same bytes uploaded twice are one image) and records it, on PostgreSQL with its bytes, in
 * one transaction (a savepoint inside the caller's). On PostgreSQL a folder that refuses the
 * file is only warned about: the database holds the image. Sets *id. Returns IMAGE_OK or a
 * negative enum image_result. */
int image_store(struct db *db, const char *data_dir, const void *data, size_t len,
                int64_t uploader_id, int64_t *id);

/* The public path of image id ("/media/<sha256>.<ext>", arena string), or NULL when unknown. */
const char *image_url(struct db *db, struct arena *a, int64_t id);

/* True when member_id (with role) may use image id as a cover: they uploaded it, it is a cover
 * in a newsletter they may write in, or they are an admin. Others' unpublished uploads stay
 * theirs. */
bool image_usable_by(struct db *db, int64_t id, int64_t member_id, int role_is_admin);

/* Width and height of image id; returns IMAGE_OK or IMAGE_DB_ERROR when unknown. */
int image_size(struct db *db, int64_t id, uint32_t *width, uint32_t *height);

/* The file extension for one of the four MIME types ("png" ...), or NULL for any other. */
const char *image_mime_ext(const char *mime);

/* The MIME type for a stored file name "<64 hex>.<ext>", or NULL when the name is not one
 * image_store could have written (so nothing else under the data folder can be served). */
const char *image_stored_name_type(const char *name);

#endif
