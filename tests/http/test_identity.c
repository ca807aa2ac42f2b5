/* Black-box tests of member identity: the profile's sections and counts, each kind's list,
 * badges (earned when their rule is met and not before, shown on the profile and next to names
 * on comments), awards and removals by hand and who may make them, hidden and draft items never
 * shown to others, the members API, rate limits and hostile input -- against the real kindred
 * binary with the demo content.
 *
 * Comments, build-ons, asks and the other participation items are written through their real
 * routes. Rows go straight into the server's SQLite file only where no route can write them:
 * items under a draft episode (every form refuses one) and comments dated weeks back. The demo
 * members already hold badges and counts, so a test either reads a baseline first or signs up
 * a member of its own through /signup. Every test gets a server of its own with a fresh data
 * folder. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NL         "learning-in-public"
#define EP_PATH    "/n/" NL "/two-languages-one-team"
#define EP_SLUG    "two-languages-one-team"
#define DRAFT_SLUG "a-letter-to-next-years-team"
#define OLD_SLUG   "the-fifteen-minute-retro"

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

/* ---------------------------------------------------------------- helpers */

/* Runs SQL on the server's database (the test's own text, never user input; session.h's
 * db_exec, so on SQLite or PostgreSQL). strftime('%s','now'), SQLite's "now" in seconds, is
 * written as the number, which both engines read. */
static void seed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void seed(const char *fmt, ...)
{
        char sql[4096], out[4096], now[24];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(sql, sizeof(sql), fmt, ap);
        va_end(ap);
        static const char sqlite_now[] = "strftime('%s','now')";
        snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
        size_t o = 0;
        for (const char *p = sql; *p && o + sizeof(now) < sizeof(out);) {
                if (strncmp(p, sqlite_now, sizeof(sqlite_now) - 1) == 0) {
                        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", now);
                        p += sizeof(sqlite_now) - 1;
                } else {
                        out[o++] = *p++;
                }
        }
        out[o] = '\0';
        db_exec(out);
}

/* Posts kv as m with the token; the answer must be a redirect, whose Location goes into loc. */
static void post_ok(const struct member *m, const char *path, const char *const *kv, char *loc,
                    size_t size)
{
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        if (r.status != 303)
                fail_resp(&r, path);
        header(&r, "Location", loc, size);
        resp_free(&r);
}

/* Writes a build-on of the episode through its form; returns its id. */
static long buildon(const struct member *m, const char *ep_path, const char *title,
                    const char *body)
{
        char path[256], loc[512];
        snprintf(path, sizeof(path), "%s/b/new", ep_path);
        assert_int_equal(status_of(m, path), 200); /* the form a member fills in */
        snprintf(path, sizeof(path), "%s/b", ep_path);
        const char *kv[] = {"title", title, "body", body, NULL};
        post_ok(m, path, kv, loc, sizeof(loc));
        const char *at = strstr(loc, "/b/");
        assert_non_null(at);
        return atol(at + 3);
}

/* Hides (hidden) or restores a build-on as moderator m. */
static void buildon_hide(const struct member *m, long id, bool hidden)
{
        char path[64], loc[512];
        snprintf(path, sizeof(path), "/buildons/%ld/hide", id);
        const char *kv[] = {"hidden", hidden ? "1" : "0", NULL};
        post_ok(m, path, kv, loc, sizeof(loc));
}

/* Posts kv as m and returns the number after `after` in the redirect's Location. */
static long post_for_id(const struct member *m, const char *path, const char *const *kv,
                        const char *after)
{
        char loc[512];
        post_ok(m, path, kv, loc, sizeof(loc));
        const char *at = strstr(loc, after);
        if (!at)
                fail_msg("%s: no %s in %s", path, after, loc);
        return atol(at + strlen(after));
}

static void hide_item(const struct member *moderator, const char *target, long id, bool hidden)
{
        char path[64], loc[512];
        snprintf(path, sizeof(path), "/hide/%s/%ld", target, id);
        const char *kv[] = {"hidden", hidden ? "1" : "0", NULL};
        post_ok(moderator, path, kv, loc, sizeof(loc));
}

