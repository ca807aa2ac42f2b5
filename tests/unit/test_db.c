/* Unit tests for db/: migrations, bound parameters, constraints, transactions and the statement
 * cache, on a real SQLite file and, when KINDRED_TEST_PG_URL names a cluster (tests/pg/start;
 * scripts/test sets it), all of them again on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/db.h"
#include "db/migrations.h"
#include "tmpdb.h"

#include <stdatomic.h>
#include <string.h>

static int setup_db(void **state)
{
        struct tmpdb *t = calloc(1, sizeof(*t));
        if (!t || tmpdb_open(t) != 0)
                return -1;
        int applied = -1;
        if (db_migrate(t->db, &applied) != DB_OK || applied <= 0)
                return -1;
        *state = t;
        return 0;
}

static int teardown_db(void **state)
{
        struct tmpdb *t = *state;
        tmpdb_remove(t);
        free(t);
        return 0;
}

static struct db *db_of(void **state)
{
        return ((struct tmpdb *)*state)->db;
}

/* Runs one statement with up to two text parameters (NULL: not bound); returns db_step's
 * result. */
static int run(struct db *db, const char *sql, const char *p1, const char *p2)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        if (p1)
                db_bind_text(s, 1, p1);
        if (p2)
                db_bind_text(s, 2, p2);
        int rc = db_step(s);
        db_finish(s);
        return rc;
}

static int64_t count_settings(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM setting");
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

/* Inserts a member row directly (the model is tested in test_member). */
static int insert_member(struct db *db, const char *handle_key, const char *email_key)
{
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO member(handle, handle_key, display_name, email, email_key,"
                " password_hash, created_at, updated_at) VALUES (?1, ?1, 'N', ?2, ?2, 'x', 1, 1)");
        assert_non_null(s);
        db_bind_text(s, 1, handle_key);
        db_bind_text(s, 2, email_key);
        int rc = db_step(s);
        db_finish(s);
        return rc;
}

static void test_migrate(void **state)
{
        (void)state;
        struct tmpdb t;
        assert_int_equal(tmpdb_open(&t), 0);
        assert_true(db_schema_latest() >= 1);
        assert_int_equal(db_schema_latest(), db_migrations[db_migrations_count - 1].version);

        int applied = -1;
        assert_int_equal(db_migrate(t.db, &applied), DB_OK);
        assert_true(applied > 0);
        assert_int_equal(applied, (int)db_migrations_count);
        assert_int_equal(db_schema_version(t.db), db_schema_latest());

        /* Running again applies nothing and changes nothing. */
        applied = -1;
        assert_int_equal(db_migrate(t.db, &applied), DB_OK);
        assert_int_equal(applied, 0);
        assert_int_equal(db_schema_version(t.db), db_schema_latest());
        assert_int_equal(db_migrate(t.db, NULL), DB_OK);

        /* The schema is really there. */
        struct db_stmt *s =
            db_kind(t.db) == DB_POSTGRESQL
                ? db_prepare(t.db, "SELECT count(*) FROM information_schema.tables WHERE "
                                   "table_schema = 'public' AND table_name IN"
                                   " ('member', 'session', 'setting', 'schema_migrations')")
                : db_prepare(t.db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name IN ('member', 'session', 'setting', 'schema_migrations')");
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), 4);
        db_finish(s);

        /* Reopening the database finds the schema recorded. */
        db_close(t.db);
        assert_int_equal(db_open_url(t.path, &t.db), DB_OK);
        assert_int_equal(db_schema_version(t.db), db_schema_latest());
        applied = -1;
        assert_int_equal(db_migrate(t.db, &applied), DB_OK);
        assert_int_equal(applied, 0);
        tmpdb_remove(&t);
}

static void test_migrate_refuses_newer_schema(void **state)
{
        struct db *db = db_of(state);
        struct db_stmt *s = db_prepare(
            db,
            "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, 'future', 0)");
        assert_non_null(s);
        db_bind_int(s, 1, db_schema_latest() + 1);
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);
        int applied = -1;
        assert_true(db_migrate(db, &applied) < 0);
}

