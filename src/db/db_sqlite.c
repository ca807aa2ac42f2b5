/* SQLite engine of db.h: WAL, foreign keys, busy timeout, a statement cache per connection. */
#include "db/db.h"
#include "db/db_engine.h"
#include "core/alloc.h"
#include "core/log.h"

#include <assert.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { STMT_CACHE_SLOTS = 256, BUSY_TIMEOUT_MS = 5000 };

struct sq_stmt {
        struct db_stmt base; /* first: db.c sees only this */
        struct sq_db *db;
        sqlite3_stmt *st;
        const char *sql; /* cache key: the caller's literal */
        bool cached;
        bool in_use;
};

struct sq_db {
        struct db base; /* first: db.c sees only this */
        sqlite3 *conn;
        struct sq_stmt *cache[STMT_CACHE_SLOTS];
        int depth; /* open db_begin() levels; inner levels are savepoints */
};

static const struct db_engine sqlite_engine;

static struct sq_db *SQ(struct db *db)
{
        return (struct sq_db *)db;
}

static struct sq_stmt *SQS(struct db_stmt *st)
{
        return (struct sq_stmt *)st;
}

static int map_rc(struct sq_db *db, int rc)
{
        switch (rc & 0xff) {
        case SQLITE_OK:
                return DB_OK;
        case SQLITE_ROW:
                return DB_ROW;
        case SQLITE_DONE:
                return DB_DONE;
        case SQLITE_CONSTRAINT:
                return DB_CONSTRAINT;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                log_warn("db: busy: %s", sqlite3_errmsg(db->conn));
                return DB_BUSY;
        default:
                log_error("db: %s", sqlite3_errmsg(db->conn));
                return DB_ERROR;
        }
}

/* SQLite keeps memory statistics under one global mutex that every allocation takes; with a
 * connection per worker thread that mutex was where the threads met (seen in perf). */
static pthread_once_t configure_once = PTHREAD_ONCE_INIT;

static void configure(void)
{
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        sqlite3_initialize();
}

int db_sqlite_open(const char *path, struct db **out)
{
        pthread_once(&configure_once, configure);
        struct sq_db *db = xcalloc(1, sizeof(*db));
        db->base.engine = &sqlite_engine;
        int rc =
            sqlite3_open_v2(path, &db->conn,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                log_error("db: cannot open %s: %s", path,
                          db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
                goto fail;
        }
        sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(db->conn, 1);
        /* synchronous=FULL: a write acknowledged to a member survives a power cut. */
        if (db_exec_script(&db->base, "PRAGMA journal_mode=WAL;"
                               "PRAGMA synchronous=FULL;"
                               "PRAGMA foreign_keys=ON;"
                               "PRAGMA temp_store=MEMORY;") != DB_OK)
                goto fail;
        *out = &db->base;
        return DB_OK;
fail:
        db_close(&db->base);
        *out = NULL;
        return DB_ERROR;
}

static void sq_close(struct db *d)
{
        struct sq_db *db = SQ(d);
        for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
                if (db->cache[i]) {
                        sqlite3_finalize(db->cache[i]->st);
                        free(db->cache[i]);
                }
        }
        sqlite3_close(db->conn);
        free(db);
}

static const char *sq_errmsg(struct db *db)
{
        return sqlite3_errmsg(SQ(db)->conn);
}

static size_t cache_slot(const char *sql)
{
        uintptr_t h = (uintptr_t)sql;
        h ^= h >> 17;
        h *= 0x9E3779B97F4A7C15ull;
        return (size_t)(h >> 40) % STMT_CACHE_SLOTS;
}

static struct sq_stmt *prepare_fresh(struct sq_db *db, const char *sql, bool persistent)
{
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v3(db->conn, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                                    &st, NULL);
        if (rc != SQLITE_OK) {
                log_error("db: prepare failed: %s: %s", sqlite3_errmsg(db->conn), sql);
                sqlite3_finalize(st);
                return NULL;
        }
        struct sq_stmt *s = xcalloc(1, sizeof(*s));
        s->base.engine = &sqlite_engine;
        s->db = db;
        s->st = st;
        s->sql = sql;
        return s;
}

static struct sq_stmt *sq_prepare_stmt(struct sq_db *db, const char *sql)
{
        size_t slot = cache_slot(sql);
        for (size_t probe = 0; probe < 8; probe++) {
                size_t i = (slot + probe) % STMT_CACHE_SLOTS;
                struct sq_stmt *s = db->cache[i];
                if (!s) {
                        s = prepare_fresh(db, sql, true);
                        if (!s)
                                return NULL;
                        s->cached = true;
                        s->in_use = true;
                        db->cache[i] = s;
                        return s;
                }
                if (s->sql == sql) {
                        if (s->in_use)
                                break; /* nested use of the same query: take a private copy */
                        s->in_use = true;
                        return s;
                }
        }
        return prepare_fresh(db, sql, false);
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql)
{
        struct sq_stmt *s = sq_prepare_stmt(SQ(db), sql);
        return s ? &s->base : NULL;
}

static void sq_finish(struct db_stmt *st)
{
        struct sq_stmt *s = SQS(st);
        if (!s->cached) {
                sqlite3_finalize(s->st);
                free(s);
                return;
        }
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->in_use = false;
}

