/* Random tokens and their constant-time comparison (libsodium). */
#include "core/token.h"

#include <sodium.h>
#include <string.h>

void token_new(char out[TOKEN_CHARS + 1])
{
        unsigned char raw[32];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(out, TOKEN_CHARS + 1, raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof(raw));
}

bool token_equal(const char *expected, const char *given)
{
        if (!expected || !given)
                return false;
        size_t n = strlen(expected);
        if (n == 0 || strlen(given) != n)
                return false;
        return sodium_memcmp(expected, given, n) == 0;
}

bool token_well_formed(const char *s)
{
        if (!s || strlen(s) != TOKEN_CHARS)
                return false;
        for (; *s; s++) {
                char c = *s;
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_'))
                        return false;
        }
        return true;
}
