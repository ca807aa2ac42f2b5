/* Region allocator: blocks chained together, freed in one call. */
#include "core/arena.h"
#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK_SIZE = 8192, ARENA_ALIGN = 16 };

struct arena_block {
        struct arena_block *next;
        size_t size;
        size_t used;
        _Alignas(16) unsigned char data[];
};

struct arena {
        struct arena_block *head;
        size_t total;
};

struct arena *arena_new(void)
{
        return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
        if (!a)
                return;
        struct arena_block *b = a->head;
        while (b) {
                struct arena_block *next = b->next;
                free(b);
                b = next;
        }
        free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
        if (size > SIZE_MAX / 2) {
                /* No request can need this much; treat it as exhaustion (STYLE.md habit 8). */
                fprintf(stderr, "kindred: arena request of %zu bytes\n", size);
                abort();
        }
        size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
        struct arena_block *b = a->head;
        if (!b || b->size - b->used < size) {
                size_t block = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
                struct arena_block *nb = xmalloc(sizeof(*nb) + block);
                nb->size = block;
                nb->used = 0;
                /* A large one-off allocation goes behind the current block so the
                 * current block's free space stays usable. */
                if (b && size > ARENA_BLOCK_SIZE) {
                        nb->next = b->next;
                        b->next = nb;
                } else {
                        nb->next = b;
                        a->head = nb;
                }
                b = nb;
        }
        void *p = b->data + b->used;
        b->used += size;
        a->total += size;
        return p;
}

void *arena_zalloc(struct arena *a, size_t size)
{
        void *p = arena_alloc(a, size);
        memset(p, 0, size);
        return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
        char *p = arena_alloc(a, n + 1);
        memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
        return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
        va_list ap2;
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap2);
        va_end(ap2);
        if (n < 0)
                n = 0;
        char *p = arena_alloc(a, (size_t)n + 1);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *p = arena_vprintf(a, fmt, ap);
        va_end(ap);
        return p;
}

size_t arena_used(const struct arena *a)
{
        return a->total;
}

void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t elem)
{
        if (arr && n < *cap)
                return arr;
        size_t bigger = *cap ? 2 * *cap : 8;
        void *fresh = arena_alloc(a, bigger * elem);
        if (arr && n)
                memcpy(fresh, arr, n * elem);
        *cap = bigger;
        return fresh;
}
