/* Black-box tests of the insights API (docs/insights.md, docs/api.md "Insights"): a small
 * synthetic community with exact dates, loaded with `kindred events load`, whose every metric
 * is worked out by hand below and checked through the JSON API and the CSV (which must agree
 * cell by cell); edge cases (an empty range, a single week, a member who only reacts, a reply
 * to oneself, authors replying, a range that cuts a season); errors; who may see insights.
 * One site for the whole file (the group setup builds it); KD_TEST_FILTER=pattern runs only
 * matching tests. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- the community
 *
 * Newsletter "field-notes", owned by tomas (T), co-written by june (J). Members: sam (S),
 * liwei (L), ana (A), mira (M; an author of another newsletter, a member here) and kai (K, a
 * new member without a password).
 *
 * Weeks (Monday 00:00 UTC): P = 2026-10-26, A = 2026-11-02, B = 2026-11-09, C = 2026-11-16.
 *
 * Season 1 "Roots, part one" (weekly on Mondays, cadence_n 1, finished):
 *   e1 Mon 2026-11-02, e2 Wed 2026-11-11 (due Mon 11-09, grace to Tue 11-10: late),
 *   e3 Mon 2026-11-16 (due the first Monday after 11-11: on time).
 * Season 2 "Branches" (every 7 days, on a break, returns 2027-01-04):
 *   e4 Fri 2026-11-20 (a season's first: on cadence).
 *
 * Events (HISTORY below): P: S follows. A: S views and reads e1, replies to A; L views e1 and
 * reacts; A views e1 and comments; M views e1; T (author) replies to A; guest 111 views and is
 * confirmed by the beacon, guest 222 only views. B: S views e2 and reacts; A views e2, builds
 * on it (other: T) and replies to herself; K views e2; M only reacts (to S). C: S views e3,
 * tries it, views e4; A views e3 and replies to S; K views e3, comments, replies to J; J
 * (co-author) replies to K; guest 333 views and reads e3; K views e4. */

#define NL    "field-notes"
#define API   "/api/v1/insights/" NL
#define RANGE "from=2026-11-02&to=2026-11-22"

static long id_s, id_l, id_a, id_m, id_k, id_tomas, id_june, nl_id, e1, e2, e3, e4;

static long member_id(const char *handle)
{
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT id FROM member WHERE handle = '%s'", handle);
        long id = (long)db_int(sql);
        assert_true(id > 0);
        return id;
}

static long add_episode(long season, int number, const char *slug, const char *title,
                        const char *publish_at)
{
        char sql[1024];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO episode (newsletter_id, season_id, number, author_id, slug, title, "
                 "body, body_html, body_text, status, publish_at, created_at, updated_at) VALUES "
                 "(%ld, %ld, %d, %ld, '%s', '%s', 'Text.', '<p>Text.</p>', 'Text.', 'published', "
                 "%lld, %lld, %lld)",
                 nl_id, season, number, id_tomas, slug, title, unix_at(publish_at),
                 unix_at(publish_at), unix_at(publish_at));
        db_exec(sql);
        snprintf(sql, sizeof(sql),
                 "SELECT id FROM episode WHERE slug = '%s' AND newsletter_id = %ld", slug, nl_id);
        return (long)db_int(sql);
}

/* A comment at an exact time (top level when parent is 0); returns its id. */
static long add_comment(long episode, long parent, long author, const char *at, const char *state)
{
        char sql[768];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO comment (episode_id, parent_id, root_id, depth, author_id, body, "
                 "body_html, state, created_at, updated_at) VALUES (%ld, %s, %ld, %d, %ld, 'Hi.', "
                 "'<p>Hi.</p>', '%s', %lld, %lld)",
                 episode, parent ? "?" : "NULL", parent, parent ? 1 : 0, author, state, unix_at(at),
                 unix_at(at));
        if (parent) { /* the parent as a literal (db_exec binds nothing) */
                char *q = strchr(sql, '?');
                char num[24];
                int len = snprintf(num, sizeof(num), "%ld", parent);
                memmove(q + len, q + 1, strlen(q + 1) + 1);
                memcpy(q, num, (size_t)len);
        }
        db_exec(sql);
        long id = (long)db_int("SELECT max(id) FROM comment");
        if (!parent) {
                snprintf(sql, sizeof(sql), "UPDATE comment SET root_id = id WHERE id = %ld", id);
                db_exec(sql);
        }
        return id;
}

