/* The other side and the place of an act, for the insights event it records (event_party.h). */
#include "model/event_party.h"
#include "db/db.h"

#include <string.h>

int event_party_of(struct db *db, const char *target, int64_t id, struct event_party *out)
{
        memset(out, 0, sizeof(*out));
        /* One literal statement per target (db_prepare caches by the string's address). */
        const char *sql;
        if (strcmp(target, "episode") == 0)
                sql = "SELECT 0, id, newsletter_id FROM episode WHERE id = ?1";
        else if (strcmp(target, "comment") == 0)
                sql = "SELECT c.author_id, c.episode_id, e.newsletter_id FROM comment c JOIN "
                      "episode e ON e.id = c.episode_id WHERE c.id = ?1";
        else if (strcmp(target, "buildon") == 0)
                sql = "SELECT b.author_id, b.episode_id, e.newsletter_id FROM buildon b JOIN "
                      "episode e ON e.id = b.episode_id WHERE b.id = ?1";
        else if (strcmp(target, "post") == 0)
                sql = "SELECT p.author_id, 0, coalesce(s.newsletter_id, 0) FROM space_post p JOIN "
                      "space s ON s.id = p.space_id WHERE p.id = ?1";
        else
                return -1;
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                out->author_id = db_col_int(s, 0);
                out->episode_id = db_col_int(s, 1);
                out->newsletter_id = db_col_int(s, 2);
        }
        db_finish(s);
        return rc == DB_ROW ? 0 : -1;
}
