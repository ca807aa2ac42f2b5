/* Members' time zones (model/time_zone.h). */
#include "model/time_zone.h"
#include "core/arena.h"
#include "core/tz.h"
#include "db/db.h"

const char *member_time_zone(struct db *db, struct arena *a, int64_t member_id)
{
        struct db_stmt *s = db_prepare(db, "SELECT time_zone FROM member WHERE id = ?1");
        if (!s)
                return "";
        db_bind_int(s, 1, member_id);
        const char *zone = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : "";
        db_finish(s);
        /* A zone the system no longer has (tzdata renames are rare, but happen) reads as UTC
         * rather than failing every page that shows a time. */
        return tz_valid(zone) ? zone : "";
}

int member_set_time_zone(struct db *db, int64_t member_id, const char *zone)
{
        if (!tz_valid(zone))
                return -1;
        struct db_stmt *s = db_prepare(db, "UPDATE member SET time_zone = ?2 WHERE id = ?1");
        if (!s)
                return -2;
        db_bind_int(s, 1, member_id);
        db_bind_text(s, 2, zone);
        int rc = db_step(s) == DB_DONE ? 0 : -2;
        db_finish(s);
        return rc;
}
