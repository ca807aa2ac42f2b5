/* The mail of email subscriptions; see subscription_mail.h. */
#include "web/subscription_mail.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/html.h"
#include "mail/address.h"
#include "model/episode.h"
#include "model/job.h"
#include "model/job_worker.h"
#include "model/mail_link.h"
#include "model/mail_token.h"
#include "model/newsletter.h"
#include "model/subscription.h"
#include "web/cards.h"
#include "web/mail_compose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- a guest's confirmation */

/* Writes and queues the confirmation mail with its link. */
static enum mail_queue_result mail_confirmation(struct db *db, const struct config *config,
                                                struct arena *a, const struct newsletter *n,
                                                const char *email, const char *language,
                                                const char *token, int64_t now)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, language, now);
        struct render *r = &c.r;
        mail_compose_heading(&c, _("Confirm your subscription"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             /* TRANSLATORS: %s is a newsletter's title */
                             _("Someone, hopefully you, asked to get new episodes of “%s” by "
                               "email at this address."),
                             n->title));
        mail_compose_button(
            &c, _("Confirm subscription"),
            mail_compose_url(&c, arena_printf(a, "/subscribe/confirm?token=%s", token)));
        mail_compose_paragraph(&c, _("The link works for 48 hours. If you did not ask for this, "
                                     "ignore this mail: nothing more will be sent to you."));
        struct mail_compose_send send = {
            .purpose = "subscribe",
            .to_address = email,
            /* TRANSLATORS: a mail's subject; %s is a newsletter's title */
            .subject = arena_printf(a, _("Confirm your subscription to %s"), n->title),
            .why = _("You got this mail because this address was entered to subscribe to a "
                     "newsletter."),
        };
        enum mail_queue_result rc = mail_compose_queue(&c, db, &send, NULL);
        mail_compose_end(&c);
        return rc;
}

int subscription_guest_subscribe(struct db *db, const struct config *config, int64_t newsletter_id,
                                 const char *email, const char *language, int64_t now, bool *mailed)
{
        char key[MAIL_ADDRESS_MAX + 1];
        if (mailed)
                *mailed = false;
        if (!email || strlen(email) > KD_EMAIL_MAX_BYTES || !mail_address_valid(email) ||
            !mail_address_key(email, key, sizeof(key)))
                return SUB_INVALID;
        struct arena *a = arena_new();
        struct newsletter n;
        int rc = newsletter_get(db, a, newsletter_id, &n) == 0 ? SUB_OK : SUB_NOT_FOUND;
        if (rc != SUB_OK || db_begin(db) != DB_OK) {
                arena_free(a);
                return rc == SUB_OK ? SUB_DB_ERROR : rc;
        }
        int64_t id = 0;
        enum subscription_state state = SUB_PENDING;
        bool sent = false;
        rc = subscription_guest_begin(db, newsletter_id, email, language, now, &id, &state);
        /* An active subscription gets no mail (and the guest the same answer): nobody learns
         * from this form who is subscribed, and nobody can mail a subscriber over and over. */
        long recent = rc == SUB_OK && state != SUB_ACTIVE
                          ? mail_token_count_since(db, "subscribe", key, now - 86400)
                          : 0;
        if (recent < 0)
                rc = SUB_DB_ERROR;
        if (rc == SUB_OK && state != SUB_ACTIVE && recent < KD_SUBSCRIBE_MAILS_PER_ADDRESS) {
                char token[TOKEN_CHARS + 1];
                char payload[24];
                snprintf(payload, sizeof(payload), "%lld", (long long)id);
                if (mail_token_create(db, "subscribe", 0, key, payload, now,
                                      KD_SUBSCRIBE_TOKEN_TTL_S, token) != MAIL_TOKEN_OK) {
                        rc = SUB_DB_ERROR;
                } else {
                        enum mail_queue_result q =
                            mail_confirmation(db, config, a, &n, email, language, token, now);
                        if (q == MAIL_DB_ERROR)
                                rc = SUB_DB_ERROR;
                        sent = q == MAIL_QUEUED;
                }
        }
        if (rc == SUB_OK && db_commit(db) != DB_OK)
                rc = SUB_DB_ERROR;
        if (rc != SUB_OK) {
                db_rollback(db);
                sent = false;
        }
        arena_free(a);
        if (sent)
                job_worker_wake();
        if (mailed)
                *mailed = sent;
        return rc;
}

