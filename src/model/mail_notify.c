/* Notification mail: the member's choice, its schedule, and the passes' reads and writes
 * (model/mail_notify.h). */
#include "model/mail_notify.h"
#include "core/arena.h"
#include "core/limits.h"
#include "db/db.h"
#include "model/item.h"
#include "model/problem.h"
#include "model/profile.h"

#include <string.h>
#include <time.h>

static const char *const choice_names[] = {"none", "immediate", "daily", "weekly"};

const char *mail_notify_choice_name(enum mail_notify_choice c)
{
        return (unsigned)c < 4 ? choice_names[c] : "none";
}

int mail_notify_choice_parse(const char *name)
{
        for (int i = 0; name && i < 4; i++)
                if (strcmp(name, choice_names[i]) == 0)
                        return i;
        return -1;
}

int64_t mail_notify_next_due(enum mail_notify_choice c, int64_t now)
{
        if (c != MAIL_NOTIFY_DAILY && c != MAIL_NOTIFY_WEEKLY)
                return 0;
        int64_t day = now - ((now % 86400) + 86400) % 86400; /* midnight UTC of now's day */
        int64_t at = day + KD_NOTIFY_DIGEST_HOUR_UTC * 3600;
        if (at <= now)
                at += 86400;
        if (c == MAIL_NOTIFY_WEEKLY) {
                /* 1970-01-01 was a Thursday: day number d is a Monday when (d + 3) % 7 == 0 */
                int64_t d = at / 86400;
                at += ((7 - (d + 3) % 7) % 7) * 86400;
        }
        return at;
}

