/* SQLite engine of db.h: WAL, foreign keys, busy timeout, a statement cache per connection,
 * and group commit for durable writes.
 *
 * Durable writes (DB_DURABLE_FULL, the default): the connection runs synchronous=NORMAL, so a
 * commit lands in the -wal file without an fsync of its own, and then waits for a shared
 * fdatasync of that file (group_commit.h) before db_commit (or a lone write) returns: every
 * commit finished while one sync runs is covered by the next, so under load one sync serves
 * many commits where synchronous=FULL made each commit wait in line, under the write lock, for
 * a sync of its own. What makes this as safe as FULL (docs/operations.md, "Durability"):
 * - a commit is acknowledged only after a sync that began after its frames were written;
 * - a checkpoint in NORMAL mode syncs the WAL before it copies frames into the database file
 *   and syncs that file after; the WAL is only reset (rewritten from its start) after a
 *   complete checkpoint, so frames not yet synced by us never vanish unsynced;
 * - the WAL is removed only when the last connection closes, after a full checkpoint; the
 *   leader syncs through its own connection's WAL handle, open for as long as it is;
 * - the sync is SQLite's own (the VFS's xSync), which also syncs the directory the first time
 *   after the -wal file was created, as FULL would.
 * Which commits wrote anything is told by sqlite3_wal_hook (called after every commit that
 * added frames); a read-only transaction waits for nothing. The hook replaces SQLite's
 * auto-checkpoint: past KD_SQLITE_CHECKPOINT_FRAMES, a checkpoint whose last step holds the
 * writer's turn, so that the WAL starts again from its beginning (checkpoint_if_due).
 *
 * Batched transactions: a durable connection's transaction (db_begin) does not run on its own
 * connection but as a savepoint of one transaction on a connection the process shares for it
 * (the group's shared connection), used by one writer at a time, the holder of the writer's turn.
 * When a transaction ends (db_commit releases its savepoint) while other writers wait for the
 * turn, the shared transaction stays open and the turn passes on: the next writer's savepoint
 * joins it. The writer that finds nobody waiting (or KD_SQLITE_BATCH_MAX transactions in) commits
 * it, once for all, and the batch's writers then wait for the shared sync as above. What a batch
 * saves: a commit writes each page it changed once to the WAL, however many of the batch's
 * transactions changed it (a comment's row, its episode's counter, the indexes' last pages),
 * and SQLite's per-transaction work (locks, the WAL header) is paid once. A writer's db_commit
 * returns only when the batch is committed (and synced), so nothing is acknowledged earlier than
 * before; a transaction that rolls back rolls back to its savepoint and leaves the others; a
 * failure that ends the whole shared transaction (an I/O error) fails every transaction in it. Lone
 * writes (a statement outside db_begin) and bulk-loading connections (synchronous=OFF) commit on
 * their own connections as before, after committing any open batch.
 *
 * Combined transactions (db_transact): a transaction given as a function is queued for the
 * turn, and whoever holds the turn runs the queued ones, one after another, as savepoints of its
 * batch, on their callers' connections (their statements run on the shared connection, as any
 * batched transaction's do), then commits, syncs and tells each caller. The turn is not handed
 * from thread to thread between them: on two busy cores a writer woken for the turn waited to
 * be scheduled while the turn stood idle, and every hand-off cost two context switches
 * (docs/performance.md, "Combined transactions"). A caller whose function runs elsewhere sleeps
 * until its batch has ended.
 *
 * Every connection opens through db/wal_vfs.c, which writes a commit's -wal frames in one write
 * rather than two a page. */
#include "db/db.h"
#include "db/db_engine.h"
#include "db/group_commit.h"
#include "db/wal_vfs.h"
#include "core/alloc.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/wake.h"

#include <assert.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
        int depth;               /* open db_begin() levels; inner levels are savepoints */
        struct wal_group *group; /* the database file's group commit */
        bool group_sync;         /* DB_DURABLE_FULL: commits wait for a shared sync */
        bool bulk;               /* DB_DURABLE_OFF: bulk loading, never batched */
        bool wrote;              /* a commit added frames to the WAL since the last wait */
        bool read_wanted;        /* db_read_begin: open a scope at the next read */
        bool read_scope;         /* a deferred transaction serves the reads */
        bool holds_writer;       /* this connection has the group's writer turn */
        bool checkpoint_due;     /* the WAL grew past its group's checkpoint_at */
        unsigned due_after;      /* ... when its group had run this many checkpoints */
        struct wal_group *of;    /* the group of the file: its own, or the one it serves */
        int handed_out;          /* statements prepared and not yet finished */
        struct sq_db *via;       /* in a batched transaction: the connection it runs on */
        bool shared;             /* this is a group's shared (or sync) connection */
        bool watching;           /* runs db_watched_changed after commits (db_watch_tables) */
        bool watched_changed;    /* the open transaction changed a watched table's row */
        bool watched_before;     /* batched: the shared connection's mark at our savepoint */
        bool in_job;             /* its transaction's function runs (combined transactions) */
        bool search_file;        /* the connection of a search index file (db_search_index) */
        struct sq_db *search;    /* ... opened beside this one, or NULL */
};

/* A transaction released into the open batch, waiting for the batch's commit. */
struct batch_member {
        struct batch_member *next;
        bool ended;        /* the batch ended: committed (or failed) */
        bool committed;    /* ... and committed */
        bool wrote;        /* ... and its commit added frames to the WAL */
        bool durable;      /* ... which its closer already made durable (synced) */
        uint64_t batch;    /* the batch's number */
        atomic_uint *word; /* a combined transaction's waiter sleeps here; NULL: batch_ended */
};

/* A transaction given as a function (db_transact), queued for the writer's turn: whoever holds
 * the turn runs it (combine). Lives on its waiter's stack; the fields below `word` change under
 * the group's members_lock, and are its waiter's to read once `word` says JOB_SETTLED. */
enum { JOB_SETTLED = 1u, JOB_NUDGED = 2u };
enum job_state {
        JOB_QUEUED,  /* waiting in the group's queue */
        JOB_RUNNING, /* taken by the turn's holder */
        JOB_JOINED,  /* released into the batch: settled when m.ended */
        JOB_LEFT,    /* settled without joining: rolled back, or could not begin (rc) */
        JOB_BOUNCED, /* no batches after all: its waiter runs it on its own connection */
};
struct write_job {
        struct write_job *next;
        struct sq_db *db;
        db_txn_fn fn;
        void *arg;
        /* its waiter sleeps on it (core/wake.h): JOB_SETTLED once the job has its answer (set
         * last, after which its waker no longer touches the job), plus JOB_NUDGED each time the
         * turn was given while it was queued first */
        atomic_uint word;
        enum job_state state;
        int rc; /* JOB_LEFT: db_transact's result */
        struct batch_member m;
};

/* How a batch ended, told to its transactions once the closer has handed the turn on. */
struct batch_outcome {
        struct batch_member *members;
        uint64_t size; /* transactions released into it */
        bool committed, wrote;
};

/* ------------------------------------------------------------------ group commit */

