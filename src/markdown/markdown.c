/* Kindred's Markdown renderer: md4c callbacks that write escaped HTML and plain text. */
#include "markdown/markdown.h"

#include "core/alloc.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "http/html.h"
#include "markdown/entities.h"

#include <ctype.h>
#include <md4c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WORDS_PER_MINUTE 230

/* ---- Heading ids: a set of used slugs, each with the next "-N" suffix to try --------------- */

struct slug_entry {
        char *key; /* NULL: free slot */
        unsigned next_suffix;
};

struct slug_set {
        struct slug_entry *slots;
        size_t cap; /* power of two */
        size_t used;
};

static uint64_t slug_hash(const char *s)
{
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

/* Returns the slot holding key, or the free slot where it would go. */
static struct slug_entry *slug_find(struct slug_set *set, const char *key)
{
        size_t i = (size_t)slug_hash(key) & (set->cap - 1);
        while (set->slots[i].key && strcmp(set->slots[i].key, key) != 0)
                i = (i + 1) & (set->cap - 1);
        return &set->slots[i];
}

static void slug_grow(struct slug_set *set)
{
        struct slug_set bigger = {xcalloc(set->cap ? set->cap * 2 : 64, sizeof(struct slug_entry)),
                                  set->cap ? set->cap * 2 : 64, set->used};
        for (size_t i = 0; i < set->cap; i++)
                if (set->slots[i].key)
                        *slug_find(&bigger, set->slots[i].key) = set->slots[i];
        free(set->slots);
        *set = bigger;
}

/* Adds key (copied); returns its entry. */
static struct slug_entry *slug_add(struct slug_set *set, const char *key)
{
        if ((set->used + 1) * 2 > set->cap)
                slug_grow(set);
        struct slug_entry *e = slug_find(set, key);
        if (!e->key) {
                e->key = xstrdup(key);
                e->next_suffix = 2;
                set->used++;
        }
        return e;
}

static bool slug_has(struct slug_set *set, const char *key)
{
        return set->cap && slug_find(set, key)->key != NULL;
}

static void slug_set_free(struct slug_set *set)
{
        for (size_t i = 0; i < set->cap; i++)
                free(set->slots[i].key);
        free(set->slots);
        memset(set, 0, sizeof(*set));
}

/* Writes into id the slug of heading text: ASCII letters lower-cased, digits and non-ASCII bytes
 * kept, runs of anything else one '-', no dash at either end; "section" when nothing is left. */
static void slug_of(struct buf *id, const char *text, size_t len)
{
        buf_reset(id);
        bool dash = false;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)text[i];
                bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
                if (c >= 'A' && c <= 'Z') {
                        c = (unsigned char)(c - 'A' + 'a');
                        keep = true;
                }
                if (!keep) {
                        dash = true;
                        continue;
                }
                if (dash && id->len > 0)
                        buf_putc(id, '-');
                dash = false;
                buf_putc(id, (char)c);
        }
        if (id->len == 0)
                buf_puts(id, "section");
}

/* ---- Renderer state ------------------------------------------------------------------------- */

struct renderer {
        enum mdr_mode mode;
        const char *doc;
        size_t doc_len;
        const char *last_pos; /* latest input position seen, for error line numbers */
        struct mdr_result *out;
        struct buf *html; /* where HTML goes: out->html, or heading_html inside a heading */
        int text_break;   /* separator owed to out->text before more text: 0, 1 ' ', 2 "\n\n" */
        bool in_heading;  /* MDR_ARTICLE heading being collected */
        unsigned heading_level;
        struct buf heading_html;
        struct buf heading_text;
        struct buf scratch; /* decoded attribute values */
        struct buf slug;
        struct slug_set slugs;
        unsigned image_depth; /* >0: inside an image; text is its alt text, no markup */
        struct buf alt;
        /* One flag per open link: whether an <a> was written (a refused URL writes none). Links
         * do not nest in CommonMark, but this grows on the heap so nothing can overflow. */
        unsigned char *links;
        size_t links_len, links_cap;
};

/* Starts block markup on a fresh line, like the CommonMark reference renderer. */
static void block_start(struct renderer *r)
{
        if (r->html->len > 0 && r->html->data[r->html->len - 1] != '\n')
                buf_putc(r->html, '\n');
}

/* Asks for a separator in the plain text before the next text (the stronger request wins). */
static void text_break(struct renderer *r, int strength)
{
        if (strength > r->text_break)
                r->text_break = strength;
}

