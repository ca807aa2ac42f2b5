/* Asks: proposing, voting, deciding, hiding, and the lists that rank them (ask.h). */
#include "model/ask.h"
#include "model/badge.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "markdown/markdown.h"
#include "model/newsletter.h"
#include "model/notification.h"

#include <string.h>

static const char *const status_names[] = {"open", "planned", "covered", "declined"};
static const char *const view_names[ASK_VIEWS] = {"top", "new", "planned", "covered", "declined"};

const char *ask_status_name(enum ask_status s)
{
        return (unsigned)s < 4 ? status_names[s] : "open";
}

int ask_status_parse(const char *name, enum ask_status *s)
{
        for (int i = 0; i < 4; i++)
                if (strcmp(name, status_names[i]) == 0) {
                        *s = (enum ask_status)i;
                        return 0;
                }
        return -1;
}

const char *ask_view_name(enum ask_view v)
{
        return (unsigned)v < ASK_VIEWS ? view_names[v] : "top";
}

int ask_view_parse(const char *name, enum ask_view *v)
{
        if (!*name) {
                *v = ASK_VIEW_TOP;
                return 0;
        }
        for (int i = 0; i < ASK_VIEWS; i++)
                if (strcmp(name, view_names[i]) == 0) {
                        *v = (enum ask_view)i;
                        return 0;
                }
        return -1;
}

/* ------------------------------------------------------------------ permissions */

bool ask_can_propose(int64_t member_id, enum role role)
{
        return member_id > 0 && role != ROLE_NONE;
}

bool ask_can_change(const struct ask *k, int64_t member_id)
{
        return member_id > 0 && k->author_id == member_id && k->state == ITEM_VISIBLE &&
               k->status == ASK_OPEN;
}

bool ask_can_vote(const struct ask *k, int64_t member_id)
{
        return member_id > 0 && k->state == ITEM_VISIBLE &&
               (k->status == ASK_OPEN || k->status == ASK_PLANNED);
}

bool ask_can_decide(struct db *db, const struct ask *k, int64_t member_id, enum role role)
{
        return member_id > 0 && k->state == ITEM_VISIBLE &&
               newsletter_can_write(db, k->newsletter_id, member_id, role);
}

bool ask_can_moderate(struct db *db, const struct ask *k, int64_t member_id, enum role role)
{
        struct item it = {.target = "ask",
                          .id = k->id,
                          .state = k->state,
                          .author_id = k->author_id,
                          .newsletter_id = k->newsletter_id};
        return member_id > 0 && k->state != ITEM_DELETED &&
               item_can_moderate(db, &it, member_id, role);
}

/* ------------------------------------------------------------------ checks */

/* Lines of s: newlines plus one (a trailing newline starts no line). */
static size_t count_lines(const char *s)
{
        size_t n = *s ? 1 : 0;
        for (const char *c = s; *c; c++)
                if (*c == '\n' && c[1])
                        n++;
        return n;
}

/* Checks title and body and renders the body. On PUB_OK, html holds the body's HTML (the
 * caller frees it with mdr_result_free). */
static int check_input(const struct ask_input *in, struct mdr_result *html, struct field_problem *p)
{
        memset(html, 0, sizeof(*html));
        const char *title = in->title ? in->title : "";
        const char *body = in->body ? in->body : "";
        const char *why = text_problem(title, true, KD_ASK_TITLE_MAX);
        if (why)
                return field_problem_set(p, "title",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A title can be up to 120 characters.")
                                         : strcmp(why, "Please fill this in.") == 0
                                             ? N_("Name the topic you would like covered.")
                                             : why);
        if (strchr(title, '\n') || strchr(title, '\r'))
                return field_problem_set(p, "title", N_("A title is one line."));
        why = text_problem(body, false, KD_ASK_BODY_MAX);
        if (why)
                return field_problem_set(p, "body",
                                         strcmp(why, "This is too long.") == 0
                                             ? N_("A few lines are enough: up to 1,000 "
                                                  "characters.")
                                             : why);
        if (count_lines(body) > KD_ASK_BODY_MAX_LINES)
                return field_problem_set(p, "body", N_("A few lines are enough: up to 12 lines."));
        if (mdr_render(body, strlen(body), MDR_MEMBER, html) != 0) {
                if (p) {
                        field_problem_set(p, "body", html->error_msgid);
                        p->line = html->error_line;
                }
                mdr_result_free(html);
                return PUB_INVALID;
        }
        return PUB_OK;
}

