/* Every act of participation records exactly one insights event, through the real binary: the
 * form and the API of each action, with the right kind, member, newsletter, episode, other side
 * and item; refused writes (422, 403, 429), reactions taken back and repeated votes record
 * nothing. And a member downloads their own events (CSV and JSON), never anyone else's.
 *
 * The recorder writes once a second (KD_EVENT_FLUSH_MS), so expectations poll the event table
 * with a deadline. "Nothing recorded" is proven with a marker: an act that must record, done
 * after the refused one; the queue is written in order, so once the marker is there anything
 * queued before it is too. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define NL         "learning-in-public"
#define EP_PATH    "/n/" NL "/two-languages-one-team"
#define EP_SLUG    "two-languages-one-team"
#define BALCONY    "/n/" NL "/what-a-balcony-taught-me-about-feedback-loops"
#define RETRO      "/n/" NL "/the-fifteen-minute-retro/tried"
#define EP_QUOTE   "Gonçalo, who led the Lisbon side"
#define DEADLINE_S 6

/* Kinds as stored (model/event.h: numbers never change). */
enum {
        K_REACTION = 10,
        K_COMMENT = 11,
        K_REPLY = 12,
        K_QUOTE = 13,
        K_FOLLOW = 14,
        K_ANSWER = 15,
        K_BUILDON = 16,
        K_TRIED = 17,
        K_ASK = 18,
        K_VOTE = 19,
        K_SPACE_POST = 20,
};

/* ---------------------------------------------------------------- helpers */

