-- Writing that authors trust (issue 15, docs/writing.md).
--
-- The author's time zone: publish times are stored in UTC and shown and entered in this zone.
-- An IANA name such as 'Europe/Berlin' (core/tz.h reads the system's zoneinfo); '' is UTC.
ALTER TABLE member ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- A published episode that its authors deleted: its address answers 410 Gone (readers and
-- feed readers learn it will not come back) until another episode takes the address. Only
-- episodes readers saw leave one; a deleted draft simply never existed.
CREATE TABLE episode_gone (
    newsletter_id INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    slug          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    deleted_at    INTEGER NOT NULL,
    PRIMARY KEY (newsletter_id, slug)
);

-- What the editor's script saved while an author typed (model/autosave.h): one copy per
-- author and episode (episode_id 0: a new episode of that newsletter). It never changes what
-- readers see; the editor offers it back when it is newer than the episode, and a save of the
-- episode removes it. Not exported: it is work in progress of one browser session.
CREATE TABLE episode_autosave (
    member_id     INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    newsletter_id INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    episode_id    INTEGER NOT NULL DEFAULT 0,
    title         TEXT    NOT NULL,
    subtitle      TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    saved_at      INTEGER NOT NULL,
    PRIMARY KEY (member_id, newsletter_id, episode_id)
);

-- A member's form that arrived after their session had ended (model/kept_form.h): its text
-- fields, kept for a day so the log-in can hand them back instead of losing them. The token
-- is known only to the browser that sent the form (a cookie); the table keeps its hash.
CREATE TABLE kept_form (
    token_hash TEXT    PRIMARY KEY,
    path       TEXT    NOT NULL,
    fields     TEXT    NOT NULL,
    dropped_files INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX kept_form_created ON kept_form (created_at);
