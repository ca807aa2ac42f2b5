/* Newsletters: validation, storage, co-authors and followers. */
#include "model/newsletter.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/slug.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEWSLETTER_COLUMNS                                                                         \
        "n.id, n.slug, n.title, n.description, n.description_html, n.owner_id, m.handle, "         \
        "m.display_name, n.created_at, n.updated_at FROM newsletter n JOIN member m ON m.id = "    \
        "n.owner_id "

static void read_newsletter(struct db_stmt *s, struct arena *a, struct newsletter *n)
{
        n->id = db_col_int(s, 0);
        n->slug = arena_strdup(a, db_col_text(s, 1));
        n->title = arena_strdup(a, db_col_text(s, 2));
        n->description = arena_strdup(a, db_col_text(s, 3));
        n->description_html = arena_strdup(a, db_col_text(s, 4));
        n->owner_id = db_col_int(s, 5);
        n->owner_handle = arena_strdup(a, db_col_text(s, 6));
        n->owner_name = arena_strdup(a, db_col_text(s, 7));
        n->created_at = db_col_int(s, 8);
        n->updated_at = db_col_int(s, 9);
}

static int validate(const struct newsletter_input *in, bool creating, struct field_problem *p)
{
        const char *why;
        if (creating && in->slug && *in->slug && !slug_valid(in->slug))
                return field_problem_set(p, "slug",
                                         N_("Use 1 to 60 lower-case letters, digits and single "
                                            "hyphens, not at either end."));
        if ((why = text_problem(in->title, true, KD_TITLE_MAX)))
                return field_problem_set(p, "title", why);
        if (strchr(in->title, '\n'))
                return field_problem_set(p, "title", N_("A title is one line."));
        if ((why = text_problem(in->description, false, KD_DESCRIPTION_MAX)))
                return field_problem_set(p, "description", why);
        return PUB_OK;
}

/* Renders a description to HTML into a (empty for an empty description). */
static char *render_description(struct arena *a, const char *md)
{
        struct mdr_result r;
        const char *src = md ? md : "";
        char *html = arena_strdup(a, "");
        if (mdr_render(src, strlen(src), MDR_ARTICLE, &r) == 0 && r.html.len)
                html = arena_strndup(a, r.html.data, r.html.len);
        mdr_result_free(&r);
        return html;
}

/* Replaces the co-authors of newsletter id with the handles in list. Inside the caller's
 * transaction. */
static int set_coauthors(struct db *db, int64_t id, int64_t owner_id, const char *list,
                         struct field_problem *p)
{
        struct db_stmt *s =
            db_prepare(db, "DELETE FROM newsletter_author WHERE newsletter_id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return PUB_DB_ERROR;
        int count = 0;
        const char *q = list;
        while (*q) {
                while (*q == ',' || *q == ' ' || *q == '@' || *q == '\n' || *q == '\t' ||
                       *q == '\r')
                        q++;
                size_t n = strcspn(q, ", \n\t\r");
                if (n == 0)
                        break;
                char handle[64];
                if (n >= sizeof(handle))
                        return field_problem_set(p, "coauthors",
                                                 N_("There is no member with that "
                                                    "handle."));
                memcpy(handle, q, n);
                handle[n] = '\0';
                for (char *c = handle; *c; c++)
                        if (*c >= 'A' && *c <= 'Z')
                                *c = (char)(*c - 'A' + 'a');
                q += n;
                if (++count > KD_COAUTHORS_MAX)
                        return field_problem_set(p, "coauthors",
                                                 N_("A newsletter can have at most "
                                                    "eight co-authors."));
                s = db_prepare(db, "SELECT id, role FROM member WHERE handle_key = ?1 AND "
                                   "disabled = 0");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_text(s, 1, handle);
                int64_t mid = 0;
                bool author = false;
                if (db_step(s) == DB_ROW) {
                        mid = db_col_int(s, 0);
                        const char *role = db_col_text(s, 1);
                        author = strcmp(role, "author") == 0 || strcmp(role, "admin") == 0;
                }
                db_finish(s);
                if (!mid)
                        return field_problem_set(p, "coauthors",
                                                 N_("There is no member with that handle."));
                if (!author)
                        return field_problem_set(p, "coauthors",
                                                 N_("Co-authors must be members with the author "
                                                    "role."));
                if (mid == owner_id)
                        continue;
                s = db_prepare(db, "INSERT INTO newsletter_author (newsletter_id, member_id) "
                                   "VALUES (?1, ?2) ON CONFLICT DO NOTHING");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, id);
                db_bind_int(s, 2, mid);
                rc = db_step(s);
                db_finish(s);
                if (rc != DB_DONE)
                        return PUB_DB_ERROR;
        }
        return PUB_OK;
}

