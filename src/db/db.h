/* Storage interface: prepared statements with bound parameters, transactions, migrations.
 *
 * Everything above db/ talks to storage only through this header, on either engine: SQLite (a
 * file in the data folder, the default) or PostgreSQL (db_pg.c, libpq). SQL is written with
 * numbered placeholders (?1, ?2, ...), which the PostgreSQL engine maps to $1, $2 once per
 * statement; no SQL is ever assembled from user input. SQL above db/ must be accepted by both
 * engines (docs/architecture.md lists the rules); what cannot be (the member search's index)
 * is a function here. A struct db is one connection and belongs to one thread at a time. */
#ifndef KD_DB_H
#define KD_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_result {
        DB_OK = 0,
        DB_ROW = 1,         /* db_step: a row is ready */
        DB_DONE = 2,        /* db_step: no more rows */
        DB_ERROR = -1,      /* anything unexpected (logged) */
        DB_CONSTRAINT = -2, /* a UNIQUE, CHECK or FOREIGN KEY constraint refused the write */
        DB_BUSY = -3,       /* the database stayed locked past the busy timeout */
        DB_ROLLED_BACK = 3, /* db_transact: the transaction's function asked for a rollback */
};

enum db_kind {
        DB_SQLITE = 1,
        DB_POSTGRESQL = 2,
};

/* True when target names a PostgreSQL database (postgresql:// or postgres://). */
bool db_target_is_postgresql(const char *target);
/* Opens a connection to target: a postgresql:// (or postgres://) URL, or else the path of a
 * SQLite file, created if needed, with WAL, foreign keys and a busy timeout. Returns DB_OK and
 * a connection the caller closes with db_close(), or DB_ERROR (logged). */
int db_open_url(const char *target, struct db **out);
/* Which engine a connection talks to. */
enum db_kind db_kind(struct db *db);
void db_close(struct db *db);
/* Message of the last error on this connection (static or owned by the connection). */
const char *db_errmsg(struct db *db);

/* Returns a ready statement for sql, reused from the connection's cache when possible, or NULL
 * on error (logged). sql should be a string literal: it is the cache key. Every non-NULL
 * result must be handed back with db_finish(). */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Resets the statement, clears its bindings and returns it to the cache. NULL is allowed. */
void db_finish(struct db_stmt *st);

/* Bind a value to placeholder ?idx (1-based). A NULL string binds SQL NULL. Text is copied. */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_null(struct db_stmt *st, int idx);
void db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len);

/* Runs the statement one step: DB_ROW, DB_DONE, or a negative enum db_result. */
int db_step(struct db_stmt *st);
/* Column getters for the current row (0-based). Text is "" for NULL and stays valid until the
 * next step or finish. */
int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);
size_t db_col_bytes(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col);
bool db_col_is_null(struct db_stmt *st, int col);

/* Number of rows changed by the last finished INSERT/UPDATE/DELETE. */
int64_t db_changes(struct db *db);

/* Transactions. db_begin takes the write lock at once, so a transaction never fails halfway
 * for a lock it could have waited for. Calls nest: inside a transaction, db_begin opens a
 * savepoint that db_commit releases and db_rollback undoes, leaving the outer transaction open.
 * Each returns DB_OK or a negative enum db_result. */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* A write transaction given as a function: db_transact begins it, runs fn(db, arg), and commits
 * when fn returns true or rolls back when it returns false. Returns DB_OK once committed (and
 * as durable as db_commit makes it), DB_ROLLED_BACK when fn asked for the rollback, or a
 * negative enum db_result when the transaction could not begin or commit (nothing of it
 * stays). Inside a transaction it is a savepoint, as db_begin is.
 *
 * On SQLite, while other writers wait, fn may run on another thread: the one holding the
 * writer's turn runs the waiting transactions back to back, in one batch, instead of handing
 * the turn from thread to thread (db/db_sqlite.c, "Combined transactions"); this thread waits
 * meanwhile. So fn must reach only what db and arg lead to: not this thread's own state
 * (thread-locals such as app_thread_db's connection or db_watch_quiet's setting, which it may
 * set and put back inside), and no other connection. fn must end every savepoint it opens. */
typedef bool (*db_txn_fn)(struct db *db, void *arg);
int db_transact(struct db *db, db_txn_fn fn, void *arg);

/* Runs a script of several statements without parameters (migrations). */
int db_exec_script(struct db *db, const char *sql);

/* How hard a commit on this connection is made to last. FULL: it survives a power cut (the
 * default). NORMAL: it survives a crash of kindred; a power cut (SQLite) or a crash of the
 * PostgreSQL server may lose the last moments. OFF: bulk loading only. Returns DB_OK or an
 * error. */
enum db_durability {
        DB_DURABLE_FULL,
        DB_DURABLE_NORMAL,
        DB_DURABLE_OFF,
};
int db_set_durability(struct db *db, enum db_durability d);

/* Which lock this connection's write transactions (db_begin, db_transact) take. SQLite has one
 * writer per database file whatever is chosen. On PostgreSQL a transaction takes an advisory
 * lock that stands for SQLite's write lock, on every node: DB_LOCK_SITE (the default) is the
 * one all of the site's writes share; DB_LOCK_INSIGHTS is the insights writer's own
 * (model/event_queue.c), whose transactions write only the event and insight_* tables, which no
 * other transaction writes, and may run beside the site's writes rather than hold them up
 * (docs/performance.md, "The insights writer beside the site's writes"). */