static void load_history(void)
{
        /* at, kind, member, guest, newsletter, episode, other, item */
        char *h = NULL;
        size_t hl = 0;
        FILE *f = open_memstream(&h, &hl);
#define EV(at, kind, mem, guest, ep, other)                                                        \
        fprintf(f, "%s\t%s\t%s\t%s\t%ld\t%s\t%s\t\n", at, kind, mem, guest, nl_id, ep, other)
        char S[24], L[24], A[24], M[24], K[24], T[24], J[24], E1[24], E2[24], E3[24], E4[24];
        snprintf(S, sizeof(S), "%ld", id_s);
        snprintf(L, sizeof(L), "%ld", id_l);
        snprintf(A, sizeof(A), "%ld", id_a);
        snprintf(M, sizeof(M), "%ld", id_m);
        snprintf(K, sizeof(K), "%ld", id_k);
        snprintf(T, sizeof(T), "%ld", id_tomas);
        snprintf(J, sizeof(J), "%ld", id_june);
        snprintf(E1, sizeof(E1), "%ld", e1);
        snprintf(E2, sizeof(E2), "%ld", e2);
        snprintf(E3, sizeof(E3), "%ld", e3);
        snprintf(E4, sizeof(E4), "%ld", e4);
        /* week P */
        EV("2026-10-28T09:00:00Z", "follow", S, "", "", "");
        /* week A */
        EV("2026-11-02T12:00:00Z", "view", S, "", E1, "");
        EV("2026-11-02T12:05:00Z", "read", S, "", E1, "");
        EV("2026-11-02T13:00:00Z", "view", "", "111", E1, "");
        EV("2026-11-02T13:00:05Z", "seen", "", "111", E1, "");
        EV("2026-11-02T14:00:00Z", "view", "", "222", E1, "");
        EV("2026-11-03T09:00:00Z", "view", L, "", E1, "");
        EV("2026-11-03T09:10:00Z", "reaction", L, "", E1, "");
        EV("2026-11-04T10:00:00Z", "view", A, "", E1, "");
        EV("2026-11-04T10:00:00Z", "comment", A, "", E1, "");
        EV("2026-11-05T09:00:00Z", "view", M, "", E1, "");
        EV("2026-11-05T10:00:00Z", "reply", S, "", E1, A);
        EV("2026-11-05T12:00:00Z", "reply", T, "", E1, A);
        /* week B */
        EV("2026-11-11T12:00:00Z", "view", S, "", E2, "");
        EV("2026-11-11T12:10:00Z", "reaction", S, "", E2, "");
        EV("2026-11-11T13:00:00Z", "view", A, "", E2, "");
        EV("2026-11-11T15:00:00Z", "buildon", A, "", E2, T);
        EV("2026-11-12T08:00:00Z", "view", K, "", E2, "");
        EV("2026-11-12T09:00:00Z", "reply", A, "", E2, A);
        EV("2026-11-13T10:00:00Z", "reaction", M, "", E2, S);
        /* week C */
        EV("2026-11-16T09:00:00Z", "view", S, "", E3, "");
        EV("2026-11-16T10:00:00Z", "view", A, "", E3, "");
        EV("2026-11-16T11:00:00Z", "view", "", "333", E3, "");
        EV("2026-11-16T11:09:00Z", "read", "", "333", E3, "");
        EV("2026-11-17T08:00:00Z", "tried", S, "", E3, "");
        EV("2026-11-17T09:00:00Z", "view", K, "", E3, "");
        EV("2026-11-17T12:00:00Z", "reply", A, "", E3, S);
        EV("2026-11-18T10:00:00Z", "comment", K, "", E3, "");
        EV("2026-11-18T12:00:00Z", "reply", J, "", E3, K);
        EV("2026-11-18T13:00:00Z", "reply", K, "", E3, J);
        EV("2026-11-20T10:00:00Z", "view", S, "", E4, "");
        EV("2026-11-21T10:00:00Z", "view", K, "", E4, "");
#undef EV
        fclose(f);
        const char *args[] = {"events", "load", "-", NULL};
        assert_int_equal(kd_cli(&srv, h, args), 0);
        free(h);
}

static int build(void **state)
{
        if (kd_fixture_start(state) != 0)
                return -1;
        db_exec("INSERT INTO member (handle, handle_key, display_name, email, email_key, "
                "password_hash, created_at, updated_at) VALUES ('kai', 'kai', 'Kai', "
                "'kai@kindred.test', 'kai@kindred.test', 'x', 0, 0)");
        id_s = member_id("sam");
        id_l = member_id("liwei");
        id_a = member_id("ana");
        id_m = member_id("mira");
        id_k = member_id("kai");
        id_tomas = member_id("tomas");
        id_june = member_id("june");
        char sql[768];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO newsletter (slug, title, owner_id, created_at, updated_at) VALUES "
                 "('" NL "', 'Field Notes', %ld, 0, 0)",
                 id_tomas);
        db_exec(sql);
        nl_id = (long)db_int("SELECT id FROM newsletter WHERE slug = '" NL "'");
        snprintf(sql, sizeof(sql), "INSERT INTO newsletter_author VALUES (%ld, %ld)", nl_id,
                 id_june);
        db_exec(sql);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO season (newsletter_id, number, title, cadence, cadence_n, status, "
                 "created_at, updated_at) VALUES (%ld, 1, 'Roots, part one', 'weekly', 1, "
                 "'finished', 0, 0), (%ld, 2, 'Branches', 'days', 7, 'on-break', 0, 0)",
                 nl_id, nl_id);
        db_exec(sql);
        snprintf(sql, sizeof(sql),
                 "UPDATE season SET returns_at = %lld WHERE newsletter_id = %ld AND number = 2",
                 unix_at("2027-01-04"), nl_id);
        db_exec(sql);
        snprintf(sql, sizeof(sql), "SELECT id FROM season WHERE newsletter_id = %ld AND number = 1",
                 nl_id);
        long s1 = (long)db_int(sql);
        snprintf(sql, sizeof(sql), "SELECT id FROM season WHERE newsletter_id = %ld AND number = 2",
                 nl_id);
        long s2 = (long)db_int(sql);
        e1 = add_episode(s1, 1, "first-light", "First light, \"quoted\"", "2026-11-02 10:00:00");
        e2 = add_episode(s1, 2, "second-wind", "Second wind", "2026-11-11 10:00:00");
        e3 = add_episode(s1, 3, "third-rail", "Third rail", "2026-11-16 10:00:00");
        e4 = add_episode(s2, 1, "new-branch", "New branch", "2026-11-20 10:00:00");
        load_history();
        /* Threads for author presence (comments; the events above do not make them):
         *   c1 on e1 by A at 11-04 10:00: S replies 11-05 10:00, T (author) 11-05 12:00:
         *      joined, first author reply after 26 h = 93600 s;
         *   c2 on e3 by K at 11-18 10:00: J (co-author) replies 11-18 12:00: 7200 s;
         *   c3 on e2 by S at 11-11 15:00: no author reply;
         *   c4 on e2 by T (an author's own thread: not counted); c5 on e1 by L, deleted. */
        long c1 = add_comment(e1, 0, id_a, "2026-11-04 10:00:00", "visible");
        add_comment(e1, c1, id_s, "2026-11-05 10:00:00", "visible");
        add_comment(e1, c1, id_tomas, "2026-11-05 12:00:00", "visible");
        long c2 = add_comment(e3, 0, id_k, "2026-11-18 10:00:00", "visible");
        add_comment(e3, c2, id_june, "2026-11-18 12:00:00", "visible");
        add_comment(e2, 0, id_s, "2026-11-11 15:00:00", "visible");
        long c4 = add_comment(e2, 0, id_tomas, "2026-11-12 15:00:00", "visible");
        add_comment(e2, c4, id_june, "2026-11-12 16:00:00", "visible");
        add_comment(e1, 0, id_l, "2026-11-06 15:00:00", "deleted");
        return 0;
}

