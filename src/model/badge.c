/* Badges: the rules that earn them, their refresh, awards by hand and the sets pages show. */
#include "model/badge.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/visible_sql.h"

#include <stdlib.h>
#include <string.h>

static const struct badge_def defs[BADGE_KINDS] = {
    [BADGE_FOUNDING_READER] = {"founding-reader", N_("Founding reader"),
                               N_("Followed or joined the conversation of this newsletter before "
                                  "its second season began."),
                               true, false},
    [BADGE_FIRST_ANSWER] = {"first-answer", N_("First answer"),
                            N_("Answered one of the questions an author asked at the end of an "
                               "episode."),
                            false, false},
    [BADGE_FIRST_BUILDON] = {"first-build-on", N_("First build-on"),
                             N_("Wrote a response that builds on an episode."), false, false},
    [BADGE_TRIED_IT] = {"tried-it", N_("Tried it"),
                        N_("Tried an episode's idea and reported how it went."), false, false},
    [BADGE_ASKED_ANSWERED] = {"asked-and-answered", N_("Asked and answered"),
                              N_("Asked for a topic that an episode of this newsletter then "
                                 "covered."),
                              true, false},
    [BADGE_CONVERSATION_STARTER] = {"conversation-starter", N_("Conversation starter"),
                                    N_("Started a thread in a space that three other members "
                                       "replied to."),
                                    false, false},
    [BADGE_WORDSMITH] = {"wordsmith", N_("Wordsmith"),
                         N_("Proposed a term that joined this newsletter's lexicon."), true, false},
    [BADGE_REGULAR] = {"regular", N_("Regular"),
                       N_("Commented on episodes in four different weeks."), false, false},
    [BADGE_STEWARD] = {"steward", N_("Steward"),
                       N_("Thanked by the site's admins for looking after the community."), false,
                       true},
};

const struct badge_def *badge_def(enum badge_kind k)
{
        return k >= 0 && k < BADGE_KINDS ? &defs[k] : NULL;
}

int badge_kind_parse(const char *key)
{
        for (int k = 0; key && k < BADGE_KINDS; k++)
                if (strcmp(defs[k].key, key) == 0)
                        return k;
        return -1;
}

bool badge_can_award(enum role role)
{
        return role == ROLE_ADMIN;
}

/* ------------------------------------------------------------------ the rules */

/* One badge a rule says the member has earned. */
struct earned {
        enum badge_kind kind;
        int64_t newsletter_id;
        int64_t at;
};

struct earned_list {
        struct earned *v;
        int n;
        size_t cap;
        struct arena *a;
};

static void earned_add(struct earned_list *l, enum badge_kind kind, int64_t nl, int64_t at)
{
        l->v = arena_grow(l->a, l->v, (size_t)l->n + 1, &l->cap, sizeof(*l->v));
        l->v[l->n++] = (struct earned){kind, nl, at};
}

/* Runs a rule's query (?1 member, ?2 now) whose rows are (newsletter_id, earned_at); a row with
 * a NULL time (an aggregate over nothing) earns nothing. Returns 0 or PUB_DB_ERROR. */
static int rule_query(struct db *db, const char *sql, enum badge_kind kind, int64_t member,
                      int64_t now, struct earned_list *l)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member);
        db_bind_int(s, 2, now);
        int step;
        while ((step = db_step(s)) == DB_ROW)
                if (!db_col_is_null(s, 1))
                        earned_add(l, kind, db_col_int(s, 0), db_col_int(s, 1));
        db_finish(s);
        return step == DB_DONE ? 0 : PUB_DB_ERROR;
}

/* First answer: a visible answer (a top-level comment on a prompt) under a live episode: the
 * member's answers in time order (comment_answer_by_author), the first one readers see. */
static int rule_first_answer(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        return rule_query(db,
                          "SELECT 0, c.created_at FROM comment c JOIN episode e ON e.id = "
                          "c.episode_id WHERE c.author_id = ?1 AND c.prompt_id IS NOT NULL AND "
                          "c.parent_id IS NULL AND " VISIBLE_COMMENT " AND " LIVE_EPISODE
                          " ORDER BY c.created_at LIMIT 1",
                          BADGE_FIRST_ANSWER, member, now, l);
}

