/* The insights metrics (insights.h, docs/insights.md): each part read from the rollups of
 * migration 008 with indexed queries bounded by the scope and the range, never by the size
 * of the site; people are deduplicated across weeks in memory, in arrays indexed by member id. */
#include "model/insights.h"
#include "core/arena.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/newsletter.h"
#include "model/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ arithmetic */

struct insight_share insight_share_of(int64_t num, int64_t den)
{
        struct insight_share s = {num, den, INSIGHT_NONE};
        if (den > 0 && num >= 0)
                s.bp = (int32_t)((num * 20000 + den) / (2 * den));
        return s;
}

const char *insight_bp_text(int32_t bp, char *buf, size_t size)
{
        if (bp == INSIGHT_NONE)
                snprintf(buf, size, "%s", "");
        else
                snprintf(buf, size, "%d.%04d", bp / 10000, bp % 10000);
        return buf;
}

int insight_bp_percent(int32_t bp)
{
        return bp == INSIGHT_NONE ? INSIGHT_NONE : (bp + 50) / 100;
}

static int cmp_i64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
}

int64_t insight_median(int64_t *v, size_t n)
{
        if (n == 0)
                return INSIGHT_NONE;
        qsort(v, n, sizeof(*v), cmp_i64);
        if (n % 2)
                return v[n / 2];
        int64_t a = v[n / 2 - 1], b = v[n / 2];
        return a + (b - a) / 2; /* the mean rounded down, without overflow (both >= 0) */
}

int insight_rung_weight(int rung)
{
        static const int w[4] = {1, 4, 7, 10};
        return rung >= 1 && rung <= 4 ? w[rung - 1] : 0;
}

int64_t insight_commitment_x100(const int64_t members_at[4])
{
        int64_t sum = 0, members = 0;
        for (int r = 1; r <= 4; r++) {
                int64_t w = insight_rung_weight(r);
                sum += w * w * members_at[r - 1];
                members += members_at[r - 1];
        }
        if (members == 0)
                return 0;
        return (sum * 200 + members) / (2 * members);
}

/* ------------------------------------------------------------ range, scope, permission */

/* "YYYY-MM-DD" exactly, a real date: its day number. */
static int parse_date(const char *s, int64_t *day)
{
        if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return -1;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
                        return -1;
        int64_t at;
        if (time_parse_iso8601(s, &at) != 0)
                return -1;
        *day = event_day(at);
        return 0;
}

enum insight_error insights_range(struct insight_query *q, const char *from, const char *to,
                                  int64_t now)
{
        int64_t from_day = 0, to_day = event_day(now);
        bool has_from = from && *from;
        if (to && *to && parse_date(to, &to_day) != 0)
                return INSIGHT_BAD_DATE;
        if (has_from && parse_date(from, &from_day) != 0)
                return INSIGHT_BAD_DATE;
        if (has_from && from_day > to_day)
                return INSIGHT_REVERSED;
        int64_t to_week = event_week(to_day * 86400);
        int64_t from_week =
            has_from ? event_week(from_day * 86400) : to_week - (INSIGHT_DEFAULT_WEEKS - 1);
        if (to_week - from_week + 1 > KD_INSIGHT_WEEKS_MAX)
                return INSIGHT_TOO_LONG;
        q->from_week = from_week;
        q->to_week = to_week;
        q->from_day = from_week * 7 - 3;
        q->to_day = to_week * 7 + 3;
        q->from_at = q->from_day * 86400;
        q->to_end = (q->to_day + 1) * 86400;
        q->weeks = (int)(to_week - from_week + 1);
        q->now = now;
        return INSIGHT_OK;
}

enum insight_error insights_scope(struct db *db, struct insight_query *q, int64_t newsletter_id,
                                  int season_number, const char *episode_slug)
{
        q->scope = newsletter_id ? INSIGHT_NEWSLETTER : INSIGHT_SITE;
        q->newsletter_id = newsletter_id;
        q->season_id = q->episode_id = 0;
        q->season_number = 0;
        if (!newsletter_id)
                return INSIGHT_OK;
        struct db_stmt *s;
        if (episode_slug && *episode_slug) {
                s = db_prepare(db,
                               "SELECT e.id, e.season_id, s.number FROM episode e JOIN season s "
                               "ON s.id = e.season_id WHERE e.newsletter_id = ?1 AND e.slug = ?2 "
                               "AND e.status <> 'draft'");
                if (!s)
                        return INSIGHT_STORAGE;
                db_bind_int(s, 1, newsletter_id);
                db_bind_text(s, 2, episode_slug);
                int rc = db_step(s);
                if (rc == DB_ROW) {
                        q->scope = INSIGHT_EPISODE;
                        q->episode_id = db_col_int(s, 0);
                        q->season_id = db_col_int(s, 1);
                        q->season_number = (int)db_col_int(s, 2);
                }
                db_finish(s);
                return rc == DB_ROW    ? INSIGHT_OK
                       : rc == DB_DONE ? INSIGHT_NO_EPISODE
                                       : INSIGHT_STORAGE;
        }
        if (season_number > 0) {
                s = db_prepare(db,
                               "SELECT id FROM season WHERE newsletter_id = ?1 AND number = ?2");
                if (!s)
                        return INSIGHT_STORAGE;
                db_bind_int(s, 1, newsletter_id);
                db_bind_int(s, 2, season_number);
                int rc = db_step(s);
                if (rc == DB_ROW) {
                        q->scope = INSIGHT_SEASON;
                        q->season_id = db_col_int(s, 0);
                        q->season_number = season_number;
                }
                db_finish(s);
                return rc == DB_ROW    ? INSIGHT_OK
                       : rc == DB_DONE ? INSIGHT_NO_SEASON
                                       : INSIGHT_STORAGE;
        }
        return INSIGHT_OK;
}

