/* The event log and its rollups (event.h). Each batch is one transaction: the raw rows, then
 * for each event the member's week, the member's row, the episode's reader row and the pair
 * it connects, while the day and week counters are summed in memory and written once per key
 * at the end. Reads come before writes so a new row can be told from an old one without
 * engine-specific RETURNING tricks. */
#include "model/event.h"
#include "core/alloc.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/newsletter.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct {
        enum event_kind kind;
        const char *name;
        unsigned did;
} kinds[] = {
    {EVENT_VIEW, "view", EVENT_DID_READ},
    {EVENT_SEEN, "seen", EVENT_DID_READ},
    {EVENT_READ, "read", EVENT_DID_READ | EVENT_DID_COMPLETE},
    {EVENT_REACTION, "reaction", EVENT_DID_REACT},
    {EVENT_COMMENT, "comment", EVENT_DID_COMMENT},
    {EVENT_REPLY, "reply", EVENT_DID_COMMENT},
    {EVENT_QUOTE, "quote", EVENT_DID_COMMENT},
    {EVENT_FOLLOW, "follow", EVENT_DID_FOLLOW},
    {EVENT_ANSWER, "answer", EVENT_DID_COMMENT},
    {EVENT_BUILDON, "buildon", EVENT_DID_BUILD},
    {EVENT_TRIED, "tried", EVENT_DID_BUILD},
    {EVENT_ASK, "ask", EVENT_DID_COMMENT},
    {EVENT_VOTE, "vote", EVENT_DID_REACT},
    {EVENT_SPACE_POST, "space_post", EVENT_DID_COMMENT},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *event_kind_name(enum event_kind k)
{
        for (size_t i = 0; i < NKINDS; i++)
                if (kinds[i].kind == k)
                        return kinds[i].name;
        return NULL;
}

int event_kind_parse(const char *name, enum event_kind *k)
{
        for (size_t i = 0; i < NKINDS; i++)
                if (strcmp(kinds[i].name, name) == 0) {
                        *k = kinds[i].kind;
                        return 0;
                }
        return -1;
}

unsigned event_kind_did(enum event_kind k)
{
        for (size_t i = 0; i < NKINDS; i++)
                if (kinds[i].kind == k)
                        return kinds[i].did;
        return 0;
}

enum event_rung event_rung_of(unsigned did)
{
        if (did & EVENT_DID_BUILD)
                return RUNG_BUILDER;
        if (did & EVENT_DID_COMMENT)
                return RUNG_COMMENTER;
        if (did & EVENT_DID_REACT)
                return RUNG_REACTOR;
        return RUNG_READER;
}

int64_t event_day(int64_t at)
{
        return at >= 0 ? at / 86400 : -((-at + 86399) / 86400);
}

int64_t event_week(int64_t at)
{
        int64_t d = event_day(at) + 3;
        return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

int64_t event_week_start(int64_t week)
{
        return (week * 7 - 3) * 86400;
}

/* ------------------------------------------------------------ counters summed in memory */

enum day_col {
        DC_VIEWS,
        DC_MEMBER_VIEWS,
        DC_VISITORS,
        DC_GUEST_READERS,
        DC_COMPLETIONS,
        DC_REACTIONS,
        DC_COMMENTS,
        DC_REPLIES,
        DC_MEMBER_REPLIES,
        DC_AUTHOR_REPLIES,
        DC_QUOTES,
        DC_ANSWERS,
        DC_BUILDONS,
        DC_TRIED,
        DC_ASKS,
        DC_VOTES,
        DC_SPACE_POSTS,
        DC_FOLLOWS,
        DC_COUNT
};

enum week_col {
        WC_ACTIVE,
        WC_RETURNING,
        WC_RUNG1, /* WC_RUNG1 + rung - 1 */
        WC_RUNG2,
        WC_RUNG3,
        WC_RUNG4,
        WC_NEW_MEMBERS,
        WC_NEW_PAIRS,
        WC_NEW_CONNECTED,
        WC_COUNT
};

#define SUMS_MAX 256
#define VISIT_MEMO                                                                                 \
        4096 /* a power of two: 2,000 visitors a batch, each on an episode and its newsletter */

struct day_sum {
        int64_t newsletter_id, episode_id, day;
        int64_t v[DC_COUNT];
};

struct week_sum {
        int64_t newsletter_id, week;
        int64_t v[WC_COUNT];
};

struct batch {
        struct db *db;
        struct day_sum days[SUMS_MAX];
        size_t ndays;
        struct week_sum weeks[SUMS_MAX];
        size_t nweeks;
        /* The last episode looked up, and the last newsletter's authors asked about. */
        int64_t ep_id, ep_newsletter, ep_season;
        /* Visits (insight_visit rows) this batch read or wrote, so a reader's second page or
         * beacon in the same batch costs no query (the recorder's batches are mostly those). */
        struct visit_memo {
                int64_t day, newsletter_id, episode_id, actor;
                bool used, confirmed;
        } visits[VISIT_MEMO];
};

static int flush_days(struct batch *b)
{
        for (size_t i = 0; i < b->ndays; i++) {
                const struct day_sum *s = &b->days[i];
                struct db_stmt *st = db_prepare(
                    b->db,
                    "INSERT INTO insight_day (newsletter_id, episode_id, day, views, member_views, "
                    "visitors, guest_readers, completions, reactions, comments, replies, "
                    "member_replies, author_replies, quotes, answers, buildons, tried, asks, "
                    "votes, "
                    "space_posts, follows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) "
                    "ON CONFLICT (newsletter_id, episode_id, day) DO UPDATE SET "
                    "views = insight_day.views + excluded.views, "
                    "member_views = insight_day.member_views + excluded.member_views, "
                    "visitors = insight_day.visitors + excluded.visitors, "
                    "guest_readers = insight_day.guest_readers + excluded.guest_readers, "
                    "completions = insight_day.completions + excluded.completions, "
                    "reactions = insight_day.reactions + excluded.reactions, "
                    "comments = insight_day.comments + excluded.comments, "
                    "replies = insight_day.replies + excluded.replies, "
                    "member_replies = insight_day.member_replies + excluded.member_replies, "
                    "author_replies = insight_day.author_replies + excluded.author_replies, "
                    "quotes = insight_day.quotes + excluded.quotes, "
                    "answers = insight_day.answers + excluded.answers, "
                    "buildons = insight_day.buildons + excluded.buildons, "
                    "tried = insight_day.tried + excluded.tried, "
                    "asks = insight_day.asks + excluded.asks, "
                    "votes = insight_day.votes + excluded.votes, "
                    "space_posts = insight_day.space_posts + excluded.space_posts, "
                    "follows = insight_day.follows + excluded.follows");
                if (!st)
                        return -1;
                db_bind_int(st, 1, s->newsletter_id);
                db_bind_int(st, 2, s->episode_id);
                db_bind_int(st, 3, s->day);
                for (int c = 0; c < DC_COUNT; c++)
                        db_bind_int(st, 4 + c, s->v[c]);
                int rc = db_step(st);
                db_finish(st);
                if (rc != DB_DONE)
                        return -1;
        }
        b->ndays = 0;
        return 0;
}

static int flush_weeks(struct batch *b)
{
        for (size_t i = 0; i < b->nweeks; i++) {
                const struct week_sum *s = &b->weeks[i];
                struct db_stmt *st = db_prepare(
                    b->db,
                    "INSERT INTO insight_week (newsletter_id, week, active, returned, rung1, "
                    "rung2, rung3, rung4, new_members, new_pairs, new_connected) VALUES (?1, "
                    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                    "ON CONFLICT (newsletter_id, week) DO UPDATE SET "
                    "active = insight_week.active + excluded.active, "
                    "returned = insight_week.returned + excluded.returned, "
                    "rung1 = insight_week.rung1 + excluded.rung1, "
                    "rung2 = insight_week.rung2 + excluded.rung2, "
                    "rung3 = insight_week.rung3 + excluded.rung3, "
                    "rung4 = insight_week.rung4 + excluded.rung4, "
                    "new_members = insight_week.new_members + excluded.new_members, "
                    "new_pairs = insight_week.new_pairs + excluded.new_pairs, "
                    "new_connected = insight_week.new_connected + excluded.new_connected");
                if (!st)
                        return -1;
                db_bind_int(st, 1, s->newsletter_id);
                db_bind_int(st, 2, s->week);
                for (int c = 0; c < WC_COUNT; c++)
                        db_bind_int(st, 3 + c, s->v[c]);
                int rc = db_step(st);
                db_finish(st);
                if (rc != DB_DONE)
                        return -1;
        }
        b->nweeks = 0;
        return 0;
}

static int add_day(struct batch *b, int64_t newsletter_id, int64_t episode_id, int64_t day,
                   enum day_col c, int64_t n)
{
        for (size_t i = 0; i < b->ndays; i++) {
                struct day_sum *s = &b->days[i];
                if (s->newsletter_id == newsletter_id && s->episode_id == episode_id &&
                    s->day == day) {
                        s->v[c] += n;
                        return 0;
                }
        }
        if (b->ndays == SUMS_MAX && flush_days(b) != 0)
                return -1;
        struct day_sum *s = &b->days[b->ndays++];
        memset(s, 0, sizeof(*s));
        s->newsletter_id = newsletter_id;
        s->episode_id = episode_id;
        s->day = day;
        s->v[c] = n;
        return 0;
}

static int add_week(struct batch *b, int64_t newsletter_id, int64_t week, enum week_col c,
                    int64_t n)
{
        for (size_t i = 0; i < b->nweeks; i++) {
                struct week_sum *s = &b->weeks[i];
                if (s->newsletter_id == newsletter_id && s->week == week) {
                        s->v[c] += n;
                        return 0;
                }
        }
        if (b->nweeks == SUMS_MAX && flush_weeks(b) != 0)
                return -1;
        struct week_sum *s = &b->weeks[b->nweeks++];
        memset(s, 0, sizeof(*s));
        s->newsletter_id = newsletter_id;
        s->week = week;
        s->v[c] = n;
        return 0;
}

/* ------------------------------------------------------------ one event */

static int exec_done(struct db_stmt *st)
{
        if (!st)
                return -1;
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

static int insert_raw(struct db *db, const struct event *e)
{
        struct db_stmt *st = db_prepare(
            db, "INSERT INTO event (at, kind, newsletter_id, episode_id, member_id, guest, "
                "other_id, item_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->at);
        db_bind_int(st, 2, e->kind);
        db_bind_int(st, 3, e->newsletter_id);
        db_bind_int(st, 4, e->episode_id);
        if (e->member_id)
                db_bind_int(st, 5, e->member_id);
        if (e->guest)
                db_bind_int(st, 6, e->guest);
        if (e->other_id)
                db_bind_int(st, 7, e->other_id);
        db_bind_int(st, 8, e->item_id);
        return exec_done(st);
}

/* The episode's newsletter and season (cached for runs of events on one episode). */
static int episode_place(struct batch *b, int64_t episode_id, int64_t *newsletter_id,
                         int64_t *season_id)
{
        if (b->ep_id != episode_id) {
                struct db_stmt *st =
                    db_prepare(b->db, "SELECT newsletter_id, season_id FROM episode WHERE id = ?1");
                if (!st)
                        return -1;
                db_bind_int(st, 1, episode_id);
                int rc = db_step(st);
                if (rc == DB_ROW) {
                        b->ep_newsletter = db_col_int(st, 0);
                        b->ep_season = db_col_int(st, 1);
                }
                db_finish(st);
                if (rc != DB_ROW)
                        return -1; /* a deleted episode: its events are dropped */
                b->ep_id = episode_id;
        }
        *newsletter_id = b->ep_newsletter;
        *season_id = b->ep_season;
        return 0;
}

/* Counts the actor once a day per place (visitors), and a guest once as a reader when the
 * beacon confirms them. */
/* The memo slot of a visit: the one holding it, else a free one to fill, else NULL (full
 * around there: the database answers). */
static struct visit_memo *visit_slot(struct batch *b, int64_t day, int64_t newsletter_id,
                                     int64_t episode_id, int64_t actor)
{
        uint64_t h = (uint64_t)actor * 0x9E3779B97F4A7C15ULL ^
                     (uint64_t)episode_id * 0xC2B2AE3D27D4EB4FULL ^
                     (uint64_t)newsletter_id * 0x165667B19E3779F9ULL ^ (uint64_t)day;
        h ^= h >> 29;
        for (unsigned probe = 0; probe < 8; probe++) {
                struct visit_memo *m = &b->visits[(h + probe) & (VISIT_MEMO - 1)];
                if (!m->used || (m->day == day && m->newsletter_id == newsletter_id &&
                                 m->episode_id == episode_id && m->actor == actor))
                        return m;
        }
        return NULL;
}

static int count_visit(struct batch *b, const struct event *e, int64_t newsletter_id,
                       int64_t episode_id, int64_t day)
{
        int64_t actor = e->member_id ? e->member_id : -e->guest;
        bool confirm = e->guest && (e->kind == EVENT_SEEN || e->kind == EVENT_READ);
        struct visit_memo *memo = visit_slot(b, day, newsletter_id, episode_id, actor);
        bool known, confirmed;
        if (memo && memo->used) {
                known = true;
                confirmed = memo->confirmed;
        } else {
                struct db_stmt *st =
                    db_prepare(b->db, "SELECT confirmed FROM insight_visit WHERE day = ?1 AND "
                                      "newsletter_id = ?2 AND episode_id = ?3 AND actor = ?4");
                if (!st)
                        return -1;
                db_bind_int(st, 1, day);
                db_bind_int(st, 2, newsletter_id);
                db_bind_int(st, 3, episode_id);
                db_bind_int(st, 4, actor);
                int rc = db_step(st);
                known = rc == DB_ROW;
                confirmed = known && db_col_int(st, 0) != 0;
                db_finish(st);
                if (rc != DB_ROW && rc != DB_DONE)
                        return -1;
        }
        if (memo) {
                *memo = (struct visit_memo){day,   newsletter_id, episode_id,
                                            actor, true,          confirmed || confirm};
        }
        struct db_stmt *st;
        if (!known) {
                st = db_prepare(b->db,
                                "INSERT INTO insight_visit (day, newsletter_id, episode_id, actor, "
                                "confirmed) VALUES (?1, ?2, ?3, ?4, ?5)");
                if (!st)
                        return -1;
                db_bind_int(st, 1, day);
                db_bind_int(st, 2, newsletter_id);
                db_bind_int(st, 3, episode_id);
                db_bind_int(st, 4, actor);
                db_bind_int(st, 5, confirm);
                if (exec_done(st) != 0 ||
                    add_day(b, newsletter_id, episode_id, day, DC_VISITORS, 1) != 0)
                        return -1;
                return confirm ? add_day(b, newsletter_id, episode_id, day, DC_GUEST_READERS, 1)
                               : 0;
        }
        if (confirm && !confirmed) {
                st = db_prepare(b->db, "UPDATE insight_visit SET confirmed = 1 WHERE day = ?1 AND "
                                       "newsletter_id = ?2 AND episode_id = ?3 AND actor = ?4");
                if (!st)
                        return -1;
                db_bind_int(st, 1, day);
                db_bind_int(st, 2, newsletter_id);
                db_bind_int(st, 3, episode_id);
                db_bind_int(st, 4, actor);
                if (exec_done(st) != 0)
                        return -1;
                return add_day(b, newsletter_id, episode_id, day, DC_GUEST_READERS, 1);
        }
        return 0;
}

static int count_day(struct batch *b, const struct event *e, int64_t newsletter_id,
                     int64_t episode_id, int64_t day)
{
        int rc = 0;
        switch (e->kind) {
        case EVENT_VIEW:
                rc = add_day(b, newsletter_id, episode_id, day, DC_VIEWS, 1);
                if (rc == 0 && e->member_id)
                        rc = add_day(b, newsletter_id, episode_id, day, DC_MEMBER_VIEWS, 1);
                break;
        case EVENT_SEEN:
                break;
        case EVENT_READ:
                rc = add_day(b, newsletter_id, episode_id, day, DC_COMPLETIONS, 1);
                break;
        case EVENT_REACTION:
                rc = add_day(b, newsletter_id, episode_id, day, DC_REACTIONS, 1);
                break;
        case EVENT_COMMENT:
                rc = add_day(b, newsletter_id, episode_id, day, DC_COMMENTS, 1);
                break;
        case EVENT_QUOTE:
                rc = add_day(b, newsletter_id, episode_id, day, DC_QUOTES, 1);
                break;
        case EVENT_REPLY:
                rc = add_day(b, newsletter_id, episode_id, day, DC_REPLIES, 1);
                if (rc == 0 && e->other_id && e->other_id != e->member_id && newsletter_id) {
                        bool actor_author =
                            newsletter_is_author(b->db, newsletter_id, e->member_id);
                        if (actor_author)
                                rc = add_day(b, newsletter_id, episode_id, day, DC_AUTHOR_REPLIES,
                                             1);
                        else if (!newsletter_is_author(b->db, newsletter_id, e->other_id))
                                rc = add_day(b, newsletter_id, episode_id, day, DC_MEMBER_REPLIES,
                                             1);
                }
                break;
        case EVENT_FOLLOW:
                rc = add_day(b, newsletter_id, episode_id, day, DC_FOLLOWS, 1);
                break;
        case EVENT_ANSWER:
                rc = add_day(b, newsletter_id, episode_id, day, DC_ANSWERS, 1);
                break;
        case EVENT_BUILDON:
                rc = add_day(b, newsletter_id, episode_id, day, DC_BUILDONS, 1);
                break;
        case EVENT_TRIED:
                rc = add_day(b, newsletter_id, episode_id, day, DC_TRIED, 1);
                break;
        case EVENT_ASK:
                rc = add_day(b, newsletter_id, episode_id, day, DC_ASKS, 1);
                break;
        case EVENT_VOTE:
                rc = add_day(b, newsletter_id, episode_id, day, DC_VOTES, 1);
                break;
        case EVENT_SPACE_POST:
                rc = add_day(b, newsletter_id, episode_id, day, DC_SPACE_POSTS, 1);
                break;
        }
        if (rc == 0 && (e->kind == EVENT_VIEW || e->kind == EVENT_SEEN || e->kind == EVENT_READ))
                rc = count_visit(b, e, newsletter_id, episode_id, day);
        return rc;
}

/* The member's week and all-time row in the newsletter. */
static int count_member(struct batch *b, const struct event *e, int64_t newsletter_id, int64_t week,
                        unsigned did)
{
        struct db *db = b->db;
        struct db_stmt *st = db_prepare(db, "SELECT did, rung FROM insight_member_week WHERE "
                                            "newsletter_id = ?1 AND week = ?2 AND member_id = ?3");
        if (!st)
                return -1;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, week);
        db_bind_int(st, 3, e->member_id);
        int rc = db_step(st);
        bool had_week = rc == DB_ROW;
        unsigned old_did = had_week ? (unsigned)db_col_int(st, 0) : 0;
        int old_rung = had_week ? (int)db_col_int(st, 1) : 0;
        db_finish(st);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        unsigned new_did = old_did | did;
        int new_rung = (int)event_rung_of(new_did);
        if (had_week && new_did == old_did)
                return 0;
        if (had_week) {
                st = db_prepare(db, "UPDATE insight_member_week SET did = ?4, rung = ?5 WHERE "
                                    "newsletter_id = ?1 AND week = ?2 AND member_id = ?3");
        } else {
                st = db_prepare(
                    db, "INSERT INTO insight_member_week (newsletter_id, week, member_id, did, "
                        "rung) VALUES (?1, ?2, ?3, ?4, ?5)");
        }
        if (!st)
                return -1;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, week);
        db_bind_int(st, 3, e->member_id);
        db_bind_int(st, 4, new_did);
        db_bind_int(st, 5, new_rung);
        if (exec_done(st) != 0)
                return -1;
        if (had_week && new_rung != old_rung) {
                if (add_week(b, newsletter_id, week, WC_RUNG1 + old_rung - 1, -1) != 0 ||
                    add_week(b, newsletter_id, week, WC_RUNG1 + new_rung - 1, 1) != 0)
                        return -1;
        }

        /* The all-time row. */
        st = db_prepare(db, "SELECT first_week, last_week, rung FROM insight_member WHERE "
                            "newsletter_id = ?1 AND member_id = ?2");
        if (!st)
                return -1;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, e->member_id);
        rc = db_step(st);
        bool known = rc == DB_ROW;
        int64_t first_week = known ? db_col_int(st, 0) : week;
        int64_t last_week = known ? db_col_int(st, 1) : week;
        int member_rung = known ? (int)db_col_int(st, 2) : 0;
        db_finish(st);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        if (!had_week) {
                if (add_week(b, newsletter_id, week, WC_ACTIVE, 1) != 0 ||
                    add_week(b, newsletter_id, week, WC_RUNG1 + new_rung - 1, 1) != 0)
                        return -1;
                if (known && first_week < week &&
                    add_week(b, newsletter_id, week, WC_RETURNING, 1) != 0)
                        return -1;
                if (!known && add_week(b, newsletter_id, week, WC_NEW_MEMBERS, 1) != 0)
                        return -1;
        }
        if (!known) {
                st = db_prepare(db,
                                "INSERT INTO insight_member (newsletter_id, member_id, first_week, "
                                "last_week, weeks, rung) VALUES (?1, ?2, ?3, ?3, 1, ?4)");
                if (!st)
                        return -1;
                db_bind_int(st, 1, newsletter_id);
                db_bind_int(st, 2, e->member_id);
                db_bind_int(st, 3, week);
                db_bind_int(st, 4, new_rung);
                return exec_done(st);
        }
        if (!had_week || new_rung > member_rung) {
                /* Events may arrive out of order (history loaded later): a week before the
                 * first one moves first_week back. Returning counts are kept for weeks as they
                 * were when the week was first counted (docs/insights.md). */
                st = db_prepare(db, "UPDATE insight_member SET first_week = ?3, last_week = ?4, "
                                    "weeks = weeks + ?5, rung = ?6 WHERE newsletter_id = ?1 AND "
                                    "member_id = ?2");
                if (!st)
                        return -1;
                db_bind_int(st, 1, newsletter_id);
                db_bind_int(st, 2, e->member_id);
                db_bind_int(st, 3, week < first_week ? week : first_week);
                db_bind_int(st, 4, week > last_week ? week : last_week);
                db_bind_int(st, 5, had_week ? 0 : 1);
                db_bind_int(st, 6, new_rung > member_rung ? new_rung : member_rung);
                return exec_done(st);
        }
        return 0;
}

static int count_reader(struct batch *b, const struct event *e, int64_t newsletter_id,
                        int64_t season_id, unsigned did)
{
        struct db_stmt *st =
            db_prepare(b->db, "SELECT did FROM insight_reader WHERE episode_id = ?1 AND "
                              "member_id = ?2");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->episode_id);
        db_bind_int(st, 2, e->member_id);
        int rc = db_step(st);
        bool known = rc == DB_ROW;
        unsigned old = known ? (unsigned)db_col_int(st, 0) : 0;
        db_finish(st);
        if (rc != DB_ROW && rc != DB_DONE)
                return -1;
        if (known && (old | did) == old)
                return 0;
        if (known) {
                st = db_prepare(
                    b->db, "UPDATE insight_reader SET did = ?3, first_at = CASE WHEN ?4 < first_at "
                           "THEN ?4 ELSE first_at END "
                           "WHERE episode_id = ?1 AND member_id = ?2");
        } else {
                st = db_prepare(b->db,
                                "INSERT INTO insight_reader (episode_id, member_id, did, first_at, "
                                "newsletter_id, season_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        }
        if (!st)
                return -1;
        db_bind_int(st, 1, e->episode_id);
        db_bind_int(st, 2, e->member_id);
        db_bind_int(st, 3, old | did);
        db_bind_int(st, 4, e->at);
        if (!known) {
                db_bind_int(st, 5, newsletter_id);
                db_bind_int(st, 6, season_id);
        }
        if (exec_done(st) != 0)
                return -1;
        if (known)
                return 0;
        /* The member's season (carry-over, model/insights.c). */
        st = db_prepare(b->db, "INSERT INTO insight_season_member (season_id, member_id) VALUES "
                               "(?1, ?2) ON CONFLICT (season_id, member_id) DO NOTHING");
        if (!st)
                return -1;
        db_bind_int(st, 1, season_id);
        db_bind_int(st, 2, e->member_id);
        return exec_done(st);
}

/* Marks a member's first connection in the newsletter (when the member has a row there). */
static int mark_connected(struct batch *b, int64_t newsletter_id, int64_t member_id, int64_t week)
{
        struct db_stmt *st =
            db_prepare(b->db, "UPDATE insight_member SET connected_week = ?3 WHERE "
                              "newsletter_id = ?1 AND member_id = ?2 AND "
                              "connected_week IS NULL");
        if (!st)
                return -1;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, member_id);
        db_bind_int(st, 3, week);
        if (exec_done(st) != 0)
                return -1;
        return db_changes(b->db) > 0 ? add_week(b, newsletter_id, week, WC_NEW_CONNECTED, 1) : 0;
}

static int count_pair(struct batch *b, const struct event *e, int64_t newsletter_id, int64_t week)
{
        int64_t a = e->member_id < e->other_id ? e->member_id : e->other_id;
        int64_t z = e->member_id < e->other_id ? e->other_id : e->member_id;
        struct db_stmt *st =
            db_prepare(b->db, "UPDATE insight_pair SET interactions = interactions + 1, "
                              "last_at = CASE WHEN ?4 > last_at THEN ?4 ELSE last_at END, "
                              "first_at = CASE WHEN ?4 < first_at THEN ?4 ELSE first_at END "
                              "WHERE newsletter_id = ?1 AND a = ?2 AND b = ?3");
        if (!st)
                return -1;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, a);
        db_bind_int(st, 3, z);
        db_bind_int(st, 4, e->at);
        if (exec_done(st) != 0)
                return -1;
        if (db_changes(b->db) > 0)
                return 0;
        st = db_prepare(b->db, "INSERT INTO insight_pair (newsletter_id, a, b, first_at, last_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?4)");
        if (!st)
                return -1;
        db_bind_int(st, 1, newsletter_id);
        db_bind_int(st, 2, a);
        db_bind_int(st, 3, z);
        db_bind_int(st, 4, e->at);
        if (exec_done(st) != 0 || add_week(b, newsletter_id, week, WC_NEW_PAIRS, 1) != 0)
                return -1;
        if (mark_connected(b, newsletter_id, a, week) != 0)
                return -1;
        return mark_connected(b, newsletter_id, z, week);
}

