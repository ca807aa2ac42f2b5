/* What pages tell search engines, through the real binary: every indexable page (each address in
 * the sitemap and the public pages around them) has a description of its own, non-empty and
 * escaped, matching its og:description; error pages and private pages say noindex; a profile is
 * described by the member's headline, in every language the interface speaks. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOINDEX "<meta name=\"robots\" content=\"noindex\">"
#define DESC    "<meta name=\"description\" content=\""
#define OG_DESC "<meta property=\"og:description\" content=\""

enum { DESC_MAX = 1024, PAGES_MAX = 64, PATH_MAX_LEN = 512 };

/* The content of the page's meta description (empty when it has none); fails when it has two. */
static void description_of(struct http_resp *r, const char *what, char *out, size_t size)
{
        out[0] = '\0';
        size_t n = count(r->body, DESC);
        if (n > 1)
                fail_resp(r, what);
        if (n == 1)
                assert_true(extract(r->body, DESC, "\"", out, size));
}

/* An indexable page: 200, no noindex, one description of some substance that og:description
 * repeats. Returns the description in out. */
static void expect_described(const struct member *m, const char *path, const char *headers,
                             char *out, size_t size)
{
        struct http_resp r;
        if (headers)
                get_with_headers(path, headers, &r);
        else
                get(m, path, &r);
        expect_status(&r, 200, path);
        expect_not_in(&r, NOINDEX, path);
        description_of(&r, path, out, size);
        if (strlen(out) < 20) {
                fprintf(stderr, "description of %s: \"%s\"\n", path, out);
                fail_resp(&r, "an indexable page without a real description");
        }
        char og[DESC_MAX];
        assert_true(extract(r.body, OG_DESC, "\"", og, sizeof(og)));
        assert_string_equal(og, out);
        resp_free(&r);
}

/* The paths of the site's addresses in /sitemap.xml (at most max). */
static int sitemap_paths(char paths[][PATH_MAX_LEN], int max)
{
        struct http_resp r;
        get(NULL, "/sitemap.xml", &r);
        expect_status(&r, 200, "the sitemap");
        char base[64];
        snprintf(base, sizeof(base), "http://127.0.0.1:%d", srv.port);
        int n = 0;
        for (const char *p = strstr(r.body, "<loc>"); p && n < max; p = strstr(p + 1, "<loc>")) {
                const char *start = p + strlen("<loc>");
                const char *end = strstr(start, "</loc>");
                assert_non_null(end);
                if (strncmp(start, base, strlen(base)) == 0)
                        start += strlen(base);
                size_t len = (size_t)(end - start);
                assert_true(len > 0 && len < PATH_MAX_LEN);
                memcpy(paths[n], start, len);
                paths[n][len] = '\0';
                n++;
        }
        resp_free(&r);
        return n;
}

/* Every address in the sitemap and every public page type a search engine reaches is described,
 * and no two share a description (a shared one tells a searcher nothing about the page). */
static void test_every_indexable_page_is_described(void **state)
{
        (void)state;
        static char paths[PAGES_MAX + 32][PATH_MAX_LEN];
        int n = sitemap_paths(paths, PAGES_MAX);
        assert_true(n >= 8); /* the demo's home, newsletters, seasons and episodes */
        static const char *const more[] = {
            "/@mira",
            "/@liwei",
            "/@mira/comments",
            "/badges",
            "/spaces",
            "/spaces/readers-circle",
            "/signup",
            "/login",
            "/password/forgot",
            "/n/learning-in-public/asks",
            "/n/learning-in-public/lexicon",
            "/n/learning-in-public/the-fifteen-minute-retro/b",
        };
        for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
                snprintf(paths[n++], PATH_MAX_LEN, "%s", more[i]);
        static char seen[PAGES_MAX + 32][DESC_MAX];
        for (int i = 0; i < n; i++) {
                expect_described(NULL, paths[i], NULL, seen[i], DESC_MAX);
                for (int j = 0; j < i; j++)
                        if (strcmp(seen[i], seen[j]) == 0) {
                                fprintf(stderr, "%s and %s share \"%s\"\n", paths[i], paths[j],
                                        seen[i]);
                                fail();
                        }
        }
}

/* The pages' own words win over the site's: a profile is its headline, the home page and the
 * sign-up page say what the site and membership are. */
static void test_descriptions_say_what_the_page_is(void **state)
{
        (void)state;
        char d[DESC_MAX];
        expect_described(NULL, "/@mira", NULL, d, sizeof(d));
        assert_string_equal(d, "Writes about how small teams learn in public");
        expect_described(NULL, "/", NULL, d, sizeof(d));
        assert_non_null(strstr(d, "Newsletters in seasons, written by people"));
        expect_described(NULL, "/signup", NULL, d, sizeof(d));
        assert_string_equal(d, "Members react, comment, answer prompts and talk with each other.");
        /* a page without words of its own names itself and the site */
        expect_described(NULL, "/spaces/readers-circle", NULL, d, sizeof(d));
        assert_true(strlen(d) > 0);
        expect_described(NULL, "/login", NULL, d, sizeof(d));
        assert_non_null(strstr(d, "Log in on Kindred"));
}

