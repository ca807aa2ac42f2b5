/* Account mail's pages: sign-up confirmed by mail, password reset, a new address confirmed by
 * mail (web/account_mail.h; docs/mail.md, "Account mail"). */
#include "web/account_mail.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "mail/address.h"
#include "model/job.h"
#include "model/job_worker.h"
#include "model/mail_token.h"
#include "model/member.h"
#include "model/session.h"
#include "web/account.h"
#include "web/account_letters.h"
#include "web/layout.h"
#include "web/welcome.h"
#include "web/render.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

/* The address in lower case: how tokens are filed for the per-address caps. */
static const char *address_key(struct arena *a, const char *email)
{
        char *k = arena_strdup(a, email);
        for (char *p = k; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        return k;
}

/* Tokens of purpose made for address within the last hour, summed over a NULL-ended list of
 * purposes; -1 on a database error. */
static long recent_links(struct db *db, const char *const *purposes, const char *key, int64_t now)
{
        long total = 0;
        for (; *purposes; purposes++) {
                long n = mail_token_count_since(db, *purposes, key, now - 3600);
                if (n < 0)
                        return -1;
                total += n;
        }
        return total;
}

static const char *const signup_or_reset[] = {"signup", "reset", NULL};

/* A page of a heading, a paragraph and optional link: the answers of this file. */
static int message_page(struct request *req, int status, const char *title, const char *text,
                        const char *href, const char *link_text)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, title);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<p>");
        html_text(b, text);
        html_lit(b, "</p>\n");
        if (href) {
                html_lit(b, "<p><a href=\"");
                html_attr(b, href);
                html_lit(b, "\">");
                html_text(b, link_text);
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "</section>\n");
        return page_end(r, status);
}

/* The page for a link that does not work: unknown (404), used or expired (410). */
static int bad_link_page(struct request *req, enum mail_token_result why, const char *again_href,
                         const char *again_text)
{
        struct render *r = render_for_request(req);
        if (why == MAIL_TOKEN_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (why == MAIL_TOKEN_UNKNOWN)
                return message_page(req, 404, _("This link does not work"),
                                    _("This link is not one the site sent, or it was copied "
                                      "incompletely. Ask for a new one."),
                                    again_href, again_text);
        if (why == MAIL_TOKEN_USED)
                return message_page(req, 410, _("This link was already used"),
                                    _("Each link in our mail works once. Ask for a new one if "
                                      "you still need it."),
                                    again_href, again_text);
        return message_page(req, 410, _("This link has expired"),
                            _("Links in our mail work for a limited time. Ask for a new one."),
                            again_href, again_text);
}

/* A form that only carries the token back and a button. */
static void token_form(struct render *r, const char *action, const char *token, const char *button)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" action=\"");
        html_attr(b, action);
        html_lit(b, "\" class=\"stack\">\n");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"token\" value=\"");
        html_attr(b, token);
        html_lit(b, "\">\n<button type=\"submit\">");
        html_text(b, button);
        html_lit(b, "</button>\n</form>\n");
}

static int start_session(struct request *req, int64_t member_id, const char *next)
{
        char token[SESSION_TOKEN_CHARS + 1];
        if (session_create(req->db, member_id, req->config->session_days, token) != SESSION_OK)
                return req_fail(req, 503, N_("Could not start a session. Try again shortly."));
        resp_cookie(req, WEB_SESSION_COOKIE, token, (long)req->config->session_days * 86400,
                    req->config->secure_cookies);
        return resp_redirect(req, next && http_local_path(next) ? next : "/");
}

static unsigned limited(struct request *req, struct rate_limit *limit, const char *key)
{
        unsigned wait = rate_limit_hit(limit, key, time_now());
        if (wait) {
                char secs[16];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
        }
        return wait;
}

/* ---------------------------------------------------------------- sign-up */

