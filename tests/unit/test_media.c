/* Unit tests for model/media_store: where an image's bytes live on each engine, copying one out
 * of the database in slices and checking it, the fallback when the folder refuses a copy, and
 * copying in the images of a site from before migration 010. Every test runs on SQLite and, when
 * KINDRED_TEST_PG_URL names a cluster (tests/pg/run), on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/limits.h"
#include "model/image.h"
#include "model/media_store.h"
#include "tmpdb.h"

#include <dirent.h>
#include <ftw.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

struct fixture {
        struct tmpdb t;
        char data_dir[64];
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        if (!f || tmpdb_open(&f->t) != 0 || db_migrate(f->t.db, NULL) != DB_OK)
                return -1;
        snprintf(f->data_dir, sizeof(f->data_dir), "/tmp/kd-media-XXXXXX");
        if (!mkdtemp(f->data_dir))
                return -1;
        *state = f;
        return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        tmpdb_remove(&f->t);
        nftw(f->data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(f);
        return 0;
}

static bool pg(struct fixture *f)
{
        return db_kind(f->t.db) == DB_POSTGRESQL;
}

/* len bytes image_sniff takes for a 64 x 48 PNG, the rest noise from seed. Caller frees. */
static unsigned char *fake_png(size_t len, uint32_t seed)
{
        unsigned char *p = malloc(len);
        static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
                                             0,    13,  'I', 'H', 'D',  'R',  0,    0,    0, 64,
                                             0,    0,   0,   48,  8,    2,    0,    0,    0};
        memcpy(p, head, sizeof(head));
        uint32_t x = seed * 2654435761u + 1;
        for (size_t i = sizeof(head); i < len; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                p[i] = (unsigned char)x;
        }
        return p;
}

/* "<sha256>.png" of data (80 bytes) and the hex alone (65 bytes). */
static void name_of(const unsigned char *data, size_t len, char *name, char *hex)
{
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(d, data, len);
        sodium_bin2hex(hex, 65, d, sizeof(d));
        snprintf(name, 80, "%s.png", hex);
}

static char *file_path(struct fixture *f, const char *name)
{
        static char path[256];
        snprintf(path, sizeof(path), "%s/media/%s", f->data_dir, name);
        return path;
}

static bool file_holds(struct fixture *f, const char *name, const unsigned char *want, size_t len)
{
        FILE *fp = fopen(file_path(f, name), "rb");
        if (!fp)
                return false;
        unsigned char *got = malloc(len + 1);
        size_t n = fread(got, 1, len + 1, fp);
        fclose(fp);
        bool same = n == len && memcmp(got, want, len) == 0;
        free(got);
        return same;
}

/* Entries in media/ other than image files: temporary files left behind. */
static int leftovers(struct fixture *f)
{
        char dir[128];
        snprintf(dir, sizeof(dir), "%s/media", f->data_dir);
        DIR *d = opendir(dir);
        if (!d)
                return 0;
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)))
                if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

static long long count_of(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        long long n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

static void run_sql(struct db *db, const char *sql, const char *text)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        if (text)
                db_bind_text(s, 1, text);
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);
}

/* ---------------------------------------------------------------- tests */

/* An image stored and its file lost: PostgreSQL copies it back whole, in slices (this one
 * spans three), through a temporary file; SQLite has no other copy and keeps no bytes. */
