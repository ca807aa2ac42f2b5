/* Choosing the interface language: the footer switcher's POST /language and the settings
 * section (docs/i18n.md, "Choosing the language"). */
#ifndef KD_WEB_LANGUAGE_H
#define KD_WEB_LANGUAGE_H

struct render;
struct request;

/* The cookie that carries a visitor's chosen language (a tag such as "zh-CN"), for guests and
 * members alike; a member's saved preference wins over it. */
#define WEB_LANGUAGE_COOKIE "kd_lang"

/* POST /language: lang (a tag with a catalog, or "" for "no choice": the browser's language)
 * and next (a local path to return to). Sets or clears the cookie, saves a member's preference,
 * and redirects to next (or "/"). */
int web_language(struct request *req);

/* The settings page's section: the member's saved interface language (saved may be NULL: not
 * chosen) as a form posting to /language, which comes back to /settings. */
void language_settings_section(struct render *r, const char *saved);

#endif