/* First build-on: a visible build-on of a live episode. */
static int rule_first_buildon(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        return rule_query(db,
                          "SELECT 0, min(b.created_at) FROM buildon b JOIN episode e ON e.id = "
                          "b.episode_id WHERE b.author_id = ?1 AND b.state = 'visible' "
                          "AND " LIVE_EPISODE,
                          BADGE_FIRST_BUILDON, member, now, l);
}

/* Tried it: a visible "I tried this" with an outcome reported, on a live episode; earned when
 * the outcome was. */
static int rule_tried_it(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        return rule_query(db,
                          "SELECT 0, min(coalesce(t.outcome_at, t.updated_at)) FROM tried t JOIN "
                          "episode e ON e.id = t.episode_id WHERE t.member_id = ?1 AND t.state = "
                          "'visible' AND t.outcome IS NOT NULL AND " LIVE_EPISODE,
                          BADGE_TRIED_IT, member, now, l);
}

/* Asked and answered, per newsletter: a visible ask of the member's marked covered by a live
 * episode; earned when it was marked. */
static int rule_asked_answered(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        return rule_query(db,
                          "SELECT a.newsletter_id, min(coalesce(a.decided_at, a.updated_at)) FROM "
                          "ask a JOIN episode e ON e.id = a.episode_id WHERE a.author_id = ?1 AND "
                          "a.state = 'visible' AND a.status = 'covered' AND " LIVE_EPISODE
                          " GROUP BY a.newsletter_id",
                          BADGE_ASKED_ANSWERED, member, now, l);
}

/* Wordsmith, per newsletter: a term the member proposed was approved (and is not hidden). */
static int rule_wordsmith(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        return rule_query(db,
                          "SELECT t.newsletter_id, min(coalesce(t.decided_at, t.updated_at)) FROM "
                          "term t WHERE t.proposer_id = ?1 AND t.status = 'approved' AND "
                          "t.state = 'visible' AND t.created_at <= ?2 GROUP BY t.newsletter_id",
                          BADGE_WORDSMITH, member, now, l);
}

/* Conversation starter: a visible thread of the member's in which BADGE_CONVERSATION_REPLIERS
 * other members wrote visible posts; earned at the first post of the last of them to arrive. */
static int rule_conversation_starter(struct db *db, int64_t member, int64_t now,
                                     struct earned_list *l)
{
        struct db_stmt *s = db_prepare(db, "SELECT id FROM space_thread WHERE author_id = ?1 AND "
                                           "state = 'visible' AND created_at <= ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member);
        db_bind_int(s, 2, now);
        int64_t *threads = NULL;
        size_t cap = 0;
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW) {
                threads = arena_grow(l->a, threads, (size_t)n + 1, &cap, sizeof(*threads));
                threads[n++] = db_col_int(s, 0);
        }
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        int64_t best = 0;
        for (int i = 0; i < n; i++) {
                s = db_prepare(db, "SELECT min(created_at) AS first FROM space_post WHERE "
                                   "thread_id = ?1 AND author_id <> ?2 AND state = 'visible' "
                                   "GROUP BY author_id ORDER BY first LIMIT 1 OFFSET ?3");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, threads[i]);
                db_bind_int(s, 2, member);
                db_bind_int(s, 3, BADGE_CONVERSATION_REPLIERS - 1);
                step = db_step(s);
                if (step == DB_ROW && (!best || db_col_int(s, 0) < best))
                        best = db_col_int(s, 0);
                db_finish(s);
                if (step != DB_ROW && step != DB_DONE)
                        return PUB_DB_ERROR;
        }
        if (best)
                earned_add(l, BADGE_CONVERSATION_STARTER, 0, best);
        return 0;
}

/* The calendar week (Monday to Sunday, UTC) of a time: 1970-01-01 was a Thursday. */
static int64_t week_of(int64_t t)
{
        int64_t shifted = t + 3 * 86400;
        return shifted >= 0 ? shifted / (7 * 86400) : (shifted - 7 * 86400 + 1) / (7 * 86400);
}

/* A newsletter the member is tied to, and since when. */
struct tie {
        int64_t newsletter_id, at;
};

static void tie_add(struct arena *a, struct tie **v, int *n, size_t *cap, int64_t nl, int64_t at)
{
        for (int i = 0; i < *n; i++)
                if ((*v)[i].newsletter_id == nl) {
                        if (at < (*v)[i].at)
                                (*v)[i].at = at;
                        return;
                }
        *v = arena_grow(a, *v, (size_t)*n + 1, cap, sizeof(**v));
        (*v)[(*n)++] = (struct tie){nl, at};
}

