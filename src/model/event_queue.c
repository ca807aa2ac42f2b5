/* The event recorder (event_queue.h): requests append to a buffer under one mutex; one writer
 * thread swaps it for an empty one every KD_EVENT_FLUSH_MS and hands the full one to event_apply
 * (one transaction), so a page never waits for storage. Hourly, and at the first period of each
 * new day, the writer also expires guests' raw events and yesterday's guest salts. */
#include "model/event_queue.h"
#include "model/cluster.h"
#include "core/alloc.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/event.h"
#include "model/recording.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { FIRST_CAPACITY = 1024, EXPIRE_EVERY_S = 3600, WRITER_NICE = 5 };
/* The most time a period spends on expiry: the rest of the second stays for the events. */
#define EXPIRE_BUDGET_US 200000u

/* A growable array of events. */
struct evbuf {
        struct event *ev;
        size_t n, cap;
};

static struct {
        pthread_mutex_t lock; /* guards filling, running, stopping */
        pthread_cond_t wake;  /* signalled to stop the writer early */
        struct evbuf filling; /* where requests append */
        bool running, stopping;
        atomic_bool accepting; /* a lock-free first look for event_record */
        atomic_uint_fast64_t dropped;
        atomic_int guest_days;
        pthread_t thread;
        char *db_path;
} q = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .guest_days = KD_GUEST_EVENT_DAYS,
};

static void evbuf_push(struct evbuf *b, const struct event *e)
{
        if (b->n == b->cap) {
                size_t cap = b->cap ? b->cap * 2 : FIRST_CAPACITY;
                if (cap > KD_EVENT_QUEUE_MAX)
                        cap = KD_EVENT_QUEUE_MAX;
                b->ev = xrealloc(b->ev, cap * sizeof(*b->ev));
                b->cap = cap;
        }
        b->ev[b->n++] = *e;
}

/* After a burst, gives back what a quiet period does not need (the buffers would otherwise
 * keep their largest size for ever). */
static void evbuf_settle(struct evbuf *b, size_t last_n)
{
        if (b->cap > FIRST_CAPACITY && last_n < b->cap / 4) {
                size_t cap = b->cap / 2;
                b->ev = xrealloc(b->ev, cap * sizeof(*b->ev));
                b->cap = cap;
        }
}

static void evbuf_free(struct evbuf *b)
{
        free(b->ev);
        memset(b, 0, sizeof(*b));
}

void event_record(const struct event *e)
{
        if (!atomic_load_explicit(&q.accepting, memory_order_relaxed))
                return; /* not serving (a command), or stopping */
        pthread_mutex_lock(&q.lock);
        if (!q.running || q.stopping) { /* the writer's last look may have passed */
                pthread_mutex_unlock(&q.lock);
                return;
        }
        if (q.filling.n >= KD_EVENT_QUEUE_MAX) {
                pthread_mutex_unlock(&q.lock);
                /* Logged once per power of two, so a flood cannot flood the log too. */
                uint64_t n = atomic_fetch_add(&q.dropped, 1) + 1;
                if ((n & (n - 1)) == 0)
                        log_warn("events: the queue is full (%d waiting): %llu dropped so far",
                                 KD_EVENT_QUEUE_MAX, (unsigned long long)n);
                return;
        }
        evbuf_push(&q.filling, e);
        pthread_mutex_unlock(&q.lock);
}

uint64_t event_queue_dropped(void)
{
        return atomic_load(&q.dropped);
}

void event_queue_set_guest_days(int days)
{
        atomic_store(&q.guest_days, days > 0 ? days : KD_GUEST_EVENT_DAYS);
}

/* Writes a batch; 0 or -1 (event_apply logged why). */
static int write_batch(struct db *db, const struct evbuf *b)
{
        size_t skipped = 0;
        if (event_apply(db, b->ev, b->n, &skipped) != 0)
                return -1;
        if (skipped)
                log_info("events: %zu of %zu skipped (invalid, or their episode is gone)", skipped,
                         b->n);
        return 0;
}

/* One period: takes what requests queued, retries the batch that failed last period (once:
 * then it is dropped, so a broken database cannot make memory grow), writes the new batch. */
static void flush_once(struct db *db, struct evbuf *taken, struct evbuf *retry)
{
        pthread_mutex_lock(&q.lock);
        struct evbuf t = q.filling;
        q.filling = *taken;
        *taken = t;
        pthread_mutex_unlock(&q.lock);

        if (retry->n) {
                if (!db || write_batch(db, retry) != 0)
                        log_error("events: a batch of %zu failed twice and is dropped", retry->n);
                retry->n = 0;
        }
        if (taken->n) {
                size_t n = taken->n;
                if (!db || write_batch(db, taken) != 0) {
                        log_warn("events: a batch of %zu failed; retrying it next period", n);
                        struct evbuf swap = *retry;
                        *retry = *taken;
                        *taken = swap;
                }
                taken->n = 0;
                evbuf_settle(taken, n);
        }
}

