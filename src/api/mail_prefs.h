/* The member's notification mail setting as JSON (docs/api.md, "Notification mail"). */
#ifndef KD_API_MAIL_PREFS_H
#define KD_API_MAIL_PREFS_H

struct request;

/* GET /api/v1/me/mail-preferences: {"notification_mail": "weekly", "next_digest_at": …}. */
int api_mail_prefs(struct request *req);
/* PUT /api/v1/me/mail-preferences {"notification_mail": "daily"}: saves, answers as GET; an
 * unknown choice 422. */
int api_mail_prefs_put(struct request *req);

#endif
