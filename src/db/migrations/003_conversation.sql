-- Conversation: threaded comments with optional passage quotes, reactions, reports,
-- notifications.

-- A comment on an episode, or a reply to another comment (parent_id). root_id is the top-level
-- comment of its thread (its own id for a top-level comment), so a thread loads in one query.
-- state: 'visible'; 'deleted' by its author (kept, without its text, while replies hang on it);
-- 'hidden' by a moderator or the episode's author (text kept for the record, not shown).
-- A passage quote is a W3C Web Annotation TextQuoteSelector (exact, prefix, suffix) checked
-- against the episode's plain text; quote_start is where it was found there (a byte offset),
-- which groups comments on the same passage.
CREATE TABLE comment (
    id            INTEGER PRIMARY KEY,
    episode_id    INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES comment(id),
    root_id       INTEGER NOT NULL DEFAULT 0,
    depth         INTEGER NOT NULL DEFAULT 0 CHECK (depth >= 0),
    author_id     INTEGER NOT NULL REFERENCES member(id),
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    quote_exact   TEXT,
    quote_prefix  TEXT    NOT NULL DEFAULT '',
    quote_suffix  TEXT    NOT NULL DEFAULT '',
    quote_start   INTEGER,
    state         TEXT    NOT NULL DEFAULT 'visible'
                  CHECK (state IN ('visible', 'deleted', 'hidden')),
    moderated_by  INTEGER REFERENCES member(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    edited_at     INTEGER
);
CREATE INDEX comment_by_episode ON comment(episode_id, root_id, id);
CREATE INDEX comment_by_parent ON comment(parent_id);
CREATE INDEX comment_by_author ON comment(author_id, created_at);
CREATE INDEX comment_quotes ON comment(episode_id, quote_start) WHERE quote_exact IS NOT NULL;

-- One row per member, item and kind: a member may give several kinds to one item.
CREATE TABLE reaction (
    target     TEXT    NOT NULL CHECK (target IN ('episode', 'comment')),
    target_id  INTEGER NOT NULL,
    kind       TEXT    NOT NULL
               CHECK (kind IN ('like', 'insightful', 'agree', 'love', 'celebrate', 'curious')),
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (target, target_id, kind, member_id)
) WITHOUT ROWID;
CREATE INDEX reaction_by_member ON reaction(member_id, target, target_id);

-- A member's report of a comment; resolved when a moderator (or the episode's author) acts.
CREATE TABLE report (
    id          INTEGER PRIMARY KEY,
    comment_id  INTEGER NOT NULL REFERENCES comment(id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL CHECK (reason IN ('spam', 'harassment', 'off-topic', 'other')),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES member(id),
    outcome     TEXT CHECK (outcome IN ('hidden', 'kept', 'suspended')),
    UNIQUE (comment_id, reporter_id)
);
CREATE INDEX report_open ON report(resolved_at, created_at);

-- In-app notifications. Reactions to one comment are grouped in one unread notification
-- (count, latest actor) until it is read.
CREATE TABLE notification (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('reply', 'mention', 'reaction', 'episode')),
    actor_id   INTEGER REFERENCES member(id) ON DELETE SET NULL,
    episode_id INTEGER REFERENCES episode(id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comment(id) ON DELETE CASCADE,
    count      INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notification_by_member ON notification(member_id, id);
CREATE INDEX notification_unread ON notification(member_id) WHERE read_at IS NULL;
