/* Black-box tests of the site search (docs/search.md) against the real kindred binary with the
 * demo content: old episodes found by a phrase, drafts and scheduled episodes never, the index
 * following edits, publishing, hiding and restoring comments and suspending members; Chinese
 * text; ranking (a title above a passing mention, the newest first among equals) and paging;
 * the JSON endpoint; escaping and hostile queries; the header's box without JavaScript; the
 * rate limit. Every test gets a server of its own with a fresh data folder, on SQLite and (under
 * tests/pg/run) on PostgreSQL. */
#include "session.h"
#include "core/limits.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL      "learning-in-public"
#define EP_PATH "/n/" NL "/two-languages-one-team"

static int start(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_WRITE_LIMITS=false", NULL};
        return kd_start(&srv, env);
}

/* ---------------------------------------------------------------- helpers */

/* "/search?q=...[&kind=...][&page=N]" (or the API's) into out. */
static void search_path(char *out, size_t size, bool api_path, const char *q, const char *kind,
                        int page)
{
        char query[2048] = "";
        form_append(query, sizeof(query), "q", q);
        if (kind)
                form_append(query, sizeof(query), "kind", kind);
        if (page > 1) {
                char p[16];
                snprintf(p, sizeof(p), "%d", page);
                form_append(query, sizeof(query), "page", p);
        }
        snprintf(out, size, "%s?%s", api_path ? "/api/v1/search" : "/search", query);
}

/* The search page for q as m (NULL: a guest), which must answer status. */
static void search_as(const struct member *m, const char *q, const char *kind, int page, int status,
                      struct http_resp *r)
{
        char path[2200];
        search_path(path, sizeof(path), false, q, kind, page);
        get(m, path, r);
        expect_status(r, status, path);
}

/* Whether the results for q (as m) hold needle. */
static bool finds(const struct member *m, const char *q, const char *needle)
{
        struct http_resp r;
        search_as(m, q, NULL, 1, 200, &r);
        char *results = slice(r.body, "<h2 class=\"search-summary\"", "</section>");
        bool found = results && strstr(results, needle);
        free(results);
        resp_free(&r);
        return found;
}

/* The API's answer for q as m; must be 200. Caller decrefs. */
static json_t *api_search(const struct member *m, const char *q, const char *kind, int page)
{
        char path[2200];
        search_path(path, sizeof(path), true, q, kind, page);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, path);
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

/* Posts a comment under ep_path through the API as m; returns its id. */
static long comment(const struct member *m, const char *ep_path, const char *body)
{
        long ep = episode_id_as(m, ep_path);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        json_t *o = json_pack("{s:s}", "body", body);
        char *json = json_dumps(o, 0);
        json_decref(o);
        struct http_resp r;
        api(m, "POST", path, json, true, &r);
        free(json);
        expect_status(&r, 201, "a comment is posted");
        json_t *j = json_of(&r);
        resp_free(&r);
        long id = (long)json_integer_value(json_object_get(j, "id"));
        json_decref(j);
        assert_true(id > 0);
        return id;
}

static void post_ok(const struct member *m, const char *path, const char *const *kv)
{
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        if (r.status != 303 && r.status != 200)
                fail_resp(&r, path);
        resp_free(&r);
}

/* ---------------------------------------------------------------- episodes */

/* A new member finds an old episode by a phrase from it; drafts and scheduled episodes are
 * never found, not even by their author, until they are published; an edit is found by its
 * new words and no longer by the old ones. */
