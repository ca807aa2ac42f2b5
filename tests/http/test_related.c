/* The episode page's "Members also read" and community-insights sentences (web/related.c,
 * model/related.c, model/insight_sentence.c): co-reading loaded with `kindred events load` into
 * a site whose demo history was cleared, so every count is known here. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define NL "/n/learning-in-public/"
/* Season 2 of the demo letter: episode 1, A (2), B (3), C (4), one scheduled (5), one draft (6). */
#define S2E1         "what-we-learned-by-stopping"
#define EP_A         "onboarding-is-a-team-sport"
#define EP_B         "what-a-balcony-taught-me-about-feedback-loops"
#define EP_C         "two-languages-one-team"
#define EP_SCHEDULED "demo-days-without-the-theatre"
#define EP_DRAFT     "a-letter-to-next-years-team"
/* Season 1: D (3) and its neighbours. */
#define EP_D "pairing-is-not-two-people-typing"
#define S1E2 "write-it-down-before-you-forget-it"
#define S1E4 "asking-for-help-is-a-skill"

enum { READERS = 60 };
static long long reader_id[READERS + 1]; /* test readers 1..READERS */

/* The id of a demo episode by slug, asked once per slug. */
static struct {
        const char *slug;
        long long id;
} known[16];

static long long episode_id(const char *slug)
{
        size_t i = 0;
        for (; i < sizeof(known) / sizeof(known[0]) && known[i].slug; i++)
                if (strcmp(known[i].slug, slug) == 0)
                        return known[i].id;
        assert_true(i < sizeof(known) / sizeof(known[0]));
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT id FROM episode WHERE slug = '%s'", slug);
        long long id = db_int(sql);
        assert_true(id > 0);
        known[i].slug = slug;
        known[i].id = id;
        return id;
}

/* A demo site without its insights history, and READERS members of our own. */
static int start(void **state)
{
        if (kd_fixture_start(state) != 0)
                return -1;
        db_exec(
            "DELETE FROM event; DELETE FROM insight_day; DELETE FROM insight_visit; "
            "DELETE FROM insight_member_week; DELETE FROM insight_week; "
            "DELETE FROM insight_member; DELETE FROM insight_reader; DELETE FROM insight_pair;");
        /* One transaction: READERS rows with consecutive ids */
        static char sql[READERS * 300 + 64];
        size_t n = (size_t)snprintf(sql, sizeof(sql), "BEGIN;");
        for (int i = 1; i <= READERS; i++)
                n += (size_t)snprintf(
                    sql + n, sizeof(sql) - n,
                    "INSERT INTO member (handle, handle_key, display_name, email, email_key, "
                    "password_hash, created_at, updated_at) VALUES ('co%02d', 'co%02d', 'Co Reader "
                    "%d', 'co%02d@example.org', 'co%02d@example.org', '!', 0, 0);",
                    i, i, i, i, i);
        snprintf(sql + n, sizeof(sql) - n, "COMMIT;");
        db_exec(sql);
        long long first = db_int("SELECT min(id) FROM member WHERE handle LIKE 'co%'");
        assert_int_equal(db_int("SELECT max(id) FROM member WHERE handle LIKE 'co%'"),
                         first + READERS - 1);
        for (int i = 1; i <= READERS; i++)
                reader_id[i] = first + i - 1;
        return kd_restart(&srv, NULL); /* nothing computed before is kept */
}

/* Appends one event line: kind by member (a database id) on an episode, a day ago plus n
 * minutes so lines keep their order. */
static void line(FILE *f, const char *kind, long long member, const char *slug, int n)
{
        fprintf(f, "%lld\t%s\t%lld\t\t\t%lld\t\t\n", (long long)time(NULL) - 86400 + n * 60, kind,
                member, episode_id(slug));
}

/* Loads the lines written by fill() through the CLI, then restarts the server so neither the
 * recommendations' cache nor the guests' page cache hold what was computed before. */
