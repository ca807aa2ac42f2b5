/* Asks: topics members propose for a newsletter, the votes that rank them, and the authors'
 * decisions (planned, covered by an episode, declined with a reason).
 *
 * Rules (docs/participation.md, "Asks"):
 *   - any member may propose; proposing is the proposer's own vote (vote_count starts at 1);
 *   - one vote per member and ask (the primary key of ask_vote), taken back at will while the
 *     ask is open or planned; covered and declined asks keep their votes and take no more;
 *   - the proposer edits or deletes their ask while it is open; a decision freezes its text;
 *   - the newsletter's authors (newsletter_can_write) decide; a declined ask needs a reason, a
 *     covered ask names an episode of the newsletter (a draft may be named: readers see the
 *     credit only once the episode is live);
 *   - moderators and admins (and the newsletter's authors, for others' asks) hide and restore.
 * Counts (ask.vote_count, newsletter.ask_open_count) change in the same transaction as what
 * they count. */
#ifndef KD_ASK_H
#define KD_ASK_H

#include "core/role.h"
#include "model/item.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum ask_status { ASK_OPEN, ASK_PLANNED, ASK_COVERED, ASK_DECLINED };

/* The lists of a newsletter's asks: open asks by votes, every visible ask newest first, and the
 * planned, covered and declined asks by votes. */
enum ask_view { ASK_VIEW_TOP, ASK_VIEW_NEW, ASK_VIEW_PLANNED, ASK_VIEW_COVERED, ASK_VIEW_DECLINED };
enum { ASK_VIEWS = 5 };

const char *ask_status_name(enum ask_status s);             /* "open", "planned", ... */
int ask_status_parse(const char *name, enum ask_status *s); /* 0, or -1 for an unknown name */
const char *ask_view_name(enum ask_view v);                 /* "top", "new", ... */
int ask_view_parse(const char *name, enum ask_view *v);     /* "" is top; -1 for an unknown name */

struct ask {
        int64_t id;
        int64_t newsletter_id;
        const char *newsletter_slug, *newsletter_title;
        int64_t author_id;
        const char *author_handle, *author_name;
        const char *title, *body, *body_html; /* "" when deleted */
        enum ask_status status;
        const char *status_note; /* the authors' note: a declined ask's reason */
        /* The covering episode: 0 when none. Its slug and title are NULL when the loader's
         * viewer may not see it (a draft or a scheduled episode, for a reader): the credit then
         * says only that an episode is on its way. */
        int64_t episode_id;
        const char *episode_slug, *episode_title;
        bool episode_live;
        int64_t decided_by;
        const char *decider_name; /* "" when undecided */
        int64_t decided_at;       /* 0 when undecided */
        int vote_count;
        bool voted; /* the loader's viewer has voted */
        enum item_state state;
        int64_t created_at, updated_at;
        const char *language;
};

/* What a proposer writes. */
struct ask_input {
        int64_t newsletter_id; /* create only */
        int64_t author_id;     /* create only */
        const char *title;
        const char *body; /* member-mode Markdown, may be empty */
};

/* What an author decides. */
struct ask_decision {
        enum ask_status status;
        const char *note;   /* required for ASK_DECLINED */
        int64_t episode_id; /* required for ASK_COVERED: an episode of the ask's newsletter */
};

/* Where the next page of a list starts: after the ask (votes, id) in the list's order (votes is
 * unused by the "new" view). Zero: the first page. */
struct ask_cursor {
        int64_t votes;
        int64_t before;
};

/* ---- permissions (one rule each; pages and the API ask these) */

/* Any signed-in member who is not disabled may propose. */
bool ask_can_propose(int64_t member_id, enum role role);
/* The proposer, while the ask is open and visible. */
bool ask_can_change(const struct ask *k, int64_t member_id);
/* Members vote on visible asks that are open or planned. */
bool ask_can_vote(const struct ask *k, int64_t member_id);
/* The newsletter's owner, co-authors and admins. */
bool ask_can_decide(struct db *db, const struct ask *k, int64_t member_id, enum role role);
/* item_can_moderate for the ask. */
bool ask_can_moderate(struct db *db, const struct ask *k, int64_t member_id, enum role role);