bool insights_can_view(struct db *db, int64_t newsletter_id, int64_t member_id, enum role role)
{
        if (role == ROLE_ADMIN)
                return true;
        return role != ROLE_NONE && newsletter_is_author(db, newsletter_id, member_id);
}

/* ------------------------------------------------------------ the newsletters of a scope */

/* The newsletters the scope covers: the one, or for the site 0 (no newsletter) and every
 * newsletter. */
static int scope_newsletters(struct db *db, struct arena *a, const struct insight_query *q,
                             int64_t **out, size_t *n)
{
        *n = 0;
        size_t cap = 0;
        *out = NULL;
        if (q->scope != INSIGHT_SITE) {
                *out = arena_alloc(a, sizeof(int64_t));
                (*out)[0] = q->newsletter_id;
                *n = 1;
                return 0;
        }
        struct db_stmt *s = db_prepare(db, "SELECT 0 UNION ALL SELECT id FROM newsletter");
        if (!s)
                return -1;
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                *out = arena_grow(a, *out, *n + 1, &cap, sizeof(int64_t));
                (*out)[(*n)++] = db_col_int(s, 0);
        }
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

/* ------------------------------------------------------------ weeks */

static int week_index(const struct insight_query *q, int64_t week)
{
        return week >= q->from_week && week <= q->to_week ? (int)(week - q->from_week) : -1;
}

/* insight_week for one newsletter, into the rows; and the cumulative sums before the range. */
static int load_people_weeks(struct db *db, const struct insight_query *q, int64_t nl,
                             struct insight_week_row *w, int64_t before[3])
{
        struct db_stmt *s = db_prepare(
            db,
            "SELECT week, active, returned, rung1, rung2, rung3, rung4, new_members, new_pairs, "
            "new_connected FROM insight_week WHERE newsletter_id = ?1 AND week BETWEEN ?2 AND ?3");
        if (!s)
                return -1;
        db_bind_int(s, 1, nl);
        db_bind_int(s, 2, q->from_week);
        db_bind_int(s, 3, q->to_week);
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                int i = week_index(q, db_col_int(s, 0));
                if (i < 0)
                        continue;
                struct insight_week_row *r = &w[i];
                r->active += db_col_int(s, 1);
                r->returned += db_col_int(s, 2);
                for (int k = 0; k < 4; k++)
                        r->rung[k] += db_col_int(s, 3 + k);
                r->new_members += db_col_int(s, 7);
                r->new_pairs += db_col_int(s, 8);
                r->connected_members += db_col_int(s, 9); /* new this week; summed below */
        }
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        s = db_prepare(db,
                       "SELECT coalesce(sum(new_pairs), 0), coalesce(sum(new_connected), 0), "
                       "coalesce(sum(new_members), 0) FROM insight_week WHERE newsletter_id = ?1 "
                       "AND week < ?2");
        if (!s)
                return -1;
        db_bind_int(s, 1, nl);
        db_bind_int(s, 2, q->from_week);
        rc = db_step(s);
        if (rc == DB_ROW)
                for (int k = 0; k < 3; k++)
                        before[k] += db_col_int(s, k);
        db_finish(s);
        return rc == DB_ROW ? 0 : -1;
}

/* The day counters of the scope, summed into the week rows. */
static void add_day_row(struct db_stmt *s, const struct insight_query *q,
                        struct insight_week_row *w)
{
        int64_t day = db_col_int(s, 0);
        int i = week_index(q, event_week(day * 86400));
        if (i < 0)
                return;
        struct insight_week_row *r = &w[i];
        int c = 1;
        r->views += db_col_int(s, c++);
        r->member_views += db_col_int(s, c++);
        r->visitors += db_col_int(s, c++);
        r->guest_readers += db_col_int(s, c++);
        r->completions += db_col_int(s, c++);
        r->reactions += db_col_int(s, c++);
        r->comments += db_col_int(s, c++);
        r->replies += db_col_int(s, c++);
        r->member_replies += db_col_int(s, c++);
        r->author_replies += db_col_int(s, c++);
        r->quotes += db_col_int(s, c++);
        r->answers += db_col_int(s, c++);
        r->buildons += db_col_int(s, c++);
        r->tried += db_col_int(s, c++);
        r->follows += db_col_int(s, c++);
}

#define DAY_COLS                                                                                   \
        "d.day, d.views, d.member_views, d.visitors, d.guest_readers, d.completions, "             \
        "d.reactions, "                                                                            \
        "d.comments, d.replies, d.member_replies, d.author_replies, d.quotes, d.answers, "         \
        "d.buildons, d.tried, d.follows "

