-- Site search (docs/search.md; model/search.h): one row per searchable thing, the text it is
-- found by. Each engine indexes these rows its own way (018_search.sqlite.sql: an FTS5 trigram
-- table; 018_search.pg.sql: a pg_trgm GIN index), and triggers on episode, comment and member
-- keep them in step with every insert, edit and delete, whatever code path writes (the editor,
-- the API, an import, the demo).
--
-- Rows hold text only. Whether a thing may be found (a live episode, a visible comment under
-- one, a member not suspended) is read from its own row when searching: those states change
-- with time (a scheduled episode goes live without any write) and with moderation, and the
-- search then always agrees with the pages.
--
-- kind: 1 episode (title and subtitle; the rendered plain text), 2 comment (its Markdown),
-- 3 member (display name and handle; headline and bio).
CREATE TABLE search_doc (
    id     INTEGER PRIMARY KEY,
    kind   INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),
    ref_id INTEGER NOT NULL,
    title  TEXT    NOT NULL,
    body   TEXT    NOT NULL,
    UNIQUE (kind, ref_id)
);

-- What exists already is indexed here, before each engine builds its index over these rows, in
-- the order it was written: ids then follow time, as they will for what is written from now on
-- (a search ranks the most recently indexed matches when a word is found everywhere).
INSERT INTO search_doc (kind, ref_id, title, body)
    SELECT kind, ref_id, title, body FROM (
        SELECT 1 AS kind, id AS ref_id, title || ' ' || subtitle AS title, body_text AS body,
               created_at AS at FROM episode
        UNION ALL
        SELECT 2, id, '', body, created_at FROM comment
        UNION ALL
        SELECT 3, id, display_name || ' ' || handle, headline || ' ' || bio, created_at
            FROM member
    ) AS x ORDER BY at, kind, ref_id;
