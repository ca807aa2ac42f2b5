/* Growable byte buffer. */
#include "core/buf.h"
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void reserve(struct buf *b, size_t extra)
{
        size_t need = b->len + extra + 1;
        if (need <= b->cap)
                return;
        /* the first allocation takes what is asked at once (buf_reserve with a size from
         * experience); later ones double, so appending stays linear */
        size_t cap = b->cap ? b->cap : (need > 256 ? need : 256);
        while (cap < need)
                cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
}

/* Out of line for callers; appends use the inline one (a call per append cost 2.6% of a
 * member's long read in callgrind). */
void buf_reserve(struct buf *b, size_t extra)
{
        reserve(b, extra);
}

void buf_append(struct buf *b, const void *data, size_t len)
{
        reserve(b, len);
        if (len)
                memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
        buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
        buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char small[256];
        int n = vsnprintf(small, sizeof(small), fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t)n < sizeof(small)) {
                buf_append(b, small, (size_t)n);
                return;
        }
        reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
        b->len = 0;
        if (b->data)
                b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
        free(b->data);
        b->data = NULL;
        b->len = b->cap = 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
        if (!b->data)
                reserve(b, 0), b->data[0] = '\0';
        char *p = b->data;
        if (len)
                *len = b->len;
        b->data = NULL;
        b->len = b->cap = 0;
        return p;
}