static int load_day_weeks(struct db *db, const struct insight_query *q, const int64_t *nls,
                          size_t nnl, struct insight_week_row *w)
{
        for (size_t k = 0; k < (q->scope == INSIGHT_SEASON ? 1 : nnl); k++) {
                struct db_stmt *s;
                if (q->scope == INSIGHT_SEASON) {
                        s = db_prepare(db,
                                       "SELECT " DAY_COLS "FROM episode e JOIN insight_day d ON "
                                       "d.newsletter_id = e.newsletter_id AND d.episode_id = e.id "
                                       "WHERE e.season_id = ?1 AND d.day BETWEEN ?2 AND ?3");
                        if (!s)
                                return -1;
                        db_bind_int(s, 1, q->season_id);
                } else {
                        s = db_prepare(db, "SELECT " DAY_COLS "FROM insight_day d WHERE "
                                           "d.newsletter_id = ?1 AND d.episode_id = ?4 AND d.day "
                                           "BETWEEN ?2 AND ?3");
                        if (!s)
                                return -1;
                        db_bind_int(s, 1, nls[k]);
                        db_bind_int(s, 4, q->scope == INSIGHT_EPISODE ? q->episode_id : 0);
                }
                db_bind_int(s, 2, q->from_day);
                db_bind_int(s, 3, q->to_day);
                int rc;
                while ((rc = db_step(s)) == DB_ROW)
                        add_day_row(s, q, w);
                db_finish(s);
                if (rc != DB_DONE)
                        return -1;
        }
        return 0;
}

static int load_weeks(struct db *db, struct arena *a, const struct insight_query *q,
                      const int64_t *nls, size_t nnl, struct insights *out)
{
        struct insight_week_row *w = arena_zalloc(a, (size_t)q->weeks * sizeof(*w));
        int64_t before[3] = {0, 0, 0}; /* pairs, connected members, members before the range */
        for (size_t k = 0; k < nnl; k++)
                if (load_people_weeks(db, q, nls[k], w, before) != 0)
                        return -1;
        if (load_day_weeks(db, q, nls, nnl, w) != 0)
                return -1;
        int64_t pairs = before[0], connected = before[1], members = before[2];
        for (int i = 0; i < q->weeks; i++) {
                struct insight_week_row *r = &w[i];
                r->week = q->from_week + i;
                r->start = event_week_start(r->week);
                r->returning_rate = insight_share_of(r->returned, r->active);
                r->member_reply_share = insight_share_of(r->member_replies, r->replies);
                pairs += r->new_pairs;
                connected += r->connected_members;
                members += r->new_members;
                r->connections = pairs;
                r->connected_members = connected;
                r->members = members;
                out->replies += r->replies;
                out->member_replies += r->member_replies;
                out->author_replies += r->author_replies;
                out->buildons += r->buildons;
                out->tried += r->tried;
                out->vanity.views += r->views;
                out->vanity.visitors += r->visitors;
                out->vanity.guest_readers += r->guest_readers;
                out->vanity.completions += r->completions;
        }
        out->member_reply_share = insight_share_of(out->member_replies, out->replies);
        out->weeks = w;
        out->n_weeks = (size_t)q->weeks;
        out->connections.pairs_total = pairs;
        out->connections.pairs_new = pairs - before[0];
        out->connections.members_total = members;
        out->connections.members_connected = connected;
        out->connections.connected_share = insight_share_of(connected, members);
        return 0;
}

/* ------------------------------------------------------------ ladder and momentum */

/* Members' marks for the ladder, one byte per member id (ids are dense integers, so a plain
 * array beats a hash by far on the hundreds of thousands of member weeks a range holds): the
 * highest rung in the low 3 bits, RETURNING_BIT when first active before the range. Ids above
 * max (members who joined while the answer is computed) are left out. */
#define RETURNING_BIT 8
struct marks {
        uint8_t *v;
        int64_t max;
};

static int marks_init(struct db *db, struct arena *a, struct marks *m)
{
        struct db_stmt *s = db_prepare(db, "SELECT coalesce(max(id), 0) FROM member");
        if (!s)
                return -1;
        int rc = db_step(s);
        m->max = rc == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        m->v = arena_zalloc(a, (size_t)m->max + 1);
        return rc == DB_ROW ? 0 : -1;
}

/* Each member active in weeks from..to of the newsletters, at their highest rung
 * (insight_member_week_rung covers the scan). */
static int collect_rungs(struct db *db, const int64_t *nls, size_t nnl, int64_t from_week,
                         int64_t to_week, struct marks *m)
{
        for (size_t k = 0; k < nnl; k++) {
                struct db_stmt *s =
                    db_prepare(db, "SELECT member_id, rung FROM insight_member_week WHERE "
                                   "newsletter_id = ?1 AND week BETWEEN ?2 AND ?3");
                if (!s)
                        return -1;
                db_bind_int(s, 1, nls[k]);
                db_bind_int(s, 2, from_week);
                db_bind_int(s, 3, to_week);
                int rc;
                while ((rc = db_step(s)) == DB_ROW) {
                        int64_t id = db_col_int(s, 0);
                        uint8_t rung = (uint8_t)db_col_int(s, 1);
                        if (id > 0 && id <= m->max && rung > (m->v[id] & 7))
                                m->v[id] = (uint8_t)((m->v[id] & ~7) | rung);
                }
                db_finish(s);
                if (rc != DB_DONE)
                        return -1;
        }
        return 0;
}

static void ladder_from(const struct marks *m, struct insight_ladder *l)
{
        memset(l, 0, sizeof(*l));
        for (int64_t id = 1; id <= m->max; id++) {
                int rung = m->v[id] & 7;
                if (rung < 1 || rung > 4)
                        continue;
                l->at[rung - 1]++;
                if (m->v[id] & RETURNING_BIT)
                        l->returning++;
        }
        for (int r = 3; r >= 0; r--)
                l->at_least[r] = l->at[r] + (r < 3 ? l->at_least[r + 1] : 0);
        for (int r = 0; r < 3; r++)
                l->step[r] = insight_share_of(l->at_least[r + 1], l->at_least[r]);
        l->members = l->at_least[0];
        l->returning_rate = insight_share_of(l->returning, l->members);
}

