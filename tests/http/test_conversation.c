/* Black-box tests of the conversation under episodes: comments and threads, quotes, edits,
 * deletion and hiding, reactions, notifications, the JSON API, rate limits and concurrency,
 * against the real kindred binary with the demo content. Every test gets a server of its own
 * with a fresh data folder (and fresh rate-limit windows). Counts are checked against a
 * baseline read at the start of a test, so demo comments never make a test brittle.
 *
 * Two tests race the server (parallel reactions, the guest page cache) over several rounds;
 * ROUNDS=N changes how many.
 * KD_TEST_FILTER=pattern runs only the matching tests. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A comment delete the member confirmed (without it the page asks first). */
static const char *const CONFIRMED[] = {"confirmed", "1", NULL};

#define NL          "learning-in-public"
#define EP          "two-languages-one-team"
#define EP_PATH     "/n/" NL "/" EP
#define EP_TITLE    "Two Languages, One Team"
#define GARDEN      "fourth-floor-garden"
#define RADISH_PATH "/n/" GARDEN "/the-radish-census"
#define DRAFT_PATH  "/n/" NL "/a-letter-to-next-years-team"
#define SCHED_PATH  "/n/" NL "/demo-days-without-the-theatre"

/* ---------------------------------------------------------------- members and requests */

/* ---------------------------------------------------------------- comments */

/* Posts a comment (parent 0 for a new thread; quote parts may be NULL); returns the response. */
static void comment_try(const struct member *m, const char *ep_path, const char *body, long parent,
                        const char *exact, const char *prefix, const char *suffix,
                        struct http_resp *r)
{
        char path[256], par[32];
        snprintf(path, sizeof(path), "%s/comments", ep_path);
        snprintf(par, sizeof(par), "%ld", parent);
        const char *kv[] = {"body",
                            body,
                            "parent",
                            parent ? par : "",
                            "quote_exact",
                            exact ? exact : "",
                            "quote_prefix",
                            prefix ? prefix : "",
                            "quote_suffix",
                            suffix ? suffix : "",
                            NULL};
        post_pairs(m, path, kv, true, r);
}

/* Posts a comment that must be accepted: 303 to the episode's #c-ID. Returns ID. */
static long comment_quoting(const struct member *m, const char *ep_path, const char *body,
                            long parent, const char *exact, const char *prefix, const char *suffix)
{
        struct http_resp r;
        comment_try(m, ep_path, body, parent, exact, prefix, suffix, &r);
        if (r.status != 303)
                fail_resp(&r, "a comment was refused");
        char loc[512], want[300];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        snprintf(want, sizeof(want), "%s#c-", ep_path);
        if (strncmp(loc, want, strlen(want)) != 0)
                fail_msg("a comment redirected to %s, not to %s<id>", loc, want);
        long id = atol(loc + strlen(want));
        assert_true(id > 0);
        return id;
}

static long comment(const struct member *m, const char *ep_path, const char *body, long parent)
{
        return comment_quoting(m, ep_path, body, parent, NULL, NULL, NULL);
}

/* The same through a session of the site's admin (guests see no reactions form). */
static long episode_id(const char *ep_path)
{
        static struct member admin;
        static int port;
        if (port != srv.port) {
                login_as(&admin, "admin", NULL);
                port = srv.port;
        }
        return episode_id_as(&admin, ep_path);
}

/* ---------------------------------------------------------------- JSON API */

/* GET /api/v1/episodes/ID/comments as m (NULL: a guest); must be 200. Caller decrefs. */
static json_t *api_thread(const struct member *m, long ep_id)
{
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep_id);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "GET comments API");
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

static int api_count_as(const struct member *m, long ep_id)
{
        json_t *j = api_thread(m, ep_id);
        int n = (int)json_integer_value(json_object_get(j, "count"));
        json_decref(j);
        return n;
}

static int api_count(long ep_id)
{
        return api_count_as(NULL, ep_id);
}

/* The comment with this id anywhere in a "comments"/"replies" tree (borrowed), or NULL; *depth
 * gets its nesting level. */
static json_t *find_in(json_t *list, long id, int level, int *depth)
{
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c)
        {
                if (json_integer_value(json_object_get(c, "id")) == id) {
                        if (depth)
                                *depth = level;
                        return c;
                }
                json_t *deeper = find_in(json_object_get(c, "replies"), id, level + 1, depth);
                if (deeper)
                        return deeper;
        }
        return NULL;
}

static json_t *find_comment(json_t *thread, long id, int *depth)
{
        return find_in(json_object_get(thread, "comments"), id, 0, depth);
}

/* One reaction count of a comment, from the API as a guest sees it. */
static int api_reaction_count(long ep_id, long comment_id, const char *kind)
{
        json_t *t = api_thread(NULL, ep_id);
        json_t *c = find_comment(t, comment_id, NULL);
        assert_non_null(c);
        int n = (int)json_integer_value(
            json_object_get(json_object_get(json_object_get(c, "reactions"), "counts"), kind));
        json_decref(t);
        return n;
}

/* ---------------------------------------------------------------- pages */

/* The "N comments" text as pages write it. */
static void comments_text(int n, char *out, size_t size)
{
        snprintf(out, size, n == 1 ? "%d comment" : "%d comments", n);
}

/* The count is the same everywhere: the episode's heading, its card on the home page and on
 * its author's profile, and the API. */
static void expect_count_everywhere(const char *ep_path, long ep_id, const char *author, int n)
{
        char text[64], want[512];
        comments_text(n, text, sizeof(text));
        struct http_resp r;
        get(NULL, ep_path, &r);
        snprintf(want, sizeof(want), "<h2 id=\"comments-h\">%s</h2>", text);
        expect_in(&r, want, "the episode's comment heading");
        resp_free(&r);
        snprintf(want, sizeof(want), "<a href=\"%s#comments\">%s</a>", ep_path, text);
        get(NULL, "/", &r);
        expect_in(&r, want, "the episode's card on the home page");
        resp_free(&r);
        char profile[64];
        snprintf(profile, sizeof(profile), "/@%s", author);
        get(NULL, profile, &r);
        expect_in(&r, want, "the episode's card on its author's profile");
        resp_free(&r);
        assert_int_equal(api_count(ep_id), n);
}

/* The count shown on one reaction button of an item's reactions group, and whether it is
 * pressed (the viewer's own); 0 (not pressed) for a kind not in view (a comment shows the kinds
 * in use, the others are behind "React"); -1 when the group is missing. */
static int page_reaction(const char *page, const char *target, long id, const char *kind,
                         bool *pressed)
{
        char start[128], button[96];
        snprintf(start, sizeof(start), "data-target=\"%s\" data-id=\"%ld\">", target, id);
        char *group = slice(page, start, "</div>");
        if (!group)
                return -1;
        snprintf(button, sizeof(button), "value=\"%s:%ld:%s:", target, id, kind);
        const char *b = strstr(group, button);
        int n = -1;
        if (!b && pressed)
                *pressed = false;
        if (!b && strstr(group, "class=\"react-more\""))
                n = 0;
        if (b) {
                const char *end = strstr(b, "</button>");
                if (pressed)
                        *pressed =
                            strncmp(b + strlen(button), "0\" aria-pressed=\"true\"", 22) == 0;
                const char *c = strstr(b, "<span class=\"count\">");
                if (c && end && c < end)
                        n = atoi(c + strlen("<span class=\"count\">"));
        }
        free(group);
        return n;
}

/* The unread number in the header ("Notifications <span class="unread-count">N</span>"). */
static int unread_count(const struct member *m)
{
        struct http_resp r;
        get(m, "/", &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "href=\"/notifications\""));
        const char *p = strstr(r.body, "<span class=\"unread-count\"");
        int n = 0;
        if (p) {
                p = strchr(p, '>');
                n = p ? atoi(p + 1) : -1;
        }
        resp_free(&r);
        return n;
}

static void mark_all_read(const struct member *m)
{
        struct http_resp r;
        post_pairs(m, "/notifications/read", NULL, true, &r);
        expect_status(&r, 303, "marking all notifications read");
        resp_free(&r);
        assert_int_equal(unread_count(m), 0);
}

/* The notifications page of m (caller frees r). */
static void notifications(const struct member *m, struct http_resp *r)
{
        get(m, "/notifications", r);
        expect_status(r, 200, "the notifications page");
}

static void react(const struct member *m, const char *target, long id, const char *react_value,
                  const char *next, struct http_resp *r)
{
        char ids[32];
        snprintf(ids, sizeof(ids), "%ld", id);
        const char *kv[] = {"target", target, "id", ids, "react", react_value, "next", next, NULL};
        post_pairs(m, "/react", kv, true, r);
}

static void react_ok(const struct member *m, const char *target, long id, const char *value)
{
        struct http_resp r;
        react(m, target, id, value, EP_PATH, &r);
        expect_status(&r, 303, "a reaction");
        resp_free(&r);
}

/* ---------------------------------------------------------------- episodes */

/* ---------------------------------------------------------------- fixtures */

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static int start_guests_cannot_read(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_GUESTS_READ_COMMENTS=false", NULL};
        return kd_start(&srv, env);
}

static int start_many_threads(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_THREADS=8", NULL};
        return kd_start(&srv, env);
}

static int start_without_write_limits(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_THREADS=8", "KINDRED_WRITE_LIMITS=false", NULL};
        return kd_start(&srv, env);
}

/* ================================================================ 1. reading and posting */

/* A conversation longer than a page (KD_COMMENTS_PER_PAGE comments, whole threads) is served in
 * pages on the episode and in the API; no page grows with the conversation. */
static void test_long_conversation_is_paged(void **state)
{
        (void)state;
        const char *path = "/n/fourth-floor-garden/the-radish-census";
        long ep = episode_id(path);
        struct member sam;
        login_as(&sam, "sam", NULL);
        int before = api_count(ep), posted = 0;
        char json[128], url[128];
        snprintf(url, sizeof(url), "/api/v1/episodes/%ld/comments", ep);
        for (int i = 0; i < 520; i++) {
                struct http_resp r;
                snprintf(json, sizeof(json), "{\"body\":\"Radish count %d\"}", i);
                api(&sam, "POST", url, json, true, &r);
                posted += r.status == 201;
                resp_free(&r);
        }
        assert_int_equal(posted, 520);
        assert_int_equal(api_count(ep), before + 520);
        /* first page: a full page of threads, and where to go on */
        json_t *page = api_thread(NULL, ep);
        size_t first = json_array_size(json_object_get(page, "comments"));
        json_t *next = json_object_get(page, "next_after");
        assert_true(json_is_integer(next));
        assert_int_equal(first, 500);
        char more[160];
        snprintf(more, sizeof(more), "%s?after=%lld", url, (long long)json_integer_value(next));
        json_decref(page);
        struct http_resp r;
        api(NULL, "GET", more, NULL, false, &r);
        expect_status(&r, 200, "the second page");
        page = json_of(&r);
        resp_free(&r);
        assert_int_equal(first + json_array_size(json_object_get(page, "comments")),
                         (size_t)(before + 520));
        assert_null(json_object_get(page, "next_after"));
        json_decref(page);
        /* the page links on, and back */
        get(NULL, path, &r);
        expect_in(&r, "?after=", "a link to more comments");
        expect_in(&r, "More comments", "a link to more comments");
        assert_int_equal(count(r.body, "<article class=\"comment"), 500);
        resp_free(&r);
}

static void test_guest_reads_and_is_asked_to_log_in(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        int n = api_count(ep);
        assert_true(n > 0); /* the demo conversation */
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        assert_int_equal(r.status, 200);
        /* the heading counts what the thread shows */
        char text[64], want[256];
        comments_text(n, text, sizeof(text));
        snprintf(want, sizeof(want), "<h2 id=\"comments-h\">%s</h2>", text);
        expect_in(&r, want, "guest heading");
        expect_in(&r,
                  "<a class=\"button\" href=\"/login?next=%2Fn%2F" NL "%2F" EP "%23comments\">Log "
                  "in to join the conversation</a>",
                  "the guest's way in");
        expect_not_in(&r, "id=\"comment-form\"", "no comment form for guests");
        expect_not_in(&r, "<details class=\"reply\">", "no reply forms for guests");
        /* a guest sees reaction counts, with no buttons to press */
        expect_in(&r, "<p class=\"reactions-summary\">", "reaction counts for guests");
        expect_not_in(&r, "<form class=\"reactions\"", "no reaction buttons for guests");
        assert_true(count(r.body, "<article class=\"comment") >= (size_t)n);
        resp_free(&r);

        /* writing as a guest: the API says 401; the site's own forms are checked below */
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        api(NULL, "POST", path, "{\"body\":\"hello\"}", false, &r);
        expect_api_error(&r, 401, NULL, "a guest posting through the API");
        resp_free(&r);
        api(NULL, "POST", "/api/v1/reactions",
            "{\"target\":\"episode\",\"id\":1,\"kind\":\"like\"}", false, &r);
        expect_api_error(&r, 401, NULL, "a guest reacting through the API");
        resp_free(&r);
        const char *kv[] = {"target", "episode", "id", "1", "react", "like:1", NULL};
        post_pairs(NULL, "/react", kv, false, &r);
        assert_int_equal(r.status, 303); /* a guest's form goes to the login page */
        char to[256];
        header(&r, "Location", to, sizeof(to));
        assert_int_equal(strncmp(to, "/login?next=", 12), 0);
        resp_free(&r);
        /* pages that need an account send guests to log in and back */
        get(NULL, "/notifications", &r);
        assert_int_equal(r.status, 303);
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/login?next=%2Fnotifications");
        resp_free(&r);
        get(NULL, "/comments/1/edit", &r);
        assert_int_equal(r.status, 303);
        header(&r, "Location", loc, sizeof(loc));
        assert_int_equal(strncmp(loc, "/login?next=", 12), 0);
        resp_free(&r);
        assert_int_equal(api_count(ep), n);
}

/* A guest who submits the comment form (say, after their session ran out) is sent to log in,
 * and back to the page the form was on. (Found as a bug: it answered a bare 401.) */
