/* Pages of the spaces: the list, a space with its threads, a thread with its posts, and the
 * forms behind them (new and edited spaces, threads, replies, edits, deletion). */
#ifndef KD_WEB_SPACES_H
#define KD_WEB_SPACES_H

struct request;

int web_spaces(struct request *req);         /* GET /spaces */
int web_space_form(struct request *req);     /* GET /spaces/new, /spaces/$space/edit */
int web_space_save(struct request *req);     /* POST the same */
int web_space(struct request *req);          /* GET /spaces/$space */
int web_thread_create(struct request *req);  /* POST /spaces/$space/threads */
int web_thread(struct request *req);         /* GET /spaces/$space/#thread */
int web_post_create(struct request *req);    /* POST /spaces/$space/#thread */
int web_post_edit_form(struct request *req); /* GET /posts/#id/edit */
int web_post_edit(struct request *req);      /* POST /posts/#id/edit */
int web_post_delete(struct request *req);    /* POST /posts/#id/delete */

#endif
