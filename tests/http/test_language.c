/* Black-box tests of the interface language: Accept-Language, the footer switcher's cookie, a
 * member's saved preference, content marked with its own lang, and the guest page cache never
 * serving one language's page to another. */
#include "client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DEMO_PW "kindred-demo"
#define ZH      "Accept-Language: zh-CN,zh;q=0.9\r\n"
#define EN      "Accept-Language: en-GB,en;q=0.9\r\n"

static struct kd_server srv;

/* GET path with extra header lines (cookies, languages); the status must be `status`. The
 * caller frees r. */
static void get(const char *path, const char *headers, int status, struct http_resp *r)
{
        assert_int_equal(http_do(srv.port, "GET", path, headers, NULL, NULL, 0, r), 0);
        if (r->status != status)
                fail_msg("GET %s: status %d, expected %d", path, r->status, status);
}

static void expect(const struct http_resp *r, const char *path, const char *want)
{
        if (!r->body || !strstr(r->body, want))
                fail_msg("GET %s: \"%s\" is not on the page", path, want);
}

static void expect_not(const struct http_resp *r, const char *path, const char *unwanted)
{
        if (r->body && strstr(r->body, unwanted))
                fail_msg("GET %s: \"%s\" is on the page", path, unwanted);
}

/* The page is the Chinese interface: <html lang>, the footer and the switcher's choice. */
static void expect_chinese(const struct http_resp *r, const char *path)
{
        expect(r, path, "<html lang=\"zh-CN\">");
        expect(r, path, "由真人写作。");
        expect(r, path, "<option value=\"zh-CN\" lang=\"zh-CN\" selected>简体中文</option>");
        expect(r, path, "<script type=\"application/json\" id=\"kd-strings\">{");
        expect(r, path, "引用这段话"); /* kindred.js's words, in Chinese */
        expect_not(r, path, "Written by people.");
        expect_not(r, path, ">Log in<");
        expect_not(r, path, ">Settings<");
}

static void expect_english(const struct http_resp *r, const char *path)
{
        expect(r, path, "<html lang=\"en\">");
        expect(r, path, "Written by people.");
        expect_not(r, path, "由真人写作。");
}

static void cookie_of(const struct jar *j, char *out, size_t size)
{
        jar_header(j, out, size);
}

static void login_as(struct jar *j, const char *who)
{
        memset(j, 0, sizeof(*j));
        assert_int_equal(kd_login(srv.port, j, who, DEMO_PW), 303);
}

/* POSTs to /language with the given extra headers and fields; returns the status, and the
 * response in r (freed by the caller). */
static int post_language(const char *headers, const char *csrf, const char *lang, const char *next,
                         struct http_resp *r)
{
        char body[512] = "";
        if (csrf)
                form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "lang", lang);
        form_append(body, sizeof(body), "next", next);
        assert_int_equal(http_do(srv.port, "POST", "/language", headers,
                                 "application/x-www-form-urlencoded", body, strlen(body), r),
                         0);
        return r->status;
}

/* ---------------------------------------------------------------- every page type */

static void test_chinese_interface_on_every_page(void **state)
{
        (void)state;
        static const char *const guest_pages[] = {
            "/",
            "/n/learning-in-public",
            "/n/learning-in-public/season/1",
            "/n/learning-in-public/two-languages-one-team",
            "/@mira",
            "/login",
            "/signup",
        };
        struct http_resp r;
        for (size_t i = 0; i < sizeof(guest_pages) / sizeof(guest_pages[0]); i++) {
                get(guest_pages[i], ZH, 200, &r);
                expect_chinese(&r, guest_pages[i]);
                resp_free(&r);
        }
        get("/no/such/page", ZH, 404, &r);
        expect_chinese(&r, "/no/such/page");
        resp_free(&r);

        /* The content stays English, marked as such, around the Chinese interface. */
        const char *ep = "/n/learning-in-public/two-languages-one-team";
        get(ep, ZH, 200, &r);
        expect(&r, ep, "<div class=\"body e-content\" lang=\"en\">");
        expect(&r, ep, "<div class=\"comment-body\" lang=\"en\">");
        expect(&r, ep, "Learning in Public");
        expect(&r, ep, "天前"); /* the demo's comments are days old */
        resp_free(&r);

        struct jar mira, june;
        login_as(&mira, "mira");
        login_as(&june, "june");
        char cookie[1024], headers[1200];
        cookie_of(&mira, cookie, sizeof(cookie));
        snprintf(headers, sizeof(headers), "%s%s", cookie, ZH);
        static const char *const member_pages[] = {
            "/settings",
            "/notifications",
            "/write",
            "/write/n/learning-in-public",
            "/write/n/learning-in-public/episode",
            "/@mira",
        };
        for (size_t i = 0; i < sizeof(member_pages) / sizeof(member_pages[0]); i++) {
                get(member_pages[i], headers, 200, &r);
                expect_chinese(&r, member_pages[i]);
                resp_free(&r);
        }
        cookie_of(&june, cookie, sizeof(cookie));
        snprintf(headers, sizeof(headers), "%s%s", cookie, ZH);
        get("/moderation", headers, 200, &r);
        expect_chinese(&r, "/moderation");
        resp_free(&r);

        /* English is English. */
        get("/", EN, 200, &r);
        expect_english(&r, "/");
        resp_free(&r);
        get("/", NULL, 200, &r);
        expect_english(&r, "/ (no Accept-Language)");
        resp_free(&r);
}

