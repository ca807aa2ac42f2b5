/* JSON API for the site search: the same query, scope and ranking as /search. */
#ifndef KD_API_SEARCH_H
#define KD_API_SEARCH_H

struct request;

int api_search(struct request *req); /* GET /api/v1/search?q=&kind=&page= */

#endif
