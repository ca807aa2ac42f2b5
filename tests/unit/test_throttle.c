/* Unit tests for http/throttle: growing lockouts per key and fixed-window rate limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/throttle.h"

#include <stdio.h>
#include <string.h>

enum { FREE_FAILS = 3, MAX_LOCK = 900, WINDOW = 3600, T0 = 1000 };

static int setup_throttle(void **state)
{
        *state = throttle_new("test", FREE_FAILS, MAX_LOCK, WINDOW);
        return *state ? 0 : -1;
}

static int teardown_throttle(void **state)
{
        throttle_free(*state);
        return 0;
}

static void fail_n(struct throttle *t, const char *key, int n, int64_t now)
{
        for (int i = 0; i < n; i++)
                throttle_fail(t, key, now);
}

static void test_free_fails_then_lock(void **state)
{
        struct throttle *t = *state;
        assert_int_equal(throttle_check(t, "handle:ada", T0), 0);
        for (int i = 0; i < FREE_FAILS; i++) {
                throttle_fail(t, "handle:ada", T0);
                assert_int_equal(throttle_check(t, "handle:ada", T0), 0);
        }
        throttle_fail(t, "handle:ada", T0);
        assert_int_equal(throttle_check(t, "handle:ada", T0), 2);
        assert_int_equal(throttle_check(t, "handle:ada", T0 + 1), 1);
        assert_int_equal(throttle_check(t, "handle:ada", T0 + 2), 0);
}

static void test_lock_doubles_up_to_max(void **state)
{
        struct throttle *t = *state;
        int64_t now = T0;
        fail_n(t, "k", FREE_FAILS, now);
        unsigned want = 2;
        /* 12 rounds keep every failure inside one window: the last comes 2822 s after the first. */
        for (int i = 0; i < 12; i++) {
                throttle_fail(t, "k", now);
                assert_int_equal(throttle_check(t, "k", now), want);
                now += want; /* wait out the lock, then fail again */
                assert_int_equal(throttle_check(t, "k", now), 0);
                want = want * 2 > MAX_LOCK ? MAX_LOCK : want * 2;
        }
        /* 2, 4, ..., 512, then capped. */
        assert_int_equal(want, MAX_LOCK);
}

static void test_many_failures_stay_capped(void **state)
{
        struct throttle *t = *state;
        /* Far more failures than bits in an unsigned: the lockout must not wrap to nothing. */
        for (int i = 0; i < 200; i++) {
                throttle_fail(t, "k", T0 + i);
                unsigned wait = throttle_check(t, "k", T0 + i);
                if (i >= FREE_FAILS + 9)
                        assert_int_equal(wait, MAX_LOCK);
                else if (i >= FREE_FAILS)
                        assert_true(wait >= 2);
        }
}

static void test_window_expiry(void **state)
{
        struct throttle *t = *state;
        fail_n(t, "k", FREE_FAILS + 1, T0);
        assert_int_equal(throttle_check(t, "k", T0), 2);
        /* An hour and a second later the old failures are forgotten: this one is the first. */
        throttle_fail(t, "k", T0 + WINDOW + 1);
        assert_int_equal(throttle_check(t, "k", T0 + WINDOW + 1), 0);
        fail_n(t, "k", FREE_FAILS - 1, T0 + WINDOW + 1);
        assert_int_equal(throttle_check(t, "k", T0 + WINDOW + 1), 0);
        throttle_fail(t, "k", T0 + WINDOW + 1);
        assert_int_equal(throttle_check(t, "k", T0 + WINDOW + 1), 2);
}

static void test_within_window_counts(void **state)
{
        struct throttle *t = *state;
        /* Failures spread over most of an hour still add up. */
        for (int i = 0; i < FREE_FAILS; i++)
                throttle_fail(t, "k", T0 + i * 1000);
        assert_int_equal(throttle_check(t, "k", T0 + WINDOW - 1), 0);
        throttle_fail(t, "k", T0 + WINDOW - 1);
        assert_int_equal(throttle_check(t, "k", T0 + WINDOW - 1), 2);
}

