/* Request dispatch: route, parameters, viewer, role, CSRF, handler, error rendering. */
#include "app.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/token.h"
#include "db/db.h"
#include "db/pool.h"
#include "http/html.h"
#include "http/member_cache.h"
#include "http/page_cache.h"
#include "http/params.h"
#include "http/request.h"
#include "http/server.h"
#include "http/static_files.h"
#include "model/cluster.h"
#include "model/episode.h"
#include "model/event_queue.h"
#include "model/job.h"
#include "model/job_worker.h"
#include "model/mail_outbox.h"
#include "web/page_parts.h"
#include "web/subscription_mail.h"
#include "model/mail_token.h"
#include "model/member.h"
#include "model/search_index.h"
#include "model/session.h"
#include "model/shared_limits.h"
#include "web/account_mail.h"
#include "web/errors.h"
#include "web/events.h"
#include "web/kept_form.h"
#include "web/language.h"
#include "web/notify_mail.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* How long a request waits for a connection when every one of the pool is busy; then 503. */
enum { POOL_WAIT_MS = 5000 };
/* The 503 of a request that could not reach the database. */
#define DB_AWAY_MESSAGE N_("The database is not available. Try again shortly.")

/* The connection this thread borrowed for the request it is answering. */
static _Thread_local struct db *held;

struct db *app_thread_db(struct app *app)
{
        if (!held)
                held = db_pool_acquire(app->pool, POOL_WAIT_MS);
        return held;
}

void app_thread_db_release(struct app *app)
{
        if (held) {
                db_pool_release(app->pool, held);
                held = NULL;
        }
}

/* ---------------------------------------------------------------- several nodes */

/* Another node changed the site (model/cluster.h): guests' pages may be stale, and a schedule
 * may have been set there. Called from the listener thread. */
static void other_node_changed(void *ctx)
{
        struct app *app = ctx;
        page_cache_invalidate(app->pages);
        member_cache_forget_all(); /* a coarse drop: the notice does not say whose */
        page_parts_invalidate();   /* members' shared parts too (web/page_parts.h) */
        atomic_store(&app->next_due, 0);
}

/* Limits counted in the database (http/throttle.h, model/shared_limits.h) with the connection
 * of the request being answered. */
static long store_rate_hit(void *ctx, const char *key, unsigned limit, unsigned window_s,
                           int64_t now)
{
        struct db *db = app_thread_db(ctx);
        return db ? shared_rate_hit(db, key, limit, window_s, now) : -1;
}

static long store_throttle_check(void *ctx, const char *key, int64_t now)
{
        struct db *db = app_thread_db(ctx);
        return db ? shared_throttle_check(db, key, now) : -1;
}

static int store_throttle_fail(void *ctx, const char *key, unsigned free_fails,
                               unsigned max_lockout_s, unsigned window_s, int64_t now)
{
        struct db *db = app_thread_db(ctx);
        long fails = db ? shared_throttle_fail(db, key, window_s, now) : -1;
        if (fails < 0)
                return -1;
        unsigned lock = throttle_lockout((unsigned)fails, free_fails, max_lockout_s);
        /* counted already: a failed lock is logged by the db layer, not counted twice */
        if (lock)
                shared_throttle_lock(db, key, now + lock);
        return 0;
}

static int store_throttle_reset(void *ctx, const char *key)
{
        struct db *db = app_thread_db(ctx);
        return db ? shared_throttle_reset(db, key) : -1;
}

static struct limit_store shared_store = {
    .rate_hit = store_rate_hit,
    .throttle_check = store_throttle_check,
    .throttle_fail = store_throttle_fail,
    .throttle_reset = store_throttle_reset,
};

