/* Black-box tests of "I tried this": recording, the outcome and withdrawing (forms and API),
 * one record per member even under concurrent posts, counters that stay exact through every
 * change, hiding notes (counts still count people), drafts, hostile input, CSRF and rate
 * limits. Every test gets a fresh demo site. KD_TEST_FILTER=pattern runs only matching tests. */
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
#include <sys/wait.h>
#include <unistd.h>

#define NL      "learning-in-public"
#define RETRO   "/n/" NL "/the-fifteen-minute-retro"
#define BALCONY "/n/" NL "/what-a-balcony-taught-me-about-feedback-loops"
#define DRAFT   "/n/" NL "/a-letter-to-next-years-team"

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

/* ---------------------------------------------------------------- helpers */

static long ep_of(const char *path)
{
        struct member reader;
        login_as(&reader, "admin", NULL);
        return episode_id_as(&reader, path);
}

struct counts {
        long count, worked, mixed, failed;
};

/* The API's counts of an episode, and m's own record's outcome into mine ("" for none, "-"
 * for no record) when m is given. */
static struct counts counts_of(const struct member *m, long ep, char *mine, size_t size)
{
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "the tried API");
        json_t *j = json_of(&r);
        resp_free(&r);
        struct counts c = {
            (long)json_integer_value(json_object_get(j, "count")),
            (long)json_integer_value(json_object_get(j, "worked")),
            (long)json_integer_value(json_object_get(j, "mixed")),
            (long)json_integer_value(json_object_get(j, "failed")),
        };
        if (mine) {
                json_t *own = json_object_get(j, "mine");
                snprintf(mine, size, "%s", json_is_object(own) ? jstr(own, "outcome") : "-");
        }
        json_decref(j);
        return c;
}

static void expect_counts(long ep, long count, long worked, long mixed, long failed)
{
        struct counts c = counts_of(NULL, ep, NULL, 0);
        if (c.count != count || c.worked != worked || c.mixed != mixed || c.failed != failed)
                fail_msg("episode %ld: %ld tried, %ld worked, %ld mixed, %ld failed; expected "
                         "%ld, %ld, %ld, %ld",
                         ep, c.count, c.worked, c.mixed, c.failed, count, worked, mixed, failed);
}

static void tried_form(const struct member *m, const char *ep_path, const char *what,
                       const char *const *kv, bool csrf, struct http_resp *r)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/tried%s", ep_path, what);
        post_pairs(m, path, kv, csrf, r);
}

static void record(const struct member *m, const char *ep_path, const char *note)
{
        const char *kv[] = {"note", note, NULL};
        struct http_resp r;
        tried_form(m, ep_path, "", kv, true, &r);
        expect_status(&r, 303, "recording a try");
        resp_free(&r);
}

static void outcome(const struct member *m, const char *ep_path, const char *o, const char *note)
{
        const char *kv[] = {"outcome", o, "outcome_note", note, NULL};
        struct http_resp r;
        tried_form(m, ep_path, "/outcome", kv, true, &r);
        expect_status(&r, 303, "recording an outcome");
        resp_free(&r);
}

static void withdraw(const struct member *m, const char *ep_path)
{
        struct http_resp r;
        tried_form(m, ep_path, "/delete", NULL, true, &r);
        expect_status(&r, 303, "withdrawing");
        resp_free(&r);
}

/* ---------------------------------------------------------------- the box */