static void test_guest_comment_post_goes_to_login(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        int n = api_count(ep);
        struct http_resp r;
        const char *kv[] = {"body", "Hello from a guest", NULL};
        post_pairs(NULL, EP_PATH "/comments", kv, false, &r);
        char loc[256] = "";
        resp_header_get(&r, "Location", loc, sizeof(loc));
        /* the site header always links to /login; the page itself should offer the way */
        const char *main_part = r.body ? strstr(r.body, "<main") : NULL;
        bool to_login = (r.status == 303 && strncmp(loc, "/login", 6) == 0) ||
                        (r.status == 401 && main_part && strstr(main_part, "href=\"/login"));
        int status = r.status;
        resp_free(&r);
        assert_int_equal(api_count(ep), n);
        if (!to_login)
                fail_msg("a guest's comment POST answered %d%s%s: neither a redirect to /login nor "
                         "a page linking to it",
                         status, *loc ? " to " : "", loc);
}

static void test_guests_cannot_read_when_configured(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam;
        login_as(&sam, "sam", NULL);
        int n = api_count_as(&sam, ep);
        assert_true(n > 0);
        long mine = comment(&sam, EP_PATH, "Only members read this sentence.", 0);
        n++;
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        assert_int_equal(r.status, 200);
        char text[64], want[256];
        comments_text(n, text, sizeof(text));
        snprintf(want, sizeof(want), "<h2 id=\"comments-h\">%s</h2>", text);
        expect_in(&r, want, "the count is still shown");
        expect_in(&r,
                  "<a class=\"button\" href=\"/login?next=%2Fn%2F" NL "%2F" EP "%23comments\">Log "
                  "in to join the conversation</a>",
                  "the prompt links to the login page and back");
        expect_not_in(&r, "<article class=\"comment", "no comments for guests");
        expect_not_in(&r, "Only members read this sentence.", "no comment text for guests");
        expect_not_in(&r, "Lines readers carried away", "no quoted passages for guests");
        resp_free(&r);
        /* the API and the thread page refuse guests too */
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        api(NULL, "GET", path, NULL, false, &r);
        expect_api_error(&r, 401, NULL, "the API for a guest");
        resp_free(&r);
        snprintf(path, sizeof(path), EP_PATH "/comments/%ld", mine);
        get(NULL, path, &r);
        assert_int_equal(r.status, 303);
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_int_equal(strncmp(loc, "/login", 6), 0);
        resp_free(&r);
        /* members read everything */
        get(&sam, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\"", mine);
        expect_in(&r, want, "members see comments");
        expect_in(&r, "Only members read this sentence.", "members see comment text");
        expect_in(&r, "id=\"comment-form\"", "members get the form");
        resp_free(&r);
        get(&sam, path, &r);
        expect_status(&r, 200, "the thread page for a member");
        resp_free(&r);
}

static void test_comment_posts_and_counts_everywhere(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH), radish = episode_id(RADISH_PATH);
        int n = api_count(ep), nr = api_count(radish);
        expect_count_everywhere(EP_PATH, ep, "mira", n);
        expect_count_everywhere(RADISH_PATH, radish, "tomas", nr);

        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        const char *body = "Olá **Gonçalo**: 你好，三人行 — naïve café 🎉🌱";
        long id = comment(&sam, EP_PATH, body, 0);
        expect_count_everywhere(EP_PATH, ep, "mira", n + 1);

        /* the comment, as everyone sees it */
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        char want[256];
        snprintf(want, sizeof(want), "<article class=\"comment\" id=\"c-%ld\">", id);
        expect_in(&r, want, "the new comment's article");
        char *art = slice(r.body, want, "</article>");
        assert_non_null(art);
        /* the name, after sam's face (docs/images.md) */
        assert_non_null(strstr(art, "<a class=\"author\" href=\"/@sam\"><svg class=\"avatar\""));
        assert_non_null(strstr(art, "</svg>Sam Reyes</a>"));
        assert_non_null(
            strstr(art, "<p>Olá <strong>Gonçalo</strong>: 你好，三人行 — naïve café 🎉🌱</p>"));
        free(art);
        resp_free(&r);
        json_t *t = api_thread(NULL, ep);
        assert_int_equal(json_integer_value(json_object_get(t, "episode_id")), ep);
        json_t *c = find_comment(t, id, NULL);
        assert_non_null(c);
        assert_string_equal(jstr(c, "body"), body);
        assert_string_equal(jstr(c, "state"), "visible");
        assert_string_equal(jstr(json_object_get(c, "author"), "handle"), "sam");
        assert_string_equal(jstr(json_object_get(c, "author"), "name"), "Sam Reyes");
        assert_non_null(strstr(jstr(c, "body_html"), "<strong>Gonçalo</strong>"));
        assert_true(json_is_null(json_object_get(c, "parent_id")));
        assert_true(json_is_null(json_object_get(c, "quote")));
        assert_true(json_is_null(json_object_get(c, "edited_at")));
        char url[128];
        snprintf(url, sizeof(url), EP_PATH "#c-%ld", id);
        assert_string_equal(jstr(c, "url"), url);
        json_decref(t);

        /* a reply nests under it and counts too */
        long reply = comment(&ana, EP_PATH, "Obrigada, Sam!", id);
        expect_count_everywhere(EP_PATH, ep, "mira", n + 2);
        t = api_thread(NULL, ep);
        int depth = -1;
        c = find_comment(t, reply, &depth);
        assert_non_null(c);
        assert_int_equal(depth, 1);
        assert_int_equal(json_integer_value(json_object_get(c, "parent_id")), id);
        json_decref(t);

        /* a first comment reads "1 comment", on the page and the cards */
        comment(&ana, RADISH_PATH, "Radishes would rather be calm than bright: so would I.", 0);
        expect_count_everywhere(RADISH_PATH, radish, "tomas", nr + 1);
        /* the other episode did not move */
        expect_count_everywhere(EP_PATH, ep, "mira", n + 2);
}

static void test_invalid_comment_is_422_and_keeps_text(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        int n = api_count(ep);
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        struct http_resp r;
        char value[8192];

        /* nothing written: the quote stays for another try */
        comment_try(&sam, EP_PATH, "   \n ", 0, "It was a Friday note.", NULL, NULL, &r);
        expect_status(&r, 422, "an empty comment");
        expect_in(&r, "Write something first.", "the empty comment's message");
        assert_true(html_form_value(r.body, "quote_exact", value, sizeof(value)));
        assert_string_equal(value, "It was a Friday note.");
        resp_free(&r);

        /* 5,001 characters: too long, and all of them come back */
        char *longer = malloc(5002 * 4);
        size_t o = 0;
        for (int i = 0; i < 5001; i++) {
                memcpy(longer + o, "学", 3); /* three bytes, one character */
                o += 3;
        }
        longer[o] = '\0';
        comment_try(&sam, EP_PATH, longer, 0, NULL, NULL, NULL, &r);
        expect_status(&r, 422, "a comment of 5,001 characters");
        expect_in(&r, "A comment can be up to 5,000 characters.", "the length message");
        char *kept = malloc(o + 64);
        assert_true(html_form_value(r.body, "body", kept, o + 64));
        assert_string_equal(kept, longer);
        free(kept);
        resp_free(&r);
        /* exactly 5,000 is fine */
        longer[o - 3] = '\0';
        long at_limit = comment(&sam, EP_PATH, longer, 0);
        free(longer);
        n++;

        /* a quote that is not in the episode is refused with a clear message; the text stays */
        comment_try(&sam, EP_PATH, "My reply to the quote", 0, "Three languages, no team", NULL,
                    NULL, &r);
        expect_status(&r, 422, "a quote that is not in the episode");
        expect_in(&r, "That passage is not in this episode. Quote its words exactly.",
                  "the quote message");
        assert_true(html_form_value(r.body, "body", value, sizeof(value)));
        assert_string_equal(value, "My reply to the quote");
        assert_true(html_form_value(r.body, "quote_exact", value, sizeof(value)));
        assert_string_equal(value, "Three languages, no team");
        resp_free(&r);

        /* a reply with a problem keeps its place (the parent) and its text */
        comment_try(&ana, EP_PATH, "", at_limit, NULL, NULL, NULL, &r);
        expect_status(&r, 422, "an empty reply");
        char parent[32];
        snprintf(parent, sizeof(parent), "%ld", at_limit);
        assert_true(html_form_value(r.body, "parent", value, sizeof(value)));
        assert_string_equal(value, parent);
        expect_in(&r, "Write something first.", "the reply's message");
        resp_free(&r);

        /* replies to nothing, or to a comment of another episode, are refused */
        comment_try(&ana, EP_PATH, "Replying to a ghost", 999999, NULL, NULL, NULL, &r);
        expect_status(&r, 422, "a reply to a missing comment");
        expect_in(&r, "There is no such comment to reply to.", "the parent message");
        assert_true(html_form_value(r.body, "body", value, sizeof(value)));
        assert_string_equal(value, "Replying to a ghost");
        resp_free(&r);
        long elsewhere = comment(&ana, RADISH_PATH, "On the radishes", 0);
        comment_try(&ana, EP_PATH, "Crossing episodes", elsewhere, NULL, NULL, NULL, &r);
        expect_status(&r, 422, "a reply to another episode's comment");
        resp_free(&r);

        /* a 601-character quote is refused before it is looked for */
        char big[2000] = "";
        for (int i = 0; i < 601; i++)
                strcat(big, "x");
        comment_try(&ana, EP_PATH, "Long quote", 0, big, NULL, NULL, &r);
        expect_status(&r, 422, "a 601-character quote");
        expect_in(&r, "Quote a shorter passage: 600 characters at most.", "the quote length");
        resp_free(&r);
        /* none of the refused ones was saved */
        assert_int_equal(api_count(ep), n);

        /* an unknown episode is a 404, and comes before a refused body (the episode is read in
         * the comment's transaction, before the body's problem is told) */
        comment_try(&ana, "/n/" NL "/no-such-episode", "Hello", 0, NULL, NULL, NULL, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        comment_try(&ana, "/n/" NL "/no-such-episode", "", 0, NULL, NULL, NULL, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        api(&ana, "POST", "/api/v1/episodes/999999/comments", "{\"body\":\"\"}", true, &r);
        expect_status(&r, 404, "an API comment with no text on no episode");
        resp_free(&r);
        api(&ana, "POST", "/api/v1/episodes/999999/comments", "{\"body\":\"Hello\"}", true, &r);
        expect_status(&r, 404, "an API comment on no episode");
        resp_free(&r);
        assert_int_equal(api_count(ep), n);
}

/* ================================================================ 2. quotes */

/* The stored quote of a comment, from the API. */
struct quote {
        char exact[2048], prefix[256], suffix[256], link[4096];
};

static void api_quote(long ep, long id, struct quote *q)
{
        json_t *t = api_thread(NULL, ep);
        json_t *c = find_comment(t, id, NULL);
        assert_non_null(c);
        json_t *o = json_object_get(c, "quote");
        assert_true(json_is_object(o));
        assert_string_equal(jstr(o, "type"), "TextQuoteSelector");
        snprintf(q->exact, sizeof(q->exact), "%s", jstr(o, "exact"));
        snprintf(q->prefix, sizeof(q->prefix), "%s", jstr(o, "prefix"));
        snprintf(q->suffix, sizeof(q->suffix), "%s", jstr(o, "suffix"));
        snprintf(q->link, sizeof(q->link), "%s", jstr(o, "link"));
        json_decref(t);
}

/* True when s, without its trailing spaces, ends with tail (a stored prefix keeps the space
 * that joins it to the quote). */
static bool ends_with(const char *s, const char *tail)
{
        size_t a = strlen(s), b = strlen(tail);
        while (a > 0 && s[a - 1] == ' ')
                a--;
        return a >= b && strncmp(s + a - b, tail, b) == 0;
}

static void test_quotes_match_whitespace_and_unicode(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH), radish = episode_id(RADISH_PATH);
        struct member sam, ana, liwei, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&june, "june", NULL);
        struct quote q;

        /* selected across a paragraph and a heading, with newlines, tabs and no-break spaces */
        long a = comment_quoting(&sam, EP_PATH, "Across the heading", 0,
                                 "  It was a Friday\xC2\xA0note.\n\n  The Friday\tnote\r\nChen  ",
                                 NULL, NULL);
        api_quote(ep, a, &q);
        assert_string_equal(q.exact, "It was a Friday note. The Friday note Chen");
        /* Markdown's emphasis is not part of the text */
        long b = comment_quoting(&sam, EP_PATH, "Bold lead", 0,
                                 "Decisions in two languages. Any decision", NULL, NULL);
        api_quote(ep, b, &q);
        assert_string_equal(q.exact, "Decisions in two languages. Any decision");
        /* accented names, Chinese punctuation, curly quotes */
        long c = comment_quoting(&ana, EP_PATH, "Sim!", 0, "Gonçalo, who led the Lisbon side", NULL,
                                 NULL);
        api_quote(ep, c, &q);
        assert_string_equal(q.exact, "Gonçalo, who led the Lisbon side");
        long d = comment_quoting(&liwei, EP_PATH, "三人行", 0, "三人行，必有我师焉", NULL, NULL);
        api_quote(ep, d, &q);
        assert_string_equal(q.exact, "三人行，必有我师焉");
        assert_true(ends_with(q.prefix, "someone quoted"));
        assert_int_equal(strncmp(q.suffix, ", which is roughly", 18), 0);
        long e = comment_quoting(&liwei, EP_PATH, "慢慢地", 0,
                                 "慢慢地，这份文档会变成我们团队最有用的地图。", NULL, NULL);
        api_quote(ep, e, &q);
        assert_string_equal(q.exact, "慢慢地，这份文档会变成我们团队最有用的地图。");
        /* a table row as a browser copies it: cells joined by tabs, rows by newlines */
        long f = comment_quoting(&ana, RADISH_PATH, "Batch 3!", 0,
                                 "sheltered\n3\t2 May\t30 May\tzone E\t19\t262\tthinned early, "
                                 "best batch",
                                 NULL, NULL);
        api_quote(radish, f, &q);
        assert_string_equal(q.exact, "sheltered 3 2 May 30 May zone E 19 262 thinned early, best "
                                     "batch");

        /* the page shows the quote, linked with a text fragment, and lists the passage */
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        char want[512];
        snprintf(want, sizeof(want), "<article class=\"comment\" id=\"c-%ld\">", c);
        char *art = slice(r.body, want, "</article>");
        assert_non_null(art);
        assert_non_null(strstr(art, "<blockquote class=\"quote\"><a href=\"" EP_PATH "#:~:text="));
        assert_non_null(strstr(art, "Gon%C3%A7alo%2C%20who%20led%20the%20Lisbon%20side"));
        assert_non_null(strstr(art, "\">Gonçalo, who led the Lisbon side</a></blockquote>"));
        free(art);
        expect_in(&r, "Lines readers carried away", "the passages section");
        resp_free(&r);
        /* the passages list shows the five most discussed, most discussed first */
        comment_quoting(&sam, EP_PATH, "Same line, another thought", 0,
                        "Gonçalo, who led the Lisbon side", NULL, NULL);
        get(NULL, EP_PATH, &r);
        char *passages = slice(r.body, "<section class=\"passages\"", "</section>");
        assert_non_null(passages);
        assert_int_equal(count(passages, "<li data-exact="), 5);
        snprintf(want, sizeof(want),
                 "<ol class=\"passage-list\">\n<li data-exact=\"Gonçalo, who led the Lisbon "
                 "side\" data-prefix=\"");
        assert_non_null(strstr(passages, want));
        snprintf(want, sizeof(want), "data-count=\"2\" data-first=\"c-%ld\">", c);
        assert_non_null(strstr(passages, want));
        snprintf(want, sizeof(want), "<a class=\"meta\" href=\"#c-%ld\">2 comments</a>", c);
        assert_non_null(strstr(passages, want));
        free(passages);
        resp_free(&r);

        /* near misses are refused */
        const char *absent[] = {
            "it was a friday note.",              /* case matters */
            "Gonçalo, who led the Porto side",    /* different words */
            "三人行必有我师焉",                   /* punctuation matters */
            "🎉 Friday note",                      /* an emoji the episode does not have */
            "Friday note. The Friday note. Chen", /* an extra full stop */
        };
        for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
                comment_try(&june, EP_PATH, "Near miss", 0, absent[i], NULL, NULL, &r);
                if (r.status != 422)
                        fail_resp(&r, absent[i]);
                expect_in(&r, "That passage is not in this episode.", absent[i]);
                resp_free(&r);
        }
        /* whitespace alone is not a passage: refused, with the comment kept */
        comment_try(&sam, EP_PATH, "No quote really", 0, " \n\t\xC2\xA0 ", NULL, NULL, &r);
        expect_status(&r, 422, "a quote of whitespace");
        expect_in(&r, "Paste or select the passage you quote.", "the empty quote's message");
        char value[256];
        assert_true(html_form_value(r.body, "body", value, sizeof(value)));
        assert_string_equal(value, "No quote really");
        resp_free(&r);
}

