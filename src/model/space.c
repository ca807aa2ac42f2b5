/* Spaces, their threads and posts: validation, who may post, counts kept in each transaction,
 * moderation as an item kind, and the paged reads the pages and the API share. */
#include "model/space.h"
#include "model/avatar.h"
#include "model/badge.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/slug.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/directory.h"
#include "model/item.h"
#include "model/newsletter.h"
#include "model/notification.h"

#include <string.h>

/* ------------------------------------------------------------------ small helpers */

const char *space_who_name(enum space_who who)
{
        return who == SPACE_WHO_FOLLOWERS ? "followers" : "members";
}

enum space_state space_state_parse(const char *s)
{
        return strcmp(s, "deleted") == 0  ? SPACE_DELETED
               : strcmp(s, "hidden") == 0 ? SPACE_HIDDEN
                                          : SPACE_VISIBLE;
}

/* Runs one statement with n (0 to 3) integer parameters ?1..?n. */
static int exec_ints(struct db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        const int64_t v[] = {a, b, c};
        for (int i = 0; i < n && i < 3; i++)
                db_bind_int(s, i + 1, v[i]);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

/* Checks Markdown in member mode and renders it; problems name field. Spaces' descriptions use
 * member mode too: a space's page shows them above its threads, where headings and images
 * would compete with the threads, and members' own text is rendered the same way. */
static int render_member_md(const char *text, bool required, size_t max, const char *field,
                            const char *too_long, struct mdr_result *r, struct field_problem *p)
{
        memset(r, 0, sizeof(*r));
        const char *why = text_problem(text, required, max);
        if (why)
                return field_problem_set(p, field,
                                         strcmp(why, "This is too long.") == 0 ? too_long : why);
        if (!text || !*text)
                return PUB_OK;
        if (mdr_render(text, strlen(text), MDR_MEMBER, r) != 0) {
                if (p) {
                        field_problem_set(p, field, r->error_msgid);
                        p->line = r->error_line;
                }
                return PUB_INVALID;
        }
        return PUB_OK;
}

/* A one-line title of at most max code points. */
static int check_title(const char *title, size_t max, const char *too_long, struct field_problem *p)
{
        const char *why = text_problem(title, true, max);
        if (why)
                return field_problem_set(p, "title",
                                         strcmp(why, "This is too long.") == 0 ? too_long : why);
        if (strchr(title, '\n') || strchr(title, '\r') || strchr(title, '\t'))
                return field_problem_set(p, "title", N_("A title is one line."));
        return PUB_OK;
}

/* ------------------------------------------------------------------ spaces */

bool space_can_manage(enum role role)
{
        return role == ROLE_MODERATOR || role == ROLE_ADMIN;
}

enum space_rule space_post_rule(struct db *db, const struct space *s, int64_t member_id,
                                enum role role)
{
        if (member_id <= 0 || role == ROLE_NONE)
                return SPACE_RULE_GUEST;
        if (s->who == SPACE_WHO_MEMBERS)
                return SPACE_MAY_POST;
        if (!s->newsletter_id)
                return SPACE_RULE_CLOSED;
        if (newsletter_is_following(db, member_id, s->newsletter_id) ||
            newsletter_can_write(db, s->newsletter_id, member_id, role))
                return SPACE_MAY_POST;
        return SPACE_RULE_NOT_FOLLOWER;
}

bool space_can_post(struct db *db, const struct space *s, int64_t member_id, enum role role)
{
        return space_post_rule(db, s, member_id, role) == SPACE_MAY_POST;
}

#define SPACE_COLUMNS                                                                              \
        "SELECT s.id, s.slug, s.title, s.description, s.description_html, "                        \
        "coalesce(s.newsletter_id, 0), coalesce(n.slug, ''), coalesce(n.title, ''), s.who_posts, " \
        "s.thread_count, s.post_count, coalesce(s.last_post_at, 0), s.created_at FROM space s "    \
        "LEFT JOIN newsletter n ON n.id = s.newsletter_id "

static void read_space(struct db_stmt *s, struct arena *a, struct space *out)
{
        out->id = db_col_int(s, 0);
        out->slug = arena_strdup(a, db_col_text(s, 1));
        out->title = arena_strdup(a, db_col_text(s, 2));
        out->description = arena_strdup(a, db_col_text(s, 3));
        out->description_html = arena_strdup(a, db_col_text(s, 4));
        out->newsletter_id = db_col_int(s, 5);
        out->newsletter_slug = arena_strdup(a, db_col_text(s, 6));
        out->newsletter_title = arena_strdup(a, db_col_text(s, 7));
        out->who =
            strcmp(db_col_text(s, 8), "followers") == 0 ? SPACE_WHO_FOLLOWERS : SPACE_WHO_MEMBERS;
        out->thread_count = db_col_int(s, 9);
        out->post_count = db_col_int(s, 10);
        out->last_post_at = db_col_int(s, 11);
        out->created_at = db_col_int(s, 12);
}

static int space_one(struct db *db, struct arena *a, const char *sql, const char *slug, int64_t id,
                     struct space *out)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        if (slug)
                db_bind_text(s, 1, slug);
        else
                db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_space(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int space_find(struct db *db, struct arena *a, const char *slug, struct space *out)
{
        return space_one(db, a, SPACE_COLUMNS "WHERE s.slug = ?1", slug ? slug : "", 0, out);
}

int space_get(struct db *db, struct arena *a, int64_t id, struct space *out)
{
        return space_one(db, a, SPACE_COLUMNS "WHERE s.id = ?1", NULL, id, out);
}

int space_list(struct db *db, struct arena *a, struct space **out)
{
        /* space_recent: spaces with posts by their latest, then the quiet ones */
        struct db_stmt *s =
            db_prepare(db, SPACE_COLUMNS "ORDER BY s.last_post_at DESC, s.id DESC LIMIT ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, KD_SPACES_LISTED);
        size_t cap = 0, n = 0;
        struct space *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_space(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

/* Checks a space's fields; sets *newsletter_id and *who. r gets the description's HTML. */
static int space_check(struct db *db, const struct space_input *in, int64_t *newsletter_id,
                       enum space_who *who, struct mdr_result *r, struct field_problem *p)
{
        memset(r, 0, sizeof(*r));
        const char *slug = in->slug ? in->slug : "";
        if (!slug_valid(slug))
                return field_problem_set(p, "slug",
                                         N_("Use 1 to 60 lower-case letters, digits and single "
                                            "hyphens, starting and ending with a letter or "
                                            "digit."));
        if (strcmp(slug, "new") == 0) /* /spaces/new is the form */
                return field_problem_set(p, "slug",
                                         N_("This address is reserved. Choose another."));
        int rc = check_title(in->title, KD_SPACE_TITLE_MAX,
                             N_("A space's title can be up to 80 characters."), p);
        if (rc != PUB_OK)
                return rc;
        const char *w = in->who_posts && *in->who_posts ? in->who_posts : "members";
        if (strcmp(w, "members") == 0)
                *who = SPACE_WHO_MEMBERS;
        else if (strcmp(w, "followers") == 0)
                *who = SPACE_WHO_FOLLOWERS;
        else
                return field_problem_set(p, "who_posts",
                                         N_("Choose who may post: every member, or the "
                                            "newsletter's followers."));
        *newsletter_id = 0;
        if (in->newsletter && *in->newsletter) {
                struct arena *a = arena_new();
                struct newsletter n;
                rc = newsletter_find_slug(db, a, in->newsletter, &n);
                if (rc == PUB_OK)
                        *newsletter_id = n.id;
                arena_free(a);
                if (rc == PUB_DB_ERROR)
                        return rc;
                if (rc != PUB_OK)
                        return field_problem_set(p, "newsletter",
                                                 N_("There is no newsletter at that address."));
        }
        if (*who == SPACE_WHO_FOLLOWERS && !*newsletter_id)
                return field_problem_set(p, "newsletter",
                                         N_("A space for followers needs the newsletter they "
                                            "follow."));
        return render_member_md(in->description, false, KD_SPACE_DESCRIPTION_MAX, "description",
                                N_("A space's description can be up to 2,000 characters."), r, p);
}

static int space_write(struct db *db, int64_t id, const struct space_input *in, int64_t creator,
                       enum role role, int64_t *new_id, struct field_problem *p)
{
        if (!space_can_manage(role))
                return PUB_FORBIDDEN;
        int64_t newsletter_id;
        enum space_who who;
        struct mdr_result r;
        int rc = space_check(db, in, &newsletter_id, &who, &r, p);
        if (rc != PUB_OK) {
                mdr_result_free(&r);
                return rc;
        }
        int64_t now = time_now();
        struct db_stmt *s =
            id ? db_prepare(db, "UPDATE space SET slug = ?1, title = ?2, description = ?3, "
                                "description_html = ?4, newsletter_id = ?5, who_posts = ?6, "
                                "updated_at = ?7 WHERE id = ?8 RETURNING id")
               : db_prepare(db, "INSERT INTO space (slug, title, description, description_html, "
                                "newsletter_id, who_posts, created_by, created_at, updated_at) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8, ?7, ?7) RETURNING id");
        rc = PUB_DB_ERROR;
        if (s) {
                db_bind_text(s, 1, in->slug);
                db_bind_text(s, 2, in->title);
                db_bind_text(s, 3, in->description ? in->description : "");
                db_bind_textn(s, 4, r.html.data ? r.html.data : "", r.html.len);
                if (newsletter_id)
                        db_bind_int(s, 5, newsletter_id);
                else
                        db_bind_null(s, 5);
                db_bind_text(s, 6, space_who_name(who));
                db_bind_int(s, 7, now);
                db_bind_int(s, 8, id ? id : creator);
                int step = db_step(s);
                if (step == DB_ROW) {
                        if (new_id)
                                *new_id = db_col_int(s, 0);
                        rc = PUB_OK;
                } else if (step == DB_DONE) {
                        rc = PUB_NOT_FOUND;
                } else if (step == DB_CONSTRAINT) {
                        field_problem_set(p, "slug",
                                          N_("Another space already uses this address."));
                        rc = PUB_TAKEN;
                }
                db_finish(s);
        }
        mdr_result_free(&r);
        return rc;
}

int space_create(struct db *db, const struct space_input *in, int64_t creator_id, enum role role,
                 int64_t *id, struct field_problem *p)
{
        return space_write(db, 0, in, creator_id, role, id, p);
}

int space_update(struct db *db, int64_t id, const struct space_input *in, enum role role,
                 struct field_problem *p)
{
        return space_write(db, id, in, 0, role, NULL, p);
}

/* ------------------------------------------------------------------ counts */

/* One more (delta 1) or one less (-1) visible post by author in space: their row of
 * space_member, which the "most active members" list reads through its index. */
static int member_posts(struct db *db, int64_t space_id, int64_t author_id, int delta, int64_t now)
{
        if (delta > 0)
                return exec_ints(db,
                                 "INSERT INTO space_member (space_id, member_id, post_count, "
                                 "last_post_at) VALUES (?1, ?2, 1, ?3) ON CONFLICT (space_id, "
                                 "member_id) DO UPDATE SET post_count = "
                                 "space_member.post_count + 1, "
                                 "last_post_at = CASE WHEN excluded.last_post_at > space_member.last_post_at "
                                 "THEN excluded.last_post_at ELSE space_member.last_post_at END",
                                 3, space_id, author_id, now);
        return exec_ints(db,
                         "UPDATE space_member SET post_count = CASE WHEN post_count > 0 THEN "
                         "post_count - 1 ELSE 0 END WHERE "
                         "space_id = ?1 AND member_id = ?2",
                         2, space_id, author_id, 0);
}

/* ------------------------------------------------------------------ writing */

static int render_post(const char *body, struct mdr_result *r, struct field_problem *p)
{
        const char *why = text_problem(body, true, KD_POST_MAX_CHARS);
        if (why && strcmp(why, "Please fill this in.") == 0) {
                memset(r, 0, sizeof(*r));
                return field_problem_set(p, "body", N_("Write something first."));
        }
        return render_member_md(body, true, KD_POST_MAX_CHARS, "body",
                                N_("A post can be up to 5,000 characters."), r, p);
}

static int insert_post(struct db *db, int64_t thread_id, int64_t space_id, int64_t parent_id,
                       int64_t author_id, const char *body, const struct mdr_result *r, int64_t now,
                       int64_t *id)
{
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO space_post (thread_id, space_id, parent_id, author_id, body, "
                "body_html, created_at, updated_at, language) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                "?7, (SELECT language FROM member WHERE id = ?4)) RETURNING id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, thread_id);
        db_bind_int(s, 2, space_id);
        if (parent_id)
                db_bind_int(s, 3, parent_id);
        else
                db_bind_null(s, 3);
        db_bind_int(s, 4, author_id);
        db_bind_text(s, 5, body);
        db_bind_textn(s, 6, r->html.data ? r->html.data : "", r->html.len);
        db_bind_int(s, 7, now);
        int step = db_step(s);
        if (step == DB_ROW) {
                *id = db_col_int(s, 0);
                step = db_step(s);
        }
        db_finish(s);
        return step == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

/* What every new post does besides its row: the counts of its thread, space and author, and
 * the author's active_at. */
static int count_new_post(struct db *db, int64_t thread_id, int64_t space_id, int64_t author_id,
                          bool new_thread, int64_t now)
{
        int rc = new_thread ? PUB_OK
                            : exec_ints(db,
                                        "UPDATE space_thread SET post_count = post_count + 1, "
                                        "last_post_at = ?2, updated_at = ?2 WHERE id = ?1",
                                        2, thread_id, now, 0);
        if (rc == PUB_OK)
                rc = exec_ints(db,
                               "UPDATE space SET thread_count = thread_count + ?3, post_count = "
                               "post_count + 1, last_post_at = ?2 WHERE id = ?1",
                               3, space_id, now, new_thread ? 1 : 0);
        if (rc == PUB_OK)
                rc = member_posts(db, space_id, author_id, 1, now);
        if (rc == PUB_OK)
                rc = member_mark_active(db, author_id, now, KD_ACTIVE_POST_EVERY_S);
        return rc;
}

int space_thread_create(struct db *db, const struct space_thread_input *in, int64_t *thread_id,
                        int64_t *post_id, struct field_problem *p)
{
        int rc = check_title(in->title, KD_THREAD_TITLE_MAX,
                             N_("A thread's title can be up to 140 characters."), p);
        if (rc != PUB_OK)
                return rc;
        struct mdr_result r;
        rc = render_post(in->body, &r, p);
        if (rc != PUB_OK) {
                mdr_result_free(&r);
                return rc;
        }
        struct arena *a = arena_new();
        struct space sp;
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        rc = space_get(db, a, in->space_id, &sp);
        if (rc != PUB_OK)
                goto cleanup;
        if (!space_can_post(db, &sp, in->author_id, in->role)) {
                rc = PUB_FORBIDDEN;
                goto cleanup;
        }
        int64_t now = time_now();
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO space_thread (space_id, author_id, title, post_count, last_post_at, "
                "created_at, updated_at, language) VALUES (?1, ?2, ?3, 1, ?4, ?4, ?4, (SELECT "
                "language FROM member WHERE id = ?2)) RETURNING id");
        rc = PUB_DB_ERROR;
        if (!s)
                goto cleanup;
        db_bind_int(s, 1, sp.id);
        db_bind_int(s, 2, in->author_id);
        db_bind_text(s, 3, in->title);
        db_bind_int(s, 4, now);
        int step = db_step(s);
        if (step == DB_ROW) {
                *thread_id = db_col_int(s, 0);
                step = db_step(s);
        }
        db_finish(s);
        if (step != DB_DONE)
                goto cleanup;
        rc = insert_post(db, *thread_id, sp.id, 0, in->author_id, in->body, &r, now, post_id);
        if (rc == PUB_OK)
                rc = count_new_post(db, *thread_id, sp.id, in->author_id, true, now);
        if (rc == PUB_OK)
                rc = notify_item_mentions(db, in->body, "space_mention", in->author_id, "post",
                                          *post_id, 0, 0);
        if (rc == PUB_OK) /* the starter's badges (badge.h); a failed refresh keeps the thread */
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

int space_post_create(struct db *db, const struct space_post_input *in, int64_t *post_id,
                      struct field_problem *p)
{
        struct mdr_result r;
        int rc = render_post(in->body, &r, p);
        if (rc != PUB_OK) {
                mdr_result_free(&r);
                return rc;
        }
        struct arena *a = arena_new();
        struct space sp;
        struct space_thread t;
        int64_t parent_author = 0;
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        rc = space_thread_get(db, a, in->thread_id, &t);
        if (rc == PUB_OK && t.state != SPACE_VISIBLE)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK)
                rc = space_get(db, a, t.space_id, &sp);
        if (rc != PUB_OK)
                goto cleanup;
        if (!space_can_post(db, &sp, in->author_id, in->role)) {
                rc = PUB_FORBIDDEN;
                goto cleanup;
        }
        if (in->parent_id) {
                struct space_post parent;
                rc = space_post_get(db, a, in->parent_id, &parent);
                if (rc == PUB_DB_ERROR)
                        goto cleanup;
                if (rc != PUB_OK || parent.thread_id != t.id) {
                        rc = field_problem_set(p, "parent_id",
                                               N_("There is no such post in this thread to "
                                                  "answer."));
                        goto cleanup;
                }
                if (parent.state != SPACE_VISIBLE) {
                        rc = field_problem_set(p, "parent_id",
                                               N_("That post is no longer open for replies."));
                        goto cleanup;
                }
                parent_author = parent.author_id;
        }
        int64_t now = time_now();
        rc = insert_post(db, t.id, sp.id, in->parent_id, in->author_id, in->body, &r, now, post_id);
        if (rc == PUB_OK)
                rc = count_new_post(db, t.id, sp.id, in->author_id, false, now);
        /* the thread's author and the answered post's author; nobody hears of their own post */
        if (rc == PUB_OK)
                rc =
                    notify_item(db, t.author_id, "space_reply", in->author_id, "post", *post_id, 0);
        if (rc == PUB_OK && parent_author != t.author_id)
                rc = notify_item(db, parent_author, "space_reply", in->author_id, "post", *post_id,
                                 0);
        if (rc == PUB_OK)
                rc = notify_item_mentions(db, in->body, "space_mention", in->author_id, "post",
                                          *post_id, 0, parent_author ? parent_author : t.author_id);
        if (rc == PUB_OK) /* a third member's post: the thread's "conversation starter" */
                badges_refresh(db, t.author_id);
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

int space_post_edit(struct db *db, int64_t id, int64_t editor_id, const char *title,
                    const char *body, struct field_problem *p)
{
        struct arena *a = arena_new();
        struct space_post post;
        struct mdr_result r;
        memset(&r, 0, sizeof(r));
        int rc = space_post_get(db, a, id, &post);
        if (rc != PUB_OK)
                goto done;
        if (post.state != SPACE_VISIBLE) {
                rc = PUB_NOT_FOUND;
                goto done;
        }
        if (post.author_id != editor_id) {
                rc = PUB_FORBIDDEN;
                goto done;
        }
        bool retitle = post.opening && title;
        if (retitle) {
                rc = check_title(title, KD_THREAD_TITLE_MAX,
                                 N_("A thread's title can be up to 140 characters."), p);
                if (rc != PUB_OK)
                        goto done;
        }
        rc = render_post(body, &r, p);
        if (rc != PUB_OK)
                goto done;
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        int64_t now = time_now();
        struct db_stmt *s = db_prepare(db, "UPDATE space_post SET body = ?2, body_html = ?3, "
                                           "edited_at = ?4, updated_at = ?4 WHERE id = ?1 AND "
                                           "state = 'visible'");
        rc = PUB_DB_ERROR;
        if (s) {
                db_bind_int(s, 1, id);
                db_bind_text(s, 2, body);
                db_bind_textn(s, 3, r.html.data ? r.html.data : "", r.html.len);
                db_bind_int(s, 4, now);
                rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                db_finish(s);
        }
        if (rc == PUB_OK && retitle) {
                s = db_prepare(db, "UPDATE space_thread SET title = ?2, updated_at = ?3 WHERE id "
                                   "= ?1");
                rc = PUB_DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, post.thread_id);
                        db_bind_text(s, 2, title);
                        db_bind_int(s, 3, now);
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
done:
        mdr_result_free(&r);
        arena_free(a);
        return rc;
}

/* Moves post to state `to` (deleted, hidden or visible) and keeps every count that includes it
 * right, in one transaction: the thread's, the space's and the author's. The thread follows its
 * opening post when that is hidden or restored, and goes when its opening post is deleted and
 * nothing visible is left in it. */
static int set_post_state(struct db *db, const struct space_post *post, enum space_state to,
                          int64_t moderator_id)
{
        static const char *const names[] = {"visible", "deleted", "hidden"};
        struct arena *a = arena_new();
        struct space_thread t;
        int rc;
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        rc = space_thread_get(db, a, post->thread_id, &t);
        if (rc != PUB_OK)
                goto done;
        struct db_stmt *s =
            to == SPACE_DELETED
                ? db_prepare(db, "UPDATE space_post SET state = ?2, body = '', body_html = '', "
                                 "updated_at = ?3 WHERE id = ?1")
                : db_prepare(db, "UPDATE space_post SET state = ?2, moderated_by = ?4, "
                                 "updated_at = ?3 WHERE id = ?1");
        rc = PUB_DB_ERROR;
        if (!s)
                goto done;
        db_bind_int(s, 1, post->id);
        db_bind_text(s, 2, names[to]);
        db_bind_int(s, 3, time_now());
        if (to != SPACE_DELETED)
                db_bind_int(s, 4, moderator_id);
        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        int delta = (to == SPACE_VISIBLE) - (post->state == SPACE_VISIBLE);
        bool thread_shown = t.state == SPACE_VISIBLE;
        int64_t posts = t.post_count + delta;
        if (rc == PUB_OK && delta)
                rc = exec_ints(db,
                               "UPDATE space_thread SET post_count = post_count + ?2 WHERE id = ?1",
                               2, t.id, delta, 0);
        if (rc == PUB_OK && delta)
                rc = member_posts(db, post->space_id, post->author_id, delta, 0);
        if (rc == PUB_OK && delta && thread_shown)
                rc = exec_ints(db, "UPDATE space SET post_count = post_count + ?2 WHERE id = ?1", 2,
                               t.space_id, delta, 0);
        /* the thread itself: hidden with its opening post, back with it, gone when empty */
        const char *thread_to = NULL;
        if (post->opening && to == SPACE_HIDDEN && thread_shown)
                thread_to = "hidden";
        else if (post->opening && to == SPACE_VISIBLE && t.state == SPACE_HIDDEN)
                thread_to = "visible";
        else if (thread_shown && posts == 0 && post->opening && to == SPACE_DELETED)
                thread_to = "deleted";
        if (rc == PUB_OK && !thread_to && thread_shown && posts == 0 && !post->opening) {
                /* the last visible reply went under a deleted opening post */
                struct space_post first;
                s = db_prepare(db, "SELECT id FROM space_post WHERE thread_id = ?1 ORDER BY id "
                                   "LIMIT 1");
                int64_t first_id = 0;
                if (s) {
                        db_bind_int(s, 1, t.id);
                        if (db_step(s) == DB_ROW)
                                first_id = db_col_int(s, 0);
                        db_finish(s);
                }
                if (first_id && space_post_get(db, a, first_id, &first) == PUB_OK &&
                    first.state == SPACE_DELETED)
                        thread_to = "deleted";
        }
        if (rc == PUB_OK && thread_to) {
                bool shown_after = strcmp(thread_to, "visible") == 0;
                s = db_prepare(db, "UPDATE space_thread SET state = ?2, moderated_by = CASE WHEN "
                                   "?2 = 'hidden' THEN ?3 ELSE moderated_by END WHERE id = ?1");
                rc = PUB_DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, t.id);
                        db_bind_text(s, 2, thread_to);
                        db_bind_int(s, 3, moderator_id);
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
                int sign = shown_after ? 1 : -1;
                if (rc == PUB_OK)
                        rc = exec_ints(db,
                                       "UPDATE space SET thread_count = thread_count + ?2, "
                                       "post_count = post_count + ?3 WHERE id = ?1",
                                       3, t.space_id, sign, sign * posts);
        }
        if (rc == PUB_OK) /* what the thread's author earned follows its posts (badge.h) */
                badges_refresh(db, t.author_id);
done:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        arena_free(a);
        return rc;
}

int space_post_delete(struct db *db, int64_t id, int64_t member_id)
{
        struct arena *a = arena_new();
        struct space_post post;
        int rc = space_post_get(db, a, id, &post);
        if (rc == PUB_OK && post.state == SPACE_DELETED)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK && post.author_id != member_id)
                rc = PUB_FORBIDDEN;
        if (rc == PUB_OK)
                rc = set_post_state(db, &post, SPACE_DELETED, 0);
        arena_free(a);
        return rc;
}

int space_post_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden)
{
        struct arena *a = arena_new();
        struct space_post post;
        int rc = space_post_get(db, a, id, &post);
        if (rc == PUB_OK && post.state == SPACE_DELETED)
                rc = PUB_NOT_FOUND;
        enum space_state to = hidden ? SPACE_HIDDEN : SPACE_VISIBLE;
        if (rc == PUB_OK && post.state != to)
                rc = set_post_state(db, &post, to, moderator_id);
        arena_free(a);
        return rc;
}

/* ------------------------------------------------------------------ reading */

#define POST_COLUMNS                                                                               \
        "SELECT p.id, p.thread_id, p.space_id, coalesce(p.parent_id, 0), p.author_id, m.handle, "  \
        "m.display_name, m.headline, p.body, p.body_html, p.state, p.created_at, "                 \
        "coalesce(p.edited_at, 0), p.language, p.id = (SELECT min(f.id) FROM space_post f WHERE "  \
        "f.thread_id = p.thread_id), EXISTS (SELECT 1 FROM space_post r WHERE r.parent_id = p.id " \
        "AND r.state = 'visible'), coalesce(pm.display_name, ''), CASE WHEN q.state = 'visible' "  \
        "THEN substr(q.body, 1, CAST(?9 AS INTEGER)) ELSE '' END, coalesce(q.state, 'visible'), "  \
        "CASE WHEN length(q.body) > ?9 THEN 1 ELSE 0 END, q.language, "                            \
        AVATAR_URL_SQL("m") " FROM space_post p "                                                  \
        "JOIN member m ON m.id = p.author_id LEFT JOIN space_post q ON q.id = p.parent_id LEFT "   \
        "JOIN member pm ON pm.id = q.author_id "

static void read_post(struct db_stmt *s, struct arena *a, struct space_post *out)
{
        memset(out, 0, sizeof(*out));
        out->id = db_col_int(s, 0);
        out->thread_id = db_col_int(s, 1);
        out->space_id = db_col_int(s, 2);
        out->parent_id = db_col_int(s, 3);
        out->author_id = db_col_int(s, 4);
        out->author_handle = arena_strdup(a, db_col_text(s, 5));
        out->author_name = arena_strdup(a, db_col_text(s, 6));
        out->author_headline = arena_strdup(a, db_col_text(s, 7));
        out->body = arena_strdup(a, db_col_text(s, 8));
        out->body_html = arena_strdup(a, db_col_text(s, 9));
        out->state = space_state_parse(db_col_text(s, 10));
        out->created_at = db_col_int(s, 11);
        out->edited_at = db_col_int(s, 12);
        out->language = db_col_is_null(s, 13) ? NULL : arena_strdup(a, db_col_text(s, 13));
        out->opening = db_col_int(s, 14) != 0;
        out->has_replies = db_col_int(s, 15) != 0;
        out->parent_author = arena_strdup(a, db_col_text(s, 16));
        out->parent_excerpt = arena_strdup(a, db_col_text(s, 17));
        out->parent_state = space_state_parse(db_col_text(s, 18));
        out->parent_cut = db_col_int(s, 19) != 0;
        out->parent_language = db_col_is_null(s, 20) ? NULL : arena_strdup(a, db_col_text(s, 20));
        out->author_avatar = db_col_is_null(s, 21) ? NULL : arena_strdup(a, db_col_text(s, 21));
}

int space_post_get(struct db *db, struct arena *a, int64_t id, struct space_post *out)
{
        struct db_stmt *s = db_prepare(db, POST_COLUMNS "WHERE p.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 9, KD_PARENT_EXCERPT_CHARS);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_post(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

#define THREAD_COLUMNS                                                                             \
        "SELECT t.id, t.space_id, t.author_id, m.handle, m.display_name, t.title, t.state, "       \
        "t.post_count, t.last_post_at, t.created_at, t.language FROM space_thread t JOIN member "  \
        "m "                                                                                       \
        "ON m.id = t.author_id "

static void read_thread(struct db_stmt *s, struct arena *a, struct space_thread *out)
{
        out->id = db_col_int(s, 0);
        out->space_id = db_col_int(s, 1);
        out->author_id = db_col_int(s, 2);
        out->author_handle = arena_strdup(a, db_col_text(s, 3));
        out->author_name = arena_strdup(a, db_col_text(s, 4));
        out->title = arena_strdup(a, db_col_text(s, 5));
        out->state = space_state_parse(db_col_text(s, 6));
        out->post_count = db_col_int(s, 7);
        out->last_post_at = db_col_int(s, 8);
        out->created_at = db_col_int(s, 9);
        out->language = db_col_is_null(s, 10) ? NULL : arena_strdup(a, db_col_text(s, 10));
}

int space_thread_get(struct db *db, struct arena *a, int64_t id, struct space_thread *out)
{
        struct db_stmt *s = db_prepare(db, THREAD_COLUMNS "WHERE t.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_thread(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int space_thread_page(struct db *db, struct arena *a, int64_t space_id, enum space_order order,
                      int64_t before_at, int64_t before_id, struct space_thread **out, bool *more)
{
        /* space_thread_active and space_thread_new serve these in index order */
        struct db_stmt *s =
            order == SPACE_ACTIVE
                ? db_prepare(db, THREAD_COLUMNS
                             "WHERE t.space_id = ?1 AND t.state = 'visible' AND "
                             "(t.last_post_at, t.id) < (?2, ?3) ORDER BY t.last_post_at DESC, "
                             "t.id DESC LIMIT ?4")
                : db_prepare(db, THREAD_COLUMNS
                             "WHERE t.space_id = ?1 AND t.state = 'visible' AND t.id < ?3 AND "
                             "?2 = ?2 ORDER BY t.id DESC LIMIT ?4");
        if (!s)
                return PUB_DB_ERROR;
        /* a row-value keyset seeks straight to the page in the index; 0 starts at the top */
        db_bind_int(s, 1, space_id);
        db_bind_int(s, 2, before_at > 0 ? before_at : INT64_MAX);
        db_bind_int(s, 3, before_id > 0 ? before_id : INT64_MAX);
        db_bind_int(s, 4, KD_THREADS_PER_PAGE + 1);
        size_t cap = 0, n = 0;
        struct space_thread *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_thread(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        *more = n > KD_THREADS_PER_PAGE;
        if (*more)
                n = KD_THREADS_PER_PAGE;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

/* Fills the reaction counts of posts[0..n) (one thread's, ids ascending): the page's posts by
 * the thread's index, each one's reactions by the reaction table's primary key (CROSS JOIN keeps
 * that order; the unary + stops SQLite from turning the page's id range into a range over
 * every post's reactions), so the read is bounded by the page whatever else the site holds. */
static int fill_reactions(struct db *db, struct space_post *posts, int n)
{
        if (n <= 0)
                return PUB_OK;
        struct db_stmt *s = db_prepare(
            db, "SELECT p.id, r.kind, count(*) FROM space_post p CROSS JOIN reaction r WHERE "
                "r.target = 'post' AND r.target_id = +p.id AND p.thread_id = ?1 AND p.id BETWEEN "
                "?2 AND ?3 GROUP BY p.id, r.kind ORDER BY p.id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, posts[0].thread_id);
        db_bind_int(s, 2, posts[0].id);
        db_bind_int(s, 3, posts[n - 1].id);
        int rc, i = 0;
        while ((rc = db_step(s)) == DB_ROW) {
                int64_t id = db_col_int(s, 0);
                while (i < n && posts[i].id < id)
                        i++;
                enum reaction_kind k;
                if (i < n && posts[i].id == id && reaction_kind_parse(db_col_text(s, 1), &k) == 0)
                        posts[i].reactions[k] = (int)db_col_int(s, 2);
        }
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

int space_post_page(struct db *db, struct arena *a, int64_t thread_id, int64_t after,
                    int64_t viewer_id, bool show_hidden, struct space_post **out,
                    int64_t *next_after)
{
        /* space_post_by_thread in order; a post readers may not see is skipped unless a visible
         * reply needs its place (space_post_by_parent) */
        struct db_stmt *s = db_prepare(
            db, POST_COLUMNS "WHERE p.thread_id = ?1 AND p.id > ?2 AND (p.state = 'visible' OR "
                             "(p.state = 'hidden' AND (?3 <> 0 OR p.author_id = ?4)) OR EXISTS "
                             "(SELECT 1 FROM space_post r WHERE r.parent_id = p.id AND r.state = "
                             "'visible')) ORDER BY p.id LIMIT ?5");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, thread_id);
        db_bind_int(s, 2, after);
        db_bind_int(s, 3, show_hidden);
        db_bind_int(s, 4, viewer_id);
        db_bind_int(s, 5, KD_POSTS_PER_PAGE + 1);
        db_bind_int(s, 9, KD_PARENT_EXCERPT_CHARS);
        size_t cap = 0, n = 0;
        struct space_post *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_post(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        *next_after = 0;
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        if (n > KD_POSTS_PER_PAGE) {
                n = KD_POSTS_PER_PAGE;
                *next_after = arr[n - 1].id;
        }
        if (fill_reactions(db, arr, (int)n) != PUB_OK)
                return PUB_DB_ERROR;
        return (int)n;
}

int space_active_members(struct db *db, struct arena *a, int64_t space_id, int limit,
                         struct space_member_row **out)
{
        /* space_member_active: the space's rows by post count, read in index order */
        struct db_stmt *s = db_prepare(
            db, "SELECT m.handle, m.display_name, m.headline, sm.post_count, sm.last_post_at FROM "
                "space_member sm JOIN member m ON m.id = sm.member_id WHERE sm.space_id = ?1 AND "
                "sm.post_count > 0 AND m.disabled = 0 ORDER BY sm.post_count DESC, sm.member_id "
                "LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, space_id);
        db_bind_int(s, 2, limit);
        size_t cap = 0, n = 0;
        struct space_member_row *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                struct space_member_row *x = &arr[n++];
                x->handle = arena_strdup(a, db_col_text(s, 0));
                x->name = arena_strdup(a, db_col_text(s, 1));
                x->headline = arena_strdup(a, db_col_text(s, 2));
                x->post_count = db_col_int(s, 3);
                x->last_post_at = db_col_int(s, 4);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

/* ------------------------------------------------------------------ as an item (item.h) */

int space_item_load(struct db *db, struct arena *a, int64_t id, struct item *out)
{
        struct space_post p;
        struct space_thread t;
        struct space sp;
        int rc = space_post_get(db, a, id, &p);
        if (rc == PUB_OK)
                rc = space_thread_get(db, a, p.thread_id, &t);
        if (rc == PUB_OK)
                rc = space_get(db, a, p.space_id, &sp);
        if (rc != PUB_OK)
                return rc;
        out->state = p.state == SPACE_DELETED  ? ITEM_DELETED
                     : p.state == SPACE_HIDDEN ? ITEM_HIDDEN
                                               : ITEM_VISIBLE;
        out->author_id = p.author_id;
        out->newsletter_id = 0; /* in a space an author is just another member */
        out->episode_id = 0;
        /* slugs are URL-safe as they are (core/slug.h) */
        out->url = arena_printf(a, "/spaces/%s/%lld?post=%lld#p-%lld", sp.slug, (long long)t.id,
                                (long long)p.id, (long long)p.id);
        out->where = t.title;
        out->body_html = p.body_html;
        out->created_at = p.created_at;
        return PUB_OK;
}

bool space_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now)
{
        (void)now;
        struct db_stmt *s = db_prepare(db, "SELECT t.state, t.author_id FROM space_post p JOIN "
                                           "space_thread t ON t.id = p.thread_id WHERE p.id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, id);
        bool ok = false;
        if (db_step(s) == DB_ROW)
                ok = strcmp(db_col_text(s, 0), "hidden") != 0 || space_can_manage(role) ||
                     (viewer_id && db_col_int(s, 1) == viewer_id);
        db_finish(s);
        return ok;
}

/* ------------------------------------------------------------------ rebuilding */

static int rerender(struct db *db, const char *select, const char *update)
{
        struct db_stmt *s = db_prepare(db, select);
        if (!s)
                return PUB_DB_ERROR;
        int rc = PUB_OK;
        while (rc == PUB_OK && db_step(s) == DB_ROW) {
                const char *md = db_col_text(s, 1);
                struct mdr_result out;
                mdr_render(md, strlen(md), MDR_MEMBER, &out);
                struct db_stmt *u = db_prepare(db, update);
                rc = PUB_DB_ERROR;
                if (u) {
                        db_bind_int(u, 1, db_col_int(s, 0));
                        db_bind_textn(u, 2, out.html.data ? out.html.data : "", out.html.len);
                        rc = db_step(u) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(u);
                }
                mdr_result_free(&out);
        }
        db_finish(s);
        return rc;
}

int space_rebuild(struct db *db)
{
        static const char *const counts[] = {
            "UPDATE space_thread SET post_count = (SELECT count(*) FROM space_post p WHERE "
            "p.thread_id = space_thread.id AND p.state = 'visible'), last_post_at = "
            "coalesce((SELECT "
            "max(p.created_at) FROM space_post p WHERE p.thread_id = space_thread.id), created_at)",
            "UPDATE space SET thread_count = (SELECT count(*) FROM space_thread t WHERE t.space_id "
            "= space.id AND t.state = 'visible'), post_count = coalesce((SELECT sum(t.post_count) "
            "FROM space_thread t WHERE t.space_id = space.id AND t.state = 'visible'), 0), "
            "last_post_at = (SELECT max(p.created_at) FROM space_post p WHERE p.space_id = "
            "space.id)",
            "DELETE FROM space_member",
            "INSERT INTO space_member (space_id, member_id, post_count, last_post_at) SELECT "
            "space_id, author_id, sum(CASE WHEN state = 'visible' THEN 1 ELSE 0 END), "
            "max(created_at) FROM space_post GROUP BY "
            "space_id, author_id",
        };
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        int rc = rerender(db, "SELECT id, description FROM space",
                          "UPDATE space SET description_html = ?2 WHERE id = ?1");
        if (rc == PUB_OK)
                rc = rerender(db, "SELECT id, body FROM space_post WHERE state <> 'deleted'",
                              "UPDATE space_post SET body_html = ?2 WHERE id = ?1");
        for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]) && rc == PUB_OK; i++)
                rc = exec_ints(db, counts[i], 0, 0, 0, 0);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}
