/* Black-box tests of the interface language: Accept-Language, the footer switcher's cookie, a
 * member's saved preference, content marked with its own lang, and the guest page cache never
 * serving one language's page to another. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define ZH "Accept-Language: zh-CN,zh;q=0.9\r\n"
#define EN "Accept-Language: en-GB,en;q=0.9\r\n"

/* GET path with extra header lines (cookies, languages); the status must be `status`. The
 * caller frees r. */
static void get_expect(const char *path, const char *headers, int status, struct http_resp *r)
{
        get_with_headers(path, headers, r);
        expect_status(r, status, path);
}

/* The page is the Chinese interface: <html lang>, the footer and the switcher's choice. */
static void expect_chinese(struct http_resp *r, const char *path)
{
        expect_in(r, "<html lang=\"zh-CN\">", path);
        expect_in(r, "由真人写作。", path);
        expect_in(r, "<option value=\"zh-CN\" lang=\"zh-CN\" selected>简体中文</option>", path);
        expect_in(r, "<script type=\"application/json\" id=\"kd-strings\">{", path);
        expect_in(r, "引用这段话", path); /* kindred.js's words, in Chinese */
        expect_not_in(r, "Written by people.", path);
        expect_not_in(r, ">Log in<", path);
        expect_not_in(r, ">Settings<", path);
}

static void expect_english(struct http_resp *r, const char *path)
{
        expect_in(r, "<html lang=\"en\">", path);
        expect_in(r, "Written by people.", path);
        expect_not_in(r, "由真人写作。", path);
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
                get_expect(guest_pages[i], ZH, 200, &r);
                expect_chinese(&r, guest_pages[i]);
                resp_free(&r);
        }
        get_expect("/no/such/page", ZH, 404, &r);
        expect_chinese(&r, "/no/such/page");
        resp_free(&r);

        /* The content stays English, marked as such, around the Chinese interface. */
        const char *ep = "/n/learning-in-public/two-languages-one-team";
        get_expect(ep, ZH, 200, &r);
        expect_in(&r, "<div class=\"body e-content\" lang=\"en\">", ep);
        expect_in(&r, "<div class=\"comment-body\" lang=\"en\">", ep);
        expect_in(&r, "Learning in Public", ep);
        expect_in(&r, "天前", ep); /* the demo's comments are days old */
        resp_free(&r);

        struct member mira, june;
        login_as(&mira, "mira", NULL);
        login_as(&june, "june", NULL);
        char cookie[1024], headers[1200];
        jar_header(&mira.jar, cookie, sizeof(cookie));
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
                get_expect(member_pages[i], headers, 200, &r);
                expect_chinese(&r, member_pages[i]);
                resp_free(&r);
        }
        jar_header(&june.jar, cookie, sizeof(cookie));
        snprintf(headers, sizeof(headers), "%s%s", cookie, ZH);
        get_expect("/moderation", headers, 200, &r);
        expect_chinese(&r, "/moderation");
        resp_free(&r);

        /* English is English. */
        get_expect("/", EN, 200, &r);
        expect_english(&r, "/");
        resp_free(&r);
        get_expect("/", NULL, 200, &r);
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
        get_expect("/@mira", "Cookie: kd_lang=en\r\n" ZH, 200, &r);
        expect_english(&r, "/@mira with kd_lang=en");
        resp_free(&r);
        get_expect("/@mira", "Cookie: kd_lang=zh-CN\r\n" EN, 200, &r);
        expect_chinese(&r, "/@mira with kd_lang=zh-CN");
        resp_free(&r);
        get_expect("/@mira", "Cookie: kd_lang=xx\r\n" EN, 200, &r); /* no such catalog: ignored */
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
        struct member sam;
        login_as(&sam, "sam", NULL);
        char session[512], headers[1200], csrf[128];
        snprintf(session, sizeof(session), "Cookie: kd_session=%s\r\n",
                 jar_get(&sam.jar, "kd_session"));

        struct http_resp r;
        snprintf(headers, sizeof(headers), "%s%s", session, EN);
        get_expect("/settings", headers, 200, &r);
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
        get_expect("/settings?saved=language", headers, 200, &r);
        expect_chinese(&r, "/settings");
        expect_in(&r, "你的语言已保存。", "/settings");
        assert_true(html_form_value(r.body, "lang", lang, sizeof(lang)));
        assert_string_equal(lang, "zh-CN");
        resp_free(&r);
        snprintf(headers, sizeof(headers), "Cookie: kd_session=%s; kd_lang=en\r\n%s",
                 jar_get(&sam.jar, "kd_session"), EN);
        get_expect("/n/learning-in-public", headers, 200, &r);
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
        get_expect(ep, EN, 200, &r);
        expect_in(&r, "<div class=\"comment-body\" lang=\"zh-CN\"><p>我也是这样想的。</p>", ep);
        resp_free(&r);

        /* Back to automatic: the header decides again. */
        assert_int_equal(post_language(session, csrf, "", "/", &r), 303);
        resp_free(&r);
        get_expect("/", headers, 200, &r);
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
                get_expect(path, ZH, 200, &r);
                expect_chinese(&r, "zh round");
                char vary[128];
                assert_true(resp_header_get(&r, "Vary", vary, sizeof(vary)));
                assert_non_null(strstr(vary, "Accept-Language"));
                assert_non_null(strstr(vary, "Cookie"));
                resp_free(&r);
                get_expect(path, EN, 200, &r);
                expect_english(&r, "en round");
                resp_free(&r);
                get_expect(path, "Cookie: kd_lang=en\r\n" ZH, 200, &r);
                expect_english(&r, "cookie en round");
                resp_free(&r);
                get_expect(path, "Cookie: kd_lang=zh-CN\r\n" EN, 200, &r);
                expect_chinese(&r, "cookie zh round");
                resp_free(&r);
        }
        /* The cached pages were the guests' own: no token in them. */
        get_expect(path, ZH, 200, &r);
        expect_not_in(&r, "name=\"_csrf\"", path);
        assert_null(strstr(r.head, "Set-Cookie"));
        resp_free(&r);
}

