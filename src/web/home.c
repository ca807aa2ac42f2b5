/* The home page: the latest episodes across newsletters, the newsletters, and who has joined
 * lately. */
#include "web/home.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "db/db.h"
#include "http/html.h"
#include "http/request.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

enum { HOME_NEWEST_MEMBERS = 12 };

int web_home(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        page_begin(r, NULL);
        html_lit(b, "<section class=\"hero\">\n<h1>");
        html_text(b, req->config->site_name);
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_text(b, _("Newsletters in seasons, written by people, read by a community that "
                       "talks back — and to each other."));
        html_lit(b, "</p>\n");
        if (!req_signed_in(req)) {
                html_lit(b, "<p><a class=\"button\" href=\"/signup\">");
                html_text(b, _("Join the community"));
                html_lit(b, "</a> <a href=\"/login\">");
                html_text(b, _("Log in"));
                html_lit(b, "</a></p>\n");
        } else {
                html_lit(b, "<p>");
                html_textf(r, _("Welcome back, %s."), req->viewer.display_name);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</section>\n");

        int64_t before = req_param_int(req, "before", 0);
        struct episode *eps;
        int n =
            episode_list_latest(req->db, req->arena, time_now(), before, KD_LIST_EPISODES, &eps);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        html_lit(b,
                 "<section class=\"latest\" aria-labelledby=\"latest-h\">\n<h2 id=\"latest-h\">");
        html_text(b, _("Latest episodes"));
        html_lit(b, "</h2>\n");
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, before ? _("No older episodes.") : _("Nothing published yet."));
                html_lit(b, "</p>\n");
        }
        for (int i = 0; i < n; i++)
                card_episode(r, &eps[i],
                             CARD_NEWSLETTER | CARD_COVER | CARD_EXCERPT | CARD_AUTHOR |
                                 card_cover_load(eps, i));
        if (n == KD_LIST_EPISODES) {
                html_lit(b, "<p><a rel=\"next\" href=\"/?before=");
                html_int(b, eps[n - 1].publish_at);
                html_lit(b, "\">");
                html_text(b, _("Older episodes"));
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "</section>\n");

        struct newsletter *ns;
        int nn = newsletter_list(req->db, req->arena, &ns);
        if (nn > 0) {
                html_lit(
                    b,
                    "<section class=\"newsletters\" aria-labelledby=\"nl-h\">\n<h2 id=\"nl-h\">");
                html_text(b, _("Newsletters"));
                html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                for (int i = 0; i < nn; i++) {
                        html_lit(b, "<li><a href=\"/n/");
                        html_url_arg(b, ns[i].slug);
                        html_lit(b, "\">");
                        html_text(b, ns[i].title);
                        html_lit(b, "</a> <span class=\"meta\">");
                        /* TRANSLATORS: %s is the newsletter owner's name */
                        html_textf(r, _("by %s"), ns[i].owner_name);
                        html_lit(b, "</span></li>\n");
                }
                html_lit(b, "</ul>\n</section>\n");
        }

        struct db_stmt *s = db_prepare(req->db, "SELECT handle, display_name, headline, created_at"
                                                " FROM member WHERE disabled = 0"
                                                " ORDER BY created_at DESC, id DESC LIMIT ?1");
        if (!s)
                return req_fail(req, 503, N_("The database is not available."));
        db_bind_int(s, 1, HOME_NEWEST_MEMBERS);
        int64_t total = member_count(req->db);
        html_lit(b, "<section class=\"members\" aria-labelledby=\"newest\">\n<h2 id=\"newest\">");
        html_text(b, _("New in the community"));
        html_lit(b, "</h2>\n<p class=\"hint\">");
        html_textf(
            r,
            _n("%lld member so far", "%lld members so far", (unsigned long)(total > 0 ? total : 0)),
            (long long)(total > 0 ? total : 0));
        html_lit(b, "</p>\n<ul class=\"member-list\">\n");
        while (db_step(s) == DB_ROW) {
                html_lit(b, "<li><a href=\"/@");
                html_url_arg(b, db_col_text(s, 0));
                html_lit(b, "\">");
                html_text(b, db_col_text(s, 1));
                html_lit(b, "</a>");
                if (*db_col_text(s, 2)) {
                        html_lit(b, " <span class=\"headline\">");
                        html_text(b, db_col_text(s, 2));
                        html_lit(b, "</span>");
                }
                html_lit(b, " <span class=\"meta\">");
                struct html_frag when = html_time_frag(r, db_col_int(s, 3));
                /* TRANSLATORS: %s is a relative time such as "3 days ago" */
                html_sentence(r, _("joined %s"), 1, &when);
                html_lit(b, "</span></li>\n");
        }
        db_finish(s);
        html_lit(b, "</ul>\n</section>\n");
        return page_end(r, 200);
}
