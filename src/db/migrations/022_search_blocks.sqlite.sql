-- The search index takes new rows in blocks rather than at every commit (docs/performance.md,
-- "The search index in blocks"). Migration 021 indexed a batch's new rows at its commit: one
-- FTS5 segment a batch, and FTS5's merges then rewrote those small segments again and again,
-- about half of the pages a batch of comments wrote.
--
-- What holds at every commit: search_fts indexes exactly the rows of search_doc whose id is at
-- or below search_fts_state.upto. The rows above it wait, and only upto moves them in:
-- - inside a batch (deferring = 1, set when the batch opens and cleared before it commits, so
--   never committed) a new row waits; the batch's end indexes the waiting rows, in one
--   statement, once KD_SEARCH_WAITING_MAX of them wait (model/search.c, db_batch_edges);
-- - outside a batch (the command line, imports, other processes) a new row takes every row
--   waiting before it into the index with itself, so those writes are found at once;
-- - a search first indexes what waits (search_catch_up), so nothing committed is missed;
-- - an edit or a delete of a waiting row leaves the index alone (it takes the row as it is
--   when its turn comes); a row at or below upto (an id handed out again after the highest row
--   was deleted) is indexed at once.
-- Without search_fts_state's row (deleted by hand) every change is indexed at once, as in 018.
-- The ids of search_doc's rows never change (no statement updates them).
DROP TRIGGER search_doc_added;
DROP TRIGGER search_doc_removed;
DROP TRIGGER search_doc_changed;

-- Until now every row was indexed at each commit: all of them are at or below the mark.
UPDATE search_fts_state SET deferring = 0,
    upto = max(upto, (SELECT coalesce(max(id), 0) FROM search_doc)) WHERE id = 1;

CREATE TRIGGER search_doc_added AFTER INSERT ON search_doc
    WHEN NOT EXISTS (SELECT 1 FROM search_fts_state WHERE deferring = 1 AND NEW.id > upto)
BEGIN
    -- at or below the mark, or without the row: this row alone
    INSERT INTO search_fts (rowid, title, body) SELECT NEW.id, NEW.title, NEW.body
        WHERE NEW.id <= coalesce((SELECT upto FROM search_fts_state WHERE id = 1), NEW.id);
    -- above it, outside a batch: every row waiting, this one among them, in id order
    INSERT INTO search_fts (rowid, title, body) SELECT id, title, body FROM search_doc
        WHERE id > (SELECT upto FROM search_fts_state WHERE id = 1)
          AND NEW.id > (SELECT upto FROM search_fts_state WHERE id = 1)
        ORDER BY id;
    UPDATE search_fts_state SET upto = (SELECT max(id) FROM search_doc)
        WHERE id = 1 AND NEW.id > upto;
END;
CREATE TRIGGER search_doc_removed AFTER DELETE ON search_doc
    WHEN OLD.id <= coalesce((SELECT upto FROM search_fts_state WHERE id = 1), OLD.id)
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
END;
CREATE TRIGGER search_doc_changed AFTER UPDATE ON search_doc
    WHEN OLD.id <= coalesce((SELECT upto FROM search_fts_state WHERE id = 1), OLD.id)
BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
        VALUES ('delete', OLD.id, OLD.title, OLD.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body);
END;