/* The rules that read the member's comments, in one pass over the first
 * KD_BADGE_COMMENTS_READ of them in time order (comment_by_author), so a refresh costs the same
 * for a member with a hundred thousand comments as for one with two thousand:
 *
 * Regular: visible comments (answers too) under live episodes in BADGE_REGULAR_WEEKS different
 * calendar weeks; earned at the first comment of the last of those weeks.
 *
 * Founding reader, per newsletter: the member's first tie to it -- following it, or their first
 * visible comment under one of its live episodes -- came before the first live episode of any
 * season after its first. While no later season has begun, every new tie still counts. The
 * newsletter's own authors are not its readers. */
static int rules_from_comments(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        struct tie *ties = NULL;
        size_t cap = 0;
        int nties = 0, weeks = 0, step;
        int64_t last_week = INT64_MIN, regular_at = 0;
        struct db_stmt *s = db_prepare(
            db, "SELECT c.created_at, e.newsletter_id FROM (SELECT id, episode_id, created_at, "
                "state, buildon_id FROM comment WHERE author_id = ?1 ORDER BY created_at LIMIT "
                "?3) c JOIN episode e ON e.id = c.episode_id WHERE " VISIBLE_COMMENT
                " AND " LIVE_EPISODE " ORDER BY c.created_at");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, KD_BADGE_COMMENTS_READ);
        while ((step = db_step(s)) == DB_ROW) {
                int64_t t = db_col_int(s, 0);
                tie_add(l->a, &ties, &nties, &cap, db_col_int(s, 1), t);
                if (week_of(t) != last_week && weeks < BADGE_REGULAR_WEEKS) {
                        last_week = week_of(t);
                        if (++weeks == BADGE_REGULAR_WEEKS)
                                regular_at = t;
                }
        }
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        if (regular_at)
                earned_add(l, BADGE_REGULAR, 0, regular_at);

        s = db_prepare(db, "SELECT newsletter_id, created_at FROM follow WHERE member_id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member);
        while ((step = db_step(s)) == DB_ROW)
                tie_add(l->a, &ties, &nties, &cap, db_col_int(s, 0), db_col_int(s, 1));
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        /* The first live episode after the first season: the newsletter's live episodes in time
         * order (episode_live_by_newsletter), stopping at the first of a later season, so the
         * work is the first season's episodes. min() over the later seasons' episodes read all
         * of them, and PostgreSQL's generic plan intersected them with every live episode of
         * the site (episode_live): 20-35 ms a comment on 10,000 episodes. */
        for (int i = 0; i < nties; i++) {
                s = db_prepare(
                    db, "SELECT n.owner_id = ?1 OR EXISTS (SELECT 1 FROM newsletter_author na "
                        "WHERE na.newsletter_id = n.id AND na.member_id = ?1), coalesce((SELECT "
                        "e.publish_at FROM episode e JOIN season s ON s.id = e.season_id WHERE "
                        "e.newsletter_id = n.id AND " LIVE_EPISODE " AND s.number > (SELECT "
                        "min(number) FROM season WHERE newsletter_id = n.id) ORDER BY "
                        "e.publish_at LIMIT 1), 9223372036854775807) FROM newsletter n WHERE "
                        "n.id = ?3");
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, member);
                db_bind_int(s, 2, now);
                db_bind_int(s, 3, ties[i].newsletter_id);
                step = db_step(s);
                if (step == DB_ROW && db_col_int(s, 0) == 0 && ties[i].at < db_col_int(s, 1))
                        earned_add(l, BADGE_FOUNDING_READER, ties[i].newsletter_id, ties[i].at);
                db_finish(s);
                if (step != DB_ROW && step != DB_DONE)
                        return PUB_DB_ERROR;
        }
        return 0;
}

/* Every rule's badges for member at now. Returns 0 or PUB_DB_ERROR. */
static int rules_apply(struct db *db, int64_t member, int64_t now, struct earned_list *l)
{
        int (*const rules[])(struct db *, int64_t, int64_t, struct earned_list *) = {
            rules_from_comments, rule_first_answer,         rule_first_buildon, rule_tried_it,
            rule_asked_answered, rule_conversation_starter, rule_wordsmith,
        };
        for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
                if (rules[i](db, member, now, l) != 0)
                        return PUB_DB_ERROR;
        return 0;
}

