/* One write path per action on asks, shared by the pages (web/asks.c) and the JSON API
 * (api/asks.c), in the manner of actions/conversation.h: the rules of model/ask.h, the rate
 * limit, the input read from the request's declared parameters and the model call. Each returns
 * PUB_OK or another enum pub_result, or ACTION_ANSWERED (a 429 was sent). */
#ifndef KD_ACTIONS_ASKS_H
#define KD_ACTIONS_ASKS_H

#include "actions/conversation.h"

struct ask;

/* Proposes an ask to newsletter newsletter_id as the viewer. Input: title, body; a typo is
 * refused before the rate limit counts the proposal. Sets *id. Returns PUB_OK, PUB_FORBIDDEN
 * (not signed in), PUB_INVALID (p), PUB_DB_ERROR or ACTION_ANSWERED. */
int action_ask_create(struct request *req, int64_t newsletter_id, int64_t *id,
                      struct field_problem *p);

/* Gives (on) or takes back the viewer's vote on ask k. Sets *changed and *votes (either may be
 * NULL). Returns PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN (voting has closed), PUB_DB_ERROR or
 * ACTION_ANSWERED. */
int action_ask_vote(struct request *req, const struct ask *k, bool on, bool *changed, int *votes);

/* Decides what becomes of ask k. Input: status, note, episode_id. Returns PUB_OK,
 * PUB_FORBIDDEN (not one of the newsletter's authors), PUB_INVALID (p), PUB_NOT_FOUND,
 * PUB_DB_ERROR or ACTION_ANSWERED. */
int action_ask_decide(struct request *req, const struct ask *k, struct field_problem *p);

#endif
