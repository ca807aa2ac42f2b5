/* Bounded connection pool; see pool.h. */
#include "db/pool.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct db_pool {
        pthread_mutex_t lock;
        pthread_cond_t handed_back;
        char *target;
        enum db_durability durability;
        unsigned max, open, nidle;
        struct db **idle; /* [max] */
};

struct db_pool *db_pool_new(const char *target, unsigned max, enum db_durability durability)
{
        struct db_pool *p = xcalloc(1, sizeof(*p));
        pthread_mutex_init(&p->lock, NULL);
        time_cond_init_monotonic(&p->handed_back);
        p->target = xstrdup(target);
        p->durability = durability;
        p->max = max ? max : 1;
        p->idle = xcalloc(p->max, sizeof(*p->idle));
        return p;
}

void db_pool_free(struct db_pool *p)
{
        if (!p)
                return;
        for (unsigned i = 0; i < p->nidle; i++)
                db_close(p->idle[i]);
        free(p->idle);
        free(p->target);
        pthread_cond_destroy(&p->handed_back);
        pthread_mutex_destroy(&p->lock);
        free(p);
}

/* Opens a connection outside the lock (a PostgreSQL connect takes milliseconds). */
static struct db *open_one(struct db_pool *p)
{
        struct db *db = NULL;
        if (db_open_url(p->target, &db) != DB_OK)
                return NULL;
        if (p->durability != DB_DURABLE_FULL && db_set_durability(db, p->durability) != DB_OK) {
                db_close(db);
                return NULL;
        }
        return db;
}

struct db *db_pool_acquire(struct db_pool *p, int wait_ms)
{
        struct timespec deadline = time_after_ms(CLOCK_MONOTONIC, wait_ms);
        pthread_mutex_lock(&p->lock);
        for (;;) {
                if (p->nidle > 0) {
                        struct db *db = p->idle[--p->nidle];
                        pthread_mutex_unlock(&p->lock);
                        return db;
                }
                if (p->open < p->max) {
                        p->open++; /* reserved while it opens */
                        pthread_mutex_unlock(&p->lock);
                        struct db *db = open_one(p);
                        if (!db) {
                                pthread_mutex_lock(&p->lock);
                                p->open--;
                                pthread_cond_signal(&p->handed_back);
                                pthread_mutex_unlock(&p->lock);
                        }
                        return db;
                }
                if (pthread_cond_timedwait(&p->handed_back, &p->lock, &deadline) == ETIMEDOUT &&
                    p->nidle == 0) {
                        pthread_mutex_unlock(&p->lock);
                        log_warn("db: all %u connections of the pool stayed busy for %d ms", p->max,
                                 wait_ms);
                        return NULL;
                }
        }
}

void db_pool_release(struct db_pool *p, struct db *db)
{
        if (!db)
                return;
        /* A caller that left a statement or a transaction open is a defect: on SQLite the next
         * request here would read the site as it was then. The connection is not lent again;
         * nor is one that was lost (the database server went away), which would fail the next
         * request too. */
        char what[160];
        bool lost = db_lost(db);
        if (lost || !db_idle(db, what, sizeof(what))) {
                if (lost)
                        log_warn("db: a lost connection was closed; the next request opens one");
                else
                        log_error("db: a connection came back with %s still open; closed", what);
                db_close(db);
                pthread_mutex_lock(&p->lock);
                p->open--;
                pthread_cond_signal(&p->handed_back);
                pthread_mutex_unlock(&p->lock);
                return;
        }
        pthread_mutex_lock(&p->lock);
        p->idle[p->nidle++] = db;
        pthread_cond_signal(&p->handed_back);
        pthread_mutex_unlock(&p->lock);
}

unsigned db_pool_open(struct db_pool *p)
{
        pthread_mutex_lock(&p->lock);
        unsigned n = p->open;
        pthread_mutex_unlock(&p->lock);
        return n;
}

unsigned db_pool_max(const struct db_pool *p)
{
        return p->max;
}