/* The member's profile as JSON (viewer m, NULL: a guest); the caller decrefs. */
static json_t *profile_json(const struct member *m, const char *handle)
{
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/members/%s", handle);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, path);
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

static long count_of(const char *handle, const char *kind)
{
        json_t *j = profile_json(NULL, handle);
        long n = (long)json_integer_value(json_object_get(json_object_get(j, "counts"), kind));
        json_decref(j);
        return n;
}

/* Whether the member holds badge (newsletter slug, NULL: the site's) as viewer m sees it. */
static bool has_badge(const struct member *m, const char *handle, const char *badge,
                      const char *newsletter)
{
        json_t *j = profile_json(m, handle);
        json_t *bs = json_object_get(j, "badges");
        bool found = false;
        for (size_t i = 0; i < json_array_size(bs); i++) {
                json_t *b = json_array_get(bs, i);
                json_t *nl = json_object_get(b, "newsletter");
                if (strcmp(jstr(b, "badge"), badge) == 0 &&
                    (newsletter
                         ? json_is_string(nl) && strcmp(json_string_value(nl), newsletter) == 0
                         : json_is_null(nl)) &&
                    !json_is_true(json_object_get(b, "revoked")))
                        found = true;
        }
        json_decref(j);
        return found;
}

static void page_has(const struct member *m, const char *path, const char *needle, bool want)
{
        struct http_resp r;
        get(m, path, &r);
        expect_status(&r, 200, path);
        if (want)
                expect_in(&r, needle, path);
        else
                expect_not_in(&r, needle, path);
        resp_free(&r);
}

/* Posts the profile's badge form as m; returns the status (Location into loc when given). */
static int badge_form(const struct member *m, const char *handle, const char *action,
                      const char *badge, const char *newsletter, const char *note, bool csrf,
                      struct http_resp *out)
{
        char path[128];
        snprintf(path, sizeof(path), "/@%s/badges", handle);
        const char *kv[] = {"action", action,           "badge",
                            badge,    "newsletter",     newsletter ? newsletter : "",
                            "note",   note ? note : "", NULL};
        struct http_resp r;
        post_pairs(m, path, kv, csrf, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

/* The highest N of "old number N" on a page: the oldest of the seeded comments shown. */
static int oldest_number(const char *page)
{
        int most = 0;
        for (const char *p = page; (p = strstr(p, "old number ")); p++) {
                int n = atoi(p + strlen("old number "));
                if (n > most)
                        most = n;
        }
        return most;
}

/* ---------------------------------------------------------------- the profile */

static void test_profile_sections(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/@sam", &r);
        expect_status(&r, 200, "sam's profile");
        expect_in(&r, "Sam Reyes", "the display name");
        expect_in(&r, "Product designer in Lisbon", "the headline");
        expect_in(&r, "Member since", "member since");
        expect_in(&r, "id=\"badges-h\"", "the badges section");
        expect_in(&r, "Founding reader", "sam followed in the first season");
        expect_in(&r, "Regular", "sam commented in four weeks");
        expect_in(&r, "Commented on episodes in four different weeks.", "a badge's explanation");
        expect_in(&r, "href=\"/@sam/comments\"", "the comment count links to the list");
        expect_in(&r, "Recent activity", "activity");
        expect_in(&r, "href=\"/n/learning-in-public/the-fifteen-minute-retro#c-",
                  "an activity item links to the comment");
        expect_in(&r, "Newsletters followed", "follows");
        expect_in(&r, "href=\"/n/learning-in-public\"", "the followed newsletter");
        expect_not_in(&r, "Award a badge", "a guest sees no admin form");
        resp_free(&r);
        /* an author's profile keeps their newsletters and episodes */
        get(NULL, "/@mira", &r);
        expect_status(&r, 200, "mira's profile");
        expect_in(&r, "id=\"ep-h\"", "the episodes section");
        expect_in(&r, "The Fifteen-Minute Retro", "one of her episodes");
        expect_not_in(&r, "A Letter to Next Year", "her draft stays out");
        resp_free(&r);
        assert_int_equal(status_of(NULL, "/@nobody_here"), 404);
        assert_int_equal(status_of(NULL, "/@sam/nonsense"), 404);
        get(NULL, "/badges", &r);
        expect_status(&r, 200, "the badges' page");
        expect_in(&r, "Conversation starter", "every badge is explained");
        expect_in(&r, "Awarded by hand only.", "the steward badge");
        expect_in(&r, "Recently earned by", "who holds badges");
        expect_in(&r, "href=\"/@june\"", "june, the demo's steward");
        resp_free(&r);
}

/* The settings a member edits are what the profile shows; the bio is Markdown in member mode
 * (links nofollow, no raw HTML). */
static void test_settings_shape_the_profile(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        page_has(&sam, "/@sam", "href=\"/settings\"", true); /* "Edit your profile" */
        page_has(NULL, "/@sam", "Edit your profile", false);
        /* a nudge towards the badges not held yet, on one's own profile only (a newcomer holds
         * none; the demo's members hold many) */
        struct member newcomer;
        signup_as(&newcomer, "newcomer");
        page_has(&newcomer, "/@newcomer", "badges within reach", true);
        page_has(&newcomer, "/@ana", "badges within reach", false);
        page_has(NULL, "/@newcomer", "badges within reach", false);
        page_has(&sam, "/settings", "href=\"/@sam\"", true);
        const char *kv[] = {"display_name",
                            "Sam R. Reyes",
                            "headline",
                            "Designs calm software",
                            "bio",
                            "I *like* [retros](https://example.org/r) <script>x()</script>",
                            "email",
                            "sam@kindred.test",
                            NULL};
        struct http_resp r;
        post_pairs(&sam, "/settings/profile", kv, true, &r);
        expect_status(&r, 303, "the profile saved");
        resp_free(&r);
        get(NULL, "/@sam", &r);
        expect_status(&r, 200, "the profile");
        expect_in(&r, "Sam R. Reyes", "the new name");
        expect_in(&r, "Designs calm software", "the new headline");
        expect_in(&r, "<em>like</em>", "the bio rendered");
        expect_in(&r, "rel=\"nofollow ugc noopener\"", "member links are nofollow");
        expect_not_in(&r, "<script>x()", "no raw HTML");
        resp_free(&r);
        json_t *j = profile_json(NULL, "sam");
        assert_string_equal(jstr(j, "name"), "Sam R. Reyes");
        assert_non_null(strstr(jstr(j, "bio"), "[retros]"));
        json_decref(j);
}

static void test_counts_follow_writes_and_lists(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        long before = count_of("ana", "comments");
        long id = post_comment(&ana, EP_PATH, "Counting **this** one <script>alert(1)</script>", 0);
        assert_int_equal(count_of("ana", "comments"), before + 1);
        char want[128];
        snprintf(want, sizeof(want), "href=\"" EP_PATH "#c-%ld\"", id);
        page_has(NULL, "/@ana/comments", want, true);
        page_has(NULL, "/@ana", want, true);
        page_has(NULL, "/@ana/comments", "<script>alert", false); /* markup inert */
        page_has(NULL, "/@ana/comments", "Counting this one &lt;script&gt;", true);

        /* a long list pages by index, newest first */
        seed("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) "
             "INSERT INTO comment (episode_id, author_id, body, body_html, created_at, updated_at) "
             "SELECT (SELECT id FROM episode WHERE slug = '" OLD_SLUG "'), (SELECT id FROM member "
             "WHERE handle = 'ana'), 'old ' || i, '<p>old number ' || i || '</p>', "
             "%lld - 400000 - i * 60, %lld - 400000 FROM n",
             (long long)time(NULL), (long long)time(NULL));
        post_comment(&ana, EP_PATH, "One more, so the cache empties.", 0);
        struct http_resp r;
        get(NULL, "/@ana/comments", &r);
        expect_status(&r, 200, "page 1");
        assert_int_equal(count(r.body, "class=\"activity-item"), 20);
        int last = oldest_number(r.body);
        assert_true(last > 1 && last < 30);
        char next[256];
        if (!extract(r.body, "rel=\"next\" href=\"", "\"", next, sizeof(next)))
                fail_resp(&r, "no next page");
        resp_free(&r);
        /* the href is attribute-escaped */
        char *amp = strstr(next, "&amp;");
        assert_non_null(amp);
        memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
        get(NULL, next, &r);
        expect_status(&r, 200, "page 2");
        char want2[64];
        snprintf(want2, sizeof(want2), "old number %d<", last + 1);
        expect_in(&r, want2, "the next page goes on where the first stopped");
        snprintf(want2, sizeof(want2), "old number %d<", last);
        expect_not_in(&r, want2, "no overlap with page 1");
        expect_in(&r, "old number 30<", "the oldest on page 2");
        expect_not_in(&r, "rel=\"next\"", "the last page");
        resp_free(&r);
        /* the API pages the same way */
        api(NULL, "GET", "/api/v1/members/ana/activity?kind=comments", NULL, false, &r);
        expect_status(&r, 200, "API page 1");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_array_size(json_object_get(j, "items")), 20);
        json_t *nx = json_object_get(j, "next");
        assert_true(json_is_object(nx));
        char path[200];
        snprintf(path, sizeof(path),
                 "/api/v1/members/ana/activity?kind=comments&before=%lld&before_id=%lld",
                 (long long)json_integer_value(json_object_get(nx, "before")),
                 (long long)json_integer_value(json_object_get(nx, "before_id")));
        json_decref(j);
        api(NULL, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "API page 2");
        expect_in(&r, "old number 30", "API page 2 reaches the oldest");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/members/ana/activity?kind=bogus", NULL, false, &r);
        expect_api_error(&r, 422, "kind", "an unknown kind");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/members/nobody_here", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "an unknown member");
        resp_free(&r);
}

static void test_hidden_and_draft_items_never_shown(void **state)
{
        (void)state;
        struct member ana, june;
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long before = count_of("ana", "comments");
        long id = post_comment(&ana, EP_PATH, "Soon to be hidden marker-hidden-7", 0);
        assert_int_equal(count_of("ana", "comments"), before + 1);
        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/hide", id);
        const char *kv[] = {"hidden", "1", NULL};
        struct http_resp r;
        post_pairs(&june, path, kv, true, &r);
        assert_true(r.status == 303 || r.status == 200);
        resp_free(&r);
        assert_int_equal(count_of("ana", "comments"), before);
        page_has(NULL, "/@ana", "marker-hidden-7", false);
        page_has(&ana, "/@ana", "marker-hidden-7", false);
        page_has(&june, "/@ana/comments", "marker-hidden-7", false);
        api(NULL, "GET", "/api/v1/members/ana/activity", NULL, false, &r);
        expect_not_in(&r, "marker-hidden-7", "the API's activity");
        resp_free(&r);

        /* items under a draft episode, and hidden or deleted ones, stay out. No route writes
         * under a draft (the forms refuse it), so those two rows go in by SQL; the rest are
         * written, hidden and deleted through the real routes. */
        long buildons_before = count_of("ana", "build-ons");
        long asks_before = count_of("ana", "asks");
        seed("INSERT INTO comment (episode_id, author_id, body, body_html, created_at, updated_at) "
             "VALUES ((SELECT id FROM episode WHERE slug = '" DRAFT_SLUG "'), (SELECT id FROM "
             "member WHERE handle = 'ana'), 'x', '<p>marker-draft-comment</p>', "
             "strftime('%%s','now'), strftime('%%s','now'));"
             "INSERT INTO buildon (episode_id, author_id, title, body, body_html, created_at, "
             "updated_at) VALUES ((SELECT id FROM episode WHERE slug = '" DRAFT_SLUG "'), (SELECT "
             "id FROM member WHERE handle = 'ana'), 'marker-draft-buildon', 'x', '<p>x</p>', "
             "strftime('%%s','now'), strftime('%%s','now'));");
        long hidden_bo = buildon(&ana, EP_PATH, "marker-hidden-buildon", "Soon hidden.");
        buildon_hide(&june, hidden_bo, true);
        buildon(&ana, EP_PATH, "marker-live-buildon", "What I *built* on it.");
        char loc[512];
        const char *ask_kv[] = {"title", "marker-deleted-ask", "body", "A topic I take back.",
                                NULL};
        post_ok(&ana, "/n/" NL "/asks", ask_kv, loc, sizeof(loc));
        const char *at = strstr(loc, "/asks/");
        assert_non_null(at);
        snprintf(path, sizeof(path), "/n/" NL "/asks/%ld/delete", atol(at + 6));
        const char *none[] = {NULL};
        post_ok(&ana, path, none, loc, sizeof(loc));
        const char *pages[] = {"/@ana",
                               "/@ana/comments",
                               "/@ana/build-ons",
                               "/@ana/asks",
                               "/api/v1/members/ana/activity",
                               "/api/v1/members/ana/activity?kind=build-ons"};
        const char *hidden[] = {"marker-draft-comment", "marker-draft-buildon",
                                "marker-hidden-buildon", "marker-deleted-ask"};
        for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
                for (size_t k = 0; k < sizeof(hidden) / sizeof(hidden[0]); k++) {
                        page_has(NULL, pages[i], hidden[k], false);
                        page_has(&ana, pages[i], hidden[k], false);
                }
        page_has(NULL, "/@ana/build-ons", "marker-live-buildon", true);
        page_has(NULL, "/@ana", "marker-live-buildon", true);
        assert_int_equal(count_of("ana", "build-ons"), buildons_before + 1);
        assert_int_equal(count_of("ana", "asks"), asks_before);
}

/* Every activity link of the demo's members leads somewhere: each kind's list, followed link
 * by link as a guest, answers 200, and the fragment names an element of that page. Across the
 * members every kind has at least one link, so no kind's address goes untested. */
static void test_activity_links_lead_to_their_items(void **state)
{
        (void)state;
        static const char *const handles[] = {"sam", "ana", "liwei", "june", "mira", "tomas"};
        static const char *const kinds[] = {"comments", "answers", "build-ons", "tried",
                                            "asks",     "terms",   "threads",   "posts"};
        size_t followed[sizeof(kinds) / sizeof(kinds[0])] = {0};
        for (size_t h = 0; h < sizeof(handles) / sizeof(handles[0]); h++)
                for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                        char path[160];
                        snprintf(path, sizeof(path), "/api/v1/members/%s/activity?kind=%s",
                                 handles[h], kinds[k]);
                        struct http_resp r;
                        api(NULL, "GET", path, NULL, false, &r);
                        expect_status(&r, 200, path);
                        json_t *j = json_of(&r);
                        resp_free(&r);
                        json_t *items = json_object_get(j, "items");
                        for (size_t i = 0; i < json_array_size(items); i++) {
                                char url[512], anchor[128];
                                snprintf(url, sizeof(url), "%s",
                                         jstr(json_array_get(items, i), "url"));
                                char *hash = strchr(url, '#');
                                if (hash) {
                                        snprintf(anchor, sizeof(anchor), "id=\"%s\"", hash + 1);
                                        *hash = '\0';
                                }
                                get(NULL, url, &r);
                                if (r.status != 200) {
                                        json_decref(j);
                                        fail_resp(&r, url);
                                }
                                if (hash && !strstr(r.body, anchor)) {
                                        json_decref(j);
                                        fail_resp(&r, anchor);
                                }
                                resp_free(&r);
                                followed[k]++;
                        }
                        json_decref(j);
                }
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
                if (!followed[k])
                        fail_msg("no demo member has %s to follow", kinds[k]);
        /* the profile page links the same addresses */
        struct http_resp r;
        get(NULL, "/@sam", &r);
        expect_status(&r, 200, "sam's profile");
        expect_not_in(&r, "/buildons/", "no build-on link of the old guess");
        resp_free(&r);
}

/* ---------------------------------------------------------------- badges */

static void test_badges_appear_when_earned_and_not_before(void **state)
{
        (void)state;
        /* the demo's members hold badges already: a newcomer of the test's own earns "first
         * build-on" with a build-on written through the form */
        struct member bo;
        signup_as(&bo, "builder");
        assert_false(has_badge(&bo, "builder", "first-build-on", NULL));
        buildon(&bo, EP_PATH, "Feedback loops in class", "I ran the loop with *two* classes.");
        long id = post_comment(&bo, EP_PATH, "And I wrote it up as a build-on.", 0);
        assert_true(has_badge(NULL, "builder", "first-build-on", NULL));
        page_has(NULL, "/@builder", "First build-on", true);
        /* shown small next to the name on the member's comments */
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        expect_status(&r, 200, "the episode");
        char start[32];
        snprintf(start, sizeof(start), "id=\"c-%ld\"", id);
        char *c = slice(r.body, start, "</header>");
        resp_free(&r);
        assert_non_null(c);
        bool shown = strstr(c, "badge-mini badge-first-build-on") != NULL;
        bool founding = strstr(c, "badge-founding-reader") != NULL;
        free(c);
        assert_true(shown);
        assert_false(founding); /* joined after the newsletter's second season began */
        /* ana followed this newsletter from its first season: her comments say so */
        struct member ana;
        login_as(&ana, "ana", NULL);
        id = post_comment(&ana, EP_PATH, "A founding reader's comment.", 0);
        get(NULL, EP_PATH, &r);
        expect_status(&r, 200, "the episode");
        snprintf(start, sizeof(start), "id=\"c-%ld\"", id);
        c = slice(r.body, start, "</header>");
        resp_free(&r);
        assert_non_null(c);
        founding = strstr(c, "badge-mini badge-founding-reader") != NULL;
        free(c);
        assert_true(founding);

        /* "regular": a new member with comments in two older weeks (written outside the
         * site) comments this week: three weeks, not enough; a third older week makes four.
         * A comment works out what it can change (badges_comment_may_earn: its week's first
         * comment counts the weeks), so history written outside the site after it is counted
         * by `kindred badges refresh`, as docs/participation.md says for such data. */
        const char *add[] = {"member", "add", "newbie", "--email", "newbie@example.org", NULL};
        assert_int_equal(kd_cli(&srv, "a long newbie password\n", add), 0);
        struct member liwei;
        login_as(&liwei, "newbie", "a long newbie password");
        seed("INSERT INTO comment (episode_id, author_id, body, body_html, created_at, updated_at) "
             "SELECT (SELECT id FROM episode WHERE slug = '" OLD_SLUG "'), (SELECT id FROM member "
             "WHERE handle = 'newbie'), 'w', '<p>w</p>', strftime('%%s','now') - w * 7 * 86400, "
             "strftime('%%s','now') FROM (SELECT 3 AS w UNION ALL SELECT 5) AS x");
        post_comment(&liwei, EP_PATH, "Three weeks are not enough.", 0);
        assert_false(has_badge(&liwei, "newbie", "regular", NULL));
        seed("INSERT INTO comment (episode_id, author_id, body, body_html, created_at, updated_at) "
             "VALUES ((SELECT id FROM episode WHERE slug = '" OLD_SLUG "'), (SELECT id FROM member "
             "WHERE handle = 'newbie'), 'w', '<p>w</p>', strftime('%%s','now') - 9 * 7 * 86400, "
             "strftime('%%s','now'))");
        post_comment(&liwei, EP_PATH, "第四周。", 0);
        const char *refresh[] = {"badges", "refresh", NULL};
        assert_int_equal(kd_cli(&srv, NULL, refresh), 0);
        assert_true(has_badge(NULL, "newbie", "regular", NULL));
        page_has(NULL, "/@newbie", "badge-regular", true);
        /* a moderator hiding one of the weeks takes it back at once */
        struct member june;
        login_as(&june, "june", NULL);
        hide_item(&june, "comment",
                  (long)db_int("SELECT min(id) FROM comment WHERE body = 'w' AND author_id = "
                               "(SELECT id FROM member WHERE handle = 'newbie')"),
                  true);
        assert_false(has_badge(NULL, "newbie", "regular", NULL));
}

/* Each feature's write refreshes the badges it can earn or take back, at once: a build-on,
 * an outcome of "I tried this", an ask marked covered, a term approved, a thread that three
 * others answer -- and hiding, deleting or withdrawing what earned one takes it back. All
 * through the real routes, by a newcomer who holds nothing yet. */
static void test_badges_follow_every_kind_of_write(void **state)
{
        (void)state;
        struct member doer, june, mira, sam, ana, liwei;
        signup_as(&doer, "doer");
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);

        /* first build-on: earned by the build-on itself, gone while hidden, back when shown */
        long bo = buildon(&doer, EP_PATH, "Loops with a class", "Ran the *loop* twice.");
        assert_true(has_badge(NULL, "doer", "first-build-on", NULL));
        buildon_hide(&june, bo, true);
        assert_false(has_badge(NULL, "doer", "first-build-on", NULL));
        buildon_hide(&june, bo, false);
        assert_true(has_badge(NULL, "doer", "first-build-on", NULL));

        /* tried it: a record without an outcome is not enough; the outcome earns it; withdrawn,
         * it goes */
        char loc[512];
        const char *tried_kv[] = {"note", "Tried it with my team.", NULL};
        post_ok(&doer, EP_PATH "/tried", tried_kv, loc, sizeof(loc));
        assert_false(has_badge(NULL, "doer", "tried-it", NULL));
        const char *outcome_kv[] = {"outcome", "worked", "outcome_note", "It stuck.", NULL};
        post_ok(&doer, EP_PATH "/tried/outcome", outcome_kv, loc, sizeof(loc));
        assert_true(has_badge(NULL, "doer", "tried-it", NULL));
        const char *none[] = {NULL};
        post_ok(&doer, EP_PATH "/tried/delete", none, loc, sizeof(loc));
        assert_false(has_badge(NULL, "doer", "tried-it", NULL));

        /* asked and answered: the author marks the ask covered; hidden, it no longer counts */
        const char *ask_kv[] = {"title", "Loops for remote teams", "body", "How would it work?",
                                NULL};
        long ask = post_for_id(&doer, "/n/" NL "/asks", ask_kv, "/asks/");
        assert_false(has_badge(NULL, "doer", "asked-and-answered", NL));
        char path[600], ep_id[32];
        snprintf(ep_id, sizeof(ep_id), "%ld", episode_id_as(&doer, EP_PATH));
        snprintf(path, sizeof(path), "/n/" NL "/asks/%ld/status", ask);
        const char *covered[] = {"status", "covered", "episode_id", ep_id, NULL};
        post_ok(&mira, path, covered, loc, sizeof(loc));
        assert_true(has_badge(NULL, "doer", "asked-and-answered", NL));
        snprintf(path, sizeof(path), "/n/" NL "/asks/%ld/hide", ask);
        const char *hide_kv[] = {"hidden", "1", NULL};
        post_ok(&june, path, hide_kv, loc, sizeof(loc));
        assert_false(has_badge(NULL, "doer", "asked-and-answered", NL));

        /* wordsmith: proposed, nothing yet; approved, earned; hidden, gone */
        const char *term_kv[] = {"term", "Loopcraft", "definition", "Running small loops well.",
                                 NULL};
        post_ok(&doer, "/n/" NL "/lexicon", term_kv, loc, sizeof(loc));
        assert_false(has_badge(NULL, "doer", "wordsmith", NL));
        long term = db_int("SELECT id FROM term WHERE term = 'Loopcraft'");
        assert_true(term > 0);
        const char *approve[] = {"decision", "approve", NULL};
        snprintf(path, sizeof(path), "%s/decision", strstr(loc, "/n/") ? strstr(loc, "/n/") : loc);
        post_ok(&mira, path, approve, loc, sizeof(loc));
        assert_true(has_badge(NULL, "doer", "wordsmith", NL));
        page_has(NULL, "/@doer/terms", "Loopcraft", true);
        hide_item(&june, "term", term, true);
        assert_false(has_badge(NULL, "doer", "wordsmith", NL));
        page_has(NULL, "/@doer/terms", "Loopcraft", false); /* nor on the profile */

        /* conversation starter: the third other member's post earns it; one hidden, it goes */
        const char *thread_kv[] = {"title", "Who runs loops at home?", "body", "Tell me.", NULL};
        long thread = post_for_id(&doer, "/spaces/porch/threads", thread_kv, "/spaces/porch/");
        snprintf(path, sizeof(path), "/spaces/porch/%ld", thread);
        const char *post_kv[] = {"body", "I do, on Sundays.", NULL};
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        post_for_id(&sam, path, post_kv, "?post=");
        post_for_id(&doer, path, post_kv, "?post="); /* the starter's own: not counted */
        post_for_id(&ana, path, post_kv, "?post=");
        assert_false(has_badge(NULL, "doer", "conversation-starter", NULL));
        long third = post_for_id(&liwei, path, post_kv, "?post=");
        assert_true(has_badge(NULL, "doer", "conversation-starter", NULL));
        hide_item(&june, "post", third, true);
        assert_false(has_badge(NULL, "doer", "conversation-starter", NULL));
        page_has(NULL, "/@doer", "badge-first-build-on", true);
        page_has(NULL, "/@doer", "badge-conversation-starter", false);
}

