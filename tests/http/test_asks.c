/* Black-box tests of asks: proposing, voting once each (also when the votes arrive together),
 * the authors' decisions and who may make them, the five views and their order and pages, the
 * covering episode's "Asked by" credit, drafts that never leak, hiding, editing and deleting,
 * notifications, hostile input, rate limits, CSRF and the JSON API, against the real kindred
 * binary with the demo content. Every test gets a server of its own with a fresh data folder.
 * KD_TEST_FILTER=pattern runs only the matching tests. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL           "learning-in-public"
#define GARDEN       "fourth-floor-garden"
#define ASKS         "/n/" NL "/asks"
#define LIVE_EP      "/n/" NL "/two-languages-one-team"
#define DRAFT_EP     "/n/" NL "/a-letter-to-next-years-team"
#define DRAFT_TITLE  "A Letter to Next Year"
#define GARDEN_EP    "/n/" GARDEN "/the-radish-census"
#define DEMO_COVERED "/n/" NL "/onboarding-is-a-team-sport"

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static int start_without_write_limits(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_THREADS=8", "KINDRED_WRITE_LIMITS=false", NULL};
        return kd_start(&srv, env);
}

/* ---------------------------------------------------------------- helpers */

/* Proposes through the form; returns the response (303 to the ask, or 422). */
static void propose_try(const struct member *m, const char *nl, const char *title, const char *body,
                        struct http_resp *r)
{
        char path[128];
        snprintf(path, sizeof(path), "/n/%s/asks", nl);
        const char *kv[] = {"title", title, "body", body, NULL};
        post_pairs(m, path, kv, true, r);
}

/* Proposes an ask that must be accepted; returns its id. */
static long propose(const struct member *m, const char *nl, const char *title, const char *body)
{
        struct http_resp r;
        propose_try(m, nl, title, body, &r);
        if (r.status != 303)
                fail_resp(&r, "a proposal was refused");
        char loc[256], want[128];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        snprintf(want, sizeof(want), "/n/%s/asks/", nl);
        if (strncmp(loc, want, strlen(want)) != 0)
                fail_msg("a proposal redirected to %s", loc);
        long id = atol(loc + strlen(want));
        assert_true(id > 0);
        return id;
}

static void ask_path(char *out, size_t size, const char *nl, long id, const char *tail)
{
        snprintf(out, size, "/n/%s/asks/%ld%s", nl, id, tail ? tail : "");
}

/* GET /api/v1/asks/ID as m: the ask (caller decrefs), or NULL when it answers 404. */
static json_t *api_ask_as(const struct member *m, long id)
{
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/asks/%ld", id);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        if (r.status == 404) {
                resp_free(&r);
                return NULL;
        }
        expect_status(&r, 200, "GET an ask");
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

static int votes_of(long id)
{
        json_t *j = api_ask_as(NULL, id);
        assert_non_null(j);
        int n = (int)json_integer_value(json_object_get(j, "votes"));
        json_decref(j);
        return n;
}

