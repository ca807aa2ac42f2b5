/* The shared vocabulary of the HTTP tests: signed-in members, requests as one of them, the JSON
 * API, and expectations that fail with the page in view. Every HTTP test file includes this
 * (and client.h through it) instead of keeping its own copies.
 *
 * The tests run one server at a time: `srv`, started by the file's fixture (kd_start(&srv, ...))
 * and stopped by kd_fixture_stop, which also fails the test when the server reported a
 * sanitizer error and removes its data folder. */
#ifndef KD_TEST_SESSION_H
#define KD_TEST_SESSION_H

#include "client.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The demo's members all share this password. */
#define DEMO_PW "kindred-demo"

extern struct kd_server srv;

/* A signed-in member: the session cookie and its CSRF token. */
struct member {
        struct jar jar;
        char csrf[128];
        char handle[32];
};

/* Requests as m (NULL: a guest). */
void get(const struct member *m, const char *path, struct http_resp *r);

int status_of(const struct member *m, const char *path);

/* Logs in as handle (password NULL: the demo password) and reads the session's CSRF token. */
void login_as(struct member *m, const char *handle, const char *password);

/* Signs up a new member through the real /signup form (email handle@kindred.test, the demo
 * password), confirms the address with the link queued to it (confirm_signup), keeps the
 * session that opens and reads its CSRF token: a member with no history. */
void signup_as(struct member *m, const char *handle);

/* Completes a sign-up whose form was sent as m: reads the confirmation link queued to email
 * from the site's outbox (mailbox.h), opens it and presses its button as m. Returns the
 * button's status (303 with a session cookie in m->jar when the account was made). */
int confirm_signup(struct member *m, const char *email);
/* The same on the server listening on port whose database is srv's (a restarted srv). */
int confirm_signup_on(int port, struct member *m, const char *email);

/* How many times needle occurs in hay. */
size_t count(const char *hay, const char *needle);

/* Copies what follows `before` in hay up to (not including) the first of `stop` into out. */
bool extract(const char *hay, const char *before, const char *stop, char *out, size_t size);

/* Fails the test with what went wrong, the status and the start of the page (freeing r first,
 * so a failing test leaks nothing under the sanitizers). */
void fail_resp(struct http_resp *r, const char *what);

void expect_status(struct http_resp *r, int status, const char *what);

void expect_in(struct http_resp *r, const char *needle, const char *what);

void expect_not_in(struct http_resp *r, const char *needle, const char *what);

/* Posts urlencoded name/value pairs (a NULL-terminated list), with the member's token first
 * when with_csrf. */
void post_pairs(const struct member *m, const char *path, const char *const *kv, bool with_csrf,
                struct http_resp *r);

/* A response header that must be present, copied into out. */
void header(const struct http_resp *r, const char *name, char *out, size_t size);

/* Another node of srv's site (on PostgreSQL: the same database) with a data folder of its own
 * under root, started with extra_env (may be NULL); kd_node_stop fails the test when it exited
 * badly or reported a sanitizer error, and removes its folder. */
struct kd_node {
        struct kd_server s;
        char root[64];
};
void kd_node_start(struct kd_node *n, const char *const *extra_env);
void kd_node_stop(struct kd_node *n);

/* Posts a comment (parent 0: a new thread) as m on the episode at episode_path through the page's
 * form, expects the redirect, and returns the new comment's id from it. */
long post_comment(const struct member *m, const char *episode_path, const char *body, long parent);

/* The id of an episode, from its reactions form, as m (NULL: a guest) sees the page. */
long episode_id_as(const struct member *m, const char *ep_path);

/* A JSON API request (json NULL: no body), with the X-CSRF-Token header when with_csrf. */
void api(const struct member *m, const char *method, const char *path, const char *json,
         bool with_csrf, struct http_resp *r);

/* The body parsed as JSON (fails the test otherwise); the caller decrefs. */
json_t *json_of(struct http_resp *r);

