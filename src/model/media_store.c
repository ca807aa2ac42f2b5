/* Image bytes in the data folder and, on PostgreSQL, in the database: writing, copying out,
 * checking against the content address. */
#include "model/media_store.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db.h"
#include "model/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { HEX_LEN = crypto_hash_sha256_BYTES * 2 };

/* ------------------------------------------------------------------ files in media/ */

/* <data_dir>/media into dir (created when missing). Returns 0 or -1 (logged). */
static int media_dir(const char *data_dir, char *dir, size_t size)
{
        if ((size_t)snprintf(dir, size, "%s/media", data_dir) >= size) {
                log_error("media: the data folder's path is too long");
                return -1;
        }
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
                log_error("media: cannot create %s: %s", dir, strerror(errno));
                return -1;
        }
        return 0;
}

/* A new temporary file in dir, named so that no image name can clash with it (image names
 * are hex with an extension; image_stored_name_type refuses anything else, so a leftover is
 * never served). Returns its descriptor with its name in tmp, or -1 with errno set. */
static int temp_open(const char *dir, char *tmp, size_t size)
{
        if ((size_t)snprintf(tmp, size, "%s/.partial-XXXXXX", dir) >= size) {
                errno = ENAMETOOLONG;
                return -1;
        }
        return mkstemp(tmp);
}

static int write_all(int fd, const void *data, size_t len)
{
        const char *p = data;
        while (len) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Makes the temporary file durable and gives it its final name; removes it on failure.
 * Closes fd either way. Returns 0 or -1 with errno set. */
static int temp_commit(int fd, const char *tmp, const char *path)
{
        if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
                int e = errno;
                close(fd);
                unlink(tmp);
                errno = e;
                return -1;
        }
        close(fd);
        /* rename replaces atomically: a racing writer's file had the same bytes */
        if (rename(tmp, path) != 0) {
                int e = errno;
                unlink(tmp);
                errno = e;
                return -1;
        }
        return 0;
}

int media_write_file(const char *data_dir, const char *name, const void *data, size_t len)
{
        char dir[4096], tmp[4200], path[4200];
        if (media_dir(data_dir, dir, sizeof(dir)) != 0)
                return MEDIA_IO_ERROR;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
                return MEDIA_IO_ERROR;
        int fd = temp_open(dir, tmp, sizeof(tmp));
        if (fd < 0) {
                log_error("media: cannot write in %s: %s", dir, strerror(errno));
                return MEDIA_IO_ERROR;
        }
        if (write_all(fd, data, len) != 0) {
                log_error("media: cannot write %s: %s", tmp, strerror(errno));
                close(fd);
                unlink(tmp);
                return MEDIA_IO_ERROR;
        }
        if (temp_commit(fd, tmp, path) != 0) {
                log_error("media: cannot write %s: %s", path, strerror(errno));
                return MEDIA_IO_ERROR;
        }
        return MEDIA_OK;
}

int media_sweep_partials(const char *data_dir, int64_t max_age_s)
{
        char dir[4096];
        if ((size_t)snprintf(dir, sizeof(dir), "%s/media", data_dir) >= sizeof(dir))
                return 0;
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        int removed = 0;
        time_t now = time(NULL);
        struct dirent *e;
        while ((e = readdir(d))) {
                /* ".upload-": the name image uploads used before this file took the writing */
                if (strncmp(e->d_name, ".partial-", 9) != 0 &&
                    strncmp(e->d_name, ".upload-", 8) != 0)
                        continue;
                struct stat st;
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
                    !S_ISREG(st.st_mode) || now - st.st_mtime < max_age_s)
                        continue;
                if (unlinkat(dirfd(d), e->d_name, 0) == 0)
                        removed++;
        }
        closedir(d);
        if (removed)
                log_info("media: removed %d unfinished temporary file%s from %s", removed,
                         removed == 1 ? "" : "s", dir);
        return removed;
}

/* True when digest, written in hex, is the first 64 characters of name. */
static bool digest_names(const unsigned char *digest, const char *name)
{
        char hex[HEX_LEN + 1];
        sodium_bin2hex(hex, sizeof(hex), digest, crypto_hash_sha256_BYTES);
        return strncmp(hex, name, HEX_LEN) == 0;
}

