/* Badges: small marks of how a member takes part, earned by the rules in docs/participation.md
 * ("## Badges") or awarded by an admin.
 *
 * A rule badge is computed from the data and nothing else: badges_refresh() works out which
 * rules a member meets now and makes the stored rows (awarded_by NULL) say exactly that, keeping
 * the first earned_at of a badge that is still held. Only what readers can see counts: visible
 * items, under live episodes (not drafts, not scheduled ones), so a hidden comment or a deleted
 * build-on takes back what it earned at the member's next refresh.
 *
 * By hand, an admin awards a badge (any kind; "steward" only this way): the row carries
 * awarded_by and a note, and rules never touch it. An admin who removes a rule badge leaves a
 * row marked revoked_by, which keeps the rule from giving it back; awarding it again lifts that.
 *
 * Some badges are per newsletter (founding reader, asked and answered, wordsmith): their rows
 * carry the newsletter's id; the rest are the whole site's (newsletter_id 0). */
#ifndef KD_BADGE_H
#define KD_BADGE_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum badge_kind {
        BADGE_FOUNDING_READER,
        BADGE_FIRST_ANSWER,
        BADGE_FIRST_BUILDON,
        BADGE_TRIED_IT,
        BADGE_ASKED_ANSWERED,
        BADGE_CONVERSATION_STARTER,
        BADGE_WORDSMITH,
        BADGE_REGULAR,
        BADGE_STEWARD,
        BADGE_KINDS
};

/* The rules' numbers (docs/participation.md names them). */
enum {
        BADGE_REGULAR_WEEKS = 4,         /* different calendar weeks with a comment */
        BADGE_CONVERSATION_REPLIERS = 3, /* other members who replied in one thread */
};

/* What a kind is: its key (as stored and in the API), its name and the rule that earns it
 * (English msgids, marked N_() for pages to translate), and whether it is held per newsletter
 * or only ever awarded by hand. */
struct badge_def {
        const char *key;
        const char *name;
        const char *rule;
        bool per_newsletter;
        bool by_hand_only;
};

/* The definition of kind k (0 <= k < BADGE_KINDS). */
const struct badge_def *badge_def(enum badge_kind k);
/* The kind whose key is key; -1 for none. */
int badge_kind_parse(const char *key);

/* One badge a member holds (or, for admins, one an admin took back). Strings in the arena. */
struct badge {
        enum badge_kind kind;
        int64_t newsletter_id;        /* 0: the whole site */
        const char *newsletter_slug;  /* "" for the site */
        const char *newsletter_title; /* "" for the site */
        int64_t earned_at;
        int64_t awarded_by;            /* 0: earned by its rule */
        const char *awarded_by_handle; /* "" when earned */
        const char *note;              /* the admin's note, "" when none */
        bool revoked;                  /* taken back by an admin: kept out of sight and of rules */
};

/* Recomputes member_id's rule badges at the current time (see above), in one transaction
 * (db_begin nests, so callers call it inside their own write's transaction with one line).
 * Returns the number of badges newly earned (0 or more), or PUB_DB_ERROR (its own changes are
 * then rolled back; the caller's transaction stays open). */
int badges_refresh(struct db *db, int64_t member_id);
/* After member_id posted comment comment_id (their latest), at now: 1 when the comment could
 * earn them something (the first counted comment of its week, of its newsletter, or a first
 * answer), so that badges_refresh must run; 0 when the refresh would change nothing; or
 * PUB_DB_ERROR. A few index lookups: on SQLite cheap enough to run inside the comment's own
 * transaction, where the pages it reads are warm, leaving only the rare refresh for after the
 * commit; on PostgreSQL it runs after the commit, outside the write lock (comment_create). */
int badges_comment_may_earn(struct db *db, int64_t member_id, int64_t comment_id, int64_t now);
/* badges_refresh at a given time: what the tests and the demo use. */
int badges_refresh_at(struct db *db, int64_t member_id, int64_t now);
/* badges_refresh for every member, oldest first. Returns the number newly earned in all, or
 * PUB_DB_ERROR. */
