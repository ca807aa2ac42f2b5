-- PostgreSQL's part of 018_search.sql: pg_trgm GIN indexes over search_doc's two columns
-- (pg_trgm is created by 007_participation.pg.sql). Each word of a query is an ILIKE
-- '%word%' over title or body, which the indexes answer from trigrams (a bitmap OR of the
-- two), as SQLite's FTS5 trigram table does; with the database's LC_CTYPE C.UTF-8
-- (docs/operations.md) pg_trgm counts Chinese characters as word characters, so Chinese text is
-- found too. GIN follows every change by itself.
--
-- One index per column, not one over both: the planner costs a scan of a two-column GIN index
-- as a scan of all of it for each column's condition, and chose to read the whole table instead
-- (measured on a bench site of 60,000 rows: 663 ms a rare word; 2.5 ms with these two).
CREATE INDEX search_doc_title ON search_doc USING gin (title gin_trgm_ops);
CREATE INDEX search_doc_body ON search_doc USING gin (body gin_trgm_ops);

-- search_doc follows the three tables, as SQLite's triggers do (018_search.sqlite.sql).
CREATE FUNCTION search_episode_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_doc WHERE kind = 1 AND ref_id = OLD.id;
    ELSIF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title
          OR NEW.subtitle IS DISTINCT FROM OLD.subtitle
          OR NEW.body_text IS DISTINCT FROM OLD.body_text THEN
        INSERT INTO search_doc (kind, ref_id, title, body)
            VALUES (1, NEW.id, NEW.title || ' ' || NEW.subtitle, NEW.body_text)
            ON CONFLICT (kind, ref_id)
            DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_episode_sync AFTER INSERT OR DELETE OR UPDATE OF title, subtitle, body_text
    ON episode FOR EACH ROW EXECUTE FUNCTION search_episode_sync();

CREATE FUNCTION search_comment_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_doc WHERE kind = 2 AND ref_id = OLD.id;
    ELSIF TG_OP = 'INSERT' OR NEW.body IS DISTINCT FROM OLD.body THEN
        INSERT INTO search_doc (kind, ref_id, title, body) VALUES (2, NEW.id, '', NEW.body)
            ON CONFLICT (kind, ref_id) DO UPDATE SET body = EXCLUDED.body;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_comment_sync AFTER INSERT OR DELETE OR UPDATE OF body
    ON comment FOR EACH ROW EXECUTE FUNCTION search_comment_sync();

CREATE FUNCTION search_member_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_doc WHERE kind = 3 AND ref_id = OLD.id;
    ELSIF TG_OP = 'INSERT' OR NEW.display_name IS DISTINCT FROM OLD.display_name
          OR NEW.handle IS DISTINCT FROM OLD.handle
          OR NEW.headline IS DISTINCT FROM OLD.headline
          OR NEW.bio IS DISTINCT FROM OLD.bio THEN
        INSERT INTO search_doc (kind, ref_id, title, body)
            VALUES (3, NEW.id, NEW.display_name || ' ' || NEW.handle,
                    NEW.headline || ' ' || NEW.bio)
            ON CONFLICT (kind, ref_id)
            DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_member_sync AFTER INSERT OR DELETE OR UPDATE OF display_name, handle,
    headline, bio ON member FOR EACH ROW EXECUTE FUNCTION search_member_sync();