/* ---------------------------------------------------------------- numbers and names */

static void test_counts_and_long_chinese_names(void **state)
{
        (void)state;
        struct http_resp r;
        get_expect("/", ZH, 200, &r);
        expect_in(&r, "目前已有 55 位成员", "/"); /* the cast and the readers of demo_insights.c */
        resp_free(&r);
        get_expect("/", EN, 200, &r);
        expect_not_in(&r, "位成员", "/");
        resp_free(&r);

        /* A display name of the maximum length in Chinese shows whole, in both interfaces. */
        struct member ana;
        login_as(&ana, "ana", NULL);
        char cookie[1024], csrf[128];
        jar_header(&ana.jar, cookie, sizeof(cookie));
        get_expect("/settings", cookie, 200, &r);
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
        get_expect("/@ana", ZH, 200, &r);
        expect_in(&r, name, "/@ana");
        expect_chinese(&r, "/@ana");
        resp_free(&r);
        get_expect("/@ana", EN, 200, &r);
        expect_in(&r, name, "/@ana");
        resp_free(&r);
}

/* ---------------------------------------------------------------- plural and relative forms */

/* GETs path as a guest in both languages and checks each page has its own words. */
static void expect_both(const char *path, const char *english, const char *chinese)
{
        struct http_resp r;
        get_expect(path, EN, 200, &r);
        expect_in(&r, english, path);
        expect_not_in(&r, chinese, path);
        resp_free(&r);
        get_expect(path, ZH, 200, &r);
        expect_in(&r, chinese, path);
        expect_not_in(&r, english, path);
        resp_free(&r);
}

/* mira publishes an episode in Learning in Public dated `age` seconds ago (to the minute the
 * editor takes, rounded down, so the episode is a little older, never younger); returns its
 * path in out. */
