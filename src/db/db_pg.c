/* PostgreSQL engine of db.h (libpq): ?N placeholders mapped to $N once per statement, server-side
 * prepared statements cached per connection, savepoints for nested transactions. */
#include "core/alloc.h"
#include "core/log.h"
#include "db/db.h"
#include "db/db_engine.h"

#include <assert.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
        STMT_CACHE_SLOTS = 256,
        /* type oids from pg_type.h (catalog/pg_type_d.h is not in libpq-dev) */
        OID_BOOL = 16,
        OID_BYTEA = 17,
        OID_INT8 = 20,
        OID_INT2 = 21,
        OID_INT4 = 23,
        OID_TEXT = 25,
};

/* What a parameter was bound as. */
enum bound { BOUND_NONE = 0, BOUND_NULL, BOUND_INT, BOUND_TEXT, BOUND_BLOB };

struct pg_stmt {
        struct db_stmt base; /* first: db.c sees only this */
        struct pg_db *db;
        const char *sql;  /* cache key: the caller's literal */
        char *pg_sql;     /* sql with $N for ?N */
        int nparams;      /* highest N */
        bool *referenced; /* [nparams]: ?N appears in sql */
        bool cached;
        bool in_use;
        /* the server-side statement, prepared when the connection first meets the SQL */
        bool prepared;
        bool borrowed; /* a private copy using the cached statement's server-side one */
        char name[24];
        Oid *prepared_types; /* [nparams] */
        /* this execution's parameters */
        enum bound *bound; /* [nparams] */
        char **values;     /* [nparams], owned; NULL is SQL NULL */
        int *lengths;      /* [nparams] */
        int *formats;      /* [nparams]: 0 text, 1 binary (blobs) */
        /* this execution's result: rows are read from it one step at a time */
        PGresult *res;
        int row;             /* current row; -1 before the first step */
        unsigned char *blob; /* the current row's decoded bytea (blob_col), freed on step */
        size_t blob_len;
        int blob_col;
};

struct pg_db {
        struct db base; /* first: db.c sees only this */
        PGconn *conn;
        struct pg_stmt *cache[STMT_CACHE_SLOTS];
        int depth;          /* open db_begin() levels; inner levels are savepoints */
        int64_t changes;    /* rows changed by the last INSERT, UPDATE or DELETE */
        unsigned next_name; /* prepared statements are named k1, k2 ... per connection */
        /* durable commits (DB_DURABLE_FULL, the default): a transaction commits without waiting
         * for its WAL flush, lets the write lock go, and then waits for the flush (pg_commit) */
        bool flush_after_commit;
        enum db_write_lock lock; /* db_set_write_lock's choice */
};

static const struct db_engine pg_engine;

static struct pg_db *PG(struct db *db)
{
        return (struct pg_db *)db;
}

static struct pg_stmt *PGS(struct db_stmt *st)
{
        return (struct pg_stmt *)st;
}

/* --------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------ */

/* Maps a failed result to an enum db_result by its SQLSTATE: class 23 (integrity constraint
 * violation: unique, check, foreign key, not null) is DB_CONSTRAINT, as SQLite's CONSTRAINT;
 * serialization failures, deadlocks and lock timeouts are DB_BUSY. */
static int map_error(struct pg_db *db, const PGresult *res, const char *sql)
{
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
        if (state && strncmp(state, "23", 2) == 0)
                return DB_CONSTRAINT;
        if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                      strcmp(state, "55P03") == 0)) {
                log_warn("db: busy: %s", msg);
                return DB_BUSY;
        }
        log_error("db: %s%s%s", msg, sql ? " in: " : "", sql ? sql : "");
        if (PQstatus(db->conn) == CONNECTION_BAD) {
                /* the server went away (restart, failover): reconnect for the next request;
                 * the new session has none of the prepared statements */
                log_warn("db: connection lost; reconnecting");
                PQreset(db->conn);
                for (size_t i = 0; i < STMT_CACHE_SLOTS; i++)
                        if (db->cache[i])
                                db->cache[i]->prepared = false;
                db->depth = 0;
        }
        return DB_ERROR;
}

