/* Unit tests for the models of "Questions for you" (saving questions keeps answered ones) and
 * "I tried this" (the episode's counters after any sequence of records, outcome changes,
 * withdrawals and hiding equal a recount), against a migrated temporary database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/role.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/prompt.h"
#include "model/season.h"
#include "model/tried.h"
#include "tmpdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEMBERS = 6 };

struct fixture {
        struct tmpdb t;
        struct arena *a;
        int64_t members[MEMBERS];
        int64_t episode;
};

static int64_t make_member(struct db *db, const char *handle, enum role role)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        struct member_input in = {handle, handle, "", "", email, "correct horse battery"};
        struct member_problem p = {0};
        int64_t id = 0;
        assert_int_equal(member_create(db, &in, role, &id, &p), MEMBER_OK);
        return id;
}

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        struct db *db = fx->t.db;
        for (int i = 0; i < MEMBERS; i++) {
                char handle[16];
                snprintf(handle, sizeof(handle), "member%d", i);
                fx->members[i] = make_member(db, handle, i == 0 ? ROLE_AUTHOR : ROLE_READER);
        }
        struct newsletter_input nl = {"lip", "Learning in Public", "", NULL};
        struct field_problem p = {0};
        int64_t newsletter = 0, season = 0;
        if (newsletter_create(db, &nl, fx->members[0], &newsletter, &p) != PUB_OK)
                return -1;
        struct season_input s = {1, "Season 1", "", CADENCE_IRREGULAR, 0, SEASON_AIRING, 0};
        if (season_save(db, newsletter, 0, &s, &season, &p) != PUB_OK)
                return -1;
        struct episode_input e = {
            .newsletter_id = newsletter,
            .season_number = 1,
            .author_id = fx->members[0],
            .title = "Shorter Loops",
            .body = "Make the loops shorter.",
            .status = EPISODE_PUBLISHED,
            .publish_at = time_now() - 3600,
        };
        if (episode_save(db, 0, &e, &fx->episode, &p) != PUB_OK)
                return -1;
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        arena_free(fx->a);
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

#define FX ((struct fixture *)*state)
#define DB (FX->t.db)

static int64_t scalar(struct db *db, const char *sql, int64_t id)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        db_bind_int(s, 1, id);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t v = db_col_int(s, 0);
        db_finish(s);
        return v;
}

/* ---------------------------------------------------------------- questions */

static void save_questions(void **state, const char *q1, const char *q2, const char *q3, int want,
                           const char *field)
{
        const char *qs[KD_PROMPTS_PER_EPISODE] = {q1, q2, q3, "", ""};
        struct field_problem p = {0};
        int rc = prompt_save_questions(DB, FX->episode, qs, &p);
        if (rc != want)
                fail_msg("prompt_save_questions: %d, expected %d (%s)", rc, want,
                         p.message ? p.message : "");
        if (field)
                assert_string_equal(p.field, field);
}

