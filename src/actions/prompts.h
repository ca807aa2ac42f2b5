/* One write path per action on an episode's questions ("Questions for you"), shared by the
 * pages (web/prompts.c) and the JSON API (api/prompts.c), in the manner of
 * actions/conversation.h. Each returns PUB_OK or another enum pub_result, or ACTION_ANSWERED (a
 * 429 was sent). */
#ifndef KD_ACTIONS_PROMPTS_H
#define KD_ACTIONS_PROMPTS_H

#include "actions/conversation.h"

struct prompt;

/* Answers question p of episode e as the viewer; an answer is a comment, so the comments'
 * limits apply. Input: body, parent_id (a reply, which must be among p's answers: else
 * PUB_INVALID with p's field "parent_id"). Sets *id. Returns PUB_OK, PUB_INVALID (fp),
 * PUB_NOT_FOUND, PUB_DB_ERROR or ACTION_ANSWERED. */
int action_prompt_answer(struct request *req, const struct episode *e, const struct prompt *p,
                         int64_t *id, struct field_problem *fp);

/* Closes or reopens question p of episode e by the parameter closed, which must be sent (else
 * PUB_INVALID, fp's field "closed"). Returns PUB_OK, PUB_FORBIDDEN (not one of the episode's
 * authors), PUB_INVALID, PUB_NOT_FOUND, PUB_DB_ERROR or ACTION_ANSWERED. */
int action_prompt_close(struct request *req, const struct episode *e, const struct prompt *p,
                        struct field_problem *fp);

#endif
