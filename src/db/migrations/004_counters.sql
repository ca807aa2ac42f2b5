-- Queries on the home page must not grow with the site: the newest members come from an index,
-- and the member count is kept by triggers instead of being counted on every view.
CREATE INDEX member_newest ON member(created_at DESC, id DESC) WHERE disabled = 0;

CREATE TABLE counter (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counter (name, value) SELECT 'members', count(*) FROM member WHERE disabled = 0;

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