/* One group commit per database file, shared by every connection of the process to it. */
struct wal_group {
        char *path;
        int refs;
        struct group_commit *gc;
        /* Writers of this process take turns here rather than in SQLite's busy handler, which
         * sleeps 1, 2, 5 ... 100 ms between tries: with 32 workers writing, the write lock
         * stood idle while they slept, and a comment's p99 reached 0.9 s. */
        pthread_mutex_t writer;
        atomic_int waiting; /* threads waiting for the turn */
        /* Batched transactions (above); all but the member list belong to the turn's holder. */
        struct sq_db *shared;  /* where batched transactions run, opened at the first */
        struct sq_db *syncer;  /* whose WAL handle the shared syncs use (see sync_wal) */
        atomic_bool batch_off; /* the shared connections could not be opened: no batches */
        bool batch_open;       /* the shared connection's transaction is open */
        uint64_t batch_seq;    /* the open (or last) batch's number */
        int batch_size;        /* transactions released into it */
        pthread_mutex_t members_lock;
        pthread_cond_t batch_ended;
        struct batch_member *members; /* released into the open batch */
        uint64_t batches, batched; /* batches committed, transactions they carried (members_lock) */
        /* Combined transactions (db_transact): queued for whoever holds the turn. Under
         * members_lock, but for the count, which a giver reads first. */
        struct write_job *jobs, **jobs_tail;
        atomic_int jobs_queued;
        unsigned turn_gen; /* turns given while jobs were queued */
        /* Checkpoints (checkpoint_if_due): one at a time; a commit that leaves the WAL with
         * checkpoint_at pages or more asks for one, unless one ran since that commit. */
        atomic_bool checkpointing;
        atomic_uint checkpoints; /* run, in the turn */
        atomic_int checkpoint_at;
        struct wal_group *next;
};

/* The group whose writer turn this thread holds, through any of its connections: waiting for
 * the turn through another connection would never end. */
static _Thread_local struct wal_group *turn_held;

static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wal_group *groups;

static struct wal_group *group_join(const char *path)
{
        pthread_mutex_lock(&groups_lock);
        struct wal_group *g = groups;
        while (g && strcmp(g->path, path) != 0)
                g = g->next;
        if (!g) {
                g = xcalloc(1, sizeof(*g));
                g->path = xstrdup(path);
                g->gc = group_commit_new();
                pthread_mutex_init(&g->writer, NULL);
                pthread_mutex_init(&g->members_lock, NULL);
                pthread_cond_init(&g->batch_ended, NULL);
                g->jobs_tail = &g->jobs;
                atomic_init(&g->checkpoint_at, KD_SQLITE_CHECKPOINT_FRAMES);
                g->next = groups;
                groups = g;
        }
        g->refs++;
        pthread_mutex_unlock(&groups_lock);
        return g;
}

/* The last connection to leave says how well commits were grouped (tests/http/
 * test_durability.c reads this line) and frees the group. */
static void group_leave(struct wal_group *g)
{
        if (!g)
                return;
        pthread_mutex_lock(&groups_lock);
        bool last = --g->refs == 0;
        if (last) {
                struct wal_group **p = &groups;
                while (*p != g)
                        p = &(*p)->next;
                *p = g->next;
        }
        pthread_mutex_unlock(&groups_lock);
        if (!last)
                return;
        struct group_commit_stats st = group_commit_stats(g->gc);
        if (st.syncs > 0 || st.failures > 0)
                log_info("db: group commit: %llu durable commits, %llu syncs, %llu failed",
                         (unsigned long long)st.commits, (unsigned long long)st.syncs,
                         (unsigned long long)st.failures);
        if (g->batches > 0)
                log_info("db: batched transactions: %llu in %llu commits",
                         (unsigned long long)g->batched, (unsigned long long)g->batches);
        /* nobody uses them any more: no connection of the group is left */
        if (g->shared)
                db_close(&g->shared->base);
        if (g->syncer)
                db_close(&g->syncer->base);
        group_commit_free(g->gc);
        pthread_cond_destroy(&g->batch_ended);
        pthread_mutex_destroy(&g->members_lock);
        pthread_mutex_destroy(&g->writer);
        free(g->path);
        free(g);
}

static void batch_end(struct wal_group *g, struct sq_db *closer);

/* Takes the group's writer turn before a write transaction or a lone write begins: true once
 * held. A writer that does not join the batch (joining false) commits the open batch first, as
 * the shared connection holds SQLite's write lock while it is open. Waits at most the busy
 * timeout, then leaves the writer to SQLite's own busy handling, as does a thread that holds the
 * turn through another connection (it would wait for itself). */
static bool writer_take(struct sq_db *db, bool joining)
{
        if (!db->group || db->holds_writer)
                return db->holds_writer;
        struct wal_group *g = db->group;
        if (turn_held == g)
                return false;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += BUSY_TIMEOUT_MS / 1000;
        atomic_fetch_add(&g->waiting, 1);
        group_commit_poke(g->gc); /* a batch held open (batch_finish) takes this writer in */
        bool took = pthread_mutex_timedlock(&g->writer, &until) == 0;
        atomic_fetch_sub(&g->waiting, 1);
        if (!took)
                return false;
        db->holds_writer = true;
        turn_held = g;
        if (!joining && g->batch_open)
                batch_end(g, db);
        return true;
}

/* Hands the turn on once no write is open on the connection: the next writer commits while
 * this one waits for the disk, which is what lets commits share a sync. */
static void writer_give(struct sq_db *db)
{
        if (!db->holds_writer)
                return;
        struct wal_group *g = db->group;
        db->holds_writer = false;
        turn_held = NULL;
        pthread_mutex_unlock(&g->writer);
        /* a combined transaction waits for the turn: its waiter takes it and runs the queue */
        if (atomic_load(&g->jobs_queued) > 0) {
                atomic_uint *first = NULL;
                pthread_mutex_lock(&g->members_lock);
                g->turn_gen++;
                if (g->jobs) {
                        first = &g->jobs->word;
                        atomic_fetch_add_explicit(first, JOB_NUDGED, memory_order_relaxed);
                }
                pthread_mutex_unlock(&g->members_lock);
                if (first) /* only its address, should the job have ended meanwhile */
                        wake_word_wake(first);
        }
}

/* Whether another writer waits for the turn: one blocked on it, or a combined transaction. */
static bool others_wait(struct wal_group *g)
{
        return atomic_load(&g->waiting) > 0 || atomic_load(&g->jobs_queued) > 0;
}

/* The busy handler of a checkpoint: readers of older pages get until the deadline arg (a
 * CLOCK_MONOTONIC time, KD_SQLITE_CHECKPOINT_WAIT_MS away) to finish, looked at every
 * millisecond. */
static int checkpoint_busy(void *arg, int tries)
{
        const struct timespec *until = arg, ms = {.tv_nsec = 1000000};
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > until->tv_sec ||
            (now.tv_sec == until->tv_sec && now.tv_nsec >= until->tv_nsec))
                return 0;
        nanosleep(&ms, NULL);
        (void)tries;
        return 1;
}

