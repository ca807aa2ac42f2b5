/* Whole pages kept for members (issue 16): a page that shows a member nothing of their own (no
 * reaction, comment or note of theirs on it) is the same for every such member but for the
 * header's menu (name, unread count) and the forms' CSRF token. The first such member to load it
 * has it kept whole (web/page_parts.h: the same bounds, generation and time to live as the
 * members' other parts), with a slot for the menu and one for each place of the token; the next
 * ones get their menu and token spliced into it, after the caller checked, with one query, that
 * the page shows them nothing of their own (model/footprint.h for the episode page).
 *
 * Only plain readers get kept pages: what authors, moderators and admins see depends on their
 * role and newsletters. Only a page's first address is kept (no query string: later pages of a
 * list, a form sent back). Thread-safe. */
#ifndef KD_WEB_MEMBER_PAGE_H
#define KD_WEB_MEMBER_PAGE_H

#include "web/page_parts.h"

#include <stdbool.h>
#include <stdint.h>

struct render;
struct request;

/* The key under which req's page would be kept (path and language, in req->arena), or NULL when
 * req is not one a kept page may answer: not a signed-in reader's GET without any field (query
 * string or body)
 * (any_role: any member's, for a page that differs by role only in the menu), or kept parts are
 * off (KINDRED_MEMBER_PARTS=off, or a node out of step with the others). */
const char *member_page_key(struct request *req, bool any_role);

/* Looks the kept page up: true with it held in *out (meta as given to member_page_keep), to be
 * sent with member_page_send or let go with page_parts_release. */
bool member_page_get(struct request *req, const char *key, struct page_part *out);

/* Answers req with the kept page p, its menu drawn for req's member, their token in its slots
 * and the keeper's own range drawn by draw_own (NULL only for a page kept without one); lets
 * go of p.
 * Returns the status (200). */
int member_page_send(struct request *req, struct page_part *p, void (*draw_own)(struct render *r));

/* A range of a kept page that the keeper draws for each member (a greeting with their name). */
struct member_page_own {
        size_t at, len;
};

/* Keeps the whole page r wrote (a finished document in r->out, with page_head's menu) under key
 * as of the generation req's handler started with, with meta (PAGE_PART_META numbers) and own
 * (NULL, or a range outside the menu that member_page_send's draw_own draws). The caller has made
 * sure the rest of the page shows r's member nothing of their own. */
void member_page_keep(struct request *req, const struct render *r, const char *key,
                      const int64_t meta[PAGE_PART_META], const struct member_page_own *own);

#endif
