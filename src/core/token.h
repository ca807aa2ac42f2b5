/* Random 256-bit tokens (sessions, CSRF) and their constant-time comparison. */
#ifndef KD_TOKEN_H
#define KD_TOKEN_H

#include <stdbool.h>

enum { TOKEN_CHARS = 43 }; /* 32 random bytes, base64url without padding */

/* Writes a fresh random token (TOKEN_CHARS + NUL) into out. */
void token_new(char out[TOKEN_CHARS + 1]);
/* Constant-time comparison; false when either is NULL or empty. */
bool token_equal(const char *expected, const char *given);
/* True when s looks like one of our tokens (length and alphabet). */
bool token_well_formed(const char *s);

#endif
