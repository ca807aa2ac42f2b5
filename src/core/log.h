/* Logging to standard error, one line per event. */
#ifndef KD_LOG_H
#define KD_LOG_H

#include <stdbool.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Turns the per-request access log on or off (on by default). */
void log_set_access(bool on);
bool log_access_enabled(void);

#endif
