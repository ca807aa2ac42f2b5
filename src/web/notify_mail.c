/* Notification mail: the immediate and digest passes, and the mail they write
 * (web/notify_mail.h). */
#include "web/notify_mail.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/html.h"
#include "mail/address.h"
#include "model/job_worker.h"
#include "model/mail_link.h"
#include "model/mail_notify.h"
#include "web/mail_compose.h"

#include <string.h>

/* The sentence that says what happened, in the recipient's language. The msgids are the
 * notifications page's (web/notifications.c): one wording on the site and in mail. */
static const char *sentence(struct render *r, const struct mail_notify_item *it)
{
        const char *who = *it->actor_name ? it->actor_name : _("Someone");
        if (strcmp(it->kind, "reply") == 0)
                return arena_printf(r->arena, _("%s replied to your comment on “%s”"), who,
                                    it->where);
        if (strcmp(it->kind, "mention") == 0)
                return arena_printf(r->arena, _("%s mentioned you on “%s”"), who, it->where);
        if (strcmp(it->kind, "answer") == 0)
                return arena_printf(r->arena, _("%s answered a question on “%s”"), who, it->where);
        if (strcmp(it->kind, "space_reply") == 0)
                return arena_printf(r->arena, _("%s replied in “%s”"), who, it->where);
        if (strcmp(it->kind, "space_mention") == 0)
                return arena_printf(r->arena, _("%s mentioned you in “%s”"), who, it->where);
        return arena_printf(r->arena, _("New episode: “%s”"), it->where);
}

/* A plain link on a line of its own: lighter than a button, for each notification. */
static void link_line(struct mail_compose *c, const char *label, const char *url)
{
        buf_puts(&c->html, "<p style=\"font-family:-apple-system,'Segoe UI',Helvetica,Arial,"
                           "'PingFang SC',sans-serif;font-size:15px;margin:0 0 24px\"><a href=\"");
        html_attr(&c->html, url);
        buf_puts(&c->html, "\" style=\"color:#0b6b53\">");
        html_text(&c->html, label);
        buf_puts(&c->html, "</a></p>\n");
        buf_printf(&c->text, "%s: %s\n\n", label, url);
}

/* The subject: the one notification's sentence, or a count. A sentence that could not be a
 * header (a title with a line break: never stored, but the mail must not depend on it) falls
 * back to the count. */
static const char *subject_of(struct mail_compose *c, const struct mail_notify_recipient *m,
                              bool digest)
{
        struct render *r = &c->r;
        int n = m->nitems + m->more;
        const char *site = r->config && r->config->site_name ? r->config->site_name : "Kindred";
        if (!digest && n == 1) {
                const char *s = sentence(r, &m->items[0]);
                if (mail_header_value_ok(s))
                        return s;
        }
        if (digest && m->choice == MAIL_NOTIFY_DAILY)
                return arena_printf(r->arena,
                                    _n("Your daily digest from %s: %d new notification",
                                       "Your daily digest from %s: %d new notifications",
                                       (unsigned long)n),
                                    site, n);
        if (digest)
                return arena_printf(r->arena,
                                    _n("Your weekly digest from %s: %d new notification",
                                       "Your weekly digest from %s: %d new notifications",
                                       (unsigned long)n),
                                    site, n);
        return arena_printf(
            r->arena,
            _n("%d new notification on %s", "%d new notifications on %s", (unsigned long)n), n,
            site);
}

/* The one-click stop link of member (absolute). */
static const char *stop_url(struct mail_compose *c, const unsigned char key[MAIL_LINK_KEY_BYTES],
                            int64_t member)
{
        char sig[MAIL_LINK_SIG_CHARS + 1];
        mail_link_sign(key, NOTIFY_MAIL_STOP_PURPOSE, member, sig);
        return mail_compose_url(
            c, arena_printf(c->r.arena, "/mail/notify-off/%lld?sig=%s", (long long)member, sig));
}