/* ---------------------------------------------------------------- reading the API */

static struct member owner;

static json_t *get_json(const struct member *m, const char *path)
{
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, path);
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

static long long num(json_t *o, const char *key)
{
        json_t *v = json_object_get(o, key);
        if (!json_is_integer(v))
                fail_msg("%s is not an integer", key);
        return (long long)json_integer_value(v);
}

/* A share (or any real): expected as text ("0.6667"), NULL for null. */
static void expect_real(json_t *o, const char *key, const char *expected)
{
        json_t *v = json_object_get(o, key);
        if (!expected) {
                if (!json_is_null(v))
                        fail_msg("%s: expected null, got %g", key, json_number_value(v));
                return;
        }
        if (!json_is_number(v) || fabs(json_number_value(v) - strtod(expected, NULL)) > 1e-9)
                fail_msg("%s: expected %s, got %g", key, expected, json_number_value(v));
}

#define EXPECT_NUM(o, key, n)                                                                      \
        do {                                                                                       \
                long long got_ = num(o, key);                                                      \
                if (got_ != (long long)(n))                                                        \
                        fail_msg("%s: expected %lld, got %lld", key, (long long)(n), got_);        \
        } while (0)

/* One parsed CSV record (RFC 4180: quoted fields, doubled quotes). */
static size_t csv_record(const char **p, char fields[][256], size_t max)
{
        size_t n = 0;
        const char *s = *p;
        for (;;) {
                char *out = fields[n];
                size_t len = 0;
                if (*s == '"') {
                        s++;
                        for (;;) {
                                if (*s == '"' && s[1] == '"') {
                                        out[len++] = '"';
                                        s += 2;
                                } else if (*s == '"') {
                                        s++;
                                        break;
                                } else {
                                        assert_true(*s != '\0');
                                        out[len++] = *s++;
                                }
                        }
                } else {
                        while (*s && *s != ',' && *s != '\r')
                                out[len++] = *s++;
                }
                out[len] = '\0';
                n++;
                assert_true(n < max);
                if (*s == ',') {
                        s++;
                        continue;
                }
                assert_true(s[0] == '\r' && s[1] == '\n');
                *p = s + 2;
                return n;
        }
}

/* The JSON answer of metric (at query) and its CSV agree: the same columns, and every cell
 * the same value. Returns the number of data rows. */
static size_t expect_csv_agrees(const struct member *m, const char *metric, const char *query)
{
        char path[512];
        snprintf(path, sizeof(path), API "/%s?%s", metric, query);
        json_t *j = get_json(m, path);
        json_t *rows = json_object_get(j, metric);
        if (json_is_object(rows)) {
                json_t *a = json_array();
                json_array_append(a, rows);
                rows = a;
        } else {
                json_incref(rows);
        }
        snprintf(path, sizeof(path), API "/%s?%s&format=csv", metric, query);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, path);
        char ctype[128];
        header(&r, "Content-Type", ctype, sizeof(ctype));
        assert_string_equal(ctype, "text/csv; charset=utf-8");
        static char head[64][256], cell[64][256];
        const char *p = r.body;
        size_t ncols = csv_record(&p, head, 64);
        size_t n = 0;
        while (*p) {
                size_t k = csv_record(&p, cell, 64);
                assert_int_equal(k, ncols);
                json_t *row = json_array_get(rows, n);
                assert_non_null(row);
                assert_int_equal(json_object_size(row), ncols);
                for (size_t c = 0; c < ncols; c++) {
                        json_t *v = json_object_get(row, head[c]);
                        if (!v)
                                fail_msg("%s: CSV column %s is not in the JSON", metric, head[c]);
                        bool same;
                        if (json_is_null(v))
                                same = cell[c][0] == '\0';
                        else if (json_is_string(v))
                                same = strcmp(json_string_value(v), cell[c]) == 0;
                        else if (json_is_boolean(v))
                                same = strcmp(json_is_true(v) ? "true" : "false", cell[c]) == 0;
                        else
                                same = cell[c][0] &&
                                       fabs(json_number_value(v) - strtod(cell[c], NULL)) < 1e-9;
                        if (!same)
                                fail_msg("%s row %zu column %s: CSV \"%s\" but JSON differs",
                                         metric, n, head[c], cell[c]);
                }
                n++;
        }
        assert_int_equal(n, json_array_size(rows));
        resp_free(&r);
        json_decref(rows);
        json_decref(j);
        return n;
}

/* ---------------------------------------------------------------- the metrics, by hand */

