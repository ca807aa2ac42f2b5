-- SQLite's part of 004_counters.sql: the triggers that keep the member count.
CREATE TRIGGER member_counted AFTER INSERT ON member WHEN NEW.disabled = 0
BEGIN
    UPDATE counter SET value = value + 1 WHERE name = 'members';
END;
CREATE TRIGGER member_uncounted AFTER DELETE ON member WHEN OLD.disabled = 0
BEGIN
    UPDATE counter SET value = value - 1 WHERE name = 'members';
END;
CREATE TRIGGER member_disabled AFTER UPDATE OF disabled ON member
    WHEN OLD.disabled <> NEW.disabled
BEGIN
    UPDATE counter SET value = value + (CASE WHEN NEW.disabled = 0 THEN 1 ELSE -1 END)
    WHERE name = 'members';
END;