/* ------------------------------------------------------------------ refresh */

/* A stored row of the member's, as the refresh sees it. */
struct stored {
        int kind; /* -1: a key this version does not know (left alone) */
        int64_t newsletter_id;
        bool by_rule; /* awarded_by and revoked_by both NULL */
        bool keep;
};

int badges_refresh_at(struct db *db, int64_t member_id, int64_t now)
{
        struct arena *a = arena_new();
        struct earned_list want = {.a = a};
        struct stored *have = NULL;
        size_t cap = 0;
        int nhave = 0, added = 0, rc = PUB_OK;
        /* The rules read much (a member's comments, answers, seasons) and write nothing: they
         * run before the write lock, so a refresh after a write does not hold every other
         * writer while it reads (durable comments per second, docs/performance.md). What the
         * member holds is read under the lock, so two refreshes at once store a badge once. */
        if (rules_apply(db, member_id, now, &want) != 0) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        if (db_begin(db) != DB_OK) {
                arena_free(a);
                return PUB_DB_ERROR;
        }
        struct db_stmt *s = db_prepare(db, "SELECT badge, newsletter_id, awarded_by IS NULL AND "
                                           "revoked_by IS NULL FROM badge WHERE member_id = ?1");
        if (!s) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        db_bind_int(s, 1, member_id);
        int step;
        while ((step = db_step(s)) == DB_ROW) {
                have = arena_grow(a, have, (size_t)nhave + 1, &cap, sizeof(*have));
                have[nhave++] = (struct stored){badge_kind_parse(db_col_text(s, 0)),
                                                db_col_int(s, 1), db_col_int(s, 2) != 0, false};
        }
        db_finish(s);
        if (step != DB_DONE) {
                rc = PUB_DB_ERROR;
                goto cleanup;
        }
        for (int i = 0; i < want.n && rc == PUB_OK; i++) {
                const struct earned *w = &want.v[i];
                bool stored = false;
                for (int k = 0; k < nhave; k++)
                        if (have[k].kind == (int)w->kind &&
                            have[k].newsletter_id == w->newsletter_id) {
                                have[k].keep = true; /* earned again: its first time stays */
                                stored = true;
                        }
                if (stored)
                        continue;
                s = db_prepare(db, "INSERT INTO badge (member_id, badge, newsletter_id, "
                                   "earned_at) VALUES (?1, ?2, ?3, ?4)");
                if (!s) {
                        rc = PUB_DB_ERROR;
                        break;
                }
                db_bind_int(s, 1, member_id);
                db_bind_text(s, 2, defs[w->kind].key);
                db_bind_int(s, 3, w->newsletter_id);
                db_bind_int(s, 4, w->at);
                if (db_step(s) != DB_DONE)
                        rc = PUB_DB_ERROR;
                db_finish(s);
                added++;
        }
        /* A rule badge whose rule no longer holds goes (the data that earned it was hidden,
         * deleted or taken back into a draft). */
        for (int k = 0; k < nhave && rc == PUB_OK; k++) {
                if (have[k].keep || !have[k].by_rule || have[k].kind < 0)
                        continue;
                s = db_prepare(db, "DELETE FROM badge WHERE member_id = ?1 AND badge = ?2 AND "
                                   "newsletter_id = ?3 AND awarded_by IS NULL AND revoked_by IS "
                                   "NULL");
                if (!s) {
                        rc = PUB_DB_ERROR;
                        break;
                }
                db_bind_int(s, 1, member_id);
                db_bind_text(s, 2, defs[have[k].kind].key);
                db_bind_int(s, 3, have[k].newsletter_id);
                if (db_step(s) != DB_DONE)
                        rc = PUB_DB_ERROR;
                db_finish(s);
        }
cleanup:
        arena_free(a);
        if (rc == PUB_OK && db_commit(db) == DB_OK)
                return added;
        db_rollback(db);
        log_warn("badges of member %lld could not be refreshed", (long long)member_id);
        return PUB_DB_ERROR;
}

int badges_refresh(struct db *db, int64_t member_id)
{
        return badges_refresh_at(db, member_id, time_now());
}