/* Marks the active members of m first active in a newsletter before from_week: the
 * insight_member rows active since then (the index insight_member_recent covers it). */
static int mark_returning(struct db *db, const int64_t *nls, size_t nnl, int64_t from_week,
                          struct marks *m)
{
        for (size_t k = 0; k < nnl; k++) {
                struct db_stmt *s = db_prepare(
                    db, "SELECT member_id FROM insight_member WHERE newsletter_id = ?1 AND "
                        "last_week >= ?2 AND first_week < ?2");
                if (!s)
                        return -1;
                db_bind_int(s, 1, nls[k]);
                db_bind_int(s, 2, from_week);
                int rc;
                while ((rc = db_step(s)) == DB_ROW) {
                        int64_t id = db_col_int(s, 0);
                        if (id > 0 && id <= m->max && (m->v[id] & 7))
                                m->v[id] |= RETURNING_BIT;
                }
                db_finish(s);
                if (rc != DB_DONE)
                        return -1;
        }
        return 0;
}

static int load_ladder(struct db *db, struct arena *a, const struct insight_query *q,
                       const int64_t *nls, size_t nnl, struct insights *out)
{
        struct marks m;
        if (marks_init(db, a, &m) != 0 ||
            collect_rungs(db, nls, nnl, q->from_week, q->to_week, &m) != 0 ||
            mark_returning(db, nls, nnl, q->from_week, &m) != 0)
                return -1;
        ladder_from(&m, &out->ladder);

        struct insight_momentum *mo = &out->momentum;
        mo->previous_to_week = q->from_week - 1;
        mo->previous_from_week = q->from_week - q->weeks;
        memset(m.v, 0, (size_t)m.max + 1);
        if (collect_rungs(db, nls, nnl, mo->previous_from_week, mo->previous_to_week, &m) != 0 ||
            mark_returning(db, nls, nnl, mo->previous_from_week, &m) != 0)
                return -1;
        ladder_from(&m, &mo->previous);
        mo->commitment_x100 = insight_commitment_x100(out->ladder.at);
        mo->previous_x100 = insight_commitment_x100(mo->previous.at);
        mo->comparable = mo->previous.members > 0;
        mo->momentum_x100 = mo->comparable ? mo->commitment_x100 - mo->previous_x100 : 0;
        return 0;
}

/* ------------------------------------------------------------ retention and cohorts */

/* The season the retention tables describe: the scope's, or the newsletter's latest season
 * with an episode published before the range's end. 0 when none. */
static int64_t retention_season(struct db *db, const struct insight_query *q)
{
        if (q->season_id)
                return q->season_id;
        if (q->scope != INSIGHT_NEWSLETTER)
                return 0;
        struct db_stmt *s = db_prepare(
            db, "SELECT s.id FROM season s WHERE s.newsletter_id = ?1 AND EXISTS (SELECT 1 FROM "
                "episode e WHERE e.season_id = s.id AND e.status <> 'draft' AND e.publish_at < "
                "?2) ORDER BY s.number DESC LIMIT 1");
        if (!s)
                return 0;
        db_bind_int(s, 1, q->newsletter_id);
        db_bind_int(s, 2, q->to_end < q->now ? q->to_end : q->now);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return id;
}

static int load_retention(struct db *db, struct arena *a, const struct insight_query *q,
                          struct insights *out)
{
        struct insight_retention *rt = &out->retention;
        int64_t season = retention_season(db, q);
        if (!season)
                return 0;
        int64_t as_of = q->to_end < q->now ? q->to_end : q->now;
        struct db_stmt *s = db_prepare(db, "SELECT number, title FROM season WHERE id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, season);
        if (db_step(s) == DB_ROW) {
                rt->season_number = (int)db_col_int(s, 0);
                rt->season_title = arena_strdup(a, db_col_text(s, 1));
        }
        db_finish(s);
        rt->season_id = season;
        s = db_prepare(db, "SELECT id, number, slug, title, publish_at FROM episode WHERE "
                           "season_id = ?1 AND status <> 'draft' AND publish_at < ?2 ORDER BY "
                           "number LIMIT ?3");
        if (!s)
                return -1;
        db_bind_int(s, 1, season);
        db_bind_int(s, 2, as_of);
        db_bind_int(s, 3, INSIGHT_COHORT_EPISODES);
        rt->episodes = arena_zalloc(a, INSIGHT_COHORT_EPISODES * sizeof(*rt->episodes));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                struct insight_season_episode *e = &rt->episodes[rt->n_episodes++];
                e->episode_id = db_col_int(s, 0);
                e->number = (int)db_col_int(s, 1);
                e->slug = arena_strdup(a, db_col_text(s, 2));
                e->title = arena_strdup(a, db_col_text(s, 3));
                e->publish_at = db_col_int(s, 4);
        }
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        if (rt->n_episodes == 0)
                return 0;
        /* Each member's episodes as bits (bit i: the i-th episode in number order), in an
         * array indexed by member id (dense ids: 8 bytes a member, no hashing). */
        s = db_prepare(db, "SELECT coalesce(max(id), 0) FROM member");
        if (!s)
                return -1;
        int64_t max_id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        uint64_t *bits_of = arena_zalloc(a, ((size_t)max_id + 1) * sizeof(uint64_t));
        for (size_t i = 0; i < rt->n_episodes; i++) {
                s = db_prepare(db, "SELECT member_id FROM insight_reader WHERE episode_id = ?1");
                if (!s)
                        return -1;
                db_bind_int(s, 1, rt->episodes[i].episode_id);
                while ((rc = db_step(s)) == DB_ROW) {
                        int64_t id = db_col_int(s, 0);
                        if (id > 0 && id <= max_id)
                                bits_of[id] |= (uint64_t)1 << i;
                }
                db_finish(s);
                if (rc != DB_DONE)
                        return -1;
        }
        size_t n = rt->n_episodes;
        struct insight_cohort *c = arena_zalloc(a, n * sizeof(*c));
        for (size_t i = 0; i < n; i++) {
                c[i].start_number = rt->episodes[i].number;
                c[i].read = arena_zalloc(a, n * sizeof(int64_t));
                c[i].share = arena_zalloc(a, n * sizeof(struct insight_share));
        }
        for (int64_t id = 1; id <= max_id; id++) {
                uint64_t bits = bits_of[id];
                if (!bits)
                        continue;
                size_t start = (size_t)__builtin_ctzll(bits);
                c[start].size++;
                rt->season_members++;
                for (size_t i = 0; i < n; i++)
                        if (bits & ((uint64_t)1 << i)) {
                                rt->episodes[i].readers++;
                                c[start].read[i]++;
                                if (bits & 1)
                                        rt->episodes[i].retained++;
                        }
        }
        for (size_t i = 0; i < n; i++)
                rt->episodes[i].retention =
                    insight_share_of(rt->episodes[i].retained, rt->episodes[0].readers);
        rt->cohorts = arena_zalloc(a, n * sizeof(*c));
        for (size_t i = 0; i < n; i++) {
                if (!c[i].size)
                        continue;
                for (size_t k = 0; k < n; k++)
                        c[i].share[k] = k < i ? insight_share_of(0, 0)
                                              : insight_share_of(c[i].read[k], c[i].size);
                rt->cohorts[rt->n_cohorts++] = c[i];
        }
        return 0;
}

