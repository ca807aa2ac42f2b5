/* Unit tests for the insights' pure arithmetic (model/insights.h, docs/insights.md): shares in
 * basis points rounded half up, their text, percentages, the median, the ladder's weights,
 * commitment per member in hundredths, and the whole-week ranges dates round out to. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/limits.h"
#include "model/event.h"
#include "model/insights.h"

#include <string.h>

static void test_shares(void **state)
{
        (void)state;
        assert_int_equal(insight_share_of(2, 3).bp, 6667);  /* 6666.67 */
        assert_int_equal(insight_share_of(1, 3).bp, 3333);  /* 3333.33 */
        assert_int_equal(insight_share_of(1, 8).bp, 1250);  /* exact */
        assert_int_equal(insight_share_of(1, 20000).bp, 1); /* 0.5 bp: half rounds up */
        assert_int_equal(insight_share_of(1, 20001).bp, 0); /* 0.49995 bp: down */
        assert_int_equal(insight_share_of(6, 7).bp, 8571);  /* 8571.43 */
        assert_int_equal(insight_share_of(5, 5).bp, 10000);
        assert_int_equal(insight_share_of(0, 4).bp, 0);
        assert_int_equal(insight_share_of(3, 0).bp, INSIGHT_NONE);
        char buf[16];
        assert_string_equal(insight_bp_text(6667, buf, sizeof(buf)), "0.6667");
        assert_string_equal(insight_bp_text(10000, buf, sizeof(buf)), "1.0000");
        assert_string_equal(insight_bp_text(5, buf, sizeof(buf)), "0.0005");
        assert_string_equal(insight_bp_text(INSIGHT_NONE, buf, sizeof(buf)), "");
        assert_int_equal(insight_bp_percent(6667), 67);
        assert_int_equal(insight_bp_percent(6649), 66);
        assert_int_equal(insight_bp_percent(6650), 67); /* half up */
        assert_int_equal(insight_bp_percent(INSIGHT_NONE), INSIGHT_NONE);
}

static void test_median(void **state)
{
        (void)state;
        int64_t none[1] = {0};
        assert_int_equal(insight_median(none, 0), INSIGHT_NONE);
        int64_t one[] = {42};
        assert_int_equal(insight_median(one, 1), 42);
        int64_t odd[] = {9, 1, 5};
        assert_int_equal(insight_median(odd, 3), 5);
        int64_t even[] = {93600, 7200};
        assert_int_equal(insight_median(even, 2), 50400);
        int64_t down[] = {1, 2, 4, 3}; /* (2 + 3) / 2 = 2.5: rounded down */
        assert_int_equal(insight_median(down, 4), 2);
}