/* checkpoint_if_due's work, on a connection that syncs. */
static void checkpoint_now(struct sq_db *db, struct wal_group *g)
{
        if (!g) {
                sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
                return;
        }
        /* one ran since the commit that asked (it copied that commit's pages), or runs now */
        if (atomic_load(&g->checkpoints) != db->due_after ||
            atomic_exchange(&g->checkpointing, true))
                return;
        if (atomic_load(&g->checkpoints) != db->due_after) { /* one ended meanwhile */
                atomic_store(&g->checkpointing, false);
                return;
        }
        sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (writer_take(db, false)) { /* false: this thread holds it elsewhere, or timed out */
                int pages = -1;
                struct timespec until;
                clock_gettime(CLOCK_MONOTONIC, &until);
                until.tv_nsec += KD_SQLITE_CHECKPOINT_WAIT_MS * 1000000L;
                until.tv_sec += until.tv_nsec / 1000000000L;
                until.tv_nsec %= 1000000000L;
                sqlite3_busy_handler(db->conn, checkpoint_busy, &until);
                int rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_RESTART,
                                                   &pages, NULL);
                sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS); /* as open_connection set */
                if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                        log_warn("db: checkpoint: %s", sqlite3_errstr(rc));
                /* A reader (or an error) kept the WAL from starting again: the next try waits
                 * until it grew by as much again, rather than holding up writers at every
                 * commit. When the WAL's size is unknown, the mark moves on from where it was. */
                int from = pages > 0 ? pages : atomic_load(&g->checkpoint_at);
                atomic_store(&g->checkpoint_at, rc == SQLITE_OK
                                                    ? KD_SQLITE_CHECKPOINT_FRAMES
                                                    : from + KD_SQLITE_CHECKPOINT_FRAMES);
                atomic_fetch_add(&g->checkpoints, 1);
                writer_give(db);
        }
        atomic_store(&g->checkpointing, false);
}

/* A checkpoint, outside any transaction, in two steps. First beside the writers (PASSIVE): it
 * copies the frames there are, while more are written. Alone, that never caught up with a
 * steady stream of batches: the -wal file grew by 50 MB a second and never started again
 * (docs/performance.md, "Checkpoints that let the WAL start again"). Then holding the writer's
 * turn: with no write landing meanwhile, and once the readers of older pages have finished (a short
 * wait), it copies the few frames written during the first, and the next write starts the WAL again
 * from its beginning (RESTART). Writers wait only for that second, short step. A reader still busy
 * after the wait only postpones the start to the next checkpoint. */
static void checkpoint_if_due(struct sq_db *db)
{
        /* not inside a transaction, nor holding the turn (it would give the turn away): the
         * request stays for a later call. (A COMMIT on the connection itself calls this with
         * depth still 1: the transaction has ended all the same.) */
        if (!db->checkpoint_due || db->holds_writer || db->via || !sqlite3_get_autocommit(db->conn))
                return;
        db->checkpoint_due = false;
        struct wal_group *g = db->group;
        /* synchronous=OFF syncs nothing: a checkpoint through such a connection would copy
         * others' acknowledged commits into the database file unsynced, then let the WAL be
         * written over. So a bulk load's checkpoints sync as any other's. */
        if (db->bulk) {
                if (sqlite3_exec(db->conn, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) ==
                    SQLITE_OK)
                        checkpoint_now(db, g);
                (void)sqlite3_exec(db->conn, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
                return;
        }
        checkpoint_now(db, g);
}

static int sync_wal(void *arg)
{
        struct sq_db *db = arg;
        sqlite3_file *wal = NULL;
        if (sqlite3_file_control(db->conn, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) !=
                SQLITE_OK ||
            !wal || !wal->pMethods) {
                log_error("db: no WAL file to sync");
                return -1;
        }
        int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
        if (rc != SQLITE_OK)
                log_error("db: syncing the WAL failed (%d): nothing more is acknowledged as "
                          "durable until kindred restarts",
                          rc);
        return rc == SQLITE_OK ? 0 : -1;
}

/* After a statement ended: once no transaction is open any more and a commit wrote frames,
 * wait until they are on disk. DB_OK, or DB_ERROR when the sync failed (the commit happened
 * but must not be reported as durable). */
static int wait_durable(struct sq_db *db)
{
        if (!db->wrote || !sqlite3_get_autocommit(db->conn))
                return DB_OK;
        db->wrote = false;
        if (!db->group_sync || !db->group)
                return DB_OK;
        return group_commit_wait(db->group->gc, sync_wal, db) == 0 ? DB_OK : DB_ERROR;
}

/* The update hook: a row of `table` changed in the connection's open transaction. */
static void on_row_change(void *arg, int op, const char *schema, const char *table,
                          sqlite3_int64 rowid)
{
        struct sq_db *db = arg;
        /* run by the thread stepping the statement: a batched one's own. A new row cannot make
         * anything kept from the table stale (db.h): only updates and deletes count. */
        if (db_watch_is_quiet || op == SQLITE_INSERT)
                return;
        for (const char *const *t = db_watched_tables; t && *t && !db->watched_changed; t++)
                db->watched_changed = strcmp(*t, table) == 0;
        (void)schema;
        (void)rowid;
}

/* The rollback hook: what the transaction changed is gone. A batched transaction rolled back to
 * its savepoint puts back the mark of those before it (batch_finish); a savepoint of its own
 * rolled back (a nested db_begin) leaves the mark: the callback then runs once for nothing. */
static void on_rollback(void *arg)
{
        ((struct sq_db *)arg)->watched_changed = false;
}

/* After a commit that wrote frames: it took place, so the watched tables' watchers hear of it.
 * A commit that changed a row always wrote frames. */
static void tell_watchers(struct sq_db *db)
{
        if (db->watched_changed && db_watched_changed) {
                db->watched_changed = false;
                db_watched_changed();
        }
}

static int on_wal_commit(void *arg, sqlite3 *conn, const char *schema, int frames)
{
        struct sq_db *db = arg;
        db->wrote = true;
        tell_watchers(db);
        /* what the auto-checkpoint this hook replaces did, once the commit's writer has handed
         * the turn on (checkpoint_if_due) */
        struct wal_group *g = db->of;
        if (g && frames < KD_SQLITE_CHECKPOINT_FRAMES &&
            atomic_load(&g->checkpoint_at) != KD_SQLITE_CHECKPOINT_FRAMES)
                atomic_store(&g->checkpoint_at, KD_SQLITE_CHECKPOINT_FRAMES); /* started again */
        if (frames >= (g ? atomic_load(&g->checkpoint_at) : KD_SQLITE_CHECKPOINT_FRAMES)) {
                db->checkpoint_due = true;
                db->due_after = g ? atomic_load(&g->checkpoints) : 0;
        }
        (void)conn;
        (void)schema;
        return SQLITE_OK;
}

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

static bool in_wal_mode(struct sq_db *db)
{
        sqlite3_stmt *st = NULL;
        bool wal =
            sqlite3_prepare_v2(db->conn, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW &&
            sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
        sqlite3_finalize(st);
        return wal;
}

/* Opens a connection; one that joins (every one given out) shares the file's group commit. */
static int open_connection(const char *path, bool join, struct db **out)
{
        pthread_once(&configure_once, configure);
        struct sq_db *db = xcalloc(1, sizeof(*db));
        db->base.engine = &sqlite_engine;
        int rc = sqlite3_open_v2(path, &db->conn,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 wal_vfs_name());
        if (rc != SQLITE_OK) {
                log_error("db: cannot open %s: %s", path,
                          db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
                goto fail;
        }
        sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(db->conn, 1);
        /* durable by default: a write acknowledged to a member survives a power cut, through
         * group commit (above) rather than synchronous=FULL */
        if (db_exec_script(&db->base, "PRAGMA journal_mode=WAL;"
                                      "PRAGMA synchronous=NORMAL;"
                                      "PRAGMA foreign_keys=ON;"
                                      "PRAGMA temp_store=MEMORY;") != DB_OK)
                goto fail;
        const char *file = sqlite3_db_filename(db->conn, "main");
        if (join)
                db->group = db->of = group_join(file && *file ? file : path);
        db->group_sync = join;
        db->shared = !join;
        sqlite3_wal_hook(db->conn, on_wal_commit, db);
        /* the watchers hear after the WAL hook says a commit took place: not in another
         * journal mode, where the connection then says it cannot tell. The hooks are set
         * whether a watch is yet or not, so that it may be set at any time. */
        if (in_wal_mode(db)) {
                sqlite3_update_hook(db->conn, on_row_change, db);
                sqlite3_rollback_hook(db->conn, on_rollback, db);
                db->watching = true;
        }
        *out = &db->base;
        return DB_OK;
fail:
        db_close(&db->base);
        *out = NULL;
        return DB_ERROR;
}

static void sq_close(struct db *d);
static int batch_finish(struct sq_db *db, bool commit);

int db_sqlite_open(const char *path, struct db **out)
{
        return open_connection(path, true, out);
}

/* db_search_index's connection: the index file beside the site's database, the site's file
 * attached as "site". It belongs to no group: its writes take the index file's own write lock,
 * never the writers' turn, and its transactions begin deferred (sq_begin), as BEGIN IMMEDIATE
 * would take the site's write lock too. Each commit is synced by itself (synchronous=FULL): the
 * indexer clears the site's rows it took (search_old_text) only once the index file holds them
 * on disk. SQLite's own auto-checkpoint keeps its WAL short. */
static struct sq_db *open_search_file(struct sq_db *site)
{
        const char *file = sqlite3_db_filename(site->conn, "main");
        if (!file || !*file) {
                log_error("db: a database without a file has no search index file");
                return NULL;
        }
        size_t size = strlen(file) + sizeof("-search");
        char *path = xmalloc(size);
        snprintf(path, size, "%s-search", file);
        struct sq_db *db = xcalloc(1, sizeof(*db));
        db->base.engine = &sqlite_engine;
        db->search_file = true;
        sqlite3_stmt *attach = NULL;
        int rc = sqlite3_open_v2(path, &db->conn,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 wal_vfs_name());
        if (rc == SQLITE_OK) {
                sqlite3_busy_timeout(db->conn, BUSY_TIMEOUT_MS);
                sqlite3_extended_result_codes(db->conn, 1);
                rc = sqlite3_exec(db->conn,
                                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  "PRAGMA temp_store=MEMORY;",
                                  NULL, NULL, NULL);
        }
        if (rc == SQLITE_OK)
                rc = sqlite3_prepare_v2(db->conn, "ATTACH DATABASE ?1 AS site", -1, &attach, NULL);
        if (rc == SQLITE_OK) {
                sqlite3_bind_text(attach, 1, file, -1, SQLITE_STATIC);
                rc = sqlite3_step(attach) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db->conn);
        }
        sqlite3_finalize(attach);
        /* a small page cache for each file: a pass reads the newest rows and FTS5's segments
         * once, and a worker that searches opens one of these beside its own connection */
        if (rc == SQLITE_OK) {
                char cache[96];
                snprintf(cache, sizeof(cache),
                         "PRAGMA main.cache_size=-%d; PRAGMA site.cache_size=-%d;",
                         KD_SQLITE_SEARCH_CACHE_KIB, KD_SQLITE_SEARCH_CACHE_KIB);
                rc = sqlite3_exec(db->conn, cache, NULL, NULL, NULL);
        }
        if (rc != SQLITE_OK) {
                log_error("db: cannot open the search index file %s: %s", path,
                          db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
                sq_close(&db->base);
                db = NULL;
        }
        free(path);
        return db;
}

static struct db *sq_search_index(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->search_file)
                return d;
        if (!db->search)
                db->search = open_search_file(db);
        return db->search ? &db->search->base : NULL;
}

static void sq_close(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->search)
                sq_close(&db->search->base);
        if (db->via) /* a transaction left open: it rolls back, as closing would do */
                (void)batch_finish(db, false);
        writer_give(db);
        for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
                if (db->cache[i]) {
                        sqlite3_finalize(db->cache[i]->st);
                        free(db->cache[i]);
                }
        }
        sqlite3_close(db->conn);
        group_leave(db->group);
        free(db);
}

