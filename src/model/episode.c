/* Episodes: validation, rendering at save time, visibility, and the lists pages need. */
#include "model/episode.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/slug.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/newsletter.h"
#include "model/prompt.h"
#include "model/notification.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {"draft", "scheduled", "published"};
static const char *const ai_names[] = {"none", "assisted", "generated"};

const char *episode_status_name(enum episode_status s)
{
        return (unsigned)s < 3 ? status_names[s] : "draft";
}

int episode_status_parse(const char *name, enum episode_status *s)
{
        for (int i = 0; i < 3; i++)
                if (strcmp(name, status_names[i]) == 0) {
                        *s = (enum episode_status)i;
                        return 0;
                }
        return -1;
}

const char *ai_disclosure_name(enum ai_disclosure a)
{
        return (unsigned)a < 3 ? ai_names[a] : "none";
}

int ai_disclosure_parse(const char *name, enum ai_disclosure *a)
{
        for (int i = 0; i < 3; i++)
                if (strcmp(name, ai_names[i]) == 0) {
                        *a = (enum ai_disclosure)i;
                        return 0;
                }
        return -1;
}

bool episode_is_live(const struct episode *e, int64_t now)
{
        return e->status != EPISODE_DRAFT && e->publish_at <= now;
}

bool episode_viewable(struct db *db, const struct episode *e, int64_t viewer_id, enum role role,
                      int64_t now)
{
        return episode_is_live(e, now) ||
               newsletter_can_write(db, e->newsletter_id, viewer_id, role);
}

/* ------------------------------------------------------------------ saving */

/* The first KD_EXCERPT_CHARS code points of text's first paragraphs, cut at a space, with an
 * ellipsis when cut. Written into a. */
static char *make_excerpt(struct arena *a, const char *text, size_t len)
{
        size_t i = 0, chars = 0, last_space = 0;
        while (i < len && chars < KD_EXCERPT_CHARS) {
                unsigned char c = (unsigned char)text[i];
                if (c == ' ' || c == '\n')
                        last_space = i;
                size_t step = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                i += step;
                chars++;
        }
        if (i >= len)
                i = len;
        bool cut = i < len;
        if (cut && last_space > KD_EXCERPT_CHARS / 2)
                i = last_space;
        char *out = arena_alloc(a, i + 4);
        size_t n = 0;
        for (size_t k = 0; k < i; k++) { /* paragraph breaks become one space */
                char c = text[k] == '\n' ? ' ' : text[k];
                if (c == ' ' && (n == 0 || out[n - 1] == ' '))
                        continue;
                out[n++] = c;
        }
        while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == ',' || out[n - 1] == ';' ||
                         (cut && (out[n - 1] == '.' || out[n - 1] == ':'))))
                n--;
        if (cut) {
                memcpy(out + n, "\xE2\x80\xA6", 3); /* … */
                n += 3;
        }
        out[n] = '\0';
        return out;
}

