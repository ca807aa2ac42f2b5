-- Queries on the home page must not grow with the site: the newest members come from an index,
-- and the member count is kept by triggers instead of being counted on every view.
CREATE INDEX member_newest ON member(created_at DESC, id DESC) WHERE disabled = 0;

CREATE TABLE counter (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counter (name, value) SELECT 'members', count(*) FROM member WHERE disabled = 0;
