/* Group commit; see group_commit.h.
 *
 * Tickets: each waiter takes the next number (ticket) after its commit finished. A leader
 * notes the last ticket given out when its sync begins (target): every ticket up to target
 * belongs to a commit whose writes were in the file before the sync began, so a successful
 * sync makes them all durable (durable = target). Tickets after target wait for the next
 * sync, which one of them leads as soon as the current one ends. A failed sync is final. */
#include "db/group_commit.h"
#include "core/alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct group_commit {
        pthread_mutex_t lock;
        pthread_cond_t synced;
        uint64_t issued;     /* last ticket given out */
        uint64_t durable;    /* every ticket <= durable is on disk */
        bool syncing;        /* a leader is in sync() */
        bool failed;         /* a sync failed: nothing from then on is acknowledged */
        pthread_cond_t held; /* holders (group_commit_hold) wait here */
        atomic_int holders;  /* how many */
        struct group_commit_stats stats;
};

struct group_commit *group_commit_new(void)
{
        struct group_commit *g = xcalloc(1, sizeof(*g));
        pthread_mutex_init(&g->lock, NULL);
        pthread_cond_init(&g->synced, NULL);
        pthread_cond_init(&g->held, NULL);
        return g;
}

void group_commit_free(struct group_commit *g)
{
        if (!g)
                return;
        pthread_cond_destroy(&g->synced);
        pthread_cond_destroy(&g->held);
        pthread_mutex_destroy(&g->lock);
        free(g);
}

int group_commit_wait(struct group_commit *g, group_sync_fn sync, void *arg)
{
        return group_commit_wait_for(g, 1, sync, arg);
}

int group_commit_wait_for(struct group_commit *g, uint64_t commits, group_sync_fn sync, void *arg)
{
        pthread_mutex_lock(&g->lock);
        uint64_t ticket = ++g->issued;
        int rc = 0;
        for (;;) {
                /* covered by a sync that succeeded, even if a later one failed */
                if (ticket <= g->durable) {
                        g->stats.commits += commits;
                        break;
                }
                if (g->failed) {
                        rc = -1;
                        break;
                }
                if (g->syncing) {
                        pthread_cond_wait(&g->synced, &g->lock);
                        continue;
                }
                /* lead: sync for every commit finished so far, ours included */
                g->syncing = true;
                uint64_t target = g->issued;
                pthread_mutex_unlock(&g->lock);
                int failed = sync(arg) != 0;
                pthread_mutex_lock(&g->lock);
                g->syncing = false;
                if (failed) {
                        /* After a failed fsync the kernel may have dropped the dirty pages and
                         * marked them clean: a later sync that succeeds does not prove they
                         * reached the disk, and a log read back stops at the first frame
                         * missing, so no later commit can be proven durable either (PostgreSQL
                         * stops for the same reason). Every wait fails from now on. */
                        g->failed = true;
                        g->stats.failures++;
                } else {
                        g->durable = target;
                        g->stats.syncs++;
                }
                pthread_cond_broadcast(&g->synced);
                if (atomic_load(&g->holders) > 0)
                        pthread_cond_broadcast(&g->held);
        }
        pthread_mutex_unlock(&g->lock);
        return rc;
}

/* A holder counts itself under the lock before it reads stop, and a poker changes what stop
 * reads before it reads holders: either the holder sees the change, or the poker sees the
 * holder and signals under the lock, which the holder only lets go of inside its wait. */
void group_commit_hold(struct group_commit *g, bool (*stop)(void *), void *arg, long max_ms)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += max_ms / 1000;
        until.tv_nsec += (max_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&g->lock);
        atomic_fetch_add(&g->holders, 1);
        while (g->syncing && !stop(arg))
                if (pthread_cond_timedwait(&g->held, &g->lock, &until) != 0)
                        break;
        atomic_fetch_sub(&g->holders, 1);
        pthread_mutex_unlock(&g->lock);
}

void group_commit_poke(struct group_commit *g)
{
        if (atomic_load(&g->holders) == 0)
                return;
        pthread_mutex_lock(&g->lock);
        pthread_cond_broadcast(&g->held);
        pthread_mutex_unlock(&g->lock);
}

struct group_commit_stats group_commit_stats(struct group_commit *g)
{
        pthread_mutex_lock(&g->lock);
        struct group_commit_stats s = g->stats;
        pthread_mutex_unlock(&g->lock);
        return s;
}