static void test_commitment(void **state)
{
        (void)state;
        assert_int_equal(insight_rung_weight(1), 1);
        assert_int_equal(insight_rung_weight(2), 4);
        assert_int_equal(insight_rung_weight(3), 7);
        assert_int_equal(insight_rung_weight(4), 10);
        assert_int_equal(insight_rung_weight(0), 0);
        const int64_t nobody[4] = {0, 0, 0, 0};
        assert_int_equal(insight_commitment_x100(nobody), 0);
        const int64_t readers[4] = {3, 0, 0, 0};
        assert_int_equal(insight_commitment_x100(readers), 100);
        /* (16 * 2 + 49 * 3 + 100 * 2) / 7 = 54.142857: 5414. */
        const int64_t mix[4] = {0, 2, 3, 2};
        assert_int_equal(insight_commitment_x100(mix), 5414);
        /* (1 + 16 * 2 + 100) / 4 = 33.25 exactly; (1 + 100) / 2 = 50.5. */
        const int64_t week[4] = {1, 2, 0, 1};
        assert_int_equal(insight_commitment_x100(week), 3325);
        const int64_t two[4] = {1, 0, 0, 1};
        assert_int_equal(insight_commitment_x100(two), 5050);
        const int64_t half[4] = {2, 0, 1, 0}; /* (2 + 49) / 3 = 17.00 */
        assert_int_equal(insight_commitment_x100(half), 1700);
        const int64_t third[4] = {0, 0, 0, 3}; /* 300 / 3 = 100 */
        assert_int_equal(insight_commitment_x100(third), 10000);
        const int64_t round_up[4] = {2, 1, 0, 0}; /* (2 + 16) / 3 = 6.00 */
        assert_int_equal(insight_commitment_x100(round_up), 600);
        const int64_t frac[4] = {5, 0, 1, 0}; /* (5 + 49) / 6 = 9.00 */
        assert_int_equal(insight_commitment_x100(frac), 900);
        const int64_t sixth[4] = {1, 5, 0, 0}; /* (1 + 80) / 6 = 13.5 */
        assert_int_equal(insight_commitment_x100(sixth), 1350);
        const int64_t odd[4] = {2, 0, 0, 1}; /* (2 + 100) / 3 = 34.0 */
        assert_int_equal(insight_commitment_x100(odd), 3400);
        const int64_t thirds[4] = {1, 1, 1, 0}; /* 66 / 3 = 22 */
        assert_int_equal(insight_commitment_x100(thirds), 2200);
        const int64_t rnd[4] = {0, 1, 0, 2}; /* 216 / 3 = 72 */
        assert_int_equal(insight_commitment_x100(rnd), 7200);
        const int64_t seven[4] = {6, 1, 0, 0}; /* 22 / 7 = 3.142857: 314 */
        assert_int_equal(insight_commitment_x100(seven), 314);
        const int64_t eight[4] = {7, 0, 0, 1}; /* 107 / 8 = 13.375: 1338 (half up) */
        assert_int_equal(insight_commitment_x100(eight), 1338);
}

static void test_ranges(void **state)
{
        (void)state;
        struct insight_query q;
        memset(&q, 0, sizeof(q));
        /* Wednesday 11-04 to Thursday 11-19 rounds out to Monday 11-02 .. Sunday 11-22. */
        assert_int_equal(insights_range(&q, "2026-11-04", "2026-11-19", 0), INSIGHT_OK);
        assert_int_equal(q.weeks, 3);
        assert_int_equal(q.from_at, 1793577600); /* 2026-11-02T00:00:00Z */
        assert_int_equal(q.to_end, 1795392000);  /* 2026-11-23T00:00:00Z */
        assert_int_equal(q.from_week, event_week(q.from_at));
        /* A Monday and a Sunday stay where they are; one day is one week. */
        assert_int_equal(insights_range(&q, "2026-11-02", "2026-11-08", 0), INSIGHT_OK);
        assert_int_equal(q.weeks, 1);
        assert_int_equal(insights_range(&q, "2026-11-08", "2026-11-08", 0), INSIGHT_OK);
        assert_int_equal(q.from_at, 1793577600);
        /* Defaults: the 12 weeks up to now's week. */
        assert_int_equal(insights_range(&q, NULL, "", 1795000000), INSIGHT_OK);
        assert_int_equal(q.weeks, INSIGHT_DEFAULT_WEEKS);
        assert_int_equal(q.to_week, event_week(1795000000));
        assert_int_equal(insights_range(&q, "2026-11-31", NULL, 0), INSIGHT_BAD_DATE);
        assert_int_equal(insights_range(&q, "2026-1-01", NULL, 0), INSIGHT_BAD_DATE);
        assert_int_equal(insights_range(&q, "2026-11-02T00:00", NULL, 0), INSIGHT_BAD_DATE);
        assert_int_equal(insights_range(&q, "2026-11-09", "2026-11-08", 0), INSIGHT_REVERSED);
        /* KD_INSIGHT_WEEKS_MAX weeks are allowed, one more is not. */
        assert_int_equal(insights_range(&q, "2016-12-05", "2026-11-22", 0), INSIGHT_OK);
        assert_int_equal(q.weeks, KD_INSIGHT_WEEKS_MAX);
        assert_int_equal(insights_range(&q, "2016-12-04", "2026-11-22", 0), INSIGHT_TOO_LONG);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_shares),
            cmocka_unit_test(test_median),
            cmocka_unit_test(test_commitment),
            cmocka_unit_test(test_ranges),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
