/* The member's notification kinds as JSON: GET and PUT /api/v1/me/notification-preferences
 * (docs/api.md). */
#ifndef KD_API_NOTIFY_PREFS_H
#define KD_API_NOTIFY_PREFS_H

struct request;

int api_notify_prefs(struct request *req);
/* Changes the kinds named in the body (true or false); kinds left out keep their setting. */
int api_notify_prefs_put(struct request *req);

#endif
