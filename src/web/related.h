/* The episode page's "Members also read" cards and its community-insights sentences
 * (model/related.h, model/insight_sentence.h): one loader for both, one renderer each. */
#ifndef KD_WEB_RELATED_H
#define KD_WEB_RELATED_H

#include <stdbool.h>
#include <stdint.h>

struct episode;
struct render;
struct request;
struct related_view;

/* Loader: up to KD_RELATED_SHOWN live episodes to read next, leaving out those the signed-in
 * viewer took part in already, and the episode's sentences. NULL when the episode is not live or
 * the database fails (the page is shown without them). */
struct related_view *related_load(struct request *req, const struct episode *e, bool live);
/* The ids of the cards v shows (at most KD_RELATED_SHOWN) into ids; returns how many. Sets
 * *personal when the viewer's own reading left a pick out (the cards are theirs alone). A NULL v
 * (not live, or the database failed) shows none and counts as personal: nothing to keep. */
int related_shown(const struct related_view *v, int64_t *ids, bool *personal);
/* Renderer: the "Members also read" cards; nothing for NULL or no cards. */
void related_section(struct render *r, const struct related_view *v);
/* Renderer: the community-insights panel; nothing for NULL or when no sentence qualifies. */
void community_insights_section(struct render *r, const struct related_view *v);

#endif
