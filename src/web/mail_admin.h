/* The outbox for admins: what was sent, what waits and why, what failed with the server's
 * answer (docs/mail.md). */
#ifndef KD_WEB_MAIL_ADMIN_H
#define KD_WEB_MAIL_ADMIN_H

struct request;

int web_admin_mail(struct request *req); /* GET /admin/mail[?state=queued|sent|failed] */

#endif
