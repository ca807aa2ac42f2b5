/* The mail of email subscriptions (docs/mail.md, "Subscriptions"): a guest's confirmation link,
 * and each new episode mailed to its newsletter's subscribers by a job of kind "episode_mail".
 *
 * The fan-out: notify_episode_live (model/notification.c) calls episode_mailing_begin in the
 * transaction that makes an episode live, which records the mailing and queues one job. Each run
 * of that job takes the next KD_EPISODE_MAIL_BATCH active subscribers after the mailing's cursor
 * (subscription ids, in order), writes the episode once per language among them, queues one
 * message per subscriber with their own unsubscribe link, moves the cursor and queues the next
 * run, all in one transaction: a node killed mid-batch leaves the batch undone and the cursor
 * where it was, so the next run queues exactly that batch again. While more than
 * KD_MAIL_QUEUE_MAX messages wait in the outbox the run queues nothing and comes back in
 * KD_MAIL_QUEUE_WAIT_S seconds: the outbox (and the database) grow by at most that much. */
#ifndef KD_SUBSCRIPTION_MAIL_H
#define KD_SUBSCRIPTION_MAIL_H

#include <stdbool.h>
#include <stdint.h>

struct config;
struct db;

/* A guest asks for newsletter_id's episodes at email, reading the site in language. In one
 * transaction: the pending subscription and, unless the address is subscribed already or had
 * KD_SUBSCRIBE_MAILS_PER_ADDRESS confirmation mails in the last day, a confirmation link mailed
 * to it. The caller answers the same whatever happened (no telling who is subscribed). Returns
 * SUB_OK, SUB_INVALID (not an address) or SUB_DB_ERROR; *mailed (may be NULL) says whether a
 * mail was queued (tests, logs). Wakes the job worker after the commit. */
int subscription_guest_subscribe(struct db *db, const struct config *config, int64_t newsletter_id,
                                 const char *email, const char *language, int64_t now,
                                 bool *mailed);

/* Registers the "episode_mail" job kind (model/job_worker.h) with the site's configuration
 * (base URL, name) the mail is written with. Call before job_worker_start. */
void episode_mail_register(const struct config *config);

/* One run of the fan-out for episode_id at now, as the job does it: returns 1 when it queued a
 * next run, 0 when the mailing is finished (or another run holds it), -1 on a database error.
 * For tests and the bench. */
int episode_mail_run(struct db *db, const struct config *config, int64_t episode_id, int64_t now);

#endif
