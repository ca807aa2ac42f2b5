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
