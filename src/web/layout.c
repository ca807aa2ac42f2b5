/* The base layout: head, site header with member menu, main landmark, footer. */
#include "web/layout.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/member_cache.h"
#include "http/request.h"
#include "http/static_files.h"
#include "model/notification.h"
#include "model/report.h"
#include "web/render.h"
#include "web/search.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

/* Links a static file with its content hash, so browsers may cache it for a year. */
static void asset_url(struct render *r, const char *path)
{
        struct buf *b = r->out;
        html_lit(b, "/static/");
        html_attr(b, path);
        const struct static_file *f = r->assets ? static_files_find(r->assets, path) : NULL;
        if (f) {
                html_lit(b, "?v=");
                /* the ETag without its quotes */
                buf_append(b, f->etag + 1, 16);
        }
}

/* <meta property|name="key" content="value"> */
static void meta_tag(struct buf *b, const char *attr, const char *key, const char *value)
{
        if (!value || !*value)
                return;
        html_lit(b, "<meta ");
        html_attr(b, attr);
        html_lit(b, "=\"");
        html_attr(b, key);
        html_lit(b, "\" content=\"");
        html_attr(b, value);
        html_lit(b, "\">\n");
}

static void feed_link(struct buf *b, const char *type, const char *base, const char *path,
                      const char *title)
{
        if (!path)
                return;
        html_lit(b, "<link rel=\"alternate\" type=\"");
        html_attr(b, type);
        html_lit(b, "\" href=\"");
        html_attr(b, base);
        html_attr(b, path);
        html_lit(b, "\" title=\"");
        html_attr(b, title);
        html_lit(b, "\">\n");
}

void page_notice(struct render *r, bool error, const char *text)
{
        if (error)
                html_lit(r->out, "<p class=\"notice error\" role=\"alert\">");
        else
                html_lit(r->out, "<p class=\"notice ok\" role=\"status\">");
        html_text(r->out, text);
        html_lit(r->out, "</p>\n");
}

void page_begin(struct render *r, const char *title)
{
        struct page_meta meta = {.title = title};
        page_begin_meta(r, &meta);
}

void page_chrome_load(struct request *req, struct page_chrome *chrome)
{
        memset(chrome, 0, sizeof(*chrome));
        if (!req_signed_in(req))
                return;
        /* Kept with the session (http/member_cache.h) while nothing was written since; a
         * write of this very request moves the stamp too. */
        const struct member_counts *kept = req->viewer.counts;
        if (kept && member_cache_stamp() == req->viewer.cache_stamp) {
                chrome->unread = kept->unread;
                chrome->can_review = kept->can_review;
                chrome->reported = kept->reported;
                return;
        }
        /* No connection: the database is away and this is its 503 page (a member whose body
         * arrived after the pool could no longer open one). The menu shows no counts. */
        if (!req->db)
                return;
        struct member_counts read = {0};
        read.unread = notification_unread_count(req->db, req->viewer.id);
        read.can_review = report_can_review(req->db, req->viewer.id, req->viewer.role);
        if (read.can_review)
                read.reported = report_open_count(req->db, req->viewer.id, req->viewer.role);
        chrome->unread = read.unread;
        chrome->can_review = read.can_review;
        chrome->reported = read.reported;
        /* an error (negative) is shown as nothing and read again next time */
        if (read.unread >= 0 && read.reported >= 0)
                member_cache_put_counts(req->viewer.session_token, req->viewer.cache_stamp, &read);
}

void page_begin_meta(struct render *r, const struct page_meta *meta)
{
        struct page_chrome chrome = {0};
        struct page_meta m = *meta;
        if (r->req) { /* the glue: this request's menu counts and address */
                page_chrome_load(r->req, &chrome);
                if (!m.canonical)
                        m.canonical = r->req->path;
        }
        page_head(r, &m, &chrome);
}

/* The description of an indexable page that did not give one: search engines and link previews
 * show it under the title, and a page without one gets a snippet picked from its menus. The home
 * page (no title) says what the site is; any other page names itself and the site, so no two
 * pages share one. A noindex page needs none. */
static const char *default_description(struct render *r, const struct page_meta *meta)
{
        if (meta->description && *meta->description)
                return meta->description;
        if (meta->noindex)
                return NULL;
        if (!meta->title)
                return _("Newsletters in seasons, written by people, read by a community that "
                         "talks back — and to each other.");
        /* TRANSLATORS: a page's description for search engines: %1$s is the page's title
         * ("Spaces"), %2$s the site's name */
        return arena_printf(r->arena,
                            _("%1$s on %2$s, where newsletters are written by people and read by "
                              "a community that talks back."),
                            meta->title, r->config->site_name);
}