int mail_notify_get(struct db *db, int64_t member_id, struct mail_notify_pref *out)
{
        struct db_stmt *s = db_prepare(db, "SELECT notify_mail, coalesce(notify_digest_due, 0) "
                                           "FROM member WHERE id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        int rc = -1;
        if (db_step(s) == DB_ROW) {
                int c = mail_notify_choice_parse(db_col_text(s, 0));
                out->choice = c < 0 ? MAIL_NOTIFY_NONE : (enum mail_notify_choice)c;
                out->digest_due = db_col_int(s, 1);
                rc = 0;
        }
        db_finish(s);
        return rc;
}

int mail_notify_set(struct db *db, int64_t member_id, enum mail_notify_choice c, int64_t now)
{
        int64_t due = mail_notify_next_due(c, now);
        /* From none to mail: start at the member's newest notification (no backlog). The same
         * choice again keeps its schedule; another digest period starts afresh. */
        struct db_stmt *s = db_prepare(
            db, "UPDATE member SET notify_mailed_id = CASE WHEN notify_mail = 'none' AND ?2 <> "
                "'none' THEN coalesce((SELECT max(n.id) FROM notification n WHERE n.member_id = "
                "?1), 0) ELSE notify_mailed_id END, notify_digest_due = CASE WHEN ?3 = 0 THEN NULL "
                "WHEN notify_mail = ?2 AND notify_digest_due > 0 THEN notify_digest_due ELSE ?3 "
                "END, notify_mail = ?2 WHERE id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_text(s, 2, mail_notify_choice_name(c));
        db_bind_int(s, 3, due);
        int rc = db_step(s) == DB_DONE && db_changes(db) == 1 ? 0 : -1;
        db_finish(s);
        return rc;
}

/* What a notification's place is called and where it is, from its kind (item_load) or, for the
 * older kinds, its episode and comment. False when it cannot be shown any more: its item is
 * hidden, deleted or gone, or the comment is. */
static bool describe(struct db *db, struct arena *a, struct mail_notify_item *it,
                     const char *target, int64_t target_id, const char *nl_slug,
                     const char *ep_slug, int64_t comment_id, const char *comment_state,
                     const char *comment_html, const char *episode_excerpt)
{
        if (target) {
                struct item x;
                if (item_load(db, a, target, target_id, &x) != PUB_OK || x.state != ITEM_VISIBLE)
                        return false;
                it->path = x.url;
                it->where = x.where;
                it->excerpt = profile_excerpt(a, x.body_html, KD_NOTIFY_EXCERPT_CHARS);
                return true;
        }
        if (!*ep_slug)
                return false; /* the episode is gone */
        if (comment_id) {
                if (strcmp(comment_state, "visible") != 0)
                        return false;
                it->path =
                    arena_printf(a, "/n/%s/%s#c-%lld", nl_slug, ep_slug, (long long)comment_id);
                it->excerpt = profile_excerpt(a, comment_html, KD_NOTIFY_EXCERPT_CHARS);
        } else {
                it->path = arena_printf(a, "/n/%s/%s", nl_slug, ep_slug);
                it->excerpt = arena_strdup(a, episode_excerpt);
        }
        return true;
}

int mail_notify_load(struct db *db, struct arena *a, struct mail_notify_recipient *r, int64_t upto,
                     int64_t since, int64_t until)
{
        r->upto = r->mailed_id;
        r->nitems = 0;
        r->more = 0;
        r->items = arena_alloc(a, KD_NOTIFY_MAIL_ITEMS * sizeof(*r->items));
        /* How many there are (capped: a count never walks a member's whole history) and the
         * newest id, which the watermark moves to. */
        struct db_stmt *s = db_prepare(
            db, "SELECT count(*), coalesce(max(id), 0) FROM (SELECT n.id FROM notification n "
                "WHERE n.member_id = ?1 AND n.id > ?2 AND n.id <= ?3 AND n.read_at IS NULL AND "
                "n.created_at >= ?4 AND n.created_at <= ?5 AND n.kind IN (" MAIL_NOTIFY_KINDS ") "
                "ORDER BY n.id DESC LIMIT ?6) t");
        if (!s)
                return -1;
        db_bind_int(s, 1, r->member_id);
        db_bind_int(s, 2, r->mailed_id);
        db_bind_int(s, 3, upto);
        db_bind_int(s, 4, since);
        db_bind_int(s, 5, until);
        db_bind_int(s, 6, KD_NOTIFY_MAIL_COUNT_CAP);
        if (db_step(s) != DB_ROW) {
                db_finish(s);
                return -1;
        }
        int64_t total = db_col_int(s, 0);
        int64_t newest = db_col_int(s, 1);
        db_finish(s);
        if (total == 0)
                return 0;
        /* The newest of them, a few more than listed so that passed-over ones leave room. */
        s = db_prepare(
            db, "SELECT n.id, n.kind, coalesce(m.display_name, ''), coalesce(nl.slug, ''), "
                "coalesce(e.slug, ''), coalesce(e.title, ''), coalesce(n.comment_id, 0), "
                "n.target, coalesce(n.target_id, 0), coalesce(c.state, ''), coalesce(c.body_html, "
                "''), coalesce(e.excerpt, ''), n.created_at FROM notification n LEFT JOIN member m "
                "ON m.id = n.actor_id LEFT JOIN episode e ON e.id = n.episode_id LEFT JOIN "
                "newsletter nl ON nl.id = e.newsletter_id LEFT JOIN comment c ON c.id = "
                "n.comment_id WHERE n.member_id = ?1 AND n.id > ?2 AND n.id <= ?3 AND n.read_at "
                "IS NULL AND n.created_at >= ?4 AND n.created_at <= ?5 AND n.kind IN "
                "(" MAIL_NOTIFY_KINDS ") ORDER BY n.id DESC LIMIT ?6");
        if (!s)
                return -1;
        db_bind_int(s, 1, r->member_id);
        db_bind_int(s, 2, r->mailed_id);
        db_bind_int(s, 3, upto);
        db_bind_int(s, 4, since);
        db_bind_int(s, 5, until);
        db_bind_int(s, 6, 2 * KD_NOTIFY_MAIL_ITEMS);
        /* Rows first (item_load runs queries of its own), then each described. */
        struct row {
                struct mail_notify_item it;
                const char *target, *nl_slug, *ep_slug, *comment_state, *comment_html, *ep_excerpt;
                int64_t target_id, comment_id;
        } rows[2 * KD_NOTIFY_MAIL_ITEMS];
        int nrows = 0, rc;
        while ((rc = db_step(s)) == DB_ROW && nrows < 2 * KD_NOTIFY_MAIL_ITEMS) {
                struct row *w = &rows[nrows++];
                memset(w, 0, sizeof(*w));
                w->it.id = db_col_int(s, 0);
                w->it.kind = arena_strdup(a, db_col_text(s, 1));
                w->it.actor_name = arena_strdup(a, db_col_text(s, 2));
                w->nl_slug = arena_strdup(a, db_col_text(s, 3));
                w->ep_slug = arena_strdup(a, db_col_text(s, 4));
                w->it.where = arena_strdup(a, db_col_text(s, 5));
                w->comment_id = db_col_int(s, 6);
                w->target = db_col_is_null(s, 7) ? NULL : arena_strdup(a, db_col_text(s, 7));
                w->target_id = db_col_int(s, 8);
                w->comment_state = arena_strdup(a, db_col_text(s, 9));
                w->comment_html = arena_strdup(a, db_col_text(s, 10));
                w->ep_excerpt = arena_strdup(a, db_col_text(s, 11));
                w->it.created_at = db_col_int(s, 12);
        }
        db_finish(s);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        int seen = 0;
        for (int i = 0; i < nrows && r->nitems < KD_NOTIFY_MAIL_ITEMS; i++) {
                struct row *w = &rows[i];
                seen++;
                if (describe(db, a, &w->it, w->target, w->target_id, w->nl_slug, w->ep_slug,
                             w->comment_id, w->comment_state, w->comment_html, w->ep_excerpt))
                        r->items[r->nitems++] = w->it;
        }
        r->more = (int)(total - seen);
        if (r->more < 0)
                r->more = 0;
        r->upto = newest;
        return 0;
}

/* The member columns every pass reads, in this order (after any columns before them). */
#define MEMBER_COLS                                                                                \
        "m.id, m.handle, m.display_name, m.email, m.language, m.notify_mail, m.notify_mailed_id, " \
        "coalesce(m.notify_digest_due, 0)"

static void read_member(struct db_stmt *s, int col, struct arena *a,
                        struct mail_notify_recipient *r)
{
        memset(r, 0, sizeof(*r));
        r->member_id = db_col_int(s, col);
        r->handle = arena_strdup(a, db_col_text(s, col + 1));
        r->display_name = arena_strdup(a, db_col_text(s, col + 2));
        r->email = arena_strdup(a, db_col_text(s, col + 3));
        r->language = db_col_is_null(s, col + 4) ? NULL : arena_strdup(a, db_col_text(s, col + 4));
        int c = mail_notify_choice_parse(db_col_text(s, col + 5));
        r->choice = c < 0 ? MAIL_NOTIFY_NONE : (enum mail_notify_choice)c;
        r->mailed_id = db_col_int(s, col + 6);
        r->digest_due = db_col_int(s, col + 7);
}

static int64_t cursor_read(struct db *db)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT last_id FROM mail_notify_cursor WHERE pass = 'immediate'");
        if (!s)
                return -1;
        int64_t v = -1;
        int rc = db_step(s);
        if (rc == DB_ROW)
                v = db_col_int(s, 0);
        db_finish(s);
        if (rc == DB_DONE) { /* a site whose row went (never by Kindred): start at 0 */
                s = db_prepare(db, "INSERT INTO mail_notify_cursor (pass, last_id) VALUES "
                                   "('immediate', 0) ON CONFLICT (pass) DO NOTHING");
                if (!s)
                        return -1;
                v = db_step(s) == DB_DONE ? 0 : -1;
                db_finish(s);
        }
        return v;
}

bool mail_notify_cursor_move(struct db *db, int64_t old, int64_t next)
{
        struct db_stmt *s = db_prepare(db, "UPDATE mail_notify_cursor SET last_id = ?2 WHERE pass "
                                           "= 'immediate' AND last_id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, old);
        db_bind_int(s, 2, next);
        bool ok = db_step(s) == DB_DONE && db_changes(db) == 1;
        db_finish(s);
        return ok;
}

int mail_notify_immediate_batch(struct db *db, struct arena *a, int64_t until, int limit,
                                struct mail_notify_recipient **out, int64_t *cursor_old,
                                int64_t *cursor_new)
{
        *out = NULL;
        int64_t cursor = cursor_read(db);
        if (cursor < 0)
                return -1;
        *cursor_old = *cursor_new = cursor;
        /* By id from the cursor (the primary key): each row says whether its member is one to
         * tell now. Ids grow with time, so the first row younger than until ends the batch; the
         * rest wait for a later run. */
        struct db_stmt *s = db_prepare(
            db, "SELECT n.id, n.created_at, n.read_at IS NULL AND m.notify_mail = 'immediate' AND "
                "m.disabled = 0 AND n.id > m.notify_mailed_id, " MEMBER_COLS " FROM "
                "notification n JOIN member m ON m.id = n.member_id WHERE n.id > ?1 AND n.kind IN "
                "(" MAIL_NOTIFY_KINDS ") ORDER BY n.id LIMIT ?2");
        if (!s)
                return -1;
        db_bind_int(s, 1, cursor);
        db_bind_int(s, 2, limit);
        size_t cap = 0;
        int n = 0, rc;
        struct mail_notify_recipient *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        while ((rc = db_step(s)) == DB_ROW) {
                if (db_col_int(s, 1) > until)
                        break;
                int64_t id = db_col_int(s, 0);
                *cursor_new = id;
                if (!db_col_int(s, 2))
                        continue;
                int64_t member = db_col_int(s, 3);
                int i = 0;
                while (i < n && arr[i].member_id != member)
                        i++;
                if (i == n) {
                        arr = arena_grow(a, arr, (size_t)n, &cap, sizeof(*arr));
                        read_member(s, 3, a, &arr[n++]);
                }
                arr[i].upto = id; /* rows come by id: the last is the newest */
        }
        db_finish(s);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        *out = arr;
        return n;
}

int mail_notify_digest_due(struct db *db, struct arena *a, int64_t now, int limit,
                           struct mail_notify_recipient **out, bool **disabled)
{
        *out = NULL;
        *disabled = NULL;
        struct db_stmt *s = db_prepare(
            db, "SELECT " MEMBER_COLS ", m.disabled FROM member m WHERE m.notify_digest_due IS NOT "
                "NULL AND m.notify_digest_due <= ?1 ORDER BY m.notify_digest_due, m.id LIMIT ?2");
        if (!s)
                return -1;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, limit);
        struct mail_notify_recipient *arr =
            arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*arr));
        bool *dis = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*dis));
        int n = 0, rc;
        while ((rc = db_step(s)) == DB_ROW && n < limit) {
                read_member(s, 0, a, &arr[n]);
                dis[n] = db_col_int(s, 8) != 0;
                n++;
        }
        db_finish(s);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        *out = arr;
        *disabled = dis;
        return n;
}

