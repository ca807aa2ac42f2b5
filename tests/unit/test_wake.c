/* Unit tests for core/wake: a waiter's word wakes its sleeper when changed, returns at once when
 * it already differs, and gives up at its time limit otherwise. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "core/wake.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* Long enough that a wait which ran to its limit cannot pass for one that was woken. */
enum { LONG_WAIT_MS = 20000 };

static void returns_at_once_when_the_word_already_changed(void **state)
{
        (void)state;
        atomic_uint word = 3;
        uint64_t t0 = time_mono_us();
        wake_word_wait(&word, 2, LONG_WAIT_MS);
        assert_true(time_mono_us() - t0 < LONG_WAIT_MS * 1000ull / 4);
}

static void gives_up_at_its_time_limit(void **state)
{
        (void)state;
        atomic_uint word = 0;
        uint64_t t0 = time_mono_us();
        wake_word_wait(&word, 0, 60);
        uint64_t waited = time_mono_us() - t0;
        assert_true(waited >= 50000);                     /* it slept */
        assert_true(waited < LONG_WAIT_MS * 1000ull / 4); /* and came back */
        assert_int_equal(atomic_load(&word), 0);
}

/* A sleeper that counts how often it looked, until the word says done (1). */
struct sleeper {
        atomic_uint word;
        atomic_int asleep;
        uint64_t woke_at;
};

static void *sleep_until_done(void *arg)
{
        struct sleeper *s = arg;
        for (;;) {
                unsigned seen = atomic_load(&s->word);
                if (seen & 1u)
                        break;
                atomic_store(&s->asleep, 1);
                wake_word_wait(&s->word, seen, LONG_WAIT_MS);
        }
        s->woke_at = time_mono_us();
        return NULL;
}

static void a_change_and_a_wake_end_the_sleep(void **state)
{
        (void)state;
        struct sleeper s = {.word = 0, .asleep = 0};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, sleep_until_done, &s), 0);
        while (!atomic_load(&s.asleep))
                sched_yield();
        struct timespec pause = {.tv_nsec = 20 * 1000000L}; /* let it reach the futex */
        nanosleep(&pause, NULL);
        /* a change that is not "done" wakes it too: it looks and sleeps again */
        atomic_fetch_add(&s.word, 2u);
        wake_word_wake(&s.word);
        nanosleep(&pause, NULL);
        uint64_t told = time_mono_us();
        atomic_fetch_or(&s.word, 1u);
        wake_word_wake(&s.word);
        assert_int_equal(pthread_join(t, NULL), 0);
        assert_true(s.woke_at >= told);
        assert_true(s.woke_at - told < LONG_WAIT_MS * 1000ull / 4); /* woken, not timed out */
}

/* Waking a word nobody sleeps on (its waiter already gone) is harmless. */
static void a_wake_with_nobody_asleep_does_nothing(void **state)
{
        (void)state;
        atomic_uint word = 7;
        wake_word_wake(&word);
        assert_int_equal(atomic_load(&word), 7);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(returns_at_once_when_the_word_already_changed),
            cmocka_unit_test(gives_up_at_its_time_limit),
            cmocka_unit_test(a_change_and_a_wake_end_the_sleep),
            cmocka_unit_test(a_wake_with_nobody_asleep_does_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