static void test_admin_awards_and_removes(void **state)
{
        (void)state;
        struct member admin, sam, june, mira;
        login_as(&admin, "admin", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        page_has(&admin, "/@sam", "Award a badge", true);
        page_has(&june, "/@sam", "Award a badge", false);

        /* only admins, and only with the token */
        assert_int_equal(badge_form(&sam, "sam", "award", "steward", NULL, "me!", true, NULL), 403);
        assert_int_equal(badge_form(&june, "sam", "award", "steward", NULL, NULL, true, NULL), 403);
        assert_int_equal(badge_form(&mira, "sam", "award", "steward", NULL, NULL, true, NULL), 403);
        assert_int_equal(badge_form(&admin, "sam", "award", "steward", NULL, NULL, false, NULL),
                         403);
        struct http_resp r;
        int st = badge_form(NULL, "sam", "award", "steward", NULL, NULL, false, &r);
        assert_true(st == 303 || st == 401 || st == 403);
        resp_free(&r);
        assert_false(has_badge(NULL, "sam", "steward", NULL));

        /* an award with a note: markup stays text */
        assert_int_equal(badge_form(&admin, "sam", "award", "steward", NULL,
                                    "Welcomed <b>every</b> newcomer", true, NULL),
                         303);
        assert_true(has_badge(NULL, "sam", "steward", NULL));
        get(NULL, "/@sam", &r);
        expect_in(&r, "Welcomed &lt;b&gt;every&lt;/b&gt; newcomer", "the note, escaped");
        expect_in(&r, "href=\"/@admin\"", "who awarded it");
        resp_free(&r);

        /* bad input: 422 on the profile with the note kept */
        st = badge_form(&admin, "sam", "award", "wordsmith", NULL, "keep this note", true, &r);
        assert_int_equal(st, 422);
        expect_in(&r, "This badge belongs to a newsletter", "the field's message");
        expect_in(&r, "value=\"keep this note\"", "the note kept");
        expect_in(&r, "value=\"wordsmith\" selected", "the chosen badge kept");
        resp_free(&r);
        char long_note[1200];
        memset(long_note, 'n', 201);
        long_note[201] = '\0';
        assert_int_equal(badge_form(&admin, "sam", "award", "steward", NULL, long_note, true, NULL),
                         422);
        assert_int_equal(badge_form(&admin, "sam", "award", "emperor", NULL, NULL, true, NULL),
                         422);
        assert_int_equal(
            badge_form(&admin, "nobody_here", "award", "steward", NULL, NULL, true, NULL), 404);

        /* removing: an awarded badge goes; one not held is a 404 */
        assert_int_equal(badge_form(&admin, "sam", "remove", "steward", NULL, NULL, true, NULL),
                         303);
        assert_false(has_badge(NULL, "sam", "steward", NULL));
        assert_int_equal(badge_form(&admin, "sam", "remove", "steward", NULL, NULL, true, NULL),
                         404);

        /* an earned badge removed by hand stays away through her next writes */
        assert_true(has_badge(NULL, "sam", "founding-reader", NL));
        assert_int_equal(
            badge_form(&admin, "sam", "remove", "founding-reader", NL, NULL, true, NULL), 303);
        post_comment(&sam, EP_PATH, "A write that refreshes my badges.", 0);
        assert_false(has_badge(NULL, "sam", "founding-reader", NL));
        assert_false(has_badge(&admin, "sam", "founding-reader", NL)); /* shown as revoked */
        page_has(&admin, "/@sam", "Taken back by an admin.", true);
        page_has(NULL, "/@sam", "Taken back by an admin.", false);
        assert_int_equal(
            badge_form(&admin, "sam", "award", "founding-reader", NL, NULL, true, NULL), 303);
        assert_true(has_badge(NULL, "sam", "founding-reader", NL));
}

static void test_badges_api(void **state)
{
        (void)state;
        struct member admin, sam;
        login_as(&admin, "admin", NULL);
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        api(&sam, "POST", "/api/v1/members/ana/badges", "{\"badge\":\"steward\"}", true, &r);
        expect_api_error(&r, 403, NULL, "a reader awarding");
        resp_free(&r);
        api(&admin, "POST", "/api/v1/members/ana/badges", "{\"badge\":\"steward\"}", false, &r);
        expect_status(&r, 403, "no CSRF token");
        resp_free(&r);
        api(&admin, "POST", "/api/v1/members/ana/badges",
            "{\"badge\":\"steward\",\"note\":\"Answers every newcomer\"}", true, &r);
        expect_status(&r, 201, "an admin awards");
        json_t *j = json_of(&r);
        resp_free(&r);
        json_t *bs = json_object_get(j, "badges");
        bool found = false;
        for (size_t i = 0; i < json_array_size(bs); i++)
                if (strcmp(jstr(json_array_get(bs, i), "badge"), "steward") == 0) {
                        found = true;
                        assert_string_equal(jstr(json_array_get(bs, i), "awarded_by"), "admin");
                        assert_string_equal(jstr(json_array_get(bs, i), "note"),
                                            "Answers every newcomer");
                }
        json_decref(j);
        assert_true(found);
        api(&admin, "POST", "/api/v1/members/ana/badges", "{\"badge\":\"asked-and-answered\"}",
            true, &r);
        expect_api_error(&r, 422, "newsletter", "a per-newsletter badge without one");
        resp_free(&r);
        api(&admin, "DELETE", "/api/v1/members/ana/badges", "{\"badge\":\"steward\"}", true, &r);
        expect_status(&r, 200, "an admin removes");
        resp_free(&r);
        api(&admin, "DELETE", "/api/v1/members/ana/badges", "{\"badge\":\"steward\"}", true, &r);
        expect_api_error(&r, 404, NULL, "removing a badge not held");
        resp_free(&r);

        /* the profile: counts, badges with their rules, follows */
        j = profile_json(NULL, "sam");
        assert_string_equal(jstr(j, "handle"), "sam");
        assert_string_equal(jstr(j, "name"), "Sam Reyes");
        assert_true(json_is_object(json_object_get(j, "counts")));
        assert_true(json_integer_value(json_object_get(json_object_get(j, "counts"), "comments")) >=
                    5);
        assert_true(json_is_array(json_object_get(j, "badges")));
        assert_true(json_array_size(json_object_get(j, "newsletters_followed")) >= 1);
        json_decref(j);
        /* the newest thing sam did is a comment (the demo's own items may share its second) */
        sleep(1);
        post_comment(&sam, EP_PATH, "The newest thing I wrote.", 0);
        api(NULL, "GET", "/api/v1/members/sam/activity", NULL, false, &r);
        expect_status(&r, 200, "activity");
        j = json_of(&r);
        resp_free(&r);
        json_t *items = json_object_get(j, "items");
        assert_true(json_array_size(items) > 0);
        assert_string_equal(jstr(json_array_get(items, 0), "kind"), "comments");
        assert_non_null(strstr(jstr(json_array_get(items, 0), "url"), "#c-"));
        json_decref(j);
}

/* `kindred badges refresh` works every member's badges out again: data written outside the
 * site's own writes earns its badges without waiting for the member's next write. */
static void test_cli_refresh(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        seed("INSERT INTO tried (episode_id, member_id, note, outcome, outcome_at, created_at, "
             "updated_at) VALUES ((SELECT id FROM episode WHERE slug = '" OLD_SLUG "'), (SELECT id "
             "FROM member WHERE handle = 'june'), 'ran it on the ward', 'worked', "
             "strftime('%%s','now'), strftime('%%s','now'), strftime('%%s','now'))");
        assert_false(has_badge(&mira, "june", "tried-it", NULL));
        const char *args[] = {"badges", "refresh", NULL};
        assert_int_equal(kd_cli(&srv, NULL, args), 0);
        assert_true(has_badge(&mira, "june", "tried-it", NULL));
        assert_true(has_badge(&mira, "june", "steward", NULL)); /* awarded: left as it was */
        page_has(&mira, "/@june/tried", "ran it on the ward", true);
        page_has(&mira, "/@june/tried", "It worked", true);
}

static void test_badge_changes_are_rate_limited(void **state)
{
        (void)state;
        struct member admin;
        login_as(&admin, "admin", NULL);
        int last = 0;
        for (int i = 0; i < 61; i++) {
                last = badge_form(&admin, "ana", i % 2 ? "remove" : "award", "steward", NULL, NULL,
                                  true, NULL);
                if (i < 60 && last != 303)
                        fail_msg("change %d answered %d", i, last);
        }
        assert_int_equal(last, 429);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_profile_sections),
            T(test_settings_shape_the_profile),
            T(test_counts_follow_writes_and_lists),
            T(test_hidden_and_draft_items_never_shown),
            T(test_activity_links_lead_to_their_items),
            T(test_badges_appear_when_earned_and_not_before),
            T(test_badges_follow_every_kind_of_write),
            T(test_admin_awards_and_removes),
            T(test_badges_api),
            T(test_cli_refresh),
            T(test_badge_changes_are_rate_limited),
        };
#undef T
        return cmocka_run_group_tests(tests, NULL, NULL);
}
