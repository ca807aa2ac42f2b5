/* Notification mail (model/mail_notify.h, web/notify_mail.h): the immediate and digest passes on
 * SQLite and, under tests/pg/run, on PostgreSQL — grouping per member, the grace period, read
 * notifications and other kinds left out, due times, nothing to say → no mail, bounded batches,
 * two runs at once sending nothing twice, the member's language, disabled members, suppressed
 * addresses and names that could inject a header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "model/job_worker.h"
#include "model/mail_notify.h"
#include "model/mail_outbox.h"
#include "model/member.h"
#include "web/notify_mail.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpdb.h"

/* The tests' clock: notifications are written relative to it, and the passes run at it. */
static int64_t NOW;

static struct config config;

struct fixture {
        struct tmpdb t;
        int64_t ann, bob, cat, dan, author;
        int64_t episode, comment;
};

static void sql(struct db *db, const char *q)
{
        assert_int_equal(db_exec_script(db, q), DB_OK);
}

static long long one_int(struct db *db, const char *q)
{
        struct db_stmt *s = db_prepare(db, q);
        assert_non_null(s);
        long long v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return v;
}

/* sql (a literal: db_prepare caches statements by it) with ?1 bound to id. */
static long long int_for(struct db *db, const char *q, int64_t id)
{
        struct db_stmt *s = db_prepare(db, q);
        assert_non_null(s);
        db_bind_int(s, 1, id);
        long long v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return v;
}

/* The first column of the first row of a literal q with ?1 bound to text (a copy the caller
 * frees), "" when none. */
static char *text_for(struct db *db, const char *q, const char *arg)
{
        struct db_stmt *s = db_prepare(db, q);
        assert_non_null(s);
        db_bind_text(s, 1, arg);
        char *v = strdup(db_step(s) == DB_ROW ? db_col_text(s, 0) : "");
        db_finish(s);
        return v;
}

static int64_t add_member(struct db *db, const char *handle, const char *name)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        struct member_input in = {handle, name, "", "", email, "a long enough password"};
        struct member_problem p = {0};
        int64_t id = 0;
        assert_int_equal(member_create(db, &in, ROLE_READER, &id, &p), MEMBER_OK);
        return id;
}

