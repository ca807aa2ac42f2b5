/* Acknowledged writes survive kill -9 (docs/operations.md, "Durability"): 16 client threads
 * post comments (through the form and the JSON API, some of them replies) and reactions as
 * four demo members as fast as the server's 16 workers answer, so commits really are made
 * durable in groups (db/group_commit.h); after a random 0.5-2 s the server gets SIGKILL. Every
 * write that was answered with success must be in the database after a restart, with the
 * counters that commit beside it (episode.comment_count, comment.root_id) consistent; on SQLite
 * the file also passes PRAGMA integrity_check. The crash loop runs several rounds on one site.
 * A last round ends with a clean stop and checks on SQLite with the server's own count that every
 * acknowledged write was a durable commit, printing how many syncs carried them (the grouping
 * itself: test_group_commit); on PostgreSQL it prints pg_stat_wal's WAL syncs. Runs
 * on SQLite and, under tests/pg/run, on PostgreSQL, where a second test crashes the PostgreSQL
 * server itself under a running kindred (its commits wait for the WAL flush after letting the
 * write lock go), and a third stops it under signed-in members (503s, never a crash or a lost
 * session). */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EPISODE_PATH "/n/learning-in-public/two-languages-one-team"

enum {
        ROUNDS = 4, /* crash loops on one site */
        KILL_AFTER_MIN_MS = 500,
        KILL_AFTER_MAX_MS = 2000,
        MIN_ACKED_PER_ROUND = 5, /* fewer: the round proved nothing (a stuck server) */
        PG_CRASH_ROUNDS = 3,     /* crashes of the PostgreSQL server under one kindred */
};

/* The writers log in as these demo members, writer i as member i % MEMBERS. */
static const char *const members_handles[] = {"sam", "liwei", "ana", "june"};
#define MEMBERS ((int)(sizeof(members_handles) / sizeof(members_handles[0])))
/* Writer threads, each on its own connection; the server gets as many workers, so this many
 * commits can wait for the disk at once (KINDRED_THREADS below). */
#define WRITERS 16

static const char *const reaction_kinds[] = {"like", "insightful", "agree",
                                             "love", "celebrate",  "curious"};

/* A comment the server acknowledged: its id and the text it was sent with. */
struct acked_comment {
        long long id;
        char body[64];
};

/* A reaction the server acknowledged as a change: on comment id, of kind, by the writer. */
struct acked_reaction {
        long long comment_id;
        const char *kind;
};

struct writer {
        pthread_t thread;
        int index, round, port;
        long long episode_id;
        const struct member *m;
        atomic_bool *stop;
        /* what was acknowledged, over every round (grown by the thread, read after join) */
        struct acked_comment *comments;
        size_t ncomments, comments_cap;
        struct acked_reaction *reactions;
        size_t nreactions, reactions_cap;
        /* this round: answers other than success before the connection broke */
        int refused, last_refused_status;
        size_t acked_this_round;
};

static struct member members[MEMBERS];
static long long member_ids[MEMBERS];
/* File scope, so what the writers kept stays reachable (not a leak) when a check fails. */
static struct writer ws[WRITERS];

/* ---------------------------------------------------------------- one writer */

/* Sends one request on c and reads its answer. -1 when the connection broke (the server was
 * killed, or closed it): the write is then not acknowledged, whatever happened to it. */
static int exchange(struct http_conn *c, const struct member *m, const char *path,
                    const char *content_type, const char *body, bool token_header,
                    struct http_resp *r)
{
        char cookie[1024], token[192] = "", head[2048];
        jar_header(&m->jar, cookie, sizeof(cookie));
        if (token_header)
                snprintf(token, sizeof(token), "X-CSRF-Token: %s\r\n", m->csrf);
        int n = snprintf(head, sizeof(head),
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%sContent-Type: "
                         "%s\r\nContent-Length: %zu\r\n\r\n",
                         path, cookie, token, content_type, strlen(body));
        if (conn_send(c, head, (size_t)n) != 0 || conn_send(c, body, strlen(body)) != 0)
                return -1;
        return conn_read(c, r, false);
}

