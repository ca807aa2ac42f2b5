/* Avatars (docs/images.md): generated initials on a colour for every member, the same on every
 * page; a picture uploaded in /settings/avatar, made a square WebP, shown beside the member's
 * comments, on their profile and in the member list; going back to initials; refusals
 * (not an image, no token, a guest). */
#include "session.h"
#include "png.h"

#include <jansson.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define EPISODE "/n/learning-in-public/two-languages-one-team"

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static void comment(const struct member *m, const char *body)
{
        const char *kv[] = {"body",         body, "parent",       "", "quote_exact", "",
                            "quote_prefix", "",   "quote_suffix", "", NULL};
        struct http_resp r;
        post_pairs(m, EPISODE "/comments", kv, true, &r);
        expect_status(&r, 303, "a comment");
        resp_free(&r);
}

static void upload(const struct member *m, const void *data, size_t len, const char *csrf,
                   struct http_resp *r)
{
        struct multipart mp;
        mp_init(&mp);
        if (csrf)
                mp_field(&mp, "_csrf", csrf);
        mp_file(&mp, "avatar", "me.png", "image/png", data, len);
        post_multipart(m, "/settings/avatar", &mp, r);
        mp_free(&mp);
}

/* The part of page from the comment whose text is body back to its header. */
static char *comment_head_of(const char *page, const char *body)
{
        const char *at = strstr(page, body);
        assert_non_null(at);
        const char *head = at;
        while (head > page && strncmp(head, "<header class=\"comment-head\">", 29) != 0)
                head--;
        return strndup(head, (size_t)(at - head));
}

/* Every member has initials on a colour of their own, the same on every page: two words make
 * two initials, a Chinese name one character; the colour is one of the palette's. */
static void test_generated_avatars(void **state)
{
        (void)state;
        struct member pat;
        signup_as(&pat, "pat");
        db_exec("UPDATE member SET display_name = 'pat quinn' WHERE handle = 'pat'");
        comment(&pat, "Initials before any picture.");
        struct http_resp r;
        get(NULL, EPISODE, &r);
        expect_status(&r, 200, "the episode");
        char *head = comment_head_of(r.body, "Initials before any picture.");
        assert_non_null(strstr(head, "<svg class=\"avatar\" width=\"28\" height=\"28\""));
        assert_non_null(strstr(head, "aria-hidden=\"true\""));
        assert_non_null(strstr(head, ">PQ</text></svg>pat quinn</a>"));
        char colour[16];
        assert_true(extract(head, "rx=\"20\" fill=\"", "\"", colour, sizeof(colour)));
        assert_int_equal(strlen(colour), 7);
        free(head);
        /* 李伟 in the demo: one character, not two */
        assert_non_null(strstr(r.body, ">李</text></svg>李伟</a>"));
        resp_free(&r);

        get(&pat, "/@pat", &r);
        expect_status(&r, 200, "the profile");
        /* the face stands before the name's heading, so the h-card's p-name is the name alone */
        char *name = slice(r.body, "<h1 class=\"p-name\">", "</h1>");
        assert_string_equal(name, "<h1 class=\"p-name\">pat quinn</h1>");
        free(name);
        char *card = slice(r.body, "<div class=\"profile-face\">", "</div>");
        assert_non_null(strstr(card, "<svg class=\"avatar\" width=\"96\" height=\"96\""));
        char same[64];
        snprintf(same, sizeof(same), "fill=\"%s\"", colour);
        assert_non_null(strstr(card, same));
        free(card);
        expect_in(&r, "href=\"/settings/avatar\"", "the own profile links to the picture page");
        resp_free(&r);
}

/* An uploaded picture becomes a 192 px square WebP, shown beside comments (loaded with them:
 * one query), on the profile and in the member list; "Use my initials instead" goes back. */
