/* Reading pages: newsletter, season and episode, and the Follow button. */
#include "web/publication.h"
#include "web/editor_lifecycle.h"
#include "web/images.h"
#include "web/lexicon.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/episode.h"
#include "model/newsletter.h"
#include "model/season.h"
#include "web/asks.h"
#include "web/buildons.h"
#include "web/cards.h"
#include "web/comments.h"
#include "web/events.h"
#include "web/prompts.h"
#include "web/related.h"
#include "web/tried.h"
#include "web/subscriptions.h"
#include "model/subscription.h"
#include "web/layout.h"
#include "web/member_page.h"
#include "web/page_parts.h"
#include "model/footprint.h"
#include "http/member_cache.h"
#include "core/i18n.h"
#include "web/events.h"
#include "web/render.h"

#include <stdlib.h>
#include <string.h>

enum { MORE_FROM_AUTHOR = 3, NEWSLETTER_SEASON_EPISODES = 12 };

/* Loads the newsletter named in the path, or fails the request with 404. */
static int load_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

/* When an airing season's next episode is due (0 for other seasons): season_status_line's data. */
static int64_t next_episode_at(struct request *req, const struct season *s, int64_t now)
{
        return s->status == SEASON_AIRING ? season_next_episode_at(req->db, s, now) : 0;
}

static bool viewer_can_write(struct request *req, int64_t newsletter_id)
{
        return req_signed_in(req) &&
               newsletter_can_write(req->db, newsletter_id, req->viewer.id, req->viewer.role);
}

/* The Follow button (following: the viewer follows n already), or a login link for guests. */
static void follow_form(struct render *r, const struct newsletter *n, bool following)
{
        struct buf *b = r->out;
        if (!render_signed_in(r)) {
                html_lit(b, "<p><a class=\"button\" href=\"/login?next=/n/");
                html_url_arg(b, n->slug);
                html_lit(b, "\">");
                html_text(b, _("Log in to follow"));
                html_lit(b, "</a></p>\n");
                return;
        }
        html_lit(b, "<form method=\"post\" class=\"follow\" action=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/follow\">");
        form_csrf(r);
        if (following) {
                html_lit(b, "<input type=\"hidden\" name=\"follow\" value=\"0\">"
                            "<button type=\"submit\" class=\"secondary\" aria-pressed=\"true\">");
                html_text(b, _("Following"));
        } else {
                html_lit(b, "<input type=\"hidden\" name=\"follow\" value=\"1\">"
                            "<button type=\"submit\" aria-pressed=\"false\">");
                html_text(b, _("Follow"));
        }
        html_lit(b, "</button></form>\n");
}

static void feed_links(struct render *r, const struct newsletter *n)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"feeds\">");
        html_text(b, _("Subscribe in a feed reader:"));
        html_lit(b, " <a href=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/feed.atom\">Atom</a> · <a href=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/feed.json\">JSON Feed</a></p>\n");
}

static void author_link(struct buf *b, const char *handle, const char *name)
{
        html_lit(b, "<a href=\"/@");
        html_url_arg(b, handle);
        html_lit(b, "\">");
        html_text(b, name);
        html_lit(b, "</a>");
}

/* ------------------------------------------------------------------ newsletter */

