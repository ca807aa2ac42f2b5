/* Locales, language negotiation and catalog lookup over the catalogs compiled in from po/. */
#include "core/i18n.h"
#include "core/i18n_catalog.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- plural rules */

unsigned i18n_plural_one_other(unsigned long n)
{
        return n == 1 ? 0 : 1;
}

unsigned i18n_plural_zero_one(unsigned long n)
{
        return n > 1 ? 1 : 0;
}

unsigned i18n_plural_none(unsigned long n)
{
        (void)n;
        return 0;
}

/* ---------------------------------------------------------------- locales */

const struct locale *i18n_default(void)
{
        return &i18n_locales[0]; /* the generator puts English first */
}

size_t i18n_count(void)
{
        return i18n_locale_count;
}

const struct locale *i18n_at(size_t i)
{
        return i < i18n_locale_count ? &i18n_locales[i] : NULL;
}

const char *i18n_tag(const struct locale *l)
{
        return l->tag;
}

const char *i18n_name(const struct locale *l)
{
        return l->name;
}

static bool is_alpha(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
        return is_alpha(c) || (c >= '0' && c <= '9');
}

/* True when the len bytes at s equal the lower-case ASCII word w, ignoring case. */
static bool span_is(const char *s, size_t len, const char *w)
{
        return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

/* The locale whose tag equals (ignoring case) the len bytes at tag. */
static const struct locale *locale_by_tag(const char *tag, size_t len)
{
        for (size_t i = 0; i < i18n_locale_count; i++)
                if (span_is(tag, len, i18n_locales[i].tag))
                        return &i18n_locales[i];
        return NULL;
}

/* Chinese tags (zh, cmn) name Simplified Chinese unless their script is Hant or, without a
 * script, their region is one where Traditional characters are the norm. */
static const struct locale *match_chinese(const char *subtags[], const size_t lens[], size_t n)
{
        for (size_t i = 1; i < n; i++) {
                if (lens[i] != 4)
                        continue; /* the script is the only four-letter subtag */
                if (span_is(subtags[i], lens[i], "hans"))
                        return locale_by_tag("zh-CN", 5);
                return NULL; /* Hant, or a script no catalog has */
        }
        if (n > 1 && (span_is(subtags[1], lens[1], "tw") || span_is(subtags[1], lens[1], "hk") ||
                      span_is(subtags[1], lens[1], "mo")))
                return NULL;
        return locale_by_tag("zh-CN", 5);
}

/* The locale for a language tag given as len bytes (not NUL-terminated), or NULL. Subtags may
 * be separated by "-" or "_" ("zh_CN" from a hand-written cookie). A tag matches a catalog of
 * the same tag, or of its first subtags ("en-GB" -> "en"); Chinese is matched by script. */
static const struct locale *match_tag(const char *tag, size_t len)
{
        enum { MAX_SUBTAGS = 8 };
        const char *subtags[MAX_SUBTAGS];
        size_t lens[MAX_SUBTAGS];
        size_t n = 0;
        size_t i = 0;
        if (len == 0 || len > 64)
                return NULL;
        while (i < len) {
                size_t start = i;
                while (i < len && is_alnum(tag[i]))
                        i++;
                size_t sublen = i - start;
                if (sublen == 0 || sublen > 8)
                        return NULL;
                if (i < len && tag[i] != '-' && tag[i] != '_')
                        return NULL;
                if (n == MAX_SUBTAGS)
                        break; /* extensions beyond the first few subtags do not matter here */
                subtags[n] = tag + start;
                lens[n++] = sublen;
                if (i < len && ++i == len)
                        return NULL; /* a trailing separator */
        }
        /* The primary language: two or three letters. */
        if (lens[0] < 2 || lens[0] > 3)
                return NULL;
        for (size_t k = 0; k < lens[0]; k++)
                if (!is_alpha(subtags[0][k]))
                        return NULL;
        if (span_is(subtags[0], lens[0], "zh") || span_is(subtags[0], lens[0], "cmn"))
                return match_chinese(subtags, lens, n);
        /* The longest prefix of whole subtags that names a catalog. */
        for (size_t k = n; k > 0; k--) {
                size_t prefix = (size_t)(subtags[k - 1] + lens[k - 1] - tag);
                char copy[65];
                memcpy(copy, tag, prefix);
                copy[prefix] = '\0';
                for (char *c = copy; *c; c++)
                        if (*c == '_')
                                *c = '-';
                const struct locale *l = locale_by_tag(copy, prefix);
                if (l)
                        return l;
        }
        return NULL;
}

const struct locale *i18n_find(const char *tag)
{
        return tag ? match_tag(tag, strlen(tag)) : NULL;
}

/* ---------------------------------------------------------------- negotiation */

static bool is_ows(char c)
{
        return c == ' ' || c == '\t';
}

/* Reads an RFC 9110 qvalue from the len bytes at s into thousandths. Returns false for anything
 * else ("0.5x", "2", "-1", "", more than three decimals). */
static bool parse_qvalue(const char *s, size_t len, unsigned *out)
{
        if (len == 0 || (s[0] != '0' && s[0] != '1'))
                return false;
        unsigned q = (unsigned)(s[0] - '0') * 1000;
        if (len == 1) {
                *out = q;
                return true;
        }
        if (s[1] != '.' || len > 5)
                return false;
        unsigned scale = 100;
        for (size_t i = 2; i < len; i++, scale /= 10) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                q += (unsigned)(s[i] - '0') * scale;
        }
        if (q > 1000)
                return false;
        *out = q;
        return true;
}

