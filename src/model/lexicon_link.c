/* The lexicon's linker: compiled term sets and the HTML rewrite that links terms in comments. */
#include "model/lexicon.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "http/html.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- characters */

/* Decodes the code point at s[i..n) (valid UTF-8 assumed; a stray byte reads as itself) and
 * sets *len to its byte length. */
static uint32_t cp_at(const unsigned char *s, size_t i, size_t n, size_t *len)
{
        unsigned char c = s[i];
        if (c < 0x80 || i + 1 >= n) {
                *len = 1;
                return c;
        }
        if ((c & 0xE0) == 0xC0) {
                *len = 2;
                return ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
        }
        if ((c & 0xF0) == 0xE0 && i + 2 < n) {
                *len = 3;
                return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
                       (s[i + 2] & 0x3F);
        }
        if ((c & 0xF8) == 0xF0 && i + 3 < n) {
                *len = 4;
                return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
                       ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
        }
        *len = 1;
        return c;
}

static size_t cp_put(uint32_t cp, unsigned char *out)
{
        if (cp < 0x80) {
                out[0] = (unsigned char)cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (unsigned char)(0xC0 | (cp >> 6));
                out[1] = (unsigned char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (unsigned char)(0xE0 | (cp >> 12));
                out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                out[2] = (unsigned char)(0x80 | (cp & 0x3F));
                return 3;
        }
        out[0] = (unsigned char)(0xF0 | (cp >> 18));
        out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (unsigned char)(0x80 | (cp & 0x3F));
        return 4;
}

/* Lower case for Latin (ASCII, Latin-1, Latin Extended-A), Greek and Cyrillic capitals. Every
 * mapping keeps the UTF-8 length, so folded text lines up byte for byte with the original. */
static uint32_t fold_cp(uint32_t c)
{
        if (c >= 'A' && c <= 'Z')
                return c + 32;
        if (c < 0xC0)
                return c;
        if (c <= 0xDE && c != 0xD7)
                return c + 32;
        if (c >= 0x100 && c <= 0x137 && c != 0x130)
                return c | 1;
        if (c >= 0x139 && c <= 0x148 && (c & 1))
                return c + 1;
        if (c >= 0x14A && c <= 0x177)
                return c | 1;
        if (c == 0x178)
                return 0xFF;
        if (c >= 0x179 && c <= 0x17E && (c & 1))
                return c + 1;
        if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
                return c + 32;
        if (c >= 0x410 && c <= 0x42F)
                return c + 32;
        if (c >= 0x400 && c <= 0x40F)
                return c + 80;
        return c;
}

/* Scripts written without spaces between words: their characters never need a boundary. */
static bool unspaced_script(uint32_t c)
{
        return (c >= 0x0E00 && c <= 0x0EFF) || /* Thai, Lao */
               (c >= 0x1000 && c <= 0x109F) || /* Myanmar */
               (c >= 0x1780 && c <= 0x17FF) || /* Khmer */
               (c >= 0x2E80 && c <= 0x2FFF) || /* CJK radicals */
               (c >= 0x3040 && c <= 0x31FF) || /* kana, bopomofo */
               (c >= 0x3400 && c <= 0x4DBF) || /* Han extension A */
               (c >= 0x4E00 && c <= 0x9FFF) || /* Han */
               (c >= 0xF900 && c <= 0xFAFF) || /* Han compatibility */
               (c >= 0x20000 && c <= 0x3FFFF); /* Han extensions */
}

/* Letters and digits of spaced scripts, and "_": a term beginning or ending with one needs a
 * non-word character (or the text's edge) beside it. */
static bool word_char(uint32_t c)
{
        if (c < 0x80)
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_';
        if (c < 0xC0 || c == 0xD7 || c == 0xF7 || unspaced_script(c))
                return false;
        if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
            (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF20) ||
            (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65))
                return false; /* punctuation, symbols, CJK and full-width punctuation */
        return true;
}

static bool space_char(uint32_t c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000;
}

void lexicon_key(const char *s, struct buf *out)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t n = strlen(s), start = out->len;
        bool pending_space = false;
        for (size_t i = 0; i < n;) {
                size_t len;
                uint32_t c = cp_at(u, i, n, &len);
                i += len;
                if (space_char(c)) {
                        pending_space = out->len > start;
                        continue;
                }
                if (pending_space)
                        buf_putc(out, ' ');
                pending_space = false;
                unsigned char enc[4];
                buf_append(out, enc, cp_put(fold_cp(c), enc));
        }
}

/* ---------------------------------------------------------------- the compiled set */

/* A trie over the terms' keys, one byte per edge. Children are a linked list (first child,
 * next sibling): a text position walks a handful of nodes, however many terms there are. */
struct lx_node {
        int32_t child, sibling, term; /* -1 for none */
        unsigned char byte;
};

