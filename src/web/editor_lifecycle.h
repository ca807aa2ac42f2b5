/* Unpublishing and deleting an episode from the editor, each behind a confirmation page (a
 * plain form: works without JavaScript), and the 410 a deleted episode's address answers. */
#ifndef KD_WEB_EDITOR_LIFECYCLE_H
#define KD_WEB_EDITOR_LIFECYCLE_H

#include <stdbool.h>

struct buf;
struct episode;
struct render;
struct request;

/* GET and POST /write/episode/#id/unpublish */
int web_write_episode_unpublish_form(struct request *req);
int web_write_episode_unpublish(struct request *req);
/* GET and POST /write/episode/#id/delete */
int web_write_episode_delete_form(struct request *req);
int web_write_episode_delete(struct request *req);

/* The editor's links to both pages for episode e (unpublish only when it is not a draft). */
void editor_lifecycle_links(struct render *r, const struct episode *e);

/* For a reader's request of an episode address that does not exist: answers 410 and returns
 * true when a published episode there was deleted; false (nothing answered) otherwise. */
bool editor_answer_gone(struct request *req, const char *newsletter_slug, const char *slug);

#endif