static void test_questions_keep_their_rows_and_answers(void **state)
{
        save_questions(state, "  First?  ", "Second?", "", PUB_OK, NULL);
        struct prompt *ps;
        assert_int_equal(prompt_list_episode(DB, FX->a, FX->episode, &ps), 2);
        assert_string_equal(ps[0].question, "First?"); /* trimmed */
        int64_t first = ps[0].id, second = ps[1].id;
        /* an answer to the first */
        struct comment_input in = {.episode_id = FX->episode,
                                   .author_id = FX->members[1],
                                   .body = "An answer",
                                   .prompt_id = first};
        struct field_problem p = {0};
        int64_t answer;
        assert_int_equal(comment_create(DB, &in, &answer, &p), PUB_OK);
        assert_int_equal(scalar(DB, "SELECT answer_count FROM prompt WHERE id = ?1", first), 1);
        /* reworded: same row, same answer */
        save_questions(state, "First, reworded?", "Second?", "Third?", PUB_OK, NULL);
        assert_int_equal(prompt_list_episode(DB, FX->a, FX->episode, &ps), 3);
        assert_int_equal(ps[0].id, first);
        assert_string_equal(ps[0].question, "First, reworded?");
        assert_int_equal(ps[1].id, second);
        assert_int_equal(scalar(DB, "SELECT prompt_id FROM comment WHERE id = ?1", answer), first);
        /* an answered question cannot go; the whole save is refused, nothing changes */
        save_questions(state, "", "Second, changed?", "Third?", PUB_INVALID, "prompt1");
        assert_int_equal(prompt_list_episode(DB, FX->a, FX->episode, &ps), 3);
        assert_string_equal(ps[1].question, "Second?");
        /* a deleted answer still holds its question */
        assert_int_equal(comment_delete(DB, answer, FX->members[1]), PUB_OK);
        assert_int_equal(scalar(DB, "SELECT answer_count FROM prompt WHERE id = ?1", first), 0);
        save_questions(state, "", "Second?", "Third?", PUB_INVALID, "prompt1");
        /* unanswered ones go */
        save_questions(state, "First, reworded?", "", "Third?", PUB_OK, NULL);
        assert_int_equal(prompt_list_episode(DB, FX->a, FX->episode, &ps), 2);
        assert_int_equal(ps[1].position, 3);
        /* bad questions */
        char big[KD_PROMPT_MAX_CHARS + 2];
        memset(big, 'q', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        save_questions(state, "First, reworded?", big, "", PUB_INVALID, "prompt2");
        save_questions(state, "First, reworded?", "two\nlines", "", PUB_INVALID, "prompt2");
        save_questions(state, "First, reworded?", "bell\a", "", PUB_INVALID, "prompt2");
        /* closing refuses answers; reopening takes them again */
        assert_int_equal(prompt_set_closed(DB, first, true), PUB_OK);
        int64_t closed_at = scalar(DB, "SELECT closed_at FROM prompt WHERE id = ?1", first);
        assert_true(closed_at > 0);
        assert_int_equal(prompt_set_closed(DB, first, true), PUB_OK); /* keeps the first time */
        assert_int_equal(scalar(DB, "SELECT closed_at FROM prompt WHERE id = ?1", first),
                         closed_at);
        int64_t late;
        assert_int_equal(comment_create(DB, &in, &late, &p), PUB_INVALID);
        assert_string_equal(p.field, "prompt");
        assert_int_equal(prompt_set_closed(DB, first, false), PUB_OK);
        assert_int_equal(comment_create(DB, &in, &late, &p), PUB_OK);
        assert_int_equal(prompt_set_closed(DB, 999999, true), PUB_NOT_FOUND);
}

/* ---------------------------------------------------------------- tried */

/* The counters equal a recount of the table. */
static void expect_counts_exact(void **state)
{
        struct tried_counts c;
        assert_int_equal(tried_counts_get(DB, FX->episode, &c), PUB_OK);
        int64_t ep = FX->episode;
        assert_int_equal(c.count,
                         scalar(DB, "SELECT count(*) FROM tried WHERE episode_id = ?1", ep));
        assert_int_equal(c.worked, scalar(DB,
                                          "SELECT count(*) FROM tried WHERE episode_id = ?1 AND "
                                          "outcome = 'worked'",
                                          ep));
        assert_int_equal(c.mixed, scalar(DB,
                                         "SELECT count(*) FROM tried WHERE episode_id = ?1 AND "
                                         "outcome = 'mixed'",
                                         ep));
        assert_int_equal(c.failed, scalar(DB,
                                          "SELECT count(*) FROM tried WHERE episode_id = ?1 AND "
                                          "outcome = 'failed'",
                                          ep));
}

static void test_tried_counters_equal_a_recount(void **state)
{
        static const char *const outcomes[] = {"worked", "mixed", "failed", "", NULL};
        unsigned seed = 20261201;
        for (int step = 0; step < 600; step++) {
                seed = seed * 1103515245u + 12345u;
                int64_t member = FX->members[(seed >> 8) % MEMBERS];
                int action = (int)((seed >> 16) % 6);
                struct field_problem p = {0};
                int rc;
                if (action == 0) {
                        rc = tried_withdraw(DB, FX->episode, member);
                        assert_true(rc == PUB_OK || rc == PUB_NOT_FOUND);
                } else if (action == 1) {
                        /* a moderator hides or restores someone's record: counts stay */
                        struct tried t;
                        if (tried_get_mine(DB, FX->a, FX->episode, member, &t) == PUB_OK)
                                assert_int_equal(
                                    tried_set_hidden(DB, t.id, FX->members[0], (seed >> 4) & 1),
                                    PUB_OK);
                } else {
                        struct tried_input in = {
                            .episode_id = FX->episode,
                            .member_id = member,
                            .note = action == 2 ? "a note" : NULL,
                            .outcome = outcomes[(seed >> 20) % 5],
                            .outcome_note = (seed >> 24) & 1 ? "how it went" : NULL,
                        };
                        rc = tried_save(DB, &in, NULL, &p);
                        /* refused: a hidden record, or a note without an outcome */
                        assert_true(rc == PUB_OK || rc == PUB_FORBIDDEN || rc == PUB_INVALID);
                }
                expect_counts_exact(state);
        }
        /* one record per member, whatever happened */
        assert_true(scalar(DB, "SELECT count(*) FROM tried WHERE episode_id = ?1", FX->episode) <=
                    MEMBERS);
}

static void test_tried_rules(void **state)
{
        int64_t m = FX->members[2];
        struct field_problem p = {0};
        struct tried_input in = {.episode_id = FX->episode, .member_id = m, .outcome = "great"};
        assert_int_equal(tried_save(DB, &in, NULL, &p), PUB_INVALID);
        assert_string_equal(p.field, "outcome");
        in = (struct tried_input){.episode_id = FX->episode, .member_id = m, .outcome_note = "x"};
        assert_int_equal(tried_save(DB, &in, NULL, &p), PUB_INVALID); /* no outcome to describe */
        char big[KD_TRIED_NOTE_MAX + 2];
        memset(big, 'n', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        in = (struct tried_input){.episode_id = FX->episode, .member_id = m, .note = big};
        assert_int_equal(tried_save(DB, &in, NULL, &p), PUB_INVALID);
        assert_string_equal(p.field, "note");
        /* nothing was written */
        assert_int_equal(
            scalar(DB, "SELECT count(*) FROM tried WHERE episode_id = ?1", FX->episode), 0);
        /* an outcome taken back takes its note and time along */
        in = (struct tried_input){.episode_id = FX->episode,
                                  .member_id = m,
                                  .outcome = "worked",
                                  .outcome_note = "It did"};
        int64_t id = 0;
        assert_int_equal(tried_save(DB, &in, &id, &p), PUB_OK);
        assert_true(scalar(DB, "SELECT outcome_at FROM tried WHERE id = ?1", id) > 0);
        in = (struct tried_input){.episode_id = FX->episode, .member_id = m, .outcome = ""};
        assert_int_equal(tried_save(DB, &in, NULL, &p), PUB_OK);
        struct tried t;
        assert_int_equal(tried_get_mine(DB, FX->a, FX->episode, m, &t), PUB_OK);
        assert_int_equal(t.outcome, TRIED_NO_OUTCOME);
        assert_string_equal(t.outcome_note, "");
        assert_int_equal(t.outcome_at, 0);
        /* hidden: no changes, but withdrawal */
        assert_int_equal(tried_set_hidden(DB, id, FX->members[0], true), PUB_OK);
        in = (struct tried_input){.episode_id = FX->episode, .member_id = m, .note = "back"};
        assert_int_equal(tried_save(DB, &in, NULL, &p), PUB_FORBIDDEN);
        struct tried *list;
        int64_t next;
        assert_int_equal(tried_list_episode(DB, FX->a, FX->episode, 0, 10, false, &list, &next), 0);
        assert_int_equal(tried_list_episode(DB, FX->a, FX->episode, 0, 10, true, &list, &next), 1);
        assert_int_equal(tried_withdraw(DB, FX->episode, m), PUB_OK);
        assert_int_equal(tried_withdraw(DB, FX->episode, m), PUB_NOT_FOUND);
        expect_counts_exact(state);
}

static void test_tried_pages(void **state)
{
        struct field_problem p = {0};
        for (int i = 0; i < MEMBERS; i++) {
                struct tried_input in = {
                    .episode_id = FX->episode, .member_id = FX->members[i], .note = "tried"};
                assert_int_equal(tried_save(DB, &in, NULL, &p), PUB_OK);
        }
        struct tried *list;
        int64_t next = 0, before = 0;
        int seen = 0, pages = 0;
        do {
                int n = tried_list_episode(DB, FX->a, FX->episode, before, 4, false, &list, &next);
                assert_true(n >= 0 && n <= 4);
                for (int i = 1; i < n; i++)
                        assert_true(list[i].id < list[i - 1].id); /* newest first */
                seen += n;
                pages++;
                before = next;
        } while (next);
        assert_int_equal(seen, MEMBERS);
        assert_int_equal(pages, 2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_questions_keep_their_rows_and_answers, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_tried_counters_equal_a_recount, setup, teardown),
            cmocka_unit_test_setup_teardown(test_tried_rules, setup, teardown),
            cmocka_unit_test_setup_teardown(test_tried_pages, setup, teardown),
        };
        return cmocka_run_group_tests_name("prompt_tried", tests, NULL, NULL);
}