/* Votes (on) or takes a vote back through the plain form; returns the status. */
static int vote_form(const struct member *m, const char *nl, long id, bool on)
{
        char path[128];
        ask_path(path, sizeof(path), nl, id, "/vote");
        const char *kv[] = {"vote", on ? "1" : "0", NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        int status = r.status;
        resp_free(&r);
        return status;
}

/* The authors' decision through the form (episode 0: none); returns the response. */
static void decide_try(const struct member *m, const char *nl, long id, const char *status,
                       long episode, const char *note, struct http_resp *r)
{
        char path[128], ep[32] = "";
        ask_path(path, sizeof(path), nl, id, "/status");
        if (episode)
                snprintf(ep, sizeof(ep), "%ld", episode);
        const char *kv[] = {"status", status, "episode_id", ep, "note", note, NULL};
        post_pairs(m, path, kv, true, r);
}

static int decide(const struct member *m, const char *nl, long id, const char *status, long episode,
                  const char *note)
{
        struct http_resp r;
        decide_try(m, nl, id, status, episode, note, &r);
        int s = r.status;
        resp_free(&r);
        return s;
}

/* The list of a view as m through the API (caller decrefs). */
static json_t *api_list(const struct member *m, const char *nl, const char *query)
{
        char path[256];
        snprintf(path, sizeof(path), "/api/v1/newsletters/%s/asks%s", nl, query ? query : "");
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "GET a list of asks");
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

static long open_count(const char *nl)
{
        json_t *j = api_list(NULL, nl, NULL);
        long n = (long)json_integer_value(json_object_get(j, "open"));
        json_decref(j);
        return n;
}

/* Position of ask id in a view's first page (-1: absent). */
static int position_in(const char *nl, const char *view, long id)
{
        char q[64];
        snprintf(q, sizeof(q), "?view=%s", view);
        json_t *j = api_list(NULL, nl, q);
        json_t *asks = json_object_get(j, "asks");
        int at = -1;
        for (size_t i = 0; i < json_array_size(asks); i++)
                if (json_integer_value(json_object_get(json_array_get(asks, i), "id")) == id)
                        at = (int)i;
        json_decref(j);
        return at;
}

/* The unread notifications of m, from the header's badge (0 without one). */
static int unread(const struct member *m)
{
        struct http_resp r;
        get(m, "/", &r);
        char n[16] = "0";
        const char *at = strstr(r.body, "class=\"unread-count\"");
        if (at)
                extract(at, "\">", "<", n, sizeof(n));
        resp_free(&r);
        return atoi(n);
}

static long episode_id(const char *path)
{
        struct member admin;
        login_as(&admin, "admin", NULL);
        return episode_id_as(&admin, path);
}

/* A demo ask's id by its title, through the newest-first list as admin. */
static long demo_ask(const char *nl, const char *title)
{
        struct member admin;
        login_as(&admin, "admin", NULL);
        for (int v = 0; v < 5; v++) {
                static const char *const views[] = {"top", "planned", "covered", "declined", "new"};
                char q[32];
                snprintf(q, sizeof(q), "?view=%s", views[v]);
                json_t *j = api_list(&admin, nl, q);
                json_t *asks = json_object_get(j, "asks");
                for (size_t i = 0; i < json_array_size(asks); i++) {
                        json_t *k = json_array_get(asks, i);
                        if (strcmp(jstr(k, "title"), title) == 0) {
                                long id = (long)json_integer_value(json_object_get(k, "id"));
                                json_decref(j);
                                return id;
                        }
                }
                json_decref(j);
        }
        fail_msg("no demo ask titled %s", title);
        return 0;
}

/* Members for the crowd tests: the demo cast, then new readers. */
#define CROWD 20
static void crowd(struct member *m)
{
        static const char *const cast[] = {"admin", "mira", "tomas", "june", "liwei", "ana"};
        int n = 0;
        for (; n < 6; n++)
                login_as(&m[n], cast[n], NULL);
        for (int i = 0; n < CROWD; i++, n++) {
                char handle[32], email[64];
                snprintf(handle, sizeof(handle), "voter%02d", i);
                snprintf(email, sizeof(email), "voter%02d@example.org", i);
                const char *add[] = {"member", "add",    handle,   "--email",
                                     email,    "--role", "reader", NULL};
                assert_int_equal(kd_cli(&srv, "a long voter password\n", add), 0);
                login_as(&m[n], handle, "a long voter password");
        }
}

/* ================================================================ reading */

static void test_guests_read_lists_and_are_asked_to_log_in(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, ASKS, &r);
        expect_status(&r, 200, "the asks page");
        expect_in(&r, "Keeping a team notebook alive after the first month", "an open demo ask");
        expect_in(&r, "Log in to vote", "guests are asked to log in");
        expect_in(&r, "aria-current=\"page\">Top<", "the Top tab is current");
        expect_not_in(&r, "test please ignore", "a hidden ask is never listed");
        expect_not_in(&r, "Onboarding guide template?", "a deleted ask is never listed");
        expect_not_in(&r, "远程团队", "a planned ask is not in Top");
        expect_not_in(&r, "name=\"_csrf\"", "no vote form for guests");
        resp_free(&r);
        get(NULL, ASKS "?view=planned", &r);
        expect_in(&r, "远程团队怎么做十五分钟复盘？", "the planned view");
        expect_in(&r, "aria-current=\"page\">Planned<", "the Planned tab is current");
        resp_free(&r);
        get(NULL, ASKS "?view=declined", &r);
        expect_in(&r, "Which project-management tool should we buy?", "the declined view");
        expect_in(&r, "Reason: We stay away from tool reviews", "the reason is shown");
        resp_free(&r);
        get(NULL, ASKS "?view=new", &r);
        expect_in(&r, "A reading list for new team leads", "the new view");
        expect_not_in(&r, "test please ignore", "hidden in no view");
        resp_free(&r);
        assert_int_equal(status_of(NULL, ASKS "?view=popular"), 404);
        assert_int_equal(status_of(NULL, "/n/no-such-newsletter/asks"), 404);
        /* the newsletter links to its asks with the open count */
        get(NULL, "/n/" NL, &r);
        expect_in(&r, "href=\"/n/" NL "/asks\">Asks: 3 open</a>", "the newsletter's asks link");
        resp_free(&r);
        /* guests cannot vote or propose */
        long id = demo_ask(NL, "Keeping a team notebook alive after the first month");
        char path[96];
        ask_path(path, sizeof(path), NL, id, "/vote");
        const char *kv[] = {"vote", "1", NULL};
        post_pairs(NULL, path, kv, false, &r);
        assert_true(r.status == 303 || r.status == 401 || r.status == 403);
        resp_free(&r);
        assert_int_equal(votes_of(id), 4);
        assert_int_equal(status_of(NULL, ASKS "/new"), 303);
}

/* ================================================================ proposing and voting */

static void test_propose_vote_unvote_revote(void **state)
{
        (void)state;
        struct member sam, ana, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        long open = open_count(NL);
        long id = propose(&sam, NL, "Pairing across time zones",
                          "How do you pair when one of you is *asleep*?");
        assert_int_equal(open_count(NL), open + 1);
        /* the proposal is the proposer's vote */
        assert_int_equal(votes_of(id), 1);
        char page[96];
        ask_path(page, sizeof(page), NL, id, NULL);
        struct http_resp r;
        get(&sam, page, &r);
        expect_status(&r, 200, "the ask's page");
        expect_in(&r, "<h1 lang=\"en\">Pairing across time zones</h1>", "its title");
        expect_in(&r, "<em>asleep</em>", "its Markdown rendered");
        expect_in(&r, "aria-pressed=\"true\"", "the proposer has voted");
        expect_in(&r, "/edit\">Edit</a>", "the proposer may edit it");
        expect_not_in(&r, "Your decision", "a reader does not decide");
        resp_free(&r);

        assert_int_equal(vote_form(&ana, NL, id, true), 303);
        assert_int_equal(votes_of(id), 2);
        assert_int_equal(vote_form(&ana, NL, id, true), 303); /* again: still one vote */
        assert_int_equal(votes_of(id), 2);
        assert_int_equal(vote_form(&ana, NL, id, false), 303);
        assert_int_equal(votes_of(id), 1);
        assert_int_equal(vote_form(&ana, NL, id, false), 303); /* nothing to take back */
        assert_int_equal(votes_of(id), 1);
        assert_int_equal(vote_form(&ana, NL, id, true), 303); /* revote */
        assert_int_equal(vote_form(&liwei, NL, id, true), 303);
        assert_int_equal(votes_of(id), 3);
        /* the proposer may take their own vote back too */
        assert_int_equal(vote_form(&sam, NL, id, false), 303);
        assert_int_equal(votes_of(id), 2);
        json_t *j = api_ask_as(&ana, id);
        assert_true(json_is_true(json_object_get(j, "voted")));
        json_decref(j);
        j = api_ask_as(&sam, id);
        assert_true(json_is_false(json_object_get(j, "voted")));
        json_decref(j);
        get(&ana, page, &r);
        expect_in(&r, "2 members want this:", "the voters are counted");
        expect_in(&r, "href=\"/@liwei\"", "and named");
        resp_free(&r);
        /* the plain form returns to the page it came from, never elsewhere */
        char path[96];
        ask_path(path, sizeof(path), NL, id, "/vote");
        const char *kv[] = {"vote", "1", "next", "https://evil.example/", NULL};
        post_pairs(&sam, path, kv, true, &r);
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_true(loc[0] == '/' && loc[1] != '/');
        resp_free(&r);
        const char *kv2[] = {"vote", "0", "next", ASKS "?view=new", NULL};
        post_pairs(&sam, path, kv2, true, &r);
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, ASKS "?view=new");
        resp_free(&r);
        /* the guest page cache never serves a count from before a vote */
        ask_path(page, sizeof(page), NL, id, NULL);
        for (int round = 0; round < 3; round++) {
                char before[64], after[64];
                get(NULL, page, &r);
                resp_free(&r);
                get(NULL, page, &r); /* a second time: from the cache */
                assert_true(extract(r.body, "<span class=\"count\">", "<", before, sizeof(before)));
                resp_free(&r);
                assert_int_equal(vote_form(&liwei, NL, id, round % 2 == 1), 303);
                get(NULL, page, &r);
                assert_true(extract(r.body, "<span class=\"count\">", "<", after, sizeof(after)));
                resp_free(&r);
                assert_int_equal(atoi(after), atoi(before) + (round % 2 == 1 ? 1 : -1));
        }
        /* an ask of another newsletter is not at this address */
        ask_path(page, sizeof(page), GARDEN, id, NULL);
        assert_int_equal(status_of(&sam, page), 404);
}

