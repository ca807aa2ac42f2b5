/* The demo's member identity: a little history that earns badges (readers who followed Learning
 * in Public from its first season, a reader who comes back week after week), one badge awarded
 * by hand, then every demo member's badges worked out from everything the other demo parts
 * wrote. Listed last in demo_seed's parts, so their build-ons, answers, asks and threads count. */
#include "model/demo.h"
#include "core/arena.h"
#include "db/db.h"
#include "model/badge.h"
#include "model/comment.h"
#include "model/problem.h"

#include <stddef.h>

int demo_seed_identity(struct db *db);

/* Comments from the first season of Learning in Public, each a day and some hours after its
 * episode went out: sam has been reading since the start. */
static const struct {
        const char *episode, *author;
        int hours_after;
        const char *body;
} early[] = {
    {"the-fifteen-minute-retro", "sam", 30,
     "We ran the fifteen-minute version on Friday. The hard part was stopping at fifteen; the "
     "surprise was that nobody dreaded it this time."},
    {"write-it-down-before-you-forget-it", "sam", 26,
     "My decision log is three weeks old and it has already settled one argument about why we "
     "picked the boring database. Past me was a better witness than I expected."},
    {"pairing-is-not-two-people-typing", "sam", 28,
     "Swapping the keyboard every ten minutes felt silly for a day and then it felt like the only "
     "way we could both stay awake to the problem."},
    {"asking-for-help-is-a-skill", "sam", 33,
     "Adding \"what I tried so far\" to my questions changed how they land. People answer faster "
     "when they can see the map you already drew."},
    {"blameless-not-pointless", "ana", 40,
     "We teach this to twelve-year-olds as \"the mistake is data\". Good to see grown-ups get the "
     "same lesson with better snacks."},
};

/* Readers who followed Learning in Public in its first season: a day after its first episode. */
static const char *const first_followers[] = {"sam", "ana"};

/* The publish time of an episode by slug; 0 when none. */
static int64_t episode_time(struct db *db, const char *slug)
{
        struct db_stmt *s = db_prepare(db, "SELECT publish_at FROM episode WHERE slug = ?1");
        if (!s)
                return 0;
        db_bind_text(s, 1, slug);
        int64_t t = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return t;
}

static int set_time(struct db *db, const char *sql, int64_t id, int64_t t)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, t);
        int rc = db_step(s) == DB_DONE ? 0 : -1;
        db_finish(s);
        return rc;
}

int demo_seed_identity(struct db *db)
{
        struct arena *a = arena_new();
        int rc = 0;
        for (size_t i = 0; i < sizeof(early) / sizeof(early[0]) && rc == 0; i++) {
                struct comment_input in = {
                    .episode_id = demo_episode_id(db, a, early[i].episode),
                    .author_id = demo_member_id(db, a, early[i].author),
                    .body = early[i].body,
                };
                int64_t at = episode_time(db, early[i].episode) + early[i].hours_after * 3600;
                int64_t id;
                struct field_problem p = {0};
                if (!in.episode_id || !in.author_id || comment_create(db, &in, &id, &p) != PUB_OK ||
                    set_time(db,
                             "UPDATE comment SET created_at = ?2, updated_at = ?2 WHERE id = ?1",
                             id, at) != 0)
                        rc = -1;
        }
        int64_t start = episode_time(db, "the-fifteen-minute-retro") + 86400;
        for (size_t i = 0; i < sizeof(first_followers) / sizeof(first_followers[0]) && rc == 0;
             i++) {
                int64_t who = demo_member_id(db, a, first_followers[i]);
                rc = set_time(db,
                              "UPDATE follow SET created_at = ?2 WHERE member_id = ?1 AND "
                              "newsletter_id = (SELECT id FROM newsletter WHERE slug = "
                              "'learning-in-public')",
                              who, start + (int64_t)i * 3 * 3600);
        }
        /* The cast joined before the first thing they did here, not on the day of the demo. */
        if (rc == 0) {
                struct db_stmt *s = db_prepare(
                    db, "UPDATE member SET created_at = (SELECT min(t) - 2 * 86400 FROM (SELECT "
                        "created_at AS t FROM follow WHERE member_id = member.id UNION ALL SELECT "
                        "created_at FROM comment WHERE author_id = member.id UNION ALL SELECT "
                        "publish_at FROM episode WHERE author_id = member.id UNION ALL SELECT "
                        "member.created_at + 2 * 86400) AS x)");
                rc = s && db_step(s) == DB_DONE ? 0 : -1;
                db_finish(s);
        }
        if (rc == 0) {
                struct badge_input in = {
                    .member_id = demo_member_id(db, a, "june"),
                    .badge = "steward",
                    .note = "Kept the night-shift threads kind while the authors were away.",
                    .admin_id = demo_member_id(db, a, "admin"),
                };
                rc = badge_award(db, &in, NULL) == PUB_OK ? 0 : -1;
        }
        if (rc == 0 && badges_refresh_all(db) < 0)
                rc = -1;
        arena_free(a);
        return rc;
}
