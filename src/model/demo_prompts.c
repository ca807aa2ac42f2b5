/* The demo's "Questions for you" with members' answers, and its "I tried this" records: a
 * newcomer finds episodes that end with questions people answered, talk between answerers, and
 * readers reporting how the ideas went when they tried them. */
#include "core/arena.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/demo.h"
#include "model/prompt.h"
#include "model/reaction.h"
#include "model/tried.h"

#include <stddef.h>

/* Each episode's questions, by position. */
static const struct demo_questions {
        const char *episode;
        const char *q[KD_PROMPTS_PER_EPISODE];
} questions[] = {
    {"what-a-balcony-taught-me-about-feedback-loops",
     {"What is the longest loop in your work right now, and how could you cut it in half?",
      "If you kept a batch table like mine, what would its columns be?",
      "Which of your results might just be the railing: one noisy sample you took for a lesson?",
      "", ""}},
    {"two-languages-one-team",
     {"Which language do you think in at work, and which one do you write in?",
      "What would your team's first Friday note say?",
      "What helps you read a colleague's first draft in a language you don't speak?", "", ""}},
    {"the-fifteen-minute-retro",
     {"What surprised your team this week?", "What did you do twice by hand this month?", "", "",
      ""}},
    {"tomatoes-and-the-law-of-small-numbers",
     {"What story have you built on three plants?",
      "How many more seasons of Bertil would it take before you believed the wind?", "", "", ""}},
};

/* Answers: the episode, the question's position, who, the answer it replies to (an index here,
 * or -1 for an answer of its own), and the text. */
static const struct demo_answer {
        const char *episode;
        int position;
        const char *author;
        int reply_to;
        const char *body;
} answers[] = {
    /* 0 */ {"what-a-balcony-taught-me-about-feedback-loops", 1, "sam", -1,
             "Design reviews, once a sprint. A bad layout idea lives for two weeks before anyone "
             "argues with it. We are trying a fifteen-minute sketch check on Tuesdays and "
             "Thursdays instead."},
    /* 1 */
    {"what-a-balcony-taught-me-about-feedback-loops", 1, "ana", 0,
     "@sam how do you keep the sketch checks from growing into full reviews? Ours always "
     "do, and then nobody wants to come."},
    /* 2 */
    {"what-a-balcony-taught-me-about-feedback-loops", 1, "sam", 1,
     "A timer and one rule: three comments per sketch, no more. When you run out, you "
     "have to pick the one that matters most. It is surprisingly calming."},
    /* 3 */
    {"what-a-balcony-taught-me-about-feedback-loops", 1, "liwei", -1,
     "我们的数据报表每个月才出一次，等发现错误已经太晚了。现在我们每周先出一个小样本，"
     "请两位同事看一眼，上个月有个口径错误提前三周就被发现了。"},
    /* 4 */
    {"what-a-balcony-taught-me-about-feedback-loops", 2, "ana", -1,
     "Lesson, the one thing I changed, how many students finished the exit ticket, and "
     "one line of notes. Four columns. I already trust it more than my lesson plans."},
    /* 5 */
    {"what-a-balcony-taught-me-about-feedback-loops", 3, "june", -1,
     "Night-shift handovers. One bad night convinced us the new checklist was worse. It "
     "was one night, with two people off sick and a power cut."},
    /* 6 */
    {"what-a-balcony-taught-me-about-feedback-loops", 3, "tomas", 5,
     "A power cut is a very windy railing. Did you give the checklist another week?"},
    /* 7 */
    {"two-languages-one-team", 1, "liwei", -1,
     "我用中文思考，用英文写周报。现在我先用中文写草稿，再改成英文，写得更快，也更诚实。"},
    /* 8 */
    {"two-languages-one-team", 1, "ana", 7,
     "@liwei I read this with a translation tool open, as the episode suggests, and it "
     "worked. Did your English readers notice a difference?"},
    /* 9 */
    {"two-languages-one-team", 1, "liwei", 8,
     "他们说周报变短了，但更有用。还有一位里斯本的同事开始用葡萄牙语写自己的那一段。"},
    /* 10 */
    {"two-languages-one-team", 1, "sam", -1,
     "I think in Portuguese, argue in English, and apologise in both."},
    /* 11 */
    {"two-languages-one-team", 2, "june", -1,
     "\"Nothing broke tonight. Here is the one thing that almost did, and who noticed.\""},
    /* 12 */
    {"two-languages-one-team", 3, "sam", -1,
     "Reading it twice: once in the tool for the meaning, once in the original for the "
     "tone. Punctuation survives translation better than words do."},
    /* 13 */
    {"the-fifteen-minute-retro", 1, "sam", -1,
     "That the deploy nobody worried about was the one we rolled back."},
    /* 14 */
    {"the-fifteen-minute-retro", 2, "ana", -1,
     "Copying the attendance sheet into the school system, twice a week. A student "
     "wrote me a script for it after I complained in class."},
    /* 15 */
    {"the-fifteen-minute-retro", 2, "june", 14,
     "@ana a student fixing the teacher's toil is the best retro outcome I have heard "
     "all year."},
    /* 16 */
    {"tomatoes-and-the-law-of-small-numbers", 1, "mira", -1,
     "That our onboarding guide \"worked\". It worked for one new hire, who would have "
     "thrived with a napkin."},
    /* 17 */
    {"tomatoes-and-the-law-of-small-numbers", 2, "sam", -1,
     "Three seasons, and a fourth pot by the wall as a control. Bertil deserves a fair "
     "trial."},
};

