/* Unit tests for member identity against a migrated temporary SQLite database: every badge rule
 * (earned when it holds, not before, and taken back when its data goes), awards and removals by
 * hand, the badge sets pages load, and the profile's counts, lists and activity. Rows of the
 * participation tables are written directly with SQL: the rules read those tables and nothing
 * else, so this is what they see whichever feature wrote them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "model/badge.h"
#include "model/profile.h"
#include "tmpdb.h"
#include "web/badge.h"
#include "web/render.h"

#include <stdio.h>
#include <string.h>

#define DAY  INT64_C(86400)
#define WEEK (7 * DAY)
/* Monday 2026-03-02 00:00:00 UTC: weeks in these tests start here. */
#define MON INT64_C(1772409600)
/* "Now" for every refresh: well after everything below. */
#define NOW (MON + 40 * WEEK)

struct fixture {
        struct tmpdb t;
        struct arena *a;
};

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        arena_free(fx->a);
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

#define FX ((struct fixture *)*state)
#define DB (FX->t.db)

/* ---- helpers -------------------------------------------------------------------------------- */

/* Runs SQL formatted from the test's own constants (never user input). */
static void sql(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql(struct db *db, const char *fmt, ...)
{
        char buf[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (db_exec_script(db, buf) != DB_OK)
                fail_msg("SQL failed: %s (%s)", buf, db_errmsg(db));
}

static int64_t last_id(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "SELECT last_insert_rowid()");
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t id = db_col_int(s, 0);
        db_finish(s);
        return id;
}

static int64_t member(struct db *db, const char *handle)
{
        sql(db,
            "INSERT INTO member (handle, handle_key, display_name, email, email_key, "
            "password_hash, "
            "created_at, updated_at) VALUES ('%s', '%s', '%s', '%s@x.org', '%s@x.org', 'x', %lld, "
            "%lld)",
            handle, handle, handle, handle, handle, (long long)MON, (long long)MON);
        return last_id(db);
}

static int64_t newsletter(struct db *db, const char *slug, int64_t owner)
{
        sql(db,
            "INSERT INTO newsletter (slug, title, owner_id, created_at, updated_at) VALUES ('%s', "
            "'%s', %lld, %lld, %lld)",
            slug, slug, (long long)owner, (long long)MON, (long long)MON);
        return last_id(db);
}

static int64_t season(struct db *db, int64_t nl, int number)
{
        sql(db,
            "INSERT INTO season (newsletter_id, number, title, created_at, updated_at) VALUES "
            "(%lld, %d, 'Season', %lld, %lld)",
            (long long)nl, number, (long long)MON, (long long)MON);
        return last_id(db);
}

/* An episode of season se, published (or 'draft'/'scheduled') at t. */
static int64_t episode(struct db *db, int64_t nl, int64_t se, int number, int64_t author,
                       const char *status, int64_t t)
{
        sql(db,
            "INSERT INTO episode (newsletter_id, season_id, number, author_id, slug, title, body, "
            "body_html, body_text, status, publish_at, created_at, updated_at) VALUES (%lld, %lld, "
            "%d, %lld, 'ep-%lld-%d', 'Episode %d', 'b', '<p>b</p>', 'b', '%s', %lld, %lld, %lld)",
            (long long)nl, (long long)se, number, (long long)author, (long long)se, number, number,
            status, (long long)t, (long long)t, (long long)t);
        return last_id(db);
}

/* A comment (state visible unless given), optionally an answer to prompt (0: none) or a reply
 * (parent 0: none). */
static int64_t comment(struct db *db, int64_t ep, int64_t author, int64_t t, const char *state,
                       int64_t prompt, int64_t parent)
{
        char prompt_s[32] = "NULL", parent_s[32] = "NULL";
        if (prompt)
                snprintf(prompt_s, sizeof(prompt_s), "%lld", (long long)prompt);
        if (parent)
                snprintf(parent_s, sizeof(parent_s), "%lld", (long long)parent);
        sql(db,
            "INSERT INTO comment (episode_id, author_id, body, body_html, state, created_at, "
            "updated_at, prompt_id, parent_id) VALUES (%lld, %lld, 'Nice &amp; *clear*', "
            "'<p>Nice &amp; <em>clear</em></p>', '%s', %lld, %lld, %s, %s)",
            (long long)ep, (long long)author, state ? state : "visible", (long long)t, (long long)t,
            prompt_s, parent_s);
        return last_id(db);
}

static void follow(struct db *db, int64_t who, int64_t nl, int64_t t)
{
        sql(db,
            "INSERT INTO follow (member_id, newsletter_id, created_at) VALUES (%lld, %lld, %lld)",
            (long long)who, (long long)nl, (long long)t);
}

/* Whether member holds badge key for newsletter nl (0: the site), not revoked. */
static bool holds(struct db *db, int64_t who, const char *key, int64_t nl)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM badge WHERE member_id = ?1 AND "
                                           "badge = ?2 AND newsletter_id = ?3 AND revoked_by IS "
                                           "NULL");
        assert_non_null(s);
        db_bind_int(s, 1, who);
        db_bind_text(s, 2, key);
        db_bind_int(s, 3, nl);
        assert_int_equal(db_step(s), DB_ROW);
        bool yes = db_col_int(s, 0) > 0;
        db_finish(s);
        return yes;
}

