/* The conversation under an episode: threads, passage quotes, reactions, and their forms.
 * Everything works as plain forms; static/kindred.js adds in-place reactions and quoting by
 * selection on top. */
#ifndef KD_WEB_COMMENTS_H
#define KD_WEB_COMMENTS_H

struct episode;
struct request;

/* Writes the episode's reactions bar (with forms) and its comments section. */
void episode_reactions(struct request *req, const struct episode *e);
void comments_section(struct request *req, const struct episode *e);

int web_comment_post(struct request *req);      /* POST /n/:newsletter/:episode/comments */
int web_comment_thread(struct request *req);    /* GET /n/:newsletter/:episode/comments/:id */
int web_comment_edit_form(struct request *req); /* GET /comments/:id/edit */
int web_comment_edit(struct request *req);      /* POST /comments/:id/edit */
int web_comment_delete(struct request *req);    /* POST /comments/:id/delete */
int web_comment_hide(struct request *req);      /* POST /comments/:id/hide (hidden=1|0) */
int web_comment_report_form(struct request *req); /* GET /comments/:id/report */
int web_react(struct request *req);             /* POST /react */
int web_reactions_who(struct request *req);     /* GET /reactions?target=&id= */

#endif