static void test_open_failure(void **state)
{
        (void)state;
        struct db *db = (struct db *)0x1;
        assert_int_equal(db_open_url("/nonexistent-kd-dir/sub/x.db", &db), DB_ERROR);
        assert_null(db);
        /* A server that does not answer (port 1) and a database that does not exist. */
        db = (struct db *)0x1;
        assert_int_equal(db_open_url("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", &db),
                         DB_ERROR);
        assert_null(db);
        if (tmpdb_pg_url) {
                char url[512];
                assert_int_equal(tmpdb_url_with_db(tmpdb_pg_url, "kd_no_such_db", url, sizeof(url)),
                                 0);
                db = (struct db *)0x1;
                assert_int_equal(db_open_url(url, &db), DB_ERROR);
                assert_null(db);
        }
        assert_true(db_target_is_postgresql("postgresql://h/d"));
        assert_true(db_target_is_postgresql("postgres://h/d"));
        assert_false(db_target_is_postgresql("data/kindred.db"));
        assert_false(db_target_is_postgresql("postgresql:/h"));
}

static void test_bound_text_round_trip(void **state)
{
        struct db *db = db_of(state);
        const char *key = "it's \"quoted\"; DROP TABLE member; --";
        const char *value = "Gr\xC3\xBC\xC3\x9F"
                            "e \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x98\x80 '\"\\%_";
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", key, value),
                         DB_DONE);
        assert_int_equal(db_changes(db), 1);

        struct db_stmt *s =
            db_prepare(db, "SELECT value, length(value) FROM setting WHERE key = ?1");
        assert_non_null(s);
        db_bind_text(s, 1, key);
        assert_int_equal(db_step(s), DB_ROW);
        assert_string_equal(db_col_text(s, 0), value);
        assert_int_equal(db_col_bytes(s, 0), strlen(value));
        assert_int_equal(db_col_int(s, 1), 16); /* characters, as SQLite counts them */
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);

        /* The would-be injection was data: the member table is still there. */
        assert_int_equal(run(db, "SELECT count(*) FROM member", NULL, NULL), DB_ROW);
        /* A classic tautology matches nothing. */
        assert_int_equal(run(db, "SELECT 1 FROM setting WHERE key = ?1", "' OR '1'='1", NULL),
                         DB_DONE);
}

static void test_bind_kinds(void **state)
{
        struct db *db = db_of(state);
        struct db_stmt *s = db_prepare(db, "SELECT ?1, ?2, ?3, ?4, ?5, ?6");
        assert_non_null(s);
        db_bind_int(s, 1, INT64_MAX);
        db_bind_int(s, 2, INT64_MIN);
        db_bind_textn(s, 3, "abcdef", 3);
        static const unsigned char blob[] = {'a', 0, 'b', 0xFF};
        db_bind_blob(s, 4, blob, sizeof(blob));
        db_bind_null(s, 5);
        db_bind_text(s, 6, NULL);
        assert_int_equal(db_step(s), DB_ROW);
        assert_true(db_col_int(s, 0) == INT64_MAX);
        assert_true(db_col_int(s, 1) == INT64_MIN);
        assert_string_equal(db_col_text(s, 2), "abc");
        assert_int_equal(db_col_bytes(s, 3), sizeof(blob));
        assert_memory_equal(db_col_blob(s, 3), blob, sizeof(blob));
        assert_false(db_col_is_null(s, 0));
        assert_true(db_col_is_null(s, 4));
        assert_true(db_col_is_null(s, 5));
        /* NULL text reads as "". */
        assert_non_null(db_col_text(s, 4));
        assert_string_equal(db_col_text(s, 4), "");
        assert_string_equal(db_col_text(s, 5), "");
        db_finish(s);
}

static void test_constraints(void **state)
{
        struct db *db = db_of(state);
        assert_int_equal(insert_member(db, "ada", "ada@example.org"), DB_DONE);
        /* UNIQUE handle_key */
        assert_int_equal(insert_member(db, "ada", "other@example.org"), DB_CONSTRAINT);
        /* UNIQUE email_key */
        assert_int_equal(insert_member(db, "grace", "ada@example.org"), DB_CONSTRAINT);
        /* The cached statement works again after a failure. */
        assert_int_equal(insert_member(db, "grace", "grace@example.org"), DB_DONE);
        /* CHECK */
        assert_int_equal(
            run(db, "UPDATE member SET role = ?1 WHERE handle_key = 'ada'", "emperor", NULL),
            DB_CONSTRAINT);
        /* FOREIGN KEY (foreign_keys=ON) */
        assert_int_equal(run(db,
                             "INSERT INTO session(token_hash, member_id, csrf_token, created_at,"
                             " expires_at, last_seen_at) VALUES (?1, 999, 'c', 0, 0, 0)",
                             "h", NULL),
                         DB_CONSTRAINT);
        /* NOT NULL */
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, NULL)", "k", NULL),
                         DB_CONSTRAINT);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "k", "v"),
                         DB_DONE);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "k", "w"),
                         DB_CONSTRAINT);
}

