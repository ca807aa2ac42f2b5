/* Comments: validation, quotes, threads, edits, deletion, hiding, and the exact count. */
#include "model/comment.h"
#include "model/avatar.h"
#include "model/directory.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/episode.h"
#include "model/badge.h"
#include "model/item.h"
#include "model/newsletter.h"
#include "model/notification.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ quotes */

static bool is_space(unsigned char c)
{
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* U+00A0 (no-break space) counts as whitespace too: browsers put it in selections. */
static size_t nbsp_at(const char *s, size_t i, size_t len)
{
        return i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0 ? 2
                                                                                             : 0;
}

/* Copies s with each whitespace run as one space and no outer whitespace; when map is given,
 * map[k] is the byte offset in s of normalised byte k. Returns the normalised length. */
static size_t normalise(const char *s, size_t len, char *out, size_t *map)
{
        size_t n = 0;
        bool pending = false;
        for (size_t i = 0; i < len;) {
                size_t nb = nbsp_at(s, i, len);
                if (nb || is_space((unsigned char)s[i])) {
                        pending = n > 0;
                        i += nb ? nb : 1;
                        continue;
                }
                if (pending) {
                        if (map)
                                map[n] = i;
                        out[n++] = ' ';
                        pending = false;
                }
                if (map)
                        map[n] = i;
                out[n++] = s[i++];
        }
        out[n] = '\0';
        return n;
}

static char *normalised_copy(struct arena *a, const char *s)
{
        size_t len = s ? strlen(s) : 0;
        char *out = arena_alloc(a, len + 1);
        normalise(s ? s : "", len, out, NULL);
        return out;
}

/* Up to max code points of s[from..to), taken from its end (tail) or start. */
static char *context(struct arena *a, const char *s, size_t from, size_t to, size_t max, bool tail)
{
        size_t i = tail ? to : from, chars = 0;
        if (tail) {
                while (i > from && chars < max) {
                        i--;
                        while (i > from && ((unsigned char)s[i] & 0xC0) == 0x80)
                                i--;
                        chars++;
                }
                while (i < to && s[i] == ' ')
                        i++;
                return arena_strndup(a, s + i, to - i);
        }
        while (i < to && chars < max) {
                i++;
                while (i < to && ((unsigned char)s[i] & 0xC0) == 0x80)
                        i++;
                chars++;
        }
        size_t end = i;
        while (end > from && s[end - 1] == ' ')
                end--;
        return arena_strndup(a, s + from, end - from);
}

/* KMP failure table of p[0..m): fail[k] is the length of the longest proper prefix of p[0..k]
 * that is also its suffix. */
static size_t *kmp_table(struct arena *a, const char *p, size_t m)
{
        size_t *fail = arena_alloc(a, (m + 1) * sizeof(*fail));
        fail[0] = 0;
        for (size_t k = 1, b = 0; k < m; k++) {
                while (b > 0 && p[k] != p[b])
                        b = fail[b - 1];
                if (p[k] == p[b])
                        b++;
                fail[k] = b;
        }
        return fail;
}

/* One step of a KMP search for p (m bytes, table fail) over the byte c: *b is the length of
 * p's prefix matched so far. Returns true when this byte completes a match (*b is then
 * ready for the next, overlapping one). */
static bool kmp_step(const char *p, size_t m, const size_t *fail, size_t *b, char c)
{
        while (*b > 0 && c != p[*b])
                *b = fail[*b - 1];
        if (c == p[*b])
                (*b)++;
        if (*b < m)
                return false;
        *b = fail[m - 1];
        return true;
}

/* Where p occurs in s[0..n): at[i] is true when an occurrence starts at i (overlapping ones
 * too). Linear in n + m. An empty p gives NULL. */
static bool *occurrences(struct arena *a, const char *s, size_t n, const char *p, size_t m)
{
        if (m == 0)
                return NULL;
        bool *at = arena_zalloc(a, n + 1);
        const size_t *fail = kmp_table(a, p, m);
        size_t b = 0;
        for (size_t i = 0; i < n; i++)
                if (kmp_step(p, m, fail, &b, s[i]))
                        at[i + 1 - m] = true;
        return at;
}

/* The text is normalised once, then searched with KMP; the prefix and suffix are searched the
 * same way beforehand, so checking the context at each occurrence of the quote is a lookup.
 * A hostile episode ("aaaa…") and quote ("aaa…ab") cost time linear in their lengths. */
int comment_quote_find(struct arena *a, const char *text, const char *exact, const char *prefix,
                       const char *suffix, int64_t *start, const char **norm_exact,
                       const char **norm_prefix, const char **norm_suffix, struct field_problem *p)
{
        size_t elen = exact ? strlen(exact) : 0;
        if (elen == 0 || !utf8_valid(exact, elen))
                return field_problem_set(p, "quote", N_("Paste or select the passage you quote."));
        if (utf8_count(exact, elen) > KD_QUOTE_MAX_CHARS)
                return field_problem_set(p, "quote",
                                         N_("Quote a shorter passage: 600 characters at "
                                            "most."));
        const char *ex = normalised_copy(a, exact);
        const char *pre = normalised_copy(a, prefix);
        const char *suf = normalised_copy(a, suffix);
        size_t exn = strlen(ex), pren = strlen(pre), sufn = strlen(suf);
        if (exn == 0)
                return field_problem_set(p, "quote", N_("Paste or select the passage you quote."));
        size_t tlen = strlen(text);
        char *norm = arena_alloc(a, tlen + 1);
        size_t *map = arena_alloc(a, (tlen + 1) * sizeof(*map));
        size_t nlen = normalise(text, tlen, norm, map);
        const bool *pre_at = occurrences(a, norm, nlen, pre, pren);
        const bool *suf_at = occurrences(a, norm, nlen, suf, sufn);
        const size_t *fail = kmp_table(a, ex, exn);
        bool seen = false;
        size_t found = SIZE_MAX, b = 0;
        for (size_t i = 0; i < nlen && found == SIZE_MAX; i++) {
                if (!kmp_step(ex, exn, fail, &b, norm[i]))
                        continue;
                seen = true;
                size_t at = i + 1 - exn, end = i + 1;
                /* the context may sit across the space that joins it to the quote */
                size_t before = at > 0 && norm[at - 1] == ' ' ? at - 1 : at;
                size_t after = end < nlen && norm[end] == ' ' ? end + 1 : end;
                bool pre_ok = !pre_at || (before >= pren && pre_at[before - pren]) ||
                              (at >= pren && pre_at[at - pren]);
                bool suf_ok = !suf_at || (nlen - after >= sufn && suf_at[after]) ||
                              (nlen - end >= sufn && suf_at[end]);
                if (pre_ok && suf_ok)
                        found = at;
        }
        if (found == SIZE_MAX) {
                if (seen)
                        return field_problem_set(p, "quote",
                                                 N_("That passage is in the episode, but not with "
                                                    "the words around it that were sent. Select it "
                                                    "again."));
                return field_problem_set(p, "quote",
                                         N_("That passage is not in this episode. Quote "
                                            "its words exactly."));
        }
        *start = (int64_t)map[found];
        *norm_exact = ex;
        *norm_prefix = context(a, norm, 0, found, KD_QUOTE_CONTEXT_CHARS, true);
        *norm_suffix = context(a, norm, found + exn, nlen, KD_QUOTE_CONTEXT_CHARS, false);
        return PUB_OK;
}

/* ------------------------------------------------------------------ quote links
 *
 * A quote links back with a URL text fragment ("#:~:text=…", WICG Text Fragments). Browsers
 * match its terms only at word boundaries, only inside one block (a paragraph, a list item, a
 * heading), and take the first match in the page. So the link is built from the episode's
 * plain text, where blocks are separated by blank lines: the passage grows to whole words, a
 * passage over several blocks becomes "start,end" (its part in the first block, its part in the
 * last), and prefix and suffix, whole words from the same block, are added only when the
 * passage alone would first match somewhere else. */

/* The code point at s[i] (valid UTF-8 expected; a stray byte stands for itself); sets *n to its
 * length in bytes. s is NUL-terminated, which stops a truncated sequence. */
static uint32_t cp_at(const char *s, size_t i, size_t *n)
{
        const unsigned char *u = (const unsigned char *)s + i;
        if (u[0] >= 0xC0 && (u[1] & 0xC0) == 0x80) {
                if (u[0] < 0xE0) {
                        *n = 2;
                        return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
                }
                if ((u[2] & 0xC0) == 0x80) {
                        if (u[0] < 0xF0) {
                                *n = 3;
                                return (uint32_t)(u[0] & 0x0F) << 12 |
                                       (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
                        }
                        if ((u[3] & 0xC0) == 0x80) {
                                *n = 4;
                                return (uint32_t)(u[0] & 0x07) << 18 |
                                       (uint32_t)(u[1] & 0x3F) << 12 |
                                       (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
                        }
                }
        }
        *n = 1;
        return u[0];
}

/* Where the code point that ends at s[i] (i > 0) begins. */
static size_t cp_before(const char *s, size_t i)
{
        do
                i--;
        while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
        return i;
}

/* Letters, digits, marks and ideographs: what a browser's word breaking keeps together.
 * Punctuation, symbols, spaces and emoji separate words. A run of CJK ideographs counts as one
 * word here: browsers split it by dictionary, which cannot be known, so links only cut where
 * punctuation or space does. */
static bool word_cp(uint32_t c)
{
        if (c < 0x80)
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       c == '_';
        if (c <= 0xBF)
                return c == 0xAA || c == 0xB5 || c == 0xBA;
        return c != 0xD7 && c != 0xF7 && !(c >= 0x2000 && c <= 0x2BFF) &&
               !(c >= 0x2E00 && c <= 0x2E7F) && !(c >= 0x3000 && c <= 0x303F) &&
               !(c >= 0xFE10 && c <= 0xFE6F) && !(c >= 0xFF00 && c <= 0xFF0F) &&
               !(c >= 0xFF1A && c <= 0xFF20) && !(c >= 0xFF3B && c <= 0xFF40) &&
               !(c >= 0xFF5B && c <= 0xFF65) && !(c >= 0x1F000 && c <= 0x1FAFF);
}

static bool digit_cp(uint32_t c)
{
        return c >= '0' && c <= '9';
}

/* True when the code point at s[i] belongs to a word: a word character, or an apostrophe or a
 * full stop between two of them ("don't", "e.g"), or a comma between digits ("1,000"). */
static bool in_word(const char *s, size_t len, size_t i)
{
        size_t n;
        uint32_t c = cp_at(s, i, &n);
        if (word_cp(c))
                return true;
        bool mid_letter = c == '\'' || c == '.' || c == 0x2018 || c == 0x2019;
        bool mid_number = c == ',' || c == ';';
        if ((!mid_letter && !mid_number) || i == 0 || i + n >= len)
                return false;
        size_t pn, nn;
        uint32_t prev = cp_at(s, cp_before(s, i), &pn), next = cp_at(s, i + n, &nn);
        if (mid_number)
                return digit_cp(prev) && digit_cp(next);
        return word_cp(prev) && word_cp(next);
}

/* True when a word boundary lies at s[i]: not between two characters of one word. */
static bool word_boundary(const char *s, size_t len, size_t i)
{
        return i == 0 || i >= len || !in_word(s, len, cp_before(s, i)) || !in_word(s, len, i);
}

static bool space_at(const char *s, size_t i, size_t len)
{
        return i < len && (is_space((unsigned char)s[i]) || nbsp_at(s, i, len));
}

/* True when s[i] is inside a whitespace run holding a blank line: a block boundary in the
 * plain text of an episode (markdown.c separates blocks with "\n\n"). */
static bool block_gap(const char *s, size_t len, size_t i)
{
        if (!space_at(s, i, len))
                return false;
        size_t from = i, to = i, lines = 0;
        while (from > 0 && is_space((unsigned char)s[from - 1]))
                from--;
        while (to < len && is_space((unsigned char)s[to]))
                to++;
        for (size_t k = from; k < to && lines < 2; k++)
                lines += s[k] == '\n';
        return lines >= 2;
}

/* Where the normalised passage ex ends when it starts at text[at]; SIZE_MAX when it is not
 * there (the episode was edited since). */
static size_t passage_end(const char *t, size_t len, size_t at, const char *ex)
{
        size_t i = at;
        for (size_t j = 0; ex[j]; j++) {
                if (ex[j] == ' ') {
                        if (!space_at(t, i, len))
                                return SIZE_MAX;
                        while (space_at(t, i, len))
                                i += nbsp_at(t, i, len) ? 2 : 1;
                } else if (i < len && t[i] == ex[j]) {
                        i++;
                } else {
                        return SIZE_MAX;
                }
        }
        return i;
}

/* A KMP search for a normalised pattern over a text as it is normalised, without copying the
 * text: ring[] keeps where the last m normalised bytes came from. */
struct word_search {
        const char *s;
        size_t len, limit;
        const char *p;
        size_t m;
        const size_t *fail;
        size_t *ring;
        size_t b, k, found;
        bool done;
};

static char ascii_lower(char c)
{
        return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void word_search_feed(struct word_search *w, char c, size_t off)
{
        c = ascii_lower(c);
        w->ring[w->k % w->m] = off;
        w->k++;
        if (kmp_step(w->p, w->m, w->fail, &w->b, c)) {
                size_t from = w->ring[(w->k - w->m) % w->m];
                if (from > w->limit) {
                        w->done = true;
                        return;
                }
                if (word_boundary(w->s, w->len, from) && word_boundary(w->s, w->len, off + 1)) {
                        w->found = from;
                        w->done = true;
                        return;
                }
        }
        /* nothing that starts at or before the limit can match any more */
        if (off >= w->limit && (w->b == 0 || w->ring[(w->k - w->b) % w->m] > w->limit))
                w->done = true;
}

/* Where in s the first occurrence of the normalised, lower-case pattern p starts that a browser
 * would take: whitespace runs as one space, ASCII case ignored (browsers ignore case), at word
 * boundaries at both ends. Only occurrences starting at or before limit count. Returns SIZE_MAX
 * when there is none. Linear in the text read. */
static size_t first_word_match(struct arena *a, const char *s, size_t limit, const char *p)
{
        size_t m = strlen(p);
        if (!s || m == 0)
                return SIZE_MAX;
        struct word_search w = {.s = s,
                                .len = strlen(s),
                                .limit = limit,
                                .p = p,
                                .m = m,
                                .fail = kmp_table(a, p, m),
                                .ring = arena_alloc(a, m * sizeof(size_t)),
                                .found = SIZE_MAX};
        bool pending = false;
        size_t pending_at = 0;
        for (size_t i = 0; i < w.len && !w.done;) {
                size_t nb = nbsp_at(s, i, w.len);
                if (nb || is_space((unsigned char)s[i])) {
                        if (w.k > 0 && !pending) {
                                pending = true;
                                pending_at = i;
                        }
                        i += nb ? nb : 1;
                        continue;
                }
                if (pending) {
                        pending = false;
                        word_search_feed(&w, ' ', pending_at);
                        if (w.done)
                                break;
                }
                word_search_feed(&w, s[i], i);
                i++;
        }
        return w.found;
}

/* True when a browser looking for the normalised text of body[from..to) would find it first
 * where it is: not earlier in the body, nor in what the page shows above the body. */
static bool first_on_page(struct arena *a, const struct episode *e, size_t from, size_t to)
{
        const char *body = e->body_text;
        char *p = arena_alloc(a, to - from + 1);
        normalise(body + from, to - from, p, NULL);
        for (char *c = p; *c; c++)
                *c = ascii_lower(*c);
        const char *above[] = {e->newsletter_title, e->season_title,    e->title,       e->subtitle,
                               e->author_name,      e->author_headline, e->cover_credit};
        for (size_t i = 0; i < sizeof(above) / sizeof(above[0]); i++)
                if (first_word_match(a, above[i], SIZE_MAX, p) != SIZE_MAX)
                        return false;
        return first_word_match(a, body, from, p) == from;
}

/* Percent-encodes the normalised text of s[from..to) for a text fragment: unreserved characters
 * stay, except '-' (with '&' and ',', the fragment's own syntax). */
static void fragment_part(struct buf *out, struct arena *a, const char *s, size_t from, size_t to)
{
        static const char hex[] = "0123456789ABCDEF";
        char *norm = arena_alloc(a, to - from + 1);
        normalise(s + from, to - from, norm, NULL);
        for (const unsigned char *c = (const unsigned char *)norm; *c; c++) {
                if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '~') {
                        buf_putc(out, (char)*c);
                } else {
                        buf_putc(out, '%');
                        buf_putc(out, hex[*c >> 4]);
                        buf_putc(out, hex[*c & 15]);
                }
        }
}

/* Whole words before text[at], up to KD_QUOTE_CONTEXT_CHARS code points, from its block;
 * returns where they start (at when there are none). */
static size_t prefix_start(const char *t, size_t len, size_t at)
{
        size_t i = at;
        for (int chars = 0; i > 0 && chars < KD_QUOTE_CONTEXT_CHARS; chars++) {
                size_t j = cp_before(t, i);
                if (block_gap(t, len, j))
                        break;
                i = j;
        }
        while (i < at) {
                size_t n;
                uint32_t c = cp_at(t, i, &n);
                if (word_boundary(t, len, i) && word_cp(c))
                        break;
                i += n;
        }
        return i;
}

/* Whole words after text[at], up to KD_QUOTE_CONTEXT_CHARS code points, from its block;
 * returns where they end (at when there are none). */
static size_t suffix_end(const char *t, size_t len, size_t at)
{
        size_t i = at, n;
        for (int chars = 0; i < len && chars < KD_QUOTE_CONTEXT_CHARS; chars++) {
                if (block_gap(t, len, i))
                        break;
                cp_at(t, i, &n);
                i += n;
        }
        while (i > at && (!word_boundary(t, len, i) || !word_cp(cp_at(t, cp_before(t, i), &n))))
                i = cp_before(t, i);
        return i;
}

void comment_text_fragment(struct buf *out, const struct episode *e, int64_t start,
                           const char *exact, const char *prefix, const char *suffix)
{
        struct arena *a = arena_new();
        const char *t = e->body_text ? e->body_text : "";
        const char *ex = normalised_copy(a, exact);
        size_t len = strlen(t);
        size_t qs = start >= 0 && (uint64_t)start <= len ? (size_t)start : len;
        size_t qe = passage_end(t, len, qs, ex);
        if (qe == SIZE_MAX) { /* the episode was edited: look for the passage again */
                int64_t again;
                const char *x, *y, *z;
                if (comment_quote_find(a, t, exact, prefix, suffix, &again, &x, &y, &z, NULL) ==
                    PUB_OK) {
                        qs = (size_t)again;
                        qe = passage_end(t, len, qs, ex);
                }
        }
        buf_puts(out, "#:~:text=");
        if (qe == SIZE_MAX || qe == qs) { /* gone: the words alone, wherever they are now */
                fragment_part(out, a, ex, 0, strlen(ex));
                goto cleanup;
        }
        size_t n;
        while (!word_boundary(t, len, qs))
                qs = cp_before(t, qs);
        while (!word_boundary(t, len, qe))
                qe += (cp_at(t, qe, &n), n);
        /* the passage's part in its first block, and where its part in the last block begins */
        size_t first_end = qe, last_start = qs;
        for (size_t i = qs; i < qe; i++) {
                if (!block_gap(t, len, i))
                        continue;
                if (first_end == qe)
                        first_end = i;
                while (i < qe && space_at(t, i, len))
                        i++;
                last_start = i;
        }
        size_t ps = qs, se = qe;
        if (!first_on_page(a, e, qs, first_end)) {
                ps = prefix_start(t, len, qs);
                if (ps == qs || !first_on_page(a, e, ps, first_end))
                        se = suffix_end(t, len, qe);
        }
        if (ps < qs) {
                fragment_part(out, a, t, ps, qs);
                buf_puts(out, "-,");
        }
        fragment_part(out, a, t, qs, first_end);
        if (last_start > qs) {
                buf_putc(out, ',');
                fragment_part(out, a, t, last_start, qe);
        }
        if (se > qe) {
                buf_puts(out, ",-");
                fragment_part(out, a, t, qe, se);
        }
cleanup:
        arena_free(a);
}

/* ------------------------------------------------------------------ writing */

/* Counts again what includes comment id after its state changed: its episode's comment_count
 * (every visible comment but those on build-ons), its prompt's answer_count (visible answers,
 * replies not included) and its build-on's comment_count. Each counts one episode's,
 * prompt's or build-on's comments by index. */
static int refresh_count(struct db *db, int64_t comment_id)
{
        static const char *const sql[] = {
            "UPDATE episode SET comment_count = (SELECT count(*) FROM comment WHERE episode_id = "
            "episode.id AND buildon_id IS NULL AND state = 'visible') WHERE id = (SELECT "
            "episode_id FROM comment WHERE id = ?1)",
            "UPDATE prompt SET answer_count = (SELECT count(*) FROM comment WHERE prompt_id = "
            "prompt.id AND parent_id IS NULL AND state = 'visible') WHERE id = (SELECT prompt_id "
            "FROM comment WHERE id = ?1)",
            "UPDATE buildon SET comment_count = (SELECT count(*) FROM comment WHERE buildon_id = "
            "buildon.id AND state = 'visible') WHERE id = (SELECT buildon_id FROM comment WHERE "
            "id = ?1)",
        };
        for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
                struct db_stmt *s = db_prepare(db, sql[i]);
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, comment_id);
                int rc = db_step(s);
                db_finish(s);
                if (rc != DB_DONE)
                        return PUB_DB_ERROR;
        }
        return PUB_OK;
}

/* Runs one UPDATE of a count with ?1 bound to id. */
static int bump(struct db *db, const char *sql, int64_t id)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

/* Checks where a new top-level comment goes: an open prompt or a visible build-on of the
 * episode. Returns PUB_OK, PUB_INVALID (p) or PUB_DB_ERROR. */
static int check_place(struct db *db, const struct comment_input *in, int64_t episode_id,
                       struct field_problem *p)
{
        if (in->prompt_id && in->buildon_id)
                return field_problem_set(p, "prompt", N_("There is no such question."));
        if (!in->prompt_id && !in->buildon_id)
                return PUB_OK;
        struct db_stmt *s =
            in->prompt_id
                ? db_prepare(db, "SELECT closed_at IS NULL FROM prompt WHERE id = ?1 AND "
                                 "episode_id = ?2")
                : db_prepare(db, "SELECT state = 'visible' FROM buildon WHERE id = ?1 AND "
                                 "episode_id = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, in->prompt_id ? in->prompt_id : in->buildon_id);
        db_bind_int(s, 2, episode_id);
        int step = db_step(s);
        bool open = step == DB_ROW && db_col_int(s, 0) != 0;
        db_finish(s);
        if (step != DB_ROW && step != DB_DONE)
                return PUB_DB_ERROR;
        if (in->prompt_id && !open)
                return field_problem_set(p, "prompt",
                                         step == DB_ROW ? N_("This question is closed to new "
                                                             "answers.")
                                                        : N_("There is no such question."));
        if (in->buildon_id && !open)
                return field_problem_set(p, "buildon", N_("There is no such build-on."));
        if (in->buildon_id && in->quote_exact && *in->quote_exact)
                return field_problem_set(p, "quote",
                                         N_("A comment on a build-on cannot quote the episode."));
        return PUB_OK;
}

/* Checks a comment's Markdown and renders it (member mode) into html. */
static int render_body(const char *body, struct mdr_result *r, struct field_problem *p)
{
        const char *why = text_problem(body, true, KD_COMMENT_MAX_CHARS);
        if (why) {
                memset(r, 0, sizeof(*r));
                return field_problem_set(p, "body",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A comment can be up to 5,000 characters.")
                                         : strcmp(why, "Please fill this in.") == 0
                                             ? N_("Write something first.")
                                             : why);
        }
        if (mdr_render(body, strlen(body), MDR_MEMBER, r) != 0) {
                if (p) {
                        field_problem_set(p, "body", r->error_msgid);
                        p->line = r->error_line;
                }
                return PUB_INVALID;
        }
        return PUB_OK;
}

/* comment_create's transaction (db_transact): what it reads and writes, and its answer. */
struct comment_write {
        const struct comment_input *in;
        const struct mdr_result *r;
        struct arena *a;
        int64_t *id;
        struct field_problem *p;
        int rc;             /* PUB_OK, or why it rolled back */
        int may_earn;       /* badges_comment_may_earn's answer */
        int64_t episode_id; /* in->episode_id, or what in->first set */
        bool reads_inside;  /* reads_in_the_turn */
};

/* Where a comment's reads that need no write lock run: the caller's first (the episode its
 * request names), the badge check and the read back. On SQLite, inside the transaction: it runs
 * in the writers' turn on pages the turn keeps warm, a few microseconds a read, where after the
 * commit another connection would read them again from the file (docs/performance.md, "The
 * episode read in the comment's transaction"). On PostgreSQL, outside it: there every statement
 * of a transaction is a round trip to the server made while the site's write lock is held
 * (db/db_pg.c), so each read in it keeps every other writer waiting. */
static bool reads_in_the_turn(struct db *db)
{
        /* Inside a transaction of the caller's own (the demo's seeding), which holds the lock
         * already, they stay in the comment's, in a savepoint of their own as on SQLite. */
        char open[16];
        return db_kind(db) == DB_SQLITE || !db_idle(db, open, sizeof(open));
}

/* Ends comment_write with rc: false, so that db_transact rolls it back. */
static bool refused(struct comment_write *w, int rc)
{
        w->rc = rc;
        return false;
}

/* The comment's transaction. It may run on another thread than the request's (db_transact):
 * it reaches only what w leads to. */

/* A new comment's row. ?3 is its thread's root, 0 for a new thread, which is its own root. */
#define INSERT_COLUMNS                                                                             \
        "episode_id, parent_id, root_id, depth, author_id, body, body_html, quote_exact, "         \
        "quote_prefix, quote_suffix, quote_start, created_at, updated_at, language, prompt_id, "   \
        "buildon_id"
#define INSERT_VALUES(root)                                                                        \
        "?1, ?2, " root ", ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, (SELECT language FROM "     \
        "member WHERE id = ?5), ?13, ?14"
/* The new comment's id is named in the statement, so that a new thread is its own root without
 * an UPDATE of the row just written (on SQLite 6.6 µs of the writers' turn a comment, on
 * PostgreSQL a round trip under the write lock: docs/performance.md). Its root: ?3, the root of
 * the thread replied to, or 0 for the row's own id.
 * SQLite: the id the row would be given anyway, one past the highest, read first by its own
 * statement in the writer's turn and bound as ?15. One INSERT ... SELECT ... RETURNING would
 * cost SQLite two temporary tables a comment (the SELECT reads the table written, and RETURNING
 * gathers its rows): a fifth of the comment's statements' samples in the writers' turn, 39.3
 * against 35.4 µs a comment measured alone (docs/performance.md, "The comment's INSERT without
 * temporary tables").
 * PostgreSQL: the next of the column's identity sequence, as a row without an id would take, in
 * the same statement (one round trip under the write lock). */
static const char next_id_sqlite_sql[] = "SELECT coalesce(max(id), 0) + 1 FROM comment";
static const char insert_sqlite_sql[] =
    "INSERT INTO comment (id, " INSERT_COLUMNS
    ") VALUES (?15, " INSERT_VALUES("CASE WHEN ?3 > 0 THEN ?3 ELSE ?15 END") ")";
#define NEW_ROOT "CASE WHEN CAST(?3 AS BIGINT) > 0 THEN CAST(?3 AS BIGINT) ELSE n.id END"
static const char insert_pg_sql[] =
    "INSERT INTO comment (id, " INSERT_COLUMNS ") SELECT n.id, " INSERT_VALUES(
        NEW_ROOT) " FROM (SELECT nextval(pg_get_serial_sequence('comment', 'id')) AS id) AS n "
                  "RETURNING id";

/* On SQLite, the id the next comment gets (next_id_sqlite_sql); 0 when it cannot be read. */
static int64_t next_comment_id(struct db *db)
{
        struct db_stmt *s = db_prepare(db, next_id_sqlite_sql);
        if (!s)
                return 0;
        int64_t next = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return next;
}

static bool comment_write(struct db *db, void *arg)
{
        struct comment_write *w = arg;
        const struct comment_input *in = w->in;
        struct field_problem *p = w->p;
        int64_t *id = w->id;
        int64_t root = 0, depth = 0, quote_start = 0, episode_id = w->episode_id;
        const char *exact = NULL, *prefix = "", *suffix = "";
        int rc = w->rc;
        if (in->first && w->reads_inside) {
                int first = in->first(in->first_arg, &episode_id);
                if (first != 0)
                        return refused(w, first);
                if (rc != PUB_OK) /* the body refused (render_body) */
                        return false;
        }
        /* the episode's text is read only when there is a quote to check against it, and the
         * episode only when first has not just read it */
        bool quoting = in->quote_exact && *in->quote_exact;
        struct db_stmt *s;
        int step;
        if (quoting || !in->first) {
                s = db_prepare(db, "SELECT CASE WHEN ?2 <> 0 THEN body_text ELSE '' END FROM "
                                   "episode WHERE id = ?1");
                if (!s)
                        return refused(w, PUB_DB_ERROR);
                db_bind_int(s, 1, episode_id);
                db_bind_int(s, 2, quoting);
                step = db_step(s);
                char *text = step == DB_ROW ? arena_strdup(w->a, db_col_text(s, 0)) : NULL;
                db_finish(s);
                if (!text)
                        return refused(w, step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR);
                if (quoting) {
                        rc = comment_quote_find(w->a, text, in->quote_exact, in->quote_prefix,
                                                in->quote_suffix, &quote_start, &exact, &prefix,
                                                &suffix, p);
                        if (rc != PUB_OK)
                                return refused(w, rc);
                }
        }
        int64_t prompt = in->prompt_id, buildon = in->buildon_id, parent_author = 0;
        if (!in->parent_id && (rc = check_place(db, in, episode_id, p)) != PUB_OK)
                return refused(w, rc);
        if (in->parent_id) {
                s = db_prepare(db, "SELECT root_id, depth, state, coalesce(prompt_id, 0), "
                                   "coalesce(buildon_id, 0), author_id FROM comment WHERE id = ?1 "
                                   "AND episode_id = ?2");
                if (!s)
                        return refused(w, PUB_DB_ERROR);
                db_bind_int(s, 1, in->parent_id);
                db_bind_int(s, 2, episode_id);
                step = db_step(s);
                bool open = false;
                if (step == DB_ROW) {
                        root = db_col_int(s, 0);
                        depth = db_col_int(s, 1) + 1;
                        open = strcmp(db_col_text(s, 2), "visible") == 0;
                        prompt = db_col_int(s, 3); /* a reply stays where its parent is */
                        buildon = db_col_int(s, 4);
                        parent_author = db_col_int(s, 5);
                }
                db_finish(s);
                if (step != DB_ROW || !open) {
                        w->rc =
                            field_problem_set(p, "parent",
                                              step == DB_ROW ? N_("That comment is no longer open "
                                                                  "for replies.")
                                                             : N_("There is no such comment to "
                                                                  "reply to."));
                        return false;
                }
        }
        int64_t now = time_now();
        bool sqlite = db_kind(db) == DB_SQLITE;
        int64_t next = sqlite ? next_comment_id(db) : 0;
        if (sqlite && !next)
                return refused(w, PUB_DB_ERROR);
        s = db_prepare(db, sqlite ? insert_sqlite_sql : insert_pg_sql);
        if (!s)
                return refused(w, PUB_DB_ERROR);
        if (sqlite)
                db_bind_int(s, 15, next);
        db_bind_int(s, 1, episode_id);
        if (in->parent_id)
                db_bind_int(s, 2, in->parent_id);
        else
                db_bind_null(s, 2);
        db_bind_int(s, 3, root);
        db_bind_int(s, 4, depth);
        db_bind_int(s, 5, in->author_id);
        db_bind_text(s, 6, in->body);
        db_bind_textn(s, 7, w->r->html.data ? w->r->html.data : "", w->r->html.len);
        db_bind_text(s, 8, exact);
        db_bind_text(s, 9, prefix);
        db_bind_text(s, 10, suffix);
        if (exact)
                db_bind_int(s, 11, quote_start);
        else
                db_bind_null(s, 11);
        db_bind_int(s, 12, now);
        if (prompt)
                db_bind_int(s, 13, prompt);
        else
                db_bind_null(s, 13);
        if (buildon)
                db_bind_int(s, 14, buildon);
        else
                db_bind_null(s, 14);
        step = db_step(s);
        if (sqlite && step == DB_DONE) {
                *id = next;
        } else if (!sqlite && step == DB_ROW) {
                *id = db_col_int(s, 0);
                step = db_step(s);
        } else if (!sqlite && step == DB_DONE) {
                step = DB_ERROR; /* RETURNING gave no row: nothing to answer with */
        }
        db_finish(s);
        /* a foreign key refused: the episode (or the author) went since first read it, which
         * on PostgreSQL was before the transaction (logged: any other constraint is a fault) */
        if (step == DB_CONSTRAINT)
                log_warn("comment: refused by a constraint, answered as not found: %s",
                         db_errmsg(db));
        if (step != DB_DONE)
                return refused(w, step == DB_CONSTRAINT ? PUB_NOT_FOUND : PUB_DB_ERROR);
        /* a new comment is visible: one more, without counting them all again */
        if (buildon)
                rc = bump(db, "UPDATE buildon SET comment_count = comment_count + 1 WHERE id = ?1",
                          buildon);
        else
                rc = bump(db, "UPDATE episode SET comment_count = comment_count + 1 WHERE id = ?1",
                          episode_id);
        if (rc == PUB_OK && prompt && !in->parent_id)
                rc = bump(db, "UPDATE prompt SET answer_count = answer_count + 1 WHERE id = ?1",
                          prompt);
        if (rc == PUB_OK) /* the directory's "who is here" */
                rc = member_mark_active(db, in->author_id, time_now(), KD_ACTIVE_POST_EVERY_S);
        /* replies and @mentions, in the same commit: a savepoint of its own, so the comment
         * stands even if telling fails */
        if (rc == PUB_OK)
                (void)notify_comment(db, *id, in->author_id, episode_id, in->body, parent_author);
        /* Whether the comment may earn a badge: a few index lookups, here where the pages are
         * warm (after the commit they were read again from the file: 24 of a comment's 34
         * reads from the file in strace). The refresh itself, which reads much when the rules
         * run in full, waits for the commit, so as not to hold up other writers (badge.c). The
         * check has a savepoint of its own: a failed one (PostgreSQL spoils the transaction at
         * a failed statement) leaves the comment standing and the decision to the refresh. */
        if (rc == PUB_OK && w->reads_inside) {
                if (db_begin(db) != DB_OK) {
                        w->may_earn = 1;
                } else if ((w->may_earn = badges_comment_may_earn(db, in->author_id, *id, now)) <
                           0) {
                        db_rollback(db); /* the check's savepoint only */
                        w->may_earn = 1;
                } else if (db_commit(db) != DB_OK) {
                        rc = PUB_DB_ERROR;
                }
        }
        if (rc == PUB_OK && in->read && w->reads_inside)
                rc = comment_get(db, in->read_arena, *id, in->read);
        w->rc = rc;
        return rc == PUB_OK;
}

int comment_create(struct db *db, const struct comment_input *in, int64_t *id,
                   struct field_problem *p)
{
        struct mdr_result r;
        int rc = render_body(in->body, &r, p);
        bool inside = reads_in_the_turn(db);
        int64_t episode_id = in->episode_id;
        if (in->first && !inside) {
                int first = in->first(in->first_arg, &episode_id);
                if (first != 0) /* a missing episode's answer comes before the body's */
                        rc = first;
        }
        if (rc != PUB_OK && !(in->first && inside)) {
                mdr_result_free(&r);
                return rc;
        }
        struct comment_write w = {.in = in,
                                  .r = &r,
                                  .a = arena_new(),
                                  .id = id,
                                  .p = p,
                                  .rc = rc,
                                  .episode_id = episode_id,
                                  .reads_inside = inside};
        int done = db_transact(db, comment_write, &w);
        rc = done == DB_OK ? PUB_OK : done == DB_ROLLED_BACK ? w.rc : PUB_DB_ERROR;
        if (rc == PUB_OK && !inside) /* a failed check leaves the decision to the refresh */
                w.may_earn =
                    badges_comment_may_earn(db, in->author_id, *id, time_now()) == 0 ? 0 : 1;
        if (rc == PUB_OK && w.may_earn != 0) /* a failed refresh keeps the comment */
                (void)badges_refresh_at(db, in->author_id, time_now());
        if (rc == PUB_OK && in->read && !inside &&
            comment_get(db, in->read_arena, *id, in->read) != PUB_OK) {
                /* stored all the same: the caller answers without it (comment_input.read) */
                log_warn("comment: comment %lld stored but not read back", (long long)*id);
                memset(in->read, 0, sizeof(*in->read));
        }
        mdr_result_free(&r);
        arena_free(w.a);
        return rc;
}

/* Reads who wrote comment id and its state; PUB_NOT_FOUND when absent. */
static int owner_and_state(struct db *db, int64_t id, int64_t *author, int64_t *episode,
                           enum comment_state *state)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT author_id, episode_id, state FROM comment WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int step = db_step(s);
        if (step == DB_ROW) {
                *author = db_col_int(s, 0);
                *episode = db_col_int(s, 1);
                const char *st = db_col_text(s, 2);
                *state = strcmp(st, "deleted") == 0  ? COMMENT_DELETED
                         : strcmp(st, "hidden") == 0 ? COMMENT_HIDDEN
                                                     : COMMENT_VISIBLE;
        }
        db_finish(s);
        return step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int comment_edit(struct db *db, int64_t id, int64_t editor_id, const char *body,
                 struct field_problem *p)
{
        int64_t author, episode;
        enum comment_state state;
        int rc = owner_and_state(db, id, &author, &episode, &state);
        if (rc != PUB_OK)
                return rc;
        if (state != COMMENT_VISIBLE)
                return PUB_NOT_FOUND;
        if (author != editor_id)
                return PUB_FORBIDDEN;
        struct mdr_result r;
        rc = render_body(body, &r, p);
        if (rc == PUB_OK) {
                struct db_stmt *s = db_prepare(
                    db, "UPDATE comment SET body = ?2, body_html = ?3, edited_at = ?4, updated_at "
                        "= ?4 WHERE id = ?1 AND state = 'visible'");
                rc = PUB_DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, id);
                        db_bind_text(s, 2, body);
                        db_bind_textn(s, 3, r.html.data ? r.html.data : "", r.html.len);
                        db_bind_int(s, 4, time_now());
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        mdr_result_free(&r);
        return rc;
}

/* Sets a comment's state and refreshes the episode's count, in one transaction. */
static int set_state(struct db *db, int64_t id, const char *state, int64_t moderator_id,
                     bool clear_text)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct db_stmt *s =
            clear_text
                ? db_prepare(db, "UPDATE comment SET state = ?2, body = '', body_html = '', "
                                 "quote_exact = NULL, quote_prefix = '', quote_suffix = '', "
                                 "quote_start = NULL, updated_at = ?3 WHERE id = ?1")
                : db_prepare(db, "UPDATE comment SET state = ?2, moderated_by = ?4, updated_at = "
                                 "?3 WHERE id = ?1");
        int rc = PUB_DB_ERROR;
        if (s) {
                db_bind_int(s, 1, id);
                db_bind_text(s, 2, state);
                db_bind_int(s, 3, time_now());
                if (!clear_text)
                        db_bind_int(s, 4, moderator_id);
                rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                db_finish(s);
        }
        if (rc == PUB_OK)
                rc = refresh_count(db, id);
        if (rc == PUB_OK) /* a hidden or deleted comment takes back what it earned (badge.h) */
                badges_refresh_of(db, "SELECT author_id FROM comment WHERE id = ?1", id);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

int comment_delete(struct db *db, int64_t id, int64_t member_id)
{
        int64_t author, episode;
        enum comment_state state;
        int rc = owner_and_state(db, id, &author, &episode, &state);
        if (rc != PUB_OK)
                return rc;
        if (state == COMMENT_DELETED)
                return PUB_NOT_FOUND;
        if (author != member_id)
                return PUB_FORBIDDEN;
        return set_state(db, id, "deleted", 0, true);
}

bool comment_can_read(int64_t viewer_id, bool guests_read_comments)
{
        return viewer_id > 0 || guests_read_comments;
}

bool comment_can_edit(const struct comment *c, int64_t member_id)
{
        return c->state == COMMENT_VISIBLE && member_id > 0 && c->author_id == member_id;
}

bool comment_can_moderate(struct db *db, int64_t episode_id, int64_t member_id, enum role role)
{
        if (role == ROLE_MODERATOR || role == ROLE_ADMIN)
                return true;
        if (role != ROLE_AUTHOR) /* only an author of the newsletter: no lookup for readers */
                return false;
        struct db_stmt *s = db_prepare(db, "SELECT newsletter_id FROM episode WHERE id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, episode_id);
        int64_t nl = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return nl && newsletter_can_write(db, nl, member_id, role);
}

int comment_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden)
{
        int64_t author, episode;
        enum comment_state state;
        int rc = owner_and_state(db, id, &author, &episode, &state);
        if (rc != PUB_OK)
                return rc;
        if (state == COMMENT_DELETED)
                return PUB_NOT_FOUND;
        return set_state(db, id, hidden ? "hidden" : "visible", moderator_id, false);
}

/* ------------------------------------------------------------------ reading */

#define COMMENT_COLUMNS                                                                            \
        "SELECT c.id, c.episode_id, coalesce(c.parent_id, 0), c.root_id, c.depth, c.author_id, "   \
        "m.handle, m.display_name, m.headline, c.body, c.body_html, c.quote_exact, "               \
        "c.quote_prefix, c.quote_suffix, coalesce(c.quote_start, 0), c.state, c.created_at, "      \
        "c.updated_at, coalesce(c.edited_at, 0), c.language, coalesce(c.prompt_id, 0), "           \
        "coalesce(c.buildon_id, 0), " AVATAR_URL_SQL("m") " FROM comment c JOIN member m ON "      \
                                                          "m.id = c.author_id "

static void read_comment(struct db_stmt *s, struct arena *a, struct comment *c)
{
        c->id = db_col_int(s, 0);
        c->episode_id = db_col_int(s, 1);
        c->parent_id = db_col_int(s, 2);
        c->root_id = db_col_int(s, 3);
        c->depth = (int)db_col_int(s, 4);
        c->author_id = db_col_int(s, 5);
        c->author_handle = arena_strdup(a, db_col_text(s, 6));
        c->author_name = arena_strdup(a, db_col_text(s, 7));
        c->author_headline = arena_strdup(a, db_col_text(s, 8));
        c->body = arena_strdup(a, db_col_text(s, 9));
        c->body_html = arena_strdup(a, db_col_text(s, 10));
        c->quote_exact = db_col_is_null(s, 11) ? NULL : arena_strdup(a, db_col_text(s, 11));
        c->quote_prefix = arena_strdup(a, db_col_text(s, 12));
        c->quote_suffix = arena_strdup(a, db_col_text(s, 13));
        c->quote_start = db_col_int(s, 14);
        const char *st = db_col_text(s, 15);
        c->state = strcmp(st, "deleted") == 0  ? COMMENT_DELETED
                   : strcmp(st, "hidden") == 0 ? COMMENT_HIDDEN
                                               : COMMENT_VISIBLE;
        c->created_at = db_col_int(s, 16);
        c->updated_at = db_col_int(s, 17);
        c->edited_at = db_col_int(s, 18);
        c->language = db_col_is_null(s, 19) ? NULL : arena_strdup(a, db_col_text(s, 19));
        c->prompt_id = db_col_int(s, 20);
        c->buildon_id = db_col_int(s, 21);
        c->author_avatar = db_col_is_null(s, 22) ? NULL : arena_strdup(a, db_col_text(s, 22));
}

int comment_get(struct db *db, struct arena *a, int64_t id, struct comment *out)
{
        struct db_stmt *s = db_prepare(db, COMMENT_COLUMNS "WHERE c.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_comment(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int comment_list_episode(struct db *db, struct arena *a, int64_t episode_id, struct comment **out)
{
        struct db_stmt *s =
            db_prepare(db, COMMENT_COLUMNS "WHERE c.episode_id = ?1 ORDER BY c.root_id, c.id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        size_t cap = 0, n = 0;
        struct comment *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_comment(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

static int collect_comments(struct db_stmt *s, struct arena *a, struct comment **out)
{
        size_t cap = 0, n = 0;
        struct comment *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_comment(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int comment_list_page(struct db *db, struct arena *a, int64_t episode_id, int64_t after,
                      struct comment **out, int64_t *next_after)
{
        struct comment_scope own = {.episode_id = episode_id};
        return comment_list_page_in(db, a, &own, after, out, next_after);
}

int comment_list_page_in(struct db *db, struct arena *a, const struct comment_scope *scope,
                         int64_t after, struct comment **out, int64_t *next_after)
{
        /* each reads one conversation by its own index (the episode's skips the others') */
        struct db_stmt *s =
            scope->prompt_id
                ? db_prepare(db, COMMENT_COLUMNS "WHERE c.prompt_id = ?1 AND c.root_id > ?2 "
                                                 "ORDER BY c.root_id, c.id LIMIT ?3")
            : scope->buildon_id
                ? db_prepare(db, COMMENT_COLUMNS "WHERE c.buildon_id = ?1 AND c.root_id > ?2 "
                                                 "ORDER BY c.root_id, c.id LIMIT ?3")
                : db_prepare(db, COMMENT_COLUMNS "WHERE c.episode_id = ?1 AND c.root_id > ?2 AND "
                                                 "c.prompt_id IS NULL AND c.buildon_id IS NULL "
                                                 "ORDER BY c.root_id, c.id LIMIT ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1,
                    scope->prompt_id    ? scope->prompt_id
                    : scope->buildon_id ? scope->buildon_id
                                        : scope->episode_id);
        db_bind_int(s, 2, after);
        db_bind_int(s, 3, KD_COMMENTS_PER_PAGE + 1);
        int n = collect_comments(s, a, out);
        *next_after = 0;
        if (n <= KD_COMMENTS_PER_PAGE)
                return n;
        /* One more than a page: the thread it belongs to may be cut, so it starts the next page,
         * unless it is the only thread here (then it is cut, and the next page follows it). */
        int64_t cut_root = (*out)[KD_COMMENTS_PER_PAGE].root_id;
        int keep = KD_COMMENTS_PER_PAGE;
        while (keep > 0 && (*out)[keep - 1].root_id == cut_root)
                keep--;
        if (keep == 0) {
                *next_after = cut_root;
                return KD_COMMENTS_PER_PAGE;
        }
        *next_after = (*out)[keep - 1].root_id;
        return keep;
}

int comment_list_thread(struct db *db, struct arena *a, int64_t episode_id, int64_t root_id,
                        struct comment **out)
{
        struct db_stmt *s = db_prepare(db, COMMENT_COLUMNS "WHERE c.episode_id = ?1 AND c.root_id "
                                                           "= ?2 ORDER BY c.id LIMIT ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, root_id);
        db_bind_int(s, 3, 4 * KD_COMMENTS_PER_PAGE);
        return collect_comments(s, a, out);
}

int comment_passages(struct db *db, struct arena *a, int64_t episode_id, int limit,
                     struct passage **out)
{
        struct db_stmt *s = db_prepare(
            db,
            "SELECT quote_start, quote_exact, min(quote_prefix), min(quote_suffix), count(*), "
            "min(id) FROM comment WHERE episode_id = ?1 AND quote_exact IS NOT NULL AND buildon_id "
            "IS NULL AND state "
            "= 'visible' GROUP BY quote_start, quote_exact ORDER BY count(*) DESC, "
            "quote_start LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, limit);
        size_t cap = 0, n = 0;
        struct passage *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                struct passage *q = &arr[n++];
                q->start = db_col_int(s, 0);
                q->exact = arena_strdup(a, db_col_text(s, 1));
                q->prefix = arena_strdup(a, db_col_text(s, 2));
                q->suffix = arena_strdup(a, db_col_text(s, 3));
                q->comments = (int)db_col_int(s, 4);
                q->first_comment_id = db_col_int(s, 5);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

struct id_index {
        int64_t id;
        int index;
};

static int by_id(const void *x, const void *y)
{
        int64_t a = ((const struct id_index *)x)->id, b = ((const struct id_index *)y)->id;
        return a < b ? -1 : a > b;
}

void comment_thread_index(struct arena *a, const struct comment *cs, int n, bool show_hidden,
                          int **parent_out, bool **live_out)
{
        int *parent = arena_alloc(a, (size_t)(n + 1) * sizeof(int));
        bool *live = arena_zalloc(a, (size_t)(n + 1) * sizeof(bool));
        struct id_index *ix = arena_alloc(a, (size_t)(n + 1) * sizeof(*ix));
        for (int i = 0; i < n; i++)
                ix[i] = (struct id_index){cs[i].id, i};
        qsort(ix, (size_t)n, sizeof(*ix), by_id);
        for (int i = 0; i < n; i++) {
                struct id_index key = {cs[i].parent_id, 0}, *p = NULL;
                if (cs[i].parent_id)
                        p = bsearch(&key, ix, (size_t)n, sizeof(*ix), by_id);
                parent[i] = p ? p->index : -1;
        }
        /* Replies come after their parents, so one backward pass carries "live" upward. */
        for (int i = n - 1; i >= 0; i--) {
                if (cs[i].state == COMMENT_VISIBLE ||
                    (show_hidden && cs[i].state == COMMENT_HIDDEN))
                        live[i] = true;
                if (live[i] && parent[i] >= 0)
                        live[parent[i]] = true;
        }
        *parent_out = parent;
        *live_out = live;
}

/* ------------------------------------------------------------------ as an item (item.h) */

int comment_item_load(struct db *db, struct arena *a, int64_t id, struct item *out)
{
        struct comment c;
        struct episode e;
        int rc = comment_get(db, a, id, &c);
        if (rc == PUB_OK)
                rc = episode_get(db, a, c.episode_id, &e);
        if (rc != PUB_OK)
                return rc;
        out->state = c.state == COMMENT_DELETED  ? ITEM_DELETED
                     : c.state == COMMENT_HIDDEN ? ITEM_HIDDEN
                                                 : ITEM_VISIBLE;
        out->author_id = c.author_id;
        out->newsletter_id = e.newsletter_id;
        out->episode_id = e.id;
        /* slugs are URL-safe as they are (core/slug.h); a comment on a build-on is on its page */
        out->url = c.buildon_id ? arena_printf(a, "/n/%s/%s/b/%lld#c-%lld", e.newsletter_slug,
                                               e.slug, (long long)c.buildon_id, (long long)c.id)
                                : arena_printf(a, "/n/%s/%s#c-%lld", e.newsletter_slug, e.slug,
                                               (long long)c.id);
        out->where = e.title;
        out->body_html = c.body_html;
        out->created_at = c.created_at;
        return PUB_OK;
}

bool comment_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role,
                           int64_t now)
{
        struct arena *a = arena_new();
        struct comment c;
        struct episode e;
        bool ok = comment_get(db, a, id, &c) == PUB_OK &&
                  episode_get(db, a, c.episode_id, &e) == PUB_OK &&
                  episode_viewable(db, &e, viewer_id, role, now);
        arena_free(a);
        return ok;
}
