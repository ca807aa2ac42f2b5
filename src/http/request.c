/* Request accessors and response builders. */
#include "http/request.h"
#include "core/arena.h"
#include "core/limits.h"
#include "http/cookie.h"
#include "http/html.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

const char *req_header(struct request *req, const char *name)
{
        return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct request *req, const char *name)
{
        const char *h = req_header(req, "Cookie");
        return h ? cookie_get(req->arena, h, name) : NULL;
}

const char *req_param(const struct request *req, const char *name)
{
        const struct form_field *f = form_find(&req->params, name);
        return f ? f->value : "";
}

bool req_has_param(const struct request *req, const char *name)
{
        return form_find(&req->params, name) != NULL;
}

int64_t req_param_int(const struct request *req, const char *name, int64_t def)
{
        const struct form_field *f = form_find(&req->params, name);
        if (!f || f->len == 0)
                return def;
        /* params.c has already checked the digits and the bounds */
        return strtoll(f->value, NULL, 10);
}

bool req_param_bool(const struct request *req, const char *name)
{
        const struct form_field *f = form_find(&req->params, name);
        return f && (strcmp(f->value, "1") == 0 || strcmp(f->value, "on") == 0 ||
                     strcmp(f->value, "true") == 0);
}

const struct form_field *req_param_file(const struct request *req, const char *name)
{
        const struct form_field *f = form_find(&req->params, name);
        return f && f->filename ? f : NULL;
}

const char *req_path_param(struct request *req, const char *name)
{
        const struct route_match *m = &req->match;
        size_t nlen = strlen(name);
        for (size_t i = 0; i < m->nparams; i++) {
                if (m->name_lens[i] == nlen && memcmp(m->names[i], name, nlen) == 0)
                        return arena_strndup(req->arena, m->values[i], m->lens[i]);
        }
        return NULL;
}

int64_t req_path_id(const struct request *req, const char *name)
{
        const struct route_match *m = &req->match;
        size_t nlen = strlen(name);
        for (size_t i = 0; i < m->nparams; i++) {
                if (m->name_lens[i] == nlen && memcmp(m->names[i], name, nlen) == 0)
                        return m->ids[i];
        }
        return 0;
}

bool req_signed_in(const struct request *req)
{
        return req->viewer.id != 0;
}

const char *req_csrf(struct request *req)
{
        req->csrf_used = true;
        return req->csrf_token ? req->csrf_token : "";
}

void resp_header(struct request *req, const char *name, const char *value)
{
        struct response *r = &req->resp;
        if (r->nheaders >= RESP_MAX_HEADERS)
                abort(); /* a programming error: raise RESP_MAX_HEADERS */
        r->header_names[r->nheaders] = name;
        r->header_values[r->nheaders] = arena_strdup(req->arena, value);
        r->nheaders++;
}

int resp_html(struct request *req, int status)
{
        req->resp.status = status;
        req->resp.content_type = "text/html; charset=utf-8";
        return status;
}

int resp_typed(struct request *req, int status, const char *content_type)
{
        req->resp.status = status;
        req->resp.content_type = content_type;
        return status;
}

bool http_local_path(const char *path)
{
        /* "//evil.example" and "/\evil" would leave the site, and browsers drop tabs and
         * newlines before reading a URL ("/\t/evil.example" is "//evil.example" to them). */
        if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
                return false;
        for (const unsigned char *c = (const unsigned char *)path; *c; c++)
                if (*c < 0x20 || *c == 0x7F)
                        return false;
        return true;
}

/* Writes a decoded path percent-encoded, keeping the "/" between segments and the "@" and ":"
 * that profile paths use (both allowed in a path segment, RFC 3986). */
static void put_path(struct buf *b, const char *path)
{
        static const char hex[] = "0123456789ABCDEF";
        for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
                if (isalnum(*p) || strchr("-_.~/@:", *p)) {
                        buf_putc(b, (char)*p);
                } else {
                        char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
                        buf_append(b, enc, 3);
                }
        }
}

const char *req_local_url(struct request *req)
{
        struct buf b = BUF_INIT;
        put_path(&b, req->path);
        size_t path_len = b.len;
        for (size_t i = 0; i < req->query_fields && i < req->raw.count; i++) {
                buf_putc(&b, i ? '&' : '?');
                html_url_arg(&b, req->raw.fields[i].name);
                buf_putc(&b, '=');
                html_url_arg(&b, req->raw.fields[i].value);
        }
        if (b.len > KD_MAX_URI_BYTES)
                b.len = path_len;
        const char *url =
            b.len <= KD_MAX_URI_BYTES ? arena_strndup(req->arena, b.data, b.len) : "/";
        buf_free(&b);
        return url;
}

int resp_redirect(struct request *req, const char *location)
{
        if (!http_local_path(location))
                location = "/";
        buf_reset(&req->resp.body);
        resp_header(req, "Location", location);
        req->resp.status = 303;
        req->resp.content_type = "text/plain; charset=utf-8";
        return 303;
}

int req_fail(struct request *req, int status, const char *message)
{
        req->resp.status = status;
        req->resp.error_message = arena_strdup(req->arena, message);
        return status;
}

void resp_cookie(struct request *req, const char *name, const char *value, long max_age,
                 bool secure)
{
        struct buf b = BUF_INIT;
        cookie_format(&b, name, value, max_age, secure);
        resp_header(req, "Set-Cookie", b.data);
        buf_free(&b);
}

/* ---------------------------------------------------------------- sizes from experience */

/* Open addressing on the route's address; a slot once taken keeps its route (routes live as
 * long as the process), so readers need no lock: an atomic key and an atomic size. */
static struct {
        _Atomic(const void *) route;
        atomic_size_t len;
} sizes[KD_RESPONSE_SIZE_SLOTS];

/* The slot of route, claimed when claim and free; KD_RESPONSE_SIZE_SLOTS when the table is full
 * or, without claim, when route has none. */
static size_t size_slot(const void *route, bool claim)
{
        uintptr_t h = (uintptr_t)route;
        h ^= h >> 17;
        h *= 0x9E3779B97F4A7C15ull;
        for (size_t n = 0; n < KD_RESPONSE_SIZE_SLOTS; n++) {
                size_t i = (size_t)((h >> 32) + n) % KD_RESPONSE_SIZE_SLOTS;
                const void *have = atomic_load(&sizes[i].route);
                if (have == route)
                        return i;
                if (have)
                        continue;
                if (!claim)
                        return KD_RESPONSE_SIZE_SLOTS;
                if (atomic_compare_exchange_strong(&sizes[i].route, &have, route) || have == route)
                        return i;
        }
        return KD_RESPONSE_SIZE_SLOTS;
}

void resp_size_expect(struct request *req, const void *route)
{
        size_t i = route ? size_slot(route, false) : KD_RESPONSE_SIZE_SLOTS;
        if (i == KD_RESPONSE_SIZE_SLOTS)
                return;
        /* an eighth more: a page that grew a little since still fits without a copy */
        size_t len = atomic_load(&sizes[i].len), want = len + len / 8;
        if (want > req->resp.body.cap && want > req->resp.body.len)
                buf_reserve(&req->resp.body, want - req->resp.body.len);
}

void resp_size_learn(const void *route, size_t len)
{
        size_t i = route ? size_slot(route, true) : KD_RESPONSE_SIZE_SLOTS;
        /* capped, so one huge answer (an export) does not make every later one that large */
        if (i < KD_RESPONSE_SIZE_SLOTS)
                atomic_store(&sizes[i].len,
                             len < KD_RESPONSE_SIZE_MAX ? len : KD_RESPONSE_SIZE_MAX);
}
