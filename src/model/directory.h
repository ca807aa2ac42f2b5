/* The member directory: finding members by name or headline, and "who is here" (members active
 * this week), read from member.active_at, which every post, comment and sign-in keeps current. */
#ifndef KD_DIRECTORY_H
#define KD_DIRECTORY_H

#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct directory_entry {
        int64_t id;
        const char *handle, *name, *headline;
        int64_t joined_at;
        int64_t active_at; /* 0 when never */
};

/* Records that member_id took part at now. With every > 0 (a sign-in or a visit), only when
 * the stored time is older than that many seconds, so reading pages does not write each time.
 * Returns PUB_OK or PUB_DB_ERROR. Runs inside the caller's transaction when there is one. */
int member_mark_active(struct db *db, int64_t member_id, int64_t now, int64_t every);

/* Members (not suspended) whose display name, handle or headline contains q (case folded for
 * ASCII; any script matches as written), by id, after member id `after` (0: from the start),
 * at most KD_DIRECTORY_PER_PAGE. q is trimmed; an empty q lists everyone. Sets *next_after (0
 * at the end). Returns the count or a negative enum pub_result; PUB_INVALID for a q longer than
 * KD_DIRECTORY_QUERY_MAX code points.
 *
 * Cost: a substring cannot use an index, so this walks the member table in id order and stops
 * as soon as a page is full; a rare word scans every member (about 30 ms of CPU per 100,000
 * members, measured on SQLite). Members are far fewer than comments or posts, and the directory is for
 * signed-in members, so that bound is acceptable; docs/participation.md says when to index. */
int directory_search(struct db *db, struct arena *a, const char *q, int64_t after,
                     struct directory_entry **out, int64_t *next_after);

/* Members active since now - KD_ACTIVE_WEEK_S, most recent first, keyset after (before_at,
 * before_id) (0, 0: from the top), at most KD_DIRECTORY_PER_PAGE, read from the member_active
 * index. Sets *more. Returns the count or a negative enum pub_result. */
int directory_active(struct db *db, struct arena *a, int64_t now, int64_t before_at,
                     int64_t before_id, struct directory_entry **out, bool *more);

/* How many members were active this week (for the heading); bounded by the index range. */
int64_t directory_active_count(struct db *db, int64_t now);

#endif