static void test_quote_context_picks_the_occurrence(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam, ana, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        struct quote q1, q2, q3;
        /* "本周学到的" is in the episode twice: after "called", and in the Chinese quote */
        long first = comment_quoting(&liwei, EP_PATH, "First one", 0, "本周学到的", NULL, NULL);
        api_quote(ep, first, &q1);
        assert_true(ends_with(q1.prefix, "every Friday called"));
        assert_int_equal(strncmp(q1.suffix, ", \"what I learned", 17), 0);

        long second = comment_quoting(&liwei, EP_PATH, "Second one", 0, "本周学到的",
                                      "我们每周五写一段“", "”");
        api_quote(ep, second, &q2);
        assert_string_equal(q2.exact, "本周学到的");
        assert_true(ends_with(q2.prefix, "我们每周五写一段“"));
        assert_int_equal(strncmp(q2.suffix, "”，不求完美", strlen("”，不求完美")), 0);
        /* the text-fragment link names the second occurrence's context (whole words before it
         * in its paragraph; the words after it are not needed); the first needs none */
        assert_true(ends_with(q2.link, "%E5%86%99%E4%B8%80%E6%AE%B5%E2%80%9C-,%E6%9C%AC%E5%91%A8"
                                       "%E5%AD%A6%E5%88%B0%E7%9A%84"));
        assert_true(ends_with(q1.link, "#:~:text=%E6%9C%AC%E5%91%A8%E5%AD%A6%E5%88%B0%E7%9A%84"));

        /* a suffix alone picks too, with its own whitespace: "in Portuguese" is there twice */
        long third = comment_quoting(&sam, EP_PATH, "Portuguese", 0, "in Portuguese", NULL,
                                     "  and\nEnglish");
        api_quote(ep, third, &q3);
        assert_true(ends_with(q3.prefix, "were doing the same,"));
        long fourth = comment_quoting(&sam, EP_PATH, "Portuguese too", 0, "in Portuguese",
                                      "afterwards,", "or Mandarin");
        api_quote(ep, fourth, &q3);
        assert_true(ends_with(q3.prefix, "happened afterwards,"));

        /* context that fits neither occurrence: the passage is there, the words around it not */
        struct http_resp r;
        comment_try(&ana, EP_PATH, "Wrong context", 0, "本周学到的", "nothing like this", NULL, &r);
        expect_status(&r, 422, "a quote with context matching no occurrence");
        expect_in(&r, "That passage is in the episode, but not with the words around it",
                  "the context message");
        resp_free(&r);

        /* the page lists the two occurrences as two passages, each linked to its place */
        get(NULL, EP_PATH, &r);
        char *passages = slice(r.body, "<section class=\"passages\"", "</section>");
        assert_non_null(passages);
        assert_int_equal(count(passages, "<li data-exact=\"本周学到的\""), 2);
        free(passages);
        char want[512];
        snprintf(want, sizeof(want), "id=\"c-%ld\">", second);
        char *art = slice(r.body, want, "</article>");
        assert_non_null(art);
        assert_non_null(strstr(art, "%E5%86%99%E4%B8%80%E6%AE%B5%E2%80%9C-,"));
        char s1[32], s2[32];
        assert_true(extract(art, "data-start=\"", "\"", s2, sizeof(s2)));
        free(art);
        snprintf(want, sizeof(want), "id=\"c-%ld\">", first);
        art = slice(r.body, want, "</article>");
        assert_non_null(art);
        assert_true(extract(art, "data-start=\"", "\"", s1, sizeof(s1)));
        free(art);
        resp_free(&r);
        assert_true(atol(s1) > 0);
        assert_true(atol(s2) > atol(s1));

        /* the API takes the same selector */
        char path[96], json[512];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        snprintf(
            json, sizeof(json),
            "{\"body\":\"Via the API\",\"quote\":{\"exact\":\"本周学到的\",\"prefix\":\"写一段“\","
            "\"suffix\":\"”，不求\"}}");
        api(&ana, "POST", path, json, true, &r);
        expect_status(&r, 201, "an API comment with a quote");
        json_t *c = json_of(&r);
        resp_free(&r);
        json_t *qo = json_object_get(c, "quote");
        assert_string_equal(jstr(qo, "exact"), "本周学到的");
        assert_true(ends_with(jstr(qo, "prefix"), "写一段“"));
        assert_string_equal(jstr(qo, "prefix"), q2.prefix);
        json_decref(c);
}

