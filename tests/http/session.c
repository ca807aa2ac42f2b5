/* The shared HTTP test helpers (see session.h). */
#include "session.h"
#include "mailbox.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct kd_server srv;

void get(const struct member *m, const char *path, struct http_resp *r)
{
        char cookie[1024] = "";
        if (m)
                jar_header(&m->jar, cookie, sizeof(cookie));
        assert_int_equal(http_do(srv.port, "GET", path, cookie, NULL, NULL, 0, r), 0);
}

int status_of(const struct member *m, const char *path)
{
        struct http_resp r;
        get(m, path, &r);
        int status = r.status;
        resp_free(&r);
        return status;
}

void login_as(struct member *m, const char *handle, const char *password)
{
        memset(m, 0, sizeof(*m));
        snprintf(m->handle, sizeof(m->handle), "%s", handle);
        assert_int_equal(kd_login(srv.port, &m->jar, handle, password ? password : DEMO_PW), 303);
        assert_non_null(jar_get(&m->jar, "kd_session"));
        /* every page carries the session's token in the logout form */
        struct http_resp r;
        get(m, "/", &r);
        assert_int_equal(r.status, 200);
        assert_true(find_csrf(r.body, m->csrf, sizeof(m->csrf)));
        resp_free(&r);
}

void signup_as(struct member *m, const char *handle)
{
        memset(m, 0, sizeof(*m));
        snprintf(m->handle, sizeof(m->handle), "%s", handle);
        struct http_resp r;
        get(m, "/signup", &r);
        assert_int_equal(r.status, 200);
        jar_update(&m->jar, &r);
        char csrf[128], email[96], body[1024] = "";
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        snprintf(email, sizeof(email), "%s@kindred.test", handle);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "handle", handle);
        form_append(body, sizeof(body), "display_name", handle);
        form_append(body, sizeof(body), "email", email);
        form_append(body, sizeof(body), "password", DEMO_PW);
        post_form(m, "/signup", body, &r);
        if (r.status != 200 || !strstr(r.body, "Check your inbox"))
                fail_resp(&r, "the signup was refused");
        jar_update(&m->jar, &r);
        resp_free(&r);
        assert_null(jar_get(&m->jar, "kd_session")); /* no account before the link is used */
        if (confirm_signup(m, email) != 303)
                fail_msg("the confirmation link of %s did not create the account", email);
        assert_non_null(jar_get(&m->jar, "kd_session"));
        get(m, "/", &r);
        assert_int_equal(r.status, 200);
        assert_true(find_csrf(r.body, m->csrf, sizeof(m->csrf)));
        resp_free(&r);
}

int confirm_signup_on(int port, struct member *m, const char *email)
{
        char token[128];
        if (!mailbox_token(email, "signup", "/signup/confirm", token, sizeof(token)))
                fail_msg("no confirmation link was queued to %s", email);
        char path[256], cookie[1024], csrf[128], body[512] = "";
        snprintf(path, sizeof(path), "/signup/confirm?token=%s", token);
        struct http_resp r;
        jar_header(&m->jar, cookie, sizeof(cookie));
        assert_int_equal(http_do(port, "GET", path, cookie, NULL, NULL, 0, &r), 0);
        if (r.status != 200 || !find_csrf(r.body, csrf, sizeof(csrf)))
                fail_resp(&r, "the confirmation page did not offer its button");
        jar_update(&m->jar, &r);
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "token", token);
        post_form_to(port, m, "/signup/confirm", body, &r);
        int status = r.status;
        jar_update(&m->jar, &r);
        resp_free(&r);
        return status;
}

int confirm_signup(struct member *m, const char *email)
{
        return confirm_signup_on(srv.port, m, email);
}

size_t count(const char *hay, const char *needle)
{
        size_t n = 0, l = strlen(needle);
        for (const char *p = hay ? strstr(hay, needle) : NULL; p; p = strstr(p + l, needle))
                n++;
        return n;
}

/* Copies what follows `before` in hay up to (not including) the first of `stop` into out. */
bool extract(const char *hay, const char *before, const char *stop, char *out, size_t size)
{
        const char *p = hay ? strstr(hay, before) : NULL;
        if (!p)
                return false;
        p += strlen(before);
        size_t l = strcspn(p, stop);
        if (l >= size)
                return false;
        memcpy(out, p, l);
        out[l] = '\0';
        return true;
}

/* Fails the test with what went wrong, the status and the start of the page (freeing r first,
 * so a failing test leaks nothing under the sanitizers). */
