/* Markdown import: front matter says what a file is (newsletter, season or episode) and where it
 * belongs; the body is its description or text. All files go in one transaction. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/slug.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/db.h"
#include "model/episode.h"
#include "model/image.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/season.h"
#include "model/transfer.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { FM_MAX_KEYS = 32 };

struct front_matter {
        const char *file;
        int nkeys;
        const char *keys[FM_MAX_KEYS];
        const char *values[FM_MAX_KEYS];
        int lines[FM_MAX_KEYS];
        /* A YAML block list ("key:" then one "  - item" per line): its items, one per line of
         * values[i], and how many (-1: a plain value). Only "prompts" takes one. */
        int items[FM_MAX_KEYS];
        const char *body;
        int body_line;
};

static int fail(struct import_report *r, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct import_report *r, const char *file, int line, const char *fmt, ...)
{
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (line > 0)
                snprintf(r->error, sizeof(r->error), "%s:%d: %s", file, line, msg);
        else
                snprintf(r->error, sizeof(r->error), "%s: %s", file, msg);
        return -1;
}

/* ---- Front matter ---------------------------------------------------------------------------- */

/* Appends code point cp as UTF-8 at *out. */
static void put_utf8(char **out, uint32_t cp)
{
        char *o = *out;
        if (cp < 0x80) {
                *o++ = (char)cp;
        } else if (cp < 0x800) {
                *o++ = (char)(0xC0 | (cp >> 6));
                *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
                *o++ = (char)(0xE0 | (cp >> 12));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
                *o++ = (char)(0xF0 | (cp >> 18));
                *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
        }
        *out = o;
}

/* Reads n hex digits at s into *cp; returns 0, or -1 when one is not a hex digit. */
static int hex_digits(const char *s, int n, uint32_t *cp)
{
        uint32_t v = 0;
        for (int i = 0; i < n; i++) {
                char c = s[i];
                int d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
                if (d < 0)
                        return -1;
                v = v * 16 + (uint32_t)d;
        }
        *cp = v;
        return 0;
}

/* Decodes a double-quoted YAML value in place: v starts with the opening quote, and the text
 * up to the closing quote (which must end the value) is decoded over it, never growing. Known
 * escapes: \" \\ \/ \n \t \r \xHH \uHHHH (a surrogate pair is joined) \UHHHHHHHH. Returns NULL,
 * or what is wrong. */
static const char *unquote_double(char *v)
{
        const char *in = v + 1;
        char *out = v;
        for (;;) {
                char c = *in++;
                if (c == '\0')
                        return "the value's closing quote (\") is missing";
                if (c == '"') {
                        if (*in)
                                return "a double-quoted value must end at its closing quote";
                        *out = '\0';
                        return NULL;
                }
                if (c != '\\') {
                        *out++ = c;
                        continue;
                }
                int digits;
                switch (c = *in++) {
                case '"':
                case '\\':
                case '/':
                        *out++ = c;
                        continue;
                case 'n':
                        *out++ = '\n';
                        continue;
                case 't':
                        *out++ = '\t';
                        continue;
                case 'r':
                        *out++ = '\r';
                        continue;
                case 'x':
                        digits = 2;
                        break;
                case 'u':
                        digits = 4;
                        break;
                case 'U':
                        digits = 8;
                        break;
                default:
                        return "unknown escape in a double-quoted value (known: \\\" \\\\ \\/ \\n "
                               "\\t \\r \\xHH \\uHHHH \\UHHHHHHHH)";
                }
                uint32_t cp;
                if (hex_digits(in, digits, &cp) != 0)
                        return "an escape in a double-quoted value needs hex digits";
                in += digits;
                uint32_t low;
                if (cp >= 0xD800 && cp <= 0xDBFF && in[0] == '\\' && in[1] == 'u' &&
                    hex_digits(in + 2, 4, &low) == 0 && low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        in += 6;
                }
                if (cp == 0)
                        return "a value cannot contain a NUL character";
                if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        return "an escape in a double-quoted value is not a Unicode character";
                put_utf8(&out, cp); /* at most 4 bytes, from at least 4 ("\xHH") */
        }
}

