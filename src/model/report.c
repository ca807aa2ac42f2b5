/* Reports of member-written items of every kind: filing them, the moderation queue per
 * reviewer, and resolving them. */
#include "model/report.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/item.h"
#include "model/member.h"

#include <string.h>

static const char *const reason_names[REPORT_REASONS] = {"spam", "harassment", "off-topic",
                                                         "other"};
static const char *const outcome_names[] = {"hidden", "kept", "suspended"};
enum { OUTCOMES = sizeof(outcome_names) / sizeof(outcome_names[0]) };

const char *report_reason_name(enum report_reason r)
{
        return (unsigned)r < REPORT_REASONS ? reason_names[r] : "other";
}

int report_reason_parse(const char *name, enum report_reason *out)
{
        for (int i = 0; name && i < REPORT_REASONS; i++)
                if (strcmp(name, reason_names[i]) == 0) {
                        *out = (enum report_reason)i;
                        return 0;
                }
        return -1;
}

const char *report_outcome_name(enum report_outcome o)
{
        return (unsigned)o < OUTCOMES ? outcome_names[o] : "kept";
}

int report_outcome_parse(const char *name, enum report_outcome *out)
{
        for (int i = 0; name && i < OUTCOMES; i++)
                if (strcmp(name, outcome_names[i]) == 0) {
                        *out = (enum report_outcome)i;
                        return 0;
                }
        return -1;
}

/* ------------------------------------------------------------------ reporting */

static bool blank(const char *s)
{
        for (; s && *s; s++)
                if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
                        return false;
        return true;
}

bool report_can_file(const struct item *it, int64_t member_id)
{
        return it->state == ITEM_VISIBLE && member_id > 0 && it->author_id != member_id;
}

bool report_can_suspend(enum role role)
{
        return role == ROLE_MODERATOR || role == ROLE_ADMIN;
}

int report_create(struct db *db, const char *target, int64_t target_id, int64_t reporter_id,
                  const char *reason, const char *note, bool *created, struct field_problem *p)
{
        *created = false;
        enum report_reason r;
        if (report_reason_parse(reason, &r) != 0)
                return field_problem_set(p, "reason", N_("Choose why you are reporting this."));
        if (blank(note))
                note = "";
        const char *why = text_problem(note, false, KD_REPORT_NOTE_MAX);
        if (why)
                return field_problem_set(p, "note",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A note can be up to 500 characters.")
                                             : why);
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct arena *a = arena_new();
        struct item it;
        int rc = item_load(db, a, target, target_id, &it);
        if (rc != PUB_OK)
                goto cleanup;
        if (it.state != ITEM_VISIBLE) {
                rc = PUB_NOT_FOUND;
                goto cleanup;
        }
        if (!report_can_file(&it, reporter_id)) {
                rc = PUB_FORBIDDEN;
                goto cleanup;
        }
        /* A second report by the same member is a no-op: counting it would let one member
         * inflate an item's place in the queue, and rewriting it would hide what they first
         * said. */
        rc = PUB_DB_ERROR;
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO report (target, target_id, author_id, newsletter_id, reporter_id, "
                "reason, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT "
                "(target, target_id, reporter_id) DO NOTHING RETURNING id");
        if (!s)
                goto cleanup;
        db_bind_text(s, 1, it.target);
        db_bind_int(s, 2, target_id);
        db_bind_int(s, 3, it.author_id);
        if (it.newsletter_id)
                db_bind_int(s, 4, it.newsletter_id);
        else
                db_bind_null(s, 4);
        db_bind_int(s, 5, reporter_id);
        db_bind_text(s, 6, reason_names[r]);
        db_bind_text(s, 7, note);
        db_bind_int(s, 8, time_now());
        int step = db_step(s);
        if (step == DB_ROW) {
                *created = true;
                step = db_step(s);
        }
        db_finish(s);
        rc = step == DB_DONE ? PUB_OK : PUB_DB_ERROR;
cleanup:
        arena_free(a);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK) {
                db_rollback(db);
                *created = false;
        }
        return rc;
}

/* ------------------------------------------------------------------ who reviews what */

enum scope { SCOPE_NONE = -1, SCOPE_OWN = 0, SCOPE_ALL = 1 };

/* Moderators and admins review every item; authors those of newsletters they write in (the
 * SQL below has newsletter_can_write's owner-or-co-author test); anyone else nothing. */