/* Runs sql (no parameters, possibly several statements) and maps its outcome. */
static int exec_simple(struct pg_db *db, const char *sql)
{
        PGresult *res = PQexec(db->conn, sql);
        ExecStatusType st = PQresultStatus(res);
        int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY
                     ? DB_OK
                     : map_error(db, res, sql);
        PQclear(res);
        return rc;
}

/* --------------------------------------------------------------------------------------------
 * Connections
 * ------------------------------------------------------------------------------------------ */

static void quiet_notice(void *arg, const char *message)
{
        (void)arg;
        (void)message; /* "table exists, skipping" and the like: nothing to act on */
}

/* A transaction's BEGIN with its advisory lock (pg_begin, below): 1265200740 is "Kind" in ASCII,
 * the site's write lock; the insights writer's is the next number. A durable transaction commits
 * without waiting for the disk while it holds the lock (group commit, pg_commit). */
static const char *begin_sql(enum db_write_lock lock, bool flush_after_commit)
{
        static const char *const sql[2][2] = {
            {"BEGIN; SELECT pg_advisory_xact_lock(1265200740)",
             "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(1265200740)"},
            {"BEGIN; SELECT pg_advisory_xact_lock(1265200741)",
             "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(1265200741)"},
        };
        return sql[lock == DB_LOCK_INSIGHTS][flush_after_commit];
}

int db_pg_open(const char *url, struct db **out)
{
        struct pg_db *db = xcalloc(1, sizeof(*db));
        db->base.engine = &pg_engine;
        db->flush_after_commit = true; /* synchronous_commit is on unless set otherwise */
        db->conn = PQconnectdb(url);
        if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
                /* the message names host and database, never the password */
                log_error("db: cannot connect to PostgreSQL: %s",
                          db->conn ? PQerrorMessage(db->conn) : "out of memory");
                goto fail;
        }
        PQsetNoticeProcessor(db->conn, quiet_notice, NULL);
        if (PQsetClientEncoding(db->conn, "UTF8") != 0) {
                log_error("db: PostgreSQL: cannot use UTF-8: %s", PQerrorMessage(db->conn));
                goto fail;
        }
        /* a lock waited for longer than SQLite's busy timeout is DB_BUSY, as there */
        if (exec_simple(db, "SET lock_timeout = '5s'; SET client_min_messages = warning") != DB_OK)
                goto fail;
        *out = &db->base;
        return DB_OK;
fail:
        db_close(&db->base);
        *out = NULL;
        return DB_ERROR;
}

static void stmt_clear_result(struct pg_stmt *s)
{
        PQclear(s->res);
        s->res = NULL;
        s->row = -1;
        free(s->blob);
        s->blob = NULL;
        s->blob_col = -1;
}

static void stmt_clear_bindings(struct pg_stmt *s)
{
        for (int i = 0; i < s->nparams; i++) {
                free(s->values[i]);
                s->values[i] = NULL;
                s->lengths[i] = 0;
                s->formats[i] = 0;
                s->bound[i] = BOUND_NONE;
        }
}

static void stmt_free(struct pg_stmt *s)
{
        stmt_clear_result(s);
        stmt_clear_bindings(s);
        free(s->pg_sql);
        free(s->referenced);
        free(s->prepared_types);
        free(s->bound);
        free(s->values);
        free(s->lengths);
        free(s->formats);
        free(s);
}

static void pg_close(struct db *d)
{
        struct pg_db *db = PG(d);
        for (size_t i = 0; i < STMT_CACHE_SLOTS; i++)
                if (db->cache[i])
                        stmt_free(db->cache[i]);
        PQfinish(db->conn);
        free(db);
}

static const char *pg_errmsg(struct db *db)
{
        return PQerrorMessage(PG(db)->conn);
}

/* --------------------------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------------------------ */

/* Copies sql with each ?N written $N, leaving string literals, quoted names and comments
 * alone. Sets *nparams to the highest N and marks each N seen in *referenced. */
