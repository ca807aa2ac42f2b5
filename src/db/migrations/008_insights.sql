-- Insights: an append-only event log and the rollups kept from it (docs/insights.md).
--
-- Times are Unix seconds (UTC). A day is at / 86400; a week is (day + 3) / 7 (integer
-- division), so weeks start on Monday 00:00 UTC and week 0 began on Monday 1969-12-29.
-- Events are written in batches by model/event.c (event_apply), which updates every rollup in
-- the same transaction: nothing here is ever recomputed by scanning the log.

-- The log. kind is enum event_kind (model/event.h; numbers are stable). The actor is a member
-- (member_id) or a guest (guest: a hash of address and user agent salted with the day's salt,
-- which is destroyed when the day ends, so a guest cannot be followed from one day to the next).
-- other_id is the member on the other side of an interaction (the author of the comment
-- replied to or reacted to, of the build-on's source ...); item_id the comment, build-on, ask
-- ... the event made or touched. newsletter_id and episode_id are 0 when not tied to one.
-- Guests' rows expire (KD_GUEST_EVENT_DAYS); members' stay until the member goes.
CREATE TABLE event (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    kind          INTEGER NOT NULL,
    newsletter_id INTEGER NOT NULL DEFAULT 0,
    episode_id    INTEGER NOT NULL DEFAULT 0,
    member_id     INTEGER,
    guest         INTEGER,
    other_id      INTEGER,
    item_id       INTEGER NOT NULL DEFAULT 0,
    CHECK ((member_id IS NULL) <> (guest IS NULL))
);
CREATE INDEX event_by_member ON event(member_id, id) WHERE member_id IS NOT NULL;
CREATE INDEX event_guest_age ON event(at) WHERE guest IS NOT NULL;

-- The day's salt for guests' hashes, shared by every node; yesterday's is deleted.
CREATE TABLE insight_salt (
    day  INTEGER PRIMARY KEY,
    salt BLOB    NOT NULL
);

-- Counts per newsletter, episode and day; episode_id 0 is the newsletter as a whole, and
-- newsletter_id 0 holds what belongs to no newsletter (a space without one).
--   views: pages served to anyone but a known bot; member_views: of them, to members;
--   visitors: distinct actors (members and guests) that day; guest_readers: guests whose view
--   the page's beacon confirmed (bots do not run it); completions: reads to the end.
--   replies: replies to another member's comment; member_replies: of them, those where
--   neither side is an author of the newsletter; author_replies: those written by an author.
CREATE TABLE insight_day (
    newsletter_id  INTEGER NOT NULL,
    episode_id     INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    views          INTEGER NOT NULL DEFAULT 0,
    member_views   INTEGER NOT NULL DEFAULT 0,
    visitors       INTEGER NOT NULL DEFAULT 0,
    guest_readers  INTEGER NOT NULL DEFAULT 0,
    completions    INTEGER NOT NULL DEFAULT 0,
    reactions      INTEGER NOT NULL DEFAULT 0,
    comments       INTEGER NOT NULL DEFAULT 0,
    replies        INTEGER NOT NULL DEFAULT 0,
    member_replies INTEGER NOT NULL DEFAULT 0,
    author_replies INTEGER NOT NULL DEFAULT 0,
    quotes         INTEGER NOT NULL DEFAULT 0,
    answers        INTEGER NOT NULL DEFAULT 0,
    buildons       INTEGER NOT NULL DEFAULT 0,
    tried          INTEGER NOT NULL DEFAULT 0,
    asks           INTEGER NOT NULL DEFAULT 0,
    votes          INTEGER NOT NULL DEFAULT 0,
    space_posts    INTEGER NOT NULL DEFAULT 0,
    follows        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (newsletter_id, episode_id, day)
);

-- Who was counted already today, so visitors and guest_readers count each actor once a day
-- (actor: a member's id, or minus a guest's hash). Only today's and yesterday's rows are kept.
CREATE TABLE insight_visit (
    day           INTEGER NOT NULL,
    newsletter_id INTEGER NOT NULL,
    episode_id    INTEGER NOT NULL,
    actor         INTEGER NOT NULL,
    confirmed     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, newsletter_id, episode_id, actor)
);