static enum scope scope_of(enum role role)
{
        if (report_can_suspend(role))
                return SCOPE_ALL;
        return role == ROLE_AUTHOR ? SCOPE_OWN : SCOPE_NONE;
}

/* ?1 is the reviewer, ?2 is 1 for SCOPE_ALL. */
#define IN_SCOPE                                                                                   \
        "(?2 = 1 OR r.newsletter_id IN (SELECT id FROM newsletter WHERE owner_id = ?1 UNION ALL "  \
        "SELECT newsletter_id FROM newsletter_author WHERE member_id = ?1))"

/* Open reports a reviewer judges: not on deleted items (nothing left to judge) and not on
 * their own (someone else judges those). */
#define OPEN_IN_SCOPE                                                                              \
        "r.resolved_at IS NULL AND r.item_gone = 0 AND r.author_id <> ?1 AND " IN_SCOPE

bool report_can_review(struct db *db, int64_t member_id, enum role role)
{
        enum scope sc = scope_of(role);
        if (sc != SCOPE_OWN)
                return sc == SCOPE_ALL;
        struct db_stmt *s = db_prepare(db, "SELECT 1 FROM newsletter WHERE owner_id = ?1 UNION ALL "
                                           "SELECT 1 FROM newsletter_author WHERE member_id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, member_id);
        bool yes = db_step(s) == DB_ROW;
        db_finish(s);
        return yes;
}

int64_t report_open_count(struct db *db, int64_t member_id, enum role role)
{
        enum scope sc = scope_of(role);
        if (sc == SCOPE_NONE)
                return 0;
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM (SELECT DISTINCT r.target, "
                                           "r.target_id FROM report r WHERE " OPEN_IN_SCOPE ") AS x");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, sc == SCOPE_ALL);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : PUB_DB_ERROR;
        db_finish(s);
        return n;
}

/* ------------------------------------------------------------------ the queue */

/* Columns 0-6 of both lists: the item and its author. */
#define ITEM_COLUMNS                                                                               \
        "r.target, r.target_id, r.author_id, am.handle, am.display_name, am.role, am.disabled"
enum { ITEM_NCOLS = 7 };

/* Reads the item columns and loads the item through its kind. Returns PUB_OK or PUB_DB_ERROR;
 * an item whose kind this build does not know, or that is gone, keeps known false. */
static int read_item(struct db *db, struct db_stmt *s, struct arena *a, struct report_item *it)
{
        memset(it, 0, sizeof(*it));
        const char *target = arena_strdup(a, db_col_text(s, 0));
        int64_t id = db_col_int(s, 1);
        it->author_handle = arena_strdup(a, db_col_text(s, 3));
        it->author_name = arena_strdup(a, db_col_text(s, 4));
        it->author_role = role_parse(db_col_text(s, 5));
        it->author_disabled = db_col_int(s, 6) != 0;
        it->resolver_handle = it->resolver_name = "";
        int rc = item_load(db, a, target, id, &it->item);
        it->known = rc == PUB_OK;
        if (!it->known) {
                memset(&it->item, 0, sizeof(it->item));
                it->item.target = target;
                it->item.id = id;
                it->item.state = ITEM_DELETED;
                it->item.url = it->item.where = it->item.body_html = "";
        }
        it->item.author_id = db_col_int(s, 2);
        return rc == PUB_DB_ERROR ? PUB_DB_ERROR : PUB_OK;
}

/* Whether row s (target in column 0, id in 1) is about the same item as it. */
static bool same_item(const struct report_item *it, struct db_stmt *s)
{
        return it && it->item.id == db_col_int(s, 1) &&
               strcmp(it->item.target, db_col_text(s, 0)) == 0;
}