int app_init(struct app *app, const struct config *config)
{
        memset(app, 0, sizeof(*app));
        app->config = *config;
        app->db_path = config_db_target(config);
        app->assets = static_files_load(config->static_dir);
        if (!app->assets) {
                free(app->db_path);
                return -1;
        }
        app->guards.login_by_handle =
            throttle_new("login_by_handle", KD_LOGIN_FREE_FAILS_PER_HANDLE, KD_LOGIN_MAX_LOCKOUT_S,
                         KD_LOGIN_FAIL_WINDOW_S);
        app->guards.login_by_ip = throttle_new("login_by_ip", KD_LOGIN_FREE_FAILS_PER_IP,
                                               KD_LOGIN_MAX_LOCKOUT_S, KD_LOGIN_FAIL_WINDOW_S);
        app->guards.signup_by_ip = rate_limit_new("signup_by_ip", config->signups_per_hour, 3600);
        app->pages = page_cache_new(KD_PAGE_CACHE_BYTES, KD_PAGE_CACHE_TTL_S);
        /* one connection per worker thread, and one for the housekeeping of app_serve */
        unsigned pool = config->db_pool;
        if (!pool) {
                long cores = sysconf(_SC_NPROCESSORS_ONLN);
                pool = (config->threads ? config->threads : cores > 0 ? (unsigned)cores : 2) + 1;
        }
        /* A commit that changed a session or a member drops the sessions kept in memory; any
         * other write only the header's counts (http/member_cache.h). Before any connection
         * opens: each takes the watch as it opens. */
        static const char *const member_tables[] = {"session", "member", NULL};
        db_watch_tables(member_tables, member_cache_forget_all);
        app->pool = db_pool_new(app->db_path, pool,
                                config->fsync_writes ? DB_DURABLE_FULL : DB_DURABLE_NORMAL);
        atomic_init(&app->next_due, 0); /* look the first schedule up on the first request */
        app->guards.comment_by_member_minute =
            rate_limit_new("comment_by_member_minute", KD_COMMENTS_PER_MEMBER_PER_MINUTE, 60);
        app->guards.comment_by_member_hour =
            rate_limit_new("comment_by_member_hour", KD_COMMENTS_PER_MEMBER_PER_HOUR, 3600);
        app->guards.reaction_by_member =
            rate_limit_new("reaction_by_member", KD_REACTIONS_PER_MEMBER_PER_MINUTE, 60);
        app->guards.report_by_member =
            rate_limit_new("report_by_member", KD_REPORTS_PER_MEMBER_PER_HOUR, 3600);
        app->guards.writes_by_ip = rate_limit_new("writes_by_ip", KD_WRITES_PER_IP_PER_MINUTE, 60);
        app->guards.ask_by_member_day =
            rate_limit_new("ask_by_member_day", KD_ASKS_PER_MEMBER_PER_DAY, 86400);
        app->guards.ask_vote_by_member =
            rate_limit_new("ask_vote_by_member", KD_ASK_VOTES_PER_MEMBER_PER_MINUTE, 60);
        app->guards.ask_change_by_member =
            rate_limit_new("ask_change_by_member", KD_ASK_CHANGES_PER_MEMBER_PER_HOUR, 3600);
        app->guards.term_by_member =
            rate_limit_new("term_by_member", KD_TERMS_PER_MEMBER_PER_HOUR, 3600);
        app->guards.term_decision_by_member =
            rate_limit_new("term_decision_by_member", KD_TERM_DECISIONS_PER_MINUTE, 60);
        app->guards.prompt_by_member =
            rate_limit_new("prompt_by_member", KD_PROMPT_CHANGES_PER_MEMBER_PER_HOUR, 3600);
        app->guards.tried_by_member =
            rate_limit_new("tried_by_member", KD_TRIED_WRITES_PER_MEMBER_PER_HOUR, 3600);
        app->guards.edit_by_member =
            rate_limit_new("edit_by_member", KD_EDITS_PER_MEMBER_PER_MINUTE, 60);
        app->guards.thread_by_member_hour =
            rate_limit_new("thread_by_member_hour", KD_THREADS_PER_MEMBER_PER_HOUR, 3600);
        app->guards.post_by_member_minute =
            rate_limit_new("post_by_member_minute", KD_POSTS_PER_MEMBER_PER_MINUTE, 60);
        app->guards.post_by_member_hour =
            rate_limit_new("post_by_member_hour", KD_POSTS_PER_MEMBER_PER_HOUR, 3600);
        app->guards.buildon_by_member_hour =
            rate_limit_new("buildon_by_member_hour", KD_BUILDONS_PER_MEMBER_PER_HOUR, 3600);
        app->guards.buildon_change_by_member_hour = rate_limit_new(
            "buildon_change_by_member_hour", KD_BUILDON_CHANGES_PER_MEMBER_PER_HOUR, 3600);
        app->guards.badge_by_admin =
            rate_limit_new("badge_by_admin", KD_BADGE_CHANGES_PER_ADMIN_PER_HOUR, 3600);
        app->guards.beacon_by_ip = rate_limit_new("beacon_by_ip", KD_BEACONS_PER_IP_PER_MINUTE, 60);
        app->guards.reset_by_ip = rate_limit_new("reset_by_ip", KD_RESETS_PER_IP_PER_HOUR, 3600);
        app->guards.email_change_by_member =
            rate_limit_new("email_change_by_member", KD_EMAIL_CHANGES_PER_MEMBER_HOUR, 3600);
        return 0;
}

void app_cleanup(struct app *app)
{
        throttle_free(app->guards.login_by_handle);
        throttle_free(app->guards.login_by_ip);
        rate_limit_free(app->guards.signup_by_ip);
        rate_limit_free(app->guards.reset_by_ip);
        rate_limit_free(app->guards.email_change_by_member);
        page_cache_free(app->pages);
        rate_limit_free(app->guards.comment_by_member_minute);
        rate_limit_free(app->guards.comment_by_member_hour);
        rate_limit_free(app->guards.reaction_by_member);
        rate_limit_free(app->guards.report_by_member);
        rate_limit_free(app->guards.writes_by_ip);
        rate_limit_free(app->guards.ask_by_member_day);
        rate_limit_free(app->guards.ask_vote_by_member);
        rate_limit_free(app->guards.ask_change_by_member);
        rate_limit_free(app->guards.term_by_member);
        rate_limit_free(app->guards.term_decision_by_member);
        rate_limit_free(app->guards.prompt_by_member);
        rate_limit_free(app->guards.tried_by_member);
        rate_limit_free(app->guards.edit_by_member);
        rate_limit_free(app->guards.thread_by_member_hour);
        rate_limit_free(app->guards.post_by_member_minute);
        rate_limit_free(app->guards.post_by_member_hour);
        rate_limit_free(app->guards.buildon_by_member_hour);
        rate_limit_free(app->guards.buildon_change_by_member_hour);
        rate_limit_free(app->guards.badge_by_admin);
        rate_limit_free(app->guards.beacon_by_ip);
        static_files_free(app->assets);
        db_pool_free(app->pool);
        free(app->db_path);
}

/* ---------------------------------------------------------------- request fields */

struct query_ctx {
        struct request *req;
        int error;
};

