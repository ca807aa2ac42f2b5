/* Black-box tests of the notification mail setting (docs/mail.md, "Notification mail"): the
 * settings page and its form (CSRF-checked, no JavaScript), the JSON API, and the one-click stop
 * linked from every notification mail — a page that changes nothing on GET, a bare POST that
 * stops (RFC 8058), the page's form that picks another frequency, and signatures that do not
 * hold. The mail itself comes from `kindred mail digests TIME` on the demo site; its delivery
 * to a real SMTP server is tests/mail/test_notify.py's. */
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
#include <time.h>

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static const char *choice_of(const char *handle)
{
        static char out[32];
        char q[160];
        snprintf(q, sizeof(q), "SELECT notify_mail FROM member WHERE handle = '%s'", handle);
        db_text(q, out, sizeof(out));
        return out;
}

static void the_settings_form_saves_a_choice(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/settings/notification-mail", &r);
        expect_status(&r, 303, "a guest is sent to log in");
        resp_free(&r);

        struct member sam;
        login_as(&sam, "sam", NULL);
        get(&sam, "/settings", &r);
        expect_in(&r, "href=\"/settings/notification-mail\"", "settings link the page");
        expect_in(&r, "A weekly digest, on Monday mornings", "and say the current choice");
        resp_free(&r);
        get(&sam, "/settings/notification-mail", &r);
        expect_status(&r, 200, "the page");
        expect_in(&r, "value=\"weekly\" checked", "the demo's default for sam is weekly");
        expect_in(&r, "Reactions and badges stay on the site", "what is mailed is said");
        resp_free(&r);

        /* without the token: refused, nothing saved */
        const char *daily[] = {"choice", "daily", NULL};
        post_pairs(&sam, "/settings/notification-mail", daily, false, &r);
        expect_status(&r, 403, "no CSRF token");
        resp_free(&r);
        assert_string_equal(choice_of("sam"), "weekly");

        post_pairs(&sam, "/settings/notification-mail", daily, true, &r);
        expect_status(&r, 303, "saved");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/settings/notification-mail?saved=1");
        resp_free(&r);
        assert_string_equal(choice_of("sam"), "daily");
        get(&sam, "/settings/notification-mail?saved=1", &r);
        expect_in(&r, "Your notification mail setting is saved.", "the notice");
        expect_in(&r, "value=\"daily\" checked", "daily is checked");
        expect_in(&r, "Your next digest is due on ", "the next digest's day");
        expect_in(&r, " at 08:00 UTC, if there is anything new.", "the next digest's time");
        resp_free(&r);

        const char *bogus[] = {"choice", "hourly", NULL};
        post_pairs(&sam, "/settings/notification-mail", bogus, true, &r);
        expect_status(&r, 422, "an unknown choice");
        resp_free(&r);
        const char *none[] = {"choice", "none", NULL};
        post_pairs(&sam, "/settings/notification-mail", none, true, &r);
        expect_status(&r, 303, "none saved");
        resp_free(&r);
        assert_string_equal(choice_of("sam"), "none");
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle = 'sam' AND "
                                "notify_digest_due IS NULL"),
                         1);
}

static void the_api_reads_and_writes_the_choice(void **state)
{
        (void)state;
        struct http_resp r;
        api(NULL, "GET", "/api/v1/me/mail-preferences", NULL, false, &r);
        expect_status(&r, 401, "a guest");
        resp_free(&r);
        struct member ana;
        login_as(&ana, "ana", NULL);
        api(&ana, "GET", "/api/v1/me/mail-preferences", NULL, false, &r);
        expect_status(&r, 200, "ana's");
        json_t *j = json_of(&r);
        assert_string_equal(jstr(j, "notification_mail"), "immediate"); /* the demo's */
        assert_true(json_is_null(json_object_get(j, "next_digest_at")));
        assert_int_equal(json_array_size(json_object_get(j, "choices")), 4);
        json_decref(j);
        resp_free(&r);

        api(&ana, "PUT", "/api/v1/me/mail-preferences", "{\"notification_mail\": \"weekly\"}",
            false, &r);
        expect_status(&r, 403, "no CSRF header");
        resp_free(&r);
        api(&ana, "PUT", "/api/v1/me/mail-preferences", "{\"notification_mail\": \"weekly\"}", true,
            &r);
        expect_status(&r, 200, "saved");
        j = json_of(&r);
        assert_string_equal(jstr(j, "notification_mail"), "weekly");
        /* a Monday, 08:00 UTC */
        const char *due = jstr(j, "next_digest_at");
        struct tm tm = {0};
        assert_non_null(strptime(due, "%Y-%m-%dT%H:%M:%SZ", &tm));
        time_t t = timegm(&tm);
        struct tm back;
        gmtime_r(&t, &back);
        assert_int_equal(back.tm_wday, 1);
        assert_int_equal(back.tm_hour, 8);
        assert_int_equal(back.tm_min, 0);
        json_decref(j);
        resp_free(&r);
        assert_string_equal(choice_of("ana"), "weekly");

        api(&ana, "PUT", "/api/v1/me/mail-preferences", "{\"notification_mail\": \"monthly\"}",
            true, &r);
        expect_api_error(&r, 422, "notification_mail", "an unknown choice");
        resp_free(&r);
        assert_string_equal(choice_of("ana"), "weekly");
}

