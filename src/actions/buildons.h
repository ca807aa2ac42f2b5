/* One write path per action on build-ons, shared by the pages (web/buildons.c) and the JSON API
 * (api/buildons.c), in the manner of actions/conversation.h: the rate limit, the input read from
 * the request's declared parameters, the rules of model/buildon.h and the model call. Each
 * returns PUB_OK or another enum pub_result, or ACTION_ANSWERED (a 429 was sent). */
#ifndef KD_ACTIONS_BUILDONS_H
#define KD_ACTIONS_BUILDONS_H

#include "actions/conversation.h"

struct buildon;

/* Posts a build-on under episode e (which the viewer may see) as the viewer. Input: title,
 * body, parent (pages) or parent_id (API), quote_exact, quote_prefix, quote_suffix. Sets *id.
 * Returns PUB_OK, PUB_INVALID (p), PUB_NOT_FOUND, PUB_DB_ERROR or ACTION_ANSWERED. */
int action_buildon_post(struct request *req, const struct episode *e, int64_t *id,
                        struct field_problem *p);

/* Whether the viewer may change build-on b: PUB_OK, PUB_NOT_FOUND (deleted or hidden) or
 * PUB_FORBIDDEN (someone else's). */
int action_buildon_may_change(struct request *req, const struct buildon *b);

/* Replaces the title and the text of b with the parameters title and body (one left out stays
 * as it is). Returns PUB_OK, PUB_INVALID (p), PUB_NOT_FOUND, PUB_FORBIDDEN, PUB_DB_ERROR or
 * ACTION_ANSWERED. */
int action_buildon_edit(struct request *req, const struct buildon *b, struct field_problem *p);

/* Deletes b for its author. Returns PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN, PUB_DB_ERROR or
 * ACTION_ANSWERED. */
int action_buildon_delete(struct request *req, const struct buildon *b);

/* Features or unfeatures b (under episode e) by the parameter featured (left out: features).
 * Returns PUB_OK, PUB_FORBIDDEN (not one of the newsletter's authors), PUB_INVALID (p),
 * PUB_DB_ERROR or ACTION_ANSWERED. */
int action_buildon_feature(struct request *req, const struct episode *e, const struct buildon *b,
                           struct field_problem *p);

/* Posts a comment on build-on b (under episode e) as the viewer. Input: body, parent (pages)
 * or parent_id (API); quote_exact is refused (a build-on's comment cannot quote the episode).
 * Sets *id. Returns PUB_OK, PUB_INVALID (p), PUB_NOT_FOUND, PUB_DB_ERROR or ACTION_ANSWERED. */
int action_buildon_comment_post(struct request *req, const struct episode *e,
                                const struct buildon *b, int64_t *id, struct field_problem *p);

#endif
