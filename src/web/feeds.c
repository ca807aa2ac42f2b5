/* Atom 1.0 (RFC 4287) and JSON Feed 1.1 for the site and each newsletter; sitemap; robots.
 *
 * Feeds list the newest KD_LIST_EPISODES live episodes with their full rendered bodies. Entry
 * ids are the episodes' permanent URLs, which never change because slugs never change. */
#include "web/feeds.h"
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
#include "web/layout.h"
#include "web/render.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SITEMAP_MAX_URLS = 50000 }; /* the sitemaps.org limit for one file */

struct feed {
        const char *title;
        const char *subtitle;
        const char *home; /* absolute */
        const char *self; /* absolute */
        const char *id;   /* absolute */
        struct episode *eps;
        int n;
};

static const char *episode_url(struct request *req, const char *base, const struct episode *e)
{
        struct buf b = BUF_INIT;
        buf_puts(&b, base);
        buf_puts(&b, "/n/");
        html_url_arg(&b, e->newsletter_slug);
        buf_puts(&b, "/");
        html_url_arg(&b, e->slug);
        char *url = arena_strndup(req->arena, b.data, b.len);
        buf_free(&b);
        return url;
}

static int64_t feed_updated(const struct feed *f)
{
        int64_t t = 0;
        for (int i = 0; i < f->n; i++) {
                int64_t u = f->eps[i].updated_at > f->eps[i].publish_at ? f->eps[i].updated_at
                                                                        : f->eps[i].publish_at;
                if (u > t)
                        t = u;
        }
        return t;
}

static void atom_time(struct buf *b, const char *element, int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        buf_printf(b, "<%s>%s</%s>\n", element, iso, element);
}