static enum MHD_Result collect_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                         size_t key_size, const char *value, size_t value_size)
{
        (void)kind;
        struct query_ctx *q = cls;
        int rc = form_add(q->req->arena, &q->req->raw, key, key_size, value ? value : "",
                          value ? value_size : 0);
        if (rc != FORM_OK) {
                q->error = rc;
                return MHD_NO;
        }
        return MHD_YES;
}

static bool content_type_is(const char *ct, const char *type)
{
        size_t n = strlen(type);
        return ct && strncasecmp(ct, type, n) == 0 &&
               (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Fills req->raw from the query string and a form body. Returns 0 or an HTTP status. */
/* Adds a JSON value as a field: strings as they are, integers and booleans as text; objects one
 * level deep become "outer_inner" fields ({"quote": {"exact": ...}} is quote_exact). Returns
 * FORM_OK, a form error, or FORM_EMALFORMED for anything else (arrays, nesting, null). */
static int json_field(struct request *req, const char *name, json_t *v, int depth)
{
        char text[32];
        const char *value = NULL;
        size_t len = 0;
        if (json_is_string(v)) {
                value = json_string_value(v);
                len = json_string_length(v);
        } else if (json_is_integer(v)) {
                len =
                    (size_t)snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
                value = text;
        } else if (json_is_boolean(v)) {
                value = json_is_true(v) ? "1" : "0";
                len = 1;
        } else if (json_is_object(v) && depth == 0) {
                const char *key;
                json_t *inner;
                json_object_foreach(v, key, inner)
                {
                        char joined[KD_MAX_FIELD_NAME_BYTES + 1];
                        if ((size_t)snprintf(joined, sizeof(joined), "%s_%s", name, key) >=
                            sizeof(joined))
                                return FORM_ENAME_TOO_LONG;
                        int rc = json_field(req, joined, inner, 1);
                        if (rc != FORM_OK)
                                return rc;
                }
                return FORM_OK;
        } else {
                return FORM_EMALFORMED;
        }
        return form_add(req->arena, &req->raw, name, strlen(name), value, len);
}

/* An API call's JSON object becomes fields, so declared parameters check it like a form. */
static int read_json(struct request *req)
{
        json_error_t err;
        json_t *root = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &err);
        if (!root || !json_is_object(root)) {
                json_decref(root);
                return req_fail(req, 400, N_("The body is not a JSON object."));
        }
        const char *key;
        json_t *v;
        int rc = FORM_OK;
        json_object_foreach(root, key, v)
        {
                rc = json_field(req, key, v, 0);
                if (rc != FORM_OK)
                        break;
        }
        json_decref(root);
        if (rc == FORM_EMALFORMED)
                return req_fail(req, 400,
                                N_("JSON fields must be strings, numbers, booleans or one "
                                   "level of objects."));
        return rc == FORM_OK ? 0 : req_fail(req, 400, form_error_message(rc));
}

static int read_fields(struct request *req)
{
        struct query_ctx q = {req, 0};
        MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, collect_query_arg, &q);
        if (q.error)
                return req_fail(req, 400, form_error_message(q.error));
        req->query_fields = req->raw.count;
        if (req->body.len == 0)
                return 0;
        int rc = FORM_OK;
        if (content_type_is(req->content_type, "application/x-www-form-urlencoded"))
                rc = form_parse_urlencoded(req->arena, req->body.data, req->body.len, &req->raw);
        else if (content_type_is(req->content_type, "multipart/form-data"))
                rc = form_parse_multipart(req->arena, req->content_type, req->body.data,
                                          req->body.len, &req->raw);
        else if (content_type_is(req->content_type, "application/json"))
                return read_json(req);
        else
                return req_fail(req, 415,
                                N_("Send forms as application/x-www-form-urlencoded or "
                                   "multipart/form-data, and API calls as application/json."));
        if (rc != FORM_OK)
                return req_fail(req, 400, form_error_message(rc));
        return 0;
}

/* ---------------------------------------------------------------- viewer and CSRF */

#define SESSION_COOKIE    "kd_session"
#define GUEST_CSRF_COOKIE "kd_csrf"

/* Copies a string kept in the member cache into the request's arena. */
static const char *kept(struct request *req, const char *s)
{
        return arena_strdup(req->arena, s);
}

static void cached_from_session(const struct session *s, struct member_cached *c)
{
        memset(c, 0, sizeof(*c));
        c->member_id = s->member_id;
        c->role = s->role;
        c->expires_at = s->expires_at;
        c->last_seen_at = s->last_seen_at;
        snprintf(c->handle, sizeof(c->handle), "%s", s->handle);
        snprintf(c->display_name, sizeof(c->display_name), "%s", s->display_name);
        snprintf(c->csrf_token, sizeof(c->csrf_token), "%s", s->csrf_token);
        snprintf(c->language, sizeof(c->language), "%s", s->language ? s->language : "");
}

static bool same_member(const struct member_cached *a, const struct member_cached *b)
{
        return a->member_id == b->member_id && a->role == b->role &&
               a->expires_at == b->expires_at && strcmp(a->handle, b->handle) == 0 &&
               strcmp(a->display_name, b->display_name) == 0 &&
               strcmp(a->csrf_token, b->csrf_token) == 0 && strcmp(a->language, b->language) == 0;
}

