-- The search index (018_search.sqlite.sql) written once for a batch of transactions rather
-- than once for each (docs/performance.md, "The search index once a batch").
--
-- FTS5 writes what it holds in memory to disk as a new segment at every savepoint, and a
-- batched transaction (db/db_sqlite.c) is a savepoint of the batch's one transaction: every
-- comment made a segment of its own, which later merges copied again and again. Half of a
-- comment's cost in the database was that.
--
-- While a batch's transaction is open, search_fts_state's row says so (deferring = 1, set when
-- the batch begins and cleared just before it commits, so never committed) and holds the
-- highest search_doc id there was then (upto). Rows added above it wait: the batch adds them
-- all to the index at once before its commit (db_batch_edges in db/db.h, set by app.c), in the
-- same transaction, so every commit still leaves the index matching search_doc. A row at or
-- below upto (an id handed out again after the highest row was deleted) is indexed at once, as
-- is everything written outside a batch (the command line, imports, other processes). Edits and
-- deletes of a waiting row leave the index alone: the batch's end indexes what is there then.
CREATE TABLE search_fts_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    deferring INTEGER NOT NULL DEFAULT 0 CHECK (deferring IN (0, 1)),
    upto      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO search_fts_state (id) VALUES (1);

-- "NOT EXISTS ... deferring = 1": without the row (deleted by hand) everything is indexed at once.
DROP TRIGGER search_doc_added;
CREATE TRIGGER search_doc_added AFTER INSERT ON search_doc
    WHEN NOT EXISTS (SELECT 1 FROM search_fts_state WHERE deferring = 1 AND NEW.id > upto)
BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
DROP TRIGGER search_doc_removed;
CREATE TRIGGER search_doc_removed AFTER DELETE ON search_doc
    WHEN NOT EXISTS (SELECT 1 FROM search_fts_state WHERE deferring = 1 AND OLD.id > upto)
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
DROP TRIGGER search_doc_changed;
CREATE TRIGGER search_doc_changed AFTER UPDATE ON search_doc
    WHEN NOT EXISTS (SELECT 1 FROM search_fts_state WHERE deferring = 1 AND OLD.id > upto)
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
