/* The conversation under an episode: threads, passage quotes, reactions, and their forms.
 * Everything works as plain forms; static/kindred.js adds in-place reactions and quoting by
 * selection on top. */
#ifndef KD_WEB_COMMENTS_H
#define KD_WEB_COMMENTS_H

#include "model/comment.h"
#include "model/reaction.h"

#include <stdbool.h>
#include <stdint.h>

struct episode;
struct render;
struct request;
struct comment_thread;

/* The conversation under one episode as a page shows it: what conversation_load read. */
struct conversation {
        const struct episode *e;
        bool shown;                        /* the episode is live: reactions and comments appear */
        bool have_reactions;               /* reactions below were read */
        struct reaction_summary reactions; /* the episode's, with the viewer's own */
        bool login_only; /* guests may not read comments here: a login prompt instead */
        int64_t after;   /* this page of threads starts after this root (?after=) */
        struct comment_thread *thread; /* NULL when loading failed (the request is failed) */
        struct passage *passages;      /* the most quoted passages */
        int npassages;
        /* For members: the conversation as every member sees it (web/page_parts.h), and the
         * viewer's own reactions to its comments; thread is then NULL. */
        struct page_part *part;
        struct reaction_summary *mine;
        int nmine;
};

/* Loader: reads the episode's reactions, one page of threads (from the request's ?after=) and
 * the quoted passages for req's viewer; nothing when the episode is not live. Returns 0, or -1
 * after failing the request (the section then stops after its heading). */
int conversation_load(struct request *req, const struct episode *e, bool live,
                      struct conversation *cv);
/* Renderers: the episode's reactions bar (with forms for members) and its comments section. */
void episode_reactions(struct render *r, const struct episode *e,
                       const struct reaction_summary *sum);
/* comments_section lets go of the shared part conversation_load took (web/page_parts.h): a
 * loaded live conversation is rendered once. */
void comments_section(struct render *r, struct conversation *cv);

/* Any conversation under an episode (the answers to a prompt, ...), threaded and rendered as
 * the comments are. Loader: one page of scope's threads after root `after`, for req's viewer
 * (reactions, moderation); NULL after failing the request. Renderer: its threads, each comment
 * with its reactions and actions. next: the root the following page starts after, 0 for none. */
struct comment_thread *comment_thread_load(struct request *req, const struct episode *e,
                                           const struct comment_scope *scope, int64_t after);
void comment_thread_render(struct render *r, const struct comment_thread *t);
int64_t comment_thread_next(const struct comment_thread *t);
/* The comments of another conversation under episode e (scope: a build-on's), as the page at
 * place_url shows them: one page of threads from the request's ?after= (from 0), or the one
 * thread from comment `from` down (from > 0; 404 when it is not in scope), with reactions and
 * actions; replies post to place_url "/comments" (parameter "parent") and deep threads continue
 * at place_url "/comments/<id>". Returns 0, or -1 after failing the request. */
int comments_in_place(struct request *req, struct render *r, const struct episode *e,
                      const struct comment_scope *scope, const char *place_url, int64_t from);

int web_comment_post(struct request *req);        /* POST /n/:newsletter/:episode/comments */
int web_comment_thread(struct request *req);      /* GET /n/:newsletter/:episode/comments/:id */
int web_comment_edit_form(struct request *req);   /* GET /comments/:id/edit */
int web_comment_reply_form(struct request *req);  /* GET /comments/:id/reply (without script) */
int web_comment_edit(struct request *req);        /* POST /comments/:id/edit */
int web_comment_delete(struct request *req);      /* POST /comments/:id/delete */
int web_comment_hide(struct request *req);        /* POST /comments/:id/hide (hidden=1|0) */

#endif
