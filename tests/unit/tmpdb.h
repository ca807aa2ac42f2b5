/* A fresh SQLite database in its own mkdtemp() folder, for the storage and model unit tests. */
#ifndef KD_TEST_TMPDB_H
#define KD_TEST_TMPDB_H

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tmpdb {
        char dir[64];
        char path[96];
        struct db *db;
};

/* Creates the folder and opens (without migrating) the database in it. Returns 0 or -1. */
static inline int tmpdb_open(struct tmpdb *t)
{
        const char *base = getenv("TMPDIR");
        snprintf(t->dir, sizeof(t->dir), "%s/kd-unit-XXXXXX",
                 base && *base && strlen(base) < 40 ? base : "/tmp");
        if (!mkdtemp(t->dir))
                return -1;
        snprintf(t->path, sizeof(t->path), "%s/kindred.db", t->dir);
        t->db = NULL;
        return db_open(t->path, &t->db) == DB_OK ? 0 : -1;
}

/* Closes the database and removes it with its WAL files and folder. */
static inline void tmpdb_remove(struct tmpdb *t)
{
        static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
        db_close(t->db);
        t->db = NULL;
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
                char p[128];
                snprintf(p, sizeof(p), "%s%s", t->path, suffixes[i]);
                unlink(p);
        }
        rmdir(t->dir);
}

#endif