static void keep_comment(struct writer *w, long long id, const char *body)
{
        if (w->ncomments == w->comments_cap) {
                w->comments_cap = w->comments_cap ? 2 * w->comments_cap : 256;
                w->comments = realloc(w->comments, w->comments_cap * sizeof(*w->comments));
        }
        w->comments[w->ncomments].id = id;
        snprintf(w->comments[w->ncomments].body, sizeof(w->comments[0].body), "%s", body);
        w->ncomments++;
        w->acked_this_round++;
}

static void keep_reaction(struct writer *w, long long comment_id, const char *kind)
{
        if (w->nreactions == w->reactions_cap) {
                w->reactions_cap = w->reactions_cap ? 2 * w->reactions_cap : 256;
                w->reactions = realloc(w->reactions, w->reactions_cap * sizeof(*w->reactions));
        }
        w->reactions[w->nreactions++] = (struct acked_reaction){comment_id, kind};
        w->acked_this_round++;
}

/* Posts comment number n: through the form (303 to "...#c-ID") for even writers, the API (201
 * with {"id": ID}) for odd ones; every third one answers the writer's previous comment. Returns
 * its id when acknowledged, 0 when refused, -1 when the connection broke. */
static long long writer_post_comment(struct writer *w, struct http_conn *c, int n, long long parent)
{
        char text[64], path[128], body[512] = "";
        snprintf(text, sizeof(text), "durable r%d w%d n%d", w->round, w->index, n);
        struct http_resp r;
        long long id = 0;
        if (w->index % 2 == 0) {
                char parent_s[32];
                form_append(body, sizeof(body), "_csrf", w->m->csrf);
                form_append(body, sizeof(body), "body", text);
                if (parent) {
                        snprintf(parent_s, sizeof(parent_s), "%lld", parent);
                        form_append(body, sizeof(body), "parent", parent_s);
                }
                snprintf(path, sizeof(path), "%s/comments", EPISODE_PATH);
                if (exchange(c, w->m, path, "application/x-www-form-urlencoded", body, false, &r) !=
                    0)
                        return -1;
                char loc[256];
                const char *hash = NULL;
                if (r.status == 303 && resp_header_get(&r, "Location", loc, sizeof(loc)))
                        hash = strstr(loc, "#c-");
                id = hash ? atoll(hash + 3) : 0;
        } else {
                json_t *o = json_pack("{s:s}", "body", text);
                if (parent)
                        json_object_set_new(o, "parent_id", json_integer(parent));
                char *json = json_dumps(o, JSON_COMPACT);
                json_decref(o);
                snprintf(path, sizeof(path), "/api/v1/episodes/%lld/comments", w->episode_id);
                int rc = exchange(c, w->m, path, "application/json", json, true, &r);
                free(json);
                if (rc != 0)
                        return -1;
                json_t *answer = r.status == 201 ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
                json_t *jid = answer ? json_object_get(answer, "id") : NULL;
                id = json_is_integer(jid) ? (long long)json_integer_value(jid) : 0;
                json_decref(answer);
        }
        if (id > 0) {
                keep_comment(w, id, text);
        } else {
                w->refused++;
                w->last_refused_status = r.status;
        }
        resp_free(&r);
        return id;
}

/* Reacts to comment id with kind through the API; 1 when acknowledged as a change, 0 when not,
 * -1 when the connection broke. */
static int react(struct writer *w, struct http_conn *c, long long id, const char *kind)
{
        char json[160];
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%lld,\"kind\":\"%s\"}", id,
                 kind);
        struct http_resp r;
        if (exchange(c, w->m, "/api/v1/reactions", "application/json", json, true, &r) != 0)
                return -1;
        json_t *answer = r.status == 200 ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
        int ok = answer && json_is_true(json_object_get(answer, "changed"));
        json_decref(answer);
        if (ok) {
                keep_reaction(w, id, kind);
        } else {
                w->refused++;
                w->last_refused_status = r.status;
        }
        resp_free(&r);
        return ok;
}

/* Writes until the connection breaks and cannot be opened again (the server is gone), or the
 * main thread says stop. No write is ever sent twice: one that broke is simply not counted. */
