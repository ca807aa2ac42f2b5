/* The pages of email subscriptions; see subscriptions.h. */
#include "web/subscriptions.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/mail_link.h"
#include "model/mail_token.h"
#include "model/newsletter.h"
#include "model/subscription.h"
#include "web/layout.h"
#include "web/render.h"
#include "web/subscription_mail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static struct rate_limit *by_ip;
static pthread_once_t by_ip_once = PTHREAD_ONCE_INIT;

static void make_by_ip(void)
{
        by_ip = rate_limit_new("subscribe_by_ip", KD_SUBSCRIBE_PER_IP_PER_HOUR, 3600);
}

unsigned subscription_rate_limit(struct request *req)
{
        pthread_once(&by_ip_once, make_by_ip);
        char key[80];
        snprintf(key, sizeof(key), "ip:%s", req->client_ip);
        return rate_limit_hit(by_ip, key, time_now());
}

/* A page of one message and, optionally, a link onwards: what every link page answers. */
static int message_page(struct request *req, int status, const char *title, const char *text,
                        const char *link, const char *link_label)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<p>");
        html_text(b, text);
        html_lit(b, "</p>\n");
        if (link) {
                html_lit(b, "<p><a href=\"");
                html_attr(b, link);
                html_lit(b, "\">");
                html_text(b, link_label);
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "</section>\n");
        return page_end(r, status);
}

static int load_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

/* ---------------------------------------------------------------- the box */

static void guest_fields(struct render *r, const char *value, const char *error)
{
        form_input(r, _("Your email"), "email", "email", value, "email", 0, error);
}

void subscription_box(struct render *r, const char *newsletter_slug, bool member_toggle,
                      bool by_email)
{
        struct buf *b = r->out;
        bool member = render_signed_in(r);
        if (member && !member_toggle)
                return;
        html_lit(b, "<form method=\"post\" class=\"subscribe-email\" action=\"/n/");
        html_url_arg(b, newsletter_slug);
        html_lit(b, "/subscribe\">\n");
        if (member) {
                form_csrf(r);
                if (by_email) {
                        html_lit(b, "<input type=\"hidden\" name=\"by_email\" value=\"0\">"
                                    "<button type=\"submit\" class=\"secondary\" "
                                    "aria-pressed=\"true\">");
                        html_text(b, _("Getting new episodes by email"));
                } else {
                        html_lit(b, "<input type=\"hidden\" name=\"by_email\" value=\"1\">"
                                    "<button type=\"submit\" class=\"secondary\" "
                                    "aria-pressed=\"false\">");
                        html_text(b, _("Get new episodes by email"));
                }
                html_lit(b, "</button>\n</form>\n");
                return;
        }
        /* No token: pages for guests are kept in the page cache, so the route accepts the
         * browser's Sec-Fetch-Site or Origin instead (routes/subscriptions.c). */
        html_lit(b, "<p class=\"label\">");
        html_text(b, _("Get new episodes by email"));
        html_lit(b, "</p>\n");
        guest_fields(r, NULL, NULL);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Subscribe"));
        html_lit(b, "</button>\n<p class=\"hint\">");
        html_text(b, _("We send a link to confirm the address first. Every mail has a link to "
                       "unsubscribe in one click."));
        html_lit(b, "</p>\n</form>\n");
}

/* ---------------------------------------------------------------- subscribing */