/* A string member of a JSON object, "" when absent. */
const char *jstr(json_t *o, const char *key);

/* Checks an API error body: {"error": {"status": status, "message": "...needle..."}}. */
void expect_api_error(struct http_resp *r, int status, const char *needle, const char *what);

/* The part of a page from an element's opening (`start`) to the next `end`, copied (caller
 * frees); NULL when absent. */
char *slice(const char *page, const char *start, const char *end);

/* Publishes (or, with publish_at, schedules; action "draft" saves a draft) an episode in season
 * 2 of Learning in Public as an author, through the editor. Returns the response status;
 * Location goes into loc. */
int write_episode(const struct member *m, const char *path, const char *title, const char *body,
                  const char *publish_at, const char *action, char *loc, size_t loc_size);

/* The editor id of an episode, from the edit link its writer sees. */
long edit_id_of(const struct member *writer, const char *episode_path);

/* Visible answers (and replies to them) under an episode's questions, as m (NULL: a guest)
 * reads /api/v1/episodes/ID/prompts: with the episode's own conversation, what its comment
 * count counts (one page of answers per question). */
size_t api_answers_visible(const struct member *m, long episode_id);
/* Posts an already urlencoded body as m (NULL: a guest); the caller puts the token in. */
void post_form(const struct member *m, const char *path, const char *body, struct http_resp *r);

/* The same, to the server listening on port (a second server of the test's own). */
void post_form_to(int port, const struct member *m, const char *path, const char *body,
                  struct http_resp *r);

/* Posts a multipart body as m (NULL: a guest), finishing it first; the caller frees it. */
void post_multipart(const struct member *m, const char *path, struct multipart *mp,
                    struct http_resp *r);

/* m's CSRF token as the home page carries it now (after a login, m->csrf holds it too). */
void csrf_of(const struct member *m, char *csrf, size_t size);

/* A GET with raw request headers (each ending in \r\n; NULL: none). */
void get_with_headers(const char *path, const char *headers, struct http_resp *r);

/* Runs SQL on srv's database beside the running server, to arrange rows no route writes (yet)
 * or to read what the pages do not show. db_int answers the first column of the first row (0
 * when there is none). Both fail the test on an error. */
void db_exec(const char *sql);
long long db_int(const char *sql);
/* The first column of the first row as text into out ("" when there is none). */
void db_text(const char *sql, char *out, size_t size);
/* Reads db_int(sql) until it equals want or ms milliseconds have passed, and returns the last
 * value read: for what the server writes a moment later (insights events, model/event_queue.h). */
long long db_int_until(const char *sql, long long want, int ms);
/* "YYYY-MM-DD[ HH:MM[:SS]]" (UTC; 'T' and a trailing 'Z' allowed) in Unix seconds, for SQL the
 * tests write on both engines (SQLite's unixepoch() does not exist in PostgreSQL). */
long long unix_at(const char *utc);

/* A cmocka setup: starts srv on a fresh demo site. */
int kd_fixture_start(void **state);

/* A cmocka teardown: stops srv (fails on a sanitizer report) and removes its data folder unless
 * KINDRED_KEEP_TEST_DATA is set. */
int kd_fixture_stop(void **state);

/* Requests sent together (concurrency tests): a raw request as m (NULL: a guest) with method,
 * path and, when body is not NULL, that body of content_type, carrying the member's CSRF token
 * in X-CSRF-Token. Writes it into buf; returns its length. */
size_t raw_request(const struct member *m, const char *method, const char *path,
                   const char *content_type, const char *body, char *buf, size_t size);
/* Sends n raw requests at once, each from a process of its own on a connection of its own (all
 * connected first, then released together). statuses[i] gets each answer's status (-1: none). */
void send_at_once(char *const *reqs, const size_t *lens, int n, int *statuses);
/* The unread-notifications number in m's page header (0 when it shows none). */
int header_unread(const struct member *m);

#endif
