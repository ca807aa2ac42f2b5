/* Notification mail settings and the one-click stop (web/mail_prefs.h). */
#include "web/mail_prefs.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/mail_link.h"
#include "model/mail_notify.h"
#include "model/member.h"
#include "web/layout.h"
#include "web/notify_mail.h"
#include "web/render.h"

#include <string.h>

/* What each choice means, as the forms show it. */
static const char *choice_label(struct render *r, enum mail_notify_choice c)
{
        switch (c) {
        case MAIL_NOTIFY_IMMEDIATE:
                return _("As it happens: a mail a few minutes after a reply or a mention");
        case MAIL_NOTIFY_DAILY:
                return _("A daily digest, in the morning (08:00 UTC)");
        case MAIL_NOTIFY_WEEKLY:
                return _("A weekly digest, on Monday mornings (08:00 UTC)");
        case MAIL_NOTIFY_NONE:
                break;
        }
        return _("No notification mail");
}

static const enum mail_notify_choice order[] = {MAIL_NOTIFY_IMMEDIATE, MAIL_NOTIFY_DAILY,
                                                MAIL_NOTIFY_WEEKLY, MAIL_NOTIFY_NONE};

/* The four choices as radio buttons, current one checked. */
static void choices(struct render *r, enum mail_notify_choice current)
{
        struct buf *b = r->out;
        html_lit(b, "<fieldset class=\"mail-choices\">\n<legend>");
        html_text(b, _("Notification mail"));
        html_lit(b, "</legend>\n");
        for (int i = 0; i < 4; i++) {
                html_lit(b, "<label class=\"choice\"><input type=\"radio\" name=\"choice\" "
                            "value=\"");
                html_attr(b, mail_notify_choice_name(order[i]));
                html_lit(b, "\"");
                if (order[i] == current)
                        html_lit(b, " checked");
                html_lit(b, "> ");
                html_text(b, choice_label(r, order[i]));
                html_lit(b, "</label>\n");
        }
        html_lit(b, "</fieldset>\n");
}

/* What is mailed and what is not: the same on the settings page and the stop page. */
static void what_is_mailed(struct render *r)
{
        html_lit(r->out, "<p class=\"hint\">");
        html_text(r->out, _("Mail tells you about replies to you, mentions of you, answers to the "
                            "questions of your episodes and new episodes of the newsletters you "
                            "follow, while you have not read them here. Reactions and badges "
                            "stay on the site. Times are UTC."));
        html_lit(r->out, "</p>\n");
}

void mail_prefs_settings_section(struct render *r, struct db *db, int64_t member_id)
{
        struct buf *b = r->out;
        struct mail_notify_pref p;
        if (mail_notify_get(db, member_id, &p) != 0)
                return; /* the page shows the rest; /notifications links the setting too */
        html_lit(b, "<h2>");
        html_text(b, _("Notification mail"));
        html_lit(b, "</h2>\n<p>");
        html_text(b, choice_label(r, p.choice));
        html_lit(b, " <a href=\"/settings/notification-mail\">");
        html_text(b, _("Change how often you get mail"));
        html_lit(b, "</a></p>\n");
}

/* ---------------------------------------------------------------- settings */