/* The fallback is translated like the rest of the interface. */
static void test_descriptions_in_chinese(void **state)
{
        (void)state;
        char d[DESC_MAX];
        expect_described(NULL, "/login", "Accept-Language: zh-CN\r\n", d, sizeof(d));
        assert_null(strstr(d, "where newsletters are written"));
        assert_non_null(strstr(d, "Kindred"));
        expect_described(NULL, "/", "Accept-Language: zh-CN\r\n", d, sizeof(d));
        assert_null(strstr(d, "Newsletters in seasons"));
        /* a member's headline stays in the member's words */
        expect_described(NULL, "/@liwei", "Accept-Language: en\r\n", d, sizeof(d));
        assert_string_equal(d, "在上海做数据工程，业余写诗");
}

/* A headline is member text: in the attribute it is escaped, never able to close it. */
static void test_description_is_escaped(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        const char *const kv[] = {"display_name",
                                  "Sam Reyes",
                                  "headline",
                                  "Designs \"calm\" <software> & tools",
                                  "bio",
                                  "",
                                  "email",
                                  "sam@kindred.test",
                                  NULL};
        struct http_resp r;
        post_pairs(&sam, "/settings/profile", kv, true, &r);
        expect_status(&r, 303, "the profile saved");
        resp_free(&r);
        char d[DESC_MAX];
        expect_described(NULL, "/@sam", NULL, d, sizeof(d));
        assert_string_equal(d, "Designs &quot;calm&quot; &lt;software&gt; &amp; tools");
}

/* Error pages are never indexed, whatever the status, and invent no description. */
static void test_error_pages_say_noindex(void **state)
{
        (void)state;
        static const struct {
                const char *path;
                const char *as;
                int status;
        } errors[] = {
            {"/no/such/page", NULL, 404},
            {"/n/no-such-newsletter", NULL, 404},
            {"/n/learning-in-public/no-such-episode", NULL, 404},
            {"/@nobody-by-this-name", NULL, 404},
            {"/admin/members", "sam", 403},
        };
        struct member sam;
        login_as(&sam, "sam", NULL);
        for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
                struct http_resp r;
                get(errors[i].as ? &sam : NULL, errors[i].path, &r);
                expect_status(&r, errors[i].status, errors[i].path);
                expect_in(&r, NOINDEX, errors[i].path);
                expect_not_in(&r, DESC, errors[i].path);
                expect_in(&r, "class=\"error-page\"", errors[i].path);
                resp_free(&r);
        }
}

/* Private pages keep their noindex and get no invented description. */
static void test_private_pages_stay_out(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        static const char *const private_pages[] = {"/members", "/notifications",
                                                    "/n/learning-in-public/asks/new"};
        for (size_t i = 0; i < sizeof(private_pages) / sizeof(private_pages[0]); i++) {
                struct http_resp r;
                get(&sam, private_pages[i], &r);
                expect_status(&r, 200, private_pages[i]);
                expect_in(&r, NOINDEX, private_pages[i]);
                expect_not_in(&r, DESC, private_pages[i]);
                resp_free(&r);
        }
}

/* Pages announce both colour schemes before the stylesheet arrives, and the browser's bars take
 * the paper colour the stylesheet gives each scheme (the two must not drift apart). */
static void test_theme_colours_follow_the_stylesheet(void **state)
{
        (void)state;
        struct http_resp page, css;
        get(NULL, "/", &page);
        expect_status(&page, 200, "the home page");
        expect_in(&page, "<meta name=\"color-scheme\" content=\"light dark\">", "color-scheme");
        char light[16], dark[16];
        assert_true(extract(page.body, "<meta name=\"theme-color\" content=\"", "\"", light,
                            sizeof(light)));
        const char *second = strstr(page.body, "media=\"(prefers-color-scheme: light)\">");
        assert_non_null(second);
        assert_true(
            extract(second, "<meta name=\"theme-color\" content=\"", "\"", dark, sizeof(dark)));
        expect_in(&page, "media=\"(prefers-color-scheme: dark)\"", "a dark theme colour");
        resp_free(&page);
        get(NULL, "/static/kindred.css", &css);
        expect_status(&css, 200, "the stylesheet");
        const char *dark_block = strstr(css.body, "@media (prefers-color-scheme: dark)");
        assert_non_null(dark_block);
        char want[64];
        snprintf(want, sizeof(want), "--paper: %s;", light);
        const char *in_root = strstr(css.body, want);
        assert_true(in_root && in_root < dark_block);
        snprintf(want, sizeof(want), "--paper: %s;", dark);
        const char *in_dark = strstr(dark_block, want);
        assert_non_null(in_dark);
        assert_true(strcmp(light, dark) != 0);
        resp_free(&css);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_indexable_page_is_described),
            cmocka_unit_test(test_descriptions_say_what_the_page_is),
            cmocka_unit_test(test_descriptions_in_chinese),
            cmocka_unit_test(test_description_is_escaped),
            cmocka_unit_test(test_error_pages_say_noindex),
            cmocka_unit_test(test_private_pages_stay_out),
            cmocka_unit_test(test_theme_colours_follow_the_stylesheet),
        };
        return cmocka_run_group_tests_name("meta", tests, kd_fixture_start, kd_fixture_stop);
}