/* Reads the session of token into the viewer: from memory when the member cache holds it
 * (http/member_cache.h), else from the database, then kept. In strict mode (several nodes) the
 * session row is read every time, so a logout, suspension or role change on another node
 * counts at once; the header's counts still come from memory. Returns SESSION_OK, SESSION_NONE
 * when there is no live session for token, or SESSION_DB_ERROR when it could not be read. */
static int viewer_from_session(struct request *req, const char *token)
{
        if (!token_well_formed(token))
                return SESSION_NONE;
        int64_t now = time_now();
        /* before anything is read */
        uint64_t stamp = member_cache_stamp(), session_stamp = member_cache_session_stamp();
        struct member_cached c;
        struct member_counts counts;
        bool has_counts = false;
        bool cached = member_cache_get(token, now, &c, &counts, &has_counts);
        if (!cached || member_cache_strict()) {
                struct session s;
                int found = session_lookup(req->db, req->arena, token, &s);
                if (found != SESSION_OK)
                        return found;
                struct member_cached read;
                cached_from_session(&s, &read);
                if (!cached || !same_member(&c, &read)) {
                        c = read;
                        has_counts = false;
                        member_cache_put(token, stamp, session_stamp, &c);
                }
        } else if (session_seen_due(c.last_seen_at, now)) {
                session_seen(req->db, token, c.member_id, now);
                member_cache_seen(token, now);
        }
        req->viewer.id = c.member_id;
        req->viewer.handle = kept(req, c.handle);
        req->viewer.display_name = kept(req, c.display_name);
        req->viewer.role = c.role;
        req->viewer.session_token = token;
        req->viewer.cache_stamp = stamp;
        /* a node that lost hearing of the others' writes reads the counts (as it builds every
         * guest page) until it hears again, which drops every entry */
        if (has_counts && cluster_in_step()) {
                struct member_counts *copy = arena_alloc(req->arena, sizeof(*copy));
                *copy = counts;
                req->viewer.counts = copy;
        }
        req->csrf_token = kept(req, c.csrf_token);
        /* A member's saved language wins over the cookie and the browser's. */
        const struct locale *saved = c.language[0] ? i18n_find(c.language) : NULL;
        if (saved)
                req->locale = saved;
        return SESSION_OK;
}

/* The viewer of req: a member from the session cookie, else a guest with a CSRF token. A
 * session the database could not be asked about is not taken for a missing one (that would log
 * the member out over a moment's outage): the request is answered 503 and the cookie kept.
 * Returns 0 or the status it answered with. */
static int load_viewer(struct app *app, struct request *req)
{
        const char *token = req_cookie(req, SESSION_COOKIE);
        int found = token ? viewer_from_session(req, token) : SESSION_NONE;
        if (found == SESSION_OK)
                return 0;
        if (found == SESSION_DB_ERROR)
                return req_fail(req, 503, DB_AWAY_MESSAGE);
        if (token) /* stale or forged: drop it so the browser stops sending it */
                resp_cookie(req, SESSION_COOKIE, "", -1, app->config.secure_cookies);
        /* Guests carry their CSRF token in a cookie of its own (double submit): a page from
         * another site can neither read it nor set it. */
        const char *guest = req_cookie(req, GUEST_CSRF_COOKIE);
        if (token_well_formed(guest)) {
                req->csrf_token = guest;
        } else {
                char *fresh = arena_alloc(req->arena, TOKEN_CHARS + 1);
                token_new(fresh);
                req->csrf_token = fresh;
                req->csrf_fresh = true;
        }
        return 0;
}

#define CSRF_MESSAGE                                                                               \
        N_("The form's security token is missing or out of date. Go back, reload the page and "    \
           "try again.")

/* The token comes from the body or the X-CSRF-Token header, never from the query string: an
 * address ends up in logs, Referer headers and history, and a token there would leak. */
static bool csrf_ok(struct request *req)
{
        const char *given = NULL;
        for (size_t i = req->query_fields; i < req->raw.count && !given; i++)
                if (strcmp(req->raw.fields[i].name, "_csrf") == 0)
                        given = req->raw.fields[i].value;
        if (!given)
                given = req_header(req, "X-CSRF-Token");
        return token_equal(req->csrf_token, given);
}

/* True when the browser says the request comes from a page of this site: Sec-Fetch-Site where
 * the browser sends it, else an Origin naming the Host the request was sent to. Only routes
 * that declare guest_same_origin accept this instead of a guest's token. */
static bool same_origin(struct request *req)
{
        const char *site = req_header(req, "Sec-Fetch-Site");
        if (site)
                return strcmp(site, "same-origin") == 0;
        const char *origin = req_header(req, "Origin");
        const char *host = req_header(req, "Host");
        const char *after = origin ? strstr(origin, "://") : NULL;
        return after && host && *host && strcmp(after + 3, host) == 0;
}

static bool guest_proves_origin(struct request *req)
{
        return req->match.route->guest_same_origin && !req_signed_in(req) && same_origin(req);
}

/* ---------------------------------------------------------------- dispatch */