/* Decodes a single-quoted YAML value in place ('' stands for one quote). Returns NULL, or what
 * is wrong. */
static const char *unquote_single(char *v)
{
        const char *in = v + 1;
        char *out = v;
        for (;; in++) {
                if (*in == '\0')
                        return "the value's closing quote (') is missing";
                if (*in == '\'' && in[1] == '\'') {
                        *out++ = '\'';
                        in++;
                } else if (*in == '\'') {
                        if (in[1] != '\0')
                                return "a single-quoted value must end at its closing quote "
                                       "(write '' for a quote inside it)";
                        *out = '\0';
                        return NULL;
                } else {
                        *out++ = *in;
                }
        }
}

/* Takes the quotes off a value written 'like this' or "like this", in place. A value that does
 * not start with a quote is taken as it is, so "Tom's notes" needs none. Returns NULL, or what
 * is wrong. */
static const char *unquote(char *v)
{
        if (v[0] == '"')
                return unquote_double(v);
        if (v[0] == '\'')
                return unquote_single(v);
        return NULL;
}

/* Reads the "  - item" lines of a block list starting at *next (the line after its key): each
 * item is trimmed and unquoted as a value is, and must be one line. Sets *value to the items
 * joined by newlines and *count; moves *next and *line past them. Returns 0, or -1 with r->error
 * set. */
static int list_items(struct arena *a, const struct import_file *f, char **next, int *line,
                      const char **value, int *count, struct import_report *r)
{
        struct buf joined = BUF_INIT;
        char *p = *next;
        int rc = 0;
        for (;;) {
                char *q = p;
                while (*q == ' ' || *q == '\t')
                        q++;
                if (q == p || *q != '-' || (q[1] != ' ' && q[1] != '\t' && q[1] != '\n' &&
                                            q[1] != '\r' && q[1] != '\0'))
                        break; /* not an indented "- ": the list is over */
                char *eol = strchr(q, '\n');
                char *after = eol ? eol + 1 : q + strlen(q);
                if (eol)
                        *eol = '\0';
                char *item = q + 1;
                while (*item == ' ' || *item == '\t')
                        item++;
                size_t il = strlen(item);
                while (il && (item[il - 1] == ' ' || item[il - 1] == '\t' || item[il - 1] == '\r'))
                        item[--il] = '\0';
                (*line)++;
                const char *problem = unquote(item);
                if (problem) {
                        rc = fail(r, f->name, *line, "%s", problem);
                        break;
                }
                if (strchr(item, '\n')) {
                        rc = fail(r, f->name, *line, "a list item is one line");
                        break;
                }
                if (*count > 0)
                        buf_putc(&joined, '\n');
                buf_puts(&joined, item);
                (*count)++;
                p = after;
        }
        *next = p;
        *value = arena_strndup(a, joined.data ? joined.data : "", joined.len);
        buf_free(&joined);
        return rc;
}