static void load(void (*fill)(FILE *f))
{
        char path[400];
        snprintf(path, sizeof(path), "%s/related-events.tsv", srv.data_dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fill(f);
        fclose(f);
        const char *args[] = {"events", "load", path, NULL};
        assert_int_equal(kd_cli(&srv, NULL, args), 0);
        assert_int_equal(kd_restart(&srv, NULL), 0);
}

/* The "Members also read" section of a page (caller frees), or NULL when there is none. */
static char *related_of(const struct member *m, const char *path)
{
        struct http_resp r;
        get(m, path, &r);
        expect_status(&r, 200, path);
        char *s = slice(r.body, "<section class=\"related\"", "</section>");
        resp_free(&r);
        return s;
}

static char *insights_of(const struct member *m, const char *path, const char *headers)
{
        struct http_resp r;
        if (headers)
                get_with_headers(path, headers, &r);
        else
                get(m, path, &r);
        expect_status(&r, 200, path);
        char *s = slice(r.body, "<aside class=\"community-insights\"", "</aside>");
        resp_free(&r);
        return s;
}

static const char *after(const char *hay, const char *needle)
{
        const char *p = hay ? strstr(hay, needle) : NULL;
        return p;
}

/* ------------------------------------------------------------------ members also read */

/* Readers 1-8 read A and B, 1-5 read C too; 1-10 read the draft and the scheduled episode (as
 * their authors might have shared them); 11-12 read A and D. */
static void coreading(FILE *f)
{
        int n = 0;
        for (int i = 1; i <= 12; i++)
                line(f, "view", reader_id[i], EP_A, n++);
        for (int i = 1; i <= 8; i++)
                line(f, "view", reader_id[i], EP_B, n++);
        for (int i = 1; i <= 5; i++)
                line(f, "seen", reader_id[i], EP_C, n++);
        for (int i = 1; i <= 10; i++) {
                line(f, "view", reader_id[i], EP_DRAFT, n++);
                line(f, "view", reader_id[i], EP_SCHEDULED, n++);
        }
        for (int i = 11; i <= 12; i++)
                line(f, "view", reader_id[i], EP_D, n++);
}

static void sam_read_b(FILE *f)
{
        long long id = db_int("SELECT id FROM member WHERE handle = 'sam'");
        line(f, "view", id, EP_B, 100);
}

static void test_coread_ranks_first_and_never_a_draft_or_itself(void **state)
{
        (void)state;
        load(coreading);
        char *rel = related_of(NULL, NL EP_A);
        if (!rel)
                fail_msg("no \"Members also read\" on A");
        assert_non_null(strstr(rel, "<h2 id=\"related-h\">Members also read</h2>"));
        /* B (8 co-readers) before C (5), both as co-read; then the season's nearest */
        const char *b = after(rel, "href=\"/n/learning-in-public/" EP_B "\"");
        const char *c = after(rel, "href=\"/n/learning-in-public/" EP_C "\"");
        const char *first = after(rel, "href=\"/n/learning-in-public/" S2E1 "\"");
        assert_non_null(b);
        assert_non_null(c);
        assert_non_null(first);
        assert_true(b < c);
        assert_true(c < first);
        assert_int_equal(count(rel, "Members who read this also read"), 2);
        assert_int_equal(count(rel, "More from this season"), 1);
        assert_int_equal(count(rel, "<li class=\"related-card\""), 3);
        /* never the episode itself, never a draft or an episode not yet published */
        assert_null(strstr(rel, EP_A "\""));
        assert_null(strstr(rel, EP_DRAFT));
        assert_null(strstr(rel, EP_SCHEDULED));
        /* D had two co-readers from A: below the minimum, so not a co-read pick */
        assert_null(strstr(rel, EP_D));
        /* a card names its newsletter and place */
        assert_non_null(strstr(rel, "Learning in Public · Season 2 · Episode 3"));
        /* readers never see who read what */
        assert_null(strstr(rel, "co0"));
        assert_null(strstr(rel, "Co Reader"));
        free(rel);

        /* In Chinese */
        struct http_resp r;
        get_with_headers(NL EP_A, "Accept-Language: zh-CN\r\n", &r);
        expect_in(&r, "成员还读了", "the heading in Chinese");
        expect_in(&r, "读过这一期的成员还读了", "the reason in Chinese");
        expect_in(&r, "本季的更多文章", "the fallback's reason in Chinese");
        resp_free(&r);
}

static void test_members_do_not_get_what_they_read(void **state)
{
        (void)state;
        load(coreading);
        load(sam_read_b);
        struct member sam;
        login_as(&sam, "sam", NULL);
        char *rel = related_of(&sam, NL EP_A);
        assert_non_null(rel);
        assert_null(strstr(rel, EP_B "\"")); /* sam read it */
        assert_non_null(strstr(rel, EP_C "\""));
        assert_int_equal(count(rel, "<li class=\"related-card\""), 3);
        free(rel);
        rel = related_of(NULL, NL EP_A); /* a guest still gets B first */
        assert_non_null(rel);
        assert_true(strstr(rel, EP_B "\"") < strstr(rel, EP_C "\""));
        free(rel);
}

static void test_thin_data_falls_back_to_the_season(void **state)
{
        (void)state;
        load(coreading);
        /* D's readers read only A besides: too few to say anything */
        char *rel = related_of(NULL, NL EP_D);
        assert_non_null(rel);
        assert_non_null(strstr(rel, "<h2 id=\"related-h\">Keep reading</h2>"));
        assert_int_equal(count(rel, "Members who read this also read"), 0);
        assert_int_equal(count(rel, "More from this season"), 3);
        /* nearest first, the next before the previous: 4, 2, then 5 */
        const char *e4 = strstr(rel, S1E4 "\""), *e2 = strstr(rel, S1E2 "\"");
        assert_non_null(e4);
        assert_non_null(e2);
        assert_true(e4 < e2);
        assert_null(strstr(rel, EP_D "\""));
        free(rel);
        /* no history at all on a page: the season still offers the next read */
        rel = related_of(NULL, NL S2E1);
        assert_non_null(rel);
        assert_null(strstr(rel, EP_DRAFT));
        assert_null(strstr(rel, EP_SCHEDULED));
        assert_null(strstr(rel, S2E1 "\""));
        free(rel);
}

/* ------------------------------------------------------------------ sentences */

/* 25 read season 2's episode 1; 16 of them came back for B: only 9 did not, a group too small
 * to describe (the sentence would say almost who read B). */
static void came_back_16_of_25(FILE *f)
{
        int n = 0;
        for (int i = 21; i <= 45; i++)
                line(f, "view", reader_id[i], S2E1, n++);
        for (int i = 21; i <= 36; i++)
                line(f, "seen", reader_id[i], EP_B, n++);
}

/* One more reader of episode 1 who did not come back: 16 of 26, 10 did not. */
static void one_more_first_reader(FILE *f)
{
        line(f, "view", reader_id[46], S2E1, 200);
}

/* Nine members read C to the end, then a tenth. */
static void nine_read_c(FILE *f)
{
        for (int i = 50; i <= 58; i++)
                line(f, "read", reader_id[i], EP_C, i);
}

static void tenth_reads_c(FILE *f)
{
        line(f, "read", reader_id[59], EP_C, 300);
}

static void test_came_back_sentence_only_above_the_minimum_group(void **state)
{
        (void)state;
        load(came_back_16_of_25);
        char *ins = insights_of(NULL, NL EP_B, NULL);
        assert_null(ins);
        load(one_more_first_reader);
        ins = insights_of(NULL, NL EP_B, NULL);
        if (!ins)
                fail_msg("no community insights on B with 16 of 26 back");
        /* 16 / 26 = 0.615: 6 in 10 */
        assert_non_null(strstr(ins,
                               "<p class=\"insight-sentence\">6 in 10 readers of episode 1 came "
                               "back for this one.</p>"));
        assert_int_equal(count(ins, "insight-sentence"), 1);
        assert_non_null(strstr(ins, "nothing about fewer than 10 members is shown."));
        free(ins);
        ins = insights_of(NULL, NL EP_B, "Accept-Language: zh-CN\r\n");
        assert_non_null(ins);
        assert_non_null(strstr(ins, "社区洞察"));
        assert_non_null(strstr(ins, "第 1 期的读者中，每 10 人有 6 人回来读了这一期。"));
        free(ins);
        /* episode 1 itself never says it */
        ins = insights_of(NULL, NL S2E1, NULL);
        assert_null(ins);
}

static void test_read_to_end_sentence_at_ten_members(void **state)
{
        (void)state;
        load(nine_read_c);
        char *ins = insights_of(NULL, NL EP_C, NULL);
        assert_null(ins);
        load(tenth_reads_c);
        ins = insights_of(NULL, NL EP_C, NULL);
        if (!ins)
                fail_msg("no community insights on C with ten completions");
        assert_non_null(strstr(
            ins, "<p class=\"insight-sentence\">10 members read this episode to the end.</p>"));
        free(ins);
        ins = insights_of(NULL, NL EP_C, "Accept-Language: zh-CN\r\n");
        assert_non_null(ins);
        assert_non_null(strstr(ins, "10 位成员读完了这一期。"));
        free(ins);
}

/* ------------------------------------------------------------------ the demo */

static void test_demo_episode_shows_both_panels(void **state)
{
        (void)state;
        assert_int_equal(kd_fixture_start(state), 0); /* the demo as made, with its history */
        struct http_resp r;
        get(NULL, NL EP_B, &r);
        expect_status(&r, 200, "the demo episode");
        char *rel = slice(r.body, "<section class=\"related\"", "</section>");
        char *ins = slice(r.body, "<aside class=\"community-insights\"", "</aside>");
        if (!rel || !ins)
                fail_resp(&r, "the demo episode lacks \"members also read\" or the insights");
        assert_non_null(strstr(rel, "Members who read this also read"));
        assert_non_null(strstr(ins, " in 10 readers of episode 1 came back for this one."));
        /* the comments come before both, both before "More from this author" */
        const char *comments = strstr(r.body, "id=\"comments");
        const char *panel = strstr(r.body, "<aside class=\"community-insights\"");
        const char *more = strstr(r.body, "<section class=\"more\"");
        assert_non_null(panel);
        if (comments)
                assert_true(comments < panel);
        if (more)
                assert_true(strstr(r.body, "<section class=\"related\"") < more);
        free(rel);
        free(ins);
        resp_free(&r);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_coread_ranks_first_and_never_a_draft_or_itself),
            T(test_members_do_not_get_what_they_read),
            T(test_thin_data_falls_back_to_the_season),
            T(test_came_back_sentence_only_above_the_minimum_group),
            T(test_read_to_end_sentence_at_ten_members),
            cmocka_unit_test_teardown(test_demo_episode_shows_both_panels, kd_fixture_stop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