static int64_t earned_at(struct db *db, int64_t who, const char *key)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT earned_at FROM badge WHERE member_id = ?1 AND badge = ?2");
        assert_non_null(s);
        db_bind_int(s, 1, who);
        db_bind_text(s, 2, key);
        int64_t t = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return t;
}

static int refresh(struct db *db, int64_t who)
{
        int n = badges_refresh_at(db, who, NOW);
        assert_true(n >= 0);
        return n;
}

/* A newsletter owned by an author, with season 1 (one episode at MON) and a season 2 whose first
 * episode went out at MON + 10 weeks. */
struct site {
        int64_t author, nl, s1, s2, ep1, ep2;
};

static void site_make(struct db *db, struct site *w)
{
        w->author = member(db, "author");
        w->nl = newsletter(db, "letters", w->author);
        w->s1 = season(db, w->nl, 1);
        w->s2 = season(db, w->nl, 2);
        w->ep1 = episode(db, w->nl, w->s1, 1, w->author, "published", MON);
        w->ep2 = episode(db, w->nl, w->s2, 1, w->author, "published", MON + 10 * WEEK);
}

/* ---- the rules ------------------------------------------------------------------------------ */

static void test_founding_reader(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t early = member(DB, "early"), late = member(DB, "late"),
                talker = member(DB, "talker"), hidden = member(DB, "hidden");
        follow(DB, early, w.nl, MON + 2 * WEEK);
        follow(DB, late, w.nl, MON + 10 * WEEK + 1); /* the second season had begun */
        comment(DB, w.ep1, talker, MON + 3 * DAY, NULL, 0, 0);
        int64_t c = comment(DB, w.ep1, hidden, MON + 4 * DAY, "hidden", 0, 0);
        follow(DB, w.author, w.nl, MON);

        assert_int_equal(refresh(DB, early), 1);
        assert_true(holds(DB, early, "founding-reader", w.nl));
        assert_int_equal(earned_at(DB, early, "founding-reader"), MON + 2 * WEEK);
        refresh(DB, late);
        assert_false(holds(DB, late, "founding-reader", w.nl));
        refresh(DB, talker); /* a first comment ties a reader as a follow does */
        assert_true(holds(DB, talker, "founding-reader", w.nl));
        refresh(DB, hidden); /* a hidden comment counts for nothing */
        assert_false(holds(DB, hidden, "founding-reader", w.nl));
        sql(DB, "UPDATE comment SET state = 'visible' WHERE id = %lld", (long long)c);
        refresh(DB, hidden);
        assert_true(holds(DB, hidden, "founding-reader", w.nl));
        refresh(DB, w.author); /* authors are not their own readers */
        assert_false(holds(DB, w.author, "founding-reader", w.nl));
        /* the second refresh keeps the first earned time and adds nothing */
        assert_int_equal(refresh(DB, early), 0);
        assert_int_equal(earned_at(DB, early, "founding-reader"), MON + 2 * WEEK);
}