void page_menu_items(struct render *r, const struct page_chrome *chrome)
{
        struct buf *b = r->out;
        html_lit(b, "<li><a href=\"/spaces\">"); /* spaces: members talking (web/spaces.c) */
        html_text(b, _("Spaces"));
        html_lit(b, "</a></li>\n");
        if (render_signed_in(r) && r->viewer->role != ROLE_ADMIN) { /* admins: "Members" below */
                html_lit(b, "<li><a href=\"/members\">");
                html_text(b, _("Members"));
                html_lit(b, "</a></li>\n");
        }
        if (render_signed_in(r)) {
                html_lit(b, "<li><a href=\"/@");
                html_url_arg(b, r->viewer->handle);
                html_lit(b, "\">");
                html_text(b, r->viewer->display_name);
                html_lit(b, "</a></li>\n");
                if (r->viewer->role == ROLE_ADMIN) {
                        html_lit(b, "<li><a href=\"/admin/members\">");
                        html_text(b, _("Members"));
                        html_lit(b, "</a></li>\n");
                        html_lit(b, "<li><a href=\"/admin/mail\">");
                        html_text(b, _("Mail"));
                        html_lit(b, "</a></li>\n");
                }
                int64_t unread = chrome->unread;
                html_lit(b, "<li><a href=\"/notifications\" class=\"notifications-link\">");
                html_text(b, _("Notifications"));
                if (unread > 0) {
                        const char *label = arena_printf(
                            r->arena, _n("%lld unread", "%lld unread", (unsigned long)unread),
                            (long long)unread);
                        html_lit(b, " <span class=\"unread-count\" title=\"");
                        html_attr(b, label);
                        html_lit(b, "\">");
                        html_int(b, unread);
                        html_lit(b, "</span><span class=\"visually-hidden\"> (");
                        html_text(b, label);
                        html_lit(b, ")</span>");
                }
                html_lit(b, "</a></li>\n");
                if (r->viewer->role == ROLE_AUTHOR || r->viewer->role == ROLE_ADMIN) {
                        html_lit(b, "<li><a href=\"/write\">");
                        html_text(b, _("Write"));
                        html_lit(b, "</a></li>\n<li><a href=\"/insights\">");
                        html_text(b, _("Insights"));
                        html_lit(b, "</a></li>\n");
                }
                if (chrome->can_review) {
                        int64_t reported = chrome->reported;
                        html_lit(b, "<li><a href=\"/moderation\">");
                        html_text(b, _("Moderation"));
                        if (reported > 0) {
                                html_lit(b, " <span class=\"unread-count\">");
                                html_int(b, reported);
                                html_lit(b, "</span>");
                        }
                        html_lit(b, "</a></li>\n");
                }
                html_lit(b, "<li><a href=\"/settings\">");
                html_text(b, _("Settings"));
                html_lit(b, "</a></li>\n<li><form method=\"post\" action=\"/logout\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"link-button\">");
                html_text(b, _("Log out"));
                html_lit(b, "</button></form></li>\n");
        } else {
                html_lit(b, "<li><a href=\"/login\">");
                html_text(b, _("Log in"));
                html_lit(b, "</a></li>\n<li><a class=\"button\" href=\"/signup\">");
                html_text(b, _("Join"));
                html_lit(b, "</a></li>\n");
        }
}