static int render_atom(struct request *req, const struct feed *f)
{
        struct render *r = render_for_request(req);
        const char *base = r->base_url;
        struct buf *b = r->out;
        html_lit(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
        html_text(b, f->title);
        html_lit(b, "</title>\n");
        if (f->subtitle && *f->subtitle) {
                html_lit(b, "<subtitle>");
                html_text(b, f->subtitle);
                html_lit(b, "</subtitle>\n");
        }
        html_lit(b, "<id>");
        html_text(b, f->id);
        html_lit(b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
        html_attr(b, f->self);
        html_lit(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        html_attr(b, f->home);
        html_lit(b, "\"/>\n<generator uri=\"https://kindred.example.org/\">Kindred</generator>\n");
        int64_t updated = feed_updated(f);
        atom_time(b, "updated", updated ? updated : time_now());
        for (int i = 0; i < f->n; i++) {
                const struct episode *e = &f->eps[i];
                const char *url = episode_url(req, base, e);
                html_lit(b, "<entry>\n<title>");
                html_text(b, e->title);
                html_lit(b, "</title>\n<id>");
                html_text(b, url);
                html_lit(b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
                html_attr(b, url);
                html_lit(b, "\"/>\n");
                atom_time(b, "published", e->publish_at);
                atom_time(b, "updated",
                          e->updated_at > e->publish_at ? e->updated_at : e->publish_at);
                html_lit(b, "<author><name>");
                html_text(b, e->author_name);
                html_lit(b, "</name><uri>");
                html_text(b, base);
                html_lit(b, "/@");
                html_url_arg(b, e->author_handle);
                html_lit(b, "</uri></author>\n<category term=\"");
                html_attr(b, e->newsletter_slug);
                html_lit(b, "\" label=\"");
                html_attr(b, e->newsletter_title);
                html_lit(b, "\"/>\n<summary type=\"text\">");
                html_text(b, *e->subtitle ? e->subtitle : e->excerpt);
                html_lit(b, "</summary>\n");
                if (!req->config->guests_can_read) { /* members-only site: summaries only */
                        html_lit(b, "</entry>\n");
                        continue;
                }
                html_lit(b, "<content type=\"html\" xml:base=\"");
                html_attr(b, url);
                html_lit(b, "\">");
                const char *body = episode_body_html(req->db, req->arena, e->id);
                if (e->cover_url) {
                        /* the cover leads the content, as on the page */
                        struct buf img = BUF_INIT;
                        buf_puts(&img, "<figure><img src=\"");
                        html_attr(&img, base);
                        html_attr(&img, e->cover_url);
                        buf_puts(&img, "\" alt=\"");
                        html_attr(&img, e->cover_alt);
                        buf_puts(&img, "\">");
                        if (*e->cover_credit) {
                                buf_puts(&img, "<figcaption>");
                                html_text(&img, e->cover_credit);
                                buf_puts(&img, "</figcaption>");
                        }
                        buf_puts(&img, "</figure>");
                        html_text_n(b, img.data, img.len);
                        buf_free(&img);
                }
                html_text(b, body ? body : "");
                html_lit(b, "</content>\n</entry>\n");
        }
        html_lit(b, "</feed>\n");
        resp_header(req, "Cache-Control", "public, max-age=300");
        return resp_typed(req, 200, "application/atom+xml; charset=utf-8");
}

static int render_json(struct request *req, const struct feed *f)
{
        const char *base = render_base_url(req->arena, req->config);
        json_t *root = json_object();
        json_object_set_new(root, "version", json_string("https://jsonfeed.org/version/1.1"));
        json_object_set_new(root, "title", json_string(f->title));
        json_object_set_new(root, "home_page_url", json_string(f->home));
        json_object_set_new(root, "feed_url", json_string(f->self));
        if (f->subtitle && *f->subtitle)
                json_object_set_new(root, "description", json_string(f->subtitle));
        json_object_set_new(root, "language", json_string("en"));
        json_t *items = json_array();
        for (int i = 0; i < f->n; i++) {
                const struct episode *e = &f->eps[i];
                const char *url = episode_url(req, base, e);
                char iso[32];
                json_t *it = json_object();
                json_object_set_new(it, "id", json_string(url));
                json_object_set_new(it, "url", json_string(url));
                json_object_set_new(it, "title", json_string(e->title));
                if (req->config->guests_can_read) {
                        const char *body = episode_body_html(req->db, req->arena, e->id);
                        json_object_set_new(it, "content_html", json_string(body ? body : ""));
                } else { /* members-only site: JSON Feed needs content, so the summary */
                        json_object_set_new(it, "content_text",
                                            json_string(*e->subtitle ? e->subtitle : e->excerpt));
                }
                json_object_set_new(it, "summary",
                                    json_string(*e->subtitle ? e->subtitle : e->excerpt));
                if (e->cover_url)
                        json_object_set_new(
                            it, "image",
                            json_string(arena_printf(req->arena, "%s%s", base, e->cover_url)));
                time_iso8601(e->publish_at, iso, sizeof(iso));
                json_object_set_new(it, "date_published", json_string(iso));
                time_iso8601(e->updated_at > e->publish_at ? e->updated_at : e->publish_at, iso,
                             sizeof(iso));
                json_object_set_new(it, "date_modified", json_string(iso));
                json_t *author = json_object();
                json_object_set_new(author, "name", json_string(e->author_name));
                json_object_set_new(
                    author, "url",
                    json_string(arena_printf(req->arena, "%s/@%s", base, e->author_handle)));
                json_object_set_new(it, "authors", json_pack("[o]", author));
                json_object_set_new(it, "tags", json_pack("[s]", e->newsletter_title));
                json_array_append_new(items, it);
        }
        json_object_set_new(root, "items", items);
        char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        json_decref(root);
        if (!text)
                return req_fail(req, 500, N_("The feed could not be written."));
        buf_puts(&req->resp.body, text);
        free(text);
        resp_header(req, "Cache-Control", "public, max-age=300");
        return resp_typed(req, 200, "application/feed+json; charset=utf-8");
}

static int site_feed(struct request *req, struct feed *f, const char *self_path)
{
        const char *base = render_base_url(req->arena, req->config);
        f->title = req->config->site_name;
        f->subtitle = NULL;
        f->home = arena_printf(req->arena, "%s/", base);
        f->self = arena_printf(req->arena, "%s%s", base, self_path);
        f->id = f->home;
        f->n = episode_list_latest(req->db, req->arena, time_now(), 0, KD_LIST_EPISODES, &f->eps);
        if (f->n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

static int newsletter_feed(struct request *req, struct feed *f, const char *suffix)
{
        struct newsletter n;
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), &n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        const char *base = render_base_url(req->arena, req->config);
        struct buf slug = BUF_INIT;
        html_url_arg(&slug, n.slug);
        f->title = n.title;
        f->subtitle = n.description;
        f->home = arena_printf(req->arena, "%s/n/%s", base, slug.data);
        f->self = arena_printf(req->arena, "%s/n/%s/%s", base, slug.data, suffix);
        f->id = f->home;
        buf_free(&slug);
        f->n = episode_list_newsletter(req->db, req->arena, n.id, time_now(), KD_LIST_EPISODES,
                                       &f->eps);
        if (f->n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

int web_feed_atom(struct request *req)
{
        struct feed f;
        if (site_feed(req, &f, "/feed.atom"))
                return req->resp.status;
        return render_atom(req, &f);
}

int web_feed_json(struct request *req)
{
        struct feed f;
        if (site_feed(req, &f, "/feed.json"))
                return req->resp.status;
        return render_json(req, &f);
}

int web_newsletter_feed_atom(struct request *req)
{
        struct feed f;
        if (newsletter_feed(req, &f, "feed.atom"))
                return req->resp.status;
        return render_atom(req, &f);
}

int web_newsletter_feed_json(struct request *req)
{
        struct feed f;
        if (newsletter_feed(req, &f, "feed.json"))
                return req->resp.status;
        return render_json(req, &f);
}

/* ------------------------------------------------------------------ sitemap, robots */

struct sitemap_ctx {
        struct buf *b;
        const char *base;
};

static void sitemap_url(struct buf *b, const char *base, const char *path, int64_t lastmod)
{
        html_lit(b, "<url><loc>");
        html_text(b, base);
        html_text(b, path);
        html_lit(b, "</loc>");
        if (lastmod > 0) {
                char iso[32];
                time_iso8601(lastmod, iso, sizeof(iso));
                buf_printf(b, "<lastmod>%s</lastmod>", iso);
        }
        html_lit(b, "</url>\n");
}

static void sitemap_episode(const char *newsletter_slug, const char *slug, int64_t updated_at,
                            void *ctx)
{
        struct sitemap_ctx *c = ctx;
        struct buf path = BUF_INIT;
        buf_puts(&path, "/n/");
        html_url_arg(&path, newsletter_slug);
        buf_puts(&path, "/");
        html_url_arg(&path, slug);
        sitemap_url(c->b, c->base, path.data, updated_at);
        buf_free(&path);
}

int web_sitemap(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *base = r->base_url;
        struct buf *b = r->out;
        struct newsletter *ns;
        int nn = newsletter_list(req->db, req->arena, &ns);
        if (nn < 0)
                return req_fail(req, 503, N_("The database is not available."));
        html_lit(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        sitemap_url(b, base, "/", 0);
        int64_t now = time_now();
        int budget = SITEMAP_MAX_URLS - 1;
        for (int i = 0; i < nn && budget > 0; i++, budget--) {
                struct buf path = BUF_INIT;
                buf_puts(&path, "/n/");
                html_url_arg(&path, ns[i].slug);
                sitemap_url(b, base, path.data, ns[i].updated_at);
                struct season *ss;
                int ns_count = season_list(req->db, req->arena, ns[i].id, now, &ss);
                for (int k = 0; k < ns_count && budget > 1; k++, budget--) {
                        char *sp =
                            arena_printf(req->arena, "%s/season/%d", path.data, ss[k].number);
                        sitemap_url(b, base, sp, 0);
                }
                buf_free(&path);
        }
        struct sitemap_ctx ctx = {b, base};
        if (budget > 0 && episode_each_live(req->db, now, budget, sitemap_episode, &ctx) < 0)
                return req_fail(req, 503, N_("The database is not available."));
        html_lit(b, "</urlset>\n");
        resp_header(req, "Cache-Control", "public, max-age=3600");
        return resp_typed(req, 200, "application/xml; charset=utf-8");
}

int web_robots(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        html_lit(b, "User-agent: *\nAllow: /\nDisallow: /write\nDisallow: /settings\n"
                    "Disallow: /admin\nDisallow: /api/\n\nSitemap: ");
        buf_puts(b, render_base_url(req->arena, req->config));
        html_lit(b, "/sitemap.xml\n");
        resp_header(req, "Cache-Control", "public, max-age=86400");
        return resp_typed(req, 200, "text/plain; charset=utf-8");
}