static void test_record_outcome_and_withdraw(void **state)
{
        (void)state;
        long ep = ep_of(RETRO);
        expect_counts(ep, 0, 0, 0, 0);
        struct member sam;
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        get(NULL, RETRO, &r);
        expect_in(&r, "<h2 id=\"tried-h\">I tried this</h2>", "the box");
        expect_in(&r, "Nobody has said they tried this yet.", "an empty box invites");
        expect_in(&r, "Log in to say you tried this", "guests are asked to log in");
        resp_free(&r);
        get(&sam, RETRO, &r);
        expect_in(&r, "action=\"/n/" NL "/the-fifteen-minute-retro/tried\"", "a JS-less form");
        resp_free(&r);
        record(&sam, RETRO, "Ran the three questions with my design team on Friday.");
        expect_counts(ep, 1, 0, 0, 0);
        get(&sam, RETRO, &r);
        expect_in(&r, "1 person tried this", "the count");
        expect_in(&r, "You tried this", "the member sees their record");
        expect_in(&r, "Ran the three questions with my design team on Friday.", "the note");
        expect_in(&r, "Save how it went", "the outcome form");
        resp_free(&r);
        /* editing the note keeps one record */
        record(&sam, RETRO, "Ran the three questions with my design team, twice now.");
        expect_counts(ep, 1, 0, 0, 0);
        outcome(&sam, RETRO, "worked", "We fixed the flaky deploy script in week two.");
        expect_counts(ep, 1, 1, 0, 0);
        outcome(&sam, RETRO, "mixed", "");
        expect_counts(ep, 1, 0, 1, 0);
        outcome(&sam, RETRO, "failed", "Week four, nobody came.");
        expect_counts(ep, 1, 0, 0, 1);
        get(NULL, RETRO, &r);
        expect_in(&r, "1 didn&#39;t work", "the outcome counts");
        expect_in(&r, "Week four, nobody came.", "the outcome note");
        expect_in(&r, "twice now.", "the edited note");
        expect_in(&r, "<svg class=\"tried-bar\"", "a bar of outcomes");
        resp_free(&r);
        /* taking the outcome back */
        outcome(&sam, RETRO, "", "");
        expect_counts(ep, 1, 0, 0, 0);
        /* an outcome first creates the record too */
        struct member ana;
        login_as(&ana, "ana", NULL);
        outcome(&ana, RETRO, "worked", "Tried it with my class.");
        expect_counts(ep, 2, 1, 0, 0);
        withdraw(&sam, RETRO);
        expect_counts(ep, 1, 1, 0, 0);
        withdraw(&ana, RETRO);
        expect_counts(ep, 0, 0, 0, 0);
        withdraw(&ana, RETRO); /* twice: as once */
        expect_counts(ep, 0, 0, 0, 0);
        char mine[16];
        counts_of(&ana, ep, mine, sizeof(mine));
        assert_string_equal(mine, "-");
}

static void test_demo_tries_and_notes_page(void **state)
{
        (void)state;
        long ep = ep_of(BALCONY);
        expect_counts(ep, 5, 2, 1, 1);
        struct http_resp r;
        get(NULL, BALCONY, &r);
        expect_in(&r, "5 people tried this", "the demo count");
        expect_in(&r, "One small change per lesson", "ana's note");
        expect_in(&r, "每周一个小样本报表", "liwei's note");
        resp_free(&r);
        get(NULL, BALCONY "/tried", &r);
        expect_status(&r, 200, "the notes page");
        expect_in(&r, "Who tried", "its title");
        expect_in(&r, "Two fifteen-minute sketch checks", "every note");
        resp_free(&r);
        /* paging: more notes than a page */
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        api(NULL, "GET", path, NULL, false, &r);
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_array_size(json_object_get(j, "notes")), 5);
        assert_null(json_object_get(j, "next_before"));
        json_t *first = json_array_get(json_object_get(j, "notes"), 0);
        assert_string_equal(jstr(json_object_get(first, "member"), "handle"), "june");
        assert_true(json_is_null(json_object_get(first, "outcome")));
        json_decref(j);
}

/* ---------------------------------------------------------------- bad input */