/* Appends document text to the plain text (and to the heading's text for its id). */
static void put_text(struct renderer *r, const char *s, size_t n)
{
        if (n == 0)
                return;
        struct buf *t = &r->out->text;
        if (r->text_break && t->len > 0) {
                while (t->len > 0 && (t->data[t->len - 1] == ' ' || t->data[t->len - 1] == '\n'))
                        t->data[--t->len] = '\0';
                if (t->len > 0)
                        buf_puts(t, r->text_break == 2 ? "\n\n" : " ");
        }
        r->text_break = 0;
        buf_append(t, s, n);
        if (r->image_depth)
                buf_append(&r->alt, s, n);
        if (r->in_heading)
                buf_append(&r->heading_text, s, n);
}

/* True when p points into the input (md4c hands out pointers into the input or into its own
 * buffers); compared as integers since pointers into different objects cannot be ordered. */
static bool in_doc(const struct renderer *r, const char *p)
{
        uintptr_t at = (uintptr_t)p, start = (uintptr_t)r->doc;
        return at >= start && at - start < r->doc_len;
}

static void note_position(struct renderer *r, const char *p)
{
        if (in_doc(r, p))
                r->last_pos = p;
}

/* message: a static msgid marked N_(). */
static int fail(struct renderer *r, const char *message)
{
        r->out->error = 1;
        r->out->error_message = message;
        r->out->error_msgid = message;
        return -1;
}

/* ---- Entities and attributes ---------------------------------------------------------------- */

static void put_utf8(struct buf *b, uint32_t cp)
{
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 0xFFFD;
        char u[4];
        size_t n;
        if (cp < 0x80) {
                u[0] = (char)cp;
                n = 1;
        } else if (cp < 0x800) {
                u[0] = (char)(0xC0 | (cp >> 6));
                u[1] = (char)(0x80 | (cp & 0x3F));
                n = 2;
        } else if (cp < 0x10000) {
                u[0] = (char)(0xE0 | (cp >> 12));
                u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[2] = (char)(0x80 | (cp & 0x3F));
                n = 3;
        } else {
                u[0] = (char)(0xF0 | (cp >> 18));
                u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[3] = (char)(0x80 | (cp & 0x3F));
                n = 4;
        }
        buf_append(b, u, n);
}

const char *mdr_entity_find(const char *name, size_t len)
{
        if (len == 0 || len > mdr_entity_name_max)
                return NULL;
        size_t lo = 0, hi = mdr_entities_count; /* the name, if anywhere, is in [lo, hi) */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const char *candidate = mdr_entities[mid].name;
                int cmp = strncmp(candidate, name, len);
                if (cmp == 0 && candidate[len] != '\0')
                        cmp = 1; /* candidate is longer: name sorts before it */
                if (cmp == 0)
                        return mdr_entities[mid].utf8;
                if (cmp < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

/* Appends the decoded form of entity e[0..n) ("&name;", "&#NNN;" or "&#xHHH;") to b. */
static void decode_entity(struct buf *b, const char *e, size_t n)
{
        if (n >= 4 && e[1] == '#') {
                uint32_t cp = 0;
                bool hex = e[2] == 'x' || e[2] == 'X';
                for (size_t i = hex ? 3 : 2; i + 1 < n; i++) {
                        char c = e[i];
                        uint32_t d = c >= '0' && c <= '9'   ? (uint32_t)(c - '0')
                                     : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
                                                            : (uint32_t)(c - 'A' + 10);
                        cp = cp * (hex ? 16 : 10) + d;
                        if (cp > 0x10FFFF)
                                cp = 0x110000; /* stays invalid, cannot wrap */
                }
                put_utf8(b, cp);
                return;
        }
        const char *named = n >= 3 ? mdr_entity_find(e + 1, n - 2) : NULL;
        if (named)
                buf_puts(b, named);
        else
                buf_append(b, e, n); /* not an entity after all: kept as written */
}

/* Decodes attribute a (entities resolved) into r->scratch; returns the NUL-terminated value. An
 * absent attribute (an indented code block's language has no substrings at all) is "". */
static const char *attr_value(struct renderer *r, const MD_ATTRIBUTE *a)
{
        buf_reset(&r->scratch);
        if (a->size == 0 || !a->text || !a->substr_offsets || !a->substr_types)
                return "";
        note_position(r, a->text);
        for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
                MD_OFFSET from = a->substr_offsets[i], to = a->substr_offsets[i + 1];
                const char *s = a->text + from;
                if (a->substr_types[i] == MD_TEXT_ENTITY)
                        decode_entity(&r->scratch, s, to - from);
                else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
                        put_utf8(&r->scratch, 0xFFFD);
                else
                        buf_append(&r->scratch, s, to - from);
        }
        return r->scratch.data ? r->scratch.data : "";
}

/* True when url (decoded, as the author meant it) may become a link: relative, or http, https or
 * mailto in any case. What a browser would take for a scheme is the part before the first ':'
 * that comes before any '/', '?' or '#', when it is a letter followed by letters, digits, '+', '-'
 * or '.'; any other text before such a ':' makes the URL a relative path ("foo):" is one).
 * Whitespace and control characters there refuse the link all the same: browsers drop some of
 * them, so "java\tscript:" would otherwise slip past the scheme check. */
static bool ascii_alnum(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool url_allowed(const char *url, bool *absolute_http)
{
        *absolute_http = false;
        size_t n = strcspn(url, ":/?#");
        if (url[n] != ':') {
                *absolute_http = url[0] == '/' && url[1] == '/';
                return true;
        }
        unsigned char first = (unsigned char)(url[0] | 0x20); /* lower case for letters */
        bool scheme = n > 0 && first >= 'a' && first <= 'z';
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)url[i];
                if (c <= 0x20 || c == 0x7F)
                        return false;
                if (!ascii_alnum(c) && c != '+' && c != '-' && c != '.')
                        scheme = false;
        }
        if (!scheme)
                return true;
        if ((n == 4 && strncasecmp(url, "http", 4) == 0) ||
            (n == 5 && strncasecmp(url, "https", 5) == 0)) {
                *absolute_http = true;
                return true;
        }
        return n == 6 && strncasecmp(url, "mailto", 6) == 0;
}

