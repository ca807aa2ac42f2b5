/* Unit tests for where comments belong (model/comment.c): the episode's own conversation, the
 * answers to a prompt, the comments on a build-on. Each list reads only its own; replies stay
 * with their parent; every count (episode, prompt, build-on) stays exact through hiding,
 * restoring and deleting; an episode gone before the comment's INSERT is answered as missing.
 * Against a real SQLite file with the demo site, and under tests/pg/run on PostgreSQL. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/demo.h"
#include "model/problem.h"
#include "model/transfer.h"
#include "tmpdb.h"

static struct tmpdb t;
static int64_t episode, other_episode, prompt, closed_prompt, buildon, reader;

/* The first column of sql's one row (sql a literal, as db_prepare's cache keys on the pointer). */
static int64_t one_value(const char *sql)
{
        struct db_stmt *s = db_prepare(t.db, sql);
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t v = db_col_int(s, 0);
        db_finish(s);
        return v;
}

/* The same for a query of one argument, ?1. */
static int64_t one_int(const char *sql, int64_t arg)
{
        struct db_stmt *s = db_prepare(t.db, sql);
        assert_non_null(s);
        db_bind_int(s, 1, arg);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t v = db_col_int(s, 0);
        db_finish(s);
        return v;
}

static int64_t insert(const char *sql, int64_t a, int64_t b)
{
        struct db_stmt *s = db_prepare(t.db, sql);
        assert_non_null(s);
        db_bind_int(s, 1, a);
        db_bind_int(s, 2, b);
        db_bind_int(s, 3, time_now());
        assert_int_equal(db_step(s), DB_ROW);
        int64_t id = db_col_int(s, 0);
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);
        return id;
}

static int setup(void **state)
{
        (void)state;
        if (tmpdb_open(&t) != 0 || db_migrate(t.db, NULL) != DB_OK)
                return -1;
        struct import_report report = {0};
        if (demo_seed(t.db, t.dir, &report) <= 0)
                return -1;
        struct arena *a = arena_new();
        /* the draft: the demo asks it no questions */
        episode = demo_episode_id(t.db, a, "a-letter-to-next-years-team");
        other_episode = demo_episode_id(t.db, a, "demo-days-without-the-theatre");
        reader = demo_member_id(t.db, a, "sam");
        int64_t author = demo_member_id(t.db, a, "ana");
        arena_free(a);
        if (!episode || !other_episode || !reader || !author)
                return -1;
        prompt = insert("INSERT INTO prompt (episode_id, position, question, created_at, "
                        "updated_at) VALUES (?1, ?2, 'What would you try first?', ?3, ?3) "
                        "RETURNING id",
                        episode, 1);
        closed_prompt = insert("INSERT INTO prompt (episode_id, position, question, closed_at, "
                               "created_at, updated_at) VALUES (?1, ?2, 'Closed?', ?3, ?3, ?3) "
                               "RETURNING id",
                               episode, 2);
        buildon = insert("INSERT INTO buildon (episode_id, author_id, title, body, body_html, "
                         "created_at, updated_at) VALUES (?1, ?2, 'Further', 'More.', "
                         "'<p>More.</p>', ?3, ?3) RETURNING id",
                         episode, author);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        tmpdb_remove(&t);
        return 0;
}

static int64_t post(int64_t parent, int64_t in_prompt, int64_t in_buildon, const char *body,
                    int expect, const char *field)
{
        struct comment_input in = {.episode_id = episode,
                                   .parent_id = parent,
                                   .author_id = reader,
                                   .body = body,
                                   .prompt_id = in_prompt,
                                   .buildon_id = in_buildon};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(comment_create(t.db, &in, &id, &p), expect);
        if (field)
                assert_string_equal(p.field, field);
        return id;
}

static int64_t episode_count(void)
{
        return one_int("SELECT comment_count FROM episode WHERE id = ?1", episode);
}

static int listed(const struct comment_scope *sc, int64_t id)
{
        struct arena *a = arena_new();
        struct comment *cs;
        int64_t next;
        int n = comment_list_page_in(t.db, a, sc, 0, &cs, &next);
        assert_true(n >= 0);
        int found = 0;
        for (int i = 0; i < n; i++) {
                if (cs[i].id == id) {
                        found = 1;
                        assert_int_equal(cs[i].prompt_id, sc->prompt_id);
                        assert_int_equal(cs[i].buildon_id, sc->buildon_id);
                }
        }
        arena_free(a);
        return found;
}