static long long q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long q(const char *fmt, ...)
{
        char sql[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(sql, sizeof(sql), fmt, ap);
        va_end(ap);
        return db_int(sql);
}

static long long member_id(const char *handle)
{
        return q("SELECT id FROM member WHERE handle = '%s'", handle);
}

/* The newest event id: acts after this are "since". */
static long long last_event(void)
{
        return q("SELECT coalesce(max(id), 0) FROM event");
}

/* Participation events (not reads) written since `since`. */
static long long acts_since(long long since)
{
        return q("SELECT count(*) FROM event WHERE id > %lld AND kind >= 10", since);
}

/* The one expected event: waits up to DEADLINE_S for an event after since with exactly these
 * values, then checks it is the only act recorded since (each act records exactly once).
 * Returns its id. */
static long long expect_event(long long since, const char *what, int kind, const char *handle,
                              long long newsletter, long long episode, long long other,
                              long long item)
{
        long long who = member_id(handle);
        for (int i = 0; i < DEADLINE_S * 20; i++) {
                long long id = q("SELECT coalesce(max(id), 0) FROM event WHERE id > %lld AND kind "
                                 "= %d AND member_id = %lld AND guest IS NULL AND newsletter_id "
                                 "= %lld AND episode_id = %lld AND coalesce(other_id, 0) = %lld "
                                 "AND item_id = %lld",
                                 since, kind, who, newsletter, episode, other, item);
                if (id) {
                        long long n = acts_since(since);
                        if (n != 1)
                                fail_msg("%s: %lld events recorded, not one", what, n);
                        return id;
                }
                usleep(50000);
        }
        char got[512];
        /* the latest five, joined by string_agg in PostgreSQL (group_concat in SQLite) */
        db_text(srv.database_url[0]
                    ? "SELECT string_agg(kind || '/' || coalesce(CAST(member_id AS TEXT), 'g') || "
                      "'/' || newsletter_id || '/' || episode_id || '/' || coalesce(other_id, 0) "
                      "|| '/' || item_id, ' ') FROM (SELECT * FROM event WHERE kind >= 10 ORDER "
                      "BY id DESC LIMIT 5) AS latest"
                    : "SELECT group_concat(kind || '/' || coalesce(member_id, 'g') || '/' || "
                      "newsletter_id || '/' || episode_id || '/' || coalesce(other_id, 0) || '/' "
                      "|| item_id, ' ') FROM (SELECT * FROM event WHERE kind >= 10 ORDER BY id "
                      "DESC LIMIT 5)",
                got, sizeof(got));
        fail_msg("%s: no event %d by %s (nl %lld, ep %lld, other %lld, item %lld); the latest: %s",
                 what, kind, handle, newsletter, episode, other, item, got);
        return 0;
}

/* A member's follow of Fourth Floor Garden (nobody follows it in the demo), taken back right
 * after: an act that always records, to mark the queue after a refused write. Checks that the
 * marker is the only act since since. */
static void expect_nothing_since(long long since, const struct member *m, const char *handle,
                                 const char *what)
{
        struct http_resp r;
        const char *on[] = {"follow", "1", NULL}, *off[] = {"follow", "0", NULL};
        post_pairs(m, "/n/fourth-floor-garden/follow", on, true, &r);
        expect_status(&r, 303, "the marker's follow");
        resp_free(&r);
        long long garden = q("SELECT id FROM newsletter WHERE slug = 'fourth-floor-garden'");
        char label[256];
        snprintf(label, sizeof(label), "%s (then the marker)", what);
        expect_event(since, label, K_FOLLOW, handle, garden, 0, 0, 0);
        post_pairs(m, "/n/fourth-floor-garden/follow", off, true, &r);
        expect_status(&r, 303, "the marker's unfollow");
        resp_free(&r);
}

/* POSTs a form that must redirect (303); returns the Location's number after `after` (0 when
 * absent). */
static long post_303(const struct member *m, const char *path, const char *const *kv,
                     const char *after)
{
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        if (r.status != 303)
                fail_resp(&r, path);
        char loc[512];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        const char *p = after ? strstr(loc, after) : NULL;
        return p ? atol(p + strlen(after)) : 0;
}

/* An API call that must answer status; returns the JSON body's "id" (0 when none). */
static long api_ok(const struct member *m, const char *method, const char *path, const char *json,
                   int status)
{
        struct http_resp r;
        api(m, method, path, json, true, &r);
        expect_status(&r, status, path);
        long id = 0;
        if (r.body_len && r.body[0] == '{') {
                json_t *j = json_of(&r);
                json_t *v = json_object_get(j, "id");
                id = json_is_integer(v) ? (long)json_integer_value(v) : 0;
                json_decref(j);
        }
        resp_free(&r);
        return id;
}

static long long episode_id(const char *slug)
{
        return q("SELECT id FROM episode WHERE slug = '%s'", slug);
}

static long long newsletter_id(const char *slug)
{
        return q("SELECT id FROM newsletter WHERE slug = '%s'", slug);
}

/* ---------------------------------------------------------------- conversation */

static void test_conversation_records_each_act_once(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        long long nl = newsletter_id(NL), ep = episode_id(EP_SLUG);
        long long sam_id = member_id("sam");
        char epid[32];
        snprintf(epid, sizeof(epid), "%lld", ep);

        /* a comment, through the form */
        long long since = last_event();
        const char *c_kv[] = {"body", "Hooks: a first comment", NULL};
        long c = post_303(&sam, EP_PATH "/comments", c_kv, "#c-");
        assert_true(c > 0);
        expect_event(since, "a comment (form)", K_COMMENT, "sam", nl, ep, 0, c);

        /* a reply to it by another member, through the API: the other side is sam */
        since = last_event();
        char path[256], json[512];
        snprintf(path, sizeof(path), "/api/v1/episodes/%lld/comments", ep);
        snprintf(json, sizeof(json), "{\"body\":\"A reply\",\"parent_id\":%ld}", c);
        long reply = api_ok(&ana, "POST", path, json, 201);
        assert_true(reply > 0);
        expect_event(since, "a reply (API)", K_REPLY, "ana", nl, ep, sam_id, reply);

        /* a top-level comment quoting a passage is a quote */
        since = last_event();
        const char *qt_kv[] = {"body", "On this line", "quote_exact", EP_QUOTE, NULL};
        long quote = post_303(&ana, EP_PATH "/comments", qt_kv, "#c-");
        expect_event(since, "a quote (form)", K_QUOTE, "ana", nl, ep, 0, quote);

        /* a quote through the API */
        since = last_event();
        snprintf(json, sizeof(json), "{\"body\":\"Quoting\",\"quote_exact\":\"%s\"}", EP_QUOTE);
        long quote2 = api_ok(&sam, "POST", path, json, 201);
        expect_event(since, "a quote (API)", K_QUOTE, "sam", nl, ep, 0, quote2);

        /* a reply that quotes is a reply (its other side matters more than its quote) */
        since = last_event();
        char parent[32];
        snprintf(parent, sizeof(parent), "%ld", quote);
        const char *qr_kv[] = {
            "body", "Replying with a quote", "parent", parent, "quote_exact", EP_QUOTE, NULL};
        long qreply = post_303(&sam, EP_PATH "/comments", qr_kv, "#c-");
        expect_event(since, "a quoting reply", K_REPLY, "sam", nl, ep, member_id("ana"), qreply);

        /* replying to one's own comment: a reply with no other side */
        since = last_event();
        snprintf(parent, sizeof(parent), "%ld", c);
        const char *own_kv[] = {"body", "And one more thing", "parent", parent, NULL};
        long own = post_303(&sam, EP_PATH "/comments", own_kv, "#c-");
        expect_event(since, "a reply to oneself", K_REPLY, "sam", nl, ep, 0, own);

        /* a reaction to a comment, through the form: the other side is its author */
        since = last_event();
        char cid[32];
        snprintf(cid, sizeof(cid), "%ld", c);
        const char *r_kv[] = {"target",       "comment", "id",    cid, "react",
                              "insightful:1", "next",    EP_PATH, NULL};
        const char *r_off[] = {"target",       "comment", "id",    cid, "react",
                               "insightful:0", "next",    EP_PATH, NULL};
        post_303(&mira, "/react", r_kv, NULL);
        expect_event(since, "a reaction to a comment (form)", K_REACTION, "mira", nl, ep, sam_id,
                     c);

        /* the same reaction again (form and API) records nothing, nor does taking it back */
        since = last_event();
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"insightful\"}",
                 c);
        post_303(&mira, "/react", r_kv, NULL);
        api_ok(&mira, "POST", "/api/v1/reactions", json, 200);
        api_ok(&mira, "DELETE", "/api/v1/reactions", json, 200);
        post_303(&mira, "/react", r_off, NULL);
        expect_nothing_since(since, &mira, "mira", "a repeated reaction and one taken back");
        since = last_event();
        post_303(&mira, "/react", r_kv, NULL); /* given again after it was taken back: new */
        expect_event(since, "a reaction given again after it was taken back", K_REACTION, "mira",
                     nl, ep, sam_id, c);
        since = last_event();
        post_303(&mira, "/react", r_off, NULL);
        expect_nothing_since(since, &mira, "mira", "a reaction taken back through the form");

        /* a reaction to the episode, through the API: no other side, no item but the episode */
        since = last_event();
        snprintf(json, sizeof(json), "{\"target\":\"episode\",\"id\":%lld,\"kind\":\"love\"}", ep);
        api_ok(&ana, "POST", "/api/v1/reactions", json, 200);
        expect_event(since, "a reaction to the episode (API)", K_REACTION, "ana", nl, ep, 0, 0);

        /* refused: an empty comment (422), a reply to nothing (422), a guest (no session) */
        since = last_event();
        struct http_resp r;
        const char *empty_kv[] = {"body", "", NULL};
        post_pairs(&sam, EP_PATH "/comments", empty_kv, true, &r);
        expect_status(&r, 422, "an empty comment");
        resp_free(&r);
        api(&sam, "POST", path, "{\"body\":\"To nobody\",\"parent_id\":999999}", true, &r);
        expect_status(&r, 422, "a reply to no comment");
        resp_free(&r);
        api(NULL, "POST", path, "{\"body\":\"A guest\"}", false, &r);
        assert_true(r.status == 401 || r.status == 403);
        resp_free(&r);
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":999999,\"kind\":\"love\"}");
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 404, "a reaction to nothing");
        resp_free(&r);
        expect_nothing_since(since, &sam, "sam", "refused comments and reactions");

        /* refused by the rate limit (429): the member's comments per minute are used up */
        struct member liwei;
        login_as(&liwei, "liwei", NULL);
        long long base = last_event();
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
                char body[64];
                snprintf(body, sizeof(body), "Rate limited %d", i);
                const char *kv[] = {"body", body, NULL};
                post_pairs(&liwei, EP_PATH "/comments", kv, true, &r);
                int st = r.status;
                resp_free(&r);
                if (st == 429)
                        break;
                assert_int_equal(st, 303);
                accepted++;
        }
        assert_true(accepted > 0 && accepted < 20);
        for (int i = 0; i < DEADLINE_S * 20 && acts_since(base) < accepted; i++)
                usleep(50000);
        since = last_event();
        assert_int_equal(q("SELECT count(*) FROM event WHERE id > %lld AND kind = %d AND "
                           "member_id = %lld",
                           base, K_COMMENT, member_id("liwei")),
                         accepted);
        expect_nothing_since(since, &liwei, "liwei", "a comment refused with 429");
}