static int validate(const struct episode_input *in, struct field_problem *p)
{
        const char *why;
        if ((why = text_problem(in->title, true, KD_TITLE_MAX)))
                return field_problem_set(p, "title", why);
        if (strchr(in->title, '\n'))
                return field_problem_set(p, "title", N_("A title is one line."));
        if ((why = text_problem(in->subtitle, false, KD_SUBTITLE_MAX)))
                return field_problem_set(p, "subtitle", why);
        if (in->slug && *in->slug && !slug_valid(in->slug))
                return field_problem_set(p, "slug",
                                         N_("Use 1 to 60 lower-case letters, digits and single "
                                            "hyphens, not at either end."));
        if (in->slug && *in->slug && slug_reserved_for_episode(in->slug))
                return field_problem_set(p, "slug",
                                         N_("This address belongs to the newsletter's own pages "
                                            "(asks, lexicon, follow); choose another."));
        if (in->number < 0 || in->number > KD_MAX_EPISODE_NUMBER)
                return field_problem_set(p, "number", N_("An episode number is from 1 to 9999."));
        size_t blen = in->body ? strlen(in->body) : 0;
        if (blen > KD_MAX_MARKDOWN_BYTES)
                return field_problem_set(p, "body", N_("The text is too long; the limit is 1 MB."));
        if (!in->body || text_problem(in->body, true, (size_t)-1))
                return field_problem_set(p, "body", text_problem(in->body, true, (size_t)-1));
        if (in->cover_image_id && (why = text_problem(in->cover_alt, true, KD_ALT_MAX)))
                return field_problem_set(p, "cover_alt",
                                         strcmp(why, "Please fill this in.") == 0
                                             ? N_("Describe the cover for readers who cannot see "
                                                  "it.")
                                             : why);
        if ((why = text_problem(in->cover_alt, false, KD_ALT_MAX)))
                return field_problem_set(p, "cover_alt", why);
        if ((why = text_problem(in->cover_credit, false, KD_CREDIT_MAX)))
                return field_problem_set(p, "cover_credit", why);
        if ((why = text_problem(in->teaser, false, KD_TEASER_MAX)))
                return field_problem_set(p, "teaser", why);
        if ((unsigned)in->status > EPISODE_PUBLISHED)
                return field_problem_set(p, "status", N_("Choose draft, schedule or publish."));
        if (in->status == EPISODE_SCHEDULED && in->publish_at <= 0)
                return field_problem_set(p, "publish_at", N_("Choose when to publish."));
        if ((unsigned)in->ai > AI_GENERATED)
                return field_problem_set(p, "ai", N_("Choose how AI was used."));
        return PUB_OK;
}

/* Looks up the season's id, and the number: the one given; else, for an edit that stays in its
 * season, the episode's own; else the next free one in the season. */
static int resolve_season(struct db *db, const struct episode_input *in, int64_t id,
                          int64_t *season_id, int *number, struct field_problem *p)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT s.id, coalesce((SELECT max(number) FROM episode WHERE season_id = s.id AND "
                "id <> ?3), 0) + 1, (SELECT number FROM episode WHERE id = ?3 AND season_id = "
                "s.id) FROM season s WHERE s.newsletter_id = ?1 AND s.number = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, in->newsletter_id);
        db_bind_int(s, 2, in->season_number);
        db_bind_int(s, 3, id);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                *season_id = db_col_int(s, 0);
                if (in->number)
                        *number = in->number;
                else if (!db_col_is_null(s, 2))
                        *number = (int)db_col_int(s, 2);
                else
                        *number = (int)db_col_int(s, 1);
        }
        db_finish(s);
        if (rc == DB_DONE)
                return field_problem_set(p, "season", N_("This newsletter has no such season."));
        return rc == DB_ROW ? PUB_OK : PUB_DB_ERROR;
}

/* Which unique rule an insert or update broke: the slug or the number. PUB_DB_ERROR when it was
 * neither (some other constraint failed). */
static int taken(struct db *db, const struct episode_input *in, const char *slug, int64_t season_id,
                 int number, int64_t id, struct field_problem *p)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT (SELECT count(*) FROM episode WHERE newsletter_id = ?1 AND slug = ?2 AND "
                "id <> ?3), (SELECT count(*) FROM episode WHERE season_id = ?4 AND number = ?5 "
                "AND id <> ?3)");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, in->newsletter_id);
        db_bind_text(s, 2, slug);
        db_bind_int(s, 3, id);
        db_bind_int(s, 4, season_id);
        db_bind_int(s, 5, number);
        bool slug_taken = false, number_taken = false;
        if (db_step(s) == DB_ROW) {
                slug_taken = db_col_int(s, 0) > 0;
                number_taken = db_col_int(s, 1) > 0;
        }
        db_finish(s);
        if (slug_taken)
                field_problem_set(p, "slug",
                                  N_("Another episode of this newsletter already uses "
                                     "this address."));
        else if (number_taken)
                field_problem_set(p, "number",
                                  N_("This season already has an episode with that "
                                     "number."));
        else
                return PUB_DB_ERROR;
        return PUB_TAKEN;
}

