/* Time zones by IANA name ("Europe/Berlin"), read from the system's zoneinfo (Debian's
 * tzdata) without touching the process's TZ: setenv/tzset are not safe in a threaded server,
 * so the TZif file is parsed here. Times are stored in UTC everywhere; a zone only changes
 * what a member reads and types. The empty name is UTC. */
#ifndef KD_TZ_H
#define KD_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for "" (UTC) and for a name the system's zoneinfo has (letters, digits, '/', '_', '-',
 * '+', no "..", at most KD_TIME_ZONE_MAX_BYTES). */
bool tz_valid(const char *zone);

/* The offset from UTC, in seconds east, of zone at the instant utc (0 for "" or an unknown
 * zone). Beyond the file's last transition the last offset holds (Debian's files list
 * transitions until 2037). */
int tz_offset_at(const char *zone, int64_t utc);

/* The UTC instant of a wall-clock time in zone, given as if it were UTC (what
 * time_parse_iso8601 reads from "2026-12-01T08:00"). In a gap (clocks going forward) the time
 * after the jump is meant; in an overlap, the earlier of the two. */
int64_t tz_local_to_utc(const char *zone, int64_t local_as_utc);

/* The zones to offer, one name per entry, from zone1970.tab, sorted (caller frees each name
 * and the array). Returns the count, 0 when the list cannot be read. */
size_t tz_list(char ***out);

#endif
