/* The demo's build-ons: readers taking the authors' ideas further, among them one chain of
 * three (sam on the retro episode, ana on sam's, liwei on ana's, in Chinese), one quoting a
 * passage of the episode, one featured by its author, with comments and reactions. Written
 * through the model, so quotes are checked and counts and notifications kept as in real use. */
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/buildon.h"
#include "model/comment.h"
#include "model/demo.h"
#include "model/problem.h"

#include <stdio.h>

struct demo_buildon {
        const char *author, *episode;
        int parent;    /* index of the build-on it builds on, +1; 0 for the episode */
        int hours_ago; /* when it was written */
        const char *title, *quote, *body;
};

static const struct demo_buildon buildons[] = {
    {"sam", "the-fifteen-minute-retro", 0, 140, "The fifteen-minute retro for a team of two",
     "has exactly three questions",
     "Our team is two people and a shared inbox, so I assumed a retro was something for bigger "
     "teams. Mira's three questions changed my mind, with one change: **we ask them on the walk "
     "to lunch on Fridays**, and the one thing we will try goes on a sticky note on the "
     "monitor.\n\n"
     "After six weeks, the second question (*what did we do twice?*) is the one that pays. We "
     "found three things we were doing twice, and two of them are now a checklist.\n\n"
     "What I have not solved: with two people, nobody is a neutral timekeeper. We use the walk "
     "itself as the timer. When we reach the bakery, the retro is over."},
    {"ana", "the-fifteen-minute-retro", 1, 96, "The walk is the timer: trying it with a class",
     "We use the walk itself as the timer",
     "I teach evening classes, and I borrowed Sam's idea of letting something outside the "
     "meeting end it. Our retro happens in the last ten minutes, and the timer is the caretaker "
     "who comes to lock the room.\n\n"
     "- *What surprised us?* works with students too, if you answer it first yourself.\n"
     "- *What did we do twice?* became *what did you explain to a classmate twice?*, which "
     "tells me what I should have explained better.\n\n"
     "The change I did not expect: students started writing their one thing for next week on "
     "the board before I asked."},
    {"liwei", "the-fifteen-minute-retro", 2, 30, "把三个问题带到远程团队",
     "what did you explain to a classmate twice",
     "看了 Ana 的做法，我在我们的远程小组里也试了一下。我们分布在三个时区，所以没有“散步”"
     "可以当计时器，我们用的是共享文档里的一个十五分钟倒计时。\n\n"
     "我把第二个问题改成了“这周你向同事解释了两遍的是什么？”。第一周就发现，新同事问得最多的"
     "是部署流程——于是我们把它写成了一页说明。\n\n"
     "一个小发现：用中文和英文各写一遍“下周试一件事”，大家更愿意认领。"},
    {"june", "the-radish-census", 0, 60, "Counting what the wind takes",
     "asked an AI writing assistant to turn them into the tables below",
     "Tomas's note about the merged rows made me go back to my own allotment notes. I keep a "
     "second column now: *what I expected*, written before the harvest. The difference between "
     "the two columns is where I learn something, the same way the retro asks what surprised "
     "us.\n\n"
     "I would love to see the wind added to the census. @tomas, do you log it at all?"},
    {"tomas", "the-fifteen-minute-retro", 0, 20, "A garden retro in three questions", NULL,
     "I read this as a gardener. Every Sunday I now ask the balcony the same three questions: "
     "what surprised me (the radishes in the windy box), what I did twice (watering the same "
     "pot because I forgot I had), and what I will try before next week.\n\n"
     "It turns out the notebook *is* a retrospective, only slower."},
};

struct demo_comment {
        int buildon; /* index in buildons */
        int parent;  /* index in comments, +1; 0 for a new thread */
        const char *author, *body;
};

static const struct demo_comment comments[] = {
    {0, 0, "june", "The bakery as a timer is brilliant. Does the sticky note survive the week?"},
    {0, 1, "sam", "Mostly. When it falls off the monitor, that is usually a sign we tried it."},
    {0, 0, "mira",
     "Two people is the hardest case and you found the nicest answer. Featuring this one."},
    {1, 0, "liwei", "The caretaker as timekeeper made me laugh. I am borrowing it."},
};