int badges_refresh_all(struct db *db);
/* badges_refresh for the member that sql names: a SELECT of one member id taking one parameter
 * (?1 = id), such as "SELECT author_id FROM buildon WHERE id = ?1" -- so that a write that knows
 * only an item's id refreshes its author's badges with one line. No row: nothing to do (0). */
int badges_refresh_of(struct db *db, const char *sql, int64_t id);

/* The badges member_id holds, site badges first then by newsletter, each group by kind; with
 * include_revoked, also those an admin took back (flagged). Returns the count or PUB_DB_ERROR. */
int badge_list_member(struct db *db, struct arena *a, int64_t member_id, bool include_revoked,
                      struct badge **out);

/* Someone who holds a badge, for the badges' page. Strings in the arena. */
struct badge_holder {
        const char *handle, *display_name;
        const char *newsletter_title; /* "" for a site badge */
        int64_t earned_at;
};
/* The members who most recently earned or were awarded kind (not revoked, not disabled), newest
 * first, at most limit (read from the badge_by_kind index). Returns the count or
 * PUB_DB_ERROR. */
int badge_recent_holders(struct db *db, struct arena *a, enum badge_kind kind, int limit,
                         struct badge_holder **out);

/* Who may award and remove badges by hand: admins. */
bool badge_can_award(enum role role);

/* What an admin's award or removal carries. newsletter_slug names the newsletter of a
 * per-newsletter kind (NULL or "" for the site's kinds). */
struct badge_input {
        int64_t member_id;
        const char *badge;           /* a key */
        const char *newsletter_slug; /* for per-newsletter kinds */
        const char *note;            /* at most KD_BADGE_NOTE_MAX code points; may be NULL */
        int64_t admin_id;
};

/* Awards a badge by hand (replacing an earned or revoked row of the same badge). Returns
 * PUB_OK, PUB_INVALID (p: "badge", "newsletter" or "note"), PUB_NOT_FOUND (no such member) or
 * PUB_DB_ERROR. The caller checks badge_can_award. */
int badge_award(struct db *db, const struct badge_input *in, struct field_problem *p);
/* Removes a badge by hand: an awarded one goes; an earned one is marked revoked (note kept) so
 * its rule does not give it back. Returns PUB_OK, PUB_INVALID, PUB_NOT_FOUND (the member does
 * not hold it) or PUB_DB_ERROR. */
int badge_remove(struct db *db, const struct badge_input *in, struct field_problem *p);

/* The badges of several members as one page shows them next to names: each member's site
 * badges, and those of newsletter_id (0: none) -- a comment under an episode shows its
 * author's founding reader badge of that newsletter, not of others. */
struct badge_set {
        int64_t newsletter_id;
        int n;
        struct badge_set_entry {
                int64_t member_id;
                enum badge_kind kind;
        } * entries; /* sorted by member_id, then kind */
};
/* Loads the set for member_ids[0..n) (repeats allowed) in as few queries as the ids allow
 * (one per BADGE_SET_CHUNK distinct members). Returns the set in a, never NULL: empty when the
 * database fails (badges are decoration; the page goes on). */
enum { BADGE_SET_CHUNK = 64 };
struct badge_set *badge_set_load(struct db *db, struct arena *a, int64_t newsletter_id,
                                 const int64_t *member_ids, int n);
/* The set for the authors of comments cs[0..n) under an episode of newsletter_id. */
struct comment;
struct badge_set *badge_set_for_comments(struct db *db, struct arena *a, int64_t newsletter_id,
                                         const struct comment *cs, int n);
/* The kinds member_id holds in set, written into kinds (room for BADGE_KINDS). Returns how
 * many. */
int badge_set_kinds(const struct badge_set *set, int64_t member_id, enum badge_kind *kinds);

#endif
