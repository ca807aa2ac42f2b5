-- The search index moves out of the site's database file into a file of its own beside it
-- (the database's path and "-search"), written by a thread of its own rather than by the
-- writers' turn (docs/search.md, "How it is built"; docs/performance.md, "The search index out
-- of the writers' turn"). Writers only add rows to search_doc, as before; model/search_index.c
-- moves them into the index file.
--
-- The index there is contentless (it keeps no copy of the text), so taking a row out needs the
-- text it was indexed with. A row's edit or deletion leaves that text here, in
-- search_old_text, for the indexer; it clears what it has taken, once the index file has it on
-- disk. Rows not yet indexed need nothing: the indexer takes them as they are when their turn
-- comes, and skips what it finds here for them.
--
-- The old index (search_fts, search_fts_state, migrations 018, 021, 022) stays until the
-- indexer first opens the new file: it copies the index's pages there as they are, so a large
-- site need not be indexed again, and then drops them (search_index_prepare). Without its
-- triggers it no longer changes; what changes from here on is recorded below.
DROP TRIGGER search_doc_added;
DROP TRIGGER search_doc_removed;
DROP TRIGGER search_doc_changed;

CREATE TABLE search_old_text (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT, -- never handed out twice: passes skip what they took
    doc_id INTEGER NOT NULL, -- search_doc's id
    title  TEXT    NOT NULL, -- ... and its text before the change
    body   TEXT    NOT NULL
);

CREATE TRIGGER search_doc_text_changed AFTER UPDATE ON search_doc
BEGIN
    INSERT INTO search_old_text (doc_id, title, body) VALUES (OLD.id, OLD.title, OLD.body);
END;
CREATE TRIGGER search_doc_deleted AFTER DELETE ON search_doc
BEGIN
    INSERT INTO search_old_text (doc_id, title, body) VALUES (OLD.id, OLD.title, OLD.body);
END;