static void test_markup_in_comments_and_quotes_is_inert(void **state)
{
        (void)state;
        struct member mira, ana, liwei, sam;
        login_as(&mira, "mira", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        /* an episode whose text has emoji and markup characters in it */
        char loc[256];
        write_episode(&mira, "/write/n/" NL "/episode", "Emoji and Angle Brackets",
                      "We cheered 🎉 twice, then typed `<img src=x onerror=alert(1)>` into the "
                      "chat and laughed.\n\nA café, a naïve plan, and 👩🏽‍💻 at work.\n",
                      NULL, NULL, loc, sizeof(loc));
        assert_string_equal(loc, "/n/" NL "/emoji-and-angle-brackets");
        long ep = episode_id(loc);

        /* quotes with emoji (a ZWJ sequence too) and with markup characters are found */
        long e1 = comment_quoting(&liwei, loc, "🎉!", 0, "cheered 🎉 twice", NULL, NULL);
        long e2 =
            comment_quoting(&liwei, loc, "Me too", 0, "and 👩🏽‍💻 at work", NULL, NULL);
        long x1 =
            comment_quoting(&ana, loc,
                            "<script>alert(1)</script> <img src=x onerror=alert(1)> "
                            "[click](javascript:alert(1)) [also](JaVaScRiPt:alert(2)) "
                            "[tab](java\tscript:alert(3)) <a href=\"javascript:alert(4)\">a</a> "
                            "[t](https://example.org \"x\\\" onmouseover=\\\"alert(5)\") "
                            "![img](javascript:alert(6)) <javascript:alert(7)>",
                            0, "typed <img src=x onerror=alert(1)> into", NULL, NULL);
        struct quote q;
        api_quote(ep, e2, &q);
        assert_string_equal(q.exact, "and 👩🏽‍💻 at work");
        api_quote(ep, x1, &q);
        assert_string_equal(q.exact, "typed <img src=x onerror=alert(1)> into");

        /* a quote that is not there comes back escaped on the 422 page */
        struct http_resp r;
        comment_try(&sam, loc, "</textarea><script>alert(8)</script>", 0,
                    "\"><script>alert(9)</script>", NULL, NULL, &r);
        expect_status(&r, 422, "a markup quote not in the episode");
        expect_not_in(&r, "<script>alert", "escaped on the 422 page");
        expect_in(&r, "&lt;/textarea&gt;&lt;script&gt;alert(8)", "the body comes back escaped");
        resp_free(&r);

        /* nowhere is any of it live */
        const char *dangerous[] = {"<script>alert",        "<img src=x",
                                   "href=\"javascript:",   "href=\"JaVaScRiPt:",
                                   "onmouseover=\"alert",  "src=\"javascript:",
                                   "href=\"java\tscript:", "<a href=\"javascript:alert(4)"};
        struct member *viewers[] = {NULL, &ana, &mira};
        for (int v = 0; v < 3; v++) {
                get(viewers[v], loc, &r);
                assert_int_equal(r.status, 200);
                char *section =
                    slice(r.body, "<section id=\"comments\"", "<section class=\"more\"");
                if (!section)
                        section = slice(r.body, "<section id=\"comments\"", "</main>");
                assert_non_null(section);
                for (size_t i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++)
                        if (strstr(section, dangerous[i])) {
                                free(section);
                                fail_resp(&r, dangerous[i]);
                        }
                /* the quote's text is shown, escaped, in the comment and the passage list */
                assert_non_null(strstr(section, "typed &lt;img src=x onerror=alert(1)&gt; into"));
                assert_non_null(strstr(section, "data-exact=\"typed &lt;img src=x "
                                                "onerror=alert(1)&gt; into\""));
                assert_non_null(strstr(section, "&lt;script&gt;alert(1)&lt;/script&gt;"));
                assert_non_null(strstr(section, "cheered 🎉 twice"));
                free(section);
                resp_free(&r);
        }
        /* the safe link survives, with its title escaped */
        json_t *t = api_thread(NULL, ep);
        const char *html = jstr(find_comment(t, x1, NULL), "body_html");
        assert_null(strstr(html, "<script"));
        assert_null(strstr(html, "<img"));
        assert_null(strcasestr(html, "href=\"javascript"));
        assert_null(strstr(html, "onmouseover=\""));
        assert_non_null(strstr(html, "href=\"https://example.org\""));
        json_decref(t);

        /* a display name with markup is text wherever a comment shows it */
        const char *kv[] = {"display_name",
                            "<b onmouseover=alert(10)>Sam</b>",
                            "headline",
                            "\"><script>alert(11)</script>",
                            "bio",
                            "",
                            "email",
                            "sam@kindred.test",
                            NULL};
        post_pairs(&sam, "/settings/profile", kv, true, &r);
        expect_status(&r, 303, "a display name with markup");
        resp_free(&r);
        long s1 = comment(&sam, loc, "Hello @liwei", e1);
        react_ok(&sam, "comment", e1, "like:1");
        /* liwei reads in Chinese (the demo's saved language) */
        get(&liwei, "/notifications", &r);
        expect_not_in(&r, "<b onmouseover", "the name in notifications");
        expect_in(&r, "&lt;b onmouseover=alert(10)&gt;Sam&lt;/b&gt; 回复了你在“",
                  "the escaped name");
        resp_free(&r);
        get(&liwei, loc, &r);
        expect_not_in(&r, "<b onmouseover", "the name on the thread");
        expect_not_in(&r, "<script>alert(11)", "the headline on the thread");
        resp_free(&r);
        char reply[64]; /* the reply's form is a page of its own without the script */
        snprintf(reply, sizeof(reply), "/comments/%ld/reply", s1);
        get(&liwei, reply, &r);
        expect_not_in(&r, "<b onmouseover", "the name on the reply page");
        expect_in(&r, "<h1>回复 &lt;b onmouseover=alert(10)&gt;Sam&lt;/b&gt;</h1>",
                  "the reply page's heading, escaped");
        resp_free(&r);
        char who[96];
        snprintf(who, sizeof(who), "/reactions?target=comment&id=%ld", e1);
        get(NULL, who, &r);
        expect_status(&r, 200, "who reacted");
        expect_not_in(&r, "<b onmouseover", "the name on the who-reacted page");
        expect_in(&r, "&lt;b onmouseover=alert(10)&gt;Sam&lt;/b&gt;", "the escaped name");
        resp_free(&r);
}

/* ================================================================ 3. threads */

static void test_deep_threads_continue_on_their_own_page(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        const char *who[] = {"sam", "ana", "liwei", "june", "tomas", "mira", "sam"};
        struct member m[7];
        long id[7];
        for (int i = 0; i < 7; i++) {
                if (i == 6)
                        m[i] = m[0];
                else
                        login_as(&m[i], who[i], NULL);
                char body[64];
                snprintf(body, sizeof(body), "Level %d of the chain", i);
                id[i] = comment(&m[i], EP_PATH, body, i ? id[i - 1] : 0);
        }
        /* the episode page shows five levels; the fifth links to the rest */
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        char want[256];
        for (int i = 0; i < 7; i++) {
                snprintf(want, sizeof(want), "id=\"c-%ld\"", id[i]);
                if (i < 5)
                        expect_in(&r, want, "a shown level");
                else
                        expect_not_in(&r, want, "a level past the fifth");
        }
        snprintf(want, sizeof(want),
                 "<p class=\"continue\"><a href=\"" EP_PATH "/comments/%ld\">Continue this "
                 "thread →</a></p>",
                 id[4]);
        expect_in(&r, want, "the continue link");
        assert_int_equal(count(r.body, "Continue this thread"), 1);
        /* the levels nest: level 4 sits inside four reply blocks of the chain */
        char *chain = slice(r.body, "Level 0 of the chain", "Level 4 of the chain");
        assert_non_null(chain);
        assert_int_equal(count(chain, "<div class=\"replies\">"), 4);
        free(chain);
        resp_free(&r);

        /* the thread page starts at that comment and shows what is below it */
        char path[128];
        snprintf(path, sizeof(path), EP_PATH "/comments/%ld", id[4]);
        get(NULL, path, &r);
        expect_status(&r, 200, "the thread page");
        for (int i = 0; i < 7; i++) {
                snprintf(want, sizeof(want), "id=\"c-%ld\"", id[i]);
                if (i >= 4)
                        expect_in(&r, want, "the rest of the thread");
                else
                        expect_not_in(&r, want, "comments above the thread");
        }
        snprintf(want, sizeof(want), "<a href=\"" EP_PATH "#c-%ld\">← " EP_TITLE "</a>", id[3]);
        expect_in(&r, want, "the way back to the parent on the episode");
        expect_in(&r, "<meta name=\"robots\" content=\"noindex", "thread pages are not indexed");
        resp_free(&r);

        /* the API nests all seven */
        json_t *t = api_thread(NULL, ep);
        int depth = -1;
        assert_non_null(find_comment(t, id[6], &depth));
        assert_int_equal(depth, 6);
        json_decref(t);

        /* no thread page for comments that do not exist or belong to another episode */
        assert_int_equal(status_of(NULL, EP_PATH "/comments/999999"), 404);
        assert_int_equal(status_of(NULL, EP_PATH "/comments/abc"), 404);
        long other = comment(&m[1], RADISH_PATH, "Elsewhere", 0);
        snprintf(path, sizeof(path), EP_PATH "/comments/%ld", other);
        assert_int_equal(status_of(NULL, path), 404);
}

/* ================================================================ 4. edit, delete, hide */

static void test_edit_and_delete_own_comments_only(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        int n = api_count(ep);
        struct member sam, ana, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long c1 = comment(&sam, EP_PATH, "First draft of my thought", 0);
        long r1 = comment(&ana, EP_PATH, "A reply that keeps the thread alive", c1);
        long c2 = comment(&ana, EP_PATH, "A lonely comment", 0);
        n += 3;
        assert_int_equal(api_count(ep), n);

        char edit[64], del[64];
        snprintf(edit, sizeof(edit), "/comments/%ld/edit", c1);
        snprintf(del, sizeof(del), "/comments/%ld/delete", c1);
        struct http_resp r;
        /* only its author may change it: not another reader, not a moderator */
        assert_int_equal(status_of(&ana, edit), 403);
        const char *changed[] = {"body", "Ana was here", NULL};
        const struct member *others[] = {&ana, &june};
        for (int i = 0; i < 2; i++) {
                post_pairs(others[i], edit, changed, true, &r);
                assert_int_equal(r.status, 403);
                resp_free(&r);
                post_pairs(others[i], del, NULL, true, &r);
                assert_int_equal(r.status, 403);
                resp_free(&r);
        }
        /* the author's page shows Edit and Delete on their own comment only */
        get(&sam, EP_PATH, &r);
        char want[256];
        snprintf(want, sizeof(want), "<a class=\"edit\" href=\"/comments/%ld/edit\">", c1);
        expect_in(&r, want, "an Edit link on one's own comment");
        snprintf(want, sizeof(want), "<a class=\"edit\" href=\"/comments/%ld/edit\">", c2);
        expect_not_in(&r, want, "no Edit link on someone else's");
        resp_free(&r);

        /* editing: the form holds the text; an empty one is refused and kept */
        get(&sam, edit, &r);
        expect_status(&r, 200, "the edit form");
        char value[512];
        assert_true(html_form_value(r.body, "body", value, sizeof(value)));
        assert_string_equal(value, "First draft of my thought");
        resp_free(&r);
        const char *empty[] = {"body", "", NULL};
        post_pairs(&sam, edit, empty, true, &r);
        expect_status(&r, 422, "an empty edit");
        expect_in(&r, "Write something first.", "the edit's message");
        resp_free(&r);
        const char *better[] = {"body", "Second, *better* draft", NULL};
        post_pairs(&sam, edit, better, false, &r);
        assert_int_equal(r.status, 403); /* no token */
        resp_free(&r);
        post_pairs(&sam, edit, better, true, &r);
        expect_status(&r, 303, "an edit");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        snprintf(want, sizeof(want), EP_PATH "#c-%ld", c1);
        assert_string_equal(loc, want);
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\">", c1);
        char *art = slice(r.body, want, "<div class=\"comment-actions\">");
        assert_non_null(art);
        assert_non_null(strstr(art, "<p>Second, <em>better</em> draft</p>"));
        assert_non_null(strstr(art, ">edited</span>"));
        assert_null(strstr(art, "First draft"));
        free(art);
        resp_free(&r);
        json_t *t = api_thread(NULL, ep);
        json_t *c = find_comment(t, c1, NULL);
        assert_string_equal(jstr(c, "body"), "Second, *better* draft");
        assert_true(json_is_string(json_object_get(c, "edited_at")));
        json_decref(t);
        assert_int_equal(api_count(ep), n); /* an edit adds nothing */

        /* deleting: without the token, refused; then it goes, its reply stays */
        post_pairs(&sam, del, NULL, false, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        post_pairs(&sam, del, NULL, true, &r); /* without JavaScript: a page asks first */
        expect_status(&r, 200, "a delete not yet confirmed");
        expect_in(&r, "Delete this comment?", "the question");
        expect_in(&r, "name=\"confirmed\" value=\"1\"", "the button that deletes");
        resp_free(&r);
        assert_int_equal(api_count(ep), n); /* nothing deleted yet */
        post_pairs(&sam, del, CONFIRMED, true, &r);
        expect_status(&r, 303, "deleting one's comment");
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, EP_PATH "#comments");
        resp_free(&r);
        n--;
        expect_count_everywhere(EP_PATH, ep, "mira", n);
        get(NULL, EP_PATH, &r);
        snprintf(want, sizeof(want), "<article class=\"comment gone\" id=\"c-%ld\">", c1);
        art = slice(r.body, want, "</article>");
        if (!art)
                fail_resp(&r, "the deleted comment with a reply keeps its place");
        assert_non_null(strstr(art, "<p class=\"gone-note\">This comment was deleted.</p>"));
        assert_null(strstr(art, "better"));
        assert_null(strstr(art, "Sam Reyes"));
        free(art);
        snprintf(want, sizeof(want), "id=\"c-%ld\"", r1);
        expect_in(&r, want, "the reply to a deleted comment stays");
        expect_in(&r, "A reply that keeps the thread alive", "the reply's text");
        resp_free(&r);
        t = api_thread(NULL, ep);
        c = find_comment(t, c1, NULL);
        assert_non_null(c);
        assert_string_equal(jstr(c, "state"), "deleted");
        assert_null(json_object_get(c, "body"));
        assert_null(json_object_get(c, "author"));
        assert_non_null(find_comment(t, r1, NULL));
        json_decref(t);

        /* a deleted comment can be neither edited, deleted again, nor answered */
        assert_int_equal(status_of(&sam, edit), 404);
        post_pairs(&sam, edit, better, true, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        post_pairs(&sam, del, NULL, true, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        comment_try(&ana, EP_PATH, "Hello?", c1, NULL, NULL, NULL, &r);
        expect_status(&r, 422, "a reply to a deleted comment");
        expect_in(&r, "That comment is no longer open for replies.", "the reason");
        resp_free(&r);

        /* a deleted comment without replies leaves nothing behind */
        snprintf(del, sizeof(del), "/comments/%ld/delete", c2);
        post_pairs(&ana, del, CONFIRMED, true, &r);
        expect_status(&r, 303, "deleting a comment without replies");
        resp_free(&r);
        n--;
        get(NULL, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\"", c2);
        expect_not_in(&r, want, "a deleted comment without replies");
        resp_free(&r);
        t = api_thread(NULL, ep);
        assert_null(find_comment(t, c2, NULL));
        json_decref(t);
        /* when the last reply goes, the deleted parent goes with it */
        snprintf(del, sizeof(del), "/comments/%ld/delete", r1);
        post_pairs(&ana, del, CONFIRMED, true, &r);
        expect_status(&r, 303, "deleting the reply");
        resp_free(&r);
        n--;
        get(NULL, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\"", c1);
        expect_not_in(&r, want, "a deleted comment whose replies are gone");
        resp_free(&r);
        expect_count_everywhere(EP_PATH, ep, "mira", n);
        assert_int_equal(status_of(&sam, "/comments/999999/edit"), 404);
}

static void hide(const struct member *m, long id, const char *hidden, int expect)
{
        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/hide", id);
        const char *kv[] = {"hidden", hidden, NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        if (r.status != expect) {
                char what[128];
                snprintf(what, sizeof(what), "%s hiding (%s) comment %ld", m->handle, hidden, id);
                expect_status(&r, expect, what);
        }
        resp_free(&r);
}

static void test_moderators_and_authors_hide_and_restore(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH), radish = episode_id(RADISH_PATH);
        int n = api_count(ep), nr = api_count(radish);
        struct member sam, ana, liwei, june, mira, tomas, admin;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&admin, "admin", NULL);
        long c1 = comment(&sam, EP_PATH, "Something a moderator will hide", 0);
        long r1 = comment(&ana, EP_PATH, "A reply below it", c1);
        long c2 = comment_quoting(&liwei, EP_PATH, "Something an author will hide", 0,
                                  "Slower meetings.", NULL, NULL);
        long g1 = comment(&ana, RADISH_PATH, "On the garden", 0);
        n += 3;
        nr += 1;

        /* readers may not; an author of another newsletter may not */
        hide(&sam, c2, "1", 403);
        hide(&ana, c1, "1", 403);
        hide(&mira, g1, "1", 403);
        /* without the token, nobody may */
        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/hide", c1);
        const char *kv[] = {"hidden", "1", NULL};
        struct http_resp r;
        post_pairs(&june, path, kv, false, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        assert_int_equal(api_count(ep), n);

        /* a moderator hides: readers see a note where it was, and its reply */
        hide(&june, c1, "1", 303);
        n--;
        expect_count_everywhere(EP_PATH, ep, "mira", n);
        char want[256];
        const struct member *readers[] = {NULL, &sam, &liwei};
        for (int i = 0; i < 3; i++) {
                get(readers[i], EP_PATH, &r);
                snprintf(want, sizeof(want), "<article class=\"comment gone\" id=\"c-%ld\">", c1);
                char *art = slice(r.body, want, "</article>");
                if (!art)
                        fail_resp(&r, "the hidden comment with a reply keeps its place");
                /* liwei reads in Chinese (the demo's saved language) */
                assert_non_null(
                    strstr(art, readers[i] == &liwei
                                    ? "<p class=\"gone-note\">已被版主隐藏。</p>"
                                    : "<p class=\"gone-note\">Hidden by a moderator.</p>"));
                assert_null(strstr(art, "Something a moderator will hide"));
                free(art);
                expect_in(&r, "A reply below it", "the reply stays");
                resp_free(&r);
        }
        /* moderators still read it, marked, with a way to restore it */
        get(&june, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\">", c1);
        char *art = slice(r.body, want, "</article>");
        assert_non_null(art);
        assert_non_null(strstr(art, "Something a moderator will hide"));
        assert_non_null(strstr(art, "<span class=\"badge\">Hidden by a moderator</span>"));
        assert_non_null(strstr(art, "form=\"kd-act\" formaction=\"/hide/comment/"));
        assert_non_null(strstr(art, "name=\"hidden\" value=\"0\""));
        assert_non_null(strstr(art, ">Restore</button>"));
        free(art);
        resp_free(&r);
        /* the API reads it as hidden, without its text */
        json_t *t = api_thread(&june, ep);
        json_t *c = find_comment(t, c1, NULL);
        assert_non_null(c);
        assert_string_equal(jstr(c, "state"), "hidden");
        assert_null(json_object_get(c, "body"));
        char *dump = json_dumps(t, 0);
        assert_null(strstr(dump, "moderator will hide"));
        free(dump);
        json_decref(t);
        /* the hidden comment is closed: no edits, replies or reactions */
        snprintf(path, sizeof(path), "/comments/%ld/edit", c1);
        assert_int_equal(status_of(&sam, path), 404);
        comment_try(&ana, EP_PATH, "Still there?", c1, NULL, NULL, NULL, &r);
        expect_status(&r, 422, "a reply to a hidden comment");
        resp_free(&r);
        react(&liwei, "comment", c1, "like:1", EP_PATH, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        snprintf(path, sizeof(path), EP_PATH "/comments/%ld", r1);
        assert_int_equal(status_of(NULL, path), 200);

        /* the newsletter's co-author hides a comment without replies: it is gone for readers */
        get(NULL, EP_PATH, &r);
        expect_in(&r, "<li data-exact=\"Slower meetings.\"", "its quote among the passages");
        resp_free(&r);
        hide(&tomas, c2, "1", 303);
        n--;
        get(NULL, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\"", c2);
        expect_not_in(&r, want, "a hidden comment without replies");
        expect_not_in(&r, "Something an author will hide", "its text");
        expect_not_in(&r, "<li data-exact=\"Slower meetings.\"", "nor its quoted passage");
        resp_free(&r);
        snprintf(path, sizeof(path), EP_PATH "/comments/%ld", c2);
        assert_int_equal(status_of(NULL, path), 404);
        assert_int_equal(status_of(&mira, path), 200); /* the owner moderates here */
        expect_count_everywhere(EP_PATH, ep, "mira", n);

        /* restoring brings text and count back; the owner and an admin may */
        hide(&mira, c2, "0", 303);
        hide(&admin, c1, "0", 303);
        n += 2;
        expect_count_everywhere(EP_PATH, ep, "mira", n);
        get(NULL, EP_PATH, &r);
        expect_in(&r, "Something a moderator will hide", "restored");
        expect_in(&r, "Something an author will hide", "restored");
        expect_not_in(&r, "Hidden by a moderator.", "no note left");
        resp_free(&r);
        /* the garden's owner hides there */
        hide(&tomas, g1, "1", 303);
        nr--;
        expect_count_everywhere(RADISH_PATH, radish, "tomas", nr);
        /* a deleted comment cannot be hidden or restored */
        snprintf(path, sizeof(path), "/comments/%ld/delete", r1);
        post_pairs(&ana, path, CONFIRMED, true, &r);
        expect_status(&r, 303, "deleting the reply");
        resp_free(&r);
        hide(&june, r1, "1", 404);
        hide(&june, 999999, "1", 404);
}

/* ================================================================ 5. reactions */

static void test_reactions_toggle_per_kind_with_exact_counts(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam, ana, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        long c = comment(&liwei, EP_PATH, "React to me", 0);
        char next[128];
        snprintf(next, sizeof(next), EP_PATH "#c-%ld", c);

        /* the button sends back to the comment */
        struct http_resp r;
        react(&sam, "comment", c, "like:1", next, &r);
        expect_status(&r, 303, "a reaction");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, next);
        resp_free(&r);
        react_ok(&sam, "comment", c, "like:1"); /* again: still one */
        react_ok(&sam, "comment", c, "insightful:1");
        react_ok(&ana, "comment", c, "like:1");
        react_ok(&ana, "comment", c, "curious:1");
        assert_int_equal(api_reaction_count(ep, c, "like"), 2);
        assert_int_equal(api_reaction_count(ep, c, "insightful"), 1);
        assert_int_equal(api_reaction_count(ep, c, "curious"), 1);
        assert_int_equal(api_reaction_count(ep, c, "love"), 0);

        /* the page shows the same counts, and which are the viewer's own */
        get(&sam, EP_PATH, &r);
        bool pressed = false;
        assert_int_equal(page_reaction(r.body, "comment", c, "like", &pressed), 2);
        assert_true(pressed);
        assert_int_equal(page_reaction(r.body, "comment", c, "insightful", &pressed), 1);
        assert_true(pressed);
        assert_int_equal(page_reaction(r.body, "comment", c, "curious", &pressed), 1);
        assert_false(pressed);
        assert_int_equal(page_reaction(r.body, "comment", c, "love", &pressed), 0);
        assert_false(pressed);
        char want[256];
        snprintf(want, sizeof(want), "value=\"comment:%ld:like:0\" aria-pressed=\"true\"", c);
        expect_in(&r, want, "a pressed button takes the reaction back");
        resp_free(&r);
        json_t *t = api_thread(&sam, ep);
        json_t *mine =
            json_object_get(json_object_get(find_comment(t, c, NULL), "reactions"), "mine");
        assert_int_equal(json_array_size(mine), 2);
        assert_string_equal(json_string_value(json_array_get(mine, 0)), "like");
        assert_string_equal(json_string_value(json_array_get(mine, 1)), "insightful");
        json_decref(t);

        /* taking one back leaves the others; taking it back twice changes nothing */
        react_ok(&sam, "comment", c, "like:0");
        react_ok(&sam, "comment", c, "like:0");
        assert_int_equal(api_reaction_count(ep, c, "like"), 1);
        assert_int_equal(api_reaction_count(ep, c, "insightful"), 1);
        /* guests see the same counts, without buttons */
        get(NULL, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\">", c);
        char *art = slice(r.body, want, "</article>");
        assert_non_null(art);
        assert_null(strstr(art, "<button"));
        assert_non_null(strstr(art, "<span class=\"reaction-label\">Like</span> 1</span>"));
        assert_non_null(strstr(art, "<span class=\"reaction-label\">Insightful</span> 1</span>"));
        assert_non_null(strstr(art, "<span class=\"reaction-label\">Curious</span> 1</span>"));
        assert_null(strstr(art, "<span class=\"reaction-label\">Love</span>"));
        free(art);
        resp_free(&r);

        /* who reacted, by kind */
        snprintf(want, sizeof(want), "/reactions?target=comment&id=%ld", c);
        get(NULL, want, &r);
        expect_status(&r, 200, "who reacted");
        char *like = slice(r.body, "Like</h2>", "</ul>");
        char *insight = slice(r.body, "Insightful</h2>", "</ul>");
        assert_non_null(like);
        assert_non_null(insight);
        assert_non_null(strstr(like, "<a href=\"/@ana\">Ana Beatriz Costa</a>"));
        assert_null(strstr(like, "Sam Reyes"));
        assert_non_null(strstr(insight, "<a href=\"/@sam\">Sam Reyes</a>"));
        free(like);
        free(insight);
        expect_not_in(&r, "Love</h2>", "no heading for a kind nobody gave");
        resp_free(&r);

        /* the episode's own reactions */
        get(&liwei, EP_PATH, &r);
        int before = page_reaction(r.body, "episode", ep, "celebrate", NULL);
        resp_free(&r);
        assert_true(before >= 0);
        react_ok(&sam, "episode", ep, "celebrate:1");
        react_ok(&ana, "episode", ep, "celebrate:1");
        get(&sam, EP_PATH, &r);
        assert_int_equal(page_reaction(r.body, "episode", ep, "celebrate", &pressed), before + 2);
        assert_true(pressed);
        resp_free(&r);
        react_ok(&sam, "episode", ep, "celebrate:0");
        get(&sam, EP_PATH, &r);
        assert_int_equal(page_reaction(r.body, "episode", ep, "celebrate", &pressed), before + 1);
        assert_false(pressed);
        resp_free(&r);
        snprintf(want, sizeof(want), "/reactions?target=episode&id=%ld", ep);
        get(NULL, want, &r);
        expect_status(&r, 200, "who reacted to the episode");
        expect_in(&r, "<a href=\"/@ana\">Ana Beatriz Costa</a>", "a reactor of the episode");
        resp_free(&r);

        /* what cannot be a reaction */
        const char *bad[][3] = {
            {"comment", "like:2", "400"}, {"comment", "like", "400"}, {"comment", "hug:1", "400"},
            {"story", "like:1", "400"},   {"", "like:1", "400"},      {"comment", ":1", "400"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                react(&ana, bad[i][0], c, bad[i][1], EP_PATH, &r);
                if (r.status != atoi(bad[i][2]))
                        fail_resp(&r, bad[i][1]);
                resp_free(&r);
        }
        react(&ana, "comment", 999999, "like:1", EP_PATH, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        react(&ana, "episode", 999999, "like:1", EP_PATH, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        assert_int_equal(status_of(NULL, "/reactions?target=comment&id=999999"), 404);
        assert_int_equal(status_of(NULL, "/reactions?target=story&id=1"), 404);
        /* nothing above changed a count */
        assert_int_equal(api_reaction_count(ep, c, "like"), 1);
        assert_int_equal(api_reaction_count(ep, c, "curious"), 1);
}

static void test_reactions_api(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long c = comment(&ana, EP_PATH, "React through the API", 0);
        char json[256];
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"love\"}", c);
        struct http_resp r;
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 200, "adding a reaction");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "target"), "comment");
        assert_int_equal(json_integer_value(json_object_get(j, "id")), c);
        assert_true(json_is_true(json_object_get(j, "changed")));
        assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "love")),
                         1);
        assert_int_equal(json_array_size(json_object_get(j, "mine")), 1);
        assert_string_equal(json_string_value(json_array_get(json_object_get(j, "mine"), 0)),
                            "love");
        json_decref(j);
        /* again: nothing changes */
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 200, "adding it again");
        j = json_of(&r);
        resp_free(&r);
        assert_true(json_is_false(json_object_get(j, "changed")));
        assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "love")),
                         1);
        json_decref(j);
        assert_int_equal(api_reaction_count(ep, c, "love"), 1);
        /* DELETE takes it back */
        api(&sam, "DELETE", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 200, "taking a reaction back");
        j = json_of(&r);
        resp_free(&r);
        assert_true(json_is_true(json_object_get(j, "changed")));
        assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "love")),
                         0);
        assert_int_equal(json_array_size(json_object_get(j, "mine")), 0);
        json_decref(j);
        assert_int_equal(api_reaction_count(ep, c, "love"), 0);
        /* the episode too */
        snprintf(json, sizeof(json), "{\"target\":\"episode\",\"id\":%ld,\"kind\":\"curious\"}",
                 ep);
        api(&ana, "POST", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 200, "reacting to the episode");
        j = json_of(&r);
        resp_free(&r);
        assert_true(json_integer_value(json_object_get(json_object_get(j, "counts"), "curious")) >=
                    1);
        json_decref(j);

        /* errors are JSON */
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"love\"}", c);
        api(&sam, "POST", "/api/v1/reactions", json, false, &r);
        expect_api_error(&r, 403, "security token", "no X-CSRF-Token");
        resp_free(&r);
        api(NULL, "POST", "/api/v1/reactions", json, false, &r);
        expect_api_error(&r, 401, NULL, "a guest");
        resp_free(&r);
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"hug\"}", c);
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_api_error(&r, 422, "kind:", "an unknown kind");
        resp_free(&r);
        snprintf(json, sizeof(json), "{\"target\":\"thing\",\"id\":%ld,\"kind\":\"like\"}", c);
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_api_error(&r, 422, "target:", "an unknown target");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/reactions",
            "{\"target\":\"comment\",\"id\":999999,\"kind\":\"like\"}", true, &r);
        expect_api_error(&r, 404, NULL, "a missing comment");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/reactions", "{\"target\":", true, &r);
        expect_api_error(&r, 400, NULL, "broken JSON");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/reactions", "[1,2]", true, &r);
        expect_api_error(&r, 400, NULL, "a JSON array");
        resp_free(&r);
        assert_int_equal(api_reaction_count(ep, c, "love"), 0);
        assert_int_equal(api_reaction_count(ep, c, "like"), 0);
}

