/* Reporting a member-written item of any kind, hiding and restoring it, and the moderation
 * queue with its decisions. */
#include "web/moderation.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "actions/conversation.h"
#include "model/item.h"
#include "model/member.h"
#include "model/report.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <stdlib.h>
#include <string.h>

enum {
        QUEUE_SHOWN = 100,   /* reported items on one page of the queue */
        RESOLVED_SHOWN = 20, /* recent decisions listed under it */
};

/* What members see for each reason, in enum report_reason order (the same words as the report
 * form under each comment). */
static const char *const reason_labels[REPORT_REASONS] = {
    N_("Spam"),
    N_("Harassment or abuse"),
    N_("Off topic"),
    N_("Something else"),
};

/* ------------------------------------------------------------------ reporting */

/* Loads the item (target, id) when the viewer may see it and it is visible (a deleted or hidden
 * item cannot be reported). Returns 0, or the status after failing the request. */
static int reportable_item(struct request *req, const char *target, int64_t id, struct item *it)
{
        int rc = action_item_load(req, target, id, it);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || it->state != ITEM_VISIBLE)
                return req_fail(req, 404, N_("There is nothing to report at this address."));
        if (!report_can_file(it, req->viewer.id))
                return req_fail(req, 403, N_("You cannot report what you wrote yourself."));
        return 0;
}

/* The report form on a page of its own, with the item it is about: 200 when asked for, 422
 * after a rejected report (what was sent is kept, the problem shown at its field). */
static int report_form_page(struct request *req, const struct item *it, int status,
                            const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct member author;
        const char *author_name =
            member_get(req->db, req->arena, it->author_id, &author) == MEMBER_OK
                ? author.display_name
                : "";
        struct page_meta meta = {.title = _("Report to the moderators"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(b, it->url);
        html_lit(b, "\">← ");
        html_text(b, it->where);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("Report to the moderators"));
        html_lit(b, "</h1>\n<blockquote class=\"reported\"><p class=\"meta\">");
        html_text(b, author_name);
        html_lit(b, "</p>");
        html_rendered(b, it->body_html);
        html_lit(b,
                 "</blockquote>\n<form method=\"post\" class=\"comment-form\" action=\"/report/");
        html_url_arg(b, it->target);
        html_lit(b, "/");
        html_int(b, it->id);
        html_lit(b, "\">\n");
        form_csrf(r);
        struct form_option reasons[REPORT_REASONS];
        for (int i = 0; i < REPORT_REASONS; i++)
                reasons[i] = (struct form_option){report_reason_name((enum report_reason)i),
                                                  _(reason_labels[i])};
        bool on_reason = p && strcmp(p->field, "reason") == 0;
        const char *reason = req_param(req, "reason");
        form_select(r, _("Why?"), "reason", reasons, REPORT_REASONS, *reason ? reason : "spam",
                    on_reason ? render_problem(r, p) : NULL);
        form_textarea(r, _("Anything moderators should know (optional)"), "note",
                      req_param(req, "note"), 3, KD_REPORT_NOTE_MAX, NULL,
                      p && !on_reason ? render_problem(r, p) : NULL);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Send report"));
        html_lit(b, "</button></p>\n</form>\n");
        return page_end(r, status);
}

/* What the reporter sees after sending: the report is in (or already was), and the way back. */
static int report_sent_page(struct render *r, const struct item *it, bool created)
{
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Report sent"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Report sent"));
        html_lit(b, "</h1>\n<p class=\"notice ok\" role=\"status\">");
        html_text(b, created ? _("Thank you. Moderators will look at it.")
                             : _("You had already reported this. Moderators will look at it."));
        html_lit(b, "</p>\n<p><a href=\"");
        html_attr(b, it->url);
        html_lit(b, "\">");
        html_text(b, _("Back to where it was written"));
        html_lit(b, "</a></p>\n");
        return page_end(r, 200);
}

