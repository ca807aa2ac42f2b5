/* Unit tests for db/group_commit: a commit is released only by a sync that began after it was
 * written, concurrent commits share syncs, and a failed sync fails its commits and every later
 * one. The "disk" is a counter of writes: a sync copies the count it saw when it began into
 * the count made durable, after a pause long enough for other writers to pile up. The engine's
 * use of it on a real SQLite file is tested through the server (tests/http/test_durability.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/group_commit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

enum { WRITERS = 16, COMMITS_EACH = 40, SYNC_US = 2000 };

/* The simulated file: writes handed to the OS, and how many of them a finished sync covers. */
struct disk {
        atomic_ullong written;
        atomic_ullong durable;
        atomic_int syncs_running, most_running;
        atomic_int calls;
        int fail_on_call; /* 0: never */
};

static void pause_us(long us)
{
        struct timespec ts = {0, us * 1000};
        nanosleep(&ts, NULL);
}

static int fake_sync(void *arg)
{
        struct disk *d = arg;
        int call = atomic_fetch_add(&d->calls, 1) + 1;
        int running = atomic_fetch_add(&d->syncs_running, 1) + 1;
        int most = atomic_load(&d->most_running);
        while (running > most && !atomic_compare_exchange_weak(&d->most_running, &most, running))
                ;
        unsigned long long seen = atomic_load(&d->written); /* what this sync will cover */
        pause_us(SYNC_US);
        atomic_fetch_sub(&d->syncs_running, 1);
        if (call == d->fail_on_call)
                return -1;
        unsigned long long was = atomic_load(&d->durable);
        while (seen > was && !atomic_compare_exchange_weak(&d->durable, &was, seen))
                ;
        return 0;
}

struct writer {
        struct group_commit *g;
        struct disk *d;
        int early_releases; /* waits that returned before the writer's write was durable */
        int failures;
};

static void *write_and_wait(void *arg)
{
        struct writer *w = arg;
        for (int i = 0; i < COMMITS_EACH; i++) {
                unsigned long long mine = atomic_fetch_add(&w->d->written, 1) + 1;
                if (group_commit_wait(w->g, fake_sync, w->d) != 0)
                        w->failures++;
                else if (atomic_load(&w->d->durable) < mine)
                        w->early_releases++;
                pause_us(100 + (i * 37) % 300); /* the rest of a request */
        }
        return NULL;
}

static void alone_each_commit_costs_one_sync(void **state)
{
        (void)state;
        struct group_commit *g = group_commit_new();
        struct disk d = {0};
        for (int i = 1; i <= 5; i++) {
                atomic_fetch_add(&d.written, 1);
                assert_int_equal(group_commit_wait(g, fake_sync, &d), 0);
                assert_int_equal((int)atomic_load(&d.durable), i);
        }
        struct group_commit_stats st = group_commit_stats(g);
        assert_int_equal((int)st.commits, 5);
        assert_int_equal((int)st.syncs, 5);
        assert_int_equal((int)st.failures, 0);
        group_commit_free(g);
}

static void concurrent_commits_share_syncs_and_wait_for_theirs(void **state)
{
        (void)state;
        struct group_commit *g = group_commit_new();
        struct disk d = {0};
        struct writer w[WRITERS];
        pthread_t t[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
                w[i] = (struct writer){.g = g, .d = &d};
                assert_int_equal(pthread_create(&t[i], NULL, write_and_wait, &w[i]), 0);
        }
        for (int i = 0; i < WRITERS; i++)
                pthread_join(t[i], NULL);
        for (int i = 0; i < WRITERS; i++) {
                assert_int_equal(w[i].early_releases, 0);
                assert_int_equal(w[i].failures, 0);
        }
        struct group_commit_stats st = group_commit_stats(g);
        assert_int_equal((int)st.commits, WRITERS * COMMITS_EACH);
        /* one sync at a time, and far fewer syncs than commits: with 16 writers and a 2 ms
         * sync against 0.1-0.4 ms of other work, most syncs carry several commits */
        assert_int_equal(atomic_load(&d.most_running), 1);
        assert_true(st.syncs * 3 < st.commits);
        assert_int_equal((int)st.syncs, atomic_load(&d.calls));
        printf("%llu commits made durable by %llu syncs\n", (unsigned long long)st.commits,
               (unsigned long long)st.syncs);
        group_commit_free(g);
}

static void a_failed_sync_fails_its_commits_and_all_later(void **state)
{
        (void)state;
        struct group_commit *g = group_commit_new();
        struct disk d = {.fail_on_call = 2};
        atomic_fetch_add(&d.written, 1);
        assert_int_equal(group_commit_wait(g, fake_sync, &d), 0);
        atomic_fetch_add(&d.written, 1);
        assert_int_equal(group_commit_wait(g, fake_sync, &d), -1);
        /* the disk may have dropped what the failed sync held: nothing later is durable */
        atomic_fetch_add(&d.written, 1);
        assert_int_equal(group_commit_wait(g, fake_sync, &d), -1);
        assert_int_equal(atomic_load(&d.calls), 2);
        struct group_commit_stats st = group_commit_stats(g);
        assert_int_equal((int)st.syncs, 1);
        assert_int_equal((int)st.failures, 1);
        group_commit_free(g);
}

static void concurrent_waiters_of_a_failed_sync_all_fail(void **state)
{
        (void)state;
        struct group_commit *g = group_commit_new();
        struct disk d = {.fail_on_call = 3};
        struct writer w[WRITERS];
        pthread_t t[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
                w[i] = (struct writer){.g = g, .d = &d};
                assert_int_equal(pthread_create(&t[i], NULL, write_and_wait, &w[i]), 0);
        }
        int failures = 0;
        for (int i = 0; i < WRITERS; i++) {
                pthread_join(t[i], NULL);
                failures += w[i].failures;
                assert_int_equal(w[i].early_releases, 0);
        }
        struct group_commit_stats st = group_commit_stats(g);
        /* two syncs succeeded, then every commit not covered by them failed */
        assert_int_equal((int)st.syncs, 2);
        assert_int_equal((int)st.commits + failures, WRITERS * COMMITS_EACH);
        assert_int_equal(atomic_load(&d.calls), 3);
        group_commit_free(g);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(alone_each_commit_costs_one_sync),
            cmocka_unit_test(concurrent_commits_share_syncs_and_wait_for_theirs),
            cmocka_unit_test(a_failed_sync_fails_its_commits_and_all_later),
            cmocka_unit_test(concurrent_waiters_of_a_failed_sync_all_fail),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