static bool connects(enum event_kind k)
{
        return k == EVENT_REACTION || k == EVENT_REPLY || k == EVENT_BUILDON || k == EVENT_VOTE ||
               k == EVENT_SPACE_POST;
}

bool event_valid(const struct event *e)
{
        if (!event_kind_did(e->kind) || e->member_id < 0 || e->guest < 0 || e->newsletter_id < 0 ||
            e->episode_id < 0 || e->other_id < 0 || e->item_id < 0)
                return false;
        if ((e->member_id > 0) == (e->guest > 0))
                return false;
        return !e->guest || e->kind == EVENT_VIEW || e->kind == EVENT_SEEN || e->kind == EVENT_READ;
}

static int apply_one(struct batch *b, const struct event *in)
{
        struct event e = *in;
        unsigned did = event_kind_did(e.kind);
        if (!event_valid(&e))
                return 1; /* logged by the caller's count of skipped events */
        int64_t season_id = 0;
        if (e.episode_id) {
                int64_t nl;
                if (episode_place(b, e.episode_id, &nl, &season_id) != 0)
                        return 1; /* the episode is gone: skip, not an error */
                e.newsletter_id = nl;
        }
        if (insert_raw(b->db, &e) != 0)
                return -1;
        int64_t day = event_day(e.at), week = event_week(e.at);
        if (count_day(b, &e, e.newsletter_id, e.episode_id, day) != 0)
                return -1;
        if (e.episode_id && count_day(b, &e, e.newsletter_id, 0, day) != 0)
                return -1;
        if (!e.member_id)
                return 0;
        if (count_member(b, &e, e.newsletter_id, week, did) != 0)
                return -1;
        if (e.episode_id && count_reader(b, &e, e.newsletter_id, season_id, did) != 0)
                return -1;
        if (e.other_id && e.other_id != e.member_id && connects(e.kind) &&
            count_pair(b, &e, e.newsletter_id, week) != 0)
                return -1;
        return 0;
}