/* ------------------------------------------------------------ carry-over */

/* Carry-over into the retention season (or, without one, the newsletter's latest) from the
 * INSIGHT_CARRYOVER_PAIRS seasons before it: each consecutive pair of seasons with an episode
 * out before the range's end (bounded, not every season the newsletter had). */
static int load_carryover(struct db *db, struct arena *a, const struct insight_query *q,
                          struct insights *out)
{
        if (q->scope == INSIGHT_SITE)
                return 0;
        int64_t as_of = q->to_end < q->now ? q->to_end : q->now;
        int64_t last = retention_season(db, q);
        if (!last)
                return 0;
        /* The seasons up to that one, newest first, with an episode out before the end. */
        struct db_stmt *s = db_prepare(
            db, "SELECT s.id, s.number FROM season s WHERE s.newsletter_id = ?1 AND s.number <= "
                "(SELECT number FROM season WHERE id = ?3) AND EXISTS (SELECT 1 FROM episode e "
                "WHERE e.season_id = s.id AND e.status <> 'draft' AND e.publish_at < ?2) ORDER BY "
                "s.number DESC LIMIT ?4");
        if (!s)
                return -1;
        db_bind_int(s, 1, q->newsletter_id);
        db_bind_int(s, 2, as_of);
        db_bind_int(s, 3, last);
        db_bind_int(s, 4, INSIGHT_CARRYOVER_PAIRS + 1);
        int64_t ids[INSIGHT_CARRYOVER_PAIRS + 1];
        int nums[INSIGHT_CARRYOVER_PAIRS + 1];
        size_t n = 0;
        int rc;
        while ((rc = db_step(s)) == DB_ROW && n < INSIGHT_CARRYOVER_PAIRS + 1) {
                /* Oldest first in the arrays. */
                ids[INSIGHT_CARRYOVER_PAIRS - n] = db_col_int(s, 0);
                nums[INSIGHT_CARRYOVER_PAIRS - n] = (int)db_col_int(s, 1);
                n++;
        }
        db_finish(s);
        if (rc != DB_DONE && rc != DB_ROW)
                return -1;
        if (n < 2)
                return 0;
        const int64_t *id = ids + (INSIGHT_CARRYOVER_PAIRS + 1 - n);
        const int *num = nums + (INSIGHT_CARRYOVER_PAIRS + 1 - n);
        /* Each member's seasons as bits (bit i: id[i]), one row per member and season
         * (insight_season_member), in an array indexed by member id. */
        s = db_prepare(db, "SELECT coalesce(max(id), 0) FROM member");
        if (!s)
                return -1;
        int64_t max_id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        uint8_t *bits = arena_zalloc(a, (size_t)max_id + 1);
        for (size_t i = 0; i < n; i++) {
                s = db_prepare(db,
                               "SELECT member_id FROM insight_season_member WHERE season_id = ?1");
                if (!s)
                        return -1;
                db_bind_int(s, 1, id[i]);
                while ((rc = db_step(s)) == DB_ROW) {
                        int64_t m = db_col_int(s, 0);
                        if (m > 0 && m <= max_id)
                                bits[m] |= (uint8_t)(1u << i);
                }
                db_finish(s);
                if (rc != DB_DONE)
                        return -1;
        }
        int64_t members[INSIGHT_CARRYOVER_PAIRS + 1] = {0}, carried[INSIGHT_CARRYOVER_PAIRS] = {0};
        for (int64_t m = 1; m <= max_id; m++) {
                if (!bits[m])
                        continue;
                for (size_t i = 0; i < n; i++) {
                        if (!(bits[m] & (1u << i)))
                                continue;
                        members[i]++;
                        if (i + 1 < n && (bits[m] & (1u << (i + 1))))
                                carried[i]++;
                }
        }
        out->carryover = arena_zalloc(a, (n - 1) * sizeof(*out->carryover));
        for (size_t i = 0; i + 1 < n; i++) {
                struct insight_carryover *c = &out->carryover[out->n_carryover++];
                c->from_number = num[i];
                c->to_number = num[i + 1];
                c->from_members = members[i];
                c->to_members = members[i + 1];
                c->carried = carried[i];
                c->share = insight_share_of(carried[i], members[i]);
        }
        return 0;
}