static void test_store_and_copy_back(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        size_t len = 2 * KD_MEDIA_DB_SLICE_BYTES + 12345;
        unsigned char *png = fake_png(len, 1);
        char name[80], hex[65];
        name_of(png, len, name, hex);
        int64_t id = 0, again = 0;
        assert_int_equal(image_store(db, f->data_dir, png, len, 0, &id), IMAGE_OK);
        assert_int_equal(image_store(db, f->data_dir, png, len, 0, &again), IMAGE_OK);
        assert_int_equal(again, id); /* the same bytes are one image */
        assert_true(file_holds(f, name, png, len));
        if (pg(f)) {
                assert_int_equal(count_of(db, "SELECT count(*) FROM image_blob"), 1);
                assert_int_equal(count_of(db, "SELECT length(data) FROM image_blob"),
                                 (long long)len);
                assert_int_equal(media_in_database(db, name), MEDIA_OK);
        } else {
                assert_int_equal(count_of(db, "SELECT count(*) FROM sqlite_master WHERE name = "
                                              "'image_blob'"),
                                 0);
                assert_int_equal(media_in_database(db, name), MEDIA_NOT_FOUND);
        }
        assert_int_equal(unlink(file_path(f, name)), 0);
        struct buf body = BUF_INIT;
        int rc = media_cache_fill(db, f->data_dir, name, &body);
        if (pg(f)) {
                assert_int_equal(rc, MEDIA_OK);
                assert_int_equal(body.len, 0); /* the bytes went to the file, not to memory */
                assert_true(file_holds(f, name, png, len));
                struct stat st;
                assert_int_equal(stat(file_path(f, name), &st), 0);
                assert_int_equal(st.st_mode & 0777, 0644);
        } else {
                assert_int_equal(rc, MEDIA_NOT_FOUND);
                assert_false(file_holds(f, name, png, len));
        }
        assert_int_equal(leftovers(f), 0);
        /* the right hash under another format's extension is no image */
        char gif[80];
        snprintf(gif, sizeof(gif), "%s.gif", hex);
        assert_int_equal(media_cache_fill(db, f->data_dir, gif, &body), MEDIA_NOT_FOUND);
        assert_int_equal(media_in_database(db, gif), MEDIA_NOT_FOUND);
        buf_free(&body);
        free(png);
}

/* The row and the bytes are one write: rolled back together. */
static void test_row_and_bytes_commit_together(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        size_t len = 4000;
        unsigned char *png = fake_png(len, 2);
        int64_t id;
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(image_store(db, f->data_dir, png, len, 0, &id), IMAGE_OK);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count_of(db, "SELECT count(*) FROM image"), 0);
        if (pg(f))
                assert_int_equal(count_of(db, "SELECT count(*) FROM image_blob"), 0);
        free(png);
}

/* Bytes that do not hash to their name, or are not the row's length, are neither kept nor
 * handed out. */
static void test_damaged_bytes(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        if (!pg(f))
                skip(); /* SQLite keeps no bytes to damage: test_load_checks_files */
        size_t len = KD_MEDIA_DB_SLICE_BYTES + 5;
        unsigned char *png = fake_png(len, 3);
        char name[80], hex[65];
        name_of(png, len, name, hex);
        int64_t id;
        assert_int_equal(image_store(db, f->data_dir, png, len, 0, &id), IMAGE_OK);
        assert_int_equal(unlink(file_path(f, name)), 0);
        /* the last byte, in the second slice */
        run_sql(db,
                "UPDATE image_blob SET data = overlay(data PLACING '\\x00'::bytea FROM "
                "length(data)) WHERE image_id = (SELECT id FROM image WHERE sha256 = ?1)",
                hex);
        struct buf out = BUF_INIT;
        assert_int_equal(media_cache_fill(db, f->data_dir, name, &out), MEDIA_CORRUPT);
        assert_false(file_holds(f, name, png, len));
        assert_int_equal(leftovers(f), 0);
        assert_int_equal(media_load(db, f->data_dir, hex, "image/png", &out), MEDIA_CORRUPT);
        assert_int_equal(out.len, 0);
        /* whole bytes again: copied out; then the row says another length */
        run_sql(db, "DELETE FROM image_blob", NULL);
        assert_int_equal(media_record_bytes(db, id, png, len), MEDIA_OK);
        assert_int_equal(media_cache_fill(db, f->data_dir, name, &out), MEDIA_OK);
        assert_true(file_holds(f, name, png, len));
        assert_int_equal(unlink(file_path(f, name)), 0);
        run_sql(db, "UPDATE image SET bytes = bytes - 1 WHERE sha256 = ?1", hex);
        assert_int_equal(media_cache_fill(db, f->data_dir, name, &out), MEDIA_CORRUPT);
        assert_false(file_holds(f, name, png, len));
        assert_int_equal(leftovers(f), 0);
        buf_free(&out);
        free(png);
}