/* True when image id exists. */
static bool image_exists(struct db *db, int64_t id)
{
        struct db_stmt *s = db_prepare(db, "SELECT 1 FROM image WHERE id = ?1");
        if (!s)
                return false;
        db_bind_int(s, 1, id);
        bool yes = db_step(s) == DB_ROW;
        db_finish(s);
        return yes;
}

int episode_save(struct db *db, int64_t id, const struct episode_input *in, int64_t *out_id,
                 struct field_problem *p)
{
        int rc = validate(in, p);
        if (rc != PUB_OK)
                return rc;
        if (in->cover_image_id > 0 && !image_exists(db, in->cover_image_id))
                return field_problem_set(p, "cover",
                                         N_("That cover image no longer exists; upload "
                                            "it again."));
        struct mdr_result r;
        if (mdr_render(in->body, strlen(in->body), MDR_ARTICLE, &r) != 0) {
                int rc2 = PUB_INVALID;
                if (p) {
                        rc2 = field_problem_set(p, "body", r.error_msgid);
                        p->line = r.error_line;
                }
                mdr_result_free(&r);
                return rc2;
        }
        struct arena *a = arena_new();
        char *excerpt = make_excerpt(a, r.text.data ? r.text.data : "", r.text.len);
        char slug[KD_SLUG_MAX_BYTES + 1];
        if (in->slug && *in->slug)
                snprintf(slug, sizeof(slug), "%s", in->slug);
        else
                slug_episode_from_title(in->title, slug, sizeof(slug));

