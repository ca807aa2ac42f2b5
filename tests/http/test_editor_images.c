/* Black-box tests of the editor's aids (docs/writing.md): images uploaded into the text (the
 * plain form and the API the script uses for paste and drop), images from other sites refused
 * at save, the live preview endpoint, the autosave and its restore, and the Markdown help. */
#include "session.h"
#include "png.h"
#include "core/limits.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NL "learning-in-public"

/* ---------------------------------------------------------------- the editor form */

/* Posts the new-episode form with body, action, and optionally an inline image with alt. */
static void post_editor(const struct member *m, const char *body, const char *action,
                        const void *image, size_t image_len, const char *alt, struct http_resp *r)
{
        struct multipart mp;
        mp_init(&mp);
        mp_field(&mp, "_csrf", m->csrf);
        mp_field(&mp, "season", "2");
        mp_field(&mp, "title", "Pictures Inside");
        mp_field(&mp, "subtitle", "");
        mp_field(&mp, "slug", "");
        mp_field(&mp, "body", body);
        mp_field(&mp, "cover_alt", "");
        mp_field(&mp, "cover_credit", "");
        mp_field(&mp, "ai", "none");
        mp_field(&mp, "teaser", "");
        mp_field(&mp, "publish_at", "");
        if (alt)
                mp_field(&mp, "inline_alt", alt);
        if (image)
                mp_file(&mp, "inline_image", "kite.png", "image/png", image, image_len);
        mp_field(&mp, "action", action);
        post_multipart(m, "/write/n/" NL "/episode", &mp, r);
        mp_free(&mp);
}

static void test_image_uploaded_and_inserted_without_javascript(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        struct http_resp r;
        get(&mira, "/write/n/" NL "/episode", &r);
        expect_in(&r, "name=\"inline_image\" type=\"file\"", "the image field");
        expect_in(&r, "name=\"inline_alt\"", "its alt text");
        expect_in(&r, "value=\"insert_image\"", "its button");
        expect_in(&r, "Markdown help and shortcuts", "the help panel");
        resp_free(&r);

        size_t len;
        unsigned char *kite = test_png(24, 16, 40, &len);
        long long episodes = db_int("SELECT count(*) FROM episode");
        post_editor(&mira, "First paragraph.", "insert_image", kite, len,
                    "A red [kite] over the hill", &r);
        expect_status(&r, 200, "the image inserted");
        expect_in(&r, "First paragraph.\n\n![A red \\[kite\\] over the hill](/media/",
                  "the Markdown at the end of the text, its brackets escaped");
        expect_in(&r, "The image is at the end of the text.", "the notice");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM episode"), episodes); /* nothing saved */

        /* alt text is required; not an image is refused */
        post_editor(&mira, "Text.", "insert_image", kite, len, "  ", &r);
        expect_status(&r, 422, "an image without alt text");
        expect_in(&r, "Describe the image", "why");
        expect_in(&r, "Text.", "the text kept");
        resp_free(&r);
        post_editor(&mira, "Text.", "insert_image", "not a picture at all", 20, "Words", &r);
        expect_status(&r, 422, "not an image");
        resp_free(&r);
        post_editor(&mira, "Text.", "insert_image", NULL, 0, "Words", &r);
        expect_status(&r, 422, "no file");
        expect_in(&r, "Choose an image to upload.", "why");
        resp_free(&r);

        /* the inserted Markdown saves and renders as the image */
        char url[200];
        db_text("SELECT '/media/' || sha256 || '.png' FROM image ORDER BY id DESC LIMIT 1", url,
                sizeof(url));
        char body[400];
        snprintf(body, sizeof(body), "Before.\n\n![A red kite](%s)\n", url);
        post_editor(&mira, body, "publish", NULL, 0, NULL, &r);
        expect_status(&r, 303, "the episode with an inline image");
        char loc[200];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        get(NULL, loc, &r);
        /* the page adds the resized copies' srcset, sizes, width and height (web/images.c)
         * between src and alt */
        char img[300];
        snprintf(img, sizeof(img), "<img src=\"%s\"", url);
        expect_in(&r, img, "the image in the page");
        expect_in(&r, "width=\"24\" height=\"16\" alt=\"A red kite\"", "its size and alt text");
        resp_free(&r);
        assert_int_equal(status_of(NULL, url), 200);
        free(kite);
}

