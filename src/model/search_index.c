/* SQLite's search index in its own file, and the thread that keeps it (search_index.h). */
#include "model/search_index.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------------ the file's tables */

/* Unqualified names find the index file's tables first (main), then the site's: search_doc
 * and search_old_text are the site's. */
static const char ready_sql[] =
    "SELECT (SELECT count(*) FROM main.sqlite_schema WHERE name = 'search_state'), "
    "(SELECT count(*) FROM site.sqlite_schema WHERE name = 'search_fts')";

/* The same options as the site's old index (018_search.sqlite.sql) but for its content: the
 * pages of one are pages of the other, so they can be copied. */
static const char create_sql[] =
    "CREATE VIRTUAL TABLE IF NOT EXISTS main.search_fts USING fts5(title, body, content = '', "
    "tokenize = 'trigram');"
    "CREATE TABLE IF NOT EXISTS main.search_state ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " upto INTEGER NOT NULL,"  /* search_doc's ids at or below are indexed */
    " done INTEGER NOT NULL);" /* search_old_text's seqs at or below are taken */
    "INSERT OR IGNORE INTO main.search_state (id, upto, done) VALUES (1, 0, 0);";

/* The site's old index, as it was when migration 023 stopped its triggers, and its mark. */
static const char has_old_mark_sql[] = "SELECT upto FROM site.search_fts_state WHERE id = 1";
static const char copy_sql[] =
    "DELETE FROM main.search_fts_data;"
    "INSERT INTO main.search_fts_data SELECT * FROM site.search_fts_data;"
    "DELETE FROM main.search_fts_idx;"
    "INSERT INTO main.search_fts_idx SELECT * FROM site.search_fts_idx;"
    "DELETE FROM main.search_fts_docsize;"
    "INSERT INTO main.search_fts_docsize SELECT * FROM site.search_fts_docsize;"
    "DELETE FROM main.search_fts_config;"
    "INSERT INTO main.search_fts_config SELECT * FROM site.search_fts_config;"
    "UPDATE main.search_state SET upto = (SELECT upto FROM site.search_fts_state WHERE id = 1), "
    "done = 0 WHERE id = 1;";
/* Without its mark (deleted by hand) the old index cannot tell what it holds: the new one
 * starts empty and takes every row. */
static const char start_empty_sql[] =
    "INSERT INTO main.search_fts (search_fts) VALUES ('delete-all');"
    "UPDATE main.search_state SET upto = 0, done = 0 WHERE id = 1;";
static const char drop_old_sql[] = "DROP TABLE site.search_fts; DROP TABLE site.search_fts_state;";

static int one_row(struct db *db, const char *sql, int64_t *a, int64_t *b)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        int rc = db_step(s);
        if (rc == DB_ROW) {
                *a = db_col_int(s, 0);
                if (b)
                        *b = db_col_int(s, 1);
        }
        db_finish(s);
        return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* FTS5 keeps its merge setting in the index file (search_fts_config): set once, when it is
 * not KD_SEARCH_AUTOMERGE yet (a new file, or one made before the setting). Only a matter of
 * speed: when it cannot be written (the file busy), passes go on and the next one tries. */
static const char automerge_sql[] =
    "SELECT count(*) FROM main.search_fts_config WHERE k = 'automerge' AND v = ?1";
static const char set_automerge_sql[] =
    "INSERT INTO main.search_fts (search_fts, rank) VALUES ('automerge', ?1)";

static int automerge_set(struct db *idx)
{
        struct db_stmt *s = db_prepare(idx, automerge_sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, KD_SEARCH_AUTOMERGE);
        int rc = db_step(s);
        bool set = rc == DB_ROW && db_col_int(s, 0) > 0;
        db_finish(s);
        if (rc != DB_ROW)
                return -1;
        if (set)
                return 0;
        s = db_prepare(idx, set_automerge_sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, KD_SEARCH_AUTOMERGE);
        rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE) {
                log_warn("search: the index's merge setting could not be set: %s", db_errmsg(idx));
                return -1;
        }
        return 0;
}

