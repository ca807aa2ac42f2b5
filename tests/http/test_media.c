/* Uploaded images with several nodes. On PostgreSQL an image's bytes are in the database too, so
 * a second `kindred serve` on the same database with a different, empty data folder serves an
 * image the first one stored, byte for byte and with the same headers, copying it into its own
 * folder on first request; on SQLite the folder is the only copy. */
#include "session.h"
#include "png.h"

#include <dirent.h>
#include <ftw.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define NL "learning-in-public"

static bool on_postgresql(void)
{
        return srv.database_url[0] != '\0';
}

/* ---------------------------------------------------------------- images and uploads */

/* len bytes that image_sniff takes for a 640 x 480 PNG: the signature and IHDR, then noise
 * from seed (the server reads only the header), so each seed is a new content address. */
static unsigned char *fake_png(size_t len, uint32_t seed)
{
        unsigned char *p = malloc(len);
        memcpy(p, "\x89PNG\r\n\x1a\n", 8);
        png_put32(p + 8, 13);
        memcpy(p + 12, "IHDR", 4);
        png_put32(p + 16, 640);
        png_put32(p + 20, 480);
        p[24] = 8;
        p[25] = 2;
        p[26] = p[27] = p[28] = 0;
        uint32_t x = seed * 2654435761u + (uint32_t)getpid();
        for (size_t i = 33; i < len; i++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                p[i] = (unsigned char)x;
        }
        return p;
}

/* "<sha256>.png" of data into name (80 bytes) and the hex alone into hex (65 bytes). */
static void content_name(const unsigned char *data, size_t len, char *name, char *hex)
{
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(d, data, len);
        sodium_bin2hex(hex, 65, d, sizeof(d));
        snprintf(name, 80, "%s.png", hex);
}

/* Uploads png as the cover of a new draft through srv's editor, as mira. */
static void upload_cover(const unsigned char *png, size_t len, const char *title)
{
        struct member mira;
        login_as(&mira, "mira", NULL);
        struct multipart m;
        mp_init(&m);
        mp_field(&m, "_csrf", mira.csrf);
        mp_field(&m, "season", "2");
        mp_field(&m, "title", title);
        mp_field(&m, "subtitle", "");
        mp_field(&m, "slug", "");
        mp_field(&m, "body", "A cover every node can show.\n");
        mp_field(&m, "cover_alt", "Noise in every colour, as a test pattern");
        mp_field(&m, "cover_credit", "");
        mp_field(&m, "ai", "none");
        mp_field(&m, "teaser", "");
        mp_field(&m, "publish_at", "");
        mp_field(&m, "action", "draft");
        mp_file(&m, "cover", "cover.png", "image/png", png, len);
        struct http_resp r;
        post_multipart(&mira, "/write/n/" NL "/episode", &m, &r);
        mp_free(&m);
        expect_status(&r, 303, "saving a draft with a cover");
        resp_free(&r);
}

/* ---------------------------------------------------------------- more nodes */

/* A node of its own: `kindred serve` on srv's database, with a new, empty data folder
 * (<tmp>/data; its log beside it, not in it). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

static void get_at(int port, const char *path, const char *headers, struct http_resp *r)
{
        assert_int_equal(http_do(port, "GET", path, headers, NULL, NULL, 0, r), 0);
}

/* Fails unless r is a 200 carrying exactly want (len bytes). */
static void expect_bytes(struct http_resp *r, const unsigned char *want, size_t len,
                         const char *what)
{
        if (r->status != 200 || r->body_len != len || memcmp(r->body, want, len) != 0) {
                int status = r->status;
                size_t got = r->body_len;
                resp_free(r);
                fail_msg("%s: status %d, %zu bytes, want 200 and the %zu bytes uploaded", what,
                         status, got, len);
        }
}

/* The headers a cached image is served with must be the same from every node. */
static void expect_same_headers(const struct http_resp *a, const struct http_resp *b)
{
        static const char *const names[] = {"Content-Type",  "Content-Length",
                                            "Cache-Control", "ETag",
                                            "Vary",          "X-Content-Type-Options"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                char va[256], vb[256];
                header(a, names[i], va, sizeof(va));
                header(b, names[i], vb, sizeof(vb));
                if (strcmp(va, vb) != 0)
                        fail_msg("%s differs between the nodes: %s / %s", names[i], va, vb);
        }
}

