/* The home page: the latest episodes across newsletters, the newsletters, and who has joined
 * lately. */
#include "web/home.h"
#include "core/alloc.h"
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
#include "web/member_page.h"
#include "web/render.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { HOME_NEWEST_MEMBERS = 12 };

/* Writes the latest episodes (before `before`, 0: the newest), the newsletters and the newest
 * members: the part of the home page that is the same for every reader of one language.
 * Returns 0 or the status of a failure it answered. */
static int home_sections(struct request *req, struct render *r, int64_t before)
{
        struct buf *b = r->out;
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
        return 0;
}

/* ---------------------------------------------------------------- the part kept for everybody */

/* The home page's sections for one language, kept while the site's generation stays (any write
 * here or on another node, a scheduled episode going live: http/page_cache.h's) and for at most
 * KD_PAGE_CACHE_TTL_S (relative times), so a member's home costs their header and greeting
 * instead of three queries and 24 KB of rendering (docs/performance.md, "Member requests").
 * Guests' whole pages are kept by the page cache; this serves members, whose pages differ in
 * the header, the greeting and the forms' token. One slot per language, so memory is bounded by
 * the catalog: KD_HOME_PART_SLOTS × about 25 KB. */
struct home_part {
        const struct locale *locale; /* NULL: the slot is free */
        unsigned generation;
        int64_t built_at;
        char *bytes;
        size_t len;
};

static struct home_part parts[KD_HOME_PART_SLOTS];
static pthread_rwlock_t parts_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Appends the kept sections for req's language to out; false when none are current. */
static bool part_copy(const struct request *req, const struct render *r, struct buf *out)
{
        bool found = false;
        pthread_rwlock_rdlock(&parts_lock);
        for (size_t i = 0; i < KD_HOME_PART_SLOTS && !found; i++) {
                const struct home_part *p = &parts[i];
                if (p->locale == r->locale && p->generation == req->site_generation &&
                    r->now - p->built_at < KD_PAGE_CACHE_TTL_S && r->now >= p->built_at) {
                        buf_append(out, p->bytes, p->len);
                        found = true;
                }
        }
        pthread_rwlock_unlock(&parts_lock);
        return found;
}

/* Keeps bytes as the sections for req's language, built at r->now from the generation the
 * request started with (a write meanwhile moved the generation: the next request builds
 * again). */
static void part_keep(const struct request *req, const struct render *r, const char *bytes,
                      size_t len)
{
        pthread_rwlock_wrlock(&parts_lock);
        struct home_part *slot = NULL;
        for (size_t i = 0; i < KD_HOME_PART_SLOTS && !slot; i++)
                if (parts[i].locale == r->locale || !parts[i].locale)
                        slot = &parts[i];
        if (slot) {
                free(slot->bytes);
                slot->bytes = xmalloc(len);
                memcpy(slot->bytes, bytes, len);
                slot->len = len;
                slot->locale = r->locale;
                slot->generation = req->site_generation;
                slot->built_at = r->now;
        }
        pthread_rwlock_unlock(&parts_lock);
}

/* The member's greeting: the one part of a member's home besides the menu and the token that
 * is theirs (the kept whole page's own range, web/member_page.h). */
static void greeting(struct render *r)
{
        html_textf(r, _("Welcome back, %s."), r->viewer->display_name);
}

int web_home(struct request *req)
{
        /* A member's first page of the home, kept whole for every member: their menu, greeting
         * and token drawn into it (the sections below are alike for all). */
        const char *key = req->shared_parts && req_param_int(req, "before", 0) == 0
                              ? member_page_key(req, true)
                              : NULL;
        struct page_part kept;
        if (key && member_page_get(req, key, &kept))
                return member_page_send(req, &kept, greeting);
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct member_page_own own = {0};
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
                own.at = b->len;
                greeting(r);
                own.len = b->len - own.at;
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</section>\n");

        int64_t before = req_param_int(req, "before", 0);
        /* only the first page is kept: "Older episodes" pages are few and each its own */
        bool keepable = req->shared_parts && before == 0;
        /* Sections copied from the part kept for the site's generation as this request began
         * are not kept again as a whole page: the parts' generation was taken later, and a
         * write in between would leave the older sections under the newer generation. */
        if (keepable && part_copy(req, r, b))
                return page_end(r, 200);
        size_t start = b->len;
        int status = home_sections(req, r, before);
        if (status)
                return status;
        if (keepable)
                part_keep(req, r, b->data + start, b->len - start);
        status = page_end(r, 200);
        if (key)
                member_page_keep(req, r, key, (int64_t[PAGE_PART_META]){0}, &own);
        return status;
}
