/* Black-box tests of email subscriptions (docs/mail.md, "Subscriptions") on the real binary,
 * without an SMTP server: what would be sent is read from the outbox (mail_outbox.message).
 * The forms on the newsletter and episode pages, a guest's double opt-in (the link's GET
 * changes nothing, its POST confirms once; unknown, used and expired links get clear pages),
 * the same answer for a known address and the per-address cap, the one-click unsubscribe link
 * (GET page, bare POST, bad signatures, subscribing again), a member's toggle and settings page,
 * the JSON API, the episode fan-out, and the per-IP rate limit. Delivery to a real server is
 * tests/mail/test_subscriptions.py. */
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

#define NL "learning-in-public"

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

/* A guest with a cookie jar and the CSRF token of the subscribe page. */
static void guest_page(struct member *g, const char *path)
{
        memset(g, 0, sizeof(*g));
        struct http_resp r;
        get(g, path, &r);
        expect_status(&r, 200, path);
        jar_update(&g->jar, &r);
        assert_true(find_csrf(r.body, g->csrf, sizeof(g->csrf)));
        resp_free(&r);
}

static void guest_subscribe(struct member *g, const char *email, struct http_resp *r)
{
        guest_page(g, "/n/" NL "/subscribe");
        const char *kv[] = {"email", email, NULL};
        post_pairs(g, "/n/" NL "/subscribe", kv, true, r);
}

/* The newest outbox message to address, quoted-printable soft breaks and "=3D" undone, into
 * out. */
static void last_mail_to(const char *address, char *out, size_t size)
{
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "SELECT message FROM mail_outbox WHERE recipient = '%s' ORDER BY id DESC LIMIT 1",
                 address);
        char *raw = malloc(size);
        db_text(sql, raw, size);
        size_t o = 0;
        for (const char *p = raw; *p && o + 1 < size;) {
                if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
                        p += 3;
                } else if (strncmp(p, "=3D", 3) == 0) {
                        out[o++] = '=';
                        p += 3;
                } else {
                        out[o++] = *p++;
                }
        }
        out[o] = '\0';
        free(raw);
}

/* What follows prefix in the newest mail to address, up to a character outside base64url and
 * '/' into out. */
static void link_in_mail(const char *address, const char *prefix, char *out, size_t size)
{
        size_t cap = 256 * 1024;
        char *m = malloc(cap);
        last_mail_to(address, m, cap);
        const char *at = strstr(m, prefix);
        if (!at) {
                free(m);
                fail_msg("no %s in the mail to %s", prefix, address);
        }
        at += strlen(prefix);
        size_t n = strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/");
        snprintf(out, size, "%.*s", (int)n, at);
        free(m);
}

static long long count_sql(const char *fmt, const char *arg)
{
        char sql[512];
        snprintf(sql, sizeof(sql), fmt, arg);
        return db_int(sql);
}

/* ---------------------------------------------------------------- tests */

static void forms_on_the_pages(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/n/" NL, &r);
        expect_status(&r, 200, "the newsletter page");
        expect_in(&r, "action=\"/n/" NL "/subscribe\"", "the guest's form");
        expect_in(&r, "name=\"email\" type=\"email\"", "its address field");
        expect_in(&r, "Get new episodes by email", "its label");
        resp_free(&r);
        get(NULL, "/n/" NL "/two-languages-one-team", &r);
        expect_status(&r, 200, "an episode");
        expect_in(&r, "action=\"/n/" NL "/subscribe\"", "the form at the end of an episode");
        resp_free(&r);
        struct member june;
        login_as(&june, "june", NULL);
        get(&june, "/n/" NL, &r);
        expect_in(&r, "name=\"by_email\" value=\"1\"", "a member's toggle");
        expect_not_in(&r, "name=\"email\" type=\"email\"", "no address field for members");
        resp_free(&r);
        get(&june, "/settings", &r);
        expect_in(&r, "href=\"/settings/email-subscriptions\"", "settings link the page");
        resp_free(&r);
        /* the page with a token, for browsers that send no Origin */
        get(NULL, "/n/" NL "/subscribe", &r);
        expect_status(&r, 200, "the subscribe page");
        expect_in(&r, "name=\"_csrf\"", "a token");
        resp_free(&r);
        get(NULL, "/n/no-such-newsletter/subscribe", &r);
        expect_status(&r, 404, "an unknown newsletter");
        resp_free(&r);
}

