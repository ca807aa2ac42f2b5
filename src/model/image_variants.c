/* Responsive images: which resized copies an image has, making them with libvips, and making
 * them late (on request, at start-up) where they are missing. */
#include "model/image_variants.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "db/db.h"
#include "model/image.h"
#include "model/media_store.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <vips/vips.h>

static const uint32_t widths[] = KD_IMAGE_VARIANT_WIDTHS;

/* Quality settings: WebP at 75 and JPEG at 80 are where a photograph stops showing artefacts
 * at its displayed size; PNG stays lossless (drawings, screenshots). */
#define WEBP_QUALITY 75
#define JPEG_QUALITY 80

/* A damaged file is refused, not resized into grey: the loader fails on a decoding error
 * (thumbnail's own fail_on does not reach a PNG's rows; its loader options do). */
#define LOAD_OPTIONS "fail_on=error"

/* ------------------------------------------------------------------ libvips, once */

/* libvips is loaded when first needed (dlopen), not with the program: it stands on about ninety
 * libraries (GLib, the image codecs, OpenEXR, HDF5, FFTW ...) whose loading left 18.7 MB resident
 * in every process, images or not (docs/performance.md, "libvips loaded when first needed"). The
 * headers give the types and constants; these are the functions used. */
static struct {
        int (*version)(int flag);
        int (*init)(const char *argv0);
        const char *(*error_buffer)(void);
        void (*error_clear)(void);
        void (*concurrency_set)(int concurrency);
        void (*cache_set_max)(int max);
        void (*block_untrusted_set)(gboolean state);
        void (*operation_block_set)(const char *name, gboolean state);
        int (*thumbnail_buffer)(void *buf, size_t len, VipsImage **out, int width, ...);
        VipsImage *(*image_copy_memory)(VipsImage *image);
        int (*webpsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
        int (*jpegsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
        int (*pngsave_buffer)(VipsImage *in, void **buf, size_t *len, ...);
        void (*object_unref)(gpointer object);
        void (*free)(gpointer mem);
} vips;

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static bool vips_ready;

/* Fills vips from the library (its GLib functions come through it). false, logged, when the
 * library or a function is missing. */
static bool vips_load(void)
{
        /* the library's file is named by the ABI the headers describe (libvips.so.42 for
         * Debian 12's 8.14), so the one loaded is the one Kindred was built for */
        char file[32];
        snprintf(file, sizeof(file), "libvips.so.%d", VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE);
        void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
                log_error("images: cannot load libvips: %s", dlerror());
                return false;
        }
        struct {
                void **fn;
                const char *name;
        } fns[] = {
            {(void **)&vips.version, "vips_version"},
            {(void **)&vips.init, "vips_init"},
            {(void **)&vips.error_buffer, "vips_error_buffer"},
            {(void **)&vips.error_clear, "vips_error_clear"},
            {(void **)&vips.concurrency_set, "vips_concurrency_set"},
            {(void **)&vips.cache_set_max, "vips_cache_set_max"},
            {(void **)&vips.block_untrusted_set, "vips_block_untrusted_set"},
            {(void **)&vips.operation_block_set, "vips_operation_block_set"},
            {(void **)&vips.thumbnail_buffer, "vips_thumbnail_buffer"},
            {(void **)&vips.image_copy_memory, "vips_image_copy_memory"},
            {(void **)&vips.webpsave_buffer, "vips_webpsave_buffer"},
            {(void **)&vips.jpegsave_buffer, "vips_jpegsave_buffer"},
            {(void **)&vips.pngsave_buffer, "vips_pngsave_buffer"},
            {(void **)&vips.object_unref, "g_object_unref"},
            {(void **)&vips.free, "g_free"},
        };
        for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
                *fns[i].fn = dlsym(lib, fns[i].name);
                if (!*fns[i].fn) {
                        log_error("images: libvips has no %s", fns[i].name);
                        return false; /* the library stays loaded: harmless, and never again */
                }
        }
        return true;
}

/* libvips is started once per process, on first use (serve, import, the tests). It works one
 * image at a time on one thread here (the server's workers already use both cores), keeps no
 * operation cache (each image is seen once), and may only run the loaders of the four formats
 * image_sniff accepts: the bytes were checked, but a loader that is never reachable cannot be
 * attacked. */