/* ================================================================ 6. the comments API */

static void test_comments_api_threads_and_posts(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        int n = api_count(ep);
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        char path[96], json[1024];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        struct http_resp r;
        api(&sam, "POST", path,
            "{\"body\":\"From the API, with *Markdown* and 中文\",\"quote\":{\"exact\":\"Slower "
            "meetings.\",\"prefix\":\"\",\"suffix\":\"\"}}",
            true, &r);
        expect_status(&r, 201, "an API comment");
        char ctype[128];
        header(&r, "Content-Type", ctype, sizeof(ctype));
        assert_non_null(strstr(ctype, "application/json"));
        json_t *c = json_of(&r);
        resp_free(&r);
        long id = (long)json_integer_value(json_object_get(c, "id"));
        assert_true(id > 0);
        assert_string_equal(jstr(c, "body"), "From the API, with *Markdown* and 中文");
        assert_non_null(strstr(jstr(c, "body_html"), "<em>Markdown</em>"));
        assert_string_equal(jstr(c, "state"), "visible");
        assert_string_equal(jstr(json_object_get(c, "author"), "handle"), "sam");
        assert_string_equal(jstr(json_object_get(c, "quote"), "exact"), "Slower meetings.");
        assert_true(json_is_array(json_object_get(c, "replies")));
        json_decref(c);
        /* a reply by parent_id */
        snprintf(json, sizeof(json), "{\"body\":\"A reply through the API\",\"parent_id\":%ld}",
                 id);
        api(&ana, "POST", path, json, true, &r);
        expect_status(&r, 201, "an API reply");
        json_t *posted = json_of(&r);
        resp_free(&r);
        long reply = (long)json_integer_value(json_object_get(posted, "id"));
        assert_int_equal(json_integer_value(json_object_get(posted, "parent_id")), id);
        /* a branching thread: two replies to the reply, the first with one of its own */
        long under[3];
        for (int i = 0; i < 3; i++) {
                snprintf(json, sizeof(json), "{\"body\":\"Branch %d\",\"parent_id\":%ld}", i,
                         i == 1 ? under[0] : reply);
                api(&sam, "POST", path, json, true, &r);
                expect_status(&r, 201, "a reply in a branching thread");
                c = json_of(&r);
                resp_free(&r);
                under[i] = (long)json_integer_value(json_object_get(c, "id"));
                json_decref(c);
        }
        n += 5;

        /* the thread: top-level comments with their replies inside */
        json_t *t = api_thread(NULL, ep);
        assert_int_equal(json_integer_value(json_object_get(t, "count")), n);
        int depth = -1;
        assert_non_null(find_comment(t, id, &depth));
        assert_int_equal(depth, 0);
        json_t *listed = find_comment(t, reply, &depth);
        assert_non_null(listed);
        assert_int_equal(depth, 1);
        /* the answer to the POST is the comment as the list shows it, but for its replies */
        json_t *bare = json_deep_copy(listed);
        json_object_set_new(bare, "replies", json_array());
        assert_true(json_equal(bare, posted));
        json_decref(bare);
        json_decref(posted);
        /* replies nest under their parents, in the order written */
        json_t *branches = json_object_get(listed, "replies");
        assert_int_equal(json_array_size(branches), 2);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(branches, 0), "id")),
                         under[0]);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(branches, 1), "id")),
                         under[2]);
        json_t *deepest = json_object_get(json_array_get(branches, 0), "replies");
        assert_int_equal(json_array_size(deepest), 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(deepest, 0), "id")),
                         under[1]);
        assert_int_equal(json_array_size(json_object_get(json_array_get(deepest, 0), "replies")),
                         0);
        assert_int_equal(json_array_size(json_object_get(json_array_get(branches, 1), "replies")),
                         0);
        /* every visible comment in the tree is counted, and nothing else */
        size_t visible = 0;
        json_t *stack[256];
        int sp = 0;
        stack[sp++] = json_object_get(t, "comments");
        while (sp) {
                json_t *list = stack[--sp];
                size_t i;
                json_t *x;
                json_array_foreach(list, i, x)
                {
                        visible += strcmp(jstr(x, "state"), "visible") == 0;
                        if (sp < 256)
                                stack[sp++] = json_object_get(x, "replies");
                }
        }
        /* answers to the episode's questions are comments too: counted, listed under them */
        assert_int_equal(visible + api_answers_visible(NULL, ep), (size_t)n);
        json_decref(t);
        /* the page shows them */
        get(NULL, EP_PATH, &r);
        char want[128];
        snprintf(want, sizeof(want), "id=\"c-%ld\"", reply);
        expect_in(&r, want, "an API reply on the page");
        resp_free(&r);

        /* refusals, as JSON errors */
        api(&ana, "POST", path,
            "{\"body\":\"Hi\",\"quote\":{\"exact\":\"This sentence is not in the letter\"}}", true,
            &r);
        expect_api_error(&r, 422, "quote: That passage is not in this episode", "a bad quote");
        resp_free(&r);
        api(&ana, "POST", path, "{\"body\":\"\"}", true, &r);
        expect_api_error(&r, 422, "body: Write something first.", "an empty body");
        resp_free(&r);
        api(&ana, "POST", path, "{\"body\":\"Hi\",\"parent_id\":999999}", true, &r);
        expect_api_error(&r, 422, "parent:", "a missing parent");
        resp_free(&r);
        api(&sam, "POST", path, "{\"body\":\"Hi\"}", false, &r);
        expect_api_error(&r, 403, NULL, "no CSRF header");
        resp_free(&r);
        api(&sam, "POST", path, "{\"body\":[\"Hi\"]}", true, &r);
        expect_api_error(&r, 400, NULL, "an array body");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/episodes/999999/comments", "{\"body\":\"Hi\"}", true, &r);
        expect_api_error(&r, 404, NULL, "an unknown episode");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/episodes/999999/comments", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "an unknown episode");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/episodes/x1/comments", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "a malformed episode id");
        resp_free(&r);
        assert_int_equal(api_count(ep), n);
}

