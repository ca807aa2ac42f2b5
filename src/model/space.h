/* Spaces: places where members talk among themselves, in threads of posts.
 *
 * Admins and moderators create spaces and say who may post there: every signed-in member, or
 * the followers of one newsletter (and its authors). A thread is a title and its opening post;
 * replies follow in the order written and may answer one earlier post of the thread (parent_id),
 * which pages show as a quoted line, not as nesting. Members edit and delete their own posts; a
 * deleted post keeps its place (without its text) while a reply answers it. Moderators and
 * admins hide and restore posts (model/item.h's "post" kind): an author of a newsletter is just
 * another member in a space, even in one tied to their newsletter. Hiding a thread's opening
 * post hides the thread.
 *
 * Counts shown on pages (a space's threads and posts, a thread's posts, a member's posts in a
 * space) count visible items and are kept by the same transaction as every change. */
#ifndef KD_SPACE_H
#define KD_SPACE_H

#include "core/role.h"
#include "model/problem.h"
#include "model/reaction.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;
struct item;

enum space_who { SPACE_WHO_MEMBERS, SPACE_WHO_FOLLOWERS };
enum space_state { SPACE_VISIBLE, SPACE_DELETED, SPACE_HIDDEN }; /* of threads and posts */

struct space {
        int64_t id;
        const char *slug, *title, *description, *description_html;
        int64_t newsletter_id;                          /* 0 for none */
        const char *newsletter_slug, *newsletter_title; /* "" for none */
        enum space_who who;
        int64_t thread_count, post_count;
        int64_t last_post_at; /* 0 before the first post */
        int64_t created_at;
};

/* A space as a form or the API sends it: every field text, as typed. newsletter is a
 * newsletter's slug ("" for none); who_posts "members" or "followers". */
struct space_input {
        const char *slug, *title, *description, *newsletter, *who_posts;
};

/* Who may create and edit spaces: moderators and admins. */
bool space_can_manage(enum role role);

/* Why a member may or may not post in a space; the page explains each. */
enum space_rule {
        SPACE_MAY_POST,
        SPACE_RULE_GUEST,        /* not signed in */
        SPACE_RULE_NOT_FOLLOWER, /* a followers' space, and they do not follow */
        SPACE_RULE_CLOSED,       /* a followers' space whose newsletter is gone */
};
enum space_rule space_post_rule(struct db *db, const struct space *s, int64_t member_id,
                                enum role role);
/* Whether member (id, role) may start threads and reply in space s: space_post_rule says yes. */
bool space_can_post(struct db *db, const struct space *s, int64_t member_id, enum role role);

/* Creates a space for creator (who must be allowed: space_can_manage). Sets *id. Returns
 * PUB_OK, PUB_INVALID (p names "slug", "title", "description", "newsletter" or "who_posts"),
 * PUB_TAKEN (the slug is in use; p names "slug"), PUB_FORBIDDEN or PUB_DB_ERROR. */
int space_create(struct db *db, const struct space_input *in, int64_t creator_id, enum role role,
                 int64_t *id, struct field_problem *p);
/* Changes space id as space_create checks it. PUB_NOT_FOUND for no such space. */
int space_update(struct db *db, int64_t id, const struct space_input *in, enum role role,
                 struct field_problem *p);

/* Loads one space by slug or id. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int space_find(struct db *db, struct arena *a, const char *slug, struct space *out);
int space_get(struct db *db, struct arena *a, int64_t id, struct space *out);
/* The spaces, latest activity first (at most KD_SPACES_LISTED). Returns the count or a negative
 * enum pub_result. */
int space_list(struct db *db, struct arena *a, struct space **out);

/* ------------------------------------------------------------------ threads and posts */

struct space_thread {
        int64_t id, space_id;
        int64_t author_id;
        const char *author_handle, *author_name;
        const char *title;
        enum space_state state;
        int64_t post_count; /* visible posts, the opening one included */
        int64_t last_post_at, created_at;
        const char *language;
};

struct space_post {
        int64_t id, thread_id, space_id;
        int64_t parent_id; /* the post it answers, 0 for none */
        int64_t author_id;
        const char *author_handle, *author_name, *author_headline;
        const char *author_avatar;    /* their uploaded avatar's path, NULL: generated */
        const char *body, *body_html; /* "" when deleted */
        enum space_state state;
        bool opening;                  /* the thread's first post (it carries the thread's title) */
        bool has_replies;              /* a visible post answers it */
        int64_t created_at, edited_at; /* edited_at 0 when never edited */
        const char *language;
        /* The post it answers, as a quoted line: its author's name and the start of its text
         * ("" when that post is no longer visible: parent_state says why). */
        const char *parent_author, *parent_excerpt;
        enum space_state parent_state;
        bool parent_cut;             /* the excerpt is the start of a longer text */
        const char *parent_language; /* the answered post's language tag, NULL: the default */
        int reactions[REACT_KINDS];  /* counts per kind (filled by the page loaders) */
};

