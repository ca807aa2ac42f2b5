/* Unit tests for the asks model: the kept counts (ask.vote_count, newsletter.ask_open_count)
 * always equal what they count through any sequence of proposals, votes, decisions, hiding and
 * deletion; the lists' cursors walk every ask once in order even when many share a vote count;
 * the rules of who may change, vote and decide. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/role.h"
#include "model/ask.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "tmpdb.h"

#include <string.h>

enum { MEMBERS = 6 };

struct fixture {
        struct tmpdb t;
        struct arena *a;
        int64_t members[MEMBERS];
        int64_t nl, other;
};

static int64_t make_member(struct db *db, const char *handle, enum role role)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        struct member_input in = {handle, handle, "", "", email, "correct horse battery"};
        struct member_problem p = {0};
        int64_t id = 0;
        if (member_create(db, &in, role, &id, &p) != MEMBER_OK)
                fail_msg("member_create(%s)", handle);
        return id;
}

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        static const char *const handles[MEMBERS] = {"owner",   "coauthor", "reader1",
                                                     "reader2", "reader3",  "mod"};
        static const enum role roles[MEMBERS] = {ROLE_AUTHOR, ROLE_AUTHOR, ROLE_READER,
                                                 ROLE_READER, ROLE_READER, ROLE_MODERATOR};
        for (int i = 0; i < MEMBERS; i++)
                fx->members[i] = make_member(fx->t.db, handles[i], roles[i]);
        struct newsletter_input in = {"asked", "Asked", "", "coauthor"};
        struct field_problem p = {0};
        if (newsletter_create(fx->t.db, &in, fx->members[0], &fx->nl, &p) != PUB_OK)
                return -1;
        struct newsletter_input other = {"other", "Other", "", ""};
        if (newsletter_create(fx->t.db, &other, fx->members[1], &fx->other, &p) != PUB_OK)
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

static int64_t scalar(struct db *db, const char *sql, int64_t a)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        db_bind_int(s, 1, a);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t v = db_col_int(s, 0);
        db_finish(s);
        return v;
}

/* Every kept count equals a count of the rows. */
static void expect_counts_true(struct db *db, int64_t nl)
{
        assert_int_equal(scalar(db,
                                "SELECT count(*) FROM ask k WHERE vote_count <> (SELECT count(*) "
                                "FROM ask_vote v WHERE v.ask_id = k.id) AND ?1 = ?1",
                                0),
                         0);
        assert_int_equal(scalar(db, "SELECT ask_open_count FROM newsletter WHERE id = ?1", nl),
                         scalar(db,
                                "SELECT count(*) FROM ask WHERE newsletter_id = ?1 AND status = "
                                "'open' AND state = 'visible'",
                                nl));
}

static int64_t propose(struct db *db, int64_t nl, int64_t who, const char *title)
{
        struct ask_input in = {nl, who, title, ""};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(ask_create(db, &in, &id, &p), PUB_OK);
        return id;
}

/* A small deterministic generator, so a failure repeats. */
static uint32_t next_random(uint32_t *s)
{
        *s = *s * 1103515245u + 12345u;
        return (*s >> 16) & 0x7fff;
}

static void test_counts_stay_true_through_any_sequence(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        int64_t asks[12];
        for (int i = 0; i < 12; i++) {
                char title[32];
                snprintf(title, sizeof(title), "Ask %d", i);
                asks[i] = propose(db, fx->nl, fx->members[2 + i % 3], title);
        }
        expect_counts_true(db, fx->nl);
        uint32_t seed = 11;
        static const enum ask_status decisions[] = {ASK_OPEN, ASK_PLANNED, ASK_DECLINED};
        for (int step = 0; step < 600; step++) {
                int64_t id = asks[next_random(&seed) % 12];
                int64_t who = fx->members[next_random(&seed) % MEMBERS];
                bool changed = false;
                int votes = -1, rc;
                struct field_problem p = {0};
                switch (next_random(&seed) % 8) {
                case 0:
                case 1:
                case 2:
                        rc = ask_vote_set(db, id, who, true, &changed, &votes);
                        assert_true(rc == PUB_OK || rc == PUB_NOT_FOUND || rc == PUB_FORBIDDEN);
                        break;
                case 3:
                case 4:
                        rc = ask_vote_set(db, id, who, false, &changed, &votes);
                        assert_true(rc == PUB_OK || rc == PUB_NOT_FOUND || rc == PUB_FORBIDDEN);
                        break;
                case 5: {
                        struct ask_decision d = {decisions[next_random(&seed) % 3], "A reason.", 0};
                        rc = ask_decide(db, id, fx->members[0], &d, &p);
                        assert_true(rc == PUB_OK || rc == PUB_NOT_FOUND);
                        break;
                }
                case 6:
                        rc = ask_set_hidden(db, id, fx->members[5], next_random(&seed) % 2);
                        assert_true(rc == PUB_OK || rc == PUB_NOT_FOUND);
                        break;
                default:
                        if (next_random(&seed) % 6 == 0) /* rarely: deletions end an ask */
                                ask_delete(db, id, who);
                        break;
                }
                if (votes >= 0)
                        assert_int_equal(
                            votes,
                            scalar(db, "SELECT count(*) FROM ask_vote WHERE ask_id = ?1", id));
                expect_counts_true(db, fx->nl);
        }
}