static void test_invalid_ask_is_422_and_keeps_text(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long open = open_count(NL);
        struct http_resp r;
        propose_try(&sam, NL, "   ", "Body kept & <escaped>", &r);
        expect_status(&r, 422, "an empty title");
        expect_in(&r, "Name the topic you would like covered.", "says what is missing");
        expect_in(&r, "Body kept &amp; &lt;escaped&gt;", "keeps the text, escaped");
        resp_free(&r);
        char title[200];
        memset(title, 'x', 121);
        title[121] = '\0';
        propose_try(&sam, NL, title, "", &r);
        expect_status(&r, 422, "a title of 121 characters");
        expect_in(&r, "up to 120 characters", "names the limit");
        expect_in(&r, title, "keeps the title");
        resp_free(&r);
        memset(title, 'y', 120);
        title[120] = '\0';
        long ok = propose(&sam, NL, title, "");
        assert_true(ok > 0);
        propose_try(&sam, NL, "Two\nlines", "", &r);
        expect_status(&r, 422, "a title of two lines");
        resp_free(&r);
        char body[256] = "";
        for (int i = 0; i < 13; i++)
                strcat(body, "line\n");
        propose_try(&sam, NL, "Thirteen lines", body, &r);
        expect_status(&r, 422, "thirteen lines");
        expect_in(&r, "up to 12 lines", "names the line limit");
        resp_free(&r);
        char *longbody = malloc(1200);
        memset(longbody, 'z', 1001);
        longbody[1001] = '\0';
        propose_try(&sam, NL, "Too long", longbody, &r);
        free(longbody);
        expect_status(&r, 422, "a body of 1,001 characters");
        resp_free(&r);
        /* nothing half-saved: only the valid one counts */
        assert_int_equal(open_count(NL), open + 1);
        get(&sam, ASKS "?view=new", &r);
        expect_not_in(&r, "Thirteen lines", "a refused ask is not saved");
        resp_free(&r);
        /* the same through the API */
        api(&sam, "POST", "/api/v1/newsletters/" NL "/asks", "{\"title\":\"\",\"body\":\"x\"}",
            true, &r);
        expect_api_error(&r, 422, "title:", "the API names the field");
        resp_free(&r);
}

static void test_markup_is_inert(void **state)
{
        (void)state;
        struct member sam, mira;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        long id = propose(&sam, NL, "<script>alert(1)</script>\"onmouseover=\"x",
                          "<img src=x onerror=alert(1)> [click](javascript:alert(1)) "
                          "<iframe src=//evil>");
        char page[96];
        ask_path(page, sizeof(page), NL, id, NULL);
        const char *where[] = {page, ASKS "?view=new"};
        for (int i = 0; i < 2; i++) {
                struct http_resp r;
                get(&mira, where[i], &r);
                expect_status(&r, 200, where[i]);
                expect_not_in(&r, "<script>alert", "no script");
                expect_not_in(&r, "<img src=x", "no raw image");
                expect_not_in(&r, "<iframe", "no frame");
                expect_not_in(&r, "href=\"javascript:", "no script link");
                expect_not_in(&r, "\"onmouseover=\"x\"", "no attribute breaks out");
                expect_in(&r, "&lt;script&gt;alert(1)&lt;/script&gt;", "the title escaped");
                resp_free(&r);
        }
        /* the API gives the text as written and HTML that is inert */
        json_t *j = api_ask_as(&mira, id);
        const char *html = jstr(j, "body_html");
        assert_null(strstr(html, "<img"));
        assert_null(strstr(html, "<iframe"));
        assert_null(strstr(html, "javascript:"));
        assert_non_null(strstr(jstr(j, "title"), "<script>"));
        json_decref(j);
}

/* ================================================================ deciding */

static void test_only_authors_decide(void **state)
{
        (void)state;
        struct member sam, ana, june, mira, tomas, admin;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&admin, "admin", NULL);
        long lip = propose(&sam, NL, "Retro formats for tired teams", "");
        long garden = propose(&ana, GARDEN, "Compost in a flat", "");
        /* readers, moderators, the proposer and another newsletter's author: 403 */
        assert_int_equal(decide(&sam, NL, lip, "planned", 0, ""), 403);
        assert_int_equal(decide(&ana, NL, lip, "planned", 0, ""), 403);
        assert_int_equal(decide(&june, NL, lip, "planned", 0, ""), 403);
        assert_int_equal(decide(&mira, GARDEN, garden, "planned", 0, ""), 403);
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/status", garden);
        struct http_resp r;
        api(&mira, "POST", path, "{\"status\":\"planned\"}", true, &r);
        expect_api_error(&r, 403, "authors", "another newsletter's author through the API");
        resp_free(&r);
        api(&sam, "POST", path, "{\"status\":\"planned\"}", true, &r);
        expect_api_error(&r, 403, "authors", "a reader through the API");
        resp_free(&r);
        json_t *j = api_ask_as(NULL, garden);
        assert_string_equal(jstr(j, "status"), "open");
        json_decref(j);
        /* the owner, a co-author and admins may */
        assert_int_equal(decide(&tomas, GARDEN, garden, "planned", 0, "Spring."), 303);
        assert_int_equal(decide(&tomas, NL, lip, "planned", 0, ""), 303); /* co-author */
        assert_int_equal(decide(&admin, NL, lip, "open", 0, ""), 303);
        assert_int_equal(decide(&mira, NL, lip, "planned", 0, "Next season."), 303);
        j = api_ask_as(NULL, lip);
        assert_string_equal(jstr(j, "status"), "planned");
        assert_string_equal(jstr(j, "note"), "Next season.");
        json_decref(j);
        /* the decision form is for authors only */
        char page[96];
        ask_path(page, sizeof(page), NL, lip, NULL);
        get(&mira, page, &r);
        expect_in(&r, "Your decision", "the author sees the form");
        resp_free(&r);
        get(&june, page, &r);
        expect_not_in(&r, "Your decision", "a moderator does not");
        resp_free(&r);
}