struct space_thread_input {
        int64_t space_id, author_id;
        enum role role;
        const char *title, *body;
};

struct space_post_input {
        int64_t thread_id, parent_id; /* parent_id 0: answers nobody in particular */
        int64_t author_id;
        enum role role;
        const char *body;
};

/* Opens a thread: its title and opening post. Checks the author may post in the space
 * (space_can_post), keeps the counts and the author's active_at, and tells members @mentioned.
 * Sets *thread_id and *post_id. Returns PUB_OK, PUB_INVALID (p: "title" or "body"),
 * PUB_FORBIDDEN, PUB_NOT_FOUND (no such space) or PUB_DB_ERROR. */
int space_thread_create(struct db *db, const struct space_thread_input *in, int64_t *thread_id,
                        int64_t *post_id, struct field_problem *p);

/* Replies in a thread (visible to readers), optionally answering one of its visible posts.
 * Tells the thread's author and the answered post's author ('space_reply') and members
 * @mentioned ('space_mention'). Returns PUB_OK, PUB_INVALID (p: "body" or "parent_id"),
 * PUB_FORBIDDEN, PUB_NOT_FOUND or PUB_DB_ERROR. */
int space_post_create(struct db *db, const struct space_post_input *in, int64_t *post_id,
                      struct field_problem *p);

/* Replaces the text of post id for its author; title (NULL: unchanged) renames the thread and is
 * only taken for the opening post. Returns PUB_OK, PUB_INVALID, PUB_NOT_FOUND (also deleted or
 * hidden), PUB_FORBIDDEN (someone else's) or PUB_DB_ERROR. */
int space_post_edit(struct db *db, int64_t id, int64_t editor_id, const char *title,
                    const char *body, struct field_problem *p);

/* Deletes post id for its author: its text goes, the row stays while a reply needs it. A
 * thread whose opening post is deleted stays while any of its posts is visible. Returns
 * PUB_OK, PUB_NOT_FOUND, PUB_FORBIDDEN or PUB_DB_ERROR. */
int space_post_delete(struct db *db, int64_t id, int64_t member_id);

/* Hides or restores post id for moderator_id (item.h's set_hidden). */
int space_post_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden);

/* The "post" kind of item.h: loads post id as an item (newsletter_id 0: only moderators and
 * admins moderate spaces), and whether a viewer may see it (a hidden thread stays with its
 * author and the moderators). */
int space_item_load(struct db *db, struct arena *a, int64_t id, struct item *out);
bool space_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now);

/* Loads one post or thread (any state). Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int space_post_get(struct db *db, struct arena *a, int64_t id, struct space_post *out);
int space_thread_get(struct db *db, struct arena *a, int64_t id, struct space_thread *out);

/* One page of a space's visible threads: by latest post (SPACE_ACTIVE, keyset before
 * (before_at, before_id)) or newest first (SPACE_NEW, before before_id). 0 starts at the top.
 * *more says whether another page follows. Returns the count or a negative enum pub_result. */
enum space_order { SPACE_ACTIVE, SPACE_NEW };
int space_thread_page(struct db *db, struct arena *a, int64_t space_id, enum space_order order,
                      int64_t before_at, int64_t before_id, struct space_thread **out, bool *more);

/* One page of a thread's posts in order, after post id `after` (0: from the start): visible
 * posts; deleted or hidden ones still answered by a visible post (as placeholders); and hidden
 * ones to their author and to a moderator (show_hidden). Sets *next_after (0 at the end).
 * Reaction counts are filled in. Returns the count or a negative enum pub_result. */
int space_post_page(struct db *db, struct arena *a, int64_t thread_id, int64_t after,
                    int64_t viewer_id, bool show_hidden, struct space_post **out,
                    int64_t *next_after);

/* The members who posted most in a space (visible posts), most first. */
struct space_member_row {
        const char *handle, *name, *headline;
        int64_t post_count, last_post_at;
};
int space_active_members(struct db *db, struct arena *a, int64_t space_id, int limit,
                         struct space_member_row **out);

/* Renders the stored Markdown and recounts every space's, thread's and member's counts from
 * the rows: after an import (the export leaves derived columns out) and after the demo sets its
 * dates. Returns PUB_OK or PUB_DB_ERROR. */
int space_rebuild(struct db *db);

/* "members" / "followers", and the parse of a state column. */
const char *space_who_name(enum space_who who);
enum space_state space_state_parse(const char *s);

#endif
