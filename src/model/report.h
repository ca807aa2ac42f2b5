/* Reports: members flag member-written items of any kind (model/item.h: comments, build-ons,
 * space posts, asks ...) for moderators; the moderation queue groups the open reports per item
 * and resolves them together.
 *
 * A member reports a visible item of someone else once: reporting it again changes nothing.
 * Moderators and admins review every open report; an author reviews the reports on items whose
 * newsletter (item.newsletter_id) they may write in (newsletter_can_write). Resolving an item's
 * reports records an outcome and who chose it: "hidden" hides the item (its kind's set_hidden),
 * "kept" dismisses the reports, "suspended" hides the item and disables its author (moderators
 * and admins only; never an admin, never oneself). Nobody judges reports on their own item.
 * Reports on an item its author deleted leave the queue: there is nothing left to judge. */
#ifndef KD_REPORT_H
#define KD_REPORT_H

#include "core/role.h"
#include "model/item.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum report_reason {
        REPORT_SPAM,
        REPORT_HARASSMENT,
        REPORT_OFF_TOPIC,
        REPORT_OTHER,
        REPORT_REASONS
};
enum report_outcome { OUTCOME_HIDDEN, OUTCOME_KEPT, OUTCOME_SUSPENDED };

/* Names as stored and sent by forms ("spam", "harassment", "off-topic", "other"; "hidden",
 * "kept", "suspended"). The parsers return 0, or -1 for an unknown name. */
const char *report_reason_name(enum report_reason r);
int report_reason_parse(const char *name, enum report_reason *out);
const char *report_outcome_name(enum report_outcome o);
int report_outcome_parse(const char *name, enum report_outcome *out);

/* Records reporter_id's report of the item (target, target_id) with a reason name and an
 * optional note (up to KD_REPORT_NOTE_MAX code points; NULL or "" for none). The caller checks
 * that the reporter may see the item. Sets *created to false when this member had already
 * reported it (then nothing changes, not even the reason or note). Returns PUB_OK, PUB_INVALID
 * (p names "reason" or "note"), PUB_NOT_FOUND (no such item or kind, or it is deleted or
 * hidden), PUB_FORBIDDEN (the reporter wrote it) or PUB_DB_ERROR. */
int report_create(struct db *db, const char *target, int64_t target_id, int64_t reporter_id,
                  const char *reason, const char *note, bool *created, struct field_problem *p);

/* Whether member_id may report the item: it is visible and someone else's. */
bool report_can_file(const struct item *it, int64_t member_id);

/* Whether a reviewer with role may suspend an item's author, and sees who reported what:
 * moderators and admins (an author reviewing their newsletters sees neither). */
bool report_can_suspend(enum role role);

/* True when member (id, role) has a moderation queue: moderators, admins, and authors who own or
 * co-write at least one newsletter. */
bool report_can_review(struct db *db, int64_t member_id, enum role role);

/* NULL when member (id, role) may resolve the reports of item it with outcome, else a msgid
 * saying why not: they must be able to moderate it (item_can_moderate), it must not be their
 * own, and only moderators and admins suspend. Suspending an admin is refused when the caller
 * passes author_role ROLE_ADMIN. */
const char *report_resolve_refusal(struct db *db, const struct item *it,
                                   enum report_outcome outcome, enum role author_role,
                                   int64_t member_id, enum role role);

/* Number of items in member (id, role)'s open queue (0 for those who review none), or a
 * negative enum pub_result. Cheap enough for a menu badge. */
int64_t report_open_count(struct db *db, int64_t member_id, enum role role);

/* One report of a reported item, as the queue shows it. */
struct report_entry {
        int64_t id;
        enum report_reason reason;
        const char *note;                            /* "" when none */
        const char *reporter_handle, *reporter_name; /* for moderators and admins only */
        int64_t created_at;
};

/* A reported item with its reports (open ones in the queue; one resolution in the history). */
struct report_item {
        /* The item as its kind loads it (target, id, state, author, newsletter, url, where,
         * body_html, created_at). known is false for a kind this build has no row for: only
         * target and id are set, and the queue names it without showing it. */
        struct item item;
        bool known;
        const char *author_handle, *author_name;
        enum role author_role;
        bool author_disabled;
        int reports;                   /* how many members reported it */
        int by_reason[REPORT_REASONS]; /* of those, how many gave each reason */
        struct report_entry *entries;  /* open queue only: each report, oldest first */
        int64_t first_reported_at;
        /* history only: */
        enum report_outcome outcome;
        int64_t resolved_at;
        const char *resolver_handle, *resolver_name;
};

/* The open queue for member (id, role): up to `limit` reported items they review, the one
 * waiting longest first, each with its open reports. Their own items are left out (someone
 * else judges those). Reporters are named only for moderators and admins (entries'
 * reporter_handle and reporter_name are "" for authors), so a reader's report does not become a
 * quarrel with the author they reported. Arena array in a; returns the count (0 for a member who
 * reviews nothing) or a negative enum pub_result. */
int report_list_open(struct db *db, struct arena *a, int64_t member_id, enum role role, int limit,
                     struct report_item **out);

/* The last `limit` resolutions member (id, role) may see, newest first: one item per item and
 * decision, with how many reports it closed, the outcome, and who decided when. Arena array in
 * a; returns the count or a negative enum pub_result. */
int report_list_resolved(struct db *db, struct arena *a, int64_t member_id, enum role role,
                         int limit, struct report_item **out);

/* Resolves every open report of the item (target, target_id) on behalf of member (id, role)
 * with outcome, in one transaction: OUTCOME_HIDDEN hides the item, OUTCOME_KEPT leaves it as it
 * is, and OUTCOME_SUSPENDED hides it and disables its author (signing them out everywhere).
 * Returns PUB_OK, PUB_NOT_FOUND (no such item, or no open report of it: someone resolved them
 * first), PUB_FORBIDDEN (*why says why, as a msgid: report_resolve_refusal) or PUB_DB_ERROR. */
int report_resolve(struct db *db, const char *target, int64_t target_id,
                   enum report_outcome outcome, int64_t member_id, enum role role,
                   const char **why);

#endif
