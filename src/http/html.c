/* Context-escaping HTML writers. */
#include "http/html.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void html_text_n(struct buf *b, const char *s, size_t len)
{
        size_t start = 0;
        for (size_t i = 0; i < len; i++) {
                const char *rep;
                switch (s[i]) {
                case '&':
                        rep = "&amp;";
                        break;
                case '<':
                        rep = "&lt;";
                        break;
                case '>':
                        rep = "&gt;";
                        break;
                case '"':
                        rep = "&quot;";
                        break;
                case '\'':
                        rep = "&#39;";
                        break;
                default:
                        continue;
                }
                buf_append(b, s + start, i - start);
                buf_puts(b, rep);
                start = i + 1;
        }
        buf_append(b, s + start, len - start);
}

void html_text(struct buf *b, const char *s)
{
        if (s)
                html_text_n(b, s, strlen(s));
}

void html_attr(struct buf *b, const char *s)
{
        html_text(b, s);
}

void html_url_arg(struct buf *b, const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        if (!s)
                return;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
                        buf_putc(b, (char)*p);
                } else {
                        char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
                        buf_append(b, enc, 3);
                }
        }
}

void html_int(struct buf *b, int64_t v)
{
        buf_printf(b, "%" PRId64, v);
}

void html_href(struct buf *b, const char *url)
{
        if (!url)
                return;
        /* A scheme is letters/digits/+-. before the first ':' that precedes any / ? #. */
        size_t n = strcspn(url, ":/?#");
        if (url[n] == ':') {
                static const char *allowed[] = {"http", "https", "mailto"};
                int ok = 0;
                for (size_t i = 0; i < 3; i++)
                        if (strlen(allowed[i]) == n && strncasecmp(url, allowed[i], n) == 0)
                                ok = 1;
                if (!ok) {
                        html_lit(b, "#");
                        return;
                }
        }
        /* Control characters could hide a scheme from the check above ("java\tscript:"). */
        for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
                if (*p < 0x20 || *p == 0x7f) {
                        html_lit(b, "#");
                        return;
                }
        }
        html_attr(b, url);
}

void html_rendered(struct buf *b, const char *html)
{
        if (html)
                buf_puts(b, html);
}