/* The path of the stop link (from List-Unsubscribe) of the newest mail to address. */
static void stop_link(const char *address, char *out, size_t size)
{
        char q[256], msg[65536];
        snprintf(q, sizeof(q),
                 "SELECT message FROM mail_outbox WHERE recipient = '%s' ORDER BY id DESC",
                 address);
        db_text(q, msg, sizeof(msg));
        const char *h = strstr(msg, "List-Unsubscribe:");
        assert_non_null(h);
        const char *p = strstr(h, "/mail/notify-off/");
        assert_non_null(p);
        size_t n = 0;
        for (; *p && *p != '>' && n + 1 < size; p++)
                if (*p != '\r' && *p != '\n' && *p != ' ') /* a folded header line */
                        out[n++] = *p;
        out[n] = '\0';
}

static void one_click_stops_notification_mail(void **state)
{
        (void)state;
        /* liwei's weekly digest, due by next week, holds the demo's replies to liwei */
        char when[32];
        time_t later = time(NULL) + 8 * 86400;
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%MZ", gmtime(&later));
        struct member liwei;
        login_as(&liwei, "liwei", NULL);
        const char *weekly[] = {"choice", "weekly", NULL};
        struct http_resp r;
        post_pairs(&liwei, "/settings/notification-mail", weekly, true, &r);
        expect_status(&r, 303, "weekly saved");
        resp_free(&r);
        const char *run[] = {"mail", "digests", when, NULL};
        assert_int_equal(kd_cli(&srv, NULL, run), 0);
        assert_int_equal(db_int("SELECT count(*) FROM mail_outbox WHERE recipient = "
                                "'liwei@kindred.test' AND purpose = 'digest'"),
                         1);
        char path[256];
        stop_link("liwei@kindred.test", path, sizeof(path));
        long long id = db_int("SELECT id FROM member WHERE handle = 'liwei'");
        char want[64];
        snprintf(want, sizeof(want), "/mail/notify-off/%lld?sig=", id);
        assert_memory_equal(path, want, strlen(want));

        /* GET shows the choice and the buttons and changes nothing; no login needed */
        get(NULL, path, &r);
        expect_status(&r, 200, "the stop page");
        expect_in(&r, "Stop notification mail", "the stop button");
        expect_in(&r, "value=\"daily\"", "another frequency");
        expect_in(&r, "Notification mail for @liwei:", "whose");
        char cc[128];
        header(&r, "Cache-Control", cc, sizeof(cc));
        assert_string_equal(cc, "no-store");
        resp_free(&r);
        assert_string_equal(choice_of("liwei"), "weekly");

        /* a signature that does not hold: another member's id, or a changed signature */
        char other[256];
        snprintf(other, sizeof(other), "/mail/notify-off/%lld%s", id + 1, strchr(path, '?'));
        assert_int_equal(status_of(NULL, other), 403);
        char broken[256];
        snprintf(broken, sizeof(broken), "%s", path);
        char *last = broken + strlen(broken) - 1;
        *last = *last == 'A' ? 'B' : 'A';
        assert_int_equal(status_of(NULL, broken), 403);
        post_form(NULL, broken, "List-Unsubscribe=One-Click", &r);
        expect_status(&r, 403, "a bare POST with a bad signature");
        resp_free(&r);
        snprintf(broken, sizeof(broken), "/mail/notify-off/%lld", id);
        post_form(NULL, broken, "List-Unsubscribe=One-Click", &r);
        expect_status(&r, 403, "no signature at all");
        resp_free(&r);
        assert_string_equal(choice_of("liwei"), "weekly");

        /* the page's form picks another frequency, without login or token */
        post_form(NULL, path, "choice=daily", &r);
        expect_status(&r, 200, "daily from the page");
        expect_in(&r, "Your notification mail setting is saved.", "said");
        resp_free(&r);
        assert_string_equal(choice_of("liwei"), "daily");

        /* a mail client's bare POST (RFC 8058) stops it */
        post_form(NULL, path, "List-Unsubscribe=One-Click", &r);
        expect_status(&r, 200, "one click");
        expect_in(&r, "Done: you will get no more notification mail.", "said");
        expect_not_in(&r, "<input type=\"hidden\" name=\"choice\" value=\"none\">",
                      "no stop button once stopped");
        resp_free(&r);
        assert_string_equal(choice_of("liwei"), "none");

        /* and nothing more is mailed */
        later += 8 * 86400;
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%MZ", gmtime(&later));
        const char *again[] = {"mail", "digests", when, NULL};
        assert_int_equal(kd_cli(&srv, NULL, again), 0);
        assert_int_equal(db_int("SELECT count(*) FROM mail_outbox WHERE recipient = "
                                "'liwei@kindred.test'"),
                         1);
        get(&liwei, "/settings/notification-mail", &r);
        expect_in(&r, "value=\"none\" checked", "the settings page says so");
        resp_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(the_settings_form_saves_a_choice),
            cmocka_unit_test(the_api_reads_and_writes_the_choice),
            cmocka_unit_test(one_click_stops_notification_mail),
        };
        return cmocka_run_group_tests_name("mail preferences", tests, start, kd_fixture_stop);
}