/* Whether dir/name is a file holding exactly want. */
static bool file_holds(const char *dir, const char *name, const unsigned char *want, size_t len)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/media/%s", dir, name);
        FILE *f = fopen(path, "rb");
        if (!f)
                return false;
        unsigned char *got = malloc(len + 1);
        size_t n = fread(got, 1, len + 1, f);
        fclose(f);
        bool same = n == len && memcmp(got, want, len) == 0;
        free(got);
        return same;
}

/* Entries in dir/media: how many, and how many are temporary files left behind. */
static int media_entries(const char *dir, int *partial)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/media", dir);
        *partial = 0;
        DIR *d = opendir(path);
        if (!d)
                return 0;
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                n++;
                if (strncmp(e->d_name, ".partial-", 9) == 0)
                        (*partial)++;
        }
        closedir(d);
        return n;
}

/* ---------------------------------------------------------------- tests */

/* An upload through one node; a second node on the same database with an empty folder serves
 * it with identical bytes and headers, keeps a copy, answers a revalidation without one, and
 * still says 404 for what nobody stored. */
static void test_second_node_serves_an_upload(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip(); /* one SQLite site is one folder: test_files_only_on_sqlite */
        /* three slices of the database's 1 MiB, the last one partial */
        size_t len = 2 * 1024 * 1024 + 654321;
        unsigned char *png = fake_png(len, 1);
        char name[80], hex[65], path[128], sql[256];
        content_name(png, len, name, hex);
        snprintf(path, sizeof(path), "/media/%s", name);
        upload_cover(png, len, "Covers on every node");
        snprintf(sql, sizeof(sql),
                 "SELECT length(b.data) FROM image_blob b JOIN image i ON i.id = b.image_id "
                 "WHERE i.sha256 = '%s'",
                 hex);
        assert_int_equal(db_int(sql), (long long)len);

        struct http_resp a, b;
        get_at(srv.port, path, NULL, &a);
        expect_bytes(&a, png, len, "the uploading node");

        struct kd_node two;
        kd_node_start(&two, NULL);
        int partial;
        assert_int_equal(media_entries(two.s.data_dir, &partial), 0);
        get_at(two.s.port, path, NULL, &b);
        expect_bytes(&b, png, len, "a second node with an empty folder");
        expect_same_headers(&a, &b);
        char v[128];
        header(&b, "Cache-Control", v, sizeof(v));
        assert_string_equal(v, "public, max-age=31536000, immutable");
        header(&b, "X-Content-Type-Options", v, sizeof(v));
        assert_string_equal(v, "nosniff");
        resp_free(&b);
        /* the copy it keeps is whole, under the content's name, with nothing left beside it */
        assert_true(file_holds(two.s.data_dir, name, png, len));
        assert_int_equal(media_entries(two.s.data_dir, &partial), 1);
        assert_int_equal(partial, 0);
        /* and it serves that copy (the database's bytes are out of the way meanwhile) */
        char del[300], keep[300];
        snprintf(keep, sizeof(keep),
                 "CREATE TABLE kept_blob AS SELECT * FROM image_blob WHERE image_id = (SELECT id "
                 "FROM image WHERE sha256 = '%s')",
                 hex);
        snprintf(del, sizeof(del),
                 "DELETE FROM image_blob WHERE image_id = (SELECT id FROM image WHERE sha256 = "
                 "'%s')",
                 hex);
        db_exec(keep);
        db_exec(del);
        get_at(two.s.port, path, NULL, &b);
        expect_bytes(&b, png, len, "the second node, from its own copy");
        expect_same_headers(&a, &b);
        resp_free(&b);
        db_exec("INSERT INTO image_blob SELECT * FROM kept_blob");
        db_exec("DROP TABLE kept_blob");

        /* A third node that never served it: a browser revalidating its copy from another
         * node gets 304 from the database's word, and no bytes move. */
        struct kd_node three;
        kd_node_start(&three, NULL);
        char etag[128], inm[200];
        header(&a, "ETag", etag, sizeof(etag));
        snprintf(inm, sizeof(inm), "If-None-Match: %s\r\n", etag);
        get_at(three.s.port, path, inm, &b);
        assert_int_equal(b.status, 304);
        header(&b, "ETag", v, sizeof(v));
        assert_string_equal(v, etag);
        header(&b, "Cache-Control", v, sizeof(v));
        assert_string_equal(v, "public, max-age=31536000, immutable");
        resp_free(&b);
        assert_int_equal(media_entries(three.s.data_dir, &partial), 0);
        /* a HEAD fetches nothing but still fills the copy, like a GET */
        assert_int_equal(http_do(three.s.port, "HEAD", path, NULL, NULL, NULL, 0, &b), 0);
        assert_int_equal(b.status, 200);
        resp_free(&b);
        assert_true(file_holds(three.s.data_dir, name, png, len));

        /* 404 as before: nothing stored under that name, or the right hash with another
         * format's extension; and a 404 is never cached for a year */
        const char *unknown =
            "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.png";
        get_at(two.s.port, unknown, NULL, &b);
        assert_int_equal(b.status, 404);
        assert_false(resp_header_get(&b, "ETag", v, sizeof(v)));
        v[0] = '\0';
        resp_header_get(&b, "Cache-Control", v, sizeof(v));
        assert_null(strstr(v, "immutable"));
        resp_free(&b);
        char other[128];
        snprintf(other, sizeof(other), "/media/%s.gif", hex);
        get_at(two.s.port, other, NULL, &b);
        assert_int_equal(b.status, 404);
        resp_free(&b);
        snprintf(inm, sizeof(inm),
                 "If-None-Match: \"0123456789abcdef0123456789abcdef0123456789abc"
                 "def0123456789abcdef\"\r\n");
        get_at(three.s.port, unknown, inm, &b);
        assert_int_equal(b.status, 404);
        resp_free(&b);

        resp_free(&a);
        kd_node_stop(&two);
        kd_node_stop(&three);
        free(png);
}

