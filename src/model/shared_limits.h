/* Rate limits and login throttles counted in the database, so several nodes count alike
 * (http/throttle.h's limit_store; tables limit_counter and limit_throttle, migration 009).
 * Each call is one statement outside any transaction; on PostgreSQL the tables are UNLOGGED,
 * so none waits for a disk flush. */
#ifndef KD_SHARED_LIMITS_H
#define KD_SHARED_LIMITS_H

#include <stdint.h>

struct db;

/* Counts one event for key in its fixed window of window_s seconds: 0 when it is within limit,
 * else the seconds until the window reopens; -1 on a database error. */
long shared_rate_hit(struct db *db, const char *key, unsigned limit, unsigned window_s,
                     int64_t now);
/* The seconds key stays locked (0: may try now); -1 on a database error. */
long shared_throttle_check(struct db *db, const char *key, int64_t now);
/* Counts a failure for key (a window of window_s seconds from its first failure); returns the
 * failures in the window so far, -1 on a database error. */
long shared_throttle_fail(struct db *db, const char *key, unsigned window_s, int64_t now);
/* Locks key until the Unix time until (a later lock already there is kept). 0 or -1. */
int shared_throttle_lock(struct db *db, const char *key, int64_t until);
/* Forgets key's failures. 0 or -1. */
int shared_throttle_reset(struct db *db, const char *key);
/* Deletes counts whose windows ended before older_than and throttles neither counting nor
 * locked then. Returns the rows deleted, -1 on error. */
long shared_limits_purge(struct db *db, int64_t older_than);

#endif
