/* Reactions: several kinds, on episodes and comments. A member may give any number of kinds to
 * one item and take each back; counts per kind are exact (one row per member, item and kind). */
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
enum reaction_target { TARGET_EPISODE, TARGET_COMMENT };

/* "like", "insightful", ... as stored and sent by forms. */
const char *reaction_kind_name(enum reaction_kind k);
int reaction_kind_parse(const char *name, enum reaction_kind *k); /* 0 or -1 */
const char *reaction_target_name(enum reaction_target t);         /* "episode", "comment" */
int reaction_target_parse(const char *name, enum reaction_target *t);

/* Counts per kind on one item, and which kinds the viewer gave (bit 1 << kind). */
struct reaction_summary {
        int64_t target_id;
        int counts[REACT_KINDS];
        unsigned mine;
};

/* Whether an item exists and viewer (id, role) may see it (and so react to it): an episode
 * readers can see (or its authors), or a visible comment on one. Returns PUB_OK, PUB_NOT_FOUND
 * or PUB_DB_ERROR. */
int reaction_target_visible(struct db *db, enum reaction_target target, int64_t id,
                            int64_t viewer_id, int role, int64_t now);

/* Gives (on) or takes back (!on) one kind of reaction; idempotent. *changed says whether it did
 * anything (may be NULL). A new reaction to a comment tells its author (notify_reaction). The
 * caller checks the item exists and the member may see it. Returns PUB_OK or PUB_DB_ERROR. */
int reaction_set(struct db *db, int64_t member_id, enum reaction_target target, int64_t target_id,
                 enum reaction_kind kind, bool on, bool *changed);

/* The summary of one item for viewer_id (0 for a guest). Returns PUB_OK or PUB_DB_ERROR. */
int reaction_summary(struct db *db, enum reaction_target target, int64_t target_id,
                     int64_t viewer_id, struct reaction_summary *out);

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
int reaction_who(struct db *db, struct arena *a, enum reaction_target target, int64_t target_id,
                 struct reactor **out);

#endif
