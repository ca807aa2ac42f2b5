/* One write path per action of the conversation, shared by the pages (web/) and the JSON API
 * (api/): the rate limits, the input read from the request's declared parameters, the rules of
 * model/ and the model call. The handler loads what the path names, calls the action, and turns
 * its result into its own answer (a page or a redirect; JSON); it decides nothing itself.
 *
 * Every action returns PUB_OK or another enum pub_result, or ACTION_ANSWERED when the request
 * already has its answer (429 from a rate limit), which the handler returns as it is. */
#ifndef KD_ACTIONS_CONVERSATION_H
#define KD_ACTIONS_CONVERSATION_H

#include "model/item.h"
#include "model/problem.h"
#include "model/reaction.h"

#include <stdbool.h>
#include <stdint.h>

struct comment;
struct episode;
struct request;

enum { ACTION_ANSWERED = 1 };

/* Posts a comment (or a reply) as the viewer on the episode load reads into *e: the handler's
 * own loader, which answers the request itself (404, 503) and returns nonzero when there is no
 * episode the viewer may see. It runs first (comment_input.first: on SQLite in the comment's
 * transaction, where the pages are warm; on PostgreSQL just before it, outside the write lock),
 * so a missing episode is answered before a rate limit or a refused body.
 * Input: body, parent (pages) or parent_id (API), quote_exact, quote_prefix, quote_suffix.
 * Sets *id, and reads the new comment into *read (in the request's arena) when read is not
 * NULL (its id 0 when it was stored but could not be read back: comment_input.read). Returns
 * PUB_OK, PUB_INVALID (p says where), PUB_NOT_FOUND, PUB_DB_ERROR or ACTION_ANSWERED (a rate limit,
 * or load's answer). */
int action_comment_post(struct request *req, int (*load)(struct request *, struct episode *),
                        struct episode *e, int64_t *id, struct comment *read,
                        struct field_problem *p);

/* Loads the comment whose id is the path's "id" and its episode, when the viewer may see the
 * episode. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int action_comment_load(struct request *req, struct comment *c, struct episode *e);

/* Whether the viewer may change comment c (comment_can_edit): PUB_OK, PUB_NOT_FOUND (it was
 * deleted or hidden) or PUB_FORBIDDEN (someone else's). */
int action_comment_may_change(struct request *req, const struct comment *c);

/* Replaces the text of comment c with the parameter body. Returns PUB_OK, PUB_INVALID (p),
 * PUB_NOT_FOUND, PUB_FORBIDDEN, PUB_DB_ERROR or ACTION_ANSWERED. */
int action_comment_edit(struct request *req, const struct comment *c, struct field_problem *p);

/* Deletes comment c for its author. Returns PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN, PUB_DB_ERROR
 * or ACTION_ANSWERED. */
int action_comment_delete(struct request *req, const struct comment *c);

/* Loads the item (target, id) when the viewer may see it (its kind's viewable). Returns PUB_OK,
 * PUB_NOT_FOUND (also for an unknown kind) or PUB_DB_ERROR. */
int action_item_load(struct request *req, const char *target, int64_t id, struct item *it);

/* Hides (hidden) or restores item it for the viewer (item_can_moderate) through its kind's
 * set_hidden. Returns PUB_OK, PUB_FORBIDDEN (*why: a msgid), PUB_NOT_FOUND (deleted),
 * PUB_DB_ERROR or ACTION_ANSWERED. */
int action_item_hide(struct request *req, const struct item *it, bool hidden, const char **why);

/* Reports item it (loaded with action_item_load) as the viewer: input reason and note. Sets
 * *created (false when they had reported it before). Returns PUB_OK, PUB_INVALID (p),
 * PUB_NOT_FOUND, PUB_FORBIDDEN (their own), PUB_DB_ERROR or ACTION_ANSWERED. */
int action_report(struct request *req, const struct item *it, bool *created,
                  struct field_problem *p);

/* Gives (on) or takes back a reaction of kind to the item (target, id) as the viewer: the
 * target is the episode or a reactable kind the viewer may see. *changed says whether anything
 * changed. Returns PUB_OK, PUB_NOT_FOUND, PUB_DB_ERROR or ACTION_ANSWERED. */
int action_react(struct request *req, const char *target, int64_t id, enum reaction_kind kind,
                 bool on, bool *changed);

/* Records the insights event of comment id, just written by the viewer under episode e
 * (docs/insights.md, "What is recorded"): a reply (parent_id set) is EVENT_REPLY with the
 * parent's author as the other side, whatever else it is (a quoting reply, a reply among a
 * question's answers); anything else is kind with other_id (an answer, a quote, a comment on a
 * build-on ...). The other side is left out (0) when it is the viewer. */
void action_comment_recorded(struct request *req, const struct episode *e, int64_t id,
                             int64_t parent_id, int kind, int64_t other_id);

#endif
