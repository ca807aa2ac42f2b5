/* Notification kinds a member gets, and opening one notification (web/notify_prefs.h). */
#include "web/notify_prefs.h"
#include "http/member_cache.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/notification.h"
#include "model/notify_pref.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* What each group is, as the settings say it. */
static const char *group_label(struct render *r, enum notify_group g)
{
        switch (g) {
        case NOTIFY_GROUP_REPLIES:
                return _("Replies to your comments and posts");
        case NOTIFY_GROUP_MENTIONS:
                return _("Mentions of you (@handle)");
        case NOTIFY_GROUP_REACTIONS:
                return _("Reactions to what you write");
        case NOTIFY_GROUP_EPISODES:
                return _("New episodes of the newsletters you follow");
        case NOTIFY_GROUP_BUILDONS:
                return _("Build-ons of your episodes and build-ons");
        case NOTIFY_GROUP_ANSWERS:
                return _("Answers to the questions of your episodes");
        case NOTIFY_GROUP_DECISIONS:
                return _("Decisions on your asks and terms");
        case NOTIFY_GROUPS:
                break;
        }
        return "";
}

static int prefs_page(struct request *req, int status, const char *message)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        bool on[NOTIFY_GROUPS];
        if (notify_pref_get(req->db, req->viewer.id, on) != 0)
                return req_fail(req, 503, N_("Could not load your account."));
        struct page_meta meta = {.title = _("Notifications you get"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"form-page\">\n<h1>");
        html_text(b, _("Notifications you get"));
        html_lit(b, "</h1>\n");
        if (message)
                page_notice(r, false, message);
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("A kind you turn off no longer shows up in your notifications, and is "
                       "not mailed either. Turning it on again starts from now."));
        html_lit(b, "</p>\n<form method=\"post\" action=\"/settings/notifications\" "
                    "class=\"stack\">\n");
        form_csrf(r);
        html_lit(b, "<fieldset class=\"notify-kinds\">\n<legend>");
        html_text(b, _("Tell me about"));
        html_lit(b, "</legend>\n");
        for (int g = 0; g < NOTIFY_GROUPS; g++) {
                const char *key = notify_group_key((enum notify_group)g);
                html_lit(b, "<div class=\"field checkbox\"><input type=\"checkbox\" value=\"1\" "
                            "id=\"nk-");
                html_attr(b, key);
                html_lit(b, "\" name=\"");
                html_attr(b, key);
                html_lit(b, "\"");
                if (on[g])
                        html_lit(b, " checked");
                html_lit(b, "> <label for=\"nk-");
                html_attr(b, key);
                html_lit(b, "\">");
                html_text(b, group_label(r, (enum notify_group)g));
                html_lit(b, " <span class=\"meta\">");
                html_text(b, notify_group_mailed((enum notify_group)g)
                                 ? _("(here and by mail)")
                                 : _("(here only: never mailed)"));
                html_lit(b, "</span></label></div>\n");
        }
        html_lit(b, "</fieldset>\n<button type=\"submit\">");
        html_text(b, _("Save"));
        html_lit(b, "</button>\n</form>\n<p><a href=\"/settings/notification-mail\">");
        html_text(b, _("Choose how often you get these by mail"));
        html_lit(b, "</a> · <a href=\"/notifications\">");
        html_text(b, _("Back to notifications"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_notify_prefs(struct request *req)
{
        struct render *r = render_for_request(req);
        bool saved = strcmp(req_param(req, "saved"), "1") == 0;
        return prefs_page(req, 200, saved ? _("Your notification settings are saved.") : NULL);
}

int web_notify_prefs_save(struct request *req)
{
        /* settings are cheap single-row writes, but still counted like every other edit */
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (write_guard(req, limits))
                return 429;
        bool on[NOTIFY_GROUPS];
        for (int g = 0; g < NOTIFY_GROUPS; g++)
                on[g] = req_param_bool(req, notify_group_key((enum notify_group)g));
        if (notify_pref_set(req->db, req->viewer.id, on, time_now()) != 0)
                return req_fail(req, 503, N_("Could not save the setting. Try again shortly."));
        return resp_redirect(req, "/settings/notifications?saved=1");
}

int web_notification_open(struct request *req)
{
        struct notification x;
        int rc = notification_find(req->db, req->arena, req->viewer.id, req_path_id(req, "id"), &x);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("That notification is not there any more."));
        if (rc != PUB_OK ||
            (!x.read && notification_mark_read(req->db, req->viewer.id, x.id) != PUB_OK))
                return req_fail(req, 503, N_("The database is not available."));
        if (!x.read) /* a write on a GET: the header's unread count is kept (member_cache.h) */
                member_cache_forget_counts();
        /* the member's own page of the item: never kept by a shared cache */
        resp_header(req, "Cache-Control", "no-store");
        return resp_redirect(req, x.url);
}