int web_newsletter(struct request *req)
{
        struct render *r = render_for_request(req);
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        int64_t now = time_now();
        struct season *seasons;
        int nseasons = season_list(req->db, req->arena, n.id, now, &seasons);
        if (nseasons < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        const char *feed_atom = arena_printf(req->arena, "/n/%s/feed.atom", n.slug);
        const char *feed_json = arena_printf(req->arena, "/n/%s/feed.json", n.slug);
        struct page_meta meta = {
            .title = n.title,
            .description = n.description,
            .canonical = arena_printf(req->arena, "/n/%s", n.slug),
            .feed_atom = feed_atom,
            .feed_json = feed_json,
            .feed_title = n.title,
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<header class=\"newsletter-head\">\n<p class=\"label\">");
        html_text(b, _("Newsletter"));
        html_lit(b, "</p>\n<h1>");
        html_text(b, n.title);
        html_lit(b, "</h1>\n<p class=\"meta\">");
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        author_link(r->out, n.owner_handle, n.owner_name);
        struct html_frag people[2] = {html_frag_end(r, &scratch, saved)};
        const char *co = newsletter_coauthors(req->db, req->arena, n.id);
        if (*co) {
                /* co-author handles, each linked */
                html_frag_begin(r, &scratch, &saved);
                char *list = arena_strdup(req->arena, co), *save = NULL;
                bool first = true;
                for (char *h = strtok_r(list, ", ", &save); h; h = strtok_r(NULL, ", ", &save)) {
                        if (!first)
                                html_lit(r->out, ", ");
                        first = false;
                        html_lit(r->out, "<a href=\"/@");
                        html_url_arg(r->out, h);
                        html_lit(r->out, "\">@");
                        html_text(r->out, h);
                        html_lit(r->out, "</a>");
                }
                people[1] = html_frag_end(r, &scratch, saved);
                /* TRANSLATORS: %1$s is the owner, %2$s the co-authors (linked names) */
                html_sentence(r, _("By %1$s with %2$s"), 2, people);
        } else {
                /* TRANSLATORS: %s is the newsletter owner's linked name */
                html_sentence(r, _("By %s"), 1, people);
        }
        int64_t followers = newsletter_follower_count(req->db, n.id);
        html_lit(b, " · ");
        html_textf(r, _n("%lld follower", "%lld followers", (unsigned long)followers),
                   (long long)(followers > 0 ? followers : 0));
        html_lit(b, "</p>\n<div class=\"description\">");
        html_rendered(b, n.description_html);
        html_lit(b, "</div>\n<div class=\"actions\">");
        follow_form(r, &n,
                    req_signed_in(req) && newsletter_is_following(req->db, req->viewer.id, n.id));
        if (viewer_can_write(req, n.id)) {
                html_lit(b, "<p><a class=\"button secondary\" href=\"/write/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "\">");
                html_text(b, _("Edit newsletter"));
                html_lit(b, "</a> <a class=\"button secondary\" href=\"/write/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/episode\">");
                html_text(b, _("New episode"));
                html_lit(b, "</a> <a class=\"button secondary\" href=\"/insights/");
                html_url_arg(b, n.slug);
                html_lit(b, "\">");
                html_text(b, _("Insights"));
                html_lit(b, "</a></p>");
        }
        html_lit(b, "</div>\n");
        subscription_box(r, n.slug, true,
                         req_signed_in(req) &&
                             subscription_member_active(req->db, req->viewer.id, n.id));
        web_lexicon_link(r, n.slug);
        feed_links(r, &n);
        web_asks_newsletter_link(r, req->db, &n);
        html_lit(b, "</header>\n");

        if (nseasons == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("No seasons yet."));
                html_lit(b, "</p>\n");
        }
        /* Newest season first: that is what a returning reader came for. */
        for (int i = nseasons - 1; i >= 0; i--) {
                struct season *s = &seasons[i];
                html_lit(b, "<section class=\"season\" aria-labelledby=\"season-");
                html_int(b, s->number);
                html_lit(b, "\">\n<h2 id=\"season-");
                html_int(b, s->number);
                html_lit(b, "\"><a href=\"/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/season/");
                html_int(b, s->number);
                html_lit(b, "\">");
                html_textf(r, _("Season %d: %s"), s->number, s->title);
                html_lit(b, "</a></h2>\n");
                season_status_line(r, s, next_episode_at(req, s, now));
                html_lit(b, "<div class=\"description\">");
                html_rendered(b, s->description_html);
                html_lit(b, "</div>\n");
                struct episode *eps;
                int neps = episode_list_season_first(req->db, req->arena, s->id, now,
                                                     NEWSLETTER_SEASON_EPISODES, &eps);
                if (neps > 0) {
                        html_lit(b, "<ol class=\"episode-list\">\n");
                        for (int k = 0; k < neps && k < NEWSLETTER_SEASON_EPISODES; k++) {
                                html_lit(b, "<li value=\"");
                                html_int(b, eps[k].number);
                                html_lit(b, "\"><a href=\"");
                                episode_path(b, &eps[k]);
                                html_lit(b, "\">");
                                html_text(b, eps[k].title);
                                html_lit(b, "</a> <span class=\"meta\">");
                                html_time(r, eps[k].publish_at);
                                html_lit(b, "</span></li>\n");
                        }
                        html_lit(b, "</ol>\n");
                        if (s->episodes > neps) {
                                html_lit(b, "<p><a href=\"/n/");
                                html_url_arg(b, n.slug);
                                html_lit(b, "/season/");
                                html_int(b, s->number);
                                html_lit(b, "\">");
                                html_textf(r, _("All %d episodes of season %d"), s->episodes,
                                           s->number);
                                html_lit(b, " →</a></p>\n");
                        }
                }
                html_lit(b, "</section>\n");
        }
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ season */

int web_season(struct request *req)
{
        struct render *r = render_for_request(req);
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        int64_t number = req_path_id(req, "number");
        if (number > KD_MAX_SEASONS)
                return req_fail(req, 404, N_("There is no such season."));
        int64_t now = time_now();
        struct season s;
        int rc = season_find(req->db, req->arena, n.id, (int)number, now, &s);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such season."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        struct episode *eps;
        int neps = episode_list_season(req->db, req->arena, s.id, now, &eps);
        if (neps < 0)
                return req_fail(req, 503, N_("The database is not available."));
        const char *title = arena_printf(req->arena, _("Season %d: %s"), s.number, s.title);
        struct page_meta meta = {
            .title = title,
            .description = s.description,
            .feed_atom = arena_printf(req->arena, "/n/%s/feed.atom", n.slug),
            .feed_json = arena_printf(req->arena, "/n/%s/feed.json", n.slug),
            .feed_title = n.title,
        };
        page_begin_meta(r, &meta);
        struct buf *b = r->out;
        html_lit(b, "<nav class=\"breadcrumbs\" aria-label=\"");
        html_attr(b, _("Breadcrumbs"));
        html_lit(b, "\"><a href=\"/n/");
        html_url_arg(b, n.slug);
        html_lit(b, "\">");
        html_text(b, n.title);
        html_lit(b, "</a></nav>\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n");
        season_status_line(r, &s, next_episode_at(req, &s, now));
        html_lit(b, "<div class=\"description\">");
        html_rendered(b, s.description_html);
        html_lit(b, "</div>\n");
        if (viewer_can_write(req, n.id)) {
                html_lit(b, "<p><a class=\"button secondary\" href=\"/write/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/season/");
                html_int(b, s.number);
                html_lit(b, "\">");
                html_text(b, _("Edit season"));
                html_lit(b, "</a></p>\n");
        }
        /* The cards' titles are h3: they sit under this h2, so the outline skips no level. */
        html_lit(b, "<section class=\"season-episodes\" aria-labelledby=\"episodes-h\">\n"
                    "<h2 id=\"episodes-h\">");
        html_text(b, _("Episodes"));
        html_lit(b, "</h2>\n");
        if (neps == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("No episodes yet."));
                html_lit(b, "</p>\n");
        }
        for (int i = 0; i < neps; i++)
                card_episode(r, &eps[i],
                             CARD_COVER | CARD_EXCERPT | CARD_AUTHOR | card_cover_load(eps, i));
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ episode */

static void ai_disclosure_note(struct render *r, enum ai_disclosure ai)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"ai-disclosure\">");
        switch (ai) {
        case AI_ASSISTED:
                html_text(b, _("AI disclosure: the author used AI tools to assist with this "
                               "episode; the writing and the judgement are theirs."));
                break;
        case AI_GENERATED:
                html_text(b, _("AI disclosure: this episode was largely generated with AI and "
                               "edited by the author."));
                break;
        default:
                html_text(b, _("AI disclosure: written without AI assistance."));
                break;
        }
        html_lit(b, "</p>\n");
}

