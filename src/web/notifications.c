/* Notifications: replies, mentions, grouped reactions, new episodes; unread ones stand out. */
#include "web/notifications.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "model/notification.h"
#include "web/layout.h"

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

int web_notifications(struct request *req)
{
        struct notification *ns;
        int n = notification_list(req->db, req->arena, req->viewer.id, NOTIFICATIONS_SHOWN, &ns);
        if (n < 0)
                return req_fail(req, 503, "The database is not available.");
        struct buf *b = &req->resp.body;
        struct page_meta meta = {.title = _("Notifications"), .noindex = true};
        page_begin_meta(req, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Notifications"));
        html_lit(b, "</h1>\n");
        bool unread = false;
        for (int i = 0; i < n; i++)
                unread |= !ns[i].read;
        if (unread) {
                html_lit(b, "<form method=\"post\" action=\"/notifications/read\">");
                form_csrf(req);
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
                const char *text;
                const char *who = *x->actor_name ? x->actor_name : _("Someone");
                switch (x->kind) {
                case NOTE_REPLY:
                        text = arena_printf(req->arena, _("%s replied to your comment on “%s”"),
                                            who, x->episode_title);
                        break;
                case NOTE_MENTION:
                        text = arena_printf(req->arena, _("%s mentioned you on “%s”"), who,
                                            x->episode_title);
                        break;
                case NOTE_REACTION:
                        if (x->count > 1)
                                text = arena_printf(
                                    req->arena,
                                    _n("%s and %d other reacted to your comment on “%s”",
                                       "%s and %d others reacted to your comment on “%s”",
                                       (unsigned long)(x->count - 1)),
                                    who, x->count - 1, x->episode_title);
                        else
                                text = arena_printf(req->arena,
                                                    _("%s reacted to your comment on “%s”"), who,
                                                    x->episode_title);
                        break;
                default:
                        text = arena_printf(req->arena, _("New episode: “%s”"), x->episode_title);
                        break;
                }
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
                html_time(req, x->created_at);
                html_lit(b, "</span>");
                if (!x->read) {
                        html_lit(b, " <form method=\"post\" class=\"inline\" "
                                    "action=\"/notifications/read\">");
                        form_csrf(req);
                        html_lit(b, "<input type=\"hidden\" name=\"id\" value=\"");
                        html_int(b, x->id);
                        html_lit(b, "\"><button type=\"submit\" class=\"link-button\">");
                        html_text(b, _("Mark read"));
                        html_lit(b, "</button></form>");
                }
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
        return page_end(req, 200);
}

int web_notifications_read(struct request *req)
{
        if (notification_mark_read(req->db, req->viewer.id, req_param_int(req, "id", 0)) != PUB_OK)
                return req_fail(req, 503, "The database is not available.");
        return resp_redirect(req, "/notifications");
}