static void test_hostile_and_invalid_input(void **state)
{
        (void)state;
        long ep = ep_of(RETRO);
        struct member sam;
        login_as(&sam, "sam", NULL);
        record(&sam, RETRO, "<script>alert(1)</script><b>bold</b> & more");
        struct http_resp r;
        get(NULL, RETRO, &r);
        expect_not_in(&r, "<script>alert(1)", "no live script");
        expect_in(&r, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; more",
                  "the note as text");
        resp_free(&r);
        char big[700];
        memset(big, 'n', 501);
        memcpy(big, "KEEPME", 6);
        big[501] = '\0';
        const char *kv[] = {"note", big, NULL};
        tried_form(&sam, RETRO, "", kv, true, &r);
        expect_status(&r, 422, "an over-long note");
        expect_in(&r, "A note can be up to 500 characters.", "why");
        expect_in(&r, "KEEPME", "the text is kept");
        resp_free(&r);
        const char *bad[] = {"outcome", "brilliant", "outcome_note", "KEEP-OUTCOME", NULL};
        tried_form(&sam, RETRO, "/outcome", bad, true, &r);
        expect_status(&r, 422, "an unknown outcome");
        expect_in(&r, "Choose how it went", "why");
        expect_in(&r, "KEEP-OUTCOME", "the text is kept");
        resp_free(&r);
        const char *no_outcome[] = {"outcome", "", "outcome_note", "It went fine", NULL};
        tried_form(&sam, RETRO, "/outcome", no_outcome, true, &r);
        expect_status(&r, 422, "a note without an outcome");
        resp_free(&r);
        /* nothing half-saved */
        expect_counts(ep, 1, 0, 0, 0);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        api(&sam, "POST", path, "{\"outcome\":\"great\"}", true, &r);
        expect_api_error(&r, 422, "outcome:", "the API names the field");
        resp_free(&r);
        api(&sam, "POST", path, "{\"note\":\"\\u0007bell\"}", true, &r);
        expect_api_error(&r, 400, "control characters", "the router refuses control characters");
        resp_free(&r);
        /* guests cannot record */
        const char *g[] = {"note", "guest", NULL};
        tried_form(NULL, RETRO, "", g, false, &r);
        assert_true(r.status == 303 || r.status == 401 || r.status == 403);
        resp_free(&r);
        expect_counts(ep, 1, 0, 0, 0);
}

static void test_drafts_cannot_be_tried(void **state)
{
        (void)state;
        struct member sam, mira;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        long ep = edit_id_of(&mira, DRAFT);
        const char *kv[] = {"note", "early", NULL};
        struct http_resp r;
        tried_form(&sam, DRAFT, "", kv, true, &r);
        expect_status(&r, 404, "a reader and a draft");
        resp_free(&r);
        tried_form(&mira, DRAFT, "", kv, true, &r);
        expect_status(&r, 404, "its author too: nobody has tried a draft");
        resp_free(&r);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        api(NULL, "GET", path, NULL, false, &r);
        expect_api_error(&r, 404, NULL, "a draft's record");
        resp_free(&r);
        api(&sam, "POST", path, "{\"note\":\"early\"}", true, &r);
        expect_api_error(&r, 404, NULL, "through the API");
        resp_free(&r);
        assert_int_equal(status_of(NULL, DRAFT "/tried"), 404);
}

/* ---------------------------------------------------------------- moderation */

static void test_hidden_notes_vanish_but_count(void **state)
{
        (void)state;
        long ep = ep_of(BALCONY);
        struct member june, sam, tomas, ana;
        login_as(&june, "june", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&ana, "ana", NULL);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        struct http_resp r;
        api(&sam, "GET", path, NULL, false, &r);
        json_t *j = json_of(&r);
        resp_free(&r);
        long sam_id = (long)json_integer_value(json_object_get(json_object_get(j, "mine"), "id"));
        json_decref(j);
        assert_true(sam_id > 0);
        char hide[64];
        snprintf(hide, sizeof(hide), "/tried/%ld/hide", sam_id);
        const char *on[] = {"hidden", "1", NULL}, *off[] = {"hidden", "0", NULL};
        post_pairs(&ana, hide, on, true, &r);
        expect_status(&r, 403, "a reader cannot hide");
        resp_free(&r);
        post_pairs(&sam, hide, on, true, &r);
        expect_status(&r, 403, "nor hide their own");
        resp_free(&r);
        post_pairs(&june, hide, on, true, &r);
        expect_status(&r, 303, "a moderator hides");
        resp_free(&r);
        /* gone from the lists, still counted */
        expect_counts(ep, 5, 2, 1, 1);
        get(NULL, BALCONY "/tried", &r);
        expect_not_in(&r, "Two fifteen-minute sketch checks", "a hidden note is gone");
        resp_free(&r);
        api(NULL, "GET", path, NULL, false, &r);
        expect_not_in(&r, "sketch checks", "from the API too");
        resp_free(&r);
        get(&sam, BALCONY, &r);
        expect_in(&r, "A moderator hid your note.", "its member is told");
        resp_free(&r);
        const char *kv[] = {"note", "Sneaking it back", NULL};
        tried_form(&sam, BALCONY, "", kv, true, &r);
        expect_status(&r, 403, "a hidden note cannot change");
        resp_free(&r);
        /* moderators see it to restore it; the episode's author moderates too */
        get(&june, BALCONY "/tried", &r);
        expect_in(&r, "Two fifteen-minute sketch checks", "a moderator sees it");
        expect_in(&r, "hidden by a moderator", "marked");
        resp_free(&r);
        post_pairs(&tomas, hide, off, true, &r);
        expect_status(&r, 303, "the author restores");
        resp_free(&r);
        get(NULL, BALCONY "/tried", &r);
        expect_in(&r, "Two fifteen-minute sketch checks", "restored");
        resp_free(&r);
        /* a hidden one can still be withdrawn, and the counts follow */
        post_pairs(&june, hide, on, true, &r);
        resp_free(&r);
        withdraw(&sam, BALCONY);
        expect_counts(ep, 4, 2, 0, 1);
}