static void neighbour_link(struct render *r, const struct episode *e, const char *rel,
                           const char *label)
{
        struct buf *b = r->out;
        html_lit(b, "<a rel=\"");
        html_attr(b, rel);
        html_lit(b, "\" href=\"");
        episode_path(b, e);
        html_lit(b, "\"><span class=\"label\">");
        html_text(b, label);
        html_lit(b, "</span> ");
        html_text(b, e->title);
        html_lit(b, "</a>");
}

/* Everything the episode page shows, read by episode_page_load. */
struct episode_page {
        struct episode e;
        bool live;      /* published and its time has come (else a draft or scheduled) */
        bool can_write; /* the viewer may edit it */
        const char *canonical;
        struct page_chrome chrome;
        struct episode *prev, *next; /* neighbours in the season, NULL at either end */
        struct episode *more;        /* more from the author */
        int nmore;
        struct conversation conversation;
        struct tried_view *tried;        /* "I tried this" (web/tried.c) */
        struct prompts_view *prompts;    /* "Questions for you" (web/prompts.c) */
        struct buildons_under *buildons; /* "Built on this" (web/buildons.h) */
        struct related_view *related;    /* "Members also read", insights (web/related.h) */
        /* The neighbours' links and "More from this author" alike for every viewer, from the
         * shared parts (web/page_parts.h) when kept (then prev, next and more are not read),
         * else drawn from what was read and kept as of generation. */
        const char *nav_key, *more_key;
        char *nav_html, *more_html;
        unsigned generation;
};