        int64_t now = time_now();
        enum episode_status status = in->status;
        int64_t publish_at = in->publish_at;
        if (status != EPISODE_DRAFT) {
                if (publish_at <= 0 || in->publish_now)
                        publish_at = now;
                status = publish_at > now ? EPISODE_SCHEDULED : EPISODE_PUBLISHED;
        }

        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        if (id > 0) {
                struct db_stmt *s = db_prepare(db, "SELECT publish_at, status, slug FROM episode "
                                                   "WHERE id = ?1");
                if (!s) {
                        rc = PUB_DB_ERROR;
                        goto cleanup;
                }
                db_bind_int(s, 1, id);
                if (db_step(s) == DB_ROW) {
                        int64_t was_at = db_col_int(s, 0);
                        bool was_draft = strcmp(db_col_text(s, 1), "draft") == 0;
                        bool was_live = !was_draft && was_at <= now;
                        const char *old_slug = db_col_text(s, 2);
                        /* An edit keeps the address unless a new one is asked for, and once
                         * readers have seen it (links, feed ids) it never changes. */
                        if (!in->slug || !*in->slug)
                                snprintf(slug, sizeof(slug), "%s", old_slug);
                        else if (was_live && strcmp(slug, old_slug) != 0)
                                rc = field_problem_set(p, "slug",
                                                       N_("A published episode keeps its address; "
                                                          "links and feed readers depend on it."));
                        /* An edit keeps the original publish time unless a new one is
                         * given. "Publish now" makes a scheduled episode live now (it kept
                         * the old date before), while a live one keeps the time readers
                         * first saw. */
                        if (status != EPISODE_DRAFT && !was_draft &&
                            ((in->publish_at <= 0 && !in->publish_now) ||
                             (in->publish_now && was_live))) {
                                publish_at = was_at;
                                status = publish_at > now ? EPISODE_SCHEDULED : EPISODE_PUBLISHED;
                        }
                }
                db_finish(s);
                if (rc != PUB_OK)
                        goto cleanup;
        }
        if (publish_at <= 0)
                publish_at = now;
        int64_t season_id = 0;
        int number = 0;
        rc = resolve_season(db, in, id, &season_id, &number, p);
        if (rc != PUB_OK)
                goto cleanup;
        /* the write in a savepoint of its own: a taken slug or number fails it, and the
         * transaction must still answer which (PostgreSQL refuses every statement after an
         * error until a rollback to before it) */
        rc = db_begin(db) == DB_OK ? PUB_OK : PUB_DB_ERROR;
        if (rc != PUB_OK)
                goto cleanup;
        struct db_stmt *s;
        if (id > 0)
                s = db_prepare(
                    db,
                    "UPDATE episode SET season_id = ?2, number = ?3, author_id = ?4, slug = "
                    "?5, title = ?6, subtitle = ?7, body = ?8, body_html = ?9, body_text = ?10, "
                    "excerpt = ?11, words = ?12, reading_minutes = ?13, cover_image_id = ?14, "
                    "cover_alt = ?15, cover_credit = ?16, status = ?17, publish_at = ?18, "
                    "ai_disclosure = ?19, teaser = ?20, updated_at = ?21, language = coalesce(?23, "
                    "language) WHERE id = ?1 AND newsletter_id = ?22 RETURNING id");
        else
                s = db_prepare(
                    db, "INSERT INTO episode (season_id, number, author_id, slug, title, "
                        "subtitle, body, body_html, body_text, excerpt, words, reading_minutes, "
                        "cover_image_id, cover_alt, cover_credit, status, publish_at, "
                        "ai_disclosure, teaser, created_at, updated_at, newsletter_id, language) "
                        "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                        "?16, ?17, ?18, ?19, ?20, ?21, ?21, ?22, coalesce(?23, (SELECT language "
                        "FROM member WHERE id = ?4))) RETURNING id");
        if (!s) {
                db_rollback(db);
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        if (id > 0)
                db_bind_int(s, 1, id);
        db_bind_int(s, 2, season_id);
        db_bind_int(s, 3, number);
        db_bind_int(s, 4, in->author_id);
        db_bind_text(s, 5, slug);
        db_bind_text(s, 6, in->title);
        db_bind_text(s, 7, in->subtitle ? in->subtitle : "");
        db_bind_text(s, 8, in->body);
        db_bind_textn(s, 9, r.html.data ? r.html.data : "", r.html.len);
        db_bind_textn(s, 10, r.text.data ? r.text.data : "", r.text.len);
        db_bind_text(s, 11, excerpt);
        db_bind_int(s, 12, r.words);
        db_bind_int(s, 13, r.reading_minutes ? r.reading_minutes : 1);
        if (in->cover_image_id > 0)
                db_bind_int(s, 14, in->cover_image_id);
        else
                db_bind_null(s, 14);
        db_bind_text(s, 15, in->cover_alt ? in->cover_alt : "");
        db_bind_text(s, 16, in->cover_credit ? in->cover_credit : "");
        db_bind_text(s, 17, episode_status_name(status));
        db_bind_int(s, 18, publish_at);
        db_bind_text(s, 19, ai_disclosure_name(in->ai));
        db_bind_text(s, 20, in->teaser ? in->teaser : "");
        db_bind_int(s, 21, now);
        db_bind_int(s, 22, in->newsletter_id);
        if (in->language && *in->language)
                db_bind_text(s, 23, in->language);
        else
                db_bind_null(s, 23);
        int step = db_step(s);
        if (step == DB_ROW) {
                *out_id = db_col_int(s, 0);
                step = db_step(s);
                rc = PUB_OK;
        } else if (step == DB_DONE) {
                rc = PUB_NOT_FOUND;
        }
        db_finish(s);
        if (step == DB_DONE && db_commit(db) != DB_OK)
                step = DB_ERROR;
        else if (step != DB_DONE)
                db_rollback(db); /* the savepoint only */
        if (step == DB_CONSTRAINT)
                rc = taken(db, in, slug, season_id, number, id, p);
        else if (step != DB_DONE)
                rc = PUB_DB_ERROR;
        if (rc == PUB_OK && in->prompts)
                rc = prompt_save_questions(db, *out_id, in->prompts, p);
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

/* ------------------------------------------------------------------ loading */

#define EPISODE_CARD_COLUMNS                                                                       \
        "e.id, e.newsletter_id, n.slug, n.title, e.season_id, s.number, s.title, e.number, "       \
        "e.author_id, m.handle, m.display_name, m.headline, e.slug, e.title, e.subtitle, "         \
        "e.excerpt, e.words, e.reading_minutes, coalesce(e.cover_image_id, 0), i.sha256, "         \
        "i.mime, i.width, i.height, e.cover_alt, e.cover_credit, e.status, e.publish_at, "         \
        "e.ai_disclosure, e.teaser, e.comment_count, e.created_at, e.updated_at, e.language"
#define EPISODE_FROM                                                                               \
        " FROM episode e JOIN newsletter n ON n.id = e.newsletter_id JOIN season s ON s.id = "     \
        "e.season_id JOIN member m ON m.id = e.author_id LEFT JOIN image i ON i.id = "             \
        "e.cover_image_id "
#define EPISODE_CARD "SELECT " EPISODE_CARD_COLUMNS EPISODE_FROM
#define EPISODE_FULL                                                                               \
        "SELECT " EPISODE_CARD_COLUMNS ", e.body, e.body_html, e.body_text" EPISODE_FROM

static const char *ext_for(const char *mime)
{
        if (strcmp(mime, "image/png") == 0)
                return "png";
        if (strcmp(mime, "image/jpeg") == 0)
                return "jpg";
        if (strcmp(mime, "image/webp") == 0)
                return "webp";
        if (strcmp(mime, "image/gif") == 0)
                return "gif";
        return NULL;
}

static void read_episode(struct db_stmt *s, struct arena *a, struct episode *e, bool full)
{
        memset(e, 0, sizeof(*e));
        e->id = db_col_int(s, 0);
        e->newsletter_id = db_col_int(s, 1);
        e->newsletter_slug = arena_strdup(a, db_col_text(s, 2));
        e->newsletter_title = arena_strdup(a, db_col_text(s, 3));
        e->season_id = db_col_int(s, 4);
        e->season_number = (int)db_col_int(s, 5);
        e->season_title = arena_strdup(a, db_col_text(s, 6));
        e->number = (int)db_col_int(s, 7);
        e->author_id = db_col_int(s, 8);
        e->author_handle = arena_strdup(a, db_col_text(s, 9));
        e->author_name = arena_strdup(a, db_col_text(s, 10));
        e->author_headline = arena_strdup(a, db_col_text(s, 11));
        e->slug = arena_strdup(a, db_col_text(s, 12));
        e->title = arena_strdup(a, db_col_text(s, 13));
        e->subtitle = arena_strdup(a, db_col_text(s, 14));
        e->excerpt = arena_strdup(a, db_col_text(s, 15));
        e->words = (int)db_col_int(s, 16);
        e->reading_minutes = (int)db_col_int(s, 17);
        e->cover_image_id = db_col_int(s, 18);
        if (e->cover_image_id && !db_col_is_null(s, 19)) {
                const char *ext = ext_for(db_col_text(s, 20));
                if (ext) {
                        e->cover_url = arena_printf(a, "/media/%s.%s", db_col_text(s, 19), ext);
                        e->cover_mime = arena_strdup(a, db_col_text(s, 20));
                        e->cover_width = (int)db_col_int(s, 21);
                        e->cover_height = (int)db_col_int(s, 22);
                }
        }
        e->cover_alt = arena_strdup(a, db_col_text(s, 23));
        e->cover_credit = arena_strdup(a, db_col_text(s, 24));
        enum episode_status st = EPISODE_DRAFT;
        episode_status_parse(db_col_text(s, 25), &st);
        e->status = st;
        e->publish_at = db_col_int(s, 26);
        enum ai_disclosure ai = AI_NONE;
        ai_disclosure_parse(db_col_text(s, 27), &ai);
        e->ai = ai;
        e->teaser = arena_strdup(a, db_col_text(s, 28));
        e->comment_count = (int)db_col_int(s, 29);
        e->created_at = db_col_int(s, 30);
        e->updated_at = db_col_int(s, 31);
        e->language = db_col_is_null(s, 32) ? NULL : arena_strdup(a, db_col_text(s, 32));
        if (full) {
                e->body = arena_strdup(a, db_col_text(s, 33));
                e->body_html = arena_strdup(a, db_col_text(s, 34));
                e->body_text = arena_strdup(a, db_col_text(s, 35));
        }
}

static int find_one(struct db_stmt *s, struct arena *a, struct episode *out, bool full)
{
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_episode(s, a, out, full);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int episode_find(struct db *db, struct arena *a, const char *newsletter_slug, const char *slug,
                 struct episode *out)
{
        struct db_stmt *s = db_prepare(db, EPISODE_FULL "WHERE n.slug = ?1 AND e.slug = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, newsletter_slug);
        db_bind_text(s, 2, slug);
        return find_one(s, a, out, true);
}

/* One episode by id, with its text (full) or without; each SQL is a literal, as the statement
 * cache keys on it. */
static int get_by_id(struct db *db, struct arena *a, int64_t id, struct episode *out, bool full)
{
        struct db_stmt *s =
            db_prepare(db, full ? EPISODE_FULL "WHERE e.id = ?1" : EPISODE_CARD "WHERE e.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        return find_one(s, a, out, full);
}

int episode_get(struct db *db, struct arena *a, int64_t id, struct episode *out)
{
        return get_by_id(db, a, id, out, true);
}

int episode_get_card(struct db *db, struct arena *a, int64_t id, struct episode *out)
{
        return get_by_id(db, a, id, out, false);
}

static int collect(struct db_stmt *s, struct arena *a, struct episode **out)
{
        size_t cap = 0, n = 0;
        struct episode *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_episode(s, a, &arr[n++], false);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

#define LIVE "e.status <> 'draft' AND e.publish_at <= ?1 "

int episode_list_latest(struct db *db, struct arena *a, int64_t now, int64_t before, int limit,
                        struct episode **out)
{
        struct db_stmt *s = db_prepare(db, EPISODE_CARD "WHERE " LIVE "AND e.publish_at < ?3 "
                                                        "ORDER BY e.publish_at DESC, e.id DESC "
                                                        "LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, limit);
        db_bind_int(s, 3, before > 0 ? before : INT64_MAX);
        return collect(s, a, out);
}

int episode_list_newsletter(struct db *db, struct arena *a, int64_t newsletter_id, int64_t now,
                            int limit, struct episode **out)
{
        struct db_stmt *s = db_prepare(db, EPISODE_CARD "WHERE e.newsletter_id = ?3 AND " LIVE
                                                        "ORDER BY e.publish_at DESC, e.id DESC "
                                                        "LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, limit);
        db_bind_int(s, 3, newsletter_id);
        return collect(s, a, out);
}

int episode_list_season(struct db *db, struct arena *a, int64_t season_id, int64_t now,
                        struct episode **out)
{
        return episode_list_season_first(db, a, season_id, now, INT32_MAX, out);
}

int episode_list_season_first(struct db *db, struct arena *a, int64_t season_id, int64_t now,
                              int limit, struct episode **out)
{
        struct db_stmt *s = db_prepare(db, EPISODE_CARD "WHERE e.season_id = ?2 AND " LIVE
                                                        "ORDER BY e.number LIMIT ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, season_id);
        db_bind_int(s, 3, limit);
        return collect(s, a, out);
}

int episode_list_author(struct db *db, struct arena *a, int64_t author_id, int64_t except_id,
                        int64_t now, int limit, struct episode **out)
{
        struct db_stmt *s = db_prepare(db, EPISODE_CARD "WHERE e.author_id = ?3 AND e.id <> ?4 "
                                                        "AND " LIVE "ORDER BY e.publish_at DESC, "
                                                        "e.id DESC LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, limit);
        db_bind_int(s, 3, author_id);
        db_bind_int(s, 4, except_id);
        return collect(s, a, out);
}

int episode_list_writable(struct db *db, struct arena *a, int64_t member_id, enum role role,
                          int limit, struct episode **out)
{
        if (role != ROLE_AUTHOR && role != ROLE_ADMIN) { /* a demoted author writes nowhere */
                *out = arena_alloc(a, sizeof(**out));
                return 0;
        }
        struct db_stmt *s = db_prepare(
            db, EPISODE_CARD "WHERE ?3 <> 0 OR n.owner_id = ?1 OR e.newsletter_id IN (SELECT "
                             "newsletter_id FROM newsletter_author WHERE member_id = ?1) ORDER BY "
                             "e.updated_at DESC, e.id DESC LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, limit);
        db_bind_int(s, 3, role == ROLE_ADMIN);
        return collect(s, a, out);
}

static int neighbour(struct db_stmt *s, struct arena *a, const struct episode *e, int64_t now,
                     struct episode **out)
{
        *out = NULL;
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, e->newsletter_id);
        db_bind_int(s, 3, e->publish_at);
        db_bind_int(s, 4, e->id);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                *out = arena_alloc(a, sizeof(**out));
                read_episode(s, a, *out, false);
        }
        db_finish(s);
        return rc == DB_ROW || rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

int episode_neighbours(struct db *db, struct arena *a, const struct episode *e, int64_t now,
                       struct episode **prev, struct episode **next)
{
        int rc = neighbour(db_prepare(db, EPISODE_CARD "WHERE e.newsletter_id = ?2 AND " LIVE
                                                       "AND (e.publish_at < ?3 OR (e.publish_at = "
                                                       "?3 AND e.id < ?4)) ORDER BY e.publish_at "
                                                       "DESC, e.id DESC LIMIT 1"),
                           a, e, now, prev);
        if (rc != PUB_OK)
                return rc;
        return neighbour(db_prepare(db, EPISODE_CARD "WHERE e.newsletter_id = ?2 AND " LIVE
                                                     "AND (e.publish_at > ?3 OR (e.publish_at = ?3 "
                                                     "AND e.id > ?4)) ORDER BY e.publish_at, e.id "
                                                     "LIMIT 1"),
                         a, e, now, next);
}

int episode_publish_due(struct db *db, int64_t now)
{
        int total = 0;
        for (;;) { /* in batches, so every flipped episode's followers are told */
                /* The flip and what it causes (notifications, the email fan-out's job) commit
                 * together: a node stopped in between leaves the episodes scheduled, and the
                 * next pass does both. */
                if (db_begin(db) != DB_OK)
                        return PUB_DB_ERROR;
                struct db_stmt *s = db_prepare(
                    db, "UPDATE episode SET status = 'published' WHERE id IN (SELECT id FROM "
                        "episode WHERE status = 'scheduled' AND publish_at <= ?1 LIMIT 64) "
                        "RETURNING id");
                if (!s) {
                        db_rollback(db);
                        return PUB_DB_ERROR;
                }
                db_bind_int(s, 1, now);
                int64_t ids[64];
                int n = 0, rc;
                while ((rc = db_step(s)) == DB_ROW)
                        if (n < 64)
                                ids[n++] = db_col_int(s, 0);
                db_finish(s);
                for (int i = 0; i < n && rc == DB_DONE; i++)
                        if (notify_episode_live(db, ids[i]) != PUB_OK)
                                rc = DB_ERROR;
                if (rc != DB_DONE || db_commit(db) != DB_OK) {
                        db_rollback(db);
                        return PUB_DB_ERROR;
                }
                total += n;
                if (n < 64)
                        return total;
        }
}

const char *episode_body_html(struct db *db, struct arena *a, int64_t id)
{
        struct db_stmt *s = db_prepare(db, "SELECT body_html FROM episode WHERE id = ?1");
        if (!s)
                return NULL;
        db_bind_int(s, 1, id);
        const char *html = db_step(s) == DB_ROW ? arena_strdup(a, db_col_text(s, 0)) : NULL;
        db_finish(s);
        return html;
}

int episode_each_live(struct db *db, int64_t now, int limit,
                      void (*fn)(const char *newsletter_slug, const char *slug, int64_t updated_at,
                                 void *ctx),
                      void *ctx)
{
        struct db_stmt *s = db_prepare(db, "SELECT n.slug, e.slug, e.updated_at FROM episode e "
                                           "JOIN newsletter n ON n.id = e.newsletter_id WHERE " LIVE
                                           "ORDER BY e.publish_at DESC LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, limit);
        int n = 0, rc;
        while ((rc = db_step(s)) == DB_ROW) {
                fn(db_col_text(s, 0), db_col_text(s, 1), db_col_int(s, 2), ctx);
                n++;
        }
        db_finish(s);
        return rc == DB_DONE ? n : PUB_DB_ERROR;
}

int episode_set_times(struct db *db, int64_t id, int64_t created_at, int64_t updated_at)
{
        struct db_stmt *s =
            db_prepare(db, "UPDATE episode SET created_at = ?2, updated_at = ?3 WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, created_at);
        db_bind_int(s, 3, updated_at);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

int episode_refresh_rendering(struct db *db, int64_t id)
{
        struct db_stmt *s = db_prepare(db, "SELECT body FROM episode WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int step = db_step(s);
        char *body = step == DB_ROW ? strdup(db_col_text(s, 0)) : NULL;
        db_finish(s);
        if (step != DB_ROW)
                return step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
        struct mdr_result r;
        int rc = PUB_INVALID;
        if (mdr_render(body, strlen(body), MDR_ARTICLE, &r) == 0) {
                struct arena *a = arena_new();
                char *excerpt = make_excerpt(a, r.text.data ? r.text.data : "", r.text.len);
                s = db_prepare(db, "UPDATE episode SET body_html = ?2, body_text = ?3, excerpt = "
                                   "?4, words = ?5, reading_minutes = ?6 WHERE id = ?1");
                rc = PUB_DB_ERROR;
                if (s) {
                        db_bind_int(s, 1, id);
                        db_bind_textn(s, 2, r.html.data ? r.html.data : "", r.html.len);
                        db_bind_textn(s, 3, r.text.data ? r.text.data : "", r.text.len);
                        db_bind_text(s, 4, excerpt);
                        db_bind_int(s, 5, r.words);
                        db_bind_int(s, 6, r.reading_minutes ? r.reading_minutes : 1);
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
                arena_free(a);
        }
        mdr_result_free(&r);
        free(body);
        return rc;
}

int64_t episode_next_due(struct db *db, int64_t now)
{
        struct db_stmt *s = db_prepare(db, "SELECT min(publish_at) FROM episode WHERE status = "
                                           "'scheduled' AND publish_at > ?1");
        if (!s)
                return now; /* unknown: treat as due now, so nothing stale is served */
        db_bind_int(s, 1, now);
        int64_t t = INT64_MAX;
        if (db_step(s) == DB_ROW && !db_col_is_null(s, 0))
                t = db_col_int(s, 0);
        db_finish(s);
        return t;
}

int episode_live_cards(struct db *db, struct arena *a, const int64_t *ids, int n, int64_t now,
                       struct episode *out, bool *found)
{
        assert(n >= 0 && n <= EPISODE_CARDS_BATCH);
        for (int i = 0; i < n; i++)
                found[i] = false;
        if (n == 0)
                return PUB_OK;
        /* one statement for the batch: its unused places hold 0, which is no episode's id */
        struct db_stmt *s = db_prepare(
            db, EPISODE_CARD
            "WHERE e.id IN (?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17) AND " LIVE);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, now);
        for (int i = 0; i < EPISODE_CARDS_BATCH; i++)
                db_bind_int(s, 2 + i, i < n ? ids[i] : 0);
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                int64_t id = db_col_int(s, 0);
                for (int i = 0; i < n; i++) {
                        if (ids[i] == id && !found[i]) {
                                read_episode(s, a, &out[i], false);
                                found[i] = true;
                                break;
                        }
                }
        }
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}
