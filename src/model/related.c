/* "Members also read" (related.h): co-reading from insight_reader, fallbacks, and a small
 * per-episode cache shared by the request threads. */
#include "model/related.h"
#include "db/db.h"
#include "model/episode.h"
#include "model/visible_sql.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

static bool picked(const struct related_pick *picks, int n, int64_t id)
{
        for (int i = 0; i < n; i++)
                if (picks[i].episode_id == id)
                        return true;
        return false;
}

/* Adds the ids a prepared statement lists (first column) until max, skipping ones already
 * there. Returns the new count, or -1. */
static int add_rows(struct db_stmt *st, enum related_reason reason, struct related_pick *picks,
                    int n, int max)
{
        int rc;
        while (n < max && (rc = db_step(st)) == DB_ROW) {
                int64_t id = db_col_int(st, 0);
                if (!picked(picks, n, id))
                        picks[n++] = (struct related_pick){id, reason};
        }
        if (n < max && rc != DB_DONE) {
                db_finish(st);
                return -1;
        }
        db_finish(st);
        return n;
}

int related_compute(struct db *db, const struct episode *e, int64_t now, struct related_pick *picks,
                    int max)
{
        /* Co-reading: the sample is the episode's most recent members (insight_reader_recent,
         * read backwards), each with the newest episodes they took part in
         * (insight_reader_by_member, KD_RELATED_PER_READER of them), so one computation reads at
         * most KD_RELATED_SAMPLE x KD_RELATED_PER_READER index entries whatever the size of the
         * site; only the grouped candidates are joined to their episodes. "The newest N" is a
         * lower bound on the episode id (the member's Nth newest; a member's episodes are unique),
         * a range of the index on both engines: as `IN (... LIMIT N)` PostgreSQL re-ran the
         * subquery for every episode of the member (0.3 s for 4 members on the small bench site).
         */
        struct db_stmt *st = db_prepare(
            db, "SELECT c.episode_id FROM (SELECT r.episode_id, count(*) AS readers FROM (SELECT "
                "member_id FROM insight_reader WHERE episode_id = ?1 ORDER BY first_at DESC LIMIT "
                "?3) s JOIN insight_reader r ON r.member_id = s.member_id AND r.episode_id >= "
                "coalesce((SELECT y.episode_id FROM insight_reader y WHERE y.member_id = "
                "s.member_id ORDER BY y.episode_id DESC LIMIT 1 OFFSET ?6 - 1), 0) WHERE "
                "r.episode_id <> ?1 GROUP BY r.episode_id "
                "HAVING count(*) >= ?4) c JOIN episode e ON e.id = c.episode_id WHERE " LIVE_EPISODE
                " ORDER BY c.readers DESC, e.publish_at DESC, c.episode_id DESC LIMIT ?5");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->id);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, KD_RELATED_SAMPLE);
        db_bind_int(st, 4, KD_RELATED_MIN_COREADERS);
        db_bind_int(st, 5, max);
        db_bind_int(st, 6, KD_RELATED_PER_READER);
        int n = add_rows(st, RELATED_COREAD, picks, 0, max);
        if (n < 0 || n == max)
                return n;

        /* Thin data: the season's other episodes, nearest first (the next before the previous). */
        st = db_prepare(
            db, "SELECT e.id FROM episode e WHERE e.season_id = ?1 AND e.id <> ?3 AND " LIVE_EPISODE
                " ORDER BY abs(e.number - ?4), e.number DESC LIMIT ?5");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->season_id);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, e->id);
        db_bind_int(st, 4, e->number);
        db_bind_int(st, 5, 2 * max);
        if ((n = add_rows(st, RELATED_SEASON, picks, n, max)) < 0 || n == max)
                return n;

        /* The newsletter's newest in other seasons. */
        st = db_prepare(db,
                        "SELECT e.id FROM episode e WHERE e.newsletter_id = ?1 AND e.season_id <> "
                        "?3 AND " LIVE_EPISODE " ORDER BY e.publish_at DESC, e.id DESC LIMIT ?4");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->newsletter_id);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, e->season_id);
        db_bind_int(st, 4, 2 * max);
        if ((n = add_rows(st, RELATED_NEWSLETTER, picks, n, max)) < 0 || n == max)
                return n;

        /* The author's newest in other newsletters. */
        st = db_prepare(db,
                        "SELECT e.id FROM episode e WHERE e.author_id = ?1 AND e.newsletter_id <> "
                        "?3 AND " LIVE_EPISODE " ORDER BY e.publish_at DESC, e.id DESC LIMIT ?4");
        if (!st)
                return -1;
        db_bind_int(st, 1, e->author_id);
        db_bind_int(st, 2, now);
        db_bind_int(st, 3, e->newsletter_id);
        db_bind_int(st, 4, 2 * max);
        return add_rows(st, RELATED_AUTHOR, picks, n, max);
}