static void test_decisions_move_asks_between_views(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        long live = episode_id(LIVE_EP), garden_ep = episode_id(GARDEN_EP);
        long id = propose(&sam, NL, "Writing in two languages at once", "");
        long open = open_count(NL);
        assert_true(position_in(NL, "top", id) >= 0);
        assert_int_equal(decide(&mira, NL, id, "planned", 0, ""), 303);
        assert_int_equal(position_in(NL, "top", id), -1);
        assert_true(position_in(NL, "planned", id) >= 0);
        assert_int_equal(open_count(NL), open - 1);
        /* a planned ask still takes votes; the proposer can no longer change it */
        assert_int_equal(vote_form(&ana, NL, id, true), 303);
        assert_int_equal(votes_of(id), 2);
        char path[96];
        ask_path(path, sizeof(path), NL, id, "/edit");
        const char *kv[] = {"title", "Changed after the decision", "body", "", NULL};
        struct http_resp r;
        post_pairs(&sam, path, kv, true, &r);
        expect_status(&r, 403, "editing a decided ask");
        resp_free(&r);
        /* declining needs a reason: 422 keeps the choice */
        decide_try(&mira, NL, id, "declined", 0, "  ", &r);
        expect_status(&r, 422, "declining without a reason");
        expect_in(&r, "Say why you are declining", "asks for the reason");
        expect_in(&r, "<option value=\"declined\" selected>", "keeps the status chosen");
        resp_free(&r);
        /* covering needs an episode of this newsletter */
        decide_try(&mira, NL, id, "covered", 0, "", &r);
        expect_status(&r, 422, "covering without an episode");
        expect_in(&r, "Choose the episode that answers this ask.", "asks for the episode");
        resp_free(&r);
        assert_int_equal(decide(&mira, NL, id, "covered", garden_ep, ""), 422);
        assert_int_equal(decide(&mira, NL, id, "covered", 999999, ""), 422);
        assert_int_equal(decide(&mira, NL, id, "finished", 0, ""), 422);
        json_t *j = api_ask_as(NULL, id);
        assert_string_equal(jstr(j, "status"), "planned");
        json_decref(j);
        assert_int_equal(decide(&mira, NL, id, "covered", live, "Here it is."), 303);
        assert_true(position_in(NL, "covered", id) >= 0);
        assert_int_equal(position_in(NL, "planned", id), -1);
        /* covered: voting has closed, the count stays */
        assert_int_equal(vote_form(&mira, NL, id, true), 409);
        assert_int_equal(vote_form(&ana, NL, id, false), 409);
        assert_int_equal(votes_of(id), 2);
        assert_int_equal(decide(&mira, NL, id, "declined", 0, "Out of scope after all."), 303);
        assert_true(position_in(NL, "declined", id) >= 0);
        assert_int_equal(position_in(NL, "covered", id), -1);
        /* reopened: back in Top and in the open count */
        assert_int_equal(decide(&mira, NL, id, "open", 0, ""), 303);
        assert_true(position_in(NL, "top", id) >= 0);
        assert_int_equal(open_count(NL), open);
        j = api_ask_as(NULL, id);
        assert_true(json_is_null(json_object_get(j, "decided_at")));
        json_decref(j);
}

static void test_views_order_and_page(void **state)
{
        (void)state;
        struct member m[CROWD];
        crowd(m);
        /* three asks with 1, 3 and 2 votes in a new newsletter's eyes: the garden */
        long a = propose(&m[4], GARDEN, "Order one", "");
        long b = propose(&m[5], GARDEN, "Order two", "");
        long c = propose(&m[6], GARDEN, "Order three", "");
        assert_int_equal(vote_form(&m[7], GARDEN, b, true), 303);
        assert_int_equal(vote_form(&m[8], GARDEN, b, true), 303);
        assert_int_equal(vote_form(&m[7], GARDEN, c, true), 303);
        int pa = position_in(GARDEN, "top", a), pb = position_in(GARDEN, "top", b),
            pc = position_in(GARDEN, "top", c);
        assert_true(pb >= 0 && pc > pb && pa > pc); /* by votes */
        pa = position_in(GARDEN, "new", a);
        pb = position_in(GARDEN, "new", b);
        pc = position_in(GARDEN, "new", c);
        assert_true(pc == 0 && pb == 1 && pa == 2); /* newest first */
        /* equal votes: the newer first */
        assert_int_equal(vote_form(&m[9], GARDEN, a, true), 303);
        assert_int_equal(vote_form(&m[9], GARDEN, c, false), 303);
        assert_int_equal(vote_form(&m[7], GARDEN, c, false), 303);
        assert_int_equal(vote_form(&m[6], GARDEN, c, false), 303);
        assert_int_equal(vote_form(&m[10], GARDEN, c, true), 303);
        assert_int_equal(vote_form(&m[11], GARDEN, c, true), 303);
        /* a: 2, c: 2, b: 3 */
        assert_true(position_in(GARDEN, "top", b) < position_in(GARDEN, "top", c));
        assert_true(position_in(GARDEN, "top", c) < position_in(GARDEN, "top", a));

        /* more asks than a page: pages follow each other by the index, nothing twice */
        for (int i = 0; i < 23; i++) {
                char title[32];
                snprintf(title, sizeof(title), "Paged ask %02d", i);
                propose(&m[i % CROWD], NL, title, "");
        }
        for (int v = 0; v < 2; v++) {
                const char *view = v ? "new" : "top";
                char q[128];
                snprintf(q, sizeof(q), "?view=%s", view);
                json_t *seen = json_object();
                int total = 0, pages = 0;
                for (;;) {
                        json_t *j = api_list(NULL, NL, q);
                        json_t *asks = json_object_get(j, "asks");
                        assert_true(json_array_size(asks) <= 20);
                        long last_votes = 1L << 40, last_id = 1L << 40;
                        for (size_t i = 0; i < json_array_size(asks); i++) {
                                json_t *k = json_array_get(asks, i);
                                char key[32];
                                long id = (long)json_integer_value(json_object_get(k, "id"));
                                long votes = (long)json_integer_value(json_object_get(k, "votes"));
                                snprintf(key, sizeof(key), "%ld", id);
                                assert_null(json_object_get(seen, key));
                                json_object_set_new(seen, key, json_true());
                                if (v == 0)
                                        assert_true(votes < last_votes ||
                                                    (votes == last_votes && id < last_id));
                                else
                                        assert_true(id < last_id);
                                last_votes = votes;
                                last_id = id;
                                total++;
                        }
                        pages++;
                        json_t *next = json_object_get(j, "next");
                        if (!next) {
                                json_decref(j);
                                break;
                        }
                        snprintf(q, sizeof(q), "?view=%s&votes=%lld&before=%lld", view,
                                 (long long)json_integer_value(json_object_get(next, "votes")),
                                 (long long)json_integer_value(json_object_get(next, "before")));
                        json_decref(j);
                }
                json_decref(seen);
                assert_true(pages >= 2);
                assert_true(total >= 26); /* 23 new and the demo's three open ones */
        }
        struct http_resp r;
        get(NULL, ASKS, &r);
        expect_in(&r, "rel=\"next\"", "the page links to the next");
        assert_int_equal((int)count(r.body, "<li class=\"ask\""), 20);
        resp_free(&r);
}