static void test_founding_reader_first_season_running(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t late = member(DB, "late");
        follow(DB, late, w.nl, MON + 20 * WEEK);
        /* the second season's only episode is a draft: the first season is still the one
         * running, and a follow now still founds */
        sql(DB, "UPDATE episode SET status = 'draft' WHERE id = %lld", (long long)w.ep2);
        refresh(DB, late);
        assert_true(holds(DB, late, "founding-reader", w.nl));
        /* a scheduled one that has not gone out yet does not end the first season either */
        sql(DB, "UPDATE episode SET status = 'scheduled', publish_at = %lld WHERE id = %lld",
            (long long)(NOW + WEEK), (long long)w.ep2);
        refresh(DB, late);
        assert_true(holds(DB, late, "founding-reader", w.nl));
        /* once it is live, a follow after it does not found: the rule takes the badge back */
        sql(DB, "UPDATE episode SET status = 'published', publish_at = %lld WHERE id = %lld",
            (long long)(MON + 15 * WEEK), (long long)w.ep2);
        refresh(DB, late);
        assert_false(holds(DB, late, "founding-reader", w.nl));
}

static void test_first_answer(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t a = member(DB, "answerer"), r = member(DB, "replier");
        sql(DB,
            "INSERT INTO prompt (episode_id, position, question, created_at, updated_at) VALUES "
            "(%lld, 1, 'What would you try?', %lld, %lld)",
            (long long)w.ep1, (long long)MON, (long long)MON);
        int64_t prompt = last_id(DB);
        int64_t answer = comment(DB, w.ep1, a, MON + DAY, NULL, prompt, 0);
        comment(DB, w.ep1, r, MON + 2 * DAY, NULL, prompt, answer); /* a reply is no answer */
        refresh(DB, a);
        refresh(DB, r);
        assert_true(holds(DB, a, "first-answer", 0));
        assert_int_equal(earned_at(DB, a, "first-answer"), MON + DAY);
        assert_false(holds(DB, r, "first-answer", 0));
}

static void test_first_buildon(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t b = member(DB, "builder");
        int64_t draft = episode(DB, w.nl, w.s2, 2, w.author, "draft", MON + 11 * WEEK);
        sql(DB,
            "INSERT INTO buildon (episode_id, author_id, title, body, body_html, created_at, "
            "updated_at) VALUES (%lld, %lld, 'On drafts', 'x', '<p>x</p>', %lld, %lld)",
            (long long)draft, (long long)b, (long long)(MON + 11 * WEEK),
            (long long)(MON + 11 * WEEK));
        refresh(DB, b);
        assert_false(holds(DB, b, "first-build-on", 0)); /* under a draft: nobody sees it */
        sql(DB,
            "INSERT INTO buildon (episode_id, author_id, title, body, body_html, created_at, "
            "updated_at) VALUES (%lld, %lld, 'Taking it further', 'x', '<p>x</p>', %lld, %lld)",
            (long long)w.ep1, (long long)b, (long long)(MON + WEEK), (long long)(MON + WEEK));
        int64_t id = last_id(DB);
        assert_int_equal(refresh(DB, b), 1);
        assert_true(holds(DB, b, "first-build-on", 0));
        sql(DB, "UPDATE buildon SET state = 'hidden' WHERE id = %lld", (long long)id);
        refresh(DB, b);
        assert_false(holds(DB, b, "first-build-on", 0));
}

static void test_tried_it(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t t = member(DB, "tryer");
        sql(DB,
            "INSERT INTO tried (episode_id, member_id, note, created_at, updated_at) VALUES (%lld, "
            "%lld, 'ran it with my team', %lld, %lld)",
            (long long)w.ep1, (long long)t, (long long)(MON + DAY), (long long)(MON + DAY));
        refresh(DB, t);
        assert_false(holds(DB, t, "tried-it", 0)); /* no outcome yet */
        sql(DB,
            "UPDATE tried SET outcome = 'mixed', outcome_at = %lld, updated_at = %lld WHERE "
            "member_id = %lld",
            (long long)(MON + 3 * WEEK), (long long)(MON + 3 * WEEK), (long long)t);
        refresh(DB, t);
        assert_true(holds(DB, t, "tried-it", 0));
        assert_int_equal(earned_at(DB, t, "tried-it"), MON + 3 * WEEK);
}

