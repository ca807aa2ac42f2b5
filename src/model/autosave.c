/* The editor's autosave copies (model/autosave.h). */
#include "model/autosave.h"
#include "core/arena.h"
#include "db/db.h"

int autosave_put(struct db *db, int64_t member_id, int64_t newsletter_id, int64_t episode_id,
                 const struct autosave *in, int64_t now)
{
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO episode_autosave (member_id, newsletter_id, episode_id, title, "
                "subtitle, body, saved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT "
                "(member_id, newsletter_id, episode_id) DO UPDATE SET title = excluded.title, "
                "subtitle = excluded.subtitle, body = excluded.body, saved_at = "
                "excluded.saved_at");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, newsletter_id);
        db_bind_int(s, 3, episode_id);
        db_bind_text(s, 4, in->title ? in->title : "");
        db_bind_text(s, 5, in->subtitle ? in->subtitle : "");
        db_bind_text(s, 6, in->body ? in->body : "");
        db_bind_int(s, 7, now);
        int rc = db_step(s) == DB_DONE ? 0 : -1;
        db_finish(s);
        return rc;
}

int autosave_get(struct db *db, struct arena *a, int64_t member_id, int64_t newsletter_id,
                 int64_t episode_id, struct autosave *out)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT title, subtitle, body, saved_at FROM episode_autosave WHERE "
                           "member_id = ?1 AND newsletter_id = ?2 AND episode_id = ?3");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, newsletter_id);
        db_bind_int(s, 3, episode_id);
        int step = db_step(s), rc = -1;
        if (step == DB_ROW) {
                out->title = arena_strdup(a, db_col_text(s, 0));
                out->subtitle = arena_strdup(a, db_col_text(s, 1));
                out->body = arena_strdup(a, db_col_text(s, 2));
                out->saved_at = db_col_int(s, 3);
                rc = 1;
        } else if (step == DB_DONE) {
                rc = 0;
        }
        db_finish(s);
        return rc;
}

int autosave_discard(struct db *db, int64_t member_id, int64_t newsletter_id, int64_t episode_id)
{
        struct db_stmt *s = db_prepare(db, "DELETE FROM episode_autosave WHERE member_id = ?1 AND "
                                           "newsletter_id = ?2 AND episode_id = ?3");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, newsletter_id);
        db_bind_int(s, 3, episode_id);
        int rc = db_step(s) == DB_DONE ? 0 : -1;
        db_finish(s);
        return rc;
}
