/* One write path per action on "I tried this", shared by the pages (web/tried.c) and the JSON
 * API (api/prompts.c), in the manner of actions/conversation.h. Each returns PUB_OK or another
 * enum pub_result, or ACTION_ANSWERED (a 429 was sent). */
#ifndef KD_ACTIONS_TRIED_H
#define KD_ACTIONS_TRIED_H

#include "actions/conversation.h"

/* Records that the viewer tried episode e, or changes their note. Input: note, outcome,
 * outcome_note; what is not sent stays as it is. Returns PUB_OK, PUB_NOT_FOUND (the episode is
 * not live, or the viewer not signed in), PUB_INVALID (p), PUB_FORBIDDEN (a moderator hid the
 * note), PUB_DB_ERROR or ACTION_ANSWERED. */
int action_tried_record(struct request *req, const struct episode *e, struct field_problem *p);

/* Withdraws the viewer's "I tried this" on episode e. Returns PUB_OK, PUB_NOT_FOUND (they had
 * not said it, or the episode is not live), PUB_DB_ERROR or ACTION_ANSWERED. */
int action_tried_withdraw(struct request *req, const struct episode *e);

#endif