/* Writes url for an href or src attribute: percent-encoded like the CommonMark reference
 * renderer (spaces, quotes, brackets, backslashes, control characters and every non-ASCII byte;
 * an existing "%XX" is kept as it is), then attribute-escaped. So "<my file.png>" links to
 * "my%20file.png", and nothing the browser would strip or reinterpret is left in the URL. */
static void put_url(struct buf *html, const char *url)
{
        static const char hex[] = "0123456789ABCDEF";
        static const char kept[] = "-._~:/?#@!$&'()*+,;=%";
        struct buf encoded = BUF_INIT;
        for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
                if (ascii_alnum(*p) || (*p < 0x80 && strchr(kept, *p))) {
                        buf_putc(&encoded, (char)*p);
                } else {
                        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
                        buf_append(&encoded, e, 3);
                }
        }
        html_attr(html, encoded.data ? encoded.data : "");
        buf_free(&encoded);
}

/* ---- md4c callbacks ------------------------------------------------------------------------- */

static const char *align_class(MD_ALIGN a)
{
        switch (a) {
        case MD_ALIGN_LEFT:
                return "align-left";
        case MD_ALIGN_CENTER:
                return "align-center";
        case MD_ALIGN_RIGHT:
                return "align-right";
        default:
                return NULL;
        }
}

static void open_cell(struct renderer *r, bool head, const MD_BLOCK_TD_DETAIL *d)
{
        block_start(r);
        const char *cls = align_class(d->align);
        if (head)
                html_lit(r->html, "<th");
        else
                html_lit(r->html, "<td");
        if (cls) {
                html_lit(r->html, " class=\"");
                html_attr(r->html, cls);
                html_lit(r->html, "\"");
        }
        html_lit(r->html, ">");
        text_break(r, 1);
}

