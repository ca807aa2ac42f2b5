/* Clocks and time formatting. */
#include "core/timeutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

int64_t time_now(void)
{
        return (int64_t)time(NULL);
}

uint64_t time_mono_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void time_iso8601(int64_t t, char *out, size_t size)
{
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_http_date(int64_t t, char *out, size_t size)
{
        static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        /* strftime's %a/%b follow the C locale only by luck; HTTP needs English names. */
        char tail[16];
        strftime(tail, sizeof(tail), "%Y %H:%M:%S", &tm);
        snprintf(out, size, "%s, %02d %s %s GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                 tail);
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
        int v = 0;
        for (int i = 0; i < n; i++) {
                char c = (*p)[i];
                if (c < '0' || c > '9')
                        return -1;
                v = v * 10 + (c - '0');
        }
        *p += n;
        *out = v;
        return 0;
}

int time_parse_iso8601(const char *s, int64_t *out)
{
        int y, mo, d, h = 0, mi = 0, sec = 0;
        const char *p = s;
        if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
            digits(&p, 2, &d))
                return -1;
        if (*p == 'T' || *p == ' ') {
                p++;
                if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
                        return -1;
                if (*p == ':') {
                        p++;
                        if (digits(&p, 2, &sec))
                                return -1;
                }
        }
        if (*p == 'Z')
                p++;
        if (*p)
                return -1;
        static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] ||
            (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
                return -1;
        struct tm tm = {0};
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        *out = (int64_t)timegm(&tm);
        return 0;
}

void time_cond_init_monotonic(pthread_cond_t *c)
{
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(c, &attr);
        pthread_condattr_destroy(&attr);
}

struct timespec time_after_ms(int clock, long ms)
{
        struct timespec t;
        clock_gettime((clockid_t)clock, &t);
        t.tv_sec += ms / 1000;
        t.tv_nsec += ms % 1000 * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
                t.tv_sec++;
                t.tv_nsec -= 1000000000L;
        }
        return t;
}
