/* Build-ons: validation, quotes of what they build on, chains, featuring, hiding, the counts. */
#include "model/buildon.h"
#include "model/badge.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/item.h"
#include "model/newsletter.h"
#include "model/notification.h"
#include "model/reaction.h"

#include <string.h>

/* ------------------------------------------------------------------ reading */

/* The parent's title comes by primary key, for lists that say what a build-on builds on. */
#define BUILDON_SELECT                                                                             \
        "SELECT b.id, b.episode_id, coalesce(b.parent_id, 0), b.author_id, m.handle, "             \
        "m.display_name, m.headline, b.title, b.body, b.body_html, b.body_text, b.quote_exact, "   \
        "b.quote_prefix, b.quote_suffix, coalesce(b.quote_start, 0), b.state, "                    \
        "coalesce(b.featured_at, 0), b.comment_count, b.created_at, b.updated_at, "                \
        "coalesce(b.edited_at, 0), b.language, coalesce((SELECT p.title FROM buildon p WHERE "     \
        "p.id = b.parent_id AND p.state = 'visible'), '') "
#define BUILDON_COLUMNS BUILDON_SELECT "FROM buildon b JOIN member m ON m.id = b.author_id "

static enum buildon_state state_parse(const char *st)
{
        return strcmp(st, "deleted") == 0  ? BUILDON_DELETED
               : strcmp(st, "hidden") == 0 ? BUILDON_HIDDEN
                                           : BUILDON_VISIBLE;
}

static void read_buildon(struct db_stmt *s, struct arena *a, struct buildon *b)
{
        b->id = db_col_int(s, 0);
        b->episode_id = db_col_int(s, 1);
        b->parent_id = db_col_int(s, 2);
        b->author_id = db_col_int(s, 3);
        b->author_handle = arena_strdup(a, db_col_text(s, 4));
        b->author_name = arena_strdup(a, db_col_text(s, 5));
        b->author_headline = arena_strdup(a, db_col_text(s, 6));
        b->title = arena_strdup(a, db_col_text(s, 7));
        b->body = arena_strdup(a, db_col_text(s, 8));
        b->body_html = arena_strdup(a, db_col_text(s, 9));
        b->body_text = arena_strdup(a, db_col_text(s, 10));
        b->quote_exact = db_col_is_null(s, 11) ? NULL : arena_strdup(a, db_col_text(s, 11));
        b->quote_prefix = arena_strdup(a, db_col_text(s, 12));
        b->quote_suffix = arena_strdup(a, db_col_text(s, 13));
        b->quote_start = db_col_int(s, 14);
        b->state = state_parse(db_col_text(s, 15));
        b->featured_at = db_col_int(s, 16);
        b->comment_count = (int)db_col_int(s, 17);
        b->created_at = db_col_int(s, 18);
        b->updated_at = db_col_int(s, 19);
        b->edited_at = db_col_int(s, 20);
        b->language = db_col_is_null(s, 21) ? NULL : arena_strdup(a, db_col_text(s, 21));
        b->parent_title = arena_strdup(a, db_col_text(s, 22));
}

/* Steps s to its end, appending every row to *arr (n and cap as arena_grow keeps them). */
static int collect(struct db_stmt *s, struct arena *a, struct buildon **arr, size_t *n, size_t *cap)
{
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                *arr = arena_grow(a, *arr, *n, cap, sizeof(**arr));
                read_buildon(s, a, &(*arr)[(*n)++]);
        }
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

