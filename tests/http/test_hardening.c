/* Black-box tests of the hardening findings against the real binary: ambiguous HTTP framing,
 * bodies refused before they are read, slow heads, CSRF only from the body, login lockouts per
 * account, one serve per data folder, no site created by serve, and /healthz that knows about
 * writes and newer schemas. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "session.h"

#include "core/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True when the server closed the connection: a read sees the end within timeout_ms. */
static bool closed_within(struct http_conn *c, int timeout_ms)
{
        struct pollfd p = {c->fd, POLLIN, 0};
        double end = now_s() + timeout_ms / 1000.0;
        while (now_s() < end) {
                if (poll(&p, 1, 100) > 0) {
                        char b[4096];
                        ssize_t n = recv(c->fd, b, sizeof(b), 0);
                        if (n <= 0)
                                return true;
                }
        }
        return false;
}

/* Sends raw bytes on a new connection, reads one response, and checks the connection is then
 * closed. Returns the status. */
static int raw_status(const char *data, size_t len, bool *closed)
{
        struct http_conn c;
        assert_int_equal(conn_open(&c, srv.port), 0);
        assert_int_equal(conn_send(&c, data, len), 0);
        struct http_resp r;
        int status = conn_read(&c, &r, false) == 0 ? r.status : -1;
        if (status > 0)
                resp_free(&r);
        *closed = closed_within(&c, 2000);
        conn_close(&c);
        return status;
}
#define RAW(lit, closed) raw_status((lit), sizeof(lit) - 1, (closed))

