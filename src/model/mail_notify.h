/* Notification mail by the member's choice (docs/mail.md, "Notification mail"): the choice and
 * its schedule, and what the two passes read and write. web/notify_mail.c writes the mails.
 *
 * A member chooses none, immediate, daily or weekly (migration 015_mail_notify). Mailed are the
 * notifications of MAIL_NOTIFY_KINDS that are still unread: replies, mentions in comments and in
 * spaces, answers to an episode's questions and new episodes of followed newsletters; never
 * reactions, badges, build-ons or decisions on asks and terms (they stay in-app).
 *
 * What was mailed is a per-member watermark (member.notify_mailed_id): both passes mail only
 * notifications above it and move it in the transaction that queues the mail, by a conditional
 * write on the value they read, so two runs (two nodes, a node and the CLI) never mail one
 * notification twice: one write wins, the other queues nothing. */
#ifndef KD_MAIL_NOTIFY_H
#define KD_MAIL_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum mail_notify_choice {
        MAIL_NOTIFY_NONE,
        MAIL_NOTIFY_IMMEDIATE,
        MAIL_NOTIFY_DAILY,
        MAIL_NOTIFY_WEEKLY,
};

/* The kinds mailed, as an SQL list for "kind IN (...)". */
#define MAIL_NOTIFY_KINDS "'reply', 'mention', 'answer', 'space_reply', 'space_mention', 'episode'"

/* "none", "immediate", "daily", "weekly". */
const char *mail_notify_choice_name(enum mail_notify_choice c);
/* The choice a name says, or -1 for anything else. */
int mail_notify_choice_parse(const char *name);

/* When a digest of choice chosen at now is next due: daily, the next KD_NOTIFY_DIGEST_HOUR_UTC
 * o'clock UTC after now; weekly, that hour on the next Monday (UTC: members have no time zone
 * yet). 0 for none and immediate. */
int64_t mail_notify_next_due(enum mail_notify_choice c, int64_t now);

struct mail_notify_pref {
        enum mail_notify_choice choice;
        int64_t digest_due; /* 0 when none is scheduled */
};

/* member_id's choice. Returns 0, or -1 (no such member, database error). */
int mail_notify_get(struct db *db, int64_t member_id, struct mail_notify_pref *out);
/* Saves member_id's choice at now: a digest is scheduled at its next slot (mail_notify_next_due),
 * immediate and none have none. Turning mail on after none starts from now: the watermark moves
 * to the member's newest notification, so no backlog arrives. Returns 0, or -1. */
int mail_notify_set(struct db *db, int64_t member_id, enum mail_notify_choice c, int64_t now);

/* One notification as a mail tells it. Strings in the arena. */
struct mail_notify_item {
        int64_t id;
        const char *kind;       /* as stored: "reply", "mention", ... */
        const char *actor_name; /* "" when the actor is gone */
        const char *where;      /* an episode's or thread's title */
        const char *path;       /* the local address: "/n/nl/ep#c-7", an item's url */
        const char *excerpt;    /* plain text of what was written ("" for none) */
        int64_t created_at;
};

/* A member to mail and what to tell them. */
struct mail_notify_recipient {
        int64_t member_id;
        const char *handle, *display_name, *email, *language; /* language NULL: site default */
        enum mail_notify_choice choice;
        int64_t mailed_id;  /* the watermark as read: the conditional write's expectation */
        int64_t digest_due; /* as read (digests) */
        int64_t upto;       /* the newest notification id this mail covers */
        struct mail_notify_item *items; /* newest first, at most KD_NOTIFY_MAIL_ITEMS */
        int nitems;
        int more; /* unread ones covered but not listed ("and K more") */
};

/* Loads what to tell r (member fields filled) of its unread mailed notifications with an id in
 * (r->mailed_id, upto] created in [since, until]: the newest KD_NOTIFY_MAIL_ITEMS that can still
 * be shown (hidden, deleted or gone items are passed over), the count of the rest, and r->upto
 * (the newest id seen, to move the watermark to; r->mailed_id when none). Returns 0 or -1. */
int mail_notify_load(struct db *db, struct arena *a, struct mail_notify_recipient *r, int64_t upto,
                     int64_t since, int64_t until);

/* ---- the immediate pass */

/* Reads the next notifications after the pass's cursor (at most limit, by id) up to the first
 * younger than until, and returns in *out the members with choice immediate (not disabled) who
 * have an unread one above their watermark among them, with upto set to their newest. *cursor_old
 * gets the cursor read, *cursor_new how far the batch went. Returns the number of members (0 when
 * nothing is due) or -1. */
int mail_notify_immediate_batch(struct db *db, struct arena *a, int64_t until, int limit,
                                struct mail_notify_recipient **out, int64_t *cursor_old,
                                int64_t *cursor_new);
/* Moves the cursor from old to next (conditional: false when another run moved it). */
bool mail_notify_cursor_move(struct db *db, int64_t old, int64_t next);

/* ---- the digest pass */

/* Members whose digest is due at now (notify_digest_due <= now, by the due index), at most
 * limit, oldest due first, with the member fields filled (disabled ones too: their digest is
 * only rescheduled). Returns the count or -1. *disabled flags (parallel array) say which. */
int mail_notify_digest_due(struct db *db, struct arena *a, int64_t now, int limit,
                           struct mail_notify_recipient **out, bool **disabled);

/* ---- after a mail (inside the transaction that queues it) */

/* Moves r's watermark to r->upto and, for a digest, its due time from r->digest_due to
 * next_due (0 keeps it), only if both are still as read. Returns 1 when this run won, 0 when
 * another run moved them first (queue nothing), -1 on a database error. */
int mail_notify_advance(struct db *db, const struct mail_notify_recipient *r, int64_t next_due);

#endif