/* A reader cannot see, comment on, or react to anything of an unpublished episode. */
static void test_unpublished_conversation_stays_private(void **state)
{
        (void)state;
        struct member mira, tomas, sam;
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&sam, "sam", NULL);
        long draft = edit_id_of(&mira, DRAFT_PATH); /* the editor's id is the episode's */
        /* the authors talk about their draft */
        long note = comment(&mira, DRAFT_PATH, "Tomás, can you check the ending?", 0);
        comment(&tomas, DRAFT_PATH, "Looks good to me", note);
        char path[128];
        struct http_resp r;
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", draft);
        assert_int_equal(api_count_as(&tomas, draft), 2);
        api(&sam, "GET", path, NULL, false, &r);
        expect_api_error(&r, 404, NULL, "a draft's comments for a reader");
        resp_free(&r);
        api(NULL, "GET", path, NULL, false, &r);
        expect_api_error(&r, 404, NULL, "a draft's comments for a guest");
        resp_free(&r);
        api(&sam, "POST", path, "{\"body\":\"Sneaky\"}", true, &r);
        expect_api_error(&r, 404, NULL, "commenting on a draft through the API");
        resp_free(&r);
        comment_try(&sam, DRAFT_PATH, "Sneaky", 0, NULL, NULL, NULL, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        comment_try(&sam, DRAFT_PATH, "Sneaky reply", note, NULL, NULL, NULL, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        comment_try(&sam, SCHED_PATH, "Too early", 0, NULL, NULL, NULL, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        /* its comments are not there to react to, read about or edit */
        react(&sam, "comment", note, "like:1", EP_PATH, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        react(&sam, "episode", draft, "like:1", EP_PATH, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        char json[128];
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"like\"}", note);
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_api_error(&r, 404, NULL, "reacting to a draft's comment");
        resp_free(&r);
        snprintf(path, sizeof(path), "/reactions?target=comment&id=%ld", note);
        assert_int_equal(status_of(&sam, path), 404);
        snprintf(path, sizeof(path), "/reactions?target=episode&id=%ld", draft);
        assert_int_equal(status_of(NULL, path), 404);
        snprintf(path, sizeof(path), DRAFT_PATH "/comments/%ld", note);
        assert_int_equal(status_of(&sam, path), 404);
        assert_int_equal(status_of(&tomas, path), 200);
        snprintf(path, sizeof(path), "/comments/%ld/edit", note);
        assert_int_equal(status_of(&sam, path), 404);
        assert_int_equal(api_count_as(&tomas, draft), 2);
}

/* ================================================================ 7. notifications */

/* The notification items of a page (unread ones first in the count when unread_only). */
/* The notifications list links each notification through /notifications/ID, which marks it
 * read and redirects to its place (test_welcome.c follows one): the link of the newest of
 * handle's notifications where `about` (SQL on notification n) holds. */
static const char *note_href(const char *handle, const char *about)
{
        static char href[64];
        char q[512];
        snprintf(q, sizeof(q),
                 "SELECT max(n.id) FROM notification n JOIN member m ON m.id = n.member_id WHERE "
                 "m.handle = '%s' AND %s",
                 handle, about);
        long long id = db_int(q);
        assert_true(id > 0);
        snprintf(href, sizeof(href), "/notifications/%lld", id);
        return href;
}

static const char *note_about_comment(const char *handle, long comment)
{
        char about[64];
        snprintf(about, sizeof(about), "n.comment_id = %ld", comment);
        return note_href(handle, about);
}

static size_t items(const char *page, bool unread_only)
{
        return count(page, "<li class=\"unread\">") + (unread_only ? 0
                                                                   : count(page, "<li "
                                                                                 "class=\"rea"
                                                                                 "d\">"));
}

static void test_replies_and_mentions_notify_others_not_oneself(void **state)
{
        (void)state;
        struct member sam, ana, liwei, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&june, "june", NULL);
        mark_all_read(&sam);
        mark_all_read(&ana);
        mark_all_read(&liwei);
        mark_all_read(&june);

        /* the demo may already have told sam things: count from here */
        struct http_resp base;
        notifications(&sam, &base);
        int earlier = items(base.body, false);
        resp_free(&base);
        long c = comment(&sam, EP_PATH, "Which language do you think in?", 0);
        long reply = comment(&ana, EP_PATH,
                             "@sam Portuguese, mostly! @LiWei, what about you? (@ana: note to "
                             "self; write to ana@june.example; @nobody_here)",
                             c);
        /* sam: one reply (not also a mention); liwei: one mention; ana and june: nothing */
        assert_int_equal(unread_count(&sam), 1);
        assert_int_equal(unread_count(&liwei), 1);
        assert_int_equal(unread_count(&ana), 0);
        assert_int_equal(unread_count(&june), 0);
        struct http_resp r;
        char want[512];
        notifications(&sam, &r);
        snprintf(want, sizeof(want),
                 "<li class=\"unread\"><a href=\"%s\">Ana Beatriz Costa replied to "
                 "your comment on “" EP_TITLE "”</a>",
                 note_about_comment("sam", reply));
        expect_in(&r, want, "sam's reply notification");
        expect_not_in(&r, "mentioned you", "no mention on top of the reply");
        assert_int_equal(items(r.body, true), 1);
        expect_in(&r, "Mark all as read", "a way to clear them");
        char sam_note[32];
        assert_true(extract(strstr(r.body, "<li class=\"unread\">"), "name=\"id\" value=\"", "\"",
                            sam_note, sizeof(sam_note)));
        resp_free(&r);
        /* liwei reads in Chinese (the demo's saved language): the notification says it so */
        notifications(&liwei, &r);
        snprintf(want, sizeof(want),
                 "<li class=\"unread\"><a href=\"%s\">Ana Beatriz Costa 在“" EP_TITLE
                 "”中提到了你</a>",
                 note_about_comment("liwei", reply));
        expect_in(&r, want, "liwei's mention notification");
        assert_int_equal(items(r.body, true), 1);
        resp_free(&r);

        /* one's own replies, mentions and reactions tell nobody */
        comment(&sam, EP_PATH, "Replying to myself, @sam", c);
        react_ok(&sam, "comment", c, "like:1");
        react_ok(&sam, "comment", c, "love:1");
        comment(&ana, EP_PATH, "@ana @Ana again", 0);
        assert_int_equal(unread_count(&sam), 1);
        assert_int_equal(unread_count(&ana), 0);

        /* a member mentioned three times in one comment hears of it once */
        comment(&liwei, EP_PATH, "@sam @sam @SAM, look", 0);
        assert_int_equal(unread_count(&sam), 2);

        /* nobody else can mark sam's notifications; without a token, neither can sam */
        const char *kv[] = {"id", sam_note, NULL};
        post_pairs(&liwei, "/notifications/read", kv, true, &r);
        assert_int_equal(r.status, 303);
        resp_free(&r);
        assert_int_equal(unread_count(&sam), 2);
        post_pairs(&sam, "/notifications/read", kv, false, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        assert_int_equal(unread_count(&sam), 2);
        /* one by one */
        post_pairs(&sam, "/notifications/read", kv, true, &r);
        expect_status(&r, 303, "marking one read");
        char loc[64];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/notifications");
        resp_free(&r);
        assert_int_equal(unread_count(&sam), 1);
        notifications(&sam, &r);
        snprintf(want, sizeof(want), "<li class=\"read\"><a href=\"%s\">",
                 note_about_comment("sam", reply));
        expect_in(&r, want, "a read notification stays listed");
        assert_int_equal(items(r.body, true), 1);
        resp_free(&r);
        /* then all at once: the header's count disappears */
        mark_all_read(&sam);
        get(&sam, "/", &r);
        expect_in(&r, "<a href=\"/notifications\" class=\"notifications-link\">Notifications</a>",
                  "the link without a count");
        expect_not_in(&r, "unread-count", "no unread count");
        resp_free(&r);
        notifications(&sam, &r);
        expect_not_in(&r, "Mark all as read", "nothing left to mark");
        assert_int_equal(items(r.body, true), 0);
        assert_int_equal(items(r.body, false), earlier + 2);
        resp_free(&r);
        assert_int_equal(unread_count(&liwei), 1);
}

static void test_reactions_notify_once_grouped(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam, ana, liwei, june, tomas, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&june, "june", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&mira, "mira", NULL);
        mark_all_read(&sam);
        mark_all_read(&mira);
        struct http_resp base;
        notifications(&sam, &base);
        int earlier = items(base.body, false); /* the demo's, already read */
        resp_free(&base);
        long c = comment(&sam, EP_PATH, "React to this, please", 0);
        react_ok(&ana, "comment", c, "like:1");
        assert_int_equal(unread_count(&sam), 1);
        react_ok(&liwei, "comment", c, "insightful:1");
        react_ok(&june, "comment", c, "love:1");
        /* three members: one notification, naming the latest and counting the others */
        assert_int_equal(unread_count(&sam), 1);
        struct http_resp r;
        char want[512];
        notifications(&sam, &r);
        snprintf(want, sizeof(want),
                 "<li class=\"unread\"><a href=\"%s\">June Park and 2 others "
                 "reacted to your comment on “" EP_TITLE "”</a>",
                 note_about_comment("sam", c));
        expect_in(&r, want, "a grouped reaction notification");
        assert_int_equal(items(r.body, false), 1 + earlier);
        resp_free(&r);
        /* taking a reaction back tells nobody */
        react_ok(&ana, "comment", c, "like:0");
        assert_int_equal(unread_count(&sam), 1);
        /* reactions to an episode notify nobody */
        react_ok(&sam, "episode", ep, "love:1");
        assert_int_equal(unread_count(&mira), 0);

        /* once read, the next reaction starts a new notification */
        mark_all_read(&sam);
        react_ok(&tomas, "comment", c, "celebrate:1");
        assert_int_equal(unread_count(&sam), 1);
        notifications(&sam, &r);
        snprintf(want, sizeof(want),
                 "<li class=\"unread\"><a href=\"%s\">Tomás Lindqvist reacted to "
                 "your comment on “" EP_TITLE "”</a>",
                 note_about_comment("sam", c));
        expect_in(&r, want, "a single reaction");
        assert_int_equal(items(r.body, true), 1);
        assert_int_equal(items(r.body, false), 2 + earlier);
        resp_free(&r);
}

/* "… and N others" counts other members. A member who gives two kinds, or takes a reaction
 * back and gives it again, is one person. */
static void test_grouped_reactions_count_people_not_clicks(void **state)
{
        (void)state;
        struct member sam, ana, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        mark_all_read(&sam);
        long c = comment(&sam, EP_PATH, "Two people will react to this", 0);
        react_ok(&ana, "comment", c, "like:1");
        react_ok(&ana, "comment", c, "love:1");
        react_ok(&ana, "comment", c, "like:0");
        react_ok(&ana, "comment", c, "like:1");
        react_ok(&liwei, "comment", c, "insightful:1");
        struct http_resp r;
        notifications(&sam, &r);
        char want[512];
        snprintf(want, sizeof(want),
                 "<a href=\"%s\">李伟 and 1 other reacted to your comment on “" EP_TITLE "”</a>",
                 note_about_comment("sam", c));
        if (!strstr(r.body, want)) {
                char got[512] = "";
                extract(r.body, "<li class=\"unread\"><a href=\"", "<", got, sizeof(got));
                resp_free(&r);
                fail_msg("two members reacted, but the notification says:\n  %s\nwanted:\n  %s",
                         got, want);
        }
        resp_free(&r);
}

static void follow(const struct member *m, const char *newsletter, const char *value)
{
        char path[128];
        snprintf(path, sizeof(path), "/n/%s/follow", newsletter);
        const char *kv[] = {"follow", value, NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        expect_status(&r, 303, "following");
        resp_free(&r);
}

/* How many notifications of m link to path, and how many of those are unread. */
static int notes_for(const struct member *m, const char *text, int *unread)
{
        struct http_resp r;
        notifications(m, &r);
        char needle[512];
        snprintf(needle, sizeof(needle), "\">%s</a>", text);
        int n = (int)count(r.body, needle);
        if (unread) {
                snprintf(needle, sizeof(needle), "<li class=\"unread\"><a href=\"");
                *unread = 0;
                for (const char *p = strstr(r.body, needle); p; p = strstr(p + 1, needle)) {
                        const char *end = strstr(p, "</a>");
                        char item[1024];
                        snprintf(item, sizeof(item), "%.*s</a>", (int)(end ? end - p : 0), p);
                        char t[512];
                        snprintf(t, sizeof(t), "\">%s</a>", text);
                        *unread += strstr(item, t) != NULL;
                }
        }
        resp_free(&r);
        return n;
}

static void test_new_episode_notifies_followers_once(void **state)
{
        (void)state;
        struct member sam, ana, mira, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        follow(&sam, NL, "1");
        follow(&mira, NL, "1"); /* the author follows her own newsletter */
        follow(&ana, NL, "0");  /* ana does not */
        follow(&tomas, GARDEN, "1");
        mark_all_read(&sam);
        mark_all_read(&ana);
        mark_all_read(&mira);
        mark_all_read(&tomas);

        /* a draft tells nobody */
        char loc[256];
        write_episode(&mira, "/write/n/" NL "/episode", "Saved for Later", "Not yet.", NULL,
                      "draft", loc, sizeof(loc));
        assert_string_equal(loc, "/n/" NL "/saved-for-later");
        assert_int_equal(unread_count(&sam), 0);

        /* publishing tells followers, not the author, not those who do not follow */
        write_episode(&mira, "/write/n/" NL "/episode", "Notes From the Test Bench",
                      "Every claim should be able to fail.", NULL, NULL, loc, sizeof(loc));
        assert_string_equal(loc, "/n/" NL "/notes-from-the-test-bench");
        assert_int_equal(unread_count(&sam), 1);
        int unread = 0;
        assert_int_equal(notes_for(&sam, "New episode: “Notes From the Test Bench”", &unread), 1);
        assert_int_equal(unread, 1);
        struct http_resp r;
        notifications(&sam, &r);
        char want_ep[256];
        snprintf(want_ep, sizeof(want_ep),
                 "<li class=\"unread\"><a href=\"%s\">New episode: “Notes From the Test Bench”</a>",
                 note_href("sam", "n.kind = 'episode'"));
        expect_in(&r, want_ep, "the new-episode notification links to it");
        resp_free(&r);
        assert_int_equal(unread_count(&mira), 0);
        assert_int_equal(unread_count(&ana), 0);
        /* tomas co-writes Learning in Public but follows only his garden */
        assert_int_equal(unread_count(&tomas), 0);

        /* saving it again tells nobody twice */
        long id = edit_id_of(&mira, loc);
        char path[64];
        snprintf(path, sizeof(path), "/write/episode/%ld", id);
        write_episode(&mira, path, "Notes From the Test Bench", "Every claim should fail first.",
                      NULL, NULL, NULL, 0);
        assert_int_equal(notes_for(&sam, "New episode: “Notes From the Test Bench”", NULL), 1);
        assert_int_equal(unread_count(&sam), 1);

        /* the draft, published later, is news then */
        id = edit_id_of(&mira, "/n/" NL "/saved-for-later");
        snprintf(path, sizeof(path), "/write/episode/%ld", id);
        write_episode(&mira, path, "Saved for Later", "Now it is ready.", NULL, NULL, NULL, 0);
        assert_int_equal(notes_for(&sam, "New episode: “Saved for Later”", &unread), 1);
        assert_int_equal(unread, 1);
        assert_int_equal(unread_count(&sam), 2);
        mark_all_read(&sam);
        assert_int_equal(unread_count(&sam), 0);
}

/* A scheduled episode tells followers when its time comes, without anyone saving it again. */
static void test_scheduled_episode_notifies_at_its_time(void **state)
{
        (void)state;
        struct member sam, mira;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        follow(&sam, NL, "1");
        mark_all_read(&sam);
        time_t when = time(NULL) + 2;
        struct tm tm;
        gmtime_r(&when, &tm);
        char at[32];
        strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
        char loc[256];
        write_episode(&mira, "/write/n/" NL "/episode", "Right on Time", "Scheduled words.", at,
                      NULL, loc, sizeof(loc));
        assert_int_equal(notes_for(&sam, "New episode: “Right on Time”", NULL), 0);
        /* the server looks for due episodes every few seconds */
        int found = 0;
        for (int i = 0; i < 40 && !found; i++) {
                struct timespec ts = {0, 250 * 1000 * 1000};
                nanosleep(&ts, NULL);
                if (time(NULL) < when)
                        continue;
                found = notes_for(&sam, "New episode: “Right on Time”", NULL);
        }
        assert_int_equal(found, 1);
        assert_int_equal(unread_count(&sam), 1);
}

/* A mention in a comment on a draft must not show a reader the unpublished episode's title. */
static void test_mention_on_draft_tells_no_reader(void **state)
{
        (void)state;
        struct member sam, mira, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        mark_all_read(&sam);
        mark_all_read(&tomas);
        comment(&mira, DRAFT_PATH, "@tomas and @sam: this one is about you", 0);
        /* the co-author may hear of it */
        assert_int_equal(unread_count(&tomas), 1);
        struct http_resp r;
        notifications(&sam, &r);
        bool leaked = strstr(r.body, "a-letter-to-next-years-team") ||
                      strstr(r.body, "A Letter to Next Year");
        int unread = unread_count(&sam);
        resp_free(&r);
        if (leaked || unread)
                fail_msg("a reader was notified (%d unread) of a mention on a draft, whose title "
                         "and address the notification shows",
                         unread);
}

/* ================================================================ 8. limits */

static void expect_retry_after(struct http_resp *r)
{
        char v[32];
        header(r, "Retry-After", v, sizeof(v));
        int secs = atoi(v);
        if (secs < 1 || secs > 60)
                fail_msg("Retry-After: %s", v);
}

static void test_rate_limits_answer_429(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        int n = api_count(ep);
        struct member sam, ana, liwei, june, admin;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&june, "june", NULL);
        login_as(&admin, "admin", NULL);
        int writes = 0; /* counted against this address */

        /* six comments a minute per member, through the pages and the API together */
        for (int i = 0; i < 6; i++) {
                char body[64];
                snprintf(body, sizeof(body), "Comment number %d", i + 1);
                comment(&sam, EP_PATH, body, 0);
                writes++;
        }
        struct http_resp r;
        comment_try(&sam, EP_PATH, "One too many", 0, NULL, NULL, NULL, &r);
        expect_status(&r, 429, "the seventh comment in a minute");
        expect_retry_after(&r);
        expect_in(&r, "You are writing faster than this site allows.", "the 429 page");
        resp_free(&r);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        api(&sam, "POST", path, "{\"body\":\"Through the API then\"}", true, &r);
        expect_api_error(&r, 429, "faster than this site allows", "the API after the limit");
        expect_retry_after(&r);
        resp_free(&r);
        assert_int_equal(api_count(ep), n + 6);
        /* it is per member */
        comment(&ana, EP_PATH, "I can still write", 0);
        writes++;
        /* editing is not a new comment; sam may still react */
        react_ok(&sam, "episode", ep, "like:1");
        writes++;

        /* sixty reactions a minute per member */
        int i = 0;
        for (; i < 60; i++) {
                react(&liwei, "episode", ep, i % 2 ? "love:0" : "love:1", EP_PATH, &r);
                if (r.status != 303)
                        fail_resp(&r, "a reaction within the limit");
                resp_free(&r);
                writes++;
        }
        react(&liwei, "episode", ep, "love:1", EP_PATH, &r);
        expect_status(&r, 429, "the 61st reaction in a minute");
        expect_retry_after(&r);
        resp_free(&r);

        /* and 120 writes a minute from one address, whoever writes */
        while (writes < 120) {
                react(&june, "episode", ep, writes % 2 ? "curious:0" : "curious:1", EP_PATH, &r);
                if (r.status != 303)
                        fail_resp(&r, "a write within the address's limit");
                resp_free(&r);
                writes++;
        }
        react(&june, "episode", ep, "agree:1", EP_PATH, &r);
        expect_status(&r, 429, "the 121st write from one address");
        expect_retry_after(&r);
        resp_free(&r);
        react(&admin, "episode", ep, "agree:1", EP_PATH, &r);
        expect_status(&r, 429, "another member at the same address");
        resp_free(&r);
        /* reading goes on */
        assert_int_equal(status_of(&admin, EP_PATH), 200);
        assert_int_equal(api_count(ep), n + 7);
}

static void test_csrf_required_on_every_write(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam, ana, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long c = comment(&sam, EP_PATH, "Guarded words", 0);
        int n = api_count(ep);
        char p_edit[64], p_del[64], p_hide[64], ids[32];
        snprintf(p_edit, sizeof(p_edit), "/comments/%ld/edit", c);
        snprintf(p_del, sizeof(p_del), "/comments/%ld/delete", c);
        snprintf(p_hide, sizeof(p_hide), "/comments/%ld/hide", c);
        snprintf(ids, sizeof(ids), "%ld", c);
        /* each write, without a token and with another member's token */
        struct {
                const struct member *who;
                const char *path;
                const char *kv[9];
        } writes[] = {
            {&sam, EP_PATH "/comments", {"body", "Forged", NULL}},
            {&sam, EP_PATH "/comments", {"body", "Forged reply", "parent", ids, NULL}},
            {&sam, p_edit, {"body", "Forged edit", NULL}},
            {&sam, p_del, {NULL}},
            {&june, p_hide, {"hidden", "1", NULL}},
            {&sam, "/react", {"target", "comment", "id", ids, "react", "like:1", NULL}},
            {&sam, "/notifications/read", {NULL}},
        };
        for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
                struct http_resp r;
                post_pairs(writes[i].who, writes[i].path, writes[i].kv, false, &r);
                if (r.status != 403)
                        fail_resp(&r, writes[i].path);
                expect_in(&r, "security token", "the 403 page explains");
                resp_free(&r);
                const char *forged[12] = {"_csrf", ana.csrf};
                for (int k = 0; writes[i].kv[k]; k++)
                        forged[2 + k] = writes[i].kv[k];
                post_pairs(writes[i].who, writes[i].path, forged, false, &r);
                if (r.status != 403)
                        fail_resp(&r, writes[i].path);
                resp_free(&r);
        }
        /* the API wants the X-CSRF-Token header of the same session */
        struct http_resp r;
        char path[96], json[128];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        api(&sam, "POST", path, "{\"body\":\"Forged\"}", false, &r);
        expect_api_error(&r, 403, NULL, "an API comment without the header");
        resp_free(&r);
        struct member forger = sam;
        memcpy(forger.csrf, ana.csrf, sizeof(forger.csrf));
        api(&forger, "POST", path, "{\"body\":\"Forged\"}", true, &r);
        expect_api_error(&r, 403, NULL, "an API comment with another session's token");
        resp_free(&r);
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"like\"}", c);
        api(&forger, "POST", "/api/v1/reactions", json, true, &r);
        expect_api_error(&r, 403, NULL, "an API reaction with another session's token");
        resp_free(&r);
        api(&sam, "DELETE", "/api/v1/reactions", json, false, &r);
        expect_api_error(&r, 403, NULL, "an API reaction removal without the header");
        resp_free(&r);
        /* nothing changed */
        assert_int_equal(api_count(ep), n);
        json_t *t = api_thread(NULL, ep);
        json_t *cj = find_comment(t, c, NULL);
        assert_non_null(cj);
        assert_string_equal(jstr(cj, "body"), "Guarded words");
        assert_string_equal(jstr(cj, "state"), "visible");
        json_decref(t);
        assert_int_equal(api_reaction_count(ep, c, "like"), 0);
}