/* ------------------------------------------------------------ author presence */

static int load_presence(struct db *db, struct arena *a, const struct insight_query *q,
                         struct insights *out)
{
        struct insight_presence *p = &out->presence;
        p->median_first_reply = INSIGHT_NONE;
        p->joined_share = insight_share_of(0, 0);
        if (q->scope == INSIGHT_SITE)
                return 0;
        /* Threads begun in the range by someone who is not an author, and each one's first
         * reply by an author. Driven by the scope's episodes: a thread is found by root_id =
         * id (not parent_id IS NULL, which would lead the planner to every top-level comment
         * of the site through comment_by_parent); comment_by_episode finds its replies. */
        struct db_stmt *s = db_prepare(
            db,
            "WITH authors(id) AS (SELECT owner_id FROM newsletter WHERE id = ?1 UNION SELECT "
            "member_id FROM newsletter_author WHERE newsletter_id = ?1) "
            "SELECT c.created_at, (SELECT min(r.created_at) FROM comment r WHERE r.episode_id = "
            "c.episode_id AND r.root_id = c.id AND r.id <> c.id AND r.state <> 'deleted' AND "
            "r.author_id IN (SELECT id FROM authors)) FROM episode e JOIN comment c ON "
            "c.episode_id "
            "= e.id WHERE e.newsletter_id = ?1 AND (?2 = 0 OR e.season_id = ?2) AND (?3 = 0 OR "
            "e.id "
            "= ?3) AND c.root_id = c.id AND c.state <> 'deleted' AND c.created_at >= ?4 AND "
            "c.created_at < ?5 AND c.author_id NOT IN (SELECT id FROM authors)");
        if (!s)
                return -1;
        db_bind_int(s, 1, q->newsletter_id);
        db_bind_int(s, 2, q->scope == INSIGHT_SEASON ? q->season_id : 0);
        db_bind_int(s, 3, q->scope == INSIGHT_EPISODE ? q->episode_id : 0);
        db_bind_int(s, 4, q->from_at);
        db_bind_int(s, 5, q->to_end);
        int64_t *delays = NULL;
        size_t cap = 0;
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                p->threads++;
                if (db_col_is_null(s, 1))
                        continue;
                int64_t d = db_col_int(s, 1) - db_col_int(s, 0);
                delays = arena_grow(a, delays, p->joined + 1, &cap, sizeof(int64_t));
                delays[p->joined++] = d < 0 ? 0 : d;
        }
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        p->joined_share = insight_share_of(p->joined, p->threads);
        p->median_first_reply = insight_median(delays, (size_t)p->joined);
        return 0;
}

/* ------------------------------------------------------------ consistency */

/* An episode as consistency judges it. */
struct published {
        int64_t id, season_id, at;
        bool on_cadence, has_cadence;
};

/* The day an episode is due after one published on prev_day, or -1 without a cadence. */
static int64_t due_day(const char *cadence, int64_t n, int64_t prev_day)
{
        if (strcmp(cadence, "weekly") == 0 && n >= 0 && n <= 6) {
                int64_t next = prev_day + 1;
                int64_t weekday = (next + 4) % 7; /* day 0 (1970-01-01) was a Thursday */
                return next + (n - weekday + 7) % 7;
        }
        if (strcmp(cadence, "days") == 0 && n >= 1)
                return prev_day + n;
        return -1;
}

