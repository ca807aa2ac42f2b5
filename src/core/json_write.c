/* JSON written straight into a buffer (core/json_write.h). */
#include "core/json_write.h"
#include "core/timeutil.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void json_write_start(struct json_write *w, struct buf *out)
{
        *w = (struct json_write){.out = out};
}

/* Before a value or a key: the comma that separates it from the previous item. */
static void item(struct json_write *w)
{
        if (w->after_key) {
                w->after_key = false;
                return;
        }
        uint64_t bit = (uint64_t)1 << w->depth;
        if (w->depth > 0 && (w->has_items & bit))
                buf_putc(w->out, ',');
        w->has_items |= bit;
}

static void open_container(struct json_write *w, char c)
{
        item(w);
        buf_putc(w->out, c);
        assert(w->depth + 1 < JSON_WRITE_DEPTH_MAX);
        w->depth++;
        w->has_items &= ~((uint64_t)1 << w->depth);
}

static void close_container(struct json_write *w, char c)
{
        assert(w->depth > 0);
        w->depth--;
        buf_putc(w->out, c);
}

void json_write_object(struct json_write *w)
{
        open_container(w, '{');
}

void json_write_object_end(struct json_write *w)
{
        close_container(w, '}');
}

void json_write_array(struct json_write *w)
{
        open_container(w, '[');
}

void json_write_array_end(struct json_write *w)
{
        close_container(w, ']');
}

/* "\uXXXX" with upper-case hex digits, as jansson writes it. */
static void put_u16(struct buf *b, unsigned u)
{
        static const char hex[] = "0123456789ABCDEF";
        char e[6] = {'\\',       'u', hex[(u >> 12) & 15], hex[(u >> 8) & 15], hex[(u >> 4) & 15],
                     hex[u & 15]};
        buf_append(b, e, sizeof(e));
}

/* The code point of the UTF-8 sequence at s (at most n bytes), and its length; 0 when ill
 * formed (overlong, a surrogate, above U+10FFFF, or cut short). */
static size_t decode(const unsigned char *s, size_t n, unsigned *cp)
{
        unsigned c = s[0];
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (len == 0 || c > 0xF4 || len > n)
                return 0;
        unsigned v = c & (0x7F >> len);
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                v = (v << 6) | (s[i] & 0x3F);
        }
        static const unsigned least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                return 0;
        *cp = v;
        return len;
}

static void put_string(struct buf *b, const char *str)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t n = strlen(str);
        buf_reserve(b, n + 2);
        buf_putc(b, '"');
        size_t run = 0; /* bytes at s written as they are, not yet appended */
        for (size_t i = 0; i < n;) {
                unsigned c = s[i];
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { /* DEL too, as jansson */
                        run++;
                        i++;
                        continue;
                }
                buf_append(b, s + i - run, run);
                run = 0;
                const char *esc = c == '"'    ? "\\\""
                                  : c == '\\' ? "\\\\"
                                  : c == '\b' ? "\\b"
                                  : c == '\f' ? "\\f"
                                  : c == '\n' ? "\\n"
                                  : c == '\r' ? "\\r"
                                  : c == '\t' ? "\\t"
                                              : NULL;
                if (esc) {
                        buf_append(b, esc, 2);
                        i++;
                        continue;
                }
                unsigned cp = c;
                size_t len = c < 0x80 ? 1 : decode(s + i, n - i, &cp);
                if (len == 0) { /* ill formed: one byte becomes U+FFFD */
                        cp = 0xFFFD;
                        len = 1;
                }
                if (cp >= 0x10000) { /* a surrogate pair */
                        put_u16(b, 0xD800 + ((cp - 0x10000) >> 10));
                        put_u16(b, 0xDC00 + ((cp - 0x10000) & 0x3FF));
                } else {
                        put_u16(b, cp);
                }
                i += len;
        }
        buf_append(b, s + n - run, run);
        buf_putc(b, '"');
}

void json_write_key(struct json_write *w, const char *key)
{
        item(w);
        put_string(w->out, key);
        buf_putc(w->out, ':');
        w->after_key = true;
}

void json_write_string(struct json_write *w, const char *s)
{
        if (!s) {
                json_write_null(w);
                return;
        }
        item(w);
        put_string(w->out, s);
}

void json_write_int(struct json_write *w, int64_t v)
{
        item(w);
        char n[24];
        int len = snprintf(n, sizeof(n), "%" PRId64, v);
        buf_append(w->out, n, (size_t)len);
}

void json_write_bool(struct json_write *w, bool v)
{
        item(w);
        buf_puts(w->out, v ? "true" : "false");
}

void json_write_null(struct json_write *w)
{
        item(w);
        buf_puts(w->out, "null");
}

void json_write_field_string(struct json_write *w, const char *key, const char *s)
{
        json_write_key(w, key);
        json_write_string(w, s);
}

void json_write_field_int(struct json_write *w, const char *key, int64_t v)
{
        json_write_key(w, key);
        json_write_int(w, v);
}

void json_write_field_bool(struct json_write *w, const char *key, bool v)
{
        json_write_key(w, key);
        json_write_bool(w, v);
}

void json_write_field_null(struct json_write *w, const char *key)
{
        json_write_key(w, key);
        json_write_null(w);
}

void json_write_field_time(struct json_write *w, const char *key, int64_t t)
{
        if (!t) {
                json_write_field_null(w, key);
                return;
        }
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        json_write_field_string(w, key, iso);
}
