/* Lexicon terms: proposals, decisions, reading, moderation, and the cache of compiled sets. */
#include "model/lexicon.h"
#include "model/badge.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/slug.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/item.h"
#include "model/newsletter.h"
#include "model/notification.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {"proposed", "approved", "declined"};
static const char *const state_names[] = {"visible", "deleted", "hidden"};

const char *term_status_name(enum term_status s)
{
        return status_names[s];
}

int term_status_parse(const char *name, enum term_status *s)
{
        for (int i = 0; name && i < 3; i++)
                if (strcmp(name, status_names[i]) == 0) {
                        *s = (enum term_status)i;
                        return 0;
                }
        return -1;
}

/* ---------------------------------------------------------------- rules */

bool term_can_propose(int64_t member_id, enum role role)
{
        return member_id > 0 && role != ROLE_NONE;
}

bool term_can_decide(struct db *db, int64_t newsletter_id, int64_t member_id, enum role role)
{
        if (!member_id || role == ROLE_NONE)
                return false;
        if (role == ROLE_MODERATOR || role == ROLE_ADMIN)
                return true;
        return newsletter_can_write(db, newsletter_id, member_id, role);
}

bool term_can_edit(const struct term *t, int64_t member_id)
{
        return member_id && t->proposer_id == member_id && t->status == TERM_PROPOSED &&
               t->state == TERM_VISIBLE;
}

bool term_can_view(struct db *db, const struct term *t, int64_t member_id, enum role role)
{
        if (t->state == TERM_WITHDRAWN)
                return false;
        if (t->status == TERM_APPROVED && t->state == TERM_VISIBLE)
                return true;
        if (member_id && t->proposer_id == member_id)
                return true;
        return term_can_decide(db, t->newsletter_id, member_id, role);
}

/* ---------------------------------------------------------------- reading */

#define TERM_COLUMNS                                                                               \
        "SELECT t.id, t.newsletter_id, n.slug, n.title, t.term, t.slug, t.definition, "            \
        "t.definition_html, t.origin_url, t.proposer_id, p.handle, p.display_name, t.status, "     \
        "t.status_note, coalesce(t.decided_by, 0), coalesce(d.handle, ''), "                       \
        "coalesce(d.display_name, ''), coalesce(t.decided_at, 0), t.state, t.created_at, "         \
        "t.updated_at, t.language FROM term t JOIN newsletter n ON n.id = t.newsletter_id "        \
        "JOIN member p ON p.id = t.proposer_id LEFT JOIN member d ON d.id = t.decided_by "

static void read_term(struct db_stmt *s, struct arena *a, struct term *t)
{
        memset(t, 0, sizeof(*t));
        t->id = db_col_int(s, 0);
        t->newsletter_id = db_col_int(s, 1);
        t->newsletter_slug = arena_strdup(a, db_col_text(s, 2));
        t->newsletter_title = arena_strdup(a, db_col_text(s, 3));
        t->term = arena_strdup(a, db_col_text(s, 4));
        t->slug = arena_strdup(a, db_col_text(s, 5));
        t->definition = arena_strdup(a, db_col_text(s, 6));
        t->definition_html = arena_strdup(a, db_col_text(s, 7));
        t->origin_url = arena_strdup(a, db_col_text(s, 8));
        t->proposer_id = db_col_int(s, 9);
        t->proposer_handle = arena_strdup(a, db_col_text(s, 10));
        t->proposer_name = arena_strdup(a, db_col_text(s, 11));
        enum term_status st = TERM_PROPOSED;
        term_status_parse(db_col_text(s, 12), &st);
        t->status = st;
        t->status_note = arena_strdup(a, db_col_text(s, 13));
        t->decided_by = db_col_int(s, 14);
        t->decider_handle = arena_strdup(a, db_col_text(s, 15));
        t->decider_name = arena_strdup(a, db_col_text(s, 16));
        t->decided_at = db_col_int(s, 17);
        const char *state = db_col_text(s, 18);
        t->state = strcmp(state, "hidden") == 0    ? TERM_HIDDEN
                   : strcmp(state, "deleted") == 0 ? TERM_WITHDRAWN
                                                   : TERM_VISIBLE;
        t->created_at = db_col_int(s, 19);
        t->updated_at = db_col_int(s, 20);
        t->language = db_col_is_null(s, 21) ? NULL : arena_strdup(a, db_col_text(s, 21));
}

