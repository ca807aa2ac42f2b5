/* Every kind of participation item through the shared machinery, on the demo site: a member
 * reports it through the generic route, it reaches the right moderation queue (moderators
 * always; the newsletter's authors for build-ons, asks, terms, "tried this" notes and answers,
 * never for posts in spaces), hiding it from the queue takes it off its page and fixes its
 * count, restoring brings both back, and a reader cannot hide. Build-ons and posts take
 * reactions through the JS-less form with exact counts. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A reader's item of each kind (not ana's: she reports), its text (plain words only, so the
 * page shows it as stored) and the count that includes it. */
struct kind_case {
        const char *target;
        const char *pick;  /* SELECT the id */
        const char *text;  /* SELECT its text, %ld = id */
        const char *count; /* SELECT the count that includes it, %ld = id; NULL for none */
        bool authors_review;
        int hidden_delta; /* what hiding it does to the count */
};

#define READER_NOT_ANA(col)                                                                        \
        col " IN (SELECT id FROM member WHERE role = 'reader' AND handle <> 'ana')"
/* none of [&<>"'*_`@# in the first 32 characters, in SQL both engines take (no GLOB) */
#define NO32(col, c) "substr(" col ", 1, 32) NOT LIKE '%" c "%' ESCAPE '!' AND "
#define PLAIN(col)                                                                                 \
        NO32(col, "[") NO32(col, "&") NO32(col, "<") NO32(col, ">") NO32(col, "\"")               \
        NO32(col, "''") NO32(col, "*") NO32(col, "!_") NO32(col, "`") NO32(col, "@")              \
        NO32(col, "#") "length(" col ") >= 32"

static const struct kind_case cases[] = {
    {"buildon",
     "SELECT id FROM buildon WHERE state = 'visible' AND " READER_NOT_ANA(
         "author_id") " AND " PLAIN("title") " ORDER BY id LIMIT 1",
     "SELECT substr(title, 1, 32) FROM buildon WHERE id = %ld",
     "SELECT buildon_count FROM episode WHERE id = (SELECT episode_id FROM buildon WHERE id = %ld)",
     true, -1},
    {"post",
     "SELECT id FROM space_post WHERE state = 'visible' AND parent_id IS NOT NULL "
     "AND " READER_NOT_ANA("author_id") " AND " PLAIN("body") " ORDER BY id LIMIT 1",
     "SELECT substr(body, 1, 32) FROM space_post WHERE id = %ld",
     "SELECT post_count FROM space_thread WHERE id = (SELECT thread_id FROM space_post WHERE id = "
     "%ld)",
     false, -1},
    {"ask",
     "SELECT id FROM ask WHERE state = 'visible' AND status = 'open' AND " READER_NOT_ANA(
         "author_id") " AND " PLAIN("title") " ORDER BY id LIMIT 1",
     "SELECT substr(title, 1, 32) FROM ask WHERE id = %ld",
     "SELECT ask_open_count FROM newsletter WHERE id = (SELECT newsletter_id FROM ask WHERE id = "
     "%ld)",
     true, -1},
    {"term",
     "SELECT id FROM term WHERE state = 'visible' AND status = 'approved' AND " READER_NOT_ANA(
         "proposer_id") " AND " PLAIN("definition") " ORDER BY id LIMIT 1",
     "SELECT substr(definition, 1, 32) FROM term WHERE id = %ld", NULL, true, 0},
    {"tried", /* its counts count people who tried, a hidden note or not (participation.md) */
     "SELECT id FROM tried WHERE state = 'visible' AND " READER_NOT_ANA("member_id") " AND " PLAIN(
         "note") " ORDER BY id LIMIT 1",
     "SELECT substr(note, 1, 32) FROM tried WHERE id = %ld",
     "SELECT tried_count FROM episode WHERE id = (SELECT episode_id FROM tried WHERE id = %ld)",
     true, 0},
    {"comment", /* an answer to a prompt */
     "SELECT id FROM comment WHERE state = 'visible' AND prompt_id IS NOT NULL AND parent_id IS "
     "NULL AND " READER_NOT_ANA("author_id") " AND " PLAIN("body") " ORDER BY id LIMIT 1",
     "SELECT substr(body, 1, 32) FROM comment WHERE id = %ld",
     "SELECT answer_count FROM prompt WHERE id = (SELECT prompt_id FROM comment WHERE id = %ld)",
     true, -1},
};

static long long sql_int(const char *fmt, long id)
{
        char sql[1024];
        snprintf(sql, sizeof(sql), fmt, id);
        return db_int(sql);
}

/* The start of the item's text, as the page shows it. */
static char *item_text(const struct kind_case *c, long id)
{
        char sql[1024], out[128];
        snprintf(sql, sizeof(sql), c->text, id);
        db_text(sql, out, sizeof(out));
        return strdup(out);
}

