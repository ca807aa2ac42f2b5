/* Reactions: storage, counts and who reacted. */
#include "model/reaction.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/item.h"
#include "model/notification.h"

#include <string.h>

static const char *const kind_names[REACT_KINDS] = {"like", "insightful", "agree",
                                                    "love", "celebrate",  "curious"};

const char *reaction_kind_name(enum reaction_kind k)
{
        return (unsigned)k < REACT_KINDS ? kind_names[k] : "like";
}

int reaction_kind_parse(const char *name, enum reaction_kind *k)
{
        for (int i = 0; i < REACT_KINDS; i++)
                if (strcmp(name, kind_names[i]) == 0) {
                        *k = (enum reaction_kind)i;
                        return 0;
                }
        return -1;
}

const char *reaction_target_find(const char *target)
{
        if (target && strcmp(target, TARGET_EPISODE) == 0)
                return TARGET_EPISODE;
        const struct item_kind *k = item_kind_find(target);
        return k && k->reactable ? k->target : NULL;
}

int reaction_set(struct db *db, int64_t member_id, const char *target, int64_t target_id,
                 enum reaction_kind kind, bool on, bool *changed)
{
        target = reaction_target_find(target);
        if (!target)
                return PUB_NOT_FOUND;
        struct db_stmt *s =
            on ? db_prepare(db, "INSERT INTO reaction (target, target_id, kind, member_id, "
                                "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
               : db_prepare(db, "DELETE FROM reaction WHERE target = ?1 AND target_id = ?2 AND "
                                "kind = ?3 AND member_id = ?4");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, target);
        db_bind_int(s, 2, target_id);
        db_bind_text(s, 3, reaction_kind_name(kind));
        db_bind_int(s, 4, member_id);
        if (on)
                db_bind_int(s, 5, time_now());
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        bool did = db_changes(db) > 0;
        if (changed)
                *changed = did;
        if (on && did) /* the item's author hears of it, grouped */
                notify_reaction(db, member_id, target, target_id);
        return PUB_OK;
}

int reaction_summary(struct db *db, const char *target, int64_t target_id, int64_t viewer_id,
                     struct reaction_summary *out)
{
        memset(out, 0, sizeof(*out));
        out->target_id = target_id;
        struct db_stmt *s = db_prepare(
            db, "SELECT kind, count(*), max(CASE WHEN member_id = ?3 THEN 1 ELSE 0 END) FROM "
                "reaction WHERE target = ?1 AND target_id = ?2 GROUP "
                "BY kind");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, target);
        db_bind_int(s, 2, target_id);
        db_bind_int(s, 3, viewer_id);
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                enum reaction_kind k;
                if (reaction_kind_parse(db_col_text(s, 0), &k) != 0)
                        continue;
                out->counts[k] = (int)db_col_int(s, 1);
                if (viewer_id > 0 && db_col_int(s, 2))
                        out->mine |= 1u << k;
        }
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

/* The summary of target id in arr[0..*n), rows coming ordered by target: the last one, or a
 * new zeroed one appended. */
static struct reaction_summary *summary_of(struct arena *a, struct reaction_summary **arr,
                                           size_t *n, size_t *cap, int64_t id)
{
        if (*n == 0 || (*arr)[*n - 1].target_id != id) {
                *arr = arena_grow(a, *arr, *n, cap, sizeof(**arr));
                memset(&(*arr)[*n], 0, sizeof((*arr)[*n]));
                (*arr)[(*n)++].target_id = id;
        }
        return &(*arr)[*n - 1];
}

