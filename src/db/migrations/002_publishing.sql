-- Publishing: images, newsletters with co-authors, seasons, episodes, and followers.
-- Times are Unix seconds (UTC). Rendered HTML, plain text and reading time are stored with the
-- Markdown so pages never render Markdown on a view.

-- An uploaded image, stored content-addressed on disk as media/<sha256>.<ext>.
CREATE TABLE image (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT    NOT NULL UNIQUE,
    mime        TEXT    NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    bytes       INTEGER NOT NULL CHECK (bytes > 0),
    uploader_id INTEGER REFERENCES member(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE newsletter (
    id               INTEGER PRIMARY KEY,
    slug             TEXT    NOT NULL UNIQUE,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    description_html TEXT    NOT NULL DEFAULT '',
    owner_id         INTEGER NOT NULL REFERENCES member(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX newsletter_by_owner ON newsletter(owner_id);

-- Co-authors: members besides the owner who may publish in a newsletter.
CREATE TABLE newsletter_author (
    newsletter_id INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    PRIMARY KEY (newsletter_id, member_id)
) WITHOUT ROWID;
CREATE INDEX newsletter_author_by_member ON newsletter_author(member_id);

-- cadence: 'weekly' (cadence_n = weekday, 0 Sunday .. 6 Saturday), 'days' (every cadence_n
-- days) or 'irregular'. returns_at: the announced return date of a season on a break.
CREATE TABLE season (
    id               INTEGER PRIMARY KEY,
    newsletter_id    INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    number           INTEGER NOT NULL CHECK (number BETWEEN 1 AND 999),
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    description_html TEXT    NOT NULL DEFAULT '',
    cadence          TEXT    NOT NULL DEFAULT 'irregular'
                     CHECK (cadence IN ('weekly', 'days', 'irregular')),
    cadence_n        INTEGER NOT NULL DEFAULT 0,
    status           TEXT    NOT NULL DEFAULT 'planned'
                     CHECK (status IN ('planned', 'airing', 'on-break', 'finished')),
    returns_at       INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (newsletter_id, number)
);

-- An episode is visible to readers when status is not 'draft' and publish_at has passed, so a
-- scheduled episode appears at its time without any job having to run. The partial indexes
-- cover exactly those listings, newest first.
CREATE TABLE episode (
    id              INTEGER PRIMARY KEY,
    newsletter_id   INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    season_id       INTEGER NOT NULL REFERENCES season(id),
    number          INTEGER NOT NULL CHECK (number BETWEEN 1 AND 9999),
    author_id       INTEGER NOT NULL REFERENCES member(id),
    slug            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    subtitle        TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    excerpt         TEXT    NOT NULL DEFAULT '',
    words           INTEGER NOT NULL DEFAULT 0,
    reading_minutes INTEGER NOT NULL DEFAULT 1,
    cover_image_id  INTEGER REFERENCES image(id),
    cover_alt       TEXT    NOT NULL DEFAULT '',
    cover_credit    TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'scheduled', 'published')),
    publish_at      INTEGER NOT NULL,
    ai_disclosure   TEXT    NOT NULL DEFAULT 'none'
                    CHECK (ai_disclosure IN ('none', 'assisted', 'generated')),
    teaser          TEXT    NOT NULL DEFAULT '',
    comment_count   INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (cover_image_id IS NULL OR cover_alt <> ''),
    UNIQUE (newsletter_id, slug),
    UNIQUE (season_id, number)
);
CREATE INDEX episode_live ON episode(publish_at DESC) WHERE status <> 'draft';
CREATE INDEX episode_live_by_newsletter ON episode(newsletter_id, publish_at DESC)
    WHERE status <> 'draft';
CREATE INDEX episode_live_by_author ON episode(author_id, publish_at DESC)
    WHERE status <> 'draft';
CREATE INDEX episode_scheduled ON episode(publish_at) WHERE status = 'scheduled';
CREATE INDEX episode_by_season ON episode(season_id, number);

CREATE TABLE follow (
    member_id     INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    newsletter_id INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (member_id, newsletter_id)
) WITHOUT ROWID;
CREATE INDEX follow_by_newsletter ON follow(newsletter_id);