/* A folder that cannot take the copy: the checked bytes come back in memory instead. */
static void test_folder_refuses_copy(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        size_t len = 70000;
        unsigned char *png = fake_png(len, 4);
        char name[80], hex[65];
        name_of(png, len, name, hex);
        int64_t id;
        assert_int_equal(image_store(db, f->data_dir, png, len, 0, &id), IMAGE_OK);
        char other[96], media[128];
        snprintf(other, sizeof(other), "%s/elsewhere", f->data_dir);
        assert_int_equal(mkdir(other, 0755), 0);
        snprintf(media, sizeof(media), "%s/media", other);
        FILE *fp = fopen(media, "w"); /* a file where the folder would be */
        assert_non_null(fp);
        fclose(fp);
        struct buf body = BUF_INIT;
        int rc = media_cache_fill(db, other, name, &body);
        if (pg(f)) {
                assert_int_equal(rc, MEDIA_IN_MEMORY);
                assert_int_equal(body.len, len);
                assert_memory_equal(body.data, png, len);
        } else {
                assert_int_equal(rc, MEDIA_NOT_FOUND);
        }
        /* an upload through that node: on PostgreSQL the database takes it all the same; on
         * SQLite the folder is the only place, so the upload fails */
        unsigned char *more = fake_png(len, 9);
        char more_name[80], more_hex[65];
        name_of(more, len, more_name, more_hex);
        rc = image_store(db, other, more, len, 0, &id);
        if (pg(f)) {
                assert_int_equal(rc, IMAGE_OK);
                assert_int_equal(media_in_database(db, more_name), MEDIA_OK);
                assert_int_equal(media_load(db, other, more_hex, "image/png", &body), MEDIA_OK);
                assert_memory_equal(body.data, more, len);
        } else {
                assert_int_equal(rc, IMAGE_IO_ERROR);
                assert_int_equal(count_of(db, "SELECT count(*) FROM image"), 1);
        }
        buf_free(&body);
        free(more);
        free(png);
}

/* media_load (what the export reads): from the database on PostgreSQL, so a node without the
 * file exports it; from the file on SQLite, checked against its name. */
static void test_load_checks_files(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        size_t len = 90000;
        unsigned char *png = fake_png(len, 5);
        char name[80], hex[65];
        name_of(png, len, name, hex);
        int64_t id;
        assert_int_equal(image_store(db, f->data_dir, png, len, 0, &id), IMAGE_OK);
        struct buf out = BUF_INIT;
        assert_int_equal(media_load(db, f->data_dir, hex, "image/png", &out), MEDIA_OK);
        assert_int_equal(out.len, len);
        assert_memory_equal(out.data, png, len);
        /* a damaged file */
        FILE *fp = fopen(file_path(f, name), "r+b");
        assert_non_null(fp);
        fseek(fp, 100, SEEK_SET);
        fputc(png[100] ^ 0xFF, fp);
        fclose(fp);
        assert_int_equal(media_load(db, f->data_dir, hex, "image/png", &out),
                         pg(f) ? MEDIA_OK : MEDIA_CORRUPT);
        assert_int_equal(unlink(file_path(f, name)), 0);
        assert_int_equal(media_load(db, f->data_dir, hex, "image/png", &out),
                         pg(f) ? MEDIA_OK : MEDIA_NOT_FOUND);
        if (pg(f))
                assert_memory_equal(out.data, png, len);
        assert_int_equal(media_load(db, f->data_dir, hex, "text/plain", &out), MEDIA_NOT_FOUND);
        buf_free(&out);
        free(png);
}

