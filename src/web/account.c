/* Account pages: sign up, log in (throttled), log out, profile and password settings. */
#include "web/account.h"
#include "model/time_zone.h"
#include "web/time_zone.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "mail/address.h"
#include "model/job_worker.h"
#include "model/member.h"
#include "model/session.h"
#include "web/account_mail.h"
#include "web/cards.h"
#include "web/language.h"
#include "web/layout.h"
#include "web/mail_prefs.h"
#include "web/render.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* A local path to return to after logging in; anything else becomes "/". */
static const char *safe_next(const char *next)
{
        return http_local_path(next) ? next : "/";
}

static int start_session(struct request *req, int64_t member_id, const char *next)
{
        char token[SESSION_TOKEN_CHARS + 1];
        if (session_create(req->db, member_id, req->config->session_days, token) != SESSION_OK)
                return req_fail(req, 503, N_("Could not start a session. Try again shortly."));
        resp_cookie(req, WEB_SESSION_COOKIE, token, (long)req->config->session_days * 86400,
                    req->config->secure_cookies);
        return resp_redirect(req, safe_next(next));
}

/* The translated problem for field, or NULL when the problem is elsewhere (or none). */
static const char *field_error(struct render *r, const struct member_problem *p, const char *field)
{
        if (!p || !p->field || strcmp(p->field, field) != 0)
                return NULL;
        return _(p->message);
}

/* ---------------------------------------------------------------- sign up */