struct lx_term {
        uint32_t href, href_len; /* offsets into the string pool, attribute-escaped */
        bool word_start, word_end;
};

struct lexicon {
        size_t bytes; /* the whole block, this header included */
        uint32_t nnodes, nterms;
        size_t nodes_at, terms_at, pool_at; /* offsets from the block's start */
        int32_t first[256]; /* the root's child for each first byte, -1 for none: every word
                               of a comment starts a walk, so the widest list is a table */
};

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

static const struct lx_node *lx_nodes(const struct lexicon *lx)
{
        return (const struct lx_node *)((const char *)lx + lx->nodes_at);
}
static const struct lx_term *lx_terms(const struct lexicon *lx)
{
        return (const struct lx_term *)((const char *)lx + lx->terms_at);
}
static const char *lx_pool(const struct lexicon *lx)
{
        return (const char *)lx + lx->pool_at;
}

struct lx_builder {
        struct lx_node *nodes;
        size_t nnodes, cap;
};

static int32_t node_new(struct lx_builder *b, unsigned char byte)
{
        if (b->nnodes == b->cap) {
                b->cap = b->cap ? b->cap * 2 : 64;
                b->nodes = xrealloc(b->nodes, b->cap * sizeof(*b->nodes));
        }
        b->nodes[b->nnodes] = (struct lx_node){-1, -1, -1, byte};
        return (int32_t)b->nnodes++;
}

static int32_t child_of(struct lx_builder *b, int32_t node, unsigned char byte, bool make)
{
        for (int32_t k = b->nodes[node].child; k >= 0; k = b->nodes[k].sibling)
                if (b->nodes[k].byte == byte)
                        return k;
        if (!make)
                return -1;
        int32_t k = node_new(b, byte);
        b->nodes[k].sibling = b->nodes[node].child;
        b->nodes[node].child = k;
        return k;
}

struct lexicon *lexicon_build(const struct lexicon_entry *entries, size_t n)
{
        struct lx_builder b = {0};
        node_new(&b, 0); /* the root */
        struct lx_term *terms = xcalloc(n ? n : 1, sizeof(*terms));
        struct buf pool = BUF_INIT, key = BUF_INIT;
        uint32_t nterms = 0;
        for (size_t i = 0; i < n; i++) {
                buf_reset(&key);
                lexicon_key(entries[i].term, &key);
                if (!key.len)
                        continue;
                int32_t node = 0;
                for (size_t j = 0; j < key.len; j++)
                        node = child_of(&b, node, (unsigned char)key.data[j], true);
                if (b.nodes[node].term >= 0)
                        continue; /* the same key twice: the first wins */
                size_t first_len, last_len = 1, at = 0;
                const unsigned char *k = (const unsigned char *)key.data;
                uint32_t first = cp_at(k, 0, key.len, &first_len), last = first;
                while (at < key.len) {
                        last = cp_at(k, at, key.len, &last_len);
                        at += last_len;
                }
                struct lx_term *t = &terms[nterms];
                t->href = (uint32_t)pool.len;
                html_attr(&pool, entries[i].href);
                t->href_len = (uint32_t)(pool.len - t->href);
                t->word_start = word_char(first);
                t->word_end = word_char(last);
                b.nodes[node].term = (int32_t)nterms++;
        }
        size_t nodes_at = ALIGN8(sizeof(struct lexicon));
        size_t terms_at = ALIGN8(nodes_at + b.nnodes * sizeof(struct lx_node));
        size_t pool_at = ALIGN8(terms_at + nterms * sizeof(struct lx_term));
        size_t bytes = pool_at + pool.len + 1;
        struct lexicon *lx = xcalloc(1, bytes);
        *lx = (struct lexicon){bytes, (uint32_t)b.nnodes, nterms, nodes_at, terms_at, pool_at, {0}};
        for (int c = 0; c < 256; c++)
                lx->first[c] = -1;
        for (int32_t k = b.nodes[0].child; k >= 0; k = b.nodes[k].sibling)
                lx->first[b.nodes[k].byte] = k;
        memcpy((char *)lx + nodes_at, b.nodes, b.nnodes * sizeof(struct lx_node));
        if (nterms)
                memcpy((char *)lx + terms_at, terms, nterms * sizeof(struct lx_term));
        if (pool.len)
                memcpy((char *)lx + pool_at, pool.data, pool.len);
        free(b.nodes);
        free(terms);
        buf_free(&pool);
        buf_free(&key);
        return lx;
}

void lexicon_free(struct lexicon *lx)
{
        free(lx);
}

size_t lexicon_bytes(const struct lexicon *lx)
{
        return lx ? lx->bytes : 0;
}

size_t lexicon_terms(const struct lexicon *lx)
{
        return lx ? lx->nterms : 0;
}

