/* Logging to standard error with a UTC timestamp; stdio locks each line. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_bool access_on = true;

static void log_line(const char *level, const char *fmt, va_list ap)
{
        char line[2048];
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
        int n = snprintf(line, sizeof(line), "%s %s ", stamp, level);
        if (n < 0)
                return;
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
        fprintf(stderr, "%s\n", line);
}

#define LOG_FN(name, level)                                                                        \
        void name(const char *fmt, ...)                                                            \
        {                                                                                          \
                va_list ap;                                                                        \
                va_start(ap, fmt);                                                                 \
                log_line(level, fmt, ap);                                                          \
                va_end(ap);                                                                        \
        }

LOG_FN(log_info, "info")
LOG_FN(log_warn, "warn")
LOG_FN(log_error, "error")

void log_set_access(bool on)
{
        access_on = on;
}

bool log_access_enabled(void)
{
        return access_on;
}