/* Writes and queues m's mail (inside the caller's transaction). Returns the queue's result. */
static enum mail_queue_result write_mail(struct db *db, struct arena *a,
                                         const struct config *config,
                                         const unsigned char key[MAIL_LINK_KEY_BYTES],
                                         const struct mail_notify_recipient *m, bool digest)
{
        /* The pass may run as at another time (kindred mail digests TIME); the mail itself is
         * dated and due now. */
        struct mail_compose c;
        mail_compose_begin(&c, a, config, m->language, time_now());
        struct render *r = &c.r;
        const char *site = config && config->site_name ? config->site_name : "Kindred";
        if (digest)
                mail_compose_heading(&c, m->choice == MAIL_NOTIFY_DAILY
                                             ? _("What happened for you today")
                                             : _("What happened for you this week"));
        else
                mail_compose_heading(&c, arena_printf(a, _("New for you on %s"), site));
        for (int i = 0; i < m->nitems; i++) {
                const struct mail_notify_item *it = &m->items[i];
                mail_compose_paragraph(&c, sentence(r, it));
                if (*it->excerpt)
                        mail_compose_quote(&c, it->excerpt);
                link_line(&c,
                          strcmp(it->kind, "episode") == 0 ? _("Read the episode")
                                                           : _("Open the conversation"),
                          mail_compose_url(&c, it->path));
        }
        if (m->more > 0)
                mail_compose_paragraph(
                    &c, arena_printf(a,
                                     _n("And %d more notification.", "And %d more notifications.",
                                        (unsigned long)m->more),
                                     m->more));
        mail_compose_button(&c, _("See all your notifications"),
                            mail_compose_url(&c, "/notifications"));
        link_line(&c, _("Choose how often you get these mails"),
                  mail_compose_url(&c, "/settings/notification-mail"));
        const char *why = m->choice == MAIL_NOTIFY_IMMEDIATE
                              ? _("You get this mail because you asked for notification mail as "
                                  "things happen.")
                          : m->choice == MAIL_NOTIFY_DAILY
                              ? _("You get this mail because you asked for a daily digest of "
                                  "your notifications.")
                              : _("You get this mail because you asked for a weekly digest of "
                                  "your notifications.");
        /* A name that cannot be a header is left out rather than the mail refused. */
        struct mail_compose_send send = {
            .purpose = digest ? "digest" : "notify",
            .to_name = mail_header_value_ok(m->display_name) ? m->display_name : NULL,
            .to_address = m->email,
            .subject = subject_of(&c, m, digest),
            .why = why,
            .unsubscribe_url = stop_url(&c, key, m->member_id),
        };
        enum mail_queue_result rc = mail_compose_queue(&c, db, &send, NULL);
        mail_compose_end(&c);
        return rc;
}

/* Queues m's mail and moves its watermark (and due time) in one transaction, the move first:
 * when another run moved it already, nothing is queued. Returns 1 when a mail was queued, 0
 * when not (nothing to say, another run won, the address is suppressed), -1 on an error. */
static int deliver(struct db *db, struct arena *a, const struct config *config,
                   const unsigned char key[MAIL_LINK_KEY_BYTES],
                   const struct mail_notify_recipient *m, bool digest, int64_t next_due)
{
        if (db_begin(db) != DB_OK)
                return -1;
        int won = mail_notify_advance(db, m, next_due);
        int rc = won < 0 ? -1 : 0;
        if (won == 1 && m->nitems > 0) {
                enum mail_queue_result q = write_mail(db, a, config, key, m, digest);
                if (q == MAIL_QUEUED)
                        rc = 1;
                else if (q == MAIL_DB_ERROR)
                        rc = -1;
                else if (q == MAIL_REFUSED) /* an address the outbox refuses: logged there */
                        log_warn("notification mail to member %lld refused",
                                 (long long)m->member_id);
                /* MAIL_SUPPRESSED: the address refused mail for good; nothing more to do */
        }
        if (rc >= 0 && db_commit(db) != DB_OK)
                rc = -1;
        if (rc < 0)
                db_rollback(db);
        return rc;
}

/* Mails are queued a few members to a transaction: one commit (an fsync on SQLite) per mail
 * would make the commit, not the writing, the cost of a run. Each member's own write is a
 * savepoint inside it (deliver), so a member that fails leaves the others' mail. */
struct group {
        struct db *db;
        int open;    /* members in the open transaction, 0 when none is open */
        int pending; /* mails queued in it, counted once it commits */
};

static int group_begin(struct group *g)
{
        if (g->open)
                return 0;
        if (db_begin(g->db) != DB_OK)
                return -1;
        g->open = 1;
        g->pending = 0;
        return 0;
}

/* Commits what is open; returns the mails it made durable, or -1 (all of them undone). */
static int group_commit(struct group *g)
{
        if (!g->open)
                return 0;
        g->open = 0;
        if (db_commit(g->db) != DB_OK) {
                db_rollback(g->db);
                return -1;
        }
        return g->pending;
}

static void group_rollback(struct group *g)
{
        if (g->open)
                db_rollback(g->db);
        g->open = 0;
}

/* Counts a member's outcome d (deliver's) in g; commits every KD_NOTIFY_MAIL_TX_MEMBERS.
 * Returns the mails made durable now (0 when still open), or -1. */