static char *translate(const char *sql, int *nparams, bool **referenced)
{
        size_t len = strlen(sql);
        char *out = xmalloc(len + 1);
        size_t o = 0;
        int max = 0;
        bool seen[1000] = {false};
        for (size_t i = 0; i < len;) {
                char c = sql[i];
                if (c == '\'' || c == '"') { /* to the closing quote; doubled quotes nest */
                        out[o++] = sql[i++];
                        while (i < len && sql[i] != c)
                                out[o++] = sql[i++];
                        if (i < len)
                                out[o++] = sql[i++];
                } else if (c == '-' && sql[i + 1] == '-') {
                        while (i < len && sql[i] != '\n')
                                out[o++] = sql[i++];
                } else if (c == '/' && sql[i + 1] == '*') {
                        while (i < len && !(sql[i] == '*' && sql[i + 1] == '/'))
                                out[o++] = sql[i++];
                } else if (c == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
                        out[o++] = '$';
                        i++;
                        int n = 0;
                        while (i < len && sql[i] >= '0' && sql[i] <= '9') {
                                n = n * 10 + (sql[i] - '0');
                                out[o++] = sql[i++];
                                assert(n < 1000);
                        }
                        if (n > max)
                                max = n;
                        seen[n] = true;
                } else {
                        out[o++] = sql[i++];
                }
        }
        out[o] = '\0';
        *nparams = max;
        *referenced = xcalloc(max ? (size_t)max : 1, sizeof(bool));
        for (int n = 1; n <= max; n++)
                (*referenced)[n - 1] = seen[n];
        return out;
}

static struct pg_stmt *stmt_new(struct pg_db *db, const char *sql)
{
        struct pg_stmt *s = xcalloc(1, sizeof(*s));
        s->base.engine = &pg_engine;
        s->db = db;
        s->sql = sql;
        s->pg_sql = translate(sql, &s->nparams, &s->referenced);
        size_t n = s->nparams ? (size_t)s->nparams : 1;
        s->prepared_types = xcalloc(n, sizeof(Oid));
        s->bound = xcalloc(n, sizeof(enum bound));
        s->values = xcalloc(n, sizeof(char *));
        s->lengths = xcalloc(n, sizeof(int));
        s->formats = xcalloc(n, sizeof(int));
        s->row = -1;
        s->blob_col = -1;
        return s;
}

static size_t cache_slot(const char *sql)
{
        uintptr_t h = (uintptr_t)sql;
        h ^= h >> 17;
        h *= 0x9E3779B97F4A7C15ull;
        return (size_t)(h >> 40) % STMT_CACHE_SLOTS;
}

static bool sqlstate_is(const PGresult *res, const char *state)
{
        const char *got = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        return got && strcmp(got, state) == 0;
}

/* PQprepare inside a savepoint when a transaction is open: a statement the server refuses
 * must not end the transaction (in SQLite a failed prepare leaves it as it was). */
static PGresult *prepare_try(struct pg_db *db, const char *name, const char *sql, int n,
                             const Oid *types)
{
        if (PQtransactionStatus(db->conn) != PQTRANS_INTRANS)
                return PQprepare(db->conn, name, sql, n, types);
        PQclear(PQexec(db->conn, "SAVEPOINT kd_prepare"));
        PGresult *res = PQprepare(db->conn, name, sql, n, types);
        PQclear(PQexec(db->conn, PQresultStatus(res) == PGRES_COMMAND_OK
                                     ? "RELEASE kd_prepare"
                                     : "ROLLBACK TO kd_prepare; RELEASE kd_prepare"));
        return res;
}

/* Prepares s on the server under a fresh name and records its parameter types. Without
 * bindings the server infers each type from the SQL around it; where it infers a 16- or 32-bit
 * integer (?1 + 1) the statement is prepared again with int8, as SQLite's integers are 64-bit;
 * a parameter the SQL does not name is text. SQL where the server cannot infer a type
 * (?2 - ?3, ?1 IS NULL) waits for its first bindings: integers are int8, blobs bytea, texts
 * text; the result is then DB_DONE, nothing prepared yet. Returns DB_OK, DB_DONE, or an error
 * (logged) with nothing prepared. */
