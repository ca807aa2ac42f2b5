/* Demo spaces: the Porch, where every member talks, and a readers' circle for the followers of
 * Learning in Public, with threads between members (the authors are not in them), replies that
 * answer particular posts, a mention, and reactions. Written for the demo, like its episodes. */
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/demo.h"
#include "model/reaction.h"
#include "model/space.h"

#include <stddef.h>

struct demo_post {
        int thread;      /* index into threads[] */
        const char *who; /* handle */
        int answers;     /* index into posts[] of the post it answers, -1 for none */
        const char *body;
};

struct demo_thread {
        int space; /* index into spaces[] */
        const char *who, *title;
};

static const struct space_input spaces[] = {
    {"porch", "The Porch",
     "Pull up a chair. Anything goes here as long as it is kind: what you are reading, what "
     "you tried this week, what you would like to ask the others.",
     "", "members"},
    {"readers-circle", "Learning in Public: Readers' Circle",
     "For the followers of *Learning in Public*: compare notes on the episodes, swap what "
     "happened when you tried them, and keep each other honest.",
     "learning-in-public", "followers"},
};

static const struct demo_thread threads[] = {
    {0, "sam", "What are you reading between episodes?"},
    {0, "liwei", "有人也在阳台上种菜吗？"},
    {0, "ana", "Small rituals that make a Monday easier"},
    {1, "ana", "I ran the fifteen-minute retro with a class of fourteen-year-olds"},
    {1, "sam", "Friday notes: who actually reads them?"},
};

static const struct demo_post posts[] = {
    /* 0 */ {0, "sam", -1,
             "I keep a short pile next to the desk for the days between letters. Right now it "
             "is a book on typography and a very old manual for a synthesizer I do not own. "
             "What is on yours?"},
    /* 1 */
    {0, "ana", 0,
     "A collection of essays by teachers about the first ten minutes of a lesson. Every "
     "chapter is one classroom and one small change. It reads like this newsletter's "
     "cousin."},
    /* 2 */
    {0, "liwei", -1,
     "我在读一本关于数据管道设计的书，但说实话，我更常重读自己三年前写的诗，看看那时候的"
     "我在担心什么。"},
    /* 3 */
    {0, "june", 2,
     "Rereading your own old writing is underrated. My night-shift notebook from my "
     "first year is mostly questions I can now answer, and a few I still cannot."},
    /* 4 */
    {0, "sam", 1,
     "@ana that sounds exactly like my kind of book. Would you share the title here "
     "when you are back at your shelf?"},
    /* 5 */
    {1, "liwei", -1,
     "我在上海的阳台只有一米宽，今年种了小番茄和紫苏。看了 *Fourth-Floor Garden* "
     "以后，我也开始记录每天浇了多少水。有人一起吗？"},
    /* 6 */
    {1, "ana", 5,
     "Not a balcony, but our classroom window has three pots of basil the students "
     "water in turns. They argue about whose turn it is more than about anything "
     "else all week."},
    /* 7 */
    {1, "sam", -1,
     "Lisbon balcony, south-facing, far too much sun. My peppers love it, the mint "
     "gave up in July. I will start writing the watering down too."},
    /* 8 */
    {1, "liwei", 7,
     "薄荷要放在半阴的地方，我也是失败了两次才学会。下个月我们可以比一比谁的记录更完整。"},
    /* 9 */
    {2, "ana", -1,
     "Mine: I write the three things I want the class to leave with on a sticky note "
     "before I open my email. If the note is empty by nine, the day is already running "
     "me."},
    /* 10 */
    {2, "june", 9,
     "Coming off a night shift on Monday mornings, my ritual is the opposite: I write "
     "down one thing I will *not* do today. It protects the sleep."},
    /* 11 */
    {2, "sam", -1,
     "Coffee, then ten minutes of sketching whatever is on the desk. It tells me "
     "whether my hands are awake before any meeting does. And @june, your list of "
     "things not to do is going on my fridge."},
    /* 12 */
    {3, "ana", -1,
     "Three questions, fifteen minutes, sticky notes on the whiteboard: what helped, "
     "what got in the way, what we try next week. The fourteen-year-olds took it far "
     "more seriously than my colleagues did. One of them asked if we could do it every "
     "Friday."},
    /* 13 */
    {3, "sam", 12,
     "What did they put under \"got in the way\"? I would bet it was something about "
     "the room, not the lesson."},
    /* 14 */
    {3, "ana", 13,
     "You win the bet: the projector, the heating and the bell that rings five minutes "
     "early. Only one note was about me, and it was fair."},
    /* 15 */
    {3, "liwei", -1,
     "我们团队也试了同样的三个问题。最难的是第三个问题：大家都愿意说问题，"
     "但很少有人愿意承诺下周试一件具体的小事。"},
    /* 16 */
    {3, "june", 15,
     "On the ward we solved that by letting whoever names a problem also pick the "
     "smallest possible next step, even a silly one. Small enough that nobody can say "
     "no."},
    /* 17 */
    {4, "sam", -1,
     "We started writing Friday notes after the *Write It Down* episode. Five weeks in, "
     "I am not sure anyone but me reads them. How do you know yours land?"},
    /* 18 */
    {4, "liwei", 17,
     "我们的做法是：周一例会的第一分钟，随机请一个人说说上周五笔记里的一句话。"
     "大家很快就开始认真读了。"},
    /* 19 */
    {4, "ana", 18,
     "@liwei that is brilliant and slightly terrifying. I am stealing it for the "
     "staff room."},
};