/* Reactions' "next" (where the button returns) must not send anyone to another site. */
static void test_reaction_next_stays_on_this_site(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam;
        login_as(&sam, "sam", NULL);
        const char *nexts[] = {
            "https://evil.example/", "//evil.example/",   "/\\evil.example",
            "/\t/evil.example",      "/\t\\evil.example", "/\n/evil.example",
            "/\r\nSet-Cookie: a=b",  "/ /evil.example",   "javascript:alert(1)",
        };
        char problems[2048] = "";
        for (size_t i = 0; i < sizeof(nexts) / sizeof(nexts[0]); i++) {
                struct http_resp r;
                react(&sam, "episode", ep, "like:1", nexts[i], &r);
                char loc[512] = "";
                bool has = resp_header_get(&r, "Location", loc, sizeof(loc));
                int status = r.status;
                resp_free(&r);
                /* what a browser does with it: tabs and newlines are dropped, "\" is "/" */
                char seen[512];
                size_t o = 0;
                for (const char *p = loc; *p && o + 1 < sizeof(seen); p++)
                        if (*p != '\t' && *p != '\n' && *p != '\r')
                                seen[o++] = *p == '\\' ? '/' : *p;
                seen[o] = '\0';
                bool ok = status == 303 && has && seen[0] == '/' && seen[1] != '/';
                for (const char *p = loc; *p; p++)
                        ok = ok && (unsigned char)*p >= 0x20;
                if (!ok) {
                        char esc[64] = "";
                        for (const char *p = nexts[i]; *p && strlen(esc) < 50; p++)
                                snprintf(esc + strlen(esc), sizeof(esc) - strlen(esc),
                                         (unsigned char)*p < 0x20 ? "\\x%02X" : "%c",
                                         (unsigned char)*p);
                        snprintf(problems + strlen(problems), sizeof(problems) - strlen(problems),
                                 "\n  next=\"%s\" -> %d, Location %s\"%s\"", esc, status,
                                 has ? "" : "(none) ", has ? seen : "");
                }
        }
        if (*problems)
                fail_msg("redirects that leave the site or are broken (Location shown as a "
                         "browser reads it):%s",
                         problems);
}

/* ================================================================ 9. concurrency */

#define PARALLEL 20