/* A notification of kind for member, about the fixture's comment (or its episode), at t. */
static void notify(struct fixture *f, int64_t member, const char *kind, int64_t t)
{
        struct db_stmt *s = db_prepare(
            f->t.db, "INSERT INTO notification (member_id, kind, actor_id, episode_id, comment_id, "
                     "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        assert_non_null(s);
        db_bind_int(s, 1, member);
        db_bind_text(s, 2, kind);
        db_bind_int(s, 3, f->author);
        db_bind_int(s, 4, f->episode);
        if (strcmp(kind, "episode") == 0)
                db_bind_null(s, 5);
        else
                db_bind_int(s, 5, f->comment);
        db_bind_int(s, 6, t);
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        if (!f || tmpdb_open(&f->t) != 0 || db_migrate(f->t.db, NULL) != DB_OK)
                return -1;
        struct db *db = f->t.db;
        f->author = add_member(db, "mira", "Mira Okafor");
        f->ann = add_member(db, "ann", "Ann");
        f->bob = add_member(db, "bob", "Bob");
        f->cat = add_member(db, "cat", "Cat");
        f->dan = add_member(db, "dan", "Dan");
        char q[2048];
        snprintf(
            q, sizeof(q),
            "INSERT INTO newsletter (id, slug, title, description, owner_id, created_at, "
            "updated_at) VALUES (1, 'letters', 'Letters', '', %lld, 1, 1);"
            "INSERT INTO season (id, newsletter_id, number, title, created_at, updated_at) VALUES "
            "(1, 1, 1, 'One', 1, 1);"
            "INSERT INTO episode (id, newsletter_id, season_id, number, author_id, slug, "
            "title, body, body_html, body_text, status, publish_at, created_at, updated_at, "
            "excerpt) VALUES (1, 1, 1, 1, %lld, 'first', 'The First Letter', 'x', '<p>x</p>', "
            "'x', 'published', 1, 1, 1, 'What the first letter says.');"
            "INSERT INTO comment (id, episode_id, author_id, body, body_html, created_at, "
            "updated_at) VALUES (7, 1, %lld, 'Quite so', '<p>Quite so &amp; more</p>', 1, 1);",
            (long long)f->author, (long long)f->author, (long long)f->author);
        sql(db, q);
        f->episode = 1;
        f->comment = 7;
        mail_notify_set(db, f->ann, MAIL_NOTIFY_IMMEDIATE, NOW);
        mail_notify_set(db, f->bob, MAIL_NOTIFY_IMMEDIATE, NOW);
        mail_notify_set(db, f->cat, MAIL_NOTIFY_WEEKLY, NOW);
        mail_notify_set(db, f->dan, MAIL_NOTIFY_DAILY, NOW);
        mail_notify_set(db, f->author, MAIL_NOTIFY_NONE, NOW);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        job_worker_reset();
        struct fixture *f = *state;
        tmpdb_remove(&f->t);
        free(f);
        return 0;
}

static long long outbox_count(struct db *db)
{
        return one_int(db, "SELECT count(*) FROM mail_outbox");
}

/* The message to address (the newest), quoted-printable undone and soft breaks joined: the
 * text as a reader sees it, to search. Caller frees. */
static char *message_to(struct db *db, const char *address)
{
        char *raw = text_for(
            db, "SELECT message FROM mail_outbox WHERE recipient = ?1 ORDER BY id DESC", address);
        char *out = malloc(strlen(raw) + 1), *o = out;
        for (const char *p = raw; *p;) {
                if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
                        p += 3;
                } else if (p[0] == '=' && p[1] && p[2] && strchr("0123456789ABCDEF", p[1]) &&
                           strchr("0123456789ABCDEF", p[2])) {
                        char hex[3] = {p[1], p[2], 0};
                        *o++ = (char)strtol(hex, NULL, 16);
                        p += 3;
                } else {
                        *o++ = *p++;
                }
        }
        *o = '\0';
        free(raw);
        return out;
}

static char *subject_to(struct db *db, const char *address)
{
        return text_for(db, "SELECT subject FROM mail_outbox WHERE recipient = ?1 ORDER BY id DESC",
                        address);
}

/* ---------------------------------------------------------------- due times */

static int64_t at(const char *iso)
{
        int64_t t = 0;
        assert_int_equal(time_parse_iso8601(iso, &t), 0);
        return t;
}

static void digests_are_due_at_the_next_slot(void **state)
{
        (void)state;
        /* 2026-12-01 is a Tuesday */
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_DAILY, at("2026-12-01T21:00")),
                         at("2026-12-02T08:00"));
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_DAILY, at("2026-12-01T07:59")),
                         at("2026-12-01T08:00"));
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_DAILY, at("2026-12-01T08:00")),
                         at("2026-12-02T08:00"));
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_WEEKLY, at("2026-12-01T21:00")),
                         at("2026-12-07T08:00"));
        /* a Monday before, at and after the hour; a Sunday night */
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_WEEKLY, at("2026-12-07T07:59")),
                         at("2026-12-07T08:00"));
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_WEEKLY, at("2026-12-07T08:00")),
                         at("2026-12-14T08:00"));
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_WEEKLY, at("2026-12-13T23:59")),
                         at("2026-12-14T08:00"));
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_NONE, NOW), 0);
        assert_int_equal(mail_notify_next_due(MAIL_NOTIFY_IMMEDIATE, NOW), 0);
        assert_int_equal(mail_notify_choice_parse("weekly"), MAIL_NOTIFY_WEEKLY);
        assert_int_equal(mail_notify_choice_parse("Weekly"), -1);
        assert_int_equal(mail_notify_choice_parse(""), -1);
}

/* ---------------------------------------------------------------- immediate */

