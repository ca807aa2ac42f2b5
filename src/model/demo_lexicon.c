/* The demo's lexicons: terms each community coined, used in its comments (a few comments of
 * the garden's own come first, so its terms have somewhere to appear), one proposal waiting
 * and one declined with a reason. */
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "model/comment.h"
#include "model/demo.h"
#include "model/lexicon.h"
#include "model/newsletter.h"

#include <string.h>

/* Comments on the garden's episodes that use its words. */
static const struct {
        const char *episode, *author, *body;
} garden_talk[] = {
    {"the-radish-census", "sam",
     "Every office has a batch four. Ours is the fern by the air conditioner: same pot, same "
     "compost, and it sulks all year. I finally stopped blaming the fern."},
    {"the-radish-census", "june",
     "On the ward we say the same about one bad night shift: it is a batch four, not a trend. "
     "Nobody rewrites the rota after one."},
    {"tomatoes-and-the-law-of-small-numbers", "ana",
     "Anna, Bertil and Cecilia are the best lesson on the law of small numbers I have read. "
     "Three plants make a story, not a sample. I am stealing them for my statistics class."},
    {"tomatoes-and-the-law-of-small-numbers", "liwei",
     "我们组也犯过同样的错：三次实验就下结论。现在大家会说：“别忘了 batch four。”"},
};

static const struct {
        const char *newsletter, *term, *definition, *proposer;
        /* origin: the first comment by origin_author on origin_episode (NULL: none), or the
         * episode itself when origin_author is NULL */
        const char *origin_episode, *origin_author;
        const char *decider; /* NULL: still waiting */
        bool approve;
        const char *note;
} terms[] = {
    {"learning-in-public", "brave first note",
     "The first honest note someone dares to write, which changes what everyone else thinks is "
     "allowed. After it, people stop polishing and start telling.",
     "ana", "two-languages-one-team", "mira", "mira", true, ""},
    {"learning-in-public", "first language",
     "The language you think in when you are unsure. Notes written in it carry the doubts that "
     "a second language politely leaves out.",
     "sam", "two-languages-one-team", "ana", "mira", true, ""},
    {"learning-in-public", "周五笔记",
     "每周五写给团队的一段简短笔记：这一周学到了什么，哪里卡住了。用自己的第一语言写，"
     "不求完美，只求真实。\n\n*Friday notes*: a short weekly note to the team about what you "
     "learned and where you got stuck.",
     "liwei", "two-languages-one-team", "liwei", "june", true, ""},
    {"learning-in-public", "handover notes",
     "What the tired person leaves for the next shift. The honest ones are written in the "
     "language you are tired in.",
     "june", "two-languages-one-team", "june", "mira", true, ""},
    {"learning-in-public", "one small change",
     "Change one thing per round, not a whole plan per term, so you can tell what worked.", "tomas",
     "what-a-balcony-taught-me-about-feedback-loops", "ana", "mira", true, ""},
    {"learning-in-public", "doubt language",
     "The language in which people share what they are not sure of; often not the one they "
     "present in.",
     "sam", "two-languages-one-team", "sam", NULL, false, ""},
    {"fourth-floor-garden", "batch four",
     "A result that looks like a finding but is one unlucky batch in an unlucky spot. Named "
     "after the radishes by the windy railing.",
     "sam", "the-radish-census", NULL, "tomas", true, ""},
    {"fourth-floor-garden", "law of small numbers",
     "Trusting a pattern in three plants as if it were a pattern in three hundred.", "ana",
     "tomatoes-and-the-law-of-small-numbers", NULL, "tomas", true, ""},
    {"fourth-floor-garden", "tomato", "The red fruit on Anna, Bertil and Cecilia.", "sam", NULL,
     NULL, "tomas", false,
     "A word every gardener already shares; the lexicon keeps what this balcony made its own."},
};

static int64_t first_comment(struct db *db, int64_t episode, int64_t author)
{
        struct db_stmt *s = db_prepare(
            db,
            "SELECT id FROM comment WHERE episode_id = ?1 AND author_id = ?2 ORDER BY id LIMIT 1");
        if (!s)
                return 0;
        db_bind_int(s, 1, episode);
        db_bind_int(s, 2, author);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return id;
}

int demo_seed_lexicon(struct db *db)
{
        struct arena *a = arena_new();
        int rc = 0;
        for (size_t i = 0; i < sizeof(garden_talk) / sizeof(garden_talk[0]) && rc == 0; i++) {
                struct comment_input in = {
                    .episode_id = demo_episode_id(db, a, garden_talk[i].episode),
                    .author_id = demo_member_id(db, a, garden_talk[i].author),
                    .body = garden_talk[i].body,
                };
                int64_t id;
                struct field_problem p = {0};
                if (!in.episode_id || !in.author_id || comment_create(db, &in, &id, &p) != PUB_OK)
                        rc = -1;
        }
        for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]) && rc == 0; i++) {
                struct newsletter n;
                if (newsletter_find_slug(db, a, terms[i].newsletter, &n) != PUB_OK) {
                        rc = -1;
                        break;
                }
                const char *origin = "";
                if (terms[i].origin_episode) {
                        int64_t ep = demo_episode_id(db, a, terms[i].origin_episode);
                        int64_t c = terms[i].origin_author
                                        ? first_comment(
                                              db, ep, demo_member_id(db, a, terms[i].origin_author))
                                        : 0;
                        origin = c ? arena_printf(a, "/n/%s/%s#c-%lld", terms[i].newsletter,
                                                  terms[i].origin_episode, (long long)c)
                                   : arena_printf(a, "/n/%s/%s", terms[i].newsletter,
                                                  terms[i].origin_episode);
                }
                struct term_input in = {
                    .newsletter_id = n.id,
                    .member_id = demo_member_id(db, a, terms[i].proposer),
                    .role = ROLE_READER,
                    .term = terms[i].term,
                    .definition = terms[i].definition,
                    .origin = origin,
                    .site_url = "",
                };
                int64_t id = 0;
                struct field_problem p = {0};
                if (term_propose(db, &in, &id, &p) != PUB_OK) {
                        rc = -1;
                        break;
                }
                if (terms[i].decider && term_decide(db, id, demo_member_id(db, a, terms[i].decider),
                                                    terms[i].approve, terms[i].note, &p) != PUB_OK)
                        rc = -1;
        }
        arena_free(a);
        return rc;
}