static int prefs_page(struct request *req, int status, const char *message)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        struct mail_notify_pref p;
        if (mail_notify_get(req->db, req->viewer.id, &p) != 0)
                return req_fail(req, 503, N_("Could not load your account."));
        page_begin(r, _("Notification mail"));
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Notification mail"));
        html_lit(b, "</h1>\n");
        if (message)
                page_notice(r, false, message);
        what_is_mailed(r);
        html_lit(b, "<form method=\"post\" action=\"/settings/notification-mail\" "
                    "class=\"stack\">\n");
        form_csrf(r);
        choices(r, p.choice);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Save"));
        html_lit(b, "</button>\n</form>\n");
        if (p.digest_due > 0) {
                html_lit(b, "<p class=\"hint\">");
                /* TRANSLATORS: %s is a day with its weekday ("Monday, 7 December 2026"); the
                 * digests go at 08:00 UTC */
                html_textf(
                    r, _("Your next digest is due on %s at 08:00 UTC, if there is anything new."),
                    l10n_date_long(r->arena, r->locale, p.digest_due));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p><a href=\"/settings\">");
        html_text(b, _("Back to settings"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_mail_prefs(struct request *req)
{
        struct render *r = render_for_request(req);
        bool saved = strcmp(req_param(req, "saved"), "1") == 0;
        return prefs_page(req, 200, saved ? _("Your notification mail setting is saved.") : NULL);
}

int web_mail_prefs_save(struct request *req)
{
        int c = mail_notify_choice_parse(req_param(req, "choice"));
        if (c < 0)
                return req_fail(req, 422, N_("Choose how often you want notification mail."));
        if (mail_notify_set(req->db, req->viewer.id, (enum mail_notify_choice)c, time_now()) != 0)
                return req_fail(req, 503, N_("Could not save the setting. Try again shortly."));
        return resp_redirect(req, "/settings/notification-mail?saved=1");
}

/* ---------------------------------------------------------------- one-click stop */

/* The member a stop link names, when its signature holds; 0 otherwise. */
static int64_t signed_member(struct request *req)
{
        int64_t id = req_path_id(req, "id");
        if (!mail_link_verify(req->db, NOTIFY_MAIL_STOP_PURPOSE, id, req_param(req, "sig")))
                return 0;
        return id;
}

/* The link's page is one member's: never kept by the guest page cache or a shared cache. */
static void private_page(struct request *req)
{
        resp_header(req, "Cache-Control", "no-store");
}

static int stop_page(struct request *req, int64_t member, const char *message)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        struct mail_notify_pref p;
        struct member m;
        if (mail_notify_get(req->db, member, &p) != 0 ||
            member_get(req->db, req->arena, member, &m) != MEMBER_OK)
                return req_fail(req, 404, N_("This link does not work any more."));
        const char *action = arena_printf(req->arena, "/mail/notify-off/%lld?sig=%s",
                                          (long long)member, req_param(req, "sig"));
        struct page_meta meta = {.title = _("Notification mail"), .noindex = true};
        page_begin_meta(r, &meta);
        private_page(req);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Notification mail"));
        html_lit(b, "</h1>\n");
        if (message)
                page_notice(r, false, message);
        html_lit(b, "<p>");
        /* TRANSLATORS: %s is the member's @handle */
        html_textf(r, _("Notification mail for @%s:"), m.handle);
        html_lit(b, " <strong>");
        html_text(b, choice_label(r, p.choice));
        html_lit(b, "</strong></p>\n");
        if (p.choice != MAIL_NOTIFY_NONE) {
                html_lit(b, "<form method=\"post\" action=\"");
                html_attr(b, action);
                html_lit(b, "\">\n<input type=\"hidden\" name=\"choice\" value=\"none\">\n"
                            "<button type=\"submit\">");
                html_text(b, _("Stop notification mail"));
                html_lit(b, "</button>\n</form>\n");
        }
        html_lit(b, "<h2>");
        html_text(b, _("Or choose another frequency"));
        html_lit(b, "</h2>\n");
        what_is_mailed(r);
        html_lit(b, "<form method=\"post\" action=\"");
        html_attr(b, action);
        html_lit(b, "\" class=\"stack\">\n");
        choices(r, p.choice);
        html_lit(b, "<button type=\"submit\">");
        html_text(b, _("Save"));
        html_lit(b, "</button>\n</form>\n</section>\n");
        return page_end(r, 200);
}

int web_notify_off_page(struct request *req)
{
        int64_t member = signed_member(req);
        if (!member)
                return req_fail(req, 403,
                                N_("This link is not valid. Use the link in the mail as "
                                   "it is, or change the setting after logging in."));
        return stop_page(req, member, NULL);
}

int web_notify_off(struct request *req)
{
        struct render *r = render_for_request(req);
        int64_t member = signed_member(req);
        if (!member)
                return req_fail(req, 403,
                                N_("This link is not valid. Use the link in the mail as "
                                   "it is, or change the setting after logging in."));
        /* A bare POST (List-Unsubscribe=One-Click) carries no choice: it stops. */
        const char *name = req_param(req, "choice");
        int c = *name ? mail_notify_choice_parse(name) : MAIL_NOTIFY_NONE;
        if (c < 0)
                return req_fail(req, 422, N_("Choose how often you want notification mail."));
        if (mail_notify_set(req->db, member, (enum mail_notify_choice)c, time_now()) != 0)
                return req_fail(req, 503, N_("Could not save the setting. Try again shortly."));
        return stop_page(req, member,
                         c == MAIL_NOTIFY_NONE ? _("Done: you will get no more notification mail.")
                                               : _("Your notification mail setting is saved."));
}