-- Members' weeks: what each member did in a newsletter in a week. did is a set of
-- EVENT_DID_* bits; rung (1 reader, 2 reactor, 3 commenter or answerer, 4 builder) the
-- highest step of the participation ladder the week reached.
CREATE TABLE insight_member_week (
    newsletter_id INTEGER NOT NULL,
    week          INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    did           INTEGER NOT NULL DEFAULT 0,
    rung          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (newsletter_id, week, member_id)
);
CREATE INDEX insight_member_week_by_member ON insight_member_week(member_id, newsletter_id, week);

-- Per newsletter and week, kept as member weeks change: active members, those active in an
-- earlier week too (returned), members at each rung (their highest that week), members
-- active for the first time (new), member pairs connected for the first time (new_pairs) and
-- members with their first connection (new_connected).
CREATE TABLE insight_week (
    newsletter_id INTEGER NOT NULL,
    week          INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 0,
    returned      INTEGER NOT NULL DEFAULT 0,
    rung1         INTEGER NOT NULL DEFAULT 0,
    rung2         INTEGER NOT NULL DEFAULT 0,
    rung3         INTEGER NOT NULL DEFAULT 0,
    rung4         INTEGER NOT NULL DEFAULT 0,
    new_members   INTEGER NOT NULL DEFAULT 0,
    new_pairs     INTEGER NOT NULL DEFAULT 0,
    new_connected INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (newsletter_id, week)
);

-- Per newsletter and member, over all time: first and last active week, weeks active,
-- highest rung, and the week of the member's first connection (NULL: none yet).
CREATE TABLE insight_member (
    newsletter_id  INTEGER NOT NULL,
    member_id      INTEGER NOT NULL,
    first_week     INTEGER NOT NULL,
    last_week      INTEGER NOT NULL,
    weeks          INTEGER NOT NULL DEFAULT 1,
    rung           INTEGER NOT NULL DEFAULT 1,
    connected_week INTEGER,
    PRIMARY KEY (newsletter_id, member_id)
);

-- Which member took part in which episode, and how (did), from their first event on it:
-- season retention, the episode's ladder and "members also read" come from here.
CREATE TABLE insight_reader (
    episode_id    INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    newsletter_id INTEGER NOT NULL,
    season_id     INTEGER NOT NULL,
    first_at      INTEGER NOT NULL,
    did           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (episode_id, member_id)
);
CREATE INDEX insight_reader_by_member ON insight_reader(member_id, episode_id);
CREATE INDEX insight_reader_recent ON insight_reader(episode_id, first_at);
CREATE INDEX insight_reader_by_season ON insight_reader(season_id, member_id);

-- Member pairs (a < b) who replied to, reacted to or built on each other in a newsletter.
CREATE TABLE insight_pair (
    newsletter_id INTEGER NOT NULL,
    a             INTEGER NOT NULL,
    b             INTEGER NOT NULL,
    first_at      INTEGER NOT NULL,
    last_at       INTEGER NOT NULL,
    interactions  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (newsletter_id, a, b)
);

-- ---------------------------------------------------------------- metrics (model/insights.c)
-- The members of a newsletter active since a week, with their first week: the ladder's
-- "returning" reads only recent rows, not every member the newsletter ever had.
CREATE INDEX insight_member_recent ON insight_member(newsletter_id, last_week, first_week, member_id);
-- The ladder over a range reads every member week of it: with the rung in the index the scan
-- never visits the table.
CREATE INDEX insight_member_week_rung ON insight_member_week(newsletter_id, week, member_id, rung);
-- Who took part in each season (any episode of it): carry-over from one season to the next
-- reads one row per member and season instead of one per member and episode. Kept by
-- event_apply with each new insight_reader row.
CREATE TABLE insight_season_member (
    season_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (season_id, member_id)
);
INSERT INTO insight_season_member (season_id, member_id)
    SELECT DISTINCT season_id, member_id FROM insight_reader;
