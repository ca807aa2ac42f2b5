/* Unit tests of what several nodes share through the database (model/cluster.h,
 * model/shared_limits.h), on SQLite and, under KINDRED_TEST_PG_URL, on PostgreSQL: job leases
 * (one holder at a time, renewal, expiry, hand-back), rate limits and login throttles counted
 * in tables, their purge, migrations started by two nodes at once, background jobs (claimed
 * once by racing nodes, retried with a backoff, taken over when a claim runs out) and —
 * PostgreSQL only — change notices between nodes. */
#include "db/db.h"
#include "db/migrations.h"
#include "db/pool.h"
#include "model/cluster.h"
#include "model/job.h"
#include "model/job_worker.h"
#include "model/shared_limits.h"
#include "tmpdb.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define NOW 1800000000LL

static int setup(void **state)
{
        struct tmpdb *t = calloc(1, sizeof(*t));
        if (!t || tmpdb_open(t) != 0 || db_migrate(t->db, NULL) != DB_OK)
                return -1;
        *state = t;
        return 0;
}

static int teardown(void **state)
{
        tmpdb_remove(*state);
        free(*state);
        cluster_set_node(NULL);
        return 0;
}

static struct db *DB(void **state)
{
        return ((struct tmpdb *)*state)->db;
}

static void one_node_holds_a_lease(void **state)
{
        struct db *db = DB(state);
        cluster_set_node("node-a");
        assert_true(cluster_lease(db, "publish_due", NOW, 15));
        /* another node is refused while it lasts ... */
        cluster_set_node("node-b");
        assert_false(cluster_lease(db, "publish_due", NOW + 5, 15));
        assert_false(cluster_lease(db, "publish_due", NOW + 14, 15));
        /* ... while the holder renews it, from its own renewal on */
        cluster_set_node("node-a");
        assert_true(cluster_lease(db, "publish_due", NOW + 10, 15));
        cluster_set_node("node-b");
        assert_false(cluster_lease(db, "publish_due", NOW + 20, 15));
        /* other jobs are leased apart */
        assert_true(cluster_lease(db, "purge", NOW + 20, 60));
        /* the holder stops renewing: the lease is free when it expires */
        assert_true(cluster_lease(db, "publish_due", NOW + 25, 15));
        cluster_set_node("node-a");
        assert_false(cluster_lease(db, "publish_due", NOW + 26, 15));
        /* handed back: free at once; a node cannot hand back another's */
        cluster_lease_release(db, "purge"); /* node-b's: stays */
        assert_false(cluster_lease(db, "purge", NOW + 27, 60));
        cluster_set_node("node-b");
        cluster_lease_release(db, "publish_due");
        cluster_set_node("node-a");
        assert_true(cluster_lease(db, "publish_due", NOW + 27, 15));
}

static void rate_limits_count_in_the_database(void **state)
{
        struct db *db = DB(state);
        /* three in a minute: the fourth waits for the window to reopen */
        for (int i = 0; i < 3; i++)
                assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + i), 0);
        assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + 10), 50);
        assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + 59), 1);
        /* another key is counted apart */
        assert_int_equal(shared_rate_hit(db, "comment|member:8", 3, 60, NOW + 10), 0);
        /* a new window */
        assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + 60), 0);
        assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + 61), 0);
        assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + 62), 0);
        assert_int_equal(shared_rate_hit(db, "comment|member:7", 3, 60, NOW + 63), 57);
}

