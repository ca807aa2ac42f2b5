/* A tiny HTTP/1.1 client and server launcher for black-box tests of the real kindred binary. */
#ifndef KD_TEST_CLIENT_H
#define KD_TEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct kd_server {
        pid_t pid;
        int port;
        char data_dir[256];
        char log_path[300];
        /* on PostgreSQL (KINDRED_TEST_PG_URL set, tests/pg/start): the site's own database,
         * made by kd_start and dropped by kd_drop_database; "" on SQLite */
        char database_url[512];
};

/* Starts `kindred serve` on 127.0.0.1 port 0 with a fresh temporary data folder; extra_env is a
 * NULL-terminated list of "NAME=value" strings (may be NULL). Returns 0 or -1. */
int kd_start(struct kd_server *s, const char *const *extra_env);
/* Stops the server and serves the same data folder again (a new process, a new port in
 * s->port; the log is appended to). Sessions live in the database, so cookies stay valid.
 * Returns 0 or -1. */
int kd_restart(struct kd_server *s, const char *const *extra_env);
/* Serves a site that already exists in s->data_dir (made with `kindred init`), logging to
 * s->log_path; fills s->pid and s->port. Returns 0 or -1. */
int kd_serve_existing(struct kd_server *s, const char *const *extra_env);
/* Runs `kindred ARGS...` against the server's data folder and waits; returns its exit status.
 * stdin_text (may be NULL) is fed to its standard input. */
int kd_cli(struct kd_server *s, const char *stdin_text, const char *const *args);
/* On PostgreSQL, makes a new empty database on the test cluster and puts its URL in
 * s->database_url; on SQLite does nothing. Returns 0 or -1. */
int kd_new_database(struct kd_server *s);
/* Drops the server's PostgreSQL database (nothing on SQLite); call after kd_stop. */
void kd_drop_database(struct kd_server *s);
/* Sends SIGTERM, waits, and returns the exit status (0 for a clean stop); -1 on trouble. */
int kd_stop(struct kd_server *s);
/* True when the server log contains needle. */
bool kd_log_contains(struct kd_server *s, const char *needle);

struct http_resp {
        int status;
        char *head; /* status line and headers */
        char *body;
        size_t body_len;
};

/* One connection that may carry several requests (keep-alive). */
struct http_conn {
        int fd;
        char *pending; /* bytes read past the last response (pipelining) */
        size_t pending_len;
};

int conn_open(struct http_conn *c, int port);
void conn_close(struct http_conn *c);
/* True when the server has sent something (or closed) that is waiting to be read. */
bool conn_answered(struct http_conn *c);
/* Sends raw bytes. Returns 0 or -1. */
int conn_send(struct http_conn *c, const char *data, size_t len);
/* Reads one response (Content-Length or until close). Returns 0, or -1 when the connection was
 * closed before a full response. */
int conn_read(struct http_conn *c, struct http_resp *r, bool head_request);
void resp_free(struct http_resp *r);
/* A response header's value (first match, case-insensitive name), copied into out; false when
 * absent. */
bool resp_header_get(const struct http_resp *r, const char *name, char *out, size_t size);

/* Convenience: one request on a new connection. method, path, extra header lines (each ending
 * in \r\n, may be NULL), body (may be NULL) with its content type. Returns 0 or -1. */
int http_do(int port, const char *method, const char *path, const char *headers,
            const char *content_type, const char *body, size_t body_len, struct http_resp *r);

/* A cookie jar of name=value pairs, updated from Set-Cookie headers. */
struct jar {
        char names[8][32];
        char values[8][128];
        int n;
};
void jar_update(struct jar *j, const struct http_resp *r);
/* Writes "Cookie: a=b; c=d\r\n" (or "" for an empty jar) into out. */
void jar_header(const struct jar *j, char *out, size_t size);
const char *jar_get(const struct jar *j, const char *name);

/* Finds value="..." of the hidden _csrf input in an HTML body; false when absent. */
bool find_csrf(const char *body, char *out, size_t size);
/* Appends name=value to a urlencoded body, percent-encoding value. */
void form_append(char *body, size_t size, const char *name, const char *value);

/* A multipart/form-data body, built in memory. */
struct multipart {
        char *data;
        size_t len, cap;
        char boundary[64];
};
void mp_init(struct multipart *m);
/* Appends a text field. */
void mp_field(struct multipart *m, const char *name, const char *value);
/* Appends a file part with its file name and content type. */
void mp_file(struct multipart *m, const char *name, const char *filename, const char *content_type,
             const void *data, size_t len);
/* Closes the body; writes "multipart/form-data; boundary=..." into content_type. */
void mp_finish(struct multipart *m, char *content_type, size_t size);
void mp_free(struct multipart *m);

/* Logs in through the real form (GET /login for the token, then POST); the jar keeps the
 * session. Returns the POST's status (303 on success) or -1. */
int kd_login(int port, struct jar *j, const char *login, const char *password);

/* The current value of a form control in an HTML page: an <input name="..." value="...">, a
 * <textarea name="...">, or the selected <option> of a <select name="...">, with HTML
 * character references decoded. False when there is no such control. */
bool html_form_value(const char *html, const char *name, char *out, size_t size);

#endif