/* Reads <data_dir>/media/<name> into out (reset first), at most KD_MAX_IMAGE_BYTES. */
static int read_file(const char *data_dir, const char *name, struct buf *out)
{
        char path[4200];
        if ((size_t)snprintf(path, sizeof(path), "%s/media/%s", data_dir, name) >= sizeof(path))
                return MEDIA_IO_ERROR;
        buf_reset(out);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? MEDIA_NOT_FOUND : MEDIA_IO_ERROR;
        struct stat st;
        int rc = MEDIA_OK;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > KD_MAX_IMAGE_BYTES) {
                rc = MEDIA_IO_ERROR;
                goto cleanup;
        }
        char chunk[65536];
        ssize_t n;
        while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 || out->len + (size_t)n > KD_MAX_IMAGE_BYTES) {
                        rc = MEDIA_IO_ERROR;
                        goto cleanup;
                }
                buf_append(out, chunk, (size_t)n);
        }
cleanup:
        close(fd);
        if (rc != MEDIA_OK)
                buf_reset(out);
        return rc;
}

/* ------------------------------------------------------------------ bytes in the database */

int media_record_bytes(struct db *db, int64_t image_id, const void *data, size_t len)
{
        if (db_kind(db) != DB_POSTGRESQL)
                return MEDIA_OK;
        /* The same picture uploaded again is the same image: do not ship its bytes twice. */
        struct db_stmt *s = db_prepare(db, "SELECT 1 FROM image_blob WHERE image_id = ?1");
        if (!s)
                return MEDIA_DB_ERROR;
        db_bind_int(s, 1, image_id);
        int rc = db_step(s);
        db_finish(s);
        if (rc == DB_ROW)
                return MEDIA_OK;
        if (rc != DB_DONE)
                return MEDIA_DB_ERROR;
        s = db_prepare(db, "INSERT INTO image_blob (image_id, data) VALUES (?1, ?2) "
                           "ON CONFLICT (image_id) DO NOTHING");
        if (!s)
                return MEDIA_DB_ERROR;
        db_bind_int(s, 1, image_id);
        db_bind_blob(s, 2, data, len);
        rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? MEDIA_OK : MEDIA_DB_ERROR;
}

/* What the database knows of a stored file name. */
struct stored {
        int64_t image_id;
        int64_t bytes;
        bool has_blob;
};

/* Looks name ("<sha256>.<ext>") up: the image whose hash is the name's and whose format is its
 * extension's (so <sha>.gif never serves a PNG's bytes). PostgreSQL only. */
static int find_stored(struct db *db, const char *name, struct stored *out)
{
        const char *mime = image_stored_name_type(name);
        if (!mime)
                return MEDIA_NOT_FOUND;
        struct db_stmt *s = db_prepare(
            db, "SELECT i.id, i.bytes, EXISTS (SELECT 1 FROM image_blob b WHERE b.image_id = i.id) "
                "FROM image i WHERE i.sha256 = ?1 AND i.mime = ?2");
        if (!s)
                return MEDIA_DB_ERROR;
        db_bind_textn(s, 1, name, HEX_LEN);
        db_bind_text(s, 2, mime);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                out->image_id = db_col_int(s, 0);
                out->bytes = db_col_int(s, 1);
                out->has_blob = db_col_int(s, 2) != 0;
        }
        db_finish(s);
        if (rc == DB_ROW)
                return MEDIA_OK;
        return rc == DB_DONE ? MEDIA_NOT_FOUND : MEDIA_DB_ERROR;
}

int media_in_database(struct db *db, const char *name)
{
        if (db_kind(db) != DB_POSTGRESQL)
                return MEDIA_NOT_FOUND;
        struct stored st;
        int rc = find_stored(db, name, &st);
        if (rc == MEDIA_OK && !st.has_blob)
                return MEDIA_NOT_FOUND;
        return rc;
}

/* Where the slices of an image go: a file being written, or a buffer. */
struct sink {
        int fd;          /* >= 0: write here */
        struct buf *out; /* otherwise: append here */
};

