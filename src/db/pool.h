/* A bounded set of connections to one database, shared by a node's request threads: a request
 * borrows one for its duration and hands it back, so a node never holds more than `max`
 * connections for requests whatever its thread count (docs/operations.md, "Connections").
 * Connections are opened on first need and kept. Thread-safe. */
#ifndef KD_DB_POOL_H
#define KD_DB_POOL_H

#include "db/db.h"

struct db_pool;

/* A pool of at most max connections to target (what db_open_url opens), each set to
 * durability. */
struct db_pool *db_pool_new(const char *target, unsigned max, enum db_durability durability);
/* Closes every connection; none may be borrowed. NULL is allowed. */
void db_pool_free(struct db_pool *p);
/* Borrows a connection: an idle one, a new one while fewer than max are open, or else the
 * first handed back within wait_ms. NULL when none came in time or opening failed (logged). */
struct db *db_pool_acquire(struct db_pool *p, int wait_ms);
/* Hands db back (NULL is allowed). */
void db_pool_release(struct db_pool *p, struct db *db);
/* Connections open now, and the most there may be. */
unsigned db_pool_open(struct db_pool *p);
unsigned db_pool_max(const struct db_pool *p);

#endif
