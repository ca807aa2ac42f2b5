/* Slug rules and making one from a title. */
#include "core/slug.h"
#include "core/limits.h"

#include <stdio.h>
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
        size_t n = 0, last_hyphen = 0;            /* where the last whole word ended */
        bool pending_hyphen = false, cut = false; /* a word that does not fit is dropped whole */
        for (const char *p = title; *p && !cut; p++) {
                char c = *p;
                if (c >= 'A' && c <= 'Z')
                        c = (char)(c - 'A' + 'a');
                if (slug_char(c)) {
                        size_t need = (pending_hyphen && n > 0 ? 1 : 0) + 1;
                        if (n + need > max) {
                                /* Mid-word: back to the last whole word. Between words: done. */
                                if (!pending_hyphen && last_hyphen > 0)
                                        n = last_hyphen;
                                cut = true;
                                break;
                        }
                        if (pending_hyphen && n > 0) {
                                last_hyphen = n;
                                out[n++] = '-';
                        }
                        pending_hyphen = false;
                        out[n++] = c;
                } else if (c != '\'') { /* "Mira's" reads better as "miras" than "mira-s" */
                        pending_hyphen = true;
                }
        }
        if (n == 0) {
                snprintf(out, size, "%s", "untitled");
                return;
        }
        out[n] = '\0';
}

bool slug_reserved_for_episode(const char *s)
{
        /* GET /n/$newsletter/asks and /lexicon (routes/asks.c, routes/lexicon.c), POST
         * /n/$newsletter/follow (routes.c; a GET there answers 405) */
        static const char *const words[] = {"asks", "lexicon", "follow", "subscribe"};
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(s, words[i]) == 0)
                        return true;
        return false;
}

void slug_episode_from_title(const char *title, char *out, size_t size)
{
        slug_from_title(title, out, size);
        size_t n = strlen(out);
        if (slug_reserved_for_episode(out) && n + 3 <= size - 1 && n + 2 <= KD_SLUG_MAX_BYTES)
                memcpy(out + n, "-2", 3);
}