static void vips_start(void)
{
        if (!vips_load())
                return;
        /* VIPS_INIT's check, which would call the library directly: the ABI the headers
         * describe */
        int abi = vips.version(3) - vips.version(5);
        if (abi != VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE) {
                log_error("images: libvips has ABI %d, Kindred was built for %d", abi,
                          VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE);
                return;
        }
        if (vips.init("kindred") != 0) {
                log_error("images: libvips did not start: %s", vips.error_buffer());
                vips.error_clear();
                return;
        }
        vips.concurrency_set(1);
        vips.cache_set_max(0);
        vips.block_untrusted_set(TRUE);
        vips.operation_block_set("VipsForeignLoad", TRUE);
        vips.operation_block_set("VipsForeignLoadJpegBuffer", FALSE);
        vips.operation_block_set("VipsForeignLoadPngBuffer", FALSE);
        vips.operation_block_set("VipsForeignLoadWebpBuffer", FALSE);
        vips_ready = true;
}

static bool vips_ok(void)
{
        pthread_once(&vips_once, vips_start);
        return vips_ready;
}

/* ------------------------------------------------------------------ names */

int image_variants_of(const char *mime, uint32_t width, struct image_variant *out)
{
        const char *ext = image_mime_ext(mime);
        if (!ext || strcmp(ext, "gif") == 0)
                return 0;
        bool is_webp = strcmp(ext, "webp") == 0;
        int n = 0;
        for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
                if (widths[i] >= width)
                        break;
                out[n++] = (struct image_variant){widths[i], true};
                if (!is_webp)
                        out[n++] = (struct image_variant){widths[i], false};
        }
        /* A full-size WebP, unless the 1600 px copy is already the largest anyone needs. */
        if (!is_webp && width <= widths[sizeof(widths) / sizeof(widths[0]) - 1])
                out[n++] = (struct image_variant){width, true};
        return n;
}

