-- Participation (docs/participation.md): prompts and their answers, build-ons, "I tried this",
-- spaces where members talk among themselves, asks, the lexicon, badges, and the wider reach of
-- reactions and notifications over these new items.
--
-- Every member-written item follows the comments' rules: state 'visible', 'deleted' (its text
-- goes, the row stays for what hangs off it) or 'hidden' (by a moderator, moderated_by); text
-- is stored as written (Markdown, member mode) beside its rendered HTML; counts shown on pages
-- are kept in columns by the same transaction as every change, so no page counts rows.

-- Prompts ("Questions for you"): up to five per episode, in order. An answer is a comment with
-- prompt_id set; its replies carry the same prompt_id, so answers thread, react and moderate
-- exactly as comments do, and the episode's own conversation lists comments without one.
CREATE TABLE prompt (
    id           INTEGER PRIMARY KEY,
    episode_id   INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    question     TEXT    NOT NULL,
    closed_at    INTEGER,
    answer_count INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (episode_id, position)
);

-- Build-ons: a member's response that builds on an episode (parent_id NULL) or on another
-- build-on of the same episode (parent_id), optionally quoting a passage of what it builds on.
-- Comments on a build-on are comments with buildon_id set (and the build-on's episode_id).
CREATE TABLE buildon (
    id            INTEGER PRIMARY KEY,
    episode_id    INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES buildon(id),
    author_id     INTEGER NOT NULL REFERENCES member(id),
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    body_html     TEXT    NOT NULL,
    body_text     TEXT    NOT NULL DEFAULT '', -- plain text: what a build-on on this one quotes
    quote_exact   TEXT,
    quote_prefix  TEXT    NOT NULL DEFAULT '',
    quote_suffix  TEXT    NOT NULL DEFAULT '',
    quote_start   INTEGER,
    state         TEXT    NOT NULL DEFAULT 'visible'
                  CHECK (state IN ('visible', 'deleted', 'hidden')),
    moderated_by  INTEGER REFERENCES member(id),
    featured_at   INTEGER,
    featured_by   INTEGER REFERENCES member(id),
    comment_count INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    edited_at     INTEGER,
    language      TEXT
);
CREATE INDEX buildon_by_episode ON buildon(episode_id, id);
CREATE INDEX buildon_featured ON buildon(episode_id, featured_at) WHERE featured_at IS NOT NULL;
CREATE INDEX buildon_by_parent ON buildon(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX buildon_by_author ON buildon(author_id, created_at);

ALTER TABLE comment ADD COLUMN prompt_id INTEGER REFERENCES prompt(id) ON DELETE SET NULL;
ALTER TABLE comment ADD COLUMN buildon_id INTEGER REFERENCES buildon(id) ON DELETE CASCADE;
CREATE INDEX comment_by_prompt ON comment(prompt_id, root_id, id) WHERE prompt_id IS NOT NULL;
CREATE INDEX comment_by_buildon ON comment(buildon_id, root_id, id) WHERE buildon_id IS NOT NULL;

-- "I tried this": one record per member and episode, with an outcome reported later.
CREATE TABLE tried (
    id           INTEGER PRIMARY KEY,
    episode_id   INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    note         TEXT    NOT NULL DEFAULT '',
    outcome      TEXT    CHECK (outcome IN ('worked', 'mixed', 'failed')),
    outcome_note TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL DEFAULT 'visible' CHECK (state IN ('visible', 'hidden')),
    moderated_by INTEGER REFERENCES member(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    outcome_at   INTEGER,
    UNIQUE (episode_id, member_id)
);
CREATE INDEX tried_by_member ON tried(member_id, created_at);
-- the episode's notes, newest first, a page at a time
CREATE INDEX tried_by_episode ON tried(episode_id, id);

-- The episode's participation counts, kept with every change.
ALTER TABLE episode ADD COLUMN buildon_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episode ADD COLUMN tried_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episode ADD COLUMN tried_worked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episode ADD COLUMN tried_mixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episode ADD COLUMN tried_failed INTEGER NOT NULL DEFAULT 0;

-- Spaces: places where members talk among themselves. who_posts: 'members' (anyone signed in)
-- or 'followers' (followers of newsletter_id, and its authors).
CREATE TABLE space (
    id               INTEGER PRIMARY KEY,
    slug             TEXT    NOT NULL UNIQUE,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    description_html TEXT    NOT NULL DEFAULT '',
    newsletter_id    INTEGER REFERENCES newsletter(id) ON DELETE SET NULL,
    who_posts        TEXT    NOT NULL DEFAULT 'members' CHECK (who_posts IN ('members', 'followers')),
    created_by       INTEGER NOT NULL REFERENCES member(id),
    thread_count     INTEGER NOT NULL DEFAULT 0,
    post_count       INTEGER NOT NULL DEFAULT 0,
    last_post_at     INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- A thread's first post is its opening text.
CREATE TABLE space_thread (
    id           INTEGER PRIMARY KEY,
    space_id     INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,
    author_id    INTEGER NOT NULL REFERENCES member(id),
    title        TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'visible'
                 CHECK (state IN ('visible', 'deleted', 'hidden')),
    moderated_by INTEGER REFERENCES member(id),
    post_count   INTEGER NOT NULL DEFAULT 0,
    last_post_at INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    language     TEXT
);
CREATE INDEX space_thread_active ON space_thread(space_id, last_post_at DESC, id DESC);
CREATE INDEX space_thread_new ON space_thread(space_id, id DESC);
CREATE INDEX space_thread_by_author ON space_thread(author_id, created_at);

CREATE TABLE space_post (
    id           INTEGER PRIMARY KEY,
    thread_id    INTEGER NOT NULL REFERENCES space_thread(id) ON DELETE CASCADE,
    space_id     INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,
    parent_id    INTEGER REFERENCES space_post(id),
    author_id    INTEGER NOT NULL REFERENCES member(id),
    body         TEXT    NOT NULL,
    body_html    TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'visible'
                 CHECK (state IN ('visible', 'deleted', 'hidden')),
    moderated_by INTEGER REFERENCES member(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    edited_at    INTEGER,
    language     TEXT
);
CREATE INDEX space_post_by_thread ON space_post(thread_id, id);
CREATE INDEX space_post_by_author ON space_post(author_id, created_at);
-- Whether a deleted or hidden post still has replies (then it keeps its place).
CREATE INDEX space_post_by_parent ON space_post(parent_id) WHERE parent_id IS NOT NULL;
-- /spaces lists the spaces by their latest post.
CREATE INDEX space_recent ON space(last_post_at DESC, id DESC);

-- Who takes part in a space, and how much: the "most active members" list reads an index.
CREATE TABLE space_member (
    space_id     INTEGER NOT NULL REFERENCES space(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    post_count   INTEGER NOT NULL DEFAULT 0,
    last_post_at INTEGER NOT NULL,
    PRIMARY KEY (space_id, member_id)
) WITHOUT ROWID;
CREATE INDEX space_member_active ON space_member(space_id, post_count DESC, member_id);
CREATE INDEX space_member_by_member ON space_member(member_id);

-- When a member last took part (wrote anything, or signed in): "who is here this week".
ALTER TABLE member ADD COLUMN active_at INTEGER;
CREATE INDEX member_active ON member(active_at DESC, id DESC) WHERE active_at IS NOT NULL;

-- The member directory's search (model/directory.c): a trigram index over name, handle and
-- headline answers a substring of three or more characters without reading every member; a
-- shorter query (a two-character Chinese name) matches the start of a name or handle through
-- member_name and the handle's own unique index. The trigram index is each engine's own: FTS5
-- kept by triggers (007_participation.sqlite.sql), pg_trgm (007_participation.pg.sql).
CREATE INDEX member_name ON member(display_name);

-- Asks: topics members propose for a newsletter; one vote per member; authors decide.
CREATE TABLE ask (
    id           INTEGER PRIMARY KEY,
    newsletter_id INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    author_id    INTEGER NOT NULL REFERENCES member(id),
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL DEFAULT '',
    body_html    TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'planned', 'covered', 'declined')),
    status_note  TEXT    NOT NULL DEFAULT '',
    episode_id   INTEGER REFERENCES episode(id) ON DELETE SET NULL,
    decided_by   INTEGER REFERENCES member(id),
    decided_at   INTEGER,
    vote_count   INTEGER NOT NULL DEFAULT 0,
    state        TEXT    NOT NULL DEFAULT 'visible'
                 CHECK (state IN ('visible', 'deleted', 'hidden')),
    moderated_by INTEGER REFERENCES member(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    language     TEXT
);
-- The lists read only visible asks (hidden and deleted ones are never listed), so the list
-- indexes hold only those: a page of asks reads its own rows and no others.
CREATE INDEX ask_top ON ask(newsletter_id, status, vote_count DESC, id DESC)
    WHERE state = 'visible';
CREATE INDEX ask_new ON ask(newsletter_id, id DESC) WHERE state = 'visible';
CREATE INDEX ask_by_episode ON ask(episode_id) WHERE episode_id IS NOT NULL;
CREATE INDEX ask_by_author ON ask(author_id, created_at);

CREATE TABLE ask_vote (
    ask_id     INTEGER NOT NULL REFERENCES ask(id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ask_id, member_id)
) WITHOUT ROWID;
CREATE INDEX ask_vote_by_member ON ask_vote(member_id);
-- An ask's first voters, earliest first (its page names a few): read in order, never sorted.
CREATE INDEX ask_vote_by_time ON ask_vote(ask_id, created_at, member_id);
-- The episodes of every status an author may name as covering an ask, newest first.
CREATE INDEX episode_by_newsletter_recent ON episode(newsletter_id, publish_at DESC, id DESC);
-- "Asks: N open" on the newsletter page: visible open asks, kept with every change of an ask.
ALTER TABLE newsletter ADD COLUMN ask_open_count INTEGER NOT NULL DEFAULT 0;

-- The lexicon: a newsletter community's own terms. term_key is the term case-folded, for
-- matching; one approved term per key and newsletter.
CREATE TABLE term (
    id              INTEGER PRIMARY KEY,
    newsletter_id   INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    term            TEXT    NOT NULL,
    term_key        TEXT    NOT NULL,
    slug            TEXT    NOT NULL,
    definition      TEXT    NOT NULL,
    definition_html TEXT    NOT NULL,
    origin_url      TEXT    NOT NULL DEFAULT '',
    proposer_id     INTEGER NOT NULL REFERENCES member(id),
    status          TEXT    NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'approved', 'declined')),
    status_note     TEXT    NOT NULL DEFAULT '',
    decided_by      INTEGER REFERENCES member(id),
    decided_at      INTEGER,
    -- visible; deleted: withdrawn by its proposer while pending; hidden: withdrawn from the
    -- lexicon by a moderator (moderated_by)
    state           TEXT    NOT NULL DEFAULT 'visible'
                    CHECK (state IN ('visible', 'deleted', 'hidden')),
    moderated_by    INTEGER REFERENCES member(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    language        TEXT
);
CREATE UNIQUE INDEX term_approved ON term(newsletter_id, term_key) WHERE status = 'approved';
CREATE UNIQUE INDEX term_slug ON term(newsletter_id, slug);
CREATE INDEX term_by_status ON term(newsletter_id, status, term_key);
CREATE INDEX term_by_proposer ON term(proposer_id, created_at);
-- Moves with every change to a newsletter's approved, visible terms (in the same transaction):
-- the linker's compiled term set is cached per newsletter and this version, on every node.
ALTER TABLE newsletter ADD COLUMN lexicon_version INTEGER NOT NULL DEFAULT 0;

-- Badges: earned by the rules in docs/participation.md (awarded_by NULL) or awarded by an admin.
-- newsletter_id 0: a badge of the whole site.
CREATE TABLE badge (
    member_id     INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    badge         TEXT    NOT NULL,
    newsletter_id INTEGER NOT NULL DEFAULT 0,
    earned_at     INTEGER NOT NULL,
    awarded_by    INTEGER REFERENCES member(id),
    note          TEXT    NOT NULL DEFAULT '',
    -- An admin took an earned badge back: the row stays out of sight and its rule leaves it be.
    revoked_by    INTEGER REFERENCES member(id),
    PRIMARY KEY (member_id, badge, newsletter_id)
) WITHOUT ROWID;
CREATE INDEX badge_by_kind ON badge(badge, earned_at);
-- The "first answer" rule reads a member's answers oldest first.
CREATE INDEX comment_answer_by_author ON comment(author_id, created_at)
    WHERE prompt_id IS NOT NULL AND parent_id IS NULL;

-- Reactions reach build-ons and space posts.
CREATE TABLE reaction_new (
    target     TEXT    NOT NULL CHECK (target IN ('episode', 'comment', 'buildon', 'post')),
    target_id  INTEGER NOT NULL,
    kind       TEXT    NOT NULL
               CHECK (kind IN ('like', 'insightful', 'agree', 'love', 'celebrate', 'curious')),
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (target, target_id, kind, member_id)
) WITHOUT ROWID;
INSERT INTO reaction_new SELECT target, target_id, kind, member_id, created_at FROM reaction;
DROP TABLE reaction;
ALTER TABLE reaction_new RENAME TO reaction;
CREATE INDEX reaction_by_member ON reaction(member_id, target, target_id);

-- Notifications about the new items name them by (target, target_id): 'buildon', 'post',
-- 'thread', 'ask', 'term', 'badge', 'prompt' and the like; episode_id gives the context when
-- there is one. The older kinds keep using episode_id and comment_id.
CREATE TABLE notification_new (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL
               CHECK (kind IN ('reply', 'mention', 'reaction', 'episode', 'buildon', 'answer',
                               'space_reply', 'space_mention', 'ask', 'term', 'badge')),
    actor_id   INTEGER REFERENCES member(id) ON DELETE SET NULL,
    episode_id INTEGER REFERENCES episode(id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comment(id) ON DELETE CASCADE,
    target     TEXT,
    target_id  INTEGER,
    count      INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
INSERT INTO notification_new (id, member_id, kind, actor_id, episode_id, comment_id, count,
                              created_at, read_at)
    SELECT id, member_id, kind, actor_id, episode_id, comment_id, count, created_at, read_at
    FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;
CREATE INDEX notification_by_member ON notification(member_id, id);
CREATE INDEX notification_unread ON notification(member_id) WHERE read_at IS NULL;

-- Reports reach every kind of member-written item (model/item.h) by (target, target_id), as
-- reactions do; the comments' reports carry over as target 'comment'. author_id and
-- newsletter_id are the item's when it was reported (neither ever changes), so the queue knows
-- whom it concerns and who reviews it without asking each kind: moderators and admins all,
-- the authors of newsletter_id the rest, nobody their own. item_gone is set when the item's
-- author deletes it (or its row goes): there is nothing left to judge. Each kind whose items
-- can be deleted keeps it with two triggers (007_participation.sqlite.sql and .pg.sql).
CREATE TABLE report_new (
    id            INTEGER PRIMARY KEY,
    target        TEXT    NOT NULL,
    target_id     INTEGER NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    newsletter_id INTEGER REFERENCES newsletter(id) ON DELETE CASCADE,
    item_gone     INTEGER NOT NULL DEFAULT 0,
    reporter_id   INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    reason        TEXT    NOT NULL CHECK (reason IN ('spam', 'harassment', 'off-topic', 'other')),
    note          TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    resolved_at   INTEGER,
    resolved_by   INTEGER REFERENCES member(id),
    outcome       TEXT CHECK (outcome IN ('hidden', 'kept', 'suspended')),
    UNIQUE (target, target_id, reporter_id)
);
INSERT INTO report_new (id, target, target_id, author_id, newsletter_id, item_gone, reporter_id,
                        reason, note, created_at, resolved_at, resolved_by, outcome)
    SELECT r.id, 'comment', r.comment_id, c.author_id, e.newsletter_id,
           CASE WHEN c.state = 'deleted' THEN 1 ELSE 0 END, r.reporter_id, r.reason, r.note,
           r.created_at, r.resolved_at, r.resolved_by, r.outcome
    FROM report r JOIN comment c ON c.id = r.comment_id JOIN episode e ON e.id = c.episode_id;
DROP TABLE report;
ALTER TABLE report_new RENAME TO report;
CREATE INDEX report_open ON report(resolved_at, created_at);
CREATE INDEX report_open_by_newsletter ON report(newsletter_id, resolved_at, created_at);
CREATE INDEX report_resolved ON report(resolved_at DESC, target, target_id)
    WHERE resolved_at IS NOT NULL;