static bool wants_json(struct request *req)
{
        if (req->match.route)
                return req->match.route->json;
        if (strncmp(req->path, "/api/", 5) == 0)
                return true;
        const char *accept = req_header(req, "Accept");
        return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

/* What every page needs from the application, before anything can be rendered. The language is
 * the switcher's cookie, else the browser's Accept-Language, else the site's; a member's saved
 * choice replaces it once the session is read (load_viewer). Guests' pages depend on the cookie
 * and the header only, so the page cache keys on the result. */
static void attach(struct app *app, struct request *req)
{
        req->config = &app->config;
        req->assets = app->assets;
        req->guards = &app->guards;
        req->locale =
            i18n_choose(req_cookie(req, WEB_LANGUAGE_COOKIE), req_header(req, "Accept-Language"),
                        i18n_find(app->config.language));
}

void app_render_error(void *ctx, struct request *req)
{
        if (!req->config)
                attach(ctx, req);
        buf_reset(&req->resp.body);
        if (wants_json(req))
                api_error_render(req);
        else
                web_error_render(req);
}

/* The path (with query and fragment) of the page a form was sent from, or "/". */
static const char *referer_path(struct request *req)
{
        const char *r = req_header(req, "Referer");
        const char *scheme = r ? strstr(r, "://") : NULL;
        const char *path = scheme ? strchr(scheme + 3, '/') : NULL;
        return path && http_local_path(path) ? arena_strdup(req->arena, path) : "/";
}

/* Matches req's route into req->match, once. */
static void route_request(struct request *req)
{
        if (req->matched)
                return;
        req->match_rc = router_match_tables(app_route_tables, app_route_tables_count, req->method,
                                            req->path, &req->match);
        req->matched = true;
}

/* Settles the route, the viewer and whether the viewer may call the route, from the request's
 * head alone. Returns 0 or the status it answered with. */
static int admit(struct app *app, struct request *req)
{
        req->admitted = true;
        route_request(req);
        int rc = req->match_rc;
        if (rc == ROUTER_NOT_FOUND)
                return req_fail(req, 404, N_("There is no page at this address."));
        if (rc == ROUTER_WRONG_METHOD) {
                char allow[96];
                http_methods_format(req->match.allowed, allow, sizeof(allow));
                resp_header(req, "Allow", allow);
                return req_fail(req, 405, N_("This address does not accept that method."));
        }
        const struct route *route = req->match.route;

        req->db = app_thread_db(app);
        if (!req->db)
                return req_fail(req, 503, DB_AWAY_MESSAGE);
        if (!route->anonymous && (rc = load_viewer(app, req)) != 0)
                return rc;
        if (!role_allows(req->viewer.role, route->need)) {
                if (req_signed_in(req))
                        return req_fail(req, 403, N_("Your account may not do this."));
                if (route->json)
                        return req_fail(req, 401, N_("Please log in first."));
                /* A member's form whose session ended on the way: keep its text through the
                 * log-in (web/kept_form.h) once the body is read. Only from this site's own
                 * pages, so no other site can put text into a member's forms. */
                if (route->changes_state && req->method == HTTP_POST && same_origin(req) &&
                    web_kept_form_wanted(req)) {
                        req->keep_form = true;
                        return 0;
                }
                /* Send guests to log in, then back here, or, after a form, back to the page
                 * the form was on. */
                const char *back = req->path;
                if (req->method != HTTP_GET && req->method != HTTP_HEAD)
                        back = referer_path(req);
                struct buf to = BUF_INIT;
                buf_puts(&to, "/login?next=");
                html_url_arg(&to, back);
                int status = resp_redirect(req, to.data);
                buf_free(&to);
                return status;
        }
        /* A guest's token lives in a cookie; without one, no form of theirs can carry it. */
        if (route->changes_state && !req_signed_in(req) && req->csrf_fresh &&
            !guest_proves_origin(req))
                return req_fail(req, 403, CSRF_MESSAGE);
        return 0;
}

static int run(struct app *app, struct request *req)
{
        if (!req->admitted) {
                int status = admit(app, req);
                if (status)
                        return status;
        } else if (!(req->db = app_thread_db(app))) { /* handed back while the body came */
                return req_fail(req, 503, DB_AWAY_MESSAGE);
        }
        const struct route *route = req->match.route;
        int status = read_fields(req);
        if (status)
                return status;
        if (req->keep_form)
                return web_kept_form_stash(req);
        const char *problem = NULL;
        if (params_validate(req->arena, req->locale, route->params, &req->raw, &req->params,
                            &problem) < 0)
                return req_fail(req, 400, problem);
        if (route->changes_state && !csrf_ok(req) && !guest_proves_origin(req))
                return req_fail(req, 403, CSRF_MESSAGE);
        resp_size_expect(req, route);
        req->parts_generation = page_parts_generation(); /* before anything the page shows */
        /* A page's reads in one snapshot (db/db.h; SQLite: one read lock, not one a query).
         * Writes of a reading route (a notification marked read) end it and run as usual. */
        bool scoped =
            !route->changes_state && (req->method == HTTP_GET || req->method == HTTP_HEAD);
        if (scoped)
                (void)db_read_begin(req->db);
        status = route->handler(req);
        if (scoped)
                db_read_end(req->db);
        if (req->resp.status == 200)
                resp_size_learn(route, req->resp.body.len);
        return status;
}

static bool has_header(const struct request *req, const char *name)
{
        for (int i = 0; i < req->resp.nheaders; i++)
                if (strcasecmp(req->resp.header_names[i], name) == 0)
                        return true;
        return false;
}

/* The key of a guest's cacheable request: method, path, query and language. NULL when the
 * request is not one (a member's, a write, a conditional on something else). */
struct key_ctx {
        struct buf *b;
        int n;
};

static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
        (void)kind;
        struct key_ctx *c = cls;
        /* Decoded names and values are encoded again, so "?a=x%26b%3Dy" and "?a=x&b=y" are two
         * keys, not one page served for the other. */
        buf_putc(c->b, c->n++ ? '&' : '?');
        html_url_arg(c->b, k);
        buf_putc(c->b, '=');
        html_url_arg(c->b, v ? v : "");
        return MHD_YES;
}