static void test_asked_and_answered(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t asker = member(DB, "asker");
        sql(DB,
            "INSERT INTO ask (newsletter_id, author_id, title, status, created_at, updated_at) "
            "VALUES (%lld, %lld, 'More on retros', 'planned', %lld, %lld)",
            (long long)w.nl, (long long)asker, (long long)MON, (long long)MON);
        int64_t ask = last_id(DB);
        refresh(DB, asker);
        assert_false(holds(DB, asker, "asked-and-answered", w.nl));
        int64_t draft = episode(DB, w.nl, w.s2, 2, w.author, "draft", MON + 12 * WEEK);
        sql(DB,
            "UPDATE ask SET status = 'covered', episode_id = %lld, decided_at = %lld WHERE id = "
            "%lld",
            (long long)draft, (long long)(MON + 12 * WEEK), (long long)ask);
        refresh(DB, asker); /* covered by a draft: not yet */
        assert_false(holds(DB, asker, "asked-and-answered", w.nl));
        sql(DB, "UPDATE episode SET status = 'published' WHERE id = %lld", (long long)draft);
        refresh(DB, asker);
        assert_true(holds(DB, asker, "asked-and-answered", w.nl));
        assert_false(holds(DB, asker, "asked-and-answered", 0)); /* per newsletter */
        assert_int_equal(earned_at(DB, asker, "asked-and-answered"), MON + 12 * WEEK);
}

static void test_wordsmith(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t p = member(DB, "coiner");
        sql(DB,
            "INSERT INTO term (newsletter_id, term, term_key, slug, definition, definition_html, "
            "proposer_id, created_at, updated_at) VALUES (%lld, 'Retro debt', 'retro debt', "
            "'retro-debt', 'd', '<p>d</p>', %lld, %lld, %lld)",
            (long long)w.nl, (long long)p, (long long)MON, (long long)MON);
        refresh(DB, p);
        assert_false(holds(DB, p, "wordsmith", w.nl)); /* proposed only */
        sql(DB, "UPDATE term SET status = 'approved', decided_at = %lld", (long long)(MON + DAY));
        refresh(DB, p);
        assert_true(holds(DB, p, "wordsmith", w.nl));
        sql(DB, "UPDATE term SET status = 'declined'");
        refresh(DB, p);
        assert_false(holds(DB, p, "wordsmith", w.nl));
}

static void test_conversation_starter(void **state)
{
        int64_t op = member(DB, "opener");
        int64_t r[4];
        const char *names[] = {"r1", "r2", "r3", "r4"};
        for (int i = 0; i < 4; i++)
                r[i] = member(DB, names[i]);
        sql(DB,
            "INSERT INTO space (slug, title, created_by, created_at, updated_at) VALUES ('lounge', "
            "'Lounge', %lld, %lld, %lld)",
            (long long)op, (long long)MON, (long long)MON);
        int64_t sp = last_id(DB);
        sql(DB,
            "INSERT INTO space_thread (space_id, author_id, title, last_post_at, created_at, "
            "updated_at) VALUES (%lld, %lld, 'Tools?', %lld, %lld, %lld)",
            (long long)sp, (long long)op, (long long)MON, (long long)MON, (long long)MON);
        int64_t th = last_id(DB);
#define POST(who, t, st)                                                                           \
        sql(DB,                                                                                    \
            "INSERT INTO space_post (thread_id, space_id, author_id, body, body_html, state, "     \
            "created_at, updated_at) VALUES (%lld, %lld, %lld, 'x', '<p>x</p>', '%s', %lld, "      \
            "%lld)",                                                                               \
            (long long)th, (long long)sp, (long long)(who), st, (long long)(t), (long long)(t))
        POST(op, MON, "visible");
        POST(r[0], MON + 1, "visible");
        POST(r[0], MON + 2, "visible"); /* the same member twice counts once */
        POST(op, MON + 3, "visible");   /* the opener's own replies do not count */
        POST(r[1], MON + 4, "visible");
        POST(r[2], MON + 5, "hidden"); /* hidden: does not count */
        refresh(DB, op);
        assert_false(holds(DB, op, "conversation-starter", 0));
        POST(r[3], MON + 6, "visible");
        refresh(DB, op);
        assert_true(holds(DB, op, "conversation-starter", 0));
        assert_int_equal(earned_at(DB, op, "conversation-starter"), MON + 6);
        sql(DB, "UPDATE space_thread SET state = 'hidden' WHERE id = %lld", (long long)th);
        refresh(DB, op);
        assert_false(holds(DB, op, "conversation-starter", 0));
#undef POST
}