void page_head(struct render *r, const struct page_meta *meta, const struct page_chrome *chrome)
{
        struct buf *b = r->out;
        const char *site = r->config->site_name;
        const char *title = meta->title;
        const char *base = r->base_url;
        const char *canonical =
            arena_printf(r->arena, "%s%s", base, meta->canonical ? meta->canonical : "/");
        html_lit(b, "<!doctype html>\n<html lang=\"");
        html_attr(b, i18n_tag(r->locale));
        html_lit(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    /* Both schemes from the first paint (no white flash before the stylesheet
                     * in dark mode), and the browser's bars in the page's colour: the values
                     * are --paper of static/kindred.css in each scheme. */
                    "<meta name=\"color-scheme\" content=\"light dark\">\n"
                    "<meta name=\"theme-color\" content=\"#fffdf8\" "
                    "media=\"(prefers-color-scheme: light)\">\n"
                    "<meta name=\"theme-color\" content=\"#16181b\" "
                    "media=\"(prefers-color-scheme: dark)\">\n"
                    "<title>");
        if (title) {
                html_text(b, title);
                html_lit(b, " · ");
        }
        html_text(b, site);
        html_lit(b, "</title>\n<link rel=\"canonical\" href=\"");
        html_attr(b, canonical);
        html_lit(b, "\">\n");
        if (meta->noindex)
                html_lit(b, "<meta name=\"robots\" content=\"noindex\">\n");
        const char *description = default_description(r, meta);
        meta_tag(b, "name", "description", description);
        meta_tag(b, "property", "og:site_name", site);
        meta_tag(b, "property", "og:type", meta->type ? meta->type : "website");
        meta_tag(b, "property", "og:title", title ? title : site);
        meta_tag(b, "property", "og:url", canonical);
        meta_tag(b, "property", "og:description", description);
        if (meta->image) {
                const char *img = arena_printf(r->arena, "%s%s", base, meta->image);
                meta_tag(b, "property", "og:image", img);
                meta_tag(b, "property", "og:image:alt", meta->image_alt);
                meta_tag(b, "name", "twitter:card", "summary_large_image");
                meta_tag(b, "name", "twitter:image", img);
                meta_tag(b, "name", "twitter:image:alt", meta->image_alt);
        } else {
                meta_tag(b, "name", "twitter:card", "summary");
        }
        meta_tag(b, "name", "twitter:title", title ? title : site);
        meta_tag(b, "name", "twitter:description", description);
        if (meta->published > 0) {
                char iso[32];
                time_iso8601(meta->published, iso, sizeof(iso));
                meta_tag(b, "property", "article:published_time", iso);
        }
        meta_tag(b, "property", "article:author", meta->author);
        const char *feed_title = meta->feed_title ? meta->feed_title : site;
        feed_link(b, "application/atom+xml", base, meta->feed_atom ? meta->feed_atom : "/feed.atom",
                  meta->feed_atom ? feed_title : site);
        feed_link(b, "application/feed+json", base,
                  meta->feed_json ? meta->feed_json : "/feed.json",
                  meta->feed_json ? feed_title : site);
        html_lit(b, "<link rel=\"stylesheet\" href=\"");
        asset_url(r, "kindred.css");
        html_lit(b, "\">\n<link rel=\"icon\" href=\"");
        asset_url(r, "favicon.svg");
        html_lit(b, "\" type=\"image/svg+xml\">\n</head>\n<body>\n<a class=\"skip-link\" "
                    "href=\"#main\">");
        html_text(b, _("Skip to content"));
        html_lit(b, "</a>\n<header class=\"site-header\">\n<a class=\"brand\" href=\"/\">");
        html_text(b, site);
        html_lit(b, "</a>\n");
        header_search(r); /* search lane: the site search box (web/search.c) */
        html_lit(b, "<nav class=\"member-menu\" aria-label=\"");
        html_attr(b, _("Member menu"));
        html_lit(b, "\">\n<ul>\n");
        r->menu_at = b->len; /* a kept page's slot for each member's own (web/member_page.h) */
        page_menu_items(r, chrome);
        r->menu_end = b->len;
        html_lit(b, "</ul>\n</nav>\n</header>\n<main id=\"main\">\n");
}

/* The <option>s of a language select: every language with a catalog, by its own name and marked
 * with its own lang (a Chinese reader finds "English" written in English). */
static void language_options(struct render *r, const char *selected)
{
        struct buf *b = r->out;
        for (size_t i = 0; i < i18n_count(); i++) {
                const struct locale *l = i18n_at(i);
                html_lit(b, "<option value=\"");
                html_attr(b, i18n_tag(l));
                html_lit(b, "\" lang=\"");
                html_attr(b, i18n_tag(l));
                html_lit(b, "\"");
                if (selected && strcmp(selected, i18n_tag(l)) == 0)
                        html_lit(b, " selected");
                html_lit(b, ">");
                html_text(b, i18n_name(l));
                html_lit(b, "</option>\n");
        }
}

/* The footer's language switcher: a plain form, so it works without JavaScript and for guests.
 * next is the page's path with its query string (a second page of a list stays the second
 * page). A guest's form carries no token, so the page stays the same for every guest and the page
 * cache can keep it; POST /language accepts a guest's same-origin request instead (routes.c). A
 * member's page is theirs alone and carries their token like every form. */