/* ---------------------------------------------------------------- concurrency */

enum { RACERS = 12 };

/* Sends each request of its own process at once; returns how many got want. */
static int race(const struct member *const *ms, int n, const char *path, const char *body, int want)
{
        int ok = 0;
        pid_t pids[RACERS * 2];
        for (int i = 0; i < n; i++) {
                fflush(NULL);
                pids[i] = fork();
                assert_true(pids[i] >= 0);
                if (pids[i] == 0) {
                        char cookie[1024], form[1024];
                        jar_header(&ms[i]->jar, cookie, sizeof(cookie));
                        snprintf(form, sizeof(form), "_csrf=%s&%s", ms[i]->csrf, body);
                        struct http_resp r;
                        int rc =
                            http_do(srv.port, "POST", path, cookie,
                                    "application/x-www-form-urlencoded", form, strlen(form), &r);
                        _exit(rc == 0 && r.status == want ? 0 : 1);
                }
        }
        for (int i = 0; i < n; i++) {
                int status;
                waitpid(pids[i], &status, 0);
                ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        return ok;
}

static void test_one_record_per_member_under_concurrent_posts(void **state)
{
        (void)state;
        long ep = ep_of(RETRO);
        struct member sam;
        login_as(&sam, "sam", NULL);
        const struct member *same[RACERS];
        for (int i = 0; i < RACERS; i++)
                same[i] = &sam;
        assert_int_equal(race(same, RACERS, RETRO "/tried", "note=at+once", 303), RACERS);
        expect_counts(ep, 1, 0, 0, 0);
        assert_int_equal(race(same, RACERS, RETRO "/tried/outcome", "outcome=worked", 303), RACERS);
        expect_counts(ep, 1, 1, 0, 0);
        /* many members, outcomes changing at once: the counters stay exact */
        static const char *const cast[] = {"admin", "mira", "tomas", "june", "liwei", "ana"};
        struct member ms[6];
        const struct member *who[RACERS];
        for (int i = 0; i < 6; i++) {
                login_as(&ms[i], cast[i], NULL);
                who[2 * i] = who[2 * i + 1] = &ms[i];
        }
        assert_int_equal(race(who, RACERS, RETRO "/tried/outcome", "outcome=mixed", 303), RACERS);
        expect_counts(ep, 7, 1, 6, 0);
        assert_int_equal(race(who, RACERS, RETRO "/tried/outcome", "outcome=failed", 303), RACERS);
        expect_counts(ep, 7, 1, 0, 6);
        assert_int_equal(race(who, RACERS, RETRO "/tried/delete", "x=1", 303), RACERS);
        expect_counts(ep, 1, 1, 0, 0);
}

/* ---------------------------------------------------------------- API, CSRF, limits */

static void test_tried_api(void **state)
{
        (void)state;
        long ep = ep_of(RETRO);
        struct member liwei;
        login_as(&liwei, "liwei", NULL);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        struct http_resp r;
        api(&liwei, "POST", path, "{\"note\":\"每周五十五分钟的复盘\"}", true, &r);
        expect_status(&r, 200, "recording through the API");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "count")), 1);
        json_t *mine = json_object_get(j, "mine");
        assert_string_equal(jstr(mine, "note"), "每周五十五分钟的复盘");
        assert_true(json_is_null(json_object_get(mine, "outcome")));
        json_decref(j);
        /* what is not sent stays */
        api(&liwei, "POST", path, "{\"outcome\":\"mixed\",\"outcome_note\":\"一半有用\"}", true,
            &r);
        expect_status(&r, 200, "an outcome through the API");
        j = json_of(&r);
        resp_free(&r);
        mine = json_object_get(j, "mine");
        assert_string_equal(jstr(mine, "note"), "每周五十五分钟的复盘");
        assert_string_equal(jstr(mine, "outcome"), "mixed");
        assert_string_equal(jstr(mine, "outcome_note"), "一半有用");
        assert_false(json_is_null(json_object_get(mine, "outcome_at")));
        assert_int_equal(json_integer_value(json_object_get(j, "mixed")), 1);
        json_decref(j);
        api(&liwei, "DELETE", path, NULL, true, &r);
        expect_status(&r, 200, "withdrawing through the API");
        j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "count")), 0);
        assert_int_equal(json_integer_value(json_object_get(j, "mixed")), 0);
        assert_true(json_is_null(json_object_get(j, "mine")));
        json_decref(j);
        api(&liwei, "DELETE", path, NULL, true, &r);
        expect_api_error(&r, 404, NULL, "nothing left to withdraw");
        resp_free(&r);
        api(NULL, "POST", path, "{\"note\":\"guest\"}", false, &r);
        assert_true(r.status == 401 || r.status == 403);
        resp_free(&r);
        api(&liwei, "POST", "/api/v1/episodes/999999/tried", "{\"note\":\"x\"}", true, &r);
        expect_api_error(&r, 404, NULL, "no such episode");
        resp_free(&r);
}

