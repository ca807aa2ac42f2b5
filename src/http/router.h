/* The route table's types and the matcher (STYLE.md habit 3).
 *
 * A route names its methods, a path pattern, the handler, the role needed to call it, whether it
 * changes state (then CSRF is checked) and the parameters it accepts. Patterns are literal
 * segments, parameter segments (optionally after a literal prefix, as in "/@:handle") and a
 * final "*name" that takes the rest of the path. A parameter segment is typed by its sigil:
 *   ":name"  any text of one segment (a handle);
 *   "#name"  an id: 1 to INT64_MAX in decimal without leading zeros (read with req_path_id);
 *   "$name"  a slug as core/slug.h defines it.
 * A segment of the wrong type does not match, so a bad id or slug is a 404 before any handler
 * runs, and handlers never parse path text themselves. */
#ifndef KD_ROUTER_H
#define KD_ROUTER_H

#include "core/role.h"
#include "core/limits.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct request;

enum http_method {
        HTTP_GET = 1 << 0,
        HTTP_HEAD = 1 << 1,
        HTTP_POST = 1 << 2,
        HTTP_PUT = 1 << 3,
        HTTP_PATCH = 1 << 4,
        HTTP_DELETE = 1 << 5,
        HTTP_OPTIONS = 1 << 6,
};

enum param_type {
        PARAM_TEXT,   /* valid UTF-8 without control characters except tab/newline, <= max_bytes */
        PARAM_INT,    /* decimal integer in [min, max] */
        PARAM_BOOL,   /* "1"/"0", "on", "true"/"false" (checkboxes) */
        PARAM_SECRET, /* like TEXT, but never echoed back into a form or logged */
        PARAM_FILE,   /* a multipart file part of at most max_bytes */
};

struct param_spec {
        const char *name;
        enum param_type type;
        size_t max_bytes; /* TEXT/SECRET/FILE; 0 means KD_MAX_FIELD_BYTES */
        int64_t min, max; /* INT */
};

typedef int (*route_handler)(struct request *req);

struct route {
        unsigned methods; /* HTTP_GET | HTTP_POST ...; HEAD is implied by GET */
        const char *pattern;
        route_handler handler;
        enum role need;                  /* ROLE_NONE: anyone */
        bool changes_state;              /* CSRF token required */
        bool json;                       /* answers JSON, including its errors */
        const struct param_spec *params; /* terminated by {NULL}; may be NULL for none */
        bool anonymous;  /* never reads the session (static assets): cheaper, and cacheable */
        size_t max_body; /* largest body accepted (uploads); 0 means KD_MAX_BODY_BYTES */
        /* A guest may prove a request comes from this site's own page by its Origin or
         * Sec-Fetch-Site header instead of the token: for forms on pages the guest page cache
         * keeps, which carry no guest's token (the footer's language switcher). Members always
         * need the token. */
        bool guest_same_origin;
};

struct route_match {
        const struct route *route;
        size_t nparams;
        const char *names[KD_MAX_ROUTE_PARAMS]; /* point into the pattern, not NUL-terminated */
        size_t name_lens[KD_MAX_ROUTE_PARAMS];
        const char *values[KD_MAX_ROUTE_PARAMS]; /* pointers into the path copy */
        size_t lens[KD_MAX_ROUTE_PARAMS];
        int64_t ids[KD_MAX_ROUTE_PARAMS]; /* "#name" segments' values; 0 for other types */
        unsigned allowed; /* methods allowed on the matched path (for 405's Allow) */
};

enum router_result { ROUTER_FOUND = 0, ROUTER_NOT_FOUND = -1, ROUTER_WRONG_METHOD = -2 };

/* Finds the first route in table[0..n) whose pattern matches path and that allows method.
 * Returns ROUTER_FOUND and fills m; ROUTER_WRONG_METHOD when only other methods match the path
 * (m->allowed says which); ROUTER_NOT_FOUND otherwise. */
int router_match(const struct route *table, size_t n, enum http_method method, const char *path,
                 struct route_match *m);
/* A route table of its own: the core's (routes.c) and one per feature (src/routes/). */
struct route_table {
        const struct route *routes;
        size_t count;
};
/* router_match over several tables in order: the first table with a match wins; the methods
 * other tables allow on the path join m->allowed for a 405. */
int router_match_tables(const struct route_table *tables, size_t ntables, enum http_method method,
                        const char *path, struct route_match *m);
/* Parses a method name; returns 0 for one the server does not know. */
enum http_method http_method_parse(const char *name);
/* Writes "GET, HEAD, POST" for a method set into out. */
void http_methods_format(unsigned methods, char *out, size_t size);

#endif