int related_taken_part(struct db *db, int64_t member_id, const struct related_pick *picks, int n,
                       bool *took)
{
        _Static_assert(KD_RELATED_CANDIDATES == 16, "the statement below lists 16 places");
        for (int i = 0; i < n; i++)
                took[i] = false;
        if (n <= 0)
                return 0;
        /* unused places hold 0, which is no episode's id */
        struct db_stmt *st = db_prepare(
            db, "SELECT episode_id FROM insight_reader WHERE member_id "
                "= ?1 AND episode_id IN (?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
        if (!st)
                return -1;
        db_bind_int(st, 1, member_id);
        for (int i = 0; i < KD_RELATED_CANDIDATES; i++)
                db_bind_int(st, 2 + i, i < n ? picks[i].episode_id : 0);
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
                int64_t id = db_col_int(st, 0);
                for (int i = 0; i < n; i++)
                        if (picks[i].episode_id == id)
                                took[i] = true;
        }
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

/* ---------------------------------------------------------------- the cache */

/* Direct-mapped by episode id: a slot holds one episode's extras and when they were computed.
 * Entries are small (no pointers), so a lookup copies one out under the lock. A list may be up to
 * KD_RELATED_CACHE_SECONDS old; every other node computes its own, which is why the page checks
 * each pick again (live, not read by the viewer) before showing it. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        int64_t episode_id, computed_at;
        bool refreshing; /* a thread is computing this episode's next list */
        struct related_extras extras;
} cache[KD_RELATED_CACHE_SLOTS];

int related_extras_get(struct db *db, const struct episode *e, int64_t now,
                       struct related_extras *out)
{
        memset(out, 0, sizeof(*out));
        size_t slot = (size_t)((uint64_t)e->id % KD_RELATED_CACHE_SLOTS);
        /* A fresh entry is used as it is. When it has aged, one request computes the next list
         * while the others keep showing the old one, so a busy page does not have every
         * concurrent request compute at once when its minute is up. */
        bool hit = false;
        pthread_mutex_lock(&cache_lock);
        if (cache[slot].episode_id == e->id) {
                bool young = now >= cache[slot].computed_at &&
                             now - cache[slot].computed_at < KD_RELATED_CACHE_SECONDS;
                if (young || cache[slot].refreshing) {
                        *out = cache[slot].extras;
                        hit = true;
                } else
                        cache[slot].refreshing = true;
        }
        pthread_mutex_unlock(&cache_lock);
        if (hit)
                return 0;

        struct related_extras fresh = {0};
        fresh.npicks = related_compute(db, e, now, fresh.picks, KD_RELATED_CANDIDATES);
        fresh.nsentences = insight_sentences(db, e, now, fresh.sentences, INSIGHT_SENTENCES_SHOWN);
        bool failed = fresh.npicks < 0 || fresh.nsentences < 0;
        pthread_mutex_lock(&cache_lock);
        if (failed) {
                if (cache[slot].episode_id == e->id)
                        cache[slot].refreshing = false; /* the next request tries again */
        } else {
                cache[slot].episode_id = e->id;
                cache[slot].computed_at = now;
                cache[slot].refreshing = false;
                cache[slot].extras = fresh;
        }
        pthread_mutex_unlock(&cache_lock);
        if (failed) {
                memset(out, 0, sizeof(*out));
                return -1;
        }
        *out = fresh;
        return 0;
}
