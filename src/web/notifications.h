/* A member's notifications page and marking them read. */
#ifndef KD_WEB_NOTIFICATIONS_H
#define KD_WEB_NOTIFICATIONS_H

struct notification;
struct render;
struct request;

/* What a notification says, as plain text in r's language ("Ana replied to your comment on
 * “Title”"), formatted in r->arena: for the notifications page and for mail. */
const char *notification_text(struct render *r, const struct notification *x);

int web_notifications(struct request *req);      /* GET /notifications */
int web_notifications_read(struct request *req); /* POST /notifications/read (id, or all) */

#endif
