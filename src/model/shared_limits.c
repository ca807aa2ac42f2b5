/* Rate limits and throttles in the database; see shared_limits.h. */
#include "model/shared_limits.h"
#include "db/db.h"

#include <stdbool.h>

long shared_rate_hit(struct db *db, const char *key, unsigned limit, unsigned window_s, int64_t now)
{
        /* one statement opens a new window or counts in the current one; SET reads the row as
         * it was, on both engines */
        struct db_stmt *st = db_prepare(
            db, "INSERT INTO limit_counter (key, window_start, count) VALUES (?1, ?2, 1) "
                "ON CONFLICT (key) DO UPDATE SET "
                "count = CASE WHEN ?2 - limit_counter.window_start >= ?3 THEN 1 "
                "ELSE limit_counter.count + 1 END, "
                "window_start = CASE WHEN ?2 - limit_counter.window_start >= ?3 THEN ?2 "
                "ELSE limit_counter.window_start END "
                "RETURNING window_start, count");
        if (!st)
                return -1;
        db_bind_text(st, 1, key);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, window_s);
        long wait = -1;
        if (db_step(st) == DB_ROW) {
                int64_t start = db_col_int(st, 0), count = db_col_int(st, 1);
                wait = count > (int64_t)limit ? (long)(start + window_s - now) : 0;
                if (wait < 0)
                        wait = 0;
        }
        db_finish(st);
        return wait;
}

long shared_throttle_check(struct db *db, const char *key, int64_t now)
{
        struct db_stmt *st =
            db_prepare(db, "SELECT locked_until FROM limit_throttle WHERE key = ?1");
        if (!st)
                return -1;
        db_bind_text(st, 1, key);
        int rc = db_step(st);
        long wait = rc == DB_DONE ? 0 : -1;
        if (rc == DB_ROW) {
                int64_t until = db_col_int(st, 0);
                wait = until > now ? (long)(until - now) : 0;
        }
        db_finish(st);
        return wait;
}

long shared_throttle_fail(struct db *db, const char *key, unsigned window_s, int64_t now)
{
        struct db_stmt *st =
            db_prepare(db, "INSERT INTO limit_throttle (key, window_start, fails, locked_until) "
                           "VALUES (?1, ?2, 1, 0) ON CONFLICT (key) DO UPDATE SET "
                           "fails = CASE WHEN ?2 - limit_throttle.window_start > ?3 THEN 1 "
                           "ELSE limit_throttle.fails + 1 END, "
                           "locked_until = CASE WHEN ?2 - limit_throttle.window_start > ?3 THEN 0 "
                           "ELSE limit_throttle.locked_until END, "
                           "window_start = CASE WHEN ?2 - limit_throttle.window_start > ?3 THEN ?2 "
                           "ELSE limit_throttle.window_start END "
                           "RETURNING fails");
        if (!st)
                return -1;
        db_bind_text(st, 1, key);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, window_s);
        long fails = db_step(st) == DB_ROW ? (long)db_col_int(st, 0) : -1;
        db_finish(st);
        return fails;
}

/* Runs a statement of two parameters (key, an integer): 0 or -1. */
static int run_key_int(struct db *db, const char *sql, const char *key, int64_t v, bool with_v)
{
        struct db_stmt *st = db_prepare(db, sql);
        if (!st)
                return -1;
        db_bind_text(st, 1, key);
        if (with_v)
                db_bind_int(st, 2, v);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

int shared_throttle_lock(struct db *db, const char *key, int64_t until)
{
        return run_key_int(db,
                           "UPDATE limit_throttle SET locked_until = ?2 "
                           "WHERE key = ?1 AND locked_until < ?2",
                           key, until, true);
}

int shared_throttle_reset(struct db *db, const char *key)
{
        return run_key_int(db, "DELETE FROM limit_throttle WHERE key = ?1", key, 0, false);
}

long shared_limits_purge(struct db *db, int64_t older_than)
{
        long total = 0;
        struct db_stmt *st = db_prepare(db, "DELETE FROM limit_counter WHERE window_start < ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, older_than);
        int rc = db_step(st);
        db_finish(st);
        if (rc != DB_DONE)
                return -1;
        total += (long)db_changes(db);
        st = db_prepare(db, "DELETE FROM limit_throttle WHERE window_start < ?1 "
                            "AND locked_until < ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, older_than);
        rc = db_step(st);
        db_finish(st);
        if (rc != DB_DONE)
                return -1;
        return total + (long)db_changes(db);
}