/* Splits "---\nkey: value\n...\n---\nbody" into keys and the body. */
static int parse_front_matter(struct arena *a, const struct import_file *f, struct front_matter *fm,
                              struct import_report *r)
{
        memset(fm, 0, sizeof(*fm));
        fm->file = f->name;
        if (f->len > KD_MAX_IMPORT_FILE_BYTES)
                return fail(r, f->name, 0, "the file is larger than %d bytes",
                            KD_MAX_IMPORT_FILE_BYTES);
        if (!utf8_valid(f->data, f->len))
                return fail(r, f->name, 0, "the file is not valid UTF-8");
        char *text = arena_strndup(a, f->data, f->len);
        char *p = text;
        if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
                p += 3; /* a byte order mark, as some Windows editors write: not part of the text */
        int line = 1;
        if (strncmp(p, "---\n", 4) != 0 && strncmp(p, "---\r\n", 5) != 0)
                return fail(r, f->name, 1, "the file must start with a front matter line \"---\"");
        p = strchr(p, '\n') + 1;
        line++;
        for (;;) {
                if (!*p)
                        return fail(r, f->name, line, "the front matter has no closing \"---\"");
                char *eol = strchr(p, '\n');
                char *next = eol ? eol + 1 : p + strlen(p);
                if (eol)
                        *eol = '\0';
                size_t n = strlen(p);
                if (n && p[n - 1] == '\r')
                        p[--n] = '\0';
                if (strcmp(p, "---") == 0) {
                        fm->body = next;
                        fm->body_line = line + 1;
                        return 0;
                }
                if (n > 0) {
                        int key_line = line;
                        char *colon = strchr(p, ':');
                        if (!colon || colon == p)
                                return fail(r, f->name, line, "expected \"key: value\"");
                        *colon = '\0';
                        for (char *k = p; *k; k++)
                                if (!((*k >= 'a' && *k <= 'z') || *k == '_'))
                                        return fail(r, f->name, line, "bad key \"%s\"", p);
                        char *v = colon + 1;
                        while (*v == ' ' || *v == '\t')
                                v++;
                        size_t vl = strlen(v);
                        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                                v[--vl] = '\0';
                        const char *problem = unquote(v);
                        if (problem)
                                return fail(r, f->name, line, "%s", problem);
                        int items = -1;
                        const char *value = v;
                        if (strcmp(v, "[]") == 0) { /* YAML's empty list */
                                items = 0;
                                value = "";
                        } else if (!*v) { /* a block list may follow: "  - item" lines */
                                int count = 0;
                                if (list_items(a, f, &next, &line, &value, &count, r) != 0)
                                        return -1;
                                if (count > 0)
                                        items = count;
                        }
                        if (fm->nkeys == FM_MAX_KEYS)
                                return fail(r, f->name, line, "too many keys");
                        for (int i = 0; i < fm->nkeys; i++)
                                if (strcmp(fm->keys[i], p) == 0)
                                        return fail(r, f->name, line, "\"%s\" is given twice", p);
                        fm->keys[fm->nkeys] = p;
                        fm->values[fm->nkeys] = value;
                        fm->lines[fm->nkeys] = key_line;
                        fm->items[fm->nkeys] = items;
                        fm->nkeys++;
                }
                p = next;
                line++;
        }
}

static int key_index(const struct front_matter *fm, const char *key)
{
        for (int i = 0; i < fm->nkeys; i++)
                if (strcmp(fm->keys[i], key) == 0)
                        return i;
        return -1;
}

/* The value of key, or def when absent. */
static const char *get(const struct front_matter *fm, const char *key, const char *def)
{
        int i = key_index(fm, key);
        return i < 0 ? def : fm->values[i];
}

static int line_of(const struct front_matter *fm, const char *key)
{
        int i = key_index(fm, key);
        return i < 0 ? 0 : fm->lines[i];
}

/* The keys each kind of file may have; anything else is a mistake (a misspelt "statu: draft"
 * would otherwise be ignored and the episode published). */
static const char *const newsletter_keys[] = {"kind", "slug", "title", "owner", "authors", NULL};
static const char *const season_keys[] = {"kind",    "newsletter", "season",  "title",
                                          "cadence", "status",     "returns", NULL};
static const char *const episode_keys[] = {
    "kind", "newsletter", "season", "episode", "title",     "subtitle",     "slug",   "author",
    "date", "status",     "ai",     "cover",   "cover_alt", "cover_credit", "teaser", "prompts",
    NULL};

/* Checks the file's kind and that each of its keys belongs to that kind. Returns 0, or -1 with
 * r->error naming the line. */
static int check_keys(const struct front_matter *fm, struct import_report *r)
{
        const char *kind = get(fm, "kind", "episode");
        const char *const *known = strcmp(kind, "newsletter") == 0 ? newsletter_keys
                                   : strcmp(kind, "season") == 0   ? season_keys
                                   : strcmp(kind, "episode") == 0  ? episode_keys
                                                                   : NULL;
        if (!known)
                return fail(r, fm->file, line_of(fm, "kind"),
                            "kind must be newsletter, season or episode");
        for (int i = 0; i < fm->nkeys; i++) {
                const char *const *k = known;
                while (*k && strcmp(*k, fm->keys[i]) != 0)
                        k++;
                if (!*k)
                        return fail(r, fm->file, fm->lines[i], "unknown key \"%s\"", fm->keys[i]);
                bool list = strcmp(fm->keys[i], "prompts") == 0;
                if (!list && fm->items[i] >= 0)
                        return fail(r, fm->file, fm->lines[i], "\"%s\" takes one value, not a list",
                                    fm->keys[i]);
                if (list && fm->items[i] < 0 && *fm->values[i])
                        return fail(r, fm->file, fm->lines[i],
                                    "\"prompts\" is a list: one \"  - question\" per line");
                if (list && fm->items[i] > KD_PROMPTS_PER_EPISODE)
                        return fail(r, fm->file, fm->lines[i], "at most %d prompts",
                                    KD_PROMPTS_PER_EPISODE);
        }
        return 0;
}

