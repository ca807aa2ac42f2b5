/* The lexicon's pages: a newsletter's terms A-Z with its proposals, a term's page, and the
 * forms that propose, edit, withdraw and decide. */
#ifndef KD_WEB_LEXICON_H
#define KD_WEB_LEXICON_H

struct render;
struct request;

int web_lexicon(struct request *req);         /* GET /n/$newsletter/lexicon */
int web_lexicon_propose(struct request *req); /* POST /n/$newsletter/lexicon */
int web_term(struct request *req);            /* GET /n/$newsletter/lexicon/$term */
int web_term_edit(struct request *req);       /* POST …/$term/edit */
int web_term_withdraw(struct request *req);   /* POST …/$term/withdraw */
int web_term_decision(struct request *req);   /* POST …/$term/decision */

/* The newsletter page's link to its lexicon (renderer). */
void web_lexicon_link(struct render *r, const char *newsletter_slug);

#endif
