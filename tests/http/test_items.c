/* Black-box tests of the shared machinery over member-written items (model/item.h): the
 * comments API's edit and delete beside the pages' (one write path), reports and the moderation
 * queue over item kinds, hiding and restoring through /hide/$target/#id and the API, reactions
 * on any reactable kind, and the notifications page over the participation kinds. Every test
 * gets a fresh demo site. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL          "learning-in-public"
#define EP_PATH     "/n/" NL "/two-languages-one-team"
#define RADISH_PATH "/n/fourth-floor-garden/the-radish-census"

/* ---------------------------------------------------------------- helpers */

/* Posts a comment through the API as m on the episode at ep_path; returns its id. */
static long api_comment(const struct member *m, const char *ep_path, const char *body)
{
        char path[96], json[2048];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", episode_id_as(m, ep_path));
        json_t *o = json_pack("{s:s}", "body", body);
        char *text = json_dumps(o, JSON_COMPACT);
        snprintf(json, sizeof(json), "%s", text);
        free(text);
        json_decref(o);
        struct http_resp r;
        api(m, "POST", path, json, true, &r);
        expect_status(&r, 201, "an API comment");
        json_t *c = json_of(&r);
        resp_free(&r);
        long id = (long)json_integer_value(json_object_get(c, "id"));
        json_decref(c);
        assert_true(id > 0);
        return id;
}

/* PATCHes /api/v1/comments/id with body as m (with or without the token). */
static void api_edit(const struct member *m, long id, const char *body, bool csrf,
                     struct http_resp *r)
{
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/comments/%ld", id);
        json_t *o = json_pack("{s:s}", "body", body);
        char *text = json_dumps(o, JSON_COMPACT);
        api(m, "PATCH", path, text, csrf, r);
        free(text);
        json_decref(o);
}

/* ---------------------------------------------------------------- comments: one write path */

static void test_api_edits_and_deletes_own_comments_only(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long id = api_comment(&sam, EP_PATH, "A first draft of a thought");

        /* the author edits: 200 with the comment as it is now */
        struct http_resp r;
        api_edit(&sam, id, "A *better* thought", true, &r);
        expect_status(&r, 200, "editing one's own comment through the API");
        json_t *c = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(c, "id")), id);
        assert_string_equal(jstr(c, "body"), "A *better* thought");
        assert_non_null(strstr(jstr(c, "body_html"), "<em>better</em>"));
        assert_true(json_is_string(json_object_get(c, "edited_at")));
        json_decref(c);
        /* the page shows the edit */
        get(NULL, EP_PATH, &r);
        expect_in(&r, "A <em>better</em> thought", "the edited comment on the page");
        resp_free(&r);

        /* someone else may not; a guest is asked to log in; no token, no edit */
        api_edit(&ana, id, "Hijacked", true, &r);
        expect_api_error(&r, 403, NULL, "editing someone else's comment");
        resp_free(&r);
        api_edit(NULL, id, "Hijacked", false, &r);
        expect_api_error(&r, 401, NULL, "a guest editing");
        resp_free(&r);
        api_edit(&sam, id, "Without a token", false, &r);
        expect_api_error(&r, 403, NULL, "an edit without the CSRF token");
        resp_free(&r);

        /* invalid input: 422 naming the field, nothing saved */
        api_edit(&sam, id, "   ", true, &r);
        expect_api_error(&r, 422, "body", "an empty edit");
        resp_free(&r);
        char *huge = malloc(30001);
        memset(huge, 'x', 30000);
        huge[30000] = '\0';
        api_edit(&sam, id, huge, true, &r);
        free(huge);
        expect_api_error(&r, 422, "body", "an over-long edit");
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_in(&r, "A <em>better</em> thought", "the comment after refused edits");
        expect_not_in(&r, "Hijacked", "a refused edit");
        resp_free(&r);

        /* no such comment */
        api_edit(&sam, 999999, "Nothing there", true, &r);
        expect_api_error(&r, 404, NULL, "editing a missing comment");
        resp_free(&r);

        /* delete: others may not, the author may; afterwards it is gone for edits too */
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/comments/%ld", id);
        api(&ana, "DELETE", path, NULL, true, &r);
        expect_api_error(&r, 403, NULL, "deleting someone else's comment");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, false, &r);
        expect_api_error(&r, 403, NULL, "a delete without the CSRF token");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, true, &r);
        expect_status(&r, 200, "deleting one's own comment through the API");
        c = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(c, "state"), "deleted");
        assert_null(json_object_get(c, "body"));
        json_decref(c);
        get(NULL, EP_PATH, &r);
        expect_not_in(&r, "A <em>better</em> thought", "a deleted comment");
        resp_free(&r);
        api_edit(&sam, id, "Back from the dead", true, &r);
        expect_api_error(&r, 404, NULL, "editing a deleted comment");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, true, &r);
        expect_api_error(&r, 404, NULL, "deleting twice");
        resp_free(&r);
}

/* The page and the API change the same comment through the same path: an edit on one shows on
 * the other, and edits count against one limit. */
static void test_pages_and_api_share_the_edit_limit(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long id = api_comment(&sam, EP_PATH, "Counting edits");
        char path[64], text[64];
        snprintf(path, sizeof(path), "/comments/%ld/edit", id);
        struct http_resp r;
        int i = 0, last = 0;
        /* alternate between the form and the API until the limit answers */
        for (; i < 40; i++) {
                snprintf(text, sizeof(text), "Edit number %d", i);
                if (i % 2) {
                        const char *kv[] = {"body", text, NULL};
                        post_pairs(&sam, path, kv, true, &r);
                } else {
                        api_edit(&sam, id, text, true, &r);
                }
                last = r.status;
                resp_free(&r);
                if (last == 429)
                        break;
                assert_true(last == 303 || last == 200);
        }
        assert_int_equal(last, 429);
        assert_int_equal(i, 30); /* KD_EDITS_PER_MEMBER_PER_MINUTE, by either way */
        api_edit(&sam, id, "One more", true, &r);
        expect_api_error(&r, 429, NULL, "the API after the limit");
        char retry[16];
        header(&r, "Retry-After", retry, sizeof(retry));
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_in(&r, "Edit number 29", "the last edit that passed");
        resp_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_api_edits_and_deletes_own_comments_only,
                                            kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_pages_and_api_share_the_edit_limit,
                                            kd_fixture_start, kd_fixture_stop),
        };
        return cmocka_run_group_tests_name("items", tests, NULL, NULL);
}