static void test_votes_once_each_and_close_on_decline(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        int64_t id = propose(db, fx->nl, fx->members[2], "Once each");
        bool changed;
        int votes;
        assert_int_equal(ask_vote_set(db, id, fx->members[2], true, &changed, &votes), PUB_OK);
        assert_false(changed); /* proposing was the vote */
        assert_int_equal(votes, 1);
        assert_int_equal(ask_vote_set(db, id, fx->members[3], true, &changed, &votes), PUB_OK);
        assert_true(changed);
        assert_int_equal(votes, 2);
        assert_int_equal(ask_vote_set(db, id, fx->members[3], true, &changed, &votes), PUB_OK);
        assert_false(changed);
        assert_int_equal(votes, 2);
        struct field_problem p = {0};
        struct ask_decision no_reason = {ASK_DECLINED, " \n", 0};
        assert_int_equal(ask_decide(db, id, fx->members[0], &no_reason, &p), PUB_INVALID);
        assert_string_equal(p.field, "note");
        struct ask_decision cover_nothing = {ASK_COVERED, "", 0};
        assert_int_equal(ask_decide(db, id, fx->members[0], &cover_nothing, &p), PUB_INVALID);
        assert_string_equal(p.field, "episode_id");
        struct ask_decision decline = {ASK_DECLINED, "Out of scope.", 0};
        assert_int_equal(ask_decide(db, id, fx->members[0], &decline, &p), PUB_OK);
        assert_int_equal(ask_vote_set(db, id, fx->members[4], true, &changed, &votes),
                         PUB_FORBIDDEN);
        assert_int_equal(ask_vote_set(db, id, fx->members[3], false, &changed, &votes),
                         PUB_FORBIDDEN);
        assert_int_equal(scalar(db, "SELECT vote_count FROM ask WHERE id = ?1", id), 2);
}