/* ---- writes: each validates, writes in one transaction, keeps the counts and notifies */

/* Checks a proposal's or an edit's title and body without writing: PUB_OK or PUB_INVALID (p
 * names the field). Handlers check before counting a write against a member's daily limit, so
 * a typo does not use up a proposal. */
int ask_input_check(const struct ask_input *in, struct field_problem *p);
/* Proposes an ask (with the proposer's vote). Sets *id. Returns PUB_OK, PUB_INVALID (p names
 * "title" or "body"), PUB_NOT_FOUND (no such newsletter) or PUB_DB_ERROR. */
int ask_create(struct db *db, const struct ask_input *in, int64_t *id, struct field_problem *p);
/* Changes title and body of member_id's open ask. PUB_FORBIDDEN when ask_can_change says no. */
int ask_edit(struct db *db, int64_t id, int64_t member_id, const struct ask_input *in,
             struct field_problem *p);
/* Deletes member_id's open ask (its text goes, the row stays deleted). PUB_FORBIDDEN when
 * ask_can_change says no, PUB_NOT_FOUND, PUB_DB_ERROR. */
int ask_delete(struct db *db, int64_t id, int64_t member_id);
/* Casts (on) or takes back member_id's vote. *changed: whether a vote was added or removed;
 * *votes: the ask's count afterwards (either may be NULL). Returns PUB_OK, PUB_NOT_FOUND (no
 * visible ask), PUB_FORBIDDEN (voting has closed: covered or declined) or PUB_DB_ERROR. */
int ask_vote_set(struct db *db, int64_t id, int64_t member_id, bool on, bool *changed, int *votes);
/* Records decider_id's decision and tells the proposer (and, when covered, the voters).
 * Returns PUB_OK, PUB_INVALID (p names "status", "note" or "episode_id"), PUB_NOT_FOUND (no
 * visible ask) or PUB_DB_ERROR. The caller checks ask_can_decide. */
int ask_decide(struct db *db, int64_t id, int64_t decider_id, const struct ask_decision *d,
               struct field_problem *p);
/* Hides or restores (item.h's contract). */
int ask_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden);

/* ---- reading */

/* Loads one ask in any state, for viewer_id (their vote) who may see drafts of its newsletter
 * or not (see struct ask). Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int ask_get(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, bool sees_drafts,
            struct ask *out);
/* One page (up to limit) of the newsletter's visible asks in view's order, from cursor (NULL or
 * zero: the first page). next is set to continue after the last (zero when the list ends).
 * Returns the count (arena array in *out) or a negative enum pub_result. */
int ask_list(struct db *db, struct arena *a, int64_t newsletter_id, enum ask_view view,
             const struct ask_cursor *cursor, int limit, int64_t viewer_id, bool sees_drafts,
             struct ask **out, struct ask_cursor *next);
/* The visible covered asks an episode answers, most votes first (the episode page's credit). */
int ask_list_by_episode(struct db *db, struct arena *a, int64_t episode_id, struct ask **out);
/* Visible open asks of a newsletter (a kept count), or a negative enum pub_result. */
int64_t ask_open_count(struct db *db, int64_t newsletter_id);

struct ask_voter {
        const char *handle, *name;
};
/* The first limit voters of an ask, earliest first. Returns the count or a negative result. */
int ask_voters(struct db *db, struct arena *a, int64_t id, int limit, struct ask_voter **out);

/* An episode an author may name as covering an ask. */
struct ask_episode_choice {
        int64_t id;
        const char *title;
        bool live;
};
/* The newsletter's episodes of every status, newest first, up to limit. */
int ask_episode_choices(struct db *db, struct arena *a, int64_t newsletter_id, int64_t now,
                        int limit, struct ask_episode_choice **out);

/* ---- the shared machinery (item.h) */
int ask_item_load(struct db *db, struct arena *a, int64_t id, struct item *out);
bool ask_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now);

/* After an import: renders body_html and counts votes and open asks again. PUB_OK or
 * PUB_DB_ERROR. */
int ask_rebuild_derived(struct db *db);

/* The demo's asks (demo_asks.c). Returns 0 or -1. */
int demo_seed_asks(struct db *db);

#endif