static void guest_confirms_once(void **state)
{
        (void)state;
        struct http_resp r;
        /* no token and no Origin: refused */
        const char *kv[] = {"email", "ada@example.net", NULL};
        post_pairs(NULL, "/n/" NL "/subscribe", kv, false, &r);
        expect_status(&r, 403, "a cross-site form without proof of origin");
        resp_free(&r);
        struct member g;
        guest_subscribe(&g, "Ada@Example.net", &r);
        expect_status(&r, 200, "a guest subscribes");
        expect_in(&r, "Check your inbox", "the answer");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'pending'",
                                   "ada@example.net"),
                         1);
        char token[128];
        link_in_mail("Ada@Example.net", "/subscribe/confirm?token=", token, sizeof(token));
        assert_true(strlen(token) >= 40);
        char path[256];
        snprintf(path, sizeof(path), "/subscribe/confirm?token=%s", token);
        /* opening the link (a scanner, a preview) changes nothing */
        struct member c;
        guest_page(&c, path);
        get(&c, path, &r);
        expect_in(&r, "Confirm subscription", "the button");
        expect_in(&r, "Ada@Example.net", "the address is named, as typed");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'pending'",
                                   "ada@example.net"),
                         1);
        const char *confirm[] = {"token", token, NULL};
        post_pairs(&c, "/subscribe/confirm", confirm, true, &r);
        expect_status(&r, 200, "the POST confirms");
        expect_in(&r, "You are subscribed", "the answer");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'active'",
                                   "ada@example.net"),
                         1);
        post_pairs(&c, "/subscribe/confirm", confirm, true, &r);
        expect_status(&r, 410, "a used link");
        expect_in(&r, "This link was used already", "says so");
        resp_free(&r);
        get(NULL, path, &r);
        expect_status(&r, 410, "a used link's page");
        resp_free(&r);
        get(NULL, "/subscribe/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r);
        expect_status(&r, 404, "an unknown link");
        expect_in(&r, "This link does not work", "says so");
        resp_free(&r);
        /* expired */
        guest_subscribe(&g, "late@example.net", &r);
        resp_free(&r);
        link_in_mail("late@example.net", "/subscribe/confirm?token=", token, sizeof(token));
        db_exec("UPDATE mail_token SET expires_at = 1 WHERE email = 'late@example.net'");
        snprintf(path, sizeof(path), "/subscribe/confirm?token=%s", token);
        get(NULL, path, &r);
        expect_status(&r, 410, "an expired link's page");
        expect_in(&r, "This link has expired", "says so");
        resp_free(&r);
        const char *late[] = {"token", token, NULL};
        post_pairs(&c, "/subscribe/confirm", late, true, &r);
        expect_status(&r, 410, "an expired link");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'active'",
                                   "late@example.net"),
                         0);
        /* not an address, or one with a header in it */
        guest_subscribe(&g, "late@example.net\r\nBcc: x@example.org", &r);
        expect_status(&r, 422, "an address with CR/LF");
        resp_free(&r);
        guest_subscribe(&g, "not an address", &r);
        expect_status(&r, 422, "not an address");
        expect_in(&r, "name@example.org", "the problem is explained");
        resp_free(&r);
}

static void known_addresses_answer_alike(void **state)
{
        (void)state;
        struct http_resp r;
        struct member g;
        db_exec("INSERT INTO mail_subscription (newsletter_id, email, email_key, state, "
                "created_at, confirmed_at) SELECT id, 'known@example.net', 'known@example.net', "
                "'active', 1, 1 FROM newsletter WHERE slug = '" NL "'");
        guest_subscribe(&g, "new@example.net", &r);
        expect_status(&r, 200, "a new address");
        char *fresh = strdup(strstr(r.body, "<main"));
        resp_free(&r);
        guest_subscribe(&g, "KNOWN@example.net", &r);
        expect_status(&r, 200, "a subscribed address");
        /* the page differs only in its token, which sits outside <main> */
        assert_string_equal(strstr(r.body, "<main"), fresh);
        free(fresh);
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_outbox WHERE lower(recipient) = "
                                   "'%s'",
                                   "known@example.net"),
                         0);
        /* a pending address gets at most KD_SUBSCRIBE_MAILS_PER_ADDRESS mails a day */
        for (int i = 0; i < 4; i++) {
                guest_subscribe(&g, "new@example.net", &r);
                expect_status(&r, 200, "the same address again");
                resp_free(&r);
        }
        assert_int_equal(
            count_sql("SELECT count(*) FROM mail_outbox WHERE recipient = '%s'", "new@example.net"),
            3);
}