static void test_weeks(void **state)
{
        (void)state;
        json_t *j = get_json(&owner, API "/weeks?" RANGE);
        json_t *range = json_object_get(j, "range");
        assert_string_equal(jstr(range, "from"), "2026-11-02");
        assert_string_equal(jstr(range, "to"), "2026-11-22");
        EXPECT_NUM(range, "weeks", 3);
        json_t *w = json_object_get(j, "weeks");
        assert_int_equal(json_array_size(w), 3);
        json_t *a = json_array_get(w, 0), *b = json_array_get(w, 1), *c = json_array_get(w, 2);
        assert_string_equal(jstr(a, "week"), "2026-11-02");
        assert_string_equal(jstr(c, "week"), "2026-11-16");
        /* Week A: active S, L, A, M, T = 5; returned: S (first active in P) = 1 -> 1/5 = 0.2.
         * Highest rungs: M reader; L reactor; S (reply), A (comment), T (reply) commenters. */
        EXPECT_NUM(a, "active", 5);
        EXPECT_NUM(a, "returned", 1);
        expect_real(a, "returning_rate", "0.2");
        EXPECT_NUM(a, "readers", 1);
        EXPECT_NUM(a, "reactors", 1);
        EXPECT_NUM(a, "commenters", 3);
        EXPECT_NUM(a, "builders", 0);
        EXPECT_NUM(a, "new_members", 4); /* L, A, M, T */
        /* Pairs: S-A (S replied to A), T-A (T replied to A); connected S, A, T. Members up to
         * A: S (from P) + 4 = 5. */
        EXPECT_NUM(a, "new_pairs", 2);
        EXPECT_NUM(a, "connections", 2);
        EXPECT_NUM(a, "connected_members", 3);
        EXPECT_NUM(a, "members", 5);
        /* Views: S, L, A, M and guests 111, 222 = 6, of them members' 4. Visitors by day:
         * 11-02 S, 111, 222; 11-03 L; 11-04 A; 11-05 M = 6. Guest readers: 111 (beacon) = 1.
         * Completions: S = 1. Reactions: L. Comments: A. Replies: S->A, T->A = 2, of them
         * member-to-member S->A = 1, by an author T->A = 1: share 1/2. */
        EXPECT_NUM(a, "views", 6);
        EXPECT_NUM(a, "member_views", 4);
        EXPECT_NUM(a, "visitors", 6);
        EXPECT_NUM(a, "guest_readers", 1);
        EXPECT_NUM(a, "completions", 1);
        EXPECT_NUM(a, "reactions", 1);
        EXPECT_NUM(a, "comments", 1);
        EXPECT_NUM(a, "replies", 2);
        EXPECT_NUM(a, "member_replies", 1);
        EXPECT_NUM(a, "author_replies", 1);
        expect_real(a, "member_reply_share", "0.5");
        /* Week B: active S, A, K, M = 4; returned S, A, M = 3 -> 0.75. Rungs: K reader; S, M
         * reactors; A builder. New: K. New pair M-S (A-T existed; A's reply to herself makes
         * none): 3 pairs, connected + M = 4, members 6. Views S, A, K = 3; visitors 11-11 S,
         * A; 11-12 K = 3. Reactions S, M = 2. Replies: A to herself = 1, member-to-member 0
         * (one side must be someone else): share 0/1 = 0. Build-ons 1. */
        EXPECT_NUM(b, "active", 4);
        EXPECT_NUM(b, "returned", 3);
        expect_real(b, "returning_rate", "0.75");
        EXPECT_NUM(b, "readers", 1);
        EXPECT_NUM(b, "reactors", 2);
        EXPECT_NUM(b, "commenters", 0);
        EXPECT_NUM(b, "builders", 1);
        EXPECT_NUM(b, "new_members", 1);
        EXPECT_NUM(b, "new_pairs", 1);
        EXPECT_NUM(b, "connections", 3);
        EXPECT_NUM(b, "connected_members", 4);
        EXPECT_NUM(b, "members", 6);
        EXPECT_NUM(b, "views", 3);
        EXPECT_NUM(b, "visitors", 3);
        EXPECT_NUM(b, "reactions", 2);
        EXPECT_NUM(b, "replies", 1);
        EXPECT_NUM(b, "member_replies", 0);
        expect_real(b, "member_reply_share", "0");
        EXPECT_NUM(b, "buildons", 1);
        /* Week C: active S, A, K, J = 4; returned S, A, K = 3. Rungs: A, K, J commenters; S
         * builder (tried). New: J. New pair J-K (A-S existed): 4 pairs; connected + J, K = 6;
         * members 7. Views S e3, A e3, 333 e3, K e3, S e4, K e4 = 6, members' 5. Visitors 11-16
         * S, A, 333; 11-17 K; 11-20 S; 11-21 K = 6. Guest readers 333; completions 333.
         * Replies A->S (member), J->K (author), K->J (to an author: neither) = 3: 1/3. */
        EXPECT_NUM(c, "active", 4);
        EXPECT_NUM(c, "returned", 3);
        EXPECT_NUM(c, "readers", 0);
        EXPECT_NUM(c, "reactors", 0);
        EXPECT_NUM(c, "commenters", 3);
        EXPECT_NUM(c, "builders", 1);
        EXPECT_NUM(c, "new_members", 1);
        EXPECT_NUM(c, "new_pairs", 1);
        EXPECT_NUM(c, "connections", 4);
        EXPECT_NUM(c, "connected_members", 6);
        EXPECT_NUM(c, "members", 7);
        EXPECT_NUM(c, "views", 6);
        EXPECT_NUM(c, "member_views", 5);
        EXPECT_NUM(c, "visitors", 6);
        EXPECT_NUM(c, "guest_readers", 1);
        EXPECT_NUM(c, "completions", 1);
        EXPECT_NUM(c, "comments", 1);
        EXPECT_NUM(c, "replies", 3);
        EXPECT_NUM(c, "member_replies", 1);
        EXPECT_NUM(c, "author_replies", 1);
        expect_real(c, "member_reply_share", "0.3333");
        EXPECT_NUM(c, "tried", 1);
        json_decref(j);
        assert_int_equal(expect_csv_agrees(&owner, "weeks", RANGE), 3);
}

