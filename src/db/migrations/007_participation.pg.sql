-- PostgreSQL's part of 007_participation.sql.
--
-- The member directory's substring search: a pg_trgm GIN index over the three columns FTS5
-- indexes in SQLite (db_member_search in src/db/db.c queries each with ILIKE; a bitmap OR of
-- the three reads only the matching members). The index follows every change by itself.
-- pg_trgm is a trusted extension: the database's owner may create it (docs/operations.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX member_search ON member
    USING gin (display_name gin_trgm_ops, handle gin_trgm_ops, headline gin_trgm_ops);

-- Reports' item_gone, kept as by SQLite's triggers (007_participation.sqlite.sql): the
-- item's kind is the trigger's argument.
CREATE FUNCTION report_item_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report SET item_gone = 1 WHERE target = TG_ARGV[0] AND target_id = NEW.id;
    RETURN NULL;
END $$;
CREATE FUNCTION report_item_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report WHERE target = TG_ARGV[0] AND target_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER report_comment_deleted AFTER UPDATE OF state ON comment FOR EACH ROW
    WHEN (NEW.state = 'deleted') EXECUTE FUNCTION report_item_deleted('comment');
CREATE TRIGGER report_comment_gone AFTER DELETE ON comment FOR EACH ROW
    EXECUTE FUNCTION report_item_gone('comment');
CREATE TRIGGER report_buildon_deleted AFTER UPDATE OF state ON buildon FOR EACH ROW
    WHEN (NEW.state = 'deleted') EXECUTE FUNCTION report_item_deleted('buildon');
CREATE TRIGGER report_buildon_gone AFTER DELETE ON buildon FOR EACH ROW
    EXECUTE FUNCTION report_item_gone('buildon');
CREATE TRIGGER report_post_deleted AFTER UPDATE OF state ON space_post FOR EACH ROW
    WHEN (NEW.state = 'deleted') EXECUTE FUNCTION report_item_deleted('post');
CREATE TRIGGER report_post_gone AFTER DELETE ON space_post FOR EACH ROW
    EXECUTE FUNCTION report_item_gone('post');
CREATE TRIGGER report_ask_deleted AFTER UPDATE OF state ON ask FOR EACH ROW
    WHEN (NEW.state = 'deleted') EXECUTE FUNCTION report_item_deleted('ask');
CREATE TRIGGER report_ask_gone AFTER DELETE ON ask FOR EACH ROW
    EXECUTE FUNCTION report_item_gone('ask');