/* The "Check your inbox" answer: the same for a new and a registered address. */
static int check_inbox_page(struct request *req, const char *email)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Check your inbox"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Check your inbox"));
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_text(b, arena_printf(r->arena, _("We sent a mail to %s."), email));
        html_lit(b, "</p>\n<p>");
        html_text(b, _("Open the link in it to confirm your address and create your account. "
                       "The link works for 24 hours."));
        html_lit(b, "</p>\n<p class=\"hint\">");
        html_text(b, _("Nothing after a few minutes? Look in your spam folder and check the "
                       "address."));
        html_lit(b, " <a href=\"/signup\">");
        html_text(b, _("Sign up again"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, 200);
}

/* What a pending sign-up keeps in its link's row until the link is used. */
static char *signup_payload(const struct member_input *in, const char *hash, const char *language,
                            const char *next)
{
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "handle", in->handle, "display_name",
                      in->display_name, "headline", in->headline ? in->headline : "", "email",
                      in->email, "password_hash", hash, "language", language ? language : "",
                      "next", next && http_local_path(next) ? next : "/");
        char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        return text;
}

int account_mail_signup(struct request *req, const struct member_input *in, const char *next)
{
        struct render *r = render_for_request(req);
        /* Hashed whether or not the address is registered, so the answer takes as long. */
        char hash[crypto_pwhash_STRBYTES];
        if (member_hash_password(in->password, hash) < 0)
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        struct member m;
        int found = member_find_email(req->db, req->arena, in->email, &m);
        if (found != MEMBER_OK && found != MEMBER_NOT_FOUND)
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        const char *key = address_key(req->arena, in->email);
        int64_t now = time_now();
        if (db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        long recent = recent_links(req->db, signup_or_reset, key, now);
        enum mail_queue_result q = MAIL_QUEUED;
        bool send = recent >= 0 && recent < KD_ACCOUNT_MAILS_PER_ADDRESS_HOUR;
        char token[TOKEN_CHARS + 1];
        if (recent < 0) {
                q = MAIL_DB_ERROR;
        } else if (!send) {
                log_info("account: sign-up mail to an address past its hourly cap not sent");
        } else if (found == MEMBER_NOT_FOUND) {
                const char *language = i18n_tag(r->locale);
                char *payload = signup_payload(in, hash, language, next);
                if (!payload || mail_token_create(req->db, "signup", 0, key, payload, now,
                                                  KD_SIGNUP_LINK_TTL_S, token) != MAIL_TOKEN_OK)
                        q = MAIL_DB_ERROR;
                else
                        q = letter_signup_confirm(
                            req->db, req->arena, req->config, now,
                            &(struct letter_to){in->display_name, in->email, language}, in->handle,
                            token);
                free(payload);
        } else if (!m.disabled) {
                /* The owner gets a fresh reset link with the notice: who forgot a password
                 * and tries to sign up again is helped at once. */
                if (mail_token_revoke(req->db, "reset", m.id, now) < 0 ||
                    mail_token_create(req->db, "reset", m.id, key, "", now, KD_RESET_LINK_TTL_S,
                                      token) != MAIL_TOKEN_OK)
                        q = MAIL_DB_ERROR;
                else
                        q = letter_signup_exists(
                            req->db, req->arena, req->config, now,
                            &(struct letter_to){m.display_name, m.email, m.language}, m.handle,
                            token);
        }
        if (q == MAIL_DB_ERROR) {
                db_rollback(req->db);
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        }
        if (q != MAIL_QUEUED) {
                /* A suppressed address (it refused mail for good) or a refused message: the
                 * page still answers the same; the log says why nothing went. */
                log_warn("account: sign-up mail not queued (%d)", (int)q);
                db_rollback(req->db);
        } else if (db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        } else if (send) {
                job_worker_wake();
        }
        return check_inbox_page(req, in->email);
}

static const char *json_field(json_t *o, const char *name)
{
        const char *s = json_string_value(json_object_get(o, name));
        return s ? s : "";
}

int web_signup_confirm_form(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_peek(req->db, req->arena, "signup", token, time_now(), &t);
        if (rc != MAIL_TOKEN_OK)
                return bad_link_page(req, rc, "/signup", _("Sign up again"));
        json_t *o = json_loads(t.payload, 0, NULL);
        const char *handle = arena_strdup(req->arena, json_field(o, "handle"));
        json_decref(o);
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Confirm your account"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Confirm your account"));
        html_lit(b, "</h1>\n<p>");
        html_text(b, arena_printf(r->arena,
                                  _("Your address is confirmed once you press the "
                                    "button; then the account @%s is made and you "
                                    "are logged in."),
                                  handle));
        html_lit(b, "</p>\n");
        token_form(r, "/signup/confirm", token, _("Confirm and create my account"));
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