/* ---------------------------------------------------------------- the fan-out */

static const struct config *fanout_config;

/* html with its site-relative links (href="/…", src="/…") made absolute: a mail has no site to
 * be relative to. md4c writes attributes in double quotes; "//host" links are left alone. */
static const char *absolute_links(struct arena *a, const char *html, const char *base)
{
        struct buf b = BUF_INIT;
        for (const char *p = html; *p;) {
                const char *href = strstr(p, "href=\"/"), *src = strstr(p, "src=\"/");
                const char *at = !href ? src : !src ? href : href < src ? href : src;
                if (!at) {
                        buf_puts(&b, p);
                        break;
                }
                const char *slash = strchr(at, '"') + 1;
                buf_append(&b, p, (size_t)(slash - p));
                if (slash[1] != '/')
                        buf_puts(&b, base);
                p = slash;
        }
        const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return s;
}

/* The episode written once in one language: what every subscriber reading it gets, before the
 * footer (their own unsubscribe link) is added. */
struct edition {
        const char *language; /* as stored (NULL: the site's default) */
        struct mail_compose c;
        const char *why;
};

static bool same_language(const char *x, const char *y)
{
        return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static void write_edition(struct edition *ed, struct arena *a, const struct episode *e,
                          const char *body_html, int64_t now)
{
        struct mail_compose *c = &ed->c;
        mail_compose_begin(c, a, fanout_config, ed->language, now);
        struct render *r = &c->r;
        struct buf path = BUF_INIT;
        episode_path(&path, e);
        const char *url = mail_compose_url(c, path.data);
        buf_free(&path);
        buf_puts(&c->html, "<p style=\"font-family:Helvetica,Arial,sans-serif;font-size:13px;"
                           "color:#59636e;margin:0 0 8px\">");
        html_text(&c->html, e->newsletter_title);
        buf_puts(&c->html, "</p>\n");
        buf_printf(&c->text, "%s\n", e->newsletter_title);
        mail_compose_heading(c, e->title);
        if (*e->subtitle)
                mail_compose_paragraph(c, e->subtitle);
        if (e->cover_url) {
                buf_puts(&c->html, "<p style=\"margin:0 0 16px\"><img src=\"");
                html_attr(&c->html, mail_compose_url(c, e->cover_url));
                buf_puts(&c->html, "\" alt=\"");
                html_attr(&c->html, e->cover_alt ? e->cover_alt : "");
                buf_puts(&c->html, "\" width=\"560\" style=\"max-width:100%;height:auto;"
                                   "border:0\"></p>\n");
        }
        mail_compose_rendered(c, body_html, e->body_text);
        mail_compose_button(c, _("Join the conversation"), arena_printf(a, "%s#comments", url));
        /* TRANSLATORS: the footer of a new episode's mail; %s is the newsletter's title */
        ed->why = arena_printf(a, _("You get this because you subscribed to “%s” by email."),
                               e->newsletter_title);
}

/* Messages waiting in the outbox, counted up to limit + 1 (never a scan of the whole queue). */
static long queued_mail(struct db *db, long limit)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM mail_outbox WHERE "
                                           "state = 'queued' LIMIT ?1) q");
        if (!s)
                return -1;
        db_bind_int(s, 1, limit + 1);
        long n = db_step(s) == DB_ROW ? (long)db_col_int(s, 0) : -1;
        db_finish(s);
        return n;
}

static int next_run(struct db *db, int64_t episode_id, int64_t at)
{
        char payload[48];
        snprintf(payload, sizeof(payload), "{\"episode\":%lld}", (long long)episode_id);
        return job_enqueue(db, "episode_mail", payload, at) < 0 ? -1 : 0;
}