/* One slug an import would create: a newsletter's, or an episode's within its newsletter. */
struct slug_use {
        const char *scope; /* "" for a newsletter, else the episode's newsletter */
        const char *slug;
        bool from_title; /* no slug key: the slug is made from the title */
        size_t file;     /* index in the import's files */
        int line;
};

static bool same_slug(const struct slug_use *a, const struct slug_use *b)
{
        return strcmp(a->scope, b->scope) == 0 && strcmp(a->slug, b->slug) == 0;
}

static int by_slug_then_file(const void *x, const void *y)
{
        const struct slug_use *a = x, *b = y;
        int c = strcmp(a->scope, b->scope);
        if (c == 0)
                c = strcmp(a->slug, b->slug);
        if (c == 0)
                c = a->file < b->file ? -1 : a->file > b->file;
        return c;
}

/* Finds two files of the import that would create the same newsletter slug, or the same episode
 * slug in one newsletter, before anything is written: the database would only name the second.
 * Reports the pair whose later file comes first. Returns 0, or -1 with r->error naming both
 * files and lines. */
static int check_duplicate_slugs(struct arena *a, const struct front_matter *fms, size_t count,
                                 struct import_report *r)
{
        struct slug_use *uses = arena_alloc(a, (count ? count : 1) * sizeof(*uses));
        size_t n = 0;
        for (size_t i = 0; i < count; i++) {
                const struct front_matter *fm = &fms[i];
                const char *kind = get(fm, "kind", "episode");
                const char *slug = get(fm, "slug", "");
                struct slug_use u = {"", slug, false, i, line_of(fm, "slug")};
                bool newsletter = strcmp(kind, "newsletter") == 0;
                if ((newsletter && !*slug) || (!newsletter && strcmp(kind, "episode") != 0))
                        continue; /* a missing newsletter slug is reported later */
                if (!newsletter) {
                        if (!*slug) {
                                const char *title = get(fm, "title", "");
                                if (!*title)
                                        continue; /* reported as missing later */
                                char made[KD_SLUG_MAX_BYTES + 1];
                                slug_episode_from_title(title, made, sizeof(made));
                                u.slug = arena_strdup(a, made);
                                u.from_title = true;
                                u.line = line_of(fm, "title");
                        }
                        u.scope = get(fm, "newsletter", "");
                        if (!*u.scope)
                                continue; /* reported as missing later */
                }
                uses[n++] = u;
        }
        qsort(uses, n, sizeof(*uses), by_slug_then_file);
        const struct slug_use *first = NULL, *second = NULL;
        for (size_t i = 1; i < n; i++) {
                if (!same_slug(&uses[i - 1], &uses[i]))
                        continue;
                if (i >= 2 && same_slug(&uses[i - 2], &uses[i]))
                        continue; /* a third use: the first two are already a pair */
                if (!second || uses[i].file < second->file) {
                        first = &uses[i - 1];
                        second = &uses[i];
                }
        }
        if (!second)
                return 0;
        const struct front_matter *fm = &fms[second->file];
        if (strcmp(get(fm, "kind", "episode"), "newsletter") == 0)
                return fail(r, fm->file, second->line,
                            "newsletter slug \"%s\" is already used by %s:%d", second->slug,
                            fms[first->file].file, first->line);
        return fail(r, fm->file, second->line,
                    "episode slug \"%s\"%s is already used in newsletter \"%s\" by %s:%d%s",
                    second->slug, second->from_title ? " (made from the title)" : "", second->scope,
                    fms[first->file].file, first->line,
                    first->from_title ? " (made from its title)" : "");
}