static int read_one(struct db_stmt *s, struct arena *a, struct term *out)
{
        int step = db_step(s);
        if (step == DB_ROW)
                read_term(s, a, out);
        db_finish(s);
        return step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

int term_get(struct db *db, struct arena *a, int64_t id, struct term *out)
{
        struct db_stmt *s = db_prepare(db, TERM_COLUMNS "WHERE t.id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        return read_one(s, a, out);
}

int term_find_slug(struct db *db, struct arena *a, int64_t newsletter_id, const char *slug,
                   struct term *out)
{
        struct db_stmt *s =
            db_prepare(db, TERM_COLUMNS "WHERE t.newsletter_id = ?1 AND t.slug = ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        db_bind_text(s, 2, slug);
        return read_one(s, a, out);
}

int term_list(struct db *db, struct arena *a, int64_t newsletter_id, enum term_status status,
              const char *after_key, int limit, struct term **out)
{
        /* term_by_status (newsletter_id, status, term_key) gives the order and the page */
        struct db_stmt *s = db_prepare(
            db, TERM_COLUMNS "WHERE t.newsletter_id = ?1 AND t.status = ?2 AND t.term_key > ?3 "
                             "AND t.state = 'visible' ORDER BY t.term_key LIMIT ?4");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        db_bind_text(s, 2, term_status_name(status));
        db_bind_text(s, 3, after_key ? after_key : "");
        db_bind_int(s, 4, limit);
        size_t n = 0, cap = 0;
        struct term *list = NULL;
        int step;
        while ((step = db_step(s)) == DB_ROW) {
                list = arena_grow(a, list, n, &cap, sizeof(*list));
                read_term(s, a, &list[n++]);
        }
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        *out = list;
        return (int)n;
}

const char *term_key_of(struct arena *a, const struct term *t)
{
        struct buf b = BUF_INIT;
        lexicon_key(t->term, &b);
        char *k = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return k;
}

/* ---------------------------------------------------------------- checking input */

/* The term as stored: trimmed, whitespace runs as one space. Arena string. */
static char *term_clean(struct arena *a, const char *s)
{
        struct buf b = BUF_INIT;
        bool space = false;
        for (const char *p = s; *p; p++) {
                if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
                        space = b.len > 0;
                        continue;
                }
                if (space)
                        buf_putc(&b, ' ');
                space = false;
                buf_putc(&b, *p);
        }
        char *out = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return out;
}

static int check_term(struct arena *a, const char *raw, const char **term, const char **key,
                      struct field_problem *p)
{
        const char *why = text_problem(raw, true, KD_TERM_MAX_CHARS);
        if (why)
                return field_problem_set(
                    p, "term",
                    strcmp(why, "This is too long.") == 0 ? N_("A term can be up to 60 characters.")
                    : strcmp(why, "Please fill this in.") == 0 ? N_("Write the term first.")
                                                               : why);
        if (strchr(raw, '\n'))
                return field_problem_set(p, "term", N_("A term fits on one line."));
        *term = term_clean(a, raw);
        /* at least one letter or digit: a term of punctuation alone would link every comma */
        bool letter = false;
        for (const unsigned char *u = (const unsigned char *)*term; *u && !letter; u++)
                letter = *u >= 0x80 || (*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
                         (*u >= '0' && *u <= '9');
        if (!letter)
                return field_problem_set(p, "term", N_("A term needs at least one letter."));
        struct buf b = BUF_INIT;
        lexicon_key(*term, &b);
        *key = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return PUB_OK;
}

static int render_definition(const char *md, struct mdr_result *r, struct field_problem *p)
{
        memset(r, 0, sizeof(*r));
        const char *why = text_problem(md, true, KD_TERM_DEFINITION_MAX);
        if (why)
                return field_problem_set(p, "definition",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A definition can be up to 1,000 characters.")
                                         : strcmp(why, "Please fill this in.") == 0
                                             ? N_("Say what the term means.")
                                             : why);
        if (mdr_render(md, strlen(md), MDR_MEMBER, r) != 0) {
                if (p) {
                        field_problem_set(p, "definition", r->error_msgid);
                        p->line = r->error_line;
                }
                return PUB_INVALID;
        }
        return PUB_OK;
}

/* A positive decimal id without sign, spaces or leading zeros, as the router reads "#id"; 0 for
 * anything else. */
static int64_t parse_id(const char *s)
{
        int64_t v = 0;
        if (!s || *s < '1' || *s > '9')
                return 0;
        for (; *s; s++) {
                if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
                        return 0;
                v = v * 10 + (*s - '0');
        }
        return v;
}

/* Checks an origin address and sets *path to the canonical local path ("" for none):
 * "/n/<newsletter>/<episode>" or the same with "#c-<comment id>". Accepted forms: that path,
 * "/n/<newsletter>/<episode>/comments/<id>", either after the site's own address. The episode
 * and comment must exist and be visible to member (id, role). */
static int check_origin(struct db *db, struct arena *a, const struct term_input *in,
                        const char **path, struct field_problem *p)
{
        *path = "";
        const char *o = in->origin ? in->origin : "";
        while (*o == ' ' || *o == '\t')
                o++;
        size_t len = strlen(o);
        while (len && (o[len - 1] == ' ' || o[len - 1] == '\t' || o[len - 1] == '\n'))
                len--;
        if (!len)
                return PUB_OK;
        static const char *const bad = N_("Give the address of an episode or a comment on this "
                                          "site, such as /n/newsletter/episode#c-12.");
        if (len > KD_TERM_ORIGIN_MAX_BYTES)
                return field_problem_set(p, "origin", bad);
        char *s = arena_strndup(a, o, len);
        size_t site = in->site_url ? strlen(in->site_url) : 0;
        if (site && strncmp(s, in->site_url, site) == 0 && s[site] == '/')
                s += site;
        if (strncmp(s, "/n/", 3) != 0 || strchr(s, '?'))
                return field_problem_set(p, "origin", bad);
        char *frag = strchr(s, '#');
        if (frag)
                *frag++ = '\0';
        char *segs[6];
        int nseg = 0;
        for (char *save = NULL, *t = strtok_r(s + 3, "/", &save); t; t = strtok_r(NULL, "/", &save))
                if (nseg < 6)
                        segs[nseg++] = t;
                else
                        return field_problem_set(p, "origin", bad);
        int64_t comment_id = 0;
        if (nseg == 4 && strcmp(segs[2], "comments") == 0 && (!frag || !*frag))
                comment_id = parse_id(segs[3]);
        else if (nseg == 2 && frag && strncmp(frag, "c-", 2) == 0)
                comment_id = parse_id(frag + 2);
        else if (nseg != 2 || (frag && *frag))
                return field_problem_set(p, "origin", bad);
        if (!slug_valid(segs[0]) || !slug_valid(segs[1]) || ((nseg == 4 || frag) && !comment_id))
                return field_problem_set(p, "origin", bad);
        struct episode e;
        int rc = episode_find(db, a, segs[0], segs[1], &e);
        if (rc == PUB_DB_ERROR)
                return rc;
        if (rc != PUB_OK || !episode_viewable(db, &e, in->member_id, in->role, time_now()))
                return field_problem_set(p, "origin",
                                         N_("There is no episode at that address on this site."));
        if (comment_id) {
                struct comment c;
                rc = comment_get(db, a, comment_id, &c);
                if (rc == PUB_DB_ERROR)
                        return rc;
                if (rc != PUB_OK || c.episode_id != e.id || c.state != COMMENT_VISIBLE)
                        return field_problem_set(p, "origin",
                                                 N_("There is no comment at that address."));
                *path = arena_printf(a, "/n/%s/%s#c-%lld", e.newsletter_slug, e.slug,
                                     (long long)comment_id);
        } else {
                *path = arena_printf(a, "/n/%s/%s", e.newsletter_slug, e.slug);
        }
        return PUB_OK;
}

/* PUB_TAKEN (p: "term") when key is approved, or proposed and visible, in the newsletter (other
 * than term except_id). */
static int check_duplicate(struct db *db, int64_t newsletter_id, const char *key, int64_t except_id,
                           bool approved_only, struct field_problem *p)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT status FROM term WHERE newsletter_id = ?1 AND status IN ('approved', ?4) "
                "AND term_key = ?2 AND id <> ?3 AND (status = 'approved' OR state = 'visible') "
                "ORDER BY status = 'approved' DESC LIMIT 1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        db_bind_text(s, 2, key);
        db_bind_int(s, 3, except_id);
        db_bind_text(s, 4, approved_only ? "approved" : "proposed");
        int step = db_step(s);
        bool approved = step == DB_ROW && strcmp(db_col_text(s, 0), "approved") == 0;
        db_finish(s);
        if (step == DB_DONE)
                return PUB_OK;
        if (step != DB_ROW)
                return PUB_DB_ERROR;
        field_problem_set(p, "term",
                          approved ? N_("This term is already in the lexicon.")
                                   : N_("This term has already been proposed and is waiting "
                                        "for a decision."));
        return PUB_TAKEN;
}

static int bump_version(struct db *db, int64_t newsletter_id)
{
        struct db_stmt *s = db_prepare(
            db, "UPDATE newsletter SET lexicon_version = lexicon_version + 1 WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        int rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

/* Gives term id its slug: made from the term, with "-<id>" when that is taken in the newsletter
 * or the term has no ASCII letters to make one from ("term-<id>"). */
static int assign_slug(struct db *db, int64_t id, int64_t newsletter_id, const char *term)
{
        char base[KD_SLUG_MAX_BYTES - 12];
        slug_from_title(term, base, sizeof(base));
        bool plain = strcmp(base, "untitled") != 0;
        if (!plain)
                snprintf(base, sizeof(base), "term");
        char slug[KD_SLUG_MAX_BYTES + 1];
        snprintf(slug, sizeof(slug), "%s", base);
        if (plain) {
                struct db_stmt *s = db_prepare(
                    db, "SELECT 1 FROM term WHERE newsletter_id = ?1 AND slug = ?2 AND id <> ?3");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, newsletter_id);
                db_bind_text(s, 2, base);
                db_bind_int(s, 3, id);
                int step = db_step(s);
                db_finish(s);
                if (step != DB_ROW && step != DB_DONE)
                        return PUB_DB_ERROR;
                plain = step == DB_DONE;
        }
        if (!plain)
                snprintf(slug, sizeof(slug), "%s-%lld", base, (long long)id);
        struct db_stmt *u = db_prepare(db, "UPDATE term SET slug = ?2 WHERE id = ?1");
        if (!u)
                return PUB_DB_ERROR;
        db_bind_int(u, 1, id);
        db_bind_text(u, 2, slug);
        int rc = db_step(u) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(u);
        return rc;
}

/* ---------------------------------------------------------------- writing */

int term_propose(struct db *db, const struct term_input *in, int64_t *id, struct field_problem *p)
{
        struct arena *a = arena_new();
        struct mdr_result md = {0};
        const char *term = NULL, *key = NULL, *origin = "";
        int rc = check_term(a, in->term, &term, &key, p);
        if (rc == PUB_OK)
                rc = render_definition(in->definition, &md, p);
        if (rc != PUB_OK)
                goto done;
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        struct newsletter n;
        rc = newsletter_get(db, a, in->newsletter_id, &n);
        if (rc == PUB_OK)
                rc = check_origin(db, a, in, &origin, p);
        if (rc == PUB_OK)
                rc = check_duplicate(db, in->newsletter_id, key, 0, false, p);
        if (rc != PUB_OK)
                goto rollback;
        int64_t now = time_now();
        /* the slug is settled once the id is known (assign_slug); "~new" holds its place */
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO term (newsletter_id, term, term_key, slug, definition, "
                "definition_html, origin_url, proposer_id, created_at, updated_at, language) "
                "VALUES (?1, ?2, ?3, '~new', ?4, ?5, ?6, ?7, ?8, ?8, (SELECT language FROM "
                "member WHERE id = ?7)) RETURNING id");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto rollback;
        }
        db_bind_int(s, 1, in->newsletter_id);
        db_bind_text(s, 2, term);
        db_bind_text(s, 3, key);
        db_bind_text(s, 4, in->definition);
        db_bind_textn(s, 5, md.html.data ? md.html.data : "", md.html.len);
        db_bind_text(s, 6, origin);
        db_bind_int(s, 7, in->member_id);
        db_bind_int(s, 8, now);
        int step = db_step(s);
        *id = step == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        rc = *id ? assign_slug(db, *id, in->newsletter_id, term) : PUB_DB_ERROR;
        if (rc == PUB_OK && db_commit(db) == DB_OK)
                goto done;
        rc = PUB_DB_ERROR;
rollback:
        db_rollback(db);
done:
        mdr_result_free(&md);
        arena_free(a);
        return rc;
}

int term_edit(struct db *db, int64_t id, const struct term_input *in, struct field_problem *p)
{
        struct arena *a = arena_new();
        struct mdr_result md = {0};
        const char *term = NULL, *key = NULL, *origin = "";
        struct term t;
        int rc = term_get(db, a, id, &t);
        if (rc == PUB_OK && t.state == TERM_WITHDRAWN)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK && !term_can_edit(&t, in->member_id))
                rc = PUB_FORBIDDEN;
        if (rc == PUB_OK)
                rc = check_term(a, in->term, &term, &key, p);
        if (rc == PUB_OK)
                rc = render_definition(in->definition, &md, p);
        if (rc != PUB_OK)
                goto done;
        if (db_begin(db) != DB_OK) {
                rc = PUB_DB_ERROR;
                goto done;
        }
        rc = check_origin(db, a, in, &origin, p);
        if (rc == PUB_OK)
                rc = check_duplicate(db, t.newsletter_id, key, id, false, p);
        if (rc != PUB_OK)
                goto rollback;
        /* still pending: a decision may have come in since it was read */
        struct db_stmt *s = db_prepare(
            db, "UPDATE term SET term = ?2, term_key = ?3, definition = ?4, definition_html = ?5, "
                "origin_url = ?6, updated_at = ?7 WHERE id = ?1 AND status = 'proposed' AND "
                "state = 'visible'");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto rollback;
        }
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, term);
        db_bind_text(s, 3, key);
        db_bind_text(s, 4, in->definition);
        db_bind_textn(s, 5, md.html.data ? md.html.data : "", md.html.len);
        db_bind_text(s, 6, origin);
        db_bind_int(s, 7, time_now());
        int step = db_step(s);
        db_finish(s);
        if (step != DB_DONE) {
                rc = PUB_DB_ERROR;
                goto rollback;
        }
        if (db_changes(db) == 0) {
                rc = PUB_FORBIDDEN;
                goto rollback;
        }
        rc = strcmp(term, t.term) != 0 ? assign_slug(db, id, t.newsletter_id, term) : PUB_OK;
        if (rc == PUB_OK && db_commit(db) == DB_OK)
                goto done;
        rc = PUB_DB_ERROR;
