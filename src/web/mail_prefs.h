/* The member's notification mail setting (docs/mail.md, "Notification mail"): the settings page,
 * its section on /settings, and the one-click stop linked from every notification mail. */
#ifndef KD_WEB_MAIL_PREFS_H
#define KD_WEB_MAIL_PREFS_H

#include <stdint.h>

struct db;
struct render;
struct request;

/* GET /settings/notification-mail and POST (CSRF-checked): the member's choice. */
int web_mail_prefs(struct request *req);
int web_mail_prefs_save(struct request *req);

/* GET /mail/notify-off/#id?sig=: a page that changes nothing (mail scanners follow links) with a
 * button that stops notification mail and a form to choose another frequency. */
int web_notify_off_page(struct request *req);
/* POST /mail/notify-off/#id?sig=[&choice=]: no login, no CSRF (the signature is the authority):
 * a bare POST (RFC 8058 List-Unsubscribe=One-Click) stops notification mail; the page's form may
 * name another choice. A bad signature: 403. */
int web_notify_off(struct request *req);

/* A short section of /settings naming member_id's current choice, linking to the page. */
void mail_prefs_settings_section(struct render *r, struct db *db, int64_t member_id);

#endif