int ask_input_check(const struct ask_input *in, struct field_problem *p)
{
        struct mdr_result html;
        int rc = check_input(in, &html, p);
        if (rc == PUB_OK)
                mdr_result_free(&html);
        return rc;
}

/* Runs one statement with n (0 to 3) integer parameters, expecting no rows. */
static int exec_ints(struct db *db, const char *sql, int n, int64_t a, int64_t b, int64_t c)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        const int64_t v[3] = {a, b, c};
        for (int i = 0; i < n && i < 3; i++)
                db_bind_int(s, i + 1, v[i]);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? PUB_OK : PUB_DB_ERROR;
}

/* Moves the newsletter's open count by delta (an ask entered or left "visible and open"). */
static int open_count_move(struct db *db, int64_t newsletter_id, int delta)
{
        if (delta == 0)
                return PUB_OK;
        return exec_ints(db,
                         "UPDATE newsletter SET ask_open_count = CASE WHEN ask_open_count + ?2 > 0 THEN "
                         "ask_open_count + ?2 ELSE 0 END WHERE "
                         "id = ?1",
                         2, newsletter_id, delta, 0);
}

/* The stored facts a write needs, read inside its transaction. */
struct ask_row {
        int64_t newsletter_id, author_id;
        enum ask_status status;
        enum item_state state;
};

static enum item_state state_parse(const char *s)
{
        return strcmp(s, "deleted") == 0  ? ITEM_DELETED
               : strcmp(s, "hidden") == 0 ? ITEM_HIDDEN
                                          : ITEM_VISIBLE;
}

static int row_read(struct db *db, int64_t id, struct ask_row *row)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT newsletter_id, author_id, status, state FROM ask WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                row->newsletter_id = db_col_int(s, 0);
                row->author_id = db_col_int(s, 1);
                if (ask_status_parse(db_col_text(s, 2), &row->status) != 0)
                        row->status = ASK_OPEN;
                row->state = state_parse(db_col_text(s, 3));
        }
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

static bool counts_open(enum ask_status status, enum item_state state)
{
        return status == ASK_OPEN && state == ITEM_VISIBLE;
}

/* Ends a transaction: commits when rc is PUB_OK, else rolls back. Returns rc (or
 * PUB_DB_ERROR when the commit fails). */
static int finish(struct db *db, int rc)
{
        if (rc == PUB_OK) {
                if (db_commit(db) != DB_OK) {
                        db_rollback(db);
                        return PUB_DB_ERROR;
                }
                return PUB_OK;
        }
        db_rollback(db);
        return rc;
}

/* ------------------------------------------------------------------ writes */

int ask_create(struct db *db, const struct ask_input *in, int64_t *id, struct field_problem *p)
{
        struct mdr_result html;
        int rc = check_input(in, &html, p);
        if (rc != PUB_OK)
                return rc;
        if (db_begin(db) != DB_OK) {
                mdr_result_free(&html);
                return PUB_DB_ERROR;
        }
        int64_t now = time_now();
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO ask (newsletter_id, author_id, title, body, body_html, vote_count, "
                "created_at, updated_at, language) SELECT n.id, ?2, ?3, ?4, ?5, 1, ?6, ?6, "
                "(SELECT language FROM member WHERE id = ?2) FROM newsletter n WHERE n.id = ?1 "
                "RETURNING id");
        if (!s) {
                mdr_result_free(&html);
                return finish(db, PUB_DB_ERROR);
        }
        db_bind_int(s, 1, in->newsletter_id);
        db_bind_int(s, 2, in->author_id);
        db_bind_text(s, 3, in->title);
        db_bind_text(s, 4, in->body ? in->body : "");
        db_bind_textn(s, 5, html.html.data ? html.html.data : "", html.html.len);
        db_bind_int(s, 6, now);
        int step = db_step(s);
        int64_t new_id = step == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        mdr_result_free(&html);
        if (!new_id)
                return finish(db, step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR);
        /* proposing is the proposer's vote */
        rc = exec_ints(db,
                       "INSERT INTO ask_vote (ask_id, member_id, created_at) VALUES (?1, ?2, ?3)",
                       3, new_id, in->author_id, now);
        if (rc == PUB_OK)
                rc = open_count_move(db, in->newsletter_id, 1);
        if (rc == PUB_OK && notify_item_mentions(db, in->body ? in->body : "", "mention",
                                                 in->author_id, "ask", new_id, 0, 0) != PUB_OK)
                rc = PUB_DB_ERROR;
        rc = finish(db, rc);
        if (rc == PUB_OK && id)
                *id = new_id;
        return rc;
}

