/* Notification preferences per kind: which kinds of notification a member wants at all.
 *
 * The kinds are grouped as a member thinks of them (NOTIFY_GROUPS): "replies" covers replies to
 * comments and in spaces, "mentions" mentions in both. A group that is off makes no notification
 * of its kinds for the member (checked where notifications are made, model/notification.c), so
 * it shows neither in the app nor in notification mail, which mails notifications. Turning a
 * group off also marks its unread notifications read; turning it on again starts from now.
 * Stored as rows of notification_mute (migration 019): no row, the kind is on. */
#ifndef KD_NOTIFY_PREF_H
#define KD_NOTIFY_PREF_H

#include <stdbool.h>
#include <stdint.h>

struct db;

enum notify_group {
        NOTIFY_GROUP_REPLIES,   /* reply, space_reply */
        NOTIFY_GROUP_MENTIONS,  /* mention, space_mention */
        NOTIFY_GROUP_REACTIONS, /* reaction */
        NOTIFY_GROUP_EPISODES,  /* episode: new episodes of followed newsletters */
        NOTIFY_GROUP_BUILDONS,  /* buildon */
        NOTIFY_GROUP_ANSWERS,   /* answer: answers to an episode's questions */
        NOTIFY_GROUP_DECISIONS, /* ask, term: decisions on what the member proposed */
        NOTIFY_GROUPS
};

/* The group's name in forms and the API ("replies", "mentions", ...), and back (-1: none). */
const char *notify_group_key(enum notify_group g);
int notify_group_parse(const char *key);
/* The group a stored notification kind belongs to, or -1 for a kind this build does not know. */
int notify_group_of_kind(const char *kind);
/* Whether the group has a kind that notification mail sends (MAIL_NOTIFY_KINDS). */
bool notify_group_mailed(enum notify_group g);

/* Which groups member_id has on (on[g]). Returns 0 or -1 (database error). */
int notify_pref_get(struct db *db, int64_t member_id, bool on[NOTIFY_GROUPS]);

/* Sets every group of member_id as on[] says, at now, in one transaction: a group turned off
 * gets its rows and its unread notifications are marked read. Returns 0 or -1. */
int notify_pref_set(struct db *db, int64_t member_id, const bool on[NOTIFY_GROUPS], int64_t now);
/* The same inside the caller's transaction (the demo's seeding). Returns 0 or -1. */
int notify_pref_apply(struct db *db, int64_t member_id, const bool on[NOTIFY_GROUPS], int64_t now);

/* Whether member_id wants notifications of the stored kind ("reply", "space_mention" ...): one
 * primary-key lookup. A database error answers true, so a failing read never drops a
 * notification silently (the insert that follows reports the error). */
bool notify_pref_wants(struct db *db, int64_t member_id, const char *kind);

/* SQL that is true when the member named by the expression `member` turned off `kind` (an SQL
 * string literal or expression): for set-based inserts such as the episode fan-out. */
#define NOTIFY_MUTED_SQL(member, kind)                                                             \
        "EXISTS (SELECT 1 FROM notification_mute nm WHERE nm.member_id = " member                  \
        " AND nm.kind = " kind ")"

#endif