/* ---------------------------------------------------------------- participation */

static void test_participation_records_each_act_once(void **state)
{
        (void)state;
        struct member sam, ana, liwei, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&tomas, "tomas", NULL);
        long long nl = newsletter_id(NL), ep = episode_id(EP_SLUG);
        long long balcony = episode_id("what-a-balcony-taught-me-about-feedback-loops");
        long long retro = episode_id("the-fifteen-minute-retro");
        long long ep_author = q("SELECT author_id FROM episode WHERE id = %lld", ep);
        char path[256], json[512];

        /* answers: the form, the API, and a reply among the answers (a reply) */
        long long q1 =
            q("SELECT id FROM prompt WHERE episode_id = %lld ORDER BY position LIMIT 1", balcony);
        assert_true(q1 > 0);
        long long since = last_event();
        snprintf(path, sizeof(path), BALCONY "/prompts/%lld/answers", q1);
        const char *a_kv[] = {"body", "My longest loop is the release train.", NULL};
        post_303(&sam, path, a_kv, NULL);
        long long answer = q("SELECT max(id) FROM comment WHERE author_id = %lld AND prompt_id "
                             "= %lld",
                             member_id("sam"), q1);
        expect_event(since, "an answer (form)", K_ANSWER, "sam", nl, balcony, 0, answer);
        since = last_event();
        snprintf(path, sizeof(path), "/api/v1/prompts/%lld/answers", q1);
        long answer2 = api_ok(&ana, "POST", path, "{\"body\":\"Mine is code review.\"}", 201);
        expect_event(since, "an answer (API)", K_ANSWER, "ana", nl, balcony, 0, answer2);
        since = last_event();
        snprintf(json, sizeof(json), "{\"body\":\"Same here.\",\"parent_id\":%lld}", answer);
        long areply = api_ok(&ana, "POST", path, json, 201);
        expect_event(since, "a reply to an answer", K_REPLY, "ana", nl, balcony, member_id("sam"),
                     areply);

        /* I tried this: new records count, a changed note does not */
        since = last_event();
        const char *t_kv[] = {"note", "Tried it on Monday.", NULL};
        post_303(&liwei, RETRO, t_kv, NULL);
        long long tried = q("SELECT id FROM tried WHERE member_id = %lld AND episode_id = %lld",
                            member_id("liwei"), retro);
        expect_event(since, "tried (form)", K_TRIED, "liwei", nl, retro, 0, tried);
        since = last_event();
        const char *t2_kv[] = {"note", "Tried it on Monday, again on Friday.", NULL};
        post_303(&liwei, RETRO, t2_kv, NULL);
        expect_nothing_since(since, &liwei, "liwei", "a changed tried note");
        since = last_event();
        long long write_it = episode_id("write-it-down-before-you-forget-it");
        snprintf(path, sizeof(path), "/api/v1/episodes/%lld/tried", write_it);
        api_ok(&liwei, "POST", path, "{\"note\":\"Through the API\"}", 200);
        long long tried2 = q("SELECT id FROM tried WHERE member_id = %lld AND episode_id = %lld",
                             member_id("liwei"), write_it);
        expect_event(since, "tried (API)", K_TRIED, "liwei", nl, write_it, 0, tried2);

        /* build-ons: on the episode (its author), on a build-on (that one's author) */
        since = last_event();
        const char *b_kv[] = {"title", "A hook build-on", "body", "Built on it.", "parent", "0",
                              NULL};
        long bo = post_303(&sam, EP_PATH "/b", b_kv, "/b/");
        assert_true(bo > 0);
        expect_event(since, "a build-on (form)", K_BUILDON, "sam", nl, ep, ep_author, bo);
        since = last_event();
        snprintf(path, sizeof(path), "/api/v1/episodes/%lld/buildons", ep);
        snprintf(json, sizeof(json),
                 "{\"title\":\"On sam's\",\"body\":\"Building on it.\",\"parent_id\":%ld}", bo);
        long bo2 = api_ok(&ana, "POST", path, json, 201);
        expect_event(since, "a build-on of a build-on (API)", K_BUILDON, "ana", nl, ep,
                     member_id("sam"), bo2);
        /* a comment on a build-on is a reply to its author */
        since = last_event();
        snprintf(path, sizeof(path), "/api/v1/buildons/%ld/comments", bo);
        long bc = api_ok(&liwei, "POST", path, "{\"body\":\"Nice one\"}", 201);
        expect_event(since, "a comment on a build-on (API)", K_REPLY, "liwei", nl, ep,
                     member_id("sam"), bc);
        since = last_event();
        snprintf(path, sizeof(path), EP_PATH "/b/%ld/comments", bo);
        const char *bc_kv[] = {"body", "Agreed", NULL};
        post_303(&ana, path, bc_kv, NULL);
        long long bc2 = q("SELECT max(id) FROM comment WHERE author_id = %lld AND buildon_id = "
                          "%ld",
                          member_id("ana"), bo);
        expect_event(since, "a comment on a build-on (form)", K_REPLY, "ana", nl, ep,
                     member_id("sam"), bc2);

        /* asks and votes */
        since = last_event();
        const char *ask_kv[] = {"title", "Hooks for remote teams", "body", "How?", NULL};
        long ask = post_303(&sam, "/n/" NL "/asks", ask_kv, "/asks/");
        assert_true(ask > 0);
        expect_event(since, "an ask (form)", K_ASK, "sam", nl, 0, 0, ask);
        since = last_event();
        long ask2 = api_ok(&ana, "POST", "/api/v1/newsletters/" NL "/asks",
                           "{\"title\":\"Hooks through the API\",\"body\":\"Please.\"}", 201);
        expect_event(since, "an ask (API)", K_ASK, "ana", nl, 0, 0, ask2);
        since = last_event();
        snprintf(path, sizeof(path), "/n/" NL "/asks/%ld/vote", ask);
        const char *v_kv[] = {"vote", "1", NULL};
        post_303(&liwei, path, v_kv, NULL);
        expect_event(since, "a vote (form)", K_VOTE, "liwei", nl, 0, member_id("sam"), ask);
        since = last_event();
        post_303(&liwei, path, v_kv, NULL); /* again: already voted */
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/vote", ask);
        api_ok(&liwei, "POST", path, NULL, 200);
        api_ok(&liwei, "DELETE", path, NULL, 200);
        expect_nothing_since(since, &liwei, "liwei", "a repeated vote and one taken back");
        since = last_event();
        snprintf(path, sizeof(path), "/api/v1/asks/%ld/vote", ask2);
        api_ok(&sam, "POST", path, NULL, 200);
        expect_event(since, "a vote (API)", K_VOTE, "sam", nl, 0, member_id("ana"), ask2);
        /* 409: voting on a declined ask (voting has closed) */
        since = last_event();
        long long declined = q("SELECT id FROM ask WHERE status = 'declined' ORDER BY id LIMIT 1");
        snprintf(path, sizeof(path), "/api/v1/asks/%lld/vote", declined);
        struct http_resp r;
        api(&sam, "POST", path, NULL, true, &r);
        expect_status(&r, 409, "a vote on a declined ask");
        resp_free(&r);
        expect_nothing_since(since, &sam, "sam", "a vote refused with 409");

        /* follow: a new follow records, following again does not */
        struct member mira;
        login_as(&mira, "mira", NULL);
        since = last_event();
        const char *f_kv[] = {"follow", "1", NULL};
        post_303(&tomas, "/n/" NL "/follow", f_kv, NULL);
        expect_event(since, "a follow", K_FOLLOW, "tomas", nl, 0, 0, 0);
        since = last_event();
        post_303(&tomas, "/n/" NL "/follow", f_kv, NULL);
        expect_nothing_since(since, &mira, "mira", "a follow repeated");

        /* spaces: an opening post answers nobody; a post answers the thread's opener or the
         * post it names; the porch belongs to no newsletter, the readers' circle to one */
        since = last_event();
        const char *th_kv[] = {"title", "Hooks on the porch", "body", "Who is here?", NULL};
        long thread = post_303(&sam, "/spaces/porch/threads", th_kv, "/spaces/porch/");
        assert_true(thread > 0);
        long long opening = q("SELECT min(id) FROM space_post WHERE thread_id = %ld", thread);
        expect_event(since, "a new thread (form)", K_SPACE_POST, "sam", 0, 0, 0, opening);
        since = last_event();
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", thread);
        long p1 = api_ok(&ana, "POST", path, "{\"body\":\"I am.\"}", 201);
        expect_event(since, "a post in a thread (API)", K_SPACE_POST, "ana", 0, 0, member_id("sam"),
                     p1);
        since = last_event();
        snprintf(path, sizeof(path), "/spaces/porch/%ld", thread);
        char pid[32];
        snprintf(pid, sizeof(pid), "%ld", p1);
        const char *p_kv[] = {"body", "Me too, ana.", "parent_id", pid, NULL};
        long p2 = post_303(&liwei, path, p_kv, "?post=");
        expect_event(since, "a post answering a post (form)", K_SPACE_POST, "liwei", 0, 0,
                     member_id("ana"), p2);
        since = last_event();
        long th2 = api_ok(&liwei, "POST", "/api/v1/spaces/readers-circle/threads",
                          "{\"title\":\"Circle hooks\",\"body\":\"Followers only.\"}", 201);
        (void)th2;
        long long opening2 =
            q("SELECT max(id) FROM space_post WHERE author_id = %lld", member_id("liwei"));
        expect_event(since, "a thread in a newsletter's space (API)", K_SPACE_POST, "liwei", nl, 0,
                     0, opening2);
        /* 403: a member who does not follow the newsletter posts in its circle */
        struct member outsider;
        signup_as(&outsider, "hookoutsider");
        since = last_event();
        const char *c_kv[] = {"title", "Not a follower", "body", "Let me in.", NULL};
        post_pairs(&outsider, "/spaces/readers-circle/threads", c_kv, true, &r);
        expect_status(&r, 403, "a non-follower in the readers' circle");
        resp_free(&r);
        expect_nothing_since(since, &outsider, "hookoutsider", "a thread refused with 403");

        /* a reaction to a space post: its author, the space's newsletter (none) */
        since = last_event();
        snprintf(json, sizeof(json), "{\"target\":\"post\",\"id\":%ld,\"kind\":\"agree\"}", p2);
        api_ok(&sam, "POST", "/api/v1/reactions", json, 200);
        expect_event(since, "a reaction to a post", K_REACTION, "sam", 0, 0, member_id("liwei"),
                     p2);
        /* and to a build-on */
        since = last_event();
        snprintf(json, sizeof(json), "{\"target\":\"buildon\",\"id\":%ld,\"kind\":\"agree\"}", bo);
        api_ok(&liwei, "POST", "/api/v1/reactions", json, 200);
        expect_event(since, "a reaction to a build-on", K_REACTION, "liwei", nl, ep,
                     member_id("sam"), bo);
}