static void test_summary_ladder_momentum(void **state)
{
        (void)state;
        json_t *j = get_json(&owner, API "?" RANGE);
        /* Highest rung over A..C: S 4 (tried), A 4 (build-on), T 3, K 3, J 3, L 2, M 2:
         * exactly at 1..4: 0, 2, 3, 2; at least: 7, 7, 5, 2; conversion 7/7, 5/7, 2/5. */
        json_t *ladder = json_object_get(j, "ladder");
        assert_int_equal(json_array_size(ladder), 4);
        const long long at[4] = {0, 2, 3, 2}, least[4] = {7, 7, 5, 2};
        const char *conv[4] = {NULL, "1", "0.7143", "0.4"};
        for (size_t i = 0; i < 4; i++) {
                json_t *r = json_array_get(ladder, i);
                EXPECT_NUM(r, "members_at", at[i]);
                EXPECT_NUM(r, "members_at_least", least[i]);
                expect_real(r, "conversion", conv[i]);
        }
        assert_string_equal(jstr(json_array_get(ladder, 2), "step"), "commenters");
        /* Summary: 7 members, returning = first active before 11-02: S = 1 -> 0.1429. Replies
         * 2 + 1 + 3 = 6, member-to-member 1 + 0 + 1 = 2 -> 0.3333; by authors 2.
         * Commitment: (16*2 + 49*3 + 100*2) / 7 = 379 / 7 = 54.142857 -> 54.14. The previous
         * range (3 weeks to 11-01) has S alone at rung 1: 1/1 = 1.00. Momentum 53.14. */
        json_t *s = json_object_get(j, "summary");
        EXPECT_NUM(s, "members", 7);
        EXPECT_NUM(s, "returning", 1);
        expect_real(s, "returning_rate", "0.1429");
        EXPECT_NUM(s, "replies", 6);
        EXPECT_NUM(s, "member_replies", 2);
        EXPECT_NUM(s, "author_replies", 2);
        expect_real(s, "member_reply_share", "0.3333");
        EXPECT_NUM(s, "buildons", 1);
        EXPECT_NUM(s, "tried", 1);
        expect_real(s, "commitment", "54.14");
        expect_real(s, "momentum", "53.14");
        json_t *m = json_object_get(j, "momentum");
        assert_string_equal(jstr(m, "previous_from"), "2026-10-12");
        assert_string_equal(jstr(m, "previous_to"), "2026-11-01");
        EXPECT_NUM(m, "previous_members", 1);
        expect_real(m, "previous_commitment", "1");
        /* Vanity: views 6 + 3 + 6 = 15, visitors 6 + 3 + 6 = 15, guest readers 2,
         * completions 2. */
        json_t *v = json_object_get(j, "vanity");
        EXPECT_NUM(v, "views", 15);
        EXPECT_NUM(v, "visitors", 15);
        EXPECT_NUM(v, "guest_readers", 2);
        EXPECT_NUM(v, "completions", 2);
        /* Connections over the range: 4 pairs, all new; 6 of 7 members connected (L is not):
         * 6/7 = 0.857142 -> 0.8571. */
        json_t *c = json_object_get(j, "connections");
        EXPECT_NUM(c, "pairs_total", 4);
        EXPECT_NUM(c, "pairs_new", 4);
        EXPECT_NUM(c, "members_total", 7);
        EXPECT_NUM(c, "members_connected", 6);
        expect_real(c, "connected_share", "0.8571");
        json_decref(j);
        const char *csv[] = {"summary", "ladder", "momentum", "vanity", "connections"};
        for (size_t i = 0; i < 5; i++)
                expect_csv_agrees(&owner, csv[i], RANGE);
}