/* ---------------------------------------------------------------- the switcher */

static void test_switcher_cookie_for_guests(void **state)
{
        (void)state;
        char origin[128], headers[512];
        /* the test client sends "Host: 127.0.0.1" */
        snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1\r\n");

        /* A guest's form from a cached page carries no token: its origin must be this site. */
        struct http_resp r;
        snprintf(headers, sizeof(headers), "%s%s", ZH, origin);
        assert_int_equal(post_language(headers, NULL, "en", "/@mira", &r), 303);
        char location[256], set_cookie[256];
        assert_true(resp_header_get(&r, "Location", location, sizeof(location)));
        assert_string_equal(location, "/@mira");
        assert_true(resp_header_get(&r, "Set-Cookie", set_cookie, sizeof(set_cookie)));
        assert_non_null(strstr(set_cookie, "kd_lang=en;"));
        resp_free(&r);

        /* The cookie wins over the browser's language, for guests too. */
        get("/@mira", "Cookie: kd_lang=en\r\n" ZH, 200, &r);
        expect_english(&r, "/@mira with kd_lang=en");
        resp_free(&r);
        get("/@mira", "Cookie: kd_lang=zh-CN\r\n" EN, 200, &r);
        expect_chinese(&r, "/@mira with kd_lang=zh-CN");
        resp_free(&r);
        get("/@mira", "Cookie: kd_lang=xx\r\n" EN, 200, &r); /* no such catalog: ignored */
        expect_english(&r, "/@mira with kd_lang=xx");
        resp_free(&r);

        /* Another site's form, no origin at all, or an unknown language: refused. */
        assert_int_equal(post_language("Origin: https://evil.example\r\n", NULL, "en", "/", &r),
                         403);
        resp_free(&r);
        assert_int_equal(post_language("Sec-Fetch-Site: cross-site\r\n", NULL, "en", "/", &r), 403);
        resp_free(&r);
        assert_int_equal(post_language(NULL, NULL, "en", "/", &r), 403);
        resp_free(&r);
        assert_int_equal(post_language(origin, NULL, "fr", "/", &r), 400);
        resp_free(&r);
        /* next must be a path on this site. */
        assert_int_equal(post_language(origin, NULL, "en", "//evil.example/", &r), 303);
        assert_true(resp_header_get(&r, "Location", location, sizeof(location)));
        assert_string_equal(location, "/");
        resp_free(&r);
        /* "" is "no choice": the cookie is cleared. */
        assert_int_equal(post_language(origin, NULL, "", "/", &r), 303);
        assert_true(resp_header_get(&r, "Set-Cookie", set_cookie, sizeof(set_cookie)));
        assert_non_null(strstr(set_cookie, "kd_lang=;"));
        resp_free(&r);
}

