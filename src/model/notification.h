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

enum notification_kind {
        NOTE_REPLY,
        NOTE_MENTION,
        NOTE_REACTION,
        NOTE_EPISODE,
        /* the kinds of migration 007, about a member-written item (target, target_id) */
        NOTE_BUILDON,       /* someone built on your episode or build-on */
        NOTE_ANSWER,        /* someone answered a question on your episode */
        NOTE_SPACE_REPLY,   /* someone replied in your thread or to your post */
        NOTE_SPACE_MENTION, /* someone mentioned you in a space */
        NOTE_ASK,           /* your ask was decided: planned, covered or declined */
        NOTE_TERM,          /* your term was approved or declined */
};

struct notification {
        int64_t id;
        enum notification_kind kind;
        const char *actor_handle, *actor_name;                      /* "" when the actor is gone */
        int64_t episode_id;                                         /* 0 for none */
        const char *newsletter_slug, *episode_slug, *episode_title; /* "" without an episode */
        int64_t comment_id;                                         /* 0 when none */
        int count; /* reactions grouped into this one */
        int64_t created_at;
        bool read;
        /* About a member-written item (model/item.h): its kind's name and id (NULL and 0 for
         * the older notifications about comments and episodes), and what its kind says of it. */
        const char *target;
        int64_t target_id;
        const char *url;   /* where the notification leads: the item's address, or the
                              episode's (with #c-ID for a comment) */
        const char *where; /* the item's place (an episode or thread title); the episode's title
                              for the older kinds */
        /* What a sentence names beyond the place: an ask's title, a term, the build-on built
         * on ("" when none), and an ask's or term's status ("planned", "approved" ...). */
        const char *subject, *status;
};

/* After comment_id was created by author under episode with body, in reply to a comment by
 * parent_author (0: a new thread): tells the parent comment's author and every member
 * @mentioned in it (once each, never the writer), in a transaction of its own (a savepoint when
 * called in comment_create's, as it is), and none when there is nobody to tell. The caller
 * names what it just wrote rather than this reading it back: it runs in the writers' turn
 * (docs/performance.md, "Fewer statements a comment"). Returns PUB_OK or PUB_DB_ERROR. */
int notify_comment(struct db *db, int64_t comment_id, int64_t author, int64_t episode,
                   const char *body, int64_t parent_author);

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

/* The newest notifications of member_id (at most limit), with each item-kind notification's
 * address and place from its kind (item_load). A notification whose kind or item this build
 * cannot load (a kind registered in another build, or an item gone) is left out. Returns the
 * count or a negative enum pub_result. */
int notification_list(struct db *db, struct arena *a, int64_t member_id, int limit,
                      struct notification **out);

/* member_id's notification id, loaded as notification_list loads each. Returns PUB_OK,
 * PUB_NOT_FOUND (not theirs, or its item cannot be shown any more) or PUB_DB_ERROR. */
int notification_find(struct db *db, struct arena *a, int64_t member_id, int64_t id,
                      struct notification *out);

/* Marks one notification (id > 0) or all of them (id == 0) of member_id read. Returns PUB_OK,
 * PUB_NOT_FOUND (not theirs) or PUB_DB_ERROR. */
int notification_mark_read(struct db *db, int64_t member_id, int64_t id);

#endif