static void *write_until_killed(void *arg)
{
        struct writer *w = arg;
        struct http_conn c;
        if (conn_open(&c, w->port) != 0)
                return NULL;
        long long last = 0;
        for (int n = 0; !atomic_load(w->stop); n++) {
                long long id = writer_post_comment(w, &c, n, n % 3 == 2 ? last : 0);
                int reacted = id > 0 ? react(w, &c, id, reaction_kinds[n % 6]) : 0;
                if (id > 0)
                        last = id;
                if (id < 0 || reacted < 0) {
                        conn_close(&c);
                        if (atomic_load(w->stop) || conn_open(&c, w->port) != 0)
                                return NULL;
                }
        }
        conn_close(&c);
        return NULL;
}

/* ---------------------------------------------------------------- checks after a crash */

/* A growing SQL text (the lists of acknowledged writes are long). */
struct sql {
        char *s;
        size_t len, cap;
};

static void sql_add(struct sql *q, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (q->len + (size_t)n + 1 > q->cap) {
                q->cap = 2 * (q->len + (size_t)n + 1024);
                q->s = realloc(q->s, q->cap);
        }
        va_start(ap, fmt);
        vsnprintf(q->s + q->len, q->cap - q->len, fmt, ap);
        va_end(ap);
        q->len += (size_t)n;
}

/* How many of the acknowledged comments are stored with the text they were sent with. Both
 * engines name a VALUES list's columns column1, column2 ... */
static long long comments_present(size_t *acked)
{
        struct sql q = {0};
        sql_add(&q, "SELECT count(*) FROM comment c JOIN (VALUES ");
        *acked = 0;
        for (int i = 0; i < WRITERS; i++)
                for (size_t k = 0; k < ws[i].ncomments; k++)
                        sql_add(&q, "%s(%lld, '%s')", (*acked)++ ? ", " : "", ws[i].comments[k].id,
                                ws[i].comments[k].body);
        sql_add(&q, ") AS w ON c.id = w.column1 AND c.body = w.column2");
        long long n = *acked ? db_int(q.s) : 0;
        free(q.s);
        return n;
}

static long long reactions_present(size_t *acked)
{
        struct sql q = {0};
        sql_add(&q, "SELECT count(*) FROM reaction r JOIN (VALUES ");
        *acked = 0;
        for (int i = 0; i < WRITERS; i++)
                for (size_t k = 0; k < ws[i].nreactions; k++)
                        sql_add(&q, "%s(%lld, '%s', %lld)", (*acked)++ ? ", " : "",
                                ws[i].reactions[k].comment_id, ws[i].reactions[k].kind,
                                member_ids[i % MEMBERS]);
        sql_add(&q, ") AS w ON r.target = 'comment' AND r.target_id = w.column1 AND r.kind = "
                    "w.column2 AND r.member_id = w.column3");
        long long n = *acked ? db_int(q.s) : 0;
        free(q.s);
        return n;
}

/* Everything the crashed server acknowledged is there, and what commits with it agrees. */
static void expect_all_acknowledged(int round)
{
        size_t comments, reactions;
        long long have_c = comments_present(&comments);
        long long have_r = reactions_present(&reactions);
        if (have_c != (long long)comments || have_r != (long long)reactions)
                fail_msg("round %d: after the crash, %lld of %zu acknowledged comments and %lld of "
                         "%zu acknowledged reactions are stored (log: %s)",
                         round, have_c, comments, have_r, reactions, srv.log_path);
        /* the counter every new comment bumps in its transaction, and the root of new threads */
        long long off = db_int("SELECT count(*) FROM episode e WHERE comment_count <> (SELECT "
                               "count(*) FROM comment c WHERE c.episode_id = e.id AND "
                               "c.buildon_id IS NULL AND c.state = 'visible')");
        long long rootless = db_int("SELECT count(*) FROM comment WHERE root_id = 0");
        if (off || rootless)
                fail_msg("round %d: %lld episodes' comment_count disagree with their comments; "
                         "%lld comments have no root",
                         round, off, rootless);
        if (!srv.database_url[0]) { /* SQLite's file; PostgreSQL checks its own pages */
                char ok[64];
                db_text("PRAGMA integrity_check", ok, sizeof(ok));
                if (strcmp(ok, "ok") != 0)
                        fail_msg("round %d: PRAGMA integrity_check: %s", round, ok);
        }
        printf("round %d: %zu comments and %zu reactions acknowledged so far, all stored\n", round,
               comments, reactions);
}