static void test_images_from_elsewhere_are_refused_at_save(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        struct bad {
                const char *body, *message;
        } cases[] = {
            {"Intro.\n\n![A cat](https://example.org/cat.png)", "on line 3 is on another site"},
            {"![A cat](//cdn.example.org/cat.png)", "on line 1 is on another site"},
            {"One.\n\nTwo ![A cat](http://example.org/cat.png)", "on line 3 is on another site"},
            {"![A cat](cat.png)", "is not one uploaded here"},
            {"![A cat](&#104;ttps://example.org/cat.png)", "is not one uploaded here"},
            {"[![A cat](https://example.org/cat.png)](/x)", "is on another site"},
        };
        long long episodes = db_int("SELECT count(*) FROM episode");
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct http_resp r;
                post_editor(&mira, cases[i].body, i % 2 ? "draft" : "publish", NULL, 0, NULL, &r);
                expect_status(&r, 422, cases[i].body);
                expect_in(&r, cases[i].message, cases[i].body);
                expect_in(&r, "Nothing was saved", cases[i].body);
                resp_free(&r);
        }
        assert_int_equal(db_int("SELECT count(*) FROM episode"), episodes);
        /* a link to another site's image is fine: only shown images are checked */
        struct http_resp r;
        post_editor(&mira, "[A cat](https://example.org/cat.png) and `![x](https://e.org/x)`",
                    "draft", NULL, 0, NULL, &r);
        expect_status(&r, 303, "links and code are no images");
        resp_free(&r);
}

/* ---------------------------------------------------------------- the API */

static void api_image(const struct member *m, const void *data, size_t len, const char *alt,
                      bool with_csrf, struct http_resp *r)
{
        struct multipart mp;
        mp_init(&mp);
        if (alt)
                mp_field(&mp, "alt", alt);
        mp_file(&mp, "image", "drop.png", "image/png", data, len);
        char ctype[128], headers[1200] = "";
        mp_finish(&mp, ctype, sizeof(ctype));
        if (m) {
                jar_header(&m->jar, headers, sizeof(headers) - 200);
                if (with_csrf) {
                        strcat(headers, "X-CSRF-Token: ");
                        strcat(headers, m->csrf);
                        strcat(headers, "\r\n");
                }
        }
        strcat(headers, "Accept: application/json\r\n");
        assert_int_equal(
            http_do(srv.port, "POST", "/api/v1/editor/images", headers, ctype, mp.data, mp.len, r),
            0);
        mp_free(&mp);
}

static void test_image_api_for_paste_and_drop(void **state)
{
        (void)state;
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        size_t len;
        unsigned char *drop = test_png(10, 10, 90, &len);
        struct http_resp r;
        api_image(&mira, drop, len, "Two hands on a keyboard", true, &r);
        expect_status(&r, 201, "an image by the API");
        json_t *j = json_of(&r);
        const char *md = jstr(j, "markdown"), *url = jstr(j, "url");
        assert_true(strncmp(md, "![Two hands on a keyboard](/media/", 34) == 0);
        assert_true(strncmp(url, "/media/", 7) == 0);
        assert_non_null(strstr(md, url));
        char path[200];
        snprintf(path, sizeof(path), "%s", url);
        json_decref(j);
        resp_free(&r);
        get(NULL, path, &r);
        expect_status(&r, 200, "the uploaded image");
        char type[64];
        header(&r, "Content-Type", type, sizeof(type));
        assert_string_equal(type, "image/png");
        resp_free(&r);

        api_image(&mira, drop, len, "", true, &r);
        expect_api_error(&r, 422, "Describe the image", "no alt text");
        j = json_of(&r);
        json_t *problem = json_object_get(j, "error");
        assert_string_equal(json_string_value(json_object_get(problem, "field")), "alt");
        json_decref(j);
        resp_free(&r);
        api_image(&mira, drop, len, "Alt", false, &r);
        assert_int_equal(r.status, 403); /* no token */
        resp_free(&r);
        api_image(&sam, drop, len, "Alt", true, &r);
        assert_int_equal(r.status, 403); /* a reader may not upload */
        resp_free(&r);
        api_image(NULL, drop, len, "Alt", false, &r);
        assert_int_equal(r.status, 401);
        resp_free(&r);
        free(drop);
}

/* The hourly image limit holds for the plain form as for the API: both store through
 * editor_store_inline_image. Past it, the form answers 429 and keeps the text. */
