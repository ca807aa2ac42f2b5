/* A member's public profile: name, headline, bio, role, when they joined; for authors, their
 * newsletters and episodes. */
#include "web/profile.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "core/timeutil.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

enum { PROFILE_EPISODES = 30 };

int web_profile(struct request *req)
{
        struct render *r = render_for_request(req);
        struct member m;
        int rc = member_find_handle(req->db, req->arena, req_path_param(req, "handle"), &m);
        if (rc == MEMBER_NOT_FOUND || (rc == MEMBER_OK && m.disabled))
                return req_fail(req, 404, N_("There is no member with that handle."));
        if (rc != MEMBER_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        page_begin(r, m.display_name);
        html_lit(b, "<article class=\"profile h-card\">\n<h1 class=\"p-name\">");
        html_text(b, m.display_name);
        html_lit(b, "</h1>\n<p class=\"handle\">@");
        html_text(b, m.handle);
        if (m.role == ROLE_AUTHOR || m.role == ROLE_ADMIN) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, m.role == ROLE_AUTHOR ? _("Author") : _("Admin"));
                html_lit(b, "</span>");
        } else if (m.role == ROLE_MODERATOR) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, _("Moderator"));
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        if (*m.headline) {
                html_lit(b, "<p class=\"headline p-job-title\">");
                html_text(b, m.headline);
                html_lit(b, "</p>\n");
        }
        if (*m.bio) {
                html_lit(b, "<div class=\"bio p-note\"><p>");
                html_text(b, m.bio);
                html_lit(b, "</p></div>\n");
        }
        html_lit(b, "<p class=\"meta\">");
        struct html_frag since = html_time_frag(r, m.created_at);
        /* TRANSLATORS: %s is a relative time such as "3 months ago" */
        html_sentence(r, _("Member since %s"), 1, &since);
        html_lit(b, "</p>\n</article>\n");

        struct newsletter *ns;
        int nn = newsletter_list_by_author(req->db, req->arena, m.id, &ns);
        if (nn > 0) {
                html_lit(b, "<section aria-labelledby=\"nl-h\"><h2 id=\"nl-h\">");
                html_text(b, _("Newsletters"));
                html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                for (int i = 0; i < nn; i++) {
                        html_lit(b, "<li><a href=\"/n/");
                        html_url_arg(b, ns[i].slug);
                        html_lit(b, "\">");
                        html_text(b, ns[i].title);
                        html_lit(b, "</a>");
                        if (ns[i].owner_id != m.id) {
                                html_lit(b, " <span class=\"meta\">");
                                html_text(b, _("co-author"));
                                html_lit(b, "</span>");
                        }
                        html_lit(b, "</li>\n");
                }
                html_lit(b, "</ul>\n</section>\n");
        }
        struct episode *eps;
        int ne =
            episode_list_author(req->db, req->arena, m.id, 0, time_now(), PROFILE_EPISODES, &eps);
        if (ne > 0) {
                html_lit(b, "<section aria-labelledby=\"ep-h\"><h2 id=\"ep-h\">");
                html_text(b, _("Episodes"));
                html_lit(b, "</h2>\n");
                for (int i = 0; i < ne; i++)
                        card_episode(r, &eps[i], CARD_NEWSLETTER | CARD_EXCERPT | CARD_COVER);
                html_lit(b, "</section>\n");
        }
        return page_end(r, 200);
}