rollback:
        db_rollback(db);
done:
        mdr_result_free(&md);
        arena_free(a);
        return rc;
}

int term_withdraw(struct db *db, int64_t id, int64_t member_id)
{
        struct arena *a = arena_new();
        struct term t;
        int rc = term_get(db, a, id, &t);
        if (rc == PUB_OK && t.state == TERM_WITHDRAWN)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK && !term_can_edit(&t, member_id))
                rc = PUB_FORBIDDEN;
        arena_free(a);
        if (rc != PUB_OK)
                return rc;
        struct db_stmt *s = db_prepare(
            db, "UPDATE term SET state = 'deleted', updated_at = ?2 WHERE id = ?1 AND status = "
                "'proposed' AND state = 'visible'");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, time_now());
        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        if (rc == PUB_OK && db_changes(db) == 0)
                rc = PUB_FORBIDDEN;
        return rc;
}

int term_decide(struct db *db, int64_t id, int64_t decider_id, bool approve, const char *note,
                struct field_problem *p)
{
        const char *why = text_problem(note, false, KD_TERM_NOTE_MAX);
        if (why)
                return field_problem_set(p, "note",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A note can be up to 300 characters.")
                                             : why);
        struct arena *a = arena_new();
        int rc;
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        struct term t;
        rc = term_get(db, a, id, &t);
        if (rc == PUB_OK && t.state == TERM_WITHDRAWN)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK && (t.status != TERM_PROPOSED || t.state != TERM_VISIBLE))
                rc = field_problem_set(p, "term", N_("This proposal has already been decided."));
        if (rc == PUB_OK && approve)
                rc = check_duplicate(db, t.newsletter_id, term_key_of(a, &t), id, true, p);
        if (rc != PUB_OK)
                goto rollback;
        struct db_stmt *s = db_prepare(
            db, "UPDATE term SET status = ?2, status_note = ?3, decided_by = ?4, decided_at = ?5, "
                "updated_at = ?5 WHERE id = ?1 AND status = 'proposed'");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto rollback;
        }
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, approve ? "approved" : "declined");
        db_bind_text(s, 3, note ? note : "");
        db_bind_int(s, 4, decider_id);
        db_bind_int(s, 5, time_now());
        int step = db_step(s);
        db_finish(s);
        if (step == DB_CONSTRAINT) { /* term_approved: approved at the same moment elsewhere */
                field_problem_set(p, "term", N_("This term is already in the lexicon."));
                rc = PUB_TAKEN;
                goto rollback;
        }
        rc = step == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        if (rc == PUB_OK && approve)
                rc = bump_version(db, t.newsletter_id);
        if (rc == PUB_OK)
                rc = notify_item(db, t.proposer_id, "term", decider_id, "term", id, 0);
        if (rc == PUB_OK) /* an approved term earns "wordsmith" (badge.h) */
                badges_refresh(db, t.proposer_id);
        if (rc == PUB_OK && db_commit(db) == DB_OK) {
                arena_free(a);
                return PUB_OK;
        }
        if (rc == PUB_OK)
                rc = PUB_DB_ERROR;
