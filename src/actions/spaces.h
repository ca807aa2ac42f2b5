/* One write path per action in the community spaces, shared by the pages (web/spaces.c) and
 * the JSON API (api/spaces.c), in the manner of actions/conversation.h: the rules of
 * model/space.h, the rate limits, the input read from the request's declared parameters and
 * the model call. Each returns PUB_OK or another enum pub_result, or ACTION_ANSWERED (a 429 was
 * sent). */
#ifndef KD_ACTIONS_SPACES_H
#define KD_ACTIONS_SPACES_H

#include "actions/conversation.h"

struct space;
struct space_post;
struct space_thread;

/* Opens a thread in space s as the viewer. Input: title, body (its opening post). Sets
 * *thread_id and *post_id. Returns PUB_OK, PUB_FORBIDDEN (the viewer may not post there),
 * PUB_INVALID (p), PUB_DB_ERROR or ACTION_ANSWERED. */
int action_thread_create(struct request *req, const struct space *s, int64_t *thread_id,
                         int64_t *post_id, struct field_problem *p);

/* Replies in thread t of space s as the viewer. Input: body, parent_id. Sets *id. Returns
 * PUB_OK, PUB_FORBIDDEN, PUB_INVALID (p: "body" or "parent_id"), PUB_NOT_FOUND, PUB_DB_ERROR
 * or ACTION_ANSWERED. */
int action_post_create(struct request *req, const struct space *s, const struct space_thread *t,
                       int64_t *id, struct field_problem *p);

/* Whether the viewer may change post p: PUB_OK, PUB_NOT_FOUND (deleted or hidden) or
 * PUB_FORBIDDEN (someone else's). */
int action_post_may_change(struct request *req, const struct space_post *p);

/* Replaces the text of post p with the parameter body, and its thread's title with title when
 * sent (an opening post's). Returns PUB_OK, PUB_INVALID (prob), PUB_NOT_FOUND, PUB_FORBIDDEN or
 * PUB_DB_ERROR. */
int action_post_edit(struct request *req, const struct space_post *p, struct field_problem *prob);

/* Deletes post p for its author. Returns PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN or
 * PUB_DB_ERROR. */
int action_post_delete(struct request *req, const struct space_post *p);

#endif