static void test_transactions(void **state)
{
        struct db *db = db_of(state);
        /* Rollback leaves nothing. */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1"),
                         DB_DONE);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "2"),
                         DB_DONE);
        assert_int_equal(count_settings(db), 2); /* visible inside the transaction */
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count_settings(db), 0);

        /* Commit keeps everything. */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1"),
                         DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(count_settings(db), 1);

        /* A failed statement inside a transaction; rollback undoes the earlier one too. */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "2"),
                         DB_DONE);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "dup"),
                         DB_CONSTRAINT);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count_settings(db), 1);

        /* Rollback with nothing open is harmless; commit with nothing open is an error. */
        assert_int_equal(db_rollback(db), DB_OK);
        assert_true(db_commit(db) < 0);
        /* Nested: an inner rollback undoes only the inner part; the outer commit keeps the
         * rest. */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "outer", "1"),
                         DB_DONE);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "inner", "1"),
                         DB_DONE);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count_settings(db), 2);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "kept", "1"),
                         DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(count_settings(db), 3);
        /* An outer rollback undoes a committed inner level too. */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "gone", "1"),
                         DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count_settings(db), 3);
        assert_true(db_commit(db) < 0);
}

/* A read scope (db_read_begin): on SQLite its reads see one snapshot; a write inside ends it
 * first and succeeds although another connection committed since the snapshot began (as a
 * read transaction turned into a write it would fail at once, SQLITE_BUSY_SNAPSHOT); a
 * db_begin inside does the same. PostgreSQL: every statement sees the latest. */
static void test_read_scope(void **state)
{
        struct tmpdb *t = *state;
        struct db *db = t->db, *other = NULL;
        assert_int_equal(db_open_url(t->path, &other), DB_OK);
        bool sqlite = db_kind(db) == DB_SQLITE;
        char what[160];

        assert_int_equal(db_read_begin(db), DB_OK);
        assert_int_equal(count_settings(db), 0); /* the snapshot starts here */
        assert_int_equal(run(other, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1"),
                         DB_DONE);
        assert_int_equal(count_settings(db), sqlite ? 0 : 1);
        assert_int_equal(db_read_begin(db), DB_OK); /* a second begin changes nothing */
        /* a write inside: the scope ends, the write lands and the reads see everything */
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "2"),
                         DB_DONE);
        assert_int_equal(count_settings(db), 2);
        db_read_end(db);
        assert_true(db_idle(db, what, sizeof(what)));
        assert_int_equal(count_settings(other), 2);

        /* a transaction inside a scope */
        assert_int_equal(db_read_begin(db), DB_OK);
        assert_int_equal(count_settings(db), 2);
        assert_int_equal(run(other, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "c", "3"),
                         DB_DONE);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "d", "4"),
                         DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(count_settings(db), 4);
        db_read_end(db);

        /* a scope left open is not idle, and ending it lets go */
        assert_int_equal(db_read_begin(db), DB_OK);
        assert_int_equal(count_settings(db), 4);
        if (sqlite)
                assert_false(db_idle(db, what, sizeof(what)));
        db_read_end(db);
        db_read_end(db); /* twice is harmless */
        assert_true(db_idle(db, what, sizeof(what)));
        db_close(other);
}

static void test_changes(void **state)
{
        struct db *db = db_of(state);
        run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1");
        run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "1");
        run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "c", "2");
        assert_int_equal(run(db, "UPDATE setting SET value = ?2 WHERE value = ?1", "1", "x"),
                         DB_DONE);
        assert_int_equal(db_changes(db), 2);
        assert_int_equal(run(db, "DELETE FROM setting WHERE key = ?1", "none", NULL), DB_DONE);
        assert_int_equal(db_changes(db), 0);
}

static const char *const select_plus_one = "SELECT ?1 + 1";