/* A PostgreSQL site from before migration 010: its images' bytes are copied in from the folder
 * (one missing file is reported, not fatal); copying again finds nothing to do. */
static void test_backfill(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        size_t len = 30000;
        unsigned char *a = fake_png(len, 6), *b = fake_png(len, 7);
        char name_a[80], hex_a[65], name_b[80], hex_b[65];
        name_of(a, len, name_a, hex_a);
        name_of(b, len, name_b, hex_b);
        int64_t id;
        assert_int_equal(image_store(db, f->data_dir, a, len, 0, &id), IMAGE_OK);
        assert_int_equal(image_store(db, f->data_dir, b, len, 0, &id), IMAGE_OK);
        int copied = -1, missing = -1;
        if (!pg(f)) {
                assert_int_equal(media_backfill(db, f->data_dir, &copied, &missing), MEDIA_OK);
                assert_int_equal(copied, 0);
                assert_int_equal(missing, 0);
                free(a);
                free(b);
                return;
        }
        run_sql(db, "DELETE FROM image_blob", NULL);
        assert_int_equal(unlink(file_path(f, name_b)), 0);
        assert_int_equal(media_backfill(db, f->data_dir, &copied, &missing), MEDIA_OK);
        assert_int_equal(copied, 1);
        assert_int_equal(missing, 1);
        assert_int_equal(media_in_database(db, name_a), MEDIA_OK);
        assert_int_equal(media_in_database(db, name_b), MEDIA_NOT_FOUND);
        assert_int_equal(unlink(file_path(f, name_a)), 0);
        struct buf body = BUF_INIT;
        assert_int_equal(media_cache_fill(db, f->data_dir, name_a, &body), MEDIA_OK);
        assert_true(file_holds(f, name_a, a, len));
        assert_int_equal(media_backfill(db, f->data_dir, &copied, &missing), MEDIA_OK);
        assert_int_equal(copied, 0);
        assert_int_equal(missing, 1);
        buf_free(&body);
        free(a);
        free(b);
}

/* Temporary files a killed process left: removed when old, kept while they may be another
 * node's write in progress; images are never touched. */
static void test_sweep_partials(void **state)
{
        struct fixture *f = *state;
        size_t len = 5000;
        unsigned char *png = fake_png(len, 8);
        char name[80], hex[65];
        name_of(png, len, name, hex);
        int64_t id;
        assert_int_equal(image_store(f->t.db, f->data_dir, png, len, 0, &id), IMAGE_OK);
        const char *names[] = {".partial-old1", ".upload-old2", ".partial-new"};
        for (int i = 0; i < 3; i++) {
                FILE *fp = fopen(file_path(f, names[i]), "w");
                assert_non_null(fp);
                fputs("half an image", fp);
                fclose(fp);
        }
        struct timespec old[2] = {{.tv_sec = time(NULL) - 7200}, {.tv_sec = time(NULL) - 7200}};
        assert_int_equal(utimensat(AT_FDCWD, file_path(f, names[0]), old, 0), 0);
        assert_int_equal(utimensat(AT_FDCWD, file_path(f, names[1]), old, 0), 0);
        assert_int_equal(utimensat(AT_FDCWD, file_path(f, name), old, 0), 0);
        assert_int_equal(media_sweep_partials(f->data_dir, 3600), 2);
        assert_int_equal(leftovers(f), 1); /* .partial-new */
        assert_true(file_holds(f, name, png, len));
        assert_int_equal(media_sweep_partials(f->data_dir, 3600), 0);
        free(png);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        const struct CMUnitTest tests[] = {
            T(test_store_and_copy_back), T(test_row_and_bytes_commit_together),
            T(test_damaged_bytes),       T(test_folder_refuses_copy),
            T(test_load_checks_files),   T(test_backfill),
            T(test_sweep_partials),
        };
#undef T
        int failed = cmocka_run_group_tests_name("media on SQLite", tests, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed += cmocka_run_group_tests_name("media on PostgreSQL", tests, NULL, NULL);
        return failed;
}
