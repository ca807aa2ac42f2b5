/* Reactions: several kinds, on episodes and on every kind of member-written item whose row in
 * item.c says reactable (comments, build-ons, space posts ...). A member may give any number of
 * kinds to one item and take each back; counts per kind are exact (one row per member, item and
 * kind). An item is named by its target ("episode", or a kind's name) and id. */
#ifndef KD_REACTION_H
#define KD_REACTION_H

#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum reaction_kind {
        REACT_LIKE,
        REACT_INSIGHTFUL,
        REACT_AGREE,
        REACT_LOVE,
        REACT_CELEBRATE,
        REACT_CURIOUS,
        REACT_KINDS
};
/* The targets with names of their own here: the episode (not an item kind) and the comment. */
#define TARGET_EPISODE "episode"
#define TARGET_COMMENT "comment"

/* "like", "insightful", ... as stored and sent by forms. */
const char *reaction_kind_name(enum reaction_kind k);
int reaction_kind_parse(const char *name, enum reaction_kind *k); /* 0 or -1 */

/* Whether members may react to target: "episode", or a kind of item.h whose row says
 * reactable. Returns the target's stored name (a static string) or NULL. */
const char *reaction_target_find(const char *target);

/* Counts per kind on one item, and which kinds the viewer gave (bit 1 << kind). */
struct reaction_summary {
        int64_t target_id;
        int counts[REACT_KINDS];
        unsigned mine;
};

/* Whether an item exists and viewer (id, role) may see it (and so react to it): an episode
 * readers can see (or its authors), or a visible item of a reactable kind that its kind's
 * viewable lets them see. Returns PUB_OK, PUB_NOT_FOUND (an unknown or unreactable target too)
 * or PUB_DB_ERROR. */
int reaction_target_visible(struct db *db, const char *target, int64_t id, int64_t viewer_id,
                            int role, int64_t now);

/* Gives (on) or takes back (!on) one kind of reaction; idempotent. *changed says whether it did
 * anything (may be NULL). A new reaction to an item tells its author (notify_reaction); episodes
 * notify nobody. The caller checks the item exists and the member may see it
 * (reaction_target_visible). Returns PUB_OK, PUB_NOT_FOUND (a target nobody reacts to) or
 * PUB_DB_ERROR. */
int reaction_set(struct db *db, int64_t member_id, const char *target, int64_t target_id,
                 enum reaction_kind kind, bool on, bool *changed);

/* The summary of one item for viewer_id (0 for a guest). Returns PUB_OK or PUB_DB_ERROR. */
int reaction_summary(struct db *db, const char *target, int64_t target_id, int64_t viewer_id,
                     struct reaction_summary *out);

/* Summaries of the items ids[0..n) of one target for viewer_id in one query per
 * KD_REACTION_IDS_PER_QUERY ids (a page's build-ons, posts ...): only the items with a reaction,
 * by id ascending (find one with reaction_summary_find). Arena array in a; returns the count or
 * a negative enum pub_result. */
int reaction_summaries(struct db *db, struct arena *a, const char *target, const int64_t *ids,
                       int n, int64_t viewer_id, struct reaction_summary **out);

/* Viewer's own reactions to the comments of an episode in threads whose root id is in
 * (after_root, upto_root], as summaries with only mine set (counts 0), by comment id
 * ascending: what a member adds to a conversation every member shares (web/page_parts.h).
 * Returns the count or a negative enum pub_result. */
int reaction_comment_mine(struct db *db, struct arena *a, int64_t episode_id, int64_t after_root,
                          int64_t upto_root, int64_t viewer_id, struct reaction_summary **out);

/* The summary of item id in sums (from reaction_summaries or reaction_comment_summaries), or
 * NULL when it has no reaction. */
const struct reaction_summary *reaction_summary_find(const struct reaction_summary *sums, int n,
                                                     int64_t id);

/* Summaries of the reacted-to comments of an episode in threads whose root id is in
 * (after_root, upto_root] (one page of the conversation), by comment id ascending. Returns the
 * count or a negative enum pub_result. */
int reaction_comment_summaries(struct db *db, struct arena *a, int64_t episode_id,
                               int64_t after_root, int64_t upto_root, int64_t viewer_id,
                               struct reaction_summary **out);

/* Who reacted to an item, by kind then name. */
struct reactor {
        enum reaction_kind kind;
        const char *handle, *name;
};
int reaction_who(struct db *db, struct arena *a, const char *target, int64_t target_id,
                 struct reactor **out);

#endif