static void test_each_list_reads_its_own(void **state)
{
        (void)state;
        int64_t before = episode_count();
        int64_t plain = post(0, 0, 0, "A plain comment.", PUB_OK, NULL);
        int64_t answer = post(0, prompt, 0, "My answer.", PUB_OK, NULL);
        int64_t on_buildon = post(0, 0, buildon, "On the build-on.", PUB_OK, NULL);
        /* a reply goes where its parent is, whatever the form said */
        int64_t reply = post(answer, 0, buildon, "A reply to the answer.", PUB_OK, NULL);
        /* a new thread is its own root, a reply is in its parent's thread */
        assert_int_equal(one_int("SELECT root_id FROM comment WHERE id = ?1", plain), plain);
        assert_int_equal(one_int("SELECT root_id FROM comment WHERE id = ?1", answer), answer);
        assert_int_equal(one_int("SELECT root_id FROM comment WHERE id = ?1", on_buildon),
                         on_buildon);
        assert_int_equal(one_int("SELECT root_id FROM comment WHERE id = ?1", reply), answer);
        assert_true(plain < answer && answer < on_buildon && on_buildon < reply);

        struct comment_scope own = {.episode_id = episode};
        struct comment_scope answers = {.episode_id = episode, .prompt_id = prompt};
        struct comment_scope remarks = {.episode_id = episode, .buildon_id = buildon};
        assert_true(listed(&own, plain));
        assert_false(listed(&own, answer));
        assert_false(listed(&own, on_buildon));
        assert_true(listed(&answers, answer));
        assert_true(listed(&answers, reply));
        assert_false(listed(&answers, plain));
        assert_true(listed(&remarks, on_buildon));
        assert_false(listed(&remarks, reply));

        /* the episode counts its own and the answers; the build-on counts its comments; the
         * prompt counts answers, not replies */
        assert_int_equal(episode_count(), before + 3);
        assert_int_equal(one_int("SELECT answer_count FROM prompt WHERE id = ?1", prompt), 1);
        assert_int_equal(one_int("SELECT comment_count FROM buildon WHERE id = ?1", buildon), 1);

        /* hiding and restoring recount each place exactly */
        assert_int_equal(comment_set_hidden(t.db, answer, reader, true), PUB_OK);
        assert_int_equal(one_int("SELECT answer_count FROM prompt WHERE id = ?1", prompt), 0);
        assert_int_equal(episode_count(), before + 2);
        assert_int_equal(comment_set_hidden(t.db, on_buildon, reader, true), PUB_OK);
        assert_int_equal(one_int("SELECT comment_count FROM buildon WHERE id = ?1", buildon), 0);
        assert_int_equal(episode_count(), before + 2);
        assert_int_equal(comment_set_hidden(t.db, answer, reader, false), PUB_OK);
        assert_int_equal(comment_set_hidden(t.db, on_buildon, reader, false), PUB_OK);
        assert_int_equal(one_int("SELECT answer_count FROM prompt WHERE id = ?1", prompt), 1);
        assert_int_equal(one_int("SELECT comment_count FROM buildon WHERE id = ?1", buildon), 1);
        assert_int_equal(episode_count(), before + 3);
        assert_int_equal(comment_delete(t.db, on_buildon, reader), PUB_OK);
        assert_int_equal(one_int("SELECT comment_count FROM buildon WHERE id = ?1", buildon), 0);
        assert_int_equal(episode_count(), before + 3);
}

static void test_places_are_checked(void **state)
{
        (void)state;
        int64_t before = episode_count();
        post(0, closed_prompt, 0, "Too late.", PUB_INVALID, "prompt");
        post(0, prompt + closed_prompt + buildon + 1000, 0, "Nowhere.", PUB_INVALID, "prompt");
        post(0, prompt, buildon, "Both at once.", PUB_INVALID, "prompt");
        post(0, 0, buildon + 1000, "No such build-on.", PUB_INVALID, "buildon");
        /* a prompt of another episode is no prompt of this one */
        int64_t elsewhere = insert("INSERT INTO prompt (episode_id, position, question, "
                                   "created_at, updated_at) VALUES (?1, ?2, 'Elsewhere?', ?3, ?3) "
                                   "RETURNING id",
                                   other_episode, 1);
        post(0, elsewhere, 0, "Wrong episode.", PUB_INVALID, "prompt");
        /* a build-on's comments quote nothing of the episode */
        struct comment_input in = {.episode_id = episode,
                                   .author_id = reader,
                                   .body = "Quoting.",
                                   .buildon_id = buildon,
                                   .quote_exact = "first language"};
        struct field_problem p = {0};
        int64_t id;
        assert_int_equal(comment_create(t.db, &in, &id, &p), PUB_INVALID);
        assert_string_equal(p.field, "quote");
        /* a hidden build-on takes no comments */
        struct db_stmt *s = db_prepare(t.db, "UPDATE buildon SET state = 'hidden' WHERE id = ?1");
        db_bind_int(s, 1, buildon);
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);
        post(0, 0, buildon, "Hidden.", PUB_INVALID, "buildon");
        assert_int_equal(episode_count(), before);
}

