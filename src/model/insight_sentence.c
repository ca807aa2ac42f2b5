/* Community-insights sentences from the rollups (insight_sentence.h). Every count below reads
 * an index of one episode or one newsletter-week, never the whole site. */
#include "model/insight_sentence.h"
#include "core/limits.h"
#include "db/db.h"
#include "model/episode.h"
#include "model/event.h"

#include <stdbool.h>

static int64_t one_int(struct db_stmt *s, bool *failed)
{
        int rc = db_step(s);
        int64_t v = rc == DB_ROW ? db_col_int(s, 0) : 0;
        if (rc != DB_ROW && rc != DB_DONE)
                *failed = true;
        db_finish(s);
        return v;
}

int insight_tenths(int64_t n, int64_t of)
{
        if (of <= 0)
                return 0;
        int64_t t = (n * 10 + of / 2) / of;
        return t < 1 ? 1 : t > 9 ? 9 : (int)t;
}

/* Members who took part in the season's episode 1 (when live), and how many of them took part
 * in e too. Shown when both those who came back and those who did not are large groups: "10 in
 * 10" would tell that each reader of episode 1 read this one. */
static int came_back(struct db *db, const struct episode *e, int64_t now,
                     struct insight_sentence *s)
{
        if (e->number <= 1)
                return 0;
        bool failed = false;
        struct db_stmt *st = db_prepare(db, "SELECT e.id FROM episode e WHERE e.season_id = ?1 AND "
                                            "e.number = 1 AND e.status <> 'draft' AND "
                                            "e.publish_at <= ?2");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->season_id);
        db_bind_int(st, 2, now);
        int64_t first = one_int(st, &failed);
        if (failed)
                return -1;
        if (!first)
                return 0;
        st = db_prepare(db, "SELECT count(*) FROM insight_reader WHERE episode_id = ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, first);
        int64_t of = one_int(st, &failed);
        if (failed)
                return -1;
        if (of < 2 * KD_INSIGHT_MIN_GROUP)
                return 0;
        st = db_prepare(db,
                        "SELECT count(*) FROM insight_reader f JOIN insight_reader r ON "
                        "r.episode_id = ?2 AND r.member_id = f.member_id WHERE f.episode_id = ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, first);
        db_bind_int(st, 2, e->id);
        int64_t n = one_int(st, &failed);
        if (failed)
                return -1;
        if (n < KD_INSIGHT_MIN_GROUP || of - n < KD_INSIGHT_MIN_GROUP)
                return 0;
        *s = (struct insight_sentence){SENTENCE_CAME_BACK, n, of};
        return 1;
}

/* Replies between members in the newsletter this week (Monday on, UTC). The day rollup does not
 * say how many people wrote them, so the week's rollup stands in: at least
 * KD_INSIGHT_MIN_GROUP members took part at the commenting step or above this week (their
 * highest rung: commenter, answerer or builder), and the replies are at least as many. */
static int member_replies_week(struct db *db, const struct episode *e, int64_t now,
                               struct insight_sentence *s)
{
        bool failed = false;
        int64_t week = event_week(now);
        struct db_stmt *st = db_prepare(db, "SELECT rung3 + rung4 FROM insight_week WHERE "
                                            "newsletter_id = ?1 AND week = ?2");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->newsletter_id);
        db_bind_int(st, 2, week);
        int64_t people = one_int(st, &failed);
        if (failed)
                return -1;
        if (people < KD_INSIGHT_MIN_GROUP)
                return 0;
        st = db_prepare(db, "SELECT coalesce(sum(member_replies), 0) FROM insight_day WHERE "
                            "newsletter_id = ?1 AND episode_id = 0 AND day BETWEEN ?2 AND ?3");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->newsletter_id);
        db_bind_int(st, 2, event_day(event_week_start(week)));
        db_bind_int(st, 3, event_day(now));
        int64_t n = one_int(st, &failed);
        if (failed)
                return -1;
        if (n < KD_INSIGHT_MIN_GROUP)
                return 0;
        *s = (struct insight_sentence){SENTENCE_MEMBER_REPLIES_WEEK, n, 0};
        return 1;
}

/* Members whose part in e includes a did bit (building on it or trying it; reading to the end). */
static int members_who(struct db *db, const struct episode *e, unsigned bit,
                       enum insight_sentence_kind kind, struct insight_sentence *s)
{
        bool failed = false;
        struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM insight_reader WHERE "
                                            "episode_id = ?1 AND (did & ?2) <> 0");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->id);
        db_bind_int(st, 2, bit);
        int64_t n = one_int(st, &failed);
        if (failed)
                return -1;
        if (n < KD_INSIGHT_MIN_GROUP)
                return 0;
        *s = (struct insight_sentence){kind, n, 0};
        return 1;
}

int insight_sentences(struct db *db, const struct episode *e, int64_t now,
                      struct insight_sentence *out, int max)
{
        int n = 0;
        for (int step = 0; step < 4 && n < max; step++) {
                int rc;
                switch (step) {
                case 0:
                        rc = came_back(db, e, now, &out[n]);
                        break;
                case 1:
                        rc = member_replies_week(db, e, now, &out[n]);
                        break;
                case 2:
                        rc = members_who(db, e, EVENT_DID_BUILD, SENTENCE_BUILT_ON, &out[n]);
                        break;
                default:
                        rc = members_who(db, e, EVENT_DID_COMPLETE, SENTENCE_READ_TO_END, &out[n]);
                        break;
                }
                if (rc < 0)
                        return -1;
                n += rc;
        }
        return n;
}
