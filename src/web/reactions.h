/* Reactions on the page: the buttons under an episode or any reactable item (model/item.h), the
 * "who reacted" page, and the plain form they post. The buttons belong to the page's one action
 * form (web/action_form.h). static/kindred.js turns them into in-place toggles through
 * POST/DELETE /api/v1/reactions; without it they submit that form. */
#ifndef KD_WEB_REACTIONS_H
#define KD_WEB_REACTIONS_H

#include "model/reaction.h"

#include <stdint.h>

struct render;
struct request;

/* The reactions of item (target, id): for members buttons with counts (the viewer's own
 * pressed) in the page's action form (written first if it is not yet), for an episode all six,
 * for other items the kinds in use and a "React" link to the rest; for guests the counts alone.
 * Both link "Who reacted" when there is any. sum may be NULL (nothing yet). A plain submission
 * returns to the page, at the item. */
void reactions_form(struct render *r, const char *target, int64_t id,
                    const struct reaction_summary *sum);

/* What reaction buttons need once per page, written unless r has it already: the page's action
 * form (web/action_form.h). Members only. reactions_form calls it; a page calls it first where
 * buttons come inside something that must not hold a form. */
void reactions_page_parts(struct render *r);

/* The same, and the six kinds for the script's "React" picker (a template) unless the page
 * shows them already (an episode's group). */
void reactions_kinds_shown(struct render *r);

/* POST /react: react "target:id:kind:1|0" (the page's buttons), or react "kind:1|0" with
 * target and id; next: where to return. */
int web_react(struct request *req);
int web_reactions_who(struct request *req); /* GET /reactions?target=&id= */

#endif