/* The connection db's statements run on: the shared one in a batched transaction. */
static struct sq_db *runs_on(struct db *db)
{
        return SQ(db)->via ? SQ(db)->via : SQ(db);
}

static const char *sq_errmsg(struct db *db)
{
        return sqlite3_errmsg(runs_on(db)->conn);
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
        struct sq_db *on = runs_on(db);
        struct sq_stmt *s = sq_prepare_stmt(on, sql);
        if (s)
                on->handed_out++;
        return s ? &s->base : NULL;
}

static void sq_finish(struct db_stmt *st)
{
        struct sq_stmt *s = SQS(st);
        s->db->handed_out--;
        /* A lone write (no transaction) left before its last step commits in the reset, where
         * SQLite calls no WAL hook: count it as written, so the wait below covers it, and tell
         * the table watch once it is committed. */
        bool lone_write = sqlite3_stmt_busy(s->st) && !sqlite3_stmt_readonly(s->st) &&
                          sqlite3_get_autocommit(s->db->conn);
        if (lone_write && s->db->group_sync)
                s->db->wrote = true;
        sqlite3_reset(s->st);
        if (lone_write && sqlite3_get_autocommit(s->db->conn))
                tell_watchers(s->db);
        /* (in a batched transaction the turn is the transaction's, whatever its own
         * connection says) */
        if (sqlite3_get_autocommit(s->db->conn) && !s->db->via) {
                writer_give(s->db); /* a lone write left before its last row */
                checkpoint_if_due(s->db);
        }
        /* nothing to report to: a failed sync here is logged, and every later one fails */
        (void)wait_durable(s->db);
        if (!s->cached) {
                sqlite3_finalize(s->st);
                free(s);
                return;
        }
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

static void read_scope_end(struct sq_db *db);
static void read_scope_open(struct sq_db *db, sqlite3_stmt *st);

static int sq_step(struct db_stmt *st)
{
        struct sq_stmt *s = SQS(st);
        bool starting = !sqlite3_stmt_busy(s->st);
        if (starting && s->db->via) {
                /* prepared before db_begin: it would run outside the transaction */
                log_error("db: a statement prepared outside a transaction ran in it: %s",
                          sqlite3_sql(s->st));
                return DB_ERROR;
        }
        if (starting && s->db->shared && sqlite3_get_autocommit(s->db->conn)) {
                /* the batch ended under it (an error rolled it back): nothing may autocommit */
                log_error("db: a statement of a batched transaction ran after it ended: %s",
                          sqlite3_sql(s->st));
                return DB_ERROR;
        }
        /* A write in a read scope: the snapshot ends first and the write runs as it would
         * outside one (a read transaction that turns into a write fails at once, without the
         * busy timeout, when another connection committed since it began). */
        if (s->db->read_scope && starting && !sqlite3_stmt_readonly(s->st))
                read_scope_end(s->db);
        else if (s->db->read_wanted && starting)
                read_scope_open(s->db, s->st);
        /* BEGIN IMMEDIATE, or a write outside a transaction (COMMIT and BEGIN are read-only) */
        if (starting && !sqlite3_stmt_readonly(s->st) && sqlite3_get_autocommit(s->db->conn))
                writer_take(s->db, false);
        int rc = map_rc(s->db, sqlite3_step(s->st));
        if (rc != DB_ROW && sqlite3_get_autocommit(s->db->conn) && !s->db->via) {
                writer_give(s->db); /* committed, rolled back, or a lone write done */
                checkpoint_if_due(s->db);
        }
        /* a COMMIT, or a write outside a transaction, has just finished */
        if (rc == DB_DONE && wait_durable(s->db) != DB_OK)
                return DB_ERROR;
        return rc;
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
        return sqlite3_changes64(runs_on(db)->conn);
}

/* A script run inside a batched transaction may not end or split it: the batch's commit is its
 * writers' (refused when prepared, SQLITE_AUTH). */
static int no_transaction_control(void *arg, int action, const char *a, const char *b,
                                  const char *c, const char *d)
{
        (void)arg, (void)a, (void)b, (void)c, (void)d;
        return action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT ? SQLITE_DENY : SQLITE_OK;
}

static int sq_exec_script(struct db *d, const char *sql)
{
        struct sq_db *db = SQ(d);
        read_scope_end(db);
        char *err = NULL;
        if (db->via) { /* in a batched transaction: its script runs there, and must not end it */
                struct sq_db *w = db->via;
                if (sqlite3_get_autocommit(w->conn))
                        return DB_ERROR; /* an error already ended the batch */
                sqlite3_set_authorizer(w->conn, no_transaction_control, NULL);
                int rc = sqlite3_exec(w->conn, sql, NULL, NULL, &err);
                sqlite3_set_authorizer(w->conn, NULL, NULL);
                if (rc != SQLITE_OK || sqlite3_get_autocommit(w->conn)) {
                        log_error("db: %s", err ? err : "a script ended its transaction");
                        sqlite3_free(err);
                        return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
                }
                return DB_OK;
        }
        int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &err);
        if (rc == SQLITE_OK && wait_durable(db) != DB_OK)
                return DB_ERROR;
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

/* A read scope is opened lazily, at the scope's first statement: a page that reads nothing
 * (a member's home served from kept parts) pays no BEGIN and COMMIT. */
static int sq_read_begin(struct db *d)
{
        SQ(d)->read_wanted = true;
        return DB_OK;
}

/* Called as a statement starts while a scope is wanted: a read opens the transaction (unless one
 * is open already), a write gives the scope up. */
static void read_scope_open(struct sq_db *db, sqlite3_stmt *st)
{
        db->read_wanted = false; /* also keeps the BEGIN below from coming back here */
        if (!sqlite3_stmt_readonly(st) || db->depth > 0 || !sqlite3_get_autocommit(db->conn))
                return; /* a write, or a transaction: its reads are one anyway */
        if (exec_cached(db, "BEGIN") == DB_OK) /* deferred: the snapshot starts at this read */
                db->read_scope = true;
}

static void read_scope_end(struct sq_db *db)
{
        db->read_wanted = false;
        if (!db->read_scope)
                return;
        db->read_scope = false;
        if (!sqlite3_get_autocommit(db->conn))
                (void)exec_cached(db, "COMMIT"); /* nothing was written: it only lets go */
}

static void sq_read_end(struct db *d)
{
        read_scope_end(SQ(d));
}

/* ------------------------------------------------------------------ batched transactions */

/* Runs one of the batches' own statements (BEGIN IMMEDIATE, SAVEPOINT, RELEASE, COMMIT ...) on
 * a shared connection: kept in its statement cache, as every batch runs them (parsing them each
 * time was 3% of a comment), and stepped directly (sq_step's rules are for callers' statements:
 * it refuses a BEGIN on a shared connection). */
static int shared_exec(struct sq_db *w, const char *sql)
{
        struct sq_stmt *s = sq_prepare_stmt(w, sql);
        if (!s)
                return DB_ERROR;
        int rc = sqlite3_step(s->st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW)
                log_error("db: %s: %s", sql, sqlite3_errmsg(w->conn));
        sqlite3_reset(s->st);
        if (s->cached) {
                s->in_use = false;
        } else {
                sqlite3_finalize(s->st);
                free(s);
        }
        return rc == SQLITE_DONE || rc == SQLITE_ROW ? DB_OK
               : (rc & 0xff) == SQLITE_BUSY          ? DB_BUSY
                                                     : DB_ERROR;
}

/* Opens the group's shared connection and the one its syncs go through, by the turn's holder.
 * The syncer reads once so that SQLite opens its handle on the -wal file, which stays open as
 * long as the connection; an fdatasync through it covers what any connection wrote to the
 * file. false (logged) when either fails: the group then runs without batches. */
static bool shared_open(struct wal_group *g)
{
        if (g->shared)
                return true;
        if (g->batch_off)
                return false;
        struct db *w = NULL, *y = NULL;
        sqlite3_file *wal = NULL;
        if (open_connection(g->path, false, &w) != DB_OK ||
            open_connection(g->path, false, &y) != DB_OK ||
            shared_exec(SQ(y), "SELECT count(*) FROM sqlite_schema") != DB_OK ||
            sqlite3_file_control(SQ(y)->conn, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) !=
                SQLITE_OK ||
            !wal || !wal->pMethods) {
                log_error("db: cannot open the connections batched transactions share: each "
                          "transaction commits on its own");
                if (w)
                        db_close(w);
                if (y)
                        db_close(y);
                g->batch_off = true;
                return false;
        }
        g->shared = SQ(w);
        g->syncer = SQ(y);
        g->shared->of = g->syncer->of = g;
        return true;
}

/* Commits the open batch, by the turn's holder, and takes its list of transactions. A
 * checkpoint the commit made due is left to the closer's own connection, after the turn. */
static struct batch_outcome batch_commit(struct wal_group *g, struct sq_db *closer)
{
        struct sq_db *w = g->shared;
        struct batch_outcome o = {.size = (uint64_t)g->batch_size};
        /* an error that rolled back the whole transaction took every savepoint with it */
        o.committed = !sqlite3_get_autocommit(w->conn) && shared_exec(w, "COMMIT") == DB_OK;
        if (!sqlite3_get_autocommit(w->conn))
                (void)shared_exec(w, "ROLLBACK");
        o.wrote = w->wrote;
        w->wrote = false;
        if (w->checkpoint_due) {
                w->checkpoint_due = false;
                closer->checkpoint_due = true;
                closer->due_after = w->due_after;
        }
        g->batch_open = false;
        g->batch_size = 0;
        pthread_mutex_lock(&g->members_lock);
        if (o.committed && o.size > 0) {
                g->batches++;
                g->batched += o.size;
        }
        o.members = g->members;
        g->members = NULL;
        pthread_mutex_unlock(&g->members_lock);
        return o;
}

/* Tells a batch's transactions how it ended (durable: the closer synced for them). The
 * combined transactions' waiters are woken after the lock is let go, so that they do not wake
 * into it (they need it no more: their word says they are settled). */
static void batch_tell(struct wal_group *g, struct batch_outcome o, bool durable)
{
        atomic_uint *words[KD_SQLITE_BATCH_MAX];
        int n = 0;
        pthread_mutex_lock(&g->members_lock);
        for (struct batch_member *m = o.members, *next; m; m = next) {
                next = m->next; /* m is its waiter's once ended */
                m->committed = o.committed;
                m->wrote = o.wrote;
                m->durable = durable;
                m->ended = true;
                if (m->word) {
                        atomic_uint *word = m->word;
                        atomic_fetch_or_explicit(word, JOB_SETTLED, memory_order_release);
                        if (n < KD_SQLITE_BATCH_MAX)
                                words[n++] = word;
                        else
                                wake_word_wake(word);
                }
        }
        pthread_cond_broadcast(&g->batch_ended);
        pthread_mutex_unlock(&g->members_lock);
        for (int i = 0; i < n; i++)
                wake_word_wake(words[i]);
}

/* Ends the open batch where the closer cannot wait for the disk (it is about to write itself):
 * each transaction then waits for the shared sync on its own. */
static void batch_end(struct wal_group *g, struct sq_db *closer)
{
        batch_tell(g, batch_commit(g, closer), false);
}

/* Hands the turn on after a transaction that did not join the batch (it rolled back, or could
 * not begin): the batch is ended unless it holds transactions and a writer waits to join it
 * (an empty one left open would hold SQLite's write lock with nobody bound to end it). */
static void batch_pass(struct wal_group *g, struct sq_db *db)
{
        if (g->batch_open &&
            (g->batch_size == 0 || !others_wait(g) || g->batch_size >= KD_SQLITE_BATCH_MAX))
                batch_end(g, db);
        writer_give(db);
}

/* group_commit_hold's stop: a writer waits for the turn, or a combined transaction was
 * queued. */
static bool writer_waits(void *arg)
{
        return others_wait(arg);
}

/* When a waiter for a batch's end looks again without being woken: a wake-up missed costs this
 * much, and nothing more. */
enum { WAKE_CHECK_MS = 20 };
static struct timespec wake_check_deadline(void)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WAKE_CHECK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        return until;
}