/* One batch, inside the caller's transaction: 1 when a next run is queued, 0 when finished or
 * held by another run, -1 on an error. */
static int run_batch(struct db *db, struct arena *a, int64_t episode_id, int64_t now)
{
        struct db_stmt *s = db_prepare(db, "SELECT cursor, finished_at IS NOT NULL FROM "
                                           "episode_mailing WHERE episode_id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, episode_id);
        int rc = db_step(s);
        int64_t cursor = rc == DB_ROW ? db_col_int(s, 0) : 0;
        bool finished = rc == DB_ROW && db_col_int(s, 1);
        db_finish(s);
        if (rc != DB_ROW)
                return rc == DB_DONE ? 0 : -1; /* the episode was deleted */
        if (finished)
                return 0;
        struct episode e;
        rc = episode_get(db, a, episode_id, &e);
        if (rc != 0 && rc != PUB_NOT_FOUND)
                return -1;
        bool live = rc == 0 && episode_is_live(&e, now);
        long waiting = live ? queued_mail(db, KD_MAIL_QUEUE_MAX) : 0;
        if (waiting < 0)
                return -1;
        if (waiting > KD_MAIL_QUEUE_MAX) {
                /* the outbox is full enough: come back when the sender has caught up */
                return next_run(db, episode_id, now + KD_MAIL_QUEUE_WAIT_S) < 0 ? -1 : 1;
        }

        int64_t last = cursor, queued = 0, skipped = 0;
        int n = 0;
        if (live) {
                unsigned char key[MAIL_LINK_KEY_BYTES];
                if (mail_link_key(db, key) != 0)
                        return -1;
                s = db_prepare(
                    db, "SELECT s.id, coalesce(m.email, s.email), CASE WHEN s.member_id IS NULL "
                        "THEN s.language ELSE m.language END, coalesce(m.display_name, '') FROM "
                        "mail_subscription s LEFT JOIN member m ON m.id = s.member_id WHERE "
                        "s.newsletter_id = ?1 AND s.state = 'active' AND s.id > ?2 AND "
                        "(m.id IS NULL OR m.disabled = 0) ORDER BY s.id LIMIT ?3");
                if (!s)
                        return -1;
                db_bind_int(s, 1, e.newsletter_id);
                db_bind_int(s, 2, cursor);
                db_bind_int(s, 3, KD_EPISODE_MAIL_BATCH);
                /* the rows first, the mail after: one statement open at a time on the
                 * connection (PostgreSQL) */
                struct row {
                        int64_t id;
                        const char *email, *language, *name;
                } *rows = arena_zalloc(a, sizeof(*rows) * KD_EPISODE_MAIL_BATCH);
                while (n < KD_EPISODE_MAIL_BATCH && (rc = db_step(s)) == DB_ROW) {
                        rows[n].id = db_col_int(s, 0);
                        rows[n].email = arena_strdup(a, db_col_text(s, 1));
                        rows[n].language =
                            db_col_is_null(s, 2) ? NULL : arena_strdup(a, db_col_text(s, 2));
                        rows[n].name = arena_strdup(a, db_col_text(s, 3));
                        n++;
                }
                db_finish(s);
                if (n < KD_EPISODE_MAIL_BATCH && rc != DB_DONE)
                        return -1;
                const char *body = n ? absolute_links(a, e.body_html ? e.body_html : "",
                                                      render_base_url(a, fanout_config))
                                     : "";
                enum { EDITIONS_MAX = 16 };
                struct edition eds[EDITIONS_MAX];
                int neds = 0;
                int result = 0;
                for (int i = 0; i < n && result == 0; i++) {
                        last = rows[i].id;
                        struct edition *ed = NULL;
                        for (int k = 0; k < neds && !ed; k++)
                                if (same_language(eds[k].language, rows[i].language))
                                        ed = &eds[k];
                        if (!ed && neds < EDITIONS_MAX) {
                                ed = &eds[neds++];
                                ed->language = rows[i].language;
                                write_edition(ed, a, &e, body, now);
                        }
                        if (!ed)
                                ed = &eds[0]; /* more languages than catalogs: never */
                        char sig[MAIL_LINK_SIG_CHARS + 1];
                        mail_link_sign(key, "unsubscribe", rows[i].id, sig);
                        struct mail_compose_send send = {
                            .purpose = "episode",
                            .to_name = *rows[i].name && mail_header_value_ok(rows[i].name)
                                           ? rows[i].name
                                           : NULL,
                            .to_address = rows[i].email,
                            .subject = e.title,
                            .why = ed->why,
                            .unsubscribe_url =
                                mail_compose_url(&ed->c, arena_printf(a, "/unsubscribe/%lld/%s",
                                                                      (long long)rows[i].id, sig)),
                        };
                        enum mail_queue_result q = mail_compose_queue(&ed->c, db, &send, NULL);
                        if (q == MAIL_QUEUED)
                                queued++;
                        else if (q == MAIL_DB_ERROR)
                                result = -1;
                        else
                                skipped++; /* suppressed, or refused (logged by the outbox) */
                }
                for (int k = 0; k < neds; k++)
                        mail_compose_end(&eds[k].c);
                if (result < 0)
                        return -1;
        }
        bool done = n < KD_EPISODE_MAIL_BATCH;
        s = db_prepare(db, "UPDATE episode_mailing SET cursor = ?3, queued = queued + ?4, "
                           "skipped = skipped + ?5, finished_at = ?6 WHERE episode_id = ?1 AND "
                           "cursor = ?2 AND finished_at IS NULL");
        if (!s)
                return -1;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, cursor);
        db_bind_int(s, 3, last);
        db_bind_int(s, 4, queued);
        db_bind_int(s, 5, skipped);
        if (done)
                db_bind_int(s, 6, now);
        else
                db_bind_null(s, 6);
        rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        if (db_changes(db) == 0)
                return -2; /* another run moved the cursor first: this batch is its */
        if (done)
                return 0;
        /* The worker gives a kind JOB_BATCH jobs in a row: a next run due at once would queue
         * batch after batch before the first message went out. With a batch's worth waiting
         * already, the next one comes a second later, so sending starts at once and queueing
         * keeps a step ahead of it (500 a second at most, then the bound above). */
        int64_t at = waiting + queued > KD_EPISODE_MAIL_BATCH ? now + 1 : now;
        return next_run(db, episode_id, at) < 0 ? -1 : 1;
}

