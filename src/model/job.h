/* Background jobs done once, whichever node does them (docs/architecture.md, "Several nodes").
 *
 * A job is queued (job_enqueue) in the same transaction as the change that causes it, so it
 * exists exactly when the change does. A node's worker (job_worker.h) claims a due job of a kind
 * it handles: one conditional write that one node wins, which holds the job for the kind's claim
 * time. The handler's outcome then finishes it (done, failed for good) or makes it due again
 * later with a backoff. A job whose claim runs out (its node died mid-job) becomes claimable
 * again: delivery is at least once, so a handler whose work must not repeat (a mail) makes its
 * effect idempotent or records progress itself. */
#ifndef KD_JOB_H
#define KD_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum {
        JOB_KIND_MAX = 32,        /* bytes of a kind's name */
        JOB_ERROR_MAX = 500,      /* bytes of a failure's reason kept */
        JOB_BACKOFF_FIRST_S = 30, /* the first retry's wait; each next one doubles */
        JOB_BACKOFF_MAX_S = 6 * 3600,
};

/* A claimed job: what its handler gets. payload is owned by the struct (job_claimed_free). */
struct job {
        int64_t id;
        char kind[JOB_KIND_MAX + 1];
        char *payload;
        int attempts; /* including this one */
};

/* Queues a job of kind with payload, due at run_at. Returns its id, or -1 (logged). Call inside
 * the transaction of the change that causes it. */
int64_t job_enqueue(struct db *db, const char *kind, const char *payload, int64_t run_at);

/* Claims the oldest due job of kind for this node (cluster_node()) for claim_s seconds. Returns
 * 1 with *out filled, 0 when none is due, -1 on a database error. */
int job_claim(struct db *db, const char *kind, int64_t now, int claim_s, struct job *out);
void job_claimed_free(struct job *j);

/* The outcome of a claimed job; each returns true when this node still held the claim (a node
 * whose claim ran out and was taken by another changes nothing). */
bool job_done(struct db *db, int64_t id, int64_t now);
/* Due again at run_at, the reason kept. */
bool job_retry(struct db *db, int64_t id, int64_t run_at, const char *error);
/* Failed for good (a permanent refusal, or too many attempts), the reason kept. */
bool job_failed(struct db *db, int64_t id, int64_t now, const char *error);

/* Frees the claims this node's name (cluster_node()) holds on queued jobs: a node that starts
 * again under its name (KINDRED_NODE, or host:pid when a pid comes round again) cannot still be
 * running them, and the jobs need not wait for the claims to run out. Returns how many. */
long job_release_own_claims(struct db *db);

/* The wait before attempt attempts + 1: JOB_BACKOFF_FIRST_S doubling, at most
 * JOB_BACKOFF_MAX_S. */
int64_t job_backoff_s(int attempts);

/* Deletes jobs finished before older_than. Returns the rows deleted, -1 on error. */
long job_purge(struct db *db, int64_t older_than);

#endif