static int post_simple(const struct member *m, const char *path, const char *k1, const char *v1,
                       const char *k2, const char *v2)
{
        const char *kv[] = {k1, v1, k2, v2, NULL};
        if (!k2)
                kv[2] = NULL;
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        int status = r.status;
        resp_free(&r);
        return status;
}

/* Whether the open moderation queue m sees has the item; its address in url when it does. */
static bool in_queue(const struct member *m, const char *target, long id, char *url, size_t size)
{
        struct http_resp r;
        get(m, "/moderation", &r);
        expect_status(&r, 200, "the moderation page");
        const char *mid = strstr(r.body, "id=\"resolved-h\"");
        assert_non_null(mid);
        char needle[64];
        snprintf(needle, sizeof(needle), "id=\"r-%s-%ld\"", target, id);
        const char *at = strstr(r.body, needle);
        bool found = at && at < mid;
        if (found && url) {
                char *entry = strndup(at, (size_t)(strstr(at, "</article>") - at));
                /* the link to the item is the one after its author's profile link */
                const char *a = strstr(entry, "class=\"author\"");
                assert_non_null(a);
                assert_true(extract(a, "<a href=\"", "\"", url, size));
                free(entry);
                /* &amp; in an attribute is & in the address */
                char *amp;
                while ((amp = strstr(url, "&amp;")))
                        memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
                char *hash = strchr(url, '#'); /* a fragment stays in the browser */
                if (hash)
                        *hash = '\0';
        }
        resp_free(&r);
        return found;
}

static bool page_shows(const struct member *m, const char *url, const char *text)
{
        struct http_resp r;
        get(m, url, &r);
        bool shows = r.status == 200 && strstr(r.body, text);
        resp_free(&r);
        return shows;
}

static void test_report_queue_hide_restore_every_kind(void **state)
{
        (void)state;
        struct member ana, june, tomas;
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        login_as(&tomas, "tomas", NULL); /* writes both demo newsletters */
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct kind_case *c = &cases[i];
                long id = (long)db_int(c->pick);
                if (id <= 0)
                        fail_msg("the demo has no reader's %s to test", c->target);
                char *text = item_text(c, id);
                char path[128], url[512];
                snprintf(path, sizeof(path), "/report/%s/%ld", c->target, id);
                assert_int_equal(status_of(&ana, path), 200);
                if (post_simple(&ana, path, "reason", "spam", "note", "not about the episode") !=
                    200)
                        fail_msg("reporting a %s", c->target);
                if (!in_queue(&june, c->target, id, url, sizeof(url)))
                        fail_msg("the %s is not in the moderator's queue", c->target);
                if (in_queue(&tomas, c->target, id, NULL, 0) != c->authors_review)
                        fail_msg("the %s %s in the newsletter author's queue", c->target,
                                 c->authors_review ? "is not" : "is");
                if (!page_shows(NULL, url, text) && !page_shows(&ana, url, text))
                        fail_msg("the %s's page (%s) does not show \"%s\"", c->target, url, text);
                long long before = c->count ? sql_int(c->count, id) : 0;

                /* a reader cannot hide it */
                snprintf(path, sizeof(path), "/hide/%s/%ld", c->target, id);
                assert_int_equal(post_simple(&ana, path, "hidden", "1", NULL, NULL), 403);

                /* hidden from the queue */
                snprintf(path, sizeof(path), "/moderation/%s/%ld", c->target, id);
                if (post_simple(&june, path, "action", "hide", NULL, NULL) != 303)
                        fail_msg("hiding the %s from the queue", c->target);
                if (page_shows(&ana, url, text) || page_shows(NULL, url, text))
                        fail_msg("the hidden %s still shows on %s", c->target, url);
                assert_false(in_queue(&june, c->target, id, NULL, 0));
                if (c->count && sql_int(c->count, id) != before + c->hidden_delta)
                        fail_msg("the count of the hidden %s: %lld, not %lld", c->target,
                                 sql_int(c->count, id), before + c->hidden_delta);

                /* restored */
                snprintf(path, sizeof(path), "/hide/%s/%ld", c->target, id);
                if (post_simple(&june, path, "hidden", "0", NULL, NULL) != 303)
                        fail_msg("restoring the %s", c->target);
                if (!page_shows(&ana, url, text))
                        fail_msg("the restored %s is not back on %s", c->target, url);
                if (c->count && sql_int(c->count, id) != before)
                        fail_msg("the count of the restored %s", c->target);
                free(text);
        }
}

