/* Growable byte buffer on the heap (response bodies, SQL scripts, test output). */
#ifndef KD_BUF_H
#define KD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
        char *data; /* always NUL-terminated once anything was appended; NULL when empty */
        size_t len;
        size_t cap;
};

#define BUF_INIT                                                                                   \
        {                                                                                          \
                NULL, 0, 0                                                                         \
        }

/* Makes room for extra more bytes (and the NUL) at once: a writer that knows about how much it
 * will write saves the copies of growing by doubling. */
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* Hands the memory to the caller (free() it); the buffer is left empty. Never NULL. */
char *buf_detach(struct buf *b, size_t *len);

#endif