/* What one new comment can change, found with a few index lookups instead of reading the
 * author's comments (rules_from_comments read up to KD_BADGE_COMMENTS_READ of them with their
 * episodes on every comment: 78% of posting a comment's CPU in perf, docs/performance.md).
 * A new comment is its author's latest, so it only adds to what the comment rules read
 * (weeks, ties; their first times stay) and never takes a badge away:
 * - Regular: nothing new unless the author holds no Regular yet and the comment is their
 *   first counted one of its calendar week;
 * - Founding reader of its newsletter: nothing new unless the author holds none for it and
 *   had no tie to it yet (a follow, or an earlier counted comment under it);
 * - First answer: nothing new unless it is an answer and the author holds none.
 * Otherwise the full refresh runs, so the outcome is the refresh's in every case. */
int badges_comment_may_earn(struct db *db, int64_t member_id, int64_t comment_id, int64_t now)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT c.created_at, e.newsletter_id, c.prompt_id IS NOT NULL AND c.parent_id IS "
                "NULL, " VISIBLE_COMMENT " AND " LIVE_EPISODE ", EXISTS (SELECT 1 FROM badge WHERE "
                "member_id = ?1 AND badge = 'regular'), EXISTS (SELECT 1 FROM badge WHERE "
                "member_id = ?1 AND badge = 'founding-reader' AND newsletter_id = "
                "e.newsletter_id), EXISTS (SELECT 1 FROM follow WHERE member_id = ?1 AND "
                "newsletter_id = e.newsletter_id), EXISTS (SELECT 1 FROM badge WHERE member_id = "
                "?1 AND badge = 'first-answer') FROM comment c JOIN episode e ON e.id = "
                "c.episode_id WHERE c.id = ?3 AND c.author_id = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, now);
        db_bind_int(s, 3, comment_id);
        int step = db_step(s);
        if (step != DB_ROW) {
                db_finish(s);
                return step == DB_DONE ? 0 : PUB_DB_ERROR;
        }
        int64_t at = db_col_int(s, 0), newsletter = db_col_int(s, 1);
        bool answer = db_col_int(s, 2), counted = db_col_int(s, 3), has_regular = db_col_int(s, 4),
             has_founding = db_col_int(s, 5), follows = db_col_int(s, 6),
             has_first_answer = db_col_int(s, 7);
        db_finish(s);
        if (!counted) /* the rules count only visible comments under live episodes */
                return 0;
        bool full = answer && !has_first_answer;
        /* an earlier counted comment of the author's (a smaller id: of two posted at once, the
         * first one's check does not count on the second), in the same week (?4: its first
         * second), or under the same newsletter (?5); newest first, as members mostly comment
         * again where they commented last (oldest first read a bench member's 370 comments) */
        const char *earlier_sql =
            "SELECT 1 FROM comment c JOIN episode e ON e.id = c.episode_id WHERE c.author_id = "
            "?1 AND c.created_at >= ?4 AND c.id < ?3 AND (?5 = 0 OR e.newsletter_id = ?5) "
            "AND " VISIBLE_COMMENT " AND " LIVE_EPISODE " ORDER BY c.created_at DESC LIMIT 1";
        for (int check = 0; check < 2 && !full; check++) {
                if (check == 0 ? has_regular : has_founding || follows)
                        continue;
                s = db_prepare(db, earlier_sql);
                if (!s)
                        return PUB_DB_ERROR;
                db_bind_int(s, 1, member_id);
                db_bind_int(s, 2, now);
                db_bind_int(s, 3, comment_id);
                db_bind_int(s, 4, check == 0 ? week_of(at) * 7 * 86400 - 3 * 86400 : INT64_MIN);
                db_bind_int(s, 5, check == 0 ? 0 : newsletter);
                step = db_step(s);
                db_finish(s);
                if (step != DB_ROW && step != DB_DONE)
                        return PUB_DB_ERROR;
                full = step == DB_DONE; /* no earlier one */
        }
        return full ? 1 : 0;
}

