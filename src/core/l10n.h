/* Numbers, dates and relative times written in a locale's convention ("1,234", "3 days ago" /
 * "3 天前", "Tuesday, 8 December 2026" / "2026年12月8日 星期二").
 *
 * Every function returns text allocated in the arena (it lives as long as the arena) and never
 * NULL; the text is plain, so renderers write it through html_text()/html_attr() like any other.
 * The words and patterns come from the catalogs (po/<lang>.po), so a new language needs no code
 * here. Times are Unix seconds shown in UTC, as everywhere else in Kindred. */
#ifndef KD_L10N_H
#define KD_L10N_H

#include <stdint.h>

struct arena;
struct locale;

/* n with the locale's thousands separator: "1,234,567", "-42", "0". */
char *l10n_number(struct arena *a, const struct locale *l, int64_t n);
/* How long before now t was: "just now" (under a minute either way), "1 minute ago",
 * "5 hours ago", "3 days ago", "2 weeks ago", "10 months ago", "2 years ago" (a month is 30
 * days, a year 365). A time more than a minute after now (a schedule) is its date, as
 * l10n_date() writes it. */
char *l10n_relative_time(struct arena *a, const struct locale *l, int64_t t, int64_t now);
/* The day of t: "8 December 2026" / "2026年12月8日". */
char *l10n_date(struct arena *a, const struct locale *l, int64_t t);
/* The day of t without its year, short, for a chart's axis: "8 Dec" / "12月8日". */
char *l10n_date_short(struct arena *a, const struct locale *l, int64_t t);
/* The day of t with its weekday: "Tuesday, 8 December 2026" / "2026年12月8日 星期二". */
char *l10n_date_long(struct arena *a, const struct locale *l, int64_t t);
/* The name of a weekday, 0 = Sunday ... 6 = Saturday ("Tuesday" / "星期二"); NULL past 6. */
const char *l10n_weekday(const struct locale *l, int weekday);

#endif