void fail_resp(struct http_resp *r, const char *what)
{
        char snippet[900];
        const char *m = r->body ? strstr(r->body, "<main") : NULL;
        snprintf(snippet, sizeof(snippet), "%.800s", m ? m : (r->body ? r->body : ""));
        int status = r->status;
        resp_free(r);
        fail_msg("%s (status %d):\n%s", what, status, snippet);
}

void expect_status(struct http_resp *r, int status, const char *what)
{
        if (r->status != status) {
                char msg[300];
                snprintf(msg, sizeof(msg), "%s: expected %d", what, status);
                fail_resp(r, msg);
        }
}

void expect_in(struct http_resp *r, const char *needle, const char *what)
{
        if (!r->body || !strstr(r->body, needle)) {
                char msg[600];
                snprintf(msg, sizeof(msg), "%s: no \"%.400s\" in the page", what, needle);
                fail_resp(r, msg);
        }
}

void expect_not_in(struct http_resp *r, const char *needle, const char *what)
{
        if (r->body && strstr(r->body, needle)) {
                char msg[600];
                snprintf(msg, sizeof(msg), "%s: \"%.400s\" should not be in the page", what,
                         needle);
                fail_resp(r, msg);
        }
}

/* Posts urlencoded name/value pairs (a NULL-terminated list), with the member's token first
 * when with_csrf. */
void post_pairs(const struct member *m, const char *path, const char *const *kv, bool with_csrf,
                struct http_resp *r)
{
        size_t cap = 256 * 1024;
        char *body = calloc(1, cap);
        char cookie[1024] = "";
        if (m) {
                jar_header(&m->jar, cookie, sizeof(cookie));
                if (with_csrf)
                        form_append(body, cap, "_csrf", m->csrf);
        }
        for (; kv && kv[0]; kv += 2)
                form_append(body, cap, kv[0], kv[1] ? kv[1] : "");
        int rc = http_do(srv.port, "POST", path, cookie, "application/x-www-form-urlencoded", body,
                         strlen(body), r);
        free(body);
        assert_int_equal(rc, 0);
}

void header(const struct http_resp *r, const char *name, char *out, size_t size)
{
        if (!resp_header_get(r, name, out, size))
                fail_msg("no %s header in:\n%s", name, r->head);
}

/* The id of an episode, from its reactions form, as m (NULL: a guest) sees the page. */
long episode_id_as(const struct member *m, const char *ep_path)
{
        struct http_resp r;
        get(m, ep_path, &r);
        assert_int_equal(r.status, 200);
        char id[32];
        if (!extract(r.body, "data-target=\"episode\" data-id=\"", "\"", id, sizeof(id)))
                fail_resp(&r, "no episode reactions form");
        resp_free(&r);
        return atol(id);
}

void api(const struct member *m, const char *method, const char *path, const char *json,
         bool with_csrf, struct http_resp *r)
{
        char headers[2048] = "";
        size_t used = 0;
        if (m) {
                jar_header(&m->jar, headers, sizeof(headers));
                used = strlen(headers);
                if (with_csrf)
                        used += (size_t)snprintf(headers + used, sizeof(headers) - used,
                                                 "X-CSRF-Token: %s\r\n", m->csrf);
        }
        snprintf(headers + used, sizeof(headers) - used, "Accept: application/json\r\n");
        assert_int_equal(http_do(srv.port, method, path, headers, json ? "application/json" : NULL,
                                 json, json ? strlen(json) : 0, r),
                         0);
}

json_t *json_of(struct http_resp *r)
{
        json_error_t err;
        json_t *j = json_loads(r->body ? r->body : "", 0, &err);
        if (!j)
                fail_resp(r, "the body is not JSON");
        return j;
}

const char *jstr(json_t *o, const char *key)
{
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "";
}

/* Checks an API error body: {"error": {"status": status, "message": "...needle..."}}. */
void expect_api_error(struct http_resp *r, int status, const char *needle, const char *what)
{
        expect_status(r, status, what);
        char ctype[128];
        header(r, "Content-Type", ctype, sizeof(ctype));
        assert_non_null(strstr(ctype, "application/json"));
        json_t *j = json_of(r);
        json_t *e = json_object_get(j, "error");
        bool ok = json_is_object(e) &&
                  json_integer_value(json_object_get(e, "status")) == (json_int_t)status &&
                  json_is_string(json_object_get(e, "message")) &&
                  (!needle || strstr(jstr(e, "message"), needle));
        json_decref(j);
        if (!ok) {
                char msg[300];
                snprintf(msg, sizeof(msg), "%s: not an error object with status %d and \"%s\"",
                         what, status, needle ? needle : "");
                fail_resp(r, msg);
        }
}

