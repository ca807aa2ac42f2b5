/* One HTTP request in flight and the response being built for it.
 *
 * The server creates a struct request on the first libmicrohttpd call for a connection's request,
 * collects the body, and hands it to the application's dispatcher on the last call. Everything
 * hanging off it lives in req->arena, freed when the request completes. */
#ifndef KD_REQUEST_H
#define KD_REQUEST_H

#include "core/buf.h"
#include "core/role.h"
#include "http/form.h"
#include "http/page_cache.h"
#include "http/router.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct config;
struct db;
struct guards;
struct static_files;
struct locale;
struct MHD_Connection;
struct conn_slot;

enum { RESP_MAX_HEADERS = 16 };

struct response {
        int status;               /* 0 until a handler or the dispatcher sets it */
        struct buf body;          /* handed to libmicrohttpd without a copy */
        const char *content_type; /* static or arena string */
        const char *header_names[RESP_MAX_HEADERS];
        const char *header_values[RESP_MAX_HEADERS];
        int nheaders;
        const char *error_message; /* set by req_fail(); rendered by the dispatcher */
};

/* Who is asking: filled from the session cookie by the dispatcher. */
struct member_counts;

struct viewer {
        int64_t id; /* 0 for a guest */
        const char *handle;
        const char *display_name;
        enum role role;            /* ROLE_NONE for a guest */
        const char *session_token; /* raw cookie value, for logout */
        /* http/member_cache.h: the stamp taken before the session was read, and the header's
         * counts when they were kept (NULL: read them, then keep them with that stamp) */
        uint64_t cache_stamp;
        const struct member_counts *counts;
};

struct request {
        struct arena *arena;
        struct MHD_Connection *conn;
        void *app; /* the application's context, for its dispatcher and handlers */
        enum http_method method;
        const char *method_name;
        const char *path; /* decoded path, without the query string */
        const char *content_type;
        struct buf body;
        size_t body_limit;
        bool body_too_large;
        size_t discarded; /* bytes of an over-large body read and dropped */
        char client_ip[48];
        struct conn_slot *conn_slot; /* the connection guard's record of this connection */
        bool admitted;  /* route, viewer and role were settled before the body was read */
        bool keep_form; /* a guest's form to a member route: kept through the log-in */
        uint64_t start_us;

        struct form raw;     /* every field of the query string and body, unvalidated */
        size_t query_fields; /* raw's first fields came from the query string */
        struct form params;  /* declared fields only, validated (handlers read these) */
        struct route_match match;
        bool matched; /* match and match_rc are filled (the route is matched once) */
        int match_rc; /* router_match_tables' answer for match */

        struct viewer viewer;
        const char *csrf_token; /* the token forms must carry back; read it with req_csrf() */
        bool csrf_fresh;        /* a new guest token: its cookie is set if a form used it */
        bool csrf_used;
        const struct locale *locale;
        struct db *db; /* this worker thread's connection */
        const struct config *config;
        const struct static_files *assets;
        struct guards *guards; /* throttles and rate limits shared by all requests */

        /* The site's content generation when the handler started (the guest page cache's:
         * any write here or on another node moves it), for parts of pages kept for everybody;
         * shared_parts is false when kept parts must not be used (the node has lost hearing of
         * the others' writes). */
        unsigned site_generation;
        bool shared_parts;
        /* The members' shared parts' generation (web/page_parts.h), taken before the handler's
         * first read: with a read scope (db_read_begin) its snapshot may begin before a part's
         * own rows are read, and a part must never be kept as newer than what it shows. */
        unsigned parts_generation;

        struct response resp;
        struct page_tag page_tag; /* what the page is a view of, kept with it by the page cache */
};

/* Request accessors. Strings returned live as long as the request. */
const char *req_header(struct request *req, const char *name); /* NULL when absent */
const char *req_cookie(struct request *req, const char *name); /* NULL when absent */
/* A declared, validated parameter's value; "" when it was not sent. */
const char *req_param(const struct request *req, const char *name);
bool req_has_param(const struct request *req, const char *name);
/* A declared PARAM_INT parameter (already bounds-checked), or def when it was not sent. */
int64_t req_param_int(const struct request *req, const char *name, int64_t def);
/* A declared PARAM_BOOL parameter; false when not sent. */
bool req_param_bool(const struct request *req, const char *name);
/* A declared PARAM_FILE part, or NULL. */
const struct form_field *req_param_file(const struct request *req, const char *name);
/* The value of path parameter :name (copied, NUL-terminated), or NULL. */
const char *req_path_param(struct request *req, const char *name);
/* The value of path id #name (router.h: always >= 1 when the route declares it), 0 when the
 * route has no such id. */
int64_t req_path_id(const struct request *req, const char *name);
bool req_signed_in(const struct request *req);
/* The CSRF token for forms and scripts on this response (marks it used, so a guest's new
 * token is sent in a cookie). */
const char *req_csrf(struct request *req);

/* Response sizes from experience: the body of a response of route (any stable address: the
 * route table's entry) is allocated at about the size its last 200 had, once, instead of
 * growing from 256 bytes by doubling, which copied a 300 KB page about 1.7 times over.
 * resp_size_expect before the handler writes; resp_size_learn after, with what it wrote.
 * KD_RESPONSE_SIZE_SLOTS routes are remembered; others grow as before. Thread-safe. */
void resp_size_expect(struct request *req, const void *route);
void resp_size_learn(const void *route, size_t len);

/* Response builders. Each returns the status so handlers can `return resp_...(...)`. */
void resp_header(struct request *req, const char *name, const char *value);
/* Sets an HTML page; the caller has written req->resp.body. */
int resp_html(struct request *req, int status);
/* Sends text of the given type (static string) with body already in req->resp.body. */
int resp_typed(struct request *req, int status, const char *content_type);
/* True when path is a path on this site that no browser could read as another site's:
 * starts with one "/", no "//" or "/\\" start, no control characters. */
bool http_local_path(const char *path);
/* This request's address as a local link: the path and the query string, percent-encoded again
 * from their decoded values (arena string). Without the query when the whole would be longer
 * than KD_MAX_URI_BYTES; "/" when even the path would be. */
const char *req_local_url(struct request *req);
/* 303 See Other to a local path (must start with "/"; anything else goes to "/"). */
int resp_redirect(struct request *req, const char *location);
/* Marks the request failed with status and a human message; the dispatcher renders it as an
 * HTML page or JSON error. message is copied. */
int req_fail(struct request *req, int status, const char *message);
/* Sets a cookie. max_age < 0 deletes it. HttpOnly and SameSite=Lax always; Secure when the
 * site is configured for TLS (secure=true). */
void resp_cookie(struct request *req, const char *name, const char *value, long max_age,
                 bool secure);

#endif