int mail_notify_advance(struct db *db, const struct mail_notify_recipient *r, int64_t next_due)
{
        /* Conditional on what the run read: the choice, the watermark and, for a digest, its due
         * time. Whichever run writes first wins; the other changes nothing and sends nothing. */
        struct db_stmt *s = db_prepare(
            db,
            "UPDATE member SET notify_mailed_id = ?2, notify_digest_due = CASE WHEN ?5 = 0 THEN "
            "notify_digest_due ELSE ?5 END WHERE id = ?1 AND notify_mailed_id = ?3 AND "
            "notify_mail = ?4 AND (?5 = 0 OR coalesce(notify_digest_due, 0) = ?6)");
        if (!s)
                return -1;
        db_bind_int(s, 1, r->member_id);
        db_bind_int(s, 2, r->upto > r->mailed_id ? r->upto : r->mailed_id);
        db_bind_int(s, 3, r->mailed_id);
        db_bind_text(s, 4, mail_notify_choice_name(r->choice));
        db_bind_int(s, 5, next_due);
        db_bind_int(s, 6, r->digest_due);
        /* the mail's watermark: nothing kept in memory shows it (db.h), so the sessions kept
         * stay; before, every mail a notification sent dropped them all */
        bool quiet = db_watch_quiet(true);
        int step = db_step(s);
        db_watch_quiet(quiet);
        int rc = step != DB_DONE ? -1 : db_changes(db) == 1 ? 1 : 0;
        db_finish(s);
        return rc;
}