static void test_images_per_hour_bound_the_form_and_the_api(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        size_t len;
        unsigned char *dot = test_png(8, 8, 90, &len);
        struct http_resp r;
        for (int i = 0; i < KD_INLINE_IMAGES_PER_MEMBER_PER_HOUR - 1; i++) {
                api_image(&mira, dot, len, "A dot", true, &r);
                assert_int_equal(r.status, 201);
                resp_free(&r);
        }
        post_editor(&mira, "Kept words.", "insert_image", dot, len, "A dot", &r);
        expect_status(&r, 200, "the last image of the hour, through the form");
        resp_free(&r);
        post_editor(&mira, "Kept words.", "insert_image", dot, len, "A dot", &r);
        expect_status(&r, 429, "one image too many, through the form");
        expect_in(&r, "Too many requests", "why");
        expect_in(&r, "Kept words.", "the text kept");
        char wait[16];
        header(&r, "Retry-After", wait, sizeof(wait));
        assert_true(atoi(wait) > 0);
        resp_free(&r);
        api_image(&mira, dot, len, "A dot", true, &r);
        assert_int_equal(r.status, 429);
        resp_free(&r);
        free(dot);
}

static void test_live_preview_endpoint(void **state)
{
        (void)state;
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        api(&mira, "POST", "/api/v1/editor/preview",
            "{\"body\":\"## Why\\n\\nBecause **it** matters. <script>x</script>\"}", true, &r);
        expect_status(&r, 200, "a preview");
        json_t *j = json_of(&r);
        const char *html = jstr(j, "html");
        assert_non_null(strstr(html, "<h2 id=\"why\">Why</h2>"));
        assert_non_null(strstr(html, "<strong>it</strong>"));
        assert_non_null(strstr(html, "&lt;script&gt;"));
        assert_null(strstr(html, "<script>"));
        assert_int_equal(json_integer_value(json_object_get(j, "words")), 5);
        assert_true(json_is_null(json_object_get(j, "image_problem")));
        json_decref(j);
        resp_free(&r);

        /* an image from elsewhere: previewed, and named */
        api(&mira, "POST", "/api/v1/editor/preview",
            "{\"body\":\"Hi\\n\\n![cat](https://example.org/c.png)\"}", true, &r);
        expect_status(&r, 200, "a preview with a foreign image");
        j = json_of(&r);
        json_t *ip = json_object_get(j, "image_problem");
        assert_true(json_is_object(ip));
        assert_int_equal(json_integer_value(json_object_get(ip, "line")), 3);
        assert_non_null(strstr(json_string_value(json_object_get(ip, "message")),
                               "on line 3 is on another site"));
        json_decref(j);
        resp_free(&r);

        /* an image without alt text cannot render: 422 with the line */
        api(&mira, "POST", "/api/v1/editor/preview", "{\"body\":\"a\\n\\n![](/media/x.png)\"}",
            true, &r);
        expect_status(&r, 422, "missing alt text");
        j = json_of(&r);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "error"), "line")),
                         3);
        json_decref(j);
        resp_free(&r);

        api(&sam, "POST", "/api/v1/editor/preview", "{\"body\":\"x\"}", true, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        api(&mira, "POST", "/api/v1/editor/preview", "{\"body\":\"x\"}", false, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
}

static void test_autosave_restore_and_discard(void **state)
{
        (void)state;
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        long nl = (long)db_int("SELECT id FROM newsletter WHERE slug = '" NL "'");
        long ep = (long)db_int("SELECT e.id FROM episode e WHERE e.newsletter_id = (SELECT id "
                               "FROM newsletter WHERE slug = '" NL "') AND e.status = "
                               "'published' ORDER BY e.id LIMIT 1");
        char live_body_before[64];
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT substr(body, 1, 40) FROM episode WHERE id = %ld", ep);
        db_text(sql, live_body_before, sizeof(live_body_before));

        /* a new episode: kept while typing, offered back on the next visit */
        char json[512];
        snprintf(json, sizeof(json),
                 "{\"newsletter\":%ld,\"episode\":0,\"title\":\"Half Written\",\"subtitle\":\"\","
                 "\"body\":\"Words I typed before my laptop died.\"}",
                 nl);
        struct http_resp r;
        api(&mira, "PUT", "/api/v1/editor/autosave", json, true, &r);
        expect_status(&r, 200, "an autosave");
        json_t *j = json_of(&r);
        assert_true(strlen(jstr(j, "saved_at")) >= 20);
        json_decref(j);
        resp_free(&r);
        get(&mira, "/write/n/" NL "/episode", &r);
        expect_in(&r, "was kept and not saved yet", "the offer");
        expect_in(&r, "/write/n/" NL "/episode?restore=1", "the restore link");
        expect_not_in(&r, "Words I typed", "not restored until asked");
        resp_free(&r);
        get(&mira, "/write/n/" NL "/episode?restore=1", &r);
        expect_in(&r, "Words I typed before my laptop died.", "restored into the form");
        expect_in(&r, "value=\"Half Written\"", "the title restored");
        resp_free(&r);
        /* another author never sees it */
        struct member admin;
        login_as(&admin, "admin", NULL);
        get(&admin, "/write/n/" NL "/episode", &r);
        expect_not_in(&r, "was kept and not saved yet", "someone else's autosave");
        resp_free(&r);

        /* discarding drops it */
        char body[256] = "", nls[32];
        snprintf(nls, sizeof(nls), "%ld", nl);
        form_append(body, sizeof(body), "_csrf", mira.csrf);
        form_append(body, sizeof(body), "newsletter", nls);
        form_append(body, sizeof(body), "episode", "0");
        post_form(&mira, "/write/autosave/discard", body, &r);
        expect_status(&r, 303, "discard");
        resp_free(&r);
        get(&mira, "/write/n/" NL "/episode", &r);
        expect_not_in(&r, "was kept and not saved yet", "discarded");
        resp_free(&r);

        /* a live episode: the autosave never changes what readers see, and a save clears it */
        snprintf(json, sizeof(json),
                 "{\"newsletter\":%ld,\"episode\":%ld,\"title\":\"Changed\",\"subtitle\":\"\","
                 "\"body\":\"Not for readers yet.\"}",
                 nl, ep);
        api(&mira, "PUT", "/api/v1/editor/autosave", json, true, &r);
        expect_status(&r, 200, "an autosave of a live episode");
        resp_free(&r);
        char now_body[64];
        db_text(sql, now_body, sizeof(now_body));
        assert_string_equal(now_body, live_body_before);
        char edit[64];
        snprintf(edit, sizeof(edit), "/write/episode/%ld", ep);
        get(&mira, edit, &r);
        expect_in(&r, "was kept and not saved yet", "the offer on a live episode");
        resp_free(&r);

        /* a reader, an unknown newsletter, an episode of another newsletter: refused */
        api(&sam, "PUT", "/api/v1/editor/autosave", json, true, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        api(&mira, "PUT", "/api/v1/editor/autosave",
            "{\"newsletter\":999999,\"episode\":0,\"title\":\"\",\"subtitle\":\"\",\"body\":\"\"}",
            true, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        long other = (long)db_int("SELECT id FROM episode WHERE newsletter_id <> (SELECT id FROM "
                                  "newsletter WHERE slug = '" NL "') LIMIT 1");
        snprintf(json, sizeof(json),
                 "{\"newsletter\":%ld,\"episode\":%ld,\"title\":\"x\",\"subtitle\":\"\","
                 "\"body\":\"x\"}",
                 nl, other);
        api(&mira, "PUT", "/api/v1/editor/autosave", json, true, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);

        /* a new episode saved: its autosave goes */
        snprintf(json, sizeof(json),
                 "{\"newsletter\":%ld,\"episode\":0,\"title\":\"T\",\"subtitle\":\"\","
                 "\"body\":\"B\"}",
                 nl);
        api(&mira, "PUT", "/api/v1/editor/autosave", json, true, &r);
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM episode_autosave WHERE episode_id = 0"), 1);
        post_editor(&mira, "Saved for real.", "draft", NULL, 0, NULL, &r);
        expect_status(&r, 303, "a save");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM episode_autosave WHERE episode_id = 0"), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, kd_fixture_start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_image_uploaded_and_inserted_without_javascript),
            T(test_images_from_elsewhere_are_refused_at_save),
            T(test_image_api_for_paste_and_drop),
            T(test_images_per_hour_bound_the_form_and_the_api),
            T(test_live_preview_endpoint),
            T(test_autosave_restore_and_discard),
        };
#undef T
        return cmocka_run_group_tests_name("editor_images", tests, NULL, NULL);
}