/* Publishes an episode as mira and waits for the fan-out to finish; returns how many messages
 * it queued, checked against the newsletter's active subscriptions (the demo has some). */
static long long publish_and_wait(const char *title)
{
        long long active = db_int("SELECT count(*) FROM mail_subscription s JOIN newsletter n ON "
                                  "n.id = s.newsletter_id WHERE n.slug = '" NL "' AND s.state = "
                                  "'active'");
        struct member mira;
        login_as(&mira, "mira", NULL);
        const char *kv[] = {
            "season", "1",    "title",  title,     "body", "Hello **subscribers**. [Home](/)",
            "ai",     "none", "action", "publish", NULL};
        struct http_resp r;
        post_pairs(&mira, "/write/n/" NL "/episode", kv, true, &r);
        expect_status(&r, 303, "the episode is published");
        resp_free(&r);
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM episode_mailing m JOIN episode e ON e.id = m.episode_id "
                 "WHERE e.title = '%s' AND m.finished_at IS NOT NULL",
                 title);
        assert_int_equal(db_int_until(sql, 1, 15000), 1);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM mail_outbox WHERE purpose = 'episode' AND subject = '%s'",
                 title);
        long long queued = db_int(sql);
        assert_int_equal(queued, active);
        snprintf(sql, sizeof(sql),
                 "SELECT m.queued FROM episode_mailing m JOIN episode e ON e.id = m.episode_id "
                 "WHERE e.title = '%s'",
                 title);
        assert_int_equal(db_int(sql), queued);
        return queued;
}

static long long mails_to(const char *address, const char *subject)
{
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM mail_outbox WHERE recipient = '%s' AND subject = '%s'",
                 address, subject);
        return db_int(sql);
}

static void unsubscribe_by_signed_link(void **state)
{
        (void)state;
        db_exec("INSERT INTO mail_subscription (newsletter_id, email, email_key, state, "
                "created_at, confirmed_at) SELECT id, 'una@example.net', 'una@example.net', "
                "'active', 1, 1 FROM newsletter WHERE slug = '" NL "'");
        long long sent = publish_and_wait("A letter for Una");
        assert_true(sent > 1); /* the demo's subscribers too */
        assert_int_equal(mails_to("una@example.net", "A letter for Una"), 1);
        /* saving the live episode again (notify_episode_live runs again): no second mailing */
        {
                struct member mira;
                login_as(&mira, "mira", NULL);
                char ep[32], path_ep[64];
                db_text("SELECT id FROM episode WHERE title = 'A letter for Una'", ep, sizeof(ep));
                snprintf(path_ep, sizeof(path_ep), "/write/episode/%s", ep);
                const char *kv[] = {"season", "1",       "title", "A letter for Una",
                                    "body",   "Edited.", "ai",    "none",
                                    "action", "publish", NULL};
                struct http_resp e;
                post_pairs(&mira, path_ep, kv, true, &e);
                expect_status(&e, 303, "the live episode is saved again");
                resp_free(&e);
                char jobs[160];
                snprintf(jobs, sizeof(jobs),
                         "SELECT count(*) FROM job WHERE kind = 'episode_mail' AND payload = "
                         "'{\"episode\":%s}'",
                         ep);
                assert_int_equal(db_int(jobs), 1); /* one run: fewer than a batch */
                assert_int_equal(db_int("SELECT count(*) FROM mail_outbox WHERE subject = "
                                        "'A letter for Una'"),
                                 sent);
        }
        char tail[128], path[192];
        /* the header and the visible links carry the same URL: ID/SIG after /unsubscribe/ */
        link_in_mail("una@example.net", "/unsubscribe/", tail, sizeof(tail));
        snprintf(path, sizeof(path), "/unsubscribe/%s", tail);
        {
                size_t cap = 256 * 1024;
                char *m = malloc(cap);
                last_mail_to("una@example.net", m, cap);
                char want[256];
                snprintf(want, sizeof(want),
                         "%s>\r\nList-Unsubscribe-Post: "
                         "List-Unsubscribe=One-Click\r\n",
                         path);
                bool in_header = strstr(m, want) != NULL;
                free(m);
                assert_true(in_header);
        }
        struct http_resp r;
        get(NULL, path, &r);
        expect_status(&r, 200, "the unsubscribe page");
        expect_in(&r, "una@example.net", "names the address");
        expect_in(&r, ">Unsubscribe</button>", "a button");
        resp_free(&r);
        /* a wrong signature, and a right signature for another id */
        char bad[192];
        snprintf(bad, sizeof(bad), "%s", path);
        char *last = strrchr(bad, '/') + 1;
        last[0] = last[0] == 'A' ? 'B' : 'A';
        get(NULL, bad, &r);
        expect_status(&r, 404, "a wrong signature's page");
        resp_free(&r);
        http_do(srv.port, "POST", bad, "", NULL, NULL, 0, &r);
        expect_status(&r, 404, "a wrong signature's POST");
        resp_free(&r);
        long long id = strtoll(path + strlen("/unsubscribe/"), NULL, 10);
        char other[192];
        snprintf(other, sizeof(other), "/unsubscribe/%lld/%s", id + 1, strrchr(path, '/') + 1);
        get(NULL, other, &r);
        expect_status(&r, 404, "a signature for another id");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'active'",
                                   "una@example.net"),
                         1);
        /* RFC 8058: a bare POST, no cookie, no token */
        const char *one_click = "List-Unsubscribe=One-Click";
        assert_int_equal(http_do(srv.port, "POST", path, "", "application/x-www-form-urlencoded",
                                 one_click, strlen(one_click), &r),
                         0);
        expect_status(&r, 200, "the one-click POST");
        expect_in(&r, "Subscribe again", "the page offers to come back");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'unsubscribed'",
                                   "una@example.net"),
                         1);
        http_do(srv.port, "POST", path, "", NULL, NULL, 0, &r);
        expect_status(&r, 200, "an empty POST again: still fine");
        resp_free(&r);
        /* the next episode does not go to Una */
        publish_and_wait("Not for Una");
        assert_int_equal(mails_to("una@example.net", "Not for Una"), 0);
        const char *again = "action=resubscribe";
        http_do(srv.port, "POST", path, "", "application/x-www-form-urlencoded", again,
                strlen(again), &r);
        expect_status(&r, 200, "subscribing again");
        expect_in(&r, "You are subscribed again", "says so");
        resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM mail_subscription WHERE email_key = '%s' "
                                   "AND state = 'active'",
                                   "una@example.net"),
                         1);
}