/* Waits for the end of the batch m was released into. Should the writer the turn was handed
 * to have given up waiting for it (the busy timeout), nobody would end the batch: a waiter
 * that finds the turn free ends it itself. */
static void batch_wait(struct wal_group *g, struct sq_db *db, struct batch_member *m)
{
        pthread_mutex_lock(&g->members_lock);
        while (!m->ended) {
                struct timespec until = wake_check_deadline();
                if (pthread_cond_timedwait(&g->batch_ended, &g->members_lock, &until) == 0 ||
                    m->ended)
                        continue;
                pthread_mutex_unlock(&g->members_lock);
                if (pthread_mutex_trylock(&g->writer) == 0) {
                        db->holds_writer = true;
                        turn_held = g;
                        if (g->batch_open && g->batch_seq == m->batch) /* still ours */
                                batch_end(g, db);
                        writer_give(db);
                }
                pthread_mutex_lock(&g->members_lock);
        }
        pthread_mutex_unlock(&g->members_lock);
}

/* Whether db's transactions are batched: a connection of a group that has batches, unless it
 * loads in bulk (synchronous=OFF, which the shared connection does not run). A connection that
 * does not wait for the disk (KINDRED_FSYNC_WRITES=false) shares the commit all the same. */
static bool batchable(struct sq_db *db)
{
        return db->group && !db->bulk && !db->group->batch_off && KD_SQLITE_BATCH_MAX > 1;
}