static void test_episodes_published_only_and_kept_in_step(void **state)
{
        (void)state;
        struct member newcomer, mira;
        signup_as(&newcomer, "newcomer");
        login_as(&mira, "mira", NULL);
        /* a phrase from the first season's retro episode, months old */
        assert_true(finds(&newcomer, "\"portacabin beside a substation\"",
                          "href=\"/n/" NL "/the-fifteen-minute-retro\""));
        assert_true(finds(NULL, "portacabin substation", "the-fifteen-minute-retro"));
        struct http_resp r;
        search_as(NULL, "portacabin", NULL, 1, 200, &r);
        expect_in(&r, "<mark>portacabin</mark>", "the match is marked in the snippet");
        resp_free(&r);

        char loc[256];
        write_episode(&mira, "/write/n/" NL "/episode", "Zebraquill Notes",
                      "A draft about zebraquill feathers.", NULL, "draft", loc, sizeof(loc));
        write_episode(&mira, "/write/n/" NL "/episode", "Later Marmalade",
                      "Scheduled: marmaladeworks will appear next year.", "2099-01-05T08:00", NULL,
                      NULL, 0);
        assert_false(finds(&mira, "zebraquill", "Zebraquill"));
        assert_false(finds(&newcomer, "zebraquill", "Zebraquill"));
        assert_false(finds(&mira, "marmaladeworks", "Marmalade"));
        assert_false(finds(NULL, "marmaladeworks", "Marmalade"));
        json_t *j = api_search(&mira, "zebraquill", NULL, 1);
        assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
        json_decref(j);

        /* published: found, by title and by body */
        long id = edit_id_of(&mira, loc);
        char path[64];
        snprintf(path, sizeof(path), "/write/episode/%ld", id);
        write_episode(&mira, path, "Zebraquill Notes", "Now about zebraquill feathers, published.",
                      NULL, NULL, NULL, 0);
        assert_true(finds(&newcomer, "zebraquill", "href=\"/n/" NL "/zebraquill-notes\""));
        assert_true(finds(NULL, "feathers published", "zebraquill-notes"));

        /* edited: the new words find it, the old ones no longer do */
        write_episode(&mira, path, "Zebraquill Notes", "Rewritten about ostrichplume instead.",
                      NULL, NULL, NULL, 0);
        assert_true(finds(NULL, "ostrichplume", "zebraquill-notes"));
        assert_false(finds(NULL, "feathers published", "zebraquill-notes"));

        /* back to a draft (the editor's unpublish is the write lane's; the row is what counts) */
        /* (asked as a member: db_exec bypasses the server, so guests' cached pages stay) */
        db_exec("UPDATE episode SET status = 'draft' WHERE slug = 'zebraquill-notes'");
        assert_false(finds(&newcomer, "ostrichplume", "zebraquill-notes"));
        /* and gone for good: its row and its comments leave the index */
        db_exec("DELETE FROM episode WHERE slug = 'zebraquill-notes'");
        assert_int_equal(db_int("SELECT count(*) FROM search_doc WHERE body LIKE '%ostrichplume%'"),
                         0);
}

/* ---------------------------------------------------------------- comments */

/* A comment is found while visible; hidden it is not, restored it is again; an edit is found
 * by its new words; deleted it is gone. Guests find comments only where the site shows them
 * the conversation. */
static void test_comments_follow_moderation_and_edits(void **state)
{
        (void)state;
        struct member ana, june;
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long id = comment(&ana, EP_PATH, "The quokkaberry principle holds for retros too.");
        char anchor[64];
        snprintf(anchor, sizeof(anchor), "two-languages-one-team#c-%ld\"", id);
        assert_true(finds(&june, "quokkaberry", anchor));
        assert_true(finds(NULL, "quokkaberry", anchor)); /* guests read comments by default */
        struct http_resp r;
        search_as(&june, "quokkaberry", NULL, 1, 200, &r);
        expect_in(&r, "Ana", "the comment's author is named");
        expect_in(&r, "on “Two Languages, One Team”", "and the episode it is under");
        resp_free(&r);

        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/hide", id);
        const char *hide[] = {"hidden", "1", NULL};
        post_ok(&june, path, hide);
        assert_false(finds(&june, "quokkaberry", anchor));
        assert_false(finds(&ana, "quokkaberry", anchor));
        const char *restore[] = {"hidden", "0", NULL};
        post_ok(&june, path, restore);
        assert_true(finds(&ana, "quokkaberry", anchor));

        /* edited through the API: the new words find it */
        char api_path[64];
        snprintf(api_path, sizeof(api_path), "/api/v1/comments/%ld", id);
        api(&ana, "PATCH", api_path, "{\"body\":\"The wallabyfig principle, on reflection.\"}",
            true, &r);
        expect_status(&r, 200, "the comment is edited");
        resp_free(&r);
        assert_true(finds(&ana, "wallabyfig", anchor));
        assert_false(finds(&ana, "quokkaberry", anchor));

        /* deleted by its author: gone */
        api(&ana, "DELETE", api_path, NULL, true, &r);
        assert_true(r.status == 200 || r.status == 204);
        resp_free(&r);
        assert_false(finds(&ana, "wallabyfig", anchor));
}

