/* Translation of user-visible strings, gettext style.
 *
 * Pages write _("Log in") and _n("%d reply", "%d replies", n); both macros read the locale of the
 * request in scope (a variable named req), so pages never pass it by hand. Catalogs come from
 * po/<lang>.po files; a missing translation falls back to the English msgid. */
#ifndef KD_I18N_H
#define KD_I18N_H

struct locale;

/* The built-in English locale (never NULL). */
const struct locale *i18n_default(void);
/* The locale for a tag such as "en" or "zh-CN", or NULL when there is no catalog for it. */
const struct locale *i18n_find(const char *tag);
/* Picks the best supported locale for an Accept-Language header (NULL header: default). */
const struct locale *i18n_negotiate(const char *accept_language);
/* The BCP 47 tag, for <html lang>. */
const char *i18n_tag(const struct locale *l);
/* Translated text for msgid; the result lives as long as the program. */
const char *i18n_get(const struct locale *l, const char *msgid);
/* Translated singular/plural form for n. */
const char *i18n_nget(const struct locale *l, const char *singular, const char *plural,
                      unsigned long n);

#define _(msgid)                i18n_get(req->locale, msgid)
#define _n(singular, plural, n) i18n_nget(req->locale, singular, plural, n)
/* Marks a string for extraction without translating it here. */
#define N_(msgid) msgid

#endif
