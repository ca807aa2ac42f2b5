/* Member-written items of every kind, as the shared machinery sees them.
 *
 * Comments, build-ons, space posts, asks, lexicon terms and "tried this" notes are each stored
 * by their own model file, but reports, the moderation queue, hiding and restoring, reactions
 * and the notifications about them work the same way for all. They reach an item through its
 * kind here: one row per kind in item.c's table, naming the functions of the kind's model file.
 * Adding a kind of item adds a row, not a copy of the moderation or reaction code. */
#ifndef KD_ITEM_H
#define KD_ITEM_H

#include "core/role.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum item_state { ITEM_VISIBLE, ITEM_DELETED, ITEM_HIDDEN };

/* What the shared machinery needs to know about one item. Strings live in the arena. */
struct item {
        const char *target; /* the kind's name: "comment", "buildon", "post", "ask", ... */
        int64_t id;
        enum item_state state;
        int64_t author_id;
        /* Whose authors also moderate it (and review its reports): the newsletter of the episode
         * it hangs under, or of the ask or term; 0 when only moderators and admins do (posts in
         * spaces, where an author is just another member). */
        int64_t newsletter_id;
        int64_t episode_id; /* the episode it hangs under, 0 for none */
        const char *url;    /* its local address (path and fragment) */
        const char *where;  /* a short human label of where it is: an episode or thread title */
        const char *body_html; /* as rendered when written ("" when deleted) */
        int64_t created_at;
};

struct item_kind {
        const char *target; /* as stored in reaction.target, report.target, notification.target */
        /* Loads item id. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR (enum pub_result). */
        int (*load)(struct db *db, struct arena *a, int64_t id, struct item *out);
        /* Whether member (viewer_id, role; 0 and ROLE_NONE for a guest) may see the item and
         * what it hangs under (a draft episode's items stay private) at time now. */
        bool (*viewable)(struct db *db, int64_t id, int64_t viewer_id, enum role role,
                         int64_t now);
        /* Hides (hidden=true) or restores the item for moderator_id, keeping every count that
         * includes it right, in one transaction (db_begin nests). Returns PUB_OK, PUB_NOT_FOUND
         * (no such item, or deleted) or PUB_DB_ERROR. The caller checks item_can_moderate. */
        int (*set_hidden)(struct db *db, int64_t id, int64_t moderator_id, bool hidden);
        /* Whether members may react to it (reaction.c); false for kinds that have votes or
         * nothing of the kind. */
        bool reactable;
};

/* The kind named target ("comment", ...), or NULL for a name no kind has. */
const struct item_kind *item_kind_find(const char *target);

/* Loads the item (target, id) through its kind. PUB_NOT_FOUND for an unknown kind too. */
int item_load(struct db *db, struct arena *a, const char *target, int64_t id, struct item *out);

/* Whether member (id, role) may hide and restore the item: moderators and admins always; the
 * authors of it->newsletter_id too, except for their own items. */
bool item_can_moderate(struct db *db, const struct item *it, int64_t member_id, enum role role);

/* The same rule with its reason: NULL when member (id, role) may hide and restore the item, else
 * a msgid saying why not (for the 403 page or JSON error). */
const char *item_moderation_refusal(struct db *db, const struct item *it, int64_t member_id,
                                    enum role role);

/* Whether member (id, role) may see the item (its kind's viewable) at time now. */
bool item_viewable(struct db *db, const struct item *it, int64_t member_id, enum role role,
                   int64_t now);

#endif
