/* JSON API for the conversation: an episode's comments (threaded), posting a comment or reply,
 * adding and removing reactions. Browser sessions send the session cookie and X-CSRF-Token. */
#ifndef KD_API_CONVERSATION_H
#define KD_API_CONVERSATION_H

struct comment;
struct episode;
struct json_write;
struct reaction_summary;
struct request;

/* Writes comment c of episode e as the API shows it, with sum's reactions (none for NULL) and
 * an empty "replies": the answer to posting, editing or deleting one. */
void api_comment_write(struct json_write *w, struct request *req, const struct episode *e,
                       const struct comment *c, const struct reaction_summary *sum);

/* Writes the comments cs[0..n) of one page of a conversation under episode e (as
 * comment_list_page_in reads them) as a JSON array of threads: each comment with its reactions
 * for req's viewer and its "replies" nested; hidden ones read as gone. 0, or the status after
 * failing the request (503; nothing written). */
int api_comment_threads_write(struct json_write *w, struct request *req, const struct episode *e,
                              struct comment *cs, int n);

int api_comments(struct request *req);        /* GET /api/v1/episodes/:id/comments */
int api_comment_post(struct request *req);    /* POST /api/v1/episodes/:id/comments */
int api_comment_edit(struct request *req);    /* PATCH /api/v1/comments/#id */
int api_comment_delete(struct request *req);  /* DELETE /api/v1/comments/#id */
int api_reaction_add(struct request *req);    /* POST /api/v1/reactions */
int api_reaction_remove(struct request *req); /* DELETE /api/v1/reactions */

#endif