/* ---------------------------------------------------------------- own events */

static void test_own_events_download(void **state)
{
        (void)state;
        struct member sam, ana;
        /* a member with no history of the demo's, so the rows are exactly the arranged ones */
        signup_as(&sam, "hooksam");
        login_as(&ana, "ana", NULL);
        long long ids[3], ana_row;
        long long me = member_id("hooksam");
        char sql[256];
        snprintf(sql, sizeof(sql), "DELETE FROM event WHERE member_id IN (%lld, %lld)", me,
                 member_id("ana"));
        db_exec(sql);
        long long nl = newsletter_id(NL), ep = episode_id(EP_SLUG);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO event (at, kind, newsletter_id, episode_id, member_id, other_id, "
                 "item_id) VALUES (1795000000, 1, %lld, %lld, %lld, NULL, 0)",
                 nl, ep, me);
        db_exec(sql);
        ids[0] = last_event();
        snprintf(sql, sizeof(sql),
                 "INSERT INTO event (at, kind, newsletter_id, episode_id, member_id, other_id, "
                 "item_id) VALUES (1795000060, 12, %lld, %lld, %lld, %lld, 77)",
                 nl, ep, me, member_id("mira"));
        db_exec(sql);
        ids[1] = last_event();
        snprintf(sql, sizeof(sql),
                 "INSERT INTO event (at, kind, newsletter_id, episode_id, member_id, other_id, "
                 "item_id) VALUES (1795000120, 14, %lld, 0, %lld, NULL, 0)",
                 nl, me);
        db_exec(sql);
        ids[2] = last_event();
        snprintf(sql, sizeof(sql),
                 "INSERT INTO event (at, kind, newsletter_id, episode_id, member_id, other_id, "
                 "item_id) VALUES (1795000200, 10, %lld, %lld, %lld, %lld, 5)",
                 nl, ep, member_id("ana"), me);
        db_exec(sql);
        ana_row = last_event();
        snprintf(sql, sizeof(sql),
                 "INSERT INTO event (at, kind, newsletter_id, episode_id, guest, item_id) VALUES "
                 "(1795000300, 1, %lld, %lld, 123456789, 0)",
                 nl, ep);
        db_exec(sql);

        /* CSV: exactly the member's three rows */
        struct http_resp r;
        get(&sam, "/account/events.csv", &r);
        expect_status(&r, 200, "the CSV download");
        char ct[128], disp[128];
        header(&r, "Content-Type", ct, sizeof(ct));
        assert_non_null(strstr(ct, "text/csv"));
        header(&r, "Content-Disposition", disp, sizeof(disp));
        assert_non_null(strstr(disp, "attachment"));
        char want[1024];
        snprintf(want, sizeof(want),
                 "id,at,kind,newsletter_id,episode_id,other,item_id\r\n"
                 "%lld,2026-11-18T11:06:40Z,view,%lld,%lld,,0\r\n"
                 "%lld,2026-11-18T11:07:40Z,reply,%lld,%lld,mira,77\r\n"
                 "%lld,2026-11-18T11:08:40Z,follow,%lld,0,,0\r\n",
                 ids[0], nl, ep, ids[1], nl, ep, ids[2], nl);
        if (r.body_len != strlen(want) || memcmp(r.body, want, r.body_len) != 0)
                fail_msg("the CSV is\n%.*s\nnot\n%s", (int)r.body_len, r.body, want);
        resp_free(&r);

        /* JSON, a page of two, then the rest */
        api(&sam, "GET", "/api/v1/me/events?limit=2", NULL, false, &r);
        expect_status(&r, 200, "the JSON download");
        json_t *j = json_of(&r);
        resp_free(&r);
        json_t *evs = json_object_get(j, "events");
        assert_int_equal(json_array_size(evs), 2);
        json_t *e0 = json_array_get(evs, 0), *e1 = json_array_get(evs, 1);
        assert_int_equal(json_integer_value(json_object_get(e0, "id")), ids[0]);
        assert_string_equal(jstr(e0, "kind"), "view");
        assert_string_equal(jstr(e0, "at"), "2026-11-18T11:06:40Z");
        assert_true(json_is_null(json_object_get(e0, "other")));
        assert_int_equal(json_integer_value(json_object_get(e0, "episode_id")), ep);
        assert_string_equal(jstr(e1, "kind"), "reply");
        assert_string_equal(jstr(e1, "other"), "mira");
        assert_int_equal(json_integer_value(json_object_get(e1, "item_id")), 77);
        assert_int_equal(json_integer_value(json_object_get(e1, "newsletter_id")), nl);
        assert_null(json_object_get(e1, "member_id")); /* their own id is not repeated */
        json_t *next = json_object_get(j, "next_after");
        assert_int_equal(json_integer_value(next), ids[1]);
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/me/events?after=%lld&limit=2", ids[1]);
        json_decref(j);
        api(&sam, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "the second page");
        j = json_of(&r);
        resp_free(&r);
        evs = json_object_get(j, "events");
        assert_int_equal(json_array_size(evs), 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(evs, 0), "id")), ids[2]);
        assert_string_equal(jstr(json_array_get(evs, 0), "kind"), "follow");
        assert_null(json_object_get(j, "next_after"));
        json_decref(j);

        /* ana sees only her own row, which names sam by handle */
        api(&ana, "GET", "/api/v1/me/events?limit=1000", NULL, false, &r);
        expect_status(&r, 200, "ana's events");
        j = json_of(&r);
        resp_free(&r);
        evs = json_object_get(j, "events");
        assert_int_equal(json_array_size(evs), 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(evs, 0), "id")),
                         ana_row);
        assert_string_equal(jstr(json_array_get(evs, 0), "other"), "hooksam");
        json_decref(j);
        get(&ana, "/account/events.csv", &r);
        expect_status(&r, 200, "ana's CSV");
        expect_not_in(&r, ",view,", "nobody else's rows (sam's view, the guest's)");
        assert_int_equal(count(r.body, "\r\n"), 2);
        resp_free(&r);

        /* a limit beyond the most is refused, not silently served */
        api(&sam, "GET", "/api/v1/me/events?limit=100000", NULL, false, &r);
        expect_status(&r, 400, "a limit too large");
        resp_free(&r);

        /* the page: counts per kind, the downloads, the plain words */
        get(&sam, "/account/events", &r);
        expect_status(&r, 200, "the events page");
        expect_in(&r, "What is recorded", "the explanation");
        expect_in(&r, "href=\"/account/events.csv\"", "the CSV link");
        expect_in(&r, "href=\"/api/v1/me/events\"", "the JSON link");
        expect_in(&r, "<th scope=\"row\">Episodes opened</th><td class=\"num\">1</td>",
                  "the views");
        expect_in(&r, "<th scope=\"row\">Replies</th><td class=\"num\">1</td>", "the replies");
        expect_in(&r, "<th scope=\"row\">All together</th><td class=\"num\">3</td>", "the total");
        resp_free(&r);
        get(&sam, "/settings", &r);
        expect_in(&r, "href=\"/account/events\"", "the settings link to it");
        resp_free(&r);

        /* guests are sent to log in; the API says 401 */
        get(NULL, "/account/events", &r);
        assert_true(r.status == 303 || r.status == 302);
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_non_null(strstr(loc, "/login"));
        resp_free(&r);
        get(NULL, "/account/events.csv", &r);
        assert_true(r.status == 303 || r.status == 302);
        resp_free(&r);
        api(NULL, "GET", "/api/v1/me/events", NULL, false, &r);
        expect_api_error(&r, 401, NULL, "a guest asks for events");
        resp_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_conversation_records_each_act_once,
                                            kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_participation_records_each_act_once,
                                            kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_own_events_download, kd_fixture_start,
                                            kd_fixture_stop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
