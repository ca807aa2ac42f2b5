/* Demo content: a small cast of members with different roles, and two newsletters written for
 * Kindred (demo/content, embedded at build time). */
#include "model/ask.h"
#include "model/demo.h"
#include "db/db.h"
#include "core/buf.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/timeutil.h"
#include "model/demo_files.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/notification.h"
#include "model/reaction.h"
#include "model/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct demo_member {
        const char *handle, *name, *headline, *bio, *email;
        enum role role;
        const char *language; /* the interface language chosen, NULL: none (the browser's) */
};

static const struct demo_member cast[] = {
    {"admin", "Site Admin", "Keeps the lights on", "", "admin@kindred.test", ROLE_ADMIN},
    {"mira", "Mira Okafor", "Writes about how small teams learn in public",
     "Former field engineer. I write a weekly letter on the habits that make small teams get "
     "better together, one season at a time.",
     "mira@kindred.test", ROLE_AUTHOR},
    {"tomas", "Tomás Lindqvist", "Urban gardener, reluctant statistician",
     "I grow vegetables on a fourth-floor balcony and count everything that happens there.",
     "tomas@kindred.test", ROLE_AUTHOR},
    {"june", "June Park", "Community moderator and night-shift nurse",
     "I keep the conversation kind. Ask me about sleep schedules.", "june@kindred.test",
     ROLE_MODERATOR},
    {"sam", "Sam Reyes", "Product designer in Lisbon", "", "sam@kindred.test", ROLE_READER},
    /* Li Wei reads in Chinese, so what Li Wei writes is marked zh-CN. */
    {"liwei", "李伟", "在上海做数据工程，业余写诗", "", "liwei@kindred.test", ROLE_READER, "zh-CN"},
    {"ana", "Ana Beatriz Costa", "Teacher, tries every idea in class the next morning", "",
     "ana@kindred.test", ROLE_READER},
};

static int read_embedded(void *ctx, const char *name, struct buf *out)
{
        (void)ctx;
        for (size_t i = 0; i < demo_files_count; i++) {
                if (strcmp(demo_files[i].name, name) == 0) {
                        buf_append(out, demo_files[i].data, demo_files[i].len);
                        return 0;
                }
        }
        return -1;
}

/* Imports the embedded Markdown files (already sorted by name), inside the caller's
 * transaction. */
static int import_content(struct db *db, const char *data_dir, struct import_report *report)
{
        struct import_file *files = xmalloc((demo_files_count + 1) * sizeof(*files));
        size_t n = 0;
        for (size_t i = 0; i < demo_files_count; i++) {
                size_t len = strlen(demo_files[i].name);
                if (len > 3 && strcmp(demo_files[i].name + len - 3, ".md") == 0)
                        files[n++] = (struct import_file){demo_files[i].name,
                                                          (const char *)demo_files[i].data,
                                                          demo_files[i].len};
        }
        int rc = import_markdown_files(db, data_dir, files, n, read_embedded, NULL, 1, report);
        free(files);
        return rc;
}

/* A conversation written for the demo, so a newcomer finds a community already talking: quotes,
 * replies between members, the author joining in, reactions of several kinds. Each comment
 * names its episode, who wrote it, the comment it answers (its index here, or -1), and an
 * optional quoted passage (which must be in the episode's text). */
