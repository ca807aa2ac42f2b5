/* Newsletters (publications): slug, title, description, an owner and co-authors, followers.
 *
 * Who may write in a newsletter: its owner, its co-authors, and admins. */
#ifndef KD_NEWSLETTER_H
#define KD_NEWSLETTER_H

#include "core/role.h"
#include "model/problem.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct newsletter {
        int64_t id;
        const char *slug;
        const char *title;
        const char *description;      /* Markdown */
        const char *description_html; /* rendered when saved */
        int64_t owner_id;
        const char *owner_handle;
        const char *owner_name;
        int64_t created_at, updated_at;
};

struct newsletter_input {
        const char *slug; /* empty: made from the title (create only; a slug never changes) */
        const char *title;
        const char *description;
        const char *coauthors; /* handles separated by commas or spaces; NULL leaves them as is */
};

/* Checks and creates a newsletter owned by owner_id. Sets *id. Returns PUB_OK, PUB_INVALID (p
 * filled), PUB_TAKEN (slug in use; p names "slug") or PUB_DB_ERROR. */
int newsletter_create(struct db *db, const struct newsletter_input *in, int64_t owner_id,
                      int64_t *id, struct field_problem *p);

/* Updates title, description and (when in->coauthors is not NULL) the co-authors. Returns
 * PUB_OK, PUB_INVALID, PUB_NOT_FOUND (no such newsletter) or PUB_DB_ERROR. */
int newsletter_update(struct db *db, int64_t id, const struct newsletter_input *in,
                      struct field_problem *p);

/* Loads by slug or id; strings in a. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
int newsletter_find_slug(struct db *db, struct arena *a, const char *slug, struct newsletter *out);
int newsletter_get(struct db *db, struct arena *a, int64_t id, struct newsletter *out);

/* Every newsletter, oldest first, as an arena array. Returns the count or a negative
 * enum pub_result. */
int newsletter_list(struct db *db, struct arena *a, struct newsletter **out);

/* The newsletters member_id may write in (all of them for an admin). */
int newsletter_list_writable(struct db *db, struct arena *a, int64_t member_id, enum role role,
                             struct newsletter **out);

/* The newsletters member_id owns or co-writes (their author profile). */
int newsletter_list_by_author(struct db *db, struct arena *a, int64_t member_id,
                              struct newsletter **out);

/* True when member_id (with role) may write in newsletter_id. */
/* Whether member_id owns or co-writes the newsletter (whatever their role now). */
bool newsletter_is_author(struct db *db, int64_t newsletter_id, int64_t member_id);
bool newsletter_can_write(struct db *db, int64_t newsletter_id, int64_t member_id, enum role role);

/* Whether member_id (with role) may choose newsletter n's co-authors: its owner, or an admin. */
bool newsletter_can_choose_authors(const struct newsletter *n, int64_t member_id, enum role role);

/* Co-authors' handles, comma-separated in one arena string ("" when none). */
const char *newsletter_coauthors(struct db *db, struct arena *a, int64_t newsletter_id);

/* Follows or unfollows (idempotent). Returns PUB_OK or PUB_DB_ERROR. */
int newsletter_set_following(struct db *db, int64_t member_id, int64_t newsletter_id, bool on);
/* The same, and sets *changed (may be NULL) to whether it followed or unfollowed (false when it
 * already was so): a new follow is recorded for the insights (web_follow). */
int newsletter_follow(struct db *db, int64_t member_id, int64_t newsletter_id, bool on,
                      bool *changed);
bool newsletter_is_following(struct db *db, int64_t member_id, int64_t newsletter_id);
/* Number of followers, or a negative enum pub_result. */
int64_t newsletter_follower_count(struct db *db, int64_t newsletter_id);

#endif