/* ================================================================ credit and drafts */

static void test_covered_credit_on_the_episode(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        long live = episode_id(LIVE_EP);
        struct http_resp r;
        get(NULL, LIVE_EP, &r);
        expect_not_in(&r, "This episode answers", "no credit before a decision");
        resp_free(&r);
        long id = propose(&ana, NL, "Meetings in two languages", "");
        assert_int_equal(vote_form(&sam, NL, id, true), 303);
        assert_int_equal(decide(&mira, NL, id, "covered", live, "Thanks, Ana."), 303);
        char link[96];
        ask_path(link, sizeof(link), NL, id, NULL);
        get(NULL, LIVE_EP, &r);
        expect_in(&r, "Asked by a reader", "the credit's label");
        expect_in(&r, "Meetings in two languages</a>", "the ask's title");
        char want[160];
        snprintf(want, sizeof(want), "href=\"%s\"", link);
        expect_in(&r, want, "links to the ask");
        expect_in(&r, "asked by <a href=\"/@ana\">Ana Beatriz Costa</a> (2 votes)", "the proposer");
        resp_free(&r);
        get(NULL, link, &r);
        expect_in(&r, "Answered in <a href=\"" LIVE_EP "\">Two Languages, One Team</a>",
                  "the ask links its episode");
        resp_free(&r);
        /* the demo's covered ask credits its episode too */
        get(NULL, DEMO_COVERED, &r);
        expect_in(&r, "asked by <a href=\"/@sam\">Sam Reyes</a>", "the demo's credit");
        resp_free(&r);
        /* hidden: the credit goes */
        struct member june;
        login_as(&june, "june", NULL);
        char hide[96];
        ask_path(hide, sizeof(hide), NL, id, "/hide");
        const char *kv[] = {"hidden", "1", NULL};
        post_pairs(&june, hide, kv, true, &r);
        expect_status(&r, 303, "hiding");
        resp_free(&r);
        get(NULL, LIVE_EP, &r);
        expect_not_in(&r, "Meetings in two languages", "no credit for a hidden ask");
        resp_free(&r);
}

static void test_draft_episode_never_leaks(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        long draft = edit_id_of(&mira, DRAFT_EP);
        long id = propose(&sam, NL, "Letters to future colleagues", "");
        assert_int_equal(decide(&mira, NL, id, "covered", draft, ""), 303);
        char page[96];
        ask_path(page, sizeof(page), NL, id, NULL);
        const char *reader_paths[] = {page, ASKS "?view=covered",
                                      "/api/v1/newsletters/" NL "/asks?view=covered"};
        const struct member *readers[] = {NULL, &sam, &ana};
        for (int w = 0; w < 3; w++)
                for (int i = 0; i < 3; i++) {
                        struct http_resp r;
                        get(readers[w], reader_paths[i], &r);
                        expect_status(&r, 200, reader_paths[i]);
                        expect_not_in(&r, DRAFT_TITLE, "the draft's title");
                        expect_not_in(&r, "a-letter-to-next-years-team", "the draft's address");
                        resp_free(&r);
                }
        json_t *j = api_ask_as(&sam, id);
        assert_true(json_is_null(json_object_get(j, "episode")));
        assert_true(json_is_true(json_object_get(j, "answer_pending")));
        json_decref(j);
        struct http_resp r;
        get(&sam, page, &r);
        expect_in(&r, "An episode answering this is on its way.", "readers learn one is coming");
        resp_free(&r);
        /* its authors see which draft */
        get(&mira, page, &r);
        expect_in(&r, DRAFT_TITLE, "the author sees the draft's title");
        expect_in(&r, "not published yet", "and that it is not out");
        resp_free(&r);
        /* the draft itself shows no credit (not live) even to its author */
        get(&mira, DRAFT_EP, &r);
        expect_not_in(&r, "This episode answers", "no credit on a draft");
        resp_free(&r);
        /* the demo's draft-covered ask hides the title too */
        long demo = demo_ask(NL, "What would you tell next year's team?");
        ask_path(page, sizeof(page), NL, demo, NULL);
        get(NULL, page, &r);
        expect_not_in(&r, DRAFT_TITLE, "the demo's draft title");
        resp_free(&r);
}

/* ================================================================ the proposer, moderators */