static void language_switcher(struct render *r)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" action=\"/language\" class=\"language-switcher\">\n");
        if (render_signed_in(r))
                form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
        html_attr(b, r->req ? req_local_url(r->req) : "/");
        html_lit(b, "\">\n<label for=\"kd-language\">");
        html_text(b, _("Language"));
        html_lit(b, "</label>\n<select id=\"kd-language\" name=\"lang\">\n");
        language_options(r, i18n_tag(r->locale));
        html_lit(b, "</select>\n<button type=\"submit\" class=\"secondary\">");
        html_text(b, _("Change language"));
        html_lit(b, "</button>\n</form>\n");
}

/* The words static/kindred.js shows, in the page's language, as a data block (not a script: the
 * CSP allows it). i18n_js_catalog_json escapes <, > and &, so the JSON cannot close the element;
 * it comes from the compiled catalog, never from a request. */
static void script_strings(struct render *r)
{
        const char *json = i18n_js_catalog_json(r->locale);
        assert(!strchr(json, '<'));
        html_lit(r->out, "<script type=\"application/json\" id=\"kd-strings\">");
        buf_puts(r->out, json);
        html_lit(r->out, "</script>\n");
}

int page_end(struct render *r, int status)
{
        struct buf *b = r->out;
        html_lit(b, "</main>\n<footer class=\"site-footer\">\n<p>");
        html_text(b, r->config->site_name);
        html_lit(b, " · ");
        html_text(b, _("Written by people. No trackers, no third-party scripts."));
        html_lit(b, "</p>\n");
        language_switcher(r);
        html_lit(b, "</footer>\n");
        script_strings(r);
        html_lit(b, "<script src=\"");
        asset_url(r, "kindred.js");
        html_lit(b, "\" defer></script>\n</body>\n</html>\n");
        return r->req ? resp_html(r->req, status) : status;
}

void form_csrf(struct render *r)
{
        struct buf *b = r->out;
        html_lit(b, "<input type=\"hidden\" name=\"_csrf\" value=\"");
        html_attr(b, render_csrf(r));
        html_lit(b, "\">");
}

void html_maxlength(struct buf *b, int max_chars)
{
        if (max_chars <= 0)
                return;
        html_lit(b, " maxlength=\"");
        html_int(b, 2 * (int64_t)max_chars);
        html_lit(b, "\"");
}

