/* The outbox: every message the site sends, durable from the transaction that causes it until
 * a server took it (docs/mail.md).
 *
 * mail_queue builds the message (mail/message.h) and stores it in mail_outbox with a job of
 * kind "mail" (model/job.h) in the caller's transaction: a rolled-back change sends nothing,
 * a committed one is sent even if the node stops the next moment. The job worker of whichever
 * node claims the job hands the stored bytes to the SMTP server (mail/smtp.h):
 *   - taken (250): the row becomes 'sent' at once, in its own commit;
 *   - a 4xx, no answer, no connection: the job is retried with a doubling backoff, up to
 *     KD_MAIL_MAX_ATTEMPTS tries, then 'failed';
 *   - a 5xx to RCPT TO: 'failed' and the address goes to mail_suppressed (nothing more is sent
 *     to it); a 5xx to the message itself: 'failed', the address kept.
 * Delivery is at least once: a node killed between the server's 250 and the commit that marks
 * the row sent leaves a message another try sends again, with the same bytes and Message-ID
 * (receivers that deduplicate on it show one). That window is the time of one commit; a
 * finished row is never sent again, whichever node holds its job. */
#ifndef KD_MAIL_OUTBOX_H
#define KD_MAIL_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct db;
struct mail_message;

/* The site's sender (KINDRED_MAIL_FROM, else the site's name at noreply@ the site's host) and
 * the host of its Message-IDs (KINDRED_BASE_URL's). Call once before queueing; returns 0, or -1
 * when KINDRED_MAIL_FROM is not an address (printed). */
int mail_outbox_setup(const struct config *c);

/* With KINDRED_SMTP_URL: registers the "mail" job kind (job_worker.h), so this node's worker
 * sends. Without: logs once that mail is queued and not sent. Call before job_worker_start. */
void mail_outbox_start_sending(const struct config *c);
/* Ends the message at hand at once (it is tried again later): call before job_worker_stop, so
 * stopping does not wait for a stalled server's timeouts. */
void mail_outbox_interrupt(void);
/* Frees what sending kept (the SMTP connection); call after job_worker_stop. The node no
 * longer counts as sending. */
void mail_outbox_stop_sending(void);
/* True when this node sends (KINDRED_SMTP_URL is set). */
bool mail_outbox_sending(void);

enum mail_queue_result {
        MAIL_QUEUED = 0,
        MAIL_REFUSED = -1,    /* the message could not be built (a bad address, CR/LF in a
                                 header): a mistake of the caller, logged */
        MAIL_SUPPRESSED = -2, /* the address refused mail for good before (mail_suppressed) */
        MAIL_DB_ERROR = -3,
};

/* Queues m, sent as soon as a worker is free (job_worker_wake after the commit makes that at
 * once). The sender, the date and the Message-ID are the site's (m's own are ignored). purpose
 * says why ("test"; later "episode", "confirm", "reset"). Call inside the transaction of the
 * change that causes the message. *id (when not NULL) gets the outbox row's id. */
enum mail_queue_result mail_queue(struct db *db, const char *purpose, const struct mail_message *m,
                                  int64_t now, int64_t *id);

/* One row of the outbox, for admins (/admin/mail, kindred mail list). */
struct mail_row {
        int64_t id;
        const char *purpose, *recipient, *subject, *message_id, *state, *last_answer;
        int attempts;
        int64_t created_at, finished_at; /* finished_at 0 while queued */
        int64_t next_try;                /* a queued one's next try (0: unknown) */
};
/* Calls each for the newest rows (state NULL: any state), at most limit, newest first. Returns
 * the rows seen or -1. */
int mail_outbox_each(struct db *db, const char *state, int limit,
                     void (*each)(const struct mail_row *row, void *ctx), void *ctx);
/* Counts of queued, sent and failed messages. Returns 0 or -1. */
int mail_outbox_counts(struct db *db, int64_t *queued, int64_t *sent, int64_t *failed);

/* When the oldest queued message was queued (Unix seconds), 0 when none is queued. */
int64_t mail_outbox_oldest_queued(struct db *db);

/* Makes every queued message due now (after the SMTP server is back): returns how many. */
long mail_outbox_retry_now(struct db *db, int64_t now);
/* Deletes sent and failed messages finished before older_than: returns how many, or -1. */
long mail_outbox_purge(struct db *db, int64_t older_than);
/* True when mail to addr is suppressed (a 5xx to RCPT TO before). */
bool mail_suppressed(struct db *db, const char *addr);

#endif