static void member_toggle_and_settings(void **state)
{
        (void)state;
        struct member june;
        login_as(&june, "june", NULL);
        struct http_resp r;
        const char *on[] = {"by_email", "1", NULL};
        post_pairs(&june, "/n/" NL "/subscribe", on, false, &r);
        expect_status(&r, 403, "a member's toggle needs the token");
        resp_free(&r);
        post_pairs(&june, "/n/" NL "/subscribe", on, true, &r);
        expect_status(&r, 303, "a member subscribes");
        resp_free(&r);
        long long june_active = db_int("SELECT count(*) FROM mail_subscription s JOIN member m ON "
                                       "m.id = s.member_id WHERE m.handle = 'june' AND s.state = "
                                       "'active' AND s.email_key = ''");
        assert_int_equal(june_active, 1);
        get(&june, "/n/" NL, &r);
        expect_in(&r, "aria-pressed=\"true\">Getting new episodes by email", "the toggle is on");
        resp_free(&r);
        get(&june, "/settings/email-subscriptions", &r);
        expect_status(&r, 200, "the settings page");
        expect_in(&r, "By email: on", "lists the subscription");
        resp_free(&r);
        /* the member's current address is used: change it, publish, look */
        db_exec("UPDATE member SET email = 'june.new@example.net', email_key = "
                "'june.new@example.net' WHERE handle = 'june'");
        publish_and_wait("For June at the new address");
        assert_int_equal(mails_to("june.new@example.net", "For June at the new address"), 1);
        assert_int_equal(mails_to("june@kindred.test", "For June at the new address"), 0);
        char nl_id[32];
        db_text("SELECT id FROM newsletter WHERE slug = '" NL "'", nl_id, sizeof(nl_id));
        const char *off[] = {"newsletter", nl_id, "by_email", "0", NULL};
        post_pairs(&june, "/settings/email-subscriptions", off, true, &r);
        expect_status(&r, 303, "off from the settings page");
        resp_free(&r);
        get(&june, "/settings/email-subscriptions?saved=1", &r);
        expect_in(&r, "By email: off", "the newsletter stays listed (followed) but off");
        resp_free(&r);
        get(NULL, "/settings/email-subscriptions", &r);
        expect_status(&r, 303, "guests are sent to log in");
        resp_free(&r);
}

