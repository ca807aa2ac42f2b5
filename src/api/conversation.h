/* JSON API for the conversation: an episode's comments (threaded), posting a comment or reply,
 * adding and removing reactions. Browser sessions send the session cookie and X-CSRF-Token. */
#ifndef KD_API_CONVERSATION_H
#define KD_API_CONVERSATION_H

struct comment;
struct episode;
struct json_t;
struct request;

/* The comments cs[0..n) of one page of a conversation under episode e (as comment_list_page_in
 * reads them) as a JSON array of threads: each comment with its reactions for req's viewer and
 * its "replies" nested; hidden ones read as gone. NULL after failing the request (503). */
struct json_t *api_comment_threads(struct request *req, const struct episode *e,
                                   struct comment *cs, int n);


int api_comments(struct request *req);        /* GET /api/v1/episodes/:id/comments */
int api_comment_post(struct request *req);    /* POST /api/v1/episodes/:id/comments */
int api_comment_edit(struct request *req);    /* PATCH /api/v1/comments/#id */
int api_comment_delete(struct request *req);  /* DELETE /api/v1/comments/#id */
int api_reaction_add(struct request *req);    /* POST /api/v1/reactions */
int api_reaction_remove(struct request *req); /* DELETE /api/v1/reactions */

#endif
