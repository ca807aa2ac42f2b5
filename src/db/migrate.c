/* Numbered schema migrations, embedded from src/db/migrations/ at build time. */
#include "db/db.h"
#include "db/migrations.h"
#include "core/log.h"
#include "core/timeutil.h"

int db_schema_latest(void)
{
        return db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
}

static int ensure_schema_table(struct db *db)
{
        if (db_kind(db) == DB_POSTGRESQL)
                return db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                          " version BIGINT PRIMARY KEY,"
                                          " name TEXT NOT NULL,"
                                          " applied_at BIGINT NOT NULL)");
        return db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                  " version INTEGER PRIMARY KEY,"
                                  " name TEXT NOT NULL,"
                                  " applied_at INTEGER NOT NULL)");
}

int db_schema_version(struct db *db)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
        if (!s)
                return DB_ERROR;
        int v = db_step(s) == DB_ROW ? (int)db_col_int(s, 0) : DB_ERROR;
        db_finish(s);
        return v;
}

int db_migrate(struct db *db, int *applied)
{
        int count = 0;
        if (ensure_schema_table(db) != DB_OK)
                return DB_ERROR;
        int current = db_schema_version(db);
        if (current < 0)
                return current;
        if (current > db_schema_latest()) {
                log_error("db: schema version %d is newer than this kindred (%d); upgrade kindred",
                          current, db_schema_latest());
                return DB_ERROR;
        }
        for (size_t i = 0; i < db_migrations_count; i++) {
                const struct db_migration *m = &db_migrations[i];
                if (m->version <= current)
                        continue;
                int rc = db_begin(db);
                if (rc != DB_OK)
                        return rc;
                /* several nodes starting at once: another may have applied it while this one
                 * waited for the write lock */
                int now_at = db_schema_version(db);
                if (now_at >= m->version) {
                        db_commit(db);
                        continue;
                }
                rc = db_exec_script(db, db_kind(db) == DB_POSTGRESQL ? m->pg_sql : m->sql);
                /* a migration that rebuilt a table copied its ids */
                if (rc == DB_OK)
                        rc = db_ids_follow_rows(db);
                if (rc == DB_OK) {
                        struct db_stmt *s = db_prepare(
                            db, "INSERT INTO schema_migrations(version, name, applied_at)"
                                " VALUES (?1, ?2, ?3)");
                        if (!s) {
                                rc = DB_ERROR;
                        } else {
                                db_bind_int(s, 1, m->version);
                                db_bind_text(s, 2, m->name);
                                db_bind_int(s, 3, time_now());
                                rc = db_step(s) == DB_DONE ? DB_OK : DB_ERROR;
                                db_finish(s);
                        }
                }
                if (rc == DB_OK)
                        rc = db_commit(db);
                if (rc != DB_OK) {
                        log_error("db: migration %s failed; nothing of it was applied", m->name);
                        db_rollback(db);
                        return rc;
                }
                log_info("db: applied migration %s", m->name);
                count++;
        }
        if (applied)
                *applied = count;
        return DB_OK;
}