static int group_add(struct group *g, int d)
{
        if (d < 0)
                return -1;
        g->pending += d;
        if (++g->open > KD_NOTIFY_MAIL_TX_MEMBERS)
                return group_commit(g);
        return 0;
}

static bool over_budget(uint64_t started_us)
{
        return time_mono_us() - started_us > (uint64_t)KD_NOTIFY_MAIL_BUDGET_MS * 1000;
}

int notify_mail_immediate(struct db *db, const struct config *config, int64_t now)
{
        unsigned char key[MAIL_LINK_KEY_BYTES];
        if (mail_link_key(db, key) != 0)
                return -1;
        uint64_t started = time_mono_us();
        int queued = 0;
        bool failed = false;
        struct group g = {.db = db};
        while (!failed) {
                struct arena *a = arena_new();
                struct mail_notify_recipient *ms;
                int64_t cur_old, cur_new;
                int n =
                    mail_notify_immediate_batch(db, a, now - KD_NOTIFY_MAIL_GRACE_S,
                                                KD_NOTIFY_IMMEDIATE_BATCH, &ms, &cur_old, &cur_new);
                failed = n < 0;
                for (int i = 0; i < n && !failed; i++) {
                        struct mail_notify_recipient *m = &ms[i];
                        /* Everything old enough, not only this batch's: one mail per member
                         * per run, however many batches their notifications span. */
                        if (group_begin(&g) != 0 ||
                            mail_notify_load(db, a, m, INT64_MAX,
                                             now - KD_NOTIFY_IMMEDIATE_MAX_AGE_S,
                                             now - KD_NOTIFY_MAIL_GRACE_S) != 0) {
                                failed = true;
                                break;
                        }
                        if (m->upto <= m->mailed_id)
                                continue; /* read meanwhile, or too old: nothing to move */
                        int done = group_add(&g, deliver(db, a, config, key, m, false, 0));
                        failed = done < 0;
                        queued += done > 0 ? done : 0;
                }
                /* The cursor moves past the batch even for members another run mailed: their
                 * watermarks keep anything from being mailed twice. In the batch's last
                 * transaction, so a failed run leaves it where its mail stopped. */
                bool moved = false;
                if (!failed && cur_new > cur_old) {
                        failed = group_begin(&g) != 0;
                        moved = !failed && mail_notify_cursor_move(db, cur_old, cur_new);
                }
                int done = failed ? 0 : group_commit(&g);
                failed = failed || done < 0;
                queued += done > 0 ? done : 0;
                arena_free(a);
                if (!moved || over_budget(started))
                        break;
        }
        group_rollback(&g);
        if (queued > 0)
                job_worker_wake();
        if (failed) {
                log_warn("notification mail: the immediate pass failed");
                return queued ? queued : -1;
        }
        return queued;
}

int notify_mail_digests(struct db *db, const struct config *config, int64_t now)
{
        unsigned char key[MAIL_LINK_KEY_BYTES];
        if (mail_link_key(db, key) != 0)
                return -1;
        uint64_t started = time_mono_us();
        int queued = 0;
        bool failed = false;
        struct group g = {.db = db};
        while (!failed) {
                struct arena *a = arena_new();
                struct mail_notify_recipient *ms;
                bool *disabled;
                int n = mail_notify_digest_due(db, a, now, KD_NOTIFY_DIGEST_BATCH, &ms, &disabled);
                failed = n < 0;
                for (int i = 0; i < n && !failed; i++) {
                        struct mail_notify_recipient *m = &ms[i];
                        int64_t next = mail_notify_next_due(m->choice, now);
                        /* Not scheduled yet (a new member, a new site), or disabled: schedule
                         * only. Otherwise what arrived since the last digest, up to the grace. */
                        if (group_begin(&g) != 0 ||
                            (m->digest_due > 0 && !disabled[i] &&
                             mail_notify_load(db, a, m, INT64_MAX, 0,
                                              now - KD_NOTIFY_MAIL_GRACE_S) != 0)) {
                                failed = true;
                                break;
                        }
                        int done = group_add(&g, deliver(db, a, config, key, m, true, next));
                        failed = done < 0;
                        queued += done > 0 ? done : 0;
                }
                int done = failed ? 0 : group_commit(&g);
                failed = failed || done < 0;
                queued += done > 0 ? done : 0;
                arena_free(a);
                /* A batch shorter than asked for was the last one due. */
                if (n < KD_NOTIFY_DIGEST_BATCH || over_budget(started))
                        break;
        }
        group_rollback(&g);
        if (queued > 0)
                job_worker_wake();
        if (failed) {
                log_warn("notification mail: the digest pass failed");
                return queued ? queued : -1;
        }
        return queued;
}