static const char *guest_cache_key(struct request *req)
{
        if (req->method != HTTP_GET && req->method != HTTP_HEAD)
                return NULL;
        if (req_cookie(req, SESSION_COOKIE))
                return NULL;
        struct buf b = BUF_INIT;
        buf_puts(&b, i18n_tag(req->locale));
        buf_putc(&b, ' ');
        buf_puts(&b, req->path);
        struct key_ctx c = {&b, 0};
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, key_arg, &c);
        char *key = b.len < KD_MAX_URI_BYTES + 64 ? arena_strndup(req->arena, b.data, b.len) : NULL;
        buf_free(&b);
        return key;
}

static bool accepts_gzip(struct request *req)
{
        const char *ae = req_header(req, "Accept-Encoding");
        return ae && strstr(ae, "gzip") && !strstr(ae, "gzip;q=0");
}

static bool compressible(const char *type)
{
        return type && (strncmp(type, "text/", 5) == 0 || strstr(type, "json") ||
                        strstr(type, "xml") || strstr(type, "javascript"));
}

/* True when If-None-Match names etag (or "*"). */
static bool etag_matches(struct request *req, const char *etag)
{
        const char *inm = req_header(req, "If-None-Match");
        return inm && (strcmp(inm, "*") == 0 || strstr(inm, etag));
}

/* Headers of a page that may be stored by no shared cache but revalidated by the browser. */
static void finish_headers(struct request *req)
{
        if (!has_header(req, "Cache-Control"))
                resp_header(req, "Cache-Control", "private, no-cache");
        if (!has_header(req, "Vary"))
                resp_header(req, "Vary", "Cookie, Accept-Language, Accept-Encoding");
}

/* A 200 answer goes out as a 304 when the client has it (etag may be NULL: no validator), else
 * gzip'd when it can take that. */
static void conditional_and_gzip(struct request *req, const char *etag, bool already_gzipped)
{
        if (etag)
                resp_header(req, "ETag", etag);
        if (etag && etag_matches(req, etag)) {
                buf_reset(&req->resp.body);
                req->resp.status = 304;
                return;
        }
        if (already_gzipped) {
                resp_header(req, "Content-Encoding", "gzip");
                return;
        }
        if (req->resp.body.len >= KD_GZIP_MIN_BYTES && accepts_gzip(req) &&
            compressible(req->resp.content_type)) {
                struct buf gz = BUF_INIT;
                if (page_gzip(req->resp.body.data, req->resp.body.len, 1, &gz) == 0 &&
                    gz.len < req->resp.body.len) {
                        buf_free(&req->resp.body);
                        req->resp.body = gz;
                        resp_header(req, "Content-Encoding", "gzip");
                } else {
                        buf_free(&gz);
                }
        }
}

/* What every answer gets after its handler (or a refusal) ran. */
static void finish_answer(struct app *app, struct request *req)
{
        if (req->resp.error_message)
                app_render_error(app, req);
        if (req->csrf_fresh && req->csrf_used)
                resp_cookie(req, GUEST_CSRF_COOKIE, req->csrf_token, 0, app->config.secure_cookies);
}

/* Before a request's body is read (see http_admit_fn): a caller who may not write there is
 * answered now, so no one can make the server hold a body it would refuse. */
bool app_admit(void *ctx, struct request *req)
{
        struct app *app = ctx;
        attach(app, req);
        bool admitted = admit(app, req) == 0;
        if (!admitted) {
                finish_answer(app, req);
                finish_headers(req);
        }
        /* a body may take long to arrive: no connection is held meanwhile */
        req->db = NULL;
        app_thread_db_release(app);
        return admitted;
}

static void dispatch(struct app *app, struct request *req);

void app_dispatch(void *ctx, struct request *req)
{
        struct app *app = ctx;
        dispatch(app, req);
        req->db = NULL;
        app_thread_db_release(app);
}

