/* Reactions on the page: the buttons under an episode or any reactable item (model/item.h), the
 * "who reacted" page, and the plain form they post. static/kindred.js turns the buttons into
 * in-place toggles through POST/DELETE /api/v1/reactions; without it they are real forms. */
#ifndef KD_WEB_REACTIONS_H
#define KD_WEB_REACTIONS_H

#include "model/reaction.h"

#include <stdint.h>

struct render;
struct request;

/* The reactions of item (target, id): for members a form of buttons with counts (the viewer's
 * own pressed), for guests the counts alone; both link "Who reacted" when there is any. sum may
 * be NULL (nothing yet). After the form is sent the member returns to the item's own address
 * (its kind's url). */
void reactions_form(struct render *r, const char *target, int64_t id,
                    const struct reaction_summary *sum);

/* The same, returning to back (a local address) instead. */
void reactions_form_back(struct render *r, const char *target, int64_t id,
                         const struct reaction_summary *sum, const char *back);

int web_react(struct request *req);         /* POST /react (target, id, react, next) */
int web_reactions_who(struct request *req); /* GET /reactions?target=&id= */

#endif