int newsletter_create(struct db *db, const struct newsletter_input *in, int64_t owner_id,
                      int64_t *id, struct field_problem *p)
{
        int rc = validate(in, true, p);
        if (rc != PUB_OK)
                return rc;
        char slug[KD_SLUG_MAX_BYTES + 1];
        if (in->slug && *in->slug)
                snprintf(slug, sizeof(slug), "%s", in->slug);
        else
                slug_from_title(in->title, slug, sizeof(slug));
        struct arena *a = arena_new();
        char *html = render_description(a, in->description);
        int64_t now = time_now();
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO newsletter (slug, title, description, description_html, owner_id, "
                "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        db_bind_text(s, 1, slug);
        db_bind_text(s, 2, in->title);
        db_bind_text(s, 3, in->description ? in->description : "");
        db_bind_text(s, 4, html);
        db_bind_int(s, 5, owner_id);
        db_bind_int(s, 6, now);
        int step = db_step(s);
        if (step == DB_ROW) {
                *id = db_col_int(s, 0);
                step = db_step(s);
        }
        db_finish(s);
        if (step == DB_CONSTRAINT) {
                rc = PUB_TAKEN;
                field_problem_set(p, "slug", N_("Another newsletter already uses this address."));
                goto cleanup;
        }
        if (step != DB_DONE) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        rc = in->coauthors ? set_coauthors(db, *id, owner_id, in->coauthors, p) : PUB_OK;
cleanup:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        arena_free(a);
        return rc;
}

int newsletter_update(struct db *db, int64_t id, const struct newsletter_input *in,
                      struct field_problem *p)
{
        int rc = validate(in, false, p);
        if (rc != PUB_OK)
                return rc;
        struct arena *a = arena_new();
        char *html = render_description(a, in->description);
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        struct db_stmt *s = db_prepare(db, "UPDATE newsletter SET title = ?2, description = ?3, "
                                           "description_html = ?4, updated_at = ?5 WHERE id = ?1 "
                                           "RETURNING owner_id");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, in->title);
        db_bind_text(s, 3, in->description ? in->description : "");
        db_bind_text(s, 4, html);
        db_bind_int(s, 5, time_now());
        int64_t owner = 0;
        int step = db_step(s);
        if (step == DB_ROW) {
                owner = db_col_int(s, 0);
                step = db_step(s);
        }
        db_finish(s);
        if (step != DB_DONE) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        if (!owner) {
                rc = PUB_NOT_FOUND;
                goto cleanup;
        }
        rc = in->coauthors ? set_coauthors(db, id, owner, in->coauthors, p) : PUB_OK;
cleanup:
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        arena_free(a);
        return rc;
}