static void throttles_count_failures_and_lock(void **state)
{
        struct db *db = DB(state);
        const char *k = "login_by_handle|member:3";
        assert_int_equal(shared_throttle_check(db, k, NOW), 0);
        for (int i = 1; i <= 5; i++)
                assert_int_equal(shared_throttle_fail(db, k, 900, NOW + i), i);
        assert_int_equal(shared_throttle_lock(db, k, NOW + 5 + 2), 0);
        assert_int_equal(shared_throttle_check(db, k, NOW + 5), 2);
        assert_int_equal(shared_throttle_check(db, k, NOW + 7), 0);
        /* a shorter lock does not shorten a longer one */
        assert_int_equal(shared_throttle_lock(db, k, NOW + 100), 0);
        assert_int_equal(shared_throttle_lock(db, k, NOW + 50), 0);
        assert_int_equal(shared_throttle_check(db, k, NOW + 40), 60);
        /* past the window, failures count from one again and the lock is gone */
        assert_int_equal(shared_throttle_fail(db, k, 900, NOW + 1000), 1);
        assert_int_equal(shared_throttle_check(db, k, NOW + 1000), 0);
        /* a success forgets */
        assert_int_equal(shared_throttle_fail(db, k, 900, NOW + 1001), 2);
        assert_int_equal(shared_throttle_reset(db, k), 0);
        assert_int_equal(shared_throttle_fail(db, k, 900, NOW + 1002), 1);
}

static void old_counts_are_purged(void **state)
{
        struct db *db = DB(state);
        shared_rate_hit(db, "a|1", 5, 60, NOW);
        shared_rate_hit(db, "a|2", 5, 60, NOW + 5000);
        shared_throttle_fail(db, "t|1", 900, NOW);
        shared_throttle_fail(db, "t|2", 900, NOW);
        shared_throttle_lock(db, "t|2", NOW + 9000);              /* still locked at the purge */
        assert_int_equal(shared_limits_purge(db, NOW + 4000), 2); /* a|1 and t|1 */
        assert_int_equal(shared_rate_hit(db, "a|2", 1, 60, NOW + 5001), 60 - 1);
        assert_int_equal(shared_throttle_check(db, "t|2", NOW + 8000), 1000);
        assert_int_equal(shared_throttle_check(db, "t|1", NOW + 1), 0);
}

/* Two nodes starting on one new database migrate it at once: both succeed, once each. */
struct migrate_arg {
        const char *target;
        int rc;
};

static void *migrate_one(void *p)
{
        struct migrate_arg *a = p;
        struct db *db = NULL;
        a->rc = db_open_url(a->target, &db);
        if (a->rc == DB_OK)
                a->rc = db_migrate(db, NULL);
        db_close(db);
        return NULL;
}