static void dispatch(struct app *app, struct request *req)
{
        attach(app, req);
        /* a node that cannot hear the others' writes builds every page */
        bool in_step = cluster_in_step();
        const char *key = in_step ? guest_cache_key(req) : NULL;
        if (in_step && (req->method == HTTP_GET || req->method == HTTP_HEAD)) {
                /* A scheduled episode appearing changes pages without any write: guests' and
                 * the parts kept for members (req->site_generation). */
                int64_t now = time_now();
                if (now >= atomic_load(&app->next_due)) {
                        struct db *db = app_thread_db(app);
                        page_cache_invalidate(app->pages);
                        page_parts_invalidate(); /* members' shared parts too (web/page_parts.h) */
                        atomic_store(&app->next_due, db ? episode_next_due(db, now) : now);
                }
        }
        if (key) {
                char etag[PAGE_ETAG_SIZE];
                const char *type;
                bool gzipped;
                struct page_tag tag;
                if (page_cache_get(app->pages, key, time_now(), accepts_gzip(req), &req->resp.body,
                                   etag, &type, &gzipped, &tag)) {
                        if (tag.episode_id && app->config.insights) { /* a guest's view */
                                req->db = app_thread_db(app);
                                events_record_cached_view(req, &tag);
                        }
                        req->resp.status = 200;
                        req->resp.content_type = type;
                        conditional_and_gzip(req, etag, gzipped);
                        finish_headers(req);
                        return;
                }
        }
        unsigned generation = page_cache_generation(app->pages);
        req->site_generation = generation;
        req->shared_parts = in_step;
        run(app, req);
        finish_answer(app, req);
        const struct route *route = req->match.route;
        /* Any write may change what guests see. A 5xx too: its commit may have landed before
         * the failure was seen (a failed group sync, db/group_commit.h), and a logout or a
         * suspension must not stay valid in memory. Refusals (4xx) wrote nothing. */
        if (route && route->changes_state && (req->resp.status < 400 || req->resp.status >= 500)) {
                page_cache_invalidate(app->pages);
                /* and members' counts: a notification for anyone. Their sessions only when a
                 * commit changed a session or member (a logout, a role or language change: the
                 * table watch has dropped them already), or when the engine cannot tell
                 * (http/member_cache.h) */
                member_cache_forget_counts();
                if (!req->db || !db_watches_tables(req->db)) /* no connection: a 503 */
                        member_cache_forget_all();
                page_parts_invalidate();         /* members' shared parts too (web/page_parts.h) */
                cluster_changed();               /* and the other nodes' pages */
                atomic_store(&app->next_due, 0); /* a new schedule may have been set */
        }
        /* Dynamic pages (not static files and images, which have their own validators) get an
         * ETag; a guest's page that carries no token or cookie of theirs is kept for others. */
        if (req->resp.status == 200 && route && !route->anonymous &&
            (req->method == HTTP_GET || req->method == HTTP_HEAD)) {
                char etag[PAGE_ETAG_SIZE];
                /* a body's fields (a GET may carry some) change the page but not the key */
                bool body_fields = req->raw.count > req->query_fields || req->body.len > 0;
                if (key && !body_fields && !req->csrf_used && req->resp.nheaders == 0 &&
                    req->resp.content_type && compressible(req->resp.content_type)) {
                        page_cache_put(app->pages, key, time_now(), generation, req->resp.body.data,
                                       req->resp.body.len, req->resp.content_type, etag,
                                       &req->page_tag);
                        conditional_and_gzip(req, etag, false);
                } else {
                        /* A member's page changes with every action of theirs: hashing it for
                         * an ETag cost more (6% of a member page in perf) than 304s save. */
                        conditional_and_gzip(req, NULL, false);
                }
        }
        finish_headers(req);
}

/* ---------------------------------------------------------------- serving */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
        (void)sig;
        stop_requested = 1;
}

/* Routes that take uploads declare a larger body; everything else gets the default. */
/* The route, matched once as the request arrives: its body limit now, the rest in admit. */
static size_t body_limit_for(void *ctx, struct request *req)
{
        (void)ctx;
        route_request(req);
        return req->match_rc == ROUTER_FOUND ? req->match.route->max_body : 0;
}

/* The server's own refusals (too large, a bad path) are rendered outside any dispatch. */
static void render_refusal(void *ctx, struct request *req)
{
        app_render_error(ctx, req);
        req->db = NULL;
        app_thread_db_release(ctx);
}

/* Periodic work of the site, each job on one node at a time (model/cluster.h): its lease lasts
 * a few of its periods, so when the node holding it stops another takes over soon after. */
static void housekeeping(struct app *app, int64_t now, int64_t *last_due, int64_t *last_purge,
                         int64_t *last_notify)
{
        struct db *db = NULL;
        /* Readers see a scheduled episode at its time whatever this does; this only keeps the
         * stored status honest for the editor and exports. */
        if (now - *last_due >= 5) {
                *last_due = now;
                if ((db = app_thread_db(app)) && cluster_lease(db, "publish_due", now, 15) &&
                    episode_publish_due(db, now) > 0) {
                        page_cache_invalidate(app->pages);
                        member_cache_forget_all(); /* subscribers were notified */
                        page_parts_invalidate(); /* members' shared parts too (web/page_parts.h) */
                        cluster_changed();
                }
        }
        /* Notification mail (web/notify_mail.h): each run is bounded in time and size. */
        if (now - *last_notify >= KD_NOTIFY_MAIL_PERIOD_S) {
                *last_notify = now;
                if ((db = app_thread_db(app)) &&
                    cluster_lease(db, "notify_mail", now, 3 * KD_NOTIFY_MAIL_PERIOD_S)) {
                        notify_mail_immediate(db, &app->config, now);
                        notify_mail_digests(db, &app->config, now);
                }
        }
        if (now - *last_purge >= 3600) {
                *last_purge = now;
                if ((db = app_thread_db(app)) && cluster_lease(db, "purge", now, 3 * 3600)) {
                        session_purge_expired(db);
                        /* the longest window of a limit is a day (asks) */
                        if (shared_limits_purge(db, now - 2 * 86400) < 0)
                                log_warn("purging old rate-limit counts failed");
                        if (job_purge(db, now - KD_JOB_KEEP_DAYS * 86400) < 0)
                                log_warn("purging finished background jobs failed");
                        if (mail_outbox_purge(db, now - KD_MAIL_KEEP_DAYS * 86400) < 0)
                                log_warn("purging sent and failed mail failed");
                        if (mail_token_purge(db, now - KD_MAIL_TOKEN_KEEP_S) < 0)
                                log_warn("purging used and expired mail links failed");
                }
        }
        app_thread_db_release(app);
}

