/* Shared parts of member pages (issue 16): the part of a page every member sees alike (an
 * episode's conversation: comments, counts, passages) is built once per change and reused for
 * every member, who gets only their own bytes spliced in: their reactions pressed, Edit and
 * Delete on their own comments, their CSRF token.
 *
 * A part is rendered for a neutral member (no reactions, no comments of theirs) while a
 * recorder notes its slots: byte ranges a member's own version may replace, each with what is
 * needed to render that member's version. Parts are keyed by the caller (episode, page,
 * language, role class) and all go stale at once on any write (page_parts_invalidate, called
 * where the guest page cache is invalidated, including for other nodes' writes), or after
 * KD_PAGE_CACHE_TTL_S (relative times). Bounded by KD_MEMBER_PARTS_BYTES and
 * KD_MEMBER_PARTS_SLOTS. Thread-safe. KINDRED_MEMBER_PARTS=off turns it off (every member page
 * is built whole, as before), for comparisons. */
#ifndef KD_WEB_PAGE_PARTS_H
#define KD_WEB_PAGE_PARTS_H

#include "model/reaction.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

enum parts_slot_kind {
        PARTS_TOKEN,     /* the member's CSRF token (an attribute value; empty when shared) */
        PARTS_REACTIONS, /* an item's reactions group: another version when the member reacted */
        PARTS_OWN,       /* an item's author-dependent actions: Edit and Delete for its author */
        PARTS_MENU,      /* a whole page's member menu: name, counts (web/member_page.h) */
        PARTS_PAGE_OWN,  /* a whole page's range its keeper draws per member (a greeting) */
};

enum { PAGE_PART_META = 6 };

/* One place in a part where a member's bytes may go instead of the shared ones. */
struct parts_slot {
        size_t at, len; /* the shared bytes it replaces */
        enum parts_slot_kind kind;
        int64_t id;                  /* the item (a comment) */
        int64_t author_id;           /* PARTS_OWN: its author */
        int state;                   /* PARTS_OWN: the comment's state (model/comment.h) */
        struct reaction_summary sum; /* PARTS_REACTIONS: its counts (mine: none) */
};

/* A part: its shared bytes and slots in order, and the range of threads it shows. */
struct page_part {
        char *bytes;
        size_t len;
        struct parts_slot *slots;
        size_t nslots;
        int64_t first_root, last_root; /* the roots of the first and last threads, 0: none */
        int64_t meta[PAGE_PART_META];  /* what the keeper needs to use it (web/member_page.h) */
        uint64_t serial;               /* set when kept: a new one for every part kept */
        void *hold; /* a kept part this one is held from (page_parts_get), else NULL */
};

/* Records slots while a part is rendered into out: a slot begins at out's length when
 * page_parts_begin is called and ends at page_parts_end. */
struct parts_recorder {
        const struct buf *out;
        struct arena *arena; /* where the slots are kept */
        struct parts_slot *slots;
        size_t n, cap;
};

void parts_recorder_init(struct parts_recorder *rec, const struct buf *out, struct arena *a);
/* Starts a slot at the current end of the output; returns it for the caller to fill. */
struct parts_slot *parts_slot_begin(struct parts_recorder *rec, enum parts_slot_kind kind);
/* Ends slot s (from parts_slot_begin) at the current end of the output. */
void parts_slot_end(struct parts_recorder *rec, struct parts_slot *s);

/* Turns shared parts off for the process (several nodes on PostgreSQL: another node's write
 * reaches this one by a notice a moment later, and a member who wrote there and reads here must
 * see their write at once). */
void page_parts_disable(void);
/* Whether shared parts are used (not turned off with KINDRED_MEMBER_PARTS=off). */
bool page_parts_enabled(void);

/* The current generation: read it before loading what a part shows, and give it to
 * page_parts_put, so a part built from data read before a write is never kept as current. */
unsigned page_parts_generation(void);

/* Looks key up; on a fresh hit fills out with the kept part, held (not copied) until
 * page_parts_release, and returns true. The part is read-only. */
bool page_parts_get(const char *key, int64_t now, struct page_part *out);

/* Lets go of a part from page_parts_get (nothing for one that was not held). */
void page_parts_release(struct page_part *p);

/* Keeps a copy of part p under key as of generation (nothing when the cache moved past it
 * meanwhile, or when it is larger than the bound allows). */
void page_parts_put(const char *key, int64_t now, unsigned generation, const struct page_part *p);

/* Makes every part stale (after any write, here or on another node). */
void page_parts_invalidate(void);

#endif
