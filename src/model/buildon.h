/* Build-ons: a member's response that builds on an episode, or on another build-on of it.
 *
 * A build-on has a title and a Markdown body (member mode, longer than a comment) and may quote
 * a passage of what it builds on: the episode's text when it builds on the episode, the parent
 * build-on's text when it builds on a build-on. Quotes are checked exactly as comment quotes
 * are (comment_quote_find). A chain of build-ons stays within one episode and is at most
 * KD_BUILDON_CHAIN_MAX long. A member edits and deletes their own; a deleted build-on keeps its
 * place in a chain without its title and text. Moderators, admins and the newsletter's authors
 * hide and restore (the item kind "buildon", model/item.h); the newsletter's authors feature.
 *
 * episode.buildon_count is the exact number of visible build-ons of the episode and
 * buildon.comment_count the visible comments on one, both kept in the same transaction as
 * every change. */
#ifndef KD_BUILDON_H
#define KD_BUILDON_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;
struct item;

enum buildon_state { BUILDON_VISIBLE, BUILDON_DELETED, BUILDON_HIDDEN };

struct buildon {
        int64_t id, episode_id;
        int64_t parent_id; /* the build-on this builds on, 0 when it builds on the episode */
        int64_t author_id;
        const char *author_handle, *author_name, *author_headline;
        const char *title, *body, *body_html, *body_text; /* "" when deleted */
        const char *quote_exact;                          /* NULL when it quotes nothing */
        const char *quote_prefix, *quote_suffix;
        int64_t quote_start;
        enum buildon_state state;
        int64_t featured_at; /* 0 when not featured */
        int comment_count;
        int64_t created_at, updated_at, edited_at; /* edited_at 0 when never edited */
        const char *language;                      /* NULL: the site default */
        const char *parent_title; /* the parent's title; "" when none, or it is not visible */
};

struct buildon_input {
        int64_t episode_id;
        int64_t parent_id; /* 0: builds on the episode */
        int64_t author_id;
        const char *title, *body;
        const char *quote_exact; /* NULL or "" for none */
        const char *quote_prefix, *quote_suffix;
};

/* Checks and stores a new build-on, adds it to the episode's buildon_count and tells the
 * episode's author, the parent build-on's author and everyone @mentioned (kinds "buildon" and
 * "mention", target "buildon"). The episode must be live; the caller checks the author may see
 * it. A parent must be a visible build-on of the same episode whose chain is shorter than
 * KD_BUILDON_CHAIN_MAX. Sets *id. Returns PUB_OK, PUB_INVALID (p: "title", "body", "quote" or
 * "parent"), PUB_NOT_FOUND (no such live episode) or PUB_DB_ERROR. Nothing is half-saved. */
int buildon_create(struct db *db, const struct buildon_input *in, int64_t *id,
                   struct field_problem *p);

/* Replaces the title and text of build-on id, written by editor_id (its quote stays). Returns
 * PUB_OK, PUB_INVALID, PUB_NOT_FOUND (also deleted or hidden), PUB_FORBIDDEN (someone else's)
 * or PUB_DB_ERROR. */
int buildon_edit(struct db *db, int64_t id, int64_t editor_id, const char *title, const char *body,
                 struct field_problem *p);

/* Deletes build-on id for its author: title, text and quote go, the row keeps its place in
 * its chain and under its comments. Returns PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN or
 * PUB_DB_ERROR. */
int buildon_delete(struct db *db, int64_t id, int64_t member_id);

/* Hides (hidden=true) or restores build-on id for moderator_id (item.h's set_hidden). Returns
 * PUB_OK, PUB_NOT_FOUND (no such build-on, or deleted) or PUB_DB_ERROR. */
int buildon_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden);

/* True when member (id, role) may feature and unfeature the build-ons of episode_id: the
 * authors of its newsletter (owner and co-authors) and admins. */
bool buildon_can_feature(struct db *db, int64_t episode_id, int64_t member_id, enum role role);

/* Features (featured=true) or unfeatures build-on id for member_id; the caller checks
 * buildon_can_feature. Featuring a hidden or deleted build-on, or more than
 * KD_BUILDON_FEATURED_MAX of one episode, is PUB_INVALID (p: "featured"). Returns PUB_OK,
 * PUB_INVALID, PUB_NOT_FOUND or PUB_DB_ERROR. */
int buildon_set_featured(struct db *db, int64_t id, int64_t member_id, bool featured,
                         struct field_problem *p);

/* Loads one build-on, whatever its state. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int buildon_get(struct db *db, struct arena *a, int64_t id, struct buildon *out);

/* Whether viewer (id, role) may see build-on id at now: its episode is viewable, and it is
 * visible (or deleted, which shows as a place holder; or hidden, for its author and those who
 * moderate it). */
bool buildon_viewable(struct db *db, const struct buildon *b, int64_t viewer_id, enum role role,
                      int64_t now);

/* The visible build-ons of an episode as it shows them: the featured ones (newest featuring
 * first) when before is 0, then the others newest first with id below before (0: from the
 * newest), at most limit in all. Sets *next_before to pass for the next page (0 at the end).
 * Returns the count or a negative enum pub_result. Every query reads an index. */
int buildon_list_episode(struct db *db, struct arena *a, int64_t episode_id, int64_t before,
                         int limit, struct buildon **out, int64_t *next_before);

/* Checks that a reply posted among the comments on build-on id answers one of them (a reply
 * otherwise goes where its parent is, which is not this place). parent_id 0 is fine. Returns
 * PUB_OK, PUB_INVALID (p: "parent") or PUB_DB_ERROR. */
int buildon_comment_parent_ok(struct db *db, int64_t id, int64_t parent_id,
                              struct field_problem *p);

/* The episode's kept count of visible build-ons (0 when unknown). */
int buildon_episode_count(struct db *db, int64_t episode_id);

/* The chain above build-on id: what it builds on, from the build-on nearest the episode down to
 * its parent (any state; the caller shows deleted and hidden ones as place holders). At most
 * KD_BUILDON_CHAIN_MAX. Returns the count or a negative enum pub_result. */
int buildon_chain(struct db *db, struct arena *a, int64_t id, struct buildon **out);

/* The visible build-ons on build-on id, oldest first, at most limit. Returns the count or a
 * negative enum pub_result. */
int buildon_children(struct db *db, struct arena *a, int64_t id, int limit, struct buildon **out);

/* The reactions of build-on id per kind (in reaction.h's enum order, REACT_KINDS of them) and
 * which the viewer gave (bit 1 << kind). Returns PUB_OK or PUB_DB_ERROR. */
int buildon_reaction_counts(struct db *db, int64_t id, int64_t viewer_id, int *counts,
                            unsigned *mine);

/* The build-on kind of item.h: loads build-on id as an item, and whether a viewer may see it. */
int buildon_item_load(struct db *db, struct arena *a, int64_t id, struct item *out);
bool buildon_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role,
                           int64_t now);

/* After an import: renders every build-on's text again and counts build-ons per episode and
 * comments per build-on. Returns PUB_OK or PUB_DB_ERROR. */
int buildon_refresh_all(struct db *db);

/* "/n/<newsletter>/<episode>/b/<id>" of build-on id (arena string), or NULL when unknown. */
const char *buildon_path(struct db *db, struct arena *a, int64_t id);

#endif