static void test_upload_and_remove(void **state)
{
        (void)state;
        struct member kim;
        signup_as(&kim, "kim");
        comment(&kim, "A face to go with the name.");
        size_t len;
        unsigned char *png = test_png(800, 500, 7, &len);
        struct http_resp r;
        upload(&kim, png, len, kim.csrf, &r);
        expect_status(&r, 303, "uploading a picture");
        char loc[128];
        header(&r, "Location", loc, sizeof(loc));
        assert_non_null(strstr(loc, "/settings/avatar?saved=1"));
        resp_free(&r);
        free(png);
        assert_int_equal(db_int("SELECT i.width FROM member m JOIN image i ON i.id = "
                                "m.avatar_image_id WHERE m.handle = 'kim'"),
                         192);
        assert_int_equal(db_int("SELECT i.height FROM member m JOIN image i ON i.id = "
                                "m.avatar_image_id WHERE m.handle = 'kim'"),
                         192);
        char sha[65], src[128];
        db_text("SELECT i.sha256 FROM member m JOIN image i ON i.id = m.avatar_image_id WHERE "
                "m.handle = 'kim'",
                sha, sizeof(sha));
        snprintf(src, sizeof(src), "<img class=\"avatar\" src=\"/media/%s.webp\"", sha);

        get(&kim, "/settings/avatar?saved=1", &r);
        expect_status(&r, 200, "the picture page");
        expect_in(&r, "Your picture is saved.", "the notice");
        expect_in(&r, src, "the picture page shows it");
        expect_in(&r, "action=\"/settings/avatar/remove\"", "and offers initials again");
        resp_free(&r);

        get(NULL, EPISODE, &r);
        char *head = comment_head_of(r.body, "A face to go with the name.");
        assert_non_null(strstr(head, src));
        assert_non_null(strstr(head, "alt=\"\" width=\"28\" height=\"28\""));
        free(head);
        resp_free(&r);
        char path[160];
        snprintf(path, sizeof(path), "/media/%s.webp", sha);
        get(NULL, path, &r);
        expect_status(&r, 200, "the avatar's file");
        resp_free(&r);

        get(&kim, "/@kim", &r);
        expect_in(&r, src, "the profile shows it");
        resp_free(&r);

        /* the API names it too, beside what a client needs for initials */
        char want[160];
        get(NULL, "/api/v1/members/kim", &r);
        expect_status(&r, 200, "the member in the API");
        json_t *j = json_of(&r);
        json_t *av = json_object_get(j, "avatar");
        assert_non_null(av);
        snprintf(want, sizeof(want), "/media/%s.webp", sha);
        assert_string_equal(jstr(av, "url"), want);
        assert_string_equal(jstr(av, "initials"), "K");
        assert_int_equal(strlen(jstr(av, "colour")), 7);
        json_decref(j);
        resp_free(&r);
        char api_path[96];
        snprintf(api_path, sizeof(api_path), "/api/v1/episodes/%ld/comments",
                 episode_id_as(&kim, EPISODE));
        get(NULL, api_path, &r);
        expect_status(&r, 200, "the comments in the API");
        expect_in(&r, want, "a comment's author has the picture");
        resp_free(&r);
        get(&kim, "/members?q=kim", &r);
        expect_status(&r, 200, "the member list");
        expect_in(&r, src, "the member list shows it");
        resp_free(&r);

        const char *none[] = {NULL};
        post_pairs(&kim, "/settings/avatar/remove", none, true, &r);
        expect_status(&r, 303, "going back to initials");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'kim' AND "
                                "avatar_image_id IS NULL"),
                         1);
        get(NULL, EPISODE, &r);
        head = comment_head_of(r.body, "A face to go with the name.");
        assert_non_null(strstr(head, "<svg class=\"avatar\""));
        free(head);
        resp_free(&r);
}

/* The demo's June has an uploaded picture (docs/images.md): it shows beside her posts in a
 * space's thread, as beside comments, loaded with the posts; Sam's initials beside his. */
static void test_demo_faces_in_spaces(void **state)
{
        (void)state;
        char space[64], thread[32], path[128], sha[65], want[160];
        db_text("SELECT s.slug FROM space_post p JOIN space s ON s.id = p.space_id JOIN member m "
                "ON m.id = p.author_id WHERE m.handle = 'june' AND p.state = 'visible' ORDER BY "
                "p.id LIMIT 1",
                space, sizeof(space));
        db_text("SELECT p.thread_id FROM space_post p JOIN member m ON m.id = p.author_id WHERE "
                "m.handle = 'june' AND p.state = 'visible' ORDER BY p.id LIMIT 1",
                thread, sizeof(thread));
        db_text("SELECT i.sha256 FROM member m JOIN image i ON i.id = m.avatar_image_id WHERE "
                "m.handle = 'june'",
                sha, sizeof(sha));
        assert_int_equal(strlen(sha), 64);
        snprintf(path, sizeof(path), "/spaces/%s/%s", space, thread);
        struct http_resp r;
        get(NULL, path, &r);
        expect_status(&r, 200, "a thread with June's post");
        snprintf(want, sizeof(want), "href=\"/@june\"><img class=\"avatar\" src=\"/media/%s.webp\"",
                 sha);
        expect_in(&r, want, "June's picture beside her post");
        resp_free(&r);
        /* and on the demo's episode, beside her comment, with Ana's */
        get(NULL, EPISODE, &r);
        expect_in(&r, want, "June's picture beside her comment");
        expect_in(&r, "href=\"/@ana\"><img class=\"avatar\"", "Ana's too");
        expect_in(&r, "href=\"/@sam\"><svg class=\"avatar\"", "Sam's initials");
        resp_free(&r);
}

/* Not an image: 422 with the reason, nothing changed; no token: 403; a guest is sent to log
 * in; an empty form asks for a picture. */
