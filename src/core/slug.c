/* Slug rules and making one from a title. */
#include "core/slug.h"
#include "core/limits.h"

#include <string.h>

static bool slug_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool slug_valid(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n > KD_SLUG_MAX_BYTES || s[0] == '-' || s[n - 1] == '-')
                return false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '-') {
                        if (s[i + 1] == '-')
                                return false;
                } else if (!slug_char(s[i])) {
                        return false;
                }
        }
        return true;
}

void slug_from_title(const char *title, char *out, size_t size)
{
        size_t max = size - 1 < KD_SLUG_MAX_BYTES ? size - 1 : KD_SLUG_MAX_BYTES;
        size_t n = 0;
        bool pending_hyphen = false;
        for (const char *p = title; *p && n < max; p++) {
                char c = *p;
                if (c >= 'A' && c <= 'Z')
                        c = (char)(c - 'A' + 'a');
                if (slug_char(c)) {
                        if (pending_hyphen && n > 0 && n + 1 < max)
                                out[n++] = '-';
                        pending_hyphen = false;
                        out[n++] = c;
                } else if (c != '\'') { /* "Mira's" reads better as "miras" than "mira-s" */
                        pending_hyphen = true;
                }
        }
        while (n > 0 && out[n - 1] == '-')
                n--;
        if (n == 0) {
                strncpy(out, "untitled", size - 1);
                out[size - 1] = '\0';
                return;
        }
        out[n] = '\0';
}
