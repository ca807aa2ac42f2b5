/* Unit tests for db/wal_vfs: a commit's -wal frames reach the file in one write, before the
 * commit returns (another connection reads them at once; a process that dies right after a
 * commit keeps it), a transaction larger than the buffer is written a buffer at a time, or as
 * it goes when it spills and reads its own frames back,
 * and pages of 512 bytes and of 64 KiB work as 4 KiB ones do. On real files in a temporary
 * folder, through the engine (db_open_url) and through SQLite directly with the VFS's name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/limits.h"
#include "db/db.h"
#include "db/wal_vfs.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
        char dir[64];
        char path[128];
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        snprintf(f->dir, sizeof(f->dir), "/tmp/kindred-walvfs-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/test.db", f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        char cmd[160];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", f->dir);
        free(f);
        return 0;
}

/* A connection through the VFS, in WAL mode, with page_size set first when not 0. */
static sqlite3 *open_raw(const char *path, int page_size)
{
        const char *vfs = wal_vfs_name();
        assert_non_null(vfs);
        sqlite3 *c = NULL;
        assert_int_equal(sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
                         SQLITE_OK);
        char sql[64];
        if (page_size) {
                snprintf(sql, sizeof(sql), "PRAGMA page_size=%d", page_size);
                assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
        }
        assert_int_equal(
            sqlite3_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL),
            SQLITE_OK);
        return c;
}

static int64_t one_int(sqlite3 *c, const char *sql)
{
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        int64_t v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
}

static void exec_ok(sqlite3 *c, const char *sql)
{
        char *err = NULL;
        int rc = sqlite3_exec(c, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK)
                fail_msg("%s: %s", sql, err ? err : "?");
}

static void assert_intact(sqlite3 *c)
{
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
}

/* Through the engine: a transaction of several pages, and a lone write, are one write each
 * (a sync writes nothing more); the rows are there for a second connection. */
static void commit_is_one_write(void **state)
{
        struct fixture *f = *state;
        struct db *db = NULL, *other = NULL;
        assert_int_equal(db_open_url(f->path, &db), DB_OK);
        assert_int_equal(db_exec_script(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
                                            "CREATE INDEX t_v ON t(v);"),
                         DB_OK);
        struct wal_vfs_stats before = wal_vfs_stats();
        assert_int_equal(db_begin(db), DB_OK);
        for (int i = 0; i < 40; i++) {
                struct db_stmt *s = db_prepare(db, "INSERT INTO t (v) VALUES (?1)");
                char v[300];
                memset(v, 'a' + i % 26, sizeof(v) - 1);
                v[sizeof(v) - 1] = '\0';
                db_bind_text(s, 1, v);
                assert_int_equal(db_step(s), DB_DONE);
                db_finish(s);
        }
        assert_int_equal(db_commit(db), DB_OK);
        struct wal_vfs_stats after = wal_vfs_stats();
        /* 40 rows of 300 bytes and their index: several pages, two writes asked for each */
        assert_true(after.asked - before.asked >= 6);
        assert_int_equal(after.written - before.written, 1);

        before = after;
        assert_int_equal(db_exec_script(db, "UPDATE t SET v = 'changed' WHERE id = 7;"), DB_OK);
        after = wal_vfs_stats();
        assert_true(after.asked - before.asked >= 4);
        assert_int_equal(after.written - before.written, 1);

        assert_int_equal(db_open_url(f->path, &other), DB_OK);
        struct db_stmt *s = db_prepare(other, "SELECT count(*), sum(v = 'changed') FROM t");
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), 40);
        assert_int_equal(db_col_int(s, 1), 1);
        db_finish(s);
        db_close(other);
        db_close(db);
}

/* Another connection, reading between the writer's commits, sees each commit as soon as it
 * returns: the frames are in the file before SQLite publishes the commit. */