static void test_cache_sequential(void **state)
{
        struct db *db = db_of(state);
        for (int64_t i = 0; i < 5; i++) {
                struct db_stmt *s = db_prepare(db, select_plus_one);
                assert_non_null(s);
                db_bind_int(s, 1, i * 10);
                assert_int_equal(db_step(s), DB_ROW);
                assert_int_equal(db_col_int(s, 0), i * 10 + 1);
                assert_int_equal(db_step(s), DB_DONE);
                db_finish(s);
        }
        /* db_finish clears the bindings: an unbound ?1 is NULL again. */
        struct db_stmt *s = db_prepare(db, select_plus_one);
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        assert_true(db_col_is_null(s, 0));
        db_finish(s);
        /* Finishing a statement that stopped halfway resets it. */
        s = db_prepare(db,
                       "SELECT value FROM (SELECT 1 AS value UNION ALL SELECT 2) AS x ORDER BY 1");
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        db_finish(s);
        s = db_prepare(db,
                       "SELECT value FROM (SELECT 1 AS value UNION ALL SELECT 2) AS x ORDER BY 1");
        assert_non_null(s);
        db_finish(s);
        db_finish(NULL); /* allowed */
}

static const char *const list_settings = "SELECT key, value FROM setting ORDER BY key";

static void test_cache_nested_same_literal(void **state)
{
        struct db *db = db_of(state);
        run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1");
        run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "2");
        run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "c", "3");

        struct db_stmt *outer = db_prepare(db, list_settings);
        assert_non_null(outer);
        assert_int_equal(db_step(outer), DB_ROW);
        assert_string_equal(db_col_text(outer, 0), "a");

        /* The same query again while the first is mid-way: a separate statement. */
        struct db_stmt *inner = db_prepare(db, list_settings);
        assert_non_null(inner);
        assert_ptr_not_equal(inner, outer);
        const char *want[] = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
                assert_int_equal(db_step(inner), DB_ROW);
                assert_string_equal(db_col_text(inner, 0), want[i]);
        }
        assert_int_equal(db_step(inner), DB_DONE);

        /* The outer one was not disturbed. */
        assert_int_equal(db_step(outer), DB_ROW);
        assert_string_equal(db_col_text(outer, 0), "b");
        db_finish(inner);
        assert_int_equal(db_step(outer), DB_ROW);
        assert_string_equal(db_col_text(outer, 0), "c");
        assert_int_equal(db_step(outer), DB_DONE);
        db_finish(outer);

        /* Both handed back; the query still works, twice. */
        for (int k = 0; k < 2; k++) {
                struct db_stmt *s = db_prepare(db, list_settings);
                assert_non_null(s);
                assert_int_equal(db_step(s), DB_ROW);
                assert_string_equal(db_col_text(s, 1), "1");
                db_finish(s);
        }
}

static void test_many_statements(void **state)
{
        /* More distinct queries, all active at once, than the cache probes: the extra ones get
         * private statements and still work. The SQL texts outlive the connection, as the
         * cache (keyed by the text's address) requires. */
        (void)state;
        enum { N = 300 };
        static char sql[N][32];
        struct db_stmt *st[N];
        struct tmpdb t;
        assert_int_equal(tmpdb_open(&t), 0);
        for (int i = 0; i < N; i++) {
                snprintf(sql[i], sizeof(sql[i]), "SELECT %d", i);
                st[i] = db_prepare(t.db, sql[i]);
                assert_non_null(st[i]);
        }
        for (int i = 0; i < N; i++) {
                assert_int_equal(db_step(st[i]), DB_ROW);
                assert_int_equal(db_col_int(st[i], 0), i);
                db_finish(st[i]);
        }
        /* And again, now that some of them sit in the cache. */
        for (int i = 0; i < N; i++) {
                struct db_stmt *s = db_prepare(t.db, sql[i]);
                assert_non_null(s);
                assert_int_equal(db_step(s), DB_ROW);
                assert_int_equal(db_col_int(s, 0), i);
                db_finish(s);
        }
        tmpdb_remove(&t);
}

static void test_bad_sql(void **state)
{
        struct db *db = db_of(state);
        assert_null(db_prepare(db, "SELEKT nonsense"));
        assert_null(db_prepare(db, "SELECT * FROM no_such_table"));
        assert_int_equal(db_exec_script(db, "CREATE TABLE t(x); SELEKT;"), DB_ERROR);
        assert_non_null(db_errmsg(db));
        /* The connection is still fine. */
        assert_int_equal(run(db, "SELECT 1", NULL, NULL), DB_ROW);
}

