/* Black-box tests of what a profile shows of a member's conversation (issue 15, "Faces and
 * identity"): the comments they wrote, newest first and paged, and the newsletters they follow,
 * as a new member builds them from the welcome page and the comment form; their @mentions link
 * to profiles; hidden and deleted comments leave the list. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL      "learning-in-public"
#define EP_PATH "/n/" NL "/two-languages-one-team"

/* One page of a profile's list (KD_PROFILE_LIST_PAGE). */
enum { PAGE = 20, WRITTEN = PAGE + 3 };

static int start(void **state)
{
        (void)state;
        /* the member writes more comments than the per-minute limit allows */
        const char *env[] = {"KINDRED_WRITE_LIMITS=false", NULL};
        return kd_start(&srv, env);
}

static void a_profile_pages_the_comments_and_lists_the_follows(void **state)
{
        (void)state;
        struct member m;
        signup_as(&m, "talker");
        struct http_resp r;
        get(NULL, "/@talker", &r);
        expect_status(&r, 200, "a new member's profile");
        expect_not_in(&r, "Newsletters followed", "follows nothing yet");
        resp_free(&r);

        /* follow one newsletter from the welcome page */
        char id[24], q[128];
        snprintf(q, sizeof(q), "SELECT id FROM newsletter WHERE slug = '%s'", NL);
        snprintf(id, sizeof(id), "%lld", db_int(q));
        get(&m, "/welcome", &r);
        char shown[64];
        snprintf(shown, sizeof(shown), "value=\"%s\"", id);
        expect_in(&r, shown, "the newsletter is offered");
        const char *field = strstr(r.body, shown);
        /* the shown_I field just before the value names the index */
        const char *name = field;
        while (name > r.body && strncmp(name, "name=\"shown_", 12) != 0)
                name--;
        int index = atoi(name + 12);
        resp_free(&r);
        char follow_key[16], shown_key[16];
        snprintf(follow_key, sizeof(follow_key), "follow_%d", index);
        snprintf(shown_key, sizeof(shown_key), "shown_%d", index);
        const char *kv[] = {shown_key, id, follow_key, id, "headline", "Asks too many questions",
                            NULL};
        post_pairs(&m, "/welcome", kv, true, &r);
        expect_status(&r, 303, "saved");
        resp_free(&r);

        long ids[WRITTEN];
        for (int i = 0; i < WRITTEN; i++) {
                char body[96];
                snprintf(body, sizeof(body), "Comment number %02d from the talker.", i + 1);
                ids[i] = post_comment(&m, EP_PATH, body, 0);
        }

        get(NULL, "/@talker", &r);
        expect_status(&r, 200, "the profile");
        expect_in(&r, "Asks too many questions", "the headline from the welcome page");
        char *follows = slice(r.body, "<section class=\"follows\"", "</section>");
        if (!follows)
                fail_resp(&r, "the newsletters followed");
        assert_non_null(strstr(follows, "Learning in Public"));
        free(follows);
        char want[160];
        snprintf(want, sizeof(want), "<strong class=\"stat-n\">%d</strong> comments", WRITTEN);
        expect_in(&r, want, "the count of comments");
        expect_in(&r, "href=\"/@talker/comments\"", "a link to all of them");
        expect_in(&r, "Comment number 23", "the newest in the recent activity");
        resp_free(&r);

        /* the list: newest first, a page at a time */
        get(NULL, "/@talker/comments", &r);
        expect_status(&r, 200, "the comments list");
        assert_int_equal(count(r.body, "class=\"activity-item activity-comments\""), PAGE);
        expect_in(&r, "Comment number 23", "the newest on the first page");
        expect_not_in(&r, "Comment number 03", "the oldest are on the next page");
        snprintf(want, sizeof(want), EP_PATH "#c-%ld", ids[WRITTEN - 1]);
        expect_in(&r, want, "each links to the comment");
        char next[256];
        if (!extract(r.body, "<a rel=\"next\" href=\"", "\"", next, sizeof(next)))
                fail_resp(&r, "no link to the next page");
        resp_free(&r);
        /* &amp; in the attribute is & in the address */
        char path[256];
        size_t o = 0;
        for (const char *p = next; *p && o + 1 < sizeof(path); p++) {
                if (strncmp(p, "&amp;", 5) == 0) {
                        path[o++] = '&';
                        p += 4;
                } else {
                        path[o++] = *p;
                }
        }
        path[o] = '\0';
        get(NULL, path, &r);
        expect_status(&r, 200, "the second page");
        assert_int_equal(count(r.body, "class=\"activity-item activity-comments\""),
                         WRITTEN - PAGE);
        expect_in(&r, "Comment number 01", "the oldest");
        expect_not_in(&r, "Comment number 04", "nothing twice");
        expect_not_in(&r, "rel=\"next\"", "the last page");
        resp_free(&r);

        /* a deleted comment leaves the list and the count */
        char del[64];
        snprintf(del, sizeof(del), "/comments/%ld/delete", ids[WRITTEN - 1]);
        const char *yes[] = {"confirmed", "1", NULL};
        post_pairs(&m, del, yes, true, &r);
        expect_status(&r, 303, "deleted");
        resp_free(&r);
        get(NULL, "/@talker", &r);
        snprintf(want, sizeof(want), "<strong class=\"stat-n\">%d</strong> comments", WRITTEN - 1);
        expect_in(&r, want, "one fewer");
        expect_not_in(&r, "Comment number 23", "the deleted one is gone");
        resp_free(&r);
}

static void mentions_lead_to_the_profile_they_name(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        long id = post_comment(&ana, EP_PATH,
                               "I agree with @Talker here, and @nobody_by_that_name too.", 0);
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        char want[96];
        snprintf(want, sizeof(want), "id=\"c-%ld\"", id);
        char *art = slice(r.body, want, "</article>");
        if (!art)
                fail_resp(&r, "the comment");
        resp_free(&r);
        assert_non_null(strstr(art, "<a class=\"mention\" href=\"/@talker\">@Talker</a>"));
        /* syntax decides the link; a handle nobody has answers 404 */
        assert_non_null(strstr(art, "href=\"/@nobody_by_that_name\""));
        free(art);
        assert_int_equal(status_of(NULL, "/@talker"), 200);
        assert_int_equal(status_of(NULL, "/@nobody_by_that_name"), 404);
        /* the member mentioned was told, with a link through their notifications */
        assert_true(db_int("SELECT count(*) FROM notification n JOIN member m ON m.id = "
                           "n.member_id WHERE m.handle = 'talker' AND n.kind = 'mention'") >= 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(a_profile_pages_the_comments_and_lists_the_follows),
            cmocka_unit_test(mentions_lead_to_the_profile_they_name),
        };
        return cmocka_run_group_tests_name("profile conversation", tests, start, kd_fixture_stop);
}