int ask_edit(struct db *db, int64_t id, int64_t member_id, const struct ask_input *in,
             struct field_problem *p)
{
        struct mdr_result html;
        int rc = check_input(in, &html, p);
        if (rc != PUB_OK)
                return rc;
        if (db_begin(db) != DB_OK) {
                mdr_result_free(&html);
                return PUB_DB_ERROR;
        }
        struct ask_row row;
        rc = row_read(db, id, &row);
        if (rc == PUB_OK &&
            (row.author_id != member_id || row.state != ITEM_VISIBLE || row.status != ASK_OPEN))
                rc = row.state == ITEM_DELETED ? PUB_NOT_FOUND : PUB_FORBIDDEN;
        if (rc == PUB_OK) {
                struct db_stmt *s = db_prepare(db, "UPDATE ask SET title = ?2, body = ?3, "
                                                   "body_html = ?4, updated_at = ?5 WHERE id = ?1");
                if (!s) {
                        rc = PUB_DB_ERROR;
                } else {
                        db_bind_int(s, 1, id);
                        db_bind_text(s, 2, in->title);
                        db_bind_text(s, 3, in->body ? in->body : "");
                        db_bind_textn(s, 4, html.html.data ? html.html.data : "", html.html.len);
                        db_bind_int(s, 5, time_now());
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        mdr_result_free(&html);
        return finish(db, rc);
}

int ask_delete(struct db *db, int64_t id, int64_t member_id)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct ask_row row;
        int rc = row_read(db, id, &row);
        if (rc == PUB_OK && row.state == ITEM_DELETED)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK &&
            (row.author_id != member_id || row.state != ITEM_VISIBLE || row.status != ASK_OPEN))
                rc = PUB_FORBIDDEN;
        /* The row stays (notifications name it); its text and votes go. */
        if (rc == PUB_OK)
                rc = exec_ints(
                    db,
                    "UPDATE ask SET state = 'deleted', title = '', body = '', body_html = "
                    "'', vote_count = 0, updated_at = ?2 WHERE id = ?1",
                    2, id, time_now(), 0);
        if (rc == PUB_OK)
                rc = exec_ints(db, "DELETE FROM ask_vote WHERE ask_id = ?1", 1, id, 0, 0);
        if (rc == PUB_OK)
                rc = open_count_move(db, row.newsletter_id, -1);
        return finish(db, rc);
}

