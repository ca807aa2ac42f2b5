/* db.h's entry points: picks the engine a target names and dispatches to it. */
#include "db/db.h"
#include "core/buf.h"
#include "db/db_engine.h"

#include <stdlib.h>
#include <string.h>

bool db_target_is_postgresql(const char *target)
{
        return target && (strncmp(target, "postgresql://", 13) == 0 ||
                          strncmp(target, "postgres://", 11) == 0);
}

int db_open_url(const char *target, struct db **out)
{
        if (db_target_is_postgresql(target))
                return db_pg_open(target, out);
        return db_sqlite_open(target, out);
}

enum db_kind db_kind(struct db *db)
{
        return db->engine->kind;
}

void db_close(struct db *db)
{
        if (db)
                db->engine->close(db);
}

const char *db_errmsg(struct db *db)
{
        return db->engine->errmsg(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
        return db->engine->prepare(db, sql);
}

void db_finish(struct db_stmt *st)
{
        if (st)
                st->engine->finish(st);
}

void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len)
{
        st->engine->bind_textn(st, idx, s, len);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
        st->engine->bind_textn(st, idx, s, s ? strlen(s) : 0);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
        st->engine->bind_int(st, idx, v);
}

void db_bind_null(struct db_stmt *st, int idx)
{
        st->engine->bind_null(st, idx);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
        st->engine->bind_blob(st, idx, data, len);
}

