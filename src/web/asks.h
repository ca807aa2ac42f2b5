/* Asks pages: a newsletter's asks in five views, one ask with its votes and the authors'
 * decision, the propose and edit forms, and the small pieces other pages show (the newsletter's
 * "Asks: N open" link, the episode's "Asked by …" credit). Every form works without
 * JavaScript; static/kindred.js votes in place. */
#ifndef KD_WEB_ASKS_H
#define KD_WEB_ASKS_H

struct db;
struct episode;
struct newsletter;
struct render;
struct request;

int web_asks(struct request *req);          /* GET  /n/$newsletter/asks?view=&votes=&before= */
int web_ask_new_form(struct request *req);  /* GET  /n/$newsletter/asks/new */
int web_ask_create(struct request *req);    /* POST /n/$newsletter/asks */
int web_ask(struct request *req);           /* GET  /n/$newsletter/asks/#id */
int web_ask_vote(struct request *req);      /* POST /n/$newsletter/asks/#id/vote (vote=1|0) */
int web_ask_edit_form(struct request *req); /* GET  /n/$newsletter/asks/#id/edit */
int web_ask_edit(struct request *req);      /* POST /n/$newsletter/asks/#id/edit */
int web_ask_delete(struct request *req);    /* POST /n/$newsletter/asks/#id/delete */
int web_ask_decide(struct request *req);    /* POST /n/$newsletter/asks/#id/status */
int web_ask_hide(struct request *req);      /* POST /n/$newsletter/asks/#id/hide (hidden=1|0) */

/* The newsletter page's link to its asks with the open count (one line there). Reads the kept
 * count through db; writes nothing when it cannot be read. */
void web_asks_newsletter_link(struct render *r, struct db *db, const struct newsletter *n);
/* The episode page's credit: the asks the episode answers, each with its proposer, linked. A
 * loader and renderer in one, called with one line from the episode page's renderer: it reads
 * through the context's request (nothing without one) and shows nothing before the episode is
 * live. */
void web_asks_episode_credit(struct render *r, const struct episode *e);

#endif