/* Streams image st's bytes from image_blob into sink, a slice at a time, and checks their
 * length against the image row and their SHA-256 against name. Returns MEDIA_OK,
 * MEDIA_NOT_FOUND (the row went away), MEDIA_CORRUPT, MEDIA_DB_ERROR, or MEDIA_IO_ERROR when
 * the sink's file refused a write. */
static int stream_blob(struct db *db, const struct stored *st, const char *name, struct sink *k)
{
        crypto_hash_sha256_state hash;
        crypto_hash_sha256_init(&hash);
        int64_t offset = 0;
        int rc = MEDIA_OK;
        if (st->bytes <= 0 || st->bytes > KD_MAX_IMAGE_BYTES)
                rc = MEDIA_CORRUPT;
        while (rc == MEDIA_OK && offset < st->bytes) {
                /* substr counts from 1 on both engines; length() of a blob is its bytes */
                struct db_stmt *s = db_prepare(
                    db, "SELECT substr(b.data, CAST(?2 AS INTEGER), CAST(?3 AS INTEGER)), "
                        "length(b.data) FROM image_blob b WHERE b.image_id = ?1");
                if (!s)
                        return MEDIA_DB_ERROR;
                db_bind_int(s, 1, st->image_id);
                db_bind_int(s, 2, offset + 1);
                db_bind_int(s, 3, KD_MEDIA_DB_SLICE_BYTES);
                int step = db_step(s);
                if (step != DB_ROW) {
                        db_finish(s);
                        return step == DB_DONE ? MEDIA_NOT_FOUND : MEDIA_DB_ERROR;
                }
                size_t n = db_col_bytes(s, 0);
                const void *p = db_col_blob(s, 0);
                if (db_col_int(s, 1) != st->bytes || n == 0 || (int64_t)n > st->bytes - offset) {
                        rc = MEDIA_CORRUPT;
                } else {
                        crypto_hash_sha256_update(&hash, p, n);
                        if (k->fd >= 0) {
                                if (write_all(k->fd, p, n) != 0)
                                        rc = MEDIA_IO_ERROR;
                        } else {
                                buf_append(k->out, p, n);
                        }
                        offset += (int64_t)n;
                }
                db_finish(s);
        }
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&hash, digest);
        if (rc == MEDIA_OK && !digest_names(digest, name))
                rc = MEDIA_CORRUPT;
        if (rc == MEDIA_CORRUPT)
                log_error("media: the database's bytes of image %lld do not match %s (length or "
                          "SHA-256); not served",
                          (long long)st->image_id, name);
        return rc;
}

int media_cache_fill(struct db *db, const char *data_dir, const char *name, struct buf *body)
{
        if (db_kind(db) != DB_POSTGRESQL)
                return MEDIA_NOT_FOUND;
        struct stored st;
        int rc = find_stored(db, name, &st);
        if (rc != MEDIA_OK)
                return rc;
        if (!st.has_blob)
                return MEDIA_NOT_FOUND;
        char dir[4096], tmp[4200], path[4200];
        int fd = -1, why = ENAMETOOLONG;
        if (media_dir(data_dir, dir, sizeof(dir)) == 0 &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path)) {
                fd = temp_open(dir, tmp, sizeof(tmp));
                why = errno;
        }
        if (fd >= 0) {
                /* Each request writes a file of its own; the first rename wins, and any later
                 * one replaces it with the same bytes, so concurrent first requests are safe. */
                struct sink k = {.fd = fd};
                rc = stream_blob(db, &st, name, &k);
                why = errno;
                if (rc == MEDIA_OK) {
                        if (temp_commit(fd, tmp, path) == 0)
                                return MEDIA_OK;
                        why = errno;
                        rc = MEDIA_IO_ERROR;
                } else {
                        close(fd);
                        unlink(tmp);
                }
                if (rc != MEDIA_IO_ERROR)
                        return rc;
        }
        /* The folder cannot keep a copy (read-only, full, no permission): serve this request
         * from the database anyway, and say so once, not once per image request. */
        static atomic_flag warned = ATOMIC_FLAG_INIT;
        if (!atomic_flag_test_and_set(&warned))
                log_warn("media: cannot keep copies of images in %s/media (%s); serving them from "
                         "the database on every request",
                         data_dir, strerror(why));
        buf_reset(body);
        struct sink k = {.fd = -1, .out = body};
        rc = stream_blob(db, &st, name, &k);
        if (rc != MEDIA_OK) {
                buf_reset(body);
                return rc;
        }
        return MEDIA_IN_MEMORY;
}

