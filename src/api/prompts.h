/* JSON API for "Questions for you" and "I tried this": the same model calls and rules as the
 * pages (web/prompts.c, web/tried.c). */
#ifndef KD_API_PROMPTS_H
#define KD_API_PROMPTS_H

struct request;

int api_prompts(struct request *req);            /* GET /api/v1/episodes/#id/prompts */
int api_prompt_answers(struct request *req);     /* GET /api/v1/prompts/#id/answers */
int api_prompt_answer_post(struct request *req); /* POST /api/v1/prompts/#id/answers */
int api_prompt_closed(struct request *req);      /* POST /api/v1/prompts/#id/closed */
int api_tried(struct request *req);              /* GET /api/v1/episodes/#id/tried */
int api_tried_post(struct request *req);         /* POST /api/v1/episodes/#id/tried */
int api_tried_delete(struct request *req);       /* DELETE /api/v1/episodes/#id/tried */

#endif