static void immediate_mail_groups_per_member_after_the_grace_period(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        int64_t old = NOW - KD_NOTIFY_MAIL_GRACE_S - 60;
        notify(f, f->ann, "reply", old);
        notify(f, f->ann, "mention", old + 1);
        notify(f, f->ann, "reaction", old + 2); /* never mailed */
        notify(f, f->bob, "reply", old);
        notify(f, f->cat, "reply", old);      /* weekly: not this pass's */
        notify(f, f->ann, "reply", NOW - 10); /* too young: someone reading live sees it */
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 2);
        assert_int_equal(outbox_count(db), 2);
        char *s = subject_to(db, "ann@example.org");
        assert_string_equal(s, "2 new notifications on Kindred");
        free(s);
        s = subject_to(db, "bob@example.org");
        assert_string_equal(s, "Mira Okafor replied to your comment on “The First Letter”");
        free(s);
        char *m = message_to(db, "ann@example.org");
        assert_non_null(strstr(m, "Mira Okafor mentioned you on “The First Letter”"));
        assert_non_null(strstr(m, "> Quite so & more")); /* the excerpt, quoted */
        assert_non_null(strstr(m, "https://kindred.example.org/n/letters/first#c-7"));
        assert_non_null(strstr(m, "https://kindred.example.org/settings/notification-mail"));
        assert_non_null(strstr(m, "List-Unsubscribe:\r\n <https://kindred.example.org/mail/"
                                  "notify-off/")); /* folded: a long link on a line of its own */
        assert_non_null(strstr(m, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert_null(strstr(m, "reacted"));
        free(m);
        /* again at once: nothing new */
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 0);
        /* once the young one is old enough, it alone */
        assert_int_equal(notify_mail_immediate(db, &config, NOW + KD_NOTIFY_MAIL_GRACE_S), 1);
        s = subject_to(db, "ann@example.org");
        assert_string_equal(s, "Mira Okafor replied to your comment on “The First Letter”");
        free(s);
        assert_int_equal(outbox_count(db), 3);
        /* cat's weekly digest later still has its reply; ann's is not mailed twice if she
         * changes to a digest */
        mail_notify_set(db, f->ann, MAIL_NOTIFY_DAILY, NOW);
        assert_int_equal(notify_mail_digests(db, &config, NOW + 8 * 86400), 1);
        s = subject_to(db, "cat@example.org");
        assert_string_equal(s, "Your weekly digest from Kindred: 1 new notification");
        free(s);
}

static void read_notifications_and_hidden_comments_are_not_mailed(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        int64_t old = NOW - KD_NOTIFY_MAIL_GRACE_S - 60;
        notify(f, f->ann, "reply", old);
        sql(db, "UPDATE notification SET read_at = 1");
        notify(f, f->bob, "reply", old);
        sql(db, "UPDATE comment SET state = 'hidden' WHERE id = 7");
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 0);
        assert_int_equal(outbox_count(db), 0);
        /* bob's was passed over for good (the watermark moved), ann's read one never counted */
        assert_true(int_for(db, "SELECT notify_mailed_id FROM member WHERE id = ?1", f->bob) > 0);
        assert_int_equal(int_for(db, "SELECT notify_mailed_id FROM member WHERE id = ?1", f->ann),
                         0);
}

static void a_day_old_notification_is_not_immediate_any_more(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        notify(f, f->ann, "reply", NOW - KD_NOTIFY_IMMEDIATE_MAX_AGE_S - 60);
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 0);
        assert_true(one_int(db, "SELECT last_id FROM mail_notify_cursor") > 0);
}

