/* What the welcome page offers (model/welcome.h). */
#include "model/welcome.h"
#include "core/arena.h"
#include "db/db.h"
#include "model/member.h"
#include "model/problem.h"

#include <string.h>

int welcome_newsletters(struct db *db, struct arena *a, int64_t member_id, int limit,
                        struct welcome_newsletter **out)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT n.id, n.slug, n.title, n.description_html, coalesce(m.display_name, ''), "
                "EXISTS (SELECT 1 FROM follow f WHERE f.member_id = ?1 AND f.newsletter_id = "
                "n.id) FROM newsletter n LEFT JOIN member m ON m.id = n.owner_id ORDER BY n.id "
                "LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, limit);
        size_t cap = 0, n = 0;
        struct welcome_newsletter *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                struct welcome_newsletter *w = &arr[n++];
                w->id = db_col_int(s, 0);
                w->slug = arena_strdup(a, db_col_text(s, 1));
                w->title = arena_strdup(a, db_col_text(s, 2));
                w->description_html = arena_strdup(a, db_col_text(s, 3));
                w->owner_name = arena_strdup(a, db_col_text(s, 4));
                w->following = db_col_int(s, 5) != 0;
        }
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        *out = arr;
        return (int)n;
}

int welcome_set_headline(struct db *db, struct arena *a, int64_t member_id, const char *headline,
                         struct member_problem *p)
{
        struct member m;
        int rc = member_get(db, a, member_id, &m);
        if (rc != MEMBER_OK)
                return rc;
        struct member_input in = {
            .display_name = m.display_name,
            .headline = headline,
            .bio = m.bio ? m.bio : "",
            .email = m.email,
        };
        return member_update_profile(db, member_id, &in, p);
}