static void two_nodes_migrate_at_once(void **state)
{
        (void)state;
        struct tmpdb fresh;
        assert_int_equal(tmpdb_open(&fresh), 0);
        /* the migrations table exists, nothing applied yet: the race is over applying them */
        assert_int_equal(db_exec_script(fresh.db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                  " version INTEGER PRIMARY KEY,"
                                                  " name TEXT NOT NULL,"
                                                  " applied_at INTEGER NOT NULL)"),
                         DB_OK);
        struct migrate_arg a = {fresh.path, -9}, b = {fresh.path, -9};
        pthread_t ta, tb;
        pthread_create(&ta, NULL, migrate_one, &a);
        pthread_create(&tb, NULL, migrate_one, &b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        assert_int_equal(a.rc, DB_OK);
        assert_int_equal(b.rc, DB_OK);
        assert_int_equal(db_schema_version(fresh.db), db_schema_latest());
        struct db_stmt *st = db_prepare(fresh.db, "SELECT count(*) FROM schema_migrations");
        assert_int_equal(db_step(st), DB_ROW);
        /* each applied once (numbers may have gaps: one per feature branch, merged in any order) */
        assert_int_equal(db_col_int(st, 0), (int64_t)db_migrations_count);
        db_finish(st);
        tmpdb_remove(&fresh);
}

/* The pool lends at most max connections; a borrower waits for one handed back. */
struct borrow_arg {
        struct db_pool *pool;
        struct db *got;
};

static void *borrow(void *p)
{
        struct borrow_arg *a = p;
        a->got = db_pool_acquire(a->pool, 3000);
        return NULL;
}

static void the_pool_is_bounded(void **state)
{
        struct tmpdb *t = *state;
        struct db_pool *pool = db_pool_new(t->path, 2, DB_DURABLE_FULL);
        struct db *one = db_pool_acquire(pool, 100), *two = db_pool_acquire(pool, 100);
        assert_non_null(one);
        assert_non_null(two);
        assert_ptr_not_equal(one, two);
        assert_int_equal(db_pool_open(pool), 2);
        /* none left: a short wait gives up */
        assert_null(db_pool_acquire(pool, 50));
        /* a waiting borrower gets the one handed back */
        struct borrow_arg a = {pool, NULL};
        pthread_t th;
        pthread_create(&th, NULL, borrow, &a);
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
        db_pool_release(pool, one);
        pthread_join(th, NULL);
        assert_ptr_equal(a.got, one);
        assert_int_equal(db_pool_open(pool), 2);
        /* borrowed connections work */
        struct db_stmt *st = db_prepare(a.got, "SELECT count(*) FROM job_lease");
        assert_int_equal(db_step(st), DB_ROW);
        db_finish(st);
        db_pool_release(pool, a.got);
        db_pool_release(pool, two);
        db_pool_free(pool);
}

/* A connection handed back with a statement still open is closed, not lent again: on SQLite
 * its read snapshot would show the next borrower the site as it was before later writes. */
static void a_connection_left_open_is_not_lent_again(void **state)
{
        struct tmpdb *t = *state;
        struct db_pool *pool = db_pool_new(t->path, 2, DB_DURABLE_FULL);
        assert_true(cluster_lease(t->db, "written-before", NOW, 60));
        struct db *careless = db_pool_acquire(pool, 100);
        assert_non_null(careless);
        struct db_stmt *left = db_prepare(careless, "SELECT name FROM job_lease");
        assert_non_null(left);
        assert_int_equal(db_step(left), DB_ROW); /* and never finished */
        char what[160];
        assert_false(db_idle(careless, what, sizeof(what)));
        assert_non_null(strstr(what, "job_lease"));
        /* a row written meanwhile by another connection */
        assert_true(cluster_lease(t->db, "written-after", NOW, 60));
        db_pool_release(pool, careless); /* logged, and closed: `left` went with it */
        assert_int_equal(db_pool_open(pool), 0);
        struct db *next = db_pool_acquire(pool, 100);
        assert_non_null(next);
        struct db_stmt *st =
            db_prepare(next, "SELECT count(*) FROM job_lease WHERE name = 'written-after'");
        assert_int_equal(db_step(st), DB_ROW);
        assert_int_equal(db_col_int(st, 0), 1);
        db_finish(st);
        assert_true(db_idle(next, what, sizeof(what)));
        db_pool_release(pool, next);
        assert_int_equal(db_pool_open(pool), 1); /* a tidy one is kept */
        db_pool_free(pool);
}

/* ---------------------------------------------------------------- background jobs */

static int64_t count_jobs(struct db *db, const char *state)
{
        struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM job WHERE state = ?1");
        db_bind_text(st, 1, state);
        assert_int_equal(db_step(st), DB_ROW);
        int64_t n = db_col_int(st, 0);
        db_finish(st);
        return n;
}

static void jobs_are_claimed_in_order_and_finished(void **state)
{
        struct db *db = DB(state);
        cluster_set_node("node-a");
        assert_int_equal(db_begin(db), DB_OK);
        int64_t late = job_enqueue(db, "mail", "{\"n\":2}", NOW + 60);
        int64_t first = job_enqueue(db, "mail", "{\"n\":1}", NOW);
        int64_t other = job_enqueue(db, "federation", "{}", NOW);
        assert_int_equal(db_commit(db), DB_OK);
        assert_true(late > 0 && first > 0 && other > 0);
        /* a rolled-back change leaves no job */
        assert_int_equal(db_begin(db), DB_OK);
        assert_true(job_enqueue(db, "mail", "{\"n\":3}", NOW) > 0);
        assert_int_equal(db_rollback(db), DB_OK);
        struct job j;
        assert_int_equal(job_claim(db, "mail", NOW, 300, &j), 1);
        assert_int_equal(j.id, first);
        assert_string_equal(j.payload, "{\"n\":1}");
        assert_int_equal(j.attempts, 1);
        job_claimed_free(&j);
        /* claimed: not claimable again, and the later one is not due yet */
        assert_int_equal(job_claim(db, "mail", NOW + 1, 300, &j), 0);
        assert_true(job_done(db, first, NOW + 2));
        assert_false(job_done(db, first, NOW + 3)); /* once */
        assert_int_equal(job_claim(db, "mail", NOW + 60, 300, &j), 1);
        assert_int_equal(j.id, late);
        job_claimed_free(&j);
        assert_true(job_failed(db, late, NOW + 61, "550 no such mailbox"));
        assert_int_equal(count_jobs(db, "done"), 1);
        assert_int_equal(count_jobs(db, "failed"), 1);
        assert_int_equal(count_jobs(db, "queued"), 1); /* the other kind's */
        /* finished jobs are purged after a while; queued ones never */
        assert_int_equal(job_purge(db, NOW + 62), 2);
        assert_int_equal(count_jobs(db, "queued"), 1);
}

static void retries_wait_and_expired_claims_are_taken_over(void **state)
{
        struct db *db = DB(state);
        cluster_set_node("node-a");
        int64_t id = job_enqueue(db, "mail", "x", NOW);
        struct job j;
        assert_int_equal(job_claim(db, "mail", NOW, 300, &j), 1);
        job_claimed_free(&j);
        assert_true(job_retry(db, id, NOW + job_backoff_s(1), "421 try later"));
        assert_int_equal(job_claim(db, "mail", NOW + 29, 300, &j), 0);
        assert_int_equal(job_claim(db, "mail", NOW + 30, 300, &j), 1);
        assert_int_equal(j.attempts, 2);
        job_claimed_free(&j);
        /* node-a dies with its claim; after it runs out node-b takes the job ... */
        cluster_set_node("node-b");
        assert_int_equal(job_claim(db, "mail", NOW + 329, 300, &j), 0);
        assert_int_equal(job_claim(db, "mail", NOW + 330, 300, &j), 1);
        assert_int_equal(j.attempts, 3);
        job_claimed_free(&j);
        /* ... and node-a, back late, changes nothing */
        cluster_set_node("node-a");
        assert_false(job_done(db, id, NOW + 331));
        cluster_set_node("node-b");
        assert_true(job_done(db, id, NOW + 332));
        /* the backoff doubles up to its ceiling */
        assert_int_equal(job_backoff_s(1), 30);
        assert_int_equal(job_backoff_s(2), 60);
        assert_int_equal(job_backoff_s(5), 480);
        assert_int_equal(job_backoff_s(40), JOB_BACKOFF_MAX_S);
}

/* A node killed mid-job and started again under its name frees its claims at once; another
 * node's claims are left alone. */
static void a_restarted_node_frees_its_own_claims(void **state)
{
        struct db *db = DB(state);
        int64_t mine = job_enqueue(db, "mail", "{}", NOW);
        int64_t theirs = job_enqueue(db, "mail", "{}", NOW);
        struct job j;
        cluster_set_node("node-a");
        assert_int_equal(job_claim(db, "mail", NOW, 300, &j), 1);
        assert_int_equal(j.id, mine);
        job_claimed_free(&j);
        cluster_set_node("node-b");
        assert_int_equal(job_claim(db, "mail", NOW, 300, &j), 1);
        assert_int_equal(j.id, theirs);
        job_claimed_free(&j);
        assert_int_equal(job_claim(db, "mail", NOW + 1, 300, &j), 0);
        cluster_set_node("node-a");
        assert_int_equal(job_release_own_claims(db), 1);
        assert_int_equal(job_claim(db, "mail", NOW + 1, 300, &j), 1);
        assert_int_equal(j.id, mine);
        assert_int_equal(j.attempts, 2);
        job_claimed_free(&j);
        assert_true(job_done(db, mine, NOW + 2));
        /* a finished job is not touched */
        assert_int_equal(job_release_own_claims(db), 0);
}

/* Two nodes' workers racing over 200 jobs: each job is claimed exactly once. */
enum { RACE_JOBS = 200 };
static atomic_int claimed_times[RACE_JOBS + 1];
static int64_t race_first_id;

struct race_arg {
        const char *target;
        int done;
        int errors;
};

static void *race(void *p)
{
        struct race_arg *a = p;
        struct db *db = NULL;
        if (db_open_url(a->target, &db) != DB_OK) {
                a->errors++;
                return NULL;
        }
        for (;;) {
                struct job j;
                int rc = job_claim(db, "race", NOW, 300, &j);
                if (rc < 0) {
                        a->errors++;
                        break;
                }
                if (rc == 0)
                        break;
                atomic_fetch_add(&claimed_times[j.id - race_first_id], 1);
                if (job_done(db, j.id, NOW))
                        a->done++;
                else
                        a->errors++;
                job_claimed_free(&j);
        }
        db_close(db);
        return NULL;
}

static void racing_nodes_claim_each_job_once(void **state)
{
        struct tmpdb *t = *state;
        assert_int_equal(db_begin(t->db), DB_OK);
        for (int i = 0; i < RACE_JOBS; i++) {
                int64_t id = job_enqueue(t->db, "race", "{}", NOW);
                if (i == 0)
                        race_first_id = id;
                assert_int_equal(id, race_first_id + i);
        }
        assert_int_equal(db_commit(t->db), DB_OK);
        for (int i = 0; i <= RACE_JOBS; i++)
                atomic_store(&claimed_times[i], 0);
        struct race_arg a = {t->path, 0, 0}, b = {t->path, 0, 0};
        pthread_t ta, tb;
        pthread_create(&ta, NULL, race, &a);
        pthread_create(&tb, NULL, race, &b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        assert_int_equal(a.errors + b.errors, 0);
        assert_int_equal(a.done + b.done, RACE_JOBS);
        for (int i = 0; i < RACE_JOBS; i++)
                assert_int_equal(atomic_load(&claimed_times[i]), 1);
        assert_int_equal(count_jobs(t->db, "done"), RACE_JOBS);
}

/* A registered kind is run by the worker's pass: a temporary failure is retried after its
 * backoff, too many become a failure, a permanent one stops at once. */
static int handled;

static enum job_outcome flaky(struct db *db, const struct job *job, char *error, size_t size)
{
        (void)db;
        handled++;
        if (strcmp(job->payload, "permanent") == 0) {
                snprintf(error, size, "550 refused");
                return JOB_OUTCOME_FAILED;
        }
        if (strcmp(job->payload, "always-busy") == 0 || job->attempts < 2) {
                snprintf(error, size, "421 busy");
                return JOB_OUTCOME_RETRY;
        }
        return JOB_OUTCOME_DONE;
}

static const struct job_kind flaky_kind = {"flaky", 60, 3, flaky};

static void the_worker_runs_registered_kinds(void **state)
{
        struct db *db = DB(state);
        cluster_set_node("node-a");
        job_worker_reset();
        assert_int_equal(job_worker_register(&flaky_kind), 0);
        int64_t ok = job_enqueue(db, "flaky", "second-time-lucky", NOW);
        int64_t perm = job_enqueue(db, "flaky", "permanent", NOW);
        int64_t busy = job_enqueue(db, "flaky", "always-busy", NOW);
        handled = 0;
        assert_int_equal(job_worker_run_due(db, NOW), 3);
        assert_int_equal(job_worker_run_due(db, NOW + 29), 0); /* backoffs */
        assert_int_equal(job_worker_run_due(db, NOW + 30), 2); /* ok is done, busy again */
        assert_int_equal(job_worker_run_due(db, NOW + 89), 0);
        assert_int_equal(job_worker_run_due(db, NOW + 90), 1); /* busy's 3rd and last attempt */
        assert_int_equal(job_worker_run_due(db, NOW + 100000), 0);
        assert_int_equal(handled, 6);
        struct db_stmt *st = db_prepare(db, "SELECT state, attempts, coalesce(last_error, '') "
                                            "FROM job WHERE id = ?1");
        const int64_t ids[] = {ok, perm, busy};
        const char *states[] = {"done", "failed", "failed"};
        const int attempts[] = {2, 1, 3};
        const char *errors[] = {"421 busy", "550 refused", "421 busy"};
        for (int i = 0; i < 3; i++) {
                db_bind_int(st, 1, ids[i]);
                assert_int_equal(db_step(st), DB_ROW);
                assert_string_equal(db_col_text(st, 0), states[i]);
                assert_int_equal(db_col_int(st, 1), attempts[i]);
                assert_string_equal(db_col_text(st, 2), errors[i]);
                db_finish(st);
                st = db_prepare(db, "SELECT state, attempts, coalesce(last_error, '') "
                                    "FROM job WHERE id = ?1");
        }
        db_finish(st);
        job_worker_reset();
}

/* PostgreSQL: a notice from another node reaches on_change; this node's own do not. */
static atomic_int changes_heard;

static void count_change(void *ctx)
{
        (void)ctx;
        atomic_fetch_add(&changes_heard, 1);
}

static bool wait_for_changes(int at_least, int ms)
{
        struct timespec step = {0, 10 * 1000000L};
        for (int i = 0; i < ms / 10; i++) {
                if (atomic_load(&changes_heard) >= at_least)
                        return true;
                nanosleep(&step, NULL);
        }
        return atomic_load(&changes_heard) >= at_least;
}

static void notices_reach_other_nodes(void **state)
{
        if (!tmpdb_pg_url)
                skip(); /* PostgreSQL's LISTEN/NOTIFY */
        struct tmpdb *t = *state;
        cluster_set_node("node-a");
        atomic_store(&changes_heard, 0);
        assert_int_equal(cluster_start(t->path, count_change, NULL), 0);
        assert_true(cluster_listening());
        /* the first connection counts as a (re)connection only when it was lost: none yet */
        assert_int_equal(atomic_load(&changes_heard), 0);
        /* this node's own changes are announced, under its own name ... */
        assert_int_equal(db_exec_script(t->db, "LISTEN kindred_change"), DB_OK);
        cluster_changed();
        cluster_changed(); /* two marks within the period: one notice */
        char payload[CLUSTER_NODE_MAX] = "";
        assert_int_equal(db_wait_notice(t->db, 2000, payload, sizeof(payload)), DB_ROW);
        assert_string_equal(payload, "node-a");
        assert_int_equal(db_wait_notice(t->db, 300, payload, sizeof(payload)), DB_DONE);
        /* ... and not taken for another node's */
        struct timespec pause = {0, 200 * 1000000L};
        nanosleep(&pause, NULL);
        assert_int_equal(atomic_load(&changes_heard), 0);
        /* another node's notice arrives within a fraction of a second */
        struct db_stmt *st = db_prepare(t->db, "SELECT pg_notify('kindred_change', 'node-b')");
        assert_int_equal(db_step(st), DB_ROW);
        db_finish(st);
        assert_true(wait_for_changes(1, 1000));
        assert_true(cluster_in_step());
        /* the listening connection is cut (a database restart, a proxy's timeout): the node
         * knows it is out of step, opens another, and drops its pages then, since notices may
         * have been missed meanwhile */
        st = db_prepare(t->db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE pid <> pg_backend_pid() AND datname = current_database() "
                               "AND (query LIKE 'LISTEN%' OR query LIKE '%pg_notify%')");
        assert_int_equal(db_step(st), DB_ROW);
        assert_true(db_col_int(st, 0) >= 1);
        db_finish(st);
        bool noticed_loss = false;
        for (int i = 0; i < 300 && !noticed_loss; i++) {
                noticed_loss = !cluster_in_step();
                nanosleep(&(struct timespec){0, 5 * 1000000L}, NULL);
        }
        assert_true(noticed_loss);
        assert_true(wait_for_changes(2, 3000));
        assert_true(cluster_in_step());
        /* and hears the others again */
        st = db_prepare(t->db, "SELECT pg_notify('kindred_change', 'node-c')");
        assert_int_equal(db_step(st), DB_ROW);
        db_finish(st);
        assert_true(wait_for_changes(3, 1000));
        cluster_stop();
        assert_false(cluster_listening());
}

/* Kinds take turns: one job of another kind waits for at most JOB_BATCH of a long queue. */
static int bulk_done, bulk_done_when_other_ran = -1;

static enum job_outcome bulk(struct db *db, const struct job *job, char *error, size_t size)
{
        (void)db, (void)job, (void)error, (void)size;
        bulk_done++;
        return JOB_OUTCOME_DONE;
}

static enum job_outcome other(struct db *db, const struct job *job, char *error, size_t size)
{
        (void)db, (void)job, (void)error, (void)size;
        bulk_done_when_other_ran = bulk_done;
        return JOB_OUTCOME_DONE;
}

static const struct job_kind bulk_kind = {"bulk", 60, 3, bulk};
static const struct job_kind other_kind = {"other", 60, 3, other};

static void kinds_take_turns(void **state)
{
        struct db *db = DB(state);
        job_worker_reset();
        assert_int_equal(job_worker_register(&bulk_kind), 0);
        assert_int_equal(job_worker_register(&other_kind), 0);
        assert_int_equal(db_begin(db), DB_OK);
        for (int i = 0; i < 3 * JOB_BATCH; i++)
                assert_true(job_enqueue(db, "bulk", "{}", NOW) > 0);
        assert_true(job_enqueue(db, "other", "{}", NOW) > 0);
        assert_int_equal(db_commit(db), DB_OK);
        bulk_done = 0;
        bulk_done_when_other_ran = -1;
        /* one pass still runs every due job ... */
        assert_int_equal(job_worker_run_due(db, NOW), 3 * JOB_BATCH + 1);
        assert_int_equal(bulk_done, 3 * JOB_BATCH);
        /* ... but the other kind's came after the first batch, not after all of them */
        assert_int_equal(bulk_done_when_other_ran, JOB_BATCH);
        job_worker_reset();
}

static void sqlite_has_no_listener(void **state)
{
        if (tmpdb_pg_url)
                skip();
        struct tmpdb *t = *state;
        assert_int_equal(cluster_start(t->path, count_change, NULL), 0);
        assert_false(cluster_listening());
        cluster_changed(); /* nothing to do, and harmless */
        char payload[8];
        assert_int_equal(db_wait_notice(t->db, 10, payload, sizeof(payload)), DB_ERROR);
}

int main(void)
{
        /* each runs on SQLite, then on PostgreSQL under KINDRED_TEST_PG_URL; the notices are
         * PostgreSQL's, and SQLite's lack of them is SQLite's */
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(one_node_holds_a_lease, setup, teardown),
            cmocka_unit_test_setup_teardown(rate_limits_count_in_the_database, setup, teardown),
            cmocka_unit_test_setup_teardown(throttles_count_failures_and_lock, setup, teardown),
            cmocka_unit_test_setup_teardown(old_counts_are_purged, setup, teardown),
            cmocka_unit_test(two_nodes_migrate_at_once),
            cmocka_unit_test_setup_teardown(the_pool_is_bounded, setup, teardown),
            cmocka_unit_test_setup_teardown(a_connection_left_open_is_not_lent_again, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(jobs_are_claimed_in_order_and_finished, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(retries_wait_and_expired_claims_are_taken_over, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(racing_nodes_claim_each_job_once, setup, teardown),
            cmocka_unit_test_setup_teardown(a_restarted_node_frees_its_own_claims, setup, teardown),
            cmocka_unit_test_setup_teardown(the_worker_runs_registered_kinds, setup, teardown),
            cmocka_unit_test_setup_teardown(kinds_take_turns, setup, teardown),
            cmocka_unit_test_setup_teardown(notices_reach_other_nodes, setup, teardown),
            cmocka_unit_test_setup_teardown(sqlite_has_no_listener, setup, teardown),
        };
        int failed = cmocka_run_group_tests_name("cluster on SQLite", tests, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed += cmocka_run_group_tests_name("cluster on PostgreSQL", tests, NULL, NULL);
        return failed;
}
