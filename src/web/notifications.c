/* Notifications: replies, mentions, grouped reactions, new episodes, and news about build-ons,
 * answers, spaces, asks and terms; unread ones stand out. */
#include "web/notifications.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "model/notification.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

enum { NOTIFICATIONS_SHOWN = 100 };

/* The place a sentence names: the item's, else the episode's title ("" when neither is known;
 * a notification built by hand, as mail or a test might, may leave fields NULL). */
static const char *place(const struct notification *x)
{
        return x->where ? x->where : x->episode_title ? x->episode_title : "";
}

static const char *text_or_empty(const char *s)
{
        return s ? s : "";
}

/* "Sam reacted to your build-on on “X”" and the like, for reactions on an item that is not a
 * comment, grouped (count) while unread. */
static const char *reaction_on_item(struct render *r, const struct notification *x, const char *who)
{
        unsigned long others = (unsigned long)(x->count > 1 ? x->count - 1 : 0);
        if (strcmp(x->target, "buildon") == 0)
                return others ? arena_printf(r->arena,
                                             _n("%s and %d other reacted to your build-on on “%s”",
                                                "%s and %d others reacted to your build-on on “%s”",
                                                others),
                                             who, (int)others, place(x))
                              : arena_printf(r->arena, _("%s reacted to your build-on on “%s”"),
                                             who, place(x));
        if (strcmp(x->target, "post") == 0)
                return others ? arena_printf(r->arena,
                                             _n("%s and %d other reacted to your post in “%s”",
                                                "%s and %d others reacted to your post in “%s”",
                                                others),
                                             who, (int)others, place(x))
                              : arena_printf(r->arena, _("%s reacted to your post in “%s”"), who,
                                             place(x));
        return others
                   ? arena_printf(r->arena,
                                  _n("%s and %d other reacted to what you wrote on “%s”",
                                     "%s and %d others reacted to what you wrote on “%s”", others),
                                  who, (int)others, place(x))
                   : arena_printf(r->arena, _("%s reacted to what you wrote on “%s”"), who,
                                  place(x));
}

/* An ask's or a term's title, or its place when the table had none. */
static const char *subject_or_where(const struct notification *x)
{
        return *text_or_empty(x->subject) ? x->subject : place(x);
}

const char *notification_text(struct render *r, const struct notification *x)
{
        const char *who = *text_or_empty(x->actor_name) ? x->actor_name : _("Someone");
        switch (x->kind) {
        case NOTE_REPLY:
                return arena_printf(r->arena, _("%s replied to your comment on “%s”"), who,
                                    place(x));
        case NOTE_MENTION:
                return arena_printf(r->arena, _("%s mentioned you on “%s”"), who, place(x));
        case NOTE_REACTION:
                if (x->target && strcmp(x->target, "comment") != 0)
                        return reaction_on_item(r, x, who);
                if (x->count > 1)
                        return arena_printf(r->arena,
                                            _n("%s and %d other reacted to your comment on “%s”",
                                               "%s and %d others reacted to your comment on “%s”",
                                               (unsigned long)(x->count - 1)),
                                            who, x->count - 1, place(x));
                return arena_printf(r->arena, _("%s reacted to your comment on “%s”"), who,
                                    place(x));
        case NOTE_BUILDON:
                if (*x->subject)
                        return arena_printf(r->arena, _("%s built on your build-on “%s”"), who,
                                            x->subject);
                return arena_printf(r->arena, _("%s built on your episode “%s”"), who,
                                    *x->episode_title ? x->episode_title : place(x));
        case NOTE_ANSWER:
                return arena_printf(r->arena, _("%s answered a question on “%s”"), who, place(x));
        case NOTE_SPACE_REPLY:
                return arena_printf(r->arena, _("%s replied in “%s”"), who, place(x));
        case NOTE_SPACE_MENTION:
                return arena_printf(r->arena, _("%s mentioned you in “%s”"), who, place(x));
        case NOTE_ASK:
                if (strcmp(text_or_empty(x->status), "planned") == 0)
                        return arena_printf(r->arena, _("Your ask “%s” was updated: planned"),
                                            subject_or_where(x));
                if (strcmp(text_or_empty(x->status), "covered") == 0)
                        return arena_printf(r->arena, _("Your ask “%s” was updated: covered"),
                                            subject_or_where(x));
                if (strcmp(text_or_empty(x->status), "declined") == 0)
                        return arena_printf(r->arena, _("Your ask “%s” was updated: declined"),
                                            subject_or_where(x));
                return arena_printf(r->arena, _("Your ask “%s” was updated"), subject_or_where(x));
        case NOTE_TERM:
                if (strcmp(text_or_empty(x->status), "approved") == 0)
                        return arena_printf(r->arena, _("Your term “%s” was approved"),
                                            subject_or_where(x));
                if (strcmp(text_or_empty(x->status), "declined") == 0)
                        return arena_printf(r->arena, _("Your term “%s” was declined"),
                                            subject_or_where(x));
                return arena_printf(r->arena, _("Your term “%s” was updated"), subject_or_where(x));
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
        html_lit(b, "</h1>\n<p class=\"hint\"><a href=\"/settings/notification-mail\">");
        html_text(b, _("Choose how often you get these by mail"));
        html_lit(b, "</a> · <a href=\"/settings/notifications\">");
        html_text(b, _("Choose which notifications you get"));
        html_lit(b, "</a></p>\n");
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
                html_text(b, _("Nothing yet. Replies, mentions, reactions to what you write, "
                               "build-ons and answers, news of your asks and terms, and new "
                               "episodes of newsletters you follow will show up here."));
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
                /* through /notifications/ID, which marks it read (web/notify_prefs.h) */
                html_lit(b, "\"><a href=\"/notifications/");
                html_int(b, x->id);
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
