/* Email subscriptions to newsletters (docs/mail.md, "Subscriptions").
 *
 * A member's subscription is active at once: the address is the account's, read from member
 * when mail is sent, so an email change needs nothing here. A guest's starts 'pending' and
 * becomes active through a mailed single-use link (model/mail_token.h, purpose "subscribe",
 * payload the subscription's id): double opt-in, so nobody subscribes someone else's address.
 * Unsubscribing keeps the row ('unsubscribed'): the one-click link (model/mail_link.h, purpose
 * "unsubscribe", the subscription's id) stays valid, and its page can subscribe again.
 *
 * These functions only touch the database; the mail they cause is written in
 * web/subscription_mail.h, in the same transaction. */
#ifndef KD_SUBSCRIPTION_H
#define KD_SUBSCRIPTION_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum subscription_result {
        SUB_OK = 0,
        SUB_NOT_FOUND = -1,
        SUB_INVALID = -2, /* not an address */
        SUB_DB_ERROR = -3,
};

enum subscription_state { SUB_PENDING, SUB_ACTIVE, SUB_UNSUBSCRIBED };

struct subscription {
        int64_t id, newsletter_id;
        int64_t member_id;    /* 0: a guest */
        const char *email;    /* the address mail goes to: a member's current one */
        const char *language; /* a guest's at subscribing, a member's interface one; or NULL */
        enum subscription_state state;
        const char *newsletter_slug, *newsletter_title;
        int64_t created_at, confirmed_at, unsubscribed_at; /* 0: not yet */
};

const char *subscription_state_name(enum subscription_state s); /* "pending", ... */

/* Turns member_id's subscription to newsletter_id on (active) or off (unsubscribed). *changed
 * (may be NULL) says whether it changed. */
int subscription_member_set(struct db *db, int64_t member_id, int64_t newsletter_id, bool on,
                            int64_t now, bool *changed);
/* True when member_id gets newsletter_id's episodes by email. */
bool subscription_member_active(struct db *db, int64_t member_id, int64_t newsletter_id);

/* A guest's subscription for email to newsletter_id: made pending when new, its language
 * updated; the state of one already there is kept (an active one stays active, an unsubscribed
 * one stays so until the new link is used). *id and *state tell the caller which mail to send.
 * Call inside the transaction that queues the confirmation mail. */
int subscription_guest_begin(struct db *db, int64_t newsletter_id, const char *email,
                             const char *language, int64_t now, int64_t *id,
                             enum subscription_state *state);

/* Makes subscription id active (a confirmed link, or "subscribe again" from the unsubscribe
 * page), or unsubscribed. */
int subscription_activate(struct db *db, int64_t id, int64_t now);
int subscription_unsubscribe(struct db *db, int64_t id, int64_t now);

/* Reads subscription id (with its newsletter, and a member's current address and language). */
int subscription_get(struct db *db, struct arena *a, int64_t id, struct subscription *out);

/* One newsletter on a member's settings page: those they follow and those they get by email. */
struct subscription_choice {
        int64_t newsletter_id;
        const char *slug, *title;
        bool following, by_email;
};
/* The member's newsletters (followed or subscribed), by title, at most max. Returns how many,
 * or -1. */
int subscription_member_choices(struct db *db, struct arena *a, int64_t member_id, int max,
                                struct subscription_choice **out);

/* Everything exported for a site (export_json.c), by id. */
int subscription_each(struct db *db, void (*each)(const struct subscription *s, void *ctx),
                      void *ctx);

/* The fan-out of a live episode to its newsletter's subscribers (web/subscription_mail.h does
 * the mailing). Records that episode_id is mailed (table episode_mailing) and queues the one job
 * of kind "episode_mail" that does it, once per episode ever: a second call (the episode goes
 * live again, another node) finds the row and does nothing. Call inside the transaction that
 * makes the episode live (notify_episode_live does). */
int episode_mailing_begin(struct db *db, int64_t episode_id, int64_t now);

#endif
