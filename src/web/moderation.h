/* Moderation: members report comments; moderators, admins and authors work through the queue of
 * reported comments (hide, keep, or hide and suspend the author) and see what was decided. */
#ifndef KD_WEB_MODERATION_H
#define KD_WEB_MODERATION_H

struct request;

int web_comment_report(struct request *req);     /* POST /comments/:id/report (reason, note) */
int web_moderation(struct request *req);         /* GET /moderation */
int web_moderation_resolve(struct request *req); /* POST /moderation/:comment_id (action) */

#endif