static void test_regular(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t m = member(DB, "regular");
        /* Sunday 23:59 and Monday 00:00 are different weeks; two comments in one week are one */
        comment(DB, w.ep1, m, MON + 6 * DAY + DAY - 60, NULL, 0, 0); /* week 0, Sunday night */
        comment(DB, w.ep1, m, MON + WEEK, NULL, 0, 0);               /* week 1, Monday 00:00 */
        comment(DB, w.ep1, m, MON + WEEK + 3 * DAY, NULL, 0, 0);     /* week 1 again */
        comment(DB, w.ep1, m, MON + 2 * WEEK + DAY, "hidden", 0, 0); /* hidden: not counted */
        comment(DB, w.ep1, m, MON + 3 * WEEK + DAY, NULL, 0, 0);     /* week 3 */
        refresh(DB, m);
        assert_false(holds(DB, m, "regular", 0));                    /* three weeks */
        comment(DB, w.ep1, m, MON + 5 * WEEK + 2 * DAY, NULL, 0, 0); /* week 5: the fourth */
        comment(DB, w.ep1, m, MON + 6 * WEEK, NULL, 0, 0);
        refresh(DB, m);
        assert_true(holds(DB, m, "regular", 0));
        assert_int_equal(earned_at(DB, m, "regular"), MON + 5 * WEEK + 2 * DAY);
}

/* The comment rules read a member's first KD_BADGE_COMMENTS_READ comments, so a refresh costs
 * the same however long their history: weeks after that many comments do not make a regular,
 * while an answer (its own index) and a follow (its own table) still count wherever they are. */
static void test_rules_read_a_bounded_history(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t m = member(DB, "prolific");
        sql(DB,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) INSERT "
            "INTO comment (episode_id, author_id, body, body_html, created_at, updated_at) SELECT "
            "%lld, %lld, 'x', '<p>x</p>', %lld + i, %lld FROM n",
            KD_BADGE_COMMENTS_READ, (long long)w.ep1, (long long)m, (long long)(MON + DAY),
            (long long)MON);
        for (int k = 1; k <= 3; k++)
                comment(DB, w.ep1, m, MON + k * WEEK + DAY, NULL, 0, 0);
        sql(DB,
            "INSERT INTO prompt (episode_id, position, question, created_at, updated_at) VALUES "
            "(%lld, 1, 'Why?', %lld, %lld)",
            (long long)w.ep1, (long long)MON, (long long)MON);
        comment(DB, w.ep1, m, MON + 5 * WEEK, NULL, last_id(DB), 0);
        refresh(DB, m);
        assert_false(holds(DB, m, "regular", 0));
        assert_true(holds(DB, m, "first-answer", 0));
        assert_true(holds(DB, m, "founding-reader", w.nl)); /* from the first comments */
        /* three fewer early comments: the three later weeks are within reach, four in all */
        sql(DB, "DELETE FROM comment WHERE author_id = %lld AND created_at <= %lld", (long long)m,
            (long long)(MON + DAY + 3));
        refresh(DB, m);
        assert_true(holds(DB, m, "regular", 0));
}

/* ---- by hand -------------------------------------------------------------------------------- */

