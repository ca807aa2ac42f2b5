/* Responsive images: the resized copies of an uploaded image, made with libvips.
 *
 * An image of width W stored as media/<sha256>.<ext> gets, for each of 480, 960 and 1600 px
 * below W, media/<sha256>-<width>.<ext> (its own format) and media/<sha256>-<width>.webp, plus
 * a full-size media/<sha256>-<W>.webp when W is at most 1600 and it is not WebP already. The
 * names follow from the original alone (its hash, format and width), so pages write srcset
 * without asking which copies exist, and a node that lacks one makes it from the original when
 * it is asked for (web/media.c). Animated or not, a GIF gets none: resizing would drop its
 * frames. Copies are stripped of metadata (a phone photo's location stays in the original
 * only, which the author chose to upload).
 *
 * Why libvips (Debian's libvips-dev): it streams and shrinks on load (a 40-megapixel JPEG is
 * decoded at a fraction of its size), is thread-safe, writes WebP, JPEG and PNG, is packaged
 * and security-maintained in Debian, and is what large image services run on. ImageMagick
 * (heavier, a policy file to harden) and hand-written libjpeg/libpng/libwebp code (three
 * decoders to keep safe, our own resampling) were the alternatives. */
#ifndef KD_IMAGE_VARIANTS_H
#define KD_IMAGE_VARIANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct db;

/* The widths copies are made at, smallest first. */
#define KD_IMAGE_VARIANT_WIDTHS                                                                    \
        {                                                                                          \
                480, 960, 1600                                                                     \
        }
#define KD_IMAGE_VARIANT_MAX 4 /* the widths above and a full-size WebP */

/* image.variants (migration 017) */
enum image_variants_state {
        IMAGE_VARIANTS_PENDING = 0,
        IMAGE_VARIANTS_MADE = 1,
        IMAGE_VARIANTS_NONE = 2, /* a GIF, or bytes libvips refuses: the original only */
};

/* One copy of an image: its width and whether it is the WebP one. */
struct image_variant {
        uint32_t width;
        bool webp;
};

/* The copies an image of this MIME type and width has (at most KD_IMAGE_VARIANT_MAX of each
 * kind in out[2 * KD_IMAGE_VARIANT_MAX]), smallest first, WebP and own format interleaved.
 * Returns how many (0 for a GIF or an unknown type). */
int image_variants_of(const char *mime, uint32_t width, struct image_variant *out);

/* Reads a stored copy's name "<64 hex>-<width>.<ext>": fills sha256 (65 bytes), *width and
 * *ext (static) and returns true, or false when name is not shaped like one. Whether that
 * image has such a copy is image_variants_of's answer for it. */
bool image_variant_name_parse(const char *name, char *sha256, uint32_t *width, const char **ext);

/* The copy's public path "/media/<sha256>-<width>.<ext>" (arena string). */
const char *image_variant_url(struct arena *a, const char *sha256, uint32_t width, const char *ext);

/* Makes every copy of the image (data, len: its original bytes, already checked by
 * image_sniff) that <data_dir>/media lacks, each written atomically. Returns
 * IMAGE_VARIANTS_MADE, IMAGE_VARIANTS_NONE (a GIF, or libvips refused the bytes: logged) or
 * -1 when a file could not be written (logged). */
int image_variants_make(const char *data_dir, const char *sha256, const char *mime, uint32_t width,
                        const void *data, size_t len);

/* The copy name ("<sha256>-<width>.<ext>") on request: loads the original (folder or, on
 * PostgreSQL, database), makes its copies when the name is one of them, and returns 0 (the
 * file is in the folder now), -1 when no image has such a copy (404), -3 when the image has
 * it but it cannot be made (libvips refuses the original: serve the original instead), or -2
 * on a database or folder failure (503). */
int image_variant_ensure(struct db *db, const char *data_dir, const char *name);

/* The original's path "/media/<sha256>.<ext>" (arena string), or NULL when no image has
 * that hash. */
const char *image_original_url(struct db *db, struct arena *a, const char *sha256);

/* Makes the copies of every image whose image.variants is still 0 (stored before migration
 * 017, or imported), one image at a time, and records the outcome. Returns how many it made,
 * or -1 on a database failure. */
int image_variants_backfill(struct db *db, const char *data_dir);

/* A square WebP of side px for an avatar, centred on what libvips finds interesting, from an
 * upload already checked by image_sniff, appended to out (reset first). Returns 0 or -1 when
 * libvips refuses the bytes. */
int image_avatar_square(const void *data, size_t len, int side, struct buf *out);

#endif
