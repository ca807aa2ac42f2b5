/* The application: configuration, shared state, the route table and the request dispatcher
 * that runs the checks every route declares (role, CSRF, parameters) before its handler. */
#ifndef KD_APP_H
#define KD_APP_H

#include "core/config.h"
#include "http/router.h"
#include "http/throttle.h"

#include <stdatomic.h>
#include <stddef.h>

struct db;
struct db_pool;
struct page_cache;
struct static_files;
struct request;

struct app {
        struct config config;
        char *db_path; /* what db_open_url() opens: a SQLite file or a postgresql:// URL */
        struct static_files *assets;
        struct guards guards;
        struct page_cache *pages; /* guests' pages, built once */
        struct db_pool *pool;     /* the connections requests borrow (KINDRED_DB_POOL) */
        _Atomic int64_t next_due; /* when a scheduled episode next appears (cache goes stale) */
        char public_url[256];     /* config.base_url points here when it was not configured */
};

/* The route tables, searched in order (routes.c). */
extern const struct route_table app_route_tables[];
extern const size_t app_route_tables_count;

/* Prepares shared state for serving: loads static files and makes the limiters. Returns 0, or
 * -1 after logging. */
int app_init(struct app *app, const struct config *config);
void app_cleanup(struct app *app);
/* Runs the HTTP server until SIGINT/SIGTERM. Returns a process exit code. */
int app_serve(struct app *app);
/* The database connection the calling thread holds: borrowed from the pool on first use and
 * kept until app_thread_db_release (the end of its request). NULL when none could be had. */
struct db *app_thread_db(struct app *app);
/* Hands the calling thread's connection back to the pool (nothing when it holds none). */
void app_thread_db_release(struct app *app);

/* The dispatcher and error renderer, exposed for the server. */
/* Settles route, viewer and role from the head before a body is read; see http_admit_fn. */
bool app_admit(void *ctx, struct request *req);
void app_dispatch(void *ctx, struct request *req);
void app_render_error(void *ctx, struct request *req);

#endif