static void other_connection_sees_each_commit(void **state)
{
        struct fixture *f = *state;
        sqlite3 *w = open_raw(f->path, 0), *r = open_raw(f->path, 0);
        exec_ok(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        for (int i = 1; i <= 200; i++) {
                exec_ok(w, "BEGIN; INSERT INTO t (v) VALUES (randomblob(1500));"
                           "INSERT INTO t (v) VALUES (randomblob(1500)); COMMIT");
                assert_int_equal(one_int(r, "SELECT count(*) FROM t"), 2 * i);
                assert_int_equal(one_int(r, "SELECT sum(length(v)) FROM t"), 3000 * i);
        }
        assert_intact(r);
        sqlite3_close(r);
        sqlite3_close(w);
}

/* A process that dies right after its commits (no close, no checkpoint) keeps every one: none
 * waited in the buffer. */
static void commits_survive_the_process(void **state)
{
        struct fixture *f = *state;
        sqlite3 *c = open_raw(f->path, 0);
        exec_ok(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        sqlite3_close(c);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                sqlite3 *w = NULL;
                if (sqlite3_open_v2(f->path, &w, SQLITE_OPEN_READWRITE, wal_vfs_name()) !=
                        SQLITE_OK ||
                    sqlite3_exec(w, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
                        _exit(2);
                for (int i = 0; i < 50; i++)
                        if (sqlite3_exec(w,
                                         "BEGIN; INSERT INTO t (v) VALUES (randomblob(5000));"
                                         "COMMIT",
                                         NULL, NULL, NULL) != SQLITE_OK)
                                _exit(3);
                _exit(0); /* as kill -9 would leave it: the -wal as written, not checkpointed */
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        c = open_raw(f->path, 0);
        assert_int_equal(one_int(c, "SELECT count(*) FROM t"), 50);
        assert_int_equal(one_int(c, "SELECT sum(length(v)) FROM t"), 250000);
        assert_intact(c);
        sqlite3_close(c);
}

/* A transaction far larger than the buffer: with room in the page cache it reaches the file at
 * the commit, a buffer's worth a write; with a page cache small enough that SQLite spills pages
 * to the -wal before the commit, reads them back and writes some again in place, it is written
 * as it goes (never in more writes than asked), and reads back whole. */
static void large_transactions(void **state)
{
        struct fixture *f = *state;
        sqlite3 *c = open_raw(f->path, 0);
        exec_ok(c, "PRAGMA cache_size=-20000; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        struct wal_vfs_stats before = wal_vfs_stats();
        exec_ok(c, "BEGIN");
        for (int i = 0; i < 3000; i++)
                exec_ok(c, "INSERT INTO t (v) VALUES (randomblob(1000))");
        exec_ok(c, "COMMIT");
        struct wal_vfs_stats after = wal_vfs_stats();
        uint64_t frames = (after.asked - before.asked) / 2; /* about 750 pages */
        uint64_t per_write = KD_WAL_WRITE_BUFFER / (24 + 4096);
        assert_true(frames > 700);
        assert_in_range(after.written - before.written, frames / per_write, frames / per_write + 2);

        exec_ok(c, "PRAGMA cache_size=20");
        before = wal_vfs_stats();
        exec_ok(c, "BEGIN");
        for (int i = 0; i < 3000; i++)
                exec_ok(c, "INSERT INTO t (v) VALUES (randomblob(1000))");
        exec_ok(c, "UPDATE t SET v = zeroblob(1000) WHERE id % 7 = 0"); /* spilled pages again */
        exec_ok(c, "COMMIT");
        after = wal_vfs_stats();
        assert_true(after.asked - before.asked > 1400);
        assert_true(after.written - before.written <= after.asked - before.asked);
        sqlite3 *r = open_raw(f->path, 0);
        assert_int_equal(one_int(r, "SELECT count(*) FROM t"), 6000);
        assert_int_equal(one_int(r, "SELECT count(*) FROM t WHERE v = zeroblob(1000)"), 857);
        assert_intact(r);
        sqlite3_close(r);
        sqlite3_close(c);
}

/* The smallest and the largest pages SQLite allows: frames of 536 and of 65,560 bytes. */
static void page_sizes(void **state)
{
        struct fixture *f = *state;
        static const int sizes[] = {512, 65536};
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
                char path[160];
                snprintf(path, sizeof(path), "%s/p%d.db", f->dir, sizes[k]);
                sqlite3 *c = open_raw(path, sizes[k]);
                assert_int_equal(one_int(c, "PRAGMA page_size"), sizes[k]);
                exec_ok(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
                for (int i = 0; i < 20; i++)
                        exec_ok(c, "BEGIN; INSERT INTO t (v) VALUES (randomblob(3000));"
                                   "INSERT INTO t (v) VALUES (randomblob(70000)); COMMIT");
                sqlite3 *r = open_raw(path, 0);
                assert_int_equal(one_int(r, "SELECT count(*) FROM t"), 40);
                assert_int_equal(one_int(r, "SELECT sum(length(v)) FROM t"), 20 * 73000);
                assert_intact(r);
                sqlite3_close(r);
                sqlite3_close(c); /* the last connection checkpoints and removes the -wal */
                c = open_raw(path, 0);
                assert_int_equal(one_int(c, "SELECT sum(length(v)) FROM t"), 20 * 73000);
                sqlite3_close(c);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(commit_is_one_write, setup, teardown),
            cmocka_unit_test_setup_teardown(other_connection_sees_each_commit, setup, teardown),
            cmocka_unit_test_setup_teardown(commits_survive_the_process, setup, teardown),
            cmocka_unit_test_setup_teardown(large_transactions, setup, teardown),
            cmocka_unit_test_setup_teardown(page_sizes, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