static int require(const struct front_matter *fm, const char *key, const char **out,
                   struct import_report *r)
{
        *out = get(fm, key, NULL);
        if (!*out || !**out)
                return fail(r, fm->file, 0, "\"%s\" is missing", key);
        return 0;
}

static int number(const struct front_matter *fm, const char *key, int lo, int hi, int *out,
                  struct import_report *r)
{
        const char *v;
        if (require(fm, key, &v, r))
                return -1;
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < lo || n > hi)
                return fail(r, fm->file, line_of(fm, key), "\"%s\" must be a number from %d to %d",
                            key, lo, hi);
        *out = (int)n;
        return 0;
}

/* Reads two decimal digits at p into *out; returns 0, or -1 when they are not digits. */
static int two_digits(const char *p, int *out)
{
        if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
                return -1;
        *out = (p[0] - '0') * 10 + (p[1] - '0');
        return 0;
}

/* Parses a date as the import accepts it: "2026-03-03", "2026-03-03 08:00", "2026-03-03T08:00:00"
 * (all UTC), optionally ending in "Z" or an offset from UTC ("+02:00", "-0530"), which is taken
 * off so *out is UTC. Returns 0, or -1 when s is none of these. */
static int parse_date(const char *s, int64_t *out)
{
        /* An offset can only follow a time: "2026-03-03-05:00" is not a date. */
        size_t len = strlen(s), at = len;
        if (len > 16 && (s[10] == 'T' || s[10] == ' '))
                at = 11 + strcspn(s + 11, "+-");
        if (at == len)
                return time_parse_iso8601(s, out);
        /* s[at..] is the offset: [+-]HH:MM or [+-]HHMM */
        const char *o = s + at + 1;
        size_t olen = len - at - 1;
        int h, m;
        if (!(olen == 4 || (olen == 5 && o[2] == ':')) || two_digits(o, &h) != 0 ||
            two_digits(o + olen - 2, &m) != 0 || h > 23 || m > 59)
                return -1;
        /* The part before the offset is a date and time of at most "YYYY-MM-DDTHH:MM:SS". */
        char local[20];
        if (at >= sizeof(local))
                return -1;
        memcpy(local, s, at);
        local[at] = '\0';
        int64_t t;
        if (time_parse_iso8601(local, &t) != 0 || local[at - 1] == 'Z')
                return -1;
        int64_t offset = ((int64_t)h * 3600 + (int64_t)m * 60) * (s[at] == '-' ? -1 : 1);
        if (t - offset < 0)
                return -1;
        *out = t - offset;
        return 0;
}

static int date(const struct front_matter *fm, const char *key, int64_t *out,
                struct import_report *r)
{
        const char *v = get(fm, key, "");
        if (parse_date(v, out) != 0)
                return fail(r, fm->file, line_of(fm, key),
                            "\"%s\" must be a date like 2026-03-03T08:00:00Z", key);
        return 0;
}

static int member_id(struct db *db, struct arena *a, const struct front_matter *fm, const char *key,
                     int64_t *out, struct import_report *r)
{
        const char *handle;
        if (require(fm, key, &handle, r))
                return -1;
        struct member m;
        if (member_find_handle(db, a, handle, &m) != MEMBER_OK)
                return fail(r, fm->file, line_of(fm, key), "there is no member \"%s\"", handle);
        *out = m.id;
        return 0;
}

static int newsletter_id(struct db *db, struct arena *a, const struct front_matter *fm,
                         int64_t *out, struct import_report *r)
{
        const char *slug;
        if (require(fm, "newsletter", &slug, r))
                return -1;
        struct newsletter n;
        if (newsletter_find_slug(db, a, slug, &n) != PUB_OK)
                return fail(r, fm->file, line_of(fm, "newsletter"),
                            "there is no newsletter \"%s\" (newsletter files must come first)",
                            slug);
        *out = n.id;
        return 0;
}

/* A model problem on a field, reported at the line of the key it came from. */
static int problem(struct import_report *r, const struct front_matter *fm,
                   const struct field_problem *p, const char *key)
{
        int line = strcmp(key, "body") == 0 ? fm->body_line : line_of(fm, key);
        return fail(r, fm->file, line, "%s: %s", key, p->message ? p->message : "invalid");
}