int reaction_comment_summaries(struct db *db, struct arena *a, int64_t episode_id,
                               int64_t after_root, int64_t upto_root, int64_t viewer_id,
                               struct reaction_summary **out)
{
        /* From the page's comments to their reactions (CROSS JOIN keeps that order in SQLite;
         * its conditions are in WHERE, as PostgreSQL allows no ON after CROSS JOIN): the work is
         * the page's, not the site's. */
        struct db_stmt *s = db_prepare(
            db, "SELECT r.target_id, r.kind, count(*), max(CASE WHEN r.member_id = ?2 THEN 1 ELSE "
                "0 END) FROM comment c CROSS JOIN reaction r WHERE r.target = 'comment' AND "
                "r.target_id = c.id AND c.episode_id = ?1 AND c.root_id > ?3 AND c.root_id <= ?4 "
                "GROUP BY r.target_id, r.kind ORDER BY r.target_id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, viewer_id);
        db_bind_int(s, 3, after_root);
        db_bind_int(s, 4, upto_root);
        size_t cap = 0, n = 0;
        struct reaction_summary *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                struct reaction_summary *sum = summary_of(a, &arr, &n, &cap, db_col_int(s, 0));
                enum reaction_kind k;
                if (reaction_kind_parse(db_col_text(s, 1), &k) != 0)
                        continue;
                sum->counts[k] = (int)db_col_int(s, 2);
                if (viewer_id > 0 && db_col_int(s, 3))
                        sum->mine |= 1u << k;
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int reaction_comment_mine(struct db *db, struct arena *a, int64_t episode_id, int64_t after_root,
                          int64_t upto_root, int64_t viewer_id, struct reaction_summary **out)
{
        /* From the member's reactions (reaction_by_member) to the page's comments: the work is
         * the member's few reactions, not the page's many. */
        struct db_stmt *s = db_prepare(
            db, "SELECT r.target_id, r.kind FROM reaction r JOIN comment c ON c.id = r.target_id "
                "WHERE r.member_id = ?2 AND r.target = 'comment' AND c.episode_id = ?1 AND "
                "c.root_id > ?3 AND c.root_id <= ?4 ORDER BY r.target_id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, viewer_id);
        db_bind_int(s, 3, after_root);
        db_bind_int(s, 4, upto_root);
        size_t cap = 0, n = 0;
        struct reaction_summary *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                struct reaction_summary *sum = summary_of(a, &arr, &n, &cap, db_col_int(s, 0));
                enum reaction_kind k;
                if (reaction_kind_parse(db_col_text(s, 1), &k) == 0)
                        sum->mine |= 1u << k;
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int reaction_who(struct db *db, struct arena *a, const char *target, int64_t target_id,
                 struct reactor **out)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT r.kind, m.handle, m.display_name FROM reaction r JOIN member m ON m.id = "
                "r.member_id WHERE r.target = ?1 AND r.target_id = ?2 ORDER BY r.kind, "
                "m.display_name");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, target);
        db_bind_int(s, 2, target_id);
        size_t cap = 0, n = 0;
        struct reactor *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                enum reaction_kind k;
                if (reaction_kind_parse(db_col_text(s, 0), &k) != 0)
                        continue;
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                arr[n].kind = k;
                arr[n].handle = arena_strdup(a, db_col_text(s, 1));
                arr[n].name = arena_strdup(a, db_col_text(s, 2));
                n++;
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int reaction_target_visible(struct db *db, const char *target, int64_t id, int64_t viewer_id,
                            int role, int64_t now)
{
        target = reaction_target_find(target);
        if (!target)
                return PUB_NOT_FOUND;
        struct arena *a = arena_new();
        int rc;
        if (strcmp(target, TARGET_EPISODE) == 0) {
                struct episode e;
                rc = episode_get(db, a, id, &e);
                if (rc == PUB_OK && !episode_viewable(db, &e, viewer_id, (enum role)role, now))
                        rc = PUB_NOT_FOUND;
        } else {
                /* a hidden or deleted item takes no reactions; its kind decides who sees it */
                struct item it;
                rc = item_load(db, a, target, id, &it);
                if (rc == PUB_OK && (it.state != ITEM_VISIBLE ||
                                     !item_viewable(db, &it, viewer_id, (enum role)role, now)))
                        rc = PUB_NOT_FOUND;
        }
        arena_free(a);
        return rc;
}

/* Adds the rows of s (target_id, kind, count, mine) to the summaries in *arr. */
static int read_summaries(struct db_stmt *s, struct arena *a, int64_t viewer_id,
                          struct reaction_summary **arr, size_t *n, size_t *cap)
{
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                int64_t id = db_col_int(s, 0);
                if (*n == 0 || (*arr)[*n - 1].target_id != id) {
                        *arr = arena_grow(a, *arr, *n, cap, sizeof(**arr));
                        memset(&(*arr)[*n], 0, sizeof((*arr)[*n]));
                        (*arr)[(*n)++].target_id = id;
                }
                enum reaction_kind k;
                if (reaction_kind_parse(db_col_text(s, 1), &k) != 0)
                        continue;
                (*arr)[*n - 1].counts[k] = (int)db_col_int(s, 2);
                if (viewer_id > 0 && db_col_int(s, 3))
                        (*arr)[*n - 1].mine |= 1u << k;
        }
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

/* The summaries of up to KD_REACTION_IDS_PER_QUERY items: ?1 the target, ?2 the viewer, ?3 ...
 * ?102 the ids. */
_Static_assert(KD_REACTION_IDS_PER_QUERY == 100, "one placeholder per id in summaries_sql");
static const char summaries_sql[] =
    "SELECT target_id, kind, count(*), max(CASE WHEN member_id = ?2 THEN 1 ELSE 0 END) FROM "
    "reaction WHERE target = ?1 AND "
    "target_id IN ("
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
    "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, "
    "?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, "
    "?48, ?49, ?50, ?51, ?52, ?53, ?54, ?55, ?56, ?57, ?58, ?59, ?60, ?61, ?62, "
    "?63, ?64, ?65, ?66, ?67, ?68, ?69, ?70, ?71, ?72, ?73, ?74, ?75, ?76, ?77, "
    "?78, ?79, ?80, ?81, ?82, ?83, ?84, ?85, ?86, ?87, ?88, ?89, ?90, ?91, ?92, "
    "?93, ?94, ?95, ?96, ?97, ?98, ?99, ?100, ?101, ?102) GROUP BY target_id, kind ORDER BY "
    "target_id";

int reaction_summaries(struct db *db, struct arena *a, const char *target, const int64_t *ids,
                       int n, int64_t viewer_id, struct reaction_summary **out)
{
        size_t cap = 0, count = 0;
        struct reaction_summary *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        *out = arr;
        /* Sorted ids give summaries in id order across batches. */
        int64_t *sorted = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof(*sorted));
        for (int i = 0; i < n; i++) {
                int j = i;
                for (; j > 0 && sorted[j - 1] > ids[i]; j--)
                        sorted[j] = sorted[j - 1];
                sorted[j] = ids[i];
        }
        for (int from = 0; from < n; from += KD_REACTION_IDS_PER_QUERY) {
                int m = n - from < KD_REACTION_IDS_PER_QUERY ? n - from : KD_REACTION_IDS_PER_QUERY;
                /* One literal for every batch: db_prepare keys its statement cache by the
                 * string's address, so a query built in a buffer would find another batch's
                 * statement there. Placeholders past the batch stay unbound (NULL, which no id
                 * matches). */
                struct db_stmt *s = db_prepare(db, summaries_sql);
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_text(s, 1, target);
                db_bind_int(s, 2, viewer_id);
                for (int i = 0; i < m; i++)
                        db_bind_int(s, i + 3, sorted[from + i]);
                int rc = read_summaries(s, a, viewer_id, &arr, &count, &cap);
                db_finish(s);
                if (rc != PUB_OK)
                        return rc;
        }
        *out = arr;
        return (int)count;
}

const struct reaction_summary *reaction_summary_find(const struct reaction_summary *sums, int n,
                                                     int64_t id)
{
        int lo = 0, hi = n - 1; /* by id ascending */
        while (lo <= hi) {
                int mid = lo + (hi - lo) / 2;
                if (sums[mid].target_id == id)
                        return &sums[mid];
                if (sums[mid].target_id < id)
                        lo = mid + 1;
                else
                        hi = mid - 1;
        }
        return NULL;
}