static void publish_aged_episode(const struct member *mira, const char *title, const char *slug,
                                 long long age, char *out, size_t size)
{
        char cookie[1024], csrf[128], when[32], ctype[128];
        jar_header(&mira->jar, cookie, sizeof(cookie));
        struct http_resp r;
        get_expect("/write/n/learning-in-public/episode", cookie, 200, &r);
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        time_t at = time(NULL) - (time_t)age;
        struct tm tm;
        gmtime_r(&at, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M", &tm);
        struct multipart m;
        mp_init(&m);
        const char *const fields[][2] = {
            {"_csrf", csrf}, {"season", "2"},        {"title", title},     {"subtitle", ""},
            {"slug", slug},  {"body", "Counted.\n"}, {"cover_alt", ""},    {"cover_credit", ""},
            {"ai", "none"},  {"teaser", ""},         {"publish_at", when}, {"action", "publish"},
        };
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
                mp_field(&m, fields[i][0], fields[i][1]);
        mp_finish(&m, ctype, sizeof(ctype));
        assert_int_equal(http_do(srv.port, "POST", "/write/n/learning-in-public/episode", cookie,
                                 ctype, m.data, m.len, &r),
                         0);
        mp_free(&m);
        if (r.status != 303)
                fail_msg("publishing %s: status %d", slug, r.status);
        resp_free(&r);
        snprintf(out, size, "/n/learning-in-public/%s", slug);
}

/* who comments on the episode at path (through the page's form). */
static void comment_as(const char *who, const char *path, const char *text)
{
        struct member j;
        login_as(&j, who, NULL);
        char cookie[1024], csrf[128], body[1024] = "", action[300];
        jar_header(&j.jar, cookie, sizeof(cookie));
        struct http_resp r;
        get_expect(path, cookie, 200, &r);
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "body", text);
        snprintf(action, sizeof(action), "%s/comments", path);
        assert_int_equal(http_do(srv.port, "POST", action, cookie,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        if (r.status != 303)
                fail_msg("%s commenting on %s: status %d", who, path, r.status);
        resp_free(&r);
}

/* Counts and relative times in both languages for 0, 1, 2, 5 and large values: the comment
 * count heading of an episode and its card, "just now" for a comment posted now, and the ages
 * of episodes published 5 days, 10 months and 20 years ago (minute precision leaves minutes
 * of slack; the demo's comments are 2 days and 1 day old). */
static void test_plural_and_relative_forms(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        char ep[128], months[128], years[128], want_en[256], want_zh[256];
        publish_aged_episode(&mira, "Counting in Two Languages", "counting-in-two-languages",
                             5LL * 86400 + 600, ep, sizeof(ep));
        publish_aged_episode(&mira, "Ten Months Back", "ten-months-back", 300LL * 86400 + 3600,
                             months, sizeof(months));
        publish_aged_episode(&mira, "Twenty Years Back", "twenty-years-back",
                             20LL * 365 * 86400 + 3600, years, sizeof(years));

        expect_both(ep, ">5 days ago</time>", ">5 天前</time>");
        expect_both(months, ">10 months ago</time>", ">10 个月前</time>");
        expect_both(years, ">20 years ago</time>", ">20 年前</time>");
        expect_both("/n/learning-in-public/two-languages-one-team", ">2 days ago</time>",
                    ">2 天前</time>");
        expect_both("/n/learning-in-public/two-languages-one-team", ">1 day ago</time>",
                    ">1 天前</time>");

        static const struct {
                int n;
                const char *en, *zh;
        } counts[] = {
            {0, "0 comments", "0 条评论"},
            {1, "1 comment", "1 条评论"},
            {2, "2 comments", "2 条评论"},
            {5, "5 comments", "5 条评论"},
        };
        static const char *const commenters[] = {"sam", "ana", "june", "tomas", "liwei"};
        int posted = 0;
        for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
                for (; posted < counts[i].n; posted++)
                        comment_as(commenters[posted], ep, "Counting along.");
                /* the episode's heading, and its card on the newsletter's page */
                snprintf(want_en, sizeof(want_en), "<h2 id=\"comments-h\">%s</h2>", counts[i].en);
                snprintf(want_zh, sizeof(want_zh), "<h2 id=\"comments-h\">%s</h2>", counts[i].zh);
                expect_both(ep, want_en, want_zh);
                snprintf(want_en, sizeof(want_en), "%s#comments\">%s</a>", ep, counts[i].en);
                snprintf(want_zh, sizeof(want_zh), "%s#comments\">%s</a>", ep, counts[i].zh);
                expect_both("/n/learning-in-public/season/2", want_en, want_zh);
                if (counts[i].n == 1)
                        expect_both(ep, ">just now</time>", ">刚刚</time>");
        }
}

/* Titles, subtitles and excerpts are the episode's words: they carry its language on the
 * episode page and on cards, whatever the interface speaks. */
static void test_titles_carry_the_episode_language(void **state)
{
        (void)state;
        const char *ep = "/n/learning-in-public/two-languages-one-team";
        struct http_resp r;
        get_expect(ep, ZH, 200, &r);
        expect_in(&r, "<h1 class=\"p-name\" lang=\"en\">Two Languages, One Team</h1>", ep);
        expect_in(&r, "<p class=\"subtitle p-summary\" lang=\"en\">", ep);
        resp_free(&r);
        get_expect("/n/learning-in-public/season/2", ZH, 200, &r);
        expect_in(&r, "<h3 lang=\"en\"><a href=\"/n/learning-in-public/", "season 2");
        expect_in(&r, "<p class=\"excerpt\" lang=\"en\">", "season 2");
        expect_not_in(&r, "<h3><a", "season 2");
        resp_free(&r);
        get_expect("/", ZH, 200, &r);
        expect_in(&r, "<h3 lang=\"en\"><a href=\"/n/", "/");
        resp_free(&r);
}

/* The switcher brings the reader back to the page they were on, query string and all. */
static void test_switcher_keeps_the_query(void **state)
{
        (void)state;
        const char *path = "/n/learning-in-public/season/2?sort=old&note=a%20b%26c";
        struct http_resp r;
        get_expect(path, EN, 200, &r);
        expect_in(
            &r,
            "name=\"next\" value=\"/n/learning-in-public/season/2?sort=old&amp;note=a%20b%26c\"",
            path);
        resp_free(&r);
        get_expect("/@mira", EN, 200, &r);
        expect_in(&r, "name=\"next\" value=\"/@mira\"", "/@mira");
        resp_free(&r);

        char origin[] = "Origin: http://127.0.0.1\r\n", location[256];
        assert_int_equal(post_language(origin, NULL, "zh-CN",
                                       "/n/learning-in-public/season/2?sort=old&note=a%20b%26c",
                                       &r),
                         303);
        assert_true(resp_header_get(&r, "Location", location, sizeof(location)));
        assert_string_equal(location, "/n/learning-in-public/season/2?sort=old&note=a%20b%26c");
        resp_free(&r);
}

/* ---------------------------------------------------------------- fixtures */

/* The guest page cache keys on the query as it was sent: an encoded "&" in a value is not the
 * start of another argument, so each address gets its own page (the footer's next shows it). */
static void test_cache_keys_keep_encoded_queries_apart(void **state)
{
        (void)state;
        struct http_resp r;
        for (int round = 0; round < 2; round++) {
                get_expect("/?a=x%26b%3Dy", NULL, 200, &r);
                expect_in(&r, "name=\"next\" value=\"/?a=x%26b%3Dy\"", "/?a=x%26b%3Dy");
                resp_free(&r);
                get_expect("/?a=x&b=y", NULL, 200, &r);
                expect_in(&r, "name=\"next\" value=\"/?a=x&amp;b=y\"", "/?a=x&b=y");
                resp_free(&r);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_chinese_interface_on_every_page),
            cmocka_unit_test(test_switcher_cookie_for_guests),
            cmocka_unit_test(test_member_preference_wins),
            cmocka_unit_test(test_cache_keeps_languages_apart),
            cmocka_unit_test(test_counts_and_long_chinese_names),
            cmocka_unit_test(test_plural_and_relative_forms),
            cmocka_unit_test(test_titles_carry_the_episode_language),
            cmocka_unit_test(test_switcher_keeps_the_query),
            cmocka_unit_test(test_cache_keys_keep_encoded_queries_apart),
        };
        return cmocka_run_group_tests_name("language", tests, kd_fixture_start, kd_fixture_stop);
}
