/* Notification mail: the two passes that write it (docs/mail.md, "Notification mail").
 *
 * The immediate pass mails members who chose "immediate" their new unread notifications, at
 * least KD_NOTIFY_MAIL_GRACE_S old (someone reading live sees them on the site first), one mail
 * per member per run listing them. The digest pass mails members whose daily or weekly digest is
 * due their unread notifications since the last one (the newest KD_NOTIFY_MAIL_ITEMS, "and K
 * more"), then schedules the next; a member with nothing new gets nothing. Both read bounded
 * batches (a cursor over new notifications; the due index) and stop after
 * KD_NOTIFY_MAIL_BUDGET_MS, so no run grows with the size of the site.
 *
 * Each mail is written in the member's language (else the site's), with links straight to what
 * happened, to the settings and a one-click stop (mail_link purpose "notify_off"). The serve runs
 * both under the lease "notify_mail" (app.c); `kindred mail notify` and `kindred mail digests`
 * run one now. Running twice at once sends nothing twice (model/mail_notify.h). */
#ifndef KD_NOTIFY_MAIL_H
#define KD_NOTIFY_MAIL_H

#include <stdint.h>

struct config;
struct db;

/* The signing purpose of the one-click stop link. */
#define NOTIFY_MAIL_STOP_PURPOSE "notify_off"

/* Runs the immediate pass as at now. Returns the mails queued, or -1 on a database error
 * (what was queued before it stays queued). Call job_worker_wake after a positive return. */
int notify_mail_immediate(struct db *db, const struct config *config, int64_t now);

/* Runs the digest pass as at now. Returns the digests queued, or -1. */
int notify_mail_digests(struct db *db, const struct config *config, int64_t now);

#endif