int search_index_prepare(struct db *db)
{
        if (db_kind(db) == DB_POSTGRESQL)
                return 0;
        struct db *idx = db_search_index(db);
        if (!idx)
                return -1;
        int64_t have_state = 0, have_old = 0;
        if (one_row(idx, ready_sql, &have_state, &have_old) != 1)
                return -1;
        if (have_state && !have_old) {
                (void)automerge_set(idx); /* a setting that failed is tried again next time */
                return 0;
        }
        /* Both files' write locks, so that two first passes cannot both copy; only ever here,
         * before the server serves or in a command. */
        if (db_exec_script(idx, "BEGIN IMMEDIATE") != DB_OK)
                return -1;
        int64_t mark = 0;
        int rc = db_exec_script(idx, create_sql) == DB_OK &&
                         one_row(idx, ready_sql, &have_state, &have_old) == 1
                     ? 0
                     : -1;
        if (rc == 0 && have_old) {
                int found = one_row(idx, has_old_mark_sql, &mark, NULL);
                log_info("search: moving the index into its own file (once)");
                rc = found < 0                                                          ? -1
                     : db_exec_script(idx, found ? copy_sql : start_empty_sql) != DB_OK ? -1
                     : db_exec_script(idx, drop_old_sql) != DB_OK                       ? -1
                                                                                        : 0;
        }
        if (rc == 0 && db_exec_script(idx, "COMMIT") != DB_OK)
                rc = -1;
        if (rc == 0)
                (void)automerge_set(idx);
        if (rc != 0) {
                log_error("search: the index file could not be made ready: %s", db_errmsg(idx));
                (void)db_exec_script(idx, "ROLLBACK");
        } else if (have_old) {
                log_info("search: the index is in its own file, up to row %lld", (long long)mark);
        }
        return rc;
}

/* ------------------------------------------------------------------ a pass */

/* Whether anything waits: rows other than the mark says, old text not yet taken; or the site
 * numbered less old text than was taken (pass_in_file: a restored database). */
static const char waiting_sql[] =
    "SELECT (SELECT coalesce(max(id), 0) FROM search_doc) <> s.upto OR "
    "(SELECT coalesce(max(seq), 0) FROM search_old_text) > s.done OR coalesce((SELECT seq FROM "
    "site.sqlite_sequence WHERE name = 'search_old_text'), 0) < s.done FROM main.search_state s "
    "WHERE s.id = 1";
/* The first statement of a pass writes, so that it waits for the file's write lock (another
 * pass) before it reads the marks. */
static const char lock_sql[] = "UPDATE main.search_state SET upto = upto WHERE id = 1";
static const char marks_sql[] = "SELECT upto, done FROM main.search_state WHERE id = 1";
static const char site_tops_sql[] =
    "SELECT (SELECT coalesce(max(id), 0) FROM search_doc), (SELECT coalesce(max(seq), 0) FROM "
    "search_old_text), coalesce((SELECT seq FROM site.sqlite_sequence WHERE name = "
    "'search_old_text'), 0)";
/* An index ahead of its site (a database restored from a backup beside a newer index file)
 * starts again from nothing: taking rows out by text they never had would break it. */
static const char start_again_sql[] =
    "INSERT INTO main.search_fts (search_fts) VALUES ('delete-all')";
/* ?1 done, ?2 the newest old text taken, ?3 the mark: rows the index holds that changed */
#define CHANGED_ROWS                                                                               \
        "SELECT doc_id FROM search_old_text WHERE seq > ?1 AND seq <= ?2 AND doc_id <= ?3"
static const char take_out_sql[] =
    "INSERT INTO main.search_fts (search_fts, rowid, title, body) "
    "SELECT 'delete', doc_id, title, body FROM search_old_text WHERE seq IN (SELECT min(seq) "
    "FROM search_old_text WHERE seq > ?1 AND seq <= ?2 AND doc_id <= ?3 GROUP BY doc_id)";