rollback:
        db_rollback(db);
        arena_free(a);
        return rc;
}

/* ---------------------------------------------------------------- the item kind */

int term_item_load(struct db *db, struct arena *a, int64_t id, struct item *out)
{
        struct term t;
        int rc = term_get(db, a, id, &t);
        if (rc != PUB_OK)
                return rc;
        out->state = t.state == TERM_WITHDRAWN ? ITEM_DELETED
                     : t.state == TERM_HIDDEN  ? ITEM_HIDDEN
                                               : ITEM_VISIBLE;
        out->author_id = t.proposer_id;
        out->newsletter_id = t.newsletter_id;
        out->episode_id = 0;
        /* slugs are URL-safe as they are (core/slug.h) */
        out->url = arena_printf(a, "/n/%s/lexicon/%s", t.newsletter_slug, t.slug);
        out->where = t.newsletter_title;
        out->body_html = t.state == TERM_WITHDRAWN ? "" : t.definition_html;
        out->created_at = t.created_at;
        return PUB_OK;
}

bool term_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now)
{
        (void)now;
        struct arena *a = arena_new();
        struct term t;
        bool ok = term_get(db, a, id, &t) == PUB_OK && term_can_view(db, &t, viewer_id, role);
        arena_free(a);
        return ok;
}

