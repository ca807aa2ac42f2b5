/* The outbox and the "mail" job kind; see mail_outbox.h. */
#include "model/mail_outbox.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "mail/address.h"
#include "mail/message.h"
#include "mail/smtp.h"
#include "model/job.h"
#include "model/job_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The process's sender and Message-ID host (mail_outbox_setup), then the SMTP settings and
 * the connection of the worker thread (the only thread that sends). */
static struct {
        char from_name[MAIL_NAME_MAX + 1];
        char from_address[MAIL_ADDRESS_MAX + 1];
        char host[256];
        bool sending;
        struct smtp_settings smtp;
        struct smtp_client *client;
        int down_in_a_row; /* SMTP_NO_SERVER answers in a row */
} out;

int mail_outbox_setup(const struct config *c)
{
        mail_url_host(c->base_url, out.host, sizeof(out.host));
        if (c->mail_from) {
                if (mail_mailbox_parse(c->mail_from, out.from_name, sizeof(out.from_name),
                                       out.from_address, sizeof(out.from_address)) != 0) {
                        fprintf(stderr,
                                "kindred: KINDRED_MAIL_FROM is not \"Name <address>\" or an "
                                "address: %s\n",
                                c->mail_from);
                        return -1;
                }
        } else {
                /* mail queued with no sender configured still needs a well-formed one */
                snprintf(out.from_name, sizeof(out.from_name), "%.*s", MAIL_NAME_MAX,
                         c->site_name ? c->site_name : "Kindred");
                char addr[MAIL_ADDRESS_MAX + 16];
                snprintf(addr, sizeof(addr), "noreply@%.240s",
                         strchr(out.host, '.') ? out.host : "localhost.localdomain");
                if (!mail_address_valid(addr))
                        snprintf(addr, sizeof(addr), "noreply@localhost.localdomain");
                snprintf(out.from_address, sizeof(out.from_address), "%.254s", addr);
                if (!mail_header_value_ok(out.from_name))
                        out.from_name[0] = '\0';
        }
        /* Message-IDs live under the site's host; without KINDRED_BASE_URL, the sender's */
        if (!out.host[0])
                snprintf(out.host, sizeof(out.host), "%s", mail_address_domain(out.from_address));
        return 0;
}

/* ---------------------------------------------------------------- queueing */

bool mail_suppressed(struct db *db, const char *addr)
{
        char key[MAIL_ADDRESS_MAX + 1];
        if (!mail_address_key(addr, key, sizeof(key)))
                return false;
        struct db_stmt *st = db_prepare(db, "SELECT 1 FROM mail_suppressed WHERE address = ?1");
        if (!st)
                return false;
        db_bind_text(st, 1, key);
        bool found = db_step(st) == DB_ROW;
        db_finish(st);
        return found;
}