int event_apply(struct db *db, const struct event *ev, size_t n, size_t *skipped)
{
        if (skipped)
                *skipped = 0;
        if (n == 0)
                return 0;
        /* 200 KB: on the heap, neither on a worker's stack nor in every thread's TLS */
        struct batch *b = xcalloc(1, sizeof(*b));
        b->db = db;
        int result = -1;
        if (db_begin(db) != DB_OK)
                goto cleanup;
        for (size_t i = 0; i < n; i++) {
                int rc = apply_one(b, &ev[i]);
                if (rc > 0 && skipped)
                        ++*skipped;
                if (rc < 0) {
                        log_error("events: event %zu of %zu (kind %d) refused: %s", i, n,
                                  (int)ev[i].kind, db_errmsg(db));
                        db_rollback(db);
                        goto cleanup;
                }
        }
        if (flush_days(b) != 0 || flush_weeks(b) != 0 || db_commit(db) != DB_OK) {
                log_error("events: writing a batch of %zu: %s", n, db_errmsg(db));
                db_rollback(db);
                goto cleanup;
        }
        result = 0;
cleanup:
        free(b);
        return result;
}

int64_t event_expire(struct db *db, int64_t now, int days, int64_t max_rows)
{
        /* Oldest first through event_guest_age, a bounded number a statement: each is its own
         * short write, so pages that write wait for one chunk, never for the whole expiry. */
        struct db_stmt *st = db_prepare(
            db, "DELETE FROM event WHERE id IN (SELECT id FROM event WHERE guest IS NOT NULL AND "
                "at < ?1 ORDER BY at LIMIT ?2)");
        if (!st)
                return -1;
        db_bind_int(st, 1, now - (int64_t)days * 86400);
        db_bind_int(st, 2, max_rows);
        if (exec_done(st) != 0)
                return -1;
        int64_t gone = db_changes(db);
        st = db_prepare(db, "DELETE FROM insight_visit WHERE day < ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, event_day(now) - 1);
        if (exec_done(st) != 0)
                return -1;
        return gone;
}

/* ------------------------------------------------------------ history in text */

static bool parse_id(const char *s, size_t len, int64_t *out)
{
        if (len == 0 || (len == 1 && s[0] == '-')) {
                *out = 0;
                return true;
        }
        int64_t v = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
                        return false;
                v = v * 10 + (s[i] - '0');
        }
        *out = v;
        return true;
}