static void test_edit_and_delete_own_open_asks_only(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long id = propose(&sam, NL, "First wording", "");
        char edit[96], del[96], page[96];
        ask_path(edit, sizeof(edit), NL, id, "/edit");
        ask_path(del, sizeof(del), NL, id, "/delete");
        ask_path(page, sizeof(page), NL, id, NULL);
        assert_int_equal(status_of(&ana, edit), 403);
        const char *kv[] = {"title", "Hijacked", "body", "", NULL};
        struct http_resp r;
        post_pairs(&ana, edit, kv, true, &r);
        expect_status(&r, 403, "editing another's ask");
        resp_free(&r);
        post_pairs(&ana, del, NULL, true, &r);
        expect_status(&r, 403, "deleting another's ask");
        resp_free(&r);
        get(&sam, edit, &r);
        expect_status(&r, 200, "the edit form");
        expect_in(&r, "value=\"First wording\"", "with the text");
        resp_free(&r);
        const char *bad[] = {"title", "", "body", "Kept body", NULL};
        post_pairs(&sam, edit, bad, true, &r);
        expect_status(&r, 422, "an empty title on edit");
        expect_in(&r, "Kept body", "keeps the text");
        resp_free(&r);
        const char *good[] = {"title", "Second wording", "body", "More *detail*", NULL};
        post_pairs(&sam, edit, good, true, &r);
        expect_status(&r, 303, "an edit");
        resp_free(&r);
        get(NULL, page, &r);
        expect_in(&r, "Second wording", "the new title");
        expect_in(&r, "<em>detail</em>", "the new body");
        resp_free(&r);
        long open = open_count(NL);
        assert_int_equal(vote_form(&ana, NL, id, true), 303);
        post_pairs(&sam, del, NULL, true, &r);
        expect_status(&r, 303, "deleting one's own ask");
        resp_free(&r);
        assert_int_equal(open_count(NL), open - 1);
        assert_int_equal(status_of(NULL, page), 404);
        assert_int_equal(status_of(&sam, page), 404);
        assert_null(api_ask_as(NULL, id));
        assert_int_equal(position_in(NL, "new", id), -1);
        assert_int_equal(vote_form(&ana, NL, id, false), 404);
}

static void test_moderators_hide_and_restore(void **state)
{
        (void)state;
        struct member sam, ana, june, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        login_as(&tomas, "tomas", NULL);
        long id = propose(&sam, GARDEN, "Rude words here", "");
        long open = open_count(GARDEN);
        char hide[96], page[96];
        ask_path(hide, sizeof(hide), GARDEN, id, "/hide");
        ask_path(page, sizeof(page), GARDEN, id, NULL);
        const char *on[] = {"hidden", "1", NULL}, *off[] = {"hidden", "0", NULL};
        struct http_resp r;
        post_pairs(&ana, hide, on, true, &r);
        expect_status(&r, 403, "a reader hiding");
        resp_free(&r);
        post_pairs(&june, hide, on, true, &r);
        expect_status(&r, 303, "a moderator hiding");
        resp_free(&r);
        assert_int_equal(open_count(GARDEN), open - 1);
        assert_int_equal(status_of(NULL, page), 404);
        assert_int_equal(status_of(&ana, page), 404);
        assert_null(api_ask_as(&sam, id));
        assert_int_equal(position_in(GARDEN, "new", id), -1);
        assert_int_equal(vote_form(&ana, GARDEN, id, true), 404);
        get(&sam, page, &r);
        expect_status(&r, 200, "the proposer still sees it");
        expect_in(&r, "A moderator hid your ask", "with a note");
        resp_free(&r);
        get(&june, page, &r);
        expect_in(&r, ">Restore<", "the moderator can restore");
        resp_free(&r);
        /* the newsletter's author moderates others' asks too */
        post_pairs(&tomas, hide, off, true, &r);
        expect_status(&r, 303, "the author restoring");
        resp_free(&r);
        assert_int_equal(open_count(GARDEN), open);
        assert_true(position_in(GARDEN, "top", id) >= 0);
}

/* ================================================================ notifications */

static void test_decisions_notify_proposer_and_voters(void **state)
{
        (void)state;
        struct member sam, ana, liwei, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&mira, "mira", NULL);
        long live = episode_id(LIVE_EP);
        long id = propose(&sam, NL, "Notify me", "");
        assert_int_equal(vote_form(&ana, NL, id, true), 303);
        assert_int_equal(vote_form(&mira, NL, id, true), 303);
        int s0 = unread(&sam), a0 = unread(&ana), l0 = unread(&liwei), m0 = unread(&mira);
        assert_int_equal(decide(&mira, NL, id, "planned", 0, ""), 303);
        assert_int_equal(unread(&sam), s0 + 1); /* the proposer hears of a decision */
        assert_int_equal(unread(&ana), a0);     /* voters wait for the answer */
        assert_int_equal(decide(&mira, NL, id, "covered", live, ""), 303);
        assert_int_equal(unread(&sam), s0 + 2);
        assert_int_equal(unread(&ana), a0 + 1); /* voters hear of the answer */
        assert_int_equal(unread(&liwei), l0);   /* who did not vote does not */
        assert_int_equal(unread(&mira), m0);    /* the decider is not told of her own act */
        /* saving the same decision again tells nobody again */
        assert_int_equal(decide(&mira, NL, id, "covered", live, "Edited note"), 303);
        assert_int_equal(unread(&sam), s0 + 2);
}

/* ================================================================ concurrency */