/* A kept section's bytes, copied into the request (they are a few KB), or NULL. */
static char *kept_section(struct request *req, const char *key, int64_t now)
{
        struct page_part part;
        if (!page_parts_get(key, now, &part))
                return NULL;
        char *s = arena_strndup(req->arena, part.bytes, part.len);
        page_parts_release(&part);
        return s;
}

/* Loader: the episode named in the path and all the page shows around it. Returns 0, or the
 * status after failing the request (404, 503) or redirecting a guest to log in. */
static int episode_page_load(struct request *req, struct episode_page *p)
{
        memset(p, 0, sizeof(*p));
        struct episode *e = &p->e;
        int rc = episode_find(req->db, req->arena, req_path_param(req, "newsletter"),
                              req_path_param(req, "episode"), e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        int64_t now = time_now();
        /* A deleted episode readers had seen is gone for good: 410 (web/editor_lifecycle.h). */
        if (rc == PUB_NOT_FOUND && editor_answer_gone(req, req_path_param(req, "newsletter"),
                                                      req_path_param(req, "episode")))
                return req->resp.status;
        /* Drafts and scheduled episodes do not exist for readers: 404, not 403. */
        if (rc == PUB_NOT_FOUND ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, now))
                return req_fail(req, 404, N_("There is no episode at this address."));
        p->live = episode_is_live(e, now);
        if (!req_signed_in(req) && !req->config->guests_can_read) {
                struct buf to = BUF_INIT;
                buf_puts(&to, "/login?next=");
                html_url_arg(&to, req->path);
                int status = resp_redirect(req, to.data);
                buf_free(&to);
                return status;
        }
        p->canonical = req->path;
        /* Uploaded images in the text get their resized copies and sizes (web/images.h). */
        e->body_html = image_html_responsive(req->db, req->arena, e->body_html);
        page_chrome_load(req, &p->chrome);
        p->can_write = viewer_can_write(req, e->newsletter_id);
        if (page_parts_enabled()) {
                const char *lang = i18n_tag(req->locale ? req->locale : i18n_default());
                p->generation = req->parts_generation;
                /* a draft's page has no neighbours: nothing to keep */
                p->nav_key = p->live
                                 ? arena_printf(req->arena, "nav:%lld:%s", (long long)e->id, lang)
                                 : NULL;
                p->more_key = arena_printf(req->arena, "more:%lld:%s", (long long)e->id, lang);
                p->nav_html = p->live ? kept_section(req, p->nav_key, now) : NULL;
                p->more_html = kept_section(req, p->more_key, now);
        }
        if (p->live && !p->nav_html)
                episode_neighbours(req->db, req->arena, e, now, &p->prev, &p->next);
        conversation_load(req, e, p->live, &p->conversation);
        p->tried = tried_load(req, e, p->live);
        p->prompts = prompts_load(req, e, p->live);
        p->buildons = buildons_under_load(req, e, p->live);
        p->related = related_load(req, e, p->live);
        if (!p->more_html)
                p->nmore = episode_list_author(req->db, req->arena, e->author_id, e->id, now,
                                               MORE_FROM_AUTHOR, &p->more);
        return 0;
}