static void test_award_and_remove(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t admin = member(DB, "admin"), m = member(DB, "helper");
        struct field_problem p = {0};
        struct badge_input in = {
            .member_id = m, .badge = "steward", .note = "Thanks", .admin_id = admin};
        assert_int_equal(badge_award(DB, &in, &p), PUB_OK);
        refresh(DB, m); /* rules never touch an awarded badge */
        assert_true(holds(DB, m, "steward", 0));
        struct badge *bs;
        assert_int_equal(badge_list_member(DB, FX->a, m, false, &bs), 1);
        assert_int_equal(bs[0].kind, BADGE_STEWARD);
        assert_int_equal(bs[0].awarded_by, admin);
        assert_string_equal(bs[0].awarded_by_handle, "admin");
        assert_string_equal(bs[0].note, "Thanks");
        assert_int_equal(badge_remove(DB, &in, &p), PUB_OK);
        assert_false(holds(DB, m, "steward", 0));
        assert_int_equal(badge_remove(DB, &in, &p), PUB_NOT_FOUND);

        /* an earned badge removed by hand stays away through refreshes, until awarded again */
        follow(DB, m, w.nl, MON + DAY);
        refresh(DB, m);
        assert_true(holds(DB, m, "founding-reader", w.nl));
        struct badge_input fr = {.member_id = m,
                                 .badge = "founding-reader",
                                 .newsletter_slug = "letters",
                                 .note = "Sock puppet",
                                 .admin_id = admin};
        assert_int_equal(badge_remove(DB, &fr, &p), PUB_OK);
        refresh(DB, m);
        assert_false(holds(DB, m, "founding-reader", w.nl));
        assert_int_equal(badge_list_member(DB, FX->a, m, false, &bs), 0);
        assert_int_equal(badge_list_member(DB, FX->a, m, true, &bs), 1);
        assert_true(bs[0].revoked);
        assert_int_equal(badge_award(DB, &fr, &p), PUB_OK);
        assert_true(holds(DB, m, "founding-reader", w.nl));

        /* invalid input names its field */
        struct badge_input bad = {.member_id = m, .badge = "emperor", .admin_id = admin};
        assert_int_equal(badge_award(DB, &bad, &p), PUB_INVALID);
        assert_string_equal(p.field, "badge");
        bad.badge = "wordsmith"; /* per newsletter, none given */
        assert_int_equal(badge_award(DB, &bad, &p), PUB_INVALID);
        assert_string_equal(p.field, "newsletter");
        bad.newsletter_slug = "no-such-letter";
        assert_int_equal(badge_award(DB, &bad, &p), PUB_INVALID);
        assert_string_equal(p.field, "newsletter");
        char note[KD_BADGE_NOTE_MAX * 3 + 8];
        memset(note, 'x', KD_BADGE_NOTE_MAX + 1);
        note[KD_BADGE_NOTE_MAX + 1] = '\0';
        struct badge_input long_note = {
            .member_id = m, .badge = "steward", .note = note, .admin_id = admin};
        assert_int_equal(badge_award(DB, &long_note, &p), PUB_INVALID);
        assert_string_equal(p.field, "note");
        struct badge_input nobody = {.member_id = 999999, .badge = "steward", .admin_id = admin};
        assert_int_equal(badge_award(DB, &nobody, &p), PUB_NOT_FOUND);
        assert_true(badge_can_award(ROLE_ADMIN));
        assert_false(badge_can_award(ROLE_MODERATOR));
        assert_false(badge_can_award(ROLE_AUTHOR));
        assert_false(badge_can_award(ROLE_READER));
}

static void test_badge_set(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t other = newsletter(DB, "other", w.author);
        enum { N = 150 }; /* more than two chunks of BADGE_SET_CHUNK */
        int64_t ids[N + 2];
        for (int i = 0; i < N; i++) {
                char h[16];
                snprintf(h, sizeof(h), "m%d", i);
                ids[i] = member(DB, h);
                sql(DB,
                    "INSERT INTO badge (member_id, badge, newsletter_id, earned_at) VALUES (%lld, "
                    "'regular', 0, 1)",
                    (long long)ids[i]);
        }
        sql(DB,
            "INSERT INTO badge (member_id, badge, newsletter_id, earned_at) VALUES (%lld, "
            "'founding-reader', %lld, 1), (%lld, 'founding-reader', %lld, 1), (%lld, 'tried-it', "
            "0, 1)",
            (long long)ids[N - 1], (long long)w.nl, (long long)ids[0], (long long)other,
            (long long)ids[N - 1]);
        sql(DB,
            "INSERT INTO badge (member_id, badge, newsletter_id, earned_at, revoked_by) VALUES "
            "(%lld, 'first-answer', 0, 1, %lld)",
            (long long)ids[5], (long long)w.author);
        ids[N] = ids[3]; /* repeats are fine */
        ids[N + 1] = ids[N - 1];
        struct badge_set *set = badge_set_load(DB, FX->a, w.nl, ids, N + 2);
        enum badge_kind k[BADGE_KINDS];
        assert_int_equal(badge_set_kinds(set, ids[N - 1], k), 3);
        assert_int_equal(k[0], BADGE_FOUNDING_READER);
        assert_int_equal(k[1], BADGE_TRIED_IT);
        assert_int_equal(k[2], BADGE_REGULAR);
        /* founding reader of another newsletter does not show under this one */
        assert_int_equal(badge_set_kinds(set, ids[0], k), 1);
        assert_int_equal(k[0], BADGE_REGULAR);
        assert_int_equal(badge_set_kinds(set, ids[5], k), 1); /* revoked: not shown */
        assert_int_equal(badge_set_kinds(set, ids[70], k), 1);
        assert_int_equal(badge_set_kinds(set, w.author, k), 0);
        assert_int_equal(badge_set_kinds(NULL, ids[0], k), 0);
        assert_int_equal(set->n, N + 2);
}

