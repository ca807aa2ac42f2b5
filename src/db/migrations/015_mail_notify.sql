-- Notification mail by the member's choice (docs/mail.md, "Notification mail";
-- model/mail_notify.h): nothing, each notification soon after it happens, or a daily or weekly
-- digest of the unread ones. Mailed kinds: replies, mentions (in comments and in spaces), answers
-- to an episode's questions and new episodes of followed newsletters; never reactions or badges.
--
-- notify_mail defaults to 'weekly', for members who exist now and members who sign up later: a
-- weekly letter of what was said *to them* is what brings a member of a community back, it
-- holds only what concerns them (no marketing), every one carries a one-click stop, and a
-- member who has nothing new gets nothing. Existing members start with their watermark at the
-- newest notification (below), so an upgrade mails no backlog.
ALTER TABLE member ADD COLUMN notify_mail TEXT NOT NULL DEFAULT 'weekly'
    CHECK (notify_mail IN ('none', 'immediate', 'daily', 'weekly'));
-- When the member's next digest is due (Unix seconds, UTC). NULL: no digest (none, immediate).
-- 0: a digest was chosen and is not scheduled yet; the digest pass schedules it without sending
-- (a new member gets a first digest at the next slot, not the minute they sign up).
ALTER TABLE member ADD COLUMN notify_digest_due INTEGER DEFAULT 0;
-- The newest notification id already mailed (or passed over) to the member: immediate mail and
-- digests both mail only notifications above it and move it, so switching from one to the other
-- never mails a notification twice.
ALTER TABLE member ADD COLUMN notify_mailed_id INTEGER NOT NULL DEFAULT 0;
UPDATE member SET notify_mailed_id = (SELECT coalesce(max(id), 0) FROM notification);
-- The digest pass reads the members due first, by this index: only members with a digest.
CREATE INDEX member_digest_due ON member (notify_digest_due) WHERE notify_digest_due IS NOT NULL;

-- The immediate pass walks new notifications by id from a cursor, a bounded batch at a time.
-- Kept out of exports: an imported site starts its cursor afresh, and the pass mails nothing
-- older than a day (KD_NOTIFY_IMMEDIATE_MAX_AGE_S) however far behind the cursor is.
CREATE TABLE mail_notify_cursor (
    pass    TEXT    PRIMARY KEY,
    last_id INTEGER NOT NULL
);
INSERT INTO mail_notify_cursor (pass, last_id)
    SELECT 'immediate', coalesce(max(id), 0) FROM notification;
