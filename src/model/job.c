/* Background jobs in the database; see job.h. */
#include "model/job.h"
#include "core/alloc.h"
#include "core/log.h"
#include "db/db.h"
#include "model/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Claims lost to another node in a row before job_claim gives up for now. */
enum { CLAIM_TRIES = 8 };

int64_t job_enqueue(struct db *db, const char *kind, const char *payload, int64_t run_at)
{
        struct db_stmt *st = db_prepare(
            db, "INSERT INTO job (kind, payload, run_at, created_at) VALUES (?1, ?2, ?3, ?3) "
                "RETURNING id");
        if (!st)
                return -1;
        db_bind_text(st, 1, kind);
        db_bind_text(st, 2, payload);
        db_bind_int(st, 3, run_at);
        int64_t id = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
        db_finish(st);
        if (id < 0)
                log_error("jobs: cannot queue a %s job: %s", kind, db_errmsg(db));
        return id;
}

int job_claim(struct db *db, const char *kind, int64_t now, int claim_s, struct job *out)
{
        memset(out, 0, sizeof(*out));
        for (int tries = 0; tries < CLAIM_TRIES; tries++) {
                /* the candidate ... */
                struct db_stmt *st = db_prepare(
                    db, "SELECT id FROM job WHERE kind = ?1 AND state = 'queued' AND run_at <= ?2 "
                        "AND claimed_until <= ?2 ORDER BY run_at, id LIMIT 1");
                if (!st)
                        return -1;
                db_bind_text(st, 1, kind);
                db_bind_int(st, 2, now);
                int rc = db_step(st);
                int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
                db_finish(st);
                if (rc == DB_DONE)
                        return 0;
                if (rc != DB_ROW)
                        return -1;
                /* ... is ours only if it is still unclaimed when written: of two nodes racing
                 * for it, the second finds the first's claim (PostgreSQL re-reads the row after
                 * waiting for its lock; SQLite has one writer) and tries the next */
                st = db_prepare(db, "UPDATE job SET claimed_by = ?2, claimed_until = ?3 + ?4, "
                                    "attempts = attempts + 1 "
                                    "WHERE id = ?1 AND state = 'queued' AND claimed_until <= ?3 "
                                    "RETURNING payload, attempts");
                if (!st)
                        return -1;
                db_bind_int(st, 1, id);
                db_bind_text(st, 2, cluster_node());
                db_bind_int(st, 3, now);
                db_bind_int(st, 4, claim_s);
                rc = db_step(st);
                if (rc == DB_ROW) {
                        out->id = id;
                        snprintf(out->kind, sizeof(out->kind), "%s", kind);
                        out->payload = xstrdup(db_col_text(st, 0));
                        out->attempts = (int)db_col_int(st, 1);
                }
                db_finish(st);
                if (rc == DB_ROW)
                        return 1;
                if (rc != DB_DONE)
                        return -1;
        }
        return 0;
}

void job_claimed_free(struct job *j)
{
        free(j->payload);
        j->payload = NULL;
}

/* Writes a claimed job's outcome, if this node still holds it. */
static bool finish(struct db *db, int64_t id, const char *state, int64_t at, const char *error)
{
        char reason[JOB_ERROR_MAX + 1];
        snprintf(reason, sizeof(reason), "%s", error ? error : "");
        /* a queued job (a retry) keeps run_at = at; a finished one gets finished_at = at */
        struct db_stmt *st =
            db_prepare(db, "UPDATE job SET state = ?2, "
                           "run_at = CASE WHEN ?2 = 'queued' THEN ?3 ELSE run_at END, "
                           "finished_at = CASE WHEN ?2 = 'queued' THEN NULL ELSE ?3 END, "
                           "last_error = CASE WHEN ?4 = '' THEN last_error ELSE ?4 END, "
                           "claimed_by = NULL, claimed_until = 0 "
                           "WHERE id = ?1 AND claimed_by = ?5 AND state = 'queued'");
        if (!st)
                return false;
        db_bind_int(st, 1, id);
        db_bind_text(st, 2, state);
        db_bind_int(st, 3, at);
        db_bind_text(st, 4, reason);
        db_bind_text(st, 5, cluster_node());
        bool ok = db_step(st) == DB_DONE && db_changes(db) == 1;
        db_finish(st);
        return ok;
}

bool job_done(struct db *db, int64_t id, int64_t now)
{
        return finish(db, id, "done", now, NULL);
}

bool job_retry(struct db *db, int64_t id, int64_t run_at, const char *error)
{
        return finish(db, id, "queued", run_at, error);
}

bool job_failed(struct db *db, int64_t id, int64_t now, const char *error)
{
        return finish(db, id, "failed", now, error);
}

long job_release_own_claims(struct db *db)
{
        struct db_stmt *st = db_prepare(db, "UPDATE job SET claimed_by = NULL, claimed_until = 0 "
                                            "WHERE claimed_by = ?1 AND state = 'queued'");
        if (!st)
                return -1;
        db_bind_text(st, 1, cluster_node());
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? (long)db_changes(db) : -1;
}

int64_t job_backoff_s(int attempts)
{
        int64_t wait = JOB_BACKOFF_FIRST_S;
        for (int i = 1; i < attempts && wait < JOB_BACKOFF_MAX_S; i++)
                wait *= 2;
        return wait < JOB_BACKOFF_MAX_S ? wait : JOB_BACKOFF_MAX_S;
}

long job_purge(struct db *db, int64_t older_than)
{
        struct db_stmt *st =
            db_prepare(db, "DELETE FROM job WHERE state <> 'queued' AND finished_at < ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, older_than);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? (long)db_changes(db) : -1;
}