static void test_ambiguous_framing_is_refused_and_closed(void **state)
{
        (void)state;
        static const struct {
                const char *name;
                const char *data;
                size_t len;
                int status;
        } cases[] = {
#define CASE(n, lit, st) {n, lit, sizeof(lit) - 1, st}
            CASE(
                "two Content-Length",
                "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\n"
                "helloGET / HTTP/1.1\r\nHost: x\r\n\r\n",
                400),
            CASE("Content-Length and Transfer-Encoding",
                 "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                 400),
            CASE("space before colon", "GET / HTTP/1.1\r\nHost: x\r\nX-Foo : bar\r\n\r\n", 400),
            CASE("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-Foo: bar\r\n baz\r\n\r\n", 400),
            CASE("no Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
            CASE("two Host", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400),
            CASE("NUL in the path", "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            CASE("NUL in a header", "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", 400),
            CASE("unknown Transfer-Encoding",
                 "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 501),
#undef CASE
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                bool closed = false;
                double t0 = now_s();
                int status = raw_status(cases[i].data, cases[i].len, &closed);
                if (status != cases[i].status || !closed)
                        fail_msg("%s: status %d (want %d), closed %d", cases[i].name, status,
                                 cases[i].status, closed);
                assert_true(now_s() - t0 < 3.0); /* answered at once, not after a timeout */
        }
        assert_true(kd_log_contains(&srv, "refused a request from 127.0.0.1"));
}

static void test_many_query_arguments_answered_at_once(void **state)
{
        (void)state;
        char *req = malloc(16384);
        int n = snprintf(req, 16384, "GET /?");
        for (int i = 0; i < 1000; i++)
                n += snprintf(req + n, (size_t)(16384 - n), "%sa%d", i ? "&" : "", i);
        n += snprintf(req + n, (size_t)(16384 - n), " HTTP/1.1\r\nHost: x\r\n\r\n");
        bool closed;
        double t0 = now_s();
        assert_int_equal(raw_status(req, (size_t)n, &closed), 400);
        assert_true(now_s() - t0 < 2.0);
        assert_true(closed);
        free(req);
        /* an ordinary request on a new connection still works */
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "GET", "/", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
}

/* Sends only the head of a request with a large declared body and returns the status of the
 * answer that must come before any of the body is sent. */
static int head_only_status(const char *head, char *location, size_t size)
{
        struct http_conn c;
        assert_int_equal(conn_open(&c, srv.port), 0);
        assert_int_equal(conn_send(&c, head, strlen(head)), 0);
        struct http_resp r;
        double t0 = now_s();
        int status = conn_read(&c, &r, false) == 0 ? r.status : -1;
        assert_true(now_s() - t0 < 3.0);
        if (status > 0) {
                if (location && !resp_header_get(&r, "Location", location, size))
                        location[0] = '\0';
                resp_free(&r);
        }
        conn_close(&c);
        return status;
}

static void test_bodies_refused_before_they_are_read(void **state)
{
        (void)state;
        char loc[512];
        /* a guest's upload to the editor: sent to log in, without reading 10 MiB */
        assert_int_equal(head_only_status("POST /write/n/learning-in-public/episode HTTP/1.1\r\n"
                                          "Host: x\r\nContent-Type: multipart/form-data; "
                                          "boundary=b\r\nContent-Length: 10000000\r\n\r\n",
                                          loc, sizeof(loc)),
                         303);
        assert_non_null(strstr(loc, "/login"));
        /* the API answers 401 */
        assert_int_equal(head_only_status("POST /api/v1/reactions HTTP/1.1\r\nHost: x\r\n"
                                          "Content-Type: application/json\r\n"
                                          "Content-Length: 900000\r\n\r\n",
                                          NULL, 0),
                         401);
        /* a guest form with no CSRF cookie cannot pass the check: refused at once */
        assert_int_equal(head_only_status("POST /signup HTTP/1.1\r\nHost: x\r\n"
                                          "Content-Type: application/x-www-form-urlencoded\r\n"
                                          "Content-Length: 900000\r\n\r\n",
                                          NULL, 0),
                         403);
        /* an unknown address and a wrong method are refused before the body too */
        assert_int_equal(head_only_status("POST /nowhere HTTP/1.1\r\nHost: x\r\n"
                                          "Content-Length: 900000\r\n\r\n",
                                          NULL, 0),
                         404);
        /* a signed-in reader may not write to the editor (authors only): 403 before the body */
        struct member sam;
        login_as(&sam, "sam", NULL);
        char cookie[512], head[1024];
        jar_header(&sam.jar, cookie, sizeof(cookie));
        snprintf(head, sizeof(head),
                 "POST /write/n/learning-in-public/episode HTTP/1.1\r\nHost: x\r\n%s"
                 "Content-Type: multipart/form-data; boundary=b\r\n"
                 "Content-Length: 10000000\r\n\r\n",
                 cookie);
        assert_int_equal(head_only_status(head, NULL, 0), 403);
}

/* Peak resident memory of the server, in kB; -1 when it cannot be read. */
static long server_peak_kb(void)
{
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/%d/status", (int)srv.pid);
        FILE *f = fopen(path, "r");
        if (!f)
                return -1;
        long kb = -1;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
                        break;
        fclose(f);
        return kb;
}

static bool server_has_asan(void)
{
        char path[64], line[512];
        snprintf(path, sizeof(path), "/proc/%d/maps", (int)srv.pid);
        FILE *f = fopen(path, "r");
        bool asan = false;
        while (f && fgets(line, sizeof(line), f) && !asan)
                asan = strstr(line, "libasan") != NULL;
        if (f)
                fclose(f);
        return asan;
}

static void test_upload_flood_from_a_guest_holds_no_memory(void **state)
{
        (void)state;
        enum { CONNS = 60, SENT = 512 * 1024 };
        struct http_conn c[CONNS];
        char *chunk = malloc(64 * 1024);
        memset(chunk, 'x', 64 * 1024);
        const char *head = "POST /write/n/learning-in-public/episode HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: multipart/form-data; boundary=b\r\n"
                           "Content-Length: 10485760\r\n\r\n";
        int answered = 0;
        for (int i = 0; i < CONNS; i++) {
                assert_int_equal(conn_open(&c[i], srv.port), 0);
                assert_int_equal(conn_send(&c[i], head, strlen(head)), 0);
                /* push body bytes until the server answers or stops reading */
                struct pollfd p = {c[i].fd, POLLOUT, 0};
                for (int sent = 0; sent < SENT; sent += 64 * 1024) {
                        if (poll(&p, 1, 200) <= 0 || conn_answered(&c[i]))
                                break;
                        if (send(c[i].fd, chunk, 64 * 1024, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
                                break;
                }
        }
        for (int i = 0; i < CONNS; i++) {
                struct http_resp r;
                if (conn_read(&c[i], &r, false) == 0) {
                        if (r.status == 303)
                                answered++;
                        resp_free(&r);
                }
                conn_close(&c[i]);
        }
        free(chunk);
        assert_int_equal(answered, CONNS);
        long kb = server_peak_kb();
        printf("server peak RSS after %d guest uploads: %ld kB\n", CONNS, kb);
        if (!server_has_asan()) /* ASan's shadow memory says nothing about ours */
                assert_true(kb > 0 && kb < 64 * 1024);
}

static void test_slow_head_is_cut_at_the_deadline(void **state)
{
        (void)state;
        struct http_conn c;
        assert_int_equal(conn_open(&c, srv.port), 0);
        double t0 = now_s();
        const char *start = "GET / HTTP/1.1\r\nHost: x\r\n";
        assert_int_equal(conn_send(&c, start, strlen(start)), 0);
        /* one header line every two seconds: never idle long, never finished */
        bool closed = false;
        for (int i = 0; i < 10 && !closed; i++) {
                char line[64];
                int n = snprintf(line, sizeof(line), "X-Slow-%d: yes\r\n", i);
                if (conn_send(&c, line, (size_t)n) < 0) {
                        closed = true;
                        break;
                }
                closed = closed_within(&c, 2000);
        }
        double took = now_s() - t0;
        conn_close(&c);
        assert_true(closed);
        assert_true(took >= 9.0 && took < 14.0); /* the 10 s head deadline, not the idle timeout */
        /* the log says why */
        for (int i = 0; i < 20 && !kd_log_contains(&srv, "request head took over"); i++)
                usleep(100000);
        assert_true(kd_log_contains(&srv, "request head took over 10 s"));
}

static void test_csrf_token_only_from_body_or_header(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        char cookie[512], headers[1024], path[256];
        jar_header(&sam.jar, cookie, sizeof(cookie));
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "GET", "/notifications", cookie, NULL, NULL, 0, &r), 0);
        char csrf[64];
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        /* in the query string: refused */
        snprintf(path, sizeof(path), "/notifications/read?_csrf=%s", csrf);
        assert_int_equal(http_do(srv.port, "POST", path, cookie,
                                 "application/x-www-form-urlencoded", "id=0", 4, &r),
                         0);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        /* in the body: accepted */
        char body[128];
        snprintf(body, sizeof(body), "id=0&_csrf=%s", csrf);
        assert_int_equal(http_do(srv.port, "POST", "/notifications/read", cookie,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        assert_int_equal(r.status, 303);
        resp_free(&r);
        /* in the X-CSRF-Token header: accepted */
        snprintf(headers, sizeof(headers), "%sX-CSRF-Token: %s\r\n", cookie, csrf);
        assert_int_equal(http_do(srv.port, "POST", "/notifications/read", headers,
                                 "application/x-www-form-urlencoded", "id=0", 4, &r),
                         0);
        assert_int_equal(r.status, 303);
        resp_free(&r);
}

/* One login attempt with a fresh guest token; returns the status. */
static int try_login(const char *login, const char *password)
{
        struct jar j = {0};
        return kd_login(srv.port, &j, login, password);
}

static void test_login_lockout_counts_per_account(void **state)
{
        (void)state;
        /* six wrong passwords by handle (five are free, the sixth starts a lockout) ... */
        for (int i = 0; i < 6; i++)
                assert_int_equal(try_login("ana", "not-her-password"), 422);
        /* ... and the email address is the same account: locked out, not a new ladder */
        assert_int_equal(try_login("ANA@kindred.test", "not-her-password"), 429);
        assert_int_equal(try_login("ana@kindred.test", "kindred-demo"), 429);
        /* another account is not affected */
        assert_int_equal(try_login("liwei", "kindred-demo"), 303);
        /* a name that is no account cannot lock a member out by spelling its key */
        for (int i = 0; i < 6; i++)
                try_login("member:6", "x-wrong-password");
        assert_int_equal(try_login("tomas", "kindred-demo"), 303);
}

enum { LOGINS_AT_ONCE = 12 };

static void *log_in_as_sam(void *status)
{
        *(int *)status = try_login("sam", DEMO_PW);
        return NULL;
}

/* Each log-in hashes the password in 19 MiB of argon2id memory: at most
 * KD_PASSWORD_HASHES_AT_ONCE run together, so a burst of log-ins on a server of many threads
 * does not grow it by 19 MiB a thread (twelve at once grew it by 194 MB before the bound). */
static void test_login_burst_holds_bounded_memory(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_THREADS=12", NULL};
        assert_int_equal(kd_restart(&srv, env), 0);
        long before = server_peak_kb();
        pthread_t t[LOGINS_AT_ONCE];
        int status[LOGINS_AT_ONCE];
        int started = 0;
        while (started < LOGINS_AT_ONCE &&
               pthread_create(&t[started], NULL, log_in_as_sam, &status[started]) == 0)
                started++;
        for (int i = 0; i < started; i++) /* every thread ends before any check can leave */
                pthread_join(t[i], NULL);
        assert_int_equal(started, LOGINS_AT_ONCE);
        /* every one signed in: they waited their turn, none failed */
        for (int i = 0; i < LOGINS_AT_ONCE; i++)
                assert_int_equal(status[i], 303);
        long grew = server_peak_kb() - before;
        printf("server peak RSS grew by %ld kB over %d log-ins at once\n", grew, LOGINS_AT_ONCE);
        if (!server_has_asan()) /* ASan's shadow memory says nothing about ours */
                assert_true(before > 0 && grew < (KD_PASSWORD_HASHES_AT_ONCE + 1) * 19 * 1024);
        assert_int_equal(kd_restart(&srv, NULL), 0);
}

/* Runs the binary with args (NULL-terminated) and KINDRED_DATA=data, stderr into err (a file
 * path); returns its exit status, or -1 when it did not end within timeout_s. */
static int run_kindred(const char *data, const char *err, int timeout_s, const char *const *args)
{
        pid_t pid = fork();
        if (pid == 0) {
                setenv("KINDRED_DATA", data, 1);
                setenv("KINDRED_LISTEN", "127.0.0.1:0", 1);
                /* the shared site keeps its database in PostgreSQL under tests/pg/run */
                if (strcmp(data, srv.data_dir) == 0 && srv.database_url[0])
                        setenv("KINDRED_DATABASE_URL", srv.database_url, 1);
                int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
                dup2(fd, 2);
                int devnull = open("/dev/null", O_WRONLY);
                dup2(devnull, 1);
                const char *argv[8] = {"kindred"};
                for (int i = 0; args[i] && i < 6; i++)
                        argv[i + 1] = args[i];
                const char *bin = getenv("KINDRED_BIN");
                execv(bin ? bin : "./build/kindred", (char *const *)argv);
                _exit(127);
        }
        int status = 0;
        for (int i = 0; i < timeout_s * 10; i++) {
                if (waitpid(pid, &status, WNOHANG) == pid)
                        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                usleep(100000);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
}

static bool file_contains(const char *path, const char *needle)
{
        FILE *f = fopen(path, "r");
        if (!f)
                return false;
        char buf[8192];
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        return strstr(buf, needle) != NULL;
}

static void test_serve_needs_an_existing_site(void **state)
{
        (void)state;
        char dir[] = "/tmp/kindred-nosite-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char missing[300], err[300], db[300];
        snprintf(missing, sizeof(missing), "%s/typo", dir);
        snprintf(err, sizeof(err), "%s/err.txt", dir);
        const char *serve[] = {"serve", NULL};
        /* a missing folder: refused, named, and not created */
        assert_int_equal(run_kindred(missing, err, 10, serve), 1);
        assert_true(file_contains(err, missing));
        assert_true(file_contains(err, "kindred init"));
        struct stat st;
        assert_int_equal(stat(missing, &st), -1);
        /* a 0-byte kindred.db: refused too, and left as it was */
        snprintf(db, sizeof(db), "%s/kindred.db", dir);
        close(open(db, O_WRONLY | O_CREAT, 0644));
        assert_int_equal(run_kindred(dir, err, 10, serve), 1);
        assert_true(file_contains(err, "empty"));
        assert_int_equal(stat(db, &st), 0);
        assert_int_equal(st.st_size, 0);
        /* other commands do not create a site either */
        const char *migrate[] = {"migrate", NULL};
        assert_int_equal(run_kindred(missing, err, 10, migrate), 1);
        assert_int_equal(stat(missing, &st), -1);
}

static void test_one_serve_per_data_folder(void **state)
{
        (void)state;
        char err[300];
        snprintf(err, sizeof(err), "%s/second.txt", srv.data_dir);
        const char *serve[] = {"serve", NULL};
        if (srv.database_url[0]) {
                /* PostgreSQL: several nodes may share a folder (it holds only media/), so a
                 * second serve starts and keeps serving until it is stopped (after 3 s here) */
                assert_int_equal(run_kindred(srv.data_dir, err, 3, serve), -1);
                assert_false(file_contains(err, "already serving"));
                assert_true(file_contains(err, "listening for other nodes"));
        } else {
                assert_int_equal(run_kindred(srv.data_dir, err, 10, serve), 1);
                assert_true(file_contains(err, "already serving"));
        }
        /* the first one still serves */
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
}

/* Adds or removes a schema_migrations row of the shared site (srv). */
static void set_schema_row(int version, bool add)
{
        char sql[200];
        if (add)
                snprintf(sql, sizeof(sql),
                         "INSERT INTO schema_migrations(version, name, applied_at) "
                         "VALUES (%d, 'from_the_future', 0)",
                         version);
        else
                snprintf(sql, sizeof(sql), "DELETE FROM schema_migrations WHERE version = %d",
                         version);
        db_exec(sql); /* session.h: SQLite or PostgreSQL */
}

static void test_healthz_reports_writes_and_newer_schema(void **state)
{
        (void)state;
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"writes\":\"ok\""));
        resp_free(&r);
        /* a newer binary migrated the database: this one must say so, not "run migrate" */
        set_schema_row(999, true);
        assert_int_equal(http_do(srv.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 503);
        assert_non_null(strstr(r.body, "newer"));
        assert_null(strstr(r.body, "kindred migrate"));
        resp_free(&r);
        char err[300];
        snprintf(err, sizeof(err), "%s/migrate.txt", srv.data_dir);
        const char *migrate[] = {"migrate", NULL};
        assert_int_equal(run_kindred(srv.data_dir, err, 10, migrate), 1);
        assert_true(file_contains(err, "newer than this kindred"));
        set_schema_row(999, false);
        assert_int_equal(http_do(srv.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
}

/* A disk that fills up under a running node: reads work, /healthz fails (so a load balancer
 * drains the node) and recovers when space returns. Needs root to mount a small tmpfs;
 * skipped otherwise. */
static void test_healthz_fails_when_the_disk_fills(void **state)
{
        (void)state;
        char dir[] = "/tmp/kindred-full-XXXXXX";
        assert_non_null(mkdtemp(dir));
        if (mount("tmpfs", dir, "tmpfs", 0, "size=96m") != 0) {
                rmdir(dir);
                skip();
        }
        struct kd_server node;
        memset(&node, 0, sizeof(node));
        snprintf(node.data_dir, sizeof(node.data_dir), "%s/site", dir);
        snprintf(node.log_path, sizeof(node.log_path), "/tmp/kindred-full-%d.log", (int)getpid());
        char err[300], filler[300];
        snprintf(err, sizeof(err), "%s/init.txt", dir);
        snprintf(filler, sizeof(filler), "%s/filler", dir);
        const char *init[] = {"init", NULL};
        assert_int_equal(run_kindred(node.data_dir, err, 30, init), 0);
        assert_int_equal(kd_serve_existing(&node, NULL), 0);
        struct http_resp r;
        assert_int_equal(http_do(node.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        /* fill all but about 256 KB */
        struct statvfs v;
        assert_int_equal(statvfs(dir, &v), 0);
        off_t room = (off_t)v.f_bavail * (off_t)v.f_frsize - 256 * 1024;
        int fd = open(filler, O_WRONLY | O_CREAT, 0644);
        assert_int_equal(posix_fallocate(fd, 0, room), 0);
        close(fd);
        assert_int_equal(http_do(node.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 503);
        assert_non_null(strstr(r.body, "\"status\":\"failing\""));
        assert_non_null(strstr(r.body, "nearly full"));
        resp_free(&r);
        /* reads still work */
        assert_int_equal(http_do(node.port, "GET", "/", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        unlink(filler);
        usleep(1100000); /* the write check runs at most once a second */
        assert_int_equal(http_do(node.port, "GET", "/healthz", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        kd_stop(&node);
        unlink(node.log_path);
        umount2(dir, MNT_DETACH);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ambiguous_framing_is_refused_and_closed),
            cmocka_unit_test(test_many_query_arguments_answered_at_once),
            cmocka_unit_test(test_bodies_refused_before_they_are_read),
            cmocka_unit_test(test_upload_flood_from_a_guest_holds_no_memory),
            cmocka_unit_test(test_csrf_token_only_from_body_or_header),
            cmocka_unit_test(test_login_lockout_counts_per_account),
            cmocka_unit_test(test_login_burst_holds_bounded_memory),
            cmocka_unit_test(test_serve_needs_an_existing_site),
            cmocka_unit_test(test_one_serve_per_data_folder),
            cmocka_unit_test(test_healthz_reports_writes_and_newer_schema),
            cmocka_unit_test(test_healthz_fails_when_the_disk_fills),
            cmocka_unit_test(test_slow_head_is_cut_at_the_deadline),
        };
        return cmocka_run_group_tests(tests, kd_fixture_start, kd_fixture_stop);
}
