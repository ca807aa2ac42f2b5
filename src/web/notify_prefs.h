/* Which notifications a member gets, kind by kind (/settings/notifications; model/notify_pref.h),
 * and opening a notification from the list (it is marked read on the way to its place). */
#ifndef KD_WEB_NOTIFY_PREFS_H
#define KD_WEB_NOTIFY_PREFS_H

struct request;

/* GET /settings/notifications: a switch per kind, with how mail treats it. */
int web_notify_prefs(struct request *req);
/* POST /settings/notifications: saves the switches (a box left unchecked turns its kind off). */
int web_notify_prefs_save(struct request *req);

/* GET /notifications/#id: marks the viewer's notification read and redirects to what it is
 * about; the address ends in the target's fragment (#c-ID), which the stylesheet highlights
 * (:target). 404 when it is not theirs or its item is gone. */
int web_notification_open(struct request *req);

#endif