int episode_mail_run(struct db *db, const struct config *config, int64_t episode_id, int64_t now)
{
        if (config)
                fanout_config = config;
        struct arena *a = arena_new();
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return -1;
        }
        int rc = run_batch(db, a, episode_id, now);
        if (rc >= 0 && db_commit(db) != DB_OK)
                rc = -1;
        if (rc < 0)
                db_rollback(db);
        arena_free(a);
        if (rc == -2)
                return 0;
        if (rc >= 0)
                job_worker_wake(); /* the messages just queued, and the next run */
        return rc;
}

static enum job_outcome handle(struct db *db, const struct job *job, char *error, size_t size)
{
        const char *p = strstr(job->payload, "\"episode\":");
        long long id = p ? strtoll(p + strlen("\"episode\":"), NULL, 10) : 0;
        if (id <= 0) {
                snprintf(error, size, "an episode_mail job without an episode: %s", job->payload);
                return JOB_OUTCOME_FAILED;
        }
        if (episode_mail_run(db, NULL, id, time_now()) < 0) {
                snprintf(error, size, "the mailing of episode %lld failed: %s", id, db_errmsg(db));
                return JOB_OUTCOME_RETRY;
        }
        return JOB_OUTCOME_DONE;
}

/* A batch of 500 messages is built and written in well under a minute even on a busy node. */
static const struct job_kind episode_mail_kind = {"episode_mail", 300, 20, handle};

void episode_mail_register(const struct config *config)
{
        fanout_config = config;
        if (job_worker_register(&episode_mail_kind) != 0)
                log_error("mail: cannot register the episode_mail job kind");
}
