/* Black-box tests of the outbox for admins (docs/mail.md): /admin/mail and its JSON twin
 * /api/v1/admin/mail — admins only, what a queued message shows (recipient, subject, state,
 * tries, next try), the state filter and its refusals, and the node's sending status. The
 * sending itself is tested against a real SMTP server by tests/mail/. */
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

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static void only_admins_see_the_outbox(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/admin/mail", &r);
        expect_status(&r, 303, "a guest is sent to log in");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/login?next=%2Fadmin%2Fmail");
        resp_free(&r);
        struct member author;
        login_as(&author, "mira", NULL);
        assert_int_equal(status_of(&author, "/admin/mail"), 403);
        api(&author, "GET", "/api/v1/admin/mail", NULL, false, &r);
        expect_api_error(&r, 403, "", "an author asks for the outbox");
        resp_free(&r);
        struct member admin;
        login_as(&admin, "admin", NULL);
        get(&admin, "/", &r);
        expect_in(&r, "href=\"/admin/mail\"", "the admin's menu links the outbox");
        resp_free(&r);
        get(&author, "/", &r);
        expect_not_in(&r, "href=\"/admin/mail\"", "an author's menu does not");
        resp_free(&r);
}

static void a_queued_message_is_listed(void **state)
{
        (void)state;
        struct member admin;
        login_as(&admin, "admin", NULL);
        struct http_resp r;
        /* an empty outbox on a node without KINDRED_SMTP_URL */
        get(&admin, "/admin/mail", &r);
        expect_status(&r, 200, "the empty outbox");
        expect_in(&r, "KINDRED_SMTP_URL is not set", "the page says this node does not send");
        expect_in(&r, "No messages here.", "the page says the outbox is empty");
        resp_free(&r);
        api(&admin, "GET", "/api/v1/admin/mail", NULL, false, &r);
        expect_status(&r, 200, "the empty outbox as JSON");
        json_t *j = json_of(&r);
        assert_true(json_is_false(json_object_get(j, "sending")));
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(j, "counts"), "queued")), 0);
        assert_int_equal(json_array_size(json_object_get(j, "messages")), 0);
        json_decref(j);
        resp_free(&r);

        const char *queue[] = {"mail", "test", "reader@example.net", NULL};
        assert_int_equal(kd_cli(&srv, NULL, queue), 0);
        const char *bad[] = {"mail", "test", "not an address", NULL};
        assert_int_equal(kd_cli(&srv, NULL, bad), 1);

        get(&admin, "/admin/mail", &r);
        expect_status(&r, 200, "the outbox with one message");
        expect_in(&r, "reader@example.net", "the recipient");
        expect_in(&r, "Test message from Kindred", "the subject");
        expect_in(&r, "Queued (1)", "the count of queued messages");
        expect_not_in(&r, "No messages here.", "a message is there");
        resp_free(&r);
        api(&admin, "GET", "/api/v1/admin/mail?state=queued", NULL, false, &r);
        expect_status(&r, 200, "queued messages as JSON");
        j = json_of(&r);
        json_t *counts = json_object_get(j, "counts");
        assert_int_equal(json_integer_value(json_object_get(counts, "queued")), 1);
        assert_int_equal(json_integer_value(json_object_get(counts, "sent")), 0);
        json_t *list = json_object_get(j, "messages");
        assert_int_equal(json_array_size(list), 1);
        json_t *m = json_array_get(list, 0);
        assert_string_equal(jstr(m, "state"), "queued");
        assert_string_equal(jstr(m, "purpose"), "test");
        assert_string_equal(jstr(m, "recipient"), "reader@example.net");
        assert_string_equal(jstr(m, "subject"), "Test message from Kindred");
        assert_non_null(strchr(jstr(m, "message_id"), '@'));
        assert_int_equal(json_integer_value(json_object_get(m, "attempts")), 0);
        assert_true(json_is_null(json_object_get(m, "last_answer")));
        assert_true(json_is_null(json_object_get(m, "finished_at")));
        assert_true(json_is_string(json_object_get(m, "next_try")));
        assert_true(json_is_string(json_object_get(m, "created_at")));
        json_decref(j);
        resp_free(&r);
        /* the filter: nothing sent yet; a state that does not exist and a limit out of range
         * are refused */
        api(&admin, "GET", "/api/v1/admin/mail?state=sent", NULL, false, &r);
        j = json_of(&r);
        assert_int_equal(json_array_size(json_object_get(j, "messages")), 0);
        json_decref(j);
        resp_free(&r);
        api(&admin, "GET", "/api/v1/admin/mail?state=bounced", NULL, false, &r);
        expect_api_error(&r, 400, "queued, sent or failed", "an unknown state");
        resp_free(&r);
        api(&admin, "GET", "/api/v1/admin/mail?limit=0", NULL, false, &r);
        expect_api_error(&r, 400, "limit", "a limit of 0");
        resp_free(&r);
        assert_int_equal(status_of(&admin, "/admin/mail?state=bounced"), 400);
        get(&admin, "/admin/mail?state=sent", &r);
        expect_status(&r, 200, "the sent filter");
        expect_not_in(&r, "reader@example.net", "a queued message among the sent");
        expect_in(&r, "No messages here.", "no sent message");
        resp_free(&r);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(only_admins_see_the_outbox),
            T(a_queued_message_is_listed),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("mail admin", tests, NULL, NULL);
}
