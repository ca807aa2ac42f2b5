/* Moderation: members report member-written items of any kind (model/item.h); moderators,
 * admins and authors work through the queue of reported items (hide, keep, or hide and suspend
 * the author), see what was decided, and hide or restore items directly. */
#ifndef KD_WEB_MODERATION_H
#define KD_WEB_MODERATION_H

struct request;

int web_report_form(struct request *req);         /* GET /report/$target/#id */
int web_report(struct request *req);              /* POST /report/$target/#id (reason, note) */
int web_comment_report_form(struct request *req); /* GET /comments/#id/report */
int web_comment_report(struct request *req);      /* POST /comments/#id/report (reason, note) */
int web_item_hide(struct request *req);           /* POST /hide/$target/#id (hidden, next) */
int web_moderation(struct request *req);          /* GET /moderation */
int web_moderation_resolve(struct request *req);  /* POST /moderation/#comment_id (action) */
int web_moderation_resolve_item(struct request *req); /* POST /moderation/$target/#id (action) */

#endif