static void test_guests_without_the_conversation_find_no_comments(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_WRITE_LIMITS=false", "KINDRED_GUESTS_READ_COMMENTS=false",
                             NULL};
        assert_int_equal(kd_restart(&srv, env), 0);
        struct member ana;
        login_as(&ana, "ana", NULL);
        long id = comment(&ana, EP_PATH, "Members only: the kiwiplum remark.");
        char anchor[64];
        snprintf(anchor, sizeof(anchor), "#c-%ld\"", id);
        assert_true(finds(&ana, "kiwiplum", anchor));
        assert_false(finds(NULL, "kiwiplum", anchor));
        json_t *j = api_search(NULL, "kiwiplum", "comments", 1);
        assert_int_equal(json_array_size(json_object_get(j, "results")), 0);
        json_decref(j);
}

/* ---------------------------------------------------------------- members */

/* Members find members by name, handle, headline or bio; guests do not (the directory is for
 * members); a suspended member is found by no one, and again once enabled. */
static void test_members_found_unless_suspended(void **state)
{
        (void)state;
        struct member seeker, lumen;
        signup_as(&seeker, "seeker");
        signup_as(&lumen, "lumenhart");
        const char *kv[] = {"display_name", "Lumen Hart", "headline", "Cartographer of tidepools",
                            "bio",          "",           NULL};
        post_ok(&lumen, "/settings/profile", kv);
        assert_true(finds(&seeker, "tidepools", "href=\"/@lumenhart\""));
        assert_true(finds(&seeker, "Lumen", "href=\"/@lumenhart\""));
        assert_false(finds(NULL, "tidepools", "/@lumenhart"));
        struct http_resp r;
        api(NULL, "GET", "/api/v1/search?q=tidepools&kind=members", NULL, false, &r);
        expect_api_error(&r, 403, "members", "guests cannot list members");
        resp_free(&r);
        json_t *j = api_search(&seeker, "tidepools", "members", 1);
        json_t *first = json_array_get(json_object_get(j, "results"), 0);
        assert_string_equal(jstr(first, "kind"), "member");
        assert_string_equal(jstr(first, "url"), "/@lumenhart");
        json_decref(j);

        /* suspended (what /moderation's "Hide and suspend" and `kindred member disable` set) */
        db_exec("UPDATE member SET disabled = 1 WHERE handle_key = 'lumenhart'");
        assert_false(finds(&seeker, "tidepools", "/@lumenhart"));
        db_exec("UPDATE member SET disabled = 0 WHERE handle_key = 'lumenhart'");
        assert_true(finds(&seeker, "tidepools", "/@lumenhart"));
}

/* ---------------------------------------------------------------- language */

static void test_chinese_text_is_found(void **state)
{
        (void)state;
        /* the demo's episode quotes 三人行，必有我师焉 */
        assert_true(finds(NULL, "三人行", "two-languages-one-team"));
        assert_true(finds(NULL, "必有我师", "two-languages-one-team"));
        struct http_resp r;
        search_as(NULL, "三人行", NULL, 1, 200, &r);
        expect_in(&r, "<mark>三人行</mark>", "Chinese matches are marked");
        resp_free(&r);
        /* a Chinese comment, words separated by the ideographic space */
        struct member ana;
        login_as(&ana, "ana", NULL);
        long id = comment(&ana, EP_PATH, "我们每周做一次十五分钟的复盘，效果很好。");
        char anchor[64];
        snprintf(anchor, sizeof(anchor), "#c-%ld\"", id);
        assert_true(finds(&ana, "十五分钟　复盘效果", anchor) == false); /* 复盘效果 is not in it */
        assert_true(finds(&ana, "十五分钟　效果很好", anchor));
        /* two characters are too few for the trigram index: said so, not a silent nothing */
        search_as(NULL, "复盘", NULL, 1, 422, &r);
        expect_in(&r, "three characters", "a short query is explained");
        resp_free(&r);
        /* letters in any case */
        assert_true(finds(NULL, "PORTACABIN", "the-fifteen-minute-retro"));
}

/* ---------------------------------------------------------------- ranking and pages */

