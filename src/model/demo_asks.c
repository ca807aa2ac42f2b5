/* The demo's asks: topics the demo members proposed for both newsletters, in every state, with
 * votes from several members; one covered by a published episode (whose page then credits the
 * asker), one covered by a draft (readers see only that an answer is on its way), one declined
 * with a kind reason, one hidden by the moderator (a stray test) and one withdrawn by its proposer.
 */
#include "model/ask.h"
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/demo.h"
#include "model/newsletter.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* What became of a demo ask. */
enum demo_fate { STAYS_OPEN, PLAN, COVER, DECLINE, HIDE, WITHDRAW };

struct demo_ask {
        const char *newsletter, *proposer, *title, *body;
        const char *voters; /* handles separated by spaces (the proposer's vote is automatic) */
        int days_ago;       /* when it was proposed */
        enum demo_fate fate;
        const char *decider, *note, *episode; /* the decision, when there is one */
};

static const struct demo_ask asks[] = {
    {"learning-in-public", "sam", "How do you onboard someone into a team that learns in public?",
     "We just hired two people and our \"guide\" is a wiki page from 2019. What should week one "
     "look like when the team writes everything down?",
     "ana liwei june tomas", 40, COVER, "mira",
     "This became season 2, episode 2. Thank you for asking, Sam: it was overdue.",
     "onboarding-is-a-team-sport"},
    {"learning-in-public", "ana", "What would you tell next year's team?",
     "If you could leave one letter for the people who join after you, what would be in it?",
     "sam june", 12, COVER, "mira", "Writing it now. It goes out when it is honest enough.",
     "a-letter-to-next-years-team"},
    {"learning-in-public", "june", "Keeping a team notebook alive after the first month",
     "Ours was lovely for three weeks. Then everybody was busy and it went quiet. How do you get "
     "past that dip?",
     "sam ana liwei", 9, STAYS_OPEN, NULL, NULL, NULL},
    {"learning-in-public", "liwei", "远程团队怎么做十五分钟复盘？",
     "我们团队一半在上海，一半在柏林。时差六七个小时，**同步开会**很难。有没有异步的做法？",
     "sam june tomas", 8, PLAN, "mira",
     "Pencilled in for season 3: we are collecting examples from distributed teams first.", NULL},
    {"learning-in-public", "ana", "Learning in public when your employer is nervous about it",
     "Legal gets twitchy whenever anyone writes about work. Where is the line between sharing "
     "what you learned and sharing what you shouldn't?",
     "sam", 5, STAYS_OPEN, NULL, NULL, NULL},
    {"learning-in-public", "sam", "A reading list for new team leads", "", "", 2, STAYS_OPEN, NULL,
     NULL, NULL},
    {"learning-in-public", "sam", "Which project-management tool should we buy?",
     "We are choosing between three and the sales calls all sound the same.", "", 20, DECLINE,
     "mira",
     "We stay away from tool reviews: the habits here work with any tool, and a comparison would "
     "be out of date by spring. \"Write It Down Before You Forget It\" has a checklist for "
     "judging whatever you already use, and I hope it helps.",
     NULL},
    {"learning-in-public", "sam", "Onboarding guide template?", "Same as my other ask, sorry!", "",
     39, WITHDRAW, NULL, NULL, NULL},
    {"learning-in-public", "sam", "test please ignore", "", "", 3, HIDE, "june", NULL, NULL},
    {"fourth-floor-garden", "june", "Is three plants enough to conclude anything?",
     "You keep writing \"batch four did better\". With so few pots, how do you know it isn't "
     "luck?",
     "sam ana mira liwei", 145, COVER, "tomas",
     "The short answer is: mostly it is luck, and the tomato episode is about exactly that.",
     "tomatoes-and-the-law-of-small-numbers"},
    {"fourth-floor-garden", "ana", "What grows on a north-facing balcony?",
     "Ours gets maybe two hours of direct sun in June. Is it worth trying anything but ferns?",
     "liwei june sam", 6, STAYS_OPEN, NULL, NULL, NULL},
    {"fourth-floor-garden", "sam", "Watering while you're away for two weeks", "", "ana june", 10,
     PLAN, "tomas",
     "Before the summer holidays: I am testing wicks, bottles and a kind neighbour against each "
     "other.",
     NULL},
    {"fourth-floor-garden", "liwei", "阳台上能种香菜吗？", "香菜一热就开花。四楼风大，是不是更难？",
     "ana", 4, STAYS_OPEN, NULL, NULL, NULL},
    {"fourth-floor-garden", "june", "Could you review my soil-testing kit?",
     "It came with a colour chart I cannot make sense of.", "sam", 15, DECLINE, "tomas",
     "I'd rather not review products I was not going to buy anyway, so I will pass on this one. "
     "But bring the colour chart to the comments of the radish census and we will read it "
     "together.",
     NULL},
};

