/* What a storage engine behind db.h provides (private to src/db/): a table of functions that
 * db.c dispatches to. A struct db and a struct db_stmt begin with their engine, so db.c can
 * dispatch without knowing either engine's own state. */
#ifndef KD_DB_ENGINE_H
#define KD_DB_ENGINE_H

#include "db/db.h"

struct db_engine {
        enum db_kind kind;
        void (*close)(struct db *db);
        const char *(*errmsg)(struct db *db);
        struct db_stmt *(*prepare)(struct db *db, const char *sql);
        void (*finish)(struct db_stmt *st);
        void (*bind_textn)(struct db_stmt *st, int idx, const char *s, size_t len);
        void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
        void (*bind_null)(struct db_stmt *st, int idx);
        void (*bind_blob)(struct db_stmt *st, int idx, const void *data, size_t len);
        int (*step)(struct db_stmt *st);
        int64_t (*col_int)(struct db_stmt *st, int col);
        const char *(*col_text)(struct db_stmt *st, int col);
        size_t (*col_bytes)(struct db_stmt *st, int col);
        const void *(*col_blob)(struct db_stmt *st, int col);
        bool (*col_is_null)(struct db_stmt *st, int col);
        int64_t (*changes)(struct db *db);
        int (*begin)(struct db *db);
        int (*commit)(struct db *db);
        int (*rollback)(struct db *db);
        /* NULL: db_transact runs fn here, between begin and commit (db_transact_here) */
        int (*transact)(struct db *db, db_txn_fn fn, void *arg);
        int (*exec_script)(struct db *db, const char *sql);
        int (*set_durability)(struct db *db, enum db_durability d);
        /* NULL for an engine with one writer per database whatever the lock (SQLite) */
        void (*set_write_lock)(struct db *db, enum db_write_lock lock);
        /* NULL for an engine that does not count its durable commits (PostgreSQL) */
        int (*durable_stats)(struct db *db, struct db_durable_stats *out);
        /* NULL for an engine without notifications (SQLite) */
        int (*wait_notice)(struct db *db, int timeout_ms, char *payload, size_t size);
        /* false, with what is still open in what (size bytes), when a statement or a
         * transaction outlived its caller */
        bool (*idle)(struct db *db, char *what, size_t size);
        /* NULL for an engine whose connections cannot be lost (SQLite's are files) */
        bool (*lost)(struct db *db);
        /* NULL for an engine where a snapshot per statement costs nothing more (PostgreSQL) */
        int (*read_begin)(struct db *db);
        void (*read_end)(struct db *db);
        /* NULL for an engine that cannot tell which tables a commit changed (PostgreSQL);
         * else whether this connection runs db_watch_tables's callback */
        bool (*watches_tables)(struct db *db);
        /* NULL for an engine whose search index lives with the rest (PostgreSQL) */
        struct db *(*search_index)(struct db *db);
};

/* db_watch_tables's registration (db.c), read by the engines as connections open. */
extern const char *const *db_watched_tables;
extern void (*db_watched_changed)(void);
extern _Thread_local bool db_watch_is_quiet; /* db_watch_quiet */

/* db_transact on this thread: begin, fn, commit or rollback. */
int db_transact_here(struct db *db, db_txn_fn fn, void *arg);

/* The common head of every engine's connection and statement. */
struct db {
        const struct db_engine *engine;
};
struct db_stmt {
        const struct db_engine *engine;
};

/* Each engine's opener: DB_OK and *out, or DB_ERROR (logged) and *out NULL. */
int db_sqlite_open(const char *path, struct db **out);
int db_pg_open(const char *url, struct db **out);

#endif