/* Begins a transaction as a savepoint of the open batch (opening one if none is): DB_OK,
 * DB_BUSY or DB_ERROR, or NOT_BATCHED when this writer cannot join one (it then begins on its
 * own connection). */
enum { NOT_BATCHED = 1 };
static int batch_join(struct wal_group *g, struct sq_db *db);
static int batch_begin(struct sq_db *db)
{
        struct wal_group *g = db->group;
        if (!writer_take(db, true))
                return NOT_BATCHED;
        if (!shared_open(g)) {
                writer_give(db);
                return NOT_BATCHED;
        }
        int rc = batch_join(g, db);
        if (rc != DB_OK)
                batch_pass(g, db);
        return rc;
}

/* Begins db's transaction as a savepoint of the open batch, opening one if none is, by the
 * turn's holder (who keeps the turn whatever happens): DB_OK, DB_BUSY or DB_ERROR. */
static int batch_join(struct wal_group *g, struct sq_db *db)
{
        struct sq_db *w = g->shared;
        int rc = DB_OK;
        if (!g->batch_open) {
                rc = shared_exec(w, "BEGIN IMMEDIATE");
                g->batch_open = rc == DB_OK;
                g->batch_size = 0;
                g->batch_seq++;
        }
        if (rc == DB_OK)
                rc = shared_exec(w, "SAVEPOINT batched");
        if (rc != DB_OK)
                return rc;
        db->via = w;
        db->depth = 1;
        db->watched_before = w->watched_changed;
        return DB_OK;
}

/* Ends db's part of the batch, by the turn's holder (who keeps the turn): released into it
 * (commit), m then joining the batch's members, or rolled back to its savepoint. Returns
 * JOINED, or the result of a transaction that left: DB_OK when rolled back as asked, DB_ERROR
 * when a commit failed. Should the transaction's failure have ended the whole batch, closer
 * ends it for the others. */
enum { JOINED = 4 };
static int batch_release(struct sq_db *db, bool commit, struct batch_member *m,
                         struct sq_db *closer)
{
        struct wal_group *g = db->group;
        struct sq_db *w = db->via;
        db->via = NULL;
        db->depth = 0;
        int rc = DB_OK;
        if (w->handed_out > 0) {
                /* a bug of the caller's: the statement would run in the next writer's
                 * transaction. The transaction is refused (rolled back, below), and its
                 * statements reset so that none holds the shared connection's snapshot. */
                log_error("db: a statement outlived its transaction (%d still open)",
                          w->handed_out);
                for (sqlite3_stmt *st = sqlite3_next_stmt(w->conn, NULL); st;
                     st = sqlite3_next_stmt(w->conn, st))
                        if (sqlite3_stmt_busy(st))
                                sqlite3_reset(st);
                rc = DB_ERROR;
        }
        bool lost = sqlite3_get_autocommit(w->conn);
        if (!lost && commit && rc == DB_OK)
                rc = shared_exec(w, "RELEASE batched");
        if (!lost && (!commit || rc != DB_OK) && shared_exec(w, "ROLLBACK TO batched") == DB_OK) {
                (void)shared_exec(w, "RELEASE batched");
                w->watched_changed = db->watched_before; /* what it changed is gone */
        }
        lost = sqlite3_get_autocommit(w->conn);
        if (lost || !commit || rc != DB_OK) {
                if (lost && g->batch_open)
                        batch_end(g, closer); /* fails the transactions released into it */
                return commit ? DB_ERROR : DB_OK;
        }
        m->batch = g->batch_seq;
        pthread_mutex_lock(&g->members_lock);
        m->next = g->members;
        g->members = m;
        pthread_mutex_unlock(&g->members_lock);
        g->batch_size++;
        return JOINED;
}

