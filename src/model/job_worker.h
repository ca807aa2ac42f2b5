/* The thread that does a node's share of the background jobs (job.h): every JOB_POLL_MS, or at
 * once when woken, it claims due jobs of the kinds registered here and runs their handlers one
 * after another, on a connection of its own. Every node runs one; the database makes sure each
 * job is claimed by one of them at a time. */
#ifndef KD_JOB_WORKER_H
#define KD_JOB_WORKER_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct job;

enum {
        JOB_POLL_MS = 1000,
        JOB_KINDS_MAX = 8,
        JOB_BATCH = 50, /* jobs of one kind run before the next kind's turn */
};

enum job_outcome {
        JOB_OUTCOME_DONE,   /* finished */
        JOB_OUTCOME_RETRY,  /* try again after the backoff (until the kind's attempts are used) */
        JOB_OUTCOME_FAILED, /* permanently: no more attempts */
};

/* A kind of job and how it is done. handle may write a reason (for admins) into error. */
struct job_kind {
        const char *name;
        int claim_s;      /* how long a claim holds: longer than the handler can take */
        int max_attempts; /* after this many, a retry becomes a failure */
        enum job_outcome (*handle)(struct db *db, const struct job *job, char *error,
                                   size_t error_size);
};

/* Called from a handler: claim no more jobs of the handler's kind for seconds, counted on the
 * pass's clock (a server that is down: every next job would only wait out the same timeout and
 * spend an attempt). Jobs of other kinds go on. */
void job_worker_pause_kind(int seconds);

/* Registers a kind (a static struct); call before job_worker_start. Returns 0 or -1 when
 * JOB_KINDS_MAX are registered. */
int job_worker_register(const struct job_kind *kind);
/* Forgets every kind (tests). */
void job_worker_reset(void);
/* Starts the worker on its own connection to target (what db_open_url opens). Does nothing and
 * returns 0 when no kind is registered. Returns -1 when it cannot start (logged). */
int job_worker_start(const char *target);
/* Finishes the job at hand and stops. */
void job_worker_stop(void);
/* Asks the worker to look for due jobs now (after queueing one). Never waits. */
void job_worker_wake(void);
/* Runs every due job of the registered kinds on db, as of now (0: the clock at each job), the
 * kinds taking turns JOB_BATCH jobs at a time — a pass of the worker, also for tests and
 * commands. Returns the jobs run, -1 on a database error. */
int job_worker_run_due(struct db *db, int64_t now);

#endif