enum mail_queue_result mail_queue(struct db *db, const char *purpose, const struct mail_message *m,
                                  int64_t now, int64_t *id)
{
        struct mail_message msg = *m;
        char message_id[MAIL_MESSAGE_ID_MAX + 1];
        mail_message_id(out.host, now, message_id, sizeof(message_id));
        msg.from_name = out.from_name;
        msg.from_address = out.from_address;
        msg.date = now;
        msg.message_id = message_id;
        struct buf wire = BUF_INIT;
        const char *problem = "";
        if (mail_build(&msg, &wire, &problem) != MAIL_BUILD_OK) {
                log_error("mail: a %s message was not queued: %s was refused", purpose, problem);
                buf_free(&wire);
                return MAIL_REFUSED;
        }
        if (mail_suppressed(db, m->to_address)) {
                buf_free(&wire);
                return MAIL_SUPPRESSED;
        }
        char payload[MAIL_MESSAGE_ID_MAX + 32];
        snprintf(payload, sizeof(payload), "{\"message_id\":\"%s\"}", message_id);
        enum mail_queue_result rc = MAIL_DB_ERROR;
        int64_t job = job_enqueue(db, "mail", payload, now);
        struct db_stmt *st =
            job < 0
                ? NULL
                : db_prepare(db, "INSERT INTO mail_outbox (job_id, purpose, recipient, subject, "
                                 "message_id, message, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
        if (st) {
                db_bind_int(st, 1, job);
                db_bind_text(st, 2, purpose);
                db_bind_text(st, 3, m->to_address);
                db_bind_text(st, 4, m->subject);
                db_bind_text(st, 5, message_id);
                db_bind_textn(st, 6, wire.data, wire.len);
                db_bind_int(st, 7, now);
                if (db_step(st) == DB_ROW) {
                        if (id)
                                *id = db_col_int(st, 0);
                        rc = MAIL_QUEUED;
                }
                db_finish(st);
        }
        if (rc != MAIL_QUEUED)
                log_error("mail: cannot queue a %s message: %s", purpose, db_errmsg(db));
        buf_free(&wire);
        return rc;
}

/* ---------------------------------------------------------------- sending */

/* Records an attempt's outcome on the outbox row: state 'queued' keeps it for another try. */
static bool record(struct db *db, const char *message_id, const char *state, const char *answer,
                   int64_t now)
{
        /* A sent message's bytes are never needed again (nothing resends a sent row): they go
         * with the commit that records the 250. An episode to 100,000 subscribers would
         * otherwise keep 100,000 copies of itself for KD_MAIL_KEEP_DAYS (docs/performance.md,
         * "Mail"); the row stays for admins. A failed one keeps its bytes to be looked at. */
        struct db_stmt *st = db_prepare(
            db, "UPDATE mail_outbox SET state = ?2, attempts = attempts + 1, last_answer = ?3, "
                "finished_at = CASE WHEN ?2 = 'queued' THEN NULL ELSE ?4 END, "
                "message = CASE WHEN ?2 = 'sent' THEN NULL ELSE message END "
                "WHERE message_id = ?1 AND state = 'queued'");
        if (!st)
                return false;
        db_bind_text(st, 1, message_id);
        db_bind_text(st, 2, state);
        db_bind_text(st, 3, answer);
        db_bind_int(st, 4, now);
        bool ok = db_step(st) == DB_DONE;
        db_finish(st);
        if (!ok)
                log_error("mail: cannot record that <%s> is %s: %s", message_id, state,
                          db_errmsg(db));
        return ok;
}

static void suppress(struct db *db, const char *addr, const char *answer, int64_t now)
{
        char key[MAIL_ADDRESS_MAX + 1];
        if (!mail_address_key(addr, key, sizeof(key)))
                return;
        struct db_stmt *st = db_prepare(db, "INSERT INTO mail_suppressed (address, reason, "
                                            "created_at) VALUES (?1, ?2, ?3) "
                                            "ON CONFLICT (address) DO NOTHING");
        if (!st)
                return;
        db_bind_text(st, 1, key);
        db_bind_text(st, 2, answer);
        db_bind_int(st, 3, now);
        if (db_step(st) != DB_DONE)
                log_error("mail: cannot mark %s as refusing mail: %s", addr, db_errmsg(db));
        db_finish(st);
}

/* The job's payload is {"message_id":"..."}; a Message-ID holds no quote (message.c). */
static bool payload_message_id(const char *payload, char *id, size_t size)
{
        const char *p = strstr(payload, "\"message_id\":\"");
        if (!p)
                return false;
        p += strlen("\"message_id\":\"");
        size_t n = strcspn(p, "\"");
        if (p[n] != '"' || n == 0 || n >= size)
                return false;
        memcpy(id, p, n);
        id[n] = '\0';
        return true;
}

static enum job_outcome send_one(struct db *db, const struct job *job, char *error, size_t size)
{
        char message_id[MAIL_MESSAGE_ID_MAX + 1];
        if (!payload_message_id(job->payload, message_id, sizeof(message_id))) {
                snprintf(error, size, "a mail job without a Message-ID: %s", job->payload);
                return JOB_OUTCOME_FAILED;
        }
        struct db_stmt *st = db_prepare(db, "SELECT recipient, message, state FROM mail_outbox "
                                            "WHERE message_id = ?1");
        if (!st) {
                snprintf(error, size, "the outbox cannot be read: %s", db_errmsg(db));
                return JOB_OUTCOME_RETRY;
        }
        db_bind_text(st, 1, message_id);
        int rc = db_step(st);
        if (rc != DB_ROW) {
                db_finish(st);
                if (rc == DB_DONE) /* its row was deleted (an admin, or the purge): nothing to do */
                        return JOB_OUTCOME_DONE;
                snprintf(error, size, "the outbox cannot be read: %s", db_errmsg(db));
                return JOB_OUTCOME_RETRY;
        }
        char *recipient = strdup(db_col_text(st, 0));
        size_t len = db_col_bytes(st, 1);
        char *message = db_col_is_null(st, 1) ? NULL : strndup(db_col_text(st, 1), len);
        bool queued = strcmp(db_col_text(st, 2), "queued") == 0;
        db_finish(st);

        enum job_outcome outcome = JOB_OUTCOME_DONE;
        int64_t now = time_now();
        char answer[JOB_ERROR_MAX + 1] = "";
        if (!recipient || (queued && !message)) {
                snprintf(error, size, "out of memory");
                outcome = JOB_OUTCOME_RETRY;
        } else if (!queued) {
                /* sent or failed already: this job's last run ended before its outcome was
                 * written (a node stopped), the row's own state is what counts */
        } else if (mail_suppressed(db, recipient)) {
                snprintf(answer, sizeof(answer), "not sent: %s refused mail for good before",
                         recipient);
                record(db, message_id, "failed", answer, now);
                outcome = JOB_OUTCOME_FAILED;
        } else {
                if (!out.client)
                        out.client = smtp_client_new(&out.smtp);
                enum smtp_result r = smtp_send(out.client, out.from_address, recipient, message,
                                               len, answer, sizeof(answer));
                /* A server that is down is probed by one message at a time, with a doubling
                 * pause between (KD_MAIL_PAUSE_*): the rest of the queue keeps its attempts, and
                 * the worker its time for other kinds of job. */
                if (r == SMTP_NO_SERVER) {
                        int pause = KD_MAIL_PAUSE_FIRST_S;
                        for (int i = 0; i < out.down_in_a_row && pause < KD_MAIL_PAUSE_MAX_S; i++)
                                pause *= 2;
                        out.down_in_a_row++;
                        job_worker_pause_kind(pause < KD_MAIL_PAUSE_MAX_S ? pause
                                                                          : KD_MAIL_PAUSE_MAX_S);
                } else {
                        out.down_in_a_row = 0;
                }
                now = time_now();
                /* This commit right after the server's 250 is the whole window in which a
                 * stopped node leaves a message that another try sends again. */
                if (r == SMTP_SENT) {
                        record(db, message_id, "sent", answer, now);
                } else if ((r == SMTP_TEMPORARY || r == SMTP_NO_SERVER) &&
                           job->attempts < KD_MAIL_MAX_ATTEMPTS) {
                        record(db, message_id, "queued", answer, now);
                        outcome = JOB_OUTCOME_RETRY;
                } else {
                        record(db, message_id, "failed", answer, now);
                        if (r == SMTP_REFUSED_RECIPIENT)
                                suppress(db, recipient, answer, now);
                        outcome = JOB_OUTCOME_FAILED;
                }
        }
        if (outcome != JOB_OUTCOME_DONE && !*error)
                snprintf(error, size, "%s", answer);
        free(recipient);
        free(message);
        return outcome;
}

/* Filled in by mail_outbox_start_sending: the claim outlasts the longest conversation
 * smtp_send allows (4 x the timeout), so a live node's claim never runs out mid-message. */
static struct job_kind mail_kind = {"mail", 0, KD_MAIL_MAX_ATTEMPTS, send_one};

void mail_outbox_start_sending(const struct config *c)
{
        if (!c->smtp_url) {
                log_warn("mail: KINDRED_SMTP_URL is not set: mail is queued and not sent "
                         "(docs/mail.md)");
                return;
        }
        out.smtp.url = c->smtp_url;
        out.smtp.user = c->smtp_user;
        out.smtp.password = c->smtp_password;
        out.smtp.timeout_s = c->smtp_timeout;
        out.smtp.ca_file = c->smtp_ca_file;
        if (c->smtp_starttls)
                out.smtp.starttls = strcmp(c->smtp_starttls, "off") == 0 ? SMTP_STARTTLS_OFF
                                    : strcmp(c->smtp_starttls, "optional") == 0
                                        ? SMTP_STARTTLS_OPTIONAL
                                        : SMTP_STARTTLS_REQUIRED;
        else
                out.smtp.starttls = config_smtp_is_loopback(c->smtp_url) ? SMTP_STARTTLS_OPTIONAL
                                                                         : SMTP_STARTTLS_REQUIRED;
        mail_kind.claim_s = (int)(4 * c->smtp_timeout + 60);
        if (job_worker_register(&mail_kind) != 0) {
                log_error("mail: cannot register the mail job kind");
                return;
        }
        out.sending = true;
        log_info("mail: sending through %s as %s", c->smtp_url, out.from_address);
}

void mail_outbox_interrupt(void)
{
        smtp_interrupt();
}

void mail_outbox_stop_sending(void)
{
        smtp_client_free(out.client);
        out.client = NULL;
        out.sending = false;
        out.down_in_a_row = 0;
}

bool mail_outbox_sending(void)
{
        return out.sending;
}

/* ---------------------------------------------------------------- for admins */

int mail_outbox_each(struct db *db, const char *state, int limit,
                     void (*each)(const struct mail_row *row, void *ctx), void *ctx)
{
        struct db_stmt *st =
            db_prepare(db, "SELECT o.id, o.purpose, o.recipient, o.subject, o.message_id, o.state, "
                           "o.last_answer, o.attempts, o.created_at, o.finished_at, j.run_at "
                           "FROM mail_outbox o LEFT JOIN job j ON j.id = o.job_id "
                           "WHERE ?1 IS NULL OR o.state = ?1 ORDER BY o.id DESC LIMIT ?2");
        if (!st)
                return -1;
        if (state)
                db_bind_text(st, 1, state);
        else
                db_bind_null(st, 1);
        db_bind_int(st, 2, limit);
        int n = 0, rc;
        while ((rc = db_step(st)) == DB_ROW) {
                struct mail_row r = {
                    .id = db_col_int(st, 0),
                    .purpose = db_col_text(st, 1),
                    .recipient = db_col_text(st, 2),
                    .subject = db_col_text(st, 3),
                    .message_id = db_col_text(st, 4),
                    .state = db_col_text(st, 5),
                    .last_answer = db_col_is_null(st, 6) ? "" : db_col_text(st, 6),
                    .attempts = (int)db_col_int(st, 7),
                    .created_at = db_col_int(st, 8),
                    .finished_at = db_col_is_null(st, 9) ? 0 : db_col_int(st, 9),
                    .next_try = db_col_is_null(st, 10) ? 0 : db_col_int(st, 10),
                };
                if (strcmp(r.state, "queued") != 0)
                        r.next_try = 0;
                each(&r, ctx);
                n++;
        }
        db_finish(st);
        return rc == DB_DONE ? n : -1;
}

int mail_outbox_counts(struct db *db, int64_t *queued, int64_t *sent, int64_t *failed)
{
        *queued = *sent = *failed = 0;
        struct db_stmt *st =
            db_prepare(db, "SELECT state, count(*) FROM mail_outbox GROUP BY state");
        if (!st)
                return -1;
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
                const char *s = db_col_text(st, 0);
                int64_t n = db_col_int(st, 1);
                if (strcmp(s, "queued") == 0)
                        *queued = n;
                else if (strcmp(s, "sent") == 0)
                        *sent = n;
                else
                        *failed = n;
        }
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

int64_t mail_outbox_oldest_queued(struct db *db)
{
        /* the oldest is the lowest id: one step along the (state, id) index */
        struct db_stmt *st = db_prepare(db, "SELECT created_at FROM mail_outbox WHERE state = "
                                            "'queued' ORDER BY id LIMIT 1");
        if (!st)
                return 0;
        int64_t at = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
        db_finish(st);
        return at;
}

long mail_outbox_retry_now(struct db *db, int64_t now)
{
        /* a claimed job is at the server right now: its claim decides, not this */
        struct db_stmt *st = db_prepare(db, "UPDATE job SET run_at = ?1 WHERE kind = 'mail' AND "
                                            "state = 'queued' AND run_at > ?1 AND "
                                            "claimed_until <= ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, now);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? (long)db_changes(db) : -1;
}

long mail_outbox_purge(struct db *db, int64_t older_than)
{
        struct db_stmt *st =
            db_prepare(db, "DELETE FROM mail_outbox WHERE state <> 'queued' AND finished_at < ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, older_than);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? (long)db_changes(db) : -1;
}