static int random_ms(int lo, int hi)
{
        return lo + (int)((unsigned)rand() % (unsigned)(hi - lo + 1));
}

/* ---------------------------------------------------------------- the test */

static const char *const no_write_limits[] = {"KINDRED_WRITE_LIMITS=false", "KINDRED_THREADS=16",
                                              NULL};

static void start_writers(int round, long long episode_id, atomic_bool *stop)
{
        atomic_init(stop, false);
        for (int i = 0; i < WRITERS; i++) {
                ws[i].index = i;
                ws[i].round = round;
                ws[i].port = srv.port;
                ws[i].episode_id = episode_id;
                ws[i].m = &members[i % MEMBERS];
                ws[i].stop = stop;
                ws[i].refused = 0;
                ws[i].acked_this_round = 0;
                assert_int_equal(pthread_create(&ws[i].thread, NULL, write_until_killed, &ws[i]),
                                 0);
        }
}

/* Stops and joins the writers; the writes they had acknowledged this round. A refused write
 * fails the test unless refusals_expected (while the database server was down). */
static size_t stop_writers_allowing(int round, atomic_bool *stop, bool refusals_expected)
{
        atomic_store(stop, true);
        for (int i = 0; i < WRITERS; i++)
                pthread_join(ws[i].thread, NULL);
        size_t acked = 0;
        for (int i = 0; i < WRITERS; i++) {
                acked += ws[i].acked_this_round;
                if (ws[i].refused && !refusals_expected)
                        fail_msg("round %d: writer %d (%s) had %d writes refused (last status "
                                 "%d); log: %s",
                                 round, i, members_handles[i % MEMBERS], ws[i].refused,
                                 ws[i].last_refused_status, srv.log_path);
        }
        return acked;
}

static size_t stop_writers(int round, atomic_bool *stop)
{
        return stop_writers_allowing(round, stop, false);
}

/* The last "db: group commit: N durable commits, M syncs" line of the server's log. */
static bool last_group_line(unsigned long long *commits, unsigned long long *syncs)
{
        FILE *f = fopen(srv.log_path, "r");
        if (!f)
                return false;
        char line[1024];
        bool found = false;
        while (fgets(line, sizeof(line), f)) {
                const char *at = strstr(line, "db: group commit: ");
                if (at && sscanf(at, "db: group commit: %llu durable commits, %llu syncs", commits,
                                 syncs) == 2)
                        found = true;
        }
        fclose(f);
        return found;
}

/* A round of writes ended by a clean stop: every acknowledged write is there after it, each went
 * through a durable commit, and the syncs that carried them are shown. */