int term_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct db_stmt *s = db_prepare(
            db, "UPDATE term SET state = ?2, moderated_by = ?3, updated_at = ?4 WHERE id = ?1 AND "
                "state <> 'deleted' RETURNING newsletter_id, status");
        int rc = PUB_DB_ERROR;
        int64_t newsletter = 0;
        bool approved = false;
        if (s) {
                db_bind_int(s, 1, id);
                db_bind_text(s, 2, state_names[hidden ? TERM_HIDDEN : TERM_VISIBLE]);
                db_bind_int(s, 3, moderator_id);
                db_bind_int(s, 4, time_now());
                int step = db_step(s);
                if (step == DB_ROW) {
                        newsletter = db_col_int(s, 0);
                        approved = strcmp(db_col_text(s, 1), "approved") == 0;
                }
                db_finish(s);
                rc = step == DB_ROW ? PUB_OK : step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
        }
        if (rc == PUB_OK && approved)
                rc = bump_version(db, newsletter);
        if (rc == PUB_OK) /* a hidden term takes back "wordsmith" */
                badges_refresh_of(db, "SELECT proposer_id FROM term WHERE id = ?1", id);
        if (rc == PUB_OK && db_commit(db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(db);
        return rc;
}

/* ---------------------------------------------------------------- the cache */

/* Compiled sets are shared by every request thread. A request gets its own copy in its arena
 * (one memcpy of a block with no pointers inside) rather than a reference: arenas have no
 * release hook, so a shared set could not know when the last page using it was written, and a
 * copy of a few dozen kilobytes costs microseconds. Slots are few (KD_LEXICON_CACHE_SLOTS); the
 * least recently used one is replaced. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        int64_t newsletter_id, version;
        uint64_t used;
        struct lexicon *lx;
} cache[KD_LEXICON_CACHE_SLOTS];
static uint64_t cache_clock;

static const struct lexicon *cache_lookup(struct arena *a, int64_t newsletter_id, int64_t version,
                                          bool *found)
{
        const struct lexicon *copy = NULL;
        *found = false;
        pthread_mutex_lock(&cache_lock);
        for (int i = 0; i < KD_LEXICON_CACHE_SLOTS; i++)
                if (cache[i].lx && cache[i].newsletter_id == newsletter_id &&
                    cache[i].version == version) {
                        cache[i].used = ++cache_clock;
                        *found = true;
                        if (lexicon_terms(cache[i].lx))
                                copy = lexicon_copy(a, cache[i].lx);
                        break;
                }
        pthread_mutex_unlock(&cache_lock);
        return copy;
}

static void cache_store(int64_t newsletter_id, int64_t version, struct lexicon *lx)
{
        pthread_mutex_lock(&cache_lock);
        int slot = 0;
        for (int i = 0; i < KD_LEXICON_CACHE_SLOTS; i++) {
                if (cache[i].lx && cache[i].newsletter_id == newsletter_id) {
                        slot = i;
                        break;
                }
                if (!cache[i].lx || cache[i].used < cache[slot].used)
                        slot = i;
        }
        lexicon_free(cache[slot].lx);
        cache[slot].newsletter_id = newsletter_id;
        cache[slot].version = version;
        cache[slot].used = ++cache_clock;
        cache[slot].lx = lx;
        pthread_mutex_unlock(&cache_lock);
}

const struct lexicon *lexicon_for_newsletter(struct db *db, struct arena *a, int64_t newsletter_id)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT lexicon_version, slug FROM newsletter WHERE id = ?1");
        if (!s)
                return NULL;
        db_bind_int(s, 1, newsletter_id);
        if (db_step(s) != DB_ROW) {
                db_finish(s);
                return NULL;
        }
        int64_t version = db_col_int(s, 0);
        char *nslug = arena_strdup(a, db_col_text(s, 1));
        db_finish(s);
        bool found;
        const struct lexicon *copy = cache_lookup(a, newsletter_id, version, &found);
        if (found)
                return copy;
        /* Built outside the lock; two threads building the same version at once both store,
         * and the second replaces the first: wasteful, never wrong. */
        s = db_prepare(db, "SELECT term, slug FROM term WHERE newsletter_id = ?1 AND status = "
                           "'approved' AND state = 'visible' ORDER BY term_key LIMIT ?2");
        if (!s)
                return NULL;
        db_bind_int(s, 1, newsletter_id);
        db_bind_int(s, 2, KD_LEXICON_MAX_LINKED);
        size_t n = 0, cap = 0;
        struct lexicon_entry *entries = NULL;
        int step;
        while ((step = db_step(s)) == DB_ROW) {
                entries = arena_grow(a, entries, n, &cap, sizeof(*entries));
                entries[n].term = arena_strdup(a, db_col_text(s, 0));
                entries[n++].href = arena_printf(a, "/n/%s/lexicon/%s", nslug, db_col_text(s, 1));
        }
        db_finish(s);
        if (step != DB_DONE)
                return NULL;
        struct lexicon *lx = lexicon_build(entries, n);
        copy = n ? lexicon_copy(a, lx) : NULL;
        cache_store(newsletter_id, version, lx);
        return copy;
}

/* ---------------------------------------------------------------- import */

int term_rebuild_derived(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "SELECT id, term, definition FROM term");
        if (!s)
                return -1;
        int rc = 0;
        while (rc == 0 && db_step(s) == DB_ROW) {
                struct buf key = BUF_INIT;
                lexicon_key(db_col_text(s, 1), &key);
                const char *md = db_col_text(s, 2);
                struct mdr_result out;
                mdr_render(md, strlen(md), MDR_MEMBER, &out);
                struct db_stmt *u = db_prepare(
                    db, "UPDATE term SET term_key = ?2, definition_html = ?3 WHERE id = ?1");
                rc = -1;
                if (u) {
                        db_bind_int(u, 1, db_col_int(s, 0));
                        db_bind_textn(u, 2, key.data ? key.data : "", key.len);
                        db_bind_textn(u, 3, out.html.data ? out.html.data : "", out.html.len);
                        rc = db_step(u) == DB_DONE ? 0 : -1;
                        db_finish(u);
                }
                mdr_result_free(&out);
                buf_free(&key);
        }
        db_finish(s);
        return rc;
}