static const char put_back_sql[] =
    "INSERT INTO main.search_fts (rowid, title, body) "
    "SELECT id, title, body FROM search_doc WHERE id IN (" CHANGED_ROWS ")";
/* ?1 the mark, ?2 how many: the new rows */
static const char new_top_sql[] =
    "SELECT max(id) FROM (SELECT id FROM search_doc WHERE id > ?1 ORDER BY id LIMIT ?2)";
static const char add_new_sql[] =
    "INSERT INTO main.search_fts (rowid, title, body) SELECT id, "
    "title, body FROM search_doc WHERE id > ?1 AND id <= ?2 ORDER BY id";
static const char set_marks_sql[] =
    "UPDATE main.search_state SET upto = ?1, done = ?2 WHERE id = 1";
/* on the site, once the pass is on disk */
static const char forget_taken_sql[] = "DELETE FROM search_old_text WHERE seq <= ?1";

/* Runs sql with its n (at most three) integer parameters: 0, or -1. */
static int run(struct db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        const int64_t v[3] = {a, b, c};
        for (int i = 0; i < n && i < 3; i++)
                db_bind_int(s, i + 1, v[i]);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

/* The pass's transaction on the index file: DB_OK with the old text taken up to *taken (0
 * when none was), or an error. */
static int pass_in_file(struct db *idx, size_t rows, int *waiting, int64_t *taken)
{
        int64_t upto = 0, done = 0, top = 0, newest = 0, ever = 0;
        if (run(idx, lock_sql, 0, 0, 0, 0) != 0 || one_row(idx, marks_sql, &upto, &done) != 1)
                return DB_ERROR;
        struct db_stmt *tops = db_prepare(idx, site_tops_sql);
        if (!tops)
                return DB_ERROR;
        int rc = db_step(tops);
        if (rc == DB_ROW) {
                top = db_col_int(tops, 0);
                newest = db_col_int(tops, 1);
                ever = db_col_int(tops, 2);
        }
        db_finish(tops);
        if (rc != DB_ROW)
                return DB_ERROR;
        /* What cannot happen to the site the index was made from: old text numbered below what
         * was taken (seq is never handed out twice), or rows gone from under the mark with no
         * old text telling of it (a pass lowers the mark when the highest rows go). */
        if (ever < done || (top < upto && newest <= done)) {
                log_warn("search: the index file is ahead of the database (restored from a "
                         "backup?): it is built again");
                if (run(idx, start_again_sql, 0, 0, 0, 0) != 0)
                        return DB_ERROR;
                upto = 0;
                done = newest = ever;
        }
        if (newest < done)
                newest = done; /* everything taken was deleted from the site */
        if (newest > done && (run(idx, take_out_sql, 3, done, newest, upto) != 0 ||
                              run(idx, put_back_sql, 3, done, newest, upto) != 0))
                return DB_ERROR;
        int64_t highest = 0;
        struct db_stmt *s = db_prepare(idx, new_top_sql);
        if (!s)
                return DB_ERROR;
        db_bind_int(s, 1, upto);
        db_bind_int(s, 2, (int64_t)rows);
        rc = db_step(s);
        if (rc == DB_ROW)
                highest = db_col_is_null(s, 0) ? 0 : db_col_int(s, 0);
        db_finish(s);
        if (rc != DB_ROW)
                return DB_ERROR;
        if (highest && run(idx, add_new_sql, 2, upto, highest, 0) != 0)
                return DB_ERROR;
        if (run(idx, set_marks_sql, 2, highest ? highest : top, newest, 0) != 0)
                return DB_ERROR;
        if (waiting)
                *waiting = highest && highest < top;
        *taken = newest > done ? newest : 0;
        return DB_OK;
}

int search_index_pass(struct db *db, size_t rows, int *waiting)
{
        if (waiting)
                *waiting = 0;
        if (db_kind(db) == DB_POSTGRESQL)
                return 0;
        if (search_index_prepare(db) != 0)
                return -1;
        struct db *idx = db_search_index(db);
        int64_t any = 0;
        int found = one_row(idx, waiting_sql, &any, NULL);
        if (found < 0)
                return -1;
        if (!any)
                return 0;
        int64_t taken = 0;
        if (db_begin(idx) != DB_OK)
                return -1;
        if (pass_in_file(idx, rows ? rows : 1, waiting, &taken) != DB_OK ||
            db_commit(idx) != DB_OK) {
                log_error("search: indexing failed: %s", db_errmsg(idx));
                db_rollback(idx);
                return -1;
        }
        /* The index file holds the pass on disk: the old text it took can go. Should this fail,
         * later passes skip it (it is at or below done), and the next one that takes old text
         * deletes it with its own. */
        if (taken && run(db, forget_taken_sql, 1, taken, 0, 0) != 0)
                log_warn("search: the old text taken could not be deleted: %s", db_errmsg(db));
        return 0;
}

int search_index_all(struct db *db)
{
        int more = 1;
        while (more)
                if (search_index_pass(db, KD_SEARCH_PASS_ROWS, &more) != 0)
                        return -1;
        return 0;
}

/* ------------------------------------------------------------------ the server's thread */

/* Niceness of the indexer: behind the request workers, as the events' writer is. */
enum { INDEXER_NICE = 5 };

static struct {
        pthread_mutex_t lock;
        pthread_cond_t wake; /* signalled to stop */
        bool running, stopping;
        pthread_t thread;
        char *db_path;
} ix = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void *indexer_main(void *arg)
{
        (void)arg;
        if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), INDEXER_NICE) != 0)
                log_info("search: the indexer keeps the server's priority");
        struct db *db = NULL;
        if (db_open_url(ix.db_path, &db) != DB_OK) {
                log_error("search: the indexer cannot open the site's database; new rows wait for "
                          "searches to index them");
                db = NULL;
        }
        int more = 0;
        pthread_mutex_lock(&ix.lock);
        while (!ix.stopping) {
                if (!more) {
                        struct timespec until = time_after_ms(CLOCK_MONOTONIC, KD_SEARCH_INDEX_MS);
                        while (!ix.stopping &&
                               pthread_cond_timedwait(&ix.wake, &ix.lock, &until) != ETIMEDOUT)
                                ;
                        if (ix.stopping)
                                break;
                }
                pthread_mutex_unlock(&ix.lock);
                if (!db || search_index_pass(db, KD_SEARCH_PASS_ROWS, &more) != 0)
                        more = 0; /* logged; tried again next period */
                pthread_mutex_lock(&ix.lock);
        }
        pthread_mutex_unlock(&ix.lock);
        db_close(db);
        return NULL;
}

