/* Path-pattern matching over the route table. */
#include "http/router.h"
#include "core/slug.h"

#include <stdio.h>
#include <string.h>

enum http_method http_method_parse(const char *name)
{
        static const struct {
                const char *name;
                enum http_method m;
        } methods[] = {{"GET", HTTP_GET},        {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
                       {"PUT", HTTP_PUT},        {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
                       {"OPTIONS", HTTP_OPTIONS}};
        for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
                if (strcmp(name, methods[i].name) == 0)
                        return methods[i].m;
        return 0;
}

void http_methods_format(unsigned methods, char *out, size_t size)
{
        static const char *names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
        size_t used = 0;
        out[0] = '\0';
        if (methods & HTTP_GET)
                methods |= HTTP_HEAD;
        for (size_t i = 0; i < 7; i++) {
                if (!(methods & (1u << i)))
                        continue;
                int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", names[i]);
                if (n < 0 || (size_t)n >= size - used)
                        break;
                used += (size_t)n;
        }
}

/* Parses a path segment as a route id: 1 to INT64_MAX in decimal, without sign, spaces or
 * leading zeros, so each id has one address. Returns 0 for anything else. */
static int64_t segment_id(const char *s, size_t len)
{
        if (len == 0 || len > 19 || s[0] == '0')
                return 0;
        int64_t v = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - (s[i] - '0')) / 10)
                        return 0;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

/* Whether a path segment is a slug (core/slug.h's rules). */
static bool segment_slug(const char *s, size_t len)
{
        char tmp[KD_SLUG_MAX_BYTES + 1];
        if (len == 0 || len > KD_SLUG_MAX_BYTES)
                return false;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        return slug_valid(tmp);
}

/* Matches one pattern against path, filling m's parameters. */
static bool pattern_match(const char *pat, const char *path, struct route_match *m)
{
        m->nparams = 0;
        if (*pat != '/' || *path != '/')
                return false;
        pat++;
        path++;
        for (;;) {
                size_t plen = strcspn(pat, "/");
                size_t slen = strcspn(path, "/");
                if (pat[0] == '*') {
                        if (m->nparams >= KD_MAX_ROUTE_PARAMS || path[0] == '\0')
                                return false;
                        m->names[m->nparams] = pat + 1;
                        m->name_lens[m->nparams] = strcspn(pat + 1, "/");
                        m->values[m->nparams] = path;
                        m->lens[m->nparams] = strlen(path);
                        m->nparams++;
                        return true;
                }
                const char *colon = memchr(pat, ':', plen);
                if (!colon)
                        colon = memchr(pat, '#', plen);
                if (!colon)
                        colon = memchr(pat, '$', plen);
                if (colon) {
                        size_t prefix = (size_t)(colon - pat);
                        if (slen <= prefix || memcmp(pat, path, prefix) != 0 ||
                            m->nparams >= KD_MAX_ROUTE_PARAMS)
                                return false;
                        const char *value = path + prefix;
                        size_t vlen = slen - prefix;
                        int64_t id = 0;
                        if (*colon == '#' && (id = segment_id(value, vlen)) == 0)
                                return false;
                        if (*colon == '$' && !segment_slug(value, vlen))
                                return false;
                        m->names[m->nparams] = colon + 1;
                        m->name_lens[m->nparams] = plen - prefix - 1;
                        m->values[m->nparams] = value;
                        m->lens[m->nparams] = vlen;
                        m->ids[m->nparams] = id;
                        m->nparams++;
                } else if (plen != slen || memcmp(pat, path, plen) != 0) {
                        return false;
                }
                pat += plen;
                path += slen;
                if (*pat == '\0' && *path == '\0')
                        return true;
                if (*pat != '/' || *path != '/')
                        return false;
                pat++;
                path++;
        }
}

/* Whether pat may match a path whose first segment is seg (len bytes): false when the pattern's
 * first segment is literal and differs, which most patterns do at their first byte or two. */
static bool first_segment_may_match(const char *pat, const char *seg, size_t len)
{
        if (*pat++ != '/')
                return false;
        for (size_t i = 0;; i++) {
                char c = pat[i];
                if (c == ':' || c == '#' || c == '$' || c == '*')
                        return true; /* a parameter: pattern_match decides */
                if (c == '/' || c == '\0')
                        return i == len;
                if (i >= len || c != seg[i])
                        return false;
        }
}

int router_match(const struct route *table, size_t n, enum http_method method, const char *path,
                 struct route_match *m)
{
        enum http_method want = method == HTTP_HEAD ? HTTP_GET : method;
        unsigned allowed = 0;
        struct route_match tmp;
        const char *seg = *path == '/' ? path + 1 : path;
        size_t seg_len = strcspn(seg, "/");
        for (size_t i = 0; i < n; i++) {
                if (!first_segment_may_match(table[i].pattern, seg, seg_len) ||
                    !pattern_match(table[i].pattern, path, &tmp))
                        continue;
                if (table[i].methods & want) {
                        *m = tmp;
                        m->route = &table[i];
                        m->allowed = table[i].methods;
                        return ROUTER_FOUND;
                }
                allowed |= table[i].methods;
        }
        if (allowed) {
                m->route = NULL;
                m->nparams = 0;
                m->allowed = allowed;
                return ROUTER_WRONG_METHOD;
        }
        return ROUTER_NOT_FOUND;
}

int router_match_tables(const struct route_table *tables, size_t ntables, enum http_method method,
                        const char *path, struct route_match *m)
{
        unsigned allowed = 0;
        for (size_t i = 0; i < ntables; i++) {
                int rc = router_match(tables[i].routes, tables[i].count, method, path, m);
                if (rc == ROUTER_FOUND)
                        return rc;
                if (rc == ROUTER_WRONG_METHOD)
                        allowed |= m->allowed;
        }
        if (!allowed)
                return ROUTER_NOT_FOUND;
        m->route = NULL;
        m->nparams = 0;
        m->allowed = allowed;
        return ROUTER_WRONG_METHOD;
}