/* The API lists leave hidden build-ons and posts out too. */
static void test_hidden_leaves_the_api(void **state)
{
        (void)state;
        struct member june, ana;
        login_as(&june, "june", NULL);
        login_as(&ana, "ana", NULL);
        long b = (long)db_int(cases[0].pick);
        long ep = (long)sql_int("SELECT episode_id FROM buildon WHERE id = %ld", b);
        long p = (long)db_int(cases[1].pick);
        long t = (long)sql_int("SELECT thread_id FROM space_post WHERE id = %ld", p);
        char bpath[96], ppath[96], needle[64];
        snprintf(bpath, sizeof(bpath), "/api/v1/episodes/%ld/buildons", ep);
        snprintf(ppath, sizeof(ppath), "/api/v1/threads/%ld/posts", t);
        char hide[64];
        struct http_resp r;
        for (int hidden = 1; hidden >= 0; hidden--) {
                snprintf(hide, sizeof(hide), "/hide/buildon/%ld", b);
                assert_int_equal(post_simple(&june, hide, "hidden", hidden ? "1" : "0", NULL, NULL),
                                 303);
                snprintf(hide, sizeof(hide), "/hide/post/%ld", p);
                assert_int_equal(post_simple(&june, hide, "hidden", hidden ? "1" : "0", NULL, NULL),
                                 303);
                api(&ana, "GET", bpath, NULL, false, &r);
                expect_status(&r, 200, "the build-ons");
                snprintf(needle, sizeof(needle), "\"id\": %ld,", b);
                bool there = strstr(r.body, needle) != NULL;
                snprintf(needle, sizeof(needle), "\"id\":%ld,", b);
                there = there || strstr(r.body, needle) != NULL;
                assert_true(there == !hidden);
                resp_free(&r);
                api(&ana, "GET", ppath, NULL, false, &r);
                expect_status(&r, 200, "the posts");
                snprintf(needle, sizeof(needle), "\"id\": %ld,", p);
                there = strstr(r.body, needle) != NULL;
                snprintf(needle, sizeof(needle), "\"id\":%ld,", p);
                there = there || strstr(r.body, needle) != NULL;
                assert_true(there == !hidden);
                resp_free(&r);
        }
}

/* Reactions on build-ons and posts: the plain form, exact counts, idempotent, taken back. */
static void test_reactions_on_buildons_and_posts(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        for (int i = 0; i < 2; i++) {
                const struct kind_case *c = &cases[i];
                long id = (long)db_int(c->pick);
                char url[512], idtext[32], sql[256];
                snprintf(idtext, sizeof(idtext), "%ld", id);
                snprintf(sql, sizeof(sql),
                         "SELECT count(*) FROM reaction WHERE target = '%s' AND target_id = %ld "
                         "AND kind = 'curious'",
                         c->target, id);
                long long before = db_int(sql);
                char path[64];
                snprintf(path, sizeof(path), "/report/%s/%ld", c->target, id);
                struct http_resp r;
                get(&ana, path, &r);
                expect_status(&r, 200, "the report form");
                assert_true(
                    extract(r.body, "class=\"breadcrumbs\"><a href=\"", "\"", url, sizeof(url)));
                resp_free(&r);
                char *hash = strchr(url, '#');
                if (hash)
                        *hash = '\0';
                get(&ana, url, &r);
                expect_status(&r, 200, "the item's page");
                char form[128];
                snprintf(form, sizeof(form), "data-target=\"%s\" data-id=\"%ld\"", c->target, id);
                expect_in(&r, form, "the reactions form");
                resp_free(&r);
                const char *on[] = {"target", c->target, "id", idtext, "react", "curious:1", NULL};
                for (int twice = 0; twice < 2; twice++) {
                        post_pairs(&ana, "/react", on, true, &r);
                        expect_status(&r, 303, "reacting without JavaScript");
                        resp_free(&r);
                        assert_int_equal(db_int(sql), before + 1);
                }
                get(NULL, url, &r);
                snprintf(form, sizeof(form), "/reactions?target=%s&amp;id=%ld", c->target, id);
                expect_in(&r, form, "guests see the counts and who reacted");
                resp_free(&r);
                const char *off[] = {"target", c->target, "id", idtext, "react", "curious:0", NULL};
                post_pairs(&ana, "/react", off, true, &r);
                expect_status(&r, 303, "taking it back");
                resp_free(&r);
                assert_int_equal(db_int(sql), before);
                /* without the token, nothing */
                post_pairs(&ana, "/react", on, false, &r);
                expect_status(&r, 403, "no CSRF token");
                resp_free(&r);
                assert_int_equal(db_int(sql), before);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_report_queue_hide_restore_every_kind),
            cmocka_unit_test(test_hidden_leaves_the_api),
            cmocka_unit_test(test_reactions_on_buildons_and_posts),
        };
        return cmocka_run_group_tests(tests, kd_fixture_start, kd_fixture_stop);
}
