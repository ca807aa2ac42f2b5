/* In-app notifications: replies to your comment, mentions (@handle), reactions to your comments
 * (grouped while unread), and new episodes in newsletters you follow. Nobody is told about their
 * own actions. */
#ifndef KD_NOTIFICATION_H
#define KD_NOTIFICATION_H

#include "model/problem.h"
#include "model/reaction.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum notification_kind { NOTE_REPLY, NOTE_MENTION, NOTE_REACTION, NOTE_EPISODE };

struct notification {
        int64_t id;
        enum notification_kind kind;
        const char *actor_handle, *actor_name; /* "" when the actor is gone */
        int64_t episode_id;
        const char *newsletter_slug, *episode_slug, *episode_title;
        int64_t comment_id; /* 0 when none */
        int count;          /* reactions grouped into this one */
        int64_t created_at;
        bool read;
};

/* After comment_id was created: tells the parent comment's author (a reply) and every member
 * @mentioned in it (once each, never the writer). Returns PUB_OK or PUB_DB_ERROR. */
int notify_comment(struct db *db, int64_t comment_id);

/* After actor_id reacted to an item of any kind (target, target_id): tells its author, grouping
 * with their unread reaction notification for that item (a comment's names it by comment_id,
 * any other kind's by target and target_id). Episodes' reactions notify nobody. */
int notify_reaction(struct db *db, int64_t actor_id, const char *target, int64_t target_id);

/* After episode_id became visible to readers: tells its newsletter's followers (once, however
 * often this is called). */
int notify_episode_live(struct db *db, int64_t episode_id);

/* Tells member_id about a member-written item (model/item.h): kind is one of the kinds of
 * migration 007 ("buildon", "answer", "space_reply", "space_mention", "ask", "term", ...), about
 * (target, target_id), with episode_id as its context (0 for none). Nobody is told of their own
 * action: member_id == actor_id (or 0) does nothing. Runs inside the caller's transaction. */
int notify_item(struct db *db, int64_t member_id, const char *kind, int64_t actor_id,
                const char *target, int64_t target_id, int64_t episode_id);

/* Tells every member @mentioned in body (Markdown) about (target, target_id) with kind: once
 * each, never the actor nor `already` (0: nobody; pass whoever notify_item already told), and
 * only members the target's kind says may see it (item_kind viewable). */
int notify_item_mentions(struct db *db, const char *body, const char *kind, int64_t actor_id,
                         const char *target, int64_t target_id, int64_t episode_id,
                         int64_t already);

/* Unread notifications of member_id, or a negative enum pub_result. */
int64_t notification_unread_count(struct db *db, int64_t member_id);

/* The newest notifications of member_id. Returns the count or a negative enum pub_result. */
int notification_list(struct db *db, struct arena *a, int64_t member_id, int limit,
                      struct notification **out);

/* Marks one notification (id > 0) or all of them (id == 0) of member_id read. Returns PUB_OK,
 * PUB_NOT_FOUND (not theirs) or PUB_DB_ERROR. */
int notification_mark_read(struct db *db, int64_t member_id, int64_t id);

#endif