static const char *field_key(const char *field)
{
        static const struct {
                const char *field, *key;
        } map[] = {{"coauthors", "authors"},
                   {"description", "body"},
                   {"number", "episode"},
                   {"ai", "ai"},
                   {"publish_at", "date"}};
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (strcmp(map[i].field, field) == 0)
                        return map[i].key;
        return field;
}

static int import_newsletter(struct db *db, struct arena *a, const struct front_matter *fm,
                             struct import_report *r)
{
        int64_t owner;
        const char *slug, *title;
        if (require(fm, "slug", &slug, r) || require(fm, "title", &title, r) ||
            member_id(db, a, fm, "owner", &owner, r))
                return -1;
        struct newsletter_input in = {slug, title, fm->body, get(fm, "authors", "")};
        struct field_problem p = {0};
        int64_t id;
        int rc = newsletter_create(db, &in, owner, &id, &p);
        if (rc == PUB_TAKEN)
                return fail(r, fm->file, line_of(fm, "slug"), "newsletter \"%s\" already exists",
                            slug);
        if (rc == PUB_INVALID)
                return problem(r, fm, &p, field_key(p.field));
        if (rc != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the newsletter");
        r->newsletters++;
        return 0;
}

static int import_season(struct db *db, struct arena *a, const struct front_matter *fm,
                         int64_t shift, struct import_report *r)
{
        int64_t nl;
        struct season_input in = {0};
        if (newsletter_id(db, a, fm, &nl, r) ||
            number(fm, "season", 1, KD_MAX_SEASONS, &in.number, r) ||
            require(fm, "title", &in.title, r))
                return -1;
        in.description = fm->body;
        if (season_cadence_parse(get(fm, "cadence", ""), &in.cadence, &in.cadence_n) != 0)
                return fail(r, fm->file, line_of(fm, "cadence"),
                            "cadence must be like \"weekly on tuesday\", \"every 14 days\" or "
                            "\"irregular\"");
        enum season_status st = SEASON_PLANNED;
        if (season_status_parse(get(fm, "status", "planned"), &st) != 0)
                return fail(r, fm->file, line_of(fm, "status"),
                            "status must be planned, airing, on-break or finished");
        in.status = st;
        if (get(fm, "returns", NULL)) {
                if (date(fm, "returns", &in.returns_at, r))
                        return -1;
                in.returns_at += shift;
        }
        struct field_problem p = {0};
        int64_t id;
        int rc = season_save(db, nl, 0, &in, &id, &p);
        if (rc == PUB_TAKEN)
                return fail(r, fm->file, line_of(fm, "season"), "season %d already exists",
                            in.number);
        if (rc == PUB_INVALID)
                return problem(r, fm, &p,
                               strcmp(p.field, "number") == 0 ? "season" : field_key(p.field));
        if (rc != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the season");
        r->seasons++;
        return 0;
}

static int import_episode(struct db *db, struct arena *a, const char *data_dir,
                          const struct front_matter *fm, int64_t shift, import_read_fn read,
                          void *read_ctx, struct import_report *r)
{
        struct episode_input in = {0};
        if (newsletter_id(db, a, fm, &in.newsletter_id, r) ||
            number(fm, "season", 1, KD_MAX_SEASONS, &in.season_number, r) ||
            number(fm, "episode", 1, KD_MAX_EPISODE_NUMBER, &in.number, r) ||
            require(fm, "title", &in.title, r) ||
            member_id(db, a, fm, "author", &in.author_id, r) || date(fm, "date", &in.publish_at, r))
                return -1;
        in.publish_at += shift;
        in.subtitle = get(fm, "subtitle", "");
        in.slug = get(fm, "slug", "");
        in.body = fm->body;
        in.cover_alt = get(fm, "cover_alt", "");
        in.cover_credit = get(fm, "cover_credit", "");
        in.teaser = get(fm, "teaser", "");
        enum episode_status st;
        if (episode_status_parse(get(fm, "status", "published"), &st) != 0)
                return fail(r, fm->file, line_of(fm, "status"),
                            "status must be draft, scheduled or published");
        in.status = st == EPISODE_DRAFT ? EPISODE_DRAFT : EPISODE_PUBLISHED;
        enum ai_disclosure ai;
        if (ai_disclosure_parse(get(fm, "ai", "none"), &ai) != 0)
                return fail(r, fm->file, line_of(fm, "ai"),
                            "ai must be none, assisted or generated");
        in.ai = ai;
        const char *cover = get(fm, "cover", "");
        if (*cover) {
                if (!*in.cover_alt)
                        return fail(r, fm->file, line_of(fm, "cover"),
                                    "a cover needs cover_alt: describe the image for readers "
                                    "who cannot see it");
                if (strstr(cover, "..") || cover[0] == '/')
                        return fail(r, fm->file, line_of(fm, "cover"),
                                    "cover must be a path inside the import folder");
                struct buf bytes = BUF_INIT;
                if (!read || read(read_ctx, cover, &bytes) != 0) {
                        buf_free(&bytes);
                        return fail(r, fm->file, line_of(fm, "cover"), "cannot read cover \"%s\"",
                                    cover);
                }
                int rc = image_store(db, data_dir, bytes.data, bytes.len, 0, &in.cover_image_id);
                buf_free(&bytes);
                if (rc != IMAGE_OK)
                        return fail(r, fm->file, line_of(fm, "cover"), "cover \"%s\": %s", cover,
                                    image_problem(rc));
                r->images++;
        }
        /* the questions, one per line of the list's value (check_keys counted them) */
        const char *prompts[KD_PROMPTS_PER_EPISODE] = {"", "", "", "", ""};
        if (key_index(fm, "prompts") >= 0) {
                char *list = arena_strdup(a, get(fm, "prompts", ""));
                for (int i = 0; list && *list && i < KD_PROMPTS_PER_EPISODE; i++) {
                        prompts[i] = list;
                        list = strchr(list, '\n');
                        if (list)
                                *list++ = '\0';
                }
                in.prompts = prompts;
        }
        struct field_problem p = {0};
        int64_t id;
        int rc = episode_save(db, 0, &in, &id, &p);
        if ((rc == PUB_TAKEN || rc == PUB_INVALID) && strncmp(p.field, "prompt", 6) == 0)
                return fail(r, fm->file, line_of(fm, "prompts") + (p.field[6] ? p.field[6] - '0' : 0), "prompts: %s",
                            p.message ? p.message : "invalid");
        if (rc == PUB_TAKEN || rc == PUB_INVALID)
                return problem(r, fm, &p, field_key(p.field));
        if (rc != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the episode");
        /* An imported episode keeps its history: written and last edited when it went out. */
        if (episode_set_times(db, id, in.publish_at, in.publish_at) != PUB_OK)
                return fail(r, fm->file, 0, "the database refused the episode");
        r->episodes++;
        return 0;
}

int import_markdown_files(struct db *db, const char *data_dir, const struct import_file *files,
                          size_t count, import_read_fn read, void *read_ctx, int shift_to_now,
                          struct import_report *r)
{
        memset(r, 0, sizeof(*r));
        if (count > KD_MAX_IMPORT_FILES)
                return fail(r, "import", 0, "more than %d files", KD_MAX_IMPORT_FILES);
        struct arena *a = arena_new();
        struct front_matter *fms = arena_alloc(a, (count ? count : 1) * sizeof(*fms));
        int rc = 0;
        int64_t newest = 0;
        /* Pass 1: every file parses, before anything is written. */
        for (size_t i = 0; i < count && rc == 0; i++) {
                rc = parse_front_matter(a, &files[i], &fms[i], r);
                if (rc == 0)
                        rc = check_keys(&fms[i], r);
                if (rc == 0 && strcmp(get(&fms[i], "kind", "episode"), "episode") == 0 &&
                    strcmp(get(&fms[i], "status", "published"), "published") == 0) {
                        int64_t t;
                        if (parse_date(get(&fms[i], "date", ""), &t) == 0 && t > newest)
                                newest = t;
                }
        }
        if (rc == 0)
                rc = check_duplicate_slugs(a, fms, count, r);
        int64_t shift = 0;
        if (shift_to_now && newest > 0) {
                int64_t week = 7 * 86400, now = time_now();
                if (now > newest)
                        shift = (now - newest) / week * week;
        }
        if (rc == 0 && db_begin(db) != DB_OK)
                rc = fail(r, "import", 0, "the database is busy");
        else if (rc != 0)
                goto done;
        for (size_t i = 0; i < count && rc == 0; i++) {
                const char *kind = get(&fms[i], "kind", "episode");
                if (strcmp(kind, "newsletter") == 0)
                        rc = import_newsletter(db, a, &fms[i], r);
                else if (strcmp(kind, "season") == 0)
                        rc = import_season(db, a, &fms[i], shift, r);
                else if (strcmp(kind, "episode") == 0)
                        rc = import_episode(db, a, data_dir, &fms[i], shift, read, read_ctx, r);
                else
                        rc = fail(r, fms[i].file, line_of(&fms[i], "kind"),
                                  "kind must be newsletter, season or episode");
        }
        if (rc == 0 && db_commit(db) != DB_OK)
                rc = fail(r, "import", 0, "the database could not save the import");
        if (rc != 0) {
                db_rollback(db);
                r->newsletters = r->seasons = r->episodes = r->images = 0;
        }
done:
        arena_free(a);
        return rc;
}

/* ------------------------------------------------------------------ from a folder */

static int read_whole(const char *path, struct buf *out, size_t limit)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return -1;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
                buf_append(out, chunk, n);
                if (out->len > limit) {
                        fclose(f);
                        return -1;
                }
        }
        int err = ferror(f);
        fclose(f);
        return err ? -1 : 0;
}

static int read_relative(void *ctx, const char *relative, struct buf *out)
{
        const char *dir = ctx;
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, relative) >= sizeof(path))
                return -1;
        return read_whole(path, out, KD_MAX_IMAGE_BYTES);
}

