/* The member directory (/members): search by name or headline, who is here this week, and
 * everyone, each paged by an index. */
#include "web/members.h"
#include "web/avatar.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/avatar.h"
#include "model/directory.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* The listed members' uploaded avatars (NULL: initials), in the loader: one lookup by primary
 * key per member of a page, at most KD_DIRECTORY_PER_PAGE however large the site. */
static const char **avatars_of(struct request *req, const struct directory_entry *es, int n)
{
        const char **urls = arena_zalloc(req->arena, sizeof(*urls) * (size_t)(n > 0 ? n : 1));
        for (int i = 0; i < n; i++)
                urls[i] = avatar_url(req->db, req->arena, es[i].id);
        return urls;
}

static void entry(struct render *r, const struct directory_entry *e, const char *avatar,
                  bool show_active)
{
        struct buf *b = r->out;
        html_lit(b, "<li><a class=\"author\" href=\"/@");
        html_url_arg(b, e->handle);
        html_lit(b, "\">");
        web_avatar(r, e->id, e->name, avatar, 32);
        html_text(b, e->name);
        html_lit(b, "</a> <span class=\"meta\">@");
        html_text(b, e->handle);
        html_lit(b, "</span>");
        if (*e->headline) {
                html_lit(b, "<br><span class=\"headline\">");
                html_text(b, e->headline);
                html_lit(b, "</span>");
        }
        html_lit(b, "<br><span class=\"meta\">");
        if (show_active && e->active_at) {
                struct html_frag when = html_time_frag(r, e->active_at);
                html_sentence(r, _("active %s"), 1, &when);
        } else {
                struct html_frag since = html_date_frag(r, e->joined_at);
                html_sentence(r, _("member since %s"), 1, &since);
        }
        html_lit(b, "</span></li>\n");
}

int web_members(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *q = req_param(req, "q");
        struct directory_entry *found = NULL;
        int64_t next_after = 0;
        int n = directory_search(req->db, req->arena, q, req_param_int(req, "after", 0), &found,
                                 &next_after);
        if (n == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        struct directory_entry *here = NULL;
        bool more_here = false;
        int nh = 0;
        int64_t here_count = 0;
        if (!*q) {
                nh = directory_active(req->db, req->arena, r->now, req_param_int(req, "at", 0),
                                      req_param_int(req, "before", 0), &here, &more_here);
                here_count = directory_active_count(req->db, r->now);
                if (nh < 0 || here_count < 0)
                        return req_fail(req, 503, N_("The database is not available."));
        }
        const char **found_avatars = avatars_of(req, found, n);
        const char **here_avatars = avatars_of(req, here, nh);
        struct page_meta meta = {.title = _("Members"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Members"));
        html_lit(b, "</h1>\n<form method=\"get\" action=\"/members\" class=\"member-search\" "
                    "role=\"search\"><label for=\"q\">");
        html_text(b, _("Find a member by name or headline"));
        html_lit(b, "</label> <input type=\"search\" id=\"q\" name=\"q\" value=\"");
        html_attr(b, q);
        html_lit(b, "\"");
        html_maxlength(b, KD_DIRECTORY_QUERY_MAX);
        html_lit(b, "> <button type=\"submit\">");
        html_text(b, _("Search"));
        html_lit(b, "</button></form>\n");
        if (n == PUB_INVALID) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, _("Search for 80 characters at most."));
                html_lit(b, "</p>\n");
                return page_end(r, 422);
        }
        if (*q) {
                html_lit(b, "<h2>");
                html_textf(r, _("Members matching “%s”"), q);
                html_lit(b, "</h2>\n");
                if (n == 0) {
                        html_lit(b, "<p class=\"empty\">");
                        html_text(b, _("Nobody matches that. Try part of a name, or a word from "
                                       "a headline."));
                        html_lit(b, "</p>\n");
                }
        } else {
                html_lit(b, "<section aria-labelledby=\"here-h\"><h2 id=\"here-h\">");
                html_text(b, _("Who is here"));
                html_lit(b, "</h2>\n<p class=\"meta\">");
                html_textf(r,
                           _n("%s member took part or signed in this week.",
                              "%s members took part or signed in this week.",
                              (unsigned long)here_count),
                           l10n_number(r->arena, r->locale, here_count));
                html_lit(b, "</p>\n<ul class=\"member-list who-is-here\">\n");
                for (int i = 0; i < nh; i++)
                        entry(r, &here[i], here_avatars[i], true);
                html_lit(b, "</ul>\n");
                if (more_here) {
                        html_lit(b, "<p class=\"pager\"><a href=\"/members?at=");
                        html_int(b, here[nh - 1].active_at);
                        html_lit(b, "&amp;before=");
                        html_int(b, here[nh - 1].id);
                        html_lit(b, "#here-h\">");
                        html_text(b, _("More members who were here"));
                        html_lit(b, " →</a></p>\n");
                }
                html_lit(b, "</section>\n<h2 id=\"everyone-h\">");
                html_text(b, _("Everyone"));
                html_lit(b, "</h2>\n");
        }
        html_lit(b, "<ul class=\"member-list directory\">\n");
        for (int i = 0; i < n; i++)
                entry(r, &found[i], found_avatars[i], false);
        html_lit(b, "</ul>\n");
        if (next_after) {
                html_lit(b, "<p class=\"pager\"><a href=\"/members?q=");
                html_url_arg(b, q);
                html_lit(b, "&amp;after=");
                html_int(b, next_after);
                html_lit(b, "\">");
                html_text(b, _("More members"));
                html_lit(b, " →</a></p>\n");
        }
        return page_end(r, 200);
}
