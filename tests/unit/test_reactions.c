/* Unit tests of reaction summaries for a list of items of one target (reaction_summaries), read
 * in batches of KD_REACTION_IDS_PER_QUERY, and of finding one in the result. */
#include "core/arena.h"
#include "core/limits.h"
#include "db/db.h"
#include "model/reaction.h"
#include "tmpdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

enum { ITEMS = 2 * KD_REACTION_IDS_PER_QUERY + 17 };

struct fixture {
        struct tmpdb t;
        struct arena *a;
};

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        /* two members; reactions on posts 1..ITEMS: member 1 likes every third item, member 2
         * likes and loves every fifth; and one reaction of the same id on another target */
        if (db_exec_script(fx->t.db,
                           "INSERT INTO member (id, handle, handle_key, display_name, email, "
                           "email_key, password_hash, role, created_at, updated_at) VALUES "
                           "(1, 'uma', 'uma', 'Uma', 'u@x.test', 'u@x.test', 'x', 'reader', 0, 0), "
                           "(2, 'vic', 'vic', 'Vic', 'v@x.test', 'v@x.test', 'x', 'reader', 0, 0);"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                           "i < 217) INSERT INTO reaction (target, target_id, kind, member_id, "
                           "created_at) SELECT 'post', i, 'like', 1, 0 FROM n WHERE i % 3 = 0 "
                           "UNION ALL SELECT 'post', i, 'like', 2, 0 FROM n WHERE i % 5 = 0 UNION "
                           "ALL SELECT 'post', i, 'love', 2, 0 FROM n WHERE i % 5 = 0;"
                           "INSERT INTO reaction (target, target_id, kind, member_id, created_at) "
                           "VALUES ('comment', 7, 'curious', 1, 0);") != DB_OK)
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

static void test_summaries_of_many_items_in_batches(void **state)
{
        struct fixture *fx = *state;
        assert_int_equal(ITEMS, 217); /* the script above counts to the same number */
        /* ids in a scrambled order, with one that has no reactions and one not there at all */
        int64_t ids[ITEMS + 1];
        for (int i = 0; i < ITEMS; i++)
                ids[i] = (int64_t)((i * 89) % ITEMS) + 1;
        ids[ITEMS] = 100000;
        struct reaction_summary *sums;
        int n = reaction_summaries(fx->t.db, fx->a, "post", ids, ITEMS + 1, 1, &sums);
        int expected = 0;
        for (int i = 1; i <= ITEMS; i++)
                expected += i % 3 == 0 || i % 5 == 0;
        assert_int_equal(n, expected);
        for (int k = 1; k < n; k++)
                assert_true(sums[k - 1].target_id < sums[k].target_id);
        for (int64_t id = 1; id <= ITEMS; id++) {
                const struct reaction_summary *s = reaction_summary_find(sums, n, id);
                if (id % 3 != 0 && id % 5 != 0) {
                        assert_null(s);
                        continue;
                }
                assert_non_null(s);
                assert_int_equal(s->counts[REACT_LIKE], (id % 3 == 0) + (id % 5 == 0));
                assert_int_equal(s->counts[REACT_LOVE], id % 5 == 0);
                assert_int_equal(s->counts[REACT_CURIOUS], 0);
                /* the viewer (member 1) pressed like on every third */
                assert_int_equal(s->mine, id % 3 == 0 ? 1u << REACT_LIKE : 0u);
        }
        assert_null(reaction_summary_find(sums, n, 100000));
        /* another target's reactions never mix in: comment 7 has one, post 7 none */
        assert_null(reaction_summary_find(sums, n, 7));
        /* a guest sees counts but nothing pressed */
        n = reaction_summaries(fx->t.db, fx->a, "post", ids, 30, 0, &sums);
        for (int k = 0; k < n; k++)
                assert_int_equal(sums[k].mine, 0u);
        /* an empty list asks nothing */
        assert_int_equal(reaction_summaries(fx->t.db, fx->a, "post", ids, 0, 1, &sums), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_summaries_of_many_items_in_batches, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