int report_list_open(struct db *db, struct arena *a, int64_t member_id, enum role role, int limit,
                     struct report_item **out)
{
        size_t cap = 0, n = 0, ecap = 0;
        struct report_item *items = arena_grow(a, NULL, 0, &cap, sizeof(*items));
        *out = items;
        enum scope sc = scope_of(role);
        if (sc == SCOPE_NONE)
                return 0;
        /* q picks the items (oldest open report first) so that the limit counts items, not
         * reports; the outer query brings each of their open reports (CROSS JOIN: from q, in
         * SQLite's plan too; the join's conditions are in WHERE, where PostgreSQL takes them). */
        struct db_stmt *s = db_prepare(
            db, "WITH q AS (SELECT r.target, r.target_id, min(r.created_at) AS since FROM report "
                "r WHERE " OPEN_IN_SCOPE " GROUP BY r.target, r.target_id ORDER BY since, "
                "r.target, r.target_id LIMIT ?3) SELECT " ITEM_COLUMNS ", q.since, r.id, "
                "r.reason, r.note, r.created_at, rm.handle, rm.display_name FROM q "
                "CROSS JOIN report r "
                "JOIN member am ON am.id = r.author_id JOIN member rm ON rm.id = r.reporter_id "
                "WHERE r.target = q.target AND r.target_id = q.target_id AND r.resolved_at IS "
                "NULL ORDER BY q.since, q.target, q.target_id, r.created_at, r.id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, sc == SCOPE_ALL);
        db_bind_int(s, 3, limit);
        struct report_item *it = NULL;
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                if (!same_item(it, s)) {
                        items = arena_grow(a, items, n, &cap, sizeof(*items));
                        it = &items[n++];
                        if (read_item(db, s, a, it) != PUB_OK) {
                                rc = DB_ERROR;
                                break;
                        }
                        it->first_reported_at = db_col_int(s, ITEM_NCOLS);
                        ecap = 0;
                        it->entries = arena_grow(a, NULL, 0, &ecap, sizeof(*it->entries));
                }
                it->entries =
                    arena_grow(a, it->entries, (size_t)it->reports, &ecap, sizeof(*it->entries));
                struct report_entry *e = &it->entries[it->reports++];
                e->id = db_col_int(s, ITEM_NCOLS + 1);
                if (report_reason_parse(db_col_text(s, ITEM_NCOLS + 2), &e->reason) != 0)
                        e->reason = REPORT_OTHER; /* defensive: the table's CHECK allows no other */
                e->note = arena_strdup(a, db_col_text(s, ITEM_NCOLS + 3));
                e->created_at = db_col_int(s, ITEM_NCOLS + 4);
                e->reporter_handle =
                    sc == SCOPE_ALL ? arena_strdup(a, db_col_text(s, ITEM_NCOLS + 5)) : "";
                e->reporter_name =
                    sc == SCOPE_ALL ? arena_strdup(a, db_col_text(s, ITEM_NCOLS + 6)) : "";
                it->by_reason[e->reason]++;
        }
        db_finish(s);
        *out = items;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int report_list_resolved(struct db *db, struct arena *a, int64_t member_id, enum role role,
                         int limit, struct report_item **out)
{
        size_t cap = 0, n = 0;
        struct report_item *items = arena_grow(a, NULL, 0, &cap, sizeof(*items));
        *out = items;
        enum scope sc = scope_of(role);
        if (sc == SCOPE_NONE)
                return 0;
        /* One resolution closes all open reports of an item with one time, member and outcome,
         * so those five identify it. d walks the newest resolutions by report_resolved and stops
         * at the limit (the history never grows the page's work); the outer query gathers each
         * one's reports (grouped by the author's and moderator's rows too, one per group, as
         * PostgreSQL wants every column it shows grouped). */
        struct db_stmt *s = db_prepare(
            db, "WITH d AS (SELECT r.resolved_at, r.target, r.target_id FROM report r WHERE "
                "r.resolved_at IS NOT NULL AND " IN_SCOPE " GROUP BY r.resolved_at, r.target, "
                "r.target_id ORDER BY r.resolved_at DESC, r.target, r.target_id LIMIT ?3) "
                "SELECT " ITEM_COLUMNS ", min(r.created_at), r.outcome, r.resolved_at, "
                "coalesce(mm.handle, ''), coalesce(mm.display_name, ''), count(*), "
                "sum(CASE WHEN r.reason = 'spam' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN r.reason = 'harassment' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN r.reason = 'off-topic' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN r.reason = 'other' THEN 1 ELSE 0 END) FROM d CROSS JOIN report r "
                "JOIN member am ON am.id = r.author_id LEFT JOIN member mm ON mm.id "
                "= r.resolved_by WHERE r.target = d.target AND r.target_id = d.target_id AND "
                "r.resolved_at = d.resolved_at GROUP BY r.target, r.target_id, r.resolved_at, "
                "r.resolved_by, r.outcome, r.author_id, am.id, mm.id ORDER BY r.resolved_at DESC, "
                "r.target, r.target_id DESC LIMIT ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, sc == SCOPE_ALL);
        db_bind_int(s, 3, limit);
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                items = arena_grow(a, items, n, &cap, sizeof(*items));
                struct report_item *it = &items[n++];
                if (read_item(db, s, a, it) != PUB_OK) {
                        rc = DB_ERROR;
                        break;
                }
                it->first_reported_at = db_col_int(s, ITEM_NCOLS);
                if (report_outcome_parse(db_col_text(s, ITEM_NCOLS + 1), &it->outcome) != 0)
                        it->outcome = OUTCOME_KEPT; /* defensive: the CHECK allows no other */
                it->resolved_at = db_col_int(s, ITEM_NCOLS + 2);
                it->resolver_handle = arena_strdup(a, db_col_text(s, ITEM_NCOLS + 3));
                it->resolver_name = arena_strdup(a, db_col_text(s, ITEM_NCOLS + 4));
                it->reports = (int)db_col_int(s, ITEM_NCOLS + 5);
                for (int k = 0; k < REPORT_REASONS; k++)
                        it->by_reason[k] = (int)db_col_int(s, ITEM_NCOLS + 6 + k);
        }
        db_finish(s);
        *out = items;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

/* ------------------------------------------------------------------ resolving */

/* Closes the item's open reports. PUB_NOT_FOUND when there were none. */
static int close_reports(struct db *db, const char *target, int64_t target_id,
                         enum report_outcome outcome, int64_t member_id)
{
        struct db_stmt *s = db_prepare(
            db, "UPDATE report SET resolved_at = ?3, resolved_by = ?4, outcome = ?5 WHERE target "
                "= ?1 AND target_id = ?2 AND resolved_at IS NULL");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, target);
        db_bind_int(s, 2, target_id);
        db_bind_int(s, 3, time_now());
        db_bind_int(s, 4, member_id);
        db_bind_text(s, 5, report_outcome_name(outcome));
        int step = db_step(s);
        int64_t changed = step == DB_DONE ? db_changes(db) : 0;
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        return changed > 0 ? PUB_OK : PUB_NOT_FOUND;
}

const char *report_resolve_refusal(struct db *db, const struct item *it,
                                   enum report_outcome outcome, enum role author_role,
                                   int64_t member_id, enum role role)
{
        if (it->author_id == member_id)
                return N_("Reports on what you wrote are for someone else to judge.");
        if (!item_can_moderate(db, it, member_id, role))
                return N_("Only moderators and the authors of its newsletter may act on these "
                          "reports.");
        if (outcome == OUTCOME_SUSPENDED && !report_can_suspend(role))
                return N_("Only moderators and admins may suspend members.");
        if (outcome == OUTCOME_SUSPENDED && author_role == ROLE_ADMIN)
                return N_("Admins cannot be suspended. Hide the comment instead.");
        return NULL;
}

int report_resolve(struct db *db, const char *target, int64_t target_id,
                   enum report_outcome outcome, int64_t member_id, enum role role, const char **why)
{
        *why = NULL;
        struct arena *a = arena_new();
        struct item it;
        struct member author;
        const struct item_kind *k = item_kind_find(target);
        int rc = item_load(db, a, target, target_id, &it);
        if (rc == PUB_OK && member_get(db, a, it.author_id, &author) != MEMBER_OK)
                rc = PUB_DB_ERROR; /* every item's author_id references member: only I/O fails */
        if (rc != PUB_OK)
                goto done;
        *why = report_resolve_refusal(db, &it, outcome, author.role, member_id, role);
        if (*why) {
                rc = PUB_FORBIDDEN;
                goto done;
        }
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        rc = close_reports(db, it.target, target_id, outcome, member_id);
        /* A deleted item has nothing left to hide; its author can still be suspended. */
        if (rc == PUB_OK && outcome != OUTCOME_KEPT && it.state != ITEM_DELETED)
                rc = k->set_hidden(db, target_id, member_id, true);
        if (rc == PUB_OK && outcome == OUTCOME_SUSPENDED &&
            member_set_disabled(db, author.handle, true) != MEMBER_OK)
                rc = PUB_DB_ERROR;
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
done:
        arena_free(a);
        return rc;
}
