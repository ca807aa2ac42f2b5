/* The throwaway PostgreSQL cluster of tests/pg/start, as the unit and HTTP tests use it: URLs of
 * its databases, and statements on its own "postgres" database (CREATE and DROP DATABASE). */
#ifndef KD_TEST_PG_CLUSTER_H
#define KD_TEST_PG_CLUSTER_H

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

/* Writes into out the URL base with its database name replaced by name. Returns 0 or -1. */
static inline int pg_url_with_db(const char *base, const char *name, char *out, size_t size)
{
        if (!base)
                return -1;
        const char *host = strstr(base, "://");
        const char *slash = host ? strchr(host + 3, '/') : NULL;
        const char *query = slash ? strchr(slash, '?') : NULL;
        size_t head = slash ? (size_t)(slash - base) : strlen(base);
        int n = snprintf(out, size, "%.*s/%s%s", (int)head, base, name, query ? query : "");
        return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Runs one statement on the "postgres" database of the cluster base names. Returns 0 or -1. */
static inline int pg_cluster_admin(const char *base, const char *sql)
{
        char url[512];
        if (pg_url_with_db(base, "postgres", url, sizeof(url)) != 0)
                return -1;
        PGconn *c = PQconnectdb(url);
        int ok = PQstatus(c) == CONNECTION_OK;
        if (ok) {
                PGresult *r = PQexec(c, sql);
                ok = PQresultStatus(r) == PGRES_COMMAND_OK;
                if (!ok)
                        fprintf(stderr, "test cluster: %s: %s", sql, PQresultErrorMessage(r));
                PQclear(r);
        } else {
                fprintf(stderr, "test cluster: %s", PQerrorMessage(c));
        }
        PQfinish(c);
        return ok ? 0 : -1;
}

#endif