/* ---- profiles ------------------------------------------------------------------------------- */

static void test_profile_counts_and_lists(void **state)
{
        struct site w;
        site_make(DB, &w);
        int64_t m = member(DB, "writer");
        int64_t draft = episode(DB, w.nl, w.s2, 2, w.author, "draft", MON + 11 * WEEK);
        int64_t later = episode(DB, w.nl, w.s2, 3, w.author, "scheduled", NOW + WEEK);
        for (int i = 0; i < 25; i++)
                comment(DB, w.ep1, m, MON + i * DAY, NULL, 0, 0);
        comment(DB, w.ep1, m, MON + 30 * DAY, "hidden", 0, 0);
        comment(DB, w.ep1, m, MON + 31 * DAY, "deleted", 0, 0);
        comment(DB, draft, m, MON + 32 * DAY, NULL, 0, 0);
        comment(DB, later, m, MON + 33 * DAY, NULL, 0, 0);
        int64_t counts[PROFILE_KINDS];
        assert_int_equal(profile_counts(DB, m, NOW, counts), 0);
        assert_int_equal(counts[PROFILE_COMMENTS], 25);
        assert_int_equal(counts[PROFILE_ANSWERS], 0);
        assert_int_equal(counts[PROFILE_BUILDONS], 0);

        struct profile_item *items;
        bool more;
        int n = profile_list(DB, FX->a, m, PROFILE_COMMENTS, NOW, INT64_MAX, 0, 20, &items, &more);
        assert_int_equal(n, 20);
        assert_true(more);
        assert_int_equal(items[0].created_at, MON + 24 * DAY); /* newest visible first */
        assert_string_equal(items[0].excerpt, "Nice & clear");
        assert_non_null(strstr(items[0].url, "/n/letters/ep-"));
        n = profile_list(DB, FX->a, m, PROFILE_COMMENTS, NOW, items[19].created_at, items[19].id,
                         20, &items, &more);
        assert_int_equal(n, 5);
        assert_false(more);
        assert_int_equal(items[4].created_at, MON);

        /* activity merges kinds, newest first, bounded */
        sql(DB,
            "INSERT INTO buildon (episode_id, author_id, title, body, body_html, created_at, "
            "updated_at) VALUES (%lld, %lld, 'Further', 'x', '<p>x</p>', %lld, %lld)",
            (long long)w.ep1, (long long)m, (long long)(MON + 12 * DAY + 1),
            (long long)(MON + 12 * DAY + 1));
        n = profile_activity(DB, FX->a, m, NOW, 5, &items);
        assert_int_equal(n, 5);
        assert_int_equal(items[0].created_at, MON + 24 * DAY);
        n = profile_activity(DB, FX->a, m, NOW, 14, &items);
        assert_int_equal(n, 14);
        assert_int_equal(items[12].kind, PROFILE_BUILDONS);
        assert_string_equal(items[12].title, "Further");

        /* counts stop at the cap */
        for (int i = 0; i < KD_PROFILE_COUNT_CAP; i++)
                comment(DB, w.ep1, m, MON + 100 + i, NULL, 0, 0);
        assert_int_equal(profile_counts(DB, m, NOW, counts), 0);
        assert_int_equal(counts[PROFILE_COMMENTS], KD_PROFILE_COUNT_CAP);
}

static void test_profile_excerpt(void **state)
{
        struct arena *a = FX->a;
        assert_string_equal(
            profile_excerpt(a, "<p>One &lt;two&gt;</p>\n<p>three &quot;4&quot; &#39;5&#39;</p>",
                            100),
            "One <two> three \"4\" '5'");
        assert_string_equal(profile_excerpt(a, "<p>alpha beta gamma</p>", 12), "alpha beta…");
        /* a cut never splits a character */
        const char *cjk = profile_excerpt(a, "<p>日日日日日</p>", 3);
        assert_string_equal(cjk, "日日日…");
        assert_string_equal(profile_excerpt(a, "", 10), "");
        assert_int_equal(profile_kind_parse("build-ons"), PROFILE_BUILDONS);
        assert_int_equal(profile_kind_parse("buildons"), -1);
        assert_int_equal(badge_kind_parse("wordsmith"), BADGE_WORDSMITH);
        assert_int_equal(badge_kind_parse(NULL), -1);
}