static int server_prepare(struct pg_stmt *s, bool from_bindings)
{
        struct pg_db *db = s->db;
        int n = s->nparams;
        Oid types[n ? n : 1];
        for (int i = 0; i < n; i++) {
                types[i] = s->referenced[i] ? 0 : OID_TEXT;
                if (from_bindings && s->bound[i] == BOUND_INT)
                        types[i] = OID_INT8;
                else if (from_bindings && s->bound[i] == BOUND_BLOB)
                        types[i] = OID_BYTEA;
                else if (from_bindings && s->bound[i] == BOUND_TEXT)
                        types[i] = OID_TEXT;
        }
        Oid inferred[n ? n : 1];
        bool widened = false, narrow_again = false;
        int null_guess = 0; /* the type tried for NULL-bound parameters: none, text, int8 */
        for (;;) {
                char name[sizeof(s->name)];
                snprintf(name, sizeof(name), "k%u", ++db->next_name);
                PGresult *res = prepare_try(db, name, s->pg_sql, n, types);
                if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                        /* indeterminate_datatype, ambiguous_function, undefined_function,
                         * datatype_mismatch, ambiguous_parameter: types the bindings will give
                         * (?6 in a CASE inferred as text where an integer goes) */
                        bool untyped = sqlstate_is(res, "42P18") || sqlstate_is(res, "42725") ||
                                       sqlstate_is(res, "42883") || sqlstate_is(res, "42804") ||
                                       sqlstate_is(res, "42P08");
                        if (untyped && widened && !narrow_again) {
                                /* int8 does not fit where the server wants int4 (substr's
                                 * length): keep what it inferred */
                                PQclear(res);
                                memcpy(types, inferred, sizeof(Oid) * (size_t)n);
                                narrow_again = true;
                                continue;
                        }
                        if (untyped && !from_bindings && !widened) {
                                PQclear(res);
                                return DB_DONE;
                        }
                        if (untyped && from_bindings && null_guess < 2) {
                                /* a NULL tells no type (?3 IS NULL with ?3 NULL): text, then
                                 * an integer (decided_by = ?5 with ?5 NULL) */
                                PQclear(res);
                                null_guess++;
                                for (int i = 0; i < n; i++)
                                        if (s->referenced[i] && (s->bound[i] == BOUND_NULL ||
                                                                 s->bound[i] == BOUND_NONE))
                                                types[i] = null_guess == 1 ? OID_TEXT : OID_INT8;
                                continue;
                        }
                        int rc = map_error(db, res, s->sql);
                        PQclear(res);
                        return rc;
                }
                PQclear(res);
                res = PQdescribePrepared(db->conn, name);
                if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                        int rc = map_error(db, res, s->sql);
                        PQclear(res);
                        return rc;
                }
                bool narrow = false;
                for (int i = 0; i < n; i++) {
                        types[i] = inferred[i] = PQparamtype(res, i);
                        if (types[i] == OID_INT2 || types[i] == OID_INT4) {
                                types[i] = OID_INT8;
                                narrow = true;
                        }
                }
                PQclear(res);
                if (narrow && !widened && !narrow_again) {
                        char drop[48];
                        snprintf(drop, sizeof(drop), "DEALLOCATE %s", name);
                        PQclear(PQexec(db->conn, drop));
                        widened = true;
                        continue;
                }
                memcpy(s->name, name, sizeof(name));
                memcpy(s->prepared_types, inferred, sizeof(Oid) * (size_t)n);
                s->prepared = true;
                return DB_OK;
        }
}

/* Drops s's server-side statement unless it borrowed the cached one's. */
static void server_release(struct pg_stmt *s)
{
        if (!s->prepared || s->borrowed || PQstatus(s->db->conn) != CONNECTION_OK)
                return;
        char drop[48];
        snprintf(drop, sizeof(drop), "DEALLOCATE %s", s->name);
        PQclear(PQexec(s->db->conn, drop));
        s->prepared = false;
}

