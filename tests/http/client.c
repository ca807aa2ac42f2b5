/* Test client: starts the kindred binary, speaks HTTP/1.1 over loopback sockets. */
#include "client.h"
#include "../pg_cluster.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *kindred_bin(void)
{
        const char *b = getenv("KINDRED_BIN");
        return b ? b : "./build/kindred";
}

static void child_env(struct kd_server *s, const char *const *extra)
{
        setenv("KINDRED_DATA", s->data_dir, 1);
        if (s->database_url[0])
                setenv("KINDRED_DATABASE_URL", s->database_url, 1);
        setenv("KINDRED_LISTEN", "127.0.0.1:0", 1);
        setenv("KINDRED_THREADS", "2", 1);
        for (; extra && *extra; extra++) {
                char name[64];
                const char *eq = strchr(*extra, '=');
                if (!eq || (size_t)(eq - *extra) >= sizeof(name))
                        continue;
                memcpy(name, *extra, (size_t)(eq - *extra));
                name[eq - *extra] = '\0';
                setenv(name, eq + 1, 1);
        }
}

static int serve(struct kd_server *s, const char *const *extra_env, bool append_log);

/* The name of the database in a PostgreSQL URL (between the last '/' and any '?'). */
static void database_name(const char *url, char *out, size_t size)
{
        const char *name = strrchr(url, '/');
        snprintf(out, size, "%.*s", name ? (int)strcspn(name + 1, "?") : 0, name ? name + 1 : "");
}

/* On PostgreSQL, a new database for the site, a copy of template (template0: empty, and kindred
 * init migrates it). */