static void sq_bind_textn(struct db_stmt *st, int idx, const char *v, size_t len)
{
        struct sq_stmt *s = SQS(st);
        if (!v) {
                sqlite3_bind_null(s->st, idx);
                return;
        }
        int rc = sqlite3_bind_text64(s->st, idx, v, len, SQLITE_TRANSIENT, SQLITE_UTF8);
        assert(rc == SQLITE_OK);
        (void)rc;
}

static void sq_bind_int(struct db_stmt *st, int idx, int64_t v)
{
        struct sq_stmt *s = SQS(st);
        int rc = sqlite3_bind_int64(s->st, idx, v);
        assert(rc == SQLITE_OK);
        (void)rc;
}

static void sq_bind_null(struct db_stmt *st, int idx)
{
        struct sq_stmt *s = SQS(st);
        sqlite3_bind_null(s->st, idx);
}

static void sq_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
        struct sq_stmt *s = SQS(st);
        int rc = sqlite3_bind_blob64(s->st, idx, data, len, SQLITE_TRANSIENT);
        assert(rc == SQLITE_OK);
        (void)rc;
}

static int sq_step(struct db_stmt *st)
{
        struct sq_stmt *s = SQS(st);
        return map_rc(s->db, sqlite3_step(s->st));
}

static int64_t sq_col_int(struct db_stmt *st, int col)
{
        struct sq_stmt *s = SQS(st);
        return sqlite3_column_int64(s->st, col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
        struct sq_stmt *s = SQS(st);
        const unsigned char *t = sqlite3_column_text(s->st, col);
        return t ? (const char *)t : "";
}

static size_t sq_col_bytes(struct db_stmt *st, int col)
{
        struct sq_stmt *s = SQS(st);
        return (size_t)sqlite3_column_bytes(s->st, col);
}

static const void *sq_col_blob(struct db_stmt *st, int col)
{
        struct sq_stmt *s = SQS(st);
        return sqlite3_column_blob(s->st, col);
}

static bool sq_col_is_null(struct db_stmt *st, int col)
{
        struct sq_stmt *s = SQS(st);
        return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int64_t sq_changes(struct db *db)
{
        return sqlite3_changes64(SQ(db)->conn);
}

static int sq_exec_script(struct db *d, const char *sql)
{
        struct sq_db *db = SQ(d);
        char *err = NULL;
        int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK) {
                log_error("db: %s", err ? err : sqlite3_errmsg(db->conn));
                sqlite3_free(err);
                return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT
                       : (rc & 0xff) == SQLITE_BUSY     ? DB_BUSY
                                                        : DB_ERROR;
        }
        return DB_OK;
}

static int exec_cached(struct sq_db *db, const char *sql)
{
        struct db_stmt *s = sq_prepare(&db->base, sql);
        if (!s)
                return DB_ERROR;
        int rc = sq_step(s);
        sq_finish(s);
        return rc == DB_DONE ? DB_OK : rc;
}

/* Nesting: an inner db_begin() is a savepoint, so a model function that keeps its own writes
 * atomic can run inside a larger transaction (an import) and still roll back only its part. */
static int sq_begin(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->depth > 0 && sqlite3_get_autocommit(db->conn))
                db->depth = 0; /* an error already ended the outer transaction */
        int rc = exec_cached(db, db->depth ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");
        if (rc == DB_OK)
                db->depth++;
        return rc;
}

static int sq_commit(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->depth <= 0)
                return DB_ERROR;
        int rc = exec_cached(db, db->depth > 1 ? "RELEASE nested" : "COMMIT");
        if (rc == DB_OK)
                db->depth--;
        return rc;
}

static int sq_rollback(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->depth <= 0 || sqlite3_get_autocommit(db->conn)) {
                db->depth = 0; /* nothing open: an error already rolled it back */
                return DB_OK;
        }
        if (db->depth > 1) {
                int rc = exec_cached(db, "ROLLBACK TO nested");
                if (rc == DB_OK)
                        rc = exec_cached(db, "RELEASE nested");
                db->depth--;
                return rc;
        }
        db->depth = 0;
        return exec_cached(db, "ROLLBACK");
}

static int sq_set_durability(struct db *db, enum db_durability d)
{
        /* FULL: a commit is on disk before it returns; NORMAL in WAL mode: a commit survives a
         * crash of kindred, not a power cut */
        switch (d) {
        case DB_DURABLE_FULL:
                return sq_exec_script(db, "PRAGMA synchronous=FULL;");
        case DB_DURABLE_NORMAL:
                return sq_exec_script(db, "PRAGMA synchronous=NORMAL;");
        case DB_DURABLE_OFF:
                return sq_exec_script(db, "PRAGMA synchronous=OFF;");
        }
        return DB_ERROR;
}

static const struct db_engine sqlite_engine = {
    .kind = DB_SQLITE,
    .close = sq_close,
    .errmsg = sq_errmsg,
    .prepare = sq_prepare,
    .finish = sq_finish,
    .bind_textn = sq_bind_textn,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_bytes = sq_col_bytes,
    .col_blob = sq_col_blob,
    .col_is_null = sq_col_is_null,
    .changes = sq_changes,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .exec_script = sq_exec_script,
    .set_durability = sq_set_durability,
};