/* As SQLite's engine: the cache is keyed by the literal's address, and the statement is
 * prepared on the server the first time the connection meets it, so bad SQL is NULL here as
 * it is there. A statement in use (the same query nested in its own loop) gets a private copy
 * that borrows the server-side statement; one that finds no free slot gets a private copy with
 * its own, dropped by db_finish(). */
static struct db_stmt *pg_prepare(struct db *d, const char *sql)
{
        struct pg_db *db = PG(d);
        size_t slot = cache_slot(sql);
        struct pg_stmt *busy = NULL;
        for (size_t probe = 0; probe < 8; probe++) {
                size_t i = (slot + probe) % STMT_CACHE_SLOTS;
                struct pg_stmt *s = db->cache[i];
                if (!s) {
                        s = stmt_new(db, sql);
                        if (server_prepare(s, false) < 0) {
                                stmt_free(s);
                                return NULL;
                        }
                        s->cached = true;
                        s->in_use = true;
                        db->cache[i] = s;
                        return &s->base;
                }
                if (s->sql == sql) {
                        if (s->in_use) {
                                busy = s;
                                break;
                        }
                        if (!s->prepared && server_prepare(s, false) < 0)
                                return NULL;
                        s->in_use = true;
                        return &s->base;
                }
        }
        struct pg_stmt *s = stmt_new(db, sql);
        if (busy && busy->prepared) {
                memcpy(s->name, busy->name, sizeof(s->name));
                memcpy(s->prepared_types, busy->prepared_types, sizeof(Oid) * (size_t)s->nparams);
                s->prepared = true;
                s->borrowed = true;
        } else if (server_prepare(s, false) < 0) {
                stmt_free(s);
                return NULL;
        }
        return &s->base;
}

static void pg_finish(struct db_stmt *st)
{
        struct pg_stmt *s = PGS(st);
        if (!s->cached) {
                server_release(s);
                stmt_free(s);
                return;
        }
        stmt_clear_result(s);
        stmt_clear_bindings(s);
        s->in_use = false;
}

static void bind_value(struct pg_stmt *s, int idx, enum bound type, char *value, int len,
                       int format)
{
        assert(idx >= 1 && idx <= s->nparams);
        if (idx < 1 || idx > s->nparams) {
                free(value);
                return;
        }
        free(s->values[idx - 1]);
        s->values[idx - 1] = value;
        s->lengths[idx - 1] = len;
        s->formats[idx - 1] = format;
        s->bound[idx - 1] = type;
}

static void pg_bind_textn(struct db_stmt *st, int idx, const char *v, size_t len)
{
        if (!v) {
                bind_value(PGS(st), idx, BOUND_NULL, NULL, 0, 0);
                return;
        }
        char *copy = xmalloc(len + 1);
        memcpy(copy, v, len);
        copy[len] = '\0';
        bind_value(PGS(st), idx, BOUND_TEXT, copy, (int)len, 0);
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
        char *text = xmalloc(24);
        int n = snprintf(text, 24, "%lld", (long long)v);
        bind_value(PGS(st), idx, BOUND_INT, text, n, 0);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
        struct pg_stmt *s = PGS(st);
        if (idx >= 1 && idx <= s->nparams)
                bind_value(s, idx, BOUND_NULL, NULL, 0, 0);
}

static void pg_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
        char *copy = xmalloc(len ? len : 1);
        if (len)
                memcpy(copy, data, len);
        bind_value(PGS(st), idx, BOUND_BLOB, copy, (int)len, 1);
}

/* Runs the statement with its bindings, prepared, unless a blob is bound where the prepared
 * statement expects another type: that run says bytea for it and goes unprepared. */
