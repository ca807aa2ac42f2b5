/* A member's notifications page and marking them read. */
#ifndef KD_WEB_NOTIFICATIONS_H
#define KD_WEB_NOTIFICATIONS_H

struct request;

int web_notifications(struct request *req);      /* GET /notifications */
int web_notifications_read(struct request *req); /* POST /notifications/read (id, or all) */

#endif
