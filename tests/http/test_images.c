/* Responsive images (docs/images.md): the resized copies made at upload, served with their
 * own validators, made again when a folder lacks one, refused for names no image has, the
 * start-up pass for images stored without them, and the markup that offers them (srcset,
 * sizes, width and height on covers, cards and uploaded images in the text; the first cover
 * fetched first, the others lazily). Real PNGs (png.h), decoded by libvips. */
#include "session.h"
#include "png.h"

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

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

/* ---------------------------------------------------------------- helpers */

static void sha_of(const unsigned char *data, size_t len, char *hex)
{
        unsigned char d[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(d, data, len);
        sodium_bin2hex(hex, 65, d, sizeof(d));
}

static bool stored(const char *name)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/media/%s", srv.data_dir, name);
        struct stat st;
        return stat(path, &st) == 0 && st.st_size > 0;
}

static void unstore(const char *name)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/media/%s", srv.data_dir, name);
        assert_int_equal(unlink(path), 0);
}

/* Publishes an episode as mira with png as its cover and body as its text; the episode's path
 * goes into path (256 bytes). */
static void publish_with_cover(const unsigned char *png, size_t len, const char *title,
                               const char *body, char *path)
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
        mp_field(&m, "body", body);
        mp_field(&m, "cover_alt", "A gradient from black to blue, as a test pattern");
        mp_field(&m, "cover_credit", "");
        mp_field(&m, "ai", "none");
        mp_field(&m, "teaser", "");
        mp_field(&m, "publish_at", "");
        mp_field(&m, "action", "publish");
        if (png)
                mp_file(&m, "cover", "cover.png", "image/png", png, len);
        struct http_resp r;
        post_multipart(&mira, "/write/n/" NL "/episode", &m, &r);
        mp_free(&m);
        expect_status(&r, 303, "publishing an episode with a cover");
        header(&r, "Location", path, 256);
        resp_free(&r);
        assert_non_null(strstr(path, "/n/" NL "/"));
}

static void get_media(const char *name, struct http_resp *r)
{
        char path[160];
        snprintf(path, sizeof(path), "/media/%s", name);
        get(NULL, path, r);
}

/* ---------------------------------------------------------------- tests */

/* An 1800 px cover gets 480, 960 and 1600 px copies in PNG and WebP, and no full-size WebP
 * (the 1600 px one is the largest anyone is sent); each is served with its own validator and
 * the right width. */
static void test_upload_makes_copies(void **state)
{
        (void)state;
        size_t len;
        unsigned char *png = test_png(1800, 900, 1, &len);
        char sha[65], path[256], name[96];
        sha_of(png, len, sha);
        publish_with_cover(png, len, "Copies of every size", "Text.\n", path);
        static const int widths[] = {480, 960, 1600};
        for (size_t i = 0; i < 3; i++) {
                snprintf(name, sizeof(name), "%s-%d.png", sha, widths[i]);
                assert_true(stored(name));
                struct http_resp r;
                get_media(name, &r);
                expect_status(&r, 200, "a PNG copy");
                assert_int_equal(png_width((unsigned char *)r.body, r.body_len), widths[i]);
                char etag[128];
                header(&r, "ETag", etag, sizeof(etag));
                char want[128];
                snprintf(want, sizeof(want), "\"%s-%d\"", sha, widths[i]);
                assert_string_equal(etag, want);
                resp_free(&r);
                snprintf(name, sizeof(name), "%s-%d.webp", sha, widths[i]);
                assert_true(stored(name));
                get_media(name, &r);
                expect_status(&r, 200, "a WebP copy");
                char type[64];
                header(&r, "Content-Type", type, sizeof(type));
                assert_string_equal(type, "image/webp");
                assert_true(r.body_len > 12 && memcmp(r.body, "RIFF", 4) == 0 &&
                            memcmp(r.body + 8, "WEBP", 4) == 0);
                /* smaller than the original, which is the point */
                assert_true(r.body_len < len);
                resp_free(&r);
        }
        snprintf(name, sizeof(name), "%s-1800.webp", sha);
        assert_false(stored(name));
        assert_int_equal(db_int("SELECT variants FROM image ORDER BY id DESC LIMIT 1"), 1);
        free(png);
}