static void test_retention_and_cohorts(void **state)
{
        (void)state;
        /* Season 1's members by episode: e1 S, L, A, M, T; e2 S, A, K, M; e3 S, A, K, J.
         * Retention from e1 (5 members): e1 5/5, e2 (S, A, M) 3/5, e3 (S, A) 2/5. */
        json_t *j = get_json(&owner, API "?" RANGE "&season=1");
        json_t *scope = json_object_get(j, "scope");
        assert_string_equal(jstr(scope, "kind"), "season");
        json_t *rt = json_object_get(j, "retention");
        assert_int_equal(json_array_size(rt), 3);
        const long long readers[3] = {5, 4, 4}, retained[3] = {5, 3, 2};
        const char *share[3] = {"1", "0.6", "0.4"};
        for (size_t i = 0; i < 3; i++) {
                json_t *r = json_array_get(rt, i);
                EXPECT_NUM(r, "episode", (long long)i + 1);
                EXPECT_NUM(r, "readers", readers[i]);
                EXPECT_NUM(r, "retained", retained[i]);
                expect_real(r, "retention", share[i]);
        }
        /* Cohorts by first episode: e1 {S, L, A, M, T} read e1 5, e2 3, e3 2; e2 {K} read e2 1,
         * e3 1; e3 {J} read e3 1. Six cells (none before a cohort's start). */
        json_t *co = json_object_get(j, "cohorts");
        assert_int_equal(json_array_size(co), 6);
        const long long cohort[6] = {1, 1, 1, 2, 2, 3}, size[6] = {5, 5, 5, 1, 1, 1},
                        ep[6] = {1, 2, 3, 2, 3, 3}, read[6] = {5, 3, 2, 1, 1, 1};
        const char *cs[6] = {"1", "0.6", "0.4", "1", "1", "1"};
        for (size_t i = 0; i < 6; i++) {
                json_t *r = json_array_get(co, i);
                EXPECT_NUM(r, "cohort", cohort[i]);
                EXPECT_NUM(r, "cohort_size", size[i]);
                EXPECT_NUM(r, "episode", ep[i]);
                EXPECT_NUM(r, "read", read[i]);
                expect_real(r, "share", cs[i]);
        }
        /* Carry-over ends at the season shown: none into season 1. */
        assert_int_equal(json_array_size(json_object_get(j, "carryover")), 0);
        /* The season scope's per-episode rows, newest first, carry the retention share; the
         * weekly counters are the season's own (week C without e4: 4 views). */
        json_t *eps = json_object_get(j, "episodes");
        assert_int_equal(json_array_size(eps), 3);
        json_t *r3 = json_array_get(eps, 0), *r1 = json_array_get(eps, 2);
        assert_string_equal(jstr(r3, "slug"), "third-rail");
        expect_real(r3, "retention", "0.4");
        /* e1: views S, L, A, M, 111, 222 = 6; visitors 6; guest readers 1; completions 1;
         * reactions 1; comments 1; replies 2, member-to-member 1; 5 members first came. */
        assert_string_equal(jstr(r1, "title"), "First light, \"quoted\"");
        EXPECT_NUM(r1, "views", 6);
        EXPECT_NUM(r1, "visitors", 6);
        EXPECT_NUM(r1, "guest_readers", 1);
        EXPECT_NUM(r1, "readers", 5);
        EXPECT_NUM(r1, "replies", 2);
        EXPECT_NUM(r1, "member_replies", 1);
        assert_true(json_is_true(json_object_get(r1, "on_cadence")));
        assert_true(json_is_false(json_object_get(json_array_get(eps, 1), "on_cadence")));
        EXPECT_NUM(json_array_get(json_object_get(j, "weeks"), 2), "views", 4);
        json_decref(j);
        const char *csv[] = {"retention", "cohorts", "episodes"};
        for (size_t i = 0; i < 3; i++)
                expect_csv_agrees(&owner, csv[i], RANGE "&season=1");
        /* For the newsletter the chart shows season 2 (the latest by 11-22), so carry-over
         * 1 -> 2: season 1 has 7 members; season 2 (e4) S, K; both carried over: 2/7 =
         * 0.285714 -> 0.2857. */
        j = get_json(&owner, API "/carryover?" RANGE);
        json_t *all = json_object_get(j, "carryover");
        assert_int_equal(json_array_size(all), 1);
        json_t *cv = json_array_get(all, 0);
        EXPECT_NUM(cv, "from_season", 1);
        EXPECT_NUM(cv, "to_season", 2);
        EXPECT_NUM(cv, "from_members", 7);
        EXPECT_NUM(cv, "to_members", 2);
        EXPECT_NUM(cv, "carried", 2);
        expect_real(cv, "share", "0.2857");
        json_decref(j);
        assert_int_equal(expect_csv_agrees(&owner, "carryover", RANGE), 1);
}

static void test_presence_and_consistency(void **state)
{
        (void)state;
        json_t *j = get_json(&owner, API "?" RANGE);
        /* Threads by non-authors, not deleted, begun in the range: c1, c2, c3 = 3; joined by an
         * author: c1 (T after 93600 s), c2 (J after 7200 s) -> 2/3; median (7200 + 93600) / 2
         * = 50400 s. */
        json_t *p = json_object_get(j, "presence");
        EXPECT_NUM(p, "threads", 3);
        EXPECT_NUM(p, "joined", 2);
        expect_real(p, "joined_share", "0.6667");
        EXPECT_NUM(p, "median_first_reply_seconds", 50400);
        /* Published in the range: e1, e2, e3, e4, all in seasons with a cadence; on cadence
         * e1 (first), e3, e4 (first of season 2), late e2 -> 3/4. Streak newest back: e4, e3
         * then e2 late = 2. Season 2 is on a break (not airing): nothing overdue. */
        json_t *c = json_object_get(j, "consistency");
        EXPECT_NUM(c, "published", 4);
        EXPECT_NUM(c, "with_cadence", 4);
        EXPECT_NUM(c, "on_cadence", 3);
        expect_real(c, "on_cadence_share", "0.75");
        EXPECT_NUM(c, "streak", 2);
        assert_true(json_is_false(json_object_get(c, "overdue")));
        json_t *b = json_object_get(j, "breaks");
        assert_int_equal(json_array_size(b), 1);
        EXPECT_NUM(json_array_get(b, 0), "season", 2);
        assert_string_equal(jstr(json_array_get(b, 0), "returns_at"), "2027-01-04");
        json_decref(j);
        const char *csv[] = {"presence", "consistency", "breaks"};
        for (size_t i = 0; i < 3; i++)
                expect_csv_agrees(&owner, csv[i], RANGE);
}

/* ---------------------------------------------------------------- edge cases */

