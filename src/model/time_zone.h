/* A member's time zone (member.time_zone; core/tz.h): publish times are stored in UTC and
 * shown and typed in it. "" is UTC, the default. */
#ifndef KD_MODEL_TIME_ZONE_H
#define KD_MODEL_TIME_ZONE_H

#include <stdint.h>

struct arena;
struct db;

/* member_id's zone (arena string), "" for UTC or on a database error. */
const char *member_time_zone(struct db *db, struct arena *a, int64_t member_id);

/* Sets member_id's zone. Returns 0, -1 when tz_valid(zone) is false, -2 on a database
 * error. */
int member_set_time_zone(struct db *db, int64_t member_id, const char *zone);

#endif