static void nav_section(struct render *r, const struct episode_page *p)
{
        struct buf *b = r->out;
        if (p->prev || p->next) {
                html_lit(b, "<nav class=\"episode-nav\" aria-label=\"");
                html_attr(b, _("More episodes"));
                html_lit(b, "\">\n");
                if (p->prev)
                        neighbour_link(r, p->prev, "prev", _("Previous"));
                if (p->next)
                        neighbour_link(r, p->next, "next", _("Next"));
                html_lit(b, "</nav>\n");
        }
}

static void more_section(struct render *r, const struct episode_page *p)
{
        const struct episode *e = &p->e;
        struct buf *b = r->out;
        if (p->nmore > 0) {
                html_lit(b, "<section class=\"more\" aria-labelledby=\"more-h\">\n<h2 "
                            "id=\"more-h\">");
                html_text(b, _("More from this author"));
                html_lit(b, "</h2>\n");
                for (int i = 0; i < p->nmore; i++)
                        card_episode(r, &p->more[i], CARD_NEWSLETTER | CARD_EXCERPT | CARD_COVER);
                html_lit(b, "<p><a href=\"/@");
                html_url_arg(b, e->author_handle);
                html_lit(b, "\">");
                html_textf(r, _("All episodes by %s"), e->author_name);
                html_lit(b, "</a></p>\n</section>\n");
        }
}

/* Writes a section every viewer sees alike: its kept bytes, or drawn now and kept under key
 * (page_parts.h) unless shared parts are off. */
static void shared_section(struct render *r, const struct episode_page *p, const char *key,
                           const char *kept,
                           void (*draw)(struct render *, const struct episode_page *))
{
        if (kept) {
                buf_puts(r->out, kept);
                return;
        }
        if (!key) {
                draw(r, p);
                return;
        }
        size_t from = r->out->len;
        draw(r, p);
        struct page_part part = {.bytes = r->out->data + from, .len = r->out->len - from};
        page_parts_put(key, r->now, p->generation, &part); /* nothing drawn is kept too */
}