int ask_vote_set(struct db *db, int64_t id, int64_t member_id, bool on, bool *changed, int *votes)
{
        if (changed)
                *changed = false;
        /* BEGIN IMMEDIATE: votes on one ask queue here, so the count moves exactly with the
         * rows the primary key lets in. */
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct ask_row row;
        int rc = row_read(db, id, &row);
        if (rc == PUB_OK && row.state != ITEM_VISIBLE)
                rc = PUB_NOT_FOUND;
        if (rc == PUB_OK && row.status != ASK_OPEN && row.status != ASK_PLANNED)
                rc = PUB_FORBIDDEN;
        int64_t did = 0;
        if (rc == PUB_OK) {
                rc =
                    on ? exec_ints(db,
                                   "INSERT INTO ask_vote (ask_id, member_id, created_at) "
                                   "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                                   3, id, member_id, time_now())
                       : exec_ints(db, "DELETE FROM ask_vote WHERE ask_id = ?1 AND member_id = ?2",
                                   2, id, member_id, 0);
                if (rc == PUB_OK)
                        did = db_changes(db);
        }
        if (rc == PUB_OK && did > 0)
                rc = exec_ints(db,
                               "UPDATE ask SET vote_count = CASE WHEN vote_count + ?2 > 0 THEN vote_count + ?2 "
                               "ELSE 0 END WHERE id = ?1",
                               2, id, on ? 1 : -1, 0);
        int count = 0;
        if (rc == PUB_OK) {
                struct db_stmt *s = db_prepare(db, "SELECT vote_count FROM ask WHERE id = ?1");
                if (!s) {
                        rc = PUB_DB_ERROR;
                } else {
                        db_bind_int(s, 1, id);
                        if (db_step(s) == DB_ROW)
                                count = (int)db_col_int(s, 0);
                        else
                                rc = PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        rc = finish(db, rc);
        if (rc == PUB_OK) {
                if (changed)
                        *changed = did > 0;
                if (votes)
                        *votes = count;
        }
        return rc;
}

/* The episode's newsletter and whether readers see it now; PUB_NOT_FOUND when there is none. */
static int episode_facts(struct db *db, int64_t episode_id, int64_t *newsletter_id, bool *live)
{
        struct db_stmt *s = db_prepare(db, "SELECT newsletter_id, status <> 'draft' AND "
                                           "publish_at <= ?2 FROM episode WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, time_now());
        int rc = db_step(s);
        if (rc == DB_ROW) {
                *newsletter_id = db_col_int(s, 0);
                *live = db_col_int(s, 1) != 0;
        }
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

/* Tells the voters (but the proposer and the decider) that the ask was covered. */
static int notify_voters(struct db *db, int64_t id, int64_t proposer, int64_t actor)
{
        struct db_stmt *s = db_prepare(db, "SELECT member_id FROM ask_vote WHERE ask_id = ?1 AND "
                                           "member_id <> ?2 AND member_id <> ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, proposer);
        db_bind_int(s, 3, actor);
        struct arena *a = arena_new();
        size_t cap = 0, n = 0;
        int64_t *ids = arena_grow(a, NULL, 0, &cap, sizeof(*ids));
        int step;
        while ((step = db_step(s)) == DB_ROW) {
                ids = arena_grow(a, ids, n, &cap, sizeof(*ids));
                ids[n++] = db_col_int(s, 0);
        }
        db_finish(s);
        int rc = step == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        for (size_t i = 0; i < n && rc == PUB_OK; i++)
                rc = notify_item(db, ids[i], "ask", actor, "ask", id, 0);
        arena_free(a);
        return rc;
}

int ask_decide(struct db *db, int64_t id, int64_t decider_id, const struct ask_decision *d,
               struct field_problem *p)
{
        const char *note = d->note ? d->note : "";
        if ((unsigned)d->status > ASK_DECLINED)
                return field_problem_set(p, "status", N_("Choose what becomes of this ask."));
        const char *why = text_problem(note, d->status == ASK_DECLINED, KD_ASK_NOTE_MAX);
        if (why)
                return field_problem_set(
                    p, "note",
                    strcmp(why, "Please fill this in.") == 0
                        ? N_("Say why you are declining: the reader asked in good faith.")
                    : strcmp(why, "This is too long.") == 0 ? N_("A note can be up to 500 "
                                                                 "characters.")
                                                            : why);
        if (d->status == ASK_COVERED && d->episode_id <= 0)
                return field_problem_set(p, "episode_id",
                                         N_("Choose the episode that answers this ask."));
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct ask_row row;
        int rc = row_read(db, id, &row);
        if (rc == PUB_OK && row.state != ITEM_VISIBLE)
                rc = PUB_NOT_FOUND;
        int64_t ep_newsletter = 0;
        bool live = false;
        if (rc == PUB_OK && d->status == ASK_COVERED) {
                int erc = episode_facts(db, d->episode_id, &ep_newsletter, &live);
                if (erc == PUB_DB_ERROR)
                        rc = erc;
                else if (erc != PUB_OK || ep_newsletter != row.newsletter_id)
                        rc = field_problem_set(p, "episode_id",
                                               N_("Choose an episode of this newsletter."));
        }
        if (rc == PUB_OK) {
                bool reopen = d->status == ASK_OPEN;
                struct db_stmt *s = db_prepare(
                    db,
                    "UPDATE ask SET status = ?2, status_note = ?3, episode_id = ?4, "
                    "decided_by = ?5, decided_at = CASE WHEN CAST(?5 AS BIGINT) IS NULL THEN NULL "
                    "ELSE CAST(?6 AS BIGINT) "
                    "END, updated_at = ?6 WHERE id = ?1");
                if (!s) {
                        rc = PUB_DB_ERROR;
                } else {
                        db_bind_int(s, 1, id);
                        db_bind_text(s, 2, ask_status_name(d->status));
                        db_bind_text(s, 3, note);
                        if (d->status == ASK_COVERED)
                                db_bind_int(s, 4, d->episode_id);
                        else
                                db_bind_null(s, 4);
                        if (reopen) /* open again: undecided */
                                db_bind_null(s, 5);
                        else
                                db_bind_int(s, 5, decider_id);
                        db_bind_int(s, 6, time_now());
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
        }
        if (rc == PUB_OK)
                rc = open_count_move(db, row.newsletter_id,
                                     (int)counts_open(d->status, ITEM_VISIBLE) -
                                         (int)counts_open(row.status, row.state));
        /* The proposer hears of every decision but a reopening; the voters of the answer. The
         * notification names the ask only, with no episode as its context: the ask's page links
         * the episode once readers may see it, and a draft's title never travels in a
         * notification (and the notifications page reads an episode context as "new episode"). */
        if (rc == PUB_OK) /* "asked and answered" follows a covered ask (badge.h) */
                badges_refresh(db, row.author_id);
        if (rc == PUB_OK && d->status != ASK_OPEN && d->status != row.status) {
                rc = notify_item(db, row.author_id, "ask", decider_id, "ask", id, 0);
                if (rc == PUB_OK && d->status == ASK_COVERED)
                        rc = notify_voters(db, id, row.author_id, decider_id);
        }
        return finish(db, rc);
}

int ask_set_hidden(struct db *db, int64_t id, int64_t moderator_id, bool hidden)
{
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct ask_row row;
        int rc = row_read(db, id, &row);
        if (rc == PUB_OK && row.state == ITEM_DELETED)
                rc = PUB_NOT_FOUND;
        enum item_state to = hidden ? ITEM_HIDDEN : ITEM_VISIBLE;
        if (rc == PUB_OK && row.state != to) {
                struct db_stmt *s = db_prepare(db, "UPDATE ask SET state = ?2, moderated_by = ?3, "
                                                   "updated_at = ?4 WHERE id = ?1");
                if (!s) {
                        rc = PUB_DB_ERROR;
                } else {
                        db_bind_int(s, 1, id);
                        db_bind_text(s, 2, hidden ? "hidden" : "visible");
                        db_bind_int(s, 3, moderator_id);
                        db_bind_int(s, 4, time_now());
                        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
                        db_finish(s);
                }
                if (rc == PUB_OK)
                        rc = open_count_move(db, row.newsletter_id,
                                             (int)counts_open(row.status, to) -
                                                 (int)counts_open(row.status, row.state));
        }
        if (rc == PUB_OK) /* a hidden covered ask takes back "asked and answered" */
                badges_refresh(db, row.author_id);
        return finish(db, rc);
}

/* ------------------------------------------------------------------ reading */

/* The columns every reader of asks selects; ?1 is the viewer (their vote), ?2 now. */
#define ASK_COLUMNS                                                                                \
        "SELECT k.id, k.newsletter_id, n.slug, n.title, k.author_id, m.handle, m.display_name, "   \
        "k.title, k.body, k.body_html, k.status, k.status_note, coalesce(k.episode_id, 0), "       \
        "e.slug, e.title, CASE WHEN e.status <> 'draft' AND e.publish_at <= ?2 THEN 1 ELSE 0 "     \
        "END, "                                                                                    \
        "coalesce(k.decided_by, 0), coalesce(d.display_name, ''), coalesce(k.decided_at, 0), "     \
        "k.vote_count, EXISTS (SELECT 1 FROM ask_vote v WHERE v.ask_id = k.id AND v.member_id = "  \
        "?1), k.state, k.created_at, k.updated_at, k.language FROM ask k JOIN newsletter n ON "    \
        "n.id = k.newsletter_id JOIN member m ON m.id = k.author_id LEFT JOIN member d ON d.id = " \
        "k.decided_by LEFT JOIN episode e ON e.id = k.episode_id "

static void read_ask(struct db_stmt *s, struct arena *a, bool sees_drafts, struct ask *k)
{
        memset(k, 0, sizeof(*k));
        k->id = db_col_int(s, 0);
        k->newsletter_id = db_col_int(s, 1);
        k->newsletter_slug = arena_strdup(a, db_col_text(s, 2));
        k->newsletter_title = arena_strdup(a, db_col_text(s, 3));
        k->author_id = db_col_int(s, 4);
        k->author_handle = arena_strdup(a, db_col_text(s, 5));
        k->author_name = arena_strdup(a, db_col_text(s, 6));
        k->title = arena_strdup(a, db_col_text(s, 7));
        k->body = arena_strdup(a, db_col_text(s, 8));
        k->body_html = arena_strdup(a, db_col_text(s, 9));
        if (ask_status_parse(db_col_text(s, 10), &k->status) != 0)
                k->status = ASK_OPEN;
        k->status_note = arena_strdup(a, db_col_text(s, 11));
        k->episode_id = db_col_int(s, 12);
        k->episode_live = db_col_int(s, 15) != 0;
        /* a draft's title stays with those who may see the draft */
        if (k->episode_id && !db_col_is_null(s, 13) && (k->episode_live || sees_drafts)) {
                k->episode_slug = arena_strdup(a, db_col_text(s, 13));
                k->episode_title = arena_strdup(a, db_col_text(s, 14));
        }
        k->decided_by = db_col_int(s, 16);
        k->decider_name = arena_strdup(a, db_col_text(s, 17));
        k->decided_at = db_col_int(s, 18);
        k->vote_count = (int)db_col_int(s, 19);
        k->voted = db_col_int(s, 20) != 0;
        k->state = state_parse(db_col_text(s, 21));
        k->created_at = db_col_int(s, 22);
        k->updated_at = db_col_int(s, 23);
        k->language = db_col_is_null(s, 24) ? NULL : arena_strdup(a, db_col_text(s, 24));
}

int ask_get(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, bool sees_drafts,
            struct ask *out)
{
        struct db_stmt *s = db_prepare(db, ASK_COLUMNS "WHERE k.id = ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, viewer_id);
        db_bind_int(s, 2, time_now());
        db_bind_int(s, 3, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_ask(s, a, sees_drafts, out);
        db_finish(s);
        return rc == DB_ROW ? PUB_OK : rc == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
}

static int read_list(struct db_stmt *s, struct arena *a, bool sees_drafts, struct ask **out)
{
        size_t cap = 0, n = 0;
        struct ask *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                read_ask(s, a, sees_drafts, &arr[n++]);
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int ask_list(struct db *db, struct arena *a, int64_t newsletter_id, enum ask_view view,
             const struct ask_cursor *cursor, int limit, int64_t viewer_id, bool sees_drafts,
             struct ask **out, struct ask_cursor *next)
{
        static const char *const by_status[ASK_VIEWS] = {"open", NULL, "planned", "covered",
                                                         "declined"};
        bool first = !cursor || (!cursor->before && !cursor->votes);
        struct db_stmt *s;
        /* One more than a page: whether another page follows. Both read their index in order
         * (ask_top, ask_new) from the cursor on: the work is the page's. */
        if (view == ASK_VIEW_NEW)
                s = db_prepare(db, ASK_COLUMNS "WHERE k.newsletter_id = ?3 AND k.state = "
                                               "'visible' AND k.id < ?5 ORDER BY k.id DESC "
                                               "LIMIT ?7");
        else
                s = db_prepare(db, ASK_COLUMNS
                               "WHERE k.newsletter_id = ?3 AND k.status = ?4 AND k.state = "
                               "'visible' AND (k.vote_count, k.id) < (?6, ?5) ORDER BY "
                               "k.vote_count DESC, k.id DESC LIMIT ?7");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, viewer_id);
        db_bind_int(s, 2, time_now());
        db_bind_int(s, 3, newsletter_id);
        if (view != ASK_VIEW_NEW)
                db_bind_text(s, 4, by_status[view]);
        db_bind_int(s, 5, first ? INT64_MAX : cursor->before);
        if (view != ASK_VIEW_NEW)
                db_bind_int(s, 6, first ? INT64_MAX : cursor->votes);
        db_bind_int(s, 7, limit + 1);
        int n = read_list(s, a, sees_drafts, out);
        if (next)
                memset(next, 0, sizeof(*next));
        if (n > limit) {
                n = limit;
                if (next) {
                        next->before = (*out)[n - 1].id;
                        next->votes = (*out)[n - 1].vote_count;
                }
        }
        return n;
}

int ask_list_by_episode(struct db *db, struct arena *a, int64_t episode_id, struct ask **out)
{
        struct db_stmt *s =
            db_prepare(db, ASK_COLUMNS "WHERE k.episode_id = ?3 AND k.status = 'covered' AND "
                                       "k.state = 'visible' ORDER BY k.vote_count DESC, k.id");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, 0);
        db_bind_int(s, 2, time_now());
        db_bind_int(s, 3, episode_id);
        return read_list(s, a, false, out);
}

int64_t ask_open_count(struct db *db, int64_t newsletter_id)
{
        struct db_stmt *s = db_prepare(db, "SELECT ask_open_count FROM newsletter WHERE id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : PUB_NOT_FOUND;
        db_finish(s);
        return n;
}

int ask_voters(struct db *db, struct arena *a, int64_t id, int limit, struct ask_voter **out)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT m.handle, m.display_name FROM ask_vote v JOIN member m ON m.id = "
                "v.member_id WHERE v.ask_id = ?1 ORDER BY v.created_at, v.member_id LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, limit);
        size_t cap = 0, n = 0;
        struct ask_voter *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                arr[n].handle = arena_strdup(a, db_col_text(s, 0));
                arr[n].name = arena_strdup(a, db_col_text(s, 1));
                n++;
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

int ask_episode_choices(struct db *db, struct arena *a, int64_t newsletter_id, int64_t now,
                        int limit, struct ask_episode_choice **out)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT id, title, status <> 'draft' AND publish_at <= ?2 FROM episode WHERE "
                "newsletter_id = ?1 ORDER BY publish_at DESC, id DESC LIMIT ?3");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, limit);
        size_t cap = 0, n = 0;
        struct ask_episode_choice *arr = arena_grow(a, NULL, 0, &cap, sizeof(*arr));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                arr = arena_grow(a, arr, n, &cap, sizeof(*arr));
                arr[n].id = db_col_int(s, 0);
                arr[n].title = arena_strdup(a, db_col_text(s, 1));
                arr[n].live = db_col_int(s, 2) != 0;
                n++;
        }
        db_finish(s);
        *out = arr;
        return rc == DB_DONE ? (int)n : PUB_DB_ERROR;
}

/* ------------------------------------------------------------------ item.h */

int ask_item_load(struct db *db, struct arena *a, int64_t id, struct item *out)
{
        struct ask k;
        int rc = ask_get(db, a, id, 0, false, &k);
        if (rc != PUB_OK)
                return rc;
        out->state = k.state;
        out->author_id = k.author_id;
        out->newsletter_id = k.newsletter_id;
        out->episode_id = 0;
        /* slugs are URL-safe as they are (core/slug.h) */
        out->url = arena_printf(a, "/n/%s/asks/%lld", k.newsletter_slug, (long long)k.id);
        out->where = k.state == ITEM_DELETED ? k.newsletter_title : k.title;
        out->body_html = k.body_html;
        out->created_at = k.created_at;
        return PUB_OK;
}

bool ask_item_viewable(struct db *db, int64_t id, int64_t viewer_id, enum role role, int64_t now)
{
        (void)now;
        struct arena *a = arena_new();
        struct ask k;
        bool ok = ask_get(db, a, id, viewer_id, false, &k) == PUB_OK &&
                  (k.state == ITEM_VISIBLE ||
                   (k.state == ITEM_HIDDEN &&
                    (k.author_id == viewer_id || ask_can_moderate(db, &k, viewer_id, role))));
        arena_free(a);
        return ok;
}

/* ------------------------------------------------------------------ import */

int ask_rebuild_derived(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "SELECT id, body FROM ask WHERE state <> 'deleted'");
        if (!s)
                return PUB_DB_ERROR;
        int rc = PUB_OK;
        while (rc == PUB_OK && db_step(s) == DB_ROW) {
                const char *md = db_col_text(s, 1);
                struct mdr_result out;
                mdr_render(md, strlen(md), MDR_MEMBER, &out);
                struct db_stmt *u = db_prepare(db, "UPDATE ask SET body_html = ?2 WHERE id = ?1");
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
        if (rc == PUB_OK)
                rc = exec_ints(db,
                               "UPDATE ask SET vote_count = (SELECT count(*) FROM ask_vote v WHERE "
                               "v.ask_id = ask.id)",
                               0, 0, 0, 0);
        if (rc == PUB_OK)
                rc = exec_ints(db,
                               "UPDATE newsletter SET ask_open_count = (SELECT count(*) FROM ask k "
                               "WHERE k.newsletter_id = newsletter.id AND k.status = 'open' AND "
                               "k.state = 'visible')",
                               0, 0, 0, 0);
        return rc;
}