static void test_ranking_and_paging(void **state)
{
        (void)state;
        struct member ana, mira;
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        /* 23 comments saying the same thing: newest first among equals */
        long ids[23];
        for (int i = 0; i < 23; i++)
                ids[i] = comment(&ana, EP_PATH, "A note on the glimmerwick method.");
        /* an episode named by the word outranks every passing mention */
        write_episode(&mira, "/write/n/" NL "/episode", "The Glimmerwick Method",
                      "What this season learned from lamps.", NULL, NULL, NULL, 0);
        json_t *j = api_search(&ana, "glimmerwick", NULL, 1);
        json_t *results = json_object_get(j, "results");
        assert_int_equal(json_array_size(results), KD_SEARCH_PER_PAGE);
        assert_true(json_is_true(json_object_get(j, "more")));
        assert_string_equal(jstr(json_array_get(results, 0), "kind"), "episode");
        assert_string_equal(jstr(json_array_get(results, 0), "url"),
                            "/n/" NL "/the-glimmerwick-method");
        /* then the comments, newest first */
        char url[128];
        snprintf(url, sizeof(url), "/n/" NL "/two-languages-one-team#c-%ld", ids[22]);
        assert_string_equal(jstr(json_array_get(results, 1), "url"), url);
        snprintf(url, sizeof(url), "/n/" NL "/two-languages-one-team#c-%ld", ids[21]);
        assert_string_equal(jstr(json_array_get(results, 2), "url"), url);
        /* the snippet marks the word, in pieces */
        json_t *pieces = json_object_get(json_array_get(results, 1), "snippet");
        bool marked = false;
        for (size_t i = 0; i < json_array_size(pieces); i++)
                if (json_is_true(json_object_get(json_array_get(pieces, i), "match")))
                        marked =
                            strcmp(jstr(json_array_get(pieces, i), "text"), "glimmerwick") == 0;
        assert_true(marked);
        json_decref(j);

        /* page 2 holds the rest, the oldest last */
        j = api_search(&ana, "glimmerwick", NULL, 2);
        results = json_object_get(j, "results");
        assert_int_equal(json_array_size(results), 24 - KD_SEARCH_PER_PAGE);
        assert_false(json_is_true(json_object_get(j, "more")));
        snprintf(url, sizeof(url), "/n/" NL "/two-languages-one-team#c-%ld", ids[0]);
        assert_string_equal(jstr(json_array_get(results, json_array_size(results) - 1), "url"),
                            url);
        json_decref(j);

        /* the page's links onward and back, and the kinds */
        struct http_resp r;
        search_as(&ana, "glimmerwick", NULL, 1, 200, &r);
        expect_in(&r, "href=\"/search?q=glimmerwick&amp;page=2\" rel=\"next\"",
                  "a link to the next page");
        expect_in(&r, "<ol class=\"search-results\" aria-labelledby=\"results-h\" start=\"1\">",
                  "results are a numbered list");
        resp_free(&r);
        search_as(&ana, "glimmerwick", NULL, 2, 200, &r);
        expect_in(&r, "href=\"/search?q=glimmerwick\" rel=\"prev\"", "a link back");
        expect_in(&r, "start=\"21\"", "numbering goes on");
        expect_not_in(&r, "rel=\"next\"", "no page past the last");
        resp_free(&r);
        search_as(&ana, "glimmerwick", "episodes", 1, 200, &r);
        assert_int_equal(count(r.body, "class=\"search-hit "), 1);
        expect_in(&r, "aria-current=\"page\">Episodes<", "the chosen kind is marked");
        resp_free(&r);
        j = api_search(&ana, "glimmerwick", "comments", 2);
        assert_int_equal(json_array_size(json_object_get(j, "results")), 23 - KD_SEARCH_PER_PAGE);
        json_decref(j);
        /* pages past the bound are refused by the parameter's range */
        char path[128];
        snprintf(path, sizeof(path), "/search?q=glimmerwick&page=%d", KD_SEARCH_PAGES_MAX + 1);
        assert_int_equal(status_of(&ana, path), 400);
}

/* ---------------------------------------------------------------- hostile input */