/* The episode page offers the copies: WebP first, then the original's format, with sizes,
 * width and height; the cover is fetched first and never lazily. An image of the site in the
 * text gets the same; one elsewhere is left as it is. */
static void test_episode_markup(void **state)
{
        (void)state;
        size_t len;
        unsigned char *png = test_png(1000, 500, 2, &len);
        char sha[65], path[256];
        sha_of(png, len, sha);
        /* the same bytes twice: the text shows the cover again, by its address */
        char body[512];
        snprintf(body, sizeof(body),
                 "Before the picture.\n\n![The same gradient, in the text](/media/%s.png)\n\n"
                 "After it.\n",
                 sha);
        publish_with_cover(png, len, "Pictures in the text", body, path);
        struct http_resp r;
        get(NULL, path, &r);
        expect_status(&r, 200, "the episode");
        char *cover = slice(r.body, "<figure class=\"cover\">", "</figure>");
        char want[400];
        snprintf(want, sizeof(want),
                 "<picture><source type=\"image/webp\" srcset=\"/media/%s-480.webp 480w, "
                 "/media/%s-960.webp 960w, /media/%s-1000.webp 1000w\" sizes=\"",
                 sha, sha, sha);
        assert_non_null(strstr(cover, want));
        snprintf(want, sizeof(want),
                 "<img src=\"/media/%s.png\" srcset=\"/media/%s-480.png 480w, "
                 "/media/%s-960.png 960w, /media/%s.png 1000w\" sizes=\"",
                 sha, sha, sha, sha);
        assert_non_null(strstr(cover, want));
        assert_non_null(strstr(cover, "width=\"1000\" height=\"500\" fetchpriority=\"high\">"));
        assert_null(strstr(cover, "loading=\"lazy\""));
        free(cover);

        char *text = slice(r.body, "<div class=\"body e-content\"", "</div>");
        snprintf(want, sizeof(want),
                 "<picture><source type=\"image/webp\" srcset=\"/media/%s-480.webp 480w", sha);
        assert_non_null(strstr(text, want));
        snprintf(want, sizeof(want), "<img src=\"/media/%s.png\" srcset=\"/media/%s-480.png 480w",
                 sha, sha);
        assert_non_null(strstr(text, want));
        assert_non_null(strstr(text, "width=\"1000\" height=\"500\" alt=\"The same gradient, in "
                                     "the text\" loading=\"lazy\"></picture>"));
        free(text);
        resp_free(&r);
        free(png);
}

/* Cards on the home page: small copies (sizes of a thumbnail), the first cover fetched first,
 * the second at once, the rest lazily. */
static void test_cards(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/", &r);
        expect_status(&r, 200, "the home page");
        assert_int_equal(count(r.body, "fetchpriority=\"high\""), 1);
        char *first = slice(r.body, "<a class=\"card-cover\"", "</a>");
        assert_non_null(strstr(first, "sizes=\"(max-width: 30rem) calc(100vw - 2.5rem), 9rem\""));
        assert_non_null(strstr(first, "-480.webp 480w"));
        assert_non_null(strstr(first, "fetchpriority=\"high\""));
        free(first);
        size_t covers = count(r.body, "<a class=\"card-cover\"");
        assert_true(covers >= 3);
        assert_int_equal(count(r.body, "loading=\"lazy\" decoding=\"async\""), covers - 2);
        resp_free(&r);
}

/* A copy this folder lacks (another node's upload, a restored backup) is made from the
 * original on request; names no image has are 404, so nothing can be made to work for a
 * request it invents. */
