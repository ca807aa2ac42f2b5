/* Query-string, urlencoded and multipart/form-data parsing into struct form. */
#include "http/form.h"
#include "core/i18n.h"
#include "core/arena.h"
#include "core/limits.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int form_add(struct arena *a, struct form *f, const char *name, size_t name_len, const char *value,
             size_t value_len)
{
        if (f->count >= KD_MAX_FIELDS)
                return FORM_ETOO_MANY;
        if (name_len > KD_MAX_FIELD_NAME_BYTES)
                return FORM_ENAME_TOO_LONG;
        if (memchr(name, '\0', name_len))
                return FORM_EMALFORMED; /* "title%00x" must not pass for "title" */
        if (f->count == f->cap) {
                size_t cap = f->cap ? f->cap * 2 : 8;
                struct form_field *nf = arena_alloc(a, cap * sizeof(*nf));
                if (f->count)
                        memcpy(nf, f->fields, f->count * sizeof(*nf));
                f->fields = nf;
                f->cap = cap;
        }
        struct form_field *fld = &f->fields[f->count++];
        fld->name = arena_strndup(a, name, name_len);
        fld->value = arena_strndup(a, value, value_len);
        fld->len = value_len;
        fld->filename = NULL;
        fld->content_type = NULL;
        return FORM_OK;
}

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = tolower(c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

long form_percent_decode(const char *s, size_t len, char *out, int plus_is_space)
{
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '%') {
                        if (i + 2 >= len)
                                return -1;
                        int hi = hexval((unsigned char)s[i + 1]);
                        int lo = hexval((unsigned char)s[i + 2]);
                        if (hi < 0 || lo < 0)
                                return -1;
                        out[o++] = (char)(hi * 16 + lo);
                        i += 2;
                } else if (s[i] == '+' && plus_is_space) {
                        out[o++] = ' ';
                } else {
                        out[o++] = s[i];
                }
        }
        out[o] = '\0';
        return (long)o;
}

int form_parse_urlencoded(struct arena *a, const char *body, size_t len, struct form *f)
{
        size_t i = 0;
        while (i < len) {
                size_t end = i;
                while (end < len && body[end] != '&')
                        end++;
                if (end > i) {
                        const char *pair = body + i;
                        size_t plen = end - i;
                        const char *eq = memchr(pair, '=', plen);
                        size_t nlen = eq ? (size_t)(eq - pair) : plen;
                        const char *val = eq ? eq + 1 : pair + plen;
                        size_t vlen = eq ? plen - nlen - 1 : 0;
                        char *name = arena_alloc(a, nlen + 1);
                        char *value = arena_alloc(a, vlen + 1);
                        long dn = form_percent_decode(pair, nlen, name, 1);
                        long dv = form_percent_decode(val, vlen, value, 1);
                        if (dn < 0 || dv < 0)
                                return FORM_EMALFORMED;
                        int rc = form_add(a, f, name, (size_t)dn, value, (size_t)dv);
                        if (rc != FORM_OK)
                                return rc;
                }
                i = end + 1;
        }
        return FORM_OK;
}

/* Finds needle in hay[0..hlen); like memmem, kept here for clarity of bounds. */
static const char *find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
        if (nlen == 0 || hlen < nlen)
                return NULL;
        for (size_t i = 0; i + nlen <= hlen; i++)
                if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
                        return hay + i;
        return NULL;
}

/* Copies the value of parameter `param` (e.g. boundary, name, filename) from a header value such
 * as `form-data; name="x"; filename="a b.png"`. Returns NULL when absent. */
static char *header_param(struct arena *a, const char *h, size_t hlen, const char *param)
{
        size_t plen = strlen(param);
        size_t i = 0;
        /* skip the first item (the type, such as form-data) */
        while (i < hlen && h[i] != ';')
                i++;
        while (i < hlen) {
                i++; /* past ';' */
                while (i < hlen && (h[i] == ' ' || h[i] == '\t'))
                        i++;
                size_t name_start = i;
                while (i < hlen && h[i] != '=' && h[i] != ';')
                        i++;
                size_t name_len = i - name_start;
                if (i >= hlen || h[i] == ';')
                        continue; /* a parameter without a value */
                i++;              /* past '=' */
                const char *value;
                size_t value_len;
                if (i < hlen && h[i] == '"') {
                        /* a quoted string may hold ';' and '\"' */
                        size_t start = ++i;
                        while (i < hlen && h[i] != '"') {
                                if (h[i] == '\\' && i + 1 < hlen)
                                        i++;
                                i++;
                        }
                        if (i >= hlen)
                                return NULL; /* unterminated quote */
                        value = h + start;
                        value_len = i - start;
                        i++; /* past the closing quote */
                        while (i < hlen && h[i] != ';')
                                i++;
                } else {
                        size_t start = i;
                        while (i < hlen && h[i] != ';' && h[i] != ' ' && h[i] != '\t')
                                i++;
                        value = h + start;
                        value_len = i - start;
                        while (i < hlen && h[i] != ';')
                                i++;
                }
                if (name_len == plen && strncasecmp(h + name_start, param, plen) == 0)
                        return arena_strndup(a, value, value_len);
        }
        return NULL;
}