static const struct demo_comment {
        const char *episode, *author;
        int reply_to;
        const char *quote, *body;
} talk[] = {
    {"two-languages-one-team", "liwei", -1, "不求完美，只求真实",
     "对我来说，这一句就是全部的方法。我们数据组读完这篇以后开始写周五笔记，第一周的笔记是我们"
     "这一年里写过的最坦诚的东西。"},
    {"two-languages-one-team", "ana", 0, NULL,
     "@liwei did people write in their first language from the start, or did it take a while "
     "before anyone dared?"},
    {"two-languages-one-team", "liwei", 1, NULL,
     "用了三个星期。有一个人先开了头，甚至用的是上海话的俚语；从那以后，再没有人担心自己写得"
     "不够漂亮。"},
    {"two-languages-one-team", "mira", 2, NULL,
     "That matches what I saw in Chengdu: one brave first note changes what everyone else thinks "
     "is allowed. Thank you both for carrying it further."},
    {"two-languages-one-team", "sam", -1,
     "People share their certainties in a second language. They share their doubts in their "
     "first.",
     "I work in Portuguese and English every day and had never put it this way. I am going to "
     "bring this to our design critique on Thursday."},
    {"two-languages-one-team", "june", 4, NULL,
     "Same on night shifts, by the way: handover notes in the language you are tired in are the "
     "honest ones."},
    {"what-a-balcony-taught-me-about-feedback-loops", "ana", -1, "I made the loops shorter.",
     "I tried this with my class last week: one small change per lesson instead of a new plan "
     "per term. Two lessons in, I already know which warm-up works."},
    {"what-a-balcony-taught-me-about-feedback-loops", "tomas", 6, NULL,
     "Two lessons in is a better sample than my first summer! Please report back after ten."},
    {"what-a-balcony-taught-me-about-feedback-loops", "sam", -1, NULL,
     "The notebook that smells of tomato leaves is my favourite detail of the season."},
};

static const struct demo_reaction {
        int comment; /* index in talk, or -1 for the episode itself */
        const char *episode, *who, *kind;
} nods[] = {
    {0, NULL, "sam", "insightful"},
    {0, NULL, "ana", "love"},
    {0, NULL, "mira", "agree"},
    {3, NULL, "liwei", "celebrate"},
    {4, NULL, "liwei", "agree"},
    {4, NULL, "mira", "love"},
    {4, NULL, "june", "insightful"},
    {6, NULL, "tomas", "celebrate"},
    {6, NULL, "sam", "curious"},
    {-1, "two-languages-one-team", "sam", "like"},
    {-1, "two-languages-one-team", "ana", "insightful"},
    {-1, "two-languages-one-team", "liwei", "love"},
    {-1, "what-a-balcony-taught-me-about-feedback-loops", "ana", "curious"},
};

int64_t demo_member_id(struct db *db, struct arena *a, const char *handle)
{
        struct member m;
        return member_find_handle(db, a, handle, &m) == MEMBER_OK ? m.id : 0;
}

int64_t demo_episode_id(struct db *db, struct arena *a, const char *slug)
{
        struct db_stmt *s = db_prepare(db, "SELECT id FROM episode WHERE slug = ?1");
        if (!s)
                return 0;
        db_bind_text(s, 1, slug);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        (void)a;
        return id;
}

/* Adds the demo conversation and follows, inside the caller's transaction. Comments are spread
 * over the last two days so their times read naturally. */