/* What a transaction released into a batch gets once the batch ended: DB_OK when committed and
 * durable, else DB_ERROR. */
static int member_result(struct wal_group *g, struct sq_db *db, const struct batch_member *m)
{
        if (!m->committed)
                return DB_ERROR;
        if (!m->wrote || m->durable || !db->group_sync)
                return DB_OK;
        /* committed by a writer that could not wait (or a failed sync: this fails too) */
        return group_commit_wait(g->gc, sync_wal, g->syncer) == 0 ? DB_OK : DB_ERROR;
}

/* Ends db's batched transaction: released into the batch (commit) or rolled back to its
 * savepoint. A commit returns once the batch is committed and synced: DB_OK, or DB_ERROR when
 * the batch failed or the sync did. */
static int batch_finish(struct sq_db *db, bool commit)
{
        struct wal_group *g = db->group;
        struct batch_member m = {0};
        int rc = batch_release(db, commit, &m, db);
        if (rc != JOINED) {
                batch_pass(g, db);
                checkpoint_if_due(db);
                return rc;
        }
        /* Nobody waits for the turn, but a sync runs: committed now, the batch would wait for
         * that sync to end and then for one more. It stays open until the sync ends, for the
         * writers who come meanwhile: one commit, and one sync, for all of them. */
        if (!others_wait(g) && g->batch_size < KD_SQLITE_BATCH_MAX && db->group_sync)
                group_commit_hold(g->gc, writer_waits, g, KD_SQLITE_BATCH_HOLD_MS);
        if (others_wait(g) && g->batch_size < KD_SQLITE_BATCH_MAX) {
                writer_give(db); /* the next writer joins, and one of them commits */
                batch_wait(g, db, &m);
        } else {
                /* the closer commits, hands the turn on, and syncs for the whole batch before
                 * telling it: the others wake once, to answer */
                struct batch_outcome o = batch_commit(g, db);
                writer_give(db);
                /* a closer that waits for no disk leaves the sync to those that do */
                bool durable = db->group_sync && o.committed && o.wrote &&
                               group_commit_wait_for(g->gc, o.size, sync_wal, g->syncer) == 0;
                batch_tell(g, o, durable);
        }
        checkpoint_if_due(db);
        return member_result(g, db, &m);
}

/* ------------------------------------------------------------------ combined transactions */

/* Takes the queue's first job (JOB_RUNNING), or NULL. */
static struct write_job *job_take(struct wal_group *g)
{
        pthread_mutex_lock(&g->members_lock);
        struct write_job *j = g->jobs;
        if (j) {
                g->jobs = j->next;
                if (!g->jobs)
                        g->jobs_tail = &g->jobs;
                j->state = JOB_RUNNING;
                atomic_fetch_sub(&g->jobs_queued, 1);
        }
        pthread_mutex_unlock(&g->members_lock);
        return j;
}

/* Settles a job that did not join the batch and wakes its waiter. */
static void job_settle(struct wal_group *g, struct write_job *j, enum job_state state, int rc)
{
        atomic_uint *word = &j->word;
        pthread_mutex_lock(&g->members_lock);
        j->state = state;
        j->rc = rc;
        atomic_fetch_or_explicit(word, JOB_SETTLED, memory_order_release); /* j is its waiter's */
        pthread_mutex_unlock(&g->members_lock);
        wake_word_wake(word);
}

/* Runs a queued transaction as a savepoint of the open batch, by the turn's holder (self),
 * on the job's connection: its statements run on the shared connection (via) as a batched
 * transaction's do. */
static void job_run(struct wal_group *g, struct write_job *j, struct sq_db *self)
{
        struct sq_db *db = j->db;
        int rc = batch_join(g, db);
        if (rc != DB_OK) {
                job_settle(g, j, JOB_LEFT, rc);
                return;
        }
        db->in_job = true;
        bool asked = j->fn(&db->base, j->arg);
        db->in_job = false;
        bool balanced = db->depth == 1;
        if (!balanced) /* a savepoint left open: what it did cannot be trusted */
                log_error("db: a transaction's function left %d savepoints open", db->depth - 1);
        j->m.word = &j->word;
        rc = batch_release(db, asked && balanced, &j->m, self);
        if (rc == JOINED) {
                pthread_mutex_lock(&g->members_lock);
                j->state = JOB_JOINED; /* settled when the batch ends (batch_tell) */
                pthread_mutex_unlock(&g->members_lock);
        } else {
                job_settle(g, j, JOB_LEFT, !asked ? DB_ROLLED_BACK : rc != DB_OK ? rc : DB_ERROR);
        }
}

/* Runs the queued transactions back to back, by the turn's holder (self), in one batch: no
 * thread waits to be woken for the turn between them. Ends when the queue is empty (kept open,
 * while a sync runs, for those who come meanwhile, as batch_finish does) or the batch is full;
 * then commits the batch, hands the turn on (to the next job's waiter, should one be queued)
 * and syncs for the whole batch before telling its transactions. */
static void combine(struct wal_group *g, struct sq_db *self)
{
        if (!shared_open(g)) { /* no batches: every queued job runs on its own connection */
                for (struct write_job *j; (j = job_take(g));)
                        job_settle(g, j, JOB_BOUNCED, DB_OK);
                writer_give(self);
                return;
        }
        while (g->batch_size < KD_SQLITE_BATCH_MAX) {
                struct write_job *j = job_take(g);
                if (j) {
                        job_run(g, j, self);
                        continue;
                }
                if (!g->batch_open || g->batch_size == 0 || atomic_load(&g->waiting) > 0 ||
                    !self->group_sync)
                        break;
                group_commit_hold(g->gc, writer_waits, g, KD_SQLITE_BATCH_HOLD_MS);
                if (atomic_load(&g->jobs_queued) == 0)
                        break;
        }
        if (!g->batch_open) {
                writer_give(self);
                return;
        }
        struct batch_outcome o = batch_commit(g, self);
        writer_give(self);
        bool durable = self->group_sync && o.committed && o.wrote &&
                       group_commit_wait_for(g->gc, o.size, sync_wal, g->syncer) == 0;
        batch_tell(g, o, durable);
}

/* Whether the job has its answer (then its fields are its waiter's to read). */
static bool job_settled(struct write_job *j)
{
        return atomic_load_explicit(&j->word, memory_order_acquire) & JOB_SETTLED;
}

/* db_transact: queued for the writer's turn, and run by whoever holds it, this thread when it
 * can take it. Runs here instead when the transaction cannot be batched, nests in another, or
 * needs this thread's own state (a quiet watch, or the turn held through another connection). */