static void test_escaping_and_hostile_queries(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        comment(&ana, EP_PATH, "Beware <script>alert(1)</script> the xylophonic & \"quoted\" bits");
        struct http_resp r;
        search_as(&ana, "xylophonic", NULL, 1, 200, &r);
        expect_in(&r, "&lt;script&gt;alert(1)&lt;/script&gt; the <mark>xylophonic</mark> &amp;",
                  "the snippet is escaped, the match marked");
        expect_not_in(&r, "<script>alert", "no markup from a comment");
        resp_free(&r);
        /* the query is escaped wherever it is shown */
        search_as(&ana, "<b>xylophonic</b>", NULL, 1, 200, &r);
        expect_not_in(&r, "<b>xylophonic", "the query is escaped");
        expect_in(&r, "&lt;b&gt;xylophonic&lt;/b&gt;", "and shown as typed");
        resp_free(&r);
        /* FTS5's and LIKE's syntax is matched as text, never read */
        const char *hostile[] = {"NEAR(xylo phonic) OR *", "\"unbalanced quote", "xyl*",
                                 "100% _sure_ \\\\",       "\"\"\"\"",           "AND OR NOT",
                                 "x:y:z {col}:abc",        "' OR 1=1 --"};
        for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
                char path[256];
                search_path(path, sizeof(path), false, hostile[i], NULL, 1);
                int st = status_of(&ana, path);
                assert_true(st == 200 || st == 422);
                search_path(path, sizeof(path), true, hostile[i], NULL, 1);
                api(&ana, "GET", path, NULL, false, &r);
                assert_true(r.status == 200 || r.status == 422);
                resp_free(&r);
        }
        assert_true(finds(&ana, "\"quoted\" bits", "xylophonic"));
        /* bounds: too long, too short, nothing */
        char longq[600];
        memset(longq, 'a', KD_SEARCH_QUERY_MAX + 1);
        longq[KD_SEARCH_QUERY_MAX + 1] = '\0';
        search_as(&ana, longq, NULL, 1, 422, &r);
        expect_in(&r, "120 characters at most", "a long query is explained");
        resp_free(&r);
        char path[700];
        search_path(path, sizeof(path), true, longq, NULL, 1);
        api(&ana, "GET", path, NULL, false, &r);
        expect_api_error(&r, 422, "q:", "the API names the field");
        resp_free(&r);
        api(&ana, "GET", "/api/v1/search?q=ab", NULL, false, &r);
        expect_api_error(&r, 422, "three characters", "a short query");
        resp_free(&r);
        api(&ana, "GET", "/api/v1/search?q=%20", NULL, false, &r);
        expect_api_error(&r, 422, "q:", "an empty query");
        resp_free(&r);
        search_as(&ana, "", NULL, 1, 200, &r);
        expect_in(&r, "class=\"search-form\"", "an empty search shows the form");
        expect_not_in(&r, "search-results", "and no results");
        resp_free(&r);
        /* a control character is refused by the parameter check */
        assert_int_equal(status_of(&ana, "/search?q=abc%01def"), 400);
        /* words that are too short are left out, and the page says so */
        search_as(&ana, "a xylophonic of", NULL, 1, 200, &r);
        expect_in(&r, "left out of the search", "short words are named as left out");
        expect_in(&r, "<mark>xylophonic</mark>", "the rest is searched");
        resp_free(&r);
}

/* ---------------------------------------------------------------- the header, the limit */

static void test_header_box_and_rate_limit(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/", &r);
        expect_in(&r,
                  "<form method=\"get\" action=\"/search\" class=\"site-search\" role=\"search\" "
                  "aria-label=\"Search this site\">",
                  "every page's header has the search box, a plain GET form");
        expect_in(&r, "name=\"q\"", "with its field");
        resp_free(&r);
        struct member ana;
        login_as(&ana, "ana", NULL);
        get(&ana, EP_PATH, &r);
        expect_in(&r, "class=\"site-search\"", "for members too");
        resp_free(&r);
        /* KD_SEARCHES_PER_CLIENT_PER_MINUTE searches a minute, then 429 with Retry-After */
        int ok = 0, limited = 0;
        char retry[16] = "";
        for (int i = 0; i < KD_SEARCHES_PER_CLIENT_PER_MINUTE + 5; i++) {
                char q[32], path[64];
                snprintf(q, sizeof(q), "retro%d", i);
                search_path(path, sizeof(path), i % 2, q, NULL, 1);
                if (i % 2)
                        api(&ana, "GET", path, NULL, false, &r);
                else
                        get(&ana, path, &r);
                ok += r.status == 200;
                if (r.status == 429) {
                        limited++;
                        header(&r, "Retry-After", retry, sizeof(retry));
                }
                resp_free(&r);
        }
        assert_int_equal(ok, KD_SEARCHES_PER_CLIENT_PER_MINUTE);
        assert_int_equal(limited, 5);
        assert_true(atoi(retry) > 0);
        /* another member is not held up */
        struct member june;
        login_as(&june, "june", NULL);
        assert_int_equal(status_of(&june, "/search?q=retro"), 200);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_episodes_published_only_and_kept_in_step, start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_comments_follow_moderation_and_edits, start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_guests_without_the_conversation_find_no_comments,
                                            start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_members_found_unless_suspended, start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_chinese_text_is_found, start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_ranking_and_paging, start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_escaping_and_hostile_queries, start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_header_box_and_rate_limit, start, kd_fixture_stop),
        };
        return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