static PGresult *execute(struct pg_stmt *s)
{
        struct pg_db *db = s->db;
        if (!s->prepared && server_prepare(s, true) != DB_OK)
                return NULL;
        bool fits = true;
        for (int i = 0; i < s->nparams; i++)
                if (s->bound[i] == BOUND_BLOB && s->prepared_types[i] != OID_BYTEA)
                        fits = false;
        if (fits)
                return PQexecPrepared(db->conn, s->name, s->nparams, (const char *const *)s->values,
                                      s->lengths, s->formats, 0);
        Oid types[s->nparams];
        for (int i = 0; i < s->nparams; i++)
                types[i] = s->bound[i] == BOUND_BLOB ? OID_BYTEA : s->prepared_types[i];
        return PQexecParams(db->conn, s->pg_sql, s->nparams, types, (const char *const *)s->values,
                            s->lengths, s->formats, 0);
}

static bool changes_rows(const char *status)
{
        return strncmp(status, "INSERT", 6) == 0 || strncmp(status, "UPDATE", 6) == 0 ||
               strncmp(status, "DELETE", 6) == 0 || strncmp(status, "MERGE", 5) == 0;
}

static int pg_step(struct db_stmt *st)
{
        struct pg_stmt *s = PGS(st);
        free(s->blob);
        s->blob = NULL;
        s->blob_col = -1;
        if (!s->res) {
                s->res = execute(s);
                if (!s->res)
                        return DB_ERROR; /* could not prepare again (logged) */
                ExecStatusType status = PQresultStatus(s->res);
                if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
                        int rc = map_error(s->db, s->res, s->sql);
                        stmt_clear_result(s);
                        return rc;
                }
                if (changes_rows(PQcmdStatus(s->res)))
                        s->db->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
                s->row = -1;
        }
        if (s->row < PQntuples(s->res))
                s->row++;
        return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

static bool has_cell(const struct pg_stmt *s, int col)
{
        return s->res && s->row >= 0 && s->row < PQntuples(s->res) && col >= 0 &&
               col < PQnfields(s->res);
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
        struct pg_stmt *s = PGS(st);
        if (!has_cell(s, col) || PQgetisnull(s->res, s->row, col))
                return 0;
        const char *v = PQgetvalue(s->res, s->row, col);
        if (PQftype(s->res, col) == OID_BOOL) /* a comparison read as a number, as in SQLite */
                return v[0] == 't';
        char *end;
        long long n = strtoll(v, &end, 10);
        if (*end == '.' || *end == 'e' || *end == 'E') /* numeric or float: truncated */
                return (int64_t)strtod(v, NULL);
        return n;
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
        struct pg_stmt *s = PGS(st);
        if (!has_cell(s, col))
                return "";
        return PQgetvalue(s->res, s->row, col); /* "" for NULL */
}

/* A bytea cell decoded from its text form (\x...) into s->blob. */
static const unsigned char *decoded_blob(struct pg_stmt *s, int col)
{
        if (s->blob_col != col) {
                free(s->blob);
                s->blob = NULL;
                size_t n = 0;
                unsigned char *raw =
                    PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), &n);
                if (!raw)
                        abort(); /* out of memory, as in the allocation wrappers */
                s->blob = xmalloc(n ? n : 1);
                memcpy(s->blob, raw, n);
                PQfreemem(raw);
                s->blob_len = n;
                s->blob_col = col;
        }
        return s->blob;
}

static size_t pg_col_bytes(struct db_stmt *st, int col)
{
        struct pg_stmt *s = PGS(st);
        if (!has_cell(s, col) || PQgetisnull(s->res, s->row, col))
                return 0;
        if (PQftype(s->res, col) == OID_BYTEA) {
                decoded_blob(s, col);
                return s->blob_len;
        }
        return (size_t)PQgetlength(s->res, s->row, col);
}

static const void *pg_col_blob(struct db_stmt *st, int col)
{
        struct pg_stmt *s = PGS(st);
        if (!has_cell(s, col) || PQgetisnull(s->res, s->row, col))
                return NULL;
        if (PQftype(s->res, col) == OID_BYTEA)
                return decoded_blob(s, col);
        return PQgetvalue(s->res, s->row, col);
}