static int report_form_for(struct request *req, const char *target, int64_t id)
{
        struct item it;
        if (reportable_item(req, target, id, &it))
                return req->resp.status;
        return report_form_page(req, &it, 200, NULL);
}

static int report_for(struct request *req, const char *target, int64_t id)
{
        struct render *r = render_for_request(req);
        struct item it;
        if (reportable_item(req, target, id, &it))
                return req->resp.status;
        struct field_problem p = {0};
        bool created = false;
        int rc = action_report(req, &it, &created, &p);
        switch (rc) {
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_OK:
                return report_sent_page(r, &it, created);
        case PUB_INVALID:
                return report_form_page(req, &it, 422, &p);
        case PUB_FORBIDDEN:
                return req_fail(req, 403, N_("You cannot report what you wrote yourself."));
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("There is nothing to report at this address."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}

int web_report_form(struct request *req)
{
        return report_form_for(req, req_path_param(req, "target"), req_path_id(req, "id"));
}

int web_report(struct request *req)
{
        return report_for(req, req_path_param(req, "target"), req_path_id(req, "id"));
}

int web_comment_report_form(struct request *req)
{
        return report_form_for(req, "comment", req_path_id(req, "id"));
}

int web_comment_report(struct request *req)
{
        return report_for(req, "comment", req_path_id(req, "id"));
}

/* ------------------------------------------------------------------ hiding and restoring */

int web_item_hide(struct request *req)
{
        struct item it;
        int rc = action_item_load(req, req_path_param(req, "target"), req_path_id(req, "id"), &it);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is nothing at this address."));
        const char *why = NULL;
        rc = action_item_hide(req, &it, req_param_bool(req, "hidden"), &why);
        switch (rc) {
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_OK: {
                const char *next = req_param(req, "next");
                return resp_redirect(req, http_local_path(next) ? next : it.url);
        }
        case PUB_FORBIDDEN:
                return req_fail(req, 403, why);
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("It was deleted."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}

/* ------------------------------------------------------------------ the queue */

static bool site_moderator(const struct request *req)
{
        return report_can_suspend(req->viewer.role);
}

/* "Spam ×2, Off topic" for the reasons an item's reports gave. */
static void reason_summary(struct render *r, const struct report_item *it)
{
        struct buf *b = r->out;
        bool first = true;
        for (int k = 0; k < REPORT_REASONS; k++) {
                if (!it->by_reason[k])
                        continue;
                if (!first)
                        html_lit(b, ", ");
                first = false;
                html_text(b, _(reason_labels[k]));
                if (it->by_reason[k] > 1) {
                        html_lit(b, " ×");
                        html_int(b, it->by_reason[k]);
                }
        }
}

/* "<a>Author</a> on <a>Episode</a>" (or in a thread, ...) with the item's permalink. */
static void item_where(struct render *r, const struct report_item *it)
{
        struct buf scratch, *saved;
        struct html_frag links[2];
        html_frag_begin(r, &scratch, &saved);
        html_lit(r->out, "<a class=\"author\" href=\"/@");
        html_url_arg(r->out, it->author_handle);
        html_lit(r->out, "\">");
        html_text(r->out, it->author_name);
        html_lit(r->out, "</a>");
        links[0] = html_frag_end(r, &scratch, saved);
        html_frag_begin(r, &scratch, &saved);
        if (it->known) {
                html_lit(r->out, "<a href=\"");
                html_attr(r->out, it->item.url);
                html_lit(r->out, "\">");
                html_text(r->out, it->item.where);
                html_lit(r->out, "</a>");
        } else {
                /* a kind this build does not know (yet): named, not shown */
                html_text(r->out, it->item.target);
        }
        links[1] = html_frag_end(r, &scratch, saved);
        /* TRANSLATORS: %1$s is the author of what was reported, %2$s where it was written, such
         * as an episode or a thread (both linked) */
        html_sentence(r, _("%1$s on %2$s"), 2, links);
}

static void badge(struct render *r, const char *text)
{
        struct buf *b = r->out;
        html_lit(b, " <span class=\"badge\">");
        html_text(b, text);
        html_lit(b, "</span>");
}

static void action_button(struct render *r, const char *action, const char *label,
                          const char *confirm, bool secondary)
{
        struct buf *b = r->out;
        html_lit(b, "<button type=\"submit\" name=\"action\" value=\"");
        html_attr(b, action);
        html_lit(b, "\"");
        if (secondary)
                html_lit(b, " class=\"secondary\"");
        if (confirm) {
                html_lit(b, " data-confirm=\"");
                html_attr(b, confirm);
                html_lit(b, "\"");
        }
        html_lit(b, ">");
        html_text(b, label);
        html_lit(b, "</button> ");
}

/* The element id of an item in the queue: "r-comment-7". */
static void item_anchor(struct buf *b, const struct item *it)
{
        html_lit(b, "r-");
        html_attr(b, it->target);
        html_lit(b, "-");
        html_int(b, it->id);
}

/* One reported item with its reports and the moderator's buttons; site_mod offers suspending
 * the author. */
static void open_item(struct render *r, const struct report_item *it, bool site_mod)
{
        struct buf *b = r->out;
        html_lit(b, "<article class=\"comment report-item\" id=\"");
        item_anchor(b, &it->item);
        html_lit(b, "\" data-target=\"");
        html_attr(b, it->item.target);
        html_lit(b, "\">\n<header class=\"comment-head\">");
        item_where(r, it);
        if (it->known) {
                html_lit(b, " <span class=\"meta\">");
                html_time(r, it->item.created_at);
                html_lit(b, "</span>");
        }
        if (it->item.state == ITEM_HIDDEN)
                badge(r, _("Hidden by a moderator"));
        if (it->author_disabled)
                badge(r, _("Author suspended"));
        html_lit(b, "</header>\n<div class=\"comment-body\">");
        html_rendered(b, it->item.body_html);
        html_lit(b, "</div>\n<p class=\"meta\">");
        html_textf(r, _n("%d report", "%d reports", (unsigned long)it->reports), it->reports);
        html_lit(b, ": ");
        reason_summary(r, it);
        html_lit(b, "</p>\n<ul class=\"plain-list reports\">\n");
        for (int i = 0; i < it->reports; i++) {
                const struct report_entry *rep = &it->entries[i];
                html_lit(b, "<li><strong>");
                html_text(b, _(reason_labels[rep->reason]));
                html_lit(b, "</strong>");
                if (*rep->note) {
                        html_lit(b, ": ");
                        html_text(b, rep->note);
                }
                html_lit(b, " <span class=\"meta\">");
                if (*rep->reporter_handle) {
                        struct buf scratch, *saved;
                        html_frag_begin(r, &scratch, &saved);
                        html_lit(r->out, "<a href=\"/@");
                        html_url_arg(r->out, rep->reporter_handle);
                        html_lit(r->out, "\">");
                        html_text(r->out, rep->reporter_name);
                        html_lit(r->out, "</a>");
                        struct html_frag who[2] = {html_frag_end(r, &scratch, saved),
                                                   html_time_frag(r, rep->created_at)};
                        /* TRANSLATORS: %1$s is the reporter's name, %2$s a relative time such
                         * as "3 days ago" */
                        html_sentence(r, _("by %1$s, %2$s"), 2, who);
                } else {
                        html_time(r, rep->created_at);
                }
                html_lit(b, "</span></li>\n");
        }
        if (!it->known) { /* nothing this build can hide; the reports wait for a build that can */
                html_lit(b, "</ul>\n</article>\n");
                return;
        }
        html_lit(b, "</ul>\n<form method=\"post\" class=\"actions\" action=\"/moderation/");
        html_url_arg(b, it->item.target);
        html_lit(b, "/");
        html_int(b, it->item.id);
        html_lit(b, "\">");
        form_csrf(r);
        action_button(r, "hide", _("Hide"), NULL, false);
        action_button(r, "keep", _("Keep"), NULL, true);
        /* The model refuses the rest too; the button is not offered where it would fail. */
        if (site_mod && it->author_role != ROLE_ADMIN && !it->author_disabled)
                action_button(r, "suspend", _("Hide and suspend author"),
                              _("Hide this and suspend its author? They are signed out and cannot "
                                "log in until an admin restores their account."),
                              true);
        html_lit(b, "</form>\n</article>\n");
}

static const char *outcome_label(struct render *r, enum report_outcome o)
{
        switch (o) {
        case OUTCOME_HIDDEN:
                return _("Hidden");
        case OUTCOME_SUSPENDED:
                return _("Hidden, author suspended");
        default:
                return _("Kept");
        }
}

static void resolved_row(struct render *r, const struct report_item *it, bool can_restore)
{
        struct buf *b = r->out;
        html_lit(b, "<tr><td>");
        item_where(r, it);
        html_lit(b, "</td><td>");
        html_int(b, it->reports);
        html_lit(b, " (");
        reason_summary(r, it);
        html_lit(b, ")</td><td>");
        html_text(b, outcome_label(r, it->outcome));
        html_lit(b, "</td><td>");
        if (*it->resolver_handle) {
                html_lit(b, "<a href=\"/@");
                html_url_arg(b, it->resolver_handle);
                html_lit(b, "\">");
                html_text(b, it->resolver_name);
                html_lit(b, "</a>");
        }
        html_lit(b, "</td><td>");
        html_time(r, it->resolved_at);
        html_lit(b, "</td><td>");
        /* A hidden item can be brought back where it was hidden from (the thread's own Restore
         * button does the same); one's own stays for someone else to restore. */
        if (it->known && it->item.state == ITEM_HIDDEN && it->outcome != OUTCOME_KEPT &&
            can_restore) {
                html_lit(b, "<form method=\"post\" class=\"inline\" action=\"/hide/");
                html_url_arg(b, it->item.target);
                html_lit(b, "/");
                html_int(b, it->item.id);
                html_lit(b, "\">");
                form_csrf(r);
                html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"/moderation\">");
                html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"0\"><button "
                            "type=\"submit\" class=\"link-button\">");
                html_text(b, _("Restore"));
                html_lit(b, "</button></form>");
        }
        html_lit(b, "</td></tr>\n");
}

int web_moderation(struct request *req)
{
        struct render *r = render_for_request(req);
        if (!report_can_review(req->db, req->viewer.id, req->viewer.role))
                return req_fail(req, 403,
                                N_("The moderation queue is for moderators and the authors of a "
                                   "newsletter."));
        struct report_item *open, *done;
        int nopen = report_list_open(req->db, req->arena, req->viewer.id, req->viewer.role,
                                     QUEUE_SHOWN, &open);
        int ndone = report_list_resolved(req->db, req->arena, req->viewer.id, req->viewer.role,
                                         RESOLVED_SHOWN, &done);
        if (nopen < 0 || ndone < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Moderation"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Moderation"));
        html_lit(b, "</h1>\n<p class=\"hint\">");
        html_text(b, site_moderator(req)
                         ? _("What members reported anywhere on the site (comments, build-ons, "
                             "posts in spaces and more), the longest waiting first. Hide removes "
                             "it from view and keeps its replies; Keep dismisses the reports.")
                         : _("What members reported under your newsletters, the longest waiting "
                             "first. Hide removes it from view and keeps its replies; Keep "
                             "dismisses the reports."));
        html_lit(b, "</p>\n<section aria-labelledby=\"open-h\">\n<h2 id=\"open-h\">");
        html_text(b, _("Open reports"));
        html_lit(b, "</h2>\n");
        if (nopen == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("Nothing to review."));
                html_lit(b, "</p>\n");
        }
        for (int i = 0; i < nopen; i++)
                open_item(r, &open[i], site_moderator(req));
        html_lit(b, "</section>\n<section aria-labelledby=\"resolved-h\">\n<h2 id=\"resolved-h\">");
        html_text(b, _("Recently resolved"));
        html_lit(b, "</h2>\n");
        if (ndone == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("No decisions yet."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<table class=\"data resolved\">\n<thead><tr><th scope=\"col\">");
                html_text(b, _("Reported"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Reports"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Outcome"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("By"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("When"));
                html_lit(b, "</th><th scope=\"col\"><span class=\"visually-hidden\">");
                html_text(b, _("Actions"));
                html_lit(b, "</span></th></tr></thead>\n<tbody>\n");
                for (int i = 0; i < ndone; i++)
                        resolved_row(r, &done[i],
                                     item_can_moderate(req->db, &done[i].item, req->viewer.id,
                                                       req->viewer.role));
                html_lit(b, "</tbody>\n</table>\n");
        }
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ deciding */

/* A decision that came too late: another reviewer resolved the reports first. */
static int already_resolved_page(struct render *r)
{
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Already resolved"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Already resolved"));
        html_lit(b, "</h1>\n<p>");
        html_text(b, _("There are no open reports of this any more: someone resolved them before "
                       "you. The queue shows what was decided."));
        html_lit(b, "</p>\n<p><a href=\"/moderation\">");
        html_text(b, _("Back to the queue"));
        html_lit(b, "</a></p>\n");
        return page_end(r, 409);
}

/* Resolves the reports of the item (target, id) with the form's action. */
static int resolve(struct request *req, const char *target, int64_t id)
{
        struct render *r = render_for_request(req);
        static const struct {
                const char *action;
                enum report_outcome outcome;
        } actions[] = {
            {"hide", OUTCOME_HIDDEN},
            {"keep", OUTCOME_KEPT},
            {"suspend", OUTCOME_SUSPENDED},
        };
        const char *action = req_param(req, "action");
        int k = -1;
        for (int i = 0; i < (int)(sizeof(actions) / sizeof(actions[0])); i++)
                if (strcmp(action, actions[i].action) == 0)
                        k = i;
        if (k < 0)
                return req_fail(req, 400, N_("Choose Hide, Keep, or Hide and suspend author."));
        const char *why = NULL;
        int rc = report_resolve(req->db, target, id, actions[k].outcome, req->viewer.id,
                                req->viewer.role, &why);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, why);
        if (rc == PUB_NOT_FOUND) {
                struct item it;
                if (item_load(req->db, req->arena, target, id, &it) == PUB_NOT_FOUND)
                        return req_fail(req, 404, N_("There is nothing at this address."));
                return already_resolved_page(r);
        }
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, "/moderation");
}

int web_moderation_resolve(struct request *req)
{
        return resolve(req, "comment", req_path_id(req, "comment_id"));
}

int web_moderation_resolve_item(struct request *req)
{
        return resolve(req, req_path_param(req, "target"), req_path_id(req, "id"));
}

void item_moderation_links(struct render *r, const char *target, int64_t id, bool report,
                           bool moderate, bool hidden)
{
        struct buf *b = r->out;
        if (report) {
                html_lit(b, "<a class=\"report\" href=\"/report/");
                html_attr(b, target);
                html_lit(b, "/");
                html_int(b, id);
                html_lit(b, "\">");
                html_text(b, _("Report"));
                html_lit(b, "</a>\n");
        }
        if (moderate) {
                html_lit(b, "<form method=\"post\" class=\"inline\" action=\"/hide/");
                html_attr(b, target);
                html_lit(b, "/");
                html_int(b, id);
                html_lit(b, "\">");
                form_csrf(r);
                if (hidden)
                        html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"0\">");
                else
                        html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"1\">");
                html_lit(b, "<button type=\"submit\" class=\"link-button\">");
                html_text(b, hidden ? _("Restore") : _("Hide"));
                html_lit(b, "</button></form>\n");
        }
}