static void open_code_block(struct renderer *r, const MD_BLOCK_CODE_DETAIL *d)
{
        block_start(r);
        html_lit(r->html, "<pre><code");
        /* The language is the info string's first word with its escapes and entities decoded
         * (md4c gives it as an attribute). Spaces and control characters that an entity such as
         * "&#32;" decoded to are dropped, so it stays one class; the rest is attribute-escaped. */
        const char *decoded = attr_value(r, &d->lang);
        struct buf lang = BUF_INIT;
        for (const char *p = decoded; *p; p++)
                if ((unsigned char)*p > 0x20 && *p != 0x7F)
                        buf_putc(&lang, *p);
        if (lang.len) {
                html_lit(r->html, " class=\"language-");
                html_attr(r->html, lang.data);
                html_lit(r->html, "\"");
        }
        buf_free(&lang);
        html_lit(r->html, ">");
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
        struct renderer *r = userdata;
        switch (type) {
        case MD_BLOCK_DOC:
                break;
        case MD_BLOCK_QUOTE:
                block_start(r);
                html_lit(r->html, "<blockquote>\n");
                break;
        case MD_BLOCK_UL:
                block_start(r);
                html_lit(r->html, "<ul>\n");
                break;
        case MD_BLOCK_OL: {
                const MD_BLOCK_OL_DETAIL *d = detail;
                block_start(r);
                if (d->start == 1) {
                        html_lit(r->html, "<ol>\n");
                } else {
                        html_lit(r->html, "<ol start=\"");
                        html_int(r->html, d->start);
                        html_lit(r->html, "\">\n");
                }
                break;
        }
        case MD_BLOCK_LI: {
                const MD_BLOCK_LI_DETAIL *d = detail;
                block_start(r);
                if (d->is_task) {
                        html_lit(r->html, "<li class=\"task-list-item\"><input type=\"checkbox\" "
                                          "class=\"task-list-item-checkbox\" disabled");
                        if (d->task_mark == 'x' || d->task_mark == 'X')
                                html_lit(r->html, " checked");
                        html_lit(r->html, "> ");
                } else {
                        html_lit(r->html, "<li>");
                }
                text_break(r, 2);
                break;
        }
        case MD_BLOCK_HR:
                block_start(r);
                html_lit(r->html, "<hr>\n");
                text_break(r, 2);
                break;
        case MD_BLOCK_H: {
                const MD_BLOCK_H_DETAIL *d = detail;
                block_start(r);
                text_break(r, 2);
                /* The content is collected first: an article's heading id comes from its text,
                 * and whitespace at either end is trimmed in both modes. */
                r->in_heading = true;
                r->heading_level = d->level;
                buf_reset(&r->heading_html);
                buf_reset(&r->heading_text);
                r->html = &r->heading_html;
                break;
        }
        case MD_BLOCK_CODE:
                open_code_block(r, detail);
                text_break(r, 2);
                break;
        case MD_BLOCK_HTML: /* not produced with MD_FLAG_NOHTML; its text would be escaped */
        case MD_BLOCK_P:
                block_start(r);
                html_lit(r->html, "<p>");
                text_break(r, 2);
                break;
        case MD_BLOCK_TABLE:
                block_start(r);
                html_lit(r->html, "<table>\n");
                text_break(r, 2);
                break;
        case MD_BLOCK_THEAD:
                html_lit(r->html, "<thead>\n");
                break;
        case MD_BLOCK_TBODY:
                html_lit(r->html, "<tbody>\n");
                break;
        case MD_BLOCK_TR:
                block_start(r);
                html_lit(r->html, "<tr>\n");
                text_break(r, 2);
                break;
        case MD_BLOCK_TH:
        case MD_BLOCK_TD:
                open_cell(r, type == MD_BLOCK_TH, detail);
                break;
        }
        return 0;
}

/* Writes the collected heading: with its unique id in an article, as a strong paragraph in a
 * comment. Spaces and tabs at either end are dropped: CommonMark strips them from a heading's
 * content, but md4c 0.4 leaves a tab after "#" ("#\tFoo") and before a setext underline. */
