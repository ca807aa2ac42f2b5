/* Allocation wrappers: out of memory aborts here, so call sites never check for NULL. */
#ifndef KD_ALLOC_H
#define KD_ALLOC_H

#include <stddef.h>

/* Like malloc/calloc/realloc/strdup, but never return NULL: they abort on exhaustion. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);

#endif
