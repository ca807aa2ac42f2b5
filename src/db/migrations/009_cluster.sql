-- Several nodes on one database (docs/operations.md, "Several nodes"; model/cluster.c,
-- model/shared_limits.c).

-- Who runs a periodic job (publishing due episodes, purging sessions, expiring guests' events)
-- until when: a node takes a free or expired lease and renews it while it runs the job, so one
-- node at a time does each job and another takes over when that node stops.
CREATE TABLE job_lease (
    name   TEXT    PRIMARY KEY,
    holder TEXT    NOT NULL, -- the node's name (KINDRED_NODE, default host:process id)
    until  INTEGER NOT NULL  -- Unix seconds; free from then on
);

-- The rate limits and login throttles of several nodes (http/throttle.h) are counted in
-- limit_counter and limit_throttle, created by each engine's part of this migration:
-- PostgreSQL keeps them UNLOGGED (no WAL, so no disk flush on a request's path; a crash of the
-- database server empties them, which only forgives). SQLite has them too, unused while one
-- node counts in memory, so the schema is one on both engines.

-- Background work that must be done once, whichever node does it (model/job.h): a mail to
-- send, later a delivery to another server. A job is queued in the same transaction as the
-- change that causes it; a node claims a due job by a conditional write that only one node
-- wins, for claim_s seconds; when it finishes it marks the job done (or failed, or due again
-- later). A claim that runs out (its node died) makes the job claimable again.
CREATE TABLE job (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
    payload       TEXT    NOT NULL, -- what the job's handler needs, as its kind defines (JSON)
    state         TEXT    NOT NULL DEFAULT 'queued'
                          CHECK (state IN ('queued', 'done', 'failed')),
    run_at        INTEGER NOT NULL, -- Unix seconds: not before
    attempts      INTEGER NOT NULL DEFAULT 0, -- claims so far
    claimed_by    TEXT,             -- the node working on it, while claimed_until is ahead
    claimed_until INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,             -- the last failure's reason (a server's answer)
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER           -- when it became done or failed
);
-- The claim's search: a kind's due queued jobs in order (partial: finished jobs stay out of it).
CREATE INDEX job_due ON job (kind, run_at, id) WHERE state = 'queued';
-- Admins' view and the purge of old finished jobs.
CREATE INDEX job_kind_state ON job (kind, state, id);
-- The purge of finished jobs (hourly, model/job.c).
CREATE INDEX job_finished ON job (finished_at) WHERE state <> 'queued';
