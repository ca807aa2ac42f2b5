/* Clocks and time formatting. */
#ifndef KD_TIMEUTIL_H
#define KD_TIMEUTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Seconds since the Unix epoch (wall clock). */
int64_t time_now(void);
/* Microseconds from a monotonic clock, for durations. */
uint64_t time_mono_us(void);
/* The time ms milliseconds from now on clock (CLOCK_MONOTONIC, CLOCK_REALTIME), as a
 * pthread_cond_timedwait deadline. */
struct timespec time_after_ms(int clock, long ms);
/* Initialises c to time its waits on CLOCK_MONOTONIC, so that a deadline from
 * time_after_ms(CLOCK_MONOTONIC, ...) is not moved by a change of the wall clock. */
void time_cond_init_monotonic(pthread_cond_t *c);
/* Writes t as "2026-11-25T19:56:00Z" into out (at least 21 bytes). */
void time_iso8601(int64_t t, char *out, size_t size);
/* Writes an HTTP date ("Wed, 25 Nov 2026 19:56:00 GMT") into out (at least 30 bytes). */
void time_http_date(int64_t t, char *out, size_t size);

/* Reads "2026-12-01", "2026-12-01T08:00", "2026-12-01T08:00:00" or the same with "Z" (UTC; a
 * space may stand for the T) into *out. Returns 0, or -1 for anything else or an impossible
 * date. */
int time_parse_iso8601(const char *s, int64_t *out);

#endif
