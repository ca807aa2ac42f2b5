-- Mail (docs/mail.md; model/mail_outbox.c).

-- Every message the site sends, from the moment the change that causes it commits: queued in
-- the same transaction as that change, then sent by a background job of kind 'mail' (table
-- job, migration 009; payload {"outbox": id}). The message is stored as it goes on the wire
-- (RFC 5322, CRLF lines, 7-bit): every retry sends the same bytes with the same Message-ID, so
-- a receiving system that saw it once can drop the second copy.
CREATE TABLE mail_outbox (
    id           INTEGER PRIMARY KEY,
    job_id       INTEGER,          -- the job that sends it (NULL once that job is purged)
    purpose      TEXT    NOT NULL  -- why it is sent: 'test', later 'episode', 'confirm', ...
                         CHECK (length(purpose) BETWEEN 1 AND 32),
    recipient    TEXT    NOT NULL, -- the envelope recipient (RCPT TO), as validated
    subject      TEXT    NOT NULL, -- as written (UTF-8), for admins; the message has it encoded
    message_id   TEXT    NOT NULL UNIQUE, -- without the angle brackets
    message      TEXT,             -- the whole message; NULL after a sent one's purge of bodies
    state        TEXT    NOT NULL DEFAULT 'queued'
                         CHECK (state IN ('queued', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0, -- SMTP conversations that got an answer or failed
    last_answer  TEXT,             -- the server's last answer (or why there was none)
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER           -- when it was sent or failed for good
);
-- Admins' list (newest first per state) and the purge of old finished messages.
CREATE INDEX mail_outbox_state ON mail_outbox (state, id);
CREATE INDEX mail_outbox_finished ON mail_outbox (finished_at) WHERE state <> 'queued';

-- Addresses a server refused for good (a 5xx answer to RCPT TO: no such mailbox, domain gone):
-- nothing more is sent to them, so the site does not keep knocking on a door that said no
-- (which is what gets a sender's reputation, and so everyone's newsletters, marked as spam).
-- Keyed by the address in lower case. An admin removes a row to try the address again.
CREATE TABLE mail_suppressed (
    address    TEXT    PRIMARY KEY,
    reason     TEXT    NOT NULL, -- the server's answer
    created_at INTEGER NOT NULL
);