static int find_one(struct db_stmt *s, struct arena *a, struct newsletter *out)
{
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_newsletter(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int newsletter_find_slug(struct db *db, struct arena *a, const char *slug, struct newsletter *out)
{
        struct db_stmt *s = db_prepare(db, "SELECT " NEWSLETTER_COLUMNS "WHERE n.slug = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, slug);
        return find_one(s, a, out);
}

int newsletter_get(struct db *db, struct arena *a, int64_t id, struct newsletter *out)
{
        struct db_stmt *s = db_prepare(db, "SELECT " NEWSLETTER_COLUMNS "WHERE n.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        return find_one(s, a, out);
}

/* Collects every row of s into an arena array. */
static int collect(struct db_stmt *s, struct arena *a, struct newsletter **out)
{
        size_t cap = 0, n = 0;
        struct newsletter *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_newsletter(s, a, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int newsletter_list(struct db *db, struct arena *a, struct newsletter **out)
{
        struct db_stmt *s = db_prepare(db, "SELECT " NEWSLETTER_COLUMNS "ORDER BY n.id");
        if (!s)
                return PUB_DB_ERROR;
        return collect(s, a, out);
}

int newsletter_list_writable(struct db *db, struct arena *a, int64_t member_id, enum role role,
                             struct newsletter **out)
{
        if (role == ROLE_ADMIN)
                return newsletter_list(db, a, out);
        if (role != ROLE_AUTHOR) { /* a demoted author writes nowhere */
                *out = arena_alloc(a, sizeof(**out));
                return 0;
        }
        return newsletter_list_by_author(db, a, member_id, out);
}

int newsletter_list_by_author(struct db *db, struct arena *a, int64_t member_id,
                              struct newsletter **out)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT " NEWSLETTER_COLUMNS "WHERE n.owner_id = ?1 OR n.id IN (SELECT "
                "newsletter_id FROM newsletter_author WHERE member_id = ?1) ORDER BY n.id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        return collect(s, a, out);
}

bool newsletter_is_author(struct db *db, int64_t newsletter_id, int64_t member_id)
{
        if (newsletter_id <= 0 || member_id <= 0)
                return false;
        struct db_stmt *s = db_prepare(
            db, "SELECT 1 FROM newsletter WHERE id = ?1 AND owner_id = ?2 UNION ALL SELECT 1 FROM "
                "newsletter_author WHERE newsletter_id = ?1 AND member_id = ?2");
        if (!s)
                return false;
        db_bind_int(s, 1, newsletter_id);
        db_bind_int(s, 2, member_id);
        bool yes = db_step(s) == DB_ROW;
        db_finish(s);
        return yes;
}

bool newsletter_can_write(struct db *db, int64_t newsletter_id, int64_t member_id, enum role role)
{
        if (role == ROLE_ADMIN)
                return true;
        return role == ROLE_AUTHOR && newsletter_is_author(db, newsletter_id, member_id);
}

const char *newsletter_coauthors(struct db *db, struct arena *a, int64_t newsletter_id)
{
        struct db_stmt *s = db_prepare(db, "SELECT m.handle FROM newsletter_author na JOIN member "
                                           "m ON m.id = na.member_id WHERE na.newsletter_id = ?1 "
                                           "ORDER BY m.handle_key");
        if (!s)
                return "";
        db_bind_int(s, 1, newsletter_id);
        struct buf b = BUF_INIT;
        while (db_step(s) == DB_ROW) {
                if (b.len)
                        buf_puts(&b, ", ");
                buf_puts(&b, db_col_text(s, 0));
        }
        db_finish(s);
        char *r = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return r;
}

int newsletter_set_following(struct db *db, int64_t member_id, int64_t newsletter_id, bool on)
{
        return newsletter_follow(db, member_id, newsletter_id, on, NULL);
}

int newsletter_follow(struct db *db, int64_t member_id, int64_t newsletter_id, bool on,
                      bool *changed)
{
        if (changed)
                *changed = false;
        struct db_stmt *s =
            on ? db_prepare(db, "INSERT INTO follow (member_id, newsletter_id, created_at) "
                                "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
               : db_prepare(db, "DELETE FROM follow WHERE member_id = ?1 AND newsletter_id = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, newsletter_id);
        if (on)
                db_bind_int(s, 3, time_now());
        int rc = db_step(s);
        db_finish(s);
        if (rc == DB_DONE && changed)
                *changed = db_changes(db) > 0;
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

bool newsletter_is_following(struct db *db, int64_t member_id, int64_t newsletter_id)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT 1 FROM follow WHERE member_id = ?1 AND newsletter_id = ?2");
        if (!s)
                return false;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, newsletter_id);
        bool yes = db_step(s) == DB_ROW;
        db_finish(s);
        return yes;
}

int64_t newsletter_follower_count(struct db *db, int64_t newsletter_id)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM follow WHERE newsletter_id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : PUB_DB_ERROR;
        db_finish(s);
        return n;
}

bool newsletter_can_choose_authors(const struct newsletter *n, int64_t member_id, enum role role)
{
        return role == ROLE_ADMIN || (member_id > 0 && n->owner_id == member_id);
}
