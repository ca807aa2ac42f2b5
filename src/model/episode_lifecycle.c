/* Unpublishing, deleting, and the addresses readers knew (model/episode_lifecycle.h). */
#include "model/episode_lifecycle.h"
#include "core/arena.h"
#include "db/db.h"
#include "model/problem.h"

#include <stdlib.h>
#include <string.h>

/* Reads what the deletion must remember. Returns PUB_OK, PUB_NOT_FOUND or PUB_DB_ERROR. */
static int read_episode(struct db *db, int64_t id, int64_t now, int64_t *newsletter_id, char **slug,
                        char **title, bool *was_live)
{
        struct db_stmt *s = db_prepare(db, "SELECT newsletter_id, slug, title, status <> 'draft' "
                                           "AND publish_at <= ?2 FROM episode WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, now);
        int step = db_step(s), rc = PUB_DB_ERROR;
        if (step == DB_ROW) {
                *newsletter_id = db_col_int(s, 0);
                *slug = strdup(db_col_text(s, 1));
                *title = strdup(db_col_text(s, 2));
                *was_live = db_col_int(s, 3) != 0;
                rc = PUB_OK;
        } else if (step == DB_DONE) {
                rc = PUB_NOT_FOUND;
        }
        db_finish(s);
        return rc;
}

static int run(struct db *db, const char *sql, int64_t a, int64_t b)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, a);
        if (b >= 0)
                db_bind_int(s, 2, b);
        int rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

int episode_unpublish(struct db *db, int64_t id, int64_t now)
{
        struct db_stmt *s = db_prepare(db, "UPDATE episode SET status = 'draft', updated_at = ?2 "
                                           "WHERE id = ?1 RETURNING id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, now);
        int step = db_step(s);
        int rc = step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
        if (step == DB_ROW && db_step(s) != DB_DONE)
                rc = PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

int episode_delete(struct db *db, int64_t id, int64_t now)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        int64_t newsletter_id = 0;
        char *slug = NULL, *title = NULL;
        bool was_live = false;
        int rc = read_episode(db, id, now, &newsletter_id, &slug, &title, &was_live);
        if (rc == PUB_OK && was_live) {
                struct db_stmt *s = db_prepare(
                    db, "INSERT INTO episode_gone (newsletter_id, slug, title, deleted_at) VALUES "
                        "(?1, ?2, ?3, ?4) ON CONFLICT (newsletter_id, slug) DO UPDATE SET title = "
                        "excluded.title, deleted_at = excluded.deleted_at");
                if (!s) {
                        rc = PUB_DB_ERROR;
                } else {
                        db_bind_int(s, 1, newsletter_id);
                        db_bind_text(s, 2, slug);
                        db_bind_text(s, 3, title);
                        db_bind_int(s, 4, now);
                        if (db_step(s) != DB_DONE)
                                rc = PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        /* Work in progress on a deleted episode has nothing left to restore into. */
        if (rc == PUB_OK)
                rc = run(db, "DELETE FROM episode_autosave WHERE episode_id = ?1", id, -1);
        if (rc == PUB_OK)
                rc = run(db, "DELETE FROM episode WHERE id = ?1", id, -1);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        free(slug);
        free(title);
        return rc;
}

bool episode_was_deleted(struct db *db, struct arena *a, const char *newsletter_slug,
                         const char *slug, const char **title)
{
        *title = NULL;
        if (!newsletter_slug || !slug)
                return false;
        /* An address taken again by a new episode belongs to it: episode_find answers first,
         * and the NOT EXISTS keeps a stale row from ever shadowing a draft's 404. */
        struct db_stmt *s = db_prepare(
            db, "SELECT g.title FROM episode_gone g JOIN newsletter n ON n.id = g.newsletter_id "
                "WHERE n.slug = ?1 AND g.slug = ?2 AND NOT EXISTS (SELECT 1 FROM episode e WHERE "
                "e.newsletter_id = g.newsletter_id AND e.slug = g.slug)");
        if (!s)
                return false;
        db_bind_text(s, 1, newsletter_slug);
        db_bind_text(s, 2, slug);
        bool gone = db_step(s) == DB_ROW;
        if (gone)
                *title = arena_strdup(a, db_col_text(s, 0));
        db_finish(s);
        return gone;
}