static void the_cursor_walks_many_notifications_in_batches(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        int64_t old = NOW - KD_NOTIFY_MAIL_GRACE_S - 60;
        int n = 2 * KD_NOTIFY_IMMEDIATE_BATCH + 17;
        assert_int_equal(db_begin(db), DB_OK);
        for (int i = 0; i < n; i++)
                notify(f, i % 2 ? f->cat : f->ann, "reply", old);
        assert_int_equal(db_commit(db), DB_OK);
        /* one mail for ann, however many batches her notifications span */
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 1);
        assert_int_equal(one_int(db, "SELECT last_id FROM mail_notify_cursor"),
                         one_int(db, "SELECT max(id) FROM notification"));
        char *s = subject_to(db, "ann@example.org");
        char want[96];
        snprintf(want, sizeof(want), "%d new notifications on Kindred", (n + 1) / 2);
        assert_string_equal(s, want);
        free(s);
        char *m = message_to(db, "ann@example.org");
        char more[64];
        snprintf(more, sizeof(more), "And %d more notifications.",
                 (n + 1) / 2 - KD_NOTIFY_MAIL_ITEMS);
        assert_non_null(strstr(m, more));
        free(m);
}

/* ---------------------------------------------------------------- digests */

static void a_digest_is_sent_when_due_and_only_with_something_new(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        struct mail_notify_pref p;
        assert_int_equal(mail_notify_get(db, f->cat, &p), 0);
        int64_t due = mail_notify_next_due(MAIL_NOTIFY_WEEKLY, NOW);
        assert_int_equal(p.digest_due, due);
        notify(f, f->cat, "reply", NOW - 3600);
        notify(f, f->cat, "episode", NOW - 1800);
        /* not due yet */
        assert_int_equal(notify_mail_digests(db, &config, due - 1), 0);
        assert_int_equal(notify_mail_digests(db, &config, due), 1);
        char *s = subject_to(db, "cat@example.org");
        assert_string_equal(s, "Your weekly digest from Kindred: 2 new notifications");
        free(s);
        char *m = message_to(db, "cat@example.org");
        assert_non_null(strstr(m, "New episode: “The First Letter”"));
        assert_non_null(strstr(m, "> What the first letter says."));
        assert_non_null(strstr(m, "https://kindred.example.org/n/letters/first\r\n"));
        assert_non_null(strstr(m, "weekly digest of your notifications"));
        free(m);
        assert_int_equal(mail_notify_get(db, f->cat, &p), 0);
        assert_int_equal(p.digest_due, due + 7 * 86400);
        /* the same moment again: sent already */
        assert_int_equal(notify_mail_digests(db, &config, due), 0);
        /* a week later with nothing new: no mail, the next one scheduled */
        assert_int_equal(notify_mail_digests(db, &config, due + 7 * 86400), 0);
        assert_int_equal(mail_notify_get(db, f->cat, &p), 0);
        assert_int_equal(p.digest_due, due + 14 * 86400);
        assert_int_equal(outbox_count(db), 1);
        /* daily: dan's due the next morning */
        assert_int_equal(mail_notify_get(db, f->dan, &p), 0);
        int64_t daily = p.digest_due; /* moved on a day at a time by the runs above */
        assert_true(daily > due && (daily - due) % 86400 == 0);
        notify(f, f->dan, "mention", daily - 3600);
        assert_int_equal(notify_mail_digests(db, &config, daily), 1);
        s = subject_to(db, "dan@example.org");
        assert_string_equal(s, "Your daily digest from Kindred: 1 new notification");
        free(s);
        assert_int_equal(mail_notify_get(db, f->dan, &p), 0);
        assert_int_equal(p.digest_due, daily + 86400);
}

static void a_new_member_is_scheduled_before_being_mailed(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        int64_t eve = add_member(db, "eve", "Eve"); /* the default: weekly, not scheduled */
        struct mail_notify_pref p;
        assert_int_equal(mail_notify_get(db, eve, &p), 0);
        assert_int_equal(p.choice, MAIL_NOTIFY_WEEKLY);
        assert_int_equal(p.digest_due, 0);
        notify(f, eve, "reply", NOW - 3600);
        assert_int_equal(notify_mail_digests(db, &config, NOW), 0);
        assert_int_equal(mail_notify_get(db, eve, &p), 0);
        assert_int_equal(p.digest_due, mail_notify_next_due(MAIL_NOTIFY_WEEKLY, NOW));
        assert_int_equal(notify_mail_digests(db, &config, p.digest_due), 1);
}