static void expect_grouped_commits(int round, long long episode_id, atomic_bool *stop)
{
        bool pg = srv.database_url[0] != 0;
        long long wal_syncs = pg ? db_int("SELECT wal_sync FROM pg_stat_wal") : 0;
        start_writers(round, episode_id, stop);
        struct timespec ts = {1, 500 * 1000 * 1000L};
        nanosleep(&ts, NULL);
        size_t acked = stop_writers(round, stop);
        assert_int_equal(kd_stop(&srv), 0);
        if (acked < MIN_ACKED_PER_ROUND)
                fail_msg("round %d: only %zu writes acknowledged in 1.5 s", round, acked);
        /* read before the restart, which starts the log afresh */
        unsigned long long commits = 0, syncs = 0;
        bool counted = !pg && last_group_line(&commits, &syncs);
        assert_int_equal(kd_serve_existing(&srv, no_write_limits), 0);
        expect_all_acknowledged(round);
        if (pg) {
                /* PostgreSQL groups concurrent commits' WAL flushes itself: shown, not checked,
                 * as the counter is the whole cluster's (other tests' and the WAL writer's
                 * syncs add to it) and a write is one to three commits */
                long long n = db_int("SELECT wal_sync FROM pg_stat_wal") - wal_syncs;
                printf("round %d: %zu writes acknowledged, %lld WAL syncs in the cluster\n", round,
                       acked, n);
                return;
        }
        if (!counted)
                fail_msg("round %d: no group commit line in the log of the stopped server", round);
        printf("round %d: %zu writes acknowledged; %llu durable commits, %llu syncs\n", round,
               acked, commits, syncs);
        /* every acknowledged write went through at least one durable commit, and no commit
         * was synced twice. Whether syncs carried several commits here depends on the disk: on
         * one whose fdatasync takes a millisecond they do (e.g. 540 commits, 511 syncs), on a
         * clean-machine root in /tmp a sync is so quick that each commit led its own (578 and
         * 578). The grouping itself is proven with a disk of known speed in test_group_commit;
         * this round shows the ratio. */
        if (commits < acked || syncs == 0 || syncs > commits)
                fail_msg("round %d: %llu durable commits for %zu acknowledged writes, %llu syncs",
                         round, commits, acked, syncs);
}

static int start_without_limits(void **state)
{
        (void)state;
        return kd_start(&srv, no_write_limits);
}

/* Signs the writers' members in and reads their ids; returns the episode they write on. */
static long long sign_in_writers(void)
{
        unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
        srand(seed);
        printf("seed %u\n", seed);
        for (int i = 0; i < MEMBERS; i++) {
                login_as(&members[i], members_handles[i], NULL);
                char sql[128];
                snprintf(sql, sizeof(sql), "SELECT id FROM member WHERE handle = '%s'",
                         members_handles[i]);
                member_ids[i] = db_int(sql);
        }
        return episode_id_as(&members[0], EPISODE_PATH);
}

static void forget_writes(void)
{
        for (int i = 0; i < WRITERS; i++) {
                free(ws[i].comments);
                free(ws[i].reactions);
        }
        memset(ws, 0, sizeof(ws));
}