static int make_database(struct kd_server *s, const char *template)
{
        const char *base = getenv("KINDRED_TEST_PG_URL");
        if (!base || !*base)
                return 0;
        static unsigned serial;
        char name[64], sql[256];
        snprintf(name, sizeof(name), "kd_http_%ld_%u", (long)getpid(), ++serial);
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE %s", name, template);
        if (pg_cluster_admin(base, sql) != 0)
                return -1;
        return pg_url_with_db(base, name, s->database_url, sizeof(s->database_url));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

/* Every test site starts as the demo, and `kindred init --demo` takes about 3.5 s, three quarters
 * of it making the demo images' resized copies. So a test binary makes the demo once, in a
 * template, and each site is a copy of it: the data folder copied with cp -a and, on PostgreSQL,
 * a database made with CREATE DATABASE ... TEMPLATE. Nothing in a site depends on its folder's
 * path, and the sites of one binary are made within minutes, so the demo's dates still hold. */
static struct kd_server demo_template;
static int demo_template_state; /* 0: not made yet, 1: ready, -1: making it failed */

static void remove_demo_template(void)
{
        if (getenv("KINDRED_KEEP_TEST_DATA"))
                return;
        nftw(demo_template.data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        kd_drop_database(&demo_template);
}

static int make_demo_template(void)
{
        if (demo_template_state != 0)
                return demo_template_state == 1 ? 0 : -1;
        demo_template_state = -1;
        struct kd_server *t = &demo_template;
        snprintf(t->data_dir, sizeof(t->data_dir), "/tmp/kindred-template-XXXXXX");
        if (!mkdtemp(t->data_dir))
                return -1;
        snprintf(t->log_path, sizeof(t->log_path), "%.255s/server.log", t->data_dir);
        if (make_database(t, "template0") != 0)
                return -1;
        const char *init[] = {"init", "--demo", NULL};
        if (kd_cli(t, NULL, init) != 0) {
                fprintf(stderr, "kindred init --demo failed in %s; its log:\n", t->data_dir);
                char cli_log[300];
                snprintf(cli_log, sizeof(cli_log), "%.280s/cli.log", t->data_dir);
                FILE *f = fopen(cli_log, "r");
                char line[1024];
                while (f && fgets(line, sizeof(line), f))
                        fputs(line, stderr);
                if (f)
                        fclose(f);
                return -1;
        }
        atexit(remove_demo_template);
        demo_template_state = 1;
        return 0;
}

/* Copies the contents of folder from into the existing folder to (cp -a). Returns 0 or -1. */
static int copy_folder(const char *from, const char *to)
{
        char source[300];
        snprintf(source, sizeof(source), "%s/.", from);
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                execl("/bin/cp", "cp", "-a", "--", source, to, (char *)NULL);
                _exit(127);
        }
        int status;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int kd_new_database(struct kd_server *s)
{
        s->database_url[0] = '\0';
        return make_database(s, "template0");
}

void kd_drop_database(struct kd_server *s)
{
        if (!s->database_url[0])
                return;
        char name[64], sql[160];
        database_name(s->database_url, name, sizeof(name));
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
        pg_cluster_admin(getenv("KINDRED_TEST_PG_URL"), sql);
        s->database_url[0] = '\0';
}

int kd_start(struct kd_server *s, const char *const *extra_env)
{
        memset(s, 0, sizeof(*s));
        /* The demo cast (mira, tomas, june ... with the demo password) is part of every test site:
         * a copy of the binary's demo template (above) */
        if (make_demo_template() != 0)
                return -1;
        snprintf(s->data_dir, sizeof(s->data_dir), "/tmp/kindred-test-XXXXXX");
        if (!mkdtemp(s->data_dir))
                return -1;
        snprintf(s->log_path, sizeof(s->log_path), "%s/server.log", s->data_dir);
        char template_db[64];
        database_name(demo_template.database_url, template_db, sizeof(template_db));
        if (copy_folder(demo_template.data_dir, s->data_dir) != 0 ||
            make_database(s, template_db) != 0)
                return -1;
        return serve(s, extra_env, false);
}

int kd_serve_existing(struct kd_server *s, const char *const *extra_env)
{
        return serve(s, extra_env, false);
}

int kd_restart(struct kd_server *s, const char *const *extra_env)
{
        if (kd_stop(s) != 0)
                return -1;
        return serve(s, extra_env, true);
}

/* Runs `kindred serve` on the server's data folder and waits for its port. */
static int serve(struct kd_server *s, const char *const *extra_env, bool append_log)
{
        int out[2];
        if (pipe(out) < 0)
                return -1;
        s->pid = fork();
        if (s->pid < 0)
                return -1;
        if (s->pid == 0) {
                child_env(s, extra_env);
                int log =
                    open(s->log_path, O_WRONLY | O_CREAT | (append_log ? O_APPEND : O_TRUNC), 0644);
                dup2(out[1], 1);
                dup2(log, 2);
                close(out[0]);
                execl(kindred_bin(), "kindred", "serve", (char *)NULL);
                _exit(127);
        }
        close(out[1]);
        /* Wait for "Kindred is serving at http://127.0.0.1:PORT/" */
        char line[256];
        size_t n = 0;
        struct pollfd p = {out[0], POLLIN, 0};
        while (n + 1 < sizeof(line)) {
                if (poll(&p, 1, 15000) <= 0)
                        break;
                ssize_t r = read(out[0], line + n, 1);
                if (r <= 0)
                        break;
                if (line[n] == '\n')
                        break;
                n++;
        }
        line[n] = '\0';
        close(out[0]);
        const char *at = strstr(line, "127.0.0.1:");
        if (!at) {
                fprintf(stderr, "server did not start; its log is %s\n", s->log_path);
                kill(s->pid, SIGKILL);
                waitpid(s->pid, NULL, 0);
                return -1;
        }
        s->port = atoi(at + 10);
        return s->port > 0 ? 0 : -1;
}

int kd_cli(struct kd_server *s, const char *stdin_text, const char *const *args)
{
        int in[2];
        if (pipe(in) < 0)
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                child_env(s, NULL);
                dup2(in[0], 0);
                close(in[1]);
                int devnull = open("/dev/null", O_WRONLY);
                dup2(devnull, 1);
                /* its log beside the server's (DATA/cli.log): the test's own output keeps to
                 * its failures */
                char cli_log[300];
                snprintf(cli_log, sizeof(cli_log), "%.280s/cli.log", s->data_dir);
                int log = open(cli_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (log >= 0)
                        dup2(log, 2);
                const char *argv[16] = {"kindred"};
                int i = 1;
                for (; args[i - 1] && i < 15; i++)
                        argv[i] = args[i - 1];
                argv[i] = NULL;
                execv(kindred_bin(), (char *const *)argv);
                _exit(127);
        }
        close(in[0]);
        if (stdin_text && write(in[1], stdin_text, strlen(stdin_text)) < 0)
                perror("write");
        close(in[1]);
        int status;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A statement that ran outside the transaction it was written for (prepared before db_begin,
 * or left open past db_commit) is a bug the server only logs (db/db_sqlite.c): every test that
 * stops a server fails on it. */
static void check_statements_kept_to_transactions(struct kd_server *s)
{
        if (kd_log_contains(s, "db: a statement")) {
                fprintf(stderr, "a statement ran outside its transaction; see %s\n", s->log_path);
                abort();
        }
}

int kd_stop(struct kd_server *s)
{
        if (s->pid <= 0)
                return -1;
        kill(s->pid, SIGTERM);
        int status = 0;
        for (int i = 0; i < 200; i++) {
                pid_t r = waitpid(s->pid, &status, WNOHANG);
                if (r == s->pid) {
                        s->pid = 0;
                        check_statements_kept_to_transactions(s);
                        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                }
                struct timespec ts = {0, 50 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &status, 0);
        s->pid = 0;
        return -1;
}

bool kd_log_contains(struct kd_server *s, const char *needle)
{
        FILE *f = fopen(s->log_path, "r");
        if (!f)
                return false;
        char line[4096];
        bool found = false;
        while (!found && fgets(line, sizeof(line), f))
                found = strstr(line, needle) != NULL;
        fclose(f);
        return found;
}

int conn_open(struct http_conn *c, int port)
{
        c->pending = NULL;
        c->pending_len = 0;
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        if (c->fd < 0)
                return -1;
        struct sockaddr_in a = {0};
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        struct timeval tv = {10, 0};
        setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
                close(c->fd);
                return -1;
        }
        return 0;
}

bool conn_answered(struct http_conn *c)
{
        struct pollfd p = {c->fd, POLLIN, 0};
        return poll(&p, 1, 0) > 0;
}

void conn_close(struct http_conn *c)
{
        if (c->fd >= 0)
                close(c->fd);
        c->fd = -1;
        free(c->pending);
        c->pending = NULL;
        c->pending_len = 0;
}

int conn_send(struct http_conn *c, const char *data, size_t len)
{
        while (len) {
                ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
                if (n <= 0)
                        return -1;
                data += n;
                len -= (size_t)n;
        }
        return 0;
}

void resp_free(struct http_resp *r)
{
        free(r->head);
        free(r->body);
        memset(r, 0, sizeof(*r));
}

bool resp_header_get(const struct http_resp *r, const char *name, char *out, size_t size)
{
        size_t nlen = strlen(name);
        const char *p = r->head ? strstr(r->head, "\r\n") : NULL;
        while (p && p[2]) {
                p += 2;
                if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
                        const char *v = p + nlen + 1;
                        while (*v == ' ')
                                v++;
                        size_t l = strcspn(v, "\r\n");
                        if (l >= size)
                                l = size - 1;
                        memcpy(out, v, l);
                        out[l] = '\0';
                        return true;
                }
                p = strstr(p, "\r\n");
        }
        return false;
}

int conn_read(struct http_conn *c, struct http_resp *r, bool head_request)
{
        memset(r, 0, sizeof(*r));
        size_t cap = 65536 + c->pending_len, len = 0;
        char *buf = malloc(cap);
        char *end = NULL;
        if (c->pending_len) {
                memcpy(buf, c->pending, c->pending_len);
                len = c->pending_len;
                buf[len] = '\0';
                end = strstr(buf, "\r\n\r\n");
                free(c->pending);
                c->pending = NULL;
                c->pending_len = 0;
        }
        while (!end) {
                if (len + 1 >= cap)
                        buf = realloc(buf, cap *= 2);
                ssize_t n = recv(c->fd, buf + len, cap - len - 1, 0);
                if (n <= 0) {
                        free(buf);
                        return -1;
                }
                len += (size_t)n;
                buf[len] = '\0';
                end = strstr(buf, "\r\n\r\n");
        }
        size_t head_len = (size_t)(end - buf) + 2;
        r->head = strndup(buf, head_len);
        r->status = atoi(buf + 9);
        char cl[32];
        long want = -1;
        if (resp_header_get(r, "Content-Length", cl, sizeof(cl)))
                want = atol(cl);
        if (head_request || r->status == 304 || r->status == 204)
                want = 0;
        size_t body_start = head_len + 2;
        size_t have = len - body_start;
        while (want < 0 || have < (size_t)want) {
                if (len + 1 >= cap)
                        buf = realloc(buf, cap *= 2);
                ssize_t n = recv(c->fd, buf + len, cap - len - 1, 0);
                if (n <= 0) {
                        if (want < 0)
                                break;
                        free(buf);
                        resp_free(r);
                        return -1;
                }
                len += (size_t)n;
                have += (size_t)n;
        }
        size_t take = want >= 0 ? (size_t)want : have;
        r->body = malloc(take + 1);
        memcpy(r->body, buf + body_start, take);
        r->body[take] = '\0';
        r->body_len = take;
        if (have > take) {
                c->pending_len = have - take;
                c->pending = malloc(c->pending_len);
                memcpy(c->pending, buf + body_start + take, c->pending_len);
        }
        free(buf);
        return 0;
}

int http_do(int port, const char *method, const char *path, const char *headers,
            const char *content_type, const char *body, size_t body_len, struct http_resp *r)
{
        struct http_conn c;
        if (conn_open(&c, port) < 0)
                return -1;
        size_t cap = 8192 + strlen(path) + (headers ? strlen(headers) : 0);
        char *req = malloc(cap);
        int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s",
                         method, path, headers ? headers : "");
        if (body) {
                n +=
                    snprintf(req + n, cap - (size_t)n,
                             "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, body_len);
        }
        n += snprintf(req + n, cap - (size_t)n, "\r\n");
        int rc = conn_send(&c, req, (size_t)n);
        free(req);
        /* Send the body in pieces and stop early if the server has already answered (as it
         * does for a body that is too large), like curl does. */
        for (size_t off = 0; rc == 0 && body && off < body_len; off += 65536) {
                if (conn_answered(&c))
                        break;
                size_t piece = body_len - off < 65536 ? body_len - off : 65536;
                if (conn_send(&c, body + off, piece) < 0)
                        break; /* the server may have stopped reading; its answer may be there */
        }
        if (rc == 0)
                rc = conn_read(&c, r, strcmp(method, "HEAD") == 0);
        conn_close(&c);
        return rc;
}

void jar_update(struct jar *j, const struct http_resp *r)
{
        const char *p = r->head;
        while ((p = strcasestr(p, "\r\nSet-Cookie:"))) {
                p += 13;
                while (*p == ' ')
                        p++;
                size_t nl = strcspn(p, "=");
                const char *v = p + nl + 1;
                size_t vl = strcspn(v, ";\r\n");
                bool deleted = strstr(v, "Max-Age=0") && strstr(v, "Max-Age=0") < strstr(v, "\r\n");
                char name[32];
                snprintf(name, sizeof(name), "%.*s", (int)nl, p);
                int i = 0;
                for (; i < j->n; i++)
                        if (strcmp(j->names[i], name) == 0)
                                break;
                if (deleted) {
                        if (i < j->n) {
                                j->n--;
                                memmove(&j->names[i], &j->names[i + 1], (size_t)(j->n - i) * 32);
                                memmove(&j->values[i], &j->values[i + 1], (size_t)(j->n - i) * 128);
                        }
                        continue;
                }
                if (i == j->n) {
                        if (j->n == 8)
                                continue;
                        j->n++;
                }
                snprintf(j->names[i], 32, "%s", name);
                snprintf(j->values[i], 128, "%.*s", (int)vl, v);
        }
}

void jar_header(const struct jar *j, char *out, size_t size)
{
        out[0] = '\0';
        if (!j->n)
                return;
        size_t used = (size_t)snprintf(out, size, "Cookie: ");
        for (int i = 0; i < j->n; i++)
                used += (size_t)snprintf(out + used, size - used, "%s%s=%s", i ? "; " : "",
                                         j->names[i], j->values[i]);
        snprintf(out + used, size - used, "\r\n");
}

const char *jar_get(const struct jar *j, const char *name)
{
        for (int i = 0; i < j->n; i++)
                if (strcmp(j->names[i], name) == 0)
                        return j->values[i];
        return NULL;
}

bool find_csrf(const char *body, char *out, size_t size)
{
        const char *p = body ? strstr(body, "name=\"_csrf\" value=\"") : NULL;
        if (!p)
                return false;
        p += strlen("name=\"_csrf\" value=\"");
        size_t l = strcspn(p, "\"");
        if (l >= size)
                return false;
        memcpy(out, p, l);
        out[l] = '\0';
        return true;
}

void form_append(char *body, size_t size, const char *name, const char *value)
{
        size_t used = strlen(body);
        used += (size_t)snprintf(body + used, size - used, "%s%s=", used ? "&" : "", name);
        for (const unsigned char *v = (const unsigned char *)value; *v && used + 4 < size; v++) {
                if (isalnum(*v) || *v == '-' || *v == '_' || *v == '.')
                        body[used++] = (char)*v;
                else
                        used += (size_t)snprintf(body + used, size - used, "%%%02X", *v);
        }
        body[used] = '\0';
}

/* ---------------------------------------------------------------- multipart bodies */

static void mp_append(struct multipart *m, const void *data, size_t len)
{
        if (m->len + len + 1 > m->cap) {
                size_t cap = m->cap ? m->cap : 4096;
                while (m->len + len + 1 > cap)
                        cap *= 2;
                m->data = realloc(m->data, cap);
                m->cap = cap;
        }
        memcpy(m->data + m->len, data, len);
        m->len += len;
        m->data[m->len] = '\0';
}

static void mp_puts(struct multipart *m, const char *s)
{
        mp_append(m, s, strlen(s));
}

void mp_init(struct multipart *m)
{
        memset(m, 0, sizeof(*m));
        static unsigned counter;
        snprintf(m->boundary, sizeof(m->boundary), "----KindredTestBoundary%ld%u", (long)getpid(),
                 ++counter);
}

void mp_field(struct multipart *m, const char *name, const char *value)
{
        mp_puts(m, "--");
        mp_puts(m, m->boundary);
        mp_puts(m, "\r\nContent-Disposition: form-data; name=\"");
        mp_puts(m, name);
        mp_puts(m, "\"\r\n\r\n");
        mp_puts(m, value);
        mp_puts(m, "\r\n");
}

void mp_file(struct multipart *m, const char *name, const char *filename, const char *content_type,
             const void *data, size_t len)
{
        mp_puts(m, "--");
        mp_puts(m, m->boundary);
        mp_puts(m, "\r\nContent-Disposition: form-data; name=\"");
        mp_puts(m, name);
        mp_puts(m, "\"; filename=\"");
        mp_puts(m, filename);
        mp_puts(m, "\"\r\nContent-Type: ");
        mp_puts(m, content_type);
        mp_puts(m, "\r\n\r\n");
        mp_append(m, data, len);
        mp_puts(m, "\r\n");
}

void mp_finish(struct multipart *m, char *content_type, size_t size)
{
        mp_puts(m, "--");
        mp_puts(m, m->boundary);
        mp_puts(m, "--\r\n");
        snprintf(content_type, size, "multipart/form-data; boundary=%s", m->boundary);
}

void mp_free(struct multipart *m)
{
        free(m->data);
        memset(m, 0, sizeof(*m));
}

/* ---------------------------------------------------------------- logging in */

int kd_login(int port, struct jar *j, const char *login, const char *password)
{
        struct http_resp r;
        char cookie[1024], csrf[128], body[1024] = "";
        jar_header(j, cookie, sizeof(cookie));
        if (http_do(port, "GET", "/login", cookie, NULL, NULL, 0, &r) < 0)
                return -1;
        jar_update(j, &r);
        bool found = find_csrf(r.body, csrf, sizeof(csrf));
        resp_free(&r);
        if (!found)
                return -1;
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "login", login);
        form_append(body, sizeof(body), "password", password);
        jar_header(j, cookie, sizeof(cookie));
        if (http_do(port, "POST", "/login", cookie, "application/x-www-form-urlencoded", body,
                    strlen(body), &r) < 0)
                return -1;
        jar_update(j, &r);
        int status = r.status;
        resp_free(&r);
        return status;
}

/* ---------------------------------------------------------------- reading forms */

/* Copies s[0..len) into out, decoding the character references html.c writes. */
static void html_unescape(const char *s, size_t len, char *out, size_t size)
{
        static const struct {
                const char *ref;
                char c;
        } refs[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
        size_t o = 0;
        for (size_t i = 0; i < len && o + 1 < size;) {
                bool done = false;
                for (size_t k = 0; s[i] == '&' && k < sizeof(refs) / sizeof(refs[0]); k++) {
                        size_t rl = strlen(refs[k].ref);
                        if (i + rl <= len && memcmp(s + i, refs[k].ref, rl) == 0) {
                                out[o++] = refs[k].c;
                                i += rl;
                                done = true;
                                break;
                        }
                }
                if (!done)
                        out[o++] = s[i++];
        }
        out[o] = '\0';
}

bool html_form_value(const char *html, const char *name, char *out, size_t size)
{
        char needle[128];
        out[0] = '\0';
        if (!html)
                return false;
        /* <textarea ... name="X" ...>\nVALUE</textarea> */
        snprintf(needle, sizeof(needle), "name=\"%s\"", name);
        for (const char *p = strstr(html, needle); p; p = strstr(p + 1, needle)) {
                const char *tag = p;
                while (tag > html && *tag != '<')
                        tag--;
                const char *end = strchr(p, '>');
                if (!end)
                        return false;
                if (strncmp(tag, "<textarea", 9) == 0) {
                        const char *v = end + 1;
                        if (*v == '\n')
                                v++;
                        const char *close = strstr(v, "</textarea>");
                        if (!close)
                                return false;
                        html_unescape(v, (size_t)(close - v), out, size);
                        return true;
                }
                if (strncmp(tag, "<select", 7) == 0) {
                        const char *close = strstr(end, "</select>");
                        const char *sel = strstr(end, " selected>");
                        if (!close || !sel || sel > close)
                                return true; /* nothing selected: "" */
                        const char *opt = sel;
                        while (opt > end && strncmp(opt, "<option value=\"", 15) != 0)
                                opt--;
                        opt += 15;
                        html_unescape(opt, strcspn(opt, "\""), out, size);
                        return true;
                }
                if (strncmp(tag, "<input", 6) == 0) {
                        const char *v = strstr(tag, " value=\"");
                        if (v && v < end) {
                                v += 8;
                                html_unescape(v, strcspn(v, "\""), out, size);
                        }
                        return true;
                }
        }
        return false;
}
