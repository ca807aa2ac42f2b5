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

/* Records that member_id took part at now. With every > 0, only when the stored time is older
 * than that many seconds: a sign-in or a visit (KD_ACTIVE_SIGNIN_EVERY_S), so reading pages does
 * not write each time; a comment or post (KD_ACTIVE_POST_EVERY_S), so a conversation does not
 * write the member's row at every message. The write is quiet to the table watch (db/db.h):
 * nothing kept in memory shows it. Returns PUB_OK or PUB_DB_ERROR. Runs inside the caller's
 * transaction when there is one. */
int member_mark_active(struct db *db, int64_t member_id, int64_t now, int64_t every);

/* Members (not suspended) found by q, by id, after member id `after` (0: from the start), at
 * most KD_DIRECTORY_PER_PAGE. q is trimmed; an empty q lists everyone. Three or more characters
 * match anywhere in the display name, handle or headline, letters of any case (the trigram index
 * member_search); one or two characters match the start of a handle (any case) or of a display
 * name (as written), so a two-character Chinese name is found. Sets *next_after (0 at the end).
 * Returns the count or a negative enum pub_result; PUB_INVALID for a q longer than
 * KD_DIRECTORY_QUERY_MAX code points.
 *
 * Cost: every form reads an index (the trigram index in rowid order from `after`, or the two
 * prefix ranges), never the whole member table; docs/participation.md has the plans. */
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