static int signup_page(struct render *r, int status, const struct member_input *in,
                       const struct member_problem *p, const char *form_error)
{
        struct buf *b = r->out;
        buf_reset(b);
        struct page_meta meta = {
            .title = _("Join"),
            .description = _("Members react, comment, answer prompts and talk with each other.")};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Join the community"));
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_text(b, _("Members react, comment, answer prompts and talk with each other."));
        html_lit(b, "</p>\n");
        if (form_error)
                page_notice(r, true, form_error);
        html_lit(b, "<form method=\"post\" action=\"/signup\" class=\"stack\">\n");
        form_csrf(r);
        if (r->req && *req_param(r->req, "next")) {
                html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
                html_attr(b, safe_next(req_param(r->req, "next")));
                html_lit(b, "\">\n");
        }
        form_input(r, _("Handle"), "handle", "text", in ? in->handle : NULL, "username",
                   KD_HANDLE_MAX_CHARS, field_error(r, p, "handle"));
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("2 to 30 letters, digits or underscores, starting with a letter. Your "
                       "page will be at /@handle."));
        html_lit(b, "</p>\n");
        form_input(r, _("Display name"), "display_name", "text", in ? in->display_name : NULL,
                   "name", KD_DISPLAY_NAME_MAX, field_error(r, p, "display_name"));
        form_input(r, _("Headline (one line about you)"), "headline", "text",
                   in ? in->headline : NULL, "off", KD_HEADLINE_MAX, field_error(r, p, "headline"));
        form_input(r, _("Email"), "email", "email", in ? in->email : NULL, "email", 0,
                   field_error(r, p, "email"));
        form_input(r, _("Password (at least 10 characters)"), "password", "password", NULL,
                   "new-password", 0, field_error(r, p, "password"));
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Create account"));
        html_lit(b, "</button>\n</form>\n<p>");
        html_text(b, _("Already a member?"));
        html_lit(b, " <a href=\"/login\">");
        html_text(b, _("Log in"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_signup_form(struct request *req)
{
        struct render *r = render_for_request(req);
        if (req_signed_in(req))
                return resp_redirect(req, "/");
        return signup_page(r, 200, NULL, NULL, NULL);
}

int web_signup(struct request *req)
{
        struct render *r = render_for_request(req);
        struct member_input in = {
            .handle = req_param(req, "handle"),
            .display_name = req_param(req, "display_name"),
            .headline = req_param(req, "headline"),
            .email = req_param(req, "email"),
            .password = req_param(req, "password"),
        };
        struct member_problem p = {0};
        if (member_validate_signup(&in, &p) != MEMBER_OK)
                return signup_page(r, 422, &in, &p, _("Please check the highlighted field."));
        /* The address must be one mail can go to: the account is made from a link sent there. */
        if (!mail_address_valid(in.email)) {
                p.field = "email";
                p.message = "Please give an email address like name@example.org.";
                return signup_page(r, 422, &in, &p, _("Please check the highlighted field."));
        }
        /* Handles are public (every profile shows one), so saying one is taken tells nothing
         * that /@handle does not. Whether an address is registered is never said. */
        int taken = member_handle_taken(req->db, in.handle);
        if (taken < 0)
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        if (taken) {
                p.field = "handle";
                p.message = "That handle is taken. Try another.";
                return signup_page(r, 409, &in, &p, _("That handle is taken. Try another."));
        }
        char key[80];
        snprintf(key, sizeof(key), "signup:%s", req->client_ip);
        unsigned wait = rate_limit_hit(req->guards->signup_by_ip, key, time_now());
        if (wait) {
                char secs[16];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
                return req_fail(req, 429,
                                N_("Too many accounts were created from this address. Try again "
                                   "later."));
        }
        /* Always by mail: the member is made when the link sent to the address is used
         * (web/account_mail.c). */
        return account_mail_signup(req, &in, req_param(req, "next"));
}

/* ---------------------------------------------------------------- log in / out */

static int login_page(struct request *req, int status, const char *login, const char *error)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Log in"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Log in"));
        html_lit(b, "</h1>\n");
        if (error)
                page_notice(r, true, error);
        else if (strncmp(req_param(req, "next"), "/kept/", 6) == 0) /* web/kept_form.h */
                page_notice(r, false,
                            _("Your session had ended, so your form was not sent. Its text is "
                              "kept: log in to check it and send it."));
        html_lit(b, "<form method=\"post\" action=\"/login\" class=\"stack\">\n");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
        html_attr(b, safe_next(req_param(req, "next")));
        html_lit(b, "\">\n");
        form_input(r, _("Handle or email"), "login", "text", login, "username", 0, NULL);
        form_input(r, _("Password"), "password", "password", NULL, "current-password", 0, NULL);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Log in"));
        html_lit(b, "</button>\n</form>\n<p><a href=\"/password/forgot\">");
        html_text(b, _("Forgot your password?"));
        html_lit(b, "</a></p>\n<p>");
        html_text(b, _("New here?"));
        html_lit(b, " <a href=\"/signup\">");
        html_text(b, _("Join the community"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_login_form(struct request *req)
{
        if (req_signed_in(req))
                return resp_redirect(req, safe_next(req_param(req, "next")));
        return login_page(req, 200, NULL, NULL);
}

static unsigned longest_wait(struct request *req, const char *handle_key, const char *ip_key,
                             int64_t now)
{
        unsigned a = throttle_check(req->guards->login_by_handle, handle_key, now);
        unsigned b = throttle_check(req->guards->login_by_ip, ip_key, now);
        return a > b ? a : b;
}

int web_login(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *login = req_param(req, "login");
        const char *password = req_param(req, "password");
        /* Failures count per account, whichever name it was given by (handle or email), and
         * per address. A name that is no account still gets a ladder of its own. */
        char handle_key[96], ip_key[80];
        int64_t member_id = member_id_for_login(req->db, login);
        if (member_id < 0)
                return req_fail(req, 503, N_("Could not check the password. Try again shortly."));
        if (member_id > 0) {
                snprintf(handle_key, sizeof(handle_key), "member:%lld", (long long)member_id);
        } else {
                size_t i = 0;
                memcpy(handle_key, "name:", 5); /* never equal to a "member:" key */
                for (; login[i] && i < 64; i++)
                        handle_key[5 + i] = (char)tolower((unsigned char)login[i]);
                handle_key[5 + i] = '\0';
        }
        snprintf(ip_key, sizeof(ip_key), "ip:%s", req->client_ip);
        int64_t now = time_now();

        unsigned wait = longest_wait(req, handle_key, ip_key, now);
        if (wait) {
                char secs[16];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
                const char *msg =
                    arena_printf(req->arena,
                                 _n("Too many failed attempts. Try again in %u second.",
                                    "Too many failed attempts. Try again in %u seconds.", wait),
                                 wait);
                return login_page(req, 429, login, msg);
        }
        if (!*login || !*password)
                return login_page(req, 422, login,
                                  _("Please give your handle or email and your "
                                    "password."));
        struct member m;
        int rc = member_authenticate(req->db, req->arena, login, password, &m);
        if (rc == MEMBER_OK) {
                throttle_reset(req->guards->login_by_handle, handle_key);
                return start_session(req, m.id, req_param(req, "next"));
        }
        if (rc == MEMBER_DB_ERROR)
                return req_fail(req, 503, N_("Could not check the password. Try again shortly."));
        throttle_fail(req->guards->login_by_handle, handle_key, now);
        throttle_fail(req->guards->login_by_ip, ip_key, now);
        if (rc == MEMBER_DISABLED)
                return login_page(req, 403, login, _("This account is disabled."));
        return login_page(req, 422, login, _("That handle or password is not right."));
}

int web_logout(struct request *req)
{
        if (req->viewer.session_token &&
            session_delete(req->db, req->viewer.session_token) != SESSION_OK)
                return req_fail(req, 503, N_("Could not log out. Try again shortly."));
        resp_cookie(req, WEB_SESSION_COOKIE, "", -1, req->config->secure_cookies);
        return resp_redirect(req, "/");
}

/* ---------------------------------------------------------------- settings */

static int settings_page(struct request *req, int status, const struct member_input *in,
                         const struct member_problem *p, const char *message, bool is_error,
                         const char *email_field)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        struct member me;
        if (member_get(req->db, req->arena, req->viewer.id, &me) != MEMBER_OK)
                return req_fail(req, 503, N_("Could not load your account."));
        struct member_input cur = {me.handle, me.display_name, me.headline, me.bio, me.email, NULL};
        if (!in)
                in = &cur;
        page_begin(r, _("Settings"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Settings"));
        html_lit(b, "</h1>\n");
        if (message)
                page_notice(r, is_error, message);
        html_lit(b, "<h2>");
        html_text(b, _("Profile"));
        html_lit(b, "</h2>\n<p class=\"hint\">");
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        html_lit(r->out, "<strong>@");
        html_text(r->out, me.handle);
        html_lit(r->out, "</strong>");
        struct html_frag handle = html_frag_end(r, &scratch, saved);
        /* TRANSLATORS: %s is the member's @handle */
        html_sentence(r, _("Your handle: %s"), 1, &handle);
        html_lit(b, " <a href=\"/@");
        html_url_arg(b, me.handle);
        html_lit(b, "\">");
        html_text(b, _("See your public profile"));
        html_lit(b, "</a> · <a href=\"/settings/avatar\">");
        html_text(b, _("Change your picture"));
        html_lit(b, "</a></p>\n<form method=\"post\" action=\"/settings/profile\" "
                    "class=\"stack\">\n");
        form_csrf(r);
        form_input(r, _("Display name"), "display_name", "text", in->display_name, "name",
                   KD_DISPLAY_NAME_MAX, field_error(r, p, "display_name"));
        form_input(r, _("Headline (one line about you)"), "headline", "text", in->headline, "off",
                   KD_HEADLINE_MAX, field_error(r, p, "headline"));
        html_lit(b, "<div class=\"field\">\n<label for=\"f-bio\">");
        html_text(b, _("About you"));
        html_lit(b, "</label>\n<p class=\"hint\" id=\"f-bio-hint\">");
        html_text(b, _("Shown on your profile. Markdown works: *italic*, **bold**, "
                       "[links](https://…)."));
        html_lit(b, "</p>\n<textarea id=\"f-bio\" name=\"bio\" rows=\"5\" "
                    "aria-describedby=\"f-bio-hint\"");
        html_maxlength(b, KD_BIO_MAX);
        html_lit(b, ">\n"); /* parsers drop a newline right here, so a leading one survives */
        html_text(b, in->bio);
        html_lit(b, "</textarea>\n");
        if (field_error(r, p, "bio")) {
                html_lit(b, "<p class=\"field-error\">");
                html_text(b, field_error(r, p, "bio"));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</div>\n");
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Save profile"));
        html_lit(b, "</button>\n</form>\n");
        account_mail_settings_section(r, me.email, email_field, is_error ? message : NULL);
        html_lit(b, "<h2>");
        html_text(b, _("Password"));
        html_lit(b,
                 "</h2>\n<form method=\"post\" action=\"/settings/password\" class=\"stack\">\n");
        form_csrf(r);
        form_input(r, _("Current password"), "current_password", "password", NULL,
                   "current-password", 0, field_error(r, p, "current_password"));
        form_input(r, _("New password (at least 10 characters)"), "new_password", "password", NULL,
                   "new-password", 0, field_error(r, p, "new_password"));
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Change password"));
        html_lit(b, "</button>\n</form>\n");
        language_settings_section(r, me.language);
        time_zone_settings_section(r, member_time_zone(req->db, req->arena, me.id));
        mail_prefs_settings_section(r, req->db, me.id);
        html_lit(b, "<h2>");
        html_text(b, _("Email subscriptions"));
        html_lit(b, "</h2>\n<p><a href=\"/settings/email-subscriptions\">");
        html_text(b, _("Choose which newsletters come to your inbox"));
        html_lit(b, "</a></p>\n");
        html_lit(b, "<h2>");
        html_text(b, _("Your events"));
        html_lit(b, "</h2>\n<p><a href=\"/account/events\">");
        html_text(b, _("See what Kindred records about you, and download it"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_settings(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *saved = req_param(req, "saved");
        const char *msg = NULL;
        if (strcmp(saved, "profile") == 0)
                msg = _("Your profile is saved.");
        else if (strcmp(saved, "password") == 0)
                msg = _("Your password is changed. Other sessions were logged out.");
        else if (strcmp(saved, "language") == 0)
                msg = _("Your language is saved.");
        else if (strcmp(saved, "time-zone") == 0)
                msg = _("Your time zone is saved.");
        else if (strcmp(saved, "reset") == 0)
                msg = _("Your new password is saved. Every other session was logged out.");
        else if (strcmp(saved, "email") == 0)
                msg = _("Open the link we mailed to the new address: your email changes when "
                        "you do. Until then the old one stays.");
        return settings_page(req, 200, NULL, NULL, msg, false, NULL);
}

int web_settings_page(struct request *req, int status, const char *email_field, const char *error)
{
        return settings_page(req, status, NULL, NULL, error, true, email_field);
}

int web_settings_profile(struct request *req)
{
        struct render *r = render_for_request(req);
        struct member_input in = {
            .display_name = req_param(req, "display_name"),
            .headline = req_param(req, "headline"),
            .bio = req_param(req, "bio"),
        };
        struct member me;
        if (member_get(req->db, req->arena, req->viewer.id, &me) != MEMBER_OK)
                return req_fail(req, 503, N_("Could not load your account."));
        in.email = me.email; /* the address changes through its own form, confirmed by mail */
        struct member_problem p = {0};
        int rc = member_update_profile(req->db, req->viewer.id, &in, &p);
        if (rc == MEMBER_OK)
                return resp_redirect(req, "/settings?saved=profile");
        if (rc == MEMBER_INVALID)
                return settings_page(req, 422, &in, &p, _("Please check the highlighted field."),
                                     true, NULL);
        return req_fail(req, 503, N_("Could not save the profile. Try again shortly."));
}

int web_settings_password(struct request *req)
{
        struct render *r = render_for_request(req);
        struct member_problem p = {0};
        int rc = member_check_password(req->db, req->viewer.id, req_param(req, "current_password"));
        if (rc == MEMBER_WRONG_PASSWORD) {
                p.field = "current_password";
                p.message = "The current password is not right.";
                return settings_page(req, 422, NULL, &p, _("The current password is not right."),
                                     true, NULL);
        }
        if (rc != MEMBER_OK)
                return req_fail(req, 503, N_("Could not change the password. Try again shortly."));
        const char *next = req_param(req, "new_password");
        const char *problem = member_password_problem(next);
        if (problem) {
                p.field = "new_password";
                p.message = problem;
                return settings_page(req, 422, NULL, &p, _(problem), true, NULL);
        }
        char hash[crypto_pwhash_STRBYTES]; /* before the transaction: it takes ~30 ms */
        if (member_hash_password(next, hash) < 0 || db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("Could not change the password. Try again shortly."));
        /* A changed password ends every other session (the usual reason to change it is that
         * someone else may know it) and pending reset links, and the member is told by mail. */
        if (account_password_set(req, req->viewer.id, hash, req->viewer.session_token) !=
                ACCOUNT_OK ||
            db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                return req_fail(req, 503, N_("Could not change the password. Try again shortly."));
        }
        job_worker_wake();
        return resp_redirect(req, "/settings?saved=password");
}