/* What the engines must agree on beyond the basics: a comparison read as a number, integer
 * arithmetic on 64-bit parameters, a parameter whose type only its binding tells (?2 - ?3),
 * ?N placeholders inside string literals left alone, integer division, and ON CONFLICT. */
static void test_portable_sql(void **state)
{
        struct db *db = db_of(state);
        struct db_stmt *s = db_prepare(db, "SELECT 2 > 1, 1 > 2, ?1 * 2, ?2 - ?3, '?1', 7 / 2");
        assert_non_null(s);
        db_bind_int(s, 1, INT64_C(4000000000));
        db_bind_int(s, 2, INT64_C(5000000000));
        db_bind_int(s, 3, 1);
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), 1);
        assert_int_equal(db_col_int(s, 1), 0);
        assert_true(db_col_int(s, 2) == INT64_C(8000000000));
        assert_true(db_col_int(s, 3) == INT64_C(4999999999));
        assert_string_equal(db_col_text(s, 4), "?1");
        assert_int_equal(db_col_int(s, 5), 3);
        db_finish(s);

        /* types only the bindings tell, and a NULL that tells none */
        s = db_prepare(db, "SELECT ?2 - ?3, ?1 IS NULL");
        assert_non_null(s);
        db_bind_null(s, 1);
        db_bind_int(s, 2, 10);
        db_bind_int(s, 3, 4);
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), 6);
        assert_int_equal(db_col_int(s, 1), 1);
        db_finish(s);

        assert_int_equal(run(db,
                             "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT DO "
                             "NOTHING",
                             "k", "first"),
                         DB_DONE);
        assert_int_equal(db_changes(db), 1);
        assert_int_equal(run(db,
                             "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT DO "
                             "NOTHING",
                             "k", "second"),
                         DB_DONE);
        assert_int_equal(db_changes(db), 0);
        assert_int_equal(run(db,
                             "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT "
                             "(key) DO UPDATE SET value = setting.value || excluded.value",
                             "k", "+"),
                         DB_DONE);
        s = db_prepare(db, "SELECT value FROM setting WHERE key = ?1");
        assert_non_null(s);
        db_bind_text(s, 1, "k");
        assert_int_equal(db_step(s), DB_ROW);
        assert_string_equal(db_col_text(s, 0), "first+");
        db_finish(s);
}

/* A constraint error inside a transaction, caught by a nested db_begin() (a savepoint): the
 * transaction goes on and commits what came before and after (model/episode.c relies on it). */
static void test_error_in_savepoint(void **state)
{
        struct db *db = db_of(state);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1"),
                         DB_DONE);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "2"),
                         DB_CONSTRAINT);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count_settings(db), 1); /* the transaction still answers */
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "1"),
                         DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(count_settings(db), 2);
        /* A statement the database refuses (bad SQL) inside a transaction leaves it usable. */
        assert_int_equal(db_begin(db), DB_OK);
        assert_null(db_prepare(db, "SELECT no_such_column FROM setting"));
        assert_int_equal(run(db, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "c", "1"),
                         DB_DONE);
        assert_int_equal(db_commit(db), DB_OK);
        assert_int_equal(count_settings(db), 3);
}

/* The member search answers from each engine's own index, with the same rows: substrings of
 * three or more characters anywhere in name, handle or headline, any case, LIKE and FTS
 * syntax taken as text; one or two characters at the start of a name or handle. */
static int64_t search_ids(struct db *db, const char *q, int64_t *ids, int max)
{
        size_t chars = 0;
        for (const char *p = q; *p; p++)
                chars += ((unsigned char)*p & 0xC0) != 0x80;
        struct db_stmt *s = db_member_search(db, q, strlen(q), chars, 0, 10);
        assert_non_null(s);
        int n = 0;
        while (db_step(s) == DB_ROW && n < max)
                ids[n++] = db_col_int(s, 0);
        db_finish(s);
        return n;
}