static void test_csrf_and_rate_limits(void **state)
{
        (void)state;
        long ep = ep_of(RETRO);
        struct member ana;
        login_as(&ana, "ana", NULL);
        const char *kv[] = {"note", "no token", NULL};
        struct http_resp r;
        tried_form(&ana, RETRO, "", kv, false, &r);
        expect_status(&r, 403, "a form without the token");
        resp_free(&r);
        tried_form(&ana, RETRO, "/delete", NULL, false, &r);
        expect_status(&r, 403, "withdrawing without the token");
        resp_free(&r);
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/tried", ep);
        api(&ana, "POST", path, "{\"note\":\"no token\"}", false, &r);
        expect_status(&r, 403, "the API without the token");
        resp_free(&r);
        expect_counts(ep, 0, 0, 0, 0);
        /* 30 writes an hour (KD_TRIED_WRITES_PER_MEMBER_PER_HOUR), then 429 */
        int limited = 0;
        for (int i = 0; i < 32; i++) {
                char note[32];
                snprintf(note, sizeof(note), "take %d", i);
                const char *one[] = {"note", note, NULL};
                tried_form(&ana, RETRO, "", one, true, &r);
                if (r.status == 429) {
                        char retry[16];
                        header(&r, "Retry-After", retry, sizeof(retry));
                        limited++;
                } else {
                        expect_status(&r, 303, "within the limit");
                }
                resp_free(&r);
        }
        assert_int_equal(limited, 2);
        expect_counts(ep, 1, 0, 0, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_record_outcome_and_withdraw),
            T(test_demo_tries_and_notes_page),
            T(test_hostile_and_invalid_input),
            T(test_drafts_cannot_be_tried),
            T(test_hidden_notes_vanish_but_count),
            T(test_one_record_per_member_under_concurrent_posts),
            T(test_tried_api),
            T(test_csrf_and_rate_limits),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("tried", tests, NULL, NULL);
}