static int seed_conversation(struct db *db)
{
        struct arena *a = arena_new();
        int64_t ids[sizeof(talk) / sizeof(talk[0])];
        int rc = 0;
        for (size_t i = 0; i < sizeof(talk) / sizeof(talk[0]) && rc == 0; i++) {
                const struct demo_comment *t = &talk[i];
                struct comment_input in = {
                    .episode_id = demo_episode_id(db, a, t->episode),
                    .parent_id = t->reply_to >= 0 ? ids[t->reply_to] : 0,
                    .author_id = demo_member_id(db, a, t->author),
                    .body = t->body,
                    .quote_exact = t->quote,
                };
                struct field_problem p = {0};
                if (!in.episode_id || !in.author_id ||
                    comment_create(db, &in, &ids[i], &p) != PUB_OK) {
                        rc = -1;
                        break;
                }
                struct db_stmt *s = db_prepare(db, "UPDATE comment SET created_at = ?2, "
                                                   "updated_at = ?2 WHERE id = ?1");
                if (s) {
                        db_bind_int(s, 1, ids[i]);
                        db_bind_int(s, 2, time_now() - 2 * 86400 + (int64_t)i * 3 * 3600);
                        db_step(s);
                        db_finish(s);
                }
        }
        for (size_t i = 0; i < sizeof(nods) / sizeof(nods[0]) && rc == 0; i++) {
                const struct demo_reaction *r = &nods[i];
                enum reaction_kind kind;
                reaction_kind_parse(r->kind, &kind);
                int64_t who = demo_member_id(db, a, r->who);
                if (r->comment >= 0) {
                        rc = reaction_set(db, who, TARGET_COMMENT, ids[r->comment], kind, true,
                                          NULL);
                } else
                        rc = reaction_set(db, who, TARGET_EPISODE,
                                          demo_episode_id(db, a, r->episode), kind, true, NULL);
        }
        static const char *const followers[] = {"sam", "ana", "liwei", "june"};
        for (size_t i = 0; i < sizeof(followers) / sizeof(followers[0]) && rc == 0; i++) {
                struct newsletter n;
                if (newsletter_find_slug(db, a, "learning-in-public", &n) != PUB_OK)
                        rc = -1;
                else
                        rc = newsletter_set_following(db, demo_member_id(db, a, followers[i]), n.id,
                                                      true);
        }
        arena_free(a);
        return rc;
}

int demo_seed_identity(struct db *db);
int demo_seed_insights(struct db *db); /* demo_insights.c */
int demo_seed_avatars(struct db *db, const char *data_dir); /* demo_avatars.c */

int demo_seed(struct db *db, const char *data_dir, struct import_report *report)
{
        int64_t existing = member_count(db);
        if (existing < 0)
                return DB_ERROR;
        if (existing > 0)
                return 0;
        if (db_begin(db) != DB_OK)
                return DB_ERROR;
        int added = 0;
        for (size_t i = 0; i < sizeof(cast) / sizeof(cast[0]); i++) {
                const struct demo_member *d = &cast[i];
                struct member_input in = {d->handle, d->name,  d->headline,
                                          d->bio,    d->email, DEMO_PASSWORD};
                struct member_problem p = {0};
                int64_t id;
                if (member_create(db, &in, d->role, &id, &p) != MEMBER_OK ||
                    (d->language && member_set_language(db, id, d->language) != MEMBER_OK)) {
                        db_rollback(db);
                        return DB_ERROR;
                }
                added++;
        }
        if (import_content(db, data_dir, report) != 0) {
                db_rollback(db);
                return DB_ERROR;
        }
        if (demo_seed_avatars(db, data_dir) != 0) {
                snprintf(report->error, sizeof(report->error), "the demo avatars failed");
                db_rollback(db);
                return DB_ERROR;
        }
        if (seed_conversation(db) != 0) {
                snprintf(report->error, sizeof(report->error), "the demo conversation failed");
                db_rollback(db);
                return DB_ERROR;
        }
        /* Each participation feature seeds its part of the living community (demo_*.c). */
        static const struct {
                const char *what;
                int (*seed)(struct db *);
        } parts[] = {
            {"asks", demo_seed_asks},
            {"lexicon", demo_seed_lexicon},
            {"questions and tries", demo_seed_prompts},
            {"spaces", demo_seed_spaces},
            {"build-ons", demo_seed_buildons},
            {"email subscriptions", demo_seed_subscriptions},
            {"identity", demo_seed_identity}, /* last: badges from everything above */
            {"notification mail choices", demo_seed_notify},
            {"insights history", demo_seed_insights}, /* after all: events of what they made */
            {"notification kinds", demo_seed_notify_kinds}, /* an insights reader's choice */
        };
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
                if (parts[i].seed && parts[i].seed(db) != 0) {
                        snprintf(report->error, sizeof(report->error), "the demo %s failed",
                                 parts[i].what);
                        db_rollback(db);
                        return DB_ERROR;
                }
        }
        if (db_commit(db) != DB_OK) {
                db_rollback(db);
                return DB_ERROR;
        }
        return added;
}