static void test_member_search(void **state)
{
        struct db *db = db_of(state);
        static const char *const people[][3] = {
            {"ada", "Ada Lovelace", "Notes on the engine"},
            {"grace", "Grace Hopper", "100% compilers_and more"},
            {"liwei", "\xe6\x9d\x8e\xe4\xbc\x9f", "\"quoted\" words"},
        };
        for (int i = 0; i < 3; i++) {
                struct db_stmt *s = db_prepare(
                    db, "INSERT INTO member(handle, handle_key, display_name, headline, email, "
                        "email_key, password_hash, created_at, updated_at) VALUES (?1, ?1, ?2, ?3, "
                        "?1, ?1, 'x', 1, 1)");
                assert_non_null(s);
                db_bind_text(s, 1, people[i][0]);
                db_bind_text(s, 2, people[i][1]);
                db_bind_text(s, 3, people[i][2]);
                assert_int_equal(db_step(s), DB_DONE);
                db_finish(s);
        }
        int64_t ids[8];
        assert_int_equal(search_ids(db, "LOVEL", ids, 8), 1);
        assert_int_equal(ids[0], 1);
        assert_int_equal(search_ids(db, "engine", ids, 8), 1);
        assert_int_equal(search_ids(db, "0% c", ids, 8), 1); /* % is a character */
        assert_int_equal(ids[0], 2);
        assert_int_equal(search_ids(db, "s_a", ids, 8), 1);   /* _ too */
        assert_int_equal(search_ids(db, "e_e", ids, 8), 0);   /* not a wildcard ("the engine") */
        assert_int_equal(search_ids(db, "s%n", ids, 8), 0);   /* nor this ("Notes on") */
        assert_int_equal(search_ids(db, "\"quo", ids, 8), 1); /* FTS syntax is text */
        assert_int_equal(ids[0], 3);
        assert_int_equal(search_ids(db, "gr", ids, 8), 1);           /* the start of a handle */
        assert_int_equal(search_ids(db, "\xe6\x9d\x8e", ids, 8), 1); /* of a name */
        assert_int_equal(search_ids(db, "ce", ids, 8), 0);           /* not the middle */
        assert_int_equal(search_ids(db, "zzz", ids, 8), 0);
}

/* db_watch_tables: on SQLite the callback runs after each commit that updated or deleted a
 * watched table's row (a lone write, a batched transaction), never for inserts, other tables,
 * quiet writes, before the commit, or for a transaction rolled back, on connections opened
 * before the watch was set too. PostgreSQL cannot tell, and says so. */
static atomic_int watched_commits;
static void count_watched_commit(void)
{
        atomic_fetch_add(&watched_commits, 1);
}

static void test_watched_tables(void **state)
{
        struct tmpdb *t = *state;
        static const char *const tables[] = {"member", NULL};
        atomic_store(&watched_commits, 0);
        db_watch_tables(tables, count_watched_commit);
        assert_int_equal(db_watches_tables(t->db), db_kind(t->db) == DB_SQLITE);
        struct db *w = NULL;
        assert_int_equal(db_open_url(t->path, &w), DB_OK);
        if (db_kind(w) == DB_POSTGRESQL) {
                assert_false(db_watches_tables(w));
                goto done;
        }
        assert_true(db_watches_tables(w));
        assert_int_equal(run(w, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "a", "1"),
                         DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 0);
        /* a new row cannot make anything kept stale: not told */
        assert_int_equal(insert_member(w, "watched", "watched@example.org"), DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 0);
        assert_int_equal(
            run(w, "UPDATE member SET headline = ?1 WHERE handle_key = ?2", "Here", "watched"),
            DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 1);
        /* a transaction (batched on the shared connection): after its commit, not before */
        assert_int_equal(db_begin(w), DB_OK);
        assert_int_equal(run(w, "UPDATE member SET display_name = ?1 WHERE handle_key = ?2",
                             "Renamed", "watched"),
                         DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 1);
        assert_int_equal(db_commit(w), DB_OK);
        assert_int_equal(atomic_load(&watched_commits), 2);
        /* rolled back: nothing changed */
        assert_int_equal(db_begin(w), DB_OK);
        assert_int_equal(
            run(w, "UPDATE member SET display_name = ?1 WHERE handle_key = ?2", "Gone", "watched"),
            DB_DONE);
        assert_int_equal(db_rollback(w), DB_OK);
        /* other tables only, in a transaction: nothing either */
        assert_int_equal(db_begin(w), DB_OK);
        assert_int_equal(run(w, "INSERT INTO setting(key, value) VALUES (?1, ?2)", "b", "2"),
                         DB_DONE);
        assert_int_equal(db_commit(w), DB_OK);
        /* an UPDATE that matched no row changed nothing */
        assert_int_equal(
            run(w, "UPDATE member SET display_name = ?1 WHERE handle_key = ?2", "Nobody", "nobody"),
            DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 2);
        assert_int_equal(run(w, "DELETE FROM member WHERE handle_key = ?1", "watched", NULL),
                         DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 3);
        /* a quiet write (a last activity) is not told; the next one is */
        assert_int_equal(insert_member(w, "quiet", "quiet@example.org"), DB_DONE);
        bool was = db_watch_quiet(true);
        assert_int_equal(
            run(w, "UPDATE member SET active_at = 5 WHERE handle_key = ?1", "quiet", NULL),
            DB_DONE);
        assert_true(db_watch_quiet(was)); /* it was quiet */
        assert_int_equal(atomic_load(&watched_commits), 3);
        assert_int_equal(run(w, "DELETE FROM member WHERE handle_key = ?1", "quiet", NULL),
                         DB_DONE);
        assert_int_equal(atomic_load(&watched_commits), 4);
done:
        db_close(w);
        db_watch_tables(NULL, NULL);
        assert_false(db_watches_tables(t->db));
}

