-- /healthz proves that writes still work (disk full, read-only file system) by writing here.
CREATE TABLE health_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
