/* A member's own insights events, counted and paged (event_mine.h). */
#include "model/event_mine.h"
#include "core/arena.h"
#include "core/limits.h"
#include "db/db.h"

int event_mine_counts(struct db *db, struct arena *a, int64_t member_id,
                      struct event_mine_count **out)
{
        *out = NULL;
        struct db_stmt *s = db_prepare(db, "SELECT kind, count(*) FROM event WHERE member_id = ?1 "
                                           "GROUP BY kind ORDER BY kind");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        enum { MOST_KINDS = 64 }; /* far more than there are kinds (event.h) */
        struct event_mine_count *rows = arena_alloc(a, MOST_KINDS * sizeof(*rows));
        int n = 0, rc;
        while ((rc = db_step(s)) == DB_ROW && n < MOST_KINDS) {
                rows[n].kind = (enum event_kind)db_col_int(s, 0);
                rows[n].count = db_col_int(s, 1);
                n++;
        }
        db_finish(s);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        *out = rows;
        return n;
}

int event_mine_page(struct db *db, struct arena *a, int64_t member_id, int64_t after, int limit,
                    struct event_mine **out, int64_t *next_after)
{
        *out = NULL;
        *next_after = 0;
        if (limit < 1)
                limit = 1;
        if (limit > KD_MY_EVENTS_PAGE_MAX)
                limit = KD_MY_EVENTS_PAGE_MAX;
        /* one row more than asked tells whether another page follows */
        struct db_stmt *s = db_prepare(db, "SELECT e.id, e.at, e.kind, e.newsletter_id, "
                                           "e.episode_id, e.item_id, m.handle FROM event e LEFT "
                                           "JOIN member m ON m.id = e.other_id WHERE e.member_id "
                                           "= ?1 AND e.id > ?2 ORDER BY e.id LIMIT ?3");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, after);
        db_bind_int(s, 3, limit + 1);
        struct event_mine *rows = arena_alloc(a, (size_t)(limit + 1) * sizeof(*rows));
        int n = 0, rc;
        while ((rc = db_step(s)) == DB_ROW) {
                if (n == limit) {
                        *next_after = rows[n - 1].id;
                        break;
                }
                struct event_mine *e = &rows[n++];
                e->id = db_col_int(s, 0);
                e->at = db_col_int(s, 1);
                e->kind = (enum event_kind)db_col_int(s, 2);
                e->newsletter_id = db_col_int(s, 3);
                e->episode_id = db_col_int(s, 4);
                e->item_id = db_col_int(s, 5);
                e->other_handle = db_col_is_null(s, 6) ? NULL : arena_strdup(a, db_col_text(s, 6));
        }
        db_finish(s);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        *out = rows;
        return n;
}