bool image_variant_name_parse(const char *name, char *sha256, uint32_t *width, const char **ext)
{
        size_t i = 0;
        for (; i < 64; i++) {
                char c = name[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                        return false;
        }
        if (name[i++] != '-')
                return false;
        if (name[i] < '1' || name[i] > '9') /* no leading zero: one name per copy */
                return false;
        uint32_t w = 0;
        for (size_t digits = 0; name[i] >= '0' && name[i] <= '9'; i++, digits++) {
                if (digits == 5)
                        return false;
                w = w * 10 + (uint32_t)(name[i] - '0');
        }
        if (name[i] != '.')
                return false;
        static const char *const exts[] = {"png", "jpg", "webp"};
        for (size_t f = 0; f < sizeof(exts) / sizeof(exts[0]); f++) {
                if (strcmp(name + i + 1, exts[f]) == 0) {
                        memcpy(sha256, name, 64);
                        sha256[64] = '\0';
                        *width = w;
                        *ext = exts[f];
                        return true;
                }
        }
        return false;
}

const char *image_variant_url(struct arena *a, const char *sha256, uint32_t width, const char *ext)
{
        return arena_printf(a, "/media/%s-%u.%s", sha256, width, ext);
}

static void variant_name(char *out, size_t size, const char *sha256, uint32_t width,
                         const char *ext)
{
        snprintf(out, size, "%s-%u.%s", sha256, width, ext);
}

static bool have_file(const char *data_dir, const char *name)
{
        char path[4200];
        if ((size_t)snprintf(path, sizeof(path), "%s/media/%s", data_dir, name) >= sizeof(path))
                return false;
        struct stat st;
        return stat(path, &st) == 0 && st.st_size > 0;
}

/* ------------------------------------------------------------------ making them */

/* Encodes img as ext ("webp", "jpg" or "png") into a g_malloc'd buffer. */
static int encode(VipsImage *img, const char *ext, void **out, size_t *len)
{
        if (strcmp(ext, "webp") == 0)
                return vips.webpsave_buffer(img, out, len, "Q", WEBP_QUALITY, "strip", TRUE, NULL);
        if (strcmp(ext, "jpg") == 0)
                return vips.jpegsave_buffer(img, out, len, "Q", JPEG_QUALITY, "strip", TRUE,
                                            "optimize_coding", TRUE, "interlace", TRUE, NULL);
        return vips.pngsave_buffer(img, out, len, "compression", 9, "strip", TRUE, NULL);
}

int image_variants_make(const char *data_dir, const char *sha256, const char *mime, uint32_t width,
                        const void *data, size_t len)
{
        struct image_variant v[2 * KD_IMAGE_VARIANT_MAX];
        int n = image_variants_of(mime, width, v);
        if (n == 0)
                return IMAGE_VARIANTS_NONE;
        const char *own_ext = image_mime_ext(mime);
        char name[128];
        bool missing = false;
        for (int i = 0; i < n && !missing; i++) {
                variant_name(name, sizeof(name), sha256, v[i].width, v[i].webp ? "webp" : own_ext);
                missing = !have_file(data_dir, name);
        }
        if (!missing)
                return IMAGE_VARIANTS_MADE;
        if (!vips_ok())
                return IMAGE_VARIANTS_NONE;
        int result = IMAGE_VARIANTS_MADE;
        /* One decode per width: libvips shrinks JPEG and WebP while decoding, so the smaller
         * copies cost a fraction of the full image each. */
        for (int i = 0; i < n && result == IMAGE_VARIANTS_MADE; i++) {
                if (i > 0 && v[i].width == v[i - 1].width)
                        continue; /* made with the previous one */
                VipsImage *img = NULL;
                if (vips.thumbnail_buffer((void *)data, len, &img, (int)v[i].width, "height",
                                          VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "option_string",
                                          LOAD_OPTIONS, NULL) != 0) {
                        log_warn("images: libvips cannot resize %s: %s", sha256,
                                 vips.error_buffer());
                        vips.error_clear();
                        result = IMAGE_VARIANTS_NONE;
                        break;
                }
                /* The thumbnail is a sequential pipeline, readable once: decode it into
                 * memory (at most 1600 px wide) so both formats are written from it. */
                VipsImage *pixels = vips.image_copy_memory(img);
                vips.object_unref(img);
                img = pixels;
                if (!img) {
                        log_warn("images: libvips cannot decode %s: %s", sha256,
                                 vips.error_buffer());
                        vips.error_clear();
                        result = IMAGE_VARIANTS_NONE;
                        break;
                }
                for (int j = i; j < n && v[j].width == v[i].width; j++) {
                        const char *ext = v[j].webp ? "webp" : own_ext;
                        variant_name(name, sizeof(name), sha256, v[j].width, ext);
                        if (have_file(data_dir, name))
                                continue;
                        void *bytes = NULL;
                        size_t size = 0;
                        if (encode(img, ext, &bytes, &size) != 0) {
                                log_warn("images: libvips cannot write %s: %s", name,
                                         vips.error_buffer());
                                vips.error_clear();
                                result = IMAGE_VARIANTS_NONE;
                                break;
                        }
                        if (media_write_file(data_dir, name, bytes, size) != MEDIA_OK)
                                result = -1;
                        vips.free(bytes);
                        if (result != IMAGE_VARIANTS_MADE)
                                break;
                }
                vips.object_unref(img);
        }
        return result;
}

int image_avatar_square(const void *data, size_t len, int side, struct buf *out)
{
        buf_reset(out);
        if (!vips_ok())
                return -1;
        VipsImage *img = NULL;
        if (vips.thumbnail_buffer((void *)data, len, &img, side, "height", side, "crop",
                                  VIPS_INTERESTING_ATTENTION, "option_string", LOAD_OPTIONS,
                                  NULL) != 0) {
                log_warn("images: libvips cannot make an avatar: %s", vips.error_buffer());
                vips.error_clear();
                return -1;
        }
        void *bytes = NULL;
        size_t size = 0;
        int rc = encode(img, "webp", &bytes, &size);
        vips.object_unref(img);
        if (rc != 0) {
                vips.error_clear();
                return -1;
        }
        buf_append(out, bytes, size);
        vips.free(bytes);
        return 0;
}

/* ------------------------------------------------------------------ making them late */

static int record_state(struct db *db, int64_t id, int state)
{
        struct db_stmt *s = db_prepare(db, "UPDATE image SET variants = ?2 WHERE id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, state);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

/* Loads the original's bytes and makes its copies. Returns as image_variants_make, or -2
 * when the original cannot be read. */
static int make_from_store(struct db *db, const char *data_dir, const char *sha256,
                           const char *mime, uint32_t width)
{
        struct buf bytes = {0};
        int rc = media_load(db, data_dir, sha256, mime, &bytes);
        if (rc != MEDIA_OK) {
                buf_free(&bytes);
                return rc == MEDIA_DB_ERROR ? -2 : IMAGE_VARIANTS_NONE;
        }
        rc = image_variants_make(data_dir, sha256, mime, width, bytes.data, bytes.len);
        buf_free(&bytes);
        return rc;
}

int image_variant_ensure(struct db *db, const char *data_dir, const char *name)
{
        char sha[65];
        uint32_t width;
        const char *ext;
        if (!image_variant_name_parse(name, sha, &width, &ext))
                return -1;
        struct db_stmt *s =
            db_prepare(db, "SELECT id, mime, width, variants FROM image WHERE sha256 = ?1");
        if (!s)
                return -2;
        db_bind_text(s, 1, sha);
        int step = db_step(s);
        if (step != DB_ROW) {
                db_finish(s);
                return step == DB_DONE ? -1 : -2;
        }
        int64_t id = db_col_int(s, 0);
        char mime[32];
        snprintf(mime, sizeof(mime), "%s", db_col_text(s, 1));
        uint32_t image_width = (uint32_t)db_col_int(s, 2);
        int64_t state = db_col_int(s, 3);
        db_finish(s);
        /* libvips refused these bytes once: decoding them again on every request for a copy
         * would let anyone spend a decode of up to KD_MAX_IMAGE_PIXELS per request */
        if (state == IMAGE_VARIANTS_NONE)
                return -3;

        struct image_variant v[2 * KD_IMAGE_VARIANT_MAX];
        int n = image_variants_of(mime, image_width, v);
        const char *own_ext = image_mime_ext(mime);
        bool listed = false;
        for (int i = 0; i < n && !listed; i++)
                listed = v[i].width == width && strcmp(v[i].webp ? "webp" : own_ext, ext) == 0;
        if (!listed)
                return -1;
        int rc = make_from_store(db, data_dir, sha, mime, image_width);
        if (rc == IMAGE_VARIANTS_MADE || rc == IMAGE_VARIANTS_NONE)
                record_state(db, id, rc); /* a failure to record is harmless: made again */
        return rc == IMAGE_VARIANTS_MADE ? 0 : rc == IMAGE_VARIANTS_NONE ? -3 : -2;
}

int image_variants_backfill(struct db *db, const char *data_dir)
{
        int made = 0;
        int64_t after = 0;
        for (;;) {
                /* One image at a time, so no statement stays open while libvips works. */
                struct db_stmt *s = db_prepare(
                    db, "SELECT id, sha256, mime, width FROM image WHERE variants = 0 AND id > ?1 "
                        "ORDER BY id LIMIT 1");
                if (!s)
                        return -1;
                db_bind_int(s, 1, after);
                int step = db_step(s);
                if (step != DB_ROW) {
                        db_finish(s);
                        if (step != DB_DONE)
                                return -1;
                        break;
                }
                after = db_col_int(s, 0);
                char sha[65], mime[32];
                snprintf(sha, sizeof(sha), "%s", db_col_text(s, 1));
                snprintf(mime, sizeof(mime), "%s", db_col_text(s, 2));
                uint32_t width = (uint32_t)db_col_int(s, 3);
                db_finish(s);
                int rc = make_from_store(db, data_dir, sha, mime, width);
                if (rc == -2)
                        return -1;
                if (rc == -1)
                        continue; /* the folder refused a file: left pending for next time */
                if (record_state(db, after, rc) != 0)
                        return -1;
                if (rc == IMAGE_VARIANTS_MADE)
                        made++;
        }
        if (made > 0)
                log_info("images: made the resized copies of %d image%s", made,
                         made == 1 ? "" : "s");
        return made;
}

const char *image_original_url(struct db *db, struct arena *a, const char *sha256)
{
        struct db_stmt *s = db_prepare(db, "SELECT mime FROM image WHERE sha256 = ?1");
        if (!s)
                return NULL;
        db_bind_text(s, 1, sha256);
        const char *url = NULL;
        if (db_step(s) == DB_ROW) {
                const char *ext = image_mime_ext(db_col_text(s, 0));
                if (ext)
                        url = arena_printf(a, "/media/%s.%s", sha256, ext);
        }
        db_finish(s);
        return url;
}