int search_indexer_start(const char *db_path)
{
        if (db_target_is_postgresql(db_path))
                return 0;
        pthread_mutex_lock(&ix.lock);
        if (ix.running) {
                pthread_mutex_unlock(&ix.lock);
                return 0;
        }
        time_cond_init_monotonic(&ix.wake);
        ix.db_path = strdup(db_path);
        ix.stopping = false;
        if (!ix.db_path || pthread_create(&ix.thread, NULL, indexer_main, NULL) != 0) {
                log_error("search: cannot start the indexer thread");
                free(ix.db_path);
                ix.db_path = NULL;
                pthread_cond_destroy(&ix.wake);
                pthread_mutex_unlock(&ix.lock);
                return -1;
        }
        ix.running = true;
        pthread_mutex_unlock(&ix.lock);
        return 0;
}

void search_indexer_stop(void)
{
        pthread_mutex_lock(&ix.lock);
        if (!ix.running) {
                pthread_mutex_unlock(&ix.lock);
                return;
        }
        ix.stopping = true;
        pthread_cond_signal(&ix.wake);
        pthread_mutex_unlock(&ix.lock);
        pthread_join(ix.thread, NULL);
        pthread_mutex_lock(&ix.lock);
        ix.running = false;
        pthread_mutex_unlock(&ix.lock);
        pthread_cond_destroy(&ix.wake);
        free(ix.db_path);
        ix.db_path = NULL;
}