/* Reactions to answers: the answer's index, who, which kind. */
static const struct {
        int answer;
        const char *who, *kind;
} nods[] = {
    {0, "tomas", "insightful"}, {2, "ana", "agree"},  {3, "mira", "insightful"},
    {3, "sam", "like"},         {4, "tomas", "love"}, {7, "ana", "love"},
    {10, "liwei", "celebrate"}, {10, "june", "like"}, {14, "mira", "celebrate"},
};

/* Who tried what, and how it went (outcome "" for not yet). */
static const struct demo_tried {
        const char *episode, *who, *note, *outcome, *outcome_note;
        int days_ago;
} tries[] = {
    {"what-a-balcony-taught-me-about-feedback-loops", "ana",
     "One small change per lesson instead of a new plan per term, with my Year 9 class.", "worked",
     "Three weeks in, I know which warm-up works and which one I only liked.", 12},
    {"what-a-balcony-taught-me-about-feedback-loops", "sam",
     "Two fifteen-minute sketch checks a week instead of one review per sprint.", "mixed",
     "Faster feedback, but we lost the long conversations. Keeping one long review a month.", 10},
    {"what-a-balcony-taught-me-about-feedback-loops", "liwei",
     "每周一个小样本报表，先给两位同事看。", "worked", "一个口径错误提前三周被发现。", 9},
    {"what-a-balcony-taught-me-about-feedback-loops", "mira",
     "Weekly batches of small changes to this newsletter's template.", "failed",
     "I changed three things a week, so I could not tell which one helped: my own batch four.", 8},
    {"what-a-balcony-taught-me-about-feedback-loops", "june",
     "One change a week to the night-shift handover checklist.", "", "", 4},
    {"two-languages-one-team", "ana",
     "Tried it in class: students wrote their exit notes in whichever language they think in.",
     "worked", "More honest notes, and two students translated for each other unasked.", 6},
    {"two-languages-one-team", "sam",
     "Friday notes on our design team: Portuguese first, English underneath.", "mixed",
     "Lisbon loved it; the others read only the English and missed half the jokes.", 5},
    {"two-languages-one-team", "liwei", "我们数据组开始写周五笔记，先写中文。", "worked",
     "第一周的笔记是我们今年写过最坦诚的东西。", 5},
    {"two-languages-one-team", "june", "Handover notes in the language you are tired in.", "", "",
     2},
};

