/* "I tried this": one record per member and episode, its outcome, and the episode's counts. */
#include "model/tried.h"
#include "model/badge.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/episode.h"
#include "model/item.h"

#include <string.h>

static const char *const outcome_names[] = {"", "worked", "mixed", "failed"};

const char *tried_outcome_name(enum tried_outcome o)
{
        return o >= TRIED_NO_OUTCOME && o <= TRIED_FAILED ? outcome_names[o] : "";
}

int tried_outcome_parse(const char *name, enum tried_outcome *o)
{
        for (int i = TRIED_NO_OUTCOME; i <= TRIED_FAILED; i++)
                if (name && strcmp(name, outcome_names[i]) == 0) {
                        *o = (enum tried_outcome)i;
                        return 0;
                }
        return -1;
}

bool tried_can_record(const struct episode *e, int64_t member_id, int64_t now)
{
        return member_id > 0 && episode_is_live(e, now);
}

/* Checks a note (optional) against the limit; NULL when fine, else a msgid. */
static const char *note_problem(const char *note)
{
        const char *why = text_problem(note, false, KD_TRIED_NOTE_MAX);
        if (why && strcmp(why, "This is too long.") == 0)
                return N_("A note can be up to 500 characters.");
        return why;
}

/* Adds d to the episode's count and to the column of outcome o (none: no column). */
static int count_change(struct db *db, int64_t episode_id, int d_count, enum tried_outcome o,
                        int d_outcome)
{
        struct db_stmt *s = db_prepare(
            db, "UPDATE episode SET tried_count = tried_count + ?2, tried_worked = tried_worked + "
                "?3, tried_mixed = tried_mixed + ?4, tried_failed = tried_failed + ?5 WHERE id = "
                "?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, d_count);
        db_bind_int(s, 3, o == TRIED_WORKED ? d_outcome : 0);
        db_bind_int(s, 4, o == TRIED_MIXED ? d_outcome : 0);
        db_bind_int(s, 5, o == TRIED_FAILED ? d_outcome : 0);
        int rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

/* The member's record as it is inside the transaction: *exists, its id, outcome, state. */
static int current(struct db *db, int64_t episode_id, int64_t member_id, bool *exists, int64_t *id,
                   enum tried_outcome *outcome, bool *hidden)
{
        struct db_stmt *s = db_prepare(db, "SELECT id, coalesce(outcome, ''), state FROM tried "
                                           "WHERE episode_id = ?1 AND member_id = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, member_id);
        int step = db_step(s);
        *exists = step == DB_ROW;
        *outcome = TRIED_NO_OUTCOME;
        *hidden = false;
        if (*exists) {
                *id = db_col_int(s, 0);
                tried_outcome_parse(db_col_text(s, 1), outcome);
                *hidden = strcmp(db_col_text(s, 2), "hidden") == 0;
        }
        db_finish(s);
        return step == DB_ROW || step == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

int tried_save(struct db *db, const struct tried_input *in, int64_t *id, struct field_problem *p)
{
        return tried_save_new(db, in, id, NULL, p);
}

int tried_save_new(struct db *db, const struct tried_input *in, int64_t *id, bool *created,
                   struct field_problem *p)
{
        if (created)
                *created = false;
        const char *why;
        if (in->note && (why = note_problem(in->note)))
                return field_problem_set(p, "note", why);
        enum tried_outcome outcome = TRIED_NO_OUTCOME;
        if (in->outcome && tried_outcome_parse(in->outcome, &outcome) != 0)
                return field_problem_set(p, "outcome",
                                         N_("Choose how it went: it worked, mixed, or it didn't "
                                            "work."));
        if (in->outcome_note && (why = note_problem(in->outcome_note)))
                return field_problem_set(p, "outcome_note", why);
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        bool exists, hidden;
        int64_t row = 0;
        enum tried_outcome was;
        int rc = current(db, in->episode_id, in->member_id, &exists, &row, &was, &hidden);
        if (rc == PUB_OK && hidden)
                rc = PUB_FORBIDDEN;
        if (rc != PUB_OK)
                goto cleanup;
        int64_t now = time_now();
        enum tried_outcome now_outcome = in->outcome ? outcome : was;
        if (now_outcome == TRIED_NO_OUTCOME && in->outcome_note && *in->outcome_note) {
                rc =
                    field_problem_set(p, "outcome", N_("Choose how it went before describing it."));
                goto cleanup;
        }
        struct db_stmt *s;
        if (!exists) {
                s = db_prepare(db, "INSERT INTO tried (episode_id, member_id, note, outcome, "
                                   "outcome_note, created_at, updated_at, outcome_at) VALUES (?1, "
                                   "?2, ?3, nullif(?4, ''), ?5, ?6, ?6, CASE WHEN ?4 <> '' THEN "
                                   "CAST(?6 AS BIGINT) END) RETURNING id");
                if (!s) {
                        rc = PUB_DB_ERROR;
                        goto cleanup;
                }
                db_bind_int(s, 1, in->episode_id);
                db_bind_int(s, 2, in->member_id);
                db_bind_text(s, 3, in->note ? in->note : "");
                db_bind_text(s, 4, tried_outcome_name(now_outcome));
                db_bind_text(s, 5, in->outcome_note && now_outcome ? in->outcome_note : "");
                db_bind_int(s, 6, now);
                int step = db_step(s);
                if (step == DB_ROW)
                        row = db_col_int(s, 0);
                db_finish(s);
                rc = step == DB_ROW ? PUB_OK : PUB_DB_ERROR;
        } else {
                /* ?3..?5 NULL keep what is there; an outcome taken back takes its note along */
                s = db_prepare(db,
                               "UPDATE tried SET note = coalesce(?2, note), outcome = CASE WHEN "
                               "CAST(?3 AS TEXT) IS NULL THEN outcome ELSE nullif(?3, '') END, "
                               "outcome_note "
                               "= CASE WHEN ?3 = '' THEN '' ELSE coalesce(?4, outcome_note) "
                               "END, outcome_at = CASE WHEN ?3 IS NULL THEN outcome_at WHEN "
                               "?3 = '' THEN NULL WHEN ?3 IS NOT DISTINCT FROM outcome THEN "
                               "outcome_at ELSE ?5 "
                               "END, updated_at = ?5 WHERE id = ?1");
                if (!s) {
                        rc = PUB_DB_ERROR;
                        goto cleanup;
                }
                db_bind_int(s, 1, row);
                if (in->note)
                        db_bind_text(s, 2, in->note);
                else
                        db_bind_null(s, 2);
                if (in->outcome)
                        db_bind_text(s, 3, tried_outcome_name(outcome));
                else
                        db_bind_null(s, 3);
                if (in->outcome_note)
                        db_bind_text(s, 4, in->outcome_note);
                else
                        db_bind_null(s, 4);
                db_bind_int(s, 5, now);
                rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                db_finish(s);
        }
        if (rc == PUB_OK && !exists)
                rc = count_change(db, in->episode_id, 1, TRIED_NO_OUTCOME, 0);
        if (rc == PUB_OK && now_outcome != was) {
                rc = count_change(db, in->episode_id, 0, was, -1);
                if (rc == PUB_OK)
                        rc = count_change(db, in->episode_id, 0, now_outcome, 1);
        }
        if (rc == PUB_OK) /* an outcome earns "tried it" (badge.h); a failed refresh keeps it */
                badges_refresh(db, in->member_id);
cleanup:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        else if (id)
                *id = row;
        if (rc == PUB_OK && created)
                *created = !exists;
        return rc;
}

int tried_withdraw(struct db *db, int64_t episode_id, int64_t member_id)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        bool exists, hidden;
        int64_t row = 0;
        enum tried_outcome was;
        int rc = current(db, episode_id, member_id, &exists, &row, &was, &hidden);
        if (rc == PUB_OK && !exists)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK) {
                struct db_stmt *s = db_prepare(db, "DELETE FROM tried WHERE id = ?1");
                rc = PUB_DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, row);
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        if (rc == PUB_OK)
                rc = count_change(db, episode_id, -1, was, -1);
        if (rc == PUB_OK) /* a withdrawn record takes back "tried it" */
                badges_refresh(db, member_id);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

int tried_counts_get(struct db *db, int64_t episode_id, struct tried_counts *out)
{
        struct db_stmt *s = db_prepare(db, "SELECT tried_count, tried_worked, tried_mixed, "
                                           "tried_failed FROM episode WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        int step = db_step(s);
        memset(out, 0, sizeof(*out));
        if (step == DB_ROW) {
                out->count = (int)db_col_int(s, 0);
                out->worked = (int)db_col_int(s, 1);
                out->mixed = (int)db_col_int(s, 2);
                out->failed = (int)db_col_int(s, 3);
        }
        db_finish(s);
        return step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

#define TRIED_COLUMNS                                                                              \
        "SELECT t.id, t.episode_id, t.member_id, m.handle, m.display_name, t.note, "               \
        "coalesce(t.outcome, ''), t.outcome_note, t.state, t.created_at, t.updated_at, "           \
        "coalesce(t.outcome_at, 0), m.language FROM tried t JOIN member m ON m.id = "              \
        "t.member_id "

static void read_tried(struct db_stmt *s, struct arena *a, struct tried *t)
{
        t->id = db_col_int(s, 0);
        t->episode_id = db_col_int(s, 1);
        t->member_id = db_col_int(s, 2);
        t->member_handle = arena_strdup(a, db_col_text(s, 3));
        t->member_name = arena_strdup(a, db_col_text(s, 4));
        t->note = arena_strdup(a, db_col_text(s, 5));
        t->outcome = TRIED_NO_OUTCOME;
        tried_outcome_parse(db_col_text(s, 6), &t->outcome);
        t->outcome_note = arena_strdup(a, db_col_text(s, 7));
        t->hidden = strcmp(db_col_text(s, 8), "hidden") == 0;
        t->created_at = db_col_int(s, 9);
        t->updated_at = db_col_int(s, 10);
        t->outcome_at = db_col_int(s, 11);
        t->language = db_col_is_null(s, 12) ? NULL : arena_strdup(a, db_col_text(s, 12));
}

int tried_get_mine(struct db *db, struct arena *a, int64_t episode_id, int64_t member_id,
                   struct tried *out)
{
        struct db_stmt *s =
            db_prepare(db, TRIED_COLUMNS "WHERE t.episode_id = ?1 AND t.member_id = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, member_id);
        int step = db_step(s);
        if (step == DB_ROW)
                read_tried(s, a, out);
        db_finish(s);
        return step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int tried_list_episode(struct db *db, struct arena *a, int64_t episode_id, int64_t before,
                       int limit, bool with_hidden, struct tried **out, int64_t *next_before)
{
        /* by the tried_by_episode index, newest first; one more than asked says a page follows */
        struct db_stmt *s = db_prepare(db, TRIED_COLUMNS "WHERE t.episode_id = ?1 AND t.id < ?2 "
                                                         "AND (?4 OR t.state = 'visible') ORDER BY "
                                                         "t.id DESC LIMIT ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, before > 0 ? before : INT64_MAX);
        db_bind_int(s, 3, limit + 1);
        db_bind_int(s, 4, with_hidden);
        size_t cap = 0, n = 0;
        struct tried *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_tried(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        *next_before = 0;
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        if ((int)n > limit) {
                n = (size_t)limit;
                *next_before = arr[n - 1].id;
        }
        return (int)n;
}

/* ------------------------------------------------------------------ as an item (item.h) */

static int get_by_id(struct db *db, struct arena *a, int64_t id, struct tried *t)
{
        struct db_stmt *s = db_prepare(db, TRIED_COLUMNS "WHERE t.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int step = db_step(s);
        if (step == DB_ROW)
                read_tried(s, a, t);
        db_finish(s);
        return step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int tried_item_load(struct db *db, struct arena *a, int64_t id, struct item *out)
{
        struct tried t;
        struct episode e;
        int rc = get_by_id(db, a, id, &t);
        if (rc == PUB_OK)
                rc = episode_get(db, a, t.episode_id, &e);
        if (rc != PUB_OK)
                return rc;
        out->state = t.hidden ? ITEM_HIDDEN : ITEM_VISIBLE;
        out->author_id = t.member_id;
        out->newsletter_id = e.newsletter_id;
        out->episode_id = e.id;
        out->url =
            arena_printf(a, "/n/%s/%s/tried#t-%lld", e.newsletter_slug, e.slug, (long long)t.id);
        out->where = e.title;
        /* both notes, as member Markdown: whatever markup they hold stays inert */
        struct buf src = BUF_INIT;
        buf_puts(&src, t.note);
        if (*t.outcome_note) {
                buf_puts(&src, "\n\n");
                buf_puts(&src, t.outcome_note);
        }
        struct mdr_result r;
        if (mdr_render(src.data ? src.data : "", src.len, MDR_MEMBER, &r) == 0)
                out->body_html = arena_strndup(a, r.html.data ? r.html.data : "", r.html.len);
        else
                out->body_html = "";
        mdr_result_free(&r);
        buf_free(&src);
        out->created_at = t.created_at;
        return PUB_OK;
}

bool tried_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now)
{
        struct arena *a = arena_new();
        struct tried t;
        struct episode e;
        bool ok = get_by_id(db, a, id, &t) == PUB_OK &&
                  episode_get(db, a, t.episode_id, &e) == PUB_OK &&
                  episode_viewable(db, &e, viewer_id, role, now);
        arena_free(a);
        return ok;
}

int tried_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden)
{
        /* the counts count people who tried, hidden or not: nothing else changes */
        struct db_stmt *s = db_prepare(db, "UPDATE tried SET state = ?2, moderated_by = ?3 WHERE "
                                           "id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, hidden ? "hidden" : "visible");
        db_bind_int(s, 3, moderator_id);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        bool changed = db_changes(db) > 0; /* then the member's badges follow (badge.h) */
        badges_refresh_of(db, "SELECT member_id FROM tried WHERE id = ?1", id);
        return changed ? PUB_OK : PUB_NOT_FOUND;
}
