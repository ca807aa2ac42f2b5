/* Region allocator: one arena per request, everything in it freed at once. */
#ifndef KD_ARENA_H
#define KD_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* Returns a new empty arena; the caller owns it and frees it with arena_free(). */
struct arena *arena_new(void);
/* Frees the arena and every allocation made from it. NULL is allowed. */
void arena_free(struct arena *a);
/* Returns size bytes aligned for any type, valid until arena_free(). Never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Like arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t size);
/* Copies s (or its first n bytes) into the arena, NUL-terminated. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* Makes room for one more element in an arena array of *n elements of size elem (capacity
 * *cap, 0 to start with arr NULL): returns the array, moved to a doubled block when full. The
 * caller stores element *n and increments *n. */
void *arena_grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t elem);

/* Total bytes handed out so far (for tests and diagnostics). */
size_t arena_used(const struct arena *a);

#endif
