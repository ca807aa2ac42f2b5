/* Administration pages (admins only). */
#ifndef KD_WEB_ADMIN_H
#define KD_WEB_ADMIN_H

struct request;

int web_admin_members(struct request *req); /* GET /admin/members */

#endif
