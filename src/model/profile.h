/* What a member's profile shows of their participation: how many items of each kind they wrote,
 * lists of them, recent activity across kinds, the newsletters they follow and the spaces they
 * take part in.
 *
 * It reads the participation tables directly (comments, prompt answers, build-ons, "I tried
 * this", asks, lexicon terms, space threads and posts) and shows only what any reader may see:
 * visible items under live episodes (never drafts or scheduled ones), approved terms, posts of
 * visible threads. Hidden and deleted items are left out for everyone, the member included, so
 * the page is the same for every viewer (and the guest page cache may keep it).
 *
 * Every query walks one member's index of a kind (comment_by_author, buildon_by_author, ...):
 * nothing grows with the size of the site. Counts stop at KD_PROFILE_COUNT_CAP. */
#ifndef KD_PROFILE_H
#define KD_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum profile_kind {
        PROFILE_COMMENTS, /* comments and replies, answers' replies too */
        PROFILE_ANSWERS,  /* answers to an episode's questions (top-level comments on a prompt) */
        PROFILE_BUILDONS,
        PROFILE_TRIED,
        PROFILE_ASKS,
        PROFILE_TERMS, /* approved terms the member proposed */
        PROFILE_THREADS,
        PROFILE_POSTS, /* replies in space threads (not a thread's opening post) */
        PROFILE_KINDS
};

/* A kind's name in addresses and the API ("comments", "build-ons", ...), and back; -1 when
 * none. */
const char *profile_kind_key(enum profile_kind k);
int profile_kind_parse(const char *key);

/* One item of a member's, as lists show it. Strings in the arena. */
struct profile_item {
        enum profile_kind kind;
        int64_t id;
        int64_t created_at;
        const char *title;    /* the item's own title (a build-on, ask, term, thread; an answer's
                                 question); "" when it has none */
        const char *where;    /* what it hangs under: an episode, newsletter or thread title */
        const char *url;      /* its local address */
        const char *excerpt;  /* plain text, at most KD_PROFILE_EXCERPT_CHARS code points */
        const char *extra;    /* a tried-it outcome ("worked", "mixed", "failed"), an ask's status;
                                 "" otherwise */
        const char *language; /* the text's language tag, NULL: the site default or unknown */
};

/* Counts of the member's items of every kind, each at most KD_PROFILE_COUNT_CAP (shown as
 * "1,000+" there), at time now. Returns 0 or PUB_DB_ERROR. */
int profile_counts(struct db *db, int64_t member_id, int64_t now, int64_t counts[PROFILE_KINDS]);

/* One page of a kind, newest first, starting after the item (before_at, before_id) (INT64_MAX
 * and 0 for the start), at most limit items. Sets *more when another page follows. Returns the
 * count or PUB_DB_ERROR. */
int profile_list(struct db *db, struct arena *a, int64_t member_id, enum profile_kind kind,
                 int64_t now, int64_t before_at, int64_t before_id, int limit,
                 struct profile_item **out, bool *more);

/* The member's latest items across every kind, newest first, at most limit. Returns the count
 * or PUB_DB_ERROR. */
int profile_activity(struct db *db, struct arena *a, int64_t member_id, int64_t now, int limit,
                     struct profile_item **out);

/* A newsletter the member follows, or a space they take part in. */
struct profile_place {
        const char *slug, *title;
        int64_t count; /* posts there (spaces); 0 for newsletters */
        int64_t since; /* when they followed (newsletters) or last posted (spaces) */
};
/* Followed newsletters (most recent first) and spaces (most recently active first), at most
 * limit each. Return the count or PUB_DB_ERROR. */
int profile_follows(struct db *db, struct arena *a, int64_t member_id, int limit,
                    struct profile_place **out);
int profile_spaces(struct db *db, struct arena *a, int64_t member_id, int limit,
                   struct profile_place **out);

/* Plain text of stored member HTML, tags dropped, entities decoded, whitespace runs as one
 * space, cut at a word boundary to at most max_chars code points with "…" when cut. Arena
 * string. */
const char *profile_excerpt(struct arena *a, const char *html, int max_chars);

#endif
