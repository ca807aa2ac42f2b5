/* Fuzz target: the passage-quote matcher (comment_quote_find). The input is the episode's plain
 * text, the quoted passage, its prefix and its suffix, separated by NUL bytes (missing parts are
 * empty or absent). A match must point into the text at the passage's first character, and the
 * returned passage and context must stay within their limits. */
#include "fuzz.h"

#include "core/arena.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "model/comment.h"

#include <string.h>

/* The next NUL-separated part of data[*at..size), copied NUL-terminated into the arena, or NULL
 * when the input has run out. */
static const char *next_part(struct arena *a, const uint8_t *data, size_t size, size_t *at)
{
        if (*at > size)
                return NULL;
        const uint8_t *start = data + *at;
        const uint8_t *nul = memchr(start, '\0', size - *at);
        size_t len = nul ? (size_t)(nul - start) : size - *at;
        *at += len + 1;
        return arena_strndup(a, (const char *)start, len);
}

static int is_space(unsigned char c)
{
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct arena *a = arena_new();
        size_t at = 0;
        const char *text = next_part(a, data, size, &at);
        const char *exact = next_part(a, data, size, &at);
        const char *prefix = next_part(a, data, size, &at);
        const char *suffix = next_part(a, data, size, &at);

        int64_t start = -1;
        const char *norm_exact = NULL, *norm_prefix = NULL, *norm_suffix = NULL;
        struct field_problem p;
        memset(&p, 0, sizeof(p));
        int rc = comment_quote_find(a, text, exact, prefix, suffix, &start, &norm_exact,
                                    &norm_prefix, &norm_suffix, &p);
        if (rc == PUB_OK) {
                size_t tlen = strlen(text);
                FUZZ_CHECK(start >= 0 && (size_t)start < tlen);
                FUZZ_CHECK(norm_exact && *norm_exact && norm_prefix && norm_suffix);
                /* the passage starts where start says: its first byte is there, not a space */
                FUZZ_CHECK(text[start] == norm_exact[0]);
                FUZZ_CHECK(!is_space((unsigned char)text[start]));
                size_t elen = strlen(norm_exact);
                FUZZ_CHECK(elen <= strlen(exact));
                FUZZ_CHECK(utf8_count(norm_exact, elen) <= KD_QUOTE_MAX_CHARS);
                /* A context is at most KD_QUOTE_CONTEXT_CHARS characters of up to 4 bytes.
                 * Only for UTF-8 text, as an episode's plain text always is: in broken text a
                 * run of continuation bytes counts as one character. */
                if (utf8_valid(text, tlen)) {
                        FUZZ_CHECK(strlen(norm_prefix) <= 4 * KD_QUOTE_CONTEXT_CHARS);
                        FUZZ_CHECK(strlen(norm_suffix) <= 4 * KD_QUOTE_CONTEXT_CHARS);
                }
        } else {
                FUZZ_CHECK(rc == PUB_INVALID);
                FUZZ_CHECK(p.field && strcmp(p.field, "quote") == 0 && p.message);
        }
        arena_free(a);
        return 0;
}