static void disabled_members_and_suppressed_addresses_get_nothing(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        int64_t old = NOW - KD_NOTIFY_MAIL_GRACE_S - 60;
        notify(f, f->ann, "reply", old);
        notify(f, f->bob, "reply", old);
        notify(f, f->cat, "reply", old);
        char q[256];
        snprintf(q, sizeof(q), "UPDATE member SET disabled = 1 WHERE id IN (%lld, %lld)",
                 (long long)f->ann, (long long)f->cat);
        sql(db, q);
        sql(db, "INSERT INTO mail_suppressed (address, reason, created_at) VALUES "
                "('bob@example.org', '550 no such mailbox', 1)");
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 0);
        assert_int_equal(notify_mail_digests(db, &config, NOW + 8 * 86400), 0);
        assert_int_equal(outbox_count(db), 0);
        /* the disabled member's digest is only moved on */
        struct mail_notify_pref p;
        assert_int_equal(mail_notify_get(db, f->cat, &p), 0);
        assert_true(p.digest_due > NOW + 8 * 86400);
}

static void the_mail_speaks_the_members_language(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        assert_int_equal(member_set_language(db, f->cat, "zh-CN"), MEMBER_OK);
        notify(f, f->cat, "reply", NOW - 3600);
        notify(f, f->cat, "reply", NOW - 3500);
        assert_int_equal(notify_mail_digests(db, &config, NOW + 8 * 86400), 1);
        char *s = subject_to(db, "cat@example.org");
        assert_string_equal(s, "Kindred 每周摘要：2 条新通知");
        free(s);
        char *m = message_to(db, "cat@example.org");
        assert_non_null(strstr(m, "<html lang=3D\"zh-CN\">") ? m : strstr(m, "lang=\"zh-CN\""));
        assert_non_null(strstr(m, "本周与你有关的动态"));
        assert_null(strstr(m, "What happened for you this week"));
        free(m);
}

static void names_and_titles_cannot_inject_headers(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        char q[256];
        snprintf(q, sizeof(q),
                 "UPDATE member SET display_name = 'Evil' || char(13) || char(10) || 'Bcc: "
                 "victim@example.net' WHERE id IN (%lld, %lld)",
                 (long long)f->author, (long long)f->bob);
        /* char() is SQLite's; PostgreSQL spells it chr() */
        if (db_kind(db) == DB_POSTGRESQL) {
                snprintf(q, sizeof(q),
                         "UPDATE member SET display_name = 'Evil' || chr(13) || chr(10) || 'Bcc: "
                         "victim@example.net' WHERE id IN (%lld, %lld)",
                         (long long)f->author, (long long)f->bob);
        }
        sql(db, q);
        notify(f, f->bob, "reply", NOW - KD_NOTIFY_MAIL_GRACE_S - 60);
        assert_int_equal(notify_mail_immediate(db, &config, NOW), 1);
        char *s = subject_to(db, "bob@example.org");
        assert_string_equal(s, "1 new notification on Kindred"); /* not the sentence */
        free(s);
        char *m = message_to(db, "bob@example.org");
        char *body = strstr(m, "\r\n\r\n");
        assert_non_null(body);
        *body = '\0'; /* the headers alone */
        assert_null(strstr(m, "\nBcc:"));
        assert_non_null(strstr(m, "\nTo: <bob@example.org>\r\n")); /* the name left out */
        free(m);
}

/* ---------------------------------------------------------------- two runs at once */

struct runner {
        const char *path;
        int64_t at;
        bool digests;
        int sent;
};

static void *run_pass(void *arg)
{
        struct runner *r = arg;
        struct db *db;
        if (db_open_url(r->path, &db) != DB_OK) {
                r->sent = -1;
                return NULL;
        }
        int total = 0;
        for (int i = 0; i < 3; i++) { /* each thread tries several times */
                int n = r->digests ? notify_mail_digests(db, &config, r->at)
                                   : notify_mail_immediate(db, &config, r->at);
                if (n > 0)
                        total += n;
        }
        r->sent = total;
        db_close(db);
        return NULL;
}

