/* The member directory and "who is here": searches and lists over the member table. */
#include "model/directory.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "db/db.h"

#include <string.h>

int member_mark_active(struct db *db, int64_t member_id, int64_t now, int64_t every)
{
        struct db_stmt *s = db_prepare(db, "UPDATE member SET active_at = ?2 WHERE id = ?1 AND "
                                           "(active_at IS NULL OR active_at <= ?3)");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, now - every);
        bool quiet = db_watch_quiet(true); /* nothing kept in memory shows it (db.h) */
        int rc = db_step(s);
        db_watch_quiet(quiet);
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

#define ENTRY_COLUMNS                                                                              \
        "SELECT id, handle, display_name, headline, created_at, coalesce(active_at, 0) "

static int collect(struct db_stmt *s, struct arena *a, struct directory_entry **out, int *n_out)
{
        size_t cap = 0, n = 0;
        struct directory_entry *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                struct directory_entry *e = &arr[n++];
                e->id = db_col_int(s, 0);
                e->handle = arena_strdup(a, db_col_text(s, 1));
                e->name = arena_strdup(a, db_col_text(s, 2));
                e->headline = arena_strdup(a, db_col_text(s, 3));
                e->joined_at = db_col_int(s, 4);
                e->active_at = db_col_int(s, 5);
        }
        db_finish(s);
        *out = arr;
        *n_out = (int)n;
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

int directory_search(struct db *db, struct arena *a, const char *q, int64_t after,
                     struct directory_entry **out, int64_t *next_after)
{
        *next_after = 0;
        *out = NULL;
        q = q ? q : "";
        while (*q == ' ' || *q == '\t')
                q++;
        size_t len = strlen(q);
        while (len > 0 && (q[len - 1] == ' ' || q[len - 1] == '\t'))
                len--;
        if (!utf8_valid(q, len) || utf8_count(q, len) > KD_DIRECTORY_QUERY_MAX)
                return PUB_INVALID;
        struct db_stmt *s;
        size_t chars = utf8_count(q, len);
        if (chars == 0) { /* everyone, by the primary key */
                s = db_prepare(db, ENTRY_COLUMNS "FROM member WHERE id > ?1 AND disabled = 0 "
                                                 "ORDER BY id LIMIT ?3");
                if (s) {
                        db_bind_int(s, 1, after);
                        db_bind_int(s, 3, KD_DIRECTORY_PER_PAGE + 1);
                }
        } else {
                /* each engine's own index (db.h) */
                s = db_member_search(db, q, len, chars, after, KD_DIRECTORY_PER_PAGE + 1);
        }
        if (!s)
                return PUB_DB_ERROR;
        int n;
        if (collect(s, a, out, &n) != PUB_OK)
                return PUB_DB_ERROR;
        if (n > KD_DIRECTORY_PER_PAGE) {
                n = KD_DIRECTORY_PER_PAGE;
                *next_after = (*out)[n - 1].id;
        }
        return n;
}

int directory_active(struct db *db, struct arena *a, int64_t now, int64_t before_at,
                     int64_t before_id, struct directory_entry **out, bool *more)
{
        /* member_active, from the newest down to a week ago */
        struct db_stmt *s = db_prepare(
            db, ENTRY_COLUMNS "FROM member WHERE active_at IS NOT NULL AND active_at >= ?1 AND "
                              "disabled = 0 AND (active_at, id) < (?2, ?3) ORDER BY active_at "
                              "DESC, id DESC LIMIT ?4");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now - KD_ACTIVE_WEEK_S);
        db_bind_int(s, 2, before_at > 0 ? before_at : INT64_MAX);
        db_bind_int(s, 3, before_id > 0 ? before_id : INT64_MAX);
        db_bind_int(s, 4, KD_DIRECTORY_PER_PAGE + 1);
        int n;
        if (collect(s, a, out, &n) != PUB_OK)
                return PUB_DB_ERROR;
        *more = n > KD_DIRECTORY_PER_PAGE;
        return *more ? KD_DIRECTORY_PER_PAGE : n;
}

int64_t directory_active_count(struct db *db, int64_t now)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM member WHERE active_at IS NOT "
                                           "NULL AND active_at >= ?1 AND disabled = 0");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now - KD_ACTIVE_WEEK_S);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : PUB_DB_ERROR;
        db_finish(s);
        return n;
}