static int64_t demo_buildon_ids[sizeof(buildons) / sizeof(buildons[0])];

/* Moves a build-on (and so its place in "newest first") or a comment back in time. */
static int set_time(struct db *db, const char *sql, int64_t id, int64_t at)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, at);
        int rc = db_step(s) == DB_DONE ? 0 : -1;
        db_finish(s);
        return rc;
}

static int react(struct db *db, int64_t buildon, int64_t member, const char *kind, int64_t at)
{
        struct db_stmt *s = db_prepare(db, "INSERT INTO reaction (target, target_id, kind, "
                                           "member_id, created_at) VALUES ('buildon', ?1, ?2, ?3, "
                                           "?4)");
        if (!s)
                return -1;
        db_bind_int(s, 1, buildon);
        db_bind_text(s, 2, kind);
        db_bind_int(s, 3, member);
        db_bind_int(s, 4, at);
        int rc = db_step(s) == DB_DONE ? 0 : -1;
        db_finish(s);
        return rc;
}

int demo_seed_buildons(struct db *db)
{
        struct arena *a = arena_new();
        int64_t now = time_now();
        int rc = 0;
        for (size_t i = 0; i < sizeof(buildons) / sizeof(buildons[0]) && rc == 0; i++) {
                const struct demo_buildon *d = &buildons[i];
                struct buildon_input in = {
                    .episode_id = demo_episode_id(db, a, d->episode),
                    .parent_id = d->parent ? demo_buildon_ids[d->parent - 1] : 0,
                    .author_id = demo_member_id(db, a, d->author),
                    .title = d->title,
                    .body = d->body,
                    .quote_exact = d->quote,
                };
                struct field_problem p = {0};
                if (buildon_create(db, &in, &demo_buildon_ids[i], &p) != PUB_OK ||
                    set_time(db,
                             "UPDATE buildon SET created_at = ?2, updated_at = ?2 WHERE id = ?1",
                             demo_buildon_ids[i], now - d->hours_ago * 3600) != 0) {
                        fprintf(stderr, "demo build-on %zu: %s %s\n", i, p.field ? p.field : "",
                                p.message ? p.message : "");
                        rc = -1;
                }
        }
        int64_t comment_ids[sizeof(comments) / sizeof(comments[0])];
        for (size_t i = 0; i < sizeof(comments) / sizeof(comments[0]) && rc == 0; i++) {
                const struct demo_comment *c = &comments[i];
                struct comment_input in = {
                    .episode_id = demo_episode_id(db, a, buildons[c->buildon].episode),
                    .parent_id = c->parent ? comment_ids[c->parent - 1] : 0,
                    .author_id = demo_member_id(db, a, c->author),
                    .body = c->body,
                    .buildon_id = demo_buildon_ids[c->buildon],
                };
                struct field_problem p = {0};
                /* a few hours after the build-on, each a little later than the one before */
                int64_t at =
                    now - buildons[c->buildon].hours_ago * 3600 + 3 * 3600 * (int64_t)(i + 1);
                if (comment_create(db, &in, &comment_ids[i], &p) != PUB_OK ||
                    set_time(db,
                             "UPDATE comment SET created_at = ?2, updated_at = ?2 WHERE id = ?1",
                             comment_ids[i], at) != 0)
                        rc = -1;
        }
        /* Mira features Sam's: the first in a chain of three on her episode. */
        if (rc == 0 && buildon_set_featured(db, demo_buildon_ids[0], demo_member_id(db, a, "mira"),
                                            true, NULL) != PUB_OK)
                rc = -1;
        static const struct {
                int buildon;
                const char *who, *kind;
        } reactions[] = {
            {0, "mira", "insightful"}, {0, "ana", "like"},    {0, "june", "celebrate"},
            {1, "sam", "love"},        {1, "liwei", "agree"}, {2, "ana", "insightful"},
            {3, "tomas", "curious"},
        };
        for (size_t i = 0; i < sizeof(reactions) / sizeof(reactions[0]) && rc == 0; i++)
                rc = react(db, demo_buildon_ids[reactions[i].buildon],
                           demo_member_id(db, a, reactions[i].who), reactions[i].kind,
                           now - 3600 * (int64_t)(i + 1));
        arena_free(a);
        return rc;
}
