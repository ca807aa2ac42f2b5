/* JSON API for asks: the same model calls and rules as the pages (docs/api.md, "Asks"). */
#ifndef KD_API_ASKS_H
#define KD_API_ASKS_H

struct request;

int api_asks(struct request *req);       /* GET  /api/v1/newsletters/$newsletter/asks */
int api_ask_create(struct request *req); /* POST /api/v1/newsletters/$newsletter/asks */
int api_ask(struct request *req);        /* GET  /api/v1/asks/#id */
int api_ask_vote(struct request *req);   /* POST and DELETE /api/v1/asks/#id/vote */
int api_ask_status(struct request *req); /* POST /api/v1/asks/#id/status (authors) */

#endif