static int by_name(const void *x, const void *y)
{
        return strcmp(*(char *const *)x, *(char *const *)y);
}

int import_markdown_dir(struct db *db, const char *data_dir, const char *dir,
                        struct import_report *r)
{
        memset(r, 0, sizeof(*r));
        DIR *d = opendir(dir);
        if (!d)
                return fail(r, dir, 0, "cannot open the folder: %s", strerror(errno));
        struct arena *a = arena_new();
        size_t cap = 64, n = 0;
        char **names = arena_alloc(a, cap * sizeof(*names));
        struct dirent *de;
        int rc = 0;
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (len < 4 || strcmp(de->d_name + len - 3, ".md") != 0 || de->d_name[0] == '.')
                        continue;
                if (n == KD_MAX_IMPORT_FILES) {
                        rc = fail(r, dir, 0, "more than %d files", KD_MAX_IMPORT_FILES);
                        break;
                }
                if (n == cap) {
                        char **bigger = arena_alloc(a, 2 * cap * sizeof(*names));
                        memcpy(bigger, names, n * sizeof(*names));
                        names = bigger;
                        cap *= 2;
                }
                names[n++] = arena_strdup(a, de->d_name);
        }
        closedir(d);
        if (rc == 0 && n == 0)
                rc = fail(r, dir, 0, "no .md files to import");
        struct import_file *files = arena_alloc(a, (n ? n : 1) * sizeof(*files));
        struct buf *bufs = arena_zalloc(a, (n ? n : 1) * sizeof(*bufs));
        if (rc == 0) {
                qsort(names, n, sizeof(*names), by_name);
                for (size_t i = 0; i < n && rc == 0; i++) {
                        char path[4096];
                        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                        if (read_whole(path, &bufs[i], KD_MAX_IMPORT_FILE_BYTES) != 0)
                                rc = fail(r, names[i], 0,
                                          "cannot read the file, or it is larger "
                                          "than %d bytes",
                                          KD_MAX_IMPORT_FILE_BYTES);
                        files[i] = (struct import_file){names[i], bufs[i].data ? bufs[i].data : "",
                                                        bufs[i].len};
                }
        }
        if (rc == 0)
                rc =
                    import_markdown_files(db, data_dir, files, n, read_relative, (void *)dir, 0, r);
        for (size_t i = 0; i < n; i++)
                buf_free(&bufs[i]);
        arena_free(a);
        return rc;
}