/* Reactions to posts (index into posts[]), as the members gave them. */
static const struct {
        int post;
        const char *who, *kind;
} nods[] = {
    {1, "sam", "insightful"},  {2, "ana", "love"},        {3, "liwei", "agree"},
    {6, "liwei", "love"},      {9, "june", "like"},       {10, "ana", "insightful"},
    {12, "sam", "celebrate"},  {12, "june", "love"},      {12, "liwei", "celebrate"},
    {14, "sam", "like"},       {16, "ana", "insightful"}, {16, "liwei", "agree"},
    {18, "sam", "insightful"}, {18, "ana", "love"},       {19, "liwei", "like"},
};

static int set_time(struct db *db, const char *sql, int64_t id, int64_t at)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, at);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

int demo_seed_spaces(struct db *db)
{
        enum { NSPACES = sizeof(spaces) / sizeof(spaces[0]) };
        enum { NTHREADS = sizeof(threads) / sizeof(threads[0]) };
        enum { NPOSTS = sizeof(posts) / sizeof(posts[0]) };
        struct arena *a = arena_new();
        int64_t space_ids[NSPACES], thread_ids[NTHREADS] = {0}, post_ids[NPOSTS];
        int rc = 0;
        int64_t june = demo_member_id(db, a, "june");
        for (int i = 0; i < NSPACES && rc == 0; i++) {
                struct field_problem p = {0};
                rc = space_create(db, &spaces[i], june, ROLE_MODERATOR, &space_ids[i], &p) == PUB_OK
                         ? 0
                         : -1;
        }
        for (int i = 0; i < NPOSTS && rc == 0; i++) {
                const struct demo_post *d = &posts[i];
                int64_t who = demo_member_id(db, a, d->who);
                struct field_problem p = {0};
                if (!thread_ids[d->thread]) {
                        const struct demo_thread *t = &threads[d->thread];
                        struct space_thread_input in = {space_ids[t->space], who, ROLE_READER,
                                                        t->title, d->body};
                        rc = space_thread_create(db, &in, &thread_ids[d->thread], &post_ids[i],
                                                 &p) == PUB_OK
                                 ? 0
                                 : -1;
                } else {
                        struct space_post_input in = {thread_ids[d->thread],
                                                      d->answers >= 0 ? post_ids[d->answers] : 0,
                                                      who, ROLE_READER, d->body};
                        rc = space_post_create(db, &in, &post_ids[i], &p) == PUB_OK ? 0 : -1;
                }
        }
        /* Spread the conversation over the past days, in the order written: the Porch's first
         * thread started five days ago, the latest reply came a few hours ago. */
        int64_t now = time_now();
        for (int i = 0; i < NPOSTS && rc == 0; i++) {
                int64_t at = now - 5 * 86400 + (int64_t)i * (5 * 86400 - 3 * 3600) / NPOSTS;
                rc = set_time(db,
                              "UPDATE space_post SET created_at = ?2, updated_at = ?2 WHERE "
                              "id = ?1",
                              post_ids[i], at);
                if (rc == 0)
                        rc = set_time(db,
                                      "UPDATE space_thread SET created_at = ?2, updated_at = "
                                      "?2 WHERE id = ?1 AND created_at > ?2",
                                      thread_ids[posts[i].thread], at);
        }
        for (size_t i = 0; i < sizeof(nods) / sizeof(nods[0]) && rc == 0; i++) {
                /* through the one write path (it tells the post's author, as a member's
                 * reaction would) */
                enum reaction_kind kind;
                rc = reaction_kind_parse(nods[i].kind, &kind);
                if (rc == 0 && reaction_set(db, demo_member_id(db, a, nods[i].who), "post",
                                            post_ids[nods[i].post], kind, true, NULL) != PUB_OK)
                        rc = -1;
        }
        /* the dates moved: thread, space and member counts and times follow the rows, and
         * "who is here" shows when each member last wrote something */
        if (rc == 0 && space_rebuild(db) != PUB_OK)
                rc = -1;
        struct db_stmt *s = rc == 0 ? db_prepare(db, "UPDATE member SET active_at = (SELECT "
                                                     "max(t) FROM (SELECT max(created_at) AS t "
                                                     "FROM comment WHERE author_id = member.id "
                                                     "UNION ALL SELECT max(created_at) FROM "
                                                     "space_post WHERE author_id = member.id) AS x) "
                                                     "WHERE active_at IS NOT NULL")
                                    : NULL;
        if (rc == 0 && (!s || db_step(s) != DB_DONE))
                rc = -1;
        db_finish(s);
        arena_free(a);
        return rc;
}
