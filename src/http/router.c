/* Path-pattern matching over the route table. */
#include "http/router.h"

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
                if (colon) {
                        size_t prefix = (size_t)(colon - pat);
                        if (slen <= prefix || memcmp(pat, path, prefix) != 0 ||
                            m->nparams >= KD_MAX_ROUTE_PARAMS)
                                return false;
                        m->names[m->nparams] = colon + 1;
                        m->name_lens[m->nparams] = plen - prefix - 1;
                        m->values[m->nparams] = path + prefix;
                        m->lens[m->nparams] = slen - prefix;
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

int router_match(const struct route *table, size_t n, enum http_method method, const char *path,
                 struct route_match *m)
{
        enum http_method want = method == HTTP_HEAD ? HTTP_GET : method;
        unsigned allowed = 0;
        struct route_match tmp;
        for (size_t i = 0; i < n; i++) {
                if (!pattern_match(table[i].pattern, path, &tmp))
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