/* Renderer: the episode page from what episode_page_load read. */
static void episode_page_render(struct render *r, struct episode_page *p)
{
        const struct episode *e = &p->e;
        bool live = p->live;
        struct buf *b = r->out;
        struct page_meta meta = {
            .title = e->title,
            .description = *e->subtitle ? e->subtitle : e->excerpt,
            .canonical = p->canonical,
            .image = e->cover_url,
            .image_alt = e->cover_alt,
            .type = "article",
            .published = live ? e->publish_at : 0,
            .author = e->author_name,
            .feed_atom = arena_printf(r->arena, "/n/%s/feed.atom", e->newsletter_slug),
            .feed_json = arena_printf(r->arena, "/n/%s/feed.json", e->newsletter_slug),
            .feed_title = e->newsletter_title,
            .noindex = !live,
        };
        page_head(r, &meta, &p->chrome);
        if (!live) {
                html_lit(b, "<p class=\"notice\" role=\"status\">");
                if (e->status == EPISODE_DRAFT) {
                        html_text(b, _("Draft: only the newsletter's authors and admins can see "
                                       "this page."));
                } else {
                        struct html_frag date = html_date_frag(r, e->publish_at);
                        /* TRANSLATORS: %s is a date */
                        html_sentence(r, _("Scheduled: readers will see this episode on %s."), 1,
                                      &date);
                }
                html_lit(b, "</p>\n");
        }
        events_episode_top(r, e, live);
        html_lit(b, "<article class=\"episode h-entry\">\n<header>\n<p class=\"label\"><a "
                    "href=\"/n/");
        html_url_arg(b, e->newsletter_slug);
        html_lit(b, "\">");
        html_text(b, e->newsletter_title);
        html_lit(b, "</a> · <a href=\"/n/");
        html_url_arg(b, e->newsletter_slug);
        html_lit(b, "/season/");
        html_int(b, e->season_number);
        html_lit(b, "\">");
        season_episode_label(r, e->season_number, e->number);
        html_lit(b, "</a></p>\n<h1 class=\"p-name\"");
        html_lang_attr(r, e->language);
        html_lit(b, ">");
        html_text(b, e->title);
        html_lit(b, "</h1>\n");
        if (*e->subtitle) {
                html_lit(b, "<p class=\"subtitle p-summary\"");
                html_lang_attr(r, e->language);
                html_lit(b, ">");
                html_text(b, e->subtitle);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<div class=\"byline\">\n<p class=\"author p-author h-card\">");
        author_link(b, e->author_handle, e->author_name);
        if (*e->author_headline) {
                html_lit(b, " <span class=\"headline\">");
                html_text(b, e->author_headline);
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n<p class=\"meta\">");
        if (live)
                html_time(r, e->publish_at);
        else
                html_date(r, e->publish_at);
        html_lit(b, " · ");
        html_textf(r, _n("%d min read", "%d min read", (unsigned long)e->reading_minutes),
                   e->reading_minutes);
        if (live && e->updated_at > e->publish_at + 3600) {
                struct html_frag when = html_time_frag(r, e->updated_at);
                html_lit(b, " · ");
                /* TRANSLATORS: %s is a relative time such as "3 days ago" */
                html_sentence(r, _("updated %s"), 1, &when);
        }
        html_lit(b, "</p>\n</div>\n</header>\n");
        if (e->cover_url) {
                html_lit(b, "<figure class=\"cover\">\n");
                /* The page's largest picture, at the top: fetched first, never lazily. */
                struct image_tag t = {
                    .url = e->cover_url,
                    .mime = e->cover_mime,
                    .width = e->cover_width,
                    .height = e->cover_height,
                    .alt = e->cover_alt,
                    .sizes = "(max-width: 44rem) calc(100vw - 2.5rem), 39.5rem",
                    .load = IMAGE_PRIORITY,
                };
                image_tag_write(b, r->arena, &t);
                html_lit(b, "\n");
                if (*e->cover_credit) {
                        html_lit(b, "<figcaption>");
                        html_text(b, e->cover_credit);
                        html_lit(b, "</figcaption>\n");
                }
                html_lit(b, "</figure>\n");
        }
        html_lit(b, "<div class=\"body e-content\"");
        html_lang_attr(r, e->language);
        html_lit(b, ">\n");
        html_rendered(b, e->body_html);
        html_lit(b, "</div>\n");
        events_episode_end(r, e, live); /* the end-of-article marker (docs/privacy.md) */
        ai_disclosure_note(r, e->ai);
        web_asks_episode_credit(r, e);
        if (live && p->conversation.have_reactions)
                episode_reactions(r, e, &p->conversation.reactions);
        if (*e->teaser) {
                html_lit(b, "<aside class=\"teaser\" aria-label=\"");
                html_attr(b, _("Next episode"));
                html_lit(b, "\"><p class=\"label\">");
                html_text(b, _("Next episode"));
                html_lit(b, "</p><p");
                html_lang_attr(r, e->language);
                html_lit(b, ">");
                html_text(b, e->teaser);
                html_lit(b, "</p></aside>\n");
        }
        if (p->can_write) {
                html_lit(b, "<p><a class=\"button secondary\" href=\"/write/episode/");
                html_int(b, e->id);
                html_lit(b, "\">");
                html_text(b, _("Edit episode"));
                html_lit(b, "</a></p>\n");
        }
        if (live) /* a guest who read to the end may want the next one in their inbox */
                subscription_box(r, e->newsletter_slug, false, false);
        html_lit(b, "</article>\n");
        tried_section(r, p->tried);
        prompts_section(r, p->prompts);

        shared_section(r, p, p->nav_key, p->nav_html, nav_section);

        buildons_under_section(r, p->buildons);
        if (live)
                comments_section(r, &p->conversation);
        community_insights_section(r, p->related);
        related_section(r, p->related);

        shared_section(r, p, p->more_key, p->more_html, more_section);
}

