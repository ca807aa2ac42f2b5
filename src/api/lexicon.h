/* JSON API for the lexicon: a newsletter's terms, proposing one, and deciding on a proposal;
 * the same model calls and rules as the pages (web/lexicon.c). */
#ifndef KD_API_LEXICON_H
#define KD_API_LEXICON_H

struct request;

int api_terms(struct request *req);         /* GET /api/v1/newsletters/$newsletter/terms */
int api_term_propose(struct request *req);  /* POST /api/v1/newsletters/$newsletter/terms */
int api_term_decision(struct request *req); /* POST /api/v1/terms/#id/decision */

#endif