/* The part of a page from an element's opening (`start`) to the next `end`, copied (caller
 * frees); NULL when absent. */
char *slice(const char *page, const char *start, const char *end)
{
        const char *p = page ? strstr(page, start) : NULL;
        if (!p)
                return NULL;
        const char *q = strstr(p, end);
        size_t l = q ? (size_t)(q - p) + strlen(end) : strlen(p);
        return strndup(p, l);
}

/* Publishes (or, with publish_at, schedules; action "draft" saves a draft) an episode in season
 * 2 of Learning in Public as an author, through the editor. Returns the response status;
 * Location goes into loc. */
int write_episode(const struct member *m, const char *path, const char *title, const char *body,
                  const char *publish_at, const char *action, char *loc, size_t loc_size)
{
        struct multipart mp;
        mp_init(&mp);
        mp_field(&mp, "_csrf", m->csrf);
        mp_field(&mp, "season", "2");
        mp_field(&mp, "title", title);
        mp_field(&mp, "subtitle", "A test episode");
        mp_field(&mp, "slug", "");
        mp_field(&mp, "body", body);
        mp_field(&mp, "cover_alt", "");
        mp_field(&mp, "cover_credit", "");
        mp_field(&mp, "ai", "none");
        mp_field(&mp, "teaser", "");
        mp_field(&mp, "publish_at", publish_at ? publish_at : "");
        mp_field(&mp, "action", action ? action : "publish");
        char ctype[128], cookie[1024];
        mp_finish(&mp, ctype, sizeof(ctype));
        jar_header(&m->jar, cookie, sizeof(cookie));
        struct http_resp r;
        int rc = http_do(srv.port, "POST", path, cookie, ctype, mp.data, mp.len, &r);
        mp_free(&mp);
        assert_int_equal(rc, 0);
        int status = r.status;
        if (loc) {
                loc[0] = '\0';
                resp_header_get(&r, "Location", loc, loc_size);
        }
        if (status != 303)
                fail_resp(&r, "an episode was not saved");
        resp_free(&r);
        return status;
}

long edit_id_of(const struct member *writer, const char *episode_path)
{
        struct http_resp r;
        get(writer, episode_path, &r);
        assert_int_equal(r.status, 200);
        char id[32];
        if (!extract(r.body, "href=\"/write/episode/", "\"", id, sizeof(id)))
                fail_resp(&r, "no edit link for a writer");
        resp_free(&r);
        return atol(id);
}

void post_form(const struct member *m, const char *path, const char *body, struct http_resp *r)
{
        post_form_to(srv.port, m, path, body, r);
}

void post_form_to(int port, const struct member *m, const char *path, const char *body,
                  struct http_resp *r)
{
        char cookie[1024] = "";
        if (m)
                jar_header(&m->jar, cookie, sizeof(cookie));
        assert_int_equal(http_do(port, "POST", path, cookie, "application/x-www-form-urlencoded",
                                 body, strlen(body), r),
                         0);
}

void post_multipart(const struct member *m, const char *path, struct multipart *mp,
                    struct http_resp *r)
{
        char ctype[128], cookie[1024] = "";
        if (m)
                jar_header(&m->jar, cookie, sizeof(cookie));
        mp_finish(mp, ctype, sizeof(ctype));
        assert_int_equal(http_do(srv.port, "POST", path, cookie, ctype, mp->data, mp->len, r), 0);
}

void csrf_of(const struct member *m, char *csrf, size_t size)
{
        struct http_resp r;
        get(m, "/", &r);
        assert_int_equal(r.status, 200);
        assert_true(find_csrf(r.body, csrf, size));
        resp_free(&r);
}

void get_with_headers(const char *path, const char *headers, struct http_resp *r)
{
        assert_int_equal(http_do(srv.port, "GET", path, headers, NULL, NULL, 0, r), 0);
}

static sqlite3 *open_site_db(void)
{
        char path[400];
        snprintf(path, sizeof(path), "%s/kindred.db", srv.data_dir);
        sqlite3 *db;
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        return db;
}

/* On PostgreSQL: runs sql on the site's database and returns its result (the caller clears
 * it), failing the test on an error. */
