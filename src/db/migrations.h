/* The migrations compiled into the binary (generated from src/db/migrations/NNN_name.sql and
 * the engine parts NNN_name.sqlite.sql, NNN_name.pg.sql by embed_migrations.py). */
#ifndef KD_MIGRATIONS_H
#define KD_MIGRATIONS_H

#include <stddef.h>

struct db_migration {
        int version;        /* NNN from the file name */
        const char *name;   /* file name without .sql */
        const char *sql;    /* for SQLite: the shared part, then SQLite's own */
        const char *pg_sql; /* for PostgreSQL: the shared part rewritten, then its own */
};

extern const struct db_migration db_migrations[]; /* ascending by version */
extern const size_t db_migrations_count;

#endif
