/* The compiled catalogs' layout, shared by core/i18n.c and the table that po/gen_catalogs.py
 * generates from po/<lang>.po at build time (catalogs_embedded.c). Nothing else includes this. */
#ifndef KD_I18N_CATALOG_H
#define KD_I18N_CATALOG_H

#include <stddef.h>

/* Most plural forms any supported language has (gettext's Plural-Forms nplurals). */
#define I18N_MAX_FORMS 6

/* One translated message. Entries without a context come first; then the order is by context,
 * then msgid, byte by byte (strcmp), so lookups are a binary search. */
struct i18n_entry {
        const char *msgctxt; /* NULL for most messages */
        const char *msgid;
        const char *msgstr[I18N_MAX_FORMS]; /* [0] only for plain messages; every form non-empty */
        unsigned char forms;                /* 0 for a plain message, else nplurals */
};

/* Plural rules, one per Plural-Forms expression the generator knows: the index of the form for
 * n. Defined in i18n.c. */
unsigned i18n_plural_one_other(unsigned long n); /* nplurals=2; plural=(n != 1); */
unsigned i18n_plural_zero_one(unsigned long n);  /* nplurals=2; plural=(n > 1); */
unsigned i18n_plural_none(unsigned long n);      /* nplurals=1; plural=0; */

struct locale {
        const char *tag;  /* BCP 47, for <html lang>: "en", "zh-CN" */
        const char *name; /* the language's own name, for a language switcher: "简体中文" */
        unsigned (*plural_form)(unsigned long n);
        unsigned nplurals;
        const struct i18n_entry *entries;
        size_t count;
        const char *js_json; /* kindred.js's messages as a JSON object, safe inside <script> */
};

/* Every locale with a catalog, English first. */
extern const struct locale i18n_locales[];
extern const size_t i18n_locale_count;

#endif
