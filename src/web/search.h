/* The search page (/search) and what the JSON endpoint shares with it. */
#ifndef KD_WEB_SEARCH_H
#define KD_WEB_SEARCH_H

#include "model/search.h"

#include <stddef.h>
#include <stdint.h>

struct render;
struct request;

int web_search(struct request *req); /* GET /search?q=&kind=&page= */

/* The site header's search box: a GET form to /search that works without JavaScript. */
void header_search(struct render *r);

/* Counts one search by req's member (or address, for a guest) against
 * KD_SEARCHES_PER_CLIENT_PER_MINUTE. Returns 0 when allowed; otherwise sets Retry-After and
 * returns the seconds to wait. */
unsigned search_rate_limit(struct request *req);

/* What req's viewer may find, from the parameters kind and page, at now. */
void search_scope_for(struct request *req, int64_t now, struct search_scope *scope);

/* The message (untranslated, N_()) refusing a query search_parse refused, or NULL when it was
 * accepted or empty. */
const char *search_refusal(int parse_result);

/* Writes a snippet's pieces as escaped text, the matches in <mark>. */
void search_snippet_html(struct render *r, const struct search_piece *pieces, size_t n);

#endif