/* Many first requests for one image at once on a node that does not have it yet: every one
 * gets the whole image, and the folder ends with one whole file and no temporary ones. */
static void test_burst_of_first_requests(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip();
        size_t len = 1536 * 1024 + 7;
        unsigned char *png = fake_png(len, 2);
        char name[80], hex[65], req[256];
        content_name(png, len, name, hex);
        upload_cover(png, len, "A burst of first requests");
        const char *env[] = {"KINDRED_THREADS=8", NULL};
        struct kd_node n;
        kd_node_start(&n, env);
        snprintf(req, sizeof(req), "GET /media/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", name);
        enum { BURST = 24 };
        struct http_conn c[BURST];
        for (int i = 0; i < BURST; i++)
                assert_int_equal(conn_open(&c[i], n.s.port), 0);
        /* all sent before any is read, so the first requests overlap */
        for (int i = 0; i < BURST; i++)
                assert_int_equal(conn_send(&c[i], req, strlen(req)), 0);
        for (int i = 0; i < BURST; i++) {
                struct http_resp r;
                assert_int_equal(conn_read(&c[i], &r, false), 0);
                char what[64];
                snprintf(what, sizeof(what), "request %d of the burst", i + 1);
                expect_bytes(&r, png, len, what);
                char etag[80];
                header(&r, "ETag", etag, sizeof(etag));
                assert_int_equal(strncmp(etag + 1, hex, 64), 0);
                resp_free(&r);
                conn_close(&c[i]);
        }
        int partial;
        assert_int_equal(media_entries(n.s.data_dir, &partial), 1);
        assert_int_equal(partial, 0);
        assert_true(file_holds(n.s.data_dir, name, png, len));
        kd_node_stop(&n);
        free(png);
}

/* A node whose folder cannot keep a copy still serves every image, from the database, and
 * says so once in its log. */