int db_step(struct db_stmt *st)
{
        return st->engine->step(st);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
        return st->engine->col_int(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
        return st->engine->col_text(st, col);
}

size_t db_col_bytes(struct db_stmt *st, int col)
{
        return st->engine->col_bytes(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col)
{
        return st->engine->col_blob(st, col);
}

bool db_col_is_null(struct db_stmt *st, int col)
{
        return st->engine->col_is_null(st, col);
}

int64_t db_changes(struct db *db)
{
        return db->engine->changes(db);
}

int db_begin(struct db *db)
{
        return db->engine->begin(db);
}

int db_commit(struct db *db)
{
        return db->engine->commit(db);
}

int db_rollback(struct db *db)
{
        return db->engine->rollback(db);
}

int db_transact_here(struct db *db, db_txn_fn fn, void *arg)
{
        int rc = db_begin(db);
        if (rc != DB_OK)
                return rc;
        if (!fn(db, arg)) {
                (void)db_rollback(db);
                return DB_ROLLED_BACK;
        }
        return db_commit(db);
}

int db_transact(struct db *db, db_txn_fn fn, void *arg)
{
        if (db->engine->transact)
                return db->engine->transact(db, fn, arg);
        return db_transact_here(db, fn, arg);
}

int db_exec_script(struct db *db, const char *sql)
{
        return db->engine->exec_script(db, sql);
}

int db_set_durability(struct db *db, enum db_durability d)
{
        return db->engine->set_durability(db, d);
}

void db_set_write_lock(struct db *db, enum db_write_lock lock)
{
        if (db->engine->set_write_lock)
                db->engine->set_write_lock(db, lock);
}

int db_durable_stats(struct db *db, struct db_durable_stats *out)
{
        if (!db->engine->durable_stats)
                return DB_ERROR;
        return db->engine->durable_stats(db, out);
}

const char *const *db_watched_tables;
void (*db_watched_changed)(void);

void db_watch_tables(const char *const *tables, void (*changed)(void))
{
        db_watched_tables = tables;
        db_watched_changed = changed;
}

_Thread_local bool db_watch_is_quiet;

bool db_watch_quiet(bool quiet)
{
        bool was = db_watch_is_quiet;
        db_watch_is_quiet = quiet;
        return was;
}

bool db_watches_tables(struct db *db)
{
        return db && db->engine->watches_tables && db->engine->watches_tables(db);
}

int db_read_begin(struct db *db)
{
        return db->engine->read_begin ? db->engine->read_begin(db) : DB_OK;
}

void db_read_end(struct db *db)
{
        if (db->engine->read_end)
                db->engine->read_end(db);
}

struct db *db_search_index(struct db *db)
{
        return db->engine->search_index ? db->engine->search_index(db) : db;
}

bool db_idle(struct db *db, char *what, size_t size)
{
        return db->engine->idle(db, what, size);
}

bool db_lost(struct db *db)
{
        return db->engine->lost && db->engine->lost(db);
}

int db_wait_notice(struct db *db, int timeout_ms, char *payload, size_t size)
{
        if (!db->engine->wait_notice)
                return DB_ERROR;
        return db->engine->wait_notice(db, timeout_ms, payload, size);
}

int db_ids_follow_rows(struct db *db)
{
        if (db_kind(db) != DB_POSTGRESQL)
                return DB_OK; /* a rowid is always past the highest */
        /* every identity column of Kindred's schema, each sequence set to follow its max */
        return db_exec_script(
            db, "DO $$ DECLARE r record; BEGIN "
                "FOR r IN SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP "
                "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), "
                "coalesce((SELECT max(%I) FROM %I), 0) + 1, false)', "
                "r.table_name, r.column_name, r.column_name, r.table_name); "
                "END LOOP; END $$");
}

/* --------------------------------------------------------------------------------------------
 * The member search: the one query whose SQL differs by engine.
 * ------------------------------------------------------------------------------------------ */

/* q as an FTS5 phrase: in double quotes, with its own double quotes doubled, so every character
 * is matched as itself (never read as query syntax). Returns a heap string. */
static char *fts_phrase(const char *q, size_t len)
{
        struct buf b = BUF_INIT;
        buf_putc(&b, '"');
        for (size_t i = 0; i < len; i++) {
                if (q[i] == '"')
                        buf_putc(&b, '"');
                buf_putc(&b, q[i]);
        }
        buf_putc(&b, '"');
        return b.data;
}

/* q as an ILIKE pattern matching it anywhere: %, _ and \ are escaped with \ (the default
 * escape character), so every character is matched as itself. Returns a heap string. */
static char *like_anywhere(const char *q, size_t len)
{
        struct buf b = BUF_INIT;
        buf_putc(&b, '%');
        for (size_t i = 0; i < len; i++) {
                if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
                        buf_putc(&b, '\\');
                buf_putc(&b, q[i]);
        }
        buf_putc(&b, '%');
        return b.data;
}

struct db_stmt *db_member_search(struct db *db, const char *q, size_t len, size_t chars,
                                 int64_t after, int64_t limit)
{
        bool pg = db_kind(db) == DB_POSTGRESQL;
        struct db_stmt *s;
        char *pattern = NULL;
        if (chars >= 3 && !pg) {
                /* the FTS5 trigram index: a phrase of q matches it anywhere, letters of any
                 * case; rows come in rowid order from `after`, so a page stops early */
                s = db_prepare(db, "SELECT m.id, m.handle, m.display_name, m.headline, "
                                   "m.created_at, coalesce(m.active_at, 0) FROM member_search f "
                                   "JOIN member m ON m.id = f.rowid WHERE member_search MATCH ?2 "
                                   "AND f.rowid > ?1 AND m.disabled = 0 ORDER BY f.rowid LIMIT "
                                   "?3");
                pattern = fts_phrase(q, len);
        } else if (chars >= 3) {
                /* member_search, a pg_trgm GIN index over the three columns: each ILIKE is
                 * answered from it (a bitmap OR of the three) */
                s = db_prepare(db, "SELECT id, handle, display_name, headline, created_at, "
                                   "coalesce(active_at, 0) FROM member WHERE (display_name ILIKE "
                                   "?2 OR handle ILIKE ?2 OR headline ILIKE ?2) AND id > ?1 AND "
                                   "disabled = 0 ORDER BY id LIMIT ?3");
                pattern = like_anywhere(q, len);
        } else if (!pg) {
                /* one or two characters: the start of a handle (handle_key, lower case) or of
                 * a display name (member_name), each a range of its index ("+id" keeps the
                 * planner from walking the primary key instead) */
                s = db_prepare(db,
                               "SELECT id, handle, display_name, headline, created_at, "
                               "coalesce(active_at, 0) "
                               "FROM member WHERE +id > ?1 AND disabled = 0 AND ((handle_key >= "
                               "lower(?2) AND handle_key < lower(?2) || char(1114111)) OR "
                               "(display_name >= ?2 AND display_name < ?2 || char(1114111))) "
                               "ORDER BY id LIMIT ?3");
        } else {
                /* the same ranges; the database's collation is "C" (docs/operations.md), so
                 * text compares by code point as in SQLite */
                s = db_prepare(db, "SELECT id, handle, display_name, headline, created_at, "
                                   "coalesce(active_at, 0) "
                                   "FROM member WHERE id > ?1 AND disabled = 0 AND ((handle_key >= "
                                   "lower(?2) AND handle_key < lower(?2) || chr(1114111)) OR "
                                   "(display_name >= ?2 AND display_name < ?2 || chr(1114111))) "
                                   "ORDER BY id LIMIT ?3");
        }
        if (!s) {
                free(pattern);
                return NULL;
        }
        db_bind_int(s, 1, after);
        if (pattern)
                db_bind_text(s, 2, pattern);
        else
                db_bind_textn(s, 2, q, len);
        db_bind_int(s, 3, limit);
        free(pattern);
        return s;
}