static void close_heading(struct renderer *r)
{
        r->html = &r->out->html;
        r->in_heading = false;
        struct buf *h = &r->heading_html;
        size_t start = 0;
        while (start < h->len && (h->data[start] == ' ' || h->data[start] == '\t'))
                start++;
        while (h->len > start && (h->data[h->len - 1] == ' ' || h->data[h->len - 1] == '\t'))
                h->data[--h->len] = '\0';
        if (r->mode == MDR_MEMBER) {
                html_lit(r->html, "<p><strong>");
                if (h->len > start)
                        buf_append(r->html, h->data + start, h->len - start);
                html_lit(r->html, "</strong></p>\n");
                return;
        }
        slug_of(&r->slug, r->heading_text.data ? r->heading_text.data : "", r->heading_text.len);
        struct buf id = BUF_INIT;
        buf_puts(&id, r->slug.data);
        if (slug_has(&r->slugs, id.data)) {
                struct slug_entry *base = slug_find(&r->slugs, r->slug.data);
                unsigned n = base->next_suffix;
                do {
                        buf_reset(&id);
                        buf_printf(&id, "%s-%u", r->slug.data, n++);
                } while (slug_has(&r->slugs, id.data));
                /* slug_add may move entries, so base is updated before it */
                base->next_suffix = n;
        }
        slug_add(&r->slugs, id.data);
        char level = (char)('0' + r->heading_level);
        html_lit(r->html, "<h");
        buf_putc(r->html, level);
        html_lit(r->html, " id=\"");
        html_attr(r->html, id.data);
        html_lit(r->html, "\">");
        if (h->len > start)
                buf_append(r->html, h->data + start, h->len - start);
        html_lit(r->html, "</h");
        buf_putc(r->html, level);
        html_lit(r->html, ">\n");
        buf_free(&id);
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
        struct renderer *r = userdata;
        (void)detail;
        switch (type) {
        case MD_BLOCK_DOC:
                break;
        case MD_BLOCK_QUOTE:
                block_start(r);
                html_lit(r->html, "</blockquote>\n");
                break;
        case MD_BLOCK_UL:
                block_start(r);
                html_lit(r->html, "</ul>\n");
                break;
        case MD_BLOCK_OL:
                block_start(r);
                html_lit(r->html, "</ol>\n");
                break;
        case MD_BLOCK_LI:
                html_lit(r->html, "</li>\n");
                break;
        case MD_BLOCK_HR:
                break;
        case MD_BLOCK_H:
                close_heading(r);
                break;
        case MD_BLOCK_CODE:
                html_lit(r->html, "</code></pre>\n");
                break;
        case MD_BLOCK_HTML:
        case MD_BLOCK_P:
                html_lit(r->html, "</p>\n");
                break;
        case MD_BLOCK_TABLE:
                html_lit(r->html, "</table>\n");
                break;
        case MD_BLOCK_THEAD:
                html_lit(r->html, "</thead>\n");
                break;
        case MD_BLOCK_TBODY:
                html_lit(r->html, "</tbody>\n");
                break;
        case MD_BLOCK_TR:
                html_lit(r->html, "</tr>\n");
                break;
        case MD_BLOCK_TH:
                html_lit(r->html, "</th>\n");
                break;
        case MD_BLOCK_TD:
                html_lit(r->html, "</td>\n");
                break;
        }
        return 0;
}

static void open_link(struct renderer *r, const MD_SPAN_A_DETAIL *d)
{
        bool absolute = false;
        const char *href = attr_value(r, &d->href);
        bool ok = url_allowed(href, &absolute);
        if (r->links_len == r->links_cap) {
                r->links_cap = r->links_cap ? r->links_cap * 2 : 8;
                r->links = xrealloc(r->links, r->links_cap);
        }
        r->links[r->links_len++] = ok;
        if (!ok)
                return; /* the link text is shown without a link */
        html_lit(r->html, "<a href=\"");
        put_url(r->html, href);
        html_lit(r->html, "\"");
        const char *title = attr_value(r, &d->title);
        if (*title) {
                html_lit(r->html, " title=\"");
                html_attr(r->html, title);
                html_lit(r->html, "\"");
        }
        if (r->mode == MDR_MEMBER)
                html_lit(r->html, " rel=\"nofollow ugc noopener\"");
        else if (absolute)
                html_lit(r->html, " rel=\"noopener\"");
        html_lit(r->html, ">");
}

static int enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
        struct renderer *r = userdata;
        if (r->image_depth) {
                /* Inside alt text only text counts; nested images add to the depth. */
                if (type == MD_SPAN_IMG)
                        r->image_depth++;
                return 0;
        }
        switch (type) {
        case MD_SPAN_EM:
                html_lit(r->html, "<em>");
                break;
        case MD_SPAN_STRONG:
                html_lit(r->html, "<strong>");
                break;
        case MD_SPAN_A:
                open_link(r, detail);
                break;
        case MD_SPAN_IMG:
                r->image_depth = 1;
                buf_reset(&r->alt);
                break;
        case MD_SPAN_CODE:
                html_lit(r->html, "<code>");
                break;
        case MD_SPAN_DEL:
                html_lit(r->html, "<del>");
                break;
        default: /* extensions that are not enabled */
                break;
        }
        return 0;
}