static int subscribe_page(struct request *req, int status, const struct newsletter *n,
                          const char *email, const char *error)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        /* TRANSLATORS: %s is a newsletter's title */
        const char *title = arena_printf(req->arena, _("Get “%s” by email"), n->title);
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n");
        if (error)
                page_notice(r, true, error);
        html_lit(b, "<form method=\"post\" class=\"stack\" action=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/subscribe\">\n");
        form_csrf(r);
        if (req_signed_in(req)) {
                bool on = subscription_member_active(req->db, req->viewer.id, n->id);
                html_lit(b, "<p>");
                html_text(b, on ? _("You get new episodes of this newsletter by email, at your "
                                    "account's address.")
                                : _("New episodes can come to your account's address."));
                if (on)
                        html_lit(b, "</p>\n<input type=\"hidden\" name=\"by_email\" "
                                    "value=\"0\"><button type=\"submit\">");
                else
                        html_lit(b, "</p>\n<input type=\"hidden\" name=\"by_email\" "
                                    "value=\"1\"><button type=\"submit\">");
                html_text(b, on ? _("Stop email") : _("Get new episodes by email"));
                html_lit(b, "</button>\n");
        } else {
                guest_fields(r, email, error);
                html_lit(b, "<button type=\"submit\">");
                html_text(b, _("Subscribe"));
                html_lit(b, "</button>\n");
        }
        html_lit(b, "</form>\n<p><a href=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "\">");
        html_text(b, _("Back to the newsletter"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_subscribe_form(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        return subscribe_page(req, 200, &n, NULL, NULL);
}

int web_subscribe(struct request *req)
{
        struct render *r = render_for_request(req);
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        int64_t now = time_now();
        if (req_signed_in(req)) {
                bool on = req_param_bool(req, "by_email");
                if (subscription_member_set(req->db, req->viewer.id, n.id, on, now, NULL) != SUB_OK)
                        return req_fail(req, 503, N_("The database is not available."));
                return resp_redirect(req, arena_printf(req->arena, "/n/%s", n.slug));
        }
        const char *email = req_param(req, "email");
        unsigned wait = subscription_rate_limit(req);
        if (wait) {
                char secs[16];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
                return subscribe_page(req, 429, &n, email,
                                      _("Too many subscriptions from your network. Try again "
                                        "later."));
        }
        int rc = subscription_guest_subscribe(req->db, req->config, n.id, email,
                                              i18n_tag(r->locale), now, NULL);
        if (rc == SUB_INVALID)
                return subscribe_page(req, 422, &n, email,
                                      _("Please give an email address such as "
                                        "name@example.org."));
        if (rc != SUB_OK)
                return req_fail(req, 503, N_("Could not subscribe. Try again shortly."));
        /* The same answer for a new address, a pending one and one already subscribed. */
        return message_page(req, 200, _("Check your inbox"),
                            _("If this address can get mail, a message with a link to confirm "
                              "the subscription is on its way. The link works for 48 hours."),
                            arena_printf(req->arena, "/n/%s", n.slug), _("Back to the newsletter"));
}

/* ---------------------------------------------------------------- confirming */

/* The page for a token that does not work (404 unknown, 410 expired or used). */
static int token_problem(struct request *req, enum mail_token_result rc)
{
        struct render *r = render_for_request(req);
        if (rc == MAIL_TOKEN_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc == MAIL_TOKEN_EXPIRED)
                return message_page(req, 410, _("This link has expired"),
                                    _("Confirmation links work for 48 hours. Subscribe again "
                                      "from the newsletter's page to get a new one."),
                                    "/", _("Go to the home page"));
        if (rc == MAIL_TOKEN_USED)
                return message_page(req, 410, _("This link was used already"),
                                    _("The subscription was confirmed with it. If you "
                                      "unsubscribed since, subscribe again from the "
                                      "newsletter's page."),
                                    "/", _("Go to the home page"));
        return message_page(req, 404, _("This link does not work"),
                            _("Check that the whole link was copied from the mail."), "/",
                            _("Go to the home page"));
}

int web_subscribe_confirm_form(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *token = req_param(req, "token");
        struct mail_token t;
        /* A GET changes nothing: mail scanners open links; only the button's POST confirms. */
        enum mail_token_result rc =
            mail_token_peek(req->db, req->arena, "subscribe", token, time_now(), &t);
        if (rc != MAIL_TOKEN_OK)
                return token_problem(req, rc);
        struct subscription s;
        if (subscription_get(req->db, req->arena, strtoll(t.payload, NULL, 10), &s) != SUB_OK)
                return token_problem(req, MAIL_TOKEN_UNKNOWN);
        struct buf *b = r->out;
        buf_reset(b);
        struct page_meta meta = {.title = _("Confirm your subscription"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Confirm your subscription"));
        html_lit(b, "</h1>\n<p>");
        /* TRANSLATORS: %1$s is a newsletter's title, %2$s an email address */
        html_textf(r, _("Get new episodes of “%1$s” at %2$s."), s.newsletter_title, s.email);
        html_lit(b, "</p>\n<form method=\"post\" action=\"/subscribe/confirm\">\n");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"token\" value=\"");
        html_attr(b, token);
        html_lit(b, "\"><button type=\"submit\">");
        html_text(b, _("Confirm subscription"));
        html_lit(b, "</button>\n</form>\n</section>\n");
        return page_end(r, 200);
}

int web_subscribe_confirm(struct request *req)
{
        render_for_request(req);
        int64_t now = time_now();
        if (db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct mail_token t;
        enum mail_token_result rc =
            mail_token_take(req->db, req->arena, "subscribe", req_param(req, "token"), now, &t);
        int64_t id = rc == MAIL_TOKEN_OK ? strtoll(t.payload, NULL, 10) : 0;
        int sub = rc == MAIL_TOKEN_OK ? subscription_activate(req->db, id, now) : SUB_OK;
        if (rc == MAIL_TOKEN_OK && sub == SUB_NOT_FOUND)
                rc = MAIL_TOKEN_UNKNOWN; /* the newsletter went away since */
        if (rc != MAIL_TOKEN_OK || sub == SUB_DB_ERROR || db_commit(req->db) != DB_OK) {
                db_rollback(req->db);
                return token_problem(req, sub == SUB_DB_ERROR ? MAIL_TOKEN_DB_ERROR : rc);
        }
        struct subscription s;
        if (subscription_get(req->db, req->arena, id, &s) != SUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct render *r = render_for_request(req);
        return message_page(req, 200, _("You are subscribed"),
                            arena_printf(req->arena,
                                         _("New episodes of “%s” will come to your inbox. Every "
                                           "mail has a link to unsubscribe in one click."),
                                         s.newsletter_title),
                            arena_printf(req->arena, "/n/%s", s.newsletter_slug),
                            _("Go to the newsletter"));
}

/* ---------------------------------------------------------------- unsubscribing */

/* The subscription the link names, when its signature is right; else a 404 page (a wrong
 * signature and an unknown id look alike). Returns 0 with s filled, or the status. */
static int load_signed(struct request *req, struct subscription *s)
{
        int64_t id = req_path_id(req, "id");
        if (!mail_link_verify(req->db, "unsubscribe", id, req_path_param(req, "sig")))
                goto bad;
        int rc = subscription_get(req->db, req->arena, id, s);
        if (rc == SUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc == SUB_OK)
                return 0;
bad:;
        struct render *r = render_for_request(req);
        return message_page(req, 404, _("This link does not work"),
                            _("Check that the whole link was copied from the mail."), "/",
                            _("Go to the home page"));
}

static int unsubscribe_page(struct request *req, const struct subscription *s, const char *done)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        bool on = s->state == SUB_ACTIVE;
        const char *title = on ? _("Unsubscribe") : _("You are unsubscribed");
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n");
        if (done)
                page_notice(r, false, done);
        html_lit(b, "<p>");
        if (on)
                /* TRANSLATORS: %1$s is an email address, %2$s a newsletter's title */
                html_textf(r, _("%1$s gets new episodes of “%2$s” by email."), s->email,
                           s->newsletter_title);
        else
                /* TRANSLATORS: %1$s is an email address, %2$s a newsletter's title */
                html_textf(r, _("%1$s no longer gets new episodes of “%2$s”."), s->email,
                           s->newsletter_title);
        /* No token: the signature in the path is the authority, as for the mail's one-click
         * POST (RFC 8058), and the page works signed in or not. */
        html_lit(b, "</p>\n<form method=\"post\" action=\"");
        html_attr(b, req->path);
        html_lit(b, "\">\n");
        if (on) {
                html_lit(b, "<button type=\"submit\">");
                html_text(b, _("Unsubscribe"));
        } else {
                html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"resubscribe\">"
                            "<button type=\"submit\" class=\"secondary\">");
                html_text(b, _("Subscribe again"));
        }
        html_lit(b, "</button>\n</form>\n<p><a href=\"/n/");
        html_url_arg(b, s->newsletter_slug);
        html_lit(b, "\">");
        html_text(b, _("Go to the newsletter"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, 200);
}

int web_unsubscribe_page(struct request *req)
{
        struct subscription s;
        if (load_signed(req, &s))
                return req->resp.status;
        return unsubscribe_page(req, &s, NULL);
}

int web_unsubscribe(struct request *req)
{
        struct render *r = render_for_request(req);
        struct subscription s;
        if (load_signed(req, &s))
                return req->resp.status;
        int64_t now = time_now();
        /* Subscribing again needs a subscription that was confirmed once (a guest's pending
         * one never got this link by mail). Anything else, the bare POST of a mail client
         * included, unsubscribes. */
        bool again =
            strcmp(req_param(req, "action"), "resubscribe") == 0 && (s.member_id || s.confirmed_at);
        int rc = again ? subscription_activate(req->db, s.id, now)
                       : subscription_unsubscribe(req->db, s.id, now);
        if (rc != SUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        s.state = again ? SUB_ACTIVE : SUB_UNSUBSCRIBED;
        return unsubscribe_page(req, &s,
                                again ? _("You are subscribed again.")
                                      : _("Done: no more episodes of this newsletter will be "
                                          "mailed to you."));
}

/* ---------------------------------------------------------------- a member's settings */

int web_email_subscriptions(struct request *req)
{
        struct render *r = render_for_request(req);
        struct subscription_choice *list;
        int n = subscription_member_choices(req->db, req->arena, req->viewer.id,
                                            KD_SUBSCRIPTIONS_PAGE_MAX, &list);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        buf_reset(b);
        page_begin(r, _("Email subscriptions"));
        html_lit(b, "<section class=\"form-page\">\n<p><a href=\"/settings\">← ");
        html_text(b, _("Settings"));
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("Email subscriptions"));
        html_lit(b, "</h1>\n");
        if (strcmp(req_param(req, "saved"), "1") == 0)
                page_notice(r, false, _("Saved."));
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("New episodes of these newsletters can come to your account's address. "
                       "Newsletters you follow are listed here; subscribing does not need "
                       "following."));
        html_lit(b, "</p>\n");
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("You follow no newsletter yet, and get none by email."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<ul class=\"subscriptions\">\n");
        }
        for (int i = 0; i < n; i++) {
                html_lit(b, "<li><a href=\"/n/");
                html_url_arg(b, list[i].slug);
                html_lit(b, "\">");
                html_text(b, list[i].title);
                html_lit(b, "</a> <form method=\"post\" class=\"inline\" "
                            "action=\"/settings/email-subscriptions\">");
                form_csrf(r);
                html_lit(b, "<input type=\"hidden\" name=\"newsletter\" value=\"");
                html_int(b, list[i].newsletter_id);
                if (list[i].by_email) {
                        html_lit(b, "\"><input type=\"hidden\" name=\"by_email\" value=\"0\">"
                                    "<button type=\"submit\" class=\"secondary\" "
                                    "aria-pressed=\"true\">");
                        html_text(b, _("By email: on"));
                } else {
                        html_lit(b, "\"><input type=\"hidden\" name=\"by_email\" value=\"1\">"
                                    "<button type=\"submit\" class=\"secondary\" "
                                    "aria-pressed=\"false\">");
                        html_text(b, _("By email: off"));
                }
                html_lit(b, "</button></form></li>\n");
        }
        if (n > 0)
                html_lit(b, "</ul>\n");
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

int web_email_subscriptions_save(struct request *req)
{
        struct newsletter n;
        int rc = newsletter_get(req->db, req->arena, req_param_int(req, "newsletter", 0), &n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK ||
            subscription_member_set(req->db, req->viewer.id, n.id, req_param_bool(req, "by_email"),
                                    time_now(), NULL) != SUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, "/settings/email-subscriptions?saved=1");
}