int buildon_get(struct db *db, struct arena *a, int64_t id, struct buildon *out)
{
        struct db_stmt *s = db_prepare(db, BUILDON_COLUMNS "WHERE b.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_buildon(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int buildon_list_episode(struct db *db, struct arena *a, int64_t episode_id, int64_t before,
                         int limit, struct buildon **out, int64_t *next_before)
{
        size_t cap = 0, n = 0;
        struct buildon *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        *out = arr;
        *next_before = 0;
        if (limit <= 0)
                return 0;
        struct db_stmt *s;
        if (before == 0) { /* the featured ones lead the first page (index buildon_featured) */
                s = db_prepare(db, BUILDON_COLUMNS "WHERE b.episode_id = ?1 AND b.featured_at IS "
                                                   "NOT NULL AND b.state = 'visible' ORDER BY "
                                                   "b.featured_at DESC, b.id DESC LIMIT ?2");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, episode_id);
                db_bind_int(s, 2, limit);
                if (collect(s, a, &arr, &n, &cap) != PUB_OK)
                        return PUB_DB_ERROR;
        }
        /* then the others, newest first, by index buildon_by_episode; one more than fits says
         * whether a next page exists */
        int rest = limit - (int)n;
        if (rest > 0) {
                s = db_prepare(db, BUILDON_COLUMNS "WHERE b.episode_id = ?1 AND b.id < ?2 AND "
                                                   "b.featured_at IS NULL AND b.state = 'visible' "
                                                   "ORDER BY b.id DESC LIMIT ?3");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, episode_id);
                db_bind_int(s, 2, before > 0 ? before : INT64_MAX);
                db_bind_int(s, 3, rest + 1);
                size_t from = n;
                if (collect(s, a, &arr, &n, &cap) != PUB_OK)
                        return PUB_DB_ERROR;
                if (n - from > (size_t)rest) {
                        n--;
                        *next_before = arr[n - 1].id;
                }
        }
        *out = arr;
        return (int)n;
}

int buildon_comment_parent_ok(struct db *db, int64_t id, int64_t parent_id, struct field_problem *p)
{
        if (!parent_id)
                return PUB_OK;
        struct db_stmt *s =
            db_prepare(db, "SELECT 1 FROM comment WHERE id = ?1 AND buildon_id = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, parent_id);
        db_bind_int(s, 2, id);
        int step = db_step(s);
        db_finish(s);
        if (step == DB_ROW)
                return PUB_OK;
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        return field_problem_set(p, "parent", N_("There is no such comment to reply to."));
}

int buildon_episode_count(struct db *db, int64_t episode_id)
{
        struct db_stmt *s = db_prepare(db, "SELECT buildon_count FROM episode WHERE id = ?1");
        if (!s)
                return 0;
        db_bind_int(s, 1, episode_id);
        int n = db_step(s) == DB_ROW ? (int)db_col_int(s, 0) : 0;
        db_finish(s);
        return n;
}

int buildon_chain(struct db *db, struct arena *a, int64_t id, struct buildon **out)
{
        /* up the parents, each step by primary key, never further than a chain may reach */
        struct db_stmt *s = db_prepare(
            db,
            "WITH RECURSIVE up(id, n) AS (SELECT parent_id, 1 FROM buildon WHERE id = ?1 AND "
            "parent_id IS NOT NULL UNION ALL SELECT p.parent_id, up.n + 1 FROM up JOIN "
            "buildon p ON p.id = up.id WHERE p.parent_id IS NOT NULL AND up.n < ?2) " BUILDON_SELECT
            "FROM up JOIN buildon b ON b.id = up.id JOIN member m ON m.id = "
            "b.author_id ORDER BY up.n DESC");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, KD_BUILDON_CHAIN_MAX);
        size_t cap = 0, n = 0;
        struct buildon *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc = collect(s, a, &arr, &n, &cap);
        *out = arr;
        return rc == PUB_OK ? (int)n : rc;
}

