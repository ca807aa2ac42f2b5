/* One write path per action on a newsletter's lexicon, shared by the pages (web/lexicon.c) and
 * the JSON API (api/lexicon.c), in the manner of actions/conversation.h: the rules of
 * model/lexicon.h, the rate limit, the input read from the request's declared parameters and
 * the model call. Each returns PUB_OK or another enum pub_result, or ACTION_ANSWERED (a 429 was
 * sent). */
#ifndef KD_ACTIONS_LEXICON_H
#define KD_ACTIONS_LEXICON_H

#include "actions/conversation.h"

struct term;

/* Proposes a term to newsletter newsletter_id as the viewer. Input: term, definition, origin.
 * Sets *id. Returns PUB_OK, PUB_FORBIDDEN (not signed in), PUB_INVALID or PUB_TAKEN (p),
 * PUB_DB_ERROR or ACTION_ANSWERED. */
int action_term_propose(struct request *req, int64_t newsletter_id, int64_t *id,
                        struct field_problem *p);

/* Approves or declines proposed term t. Input: decision ("approve" or "decline"; anything else
 * is PUB_INVALID with p's field "decision", before the rate limit counts), note. Returns PUB_OK,
 * PUB_FORBIDDEN (not an author or a moderator), PUB_INVALID or PUB_TAKEN (p), PUB_NOT_FOUND,
 * PUB_DB_ERROR or ACTION_ANSWERED. */
int action_term_decide(struct request *req, const struct term *t, struct field_problem *p);

#endif