static void api_subscriptions(void **state)
{
        (void)state;
        struct member tomas;
        login_as(&tomas, "tomas", NULL);
        struct http_resp r;
        api(&tomas, "PUT", "/api/v1/me/subscriptions/" NL, NULL, false, &r);
        expect_status(&r, 403, "no CSRF header");
        resp_free(&r);
        api(&tomas, "PUT", "/api/v1/me/subscriptions/" NL, NULL, true, &r);
        expect_status(&r, 200, "PUT subscribes");
        resp_free(&r);
        api(&tomas, "GET", "/api/v1/me/subscriptions", NULL, false, &r);
        expect_status(&r, 200, "the list");
        json_t *j = json_of(&r);
        json_t *list = json_object_get(j, "subscriptions");
        bool found = false;
        for (size_t i = 0; i < json_array_size(list); i++) {
                json_t *s = json_array_get(list, i);
                if (strcmp(jstr(s, "newsletter"), NL) == 0)
                        found = json_is_true(json_object_get(s, "by_email"));
        }
        assert_true(found);
        json_decref(j);
        resp_free(&r);
        api(&tomas, "DELETE", "/api/v1/me/subscriptions/" NL, NULL, true, &r);
        expect_status(&r, 200, "DELETE unsubscribes");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM mail_subscription s JOIN member m ON m.id = "
                                "s.member_id WHERE m.handle = 'tomas' AND s.state = 'active'"),
                         0);
        api(&tomas, "PUT", "/api/v1/me/subscriptions/nope", NULL, true, &r);
        expect_api_error(&r, 404, "newsletter", "an unknown newsletter");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/me/subscriptions", NULL, false, &r);
        expect_status(&r, 401, "guests have none");
        resp_free(&r);
        /* a guest, with the token /api/v1/me hands out */
        struct member g;
        memset(&g, 0, sizeof(g));
        api(&g, "GET", "/api/v1/me", NULL, false, &r);
        jar_update(&g.jar, &r);
        j = json_of(&r);
        snprintf(g.csrf, sizeof(g.csrf), "%s", jstr(j, "csrf_token"));
        json_decref(j);
        resp_free(&r);
        api(&g, "POST", "/api/v1/newsletters/" NL "/subscribe", "{\"email\":\"api@example.net\"}",
            true, &r);
        expect_status(&r, 202, "a guest subscribes by the API");
        j = json_of(&r);
        assert_string_equal(jstr(j, "state"), "check_your_inbox");
        json_decref(j);
        resp_free(&r);
        api(&g, "POST", "/api/v1/newsletters/" NL "/subscribe", "{\"email\":\"nope\"}", true, &r);
        expect_api_error(&r, 422, "email", "not an address");
        resp_free(&r);
        assert_int_equal(
            count_sql("SELECT count(*) FROM mail_outbox WHERE recipient = '%s'", "api@example.net"),
            1);
}

static void rate_limited_per_ip(void **state)
{
        (void)state;
        struct http_resp r;
        struct member g;
        int limited_at = 0;
        for (int i = 1; i <= 15 && !limited_at; i++) {
                char email[64];
                snprintf(email, sizeof(email), "flood%d@example.net", i);
                guest_subscribe(&g, email, &r);
                if (r.status == 429) {
                        limited_at = i;
                        char wait[32];
                        header(&r, "Retry-After", wait, sizeof(wait));
                        assert_true(atoi(wait) > 0);
                } else {
                        expect_status(&r, 200, "within the limit");
                }
                resp_free(&r);
        }
        assert_int_equal(limited_at, 11); /* KD_SUBSCRIBE_PER_IP_PER_HOUR is 10 */
        assert_int_equal(db_int("SELECT count(*) FROM mail_outbox WHERE recipient LIKE "
                                "'flood%'"),
                         10);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(forms_on_the_pages),           T(guest_confirms_once),
            T(known_addresses_answer_alike), T(unsubscribe_by_signed_link),
            T(member_toggle_and_settings),   T(api_subscriptions),
            T(rate_limited_per_ip),
        };
        return cmocka_run_group_tests_name("subscriptions", tests, NULL, NULL);
}