static void test_parallel_votes_count_exactly_once(void **state)
{
        (void)state;
        struct member m[CROWD];
        crowd(m);
        long id = propose(&m[4], NL, "Everybody at once", "");
        static char store[CROWD * 2][2048];
        char *reqs[CROWD * 2];
        size_t lens[CROWD * 2];
        int statuses[CROWD * 2];
        for (int i = 0; i < CROWD * 2; i++)
                reqs[i] = store[i];
        char path[96], body[256];
        ask_path(path, sizeof(path), NL, id, "/vote");
        /* twenty members vote at the same moment through the form (one is the proposer) */
        for (int i = 0; i < CROWD; i++) {
                snprintf(body, sizeof(body), "_csrf=%s&vote=1", m[i].csrf);
                lens[i] = raw_request(&m[i], "POST", path, "application/x-www-form-urlencoded",
                                      body, reqs[i], sizeof(store[i]));
        }
        send_at_once(reqs, lens, CROWD, statuses);
        for (int i = 0; i < CROWD; i++)
                assert_int_equal(statuses[i], 303);
        assert_int_equal(votes_of(id), CROWD);
        char page[96];
        ask_path(page, sizeof(page), NL, id, NULL);
        struct http_resp r;
        get(NULL, page, &r);
        char want[64];
        snprintf(want, sizeof(want), "%d members want this:", CROWD);
        expect_in(&r, want, "the page counts each once");
        resp_free(&r);

        /* one member forty times at once through the API: votes and takebacks interleave, and
         * the count always equals the rows */
        char api_path[64];
        snprintf(api_path, sizeof(api_path), "/api/v1/asks/%ld/vote", id);
        long other = propose(&m[5], NL, "One member, many clicks", "");
        snprintf(api_path, sizeof(api_path), "/api/v1/asks/%ld/vote", other);
        for (int i = 0; i < CROWD * 2; i++)
                lens[i] = raw_request(&m[6], i % 2 ? "DELETE" : "POST", api_path, NULL, NULL,
                                      reqs[i], sizeof(store[i]));
        send_at_once(reqs, lens, CROWD * 2, statuses);
        for (int i = 0; i < CROWD * 2; i++)
                assert_int_equal(statuses[i], 200);
        json_t *j = api_ask_as(&m[6], other);
        int votes = (int)json_integer_value(json_object_get(j, "votes"));
        bool voted = json_is_true(json_object_get(j, "voted"));
        json_decref(j);
        assert_int_equal(votes, 1 + (voted ? 1 : 0));
        /* then twenty POSTs at once: exactly one vote */
        for (int i = 0; i < CROWD; i++)
                lens[i] =
                    raw_request(&m[7], "POST", api_path, NULL, NULL, reqs[i], sizeof(store[i]));
        send_at_once(reqs, lens, CROWD, statuses);
        for (int i = 0; i < CROWD; i++)
                assert_int_equal(statuses[i], 200);
        assert_int_equal(votes_of(other), 2 + (voted ? 1 : 0));
        /* and twenty DELETEs at once: exactly one taken back */
        for (int i = 0; i < CROWD; i++)
                lens[i] =
                    raw_request(&m[7], "DELETE", api_path, NULL, NULL, reqs[i], sizeof(store[i]));
        send_at_once(reqs, lens, CROWD, statuses);
        assert_int_equal(votes_of(other), 1 + (voted ? 1 : 0));
}

/* ================================================================ limits and safety */

static void test_rate_limits_answer_429(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        /* five asks a day per member, through the form and the API together; a refused
         * proposal (422) does not use one up */
        struct http_resp r;
        propose_try(&sam, GARDEN, "", "A typo", &r);
        expect_status(&r, 422, "an empty title");
        resp_free(&r);
        long ids[5];
        for (int i = 0; i < 4; i++) {
                char title[32];
                snprintf(title, sizeof(title), "Daily ask %d", i);
                ids[i] = propose(&sam, GARDEN, title, "");
        }
        api(&sam, "POST", "/api/v1/newsletters/" GARDEN "/asks", "{\"title\":\"Fifth\"}", true, &r);
        expect_status(&r, 201, "the fifth ask through the API");
        json_t *j = json_of(&r);
        ids[4] = (long)json_integer_value(json_object_get(j, "id"));
        json_decref(j);
        resp_free(&r);
        propose_try(&sam, GARDEN, "Sixth", "", &r);
        expect_status(&r, 429, "the sixth ask in a day");
        char wait[16];
        header(&r, "Retry-After", wait, sizeof(wait));
        assert_true(atoi(wait) > 0);
        resp_free(&r);
        api(&sam, "POST", "/api/v1/newsletters/" GARDEN "/asks", "{\"title\":\"Sixth\"}", true, &r);
        expect_api_error(&r, 429, "faster than this site allows", "the API after the limit");
        resp_free(&r);
        /* another member is not limited by sam */
        assert_true(propose(&ana, GARDEN, "Ana's ask", "") > 0);
        /* thirty votes a minute per member */
        for (int i = 0; i < 30; i++)
                assert_int_equal(vote_form(&ana, GARDEN, ids[i % 5], i % 2 == 0), 303);
        assert_int_equal(vote_form(&ana, GARDEN, ids[0], true), 429);
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/vote", ids[1]);
        api(&ana, "POST", path, NULL, true, &r);
        expect_api_error(&r, 429, "faster", "votes through the API after the limit");
        resp_free(&r);
}

static void test_csrf_required_on_every_write(void **state)
{
        (void)state;
        struct member sam, ana, mira, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&june, "june", NULL);
        long id = propose(&sam, NL, "Guarded ask", "");
        char vote[96], edit[96], del[96], status[96], hide[96];
        ask_path(vote, sizeof(vote), NL, id, "/vote");
        ask_path(edit, sizeof(edit), NL, id, "/edit");
        ask_path(del, sizeof(del), NL, id, "/delete");
        ask_path(status, sizeof(status), NL, id, "/status");
        ask_path(hide, sizeof(hide), NL, id, "/hide");
        struct {
                const struct member *who;
                const char *path;
                const char *kv[7];
        } writes[] = {
            {&sam, ASKS, {"title", "Forged", NULL}},
            {&ana, vote, {"vote", "1", NULL}},
            {&sam, edit, {"title", "Forged edit", NULL}},
            {&sam, del, {NULL}},
            {&mira, status, {"status", "declined", "note", "Forged", NULL}},
            {&june, hide, {"hidden", "1", NULL}},
        };
        for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
                struct http_resp r;
                post_pairs(writes[i].who, writes[i].path, writes[i].kv, false, &r);
                if (r.status != 403)
                        fail_resp(&r, writes[i].path);
                resp_free(&r);
                const char *forged[12] = {"_csrf", ana.csrf};
                for (int k = 0; writes[i].kv[k]; k++)
                        forged[2 + k] = writes[i].kv[k];
                if (writes[i].who == &ana)
                        forged[1] = sam.csrf;
                post_pairs(writes[i].who, writes[i].path, forged, false, &r);
                if (r.status != 403)
                        fail_resp(&r, "another member's token");
                resp_free(&r);
        }
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/vote", id);
        struct http_resp r;
        api(&ana, "POST", path, NULL, false, &r);
        expect_status(&r, 403, "an API vote without the token");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/newsletters/" NL "/asks", "{\"title\":\"Forged\"}", false, &r);
        expect_status(&r, 403, "an API proposal without the token");
        resp_free(&r);
        /* nothing changed */
        json_t *j = api_ask_as(NULL, id);
        assert_string_equal(jstr(j, "title"), "Guarded ask");
        assert_string_equal(jstr(j, "status"), "open");
        assert_int_equal(json_integer_value(json_object_get(j, "votes")), 1);
        json_decref(j);
        assert_int_equal(position_in(NL, "new", id), 0);
}

