-- Notification preferences per kind (model/notify_pref.h; docs/welcome.md, "Notification
-- kinds"): a row says
-- the member turned that kind of notification off. Nothing of it is made for them from then on,
-- so it appears neither on /notifications nor in notification mail (which mails notifications,
-- model/mail_notify.h): one switch per kind serves both. No row: the kind is on, as for every
-- member before this migration and every member who signs up.
CREATE TABLE notification_mute (
    member_id  INTEGER NOT NULL REFERENCES member(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (member_id, kind)
);