int buildon_children(struct db *db, struct arena *a, int64_t id, int limit, struct buildon **out)
{
        struct db_stmt *s = db_prepare(db, BUILDON_COLUMNS "WHERE b.parent_id = ?1 AND b.state = "
                                                           "'visible' ORDER BY b.id LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, limit);
        size_t cap = 0, n = 0;
        struct buildon *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc = collect(s, a, &arr, &n, &cap);
        *out = arr;
        return rc == PUB_OK ? (int)n : rc;
}

int buildon_reaction_counts(struct db *db, int64_t id, int64_t viewer_id, int *counts,
                            unsigned *mine)
{
        memset(counts, 0, REACT_KINDS * sizeof(*counts));
        *mine = 0;
        struct db_stmt *s = db_prepare(
            db, "SELECT kind, count(*), max(CASE WHEN member_id = ?2 THEN 1 ELSE 0 END) FROM "
                "reaction WHERE target = 'buildon' AND target_id = ?1 "
                "GROUP BY kind");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, viewer_id);
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                enum reaction_kind k;
                if (reaction_kind_parse(db_col_text(s, 0), &k) != 0)
                        continue;
                counts[k] = (int)db_col_int(s, 1);
                if (db_col_int(s, 2))
                        *mine |= 1u << k;
        }
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

const char *buildon_path(struct db *db, struct arena *a, int64_t id)
{
        struct db_stmt *s = db_prepare(db, "SELECT n.slug, e.slug FROM buildon b JOIN episode e ON "
                                           "e.id = b.episode_id JOIN newsletter n ON n.id = "
                                           "e.newsletter_id WHERE b.id = ?1");
        if (!s)
                return NULL;
        db_bind_int(s, 1, id);
        /* slugs are URL-safe as they are (core/slug.h) */
        const char *path = db_step(s) == DB_ROW
                               ? arena_printf(a, "/n/%s/%s/b/%lld", db_col_text(s, 0),
                                              db_col_text(s, 1), (long long)id)
                               : NULL;
        db_finish(s);
        return path;
}

/* ------------------------------------------------------------------ who may see and change */

bool buildon_viewable(struct db *db, const struct buildon *b, int64_t viewer_id, enum role role,
                      int64_t now)
{
        struct arena *a = arena_new();
        struct episode e;
        bool ok = episode_get(db, a, b->episode_id, &e) == PUB_OK &&
                  episode_viewable(db, &e, viewer_id, role, now);
        if (ok && b->state == BUILDON_HIDDEN)
                ok = (viewer_id && viewer_id == b->author_id) || role == ROLE_MODERATOR ||
                     role == ROLE_ADMIN ||
                     newsletter_can_write(db, e.newsletter_id, viewer_id, role);
        arena_free(a);
        return ok;
}