static bool pg_col_is_null(struct db_stmt *st, int col)
{
        struct pg_stmt *s = PGS(st);
        return !has_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_changes(struct db *db)
{
        return PG(db)->changes;
}

static int pg_exec_script(struct db *db, const char *sql)
{
        return exec_simple(PG(db), sql);
}

/* --------------------------------------------------------------------------------------------
 * Transactions
 *
 * An advisory lock stands for SQLite's write lock (begin_sql, above).
 *
 * PostgreSQL ends a transaction's usefulness at its first error (every later statement fails
 * until ROLLBACK), where SQLite goes on; code that expects an error and carries on wraps the
 * attempt in a nested db_begin(), a savepoint, on both engines.
 * ------------------------------------------------------------------------------------------ */

static int pg_begin(struct db *d)
{
        struct pg_db *db = PG(d);
        if (db->depth > 0 && PQtransactionStatus(db->conn) == PQTRANS_IDLE)
                db->depth = 0; /* the connection was reset: nothing is open */
        /* as SQLite's BEGIN IMMEDIATE: one writing transaction at a time per database, on
         * every node (an advisory lock held to the transaction's end, waited for up to the
         * lock timeout), so the model's read-check-write transactions, written for SQLite's
         * single writer, stay correct; reads outside transactions never wait for it. A durable
         * transaction's COMMIT does not wait for the disk while it holds that lock: pg_commit
         * waits after it (group commit, below). */
        int rc = exec_simple(db, db->depth ? "SAVEPOINT nested"
                                           : begin_sql(db->lock, db->flush_after_commit));
        if (rc == DB_OK)
                db->depth++;
        return rc;
}

/* Group commit on PostgreSQL. A durable transaction commits with synchronous_commit off, so its
 * COMMIT returns (and the advisory lock above is let go) once its commit record is in the WAL's
 * buffers, not on disk; the next writer goes ahead at once. Then, in the same round trip, a
 * statement of its own waits for the disk: when the WAL is not yet flushed as far as it has been
 * written (which is past this commit's record), it writes a logical message (a few bytes of WAL,
 * and a transaction id) and commits it with synchronous_commit on, which flushes the WAL up to
 * that message and so past this commit. Writers that wait at once share PostgreSQL's flushes
 * (XLogFlush: the first to take the WAL write lock flushes for all written before); one that
 * finds the WAL already flushed past its commit writes nothing. pg_commit returns DB_OK only after
 * the flush, so a write is acknowledged only once it would survive a crash of the PostgreSQL
 * server or the machine (tests/http/test_durability.c kills both). */
static const char commit_then_flush_sql[] =
    "COMMIT; SELECT CASE WHEN pg_current_wal_flush_lsn() < pg_current_wal_insert_lsn() THEN "
    "pg_logical_emit_message(true, 'kindred', '') END";

static int commit_then_flush(struct pg_db *db)
{
        if (!PQsendQuery(db->conn, commit_then_flush_sql))
                return map_error(db, NULL, "COMMIT");
        /* one result a statement: COMMIT's, then the flush's; a failed COMMIT skips the flush */
        PGresult *failed = NULL, *res;
        int results = 0, failed_at = -1;
        while ((res = PQgetResult(db->conn)) != NULL) {
                ExecStatusType st = PQresultStatus(res);
                if (!failed && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
                        failed = res;
                        failed_at = results;
                } else {
                        PQclear(res);
                }
                results++;
        }
        if (!failed && results == 2)
                return DB_OK;
        if (failed_at == 1) /* committed, but not known to be on disk: not acknowledged */
                log_error("db: a commit's WAL flush failed; the write is not acknowledged");
        int rc = failed
                     ? map_error(db, failed, failed_at == 1 ? "the flush after COMMIT" : "COMMIT")
                     : map_error(db, NULL, "COMMIT");
        PQclear(failed);
        return rc;
}

static int pg_commit(struct db *d)
{
        struct pg_db *db = PG(d);
        if (db->depth <= 0)
                return DB_ERROR;
        if (db->depth == 1 && PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
                /* COMMIT of a failed transaction rolls back and reports success: say it */
                log_error("db: commit of a failed transaction: rolled back");
                exec_simple(db, "ROLLBACK");
                db->depth = 0;
                return DB_ERROR;
        }
        int rc = db->depth > 1            ? exec_simple(db, "RELEASE nested")
                 : db->flush_after_commit ? commit_then_flush(db)
                                          : exec_simple(db, "COMMIT");
        if (rc == DB_OK)
                db->depth--;
        return rc;
}

static int pg_rollback(struct db *d)
{
        struct pg_db *db = PG(d);
        if (db->depth <= 0 || PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
                db->depth = 0;
                return DB_OK;
        }
        if (db->depth > 1) {
                int rc = exec_simple(db, "ROLLBACK TO nested; RELEASE nested");
                db->depth--;
                return rc;
        }
        db->depth = 0;
        return exec_simple(db, "ROLLBACK");
}

static int pg_set_durability(struct db *d, enum db_durability dur)
{
        /* off: a commit returns before its WAL is flushed, so a crash of the PostgreSQL server
         * (not of kindred) may lose the last moments; the database itself stays consistent */
        struct pg_db *db = PG(d);
        int rc = exec_simple(db, dur == DB_DURABLE_FULL ? "SET synchronous_commit = on"
                                                        : "SET synchronous_commit = off");
        if (rc == DB_OK)
                db->flush_after_commit = dur == DB_DURABLE_FULL;
        return rc;
}

static void pg_set_write_lock(struct db *db, enum db_write_lock lock)
{
        PG(db)->lock = lock;
}

/* --------------------------------------------------------------------------------------------
 * Notifications
 * ------------------------------------------------------------------------------------------ */

static int pg_wait_notice(struct db *d, int timeout_ms, char *payload, size_t size)
{
        struct pg_db *db = PG(d);
        if (!PQconsumeInput(db->conn))
                goto lost;
        PGnotify *n = PQnotifies(db->conn);
        if (!n) {
                struct pollfd p = {.fd = PQsocket(db->conn), .events = POLLIN};
                if (p.fd < 0)
                        goto lost;
                int r = poll(&p, 1, timeout_ms);
                if (r < 0 && errno != EINTR)
                        goto lost;
                if (r > 0 && !PQconsumeInput(db->conn))
                        goto lost;
                n = PQnotifies(db->conn);
        }
        if (!n)
                return DB_DONE;
        snprintf(payload, size, "%s", n->extra ? n->extra : "");
        PQfreemem(n);
        return DB_ROW;
lost:
        log_warn("db: the listening connection was lost: %s", PQerrorMessage(db->conn));
        return DB_ERROR;
}

static bool pg_idle(struct db *db, char *what, size_t size)
{
        struct pg_db *d = PG(db);
        for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
                if (d->cache[i] && d->cache[i]->in_use) {
                        snprintf(what, size, "%s", d->cache[i]->pg_sql);
                        return false;
                }
        }
        PGTransactionStatusType t = PQtransactionStatus(d->conn); /* UNKNOWN: lost (pg_lost) */
        if (d->depth > 0 || t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE) {
                snprintf(what, size, "a transaction");
                return false;
        }
        return true;
}

/* map_error's reset failed (the server is still away), or nothing has tried yet after the
 * socket broke: PQstatus says so either way. */
static bool pg_lost(struct db *db)
{
        return PQstatus(PG(db)->conn) == CONNECTION_BAD;
}

static const struct db_engine pg_engine = {
    .kind = DB_POSTGRESQL,
    .close = pg_close,
    .errmsg = pg_errmsg,
    .prepare = pg_prepare,
    .finish = pg_finish,
    .bind_textn = pg_bind_textn,
    .bind_int = pg_bind_int,
    .bind_null = pg_bind_null,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_bytes = pg_col_bytes,
    .col_blob = pg_col_blob,
    .col_is_null = pg_col_is_null,
    .changes = pg_changes,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .exec_script = pg_exec_script,
    .set_durability = pg_set_durability,
    .set_write_lock = pg_set_write_lock,
    .wait_notice = pg_wait_notice,
    .idle = pg_idle,
    .lost = pg_lost,
};
