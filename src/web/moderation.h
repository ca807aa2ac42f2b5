/* Moderation: members report member-written items of any kind (model/item.h); moderators,
 * admins and authors work through the queue of reported items (hide, keep, or hide and suspend
 * the author), see what was decided, and hide or restore items directly. */
#ifndef KD_WEB_MODERATION_H
#define KD_WEB_MODERATION_H

#include <stdbool.h>
#include <stdint.h>

struct render;
struct request;

/* The moderation links under an item of kind target: "Report" (report: the viewer is signed
 * in, did not write it, and it is visible) to /report/target/id, and Hide or Restore (moderate:
 * item_can_moderate allows it; hidden: it is hidden now) posting to /hide/target/id. */
void item_moderation_links(struct render *r, const char *target, int64_t id, bool report,
                           bool moderate, bool hidden);

int web_report_form(struct request *req);             /* GET /report/$target/#id */
int web_report(struct request *req);                  /* POST /report/$target/#id (reason, note) */
int web_comment_report_form(struct request *req);     /* GET /comments/#id/report */
int web_comment_report(struct request *req);          /* POST /comments/#id/report (reason, note) */
int web_item_hide(struct request *req);               /* POST /hide/$target/#id (hidden, next) */
int web_moderation(struct request *req);              /* GET /moderation */
int web_moderation_resolve(struct request *req);      /* POST /moderation/#comment_id (action) */
int web_moderation_resolve_item(struct request *req); /* POST /moderation/$target/#id (action) */

#endif
