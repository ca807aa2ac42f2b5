/* Cookie header parsing and Set-Cookie formatting. */
#ifndef KD_COOKIE_H
#define KD_COOKIE_H

#include "core/buf.h"

#include <stdbool.h>

struct arena;

/* The value of cookie name in a Cookie request header (copied into a), or NULL. */
const char *cookie_get(struct arena *a, const char *header, const char *name);
/* Appends a Set-Cookie value: Path=/, HttpOnly, SameSite=Lax, Max-Age (max_age < 0 deletes),
 * and Secure when secure is true. name and value must be cookie-safe tokens (ours always are). */
void cookie_format(struct buf *b, const char *name, const char *value, long max_age, bool secure);

#endif