static PGresult *pg_run(const char *sql)
{
        PGconn *c = PQconnectdb(srv.database_url);
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
                fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        PQfinish(c);
        assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
        return r;
}

void db_exec(const char *sql)
{
        if (srv.database_url[0]) {
                PQclear(pg_run(sql));
                return;
        }
        sqlite3 *db = open_site_db();
        char *err = NULL;
        int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK) {
                fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
                sqlite3_free(err);
        }
        sqlite3_close(db);
        assert_int_equal(rc, SQLITE_OK);
}

long long db_int(const char *sql)
{
        if (srv.database_url[0]) {
                PGresult *r = pg_run(sql);
                const char *v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "0";
                long long n = strcmp(v, "t") == 0 ? 1 : strtoll(v, NULL, 10);
                PQclear(r);
                return n;
        }
        sqlite3 *db = open_site_db();
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        int rc = sqlite3_step(s);
        long long v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
        sqlite3_finalize(s);
        sqlite3_close(db);
        assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
        return v;
}

long long db_int_until(const char *sql, long long want, int ms)
{
        long long v = db_int(sql);
        for (int waited = 0; v != want && waited < ms; waited += 50) {
                usleep(50 * 1000);
                v = db_int(sql);
        }
        return v;
}

long long unix_at(const char *utc)
{
        struct tm tm = {0};
        int n = sscanf(utc, "%d-%d-%d%*1[ T]%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                       &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
        assert_true(n == 3 || n >= 5);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        return (long long)timegm(&tm);
}

void db_text(const char *sql, char *out, size_t size)
{
        if (srv.database_url[0]) {
                PGresult *r = pg_run(sql);
                snprintf(out, size, "%s", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
                PQclear(r);
                return;
        }
        sqlite3 *db = open_site_db();
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        int rc = sqlite3_step(s);
        const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
        snprintf(out, size, "%s", t ? (const char *)t : "");
        sqlite3_finalize(s);
        sqlite3_close(db);
        assert_true(rc == SQLITE_ROW || rc == SQLITE_DONE);
}

int kd_fixture_start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

/* Stops s; true when it exited 0 with no sanitizer report in its log (under the sanitizers a
 * report makes the server exit non-zero or print one). Sets *rc to the exit status. */
static bool stopped_cleanly(struct kd_server *s, int *rc)
{
        *rc = kd_stop(s);
        /* and no connection came back to the pool with a statement or transaction open
         * (db/pool.c): its stale snapshot would have served later requests */
        return *rc == 0 && !kd_log_contains(s, "runtime error") &&
               !kd_log_contains(s, "AddressSanitizer") && !kd_log_contains(s, "LeakSanitizer") &&
               !kd_log_contains(s, "db: a connection came back");
}

int kd_fixture_stop(void **state)
{
        (void)state;
        int rc;
        if (!stopped_cleanly(&srv, &rc)) {
                fprintf(stderr, "server exited with %d or reported a sanitizer error; log: %s\n",
                        rc, srv.log_path);
                return -1;
        }
        if (!getenv("KINDRED_KEEP_TEST_DATA")) {
                if (strncmp(srv.data_dir, "/tmp/kindred-test-", 18) == 0)
                        nftw(srv.data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
                kd_drop_database(&srv);
        }
        return 0;
}

size_t raw_request(const struct member *m, const char *method, const char *path,
                   const char *content_type, const char *body, char *buf, size_t size)
{
        char cookie[1024] = "", token[192] = "", type[128] = "";
        if (m) {
                jar_header(&m->jar, cookie, sizeof(cookie));
                snprintf(token, sizeof(token), "X-CSRF-Token: %s\r\n", m->csrf);
        }
        if (body)
                snprintf(type, sizeof(type), "Content-Type: %s\r\n", content_type);
        int n =
            snprintf(buf, size,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, path, cookie, token, type, body ? strlen(body) : 0, body ? body : "");
        assert_true(n > 0 && (size_t)n < size);
        return (size_t)n;
}

void send_at_once(char *const *reqs, const size_t *lens, int n, int *statuses)
{
        int gate[2], ready[2], results[2];
        assert_int_equal(pipe(gate), 0);
        assert_int_equal(pipe(ready), 0);
        assert_int_equal(pipe(results), 0);
        pid_t *pids = calloc((size_t)n, sizeof(*pids));
        assert_non_null(pids);
        fflush(stdout);
        fflush(stderr);
        for (int i = 0; i < n; i++) {
                pids[i] = fork();
                assert_true(pids[i] >= 0);
                if (pids[i] == 0) {
                        close(gate[1]);
                        close(ready[0]);
                        close(results[0]);
                        struct http_conn c;
                        int out[2] = {i, -1};
                        bool connected = conn_open(&c, srv.port) == 0;
                        char x = 'r';
                        if (write(ready[1], &x, 1) != 1)
                                _exit(2);
                        if (read(gate[0], &x, 1) < 0) /* returns 0 when the gate opens */
                                _exit(2);
                        if (connected) {
                                struct http_resp r;
                                if (conn_send(&c, reqs[i], lens[i]) == 0 &&
                                    conn_read(&c, &r, false) == 0) {
                                        out[1] = r.status;
                                        resp_free(&r);
                                }
                                conn_close(&c);
                        }
                        if (write(results[1], out, sizeof(out)) != (ssize_t)sizeof(out))
                                _exit(3);
                        _exit(0);
                }
        }
        close(gate[0]);
        close(ready[1]);
        close(results[1]);
        char x;
        for (int i = 0; i < n; i++) /* every child has connected: open the gate */
                if (read(ready[0], &x, 1) != 1)
                        break;
        close(ready[0]);
        close(gate[1]);
        for (int i = 0; i < n; i++)
                statuses[i] = -1;
        int out[2];
        while (read(results[0], out, sizeof(out)) == (ssize_t)sizeof(out))
                if (out[0] >= 0 && out[0] < n)
                        statuses[out[0]] = out[1];
        close(results[0]);
        for (int i = 0; i < n; i++)
                waitpid(pids[i], NULL, 0);
        free(pids);
}

/* Visible comments in a JSON tree of threads (each with "replies"). */
static size_t visible_in(json_t *list)
{
        size_t n = 0, i;
        json_t *x;
        json_array_foreach(list, i, x)
        {
                n += strcmp(jstr(x, "state"), "visible") == 0;
                n += visible_in(json_object_get(x, "replies"));
        }
        return n;
}

size_t api_answers_visible(const struct member *m, long episode_id)
{
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/prompts", episode_id);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "the episode's questions");
        json_t *j = json_of(&r);
        resp_free(&r);
        size_t n = 0, i;
        json_t *p;
        json_array_foreach(json_object_get(j, "prompts"), i, p)
        {
                n += visible_in(json_object_get(p, "answers"));
        }
        json_decref(j);
        return n;
}

/* The unread-notifications number in m's page header (0 when it shows none). */
int header_unread(const struct member *m)
{
        struct http_resp r;
        get(m, "/", &r);
        expect_status(&r, 200, "the home page");
        const char *p = strstr(r.body, "<span class=\"unread-count\"");
        int n = 0;
        if (p) {
                p = strchr(p, '>');
                n = p ? atoi(p + 1) : -1;
        }
        resp_free(&r);
        return n;
}

long post_comment(const struct member *m, const char *episode_path, const char *body, long parent)
{
        char par[32] = "", path[512];
        if (parent)
                snprintf(par, sizeof(par), "%ld", parent);
        snprintf(path, sizeof(path), "%s/comments", episode_path);
        const char *kv[] = {"body", body, "parent", par, NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        expect_status(&r, 303, "the comment is posted");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        const char *hash = strstr(loc, "#c-");
        assert_non_null(hash);
        return atol(hash + 3);
}

void kd_node_start(struct kd_node *n, const char *const *extra_env)
{
        memset(n, 0, sizeof(*n));
        snprintf(n->root, sizeof(n->root), "/tmp/kindred-test-XXXXXX");
        assert_non_null(mkdtemp(n->root));
        snprintf(n->s.data_dir, sizeof(n->s.data_dir), "%s/data", n->root);
        assert_int_equal(mkdir(n->s.data_dir, 0750), 0);
        snprintf(n->s.log_path, sizeof(n->s.log_path), "%s/server.log", n->root);
        snprintf(n->s.database_url, sizeof(n->s.database_url), "%s", srv.database_url);
        if (kd_serve_existing(&n->s, extra_env) != 0)
                fail_msg("the second node did not start; its log is %s", n->s.log_path);
}

void kd_node_stop(struct kd_node *n)
{
        int rc;
        if (!stopped_cleanly(&n->s, &rc))
                fail_msg("a node exited with %d or reported a sanitizer error; log: %s", rc,
                         n->s.log_path);
        if (!getenv("KINDRED_KEEP_TEST_DATA"))
                nftw(n->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