bool buildon_can_feature(struct db *db, int64_t episode_id, int64_t member_id, enum role role)
{
        if (member_id <= 0)
                return false;
        struct db_stmt *s = db_prepare(db, "SELECT newsletter_id FROM episode WHERE id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, episode_id);
        int64_t nl = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return nl && newsletter_can_write(db, nl, member_id, role);
}

/* ------------------------------------------------------------------ writing */

/* Runs one statement with ?1 bound to id. */
static int run1(struct db *db, const char *sql, int64_t id)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

/* Counts the visible build-ons of build-on id's episode again (its own index range). */
static int refresh_episode_count(struct db *db, int64_t id)
{
        return run1(db,
                    "UPDATE episode SET buildon_count = (SELECT count(*) FROM buildon WHERE "
                    "episode_id = episode.id AND state = 'visible') WHERE id = (SELECT episode_id "
                    "FROM buildon WHERE id = ?1)",
                    id);
}

static int check_title(const char *title, struct field_problem *p)
{
        const char *why = text_problem(title, true, KD_BUILDON_TITLE_MAX);
        if (why)
                return field_problem_set(p, "title",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A title can be up to 140 characters.")
                                         : strcmp(why, "Please fill this in.") == 0
                                             ? N_("Give your build-on a title.")
                                             : why);
        if (strpbrk(title, "\r\n"))
                return field_problem_set(p, "title", N_("A title is a single line."));
        return PUB_OK;
}

/* Checks a build-on's Markdown and renders it (member mode) into r. */
static int render_body(const char *body, struct mdr_result *r, struct field_problem *p)
{
        memset(r, 0, sizeof(*r));
        const char *why = text_problem(body, true, KD_BUILDON_MAX_CHARS);
        if (why)
                return field_problem_set(p, "body",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A build-on can be up to 20,000 characters.")
                                         : strcmp(why, "Please fill this in.") == 0
                                             ? N_("Write your build-on first.")
                                             : why);
        if (mdr_render(body, strlen(body), MDR_MEMBER, r) != 0) {
                if (p) {
                        field_problem_set(p, "body", r->error_msgid);
                        p->line = r->error_line;
                }
                return PUB_INVALID;
        }
        return PUB_OK;
}

/* What a new build-on builds on: the live episode's text, or the parent build-on's (a visible
 * build-on of the same episode, with room left in its chain). Sets *text (arena) and the
 * people to tell. */
static int read_base(struct db *db, struct arena *a, const struct buildon_input *in,
                     const char **text, int64_t *episode_author, int64_t *parent_author,
                     struct field_problem *p)
{
        struct episode e;
        int rc = episode_get(db, a, in->episode_id, &e);
        if (rc != PUB_OK)
                return rc;
        if (!episode_is_live(&e, time_now()))
                return PUB_NOT_FOUND;
        *episode_author = e.author_id;
        *text = e.body_text ? e.body_text : "";
        *parent_author = 0;
        if (!in->parent_id)
                return PUB_OK;
        struct buildon parent;
        rc = buildon_get(db, a, in->parent_id, &parent);
        if (rc == PUB_DB_ERROR)
                return rc;
        if (rc != PUB_OK || parent.episode_id != in->episode_id)
                return field_problem_set(p, "parent", N_("There is no such build-on to build on."));
        if (parent.state != BUILDON_VISIBLE)
                return field_problem_set(p, "parent",
                                         N_("That build-on was deleted or hidden: it cannot be "
                                            "built on."));
        struct buildon *above;
        int depth = buildon_chain(db, a, parent.id, &above);
        if (depth < 0)
                return PUB_DB_ERROR;
        if (depth + 2 > KD_BUILDON_CHAIN_MAX)
                return field_problem_set(p, "parent",
                                         N_("This chain of build-ons is as long as it can be. "
                                            "Build on the episode or on an earlier build-on."));
        *text = parent.body_text;
        *parent_author = parent.author_id;
        return PUB_OK;
}

int buildon_create(struct db *db, const struct buildon_input *in, int64_t *id,
                   struct field_problem *p)
{
        int rc = check_title(in->title, p);
        if (rc != PUB_OK)
                return rc;
        struct mdr_result r;
        rc = render_body(in->body, &r, p);
        if (rc != PUB_OK) {
                mdr_result_free(&r);
                return rc;
        }
        struct arena *a = arena_new();
        int64_t quote_start = 0, episode_author = 0, parent_author = 0;
        const char *exact = NULL, *prefix = "", *suffix = "", *text = "";
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        rc = read_base(db, a, in, &text, &episode_author, &parent_author, p);
        if (rc != PUB_OK)
                goto cleanup;
        if (in->quote_exact && *in->quote_exact) {
                rc =
                    comment_quote_find(a, text, in->quote_exact, in->quote_prefix, in->quote_suffix,
                                       &quote_start, &exact, &prefix, &suffix, p);
                /* the finder speaks of the episode; here the text is the parent build-on's */
                if (rc == PUB_INVALID && in->parent_id && p && p->message &&
                    strstr(p->message, "in this episode"))
                        p->message = N_("That passage is not in the build-on you build on. Quote "
                                        "its words exactly.");
                else if (rc == PUB_INVALID && in->parent_id && p && p->message &&
                         strstr(p->message, "is in the episode"))
                        p->message = N_("That passage is in the build-on you build on, but not "
                                        "with the words around it that were sent. Select it "
                                        "again.");
                if (rc != PUB_OK)
                        goto cleanup;
        }
        int64_t now = time_now();
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO buildon (episode_id, parent_id, author_id, title, body, body_html, "
                "body_text, quote_exact, quote_prefix, quote_suffix, quote_start, created_at, "
                "updated_at, language) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                "?12, (SELECT language FROM member WHERE id = ?3)) RETURNING id");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        db_bind_int(s, 1, in->episode_id);
        if (in->parent_id)
                db_bind_int(s, 2, in->parent_id);
        else
                db_bind_null(s, 2);
        db_bind_int(s, 3, in->author_id);
        db_bind_text(s, 4, in->title);
        db_bind_text(s, 5, in->body);
        db_bind_textn(s, 6, r.html.data ? r.html.data : "", r.html.len);
        db_bind_textn(s, 7, r.text.data ? r.text.data : "", r.text.len);
        db_bind_text(s, 8, exact);
        db_bind_text(s, 9, prefix);
        db_bind_text(s, 10, suffix);
        if (exact)
                db_bind_int(s, 11, quote_start);
        else
                db_bind_null(s, 11);
        db_bind_int(s, 12, now);
        int step = db_step(s);
        if (step == DB_ROW) {
                *id = db_col_int(s, 0);
                step = db_step(s);
        }
        db_finish(s);
        if (step != DB_DONE) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        /* a new build-on is visible: one more, without counting them all again */
        rc = run1(db, "UPDATE episode SET buildon_count = buildon_count + 1 WHERE id = ?1",
                  in->episode_id);
        /* Telling is part of the write: a build-on and its notifications stand or fall
         * together. The episode's author hears first; the parent's author (when someone
         * else); then @mentions, never twice for the same person. */
        if (rc == PUB_OK)
                rc = notify_item(db, episode_author, "buildon", in->author_id, "buildon", *id,
                                 in->episode_id);
        if (rc == PUB_OK && parent_author != episode_author)
                rc = notify_item(db, parent_author, "buildon", in->author_id, "buildon", *id,
                                 in->episode_id);
        if (rc == PUB_OK)
                rc = notify_item_mentions(db, in->body, "mention", in->author_id, "buildon", *id,
                                          in->episode_id, episode_author);
        if (rc == PUB_OK) /* "first build-on" (badge.h); a failed refresh keeps the build-on */
                badges_refresh(db, in->author_id);
cleanup:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
done:
        mdr_result_free(&r);
        arena_free(a);
        return rc;
}

/* Reads who wrote build-on id and its state. */
static int owner_and_state(struct db *db, int64_t id, int64_t *author, enum buildon_state *state)
{
        struct db_stmt *s = db_prepare(db, "SELECT author_id, state FROM buildon WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int step = db_step(s);
        if (step == DB_ROW) {
                *author = db_col_int(s, 0);
                *state = state_parse(db_col_text(s, 1));
        }
        db_finish(s);
        return step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int buildon_edit(struct db *db, int64_t id, int64_t editor_id, const char *title, const char *body,
                 struct field_problem *p)
{
        int64_t author;
        enum buildon_state state;
        int rc = owner_and_state(db, id, &author, &state);
        if (rc != PUB_OK)
                return rc;
        if (state != BUILDON_VISIBLE)
                return PUB_NOT_FOUND;
        if (author != editor_id)
                return PUB_FORBIDDEN;
        if ((rc = check_title(title, p)) != PUB_OK)
                return rc;
        struct mdr_result r;
        rc = render_body(body, &r, p);
        if (rc == PUB_OK) {
                /* Build-ons on this one keep their quotes: they quoted what it said then, and
                 * their links look the passage up again when it moved. */
                struct db_stmt *s = db_prepare(
                    db, "UPDATE buildon SET title = ?2, body = ?3, body_html = ?4, body_text = ?5, "
                        "edited_at = ?6, updated_at = ?6 WHERE id = ?1 AND state = 'visible'");
                rc = PUB_DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, id);
                        db_bind_text(s, 2, title);
                        db_bind_text(s, 3, body);
                        db_bind_textn(s, 4, r.html.data ? r.html.data : "", r.html.len);
                        db_bind_textn(s, 5, r.text.data ? r.text.data : "", r.text.len);
                        db_bind_int(s, 6, time_now());
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        mdr_result_free(&r);
        return rc;
}

/* Sets a build-on's state and counts its episode's build-ons again, in one transaction. */
static int set_state(struct db *db, int64_t id, const char *state, int64_t moderator_id,
                     bool clear_text)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct db_stmt *s =
            clear_text
                ? db_prepare(db, "UPDATE buildon SET state = ?2, title = '', body = '', "
                                 "body_html = '', body_text = '', quote_exact = NULL, "
                                 "quote_prefix = '', quote_suffix = '', quote_start = NULL, "
                                 "featured_at = NULL, featured_by = NULL, updated_at = ?3 WHERE "
                                 "id = ?1")
                : db_prepare(db, "UPDATE buildon SET state = ?2, moderated_by = ?4, updated_at = "
                                 "?3 WHERE id = ?1");
        int rc = PUB_DB_ERROR;
        if (s) {
                db_bind_int(s, 1, id);
                db_bind_text(s, 2, state);
                db_bind_int(s, 3, time_now());
                if (!clear_text)
                        db_bind_int(s, 4, moderator_id);
                rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                db_finish(s);
        }
        if (rc == PUB_OK)
                rc = refresh_episode_count(db, id);
        if (rc == PUB_OK) /* a deleted or hidden build-on takes back what it earned (badge.h) */
                badges_refresh_of(db, "SELECT author_id FROM buildon WHERE id = ?1", id);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

int buildon_delete(struct db *db, int64_t id, int64_t member_id)
{
        int64_t author;
        enum buildon_state state;
        int rc = owner_and_state(db, id, &author, &state);
        if (rc != PUB_OK)
                return rc;
        if (state == BUILDON_DELETED)
                return PUB_NOT_FOUND;
        if (author != member_id)
                return PUB_FORBIDDEN;
        return set_state(db, id, "deleted", 0, true);
}

int buildon_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden)
{
        int64_t author;
        enum buildon_state state;
        int rc = owner_and_state(db, id, &author, &state);
        if (rc != PUB_OK)
                return rc;
        if (state == BUILDON_DELETED)
                return PUB_NOT_FOUND;
        return set_state(db, id, hidden ? "hidden" : "visible", moderator_id, false);
}

int buildon_set_featured(struct db *db, int64_t id, int64_t member_id, bool featured,
                         struct field_problem *p)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        int rc = PUB_DB_ERROR;
        struct db_stmt *s = db_prepare(
            db, "SELECT b.state, b.featured_at IS NOT NULL, (SELECT count(*) FROM buildon f WHERE "
                "f.episode_id = b.episode_id AND f.featured_at IS NOT NULL AND f.state = "
                "'visible') FROM buildon b WHERE b.id = ?1");
        if (!s)
                goto cleanup;
        db_bind_int(s, 1, id);
        int step = db_step(s);
        enum buildon_state state = BUILDON_VISIBLE;
        bool already = false;
        int64_t featured_count = 0;
        if (step == DB_ROW) {
                state = state_parse(db_col_text(s, 0));
                already = db_col_int(s, 1) != 0;
                featured_count = db_col_int(s, 2);
        }
        db_finish(s);
        if (step != DB_ROW) {
                rc = step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
                goto cleanup;
        }
        if (featured && state != BUILDON_VISIBLE) {
                rc = field_problem_set(p, "featured",
                                       N_("Only a visible build-on can be featured."));
                goto cleanup;
        }
        if (featured && !already && featured_count >= KD_BUILDON_FEATURED_MAX) {
                rc = field_problem_set(p, "featured",
                                       N_("An episode can feature five build-ons at most. "
                                          "Unfeature one first."));
                goto cleanup;
        }
        if (featured == already) { /* nothing to change: featuring twice keeps the first time */
                rc = PUB_OK;
                goto cleanup;
        }
        s = featured ? db_prepare(db, "UPDATE buildon SET featured_at = ?2, featured_by = ?3 WHERE "
                                      "id = ?1")
                     : db_prepare(db, "UPDATE buildon SET featured_at = NULL, featured_by = NULL "
                                      "WHERE id = ?1");
        if (!s)
                goto cleanup;
        db_bind_int(s, 1, id);
        if (featured) {
                db_bind_int(s, 2, time_now());
                db_bind_int(s, 3, member_id);
        }
        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
cleanup:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

int buildon_refresh_all(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "SELECT id, body FROM buildon WHERE state <> 'deleted' "
                                           "ORDER BY id");
        if (!s)
                return PUB_DB_ERROR;
        int rc = PUB_OK;
        while (rc == PUB_OK && db_step(s) == DB_ROW) {
                const char *md = db_col_text(s, 1);
                struct mdr_result out;
                mdr_render(md, strlen(md), MDR_MEMBER, &out);
                struct db_stmt *u = db_prepare(
                    db, "UPDATE buildon SET body_html = ?2, body_text = ?3 WHERE id = ?1");
                rc = PUB_DB_ERROR;
                if (u) {
                        db_bind_int(u, 1, db_col_int(s, 0));
                        db_bind_textn(u, 2, out.html.data ? out.html.data : "", out.html.len);
                        db_bind_textn(u, 3, out.text.data ? out.text.data : "", out.text.len);
                        rc = db_step(u) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(u);
                }
                mdr_result_free(&out);
        }
        db_finish(s);
        static const char *const counts[] = {
            "UPDATE buildon SET comment_count = (SELECT count(*) FROM comment c WHERE "
            "c.buildon_id = buildon.id AND c.state = 'visible')",
            "UPDATE episode SET buildon_count = (SELECT count(*) FROM buildon b WHERE b.episode_id "
            "= episode.id AND b.state = 'visible')",
        };
        for (size_t i = 0; rc == PUB_OK && i < sizeof(counts) / sizeof(counts[0]); i++) {
                s = db_prepare(db, counts[i]);
                rc = s && db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                db_finish(s);
        }
        return rc;
}

/* ------------------------------------------------------------------ as an item (item.h) */

int buildon_item_load(struct db *db, struct arena *a, int64_t id, struct item *out)
{
        struct buildon b;
        struct episode e;
        int rc = buildon_get(db, a, id, &b);
        if (rc == PUB_OK)
                rc = episode_get(db, a, b.episode_id, &e);
        if (rc != PUB_OK)
                return rc;
        out->state = b.state == BUILDON_DELETED  ? ITEM_DELETED
                     : b.state == BUILDON_HIDDEN ? ITEM_HIDDEN
                                                 : ITEM_VISIBLE;
        out->author_id = b.author_id;
        out->newsletter_id = e.newsletter_id;
        out->episode_id = e.id;
        out->url = arena_printf(a, "/n/%s/%s/b/%lld", e.newsletter_slug, e.slug, (long long)b.id);
        out->where = e.title;
        out->body_html = b.body_html;
        out->created_at = b.created_at;
        return PUB_OK;
}

bool buildon_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role,
                           int64_t now)
{
        struct arena *a = arena_new();
        struct buildon b;
        struct episode e;
        /* as comment_item_viewable: what it hangs under decides (a draft's stay private) */
        bool ok = buildon_get(db, a, id, &b) == PUB_OK &&
                  episode_get(db, a, b.episode_id, &e) == PUB_OK &&
                  episode_viewable(db, &e, viewer_id, role, now);
        arena_free(a);
        return ok;
}