static void test_empty_range(void **state)
{
        (void)state;
        json_t *j = get_json(&owner, API "?from=2026-09-07&to=2026-09-13");
        json_t *w = json_object_get(j, "weeks");
        assert_int_equal(json_array_size(w), 1);
        EXPECT_NUM(json_array_get(w, 0), "active", 0);
        expect_real(json_array_get(w, 0), "returning_rate", NULL);
        expect_real(json_array_get(w, 0), "member_reply_share", NULL);
        json_t *s = json_object_get(j, "summary");
        EXPECT_NUM(s, "members", 0);
        expect_real(s, "returning_rate", NULL);
        expect_real(s, "commitment", "0");
        expect_real(s, "momentum", NULL); /* nobody in the weeks before: nothing to compare */
        expect_real(json_array_get(json_object_get(j, "ladder"), 1), "conversion", NULL);
        EXPECT_NUM(json_object_get(j, "presence"), "threads", 0);
        expect_real(json_object_get(j, "presence"), "median_first_reply_seconds", NULL);
        EXPECT_NUM(json_object_get(j, "consistency"), "published", 0);
        assert_int_equal(json_array_size(json_object_get(j, "episodes")), 0);
        assert_int_equal(json_array_size(json_object_get(j, "retention")), 0);
        json_decref(j);
        expect_csv_agrees(&owner, "weeks", "from=2026-09-07&to=2026-09-13");
        assert_int_equal(expect_csv_agrees(&owner, "episodes", "from=2026-09-07&to=2026-09-13"), 0);
}

static void test_single_week(void **state)
{
        (void)state;
        /* A Wednesday alone rounds out to week B, 11-09 .. 11-15. */
        json_t *j = get_json(&owner, API "?from=2026-11-11&to=2026-11-11");
        json_t *range = json_object_get(j, "range");
        assert_string_equal(jstr(range, "from"), "2026-11-09");
        assert_string_equal(jstr(range, "to"), "2026-11-15");
        /* Week B's ladder: K 1; S 2, M 2 (M only reacted); A 4: at 1, 2, 0, 1. Returning:
         * S, A, M were active before 11-09: 3/4. Commitment (1 + 16*2 + 100) / 4 = 33.25;
         * the week before (A): M 1, L 2, S/A/T 3: (1 + 16 + 147) / 5 = 32.80. Momentum 0.45.
         * Replies: A to herself only: 1 reply, 0 member-to-member. */
        json_t *l = json_object_get(j, "ladder");
        const long long at[4] = {1, 2, 0, 1};
        for (size_t i = 0; i < 4; i++)
                EXPECT_NUM(json_array_get(l, i), "members_at", at[i]);
        expect_real(json_array_get(l, 2), "conversion", "0.3333");
        expect_real(json_array_get(l, 3), "conversion", "1");
        json_t *s = json_object_get(j, "summary");
        EXPECT_NUM(s, "members", 4);
        EXPECT_NUM(s, "returning", 3);
        expect_real(s, "returning_rate", "0.75");
        expect_real(s, "commitment", "33.25");
        expect_real(s, "momentum", "0.45");
        EXPECT_NUM(s, "replies", 1);
        EXPECT_NUM(s, "member_replies", 0);
        expect_real(s, "member_reply_share", "0");
        json_t *m = json_object_get(j, "momentum");
        expect_real(m, "previous_commitment", "32.8");
        EXPECT_NUM(m, "previous_members", 5);
        /* Presence in week B: c3 only (c4 is the author's own): 0 of 1 joined, no median. */
        json_t *p = json_object_get(j, "presence");
        EXPECT_NUM(p, "threads", 1);
        EXPECT_NUM(p, "joined", 0);
        expect_real(p, "joined_share", "0");
        expect_real(p, "median_first_reply_seconds", NULL);
        json_decref(j);
        expect_csv_agrees(&owner, "ladder", "from=2026-11-11&to=2026-11-11");
}

static void test_range_cuts_season(void **state)
{
        (void)state;
        /* To 11-15: season 1 is the latest with an episode out (e1, e2; e3 comes 11-16).
         * Retention e2 3/5; consistency: e1 on cadence, e2 late -> 1/2, streak 0; threads c1
         * (joined after 93600 s) and c3: 1/2, median 93600. */
        json_t *j = get_json(&owner, API "?from=2026-11-02&to=2026-11-15");
        json_t *rt = json_object_get(j, "retention");
        assert_int_equal(json_array_size(rt), 2);
        EXPECT_NUM(json_array_get(rt, 0), "season", 1);
        expect_real(json_array_get(rt, 1), "retention", "0.6");
        json_t *c = json_object_get(j, "consistency");
        EXPECT_NUM(c, "published", 2);
        EXPECT_NUM(c, "on_cadence", 1);
        expect_real(c, "on_cadence_share", "0.5");
        EXPECT_NUM(c, "streak", 0);
        json_t *p = json_object_get(j, "presence");
        EXPECT_NUM(p, "threads", 2);
        EXPECT_NUM(p, "joined", 1);
        expect_real(p, "joined_share", "0.5");
        EXPECT_NUM(p, "median_first_reply_seconds", 93600);
        assert_int_equal(json_array_size(json_object_get(j, "carryover")), 0);
        /* The newsletter scope's latest season by 11-22 is season 2: one episode, e4, whose
         * members S and K are all of "episode 1". */
        json_decref(j);
        j = get_json(&owner, API "/retention?" RANGE);
        rt = json_object_get(j, "retention");
        assert_int_equal(json_array_size(rt), 1);
        EXPECT_NUM(json_array_get(rt, 0), "season", 2);
        EXPECT_NUM(json_array_get(rt, 0), "readers", 2);
        json_decref(j);
}

static void test_episode_scope(void **state)
{
        (void)state;
        json_t *j = get_json(&owner, API "?" RANGE "&episode=third-rail");
        assert_string_equal(jstr(json_object_get(j, "scope"), "kind"), "episode");
        /* e3 alone: week C views S, A, 333, K = 4; replies 3; presence c2 only, joined. */
        json_t *c = json_array_get(json_object_get(j, "weeks"), 2);
        EXPECT_NUM(c, "views", 4);
        EXPECT_NUM(c, "replies", 3);
        EXPECT_NUM(json_object_get(j, "presence"), "threads", 1);
        EXPECT_NUM(json_object_get(j, "presence"), "median_first_reply_seconds", 7200);
        EXPECT_NUM(json_object_get(j, "consistency"), "published", 1);
        assert_int_equal(json_array_size(json_object_get(j, "episodes")), 1);
        json_decref(j);
}