static void test_refusals(void **state)
{
        (void)state;
        struct member lou;
        signup_as(&lou, "lou");
        struct http_resp r;
        upload(&lou, "GIF89a? not really", 18, lou.csrf, &r);
        expect_status(&r, 422, "not an image");
        expect_in(&r, "class=\"notice", "the reason is shown");
        resp_free(&r);
        size_t len;
        unsigned char *png = test_png(300, 300, 9, &len);
        upload(&lou, png, len, NULL, &r);
        expect_status(&r, 403, "no CSRF token");
        resp_free(&r);
        upload(NULL, png, len, NULL, &r);
        assert_true(r.status == 303 || r.status == 403);
        resp_free(&r);
        free(png);
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'lou' AND "
                                "avatar_image_id IS NOT NULL"),
                         0);
        get(NULL, "/settings/avatar", &r);
        expect_status(&r, 303, "a guest logs in first");
        resp_free(&r);
}

/* A picture that breaks the rules: a moderator takes it down from the member's profile (the
 * button is theirs alone), the member is back to initials and may upload another; a reader
 * cannot, and a moderator cannot take down an admin's picture (an admin can). */
static void test_moderator_takes_down_a_picture(void **state)
{
        (void)state;
        struct member kim, june, sam, admin;
        signup_as(&kim, "kim");
        login_as(&june, "june", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&admin, "admin", NULL);
        size_t len;
        unsigned char *png = test_png(400, 400, 5, &len);
        struct http_resp r;
        upload(&kim, png, len, kim.csrf, &r);
        expect_status(&r, 303, "kim's picture");
        resp_free(&r);
        upload(&admin, png, len, admin.csrf, &r);
        expect_status(&r, 303, "the admin's picture");
        resp_free(&r);
        free(png);
        const char *button = "action=\"/@kim/avatar/remove\"";

        get(&sam, "/@kim", &r);
        expect_not_in(&r, button, "a reader has no take-down button");
        resp_free(&r);
        get(&kim, "/@kim", &r);
        expect_not_in(&r, button, "nor the member on their own profile");
        resp_free(&r);
        get(NULL, "/@kim", &r);
        expect_not_in(&r, button, "nor a guest");
        resp_free(&r);
        const char *none[] = {NULL};
        post_pairs(&sam, "/@kim/avatar/remove", none, true, &r);
        expect_status(&r, 403, "a reader may not take it down");
        resp_free(&r);
        post_pairs(&june, "/@kim/avatar/remove", none, false, &r);
        expect_status(&r, 403, "nor a moderator without the token");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'kim' AND "
                                "avatar_image_id IS NOT NULL"),
                         1);

        get(&june, "/@kim", &r);
        expect_status(&r, 200, "kim's profile for june");
        expect_in(&r, button, "a moderator has the button");
        expect_in(&r, "Take down this picture", "named for what it does");
        resp_free(&r);
        post_pairs(&june, "/@kim/avatar/remove", none, true, &r);
        expect_status(&r, 303, "june takes it down");
        char loc[128];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/@kim");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'kim' AND "
                                "avatar_image_id IS NULL"),
                         1);
        assert_true(kd_log_contains(&srv, "moderation: @june took down the picture of @kim"));
        get(NULL, "/@kim", &r);
        expect_in(&r, "<svg class=\"avatar\"", "kim has initials again");
        resp_free(&r);
        get(&june, "/@kim", &r);
        expect_not_in(&r, button, "no button once there is no picture");
        resp_free(&r);

        get(&june, "/@admin", &r);
        expect_not_in(&r, "action=\"/@admin/avatar/remove\"", "not on an admin's profile");
        resp_free(&r);
        post_pairs(&june, "/@admin/avatar/remove", none, true, &r);
        expect_status(&r, 403, "a moderator may not take down an admin's picture");
        resp_free(&r);
        post_pairs(&admin, "/@nobody-here/avatar/remove", none, true, &r);
        expect_status(&r, 404, "an unknown member");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'admin' AND "
                                "avatar_image_id IS NOT NULL"),
                         1);

        /* the same through the API */
        png = test_png(300, 300, 6, &len);
        upload(&kim, png, len, kim.csrf, &r);
        expect_status(&r, 303, "kim's second picture");
        resp_free(&r);
        free(png);
        api(&sam, "DELETE", "/api/v1/members/kim/avatar", NULL, true, &r);
        expect_api_error(&r, 403, "", "a reader, through the API");
        resp_free(&r);
        api(&june, "DELETE", "/api/v1/members/admin/avatar", NULL, true, &r);
        expect_api_error(&r, 403, "admin", "an admin's picture, through the API");
        resp_free(&r);
        api(&june, "DELETE", "/api/v1/members/kim/avatar", NULL, true, &r);
        expect_status(&r, 200, "june takes it down through the API");
        json_t *j = json_of(&r);
        assert_string_equal(jstr(j, "handle"), "kim");
        assert_true(json_is_null(json_object_get(json_object_get(j, "avatar"), "url")));
        assert_string_equal(jstr(json_object_get(j, "avatar"), "initials"), "K");
        json_decref(j);
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'kim' AND "
                                "avatar_image_id IS NULL"),
                         1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_generated_avatars),
            T(test_upload_and_remove),
            T(test_refusals),
            T(test_moderator_takes_down_a_picture),
            T(test_demo_faces_in_spaces),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("avatars", tests, NULL, NULL);
}