/* ---- rendering ------------------------------------------------------------------------------ */

static void test_badge_rendering(void **state)
{
        struct arena *a = FX->a;
        struct config config = {.site_name = "Kindred",
                                .listen = "127.0.0.1:8080",
                                .base_url = "https://letters.example.org"};
        struct buf out = BUF_INIT;
        struct render r;
        render_init(&r, a, &out, NULL, NULL, NOW, NULL, &config);
        struct badge_set set = {.newsletter_id = 1};
        struct badge_set_entry e[] = {{7, BADGE_FOUNDING_READER},
                                      {7, BADGE_FIRST_ANSWER},
                                      {7, BADGE_TRIED_IT},
                                      {7, BADGE_REGULAR},
                                      {9, BADGE_STEWARD}};
        set.entries = e;
        set.n = 5;
        badge_inline(&r, 8, &set); /* holds none: nothing at all */
        badge_inline(&r, 7, NULL);
        assert_int_equal(out.len, 0);
        badge_inline(&r, 7, &set);
        buf_putc(&out, '\0');
        assert_non_null(strstr(out.data, "badge-mini badge-founding-reader"));
        assert_non_null(strstr(out.data, "badge-mini badge-tried-it"));
        assert_null(strstr(out.data, "badge-regular")); /* three shown ... */
        assert_non_null(strstr(out.data, ">+1<"));      /* ... and how many more */
        buf_reset(&out);
        badge_inline(&r, 9, &set);
        buf_putc(&out, '\0');
        /* the rule in the title is attribute-escaped */
        assert_non_null(strstr(out.data, "the site&#39;s admins"));

        /* the profile's section: an awarded badge names its admin and note, escaped; a revoked
         * one shows only to admins, with the forms */
        struct badge bs[] = {
            {.kind = BADGE_STEWARD,
             .earned_at = NOW - 86400,
             .awarded_by = 1,
             .awarded_by_handle = "admin",
             .note = "<b>kind</b>",
             .newsletter_slug = "",
             .newsletter_title = ""},
            {.kind = BADGE_WORDSMITH,
             .newsletter_id = 2,
             .newsletter_slug = "letters",
             .newsletter_title = "Letters & Notes",
             .earned_at = NOW - 3600,
             .awarded_by_handle = "",
             .note = "",
             .revoked = true},
        };
        buf_reset(&out);
        badge_section(&r, "sam", bs, 2, false, NULL, 0, NULL);
        buf_putc(&out, '\0');
        assert_non_null(strstr(out.data, "href=\"/@admin\""));
        assert_non_null(strstr(out.data, "&lt;b&gt;kind&lt;/b&gt;"));
        assert_non_null(strstr(out.data, "Letters &amp; Notes"));
        assert_null(strstr(out.data, "<form"));
        /* a Chinese reader reads the names and rules in Chinese */
        const struct locale *zh = i18n_find("zh-CN");
        assert_non_null(zh);
        r.locale = zh;
        buf_reset(&out);
        badge_inline(&r, 9, &set);
        buf_putc(&out, '\0');
        assert_non_null(strstr(out.data, "守护者"));
        buf_free(&out);
}

int main(void)
{
#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        const struct CMUnitTest tests[] = {
            DB_TEST(test_founding_reader),
            DB_TEST(test_founding_reader_first_season_running),
            DB_TEST(test_first_answer),
            DB_TEST(test_first_buildon),
            DB_TEST(test_tried_it),
            DB_TEST(test_asked_and_answered),
            DB_TEST(test_wordsmith),
            DB_TEST(test_conversation_starter),
            DB_TEST(test_regular),
            DB_TEST(test_rules_read_a_bounded_history),
            DB_TEST(test_award_and_remove),
            DB_TEST(test_badge_set),
            DB_TEST(test_profile_counts_and_lists),
            DB_TEST(test_profile_excerpt),
            DB_TEST(test_badge_rendering),
        };
#undef DB_TEST
        return cmocka_run_group_tests(tests, NULL, NULL);
}
