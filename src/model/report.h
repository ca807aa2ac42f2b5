/* Reports: members flag comments for moderators; the moderation queue groups the open reports
 * per comment and resolves them together.
 *
 * A member reports a visible comment of someone else once: reporting it again changes nothing.
 * Moderators and admins review every open report; an author reviews the reports on comments
 * under episodes of newsletters they may write in (newsletter_can_write). Resolving a comment's
 * reports records an outcome and who chose it: "hidden" hides the comment, "kept" dismisses the
 * reports, "suspended" hides the comment and disables its author (moderators and admins only;
 * never an admin, never oneself). Nobody judges reports on their own comment. Reports on a
 * comment its author deleted leave the queue: there is nothing left to judge. */
#ifndef KD_REPORT_H
#define KD_REPORT_H

#include "core/role.h"
#include "model/comment.h"
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

/* Records reporter_id's report of comment_id with a reason name and an optional note (up to
 * KD_REPORT_NOTE_MAX code points; NULL or "" for none). The caller checks that the reporter may
 * see the comment's episode. Sets *created to false when this member had already reported the
 * comment (then nothing changes, not even the reason or note). Returns PUB_OK, PUB_INVALID (p
 * names "reason" or "note"), PUB_NOT_FOUND (no such comment, or it is deleted or hidden),
 * PUB_FORBIDDEN (the reporter wrote it) or PUB_DB_ERROR. */
int report_create(struct db *db, int64_t comment_id, int64_t reporter_id, const char *reason,
                  const char *note, bool *created, struct field_problem *p);

struct item;

/* Whether member_id may report the item: it is visible and someone else's. */
bool report_can_file(const struct item *it, int64_t member_id);

/* Whether a reviewer with role may suspend an item's author, and sees who reported what:
 * moderators and admins (an author reviewing their newsletters sees neither). */
bool report_can_suspend(enum role role);

/* True when member (id, role) has a moderation queue: moderators, admins, and authors who own or
 * co-write at least one newsletter. */
bool report_can_review(struct db *db, int64_t member_id, enum role role);

/* Number of comments in member (id, role)'s open queue (0 for those who review
 * none), or a negative enum pub_result. Cheap enough for a menu badge. */
int64_t report_open_count(struct db *db, int64_t member_id, enum role role);

/* One report of a reported comment, as the queue shows it. */
struct report_entry {
        int64_t id;
        enum report_reason reason;
        const char *note;                            /* "" when none */
        const char *reporter_handle, *reporter_name; /* for moderators and admins only */
        int64_t created_at;
};

/* A reported comment with its reports (open ones in the queue; one resolution in the history). */
struct report_item {
        int64_t comment_id;
        enum comment_state state;
        const char *body_html; /* the comment as rendered when written ("" when deleted) */
        int64_t comment_created_at;
        int64_t author_id;
        const char *author_handle, *author_name;
        enum role author_role;
        bool author_disabled;
        const char *newsletter_slug, *episode_slug, *episode_title;
        int reports;                   /* how many members reported it */
        int by_reason[REPORT_REASONS]; /* of those, how many gave each reason */
        struct report_entry *entries;  /* open queue only: each report, oldest first */
        int64_t first_reported_at;
        /* history only: */
        enum report_outcome outcome;
        int64_t resolved_at;
        const char *resolver_handle, *resolver_name;
};

/* The open queue for member (id, role): up to `limit` reported comments they review, the one
 * waiting longest first, each with its open reports. Their own comments are left out (someone
 * else judges those). Reporters are named only for moderators and admins
 * (entries' reporter_handle and reporter_name are "" for authors), so a reader's report does not
 * become a quarrel with the author they reported. Arena array in a; returns the count (0 for a
 * member who reviews nothing) or a negative enum pub_result. */
int report_list_open(struct db *db, struct arena *a, int64_t member_id, enum role role, int limit,
                     struct report_item **out);

/* The last `limit` resolutions member (id, role) may see, newest first: one item per comment and
 * decision, with how many reports it closed, the outcome, and who decided when. Arena array in a;
 * returns the count or a negative enum pub_result. */
int report_list_resolved(struct db *db, struct arena *a, int64_t member_id, enum role role,
                         int limit, struct report_item **out);

/* Resolves every open report of comment_id on behalf of member (id, role) with outcome, in one
 * transaction: OUTCOME_HIDDEN hides the comment, OUTCOME_KEPT leaves it as it is, and
 * OUTCOME_SUSPENDED hides it and disables its author (signing them out everywhere). Returns
 * PUB_OK, PUB_NOT_FOUND (no such comment, or no open report of it: someone resolved them
 * first), PUB_FORBIDDEN (*why says why, as a msgid: the member may not moderate this comment, it
 * is their own, or they may not suspend its author) or PUB_DB_ERROR. */
int report_resolve(struct db *db, int64_t comment_id, enum report_outcome outcome,
                   int64_t member_id, enum role role, const char **why);

#endif
