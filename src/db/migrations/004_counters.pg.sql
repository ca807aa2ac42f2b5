-- PostgreSQL's part of 004_counters.sql: the triggers that keep the member count, with the same
-- conditions as SQLite's (004_counters.sqlite.sql), as PL/pgSQL functions.
CREATE FUNCTION member_count_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE counter SET value = value + (CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END)
    WHERE name = 'members';
    RETURN NULL;
END $$;
CREATE FUNCTION member_count_disabled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE counter SET value = value + (CASE WHEN NEW.disabled = 0 THEN 1 ELSE -1 END)
    WHERE name = 'members';
    RETURN NULL;
END $$;
CREATE TRIGGER member_counted AFTER INSERT ON member FOR EACH ROW WHEN (NEW.disabled = 0)
    EXECUTE FUNCTION member_count_add();
CREATE TRIGGER member_uncounted AFTER DELETE ON member FOR EACH ROW WHEN (OLD.disabled = 0)
    EXECUTE FUNCTION member_count_add();
CREATE TRIGGER member_disabled AFTER UPDATE OF disabled ON member FOR EACH ROW
    WHEN (OLD.disabled <> NEW.disabled) EXECUTE FUNCTION member_count_disabled();
