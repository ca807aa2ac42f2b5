/* "Questions for you": the episode page's questions with their answers, a question's own page,
 * the answer form and the author's close/reopen button, and the editor's fieldset. Answers are
 * comments (model/comment.h) and render through web/comments.h. */
#ifndef KD_WEB_PROMPTS_H
#define KD_WEB_PROMPTS_H

#include <stdbool.h>
#include <stdint.h>

struct episode;
struct field_problem;
struct render;
struct request;
struct prompts_view;

/* Loader for the episode page: the episode's questions and the first page of each one's answers
 * for req's viewer (nothing to show: NULL). live: the episode is out (else questions show
 * without answer forms, for its authors' preview). Fails the request (and returns NULL) only
 * when the database does. */
struct prompts_view *prompts_load(struct request *req, const struct episode *e, bool live);
/* Renderer: the "Questions for you" section; nothing for NULL. */
void prompts_section(struct render *r, const struct prompts_view *v);

/* The editor: the five questions of episode id (0: a new one) into values[], as stored... */
void prompts_editor_values(struct request *req, int64_t episode_id, const char **values);
/* ... or as the form sent them: true when it sent any (values[] then goes into
 * episode_input.prompts); false, with the stored ones of episode_id, for a form without them
 * (which leaves the questions as they are) ... */
bool prompts_form_values(struct request *req, int64_t episode_id, const char **values);
/* ... and the "Questions for you" fieldset with them, p naming a field that is wrong. */
void prompts_editor_fieldset(struct render *r, const char *const *values,
                             const struct field_problem *p);

int web_prompt_page(struct request *req);   /* GET /n/$newsletter/$episode/prompts/#prompt */
int web_prompt_answer(struct request *req); /* POST .../prompts/#prompt/answers */
int web_prompt_closed(struct request *req); /* POST .../prompts/#prompt/closed (closed=1|0) */

#endif
