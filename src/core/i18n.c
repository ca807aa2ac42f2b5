/* Locales, Accept-Language negotiation and catalog lookup. */
#include "core/i18n.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct catalog_entry {
        const char *msgid;
        const char *msgstr[2]; /* singular, plural (plural NULL for plain messages) */
};

struct locale {
        const char *tag;
        /* Index of the plural form for n, as in a .po file's Plural-Forms header. */
        unsigned (*plural_form)(unsigned long n);
        const struct catalog_entry *entries; /* sorted by msgid; NULL for the source language */
        size_t count;
};

static unsigned plural_english(unsigned long n)
{
        return n == 1 ? 0 : 1;
}

static const struct locale locales[] = {
    {"en", plural_english, NULL, 0},
};

const struct locale *i18n_default(void)
{
        return &locales[0];
}

const struct locale *i18n_find(const char *tag)
{
        for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++)
                if (strcasecmp(locales[i].tag, tag) == 0)
                        return &locales[i];
        /* "en-GB" falls back to "en" */
        for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
                size_t n = strlen(locales[i].tag);
                if (strncasecmp(locales[i].tag, tag, n) == 0 && tag[n] == '-')
                        return &locales[i];
        }
        return NULL;
}

const struct locale *i18n_negotiate(const char *header)
{
        const struct locale *best = NULL;
        double best_q = 0;
        if (!header)
                return i18n_default();
        const char *p = header;
        while (*p) {
                while (*p == ' ' || *p == ',')
                        p++;
                char tag[36];
                size_t n = 0;
                while (*p && *p != ',' && *p != ';' && *p != ' ') {
                        if (n + 1 < sizeof(tag))
                                tag[n++] = *p;
                        p++;
                }
                tag[n] = '\0';
                double q = 1.0;
                while (*p == ' ')
                        p++;
                if (*p == ';') {
                        const char *qs = strstr(p, "q=");
                        const char *comma = strchr(p, ',');
                        if (qs && (!comma || qs < comma)) {
                                /* q is 0, 1 or 0.xxx: read it without locale-dependent strtod */
                                q = qs[2] == '1' ? 1.0 : 0.0;
                                if (qs[2] == '0' && qs[3] == '.') {
                                        double scale = 0.1;
                                        for (const char *d = qs + 4; isdigit((unsigned char)*d);
                                             d++, scale /= 10)
                                                q += (*d - '0') * scale;
                                }
                        }
                        while (*p && *p != ',')
                                p++;
                }
                if (n && q > best_q) {
                        const struct locale *l = i18n_find(tag);
                        if (l) {
                                best = l;
                                best_q = q;
                        }
                }
        }
        return best ? best : i18n_default();
}

const char *i18n_tag(const struct locale *l)
{
        return l->tag;
}

static const struct catalog_entry *lookup(const struct locale *l, const char *msgid)
{
        size_t lo = 0, hi = l->count;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(msgid, l->entries[mid].msgid);
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
        const struct catalog_entry *e = l->entries ? lookup(l, msgid) : NULL;
        return e && e->msgstr[0] && *e->msgstr[0] ? e->msgstr[0] : msgid;
}

const char *i18n_nget(const struct locale *l, const char *singular, const char *plural,
                      unsigned long n)
{
        unsigned form = l->plural_form(n);
        const struct catalog_entry *e = l->entries ? lookup(l, singular) : NULL;
        if (e && form < 2 && e->msgstr[form] && *e->msgstr[form])
                return e->msgstr[form];
        return plural_english(n) ? plural : singular;
}