const struct lexicon *lexicon_copy(struct arena *a, const struct lexicon *lx)
{
        if (!lx)
                return NULL;
        void *copy = arena_alloc(a, lx->bytes);
        memcpy(copy, lx, lx->bytes);
        return copy;
}

/* ---------------------------------------------------------------- linking */

/* One text run between tags, decoded (entities resolved) and folded, with where each decoded
 * byte came from in the HTML: a match is cut back out of the HTML at unit boundaries, so the
 * source text, entities included, is copied exactly as it was. */
struct run {
        unsigned char *text; /* folded, decoded */
        size_t *from; /* from[i]: offset in the HTML run of decoded byte i; from[len] = end */
        size_t len, cap;
};

/* Makes room for a decoded run of a source run of n bytes: decoding never lengthens text (an
 * entity is longer than the character it names, and folding keeps lengths). */
static void run_reserve(struct run *r, size_t n)
{
        if (n + 1 > r->cap) {
                r->cap = (n + 1) * 2;
                r->text = xrealloc(r->text, r->cap);
                r->from = xrealloc(r->from, r->cap * sizeof(*r->from));
        }
}

/* Decodes the entity at s[0..n) (s[0] == '&'): sets *cp and returns its length, or 0 when it
 * is not one the renderer writes (then '&' is read as itself). */
static size_t entity(const char *s, size_t n, uint32_t *cp)
{
        static const struct {
                const char *name;
                uint32_t cp;
        } named[] = {{"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},
                     {"&quot;", '"'}, {"&apos;", '\''}, {"&nbsp;", 0xA0}};
        for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
                size_t len = strlen(named[i].name);
                if (len <= n && memcmp(s, named[i].name, len) == 0) {
                        *cp = named[i].cp;
                        return len;
                }
        }
        if (n < 4 || s[1] != '#')
                return 0;
        bool hex = s[2] == 'x' || s[2] == 'X';
        uint32_t v = 0;
        size_t i = hex ? 3 : 2, digits = 0;
        for (; i < n && digits < 7; i++, digits++) {
                char c = s[i];
                int d = c >= '0' && c <= '9'          ? c - '0'
                        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                      : -1;
                if (d < 0)
                        break;
                v = v * (hex ? 16 : 10) + (uint32_t)d;
        }
        if (!digits || i >= n || s[i] != ';' || v == 0 || v > 0x10FFFF ||
            (v >= 0xD800 && v <= 0xDFFF))
                return 0;
        *cp = v;
        return i + 1;
}

static void run_decode(struct run *r, const char *s, size_t n)
{
        run_reserve(r, n);
        r->len = 0;
        const unsigned char *u = (const unsigned char *)s;
        for (size_t i = 0; i < n;) {
                unsigned char b = u[i];
                if (b < 0x80 && b != '&') { /* the common case, one byte at a time */
                        r->text[r->len] = b >= 'A' && b <= 'Z' ? (unsigned char)(b + 32) : b;
                        r->from[r->len++] = i++;
                        continue;
                }
                uint32_t c;
                size_t len = 0;
                if (b == '&')
                        len = entity(s + i, n - i, &c);
                if (!len)
                        c = cp_at(u, i, n, &len);
                unsigned char enc[4];
                size_t k = cp_put(fold_cp(c), enc);
                for (size_t j = 0; j < k; j++) {
                        r->text[r->len] = enc[j];
                        r->from[r->len++] = i;
                }
                i += len;
        }
        r->text[r->len] = 0;
        r->from[r->len] = n;
}

/* The code point before decoded offset i (0 at the start of the run). */
static uint32_t cp_before(const struct run *r, size_t i)
{
        if (i == 0)
                return 0;
        size_t j = i - 1;
        while (j > 0 && (r->text[j] & 0xC0) == 0x80)
                j--;
        size_t len;
        return cp_at(r->text, j, r->len, &len);
}

/* The longest term of lx starting at decoded offset i whose boundaries hold: its index, with
 * *end set past it; -1 for none. A whitespace run in the text matches one space edge. */
static int32_t match_at(const struct lexicon *lx, const struct run *r, size_t i, size_t *end)
{
        const struct lx_node *nodes = lx_nodes(lx);
        const struct lx_term *terms = lx_terms(lx);
        int32_t node = 0, best = -1;
        size_t at = i;
        while (at < r->len) {
                size_t len;
                uint32_t c = cp_at(r->text, at, r->len, &len);
                size_t next = at + len;
                if (space_char(c)) {
                        while (next < r->len) {
                                size_t l2;
                                if (!space_char(cp_at(r->text, next, r->len, &l2)))
                                        break;
                                next += l2;
                        }
                        len = 1;
                }
                const unsigned char *bytes =
                    space_char(c) ? (const unsigned char *)" " : r->text + at;
                for (size_t k = 0; k < len && node >= 0; k++) {
                        if (node == 0) {
                                node = lx->first[bytes[k]];
                                continue;
                        }
                        int32_t child = nodes[node].child;
                        while (child >= 0 && nodes[child].byte != bytes[k])
                                child = nodes[child].sibling;
                        node = child;
                }
                if (node < 0)
                        break;
                at = next;
                int32_t t = nodes[node].term;
                if (t >= 0 && !space_char(c)) {
                        size_t l3;
                        uint32_t after = at < r->len ? cp_at(r->text, at, r->len, &l3) : 0;
                        if (!terms[t].word_end || !word_char(after)) {
                                best = t;
                                *end = at;
                        }
                }
        }
        return best;
}