static int set_times(struct db *db, const char *sql, int64_t id, int64_t t)
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

/* The id of the prompt at position of the episode with slug; 0 when none. */
static int64_t prompt_at(struct db *db, struct arena *a, const char *slug, int position)
{
        struct prompt *ps;
        int n = prompt_list_episode(db, a, demo_episode_id(db, a, slug), &ps);
        for (int i = 0; i < n; i++)
                if (ps[i].position == position)
                        return ps[i].id;
        return 0;
}

int demo_seed_prompts(struct db *db)
{
        struct arena *a = arena_new();
        int rc = 0;
        for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]) && rc == 0; i++) {
                int64_t ep = demo_episode_id(db, a, questions[i].episode);
                struct field_problem p = {0};
                rc = ep && prompt_save_questions(db, ep, questions[i].q, &p) == PUB_OK ? 0 : -1;
        }
        int64_t ids[sizeof(answers) / sizeof(answers[0])];
        int64_t now = time_now();
        for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]) && rc == 0; i++) {
                const struct demo_answer *d = &answers[i];
                struct comment_input in = {
                    .episode_id = demo_episode_id(db, a, d->episode),
                    .parent_id = d->reply_to >= 0 ? ids[d->reply_to] : 0,
                    .author_id = demo_member_id(db, a, d->author),
                    .body = d->body,
                    .prompt_id = prompt_at(db, a, d->episode, d->position),
                };
                struct field_problem p = {0};
                if (!in.episode_id || !in.author_id || !in.prompt_id ||
                    comment_create(db, &in, &ids[i], &p) != PUB_OK)
                        rc = -1;
                else /* over the last three days, in the order written */
                        rc = set_times(db,
                                       "UPDATE comment SET created_at = ?2, updated_at = ?2 "
                                       "WHERE id = ?1",
                                       ids[i], now - 3 * 86400 + (int64_t)i * 3 * 3600);
        }
        for (size_t i = 0; i < sizeof(nods) / sizeof(nods[0]) && rc == 0; i++) {
                enum reaction_kind kind;
                reaction_kind_parse(nods[i].kind, &kind);
                rc = reaction_set(db, demo_member_id(db, a, nods[i].who), TARGET_COMMENT,
                                  ids[nods[i].answer], kind, true, NULL);
        }
        /* one question has run its course: closed, its answers kept */
        if (rc == 0) {
                int64_t closed = prompt_at(db, a, "tomatoes-and-the-law-of-small-numbers", 2);
                rc = closed && prompt_set_closed(db, closed, true) == PUB_OK ? 0 : -1;
        }
        for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]) && rc == 0; i++) {
                const struct demo_tried *d = &tries[i];
                struct tried_input in = {
                    .episode_id = demo_episode_id(db, a, d->episode),
                    .member_id = demo_member_id(db, a, d->who),
                    .note = d->note,
                    .outcome = d->outcome,
                    .outcome_note = d->outcome_note,
                };
                struct field_problem p = {0};
                int64_t id = 0;
                int64_t at = now - (int64_t)d->days_ago * 86400;
                if (!in.episode_id || !in.member_id || tried_save(db, &in, &id, &p) != PUB_OK)
                        rc = -1;
                else /* the outcome came a few days after the try */
                        rc = set_times(db,
                                       "UPDATE tried SET created_at = ?2, updated_at = "
                                       "CAST(?2 AS BIGINT) + "
                                       "CASE WHEN outcome IS NULL THEN 0 ELSE 3 * 86400 END, "
                                       "outcome_at = CASE WHEN outcome IS NULL THEN NULL ELSE "
                                       "CAST(?2 AS BIGINT) + 3 * 86400 END WHERE id = ?1",
                                       id, at);
        }
        arena_free(a);
        return rc;
}