/* Twenty members who are not sam: the demo's six others and fourteen new readers. */
static void crowd(struct member *m)
{
        static const char *const demo_cast[] = {"admin", "mira", "tomas", "june", "liwei", "ana"};
        int n = 0;
        for (; n < 6; n++)
                login_as(&m[n], demo_cast[n], NULL);
        for (int i = 0; n < PARALLEL; i++, n++) {
                char handle[32], email[64];
                snprintf(handle, sizeof(handle), "crowd%02d", i);
                snprintf(email, sizeof(email), "crowd%02d@example.org", i);
                const char *add[] = {"member", "add",    handle,   "--email",
                                     email,    "--role", "reader", NULL};
                assert_int_equal(kd_cli(&srv, "a long crowd password\n", add), 0);
                login_as(&m[n], handle, "a long crowd password");
        }
}

/* A urlencoded POST as m into buf (raw_request of session.c, for send_at_once). */
static size_t build_post(const struct member *m, const char *path, const char *const *kv, char *buf,
                         size_t size)
{
        char body[2048] = "";
        for (; kv[0]; kv += 2)
                form_append(body, sizeof(body), kv[0], kv[1]);
        return raw_request(m, "POST", path, "application/x-www-form-urlencoded", body, buf, size);
}

/* send_at_once over rows of reqs. */
static void send_together(char reqs[][4096], const size_t *lens, int n, int *statuses)
{
        char *each[PARALLEL * 3];
        assert_true(n <= PARALLEL * 3);
        for (int i = 0; i < n; i++)
                each[i] = reqs[i];
        send_at_once(each, lens, n, statuses);
}

static void expect_all(const int *statuses, int n, int want, const char *what)
{
        for (int i = 0; i < n; i++)
                if (statuses[i] != want)
                        fail_msg("%s: request %d of %d answered %d, not %d", what, i, n,
                                 statuses[i], want);
}

static void test_parallel_reactions_and_comments_count_exactly(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam, m[PARALLEL];
        login_as(&sam, "sam", NULL);
        crowd(m);
        mark_all_read(&sam);
        long c = comment(&sam, EP_PATH, "Twenty people at once", 0);
        static char reqs[PARALLEL][4096];
        size_t lens[PARALLEL];
        int statuses[PARALLEL];
        char ids[32];
        snprintf(ids, sizeof(ids), "%ld", c);

        /* twenty members give the same kind at the same moment */
        for (int i = 0; i < PARALLEL; i++) {
                const char *kv[] = {"target", "comment", "id",    ids, "react",
                                    "like:1", "next",    EP_PATH, NULL};
                lens[i] = build_post(&m[i], "/react", kv, reqs[i], sizeof(reqs[i]));
        }
        send_together(reqs, lens, PARALLEL, statuses);
        expect_all(statuses, PARALLEL, 303, "twenty members reacting");
        assert_int_equal(api_reaction_count(ep, c, "like"), PARALLEL);
        struct http_resp r;
        get(&sam, EP_PATH, &r);
        assert_int_equal(page_reaction(r.body, "comment", c, "like", NULL), PARALLEL);
        resp_free(&r);
        char path[96];
        snprintf(path, sizeof(path), "/reactions?target=comment&id=%ld", c);
        get(NULL, path, &r);
        assert_int_equal(count(r.body, "<li><a href=\"/@"), PARALLEL);
        resp_free(&r);

        /* one member, twenty times at once: one reaction */
        for (int i = 0; i < PARALLEL; i++) {
                const char *kv[] = {"target", "comment", "id", ids, "react", "love:1", NULL};
                lens[i] = build_post(&m[0], "/react", kv, reqs[i], sizeof(reqs[i]));
        }
        send_together(reqs, lens, PARALLEL, statuses);
        expect_all(statuses, PARALLEL, 303, "one member reacting twenty times");
        assert_int_equal(api_reaction_count(ep, c, "love"), 1);
        assert_int_equal(api_reaction_count(ep, c, "like"), PARALLEL);

        /* the same through the API, on the episode */
        get(&sam, EP_PATH, &r);
        int before = page_reaction(r.body, "episode", ep, "curious", NULL);
        resp_free(&r);
        for (int i = 0; i < PARALLEL; i++) {
                char json[128];
                snprintf(json, sizeof(json),
                         "{\"target\":\"episode\",\"id\":%ld,\"kind\":"
                         "\"curious\"}",
                         ep);
                lens[i] = raw_request(&m[1], "POST", "/api/v1/reactions", "application/json", json,
                                      reqs[i], sizeof(reqs[i]));
        }
        send_together(reqs, lens, PARALLEL, statuses);
        expect_all(statuses, PARALLEL, 200, "one member reacting twenty times through the API");
        get(&sam, EP_PATH, &r);
        assert_int_equal(page_reaction(r.body, "episode", ep, "curious", NULL), before + 1);
        resp_free(&r);

        /* twenty comments at once: the count is exact everywhere */
        int n = api_count(ep);
        for (int i = 0; i < PARALLEL; i++) {
                char body[64];
                snprintf(body, sizeof(body), "Parallel comment %d", i);
                const char *kv[] = {"body", body, "parent", ids, NULL};
                lens[i] = build_post(&m[i], EP_PATH "/comments", kv, reqs[i], sizeof(reqs[i]));
        }
        send_together(reqs, lens, PARALLEL, statuses);
        expect_all(statuses, PARALLEL, 303, "twenty comments at once");
        expect_count_everywhere(EP_PATH, ep, "mira", n + PARALLEL);
        json_t *t = api_thread(NULL, ep);
        assert_int_equal(json_array_size(json_object_get(find_comment(t, c, NULL), "replies")),
                         PARALLEL);
        json_decref(t);
}

/* Reactions arriving together still make one grouped notification. The race shows best while
 * the server's threads are fresh and busy, so each round restarts the server (same data) before
 * twenty members give two kinds each, all at once, to a new comment of sam's. */
static void test_parallel_reactions_notify_once(void **state)
{
        (void)state;
        struct member sam, m[PARALLEL];
        login_as(&sam, "sam", NULL);
        crowd(m);
        static char reqs[PARALLEL * 3][4096];
        size_t lens[PARALLEL * 3];
        int statuses[PARALLEL * 3];
        char report[1024] = "";
        int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 20, bad = 0;
        /* forty writes a member per minute: past the limits, which on PostgreSQL outlive a
         * restart (shared by every node); this test is about notifications */
        const char *env[] = {"KINDRED_THREADS=8", "KINDRED_WRITE_LIMITS=false", NULL};
        for (int round = 0; round < rounds; round++) {
                if (round)
                        assert_int_equal(kd_restart(&srv, env), 0);
                mark_all_read(&sam);
                char body[64], ids[32];
                snprintf(body, sizeof(body), "Notify me once (%d)", round + 1);
                long c = comment(&sam, EP_PATH, body, 0);
                snprintf(ids, sizeof(ids), "%ld", c);
                for (int i = 0; i < PARALLEL * 2; i++) {
                        const char *kv[] = {"target", "comment", "id",
                                            ids,      "react",   i % 2 ? "love:1" : "agree:1",
                                            NULL};
                        lens[i] = build_post(&m[i / 2], "/react", kv, reqs[i], sizeof(reqs[i]));
                }
                /* and, to keep the database busy meanwhile, each comments on another episode */
                for (int i = 0; i < PARALLEL; i++) {
                        const char *kv[] = {"body", "Busy elsewhere", NULL};
                        lens[PARALLEL * 2 + i] =
                            build_post(&m[i], RADISH_PATH "/comments", kv, reqs[PARALLEL * 2 + i],
                                       sizeof(reqs[0]));
                }
                send_together(reqs, lens, PARALLEL * 3, statuses);
                expect_all(statuses, PARALLEL * 3, 303, "twenty members reacting and commenting");
                struct http_resp r;
                notifications(&sam, &r);
                size_t n = items(r.body, true);
                if (n != 1) {
                        char texts[600] = "";
                        const char *li = r.body;
                        while ((li = strstr(li, "<li class=\"unread\"><a href=\""))) {
                                li = strchr(li + 30, '>');
                                size_t l = strcspn(li + 1, "<");
                                snprintf(texts + strlen(texts), sizeof(texts) - strlen(texts),
                                         "\n    \"%.*s\"", (int)(l > 120 ? 120 : l), li + 1);
                        }
                        if (bad++ < 3)
                                snprintf(report + strlen(report), sizeof(report) - strlen(report),
                                         "\n  round %d: %zu unread notifications for one "
                                         "comment:%s",
                                         round + 1, n, texts);
                }
                resp_free(&r);
        }
        if (bad)
                fail_msg("reactions at once should make one notification; %d of %d rounds made "
                         "more:%s",
                         bad, rounds, report);
}

/* What guests see is cached; a write makes every cached page stale. A guest page that was
 * being built while a comment was saved must not be kept as if it were current: after the
 * write, every guest must see the comment. Guests keep reading a long thread while a member
 * comments, twice in a row, a few times over; then a guest must see the second comment. */
static void test_guest_pages_never_stay_stale_after_a_comment(void **state)
{
        (void)state;
        long ep = episode_id(EP_PATH);
        struct member sam;
        login_as(&sam, "sam", NULL);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", ep);
        /* a long thread, so a page takes a while to build (limits are off for this server) */
        char *json = malloc(8192);
        for (int i = 0; i < 60; i++) {
                int n = snprintf(json, 8192, "{\"body\":\"%d ", i);
                for (int k = 0; k < 500; k++)
                        n += snprintf(json + n, 8192 - (size_t)n, "words ");
                snprintf(json + n, 8192 - (size_t)n, "\"}");
                struct http_resp r;
                api(&sam, "POST", path, json, true, &r);
                expect_status(&r, 201, "seeding the thread");
                resp_free(&r);
        }
        free(json);
        /* guests reading all the time */
        int stop_pipe[2];
        assert_int_equal(pipe(stop_pipe), 0);
        pid_t readers[6];
        fflush(stdout);
        fflush(stderr);
        for (int i = 0; i < 6; i++) {
                readers[i] = fork();
                assert_true(readers[i] >= 0);
                if (readers[i] == 0) {
                        close(stop_pipe[1]);
                        struct pollfd pf = {stop_pipe[0], POLLIN, 0};
                        while (poll(&pf, 1, 0) == 0) {
                                struct http_resp r;
                                if (http_do(srv.port, "GET", EP_PATH, "Accept-Encoding: gzip\r\n",
                                            NULL, NULL, 0, &r) == 0)
                                        resp_free(&r);
                        }
                        _exit(0);
                }
        }
        close(stop_pipe[0]);
        int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 40, stale = 0;
        char report[512] = "";
        for (int round = 0; round < rounds; round++) {
                long last = 0;
                for (int k = 0; k < 2; k++) {
                        char body[64];
                        snprintf(body, sizeof(body), "{\"body\":\"Fresh %d.%d\"}", round, k);
                        struct http_resp r;
                        api(&sam, "POST", path, body, true, &r);
                        expect_status(&r, 201, "a comment while guests read");
                        json_t *c = json_of(&r);
                        last = (long)json_integer_value(json_object_get(c, "id"));
                        json_decref(c);
                        resp_free(&r);
                }
                struct timespec ts = {0, 30 * 1000 * 1000};
                nanosleep(&ts, NULL); /* pages that were being built are done by now */
                struct http_resp r;
                get(NULL, EP_PATH, &r);
                char want[64];
                snprintf(want, sizeof(want), "id=\"c-%ld\"", last);
                bool missing = !strstr(r.body, want);
                resp_free(&r);
                if (missing && stale++ < 3) {
                        /* still missing a moment later, while members see it: a kept page */
                        nanosleep(&ts, NULL);
                        get(NULL, EP_PATH, &r);
                        bool still = !strstr(r.body, want);
                        resp_free(&r);
                        get(&sam, EP_PATH, &r);
                        bool member_sees = strstr(r.body, want) != NULL;
                        resp_free(&r);
                        snprintf(report + strlen(report), sizeof(report) - strlen(report),
                                 "\n  round %d: comment %ld missing from the guest page%s%s",
                                 round + 1, last, still ? " (still, 30 ms later)" : "",
                                 member_sees ? "; a member sees it" : "");
                }
        }
        close(stop_pipe[1]);
        for (int i = 0; i < 6; i++)
                waitpid(readers[i], NULL, 0);
        if (stale)
                fail_msg("guests were served a page from before a comment, %d of %d rounds:%s",
                         stale, rounds, report);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_guest_reads_and_is_asked_to_log_in),
            T(test_guest_comment_post_goes_to_login),
            cmocka_unit_test_setup_teardown(test_guests_cannot_read_when_configured,
                                            start_guests_cannot_read, kd_fixture_stop),
            T(test_comment_posts_and_counts_everywhere),
            T(test_invalid_comment_is_422_and_keeps_text),
            T(test_quotes_match_whitespace_and_unicode),
            T(test_quote_context_picks_the_occurrence),
            T(test_markup_in_comments_and_quotes_is_inert),
            T(test_deep_threads_continue_on_their_own_page),
            T(test_edit_and_delete_own_comments_only),
            T(test_moderators_and_authors_hide_and_restore),
            T(test_reactions_toggle_per_kind_with_exact_counts),
            T(test_reactions_api),
            T(test_comments_api_threads_and_posts),
            T(test_unpublished_conversation_stays_private),
            T(test_replies_and_mentions_notify_others_not_oneself),
            T(test_reactions_notify_once_grouped),
            T(test_grouped_reactions_count_people_not_clicks),
            T(test_new_episode_notifies_followers_once),
            T(test_scheduled_episode_notifies_at_its_time),
            T(test_mention_on_draft_tells_no_reader),
            T(test_rate_limits_answer_429),
            T(test_csrf_required_on_every_write),
            T(test_reaction_next_stays_on_this_site),
            cmocka_unit_test_setup_teardown(test_parallel_reactions_and_comments_count_exactly,
                                            start_many_threads, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_parallel_reactions_notify_once,
                                            start_without_write_limits, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_long_conversation_is_paged,
                                            start_without_write_limits, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_guest_pages_never_stay_stale_after_a_comment,
                                            start_without_write_limits, kd_fixture_stop),
        };
#undef T
        /* KD_TEST_FILTER=test_reactions* runs only the matching tests */
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("conversation", tests, NULL, NULL);
}