static int load_consistency(struct db *db, struct arena *a, const struct insight_query *q,
                            struct insights *out, struct published **eps_out, size_t *neps_out)
{
        struct insight_consistency *c = &out->consistency;
        c->on_cadence_share = insight_share_of(0, 0);
        *eps_out = NULL;
        *neps_out = 0;
        if (q->scope == INSIGHT_SITE)
                return 0;
        int64_t as_of = q->to_end < q->now ? q->to_end : q->now;
        /* Every published episode of the newsletter up to the range's end, season by season in
         * publishing order (the streak runs across seasons), with its season's cadence. */
        struct db_stmt *s = db_prepare(
            db, "SELECT e.id, e.season_id, e.publish_at, s.cadence, s.cadence_n, s.status FROM "
                "episode e JOIN season s ON s.id = e.season_id WHERE e.newsletter_id = ?1 AND "
                "e.status <> 'draft' AND e.publish_at < ?2 ORDER BY e.publish_at, e.id");
        if (!s)
                return -1;
        db_bind_int(s, 1, q->newsletter_id);
        db_bind_int(s, 2, as_of);
        struct published *eps = NULL;
        size_t n = 0, cap = 0;
        int64_t last_season = 0, last_due = -1;
        const char *last_status = "";
        int rc;
        /* The last episode of each season seen so far, by a small list (seasons are few). */
        int64_t *seen_season = NULL, *seen_day = NULL;
        size_t nseen = 0, seen_cap = 0, seen_cap2 = 0;
        while ((rc = db_step(s)) == DB_ROW) {
                eps = arena_grow(a, eps, n + 1, &cap, sizeof(*eps));
                struct published *e = &eps[n++];
                e->id = db_col_int(s, 0);
                e->season_id = db_col_int(s, 1);
                e->at = db_col_int(s, 2);
                const char *cadence = db_col_text(s, 3);
                int64_t cn = db_col_int(s, 4);
                int64_t day = event_day(e->at);
                size_t k = 0;
                while (k < nseen && seen_season[k] != e->season_id)
                        k++;
                e->has_cadence = due_day(cadence, cn, 0) >= 0;
                if (k == nseen) {
                        seen_season =
                            arena_grow(a, seen_season, nseen + 1, &seen_cap, sizeof(int64_t));
                        seen_day = arena_grow(a, seen_day, nseen + 1, &seen_cap2, sizeof(int64_t));
                        seen_season[nseen] = e->season_id;
                        nseen++;
                        e->on_cadence = e->has_cadence; /* a season's first is never late */
                } else {
                        int64_t due = due_day(cadence, cn, seen_day[k]);
                        e->on_cadence = due >= 0 && day <= due + INSIGHT_CADENCE_GRACE_DAYS;
                }
                seen_day[k] = day;
                last_season = e->season_id;
                last_due = due_day(cadence, cn, day);
                last_status = arena_strdup(a, db_col_text(s, 5));
        }
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (eps[i].at < q->from_at || eps[i].at >= q->to_end)
                        continue;
                if (q->scope == INSIGHT_SEASON && eps[i].season_id != q->season_id)
                        continue;
                if (q->scope == INSIGHT_EPISODE && eps[i].id != q->episode_id)
                        continue;
                c->published++;
                if (eps[i].has_cadence) {
                        c->with_cadence++;
                        c->on_cadence += eps[i].on_cadence;
                }
        }
        c->on_cadence_share = insight_share_of(c->on_cadence, c->with_cadence);
        /* The streak: newest back, episodes without a cadence neither extend nor break it. */
        for (size_t i = n; i-- > 0;) {
                if (!eps[i].has_cadence)
                        continue;
                if (!eps[i].on_cadence)
                        break;
                c->streak++;
        }
        if (n && last_season && last_due >= 0 && strcmp(last_status, "airing") == 0) {
                c->next_due_at = last_due * 86400;
                if (event_day(as_of) > last_due + INSIGHT_CADENCE_GRACE_DAYS) {
                        c->overdue = true;
                        c->streak = 0;
                }
        }
        /* Breaks announced: seasons of the newsletter on a break now. */
        s = db_prepare(db, "SELECT number, title, coalesce(returns_at, 0) FROM season WHERE "
                           "newsletter_id = ?1 AND status = 'on-break' ORDER BY number");
        if (!s)
                return -1;
        db_bind_int(s, 1, q->newsletter_id);
        size_t bcap = 0;
        while ((rc = db_step(s)) == DB_ROW) {
                c->breaks = arena_grow(a, c->breaks, c->n_breaks + 1, &bcap, sizeof(*c->breaks));
                struct insight_break *b = &c->breaks[c->n_breaks++];
                b->season_number = (int)db_col_int(s, 0);
                b->season_title = arena_strdup(a, db_col_text(s, 1));
                b->returns_at = db_col_int(s, 2);
        }
        db_finish(s);
        *eps_out = eps;
        *neps_out = n;
        return rc == DB_DONE ? 0 : -1;
}

/* ------------------------------------------------------------ per-episode rows */

static int load_episode_counters(struct db *db, const struct insight_query *q,
                                 struct insight_episode_row *r)
{
        struct db_stmt *s = db_prepare(
            db,
            "SELECT coalesce(sum(views), 0), coalesce(sum(visitors), 0), "
            "coalesce(sum(guest_readers), 0), coalesce(sum(completions), 0), "
            "coalesce(sum(reactions), 0), coalesce(sum(comments), 0), coalesce(sum(replies), 0), "
            "coalesce(sum(member_replies), 0), coalesce(sum(quotes), 0), "
            "coalesce(sum(answers), 0), coalesce(sum(buildons), 0), coalesce(sum(tried), 0) "
            "FROM insight_day WHERE newsletter_id = ?1 AND episode_id = ?2 AND day BETWEEN ?3 "
            "AND ?4");
        if (!s)
                return -1;
        db_bind_int(s, 1, r->newsletter_id);
        db_bind_int(s, 2, r->episode_id);
        db_bind_int(s, 3, q->from_day);
        db_bind_int(s, 4, q->to_day);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                int c = 0;
                r->views = db_col_int(s, c++);
                r->visitors = db_col_int(s, c++);
                r->guest_readers = db_col_int(s, c++);
                r->completions = db_col_int(s, c++);
                r->reactions = db_col_int(s, c++);
                r->comments = db_col_int(s, c++);
                r->replies = db_col_int(s, c++);
                r->member_replies = db_col_int(s, c++);
                r->quotes = db_col_int(s, c++);
                r->answers = db_col_int(s, c++);
                r->buildons = db_col_int(s, c++);
                r->tried = db_col_int(s, c++);
        }
        db_finish(s);
        if (rc != DB_ROW)
                return -1;
        s = db_prepare(db, "SELECT count(*) FROM insight_reader WHERE episode_id = ?1 AND first_at "
                           ">= ?2 AND first_at < ?3");
        if (!s)
                return -1;
        db_bind_int(s, 1, r->episode_id);
        db_bind_int(s, 2, q->from_at);
        db_bind_int(s, 3, q->to_end);
        rc = db_step(s);
        r->readers = rc == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return rc == DB_ROW ? 0 : -1;
}

