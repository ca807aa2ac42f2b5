-- Single-use links sent by mail (model/mail_token.h; docs/mail.md, "Links in mail"): confirming
-- an address at sign-up or a guest's subscription, resetting a password, confirming a new
-- address. Only a hash of the token is kept, so a copy of the database opens nothing. A token
-- is used at most once (used_at) and not after expires_at; rows are purged a day after either.
CREATE TABLE mail_token (
    token_hash TEXT    PRIMARY KEY,      -- BLAKE2b-256 of the token, hex
    purpose    TEXT    NOT NULL CHECK (length(purpose) BETWEEN 1 AND 32),
    member_id  INTEGER REFERENCES member(id) ON DELETE CASCADE, -- NULL: not a member's (a guest)
    email      TEXT    NOT NULL DEFAULT '', -- the address the link was sent to
    payload    TEXT    NOT NULL DEFAULT '', -- what the purpose needs, written by the feature
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX mail_token_by_expiry ON mail_token (expires_at);
CREATE INDEX mail_token_by_member ON mail_token (member_id, purpose);
CREATE INDEX mail_token_by_email ON mail_token (email, purpose);