enum db_write_lock {
        DB_LOCK_SITE,
        DB_LOCK_INSIGHTS,
};
void db_set_write_lock(struct db *db, enum db_write_lock lock);

/* How durable commits were made on this connection's database file, by every connection of the
 * process to it (SQLite's group commit, db/group_commit.h, and batched transactions,
 * db/db_sqlite.c): the commits that waited for the disk, the syncs that served them, the syncs
 * that failed, and the transactions that were committed in batches with the commits that
 * carried them. DB_OK, or DB_ERROR on an engine that does not count them (PostgreSQL groups its
 * WAL flushes itself: pg_stat_wal). */
struct db_durable_stats {
        uint64_t commits, syncs, failures;
        uint64_t batched, batches;
};
int db_durable_stats(struct db *db, struct db_durable_stats *out);

/* Watched tables: after each commit by this process that updated or deleted a row of one of
 * `tables` (NULL-terminated, kept by the caller for the process's life), `changed` runs, on the
 * thread that committed, once the commit took place (on SQLite before its sync: a cache dropped
 * early is only read again). Inserts are not told: a new row cannot make a row kept in memory
 * stale. `changed` must not use the database. Set the watch while no transaction is open (NULL,
 * NULL: no watch). SQLite tells through its update hook (every UPDATE and DELETE of a row, those
 * of triggers and foreign keys too). db_watches_tables is false when no watch is set and on an
 * engine that cannot tell (PostgreSQL, or SQLite outside WAL mode): the caller then treats every
 * write as a change of the watched tables. */
void db_watch_tables(const char *const *tables, void (*changed)(void));
bool db_watches_tables(struct db *db);
/* While quiet (per thread), this thread's writes to watched tables are not told: for a change
 * no watcher keeps (a member's last activity, a session's last use). Returns the previous
 * setting, to be put back. */
bool db_watch_quiet(bool quiet);

/* SQLite: the connection to the search index's file beside db's database (its path and
 * "-search", created when missing; model/search_index.h), with db's database attached to it
 * as "site", so that a name the index file lacks finds the site's table. Its transactions
 * (db_begin) take the index file's write lock at their first write and never the site's, and
 * db_commit returns once the commit is on disk. Opened at the first call, closed with db; NULL
 * when it cannot be opened (logged). PostgreSQL: db itself, whose index is a table's. */
struct db *db_search_index(struct db *db);

/* A read scope. On SQLite the reads between db_read_begin and db_read_end see one snapshot:
 * one read transaction instead of one per statement, each of which takes the WAL's read lock
 * (a tenth of a member's page in perf). A write or a db_begin inside ends the scope first and
 * then runs as it would outside one. On PostgreSQL nothing changes (each statement sees the
 * latest). db_read_begin returns DB_OK or an error (the reads then go on one by one). */
int db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* Whether the connection holds nothing open: no statement stepped and not finished, no
 * transaction. A connection handed back to the pool (db/pool.c) must be idle: a SQLite
 * statement left open keeps its read snapshot, and every later request on that connection
 * would read the site as it was then. Otherwise false, with the first open statement's SQL
 * (or "a transaction") in what. */
bool db_idle(struct db *db, char *what, size_t size);
/* Whether the connection was lost and could not be made again (PostgreSQL went away: a restart,
 * a failover, a network fault); the pool closes such a connection rather than lending it again,
 * so the next request opens a fresh one, or is told at once that the database is away. */
bool db_lost(struct db *db);

/* Notifications between nodes (PostgreSQL's LISTEN/NOTIFY; model/cluster.c): on a connection
 * that ran LISTEN, waits up to timeout_ms for a notification and copies its payload into
 * payload (size bytes, truncated). Returns DB_ROW with one, DB_DONE when none came, DB_ERROR
 * when the connection was lost (close it and open another) or the engine has no notifications
 * (SQLite: one node per data folder). */
int db_wait_notice(struct db *db, int timeout_ms, char *payload, size_t size);
/* After rows were written with ids of their own (an import, a migration that copies a table):
 * new rows get ids past the highest. SQLite does so by itself; PostgreSQL's identity sequences
 * are moved here. Returns DB_OK or an error. */
int db_ids_follow_rows(struct db *db);

/* The member directory's substring search, which each engine answers from its own index (FTS5
 * trigrams, pg_trgm): a statement over members whose display name, handle or headline holds
 * q (len bytes, three or more characters, matched as plain text, letters of any case) with id
 * > after, not disabled, by id, at most limit rows of (id, handle, display_name, headline,
 * created_at, coalesce(active_at, 0)). For one or two characters, the members whose handle or
 * display name starts with q, in the same shape. Hand the result to db_finish(); NULL on
 * error. */
struct db_stmt *db_member_search(struct db *db, const char *q, size_t len, size_t chars,
                                 int64_t after, int64_t limit);

/* Applies the embedded migrations not yet recorded in schema_migrations, each in its own
 * transaction. Sets *applied to the number applied (may be NULL). Returns DB_OK or an error. */
int db_migrate(struct db *db, int *applied);
/* Highest migration version recorded (after db_migrate has run once), negative on error. */
int db_schema_version(struct db *db);
/* Highest migration version this binary knows. */
int db_schema_latest(void);

#endif