/* comment_input.first naming an episode that is not there: what a comment meets when its
 * episode is deleted between the handler's load and the INSERT (on PostgreSQL the load runs
 * before the transaction). */
static int gone_first(void *arg, int64_t *episode_id)
{
        (void)arg;
        *episode_id = one_value("SELECT max(id) + 1000 FROM episode");
        return 0;
}

/* The foreign key refuses the row: answered as no such episode, nothing written. */
static void test_episode_gone_before_the_insert(void **state)
{
        (void)state;
        int64_t before = episode_count(), comments = one_value("SELECT count(*) FROM comment");
        struct arena *a = arena_new();
        struct comment read;
        struct comment_input in = {.author_id = reader,
                                   .body = "Into thin air.",
                                   .first = gone_first,
                                   .read = &read,
                                   .read_arena = a};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(comment_create(t.db, &in, &id, &p), PUB_NOT_FOUND);
        arena_free(a);
        assert_int_equal(episode_count(), before);
        assert_int_equal(one_value("SELECT count(*) FROM comment"), comments);
        /* the next comment goes in as ever */
        assert_true(post(0, 0, 0, "Still here.", PUB_OK, NULL) > 0);
        assert_int_equal(episode_count(), before + 1);
}

/* Whether SQLite's plan for explain (an EXPLAIN QUERY PLAN: a literal, as db_prepare's cache
 * keys on the pointer) names index. */
static bool plan_uses(const char *explain, const char *index)
{
        struct db_stmt *s = db_prepare(t.db, explain);
        assert_non_null(s);
        bool uses = false;
        while (db_step(s) == DB_ROW)
                uses = uses || strstr(db_col_text(s, 3), index);
        db_finish(s);
        return uses;
}

static int delete_comment(int64_t id)
{
        struct db_stmt *s = db_prepare(t.db, "DELETE FROM comment WHERE id = ?1");
        assert_non_null(s);
        db_bind_int(s, 1, id);
        int step = db_step(s);
        db_finish(s);
        return step;
}

/* comment_by_parent holds replies only (migration 024): a new thread writes no entry, replies
 * are still found through it, and the foreign key still keeps a comment with replies. */
static void test_replies_are_found_by_their_parent(void **state)
{
        (void)state;
        int64_t thread = post(0, 0, 0, "A thread.", PUB_OK, NULL);
        int64_t reply = post(thread, 0, 0, "A reply.", PUB_OK, NULL);
        assert_true(thread > 0 && reply > 0);
        if (db_kind(t.db) == DB_SQLITE) {
                assert_true(
                    plan_uses("EXPLAIN QUERY PLAN SELECT id FROM comment WHERE parent_id = ?1",
                              "comment_by_parent"));
                /* nor can a thread be found through it: it holds no entry for them */
                assert_null(db_prepare(t.db, "SELECT id FROM comment INDEXED BY comment_by_parent "
                                             "WHERE parent_id IS NULL"));
        } else {
                assert_int_equal(one_value("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                           "'comment_by_parent' AND indexdef LIKE '%WHERE "
                                           "(parent_id IS NOT NULL)'"),
                                 1);
        }
        assert_int_equal(delete_comment(thread), DB_CONSTRAINT);
        assert_int_equal(one_int("SELECT count(*) FROM comment WHERE parent_id = ?1", thread), 1);
        assert_int_equal(delete_comment(reply), DB_DONE);
        assert_int_equal(delete_comment(thread), DB_DONE);
        assert_int_equal(one_int("SELECT count(*) FROM comment WHERE id = ?1", thread), 0);
}

int main(void)
{
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL"); /* tests/pg/run: on PostgreSQL too */
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_each_list_reads_its_own, setup, teardown),
            cmocka_unit_test_setup_teardown(test_places_are_checked, setup, teardown),
            cmocka_unit_test_setup_teardown(test_episode_gone_before_the_insert, setup, teardown),
            cmocka_unit_test_setup_teardown(test_replies_are_found_by_their_parent, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