int web_signup_confirm(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        if (db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_take(req->db, req->arena, "signup", token, time_now(), &t);
        if (rc != MAIL_TOKEN_OK) {
                db_rollback(req->db);
                return bad_link_page(req, rc, "/signup", _("Sign up again"));
        }
        json_t *o = json_loads(t.payload, 0, NULL);
        struct member_input in = {
            .handle = arena_strdup(req->arena, json_field(o, "handle")),
            .display_name = arena_strdup(req->arena, json_field(o, "display_name")),
            .headline = arena_strdup(req->arena, json_field(o, "headline")),
            .email = arena_strdup(req->arena, json_field(o, "email")),
        };
        const char *hash = arena_strdup(req->arena, json_field(o, "password_hash"));
        const char *language = arena_strdup(req->arena, json_field(o, "language"));
        const char *next = arena_strdup(req->arena, json_field(o, "next"));
        json_decref(o);
        struct member_problem p = {0};
        int64_t id = 0;
        int created = member_create_hashed(req->db, &in, hash, ROLE_READER, &id, &p);
        if (created == MEMBER_OK && *language && i18n_find(language))
                created = member_set_language(req->db, id, language);
        if (created != MEMBER_OK) {
                /* The link stays as it was: nothing of this attempt is kept. */
                db_rollback(req->db);
                if (created == MEMBER_HANDLE_TAKEN)
                        return message_page(
                            req, 409, _("That handle was taken meanwhile"),
                            arena_printf(r->arena,
                                         _("Someone else took the handle @%s after you signed "
                                           "up. Sign up again with another handle."),
                                         in.handle),
                            "/signup", _("Sign up again"));
                if (created == MEMBER_EMAIL_TAKEN)
                        return message_page(req, 409, _("This address has an account now"),
                                            _("An account with this address was made after you "
                                              "signed up (perhaps by another link of yours). Log "
                                              "in, or choose a new password if you forgot it."),
                                            "/password/forgot", _("Forgot your password?"));
                if (created == MEMBER_INVALID)
                        return message_page(req, 422, _("This sign-up cannot be completed"),
                                            _("Something in it no longer follows the site's "
                                              "rules. Sign up again."),
                                            "/signup", _("Sign up again"));
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        }
        if (db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                return req_fail(req, 503, N_("Could not create the account. Try again shortly."));
        }
        log_info("account: @%s confirmed its address and joined", in.handle);
        /* a new member's first page is the welcome (web/welcome.h), which leads on to next */
        return start_session(req, id, welcome_path(req->arena, next));
}

/* ---------------------------------------------------------------- password reset */

static int forgot_page(struct request *req, int status, const char *email, const char *error,
                       const char *sent_to)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Forgot your password?"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Forgot your password?"));
        html_lit(b, "</h1>\n");
        if (sent_to) {
                page_notice(r, false,
                            arena_printf(r->arena,
                                         _("If an account uses %s, a link to choose a new password "
                                           "is on its way there. It works once, for an hour."),
                                         sent_to));
                html_lit(b, "<p class=\"hint\">");
                html_text(b, _("Nothing after a few minutes? Look in your spam folder, or check "
                               "the address and ask again."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p>");
        html_text(b, _("Give the address of your account: we mail you a link to choose a new "
                       "password."));
        html_lit(b, "</p>\n<form method=\"post\" action=\"/password/forgot\" class=\"stack\">\n");
        form_csrf(r);
        form_input(r, _("Email"), "email", "email", email, "email", 0, error);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Send me a link"));
        html_lit(b, "</button>\n</form>\n<p><a href=\"/login\">");
        html_text(b, _("Log in"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_password_forgot_form(struct request *req)
{
        return forgot_page(req, 200, NULL, NULL, NULL);
}

/* ---- the reset mail, sent from a job
 *
 * A request for a reset link queues a job with the address and nothing else, whether or not an
 * account uses it: every answer costs the same one insert, so its timing tells no more than its
 * text (measured before: a registered address took ~6 ms more, one commit of a token and a
 * mail). The job looks the member up and mails the link. */

static const struct config *reset_config; /* the site's, for the letter (account_mail_start) */

/* Mails a reset link to the member with address email when there is one, enabled, within the
 * per-address cap. Returns 0, or -1 on a database error (the job is tried again). */
static int send_reset_link(struct db *db, struct arena *a, const char *email)
{
        struct member m;
        int found = member_find_email(db, a, email, &m);
        if (found == MEMBER_NOT_FOUND || (found == MEMBER_OK && m.disabled))
                return 0;
        if (found != MEMBER_OK)
                return -1;
        const char *addr_key = address_key(a, email);
        int64_t now = time_now();
        if (db_begin(db) != DB_OK)
                return -1;
        long recent = recent_links(db, signup_or_reset, addr_key, now);
        if (recent < 0) {
                db_rollback(db);
                return -1;
        }
        if (recent >= KD_ACCOUNT_MAILS_PER_ADDRESS_HOUR) {
                db_rollback(db);
                log_info("account: reset mail to an address past its hourly cap not sent");
                return 0;
        }
        char token[TOKEN_CHARS + 1];
        enum mail_queue_result q = MAIL_DB_ERROR;
        if (mail_token_revoke(db, "reset", m.id, now) >= 0 &&
            mail_token_create(db, "reset", m.id, addr_key, "", now, KD_RESET_LINK_TTL_S, token) ==
                MAIL_TOKEN_OK)
                q = letter_reset(db, a, reset_config, now,
                                 &(struct letter_to){m.display_name, m.email, m.language}, m.handle,
                                 token);
        if (q != MAIL_QUEUED) {
                db_rollback(db);
                if (q == MAIL_DB_ERROR)
                        return -1;
                log_warn("account: reset mail for @%s not queued (%d)", m.handle, (int)q);
                return 0;
        }
        if (db_commit(db) != DB_OK) {
                db_rollback(db);
                return -1;
        }
        return 0;
}

static enum job_outcome reset_job(struct db *db, const struct job *job, char *error,
                                  size_t error_size)
{
        json_t *o = json_loads(job->payload, 0, NULL);
        const char *email = json_string_value(json_object_get(o, "email"));
        struct arena *a = arena_new();
        int rc = email ? send_reset_link(db, a, email) : 0;
        arena_free(a);
        json_decref(o);
        if (rc < 0) {
                snprintf(error, error_size, "the database failed");
                return JOB_OUTCOME_RETRY;
        }
        /* The address someone typed is not kept with the finished job (it may be no member's):
         * the row stays for admins as a bare "account_reset". */
        struct db_stmt *s = db_prepare(db, "UPDATE job SET payload = '{}' WHERE id = ?1");
        if (s) {
                db_bind_int(s, 1, job->id);
                db_step(s);
                db_finish(s);
        }
        job_worker_wake(); /* the mail it queued goes on the next pass, not in a second */
        return JOB_OUTCOME_DONE;
}

static const struct job_kind reset_kind = {"account_reset", 120, 5, reset_job};

void account_mail_start(const struct config *config)
{
        reset_config = config;
        if (job_worker_register(&reset_kind) != 0)
                log_error("account: cannot register the account_reset job kind");
}

enum account_result account_forgot(struct request *req, const char *email, unsigned *retry_after,
                                   const char **problem)
{
        char key[80];
        snprintf(key, sizeof(key), "reset:%s", req->client_ip);
        *retry_after = limited(req, req->guards->reset_by_ip, key);
        if (*retry_after)
                return ACCOUNT_RATE_LIMITED;
        if (!mail_address_valid(email)) {
                *problem = N_("Please give an email address like name@example.org.");
                return ACCOUNT_INVALID;
        }
        json_t *o = json_pack("{s:s}", "email", email);
        char *payload = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        int64_t id = payload ? job_enqueue(req->db, "account_reset", payload, time_now()) : -1;
        free(payload);
        if (id < 0)
                return ACCOUNT_DB_ERROR;
        job_worker_wake();
        return ACCOUNT_OK;
}

int web_password_forgot(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *email = req_param(req, "email");
        unsigned wait = 0;
        const char *problem = NULL;
        switch (account_forgot(req, email, &wait, &problem)) {
        case ACCOUNT_OK:
                return forgot_page(req, 200, NULL, NULL, email);
        case ACCOUNT_INVALID:
                return forgot_page(req, 422, email, _(problem), NULL);
        case ACCOUNT_RATE_LIMITED:
                return forgot_page(
                    req, 429, email,
                    arena_printf(r->arena,
                                 _n("Too many requests from your address. Try again in %u "
                                    "second.",
                                    "Too many requests from your address. Try again in %u "
                                    "seconds.",
                                    wait),
                                 wait),
                    NULL);
        default:
                return req_fail(req, 503, N_("Could not send the link. Try again shortly."));
        }
}

static int reset_page(struct request *req, int status, const char *token, const char *error)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Choose a new password"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Choose a new password"));
        html_lit(b, "</h1>\n<p>");
        html_text(b, _("Every session of your account is logged out when the new password is "
                       "saved; you stay logged in here."));
        html_lit(b, "</p>\n<form method=\"post\" action=\"/password/reset\" class=\"stack\">\n");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"token\" value=\"");
        html_attr(b, token);
        html_lit(b, "\">\n");
        form_input(r, _("New password (at least 10 characters)"), "password", "password", NULL,
                   "new-password", 0, error);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Save the new password"));
        html_lit(b, "</button>\n</form>\n</section>\n");
        return page_end(r, status);
}

int web_password_reset_form(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_peek(req->db, req->arena, "reset", token, time_now(), &t);
        if (rc != MAIL_TOKEN_OK)
                return bad_link_page(req, rc, "/password/forgot", _("Ask for a new link"));
        return reset_page(req, 200, token, NULL);
}

enum account_result account_password_set(struct request *req, int64_t member_id, const char *hash,
                                         const char *keep_token)
{
        int64_t now = time_now();
        struct member m;
        if (member_get(req->db, req->arena, member_id, &m) != MEMBER_OK ||
            member_set_password_hash(req->db, member_id, hash) != MEMBER_OK ||
            session_delete_others(req->db, member_id, keep_token) != SESSION_OK ||
            mail_token_revoke(req->db, "reset", member_id, now) < 0)
                return ACCOUNT_DB_ERROR;
        enum mail_queue_result q = letter_password_changed(
            req->db, req->arena, req->config, now,
            &(struct letter_to){m.display_name, m.email, m.language}, m.handle);
        if (q == MAIL_DB_ERROR)
                return ACCOUNT_DB_ERROR;
        if (q != MAIL_QUEUED) /* a suppressed address: the change stands without its notice */
                log_warn("account: password notice for @%s not queued (%d)", m.handle, (int)q);
        return ACCOUNT_OK;
}

enum account_result account_reset(struct request *req, const char *token, const char *password,
                                  int64_t *member_id, const char **problem)
{
        *problem = member_password_problem(password);
        if (*problem)
                return ACCOUNT_INVALID;
        char hash[crypto_pwhash_STRBYTES]; /* before the transaction: it takes ~30 ms */
        if (member_hash_password(password, hash) < 0)
                return ACCOUNT_DB_ERROR;
        if (db_begin(req->db) != DB_OK)
                return ACCOUNT_DB_ERROR;
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_take(req->db, req->arena, "reset", token, time_now(), &t);
        enum account_result out = ACCOUNT_OK;
        struct member m;
        if (rc == MAIL_TOKEN_UNKNOWN)
                out = ACCOUNT_LINK_UNKNOWN;
        else if (rc == MAIL_TOKEN_USED || rc == MAIL_TOKEN_EXPIRED)
                out = ACCOUNT_LINK_GONE;
        else if (rc != MAIL_TOKEN_OK || member_get(req->db, req->arena, t.member_id, &m) < 0)
                out = ACCOUNT_DB_ERROR;
        else if (m.disabled)
                out = ACCOUNT_DISABLED;
        else
                out = account_password_set(req, m.id, hash, NULL);
        if (out != ACCOUNT_OK) {
                db_rollback(req->db);
                return out;
        }
        if (db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                return ACCOUNT_DB_ERROR;
        }
        job_worker_wake();
        *member_id = m.id;
        log_info("account: @%s chose a new password with a reset link", m.handle);
        return ACCOUNT_OK;
}

int web_password_reset(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        const char *problem = NULL;
        int64_t id = 0;
        switch (account_reset(req, token, req_param(req, "password"), &id, &problem)) {
        case ACCOUNT_OK:
                return start_session(req, id, "/settings?saved=reset");
        case ACCOUNT_INVALID:
                return reset_page(req, 422, token, _(problem));
        case ACCOUNT_LINK_UNKNOWN:
                return bad_link_page(req, MAIL_TOKEN_UNKNOWN, "/password/forgot",
                                     _("Ask for a new link"));
        case ACCOUNT_LINK_GONE:
                return bad_link_page(req, MAIL_TOKEN_USED, "/password/forgot",
                                     _("Ask for a new link"));
        case ACCOUNT_DISABLED:
                return message_page(req, 403, _("This account is disabled."),
                                    _("Its password cannot be changed."), NULL, NULL);
        default:
                return req_fail(req, 503, N_("Could not change the password. Try again shortly."));
        }
}

/* ---------------------------------------------------------------- a new address */

void account_mail_settings_section(struct render *r, const char *email, const char *field,
                                   const char *error)
{
        struct buf *b = r->out;
        html_lit(b, "<h2 id=\"email\">");
        html_text(b, _("Email"));
        html_lit(b, "</h2>\n<p class=\"hint\">");
        html_text(b, arena_printf(r->arena,
                                  _("Your address: %s. A new one is used once you "
                                    "open the link we mail to it."),
                                  email));
        html_lit(b, "</p>\n<form method=\"post\" action=\"/settings/email\" class=\"stack\">\n");
        form_csrf(r);
        bool on_email = field && strcmp(field, "email") == 0;
        bool on_password = field && strcmp(field, "email_password") == 0;
        /* the address typed comes back with its error (only this form declares "email") */
        form_input(r, _("New email"), "email", "email", r->req ? req_param(r->req, "email") : NULL,
                   "email", 0, on_email ? error : NULL);
        /* "password", not "current_password": ids come from names, and the password form
         * below has a current_password of its own */
        form_input(r, _("Current password"), "password", "password", NULL, "current-password", 0,
                   on_password ? error : NULL);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Change email"));
        html_lit(b, "</button>\n</form>\n");
}

int web_settings_email(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *email = req_param(req, "email");
        char key[48];
        snprintf(key, sizeof(key), "member:%lld", (long long)req->viewer.id);
        unsigned wait = limited(req, req->guards->email_change_by_member, key);
        if (wait)
                return web_settings_page(
                    req, 429, "email",
                    arena_printf(r->arena,
                                 _n("Too many changes of address. Try again in %u second.",
                                    "Too many changes of address. Try again in %u seconds.", wait),
                                 wait));
        if (!mail_address_valid(email))
                return web_settings_page(req, 422, "email",
                                         _("Please give an email address like name@example.org."));
        struct member me;
        if (member_get(req->db, req->arena, req->viewer.id, &me) != MEMBER_OK)
                return req_fail(req, 503, N_("Could not load your account."));
        const char *new_key = address_key(req->arena, email);
        if (strcmp(new_key, address_key(req->arena, me.email)) == 0)
                return web_settings_page(req, 422, "email", _("That is already your address."));
        int rc = member_check_password(req->db, me.id, req_param(req, "password"));
        if (rc == MEMBER_WRONG_PASSWORD)
                return web_settings_page(req, 422, "email_password",
                                         _("The current password is not right."));
        if (rc != MEMBER_OK)
                return req_fail(req, 503, N_("Could not load your account."));
        /* An address another account has gets no link, and the page does not say so: a
         * member could otherwise learn who is registered (the link would fail anyway). */
        int taken = member_email_taken(req->db, email);
        int64_t now = time_now();
        if (taken < 0 || db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("Could not save the address. Try again shortly."));
        const char *const purposes[] = {"email_change", NULL};
        long recent = recent_links(req->db, purposes, new_key, now);
        enum mail_queue_result q = MAIL_QUEUED;
        char token[TOKEN_CHARS + 1];
        if (recent < 0)
                q = MAIL_DB_ERROR;
        else if (taken || recent >= KD_EMAIL_CHANGES_PER_ADDRESS_HOUR)
                log_info("account: no address confirmation for @%s (taken or past the cap)",
                         me.handle);
        else if (mail_token_revoke(req->db, "email_change", me.id, now) < 0 ||
                 mail_token_create(req->db, "email_change", me.id, new_key, email, now,
                                   KD_EMAIL_CHANGE_LINK_TTL_S, token) != MAIL_TOKEN_OK)
                q = MAIL_DB_ERROR;
        else {
                q = letter_email_confirm(req->db, req->arena, req->config, now,
                                         &(struct letter_to){me.display_name, email, me.language},
                                         me.handle, token);
                if (q == MAIL_QUEUED)
                        q = letter_email_changing(
                            req->db, req->arena, req->config, now,
                            &(struct letter_to){me.display_name, me.email, me.language}, me.handle,
                            email);
                else if (q == MAIL_SUPPRESSED) {
                        db_rollback(req->db);
                        return web_settings_page(req, 422, "email",
                                                 _("Mail to this address was refused before. "
                                                   "Give another one."));
                }
        }
        if (q == MAIL_SUPPRESSED) /* the old address refuses mail: the link still goes */
                q = MAIL_QUEUED;
        if (q != MAIL_QUEUED || db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                return req_fail(req, 503, N_("Could not save the address. Try again shortly."));
        }
        job_worker_wake();
        return resp_redirect(req, "/settings?saved=email#email");
}

int web_email_confirm_form(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_peek(req->db, req->arena, "email_change", token, time_now(), &t);
        if (rc != MAIL_TOKEN_OK)
                return bad_link_page(req, rc, "/settings#email", _("Go to your settings"));
        struct member m;
        if (member_get(req->db, req->arena, t.member_id, &m) != MEMBER_OK)
                return bad_link_page(req, MAIL_TOKEN_UNKNOWN, "/settings#email",
                                     _("Go to your settings"));
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Confirm your new address"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Confirm your new address"));
        html_lit(b, "</h1>\n<p>");
        html_text(b, arena_printf(r->arena, _("Use %s as the address of the account @%s?"),
                                  t.payload, m.handle));
        html_lit(b, "</p>\n");
        token_form(r, "/settings/email/confirm", token, _("Use this address"));
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

