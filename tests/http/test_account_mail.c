/* Account mail on the real binary (docs/mail.md, "Account mail"): sign-up confirmed by a
 * mailed link and answering the same for a registered address, password reset, notices on
 * password and address changes, the limits on mail-causing actions, header injection.
 * Mail is read from the site's outbox (mailbox.h); tests/mail/test_account.py takes the same
 * flows through a real SMTP server. */
#include "mailbox.h"
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PW "correct horse battery"

/* How long the last sign-up POST took, in milliseconds (send_signup). */
static double last_signup_ms;

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Sends the sign-up form as m; returns the status, the page into *out when not NULL. */
static int send_signup(struct member *m, const char *handle, const char *email, const char *display,
                       struct http_resp *out)
{
        struct http_resp r;
        get(m, "/signup", &r);
        expect_status(&r, 200, "the sign-up form");
        jar_update(&m->jar, &r);
        char csrf[128], body[2048] = "";
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "handle", handle);
        form_append(body, sizeof(body), "display_name", display);
        form_append(body, sizeof(body), "email", email);
        form_append(body, sizeof(body), "password", PW);
        double t = now_ms();
        post_form(m, "/signup", body, &r);
        last_signup_ms = now_ms() - t;
        jar_update(&m->jar, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

/* A form with a token and a CSRF token, posted as m (NULL: a fresh guest); returns the status
 * and keeps the cookies it sets in m. */
static int post_token(struct member *m, const char *form_path, const char *path, const char *token,
                      const char *extra_name, const char *extra_value, struct http_resp *out)
{
        struct member guest = {0};
        if (!m)
                m = &guest;
        struct http_resp r;
        char page[256], csrf[128], body[1024] = "";
        snprintf(page, sizeof(page), "%s", form_path);
        get(m, page, &r);
        jar_update(&m->jar, &r);
        if (!find_csrf(r.body, csrf, sizeof(csrf))) {
                resp_free(&r);
                get(m, "/login", &r); /* a page of a link that failed has no form: any form's */
                jar_update(&m->jar, &r);
                assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        }
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "token", token);
        if (extra_name)
                form_append(body, sizeof(body), extra_name, extra_value);
        post_form(m, path, body, &r);
        jar_update(&m->jar, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

/* Replaces every occurrence of what in s (in place) by "X": pages compared without the parts
 * that differ by design (the CSRF token, the address typed). */
static void blank_out(char *s, const char *what)
{
        size_t n = strlen(what);
        for (char *p = strstr(s, what); n && p; p = strstr(p + 1, what)) {
                memmove(p + 1, p + n, strlen(p + n) + 1);
                *p = 'X';
        }
}

static bool sets_session(const struct http_resp *r)
{
        return r->head && strstr(r->head, "kd_session=") != NULL;
}

static long long members_named(const char *handle)
{
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM member WHERE handle_key = '%s'", handle);
        return db_int(sql);
}

/* ---------------------------------------------------------------- sign-up */

static void signup_answers_the_same_for_a_registered_address(void **state)
{
        (void)state;
        struct member a = {0}, b = {0};
        struct http_resp ra, rb;
        assert_int_equal(send_signup(&a, "newcomer", "newcomer@example.org", "New Comer", &ra),
                         200);
        double new_ms = last_signup_ms;
        assert_int_equal(send_signup(&b, "imposter", "MIRA@kindred.test", "New Comer", &rb), 200);
        double registered_ms = last_signup_ms;
        /* Both hashed the password (argon2id, ~30 ms on a free core): a registered address is
         * not answered faster. A lower bound only: a loaded machine makes either slower. */
        if (new_ms < 10 || registered_ms < 10)
                fail_msg("a sign-up answered in %.1f ms (new) / %.1f ms (registered): no hash?",
                         new_ms, registered_ms);
        assert_false(sets_session(&ra));
        assert_false(sets_session(&rb));
        assert_null(jar_get(&a.jar, "kd_session"));
        assert_null(jar_get(&b.jar, "kd_session"));
        expect_in(&ra, "Check your inbox", "the answer to a new address");
        expect_in(&ra, "newcomer@example.org", "the address shown");
        /* The pages differ only by the address typed and the guest's CSRF token. */
        char ca[128] = "", cb[128] = "";
        find_csrf(ra.body, ca, sizeof(ca));
        find_csrf(rb.body, cb, sizeof(cb));
        if (*ca)
                blank_out(ra.body, ca);
        if (*cb)
                blank_out(rb.body, cb);
        blank_out(ra.body, "newcomer@example.org");
        blank_out(rb.body, "MIRA@kindred.test");
        assert_string_equal(ra.body, rb.body);
        resp_free(&ra);
        resp_free(&rb);
        /* Nobody was made yet; each address got its own mail. */
        assert_int_equal(members_named("newcomer"), 0);
        assert_int_equal(members_named("imposter"), 0);
        assert_int_equal(mailbox_count("newcomer@example.org", "signup"), 1);
        assert_int_equal(mailbox_count("mira@kindred.test", "signup"), 0);
        assert_int_equal(mailbox_count("mira@kindred.test", "signup_exists"), 1);
        char msg[65536];
        assert_true(mailbox_newest("mira@kindred.test", "signup_exists", msg, sizeof(msg)));
        assert_non_null(strstr(msg, "Someone tried to sign up"));
        assert_non_null(strstr(msg, "@mira"));
        assert_non_null(strstr(msg, "/login"));
        assert_non_null(strstr(msg, "/password/reset?token="));
        assert_null(strstr(msg, "List-Unsubscribe")); /* account mail is not a list */
        assert_true(mailbox_newest("newcomer@example.org", "signup", msg, sizeof(msg)));
        assert_non_null(strstr(msg, "/signup/confirm?token="));
        assert_non_null(strstr(msg, "To: New Comer <newcomer@example.org>"));
        assert_null(strstr(msg, "List-Unsubscribe"));
        /* The handle is public, so a taken one is said (409), and nothing is mailed. */
        struct member c = {0};
        assert_int_equal(send_signup(&c, "MIRA", "someone@example.org", "Someone", NULL), 409);
        assert_int_equal(mailbox_count("someone@example.org", NULL), 0);
}

static void the_confirmation_link_works_once(void **state)
{
        (void)state;
        struct member m = {0};
        assert_int_equal(send_signup(&m, "joiner", "joiner@example.org", "Joiner", NULL), 200);
        char token[128], path[256];
        assert_true(
            mailbox_token("joiner@example.org", "signup", "/signup/confirm", token, sizeof(token)));
        snprintf(path, sizeof(path), "/signup/confirm?token=%s", token);
        /* Opening the link (a mail scanner does) makes nothing. */
        struct http_resp r;
        get(NULL, path, &r);
        expect_status(&r, 200, "the confirmation page");
        expect_in(&r, "Confirm and create my account", "the button");
        expect_in(&r, "@joiner", "the handle");
        resp_free(&r);
        get(NULL, path, &r);
        resp_free(&r);
        assert_int_equal(members_named("joiner"), 0);
        /* The button makes the account and signs in. */
        assert_int_equal(post_token(&m, path, "/signup/confirm", token, NULL, NULL, &r), 303);
        assert_true(sets_session(&r));
        resp_free(&r);
        assert_int_equal(members_named("joiner"), 1);
        get(&m, "/settings", &r);
        expect_status(&r, 200, "the new member's settings");
        expect_in(&r, "joiner@example.org", "the confirmed address");
        resp_free(&r);
        /* Once only. */
        struct member other = {0};
        assert_int_equal(post_token(&other, "/login", "/signup/confirm", token, NULL, NULL, &r),
                         410);
        expect_in(&r, "already used", "a used link");
        assert_false(sets_session(&r));
        resp_free(&r);
        assert_int_equal(status_of(NULL, path), 410);
        assert_int_equal(members_named("joiner"), 1);
        /* A token that was never sent. */
        assert_int_equal(status_of(NULL, "/signup/confirm?token=nonsense"), 404);
}

static void an_expired_confirmation_link_is_refused(void **state)
{
        (void)state;
        struct member m = {0};
        assert_int_equal(send_signup(&m, "latecomer", "late@example.org", "Late", NULL), 200);
        char token[128], path[256];
        assert_true(
            mailbox_token("late@example.org", "signup", "/signup/confirm", token, sizeof(token)));
        snprintf(path, sizeof(path), "/signup/confirm?token=%s", token);
        /* a day later */
        db_exec("UPDATE mail_token SET expires_at = created_at - 1 WHERE purpose = 'signup'");
        struct http_resp r;
        get(NULL, path, &r);
        expect_status(&r, 410, "an expired link");
        expect_in(&r, "expired", "the page says why");
        expect_in(&r, "href=\"/signup\"", "and where to go");
        resp_free(&r);
        assert_int_equal(post_token(&m, "/login", "/signup/confirm", token, NULL, NULL, NULL), 410);
        assert_int_equal(members_named("latecomer"), 0);
}

static void a_handle_taken_meanwhile_is_explained(void **state)
{
        (void)state;
        struct member a = {0}, b = {0};
        assert_int_equal(send_signup(&a, "twin", "twin-a@example.org", "Twin A", NULL), 200);
        assert_int_equal(send_signup(&b, "TWIN", "twin-b@example.org", "Twin B", NULL), 200);
        assert_int_equal(confirm_signup(&a, "twin-a@example.org"), 303);
        char token[128], path[256];
        assert_true(
            mailbox_token("twin-b@example.org", "signup", "/signup/confirm", token, sizeof(token)));
        snprintf(path, sizeof(path), "/signup/confirm?token=%s", token);
        struct http_resp r;
        assert_int_equal(post_token(&b, path, "/signup/confirm", token, NULL, NULL, &r), 409);
        expect_in(&r, "taken meanwhile", "the page says what happened");
        expect_in(&r, "href=\"/signup\"", "and what to do");
        assert_false(sets_session(&r));
        resp_free(&r);
        assert_int_equal(members_named("twin"), 1);
        /* The same address confirmed twice (two sign-ups, two handles): the second is told. */
        struct member c = {0}, d = {0};
        assert_int_equal(send_signup(&c, "first_try", "same@example.org", "Same", NULL), 200);
        char first[128];
        assert_true(
            mailbox_token("same@example.org", "signup", "/signup/confirm", first, sizeof(first)));
        assert_int_equal(send_signup(&d, "second_try", "same@example.org", "Same", NULL), 200);
        assert_int_equal(confirm_signup(&d, "same@example.org"), 303);
        snprintf(path, sizeof(path), "/signup/confirm?token=%s", first);
        assert_int_equal(post_token(&c, path, "/signup/confirm", first, NULL, NULL, &r), 409);
        expect_in(&r, "has an account now", "an address taken meanwhile");
        resp_free(&r);
        assert_int_equal(members_named("first_try"), 0);
}

/* ---------------------------------------------------------------- password reset */

static int send_forgot(struct member *m, const char *email, struct http_resp *out)
{
        struct http_resp r;
        get(m, "/password/forgot", &r);
        expect_status(&r, 200, "the forgot form");
        jar_update(&m->jar, &r);
        char csrf[128], body[512] = "";
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "email", email);
        post_form(m, "/password/forgot", body, &r);
        int status = r.status;
        mailbox_settle(); /* the link is mailed from a job */
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

static void the_reset_link_sets_a_password_once_and_ends_sessions(void **state)
{
        (void)state;
        struct member owner;
        signup_as(&owner, "forgetful"); /* forgetful@kindred.test, signed in */
        struct http_resp r;
        get(NULL, "/login", &r);
        expect_in(&r, "href=\"/password/forgot\"", "the login page's link");
        resp_free(&r);
        /* Known and unknown addresses get the same answer. */
        struct member g1 = {0}, g2 = {0};
        struct http_resp known, unknown;
        assert_int_equal(send_forgot(&g1, "Forgetful@kindred.test", &known), 200);
        assert_int_equal(send_forgot(&g2, "nobody@kindred.test", &unknown), 200);
        char c1[128] = "", c2[128] = "";
        find_csrf(known.body, c1, sizeof(c1));
        find_csrf(unknown.body, c2, sizeof(c2));
        blank_out(known.body, c1);
        blank_out(unknown.body, c2);
        blank_out(known.body, "Forgetful@kindred.test");
        blank_out(unknown.body, "nobody@kindred.test");
        assert_string_equal(known.body, unknown.body);
        resp_free(&known);
        resp_free(&unknown);
        assert_int_equal(mailbox_count("nobody@kindred.test", NULL), 0);
        assert_int_equal(mailbox_count("forgetful@kindred.test", "reset"), 1);
        char token[128], path[256];
        assert_true(mailbox_token("forgetful@kindred.test", "reset", "/password/reset", token,
                                  sizeof(token)));
        snprintf(path, sizeof(path), "/password/reset?token=%s", token);
        get(NULL, path, &r);
        expect_status(&r, 200, "the reset form");
        expect_in(&r, "name=\"password\"", "a new-password field");
        resp_free(&r);
        /* A password that breaks the rules uses nothing up. */
        struct member g = {0};
        assert_int_equal(post_token(&g, path, "/password/reset", token, "password", "short", &r),
                         422);
        expect_in(&r, "at least 10 characters", "the rule");
        resp_free(&r);
        assert_int_equal(post_token(&g, path, "/password/reset", token, "password",
                                    "a brand new passphrase", &r),
                         303);
        assert_true(sets_session(&r));
        char loc[256];
        assert_true(resp_header_get(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, "/settings?saved=reset");
        resp_free(&r);
        /* The old session is over; the notice went out; the link is spent. */
        get(&owner, "/settings", &r);
        expect_status(&r, 303, "a session from before the reset");
        resp_free(&r);
        assert_int_equal(mailbox_count("forgetful@kindred.test", "password_changed"), 1);
        char msg[65536];
        assert_true(mailbox_newest("forgetful@kindred.test", "password_changed", msg, sizeof(msg)));
        assert_non_null(strstr(msg, "/password/forgot"));
        assert_int_equal(post_token(NULL, "/login", "/password/reset", token, "password",
                                    "another passphrase!", NULL),
                         410);
        assert_int_equal(status_of(NULL, path), 410);
        struct member again;
        login_as(&again, "forgetful", "a brand new passphrase");
        /* Unknown and expired links. */
        assert_int_equal(status_of(NULL, "/password/reset?token=nonsense"), 404);
        assert_int_equal(send_forgot(&g1, "forgetful@kindred.test", NULL), 200);
        assert_true(mailbox_token("forgetful@kindred.test", "reset", "/password/reset", token,
                                  sizeof(token)));
        db_exec("UPDATE mail_token SET expires_at = created_at - 1 WHERE purpose = 'reset'"
                " AND used_at IS NULL");
        snprintf(path, sizeof(path), "/password/reset?token=%s", token);
        get(NULL, path, &r);
        expect_status(&r, 410, "an expired reset link");
        expect_in(&r, "href=\"/password/forgot\"", "a way to ask again");
        resp_free(&r);
}

static void a_newer_reset_link_revokes_the_older(void **state)
{
        (void)state;
        struct member m;
        signup_as(&m, "twice");
        struct member g = {0};
        char older[128], newer[128], path[256];
        assert_int_equal(send_forgot(&g, "twice@kindred.test", NULL), 200);
        assert_true(
            mailbox_token("twice@kindred.test", "reset", "/password/reset", older, sizeof(older)));
        assert_int_equal(send_forgot(&g, "twice@kindred.test", NULL), 200);
        assert_true(
            mailbox_token("twice@kindred.test", "reset", "/password/reset", newer, sizeof(newer)));
        assert_string_not_equal(older, newer);
        snprintf(path, sizeof(path), "/password/reset?token=%s", older);
        assert_int_equal(status_of(NULL, path), 410);
        assert_int_equal(post_token(NULL, "/login", "/password/reset", older, "password",
                                    "the older link's pass", NULL),
                         410);
        snprintf(path, sizeof(path), "/password/reset?token=%s", newer);
        assert_int_equal(status_of(NULL, path), 200);
        /* A disabled member gets no link. */
        db_exec("UPDATE member SET disabled = 1 WHERE handle_key = 'twice'");
        long long before = mailbox_count("twice@kindred.test", "reset");
        assert_int_equal(send_forgot(&g, "twice@kindred.test", NULL), 200);
        assert_int_equal(mailbox_count("twice@kindred.test", "reset"), before);
}

/* ---------------------------------------------------------------- notices, a new address */

static void changing_the_password_sends_a_notice(void **state)
{
        (void)state;
        struct member m;
        signup_as(&m, "changer");
        char body[512] = "";
        form_append(body, sizeof(body), "_csrf", m.csrf);
        form_append(body, sizeof(body), "current_password", "wrong password!");
        form_append(body, sizeof(body), "new_password", "a better passphrase");
        struct http_resp r;
        post_form(&m, "/settings/password", body, &r);
        expect_status(&r, 422, "a wrong current password");
        resp_free(&r);
        assert_int_equal(mailbox_count("changer@kindred.test", "password_changed"), 0);
        body[0] = '\0';
        form_append(body, sizeof(body), "_csrf", m.csrf);
        form_append(body, sizeof(body), "current_password", DEMO_PW);
        form_append(body, sizeof(body), "new_password", "a better passphrase");
        post_form(&m, "/settings/password", body, &r);
        expect_status(&r, 303, "a password change");
        resp_free(&r);
        assert_int_equal(mailbox_count("changer@kindred.test", "password_changed"), 1);
        char msg[65536];
        assert_true(mailbox_newest("changer@kindred.test", "password_changed", msg, sizeof(msg)));
        assert_non_null(strstr(msg, "Your password was changed"));
        assert_non_null(strstr(msg, "If it was not you"));
        assert_non_null(strstr(msg, "/password/forgot"));
        assert_non_null(strstr(msg, "Auto-Submitted: auto-generated"));
        assert_null(strstr(msg, "List-Unsubscribe"));
        /* this session stays */
        assert_int_equal(status_of(&m, "/settings"), 200);
}

static int change_email(struct member *m, const char *email, const char *password,
                        struct http_resp *out)
{
        char body[512] = "";
        form_append(body, sizeof(body), "_csrf", m->csrf);
        form_append(body, sizeof(body), "email", email);
        form_append(body, sizeof(body), "password", password);
        struct http_resp r;
        post_form(m, "/settings/email", body, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

static void a_new_address_applies_only_after_its_link(void **state)
{
        (void)state;
        struct member m;
        signup_as(&m, "mover");
        struct http_resp r;
        get(&m, "/settings", &r);
        expect_in(&r, "action=\"/settings/email\"", "the email form in settings");
        resp_free(&r);
        assert_int_equal(change_email(&m, "moved@example.org", "not the password", &r), 422);
        expect_in(&r, "current password is not right", "a wrong password");
        resp_free(&r);
        assert_int_equal(change_email(&m, "not an address", DEMO_PW, NULL), 422);
        assert_int_equal(mailbox_count("moved@example.org", NULL), 0);
        assert_int_equal(change_email(&m, "moved@example.org", DEMO_PW, &r), 303);
        resp_free(&r);
        assert_int_equal(mailbox_count("moved@example.org", "email_change"), 1);
        assert_int_equal(mailbox_count("mover@kindred.test", "email_changed"), 1);
        char msg[65536];
        assert_true(mailbox_newest("mover@kindred.test", "email_changed", msg, sizeof(msg)));
        assert_non_null(strstr(msg, "moved@example.org"));
        assert_non_null(strstr(msg, "/password/forgot"));
        char email[128];
        db_text("SELECT email FROM member WHERE handle_key = 'mover'", email, sizeof(email));
        assert_string_equal(email, "mover@kindred.test"); /* not yet */
        char token[128], path[256];
        assert_true(mailbox_token("moved@example.org", "email_change", "/settings/email/confirm",
                                  token, sizeof(token)));
        snprintf(path, sizeof(path), "/settings/email/confirm?token=%s", token);
        get(NULL, path, &r);
        expect_status(&r, 200, "the confirmation page");
        expect_in(&r, "moved@example.org", "the new address");
        resp_free(&r);
        db_text("SELECT email FROM member WHERE handle_key = 'mover'", email, sizeof(email));
        assert_string_equal(email, "mover@kindred.test"); /* a GET changes nothing */
        assert_int_equal(post_token(NULL, path, "/settings/email/confirm", token, NULL, NULL, &r),
                         200);
        expect_in(&r, "moved@example.org", "the address now used");
        resp_free(&r);
        db_text("SELECT email FROM member WHERE handle_key = 'mover'", email, sizeof(email));
        assert_string_equal(email, "moved@example.org");
        assert_int_equal(
            post_token(NULL, "/login", "/settings/email/confirm", token, NULL, NULL, NULL), 410);
        /* An address another member has: the same answer, no link (it could not be used). */
        assert_int_equal(change_email(&m, "mira@kindred.test", DEMO_PW, NULL), 303);
        assert_int_equal(mailbox_count("mira@kindred.test", "email_change"), 0);
        /* An address taken between the request and the link: refused when the link is used. */
        assert_int_equal(change_email(&m, "contested@example.org", DEMO_PW, NULL), 303);
        assert_true(mailbox_token("contested@example.org", "email_change",
                                  "/settings/email/confirm", token, sizeof(token)));
        struct member rival = {0};
        assert_int_equal(send_signup(&rival, "rival", "contested@example.org", "Rival", NULL), 200);
        assert_int_equal(confirm_signup(&rival, "contested@example.org"), 303);
        snprintf(path, sizeof(path), "/settings/email/confirm?token=%s", token);
        assert_int_equal(post_token(NULL, path, "/settings/email/confirm", token, NULL, NULL, &r),
                         409);
        resp_free(&r);
        db_text("SELECT email FROM member WHERE handle_key = 'mover'", email, sizeof(email));
        assert_string_equal(email, "moved@example.org");
}

/* ---------------------------------------------------------------- safety */

static void mail_per_address_is_capped(void **state)
{
        (void)state;
        /* Sign-ups to one new address: three mails an hour, then the same page and nothing. */
        char handle[32];
        for (int i = 0; i < 5; i++) {
                struct member m = {0};
                snprintf(handle, sizeof(handle), "flood%d", i);
                struct http_resp r;
                assert_int_equal(send_signup(&m, handle, "victim@example.org", "Flood", &r), 200);
                expect_in(&r, "Check your inbox", "the same answer past the cap");
                resp_free(&r);
        }
        assert_int_equal(mailbox_count("victim@example.org", NULL), 3);
        /* Sign-up and reset mail share the cap of a registered address. */
        struct member g = {0};
        assert_int_equal(send_signup(&g, "flood_x", "mira@kindred.test", "Flood", NULL), 200);
        for (int i = 0; i < 3; i++)
                assert_int_equal(send_forgot(&g, "mira@kindred.test", NULL), 200);
        assert_int_equal(mailbox_count("mira@kindred.test", "signup_exists") +
                             mailbox_count("mira@kindred.test", "reset"),
                         3);
}

static void resets_are_rate_limited_per_client(void **state)
{
        (void)state;
        struct member g = {0};
        char email[64];
        int limited = 0;
        for (int i = 0; i < 12; i++) {
                snprintf(email, sizeof(email), "nobody%d@example.org", i);
                struct http_resp r;
                int status = send_forgot(&g, email, &r);
                if (status == 429) {
                        char wait[32];
                        header(&r, "Retry-After", wait, sizeof(wait));
                        assert_true(atoi(wait) > 0);
                        limited++;
                } else {
                        assert_int_equal(status, 200);
                }
                resp_free(&r);
        }
        assert_int_equal(limited, 2); /* KD_RESETS_PER_IP_PER_HOUR is 10 */
        /* the API counts against the same limit */
        struct member api_guest = {0};
        struct http_resp r;
        get(&api_guest, "/api/v1/me", &r);
        jar_update(&api_guest.jar, &r);
        json_t *me = json_of(&r);
        snprintf(api_guest.csrf, sizeof(api_guest.csrf), "%s", jstr(me, "csrf_token"));
        json_decref(me);
        resp_free(&r);
        api(&api_guest, "POST", "/api/v1/password/forgot", "{\"email\":\"x@example.org\"}", true,
            &r);
        expect_api_error(&r, 429, "Too many", "the API past the limit");
        resp_free(&r);
}

static void names_with_line_breaks_cannot_inject_headers(void **state)
{
        (void)state;
        const char *names[] = {"Eve\r\nBcc: victim@evil.example", "Eve\rBcc: victim@evil.example",
                               "Eve\nBcc: victim@evil.example"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                struct member m = {0};
                assert_int_equal(send_signup(&m, "eve", "eve@example.org", names[i], NULL), 422);
        }
        struct member m = {0};
        assert_int_equal(
            send_signup(&m, "eve", "eve@example.org\r\nBcc: victim@evil.example", "Eve", NULL),
            422);
        assert_int_equal(mailbox_count("eve@example.org", NULL), 0);
        /* A name with a line break already stored (an import, an old row) still cannot reach
         * a header: the message is refused, the page answers as ever. */
        signup_as(&m, "stored_eve");
        if (srv.database_url[0])
                db_exec("UPDATE member SET display_name = E'Eve\\r\\nBcc: victim@evil.example'"
                        " WHERE handle_key = 'stored_eve'");
        else
                db_exec("UPDATE member SET display_name = 'Eve' || char(13, 10) ||"
                        " 'Bcc: victim@evil.example' WHERE handle_key = 'stored_eve'");
        struct member g = {0};
        assert_int_equal(send_forgot(&g, "stored_eve@kindred.test", NULL), 200);
        assert_int_equal(mailbox_count("stored_eve@kindred.test", "reset"), 0);
        assert_int_equal(
            db_int("SELECT count(*) FROM mail_outbox WHERE message LIKE '%Bcc: victim%'"), 0);
}

static void the_api_resets_with_the_same_rules(void **state)
{
        (void)state;
        struct member m;
        signup_as(&m, "api_user");
        struct member g = {0};
        struct http_resp r;
        get(&g, "/api/v1/me", &r);
        jar_update(&g.jar, &r);
        json_t *me = json_of(&r);
        snprintf(g.csrf, sizeof(g.csrf), "%s", jstr(me, "csrf_token"));
        json_decref(me);
        resp_free(&r);
        api(&g, "POST", "/api/v1/password/forgot", "{\"email\":\"api_user@kindred.test\"}", true,
            &r);
        expect_status(&r, 202, "a known address");
        char known[256];
        snprintf(known, sizeof(known), "%s", r.body);
        resp_free(&r);
        api(&g, "POST", "/api/v1/password/forgot", "{\"email\":\"ghost@kindred.test\"}", true, &r);
        expect_status(&r, 202, "an unknown address");
        assert_string_equal(r.body, known);
        resp_free(&r);
        api(&g, "POST", "/api/v1/password/forgot", "{\"email\":\"not an address\"}", true, &r);
        expect_api_error(&r, 422, "email", "a malformed address");
        resp_free(&r);
        api(&g, "POST", "/api/v1/password/forgot", "{\"email\":\"api_user@kindred.test\"}", false,
            &r);
        expect_status(&r, 403, "no CSRF token");
        resp_free(&r);
        mailbox_settle();
        char token[128], json[512];
        assert_true(mailbox_token("api_user@kindred.test", "reset", "/password/reset", token,
                                  sizeof(token)));
        snprintf(json, sizeof(json), "{\"token\":\"%s\",\"password\":\"short\"}", token);
        api(&g, "POST", "/api/v1/password/reset", json, true, &r);
        expect_api_error(&r, 422, "10 characters", "a short password");
        resp_free(&r);
        snprintf(json, sizeof(json), "{\"token\":\"%s\",\"password\":\"an API passphrase\"}",
                 token);
        api(&g, "POST", "/api/v1/password/reset", json, true, &r);
        expect_status(&r, 200, "a reset through the API");
        resp_free(&r);
        api(&g, "POST", "/api/v1/password/reset", json, true, &r);
        expect_api_error(&r, 410, "", "the same token again");
        resp_free(&r);
        api(&g, "POST", "/api/v1/password/reset",
            "{\"token\":\"nonsense\",\"password\":\"an API passphrase\"}", true, &r);
        expect_api_error(&r, 404, "", "an unknown token");
        resp_free(&r);
        assert_int_equal(status_of(&m, "/settings"), 303); /* sessions ended */
        struct member again;
        login_as(&again, "api_user", "an API passphrase");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, kd_fixture_start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(signup_answers_the_same_for_a_registered_address),
            T(the_confirmation_link_works_once),
            T(an_expired_confirmation_link_is_refused),
            T(a_handle_taken_meanwhile_is_explained),
            T(the_reset_link_sets_a_password_once_and_ends_sessions),
            T(a_newer_reset_link_revokes_the_older),
            T(changing_the_password_sends_a_notice),
            T(a_new_address_applies_only_after_its_link),
            T(mail_per_address_is_capped),
            T(resets_are_rate_limited_per_client),
            T(names_with_line_breaks_cannot_inject_headers),
            T(the_api_resets_with_the_same_rules),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("account mail", tests, NULL, NULL);
}