/* The kept page's numbers (web/member_page.h): what a member's view of it needs. */
enum { KEPT_EPISODE, KEPT_NEWSLETTER, KEPT_SHOWN, KEPT_NSHOWN = PAGE_PART_META - KEPT_SHOWN };
_Static_assert(KD_RELATED_SHOWN <= KEPT_NSHOWN, "the cards' ids fit the kept page's numbers");

/* A reader's episode page from the page kept whole for readers who have nothing of their own on
 * it: one query (model/footprint.h) instead of the page's dozen. Returns KEPT_ANSWERED, or
 * KEPT_THEIRS when the page shows this reader something of their own (build it, do not keep it),
 * or KEPT_NONE (nothing kept, or the database failed). */
enum { KEPT_NONE, KEPT_ANSWERED, KEPT_THEIRS };
static int episode_from_kept(struct request *req, const char *key)
{
        struct page_part kept;
        if (!member_page_get(req, key, &kept))
                return KEPT_NONE;
        /* a reader reloading it is known not to have anything of theirs on it since */
        const char *token = req->viewer.session_token;
        uint64_t stamp = req->viewer.cache_stamp;
        int64_t episode_id = kept.meta[KEPT_EPISODE];
        if (!member_cache_view(token, stamp, episode_id, kept.serial)) {
                int own = footprint_on_episode(req->db, req->viewer.id, episode_id,
                                               &kept.meta[KEPT_SHOWN], KEPT_NSHOWN);
                if (own != 0) { /* theirs differs (or the database failed): built as usual */
                        page_parts_release(&kept);
                        return own > 0 ? KEPT_THEIRS : KEPT_NONE;
                }
                member_cache_note_clean(token, stamp, kept.serial, episode_id);
        }
        struct episode e = {.id = kept.meta[KEPT_EPISODE],
                            .newsletter_id = kept.meta[KEPT_NEWSLETTER]};
        events_episode_view(req, &e, true); /* only live episodes' pages are kept */
        member_page_send(req, &kept, NULL);
        return KEPT_ANSWERED;
}

/* Keeps the page r wrote for readers when it shows its reader nothing of their own. */
static void episode_keep(struct request *req, const struct render *r, const struct episode_page *p,
                         const char *key)
{
        int64_t meta[PAGE_PART_META] = {
            [KEPT_EPISODE] = p->e.id, [KEPT_NEWSLETTER] = p->e.newsletter_id};
        bool personal;
        int n = related_shown(p->related, &meta[KEPT_SHOWN], &personal);
        if (!p->live || personal || p->can_write ||
            footprint_on_episode(req->db, req->viewer.id, p->e.id, &meta[KEPT_SHOWN], n) != 0)
                return;
        member_page_keep(req, r, key, meta, NULL);
}

int web_episode(struct request *req)
{
        const char *key = member_page_key(req, false);
        int kept = key ? episode_from_kept(req, key) : KEPT_NONE;
        if (kept == KEPT_ANSWERED)
                return req->resp.status;
        if (kept == KEPT_THEIRS)
                key = NULL; /* theirs alone: not to be kept for others */
        struct episode_page p;
        if (episode_page_load(req, &p))
                return req->resp.status;
        events_episode_view(req, &p.e, p.live);
        if (req_signed_in(req)) /* pages of other episodes may name this one now */
                (void)member_cache_view(req->viewer.session_token, req->viewer.cache_stamp, p.e.id,
                                        0);
        struct render *r = render_for_request(req);
        episode_page_render(r, &p);
        bool failed = req->resp.status != 0; /* a section's loader failed the request */
        int status = page_end(r, 200);
        if (key && !failed)
                episode_keep(req, r, &p, key);
        return status;
}

/* ------------------------------------------------------------------ follow */

int web_follow(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        bool on = req_param_bool(req, "follow"), changed = false;
        if (newsletter_follow(req->db, req->viewer.id, n.id, on, &changed) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        if (on && changed) /* a new follow, not one repeated */
                events_record(req, EVENT_FOLLOW, n.id, 0, 0, 0);
        return resp_redirect(req, arena_printf(req->arena, "/n/%s", n.slug));
}
