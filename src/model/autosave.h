/* The editor's autosave: what an author typed, kept while they type (by the editor's script),
 * apart from the episode itself, so it never changes what readers see. One copy per author and
 * episode; episode_id 0 is a new episode of the newsletter. */
#ifndef KD_AUTOSAVE_H
#define KD_AUTOSAVE_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct autosave {
        const char *title, *subtitle, *body; /* arena strings */
        int64_t saved_at;
};

/* Keeps (replacing) member_id's copy for the episode. Returns 0 or -1 (database). */
int autosave_put(struct db *db, int64_t member_id, int64_t newsletter_id, int64_t episode_id,
                 const struct autosave *in, int64_t now);

/* Loads member_id's copy into *out. Returns 1 when there is one, 0 when not, -1 on error. */
int autosave_get(struct db *db, struct arena *a, int64_t member_id, int64_t newsletter_id,
                 int64_t episode_id, struct autosave *out);

/* Drops member_id's copy (after a save, or when they discard it). Returns 0 or -1. */
int autosave_discard(struct db *db, int64_t member_id, int64_t newsletter_id, int64_t episode_id);

#endif