static void two_runs_at_once_send_nothing_twice(void **state)
{
        struct fixture *f = *state;
        struct db *db = f->t.db;
        enum { MEMBERS = 40 };
        assert_int_equal(db_begin(db), DB_OK);
        for (int i = 0; i < MEMBERS; i++) {
                char handle[16];
                snprintf(handle, sizeof(handle), "m%02d", i);
                int64_t id = add_member(db, handle, handle);
                assert_int_equal(mail_notify_set(db, id,
                                                 i % 2 ? MAIL_NOTIFY_IMMEDIATE : MAIL_NOTIFY_WEEKLY,
                                                 NOW),
                                 0);
                notify(f, id, "reply", NOW - KD_NOTIFY_MAIL_GRACE_S - 60);
        }
        assert_int_equal(db_commit(db), DB_OK);
        /* a stale read loses: a run that read before another mailed queues nothing */
        struct arena *a = arena_new();
        struct mail_notify_recipient *ms;
        int64_t c0, c1;
        int n =
            mail_notify_immediate_batch(db, a, NOW - KD_NOTIFY_MAIL_GRACE_S, 1000, &ms, &c0, &c1);
        assert_int_equal(n, MEMBERS / 2);
        assert_int_equal(mail_notify_load(db, a, &ms[0], INT64_MAX, 0, NOW), 0);
        assert_int_equal(ms[0].nitems, 1);

        pthread_t th[4];
        struct runner rs[4];
        for (int i = 0; i < 4; i++) {
                rs[i] = (struct runner){f->t.path, i < 2 ? NOW : NOW + 8 * 86400, i >= 2, 0};
                assert_int_equal(pthread_create(&th[i], NULL, run_pass, &rs[i]), 0);
        }
        int immediate = 0, digests = 0;
        for (int i = 0; i < 4; i++) {
                pthread_join(th[i], NULL);
                assert_true(rs[i].sent >= 0);
                if (i < 2)
                        immediate += rs[i].sent;
                else
                        digests += rs[i].sent;
        }
        assert_int_equal(immediate, MEMBERS / 2);
        assert_int_equal(digests, MEMBERS / 2);
        assert_int_equal(one_int(db, "SELECT count(DISTINCT recipient) FROM mail_outbox"), MEMBERS);
        assert_int_equal(outbox_count(db), MEMBERS);
        /* the stale run's write changes nothing */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(mail_notify_advance(db, &ms[0], 0), 0);
        assert_int_equal(db_commit(db), DB_OK);
        assert_false(mail_notify_cursor_move(db, c0, c1));
        arena_free(a);
}

static int group_setup(void **state)
{
        (void)state;
        NOW = time_now();
        return 0;
}

int main(void)
{
        if (sodium_init() < 0)
                return 1;
        config_defaults(&config);
        config.base_url = "https://kindred.example.org";
        config.mail_from = "news@kindred.example.org";
        if (mail_outbox_setup(&config) != 0)
                return 1;
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        const struct CMUnitTest tests[] = {
            T(digests_are_due_at_the_next_slot),
            T(immediate_mail_groups_per_member_after_the_grace_period),
            T(read_notifications_and_hidden_comments_are_not_mailed),
            T(a_day_old_notification_is_not_immediate_any_more),
            T(the_cursor_walks_many_notifications_in_batches),
            T(a_digest_is_sent_when_due_and_only_with_something_new),
            T(a_new_member_is_scheduled_before_being_mailed),
            T(disabled_members_and_suppressed_addresses_get_nothing),
            T(the_mail_speaks_the_members_language),
            T(names_and_titles_cannot_inject_headers),
            T(two_runs_at_once_send_nothing_twice),
        };
        int failed = cmocka_run_group_tests_name("notification mail", tests, group_setup, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed += cmocka_run_group_tests_name("notification mail on PostgreSQL", tests,
                                                      group_setup, NULL);
        return failed ? 1 : 0;
}