/* Moves the ask and its votes back to when they happened: proposed days_ago, votes in the
 * following hours, the decision a day later (or, for an ask covered by a live episode, an hour
 * after the episode came out). */
static int backdate(struct db *db, int64_t id, int days_ago, bool decided)
{
        int64_t at = time_now() - (int64_t)days_ago * 86400;
        struct db_stmt *s = db_prepare(
            db, "UPDATE ask SET created_at = ?2, decided_at = CASE WHEN ?3 <> 0 THEN (SELECT "
                "max(t) FROM (SELECT CAST(?2 AS BIGINT) + 86400 AS t UNION ALL SELECT e.publish_at "
                "+ 3600 FROM "
                "episode e WHERE e.id = ask.episode_id AND e.status <> 'draft' AND e.publish_at "
                "<= ?4) AS x) END WHERE id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, at);
        db_bind_int(s, 3, decided);
        db_bind_int(s, 4, time_now());
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        /* a covered ask was decided when its episode came out (an hour later) */
        s = db_prepare(db,
                       "UPDATE ask SET updated_at = coalesce(decided_at, created_at) WHERE id = "
                       "?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        /* the proposer's vote first, the others over the next hours */
        s = db_prepare(db, "UPDATE ask_vote SET created_at = ?2 + CASE WHEN member_id = (SELECT "
                           "author_id FROM ask WHERE id = ?1) THEN 0 ELSE 3600 * (1 + member_id "
                           "% 7) END WHERE ask_id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, at);
        rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

static int seed_one(struct db *db, struct arena *a, const struct demo_ask *d)
{
        struct newsletter n;
        if (newsletter_find_slug(db, a, d->newsletter, &n) != PUB_OK)
                return -1;
        struct ask_input in = {.newsletter_id = n.id,
                               .author_id = demo_member_id(db, a, d->proposer),
                               .title = d->title,
                               .body = d->body};
        struct field_problem p = {0};
        int64_t id = 0;
        if (!in.author_id || ask_create(db, &in, &id, &p) != PUB_OK)
                return -1;
        char *voters = arena_strdup(a, d->voters), *save = NULL;
        for (char *h = strtok_r(voters, " ", &save); h; h = strtok_r(NULL, " ", &save))
                if (ask_vote_set(db, id, demo_member_id(db, a, h), true, NULL, NULL) != PUB_OK)
                        return -1;
        int64_t decider = d->decider ? demo_member_id(db, a, d->decider) : 0;
        int rc = PUB_OK;
        if (d->fate == PLAN || d->fate == COVER || d->fate == DECLINE) {
                struct ask_decision dec = {
                    .status = d->fate == PLAN    ? ASK_PLANNED
                              : d->fate == COVER ? ASK_COVERED
                                                 : ASK_DECLINED,
                    .note = d->note,
                    .episode_id = d->episode ? demo_episode_id(db, a, d->episode) : 0,
                };
                rc = ask_decide(db, id, decider, &dec, &p);
        } else if (d->fate == HIDE) {
                rc = ask_set_hidden(db, id, decider, true);
        } else if (d->fate == WITHDRAW) {
                rc = ask_delete(db, id, in.author_id);
        }
        if (rc != PUB_OK)
                return -1;
        return backdate(db, id, d->days_ago,
                        d->fate == PLAN || d->fate == COVER || d->fate == DECLINE);
}

int demo_seed_asks(struct db *db)
{
        struct arena *a = arena_new();
        int rc = 0;
        for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]) && rc == 0; i++)
                rc = seed_one(db, a, &asks[i]);
        arena_free(a);
        return rc;
}
