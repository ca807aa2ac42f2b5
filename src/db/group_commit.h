/* Group commit: concurrent commits made durable by one shared sync (docs/performance.md,
 * "Durable writes: group commit").
 *
 * A writer whose commit has been handed to the operating system (its write() returned) calls
 * group_commit_wait(). It returns only after a sync that *began* after that call has finished,
 * so the commit is on disk. One caller at a time runs the sync (the leader) for itself and for
 * every commit that finished before the sync began; the others wait and are released together
 * when it ends. While one sync runs, the next commits gather for the following one: under load
 * each sync covers many commits, alone a commit costs one sync as before. Thread-safe. */
#ifndef KD_DB_GROUP_COMMIT_H
#define KD_DB_GROUP_COMMIT_H

#include <stdbool.h>
#include <stdint.h>

struct group_commit;

/* Makes everything written so far durable (fdatasync or the like): 0, or nonzero on failure. */
typedef int (*group_sync_fn)(void *arg);

struct group_commit *group_commit_new(void);
/* NULL is allowed; nobody may be waiting. */
void group_commit_free(struct group_commit *g);

/* Waits until the caller's finished commit is durable, leading a sync with sync(arg) when none
 * is running. Returns 0, or -1 when a sync failed, this one or any before: nothing written
 * after a failed sync can be proven durable, so the caller must not acknowledge the commit
 * (and a restart, which recovers the log from the disk, is the way out). */
int group_commit_wait(struct group_commit *g, group_sync_fn sync, void *arg);
/* The same for a wait that stands for several commits (a batch of transactions committed as
 * one: db/db_sqlite.c), so that the statistics count each. */
int group_commit_wait_for(struct group_commit *g, uint64_t commits, group_sync_fn sync, void *arg);

/* While a sync runs, waits until it ends, until stop(arg) says so, or for at most max_ms:
 * a commit made while a sync runs waits for it to end and then for one more sync, so a batch
 * of transactions (db/db_sqlite.c) can stay open that long and take more in at no cost to
 * those already in. stop is read when a holder is poked (group_commit_poke) and at the end of
 * each sync. */
void group_commit_hold(struct group_commit *g, bool (*stop)(void *), void *arg, long max_ms);
/* Wakes the holders, to read their stop again. Cheap when nobody holds. */
void group_commit_poke(struct group_commit *g);

/* Commits made durable so far, and the syncs that did it (syncs <= commits; fewer when commits
 * were grouped), and failed syncs. */
struct group_commit_stats {
        uint64_t commits, syncs, failures;
};
struct group_commit_stats group_commit_stats(struct group_commit *g);

#endif