static void link_run(const struct lexicon *lx, const char *src, size_t n, struct run *r,
                     unsigned char *used, struct buf *out)
{
        run_decode(r, src, n);
        const struct lx_term *terms = lx_terms(lx);
        size_t copied = 0;    /* source bytes already written */
        bool in_word = false; /* whether the character before i is a word character */
        for (size_t i = 0; i < r->len;) {
                size_t len;
                uint32_t c = cp_at(r->text, i, r->len, &len);
                bool word = word_char(c);
                size_t end = 0;
                /* inside a word no term that starts with a letter begins; a byte no term
                 * starts with needs no walk */
                int32_t t =
                    (word && in_word) || lx->first[r->text[i]] < 0 ? -1 : match_at(lx, r, i, &end);
                if (t < 0) {
                        in_word = word;
                        i += len;
                        continue;
                }
                if (!(used[t / 8] & (1u << (t % 8)))) {
                        used[t / 8] |= (unsigned char)(1u << (t % 8));
                        size_t from = r->from[i], to = r->from[end];
                        buf_append(out, src + copied, from - copied);
                        html_lit(out, "<a class=\"term\" href=\"");
                        buf_append(out, lx_pool(lx) + terms[t].href, terms[t].href_len);
                        html_lit(out, "\">");
                        buf_append(out, src + from, to - from);
                        html_lit(out, "</a>");
                        copied = to;
                }
                i = end; /* a linked or already-linked span is never searched inside */
                in_word = word_char(cp_before(r, i));
        }
        buf_append(out, src + copied, n - copied);
}

/* Elements whose text is never linked: links themselves, code, and raw-text elements. */
static bool untouchable(const char *name, size_t len)
{
        static const char *const names[] = {"a",      "code",  "pre",      "kbd",   "samp",
                                            "script", "style", "textarea", "button"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strlen(names[i]) == len && strncasecmp(names[i], name, len) == 0)
                        return true;
        return false;
}

void lexicon_link(const struct lexicon *lx, const char *html, struct buf *out)
{
        if (!html)
                return;
        size_t n = strlen(html);
        if (!lx || !lx->nterms) {
                buf_append(out, html, n);
                return;
        }
        unsigned char *used = xcalloc(lx->nterms / 8 + 1, 1);
        struct run r = {0};
        int skip = 0; /* depth inside untouchable elements */
        size_t i = 0;
        while (i < n) {
                if (html[i] != '<') {
                        size_t j = i;
                        while (j < n && html[j] != '<')
                                j++;
                        if (skip)
                                buf_append(out, html + i, j - i);
                        else
                                link_run(lx, html + i, j - i, &r, used, out);
                        i = j;
                        continue;
                }
                /* a tag or comment: copied whole; quoted attribute values may hold '>' */
                size_t j = i + 1;
                if (strncmp(html + i, "<!--", 4) == 0) {
                        const char *close = strstr(html + i + 4, "-->");
                        j = close ? (size_t)(close - html) + 3 : n;
                } else {
                        char quote = 0;
                        while (j < n && (quote || html[j] != '>')) {
                                if (quote && html[j] == quote)
                                        quote = 0;
                                else if (!quote && (html[j] == '"' || html[j] == '\''))
                                        quote = html[j];
                                j++;
                        }
                        j = j < n ? j + 1 : n;
                        bool closing = i + 1 < n && html[i + 1] == '/';
                        size_t name = i + 1 + closing, name_end = name;
                        while (name_end < j && ((html[name_end] >= 'a' && html[name_end] <= 'z') ||
                                                (html[name_end] >= 'A' && html[name_end] <= 'Z') ||
                                                (html[name_end] >= '0' && html[name_end] <= '9')))
                                name_end++;
                        bool self_closing = j >= 2 && html[j - 2] == '/';
                        if (untouchable(html + name, name_end - name) && !self_closing) {
                                if (closing)
                                        skip -= skip > 0;
                                else
                                        skip++;
                        }
                }
                buf_append(out, html + i, j - i);
                i = j;
        }
        free(r.text);
        free(r.from);
        free(used);
}