int badges_refresh_all(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "SELECT id FROM member ORDER BY id");
        if (!s)
                return PUB_DB_ERROR;
        int64_t *ids = NULL;
        size_t cap = 0, n = 0;
        int step;
        struct arena *a = arena_new();
        while ((step = db_step(s)) == DB_ROW) {
                ids = arena_grow(a, ids, n + 1, &cap, sizeof(*ids));
                ids[n++] = db_col_int(s, 0);
        }
        db_finish(s);
        int total = step == DB_DONE ? 0 : PUB_DB_ERROR;
        for (size_t i = 0; i < n && total >= 0; i++) {
                int got = badges_refresh(db, ids[i]);
                total = got < 0 ? got : total + got;
        }
        arena_free(a);
        return total;
}

/* ------------------------------------------------------------------ reading */

static int badge_cmp(const void *x, const void *y)
{
        const struct badge *a = x, *b = y;
        if (a->newsletter_id != b->newsletter_id)
                return a->newsletter_id < b->newsletter_id ? -1 : 1;
        return (int)a->kind - (int)b->kind;
}

int badge_list_member(struct db *db, struct arena *a, int64_t member_id, bool include_revoked,
                      struct badge **out)
{
        *out = NULL;
        struct db_stmt *s = db_prepare(
            db, "SELECT b.badge, b.newsletter_id, coalesce(n.slug, ''), coalesce(n.title, ''), "
                "b.earned_at, coalesce(b.awarded_by, 0), coalesce(m.handle, ''), b.note, "
                "b.revoked_by IS NOT NULL FROM badge b LEFT JOIN newsletter n ON n.id = "
                "b.newsletter_id LEFT JOIN member m ON m.id = b.awarded_by WHERE b.member_id = ?1 "
                "AND (?2 <> 0 OR b.revoked_by IS NULL)");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, include_revoked);
        struct badge *v = NULL;
        size_t cap = 0;
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW) {
                int kind = badge_kind_parse(db_col_text(s, 0));
                if (kind < 0)
                        continue; /* a kind a later version added */
                v = arena_grow(a, v, (size_t)n + 1, &cap, sizeof(*v));
                v[n++] = (struct badge){
                    .kind = (enum badge_kind)kind,
                    .newsletter_id = db_col_int(s, 1),
                    .newsletter_slug = arena_strdup(a, db_col_text(s, 2)),
                    .newsletter_title = arena_strdup(a, db_col_text(s, 3)),
                    .earned_at = db_col_int(s, 4),
                    .awarded_by = db_col_int(s, 5),
                    .awarded_by_handle = arena_strdup(a, db_col_text(s, 6)),
                    .note = arena_strdup(a, db_col_text(s, 7)),
                    .revoked = db_col_int(s, 8) != 0,
                };
        }
        db_finish(s);
        if (step != DB_DONE)
                return PUB_DB_ERROR;
        if (n > 1)
                qsort(v, (size_t)n, sizeof(*v), badge_cmp);
        *out = v;
        return n;
}

int badge_recent_holders(struct db *db, struct arena *a, enum badge_kind kind, int limit,
                         struct badge_holder **out)
{
        *out = NULL;
        struct db_stmt *s = db_prepare(
            db, "SELECT m.handle, m.display_name, coalesce(n.title, ''), b.earned_at FROM badge b "
                "JOIN member m ON m.id = b.member_id LEFT JOIN newsletter n ON n.id = "
                "b.newsletter_id WHERE b.badge = ?1 AND b.revoked_by IS NULL AND m.disabled = 0 "
                "ORDER BY b.earned_at DESC LIMIT ?2");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, defs[kind].key);
        db_bind_int(s, 2, limit);
        struct badge_holder *v = arena_zalloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof(*v));
        int n = 0, step;
        while ((step = db_step(s)) == DB_ROW && n < limit)
                v[n++] = (struct badge_holder){
                    arena_strdup(a, db_col_text(s, 0)), arena_strdup(a, db_col_text(s, 1)),
                    arena_strdup(a, db_col_text(s, 2)), db_col_int(s, 3)};
        db_finish(s);
        if (step != DB_DONE && step != DB_ROW)
                return PUB_DB_ERROR;
        *out = v;
        return n;
}

/* ------------------------------------------------------------------ by hand */