static int load_episodes(struct db *db, struct arena *a, const struct insight_query *q,
                         const struct published *eps, size_t neps, struct insights *out)
{
        int64_t as_of = q->to_end < q->now ? q->to_end : q->now;
        /* The scope's published episodes, newest first (one statement per scope: the site's
         * reads episode_live, a newsletter's episode_live_by_newsletter). */
        struct db_stmt *s;
        if (q->scope == INSIGHT_SITE) {
                s = db_prepare(db,
                               "SELECT e.id, e.newsletter_id, s.number, e.number, e.slug, e.title, "
                               "n.slug, e.publish_at FROM episode e JOIN season s ON s.id = "
                               "e.season_id JOIN newsletter n ON n.id = e.newsletter_id WHERE "
                               "e.status <> 'draft' AND e.publish_at < ?1 ORDER BY e.publish_at "
                               "DESC LIMIT ?2");
        } else {
                s = db_prepare(db,
                               "SELECT e.id, e.newsletter_id, s.number, e.number, e.slug, e.title, "
                               "n.slug, e.publish_at FROM episode e JOIN season s ON s.id = "
                               "e.season_id JOIN newsletter n ON n.id = e.newsletter_id WHERE "
                               "e.newsletter_id = ?3 AND (?4 = 0 OR e.season_id = ?4) AND (?5 = 0 "
                               "OR e.id = ?5) AND e.status <> 'draft' AND e.publish_at < ?1 "
                               "ORDER BY e.publish_at DESC LIMIT ?2");
        }
        if (!s)
                return -1;
        db_bind_int(s, 1, as_of);
        db_bind_int(s, 2, INSIGHT_EPISODES_MAX);
        if (q->scope != INSIGHT_SITE) {
                db_bind_int(s, 3, q->newsletter_id);
                db_bind_int(s, 4, q->scope == INSIGHT_SEASON ? q->season_id : 0);
                db_bind_int(s, 5, q->scope == INSIGHT_EPISODE ? q->episode_id : 0);
        }
        out->episodes = arena_zalloc(a, INSIGHT_EPISODES_MAX * sizeof(*out->episodes));
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                struct insight_episode_row *r = &out->episodes[out->n_episodes++];
                r->episode_id = db_col_int(s, 0);
                r->newsletter_id = db_col_int(s, 1);
                r->season_number = (int)db_col_int(s, 2);
                r->number = (int)db_col_int(s, 3);
                r->slug = arena_strdup(a, db_col_text(s, 4));
                r->title = arena_strdup(a, db_col_text(s, 5));
                r->newsletter_slug = arena_strdup(a, db_col_text(s, 6));
                r->publish_at = db_col_int(s, 7);
                r->retention = insight_share_of(0, 0);
        }
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        for (size_t i = 0; i < out->n_episodes; i++) {
                struct insight_episode_row *r = &out->episodes[i];
                if (load_episode_counters(db, q, r) != 0)
                        return -1;
                for (size_t k = 0; k < neps; k++)
                        if (eps[k].id == r->episode_id)
                                r->on_cadence = eps[k].on_cadence;
                const struct insight_retention *rt = &out->retention;
                for (size_t k = 0; k < rt->n_episodes; k++)
                        if (rt->episodes[k].episode_id == r->episode_id)
                                r->retention = rt->episodes[k].retention;
        }
        return 0;
}

/* ------------------------------------------------------------ everything */

int insights_load(struct db *db, struct arena *a, const struct insight_query *q, unsigned parts,
                  struct insights *out)
{
        memset(out, 0, sizeof(*out));
        out->q = *q;
        out->member_reply_share = insight_share_of(0, 0);
        int64_t *nls;
        size_t nnl;
        struct published *eps = NULL;
        size_t neps = 0;
        if (scope_newsletters(db, a, q, &nls, &nnl) != 0)
                goto fail;
        if ((parts & (INSIGHT_PART_WEEKS | INSIGHT_PART_CONNECTIONS | INSIGHT_PART_VANITY)) &&
            load_weeks(db, a, q, nls, nnl, out) != 0)
                goto fail;
        if ((parts & INSIGHT_PART_LADDER) && load_ladder(db, a, q, nls, nnl, out) != 0)
                goto fail;
        if ((parts & (INSIGHT_PART_RETENTION | INSIGHT_PART_EPISODES)) &&
            load_retention(db, a, q, out) != 0)
                goto fail;
        if ((parts & INSIGHT_PART_CARRYOVER) && load_carryover(db, a, q, out) != 0)
                goto fail;
        if ((parts & INSIGHT_PART_PRESENCE) && load_presence(db, a, q, out) != 0)
                goto fail;
        if ((parts & (INSIGHT_PART_CONSISTENCY | INSIGHT_PART_EPISODES)) &&
            load_consistency(db, a, q, out, &eps, &neps) != 0)
                goto fail;
        if ((parts & INSIGHT_PART_EPISODES) && load_episodes(db, a, q, eps, neps, out) != 0)
                goto fail;
        return 0;
fail:
        log_error("insights: %s", db_errmsg(db));
        return -1;
}
