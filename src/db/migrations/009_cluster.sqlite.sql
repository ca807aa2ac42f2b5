
-- As in 009_cluster.pg.sql (which explains the columns), as ordinary tables.
CREATE TABLE limit_counter (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX limit_counter_window ON limit_counter (window_start);

CREATE TABLE limit_throttle (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    fails        INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX limit_throttle_window ON limit_throttle (window_start);
