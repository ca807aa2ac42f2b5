/* Taking an episode back: unpublishing (back to the drafts) and deleting it for good, and the
 * addresses of deleted episodes (410 Gone).
 *
 * Deleting removes the episode with its conversation (the database cascades),
 * and when readers had seen it, leaves its address behind so that the page answers 410 and
 * feed readers drop it rather than waiting for it to come back. */
#ifndef KD_EPISODE_LIFECYCLE_H
#define KD_EPISODE_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

/* Takes episode id back to the drafts: readers no longer see it (404, out of the feeds) until
 * it is published again, at a new time. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int episode_unpublish(struct db *db, int64_t id, int64_t now);

/* Deletes episode id, remembering its address when it was live at now. Runs in a transaction
 * of its own (a savepoint inside the caller's). Returns PUB_OK, PUB_NOT_FOUND or
 * PUB_DB_ERROR. */
int episode_delete(struct db *db, int64_t id, int64_t now);

/* True when the episode at newsletter_slug/slug was deleted after readers had seen it (and no
 * episode has the address now); *title (arena string, may be NULL) gets its last title. */
bool episode_was_deleted(struct db *db, struct arena *a, const char *newsletter_slug,
                         const char *slug, const char **title);

#endif
