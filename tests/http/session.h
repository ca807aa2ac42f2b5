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

/* A cmocka teardown: stops srv (fails on a sanitizer report) and removes its data folder unless
 * KINDRED_KEEP_TEST_DATA is set. */
int kd_fixture_stop(void **state);

/* The unread-notifications number in m's page header (0 when it shows none). */
int header_unread(const struct member *m);

#endif