static void test_rules_of_who_may_do_what(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        int64_t id = propose(db, fx->nl, fx->members[2], "Rules");
        struct ask k;
        assert_int_equal(ask_get(db, fx->a, id, fx->members[3], false, &k), PUB_OK);
        assert_true(ask_can_change(&k, fx->members[2]));
        assert_false(ask_can_change(&k, fx->members[3]));
        assert_true(ask_can_vote(&k, fx->members[3]));
        assert_false(ask_can_vote(&k, 0));
        assert_true(ask_can_decide(db, &k, fx->members[0], ROLE_AUTHOR)); /* owner */
        assert_true(ask_can_decide(db, &k, fx->members[1], ROLE_AUTHOR)); /* co-author */
        assert_false(ask_can_decide(db, &k, fx->members[2], ROLE_READER));
        assert_false(ask_can_decide(db, &k, fx->members[5], ROLE_MODERATOR));
        assert_true(ask_can_moderate(db, &k, fx->members[5], ROLE_MODERATOR));
        assert_true(ask_can_moderate(db, &k, fx->members[0], ROLE_AUTHOR));
        assert_false(ask_can_moderate(db, &k, fx->members[3], ROLE_READER));
        /* another newsletter's author decides nothing here */
        int64_t elsewhere = propose(db, fx->other, fx->members[3], "Elsewhere");
        struct ask e;
        assert_int_equal(ask_get(db, fx->a, elsewhere, 0, false, &e), PUB_OK);
        assert_false(ask_can_decide(db, &e, fx->members[0], ROLE_AUTHOR));
        /* a decision freezes the text */
        struct field_problem p = {0};
        struct ask_decision plan = {ASK_PLANNED, "", 0};
        assert_int_equal(ask_decide(db, id, fx->members[0], &plan, &p), PUB_OK);
        struct ask_input edit = {0, 0, "Changed", ""};
        assert_int_equal(ask_edit(db, id, fx->members[2], &edit, &p), PUB_FORBIDDEN);
        assert_int_equal(ask_delete(db, id, fx->members[2]), PUB_FORBIDDEN);
        /* hidden asks do not take votes; deleted ones are gone */
        int64_t other = propose(db, fx->nl, fx->members[2], "Hidden soon");
        assert_int_equal(ask_set_hidden(db, other, fx->members[5], true), PUB_OK);
        assert_int_equal(ask_vote_set(db, other, fx->members[3], true, NULL, NULL), PUB_NOT_FOUND);
        assert_int_equal(ask_set_hidden(db, other, fx->members[5], false), PUB_OK);
        assert_int_equal(ask_delete(db, other, fx->members[2]), PUB_OK);
        assert_int_equal(ask_set_hidden(db, other, fx->members[5], true), PUB_NOT_FOUND);
        assert_int_equal(ask_get(db, fx->a, other, 0, false, &k), PUB_OK);
        assert_int_equal(k.state, ITEM_DELETED);
        assert_string_equal(k.title, "");
        assert_int_equal(k.vote_count, 0);
}

/* Walks a view page by page and checks it against the whole list in the same order. */
static void walk(struct fixture *fx, enum ask_view view, const char *order_sql)
{
        struct db *db = fx->t.db;
        struct db_stmt *s = db_prepare(db, order_sql);
        assert_non_null(s);
        db_bind_int(s, 1, fx->nl);
        int64_t want[200];
        int nwant = 0;
        while (db_step(s) == DB_ROW && nwant < 200)
                want[nwant++] = db_col_int(s, 0);
        db_finish(s);
        struct ask_cursor from = {0, 0}, next;
        int got = 0, pages = 0;
        for (;;) {
                struct ask *ks;
                int n = ask_list(db, fx->a, fx->nl, view, &from, 7, 0, false, &ks, &next);
                assert_true(n >= 0 && n <= 7);
                for (int i = 0; i < n; i++) {
                        assert_true(got < nwant);
                        assert_int_equal(ks[i].id, want[got]);
                        got++;
                }
                pages++;
                if (!next.before)
                        break;
                from = next;
        }
        assert_int_equal(got, nwant);
        assert_true(pages >= 2);
}

static void test_cursors_walk_every_ask_once_in_order(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        uint32_t seed = 7;
        for (int i = 0; i < 40; i++) {
                char title[32];
                snprintf(title, sizeof(title), "Paged %d", i);
                int64_t id = propose(db, fx->nl, fx->members[2], title);
                /* few distinct counts: many ties broken by id */
                for (int m = 3; m < 3 + (int)(next_random(&seed) % 3); m++)
                        assert_int_equal(ask_vote_set(db, id, fx->members[m], true, NULL, NULL),
                                         PUB_OK);
                if (i % 9 == 0)
                        assert_int_equal(ask_set_hidden(db, id, fx->members[5], true), PUB_OK);
        }
        walk(fx, ASK_VIEW_TOP,
             "SELECT id FROM ask WHERE newsletter_id = ?1 AND status = 'open' AND state = "
             "'visible' ORDER BY vote_count DESC, id DESC");
        walk(fx, ASK_VIEW_NEW,
             "SELECT id FROM ask WHERE newsletter_id = ?1 AND state = 'visible' ORDER BY id DESC");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_counts_stay_true_through_any_sequence, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_votes_once_each_and_close_on_decline, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_rules_of_who_may_do_what, setup, teardown),
            cmocka_unit_test_setup_teardown(test_cursors_walk_every_ask_once_in_order, setup,
                                            teardown),
        };
        return cmocka_run_group_tests_name("ask model", tests, NULL, NULL);
}