/* Checks in and finds its kind and newsletter. Returns PUB_OK or PUB_INVALID (p filled). */
static int input_check(struct db *db, const struct badge_input *in, enum badge_kind *kind,
                       int64_t *nl, struct field_problem *p)
{
        int k = badge_kind_parse(in->badge);
        if (k < 0)
                return field_problem_set(p, "badge", N_("Choose one of the badges listed."));
        *kind = (enum badge_kind)k;
        *nl = 0;
        const char *why = text_problem(in->note ? in->note : "", false, KD_BADGE_NOTE_MAX);
        if (why)
                return field_problem_set(p, "note", why);
        if (!defs[k].per_newsletter)
                return PUB_OK;
        if (!in->newsletter_slug || !*in->newsletter_slug)
                return field_problem_set(p, "newsletter",
                                         N_("This badge belongs to a newsletter: choose one."));
        struct db_stmt *s = db_prepare(db, "SELECT id FROM newsletter WHERE slug = ?1");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_text(s, 1, in->newsletter_slug);
        int step = db_step(s);
        if (step == DB_ROW)
                *nl = db_col_int(s, 0);
        db_finish(s);
        if (step == DB_DONE)
                return field_problem_set(p, "newsletter", N_("There is no such newsletter."));
        return step == DB_ROW ? PUB_OK : PUB_DB_ERROR;
}

static bool member_exists(struct db *db, int64_t id, int *err)
{
        struct db_stmt *s = db_prepare(db, "SELECT 1 FROM member WHERE id = ?1");
        if (!s) {
                *err = PUB_DB_ERROR;
                return false;
        }
        db_bind_int(s, 1, id);
        int step = db_step(s);
        db_finish(s);
        if (step != DB_ROW && step != DB_DONE)
                *err = PUB_DB_ERROR;
        return step == DB_ROW;
}

int badge_award(struct db *db, const struct badge_input *in, struct field_problem *p)
{
        enum badge_kind kind;
        int64_t nl;
        int rc = input_check(db, in, &kind, &nl, p);
        if (rc != PUB_OK)
                return rc;
        int err = PUB_OK;
        if (!member_exists(db, in->member_id, &err))
                return err != PUB_OK ? err : PUB_NOT_FOUND;
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO badge (member_id, badge, newsletter_id, earned_at, awarded_by, note, "
                "revoked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL) ON CONFLICT (member_id, badge, "
                "newsletter_id) DO UPDATE SET earned_at = excluded.earned_at, awarded_by = "
                "excluded.awarded_by, note = excluded.note, revoked_by = NULL");
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, in->member_id);
        db_bind_text(s, 2, defs[kind].key);
        db_bind_int(s, 3, nl);
        db_bind_int(s, 4, time_now());
        db_bind_int(s, 5, in->admin_id);
        db_bind_text(s, 6, in->note ? in->note : "");
        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        return rc;
}

int badge_remove(struct db *db, const struct badge_input *in, struct field_problem *p)
{
        enum badge_kind kind;
        int64_t nl;
        int rc = input_check(db, in, &kind, &nl, p);
        if (rc != PUB_OK)
                return rc;
        if (db_begin(db) != DB_OK)
                return PUB_DB_ERROR;
        struct db_stmt *s = db_prepare(db, "SELECT awarded_by IS NOT NULL FROM badge WHERE "
                                           "member_id = ?1 AND badge = ?2 AND newsletter_id = ?3 "
                                           "AND revoked_by IS NULL");
        if (!s) {
                db_rollback(db);
                return PUB_DB_ERROR;
        }
        db_bind_int(s, 1, in->member_id);
        db_bind_text(s, 2, defs[kind].key);
        db_bind_int(s, 3, nl);
        int step = db_step(s);
        bool awarded = step == DB_ROW && db_col_int(s, 0) != 0;
        db_finish(s);
        if (step != DB_ROW) {
                db_rollback(db);
                return step == DB_DONE ? PUB_NOT_FOUND : PUB_DB_ERROR;
        }
        /* An awarded badge simply goes; an earned one stays marked, or its rule would give it
         * back at the member's next write. */
        s = awarded ? db_prepare(db, "DELETE FROM badge WHERE member_id = ?1 AND badge = ?2 AND "
                                     "newsletter_id = ?3")
                    : db_prepare(db, "UPDATE badge SET revoked_by = ?4, note = ?5 WHERE "
                                     "member_id = ?1 AND badge = ?2 AND newsletter_id = ?3");
        if (!s) {
                db_rollback(db);
                return PUB_DB_ERROR;
        }
        db_bind_int(s, 1, in->member_id);
        db_bind_text(s, 2, defs[kind].key);
        db_bind_int(s, 3, nl);
        if (!awarded) {
                db_bind_int(s, 4, in->admin_id);
                db_bind_text(s, 5, in->note ? in->note : "");
        }
        rc = db_step(s) == DB_DONE ? PUB_OK : PUB_DB_ERROR;
        db_finish(s);
        if (rc == PUB_OK && db_commit(db) == DB_OK)
                return PUB_OK;
        db_rollback(db);
        return PUB_DB_ERROR;
}

