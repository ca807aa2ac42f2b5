/* A node's background worker; see job_worker.h. */
#include "model/job_worker.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/cluster.h"
#include "model/job.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct job_kind *kinds[JOB_KINDS_MAX];
static int64_t paused_until[JOB_KINDS_MAX]; /* job_worker_pause_kind, on the passes' clock */
static size_t nkinds;
/* The kind whose handler runs and the clock of its pass (job_worker_pause_kind): only the
 * thread running a pass touches these. */
static size_t current_kind = JOB_KINDS_MAX;
static int64_t current_now;

static struct {
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool running, stopping, woken;
        struct db *db;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER};

int job_worker_register(const struct job_kind *kind)
{
        if (nkinds >= JOB_KINDS_MAX)
                return -1;
        kinds[nkinds++] = kind;
        return 0;
}

void job_worker_reset(void)
{
        nkinds = 0;
        memset(paused_until, 0, sizeof(paused_until));
}

void job_worker_pause_kind(int seconds)
{
        if (current_kind < nkinds)
                paused_until[current_kind] = current_now + seconds;
}

/* Runs one claimed job and writes its outcome. */
static void run_one(struct db *db, const struct job_kind *k, const struct job *job, int64_t at)
{
        char error[JOB_ERROR_MAX + 1] = "";
        enum job_outcome o = k->handle(db, job, error, sizeof(error));
        int64_t now = at > 0 ? at : time_now();
        bool kept;
        if (o == JOB_OUTCOME_RETRY && job->attempts >= k->max_attempts)
                o = JOB_OUTCOME_FAILED;
        if (o == JOB_OUTCOME_DONE)
                kept = job_done(db, job->id, now);
        else if (o == JOB_OUTCOME_RETRY)
                kept = job_retry(db, job->id, now + job_backoff_s(job->attempts), error);
        else
                kept = job_failed(db, job->id, now, error);
        if (o != JOB_OUTCOME_DONE)
                log_warn("jobs: %s job %lld %s (attempt %d): %s", k->name, (long long)job->id,
                         o == JOB_OUTCOME_RETRY ? "will be retried" : "failed", job->attempts,
                         *error ? error : "no reason given");
        if (!kept)
                log_warn("jobs: %s job %lld outlived its claim; another node may have run it too",
                         k->name, (long long)job->id);
}

int job_worker_run_due(struct db *db, int64_t now)
{
        int ran = 0;
        /* Kinds take turns, JOB_BATCH jobs at a time: 100,000 queued mails must not hold back
         * another kind's job until the last of them went. */
        for (bool more = true; more;) {
                more = false;
                for (size_t i = 0; i < nkinds; i++) {
                        int batch = 0;
                        for (; batch < JOB_BATCH; batch++) {
                                struct job job;
                                /* the passes read the clock at each claim: a pass may last */
                                int64_t at = now > 0 ? now : time_now();
                                if (paused_until[i] > at)
                                        break;
                                int rc = job_claim(db, kinds[i]->name, at, kinds[i]->claim_s, &job);
                                if (rc < 0)
                                        return -1;
                                if (rc == 0)
                                        break;
                                current_kind = i;
                                current_now = at;
                                run_one(db, kinds[i], &job, now);
                                current_kind = JOB_KINDS_MAX;
                                job_claimed_free(&job);
                                ran++;
                                pthread_mutex_lock(&w.lock);
                                bool stop = w.stopping;
                                pthread_mutex_unlock(&w.lock);
                                if (stop)
                                        return ran;
                        }
                        if (batch == JOB_BATCH)
                                more = true;
                }
        }
        return ran;
}

static void *worker_main(void *arg)
{
        (void)arg;
        pthread_mutex_lock(&w.lock);
        while (!w.stopping) {
                if (!w.woken) {
                        struct timespec until = time_after_ms(CLOCK_REALTIME, JOB_POLL_MS);
                        while (!w.stopping && !w.woken &&
                               pthread_cond_timedwait(&w.wake, &w.lock, &until) != ETIMEDOUT)
                                ;
                }
                w.woken = false;
                if (w.stopping)
                        break;
                pthread_mutex_unlock(&w.lock);
                if (job_worker_run_due(w.db, 0) < 0)
                        log_error("jobs: looking for due jobs failed: %s", db_errmsg(w.db));
                pthread_mutex_lock(&w.lock);
        }
        pthread_mutex_unlock(&w.lock);
        return NULL;
}

int job_worker_start(const char *target)
{
        if (nkinds == 0 || w.running)
                return 0;
        if (db_open_url(target, &w.db) != DB_OK) {
                log_error("jobs: the worker cannot open the site's database");
                return -1;
        }
        /* this node's earlier life (killed mid-job) left claims nobody works on */
        long released = job_release_own_claims(w.db);
        if (released > 0)
                log_warn("jobs: %ld job%s claimed by an earlier run of node %s are free again",
                         released, released == 1 ? "" : "s", cluster_node());
        pthread_cond_init(&w.wake, NULL);
        w.stopping = w.woken = false;
        if (pthread_create(&w.thread, NULL, worker_main, NULL) != 0) {
                log_error("jobs: cannot start the worker");
                db_close(w.db);
                w.db = NULL;
                return -1;
        }
        w.running = true;
        return 0;
}

void job_worker_stop(void)
{
        if (!w.running)
                return;
        pthread_mutex_lock(&w.lock);
        w.stopping = true;
        pthread_cond_signal(&w.wake);
        pthread_mutex_unlock(&w.lock);
        pthread_join(w.thread, NULL);
        pthread_cond_destroy(&w.wake);
        db_close(w.db);
        w.db = NULL;
        w.running = false;
}

void job_worker_wake(void)
{
        pthread_mutex_lock(&w.lock);
        w.woken = true;
        if (w.running)
                pthread_cond_signal(&w.wake);
        pthread_mutex_unlock(&w.lock);
}
