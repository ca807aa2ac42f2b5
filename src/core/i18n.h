/* Translation of user-visible strings, gettext style.
 *
 * Renderers write _("Log in") and _n("%d reply", "%d replies", n); both macros read the locale of
 * the render context in scope — a variable named r of type struct render * (web/render.h) — so
 * renderers never pass it by hand, and the same code translates for a web page, an email or a
 * feed. Catalogs come from po/<lang>.po files; a missing translation falls back to the English
 * msgid. */
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

#define _(msgid)                i18n_get(r->locale, msgid)
#define _n(singular, plural, n) i18n_nget(r->locale, singular, plural, n)
/* Marks a string for extraction without translating it here. */
#define N_(msgid) msgid

/* ---- Catalogs and language choice (core/i18n.c, catalogs compiled from po/<lang>.po) ----
 *
 * Every locale lives as long as the program; nothing here allocates or switches a process-wide
 * locale, so any thread may call any of these at any time. */

#include <stddef.h>

/* Translated text for msgid in a context (msgctxt), for words whose translation depends on
 * where they are used (a month's name, a separator); msgid itself when there is none. */
const char *i18n_pget(const struct locale *l, const char *context, const char *msgid);
/* Picks by quality value from an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8"); fallback
 * (the site default) when the header is NULL, malformed or names nothing supported. zh, zh-CN,
 * zh-SG, zh-Hans and zh-Hans-CN are Simplified Chinese; zh-TW, zh-HK and zh-Hant are not. */
const struct locale *i18n_negotiate_or(const char *accept_language,
                                       const struct locale *fallback);
/* The interface language: an explicit preference (a cookie's or a member's saved tag, NULL or
 * unsupported ignored), else Accept-Language, else site_default (NULL: English). Never NULL. */
const struct locale *i18n_choose(const char *preference, const char *accept_language,
                                 const struct locale *site_default);
/* The locales with a catalog, English first (index 0), for a language switcher. */
size_t i18n_count(void);
/* The i-th locale, or NULL past the end. */
const struct locale *i18n_at(size_t i);
/* The language's name in itself ("English", "简体中文"). */
const char *i18n_name(const struct locale *l);
/* static/kindred.js's messages for l as a JSON object (msgid -> translation; a message with
 * plural forms -> array of forms), with < > & escaped so it can sit inside
 * <script type="application/json" id="kd-strings"> unchanged. Static; never NULL. */
const char *i18n_js_catalog_json(const struct locale *l);

#endif