/* Counts the lines up to p (or to the latest position seen when p is not in the input). */
static unsigned line_of(const struct renderer *r, const char *p)
{
        if (!in_doc(r, p))
                p = r->last_pos ? r->last_pos : r->doc;
        unsigned line = 1;
        for (const char *q = r->doc; q < p; q++)
                if (*q == '\n')
                        line++;
        return line;
}

static int close_image(struct renderer *r, const MD_SPAN_IMG_DETAIL *d)
{
        const char *alt = r->alt.data ? r->alt.data : "";
        if (r->mode == MDR_MEMBER) {
                html_text_n(r->html, alt, r->alt.len); /* comments show the alt text only */
                return 0;
        }
        bool blank = true;
        for (size_t i = 0; i < r->alt.len; i++)
                if (alt[i] != ' ' && alt[i] != '\t' && alt[i] != '\n')
                        blank = false;
        if (blank) {
                /* The message lives in the caller's result, so it outlives this call. */
                /* The English with the line for the command line; the msgid and the line
                 * apart, so a page formats the translated sentence itself. */
                const char *msgid = N_("An image needs alt text (line %u)");
                unsigned line = line_of(r, d->src.text);
                snprintf(r->out->error_buf, sizeof(r->out->error_buf), msgid, line);
                fail(r, r->out->error_buf);
                r->out->error_msgid = msgid;
                r->out->error_line = line;
                return -1;
        }
        bool absolute;
        const char *src = attr_value(r, &d->src);
        if (!url_allowed(src, &absolute)) {
                html_text_n(r->html, alt, r->alt.len);
                return 0;
        }
        html_lit(r->html, "<img src=\"");
        put_url(r->html, src);
        html_lit(r->html, "\" alt=\"");
        html_attr(r->html, alt);
        html_lit(r->html, "\"");
        const char *title = attr_value(r, &d->title);
        if (*title) {
                html_lit(r->html, " title=\"");
                html_attr(r->html, title);
                html_lit(r->html, "\"");
        }
        html_lit(r->html, " loading=\"lazy\">");
        return 0;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
        struct renderer *r = userdata;
        if (r->image_depth) {
                if (type != MD_SPAN_IMG || --r->image_depth > 0)
                        return 0;
                return close_image(r, detail);
        }
        switch (type) {
        case MD_SPAN_EM:
                html_lit(r->html, "</em>");
                break;
        case MD_SPAN_STRONG:
                html_lit(r->html, "</strong>");
                break;
        case MD_SPAN_A:
                if (r->links_len > 0 && r->links[--r->links_len])
                        html_lit(r->html, "</a>");
                break;
        case MD_SPAN_CODE:
                html_lit(r->html, "</code>");
                break;
        case MD_SPAN_DEL:
                html_lit(r->html, "</del>");
                break;
        default:
                break;
        }
        return 0;
}

/* ---- @mentions (member text) ----------------------------------------------------------------- */

static bool handle_char(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
}

/* The length of the mention that starts at text[i] ('@'): "@" then a handle as members have
 * them (a letter, then letters, digits and underscores, KD_HANDLE_MIN_CHARS to
 * KD_HANDLE_MAX_CHARS in all), after a character that cannot be part of a word or an address
 * (before: text[i-1], or the source's character before this piece of text). 0 when it is not
 * one: "ana@example.org", "@1", "@a". The same rule as model/notification.c's, so who is told
 * and what is linked agree. */
static size_t mention_len(const char *text, size_t len, size_t i, char before)
{
        if (handle_char(before) || before == '.' || before == '@' || before == '/')
                return 0;
        size_t n = 0;
        while (i + 1 + n < len && handle_char(text[i + 1 + n]))
                n++;
        char first = i + 1 < len ? text[i + 1] : '\0';
        bool letter = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
        if (!letter || n < KD_HANDLE_MIN_CHARS || n > KD_HANDLE_MAX_CHARS)
                return 0;
        return n + 1;
}

/* Writes member text with each @handle linked to the profile (/@handle, lower-cased as handles
 * are matched). Whether such a member exists is not known here: the renderer reads no
 * database, and the same text must render the same on every site it is imported into. A
 * profile that is not there answers 404. */
