/* Unpublish and delete, with confirmation (web/editor_lifecycle.h). */
#include "web/editor_lifecycle.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/episode.h"
#include "model/episode_lifecycle.h"
#include "model/newsletter.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* The episode in the path, checked writable (404 for a draft someone may not see). */
static int load(struct request *req, struct episode *e)
{
        if (episode_get(req->db, req->arena, req_path_id(req, "id"), e) != PUB_OK)
                return req_fail(req, 404, N_("There is no episode at this address."));
        if (!newsletter_can_write(req->db, e->newsletter_id, req->viewer.id, req->viewer.role))
                return episode_is_live(e, time_now())
                           ? req_fail(req, 403, N_("Only this newsletter's authors may edit it."))
                           : req_fail(req, 404, N_("There is no episode at this address."));
        return 0;
}

/* A confirmation page: the question, what follows, and one button that does it. */
static int confirm_page(struct request *req, const struct episode *e, const char *title,
                        const char *explanation, const char *action, const char *button,
                        bool danger)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<nav class=\"breadcrumbs\"><a href=\"/write\">");
        html_text(b, _("Write"));
        html_lit(b, "</a> › <a href=\"/write/episode/");
        html_int(b, e->id);
        html_lit(b, "\">");
        html_text(b, e->title);
        html_lit(b, "</a></nav>\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<p>");
        html_text(b, explanation);
        html_lit(b, "</p>\n<form method=\"post\" class=\"confirm-form\" action=\"/write/episode/");
        html_int(b, e->id);
        html_lit(b, "/");
        html_text(b, action);
        html_lit(b, "\">\n");
        form_csrf(r);
        html_lit(b, "<p class=\"actions\"><button type=\"submit\"");
        if (danger)
                html_lit(b, " class=\"danger\"");
        html_lit(b, ">");
        html_text(b, button);
        html_lit(b, "</button> <a class=\"button secondary\" href=\"/write/episode/");
        html_int(b, e->id);
        html_lit(b, "\">");
        html_text(b, _("Cancel"));
        html_lit(b, "</a></p>\n</form>\n");
        return page_end(r, 200);
}

int web_write_episode_unpublish_form(struct request *req)
{
        struct episode e;
        if (load(req, &e))
                return req->resp.status;
        if (e.status == EPISODE_DRAFT)
                return resp_redirect(
                    req, arena_printf(req->arena, "/write/episode/%lld", (long long)e.id));
        struct render *r = render_for_request(req);
        const char *title = arena_printf(r->arena, _("Unpublish “%s”?"), e.title);
        return confirm_page(req, &e, title,
                            _("Readers will no longer find it: its page, the feeds and the "
                              "newsletter stop showing it, and it goes back to your drafts with "
                              "its comments kept. Publishing it again gives it a new date."),
                            "unpublish", _("Unpublish"), false);
}

int web_write_episode_unpublish(struct request *req)
{
        struct episode e;
        if (load(req, &e))
                return req->resp.status;
        if (episode_unpublish(req->db, e.id, time_now()) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(
            req, arena_printf(req->arena, "/write/episode/%lld?done=unpublished", (long long)e.id));
}

int web_write_episode_delete_form(struct request *req)
{
        struct episode e;
        if (load(req, &e))
                return req->resp.status;
        struct render *r = render_for_request(req);
        const char *title = arena_printf(r->arena, _("Delete “%s”?"), e.title);
        const char *explanation =
            episode_is_live(&e, time_now())
                ? _("This cannot be undone. The episode, its comments, reactions and answers are "
                    "deleted; its address tells readers and feed readers that it is gone for "
                    "good. To hide it for a while instead, unpublish it.")
                : _("This cannot be undone. The episode and everything written under it are "
                    "deleted.");
        return confirm_page(req, &e, title, explanation, "delete", _("Delete for good"), true);
}

int web_write_episode_delete(struct request *req)
{
        struct episode e;
        if (load(req, &e))
                return req->resp.status;
        if (episode_delete(req->db, e.id, time_now()) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, "/write?done=deleted");
}

void editor_lifecycle_links(struct render *r, const struct episode *e)
{
        struct buf *b = r->out;
        if (e->status != EPISODE_DRAFT) {
                html_lit(b, " · <a href=\"/write/episode/");
                html_int(b, e->id);
                html_lit(b, "/unpublish\">");
                html_text(b, _("Unpublish"));
                html_lit(b, "</a>");
        }
        html_lit(b, " · <a class=\"danger-link\" href=\"/write/episode/");
        html_int(b, e->id);
        html_lit(b, "/delete\">");
        html_text(b, _("Delete"));
        html_lit(b, "</a>");
}

bool editor_answer_gone(struct request *req, const char *newsletter_slug, const char *slug)
{
        const char *title;
        if (!episode_was_deleted(req->db, req->arena, newsletter_slug, slug, &title))
                return false;
        req_fail(req, 410, N_("This episode was deleted by its author and will not come back."));
        return true;
}