/* ================================================================ the JSON API */

static void test_api(void **state)
{
        (void)state;
        struct member sam, ana, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&tomas, "tomas", NULL);
        json_t *j = api_list(NULL, GARDEN, NULL);
        assert_string_equal(jstr(j, "view"), "top");
        assert_string_equal(jstr(j, "newsletter"), GARDEN);
        json_t *asks = json_object_get(j, "asks");
        assert_true(json_array_size(asks) >= 2);
        json_t *first = json_array_get(asks, 0);
        assert_string_equal(jstr(first, "title"), "What grows on a north-facing balcony?");
        assert_int_equal(json_integer_value(json_object_get(first, "votes")), 4);
        assert_string_equal(jstr(json_object_get(first, "author"), "handle"), "ana");
        json_decref(j);
        j = api_list(NULL, GARDEN, "?view=covered");
        first = json_array_get(json_object_get(j, "asks"), 0);
        assert_string_equal(jstr(first, "status"), "covered");
        assert_string_equal(jstr(json_object_get(first, "episode"), "url"),
                            "/n/" GARDEN "/tomatoes-and-the-law-of-small-numbers");
        json_decref(j);
        struct http_resp r;
        api(NULL, "GET", "/api/v1/newsletters/" GARDEN "/asks?view=best", NULL, false, &r);
        expect_api_error(&r, 422, "view:", "an unknown view");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/newsletters/nowhere/asks", NULL, false, &r);
        expect_api_error(&r, 404, "newsletter", "an unknown newsletter");
        resp_free(&r);

        api(&sam, "POST", "/api/v1/newsletters/" GARDEN "/asks",
            "{\"title\":\"Rain barrels\",\"body\":\"Legal on a balcony?\"}", true, &r);
        expect_status(&r, 201, "a proposal through the API");
        j = json_of(&r);
        resp_free(&r);
        long id = (long)json_integer_value(json_object_get(j, "id"));
        assert_string_equal(jstr(j, "status"), "open");
        assert_int_equal(json_integer_value(json_object_get(j, "votes")), 1);
        assert_true(json_is_true(json_object_get(j, "voted")));
        assert_non_null(strstr(jstr(j, "body_html"), "Legal on a balcony?"));
        json_decref(j);

        char path[64];
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/vote", id);
        api(&ana, "POST", path, NULL, true, &r);
        expect_status(&r, 200, "a vote");
        j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "votes")), 2);
        assert_true(json_is_true(json_object_get(j, "changed")));
        json_decref(j);
        api(&ana, "POST", path, NULL, true, &r);
        j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "votes")), 2);
        assert_true(json_is_false(json_object_get(j, "changed")));
        json_decref(j);
        api(&ana, "DELETE", path, NULL, true, &r);
        j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "votes")), 1);
        assert_true(json_is_false(json_object_get(j, "voted")));
        json_decref(j);
        api(&ana, "PUT", path, NULL, true, &r);
        expect_status(&r, 405, "another method");
        resp_free(&r);
        api(NULL, "POST", "/api/v1/asks/999999/vote", NULL, false, &r);
        assert_true(r.status == 401 || r.status == 403);
        resp_free(&r);
        api(&ana, "POST", "/api/v1/asks/999999/vote", NULL, true, &r);
        expect_api_error(&r, 404, "no such ask", "an unknown ask");
        resp_free(&r);

        snprintf(path, sizeof(path), "/api/v1/asks/%ld/status", id);
        api(&tomas, "POST", path, "{\"status\":\"declined\"}", true, &r);
        expect_api_error(&r, 422, "note:", "declining without a reason");
        resp_free(&r);
        api(&tomas, "POST", path, "{\"status\":\"declined\",\"note\":\"Not legal here, sorry.\"}",
            true, &r);
        expect_status(&r, 200, "declining through the API");
        j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "status"), "declined");
        assert_string_equal(jstr(j, "note"), "Not legal here, sorry.");
        assert_false(json_is_null(json_object_get(j, "decided_at")));
        json_decref(j);
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/vote", id);
        api(&ana, "POST", path, NULL, true, &r);
        expect_api_error(&r, 409, "closed", "voting on a declined ask");
        resp_free(&r);
        j = api_list(NULL, GARDEN, "?view=declined");
        bool found = false;
        asks = json_object_get(j, "asks");
        for (size_t i = 0; i < json_array_size(asks); i++)
                found |= json_integer_value(json_object_get(json_array_get(asks, i), "id")) == id;
        assert_true(found);
        json_decref(j);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_guests_read_lists_and_are_asked_to_log_in),
            T(test_propose_vote_unvote_revote),
            T(test_invalid_ask_is_422_and_keeps_text),
            T(test_markup_is_inert),
            T(test_only_authors_decide),
            T(test_decisions_move_asks_between_views),
            cmocka_unit_test_setup_teardown(test_views_order_and_page, start_without_write_limits,
                                            kd_fixture_stop),
            T(test_covered_credit_on_the_episode),
            T(test_draft_episode_never_leaks),
            T(test_edit_and_delete_own_open_asks_only),
            T(test_moderators_hide_and_restore),
            T(test_decisions_notify_proposer_and_voters),
            cmocka_unit_test_setup_teardown(test_parallel_votes_count_exactly_once,
                                            start_without_write_limits, kd_fixture_stop),
            T(test_rate_limits_answer_429),
            T(test_csrf_required_on_every_write),
            T(test_api),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("asks", tests, NULL, NULL);
}