static void test_folder_that_refuses_copies(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip();
        size_t len = 300000;
        unsigned char *png = fake_png(len, 3);
        char name[80], hex[65], path[128];
        content_name(png, len, name, hex);
        upload_cover(png, len, "A folder that refuses copies");
        struct kd_node n;
        kd_node_start(&n, NULL);
        /* media/ is a plain file: no folder can be made there (root ignores permissions) */
        char media[300];
        snprintf(media, sizeof(media), "%s/media", n.s.data_dir);
        FILE *f = fopen(media, "w");
        assert_non_null(f);
        fclose(f);
        snprintf(path, sizeof(path), "/media/%s", name);
        for (int i = 0; i < 2; i++) {
                struct http_resp r;
                get_at(n.s.port, path, NULL, &r);
                expect_bytes(&r, png, len, "a node that cannot keep copies");
                char v[128];
                header(&r, "Cache-Control", v, sizeof(v));
                assert_string_equal(v, "public, max-age=31536000, immutable");
                resp_free(&r);
        }
        assert_true(kd_log_contains(&n.s, "cannot keep copies of images"));
        kd_node_stop(&n);
        free(png);
}

/* Bytes in the database that do not hash to their name are never served nor kept. */
static void test_damaged_bytes_are_refused(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip();
        size_t len = 1200000;
        unsigned char *png = fake_png(len, 4);
        char name[80], hex[65], path[128], sql[400];
        content_name(png, len, name, hex);
        upload_cover(png, len, "Damaged bytes");
        /* one byte changed past the first slice, length kept */
        snprintf(sql, sizeof(sql),
                 "UPDATE image_blob SET data = overlay(data PLACING '\\xff'::bytea FROM 1100000) "
                 "WHERE image_id = (SELECT id FROM image WHERE sha256 = '%s')",
                 hex);
        db_exec(sql);
        struct kd_node n;
        kd_node_start(&n, NULL);
        snprintf(path, sizeof(path), "/media/%s", name);
        struct http_resp r;
        get_at(n.s.port, path, NULL, &r);
        assert_int_equal(r.status, 500);
        char v[128] = "";
        resp_header_get(&r, "Cache-Control", v, sizeof(v));
        assert_null(strstr(v, "immutable"));
        resp_free(&r);
        int partial;
        assert_int_equal(media_entries(n.s.data_dir, &partial), 0);
        assert_true(kd_log_contains(&n.s, "do not match"));
        /* the node that has the real file still serves it */
        get_at(srv.port, path, NULL, &r);
        expect_bytes(&r, png, len, "the uploading node's own file");
        resp_free(&r);
        kd_node_stop(&n);
        free(png);
}

/* A site stored before migration 010 has images in no database: the node that has the files
 * copies them in when it starts, and from then on every node serves them. */