/* ---------------------------------------------------------------- errors and permissions */

static void test_errors(void **state)
{
        (void)state;
        struct http_resp r;
        api(&owner, "GET", API "?from=2026-13-01", NULL, false, &r);
        expect_api_error(&r, 400, NULL, "a month 13");
        resp_free(&r);
        api(&owner, "GET", API "?from=11/02/2026", NULL, false, &r);
        expect_api_error(&r, 400, NULL, "not YYYY-MM-DD");
        resp_free(&r);
        api(&owner, "GET", API "?from=2026-11-20&to=2026-11-02", NULL, false, &r);
        expect_api_error(&r, 400, NULL, "a reversed range");
        resp_free(&r);
        api(&owner, "GET", API "?from=2000-01-03&to=2026-11-02", NULL, false, &r);
        expect_api_error(&r, 400, NULL, "more than KD_INSIGHT_WEEKS_MAX weeks");
        resp_free(&r);
        api(&owner, "GET", API "?season=9", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "an unknown season");
        resp_free(&r);
        api(&owner, "GET", API "?episode=no-such-episode", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "an unknown episode");
        resp_free(&r);
        api(&owner, "GET", API "/no-such-metric", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "an unknown metric");
        resp_free(&r);
        api(&owner, "GET", API "/weeks?format=xml", NULL, false, &r);
        expect_api_error(&r, 400, NULL, "an unknown format");
        resp_free(&r);
        api(&owner, "GET", API "?format=csv", NULL, false, &r);
        expect_api_error(&r, 400, NULL, "CSV of everything");
        resp_free(&r);
        api(&owner, "GET", "/api/v1/insights/no-such-letter", NULL, false, &r);
        expect_api_error(&r, 404, NULL, "an unknown newsletter");
        resp_free(&r);
        /* The default range: the 12 weeks up to this one. */
        json_t *j = get_json(&owner, API "/vanity");
        EXPECT_NUM(json_object_get(j, "range"), "weeks", 12);
        json_decref(j);
}

static void test_permissions(void **state)
{
        (void)state;
        struct member m;
        struct http_resp r;
        /* A guest, a reader, another newsletter's author: refused. */
        api(NULL, "GET", API "?" RANGE, NULL, false, &r);
        if (r.status != 401 && r.status != 403)
                fail_resp(&r, "a guest must not see insights");
        resp_free(&r);
        const char *refused[] = {"sam", "mira"};
        for (size_t i = 0; i < 2; i++) {
                login_as(&m, refused[i], NULL);
                api(&m, "GET", API "?" RANGE, NULL, false, &r);
                expect_api_error(&r, 403, NULL, refused[i]);
                resp_free(&r);
                api(&m, "GET", API "/weeks?" RANGE "&format=csv", NULL, false, &r);
                expect_status(&r, 403, "no CSV either");
                resp_free(&r);
                api(&m, "GET", "/api/v1/insights", NULL, false, &r);
                expect_status(&r, 403, "nor the site's");
                resp_free(&r);
        }
        /* The co-author and an admin: the same numbers as the owner. */
        const char *allowed[] = {"june", "admin"};
        for (size_t i = 0; i < 2; i++) {
                login_as(&m, allowed[i], NULL);
                json_t *j = get_json(&m, API "/connections?" RANGE);
                EXPECT_NUM(json_object_get(j, "connections"), "pairs_total", 4);
                json_decref(j);
        }
        /* The owner may not see the site as a whole; an admin may, and it holds at least this
         * newsletter's numbers. */
        api(&owner, "GET", "/api/v1/insights", NULL, false, &r);
        expect_status(&r, 403, "the site-wide insights are for admins");
        resp_free(&r);
        login_as(&m, "admin", NULL);
        json_t *j = get_json(&m, "/api/v1/insights?" RANGE);
        assert_string_equal(jstr(json_object_get(j, "scope"), "kind"), "site");
        assert_true(num(json_object_get(j, "summary"), "replies") >= 6);
        assert_true(num(json_object_get(j, "vanity"), "views") >= 15);
        json_decref(j);
        j = get_json(&m, "/api/v1/insights?" RANGE "&metric=weeks");
        assert_int_equal(json_array_size(json_object_get(j, "weeks")), 3);
        assert_null(json_object_get(j, "ladder"));
        json_decref(j);
}

static int login_owner(void **state)
{
        (void)state;
        login_as(&owner, "tomas", NULL);
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup(test_weeks, login_owner),
            cmocka_unit_test_setup(test_summary_ladder_momentum, login_owner),
            cmocka_unit_test_setup(test_retention_and_cohorts, login_owner),
            cmocka_unit_test_setup(test_presence_and_consistency, login_owner),
            cmocka_unit_test_setup(test_empty_range, login_owner),
            cmocka_unit_test_setup(test_single_week, login_owner),
            cmocka_unit_test_setup(test_range_cuts_season, login_owner),
            cmocka_unit_test_setup(test_episode_scope, login_owner),
            cmocka_unit_test_setup(test_errors, login_owner),
            cmocka_unit_test_setup(test_permissions, login_owner),
        };
        const char *filter = getenv("KD_TEST_FILTER");
        if (filter)
                cmocka_set_test_filter(filter);
        return cmocka_run_group_tests(tests, build, kd_fixture_stop);
}
