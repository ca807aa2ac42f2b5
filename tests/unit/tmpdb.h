/* A fresh database for the storage and model unit tests: a SQLite file in its own mkdtemp()
 * folder, or, for a test that also runs on PostgreSQL (tmpdb_pg_url set), a new database on
 * the throwaway cluster of tests/pg/start. */
#ifndef KD_TEST_TMPDB_H
#define KD_TEST_TMPDB_H

#include "../pg_cluster.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tmpdb {
        char dir[64];
        char path[512]; /* the SQLite file, or the PostgreSQL database's URL */
        char pg_name[64];
        struct db *db;
};

/* The cluster's URL (KINDRED_TEST_PG_URL) while a test runs on PostgreSQL, else NULL. */
static const char *tmpdb_pg_url;

/* tmpdb_url_with_db: the URL of another database of the test cluster (pg_cluster.h). */
static inline int tmpdb_url_with_db(const char *base, const char *name, char *out, size_t size)
{
        return pg_url_with_db(base, name, out, size);
}

/* Runs one statement on the cluster's own database ("postgres"). Returns 0 or -1. */
static inline int tmpdb_pg_admin(const char *sql)
{
        return pg_cluster_admin(tmpdb_pg_url, sql);
}

/* Creates the folder (or the database) and opens it without migrating. Returns 0 or -1. */
static inline int tmpdb_open(struct tmpdb *t)
{
        t->db = NULL;
        t->pg_name[0] = '\0';
        if (tmpdb_pg_url) {
                static unsigned serial;
                char sql[256];
                snprintf(t->pg_name, sizeof(t->pg_name), "kd_unit_%ld_%u", (long)getpid(),
                         ++serial);
                /* template0 has the cluster's encoding and collation (tests/pg/start) */
                snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0", t->pg_name);
                if (tmpdb_pg_admin(sql) != 0 ||
                    tmpdb_url_with_db(tmpdb_pg_url, t->pg_name, t->path, sizeof(t->path)) != 0)
                        return -1;
                t->dir[0] = '\0';
                return db_open_url(t->path, &t->db) == DB_OK ? 0 : -1;
        }
        const char *base = getenv("TMPDIR");
        snprintf(t->dir, sizeof(t->dir), "%s/kd-unit-XXXXXX",
                 base && *base && strlen(base) < 40 ? base : "/tmp");
        if (!mkdtemp(t->dir))
                return -1;
        snprintf(t->path, sizeof(t->path), "%s/kindred.db", t->dir);
        return db_open_url(t->path, &t->db) == DB_OK ? 0 : -1;
}

/* Closes the database and removes it (with its WAL files and folder, or DROP DATABASE). */
static inline void tmpdb_remove(struct tmpdb *t)
{
        /* the database's files and its search index's (db_search_index) */
        static const char *const suffixes[] = {"",        "-wal",        "-shm",       "-journal",
                                               "-search", "-search-wal", "-search-shm"};
        db_close(t->db);
        t->db = NULL;
        if (t->pg_name[0]) {
                char sql[128];
                snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->pg_name);
                tmpdb_pg_admin(sql);
                return;
        }
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                char p[600];
                snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
                unlink(p);
        }
        rmdir(t->dir);
}

#endif