static void test_images_from_before_010_are_copied_in(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip();
        long long images = db_int("SELECT count(*) FROM image");
        assert_true(images >= 14); /* the demo's covers are in the database too */
        assert_int_equal(db_int("SELECT count(*) FROM image_blob"), images);
        db_exec("DELETE FROM image_blob");
        char cover[80];
        db_text("SELECT sha256 || '.png' FROM image ORDER BY id LIMIT 1", cover, sizeof(cover));
        char path[128];
        snprintf(path, sizeof(path), "/media/%s", cover);
        struct kd_node n;
        kd_node_start(&n, NULL); /* has no files: warns, copies nothing */
        assert_true(kd_log_contains(&n.s, "is neither in the database nor"));
        struct http_resp r;
        get_at(n.s.port, path, NULL, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        assert_int_equal(kd_restart(&srv, NULL), 0); /* has them all */
        assert_true(kd_log_contains(&srv, "media: copied"));
        assert_int_equal(db_int("SELECT count(*) FROM image_blob"), images);
        get_at(n.s.port, path, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_memory_equal(r.body, "\x89PNG", 4);
        resp_free(&r);
        kd_node_stop(&n);
}

/* Moving a SQLite site into PostgreSQL: the import fills the database's copy of every image,
 * so an export from a node with an empty folder is byte-identical to the original. */
static void test_import_into_postgresql_brings_the_images(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip();
        char root[] = "/tmp/kindred-test-XXXXXX";
        assert_non_null(mkdtemp(root));
        struct kd_server lite = {0}, pg = {0}, empty = {0};
        snprintf(lite.data_dir, sizeof(lite.data_dir), "%s/sqlite", root);
        snprintf(pg.data_dir, sizeof(pg.data_dir), "%s/imported", root);
        snprintf(empty.data_dir, sizeof(empty.data_dir), "%s/empty", root);
        assert_int_equal(mkdir(empty.data_dir, 0750), 0);
        assert_int_equal(kd_new_database(&pg), 0);
        snprintf(empty.database_url, sizeof(empty.database_url), "%s", pg.database_url);
        char a_json[300], b_json[300];
        snprintf(a_json, sizeof(a_json), "%s/a.json", root);
        snprintf(b_json, sizeof(b_json), "%s/b.json", root);
        const char *init_demo[] = {"init", "--demo", NULL};
        const char *init[] = {"init", NULL};
        const char *export_a[] = {"export", a_json, NULL};
        const char *import_a[] = {"import", "json", a_json, NULL};
        const char *export_b[] = {"export", b_json, NULL};
        assert_int_equal(kd_cli(&lite, NULL, init_demo), 0);
        assert_int_equal(kd_cli(&lite, NULL, export_a), 0);
        assert_int_equal(kd_cli(&pg, NULL, init), 0);
        assert_int_equal(kd_cli(&pg, NULL, import_a), 0);
        assert_int_equal(kd_cli(&empty, NULL, export_b), 0);
        /* the empty folder stayed empty: the export read the database */
        int partial;
        assert_int_equal(media_entries(empty.data_dir, &partial), 0);
        FILE *fa = fopen(a_json, "rb"), *fb = fopen(b_json, "rb");
        assert_non_null(fa);
        assert_non_null(fb);
        long pos = 0;
        int ca, cb;
        do {
                ca = fgetc(fa);
                cb = fgetc(fb);
                if (ca != cb)
                        fail_msg("the export from PostgreSQL differs from SQLite's at byte %ld",
                                 pos);
                pos++;
        } while (ca != EOF);
        fclose(fa);
        fclose(fb);
        assert_true(pos > 100000);
        /* and a node with an empty folder serves the covers */
        snprintf(empty.log_path, sizeof(empty.log_path), "%s/empty.log", root);
        assert_int_equal(kd_serve_existing(&empty, NULL), 0);
        struct http_resp r;
        get_at(empty.port, "/n/" NL "/two-languages-one-team", NULL, &r);
        assert_int_equal(r.status, 200);
        char src[128];
        assert_true(extract(strstr(r.body, "<figure class=\"cover\">"), "<img src=\"", "\"", src,
                            sizeof(src)));
        resp_free(&r);
        get_at(empty.port, src, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_memory_equal(r.body, "\x89PNG", 4);
        resp_free(&r);
        assert_int_equal(kd_stop(&empty), 0);
        kd_drop_database(&pg);
        if (!getenv("KINDRED_KEEP_TEST_DATA"))
                nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Both engines: what the database keeps. On SQLite the bytes are files only (no image_blob
 * table; a file gone is a 404); on PostgreSQL the node copies a lost file back. */
static void test_where_the_bytes_live(void **state)
{
        (void)state;
        size_t len = 50000;
        unsigned char *png = fake_png(len, 5);
        char name[80], hex[65], path[128], file[400];
        content_name(png, len, name, hex);
        upload_cover(png, len, "Where the bytes live");
        assert_int_equal(db_int("SELECT count(*) FROM schema_migrations WHERE version = 10"), 1);
        snprintf(file, sizeof(file), "%s/media/%s", srv.data_dir, name);
        assert_int_equal(unlink(file), 0);
        snprintf(path, sizeof(path), "/media/%s", name);
        struct http_resp r;
        get_at(srv.port, path, NULL, &r);
        if (on_postgresql()) {
                expect_bytes(&r, png, len, "a node that lost its copy");
                assert_true(file_holds(srv.data_dir, name, png, len));
        } else {
                assert_int_equal(r.status, 404);
                assert_int_equal(db_int("SELECT count(*) FROM sqlite_master WHERE name LIKE "
                                        "'%blob%'"),
                                 0);
        }
        resp_free(&r);
        free(png);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_where_the_bytes_live),
            cmocka_unit_test(test_second_node_serves_an_upload),
            cmocka_unit_test(test_burst_of_first_requests),
            cmocka_unit_test(test_folder_that_refuses_copies),
            cmocka_unit_test(test_damaged_bytes_are_refused),
            cmocka_unit_test(test_import_into_postgresql_brings_the_images),
            cmocka_unit_test(test_images_from_before_010_are_copied_in),
        };
        return cmocka_run_group_tests(tests, kd_fixture_start, kd_fixture_stop);
}