/* Guests' raw events past their days, per-day bookkeeping, and every salt before today. A
 * large backlog (the first expiry of a big site, a shortened retention) is deleted in chunks
 * of KD_EVENT_EXPIRE_CHUNK, for at most EXPIRE_BUDGET_US a period, so the writer still writes
 * each second's events and pages that write never wait for more than one chunk. Returns true
 * when nothing of that age is left. */
static bool expire(struct db *db, int64_t now, int64_t *total)
{
        int days = atomic_load(&q.guest_days);
        uint64_t start = time_mono_us();
        for (;;) {
                int64_t gone = event_expire(db, now, days, KD_EVENT_EXPIRE_CHUNK);
                if (gone < 0) {
                        log_error("events: expiring guests' events failed: %s", db_errmsg(db));
                        return true; /* tried again at the next hourly run */
                }
                *total += gone;
                if (gone < KD_EVENT_EXPIRE_CHUNK)
                        break;
                if (time_mono_us() - start >= EXPIRE_BUDGET_US)
                        return false;
        }
        if (*total > 0)
                log_info("events: %lld guest events older than %d days deleted", (long long)*total,
                         days);
        *total = 0;
        if (recording_salt_expire(db, event_day(now)) != 0)
                log_error("events: deleting past days' salts failed: %s", db_errmsg(db));
        return true;
}

static void *writer_main(void *arg)
{
        (void)arg;
        /* A little behind the request workers: its burst of work once a second then waits for
         * them instead of holding a core while pages queue (p99 of the guest page, measured in
         * docs/performance.md). Niceness 5 still leaves it several times the CPU it needs. */
        if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITER_NICE) != 0)
                log_info("events: the writer keeps the server's priority");
        struct db *db = NULL;
        /* the server's own target: the SQLite file or the postgresql:// URL */
        if (db_open_url(q.db_path, &db) != DB_OK) {
                log_error("events: the writer cannot open the site's database; events will be "
                          "dropped");
                db = NULL;
        }
        /* its transactions write only events and insights: on PostgreSQL they take a lock of
         * their own, beside the site's writers (db_set_write_lock) */
        if (db)
                db_set_write_lock(db, DB_LOCK_INSIGHTS);
        struct evbuf taken = {0}, retry = {0};
        int64_t last_expire = 0, last_day = 0, expired = 0;
        bool expiring = false;
        pthread_mutex_lock(&q.lock);
        while (!q.stopping) {
                struct timespec until = time_after_ms(CLOCK_MONOTONIC, KD_EVENT_FLUSH_MS);
                while (!q.stopping && pthread_cond_timedwait(&q.wake, &q.lock, &until) != ETIMEDOUT)
                        ;
                if (q.stopping)
                        break;
                pthread_mutex_unlock(&q.lock);
                flush_once(db, &taken, &retry);
                int64_t now = time_now();
                if (db && (now - last_expire >= EXPIRE_EVERY_S || event_day(now) != last_day)) {
                        /* with several nodes, the one holding the lease expires for all */
                        expiring = cluster_lease(db, "event_expire", now, 3 * EXPIRE_EVERY_S);
                        last_expire = now;
                        last_day = event_day(now);
                }
                if (db && expiring)
                        expiring = !expire(db, now, &expired);
                pthread_mutex_lock(&q.lock);
        }
        pthread_mutex_unlock(&q.lock);
        /* Stopping: requests no longer append; write what is left (a failed batch gets its
         * one retry now). */
        flush_once(db, &taken, &retry);
        flush_once(db, &taken, &retry);
        evbuf_free(&taken);
        evbuf_free(&retry);
        if (db)
                cluster_lease_release(db, "event_expire");
        db_close(db);
        return NULL;
}

int event_queue_start(const char *db_path)
{
        pthread_mutex_lock(&q.lock);
        if (q.running) {
                pthread_mutex_unlock(&q.lock);
                return 0;
        }
        time_cond_init_monotonic(&q.wake);
        q.db_path = xstrdup(db_path);
        q.stopping = false;
        atomic_store(&q.dropped, 0);
        if (pthread_create(&q.thread, NULL, writer_main, NULL) != 0) {
                log_error("events: cannot start the writer thread");
                free(q.db_path);
                q.db_path = NULL;
                pthread_cond_destroy(&q.wake);
                pthread_mutex_unlock(&q.lock);
                return -1;
        }
        q.running = true;
        atomic_store(&q.accepting, true);
        pthread_mutex_unlock(&q.lock);
        return 0;
}

void event_queue_stop(void)
{
        pthread_mutex_lock(&q.lock);
        if (!q.running) {
                pthread_mutex_unlock(&q.lock);
                return;
        }
        atomic_store(&q.accepting, false);
        q.stopping = true;
        pthread_cond_signal(&q.wake);
        pthread_mutex_unlock(&q.lock);
        pthread_join(q.thread, NULL);
        pthread_mutex_lock(&q.lock);
        q.running = false;
        evbuf_free(&q.filling); /* empty: the writer took the last of it */
        pthread_mutex_unlock(&q.lock);
        pthread_cond_destroy(&q.wake);
        free(q.db_path);
        q.db_path = NULL;
        uint64_t dropped = atomic_load(&q.dropped);
        if (dropped)
                log_warn("events: %llu dropped because the queue was full",
                         (unsigned long long)dropped);
}
