/* Cookie parsing (RFC 6265 section 4.2) and formatting. */
#include "http/cookie.h"
#include "core/arena.h"

#include <string.h>

const char *cookie_get(struct arena *a, const char *header, const char *name)
{
        size_t nlen = strlen(name);
        const char *p = header;
        while (*p) {
                while (*p == ' ' || *p == ';' || *p == '\t')
                        p++;
                const char *end = p + strcspn(p, ";");
                const char *eq = memchr(p, '=', (size_t)(end - p));
                if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
                        const char *v = eq + 1;
                        size_t vlen = (size_t)(end - v);
                        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                                vlen--;
                        if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                                v++;
                                vlen -= 2;
                        }
                        return arena_strndup(a, v, vlen);
                }
                p = end;
        }
        return NULL;
}

void cookie_format(struct buf *b, const char *name, const char *value, long max_age, bool secure)
{
        buf_printf(b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, max_age < 0 ? "" : value);
        if (max_age < 0)
                buf_puts(b, "; Max-Age=0");
        else if (max_age > 0)
                buf_printf(b, "; Max-Age=%ld", max_age);
        if (secure)
                buf_puts(b, "; Secure");
}
