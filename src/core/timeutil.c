/* Clocks and time formatting. */
#include "core/timeutil.h"

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