int app_serve(struct app *app)
{
        struct http_server_options opts = {
            .listen = app->config.listen,
            .threads = app->config.threads,
            .body_limit = KD_MAX_BODY_BYTES,
            .body_limit_for = body_limit_for,
            .trust_forwarded_for = app->config.trust_proxy,
            .max_connections = app->config.max_connections,
            .admit = app_admit,
            .dispatch = app_dispatch,
            .render_error = render_refusal,
            .ctx = app,
        };
        log_set_access(app->config.access_log);
        cluster_set_node(app->config.node);
        /* PostgreSQL shows each connection's node in pg_stat_activity (a URL's own
         * application_name wins) */
        char appname[CLUSTER_NODE_MAX + 16];
        snprintf(appname, sizeof(appname), "kindred %s", cluster_node());
        setenv("PGAPPNAME", appname, 0);
        /* Several nodes can share a PostgreSQL database: limits count there, and each node
         * hears of the others' writes. One SQLite site has one node. */
        if (db_target_is_postgresql(app->db_path)) {
                shared_store.ctx = app;
                limits_use_store(&shared_store);
                if (cluster_start(app->db_path, other_node_changed, app) != 0)
                        return 1;
        }
        /* Insights (docs/privacy.md): the event writer runs while the site is served. */
        event_queue_set_guest_days((int)app->config.guest_event_days);
        if (app->config.insights && event_queue_start(app->db_path) != 0) {
                cluster_stop();
                return 1;
        }
        /* background jobs of the kinds features registered: mail when KINDRED_SMTP_URL says
         * where to send it (docs/mail.md) */
        if (mail_outbox_setup(&app->config) != 0) {
                event_queue_stop();
                cluster_stop();
                return 1;
        }
        mail_outbox_start_sending(&app->config);
        episode_mail_register(&app->config); /* new episodes to email subscribers */
        account_mail_start(&app->config);    /* reset links are mailed from a job */
        if (job_worker_start(app->db_path) != 0) {
                event_queue_stop();
                cluster_stop();
                return 1;
        }
        /* SQLite's search index, in its own file and kept by its own thread (search_index.h):
         * made ready before the first request, as the first start after migration 023 moves
         * the site's index there. Without it searches index what waits themselves. */
        struct db *first = app_thread_db(app);
        if (!first || search_index_prepare(first) != 0 || search_indexer_start(app->db_path) != 0)
                log_warn("search: no indexer; searches index the new rows themselves");
        app_thread_db_release(app);
        /* Sessions and header counts in memory (http/member_cache.h). One SQLite server per
         * data folder: the CLI reaches it through a counter file there. Several PostgreSQL
         * nodes: each reads the session row per request (strict). Without its file the cache
         * stays off and every request reads the database, as before. */
        bool several = db_target_is_postgresql(app->db_path);
        /* Members' shared page parts: one node only, where every write is seen at once (the
         * multi-node check posts on one node and reads its page on the other at once). */
        if (several)
                page_parts_disable();
        if (member_cache_start(several ? NULL : app->config.data_dir, several) != 0)
                log_warn("members: sessions are read from the database on every request");
        struct http_server *srv = http_server_start(&opts);
        if (!srv) {
                member_cache_stop();
                search_indexer_stop();
                job_worker_stop();
                event_queue_stop();
                cluster_stop();
                return 1;
        }
        char host[128];
        snprintf(host, sizeof(host), "%s", app->config.listen);
        char *colon = strrchr(host, ':');
        if (colon)
                *colon = '\0';
        /* Without a configured public URL, links in pages and feeds use the address actually
         * bound (port 0 becomes the real port; a wildcard host becomes localhost). Set before
         * the line below, which is when clients learn the port. */
        if (!app->config.base_url || !*app->config.base_url) {
                bool wildcard = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0 ||
                                strcmp(host, "") == 0;
                snprintf(app->public_url, sizeof(app->public_url), "http://%s:%u",
                         wildcard ? "localhost" : host, (unsigned)http_server_port(srv));
                app->config.base_url = app->public_url;
                if (wildcard)
                        log_warn("no KINDRED_BASE_URL: links in feeds and pages will say %s",
                                 app->public_url);
        }
        /* Before the line below: a client that stops the server as soon as it is told the port
         * must find the handlers in place, or SIGTERM kills the process before it writes the
         * queued events (seen as a flaky restart in tests/http/test_events.c). */
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        /* Tests read this line to learn the port when they asked for port 0. */
        printf("Kindred is serving at http://%s:%u/\n", host, (unsigned)http_server_port(srv));
        fflush(stdout);

        int64_t last_purge = 0, last_due = 0, last_notify = 0;
        while (!stop_requested) {
                sleep(1);
                housekeeping(app, time_now(), &last_due, &last_purge, &last_notify);
        }
        log_info("stopping");
        http_server_stop(srv);
        member_cache_stop();
        search_indexer_stop();   /* after the pass at hand */
        event_queue_stop();      /* writes what requests queued until the end */
        mail_outbox_interrupt(); /* a stalled SMTP server does not hold the stop */
        job_worker_stop();       /* finishes the job at hand */
        mail_outbox_stop_sending();
        struct db *db = app_thread_db(app);
        if (db) { /* another node need not wait for these to expire */
                cluster_lease_release(db, "publish_due");
                cluster_lease_release(db, "purge");
                cluster_lease_release(db, "notify_mail");
        }
        app_thread_db_release(app);
        cluster_stop(); /* announces this node's last writes */
        limits_use_store(NULL);
        return 0;
}
