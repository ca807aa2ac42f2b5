/* The outbox as JSON for admins (docs/api.md, "Mail"). */
#ifndef KD_API_MAIL_H
#define KD_API_MAIL_H

struct request;

int api_admin_mail(struct request *req); /* GET /api/v1/admin/mail[?state=…&limit=N] */

#endif
