/* "I tried this" on the episode page: how many tried the idea and how it went, recent notes,
 * the member's own record with its forms; the page of every note; the handlers behind them. */
#ifndef KD_WEB_TRIED_H
#define KD_WEB_TRIED_H

#include <stdbool.h>

struct episode;
struct render;
struct request;
struct tried_view;

/* Loader for the episode page: the counts, a few recent notes and the viewer's own record
 * (NULL when the episode is not live, or after failing the request when the database fails). */
struct tried_view *tried_load(struct request *req, const struct episode *e, bool live);
/* Renderer: the "I tried this" box; nothing for NULL. */
void tried_section(struct render *r, const struct tried_view *v);

int web_tried_list(struct request *req);    /* GET /n/$newsletter/$episode/tried (?before=) */
int web_tried_post(struct request *req);    /* POST /n/$newsletter/$episode/tried (note) */
int web_tried_outcome(struct request *req); /* POST .../tried/outcome (outcome, outcome_note) */
int web_tried_delete(struct request *req);  /* POST .../tried/delete */
int web_tried_hide(struct request *req);    /* POST /tried/#id/hide (hidden=1|0) */

#endif