/* Starts the writers and lets them write for a random 0.5-2 s; returns how long, in ms. */
static int write_a_while(int round, long long episode_id, atomic_bool *stop)
{
        start_writers(round, episode_id, stop);
        int after = random_ms(KILL_AFTER_MIN_MS, KILL_AFTER_MAX_MS);
        struct timespec ts = {after / 1000, (long)(after % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return after;
}

static void acknowledged_writes_survive_kill9(void **state)
{
        (void)state;
        long long episode_id = sign_in_writers();
        atomic_bool stop;
        for (int round = 1; round <= ROUNDS; round++) {
                int after = write_a_while(round, episode_id, &stop);
                assert_int_equal(kill(srv.pid, SIGKILL), 0);
                int st;
                waitpid(srv.pid, &st, 0);
                assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
                size_t acked = stop_writers(round, &stop);
                printf("round %d: killed after %d ms, %zu writes acknowledged\n", round, after,
                       acked);
                if (acked < MIN_ACKED_PER_ROUND)
                        fail_msg("round %d: only %zu writes acknowledged in %d ms", round, acked,
                                 after);
                assert_int_equal(kd_serve_existing(&srv, no_write_limits), 0);
                expect_all_acknowledged(round);
                /* and the restarted server serves what was written */
                assert_int_equal(status_of(NULL, EPISODE_PATH), 200);
        }
        expect_grouped_commits(ROUNDS + 1, episode_id, &stop);
        forget_writes();
}

/* Runs pg_ctl ACTION on the PostgreSQL server of the test cluster in dir (tests/pg/start) and
 * returns system()'s status. "-m immediate restart" crashes it and starts it again: an immediate
 * stop ends every one of its processes at once, with no checkpoint and nothing written from its
 * WAL buffers, as a crash of the server would, and the start recovers from the WAL on disk. */
static int postgresql_ctl(const char *dir, const char *action)
{
        char bindir[512] = "", path[600], cmd[2400];
        snprintf(path, sizeof(path), "%s/bindir", dir);
        FILE *f = fopen(path, "r");
        if (!f || !fgets(bindir, sizeof(bindir), f))
                fail_msg("%s is not a cluster of tests/pg/start", dir);
        fclose(f);
        bindir[strcspn(bindir, "\n")] = '\0';
        /* as root the cluster runs as kindred-pg (tests/pg/start) */
        snprintf(cmd, sizeof(cmd),
                 "%s'%s/pg_ctl' -D '%s/data' -l '%s/postgres.log' -w -t 60 %s >/dev/null",
                 geteuid() == 0 ? "runuser -u kindred-pg -- " : "", bindir, dir, dir, action);
        return system(cmd);
}

static int crash_and_restart_postgresql(const char *dir)
{
        return postgresql_ctl(dir, "-m immediate restart");
}

/* Durable commits on PostgreSQL let the write lock go before their WAL is flushed and wait for the
 * flush after (db/db_pg.c, "Group commit on PostgreSQL"): a write acknowledged before the flush
 * would be lost when the PostgreSQL server crashes, its WAL buffers with it. So writers write
 * while the server is crashed and restarted under them, with kindred running on (it reconnects),
 * and every write it acknowledged, before or after, must be stored. Runs on PostgreSQL only
 * (tests/pg/run names the cluster in KINDRED_TEST_PG_DIR); this file runs alone, so no other
 * test's server sees the crash. */
static void acknowledged_writes_survive_a_postgresql_crash(void **state)
{
        (void)state;
        const char *dir = getenv("KINDRED_TEST_PG_DIR");
        if (!srv.database_url[0] || !dir || !*dir)
                skip(); /* SQLite: the kill -9 loop above is the whole story */
        long long episode_id = sign_in_writers();
        atomic_bool stop;
        for (int round = 1; round <= PG_CRASH_ROUNDS; round++) {
                int after = write_a_while(round, episode_id, &stop);
                assert_int_equal(crash_and_restart_postgresql(dir), 0);
                /* the writers go on against the recovered server a moment, through kindred's
                 * new connections */
                struct timespec ts = {0, 700 * 1000 * 1000L};
                nanosleep(&ts, NULL);
                size_t acked = stop_writers_allowing(round, &stop, true);
                printf("round %d: PostgreSQL crashed after %d ms; %zu writes acknowledged\n", round,
                       after, acked);
                if (acked < MIN_ACKED_PER_ROUND)
                        fail_msg("round %d: only %zu writes acknowledged", round, acked);
                expect_all_acknowledged(round);
                assert_int_equal(status_of(NULL, EPISODE_PATH), 200);
        }
        forget_writes();
}

/* PostgreSQL going away under signed-in members: every request is answered 503 "the database is
 * not available" (never "please log in", and the session cookie is kept), with the member's own
 * page around the message, and the server goes on; once PostgreSQL is back, the pool opens fresh
 * connections and the member writes again. The hardest way there is a form whose body comes after
 * its head: the head is admitted (the session read) while PostgreSQL is up, the connection goes
 * back to the pool while the body travels, and by the time the body is there PostgreSQL is down
 * and the pool has closed every connection it had. The error page then has no connection for the
 * menu's counts (web/layout.c, page_chrome_load); before that was seen, the server crashed there
 * (found by the crash test above, in CI). */
static void members_while_postgresql_is_down(void **state)
{
        (void)state;
        const char *dir = getenv("KINDRED_TEST_PG_DIR");
        if (!srv.database_url[0] || !dir || !*dir)
                skip(); /* SQLite's connections do not go away */
        struct member sam;
        login_as(&sam, "sam", NULL);
        char cookie[1024], path[160], body[512] = "", head[2048];
        jar_header(&sam.jar, cookie, sizeof(cookie));
        snprintf(path, sizeof(path), "%s/comments", EPISODE_PATH);
        form_append(body, sizeof(body), "_csrf", sam.csrf);
        form_append(body, sizeof(body), "body", "written while the database was away");
        int n = snprintf(head, sizeof(head),
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: "
                         "application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n",
                         path, cookie, strlen(body));
        struct http_conn form;
        assert_int_equal(conn_open(&form, srv.port), 0);
        /* the head alone: admitted, the session read, the connection given back */
        assert_int_equal(conn_send(&form, head, (size_t)n), 0);
        struct timespec ts = {0, 300 * 1000 * 1000L};
        nanosleep(&ts, NULL);
        /* a write moves the stamp of the members' counts, so the form's page will want to read
         * them again rather than take what its head was admitted with */
        char json[96], headers[1400];
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":1,\"kind\":\"like\"}");
        snprintf(headers, sizeof(headers), "%sX-CSRF-Token: %s\r\n", cookie, sam.csrf);
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "POST", "/api/v1/reactions", headers, "application/json",
                                 json, strlen(json), &r),
                         0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        assert_int_equal(postgresql_ctl(dir, "-m immediate stop"), 0);
        /* More requests than the pool has connections (KINDRED_THREADS + 1): each of the first
         * finds its connection lost, and the pool closes it; the rest find none to open. */
        for (int i = 0; i < WRITERS + 8; i++) {
                assert_int_equal(http_do(srv.port, "POST", "/api/v1/reactions", headers,
                                         "application/json", json, strlen(json), &r),
                                 0);
                char set_cookie[256] = "";
                resp_header_get(&r, "Set-Cookie", set_cookie, sizeof(set_cookie));
                if (r.status != 503 || !strstr(r.body, "database is not available") ||
                    strstr(set_cookie, "kd_session"))
                        fail_msg("request %d with PostgreSQL down: %d %s (Set-Cookie: %s); log: %s",
                                 i + 1, r.status, r.body, set_cookie, srv.log_path);
                resp_free(&r);
        }
        /* now the form's body: no connection for it */
        assert_int_equal(conn_send(&form, body, strlen(body)), 0);
        int status, read = conn_read(&form, &r, false);
        conn_close(&form);
        if (read != 0)
                fail_msg("no answer to the form; log: %s", srv.log_path);
        assert_int_equal(r.status, 503);
        assert_non_null(strstr(r.body, "The database is not available"));
        assert_non_null(strstr(r.body, "action=\"/logout\"")); /* the member's page */
        resp_free(&r);
        assert_int_equal(waitpid(srv.pid, NULL, WNOHANG), 0); /* still running */
        /* PostgreSQL back: the pool opens new connections (none of the lost ones is lent
         * again, so not one request fails), and the member writes again with their session */
        assert_int_equal(postgresql_ctl(dir, "start"), 0);
        for (int i = 0; i < WRITERS + 8; i++)
                if ((status = status_of(&sam, EPISODE_PATH)) != 200)
                        fail_msg("request %d after PostgreSQL came back: %d; log: %s", i + 1,
                                 status, srv.log_path);
        char again[512] = "";
        form_append(again, sizeof(again), "_csrf", sam.csrf);
        form_append(again, sizeof(again), "body", "written once the database was back");
        assert_int_equal(http_do(srv.port, "POST", path, cookie,
                                 "application/x-www-form-urlencoded", again, strlen(again), &r),
                         0);
        assert_int_equal(r.status, 303);
        resp_free(&r);
        /* the form sent while it was away stored nothing; the one after, once */
        assert_int_equal(db_int("SELECT count(*) FROM comment WHERE body LIKE 'written while%'"),
                         0);
        assert_int_equal(db_int("SELECT count(*) FROM comment WHERE body LIKE 'written once%'"), 1);
}

/* Starts the test cluster's PostgreSQL again after a test that stopped it failed half-way, so
 * the teardown can drop the site's database. */
static int stop_with_postgresql_up(void **state)
{
        const char *dir = getenv("KINDRED_TEST_PG_DIR");
        if (dir && *dir && postgresql_ctl(dir, "status") != 0)
                postgresql_ctl(dir, "start");
        return kd_fixture_stop(state);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(acknowledged_writes_survive_kill9, start_without_limits,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(acknowledged_writes_survive_a_postgresql_crash,
                                            start_without_limits, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(members_while_postgresql_is_down, start_without_limits,
                                            stop_with_postgresql_up),
        };
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
