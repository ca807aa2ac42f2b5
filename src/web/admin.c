/* Administration: the member list with roles and status. */
#include "web/admin.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "model/member.h"
#include "web/layout.h"
#include "web/render.h"

static void member_row(const struct member *m, void *ctx)
{
        struct render *r = ctx;
        struct buf *b = r->out;
        html_lit(b, "<tr><td><a href=\"/@");
        html_url_arg(b, m->handle);
        html_lit(b, "\">@");
        html_text(b, m->handle);
        html_lit(b, "</a></td><td>");
        html_text(b, m->display_name);
        html_lit(b, "</td><td>");
        html_text(b, _(role_name(m->role)));
        html_lit(b, "</td><td>");
        html_text(b, m->disabled ? _("disabled") : _("active"));
        html_lit(b, "</td><td>");
        html_time(r, m->created_at);
        html_lit(b, "</td></tr>\n");
}

int web_admin_members(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        page_begin(r, _("Members"));
        html_lit(b, "<h1>");
        html_text(b, _("Members"));
        html_lit(b, "</h1>\n<p class=\"hint\">");
        html_text(b, _("Change roles with: kindred member set-role HANDLE ROLE"));
        html_lit(b, "</p>\n<table class=\"data\">\n<thead><tr><th scope=\"col\">");
        html_text(b, _("Handle"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Name"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Role"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Status"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Joined"));
        html_lit(b, "</th></tr></thead>\n<tbody>\n");
        if (member_each(req->db, req->arena, member_row, r) != MEMBER_OK)
                return req_fail(req, 503, N_("The database is not available."));
        html_lit(b, "</tbody>\n</table>\n");
        return page_end(r, 200);
}