int media_load(struct db *db, const char *data_dir, const char *sha256, const char *mime,
               struct buf *out)
{
        const char *ext = image_mime_ext(mime);
        if (!ext || strlen(sha256) != HEX_LEN)
                return MEDIA_NOT_FOUND;
        char name[HEX_LEN + 8];
        snprintf(name, sizeof(name), "%s.%s", sha256, ext);
        buf_reset(out);
        if (db_kind(db) == DB_POSTGRESQL) {
                struct stored st;
                int rc = find_stored(db, name, &st);
                if (rc == MEDIA_DB_ERROR)
                        return rc;
                if (rc == MEDIA_OK && st.has_blob) {
                        struct sink k = {.fd = -1, .out = out};
                        rc = stream_blob(db, &st, name, &k);
                        if (rc != MEDIA_OK)
                                buf_reset(out);
                        return rc;
                }
        }
        int rc = read_file(data_dir, name, out);
        if (rc != MEDIA_OK)
                return rc;
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, (const unsigned char *)(out->data ? out->data : ""), out->len);
        if (!digest_names(digest, name)) {
                log_error("media: %s/media/%s does not hash to its name", data_dir, name);
                buf_reset(out);
                return MEDIA_CORRUPT;
        }
        return MEDIA_OK;
}

/* ------------------------------------------------------------------ sites from before 010 */

int media_backfill(struct db *db, const char *data_dir, int *copied, int *missing)
{
        int n_copied = 0, n_missing = 0;
        if (copied)
                *copied = 0;
        if (missing)
                *missing = 0;
        if (db_kind(db) != DB_POSTGRESQL)
                return MEDIA_OK;
        struct db_stmt *s = db_prepare(
            db, "SELECT i.id, i.sha256, i.mime FROM image i WHERE NOT EXISTS (SELECT 1 FROM "
                "image_blob b WHERE b.image_id = i.id) ORDER BY i.id");
        if (!s)
                return MEDIA_DB_ERROR;
        struct buf bytes = BUF_INIT;
        int rc = MEDIA_OK, step;
        while ((step = db_step(s)) == DB_ROW) {
                int64_t id = db_col_int(s, 0);
                const char *sha = db_col_text(s, 1);
                int got = media_load(db, data_dir, sha, db_col_text(s, 2), &bytes);
                if (got != MEDIA_OK) {
                        if (++n_missing <= 10)
                                log_warn("media: image %lld (%s) is neither in the database nor, "
                                         "whole, in %s/media; a node that has its file copies it "
                                         "in when it starts",
                                         (long long)id, sha, data_dir);
                        continue;
                }
                /* one image per transaction: the write lock is not held for the whole folder */
                if (db_begin(db) != DB_OK) {
                        rc = MEDIA_DB_ERROR;
                        break;
                }
                if (media_record_bytes(db, id, bytes.data, bytes.len) != MEDIA_OK ||
                    db_commit(db) != DB_OK) {
                        db_rollback(db);
                        rc = MEDIA_DB_ERROR;
                        break;
                }
                n_copied++;
        }
        if (rc == MEDIA_OK && step != DB_DONE)
                rc = MEDIA_DB_ERROR;
        db_finish(s);
        buf_free(&bytes);
        if (n_copied)
                log_info("media: copied %d image%s from %s/media into the database", n_copied,
                         n_copied == 1 ? "" : "s", data_dir);
        if (n_missing > 10)
                log_warn("media: %d images in all are in neither place", n_missing);
        if (copied)
                *copied = n_copied;
        if (missing)
                *missing = n_missing;
        return rc;
}