int event_parse_line(const char *line, size_t len, struct event *out)
{
        const char *field[8];
        size_t flen[8];
        size_t nf = 0;
        const char *p = line, *end = line + len;
        while (nf < 8) {
                const char *tab = memchr(p, '\t', (size_t)(end - p));
                const char *stop = tab ? tab : end;
                field[nf] = p;
                flen[nf] = (size_t)(stop - p);
                nf++;
                if (!tab)
                        break;
                if (nf == 8)
                        return -1; /* a ninth field */
                p = tab + 1;
        }
        if (nf < 2)
                return -1;
        memset(out, 0, sizeof(*out));
        char text[64];
        if (flen[0] == 0 || flen[0] >= sizeof(text) || flen[1] == 0 || flen[1] >= sizeof(text))
                return -1;
        memcpy(text, field[0], flen[0]);
        text[flen[0]] = '\0';
        if (!parse_id(field[0], flen[0], &out->at) && time_parse_iso8601(text, &out->at) != 0)
                return -1;
        memcpy(text, field[1], flen[1]);
        text[flen[1]] = '\0';
        if (event_kind_parse(text, &out->kind) != 0)
                return -1;
        int64_t *ids[6] = {&out->member_id,  &out->guest,    &out->newsletter_id,
                           &out->episode_id, &out->other_id, &out->item_id};
        for (size_t i = 2; i < 8; i++)
                if (i < nf && !parse_id(field[i], flen[i], ids[i - 2]))
                        return -1;
        return event_valid(out) ? 0 : -1;
}
