-- Members, sessions and site settings.
-- handle_key and email_key hold the lower-cased forms, so uniqueness is case-insensitive in any
-- database without collation tricks.
CREATE TABLE member (
    id            INTEGER PRIMARY KEY,
    handle        TEXT    NOT NULL,
    handle_key    TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    headline      TEXT    NOT NULL DEFAULT '',
    bio           TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL DEFAULT 'reader'
                  CHECK (role IN ('reader', 'author', 'moderator', 'admin')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- A session is known by the hash of its token: a stolen database does not give live sessions.
CREATE TABLE session (
    token_hash   TEXT    PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX session_by_member ON session(member_id);
CREATE INDEX session_by_expiry ON session(expires_at);

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