static void test_member_preference_wins(void **state)
{
        (void)state;
        struct jar sam;
        login_as(&sam, "sam");
        char session[512], headers[1200], csrf[128];
        snprintf(session, sizeof(session), "Cookie: kd_session=%s\r\n",
                 jar_get(&sam, "kd_session"));

        struct http_resp r;
        snprintf(headers, sizeof(headers), "%s%s", session, EN);
        get("/settings", headers, 200, &r);
        expect_english(&r, "/settings");
        char lang[32];
        assert_true(html_form_value(r.body, "lang", lang, sizeof(lang)));
        assert_string_equal(lang, ""); /* not chosen yet */
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);

        /* A member's form needs the token, whatever its origin. */
        char origin[128];
        /* the test client sends "Host: 127.0.0.1" */
        snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1\r\n");
        snprintf(headers, sizeof(headers), "%s%s", session, origin);
        assert_int_equal(post_language(headers, NULL, "zh-CN", "/settings", &r), 403);
        resp_free(&r);
        assert_int_equal(post_language(session, csrf, "zh-CN", "/settings?saved=language", &r),
                         303);
        resp_free(&r);

        /* Saved: the settings page says so, and every page follows it over the header (with no
         * cookie: the preference is the account's, on any browser). */
        snprintf(headers, sizeof(headers), "%s%s", session, EN);
        get("/settings?saved=language", headers, 200, &r);
        expect_chinese(&r, "/settings");
        expect(&r, "/settings", "你的语言已保存。");
        assert_true(html_form_value(r.body, "lang", lang, sizeof(lang)));
        assert_string_equal(lang, "zh-CN");
        resp_free(&r);
        snprintf(headers, sizeof(headers), "Cookie: kd_session=%s; kd_lang=en\r\n%s",
                 jar_get(&sam, "kd_session"), EN);
        get("/n/learning-in-public", headers, 200, &r);
        expect_chinese(&r, "/n/learning-in-public (sam's preference)");
        resp_free(&r);

        /* A comment sam writes now is marked Chinese. */
        snprintf(headers, sizeof(headers), "%s%s", session, EN);
        char body[1024] = "";
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "body", "我也是这样想的。");
        const char *ep = "/n/learning-in-public/two-languages-one-team";
        char path[256];
        snprintf(path, sizeof(path), "%s/comments", ep);
        assert_int_equal(http_do(srv.port, "POST", path, session,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        assert_int_equal(r.status, 303);
        resp_free(&r);
        get(ep, EN, 200, &r);
        expect(&r, ep, "<div class=\"comment-body\" lang=\"zh-CN\"><p>我也是这样想的。</p>");
        resp_free(&r);

        /* Back to automatic: the header decides again. */
        assert_int_equal(post_language(session, csrf, "", "/", &r), 303);
        resp_free(&r);
        get("/", headers, 200, &r);
        expect_english(&r, "/ (sam, automatic)");
        resp_free(&r);
}

/* ---------------------------------------------------------------- the page cache */

static void test_cache_keeps_languages_apart(void **state)
{
        (void)state;
        const char *path = "/n/learning-in-public";
        struct http_resp r;
        for (int round = 0; round < 3; round++) {
                get(path, ZH, 200, &r);
                expect_chinese(&r, "zh round");
                char vary[128];
                assert_true(resp_header_get(&r, "Vary", vary, sizeof(vary)));
                assert_non_null(strstr(vary, "Accept-Language"));
                assert_non_null(strstr(vary, "Cookie"));
                resp_free(&r);
                get(path, EN, 200, &r);
                expect_english(&r, "en round");
                resp_free(&r);
                get(path, "Cookie: kd_lang=en\r\n" ZH, 200, &r);
                expect_english(&r, "cookie en round");
                resp_free(&r);
                get(path, "Cookie: kd_lang=zh-CN\r\n" EN, 200, &r);
                expect_chinese(&r, "cookie zh round");
                resp_free(&r);
        }
        /* The cached pages were the guests' own: no token in them. */
        get(path, ZH, 200, &r);
        expect_not(&r, path, "name=\"_csrf\"");
        assert_null(strstr(r.head, "Set-Cookie"));
        resp_free(&r);
}

/* ---------------------------------------------------------------- numbers and names */

static void test_counts_and_long_chinese_names(void **state)
{
        (void)state;
        struct http_resp r;
        get("/", ZH, 200, &r);
        expect(&r, "/", "目前已有 7 位成员");
        resp_free(&r);
        get("/", EN, 200, &r);
        expect_not(&r, "/", "位成员");
        resp_free(&r);

        /* A display name of the maximum length in Chinese shows whole, in both interfaces. */
        struct jar ana;
        login_as(&ana, "ana");
        char cookie[1024], csrf[128];
        cookie_of(&ana, cookie, sizeof(cookie));
        get("/settings", cookie, 200, &r);
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        char name[80 * 3 + 1] = "";
        for (int i = 0; i < 80; i++)
                strcat(name, i % 2 ? "语" : "汉");
        char body[2048] = "";
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "display_name", name);
        form_append(body, sizeof(body), "headline", "");
        form_append(body, sizeof(body), "bio", "");
        form_append(body, sizeof(body), "email", "ana@example.org");
        assert_int_equal(http_do(srv.port, "POST", "/settings/profile", cookie,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        assert_int_equal(r.status, 303);
        resp_free(&r);
        get("/@ana", ZH, 200, &r);
        expect(&r, "/@ana", name);
        expect_chinese(&r, "/@ana");
        resp_free(&r);
        get("/@ana", EN, 200, &r);
        expect(&r, "/@ana", name);
        resp_free(&r);
}

/* ---------------------------------------------------------------- fixtures */

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static int stop(void **state)
{
        (void)state;
        int rc = kd_stop(&srv);
        if (rc != 0 || kd_log_contains(&srv, "runtime error") ||
            kd_log_contains(&srv, "AddressSanitizer") || kd_log_contains(&srv, "LeakSanitizer")) {
                fprintf(stderr, "server exited with %d or reported a sanitizer error; log: %s\n",
                        rc, srv.log_path);
                return -1;
        }
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_chinese_interface_on_every_page),
            cmocka_unit_test(test_switcher_cookie_for_guests),
            cmocka_unit_test(test_member_preference_wins),
            cmocka_unit_test(test_cache_keeps_languages_apart),
            cmocka_unit_test(test_counts_and_long_chinese_names),
        };
        return cmocka_run_group_tests_name("language", tests, start, stop);
}
