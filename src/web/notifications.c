/* Notifications: replies, mentions, grouped reactions, new episodes; unread ones stand out. */
#include "web/notifications.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "model/notification.h"
#include "web/layout.h"
#include "web/render.h"

enum { NOTIFICATIONS_SHOWN = 100 };

static void target_link(struct buf *b, const struct notification *n)
{
        html_lit(b, "/n/");
        html_url_arg(b, n->newsletter_slug);
        html_lit(b, "/");
        html_url_arg(b, n->episode_slug);
        if (n->comment_id) {
                html_lit(b, "#c-");
                html_int(b, n->comment_id);
        }
}

const char *notification_text(struct render *r, const struct notification *x)
{
        const char *who = *x->actor_name ? x->actor_name : _("Someone");
        switch (x->kind) {
        case NOTE_REPLY:
                return arena_printf(r->arena, _("%s replied to your comment on “%s”"), who,
                                    x->episode_title);
        case NOTE_MENTION:
                return arena_printf(r->arena, _("%s mentioned you on “%s”"), who, x->episode_title);
        case NOTE_REACTION:
                if (x->count > 1)
                        return arena_printf(r->arena,
                                            _n("%s and %d other reacted to your comment on “%s”",
                                               "%s and %d others reacted to your comment on “%s”",
                                               (unsigned long)(x->count - 1)),
                                            who, x->count - 1, x->episode_title);
                return arena_printf(r->arena, _("%s reacted to your comment on “%s”"), who,
                                    x->episode_title);
        default:
                return arena_printf(r->arena, _("New episode: “%s”"), x->episode_title);
        }
}

int web_notifications(struct request *req)
{
        struct render *r = render_for_request(req);
        struct notification *ns;
        int n = notification_list(req->db, req->arena, req->viewer.id, NOTIFICATIONS_SHOWN, &ns);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Notifications"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Notifications"));
        html_lit(b, "</h1>\n");
        bool unread = false;
        for (int i = 0; i < n; i++)
                unread |= !ns[i].read;
        if (unread) {
                html_lit(b, "<form method=\"post\" action=\"/notifications/read\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"secondary\">");
                html_text(b, _("Mark all as read"));
                html_lit(b, "</button></form>\n");
        }
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("Nothing yet. Replies, mentions, reactions to your comments and "
                               "new episodes of newsletters you follow will show up here."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<ul class=\"notifications\">\n");
        for (int i = 0; i < n; i++) {
                const struct notification *x = &ns[i];
                const char *text = notification_text(r, x);
                html_lit(b, "<li class=\"");
                if (x->read)
                        html_lit(b, "read");
                else
                        html_lit(b, "unread");
                html_lit(b, "\"><a href=\"");
                target_link(b, x);
                html_lit(b, "\">");
                html_text(b, text);
                html_lit(b, "</a> <span class=\"meta\">");
                html_time(r, x->created_at);
                html_lit(b, "</span>");
                if (!x->read) {
                        html_lit(b, " <form method=\"post\" class=\"inline\" "
                                    "action=\"/notifications/read\">");
                        form_csrf(r);
                        html_lit(b, "<input type=\"hidden\" name=\"id\" value=\"");
                        html_int(b, x->id);
                        html_lit(b, "\"><button type=\"submit\" class=\"link-button\">");
                        html_text(b, _("Mark read"));
                        html_lit(b, "</button></form>");
                }
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
        return page_end(r, 200);
}

int web_notifications_read(struct request *req)
{
        if (notification_mark_read(req->db, req->viewer.id, req_param_int(req, "id", 0)) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, "/notifications");
}
