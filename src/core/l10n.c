/* Locale-aware numbers, dates and relative times, worded by the catalogs (see l10n.h). */
#include "core/l10n.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"

#include <string.h>

/* Months and weekdays are looked up with a context: "May" the month is not "may" the verb.
 * NC_ only marks a string and its context for xgettext (po/extract.py). */
#define NC_(context, msgid) msgid
static const char *const month_names[12] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
    NC_("month", "April"),   NC_("month", "May"),      NC_("month", "June"),
    NC_("month", "July"),    NC_("month", "August"),   NC_("month", "September"),
    NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
};

static const char *const weekday_names[7] = {
    NC_("weekday", "Sunday"),    NC_("weekday", "Monday"),   NC_("weekday", "Tuesday"),
    NC_("weekday", "Wednesday"), NC_("weekday", "Thursday"), NC_("weekday", "Friday"),
    NC_("weekday", "Saturday"),
};

/* Copies the arena string out of a buffer and frees the buffer. */
static char *finish(struct arena *a, struct buf *b)
{
        char *s = arena_strndup(a, b->data ? b->data : "", b->len);
        buf_free(b);
        return s;
}

char *l10n_number(struct arena *a, const struct locale *l, int64_t n)
{
        /* TRANSLATORS: put between groups of three digits in numbers ("1,234,567"). */
        const char *sep = i18n_pget(l, "thousands separator", ",");
        /* Digits of |n| from the right; unsigned, so INT64_MIN has a magnitude too. */
        uint64_t v = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
        char digits[24];
        size_t count = 0;
        do {
                digits[count++] = (char)('0' + v % 10);
                v /= 10;
        } while (v);
        struct buf b = BUF_INIT;
        if (n < 0)
                buf_putc(&b, '-');
        for (size_t i = count; i > 0; i--) {
                buf_putc(&b, digits[i - 1]);
                if (i > 1 && (i - 1) % 3 == 0)
                        buf_puts(&b, sep);
        }
        return finish(a, &b);
}

/* The civil date of Unix time t (UTC): year, month 1-12, day 1-31, weekday 0 = Sunday.
 * Days since 1970-01-01 converted through 400-year eras of 146097 days. */
struct civil {
        int64_t year;
        int month, day, weekday;
};

static struct civil civil_from_time(int64_t t)
{
        int64_t days = t / 86400 - (t % 86400 < 0 ? 1 : 0);
        struct civil c;
        int64_t wd = (days + 4) % 7; /* 1970-01-01 was a Thursday */
        c.weekday = (int)(wd < 0 ? wd + 7 : wd);
        int64_t z = days + 719468; /* days since 0000-03-01 */
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;                                      /* [0, 146096] */
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
        int64_t mp = (5 * doy + 2) / 153;                                    /* March = 0 */
        c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
        c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
        c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
        return c;
}

const char *l10n_weekday(const struct locale *l, int weekday)
{
        if (weekday < 0 || weekday > 6)
                return NULL;
        return i18n_pget(l, "weekday", weekday_names[weekday]);
}

/* A month's short name, for chart axes ("Sep"; Chinese patterns use {month_number}). */
static const char *const month_short_names[] = {
    NC_("month short", "Jan"), NC_("month short", "Feb"), NC_("month short", "Mar"),
    NC_("month short", "Apr"), NC_("month short", "May"), NC_("month short", "Jun"),
    NC_("month short", "Jul"), NC_("month short", "Aug"), NC_("month short", "Sep"),
    NC_("month short", "Oct"), NC_("month short", "Nov"), NC_("month short", "Dec"),
};

/* Expands a date pattern from the catalog: {year}, {month} (the name), {month_short},
 * {month_number}, {day}
 * and {weekday}; any other text, braces included, is copied as it is. */
static char *expand_date(struct arena *a, const struct locale *l, const char *pattern, int64_t t)
{
        struct civil c = civil_from_time(t);
        struct buf b = BUF_INIT;
        for (const char *p = pattern; *p;) {
                if (strncmp(p, "{year}", 6) == 0) {
                        buf_printf(&b, "%lld", (long long)c.year);
                        p += 6;
                } else if (strncmp(p, "{month_number}", 14) == 0) {
                        buf_printf(&b, "%d", c.month);
                        p += 14;
                } else if (strncmp(p, "{month_short}", 13) == 0) {
                        buf_puts(&b, i18n_pget(l, "month short", month_short_names[c.month - 1]));
                        p += 13;
                } else if (strncmp(p, "{month}", 7) == 0) {
                        buf_puts(&b, i18n_pget(l, "month", month_names[c.month - 1]));
                        p += 7;
                } else if (strncmp(p, "{day}", 5) == 0) {
                        buf_printf(&b, "%d", c.day);
                        p += 5;
                } else if (strncmp(p, "{weekday}", 9) == 0) {
                        buf_puts(&b, l10n_weekday(l, c.weekday));
                        p += 9;
                } else {
                        buf_putc(&b, *p++);
                }
        }
        return finish(a, &b);
}

char *l10n_date(struct arena *a, const struct locale *l, int64_t t)
{
        /* TRANSLATORS: a day. Keep the words in braces: {day} (8), {month} (the month's name),
         * {month_number} (12), {year} (2026), {weekday} (the weekday's name). */
        return expand_date(a, l, i18n_pget(l, "date", "{day} {month} {year}"), t);
}

char *l10n_date_long(struct arena *a, const struct locale *l, int64_t t)
{
        /* TRANSLATORS: a day with its weekday. Keep the words in braces: {day} (8), {month} (the
         * month's name), {month_number} (12), {year} (2026), {weekday} (the weekday's name). */
        return expand_date(a, l, i18n_pget(l, "date", "{weekday}, {day} {month} {year}"), t);
}

char *l10n_date_short(struct arena *a, const struct locale *l, int64_t t)
{
        /* TRANSLATORS: a day without its year, for a chart's axis. Keep the words in braces:
         * {day} (8), {month_short} (the month's short name), {month_number} (12). */
        return expand_date(a, l, i18n_pget(l, "date", "{day} {month_short}"), t);
}

char *l10n_relative_time(struct arena *a, const struct locale *l, int64_t t, int64_t now)
{
        if (t > now && t - now > 60)
                return l10n_date(a, l, t); /* a schedule: the day itself says more */
        int64_t ago = now - t;
        if (ago < 60)
                return arena_strdup(a, i18n_get(l, "just now"));
        long long n;
        const char *fmt;
        if (ago >= 365 * 86400) {
                n = ago / (365 * 86400);
                fmt = i18n_nget(l, "%lld year ago", "%lld years ago", (unsigned long)n);
        } else if (ago >= 30 * 86400) {
                n = ago / (30 * 86400);
                fmt = i18n_nget(l, "%lld month ago", "%lld months ago", (unsigned long)n);
        } else if (ago >= 7 * 86400) {
                n = ago / (7 * 86400);
                fmt = i18n_nget(l, "%lld week ago", "%lld weeks ago", (unsigned long)n);
        } else if (ago >= 86400) {
                n = ago / 86400;
                fmt = i18n_nget(l, "%lld day ago", "%lld days ago", (unsigned long)n);
        } else if (ago >= 3600) {
                n = ago / 3600;
                fmt = i18n_nget(l, "%lld hour ago", "%lld hours ago", (unsigned long)n);
        } else {
                n = ago / 60;
                fmt = i18n_nget(l, "%lld minute ago", "%lld minutes ago", (unsigned long)n);
        }
        return arena_printf(a, fmt, n);
}