/* ------------------------------------------------------------------ sets for pages */

static int int64_cmp(const void *x, const void *y)
{
        int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
        return a < b ? -1 : a > b;
}

static int entry_cmp(const void *x, const void *y)
{
        const struct badge_set_entry *a = x, *b = y;
        if (a->member_id != b->member_id)
                return a->member_id < b->member_id ? -1 : 1;
        return (int)a->kind - (int)b->kind;
}

struct badge_set *badge_set_load(struct db *db, struct arena *a, int64_t newsletter_id,
                                 const int64_t *member_ids, int n)
{
        struct badge_set *set = arena_zalloc(a, sizeof(*set));
        set->newsletter_id = newsletter_id;
        if (n <= 0)
                return set;
        int64_t *ids = arena_alloc(a, (size_t)n * sizeof(*ids));
        memcpy(ids, member_ids, (size_t)n * sizeof(*ids));
        qsort(ids, (size_t)n, sizeof(*ids), int64_cmp);
        int distinct = 0;
        for (int i = 0; i < n; i++)
                if (ids[i] > 0 && (distinct == 0 || ids[distinct - 1] != ids[i]))
                        ids[distinct++] = ids[i];
        size_t cap = 0;
        for (int from = 0; from < distinct; from += BADGE_SET_CHUNK) {
                struct db_stmt *s = db_prepare(
                    db, "SELECT member_id, badge FROM badge WHERE member_id IN "
                        "(?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
                        "?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37,?38,?39,"
                        "?40,?41,?42,?43,?44,?45,?46,?47,?48,?49,?50,?51,?52,?53,?54,?55,?56,?57,"
                        "?58,?59,?60,?61,?62,?63,?64,?65) AND newsletter_id IN (0, ?1) AND "
                        "revoked_by IS NULL");
                if (!s)
                        break;
                db_bind_int(s, 1, newsletter_id);
                for (int k = 0; k < BADGE_SET_CHUNK; k++)
                        db_bind_int(s, 2 + k, from + k < distinct ? ids[from + k] : 0);
                while (db_step(s) == DB_ROW) {
                        int kind = badge_kind_parse(db_col_text(s, 1));
                        if (kind < 0)
                                continue;
                        set->entries = arena_grow(a, set->entries, (size_t)set->n + 1, &cap,
                                                  sizeof(*set->entries));
                        set->entries[set->n++] =
                            (struct badge_set_entry){db_col_int(s, 0), (enum badge_kind)kind};
                }
                db_finish(s);
        }
        if (set->n > 1)
                qsort(set->entries, (size_t)set->n, sizeof(*set->entries), entry_cmp);
        return set;
}

struct badge_set *badge_set_for_comments(struct db *db, struct arena *a, int64_t newsletter_id,
                                         const struct comment *cs, int n)
{
        int64_t *ids = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof(*ids));
        for (int i = 0; i < n; i++)
                ids[i] = cs[i].author_id;
        return badge_set_load(db, a, newsletter_id, ids, n);
}

int badge_set_kinds(const struct badge_set *set, int64_t member_id, enum badge_kind *kinds)
{
        if (!set || set->n == 0)
                return 0;
        int lo = 0, hi = set->n;
        while (lo < hi) { /* the first entry of member_id, if any */
                int mid = (lo + hi) / 2;
                if (set->entries[mid].member_id < member_id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        int n = 0;
        for (int i = lo; i < set->n && set->entries[i].member_id == member_id && n < BADGE_KINDS;
             i++)
                kinds[n++] = set->entries[i].kind;
        return n;
}

int badges_refresh_of(struct db *db, const char *sql, int64_t id)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return PUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int step = db_step(s);
        int64_t member_id = step == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        if (step != DB_ROW && step != DB_DONE)
                return PUB_DB_ERROR;
        return member_id > 0 ? badges_refresh(db, member_id) : 0;
}