int web_email_confirm(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        int64_t now = time_now();
        if (db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("Could not save the address. Try again shortly."));
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_take(req->db, req->arena, "email_change", token, now, &t);
        if (rc != MAIL_TOKEN_OK) {
                db_rollback(req->db);
                return bad_link_page(req, rc, "/settings#email", _("Go to your settings"));
        }
        int set = member_set_email(req->db, t.member_id, t.payload);
        /* Reset links went to the old address: they stop working with it. */
        if (set == MEMBER_OK && mail_token_revoke(req->db, "reset", t.member_id, now) < 0)
                set = MEMBER_DB_ERROR;
        if (set != MEMBER_OK || db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                if (set == MEMBER_EMAIL_TAKEN)
                        return message_page(req, 409, _("This address has an account now"),
                                            _("Another account started using this address "
                                              "after you asked for it, so yours keeps its old "
                                              "address."),
                                            "/settings#email", _("Go to your settings"));
                if (set == MEMBER_NOT_FOUND)
                        return bad_link_page(req, MAIL_TOKEN_UNKNOWN, "/settings#email",
                                             _("Go to your settings"));
                return req_fail(req, 503, N_("Could not save the address. Try again shortly."));
        }
        log_info("account: member %lld confirmed a new address", (long long)t.member_id);
        return message_page(req, 200, _("Your address is changed"),
                            arena_printf(r->arena,
                                         _("From now on, mail for your account goes "
                                           "to %s."),
                                         t.payload),
                            "/settings#email", _("Go to your settings"));
}
