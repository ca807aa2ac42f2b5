/* The outbox page for admins; see mail_admin.h. */
#include "web/mail_admin.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/mail_outbox.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* The state's word in the reader's language (the stored one is English). */
static const char *state_label(struct render *r, const char *state)
{
        if (strcmp(state, "queued") == 0)
                return _("queued");
        if (strcmp(state, "sent") == 0)
                return _("sent");
        return _("failed");
}

static void mail_row(const struct mail_row *m, void *ctx)
{
        struct render *r = ctx;
        struct buf *b = r->out;
        html_lit(b, "<tr><td>");
        html_text(b, state_label(r, m->state));
        html_lit(b, "</td><td>");
        html_time(r, m->created_at);
        html_lit(b, "</td><td>");
        html_text(b, m->recipient);
        html_lit(b, "</td><td>");
        html_text(b, m->subject);
        html_lit(b, "<br><small>");
        html_text(b, m->purpose);
        html_lit(b, " · &lt;");
        html_text(b, m->message_id);
        html_lit(b, "&gt;</small></td><td>");
        html_int(b, m->attempts);
        html_lit(b, "</td><td>");
        if (m->finished_at) {
                html_time(r, m->finished_at);
        } else if (m->next_try > r->now) {
                html_text(b, _("next try:"));
                html_lit(b, " ");
                html_time(r, m->next_try);
        } else {
                html_text(b, _("due now"));
        }
        html_lit(b, "</td><td>");
        html_text(b, *m->last_answer ? m->last_answer : "—");
        html_lit(b, "</td></tr>\n");
}

static void filter_link(struct render *r, const char *state, const char *label, int64_t n,
                        const char *current)
{
        struct buf *b = r->out;
        bool here =
            (state == NULL && current == NULL) || (state && current && strcmp(state, current) == 0);
        html_lit(b, "<li><a href=\"/admin/mail");
        if (state) {
                html_lit(b, "?state=");
                html_url_arg(b, state);
        }
        html_lit(b, "\"");
        if (here)
                html_lit(b, " aria-current=\"page\"");
        html_lit(b, ">");
        html_text(b, label);
        if (n >= 0) {
                html_lit(b, " (");
                html_int(b, n);
                html_lit(b, ")");
        }
        html_lit(b, "</a></li>\n");
}

int web_admin_mail(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *state = req_param(req, "state");
        if (state && !*state)
                state = NULL;
        if (state && strcmp(state, "queued") != 0 && strcmp(state, "sent") != 0 &&
            strcmp(state, "failed") != 0)
                return req_fail(req, 400, N_("Show queued, sent or failed mail."));
        int64_t queued, sent, failed;
        if (mail_outbox_counts(req->db, &queued, &sent, &failed) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        page_begin(r, _("Mail"));
        html_lit(b, "<h1>");
        html_text(b, _("Mail"));
        html_lit(b, "</h1>\n<p class=\"hint\">");
        if (mail_outbox_sending())
                html_text(b, _("This node sends mail. Messages that wait are tried again with "
                               "longer and longer pauses; kindred mail retry tries them now."));
        else
                html_text(b, _("This node does not send mail: KINDRED_SMTP_URL is not set. "
                               "Messages are kept until a node that has it sends them."));
        html_lit(b, "</p>\n<nav class=\"tabs\" aria-label=\"");
        html_attr(b, _("Show"));
        html_lit(b, "\"><ul>\n");
        filter_link(r, NULL, _("All"), -1, state);
        filter_link(r, "queued", _("Queued"), queued, state);
        filter_link(r, "sent", _("Sent"), sent, state);
        filter_link(r, "failed", _("Failed"), failed, state);
        /* Seven columns scroll sideways on a phone: the region takes the keyboard's focus so
         * the scrolling is not for mice alone. */
        html_lit(b, "</ul></nav>\n<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-label=\"");
        html_attr(b, _("Mail"));
        html_lit(b, "\">\n<table class=\"data\">\n<thead><tr><th scope=\"col\">");
        html_text(b, _("State"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Queued at"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("To"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Subject"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Tries"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Finished or next try"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("The server's last answer"));
        html_lit(b, "</th></tr></thead>\n<tbody>\n");
        int rows = mail_outbox_each(req->db, state, KD_MAIL_ADMIN_ROWS, mail_row, r);
        if (rows < 0)
                return req_fail(req, 503, N_("The database is not available."));
        html_lit(b, "</tbody>\n</table>\n</div>\n");
        if (rows == 0) {
                html_lit(b, "<p class=\"hint\">");
                html_text(b, _("No messages here."));
                html_lit(b, "</p>\n");
        }
        return page_end(r, 200);
}