/* Reads one Accept-Language element, the len bytes at s ("zh-CN;q=0.9"): sets *tag and *tag_len
 * and *q in thousandths. Returns false when the element is malformed. */
static bool parse_element(const char *s, size_t len, const char **tag, size_t *tag_len, unsigned *q)
{
        size_t i = 0;
        while (i < len && is_ows(s[i]))
                i++;
        size_t start = i;
        while (i < len && s[i] != ';' && !is_ows(s[i]))
                i++;
        *tag = s + start;
        *tag_len = i - start;
        *q = 1000;
        while (i < len) {
                while (i < len && is_ows(s[i]))
                        i++;
                if (i == len)
                        break;
                if (s[i] != ';')
                        return false;
                i++;
                while (i < len && is_ows(s[i]))
                        i++;
                size_t p = i;
                while (i < len && s[i] != ';' && !is_ows(s[i]))
                        i++;
                if (i - p >= 2 && (s[p] == 'q' || s[p] == 'Q') && s[p + 1] == '=') {
                        if (!parse_qvalue(s + p + 2, i - p - 2, q))
                                return false;
                } else if (i == p) {
                        return false;
                }
        }
        return *tag_len > 0;
}

const struct locale *i18n_negotiate_or(const char *header, const struct locale *fallback)
{
        const struct locale *best = NULL;
        unsigned best_q = 0;
        if (!header)
                return fallback;
        const char *p = header;
        for (;;) {
                const char *end = strchr(p, ',');
                size_t len = end ? (size_t)(end - p) : strlen(p);
                const char *tag;
                size_t tag_len;
                unsigned q;
                /* q=0 means "not this one"; a tie keeps the earlier language. */
                if (parse_element(p, len, &tag, &tag_len, &q) && q > best_q) {
                        const struct locale *l = match_tag(tag, tag_len);
                        if (l) {
                                best = l;
                                best_q = q;
                        }
                }
                if (!end)
                        break;
                p = end + 1;
        }
        return best ? best : fallback;
}

const struct locale *i18n_negotiate(const char *accept_language)
{
        return i18n_negotiate_or(accept_language, i18n_default());
}

const struct locale *i18n_choose(const char *preference, const char *accept_language,
                                 const struct locale *site_default)
{
        const struct locale *l = preference ? i18n_find(preference) : NULL;
        if (l)
                return l;
        return i18n_negotiate_or(accept_language, site_default ? site_default : i18n_default());
}

/* ---------------------------------------------------------------- lookup */

/* Orders (context, msgid) keys as the generator sorted them: no context first. */
static int compare_key(const char *ctxt, const char *msgid, const struct i18n_entry *e)
{
        if (!ctxt != !e->msgctxt)
                return ctxt ? 1 : -1;
        if (ctxt) {
                int c = strcmp(ctxt, e->msgctxt);
                if (c)
                        return c;
        }
        return strcmp(msgid, e->msgid);
}

static const struct i18n_entry *lookup(const struct locale *l, const char *ctxt, const char *msgid)
{
        size_t lo = 0, hi = l->count;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = compare_key(ctxt, msgid, &l->entries[mid]);
                if (c == 0)
                        return &l->entries[mid];
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

const char *i18n_get(const struct locale *l, const char *msgid)
{
        const struct i18n_entry *e = lookup(l, NULL, msgid);
        return e && e->forms == 0 ? e->msgstr[0] : msgid;
}

const char *i18n_pget(const struct locale *l, const char *context, const char *msgid)
{
        const struct i18n_entry *e = lookup(l, context, msgid);
        return e && e->forms == 0 ? e->msgstr[0] : msgid;
}

const char *i18n_nget(const struct locale *l, const char *singular, const char *plural,
                      unsigned long n)
{
        const struct i18n_entry *e = lookup(l, NULL, singular);
        if (e && e->forms > 0) {
                unsigned form = l->plural_form(n);
                if (form < e->forms)
                        return e->msgstr[form];
        }
        return i18n_plural_one_other(n) ? plural : singular; /* the English of the source */
}

const char *i18n_js_catalog_json(const struct locale *l)
{
        return l->js_json;
}
