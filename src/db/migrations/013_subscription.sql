-- Email subscriptions to newsletters (model/subscription.h; docs/mail.md, "Subscriptions").
--
-- A member subscribes from their settings or the newsletter page: the address is the account's,
-- read from member at send time (an email change needs nothing here; email/email_key stay '').
-- A guest subscribes with an address and confirms it by a mailed link (double opt-in): the row
-- is 'pending' until then, and keeps the language the guest read the site in, for the mail.
-- Unsubscribing keeps the row ('unsubscribed'), so the one-click link stays valid and the
-- subscriber may come back from its page.
CREATE TABLE mail_subscription (
    id              INTEGER PRIMARY KEY,
    newsletter_id   INTEGER NOT NULL REFERENCES newsletter(id) ON DELETE CASCADE,
    member_id       INTEGER REFERENCES member(id) ON DELETE CASCADE, -- NULL: a guest
    email           TEXT    NOT NULL DEFAULT '', -- a guest's address as given
    email_key       TEXT    NOT NULL DEFAULT '', -- lower-cased, for uniqueness
    language        TEXT,                        -- a guest's language at subscribing
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'active', 'unsubscribed')),
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER,
    unsubscribed_at INTEGER,
    CHECK ((member_id IS NULL) = (email_key <> ''))
);
CREATE UNIQUE INDEX mail_subscription_guest ON mail_subscription (newsletter_id, email_key)
    WHERE member_id IS NULL;
CREATE UNIQUE INDEX mail_subscription_member ON mail_subscription (newsletter_id, member_id)
    WHERE member_id IS NOT NULL;
CREATE INDEX mail_subscription_by_member ON mail_subscription (member_id) WHERE member_id IS NOT NULL;
-- The fan-out walks a newsletter's active subscribers by id, a batch at a time.
CREATE INDEX mail_subscription_active ON mail_subscription (newsletter_id, id)
    WHERE state = 'active';

-- Each episode is mailed once, ever: the row is made (ON CONFLICT DO NOTHING) in the
-- transaction that makes the episode live, with the one job that sends it; however often the
-- episode goes live again, or on however many nodes, no second row and no second job. The
-- cursor is the last subscription id queued; each batch moves it in the batch's transaction.
CREATE TABLE episode_mailing (
    episode_id  INTEGER PRIMARY KEY REFERENCES episode(id) ON DELETE CASCADE,
    cursor      INTEGER NOT NULL DEFAULT 0,
    queued      INTEGER NOT NULL DEFAULT 0, -- messages queued so far
    skipped     INTEGER NOT NULL DEFAULT 0, -- suppressed or unusable addresses
    started_at  INTEGER NOT NULL,
    finished_at INTEGER
);
-- Episodes already published before email subscriptions existed count as mailed: editing one
-- later must not send it to subscribers who arrive in the meantime.
INSERT INTO episode_mailing (episode_id, started_at, finished_at)
    SELECT id, publish_at, publish_at FROM episode WHERE status = 'published';