static int sq_transact(struct db *d, db_txn_fn fn, void *arg)
{
        struct sq_db *db = SQ(d);
        struct wal_group *g = db->group;
        if (!batchable(db) || db->depth > 0 || db->via || turn_held == g || db_watch_is_quiet)
                return db_transact_here(d, fn, arg);
        read_scope_end(db);
        struct write_job j = {.db = db, .fn = fn, .arg = arg, .state = JOB_QUEUED};
        atomic_init(&j.word, 0);
        pthread_mutex_lock(&g->members_lock);
        *g->jobs_tail = &j;
        g->jobs_tail = &j.next;
        atomic_fetch_add(&g->jobs_queued, 1);
        while (!job_settled(&j)) {
                /* the word changes under members_lock: a change after this read ends the
                 * sleep below at once */
                unsigned seen = atomic_load_explicit(&j.word, memory_order_relaxed);
                if (j.state == JOB_QUEUED) {
                        unsigned gen = g->turn_gen;
                        pthread_mutex_unlock(&g->members_lock);
                        group_commit_poke(g->gc); /* a batch held open takes this job in */
                        if (pthread_mutex_trylock(&g->writer) == 0) {
                                db->holds_writer = true;
                                turn_held = g;
                                combine(g, db);
                        }
                        pthread_mutex_lock(&g->members_lock);
                        if (job_settled(&j))
                                break;
                        if (j.state == JOB_QUEUED && gen != g->turn_gen)
                                continue; /* the turn was given meanwhile: try again */
                        seen = atomic_load_explicit(&j.word, memory_order_relaxed);
                }
                pthread_mutex_unlock(&g->members_lock);
                /* Woken by a turn given (the queue's first), or the job settled. The time
                 * limit only guards against a wake-up missed. */
                wake_word_wait(&j.word, seen, WAKE_CHECK_MS);
                if (job_settled(&j))
                        goto settled; /* without the lock: the word says it all */
                pthread_mutex_lock(&g->members_lock);
        }
        pthread_mutex_unlock(&g->members_lock);
settled:
        checkpoint_if_due(db);
        switch (j.state) {
        case JOB_BOUNCED:
                return db_transact_here(d, fn, arg);
        case JOB_JOINED:
                return member_result(g, db, &j.m);
        default:
                return j.rc;
        }
}

/* Nesting: an inner db_begin() is a savepoint, so a model function that keeps its own writes
 * atomic can run inside a larger transaction (an import) and still roll back only its part. */
static int sq_begin(struct db *d)
{
        struct sq_db *db = SQ(d);
        read_scope_end(db);
        int rc;
        if (db->via && !sqlite3_get_autocommit(db->via->conn)) {
                rc = exec_cached(db->via, "SAVEPOINT nested");
                if (rc == DB_OK)
                        db->depth++;
                return rc;
        }
        if (db->in_job) /* the batch ended under a combined transaction: it fails */
                return DB_ERROR;
        if (db->via) /* an error already ended the batch it was in */
                (void)batch_finish(db, false);
        if (db->depth > 0 && sqlite3_get_autocommit(db->conn))
                db->depth = 0; /* an error already ended the outer transaction */
        if (db->depth == 0 && batchable(db) && (rc = batch_begin(db)) != NOT_BATCHED)
                return rc;
        rc = exec_cached(db, db->depth         ? "SAVEPOINT nested"
                             : db->search_file ? "BEGIN"
                                               : "BEGIN IMMEDIATE");
        if (rc == DB_OK)
                db->depth++;
        return rc;
}

static int sq_commit(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->depth <= 0)
                return DB_ERROR;
        if (db->in_job && db->depth == 1) { /* db_transact commits, not its function */
                log_error("db: a transaction's function committed its transaction");
                return DB_ERROR;
        }
        if (db->via && db->depth == 1)
                return batch_finish(db, true);
        int rc = exec_cached(db->via ? db->via : db, db->depth > 1 ? "RELEASE nested" : "COMMIT");
        if (rc == DB_OK)
                db->depth--;
        return rc;
}

static int sq_rollback(struct db *d)
{
        struct sq_db *db = SQ(d);
        if (db->via && db->depth > 1 && !sqlite3_get_autocommit(db->via->conn)) {
                int rc = exec_cached(db->via, "ROLLBACK TO nested");
                if (rc == DB_OK)
                        rc = exec_cached(db->via, "RELEASE nested");
                db->depth--;
                return rc;
        }
        if (db->in_job) { /* db_transact rolls back, not its function; or the batch ended */
                if (db->depth > 1)
                        db->depth--;
                return DB_ERROR;
        }
        if (db->via) /* its own savepoint, or an error ended the whole batch */
                return batch_finish(db, false);
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

static int sq_set_durability(struct db *d, enum db_durability dur)
{
        /* FULL: a commit is on disk before it returns (group commit, above); NORMAL in WAL
         * mode: a commit survives a crash of kindred, not a power cut; OFF: bulk loading */
        struct sq_db *db = SQ(d);
        if (db->via)
                return DB_ERROR; /* not inside a (batched) transaction */
        db->group_sync = dur == DB_DURABLE_FULL;
        db->bulk = dur == DB_DURABLE_OFF;
        return sq_exec_script(d, dur == DB_DURABLE_OFF ? "PRAGMA synchronous=OFF;"
                                                       : "PRAGMA synchronous=NORMAL;");
}

static int sq_durable_stats(struct db *d, struct db_durable_stats *out)
{
        struct sq_db *db = SQ(d);
        if (!db->group)
                return DB_ERROR;
        struct group_commit_stats st = group_commit_stats(db->group->gc);
        *out = (struct db_durable_stats){
            .commits = st.commits, .syncs = st.syncs, .failures = st.failures};
        pthread_mutex_lock(&db->group->members_lock);
        out->batched = db->group->batched;
        out->batches = db->group->batches;
        pthread_mutex_unlock(&db->group->members_lock);
        return DB_OK;
}

static bool sq_watches_tables(struct db *db)
{
        return SQ(db)->watching && db_watched_changed;
}

static bool sq_idle(struct db *db, char *what, size_t size)
{
        sqlite3 *c = SQ(db)->conn;
        /* every statement handed out was finished (reset): none can be open, and the cache's
         * hundreds need not be walked */
        for (sqlite3_stmt *st = SQ(db)->handed_out > 0 ? sqlite3_next_stmt(c, NULL) : NULL; st;
             st = sqlite3_next_stmt(c, st)) {
                if (sqlite3_stmt_busy(st)) {
                        snprintf(what, size, "%s", sqlite3_sql(st));
                        return false;
                }
        }
        if (!sqlite3_get_autocommit(c) || SQ(db)->depth > 0 || SQ(db)->read_scope ||
            SQ(db)->read_wanted) { /* a scope begun and never ended would outlive its caller */
                snprintf(what, size, "a transaction");
                return false;
        }
        return true;
}

static const struct db_engine sqlite_engine = {
    .kind = DB_SQLITE,
    .close = sq_close,
    .search_index = sq_search_index,
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
    .transact = sq_transact,
    .exec_script = sq_exec_script,
    .set_durability = sq_set_durability,
    .durable_stats = sq_durable_stats,
    .idle = sq_idle,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .watches_tables = sq_watches_tables,
};