static void test_copies_made_late_and_names_refused(void **state)
{
        (void)state;
        size_t len;
        unsigned char *png = test_png(1200, 600, 3, &len);
        char sha[65], path[256], name[96];
        sha_of(png, len, sha);
        publish_with_cover(png, len, "Made again", "Text.\n", path);
        snprintf(name, sizeof(name), "%s-960.webp", sha);
        unstore(name);
        struct http_resp r;
        get_media(name, &r);
        expect_status(&r, 200, "a copy made again");
        assert_true(stored(name));
        resp_free(&r);

        static const char *const bad[] = {"%s-0960.webp", "%s-961.webp",    "%s-1600.webp",
                                          "%s-1200.png",  "%s-480.gif",     "%s-480.webp.png",
                                          "%s--480.webp", "%s-4800000.webp"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(name, sizeof(name), bad[i], sha);
                get_media(name, &r);
                if (r.status != 404)
                        fail_msg("%s: %d, not 404", name, r.status);
                resp_free(&r);
                assert_false(stored(name));
        }
        get_media("0000000000000000000000000000000000000000000000000000000000000000-480.webp", &r);
        expect_status(&r, 404, "a copy of no image");
        resp_free(&r);
        free(png);
}

/* Bytes that pass the format check but that libvips cannot decode keep their original only,
 * and a page's srcset naming a copy of them is sent to the original instead of a broken
 * picture. */
static void test_undecodable_falls_back_to_original(void **state)
{
        (void)state;
        size_t len;
        unsigned char *png = test_png(900, 400, 4, &len);
        memset(png + 41, 0xAB, len - 60); /* IHDR stays; the compressed pixels are noise */
        char sha[65], path[256], name[96];
        sha_of(png, len, sha);
        publish_with_cover(png, len, "Noise", "Text.\n", path);
        assert_int_equal(db_int("SELECT variants FROM image ORDER BY id DESC LIMIT 1"), 2);
        snprintf(name, sizeof(name), "%s-480.webp", sha);
        struct http_resp r;
        get_media(name, &r);
        expect_status(&r, 303, "a copy that cannot be made");
        char loc[200], want[200];
        header(&r, "Location", loc, sizeof(loc));
        snprintf(want, sizeof(want), "/media/%s.png", sha);
        assert_non_null(strstr(loc, want));
        resp_free(&r);
        free(png);
}

/* Images stored before migration 017 (or imported) have no copies: the start-up pass makes
 * them and records it, once. */
static void test_start_up_makes_missing_copies(void **state)
{
        (void)state;
        size_t len;
        unsigned char *png = test_png(1100, 550, 5, &len);
        char sha[65], path[256], name[96];
        sha_of(png, len, sha);
        publish_with_cover(png, len, "Before the copies", "Text.\n", path);
        static const char *const names[] = {"%s-480.png", "%s-480.webp", "%s-960.png",
                                            "%s-960.webp", "%s-1100.webp"};
        for (size_t i = 0; i < 5; i++) {
                snprintf(name, sizeof(name), names[i], sha);
                unstore(name);
        }
        char sql[200];
        snprintf(sql, sizeof(sql), "UPDATE image SET variants = 0 WHERE sha256 = '%s'", sha);
        db_exec(sql);
        assert_int_equal(kd_restart(&srv, NULL), 0);
        for (size_t i = 0; i < 5; i++) {
                snprintf(name, sizeof(name), names[i], sha);
                assert_true(stored(name));
        }
        snprintf(sql, sizeof(sql), "SELECT variants FROM image WHERE sha256 = '%s'", sha);
        assert_int_equal(db_int(sql), 1);
        assert_int_equal(db_int("SELECT count(*) FROM image WHERE variants = 0"), 0);
        free(png);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_upload_makes_copies),
            T(test_episode_markup),
            T(test_cards),
            T(test_copies_made_late_and_names_refused),
            T(test_undecodable_falls_back_to_original),
            T(test_start_up_makes_missing_copies),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("images", tests, NULL, NULL);
}