static void test_reset(void **state)
{
        struct throttle *t = *state;
        fail_n(t, "k", FREE_FAILS + 3, T0);
        assert_true(throttle_check(t, "k", T0) > 0);
        throttle_reset(t, "k");
        assert_int_equal(throttle_check(t, "k", T0), 0);
        /* The free failures are free again. */
        fail_n(t, "k", FREE_FAILS, T0);
        assert_int_equal(throttle_check(t, "k", T0), 0);
        throttle_fail(t, "k", T0);
        assert_int_equal(throttle_check(t, "k", T0), 2);
        throttle_reset(t, "never-seen"); /* harmless */
}

static void test_keys_independent(void **state)
{
        struct throttle *t = *state;
        fail_n(t, "handle:ada", FREE_FAILS + 2, T0);
        assert_int_equal(throttle_check(t, "handle:ada", T0), 4);
        assert_int_equal(throttle_check(t, "handle:grace", T0), 0);
        assert_int_equal(throttle_check(t, "ip:127.0.0.1", T0), 0);
        fail_n(t, "handle:grace", FREE_FAILS, T0);
        assert_int_equal(throttle_check(t, "handle:grace", T0), 0);
        assert_int_equal(throttle_check(t, "handle:ada", T0), 4);
        throttle_reset(t, "handle:grace");
        assert_int_equal(throttle_check(t, "handle:ada", T0), 4);
        /* Prefixes and case make different keys. */
        assert_int_equal(throttle_check(t, "handle:ad", T0), 0);
        assert_int_equal(throttle_check(t, "handle:ADA", T0), 0);
}

static void test_many_keys(void **state)
{
        struct throttle *t = *state;
        /* Many more keys than slots: memory stays bounded, nothing crashes, and a key that was
         * just locked is still locked. */
        char key[64];
        for (int i = 0; i < 20000; i++) {
                snprintf(key, sizeof(key), "ip:10.0.%d.%d", i / 256, i % 256);
                throttle_fail(t, key, T0 + i / 100);
        }
        int64_t now = T0 + 200;
        fail_n(t, "handle:ada", FREE_FAILS + 1, now);
        assert_int_equal(throttle_check(t, "handle:ada", now), 2);
        /* A very long key is handled (truncated or not) without overflow. */
        char long_key[1000];
        memset(long_key, 'x', sizeof(long_key) - 1);
        long_key[sizeof(long_key) - 1] = '\0';
        fail_n(t, long_key, FREE_FAILS + 1, now);
        assert_int_equal(throttle_check(t, long_key, now), 2);
}

static void test_rate_limit(void **state)
{
        (void)state;
        struct rate_limit *r = rate_limit_new("test", 2, 60);
        assert_non_null(r);
        assert_int_equal(rate_limit_hit(r, "ip:a", T0), 0);
        assert_int_equal(rate_limit_hit(r, "ip:a", T0 + 1), 0);
        unsigned wait = rate_limit_hit(r, "ip:a", T0 + 2);
        assert_true(wait > 0);
        assert_int_equal(wait, 58); /* the window opened at T0 */
        assert_int_equal(rate_limit_hit(r, "ip:a", T0 + 59), 1);
        /* Another key has its own window. */
        assert_int_equal(rate_limit_hit(r, "ip:b", T0 + 2), 0);
        /* The next window allows the full limit again (refused hits did not count). */
        assert_int_equal(rate_limit_hit(r, "ip:a", T0 + 60), 0);
        assert_int_equal(rate_limit_hit(r, "ip:a", T0 + 61), 0);
        assert_true(rate_limit_hit(r, "ip:a", T0 + 62) > 0);
        assert_int_equal(rate_limit_hit(r, "ip:a", T0 + 62), 58);
        /* Much later: open again. */
        assert_int_equal(rate_limit_hit(r, "ip:a", T0 + 100000), 0);
        rate_limit_free(r);
        rate_limit_free(NULL);
        throttle_free(NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_throttle, teardown_throttle)
        const struct CMUnitTest tests[] = {
            T(test_free_fails_then_lock),      T(test_lock_doubles_up_to_max),
            T(test_many_failures_stay_capped), T(test_window_expiry),
            T(test_within_window_counts),      T(test_reset),
            T(test_keys_independent),          T(test_many_keys),
            cmocka_unit_test(test_rate_limit),
        };
#undef T
        return cmocka_run_group_tests_name("throttle", tests, NULL, NULL);
}