static void put_with_mentions(struct renderer *r, const char *text, size_t len, char before)
{
        size_t from = 0;
        for (size_t i = 0; i < len; i++) {
                if (text[i] != '@')
                        continue;
                size_t n = mention_len(text, len, i, i ? text[i - 1] : before);
                if (!n)
                        continue;
                html_text_n(r->html, text + from, i - from);
                html_lit(r->html, "<a class=\"mention\" href=\"/@");
                for (size_t k = i + 1; k < i + n; k++) {
                        char c = text[k];
                        buf_putc(r->html, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
                }
                html_lit(r->html, "\">");
                html_text_n(r->html, text + i, n);
                html_lit(r->html, "</a>");
                from = i + n;
                i += n - 1;
        }
        html_text_n(r->html, text + from, len - from);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *userdata)
{
        struct renderer *r = userdata;
        note_position(r, s);
        struct buf decoded = BUF_INIT;
        switch (type) {
        case MD_TEXT_NULLCHAR:
                put_utf8(&decoded, 0xFFFD);
                break;
        case MD_TEXT_BR:
                if (!r->image_depth)
                        html_lit(r->html, "<br>\n");
                put_text(r, "\n", 1);
                return 0;
        case MD_TEXT_SOFTBR:
                if (!r->image_depth)
                        html_lit(r->html, "\n");
                put_text(r, " ", 1);
                return 0;
        case MD_TEXT_ENTITY:
                decode_entity(&decoded, s, size);
                break;
        default: /* normal, code, and raw HTML (escaped like any text) */
                buf_append(&decoded, s, size);
                break;
        }
        if (decoded.len) {
                /* mentions are linked in members' text, outside links and code */
                if (!r->image_depth && r->mode == MDR_MEMBER && type == MD_TEXT_NORMAL &&
                    r->links_len == 0)
                        put_with_mentions(r, decoded.data, decoded.len,
                                          in_doc(r, s) && s > r->doc ? s[-1] : ' ');
                else if (!r->image_depth)
                        html_text_n(r->html, decoded.data, decoded.len);
                put_text(r, decoded.data, decoded.len);
        }
        buf_free(&decoded);
        return 0;
}

/* ---- Entry points --------------------------------------------------------------------------- */

static unsigned count_words(const char *s, size_t len)
{
        unsigned words = 0;
        bool in_word = false;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
                if (!space && !in_word)
                        words++;
                in_word = !space;
        }
        return words;
}

int mdr_render(const char *src, size_t len, enum mdr_mode mode, struct mdr_result *out)
{
        memset(out, 0, sizeof(*out));
        if (len > KD_MAX_MARKDOWN_BYTES) {
                out->error = 1;
                out->error_message = out->error_msgid = N_("The text is longer than 1 MiB.");
                return -1;
        }
        if (!utf8_valid(src, len)) {
                out->error = 1;
                out->error_message = out->error_msgid = N_("The text is not valid UTF-8.");
                return -1;
        }
        /* md4c 0.4.8 (Debian 12) can read one byte past the end of a document that ends inside
         * a link destination (found by fuzz/fuzz_markdown.c): give it a terminated copy, so that
         * byte is always a NUL of ours, whatever buffer the caller passed a slice of. */
        char *doc = xmalloc(len + 1);
        memcpy(doc, src, len);
        doc[len] = '\0';
        struct renderer r = {.mode = mode, .doc = doc, .doc_len = len, .out = out};
        r.html = &out->html;
        MD_PARSER parser = {
            .abi_version = 0,
            .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS |
                     MD_FLAG_TASKLISTS | MD_FLAG_NOHTML,
            .enter_block = enter_block,
            .leave_block = leave_block,
            .enter_span = enter_span,
            .leave_span = leave_span,
            .text = on_text,
        };
        int rc = md_parse(doc, (MD_SIZE)len, &parser, &r);
        free(doc);
        if (rc != 0 && !out->error) {
                out->error = 1;
                out->error_message = out->error_msgid = N_("The text could not be read.");
        }
        buf_free(&r.heading_html);
        buf_free(&r.heading_text);
        buf_free(&r.scratch);
        buf_free(&r.slug);
        buf_free(&r.alt);
        slug_set_free(&r.slugs);
        free(r.links);
        if (out->error) {
                buf_free(&out->html);
                buf_free(&out->text);
                return -1;
        }
        struct buf *t = &out->text;
        while (t->len > 0 && (t->data[t->len - 1] == ' ' || t->data[t->len - 1] == '\n'))
                t->data[--t->len] = '\0';
        out->words = count_words(t->data, t->len);
        out->reading_minutes = (out->words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE;
        return 0;
}

void mdr_result_free(struct mdr_result *r)
{
        buf_free(&r->html);
        buf_free(&r->text);
        memset(r, 0, sizeof(*r));
}