/* The insights writer's transactions take a lock of their own (db_set_write_lock): on PostgreSQL
 * one begins while a site transaction holds the site's lock, and holds the insights lock, which
 * a site transaction does not. On SQLite, with one writer per file, the choice changes nothing:
 * transactions still run one after another. */
static void test_write_locks(void **state)
{
        struct tmpdb *t = *state;
        struct db *insights = NULL;
        assert_int_equal(db_open_url(t->path, &insights), DB_OK);
        db_set_write_lock(insights, DB_LOCK_INSIGHTS);
        if (!tmpdb_pg_url) {
                assert_int_equal(db_begin(insights), DB_OK);
                assert_int_equal(
                    run(insights, "INSERT INTO setting(key, value) VALUES ('a', '1')", NULL, NULL),
                    DB_DONE);
                assert_int_equal(db_commit(insights), DB_OK);
                assert_int_equal(count_settings(t->db), count_settings(insights));
                db_close(insights);
                return;
        }
        /* pg_locks is the cluster's: only this database's (other tests run beside this one) */
#define THIS_DATABASES_ADVISORY_LOCKS                                                              \
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid "    \
        "FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()"
        static const char held[] = THIS_DATABASES_ADVISORY_LOCKS " AND granted AND objid = ?1";
        assert_int_equal(db_begin(t->db), DB_OK);    /* the site's lock */
        assert_int_equal(db_begin(insights), DB_OK); /* not held up by it */
        assert_int_equal(
            run(insights, "INSERT INTO setting(key, value) VALUES ('insights', '1')", NULL, NULL),
            DB_DONE);
        struct db *observer = NULL;
        assert_int_equal(db_open_url(t->path, &observer), DB_OK);
        const char *keys[] = {"1265200740", "1265200741"}; /* site, insights */
        for (int i = 0; i < 2; i++) {
                struct db_stmt *s = db_prepare(observer, held);
                assert_non_null(s);
                db_bind_text(s, 1, keys[i]);
                assert_int_equal(db_step(s), DB_ROW);
                assert_int_equal(db_col_int(s, 0), 1); /* each held by one of the two */
                db_finish(s);
        }
        assert_int_equal(db_commit(insights), DB_OK);
        assert_int_equal(db_commit(t->db), DB_OK);
        /* a site transaction after it sees its row; both locks are let go with the commits */
        assert_int_equal(count_settings(t->db), count_settings(observer));
        struct db_stmt *s = db_prepare(observer, THIS_DATABASES_ADVISORY_LOCKS);
#undef THIS_DATABASES_ADVISORY_LOCKS
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), 0);
        db_finish(s);
        db_close(observer);
        db_close(insights);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_db, teardown_db)
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_migrate),
            cmocka_unit_test(test_open_failure),
            T(test_migrate_refuses_newer_schema),
            T(test_bound_text_round_trip),
            T(test_bind_kinds),
            T(test_constraints),
            T(test_transactions),
            T(test_read_scope),
            T(test_changes),
            T(test_cache_sequential),
            T(test_cache_nested_same_literal),
            cmocka_unit_test(test_many_statements),
            T(test_bad_sql),
            T(test_portable_sql),
            T(test_error_in_savepoint),
            T(test_member_search),
            T(test_watched_tables),
            T(test_write_locks),
        };
#undef T
        int failed = cmocka_run_group_tests_name("db on SQLite", tests, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed += cmocka_run_group_tests_name("db on PostgreSQL", tests, NULL, NULL);
        return failed;
}