void form_input(struct render *r, const char *label, const char *name, const char *type,
                const char *value, const char *autocomplete, int maxlength, const char *error)
{
        struct buf *b = r->out;
        html_lit(b, "<div class=\"field\">\n<label for=\"f-");
        html_attr(b, name);
        html_lit(b, "\">");
        html_text(b, label);
        html_lit(b, "</label>\n<input id=\"f-");
        html_attr(b, name);
        html_lit(b, "\" name=\"");
        html_attr(b, name);
        html_lit(b, "\" type=\"");
        html_attr(b, type);
        html_lit(b, "\"");
        if (value && strcmp(type, "password") != 0) {
                html_lit(b, " value=\"");
                html_attr(b, value);
                html_lit(b, "\"");
        }
        if (autocomplete) {
                html_lit(b, " autocomplete=\"");
                html_attr(b, autocomplete);
                html_lit(b, "\"");
        }
        html_maxlength(b, maxlength);
        if (error) {
                html_lit(b, " aria-invalid=\"true\" aria-describedby=\"e-");
                html_attr(b, name);
                html_lit(b, "\"");
        }
        html_lit(b, ">\n");
        if (error) {
                html_lit(b, "<p class=\"field-error\" id=\"e-");
                html_attr(b, name);
                html_lit(b, "\">");
                html_text(b, error);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</div>\n");
}

/* The label, and the error's id reference, shared by the field helpers. */
static void field_open(struct buf *b, const char *label, const char *name)
{
        html_lit(b, "<div class=\"field\">\n<label for=\"f-");
        html_attr(b, name);
        html_lit(b, "\">");
        html_text(b, label);
        html_lit(b, "</label>\n");
}

static void field_error_attrs(struct buf *b, const char *name, const char *error, const char *hint)
{
        if (error) {
                html_lit(b, " aria-invalid=\"true\" aria-describedby=\"e-");
                html_attr(b, name);
                html_lit(b, "\"");
        } else if (hint) {
                html_lit(b, " aria-describedby=\"h-");
                html_attr(b, name);
                html_lit(b, "\"");
        }
}

static void field_close(struct buf *b, const char *name, const char *error, const char *hint)
{
        if (hint) {
                html_lit(b, "<p class=\"hint\" id=\"h-");
                html_attr(b, name);
                html_lit(b, "\">");
                html_text(b, hint);
                html_lit(b, "</p>\n");
        }
        if (error) {
                html_lit(b, "<p class=\"field-error\" id=\"e-");
                html_attr(b, name);
                html_lit(b, "\">");
                html_text(b, error);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</div>\n");
}

void form_number(struct render *r, const char *label, const char *name, const char *value, int min,
                 int max, const char *error)
{
        struct buf *b = r->out;
        field_open(b, label, name);
        html_lit(b, "<input id=\"f-");
        html_attr(b, name);
        html_lit(b, "\" name=\"");
        html_attr(b, name);
        html_lit(b, "\" type=\"number\" inputmode=\"numeric\" min=\"");
        html_int(b, min);
        html_lit(b, "\" max=\"");
        html_int(b, max);
        html_lit(b, "\"");
        if (value && *value) {
                html_lit(b, " value=\"");
                html_attr(b, value);
                html_lit(b, "\"");
        }
        field_error_attrs(b, name, error, NULL);
        html_lit(b, ">\n");
        field_close(b, name, error, NULL);
}

void form_textarea(struct render *r, const char *label, const char *name, const char *value,
                   int rows, int maxlength, const char *hint, const char *error)
{
        struct buf *b = r->out;
        field_open(b, label, name);
        html_lit(b, "<textarea id=\"f-");
        html_attr(b, name);
        html_lit(b, "\" name=\"");
        html_attr(b, name);
        html_lit(b, "\" rows=\"");
        html_int(b, rows);
        html_lit(b, "\"");
        html_maxlength(b, maxlength);
        field_error_attrs(b, name, error, hint);
        html_lit(b, ">");
        /* A newline right after <textarea> is dropped by parsers; write one so a value that
         * starts with a newline keeps it. */
        html_lit(b, "\n");
        html_text(b, value);
        html_lit(b, "</textarea>\n");
        field_close(b, name, error, hint);
}

/* <select id="f-NAME" name="NAME" ...> with the field's error attributes. */
static void select_open(struct buf *b, const char *name, const char *error)
{
        html_lit(b, "<select id=\"f-");
        html_attr(b, name);
        html_lit(b, "\" name=\"");
        html_attr(b, name);
        html_lit(b, "\"");
        field_error_attrs(b, name, error, NULL);
        html_lit(b, ">\n");
}

void form_select(struct render *r, const char *label, const char *name,
                 const struct form_option *options, int count, const char *selected,
                 const char *error)
{
        struct buf *b = r->out;
        field_open(b, label, name);
        select_open(b, name, error);
        for (int i = 0; i < count; i++) {
                html_lit(b, "<option value=\"");
                html_attr(b, options[i].value);
                html_lit(b, "\"");
                if (selected && strcmp(selected, options[i].value) == 0)
                        html_lit(b, " selected");
                html_lit(b, ">");
                html_text(b, options[i].label);
                html_lit(b, "</option>\n");
        }
        html_lit(b, "</select>\n");
        field_close(b, name, error, NULL);
}

void form_language(struct render *r, const char *label, const char *name, const char *selected,
                   const char *none_label, const char *error)
{
        struct buf *b = r->out;
        const struct locale *l = selected ? i18n_find(selected) : NULL;
        selected = l ? i18n_tag(l) : NULL;
        field_open(b, label, name);
        select_open(b, name, error);
        if (none_label) {
                html_lit(b, "<option value=\"\"");
                if (!selected)
                        html_lit(b, " selected");
                html_lit(b, ">");
                html_text(b, none_label);
                html_lit(b, "</option>\n");
        }
        language_options(r, selected);
        html_lit(b, "</select>\n");
        field_close(b, name, error, NULL);
}

void html_lang_attr(struct render *r, const char *tag)
{
        const struct locale *l = i18n_find(tag);
        if (!l)
                l = i18n_find(r->config->language);
        html_lit(r->out, " lang=\"");
        html_attr(r->out, l ? i18n_tag(l) : i18n_tag(i18n_default()));
        html_lit(r->out, "\"");
}

void html_textf(struct render *r, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        const char *text = arena_vprintf(r->arena, fmt, ap);
        va_end(ap);
        html_text(r->out, text);
}

void html_time(struct render *r, int64_t t)
{
        struct buf *b = r->out;
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        html_lit(b, "<time datetime=\"");
        html_attr(b, iso);
        html_lit(b, "\" title=\"");
        html_attr(b, iso);
        html_lit(b, "\">");
        /* "3 days ago" / "3 天前"; a future time (a schedule) is its day, which says more */
        html_text(b, l10n_relative_time(r->arena, r->locale, t, r->now));
        html_lit(b, "</time>");
}