int form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
                         struct form *f)
{
        if (!content_type)
                return FORM_EBAD_BOUNDARY;
        char *boundary = header_param(a, content_type, strlen(content_type), "boundary");
        size_t blen = boundary ? strlen(boundary) : 0;
        if (blen == 0 || blen > 70)
                return FORM_EBAD_BOUNDARY;
        /* delimiter = "--" boundary; parts are separated by CRLF delimiter */
        char *delim = arena_printf(a, "\r\n--%s", boundary);
        size_t dlen = blen + 4;

        /* The body starts with "--boundary" (no leading CRLF); a preamble before it is allowed. */
        const char *p = NULL;
        if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
                p = body + dlen - 2;
        else {
                const char *d = find_bytes(body, len, delim, dlen);
                if (!d)
                        return FORM_EMALFORMED;
                p = d + dlen;
        }
        const char *end = body + len;
        for (;;) {
                /* after a delimiter: "--" closes, CRLF opens a part */
                if (end - p >= 2 && p[0] == '-' && p[1] == '-')
                        return FORM_OK;
                while (p < end && (*p == ' ' || *p == '\t'))
                        p++;
                if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
                        return FORM_EMALFORMED;
                p += 2;
                const char *hdr_end = find_bytes(p, (size_t)(end - p), "\r\n\r\n", 4);
                const char *content;
                if (hdr_end) {
                        content = hdr_end + 4;
                } else if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
                        hdr_end = p; /* a part without headers */
                        content = p + 2;
                } else {
                        return FORM_EMALFORMED;
                }
                const char *next = find_bytes(content, (size_t)(end - content), delim, dlen);
                if (!next)
                        return FORM_EMALFORMED;

                char *name = NULL, *filename = NULL, *ctype = NULL;
                const char *h = p;
                while (h < hdr_end) {
                        const char *eol = find_bytes(h, (size_t)(hdr_end - h), "\r\n", 2);
                        if (!eol)
                                eol = hdr_end;
                        size_t hl = (size_t)(eol - h);
                        const char *colon = memchr(h, ':', hl);
                        if (colon) {
                                size_t nl = (size_t)(colon - h);
                                const char *v = colon + 1;
                                while (v < eol && (*v == ' ' || *v == '\t'))
                                        v++;
                                size_t vl = (size_t)(eol - v);
                                if (nl == 19 && strncasecmp(h, "Content-Disposition", 19) == 0) {
                                        if (vl < 9 || strncasecmp(v, "form-data", 9) != 0)
                                                return FORM_EMALFORMED;
                                        name = header_param(a, v, vl, "name");
                                        filename = header_param(a, v, vl, "filename");
                                } else if (nl == 12 && strncasecmp(h, "Content-Type", 12) == 0) {
                                        ctype = arena_strndup(a, v, vl);
                                }
                        }
                        h = eol + 2;
                }
                if (!name)
                        return FORM_EMALFORMED;
                int rc = form_add(a, f, name, strlen(name), content, (size_t)(next - content));
                if (rc != FORM_OK)
                        return rc;
                f->fields[f->count - 1].filename = filename;
                f->fields[f->count - 1].content_type = ctype;
                p = next + dlen;
        }
}

const struct form_field *form_find(const struct form *f, const char *name)
{
        for (size_t i = 0; i < f->count; i++)
                if (strcmp(f->fields[i].name, name) == 0)
                        return &f->fields[i];
        return NULL;
}

const char *form_error_message(int err)
{
        switch (err) {
        case FORM_EMALFORMED:
                return N_("The form data is malformed.");
        case FORM_ETOO_MANY:
                return N_("The request has too many fields.");
        case FORM_ENAME_TOO_LONG:
                return N_("A field name is too long.");
        case FORM_EBAD_BOUNDARY:
                return N_("The multipart form has no valid boundary.");
        default:
                return N_("The form data could not be read.");
        }
}
