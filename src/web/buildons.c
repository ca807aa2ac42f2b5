/* Build-on pages: the section under an episode, the list, a build-on's page with its chain of
 * ideas, and the forms behind writing, editing, deleting, featuring and hiding. */
#include "web/moderation.h"
#include "web/buildons.h"
#include "actions/buildons.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "actions/conversation.h"
#include "model/buildon.h"
#include "model/comment.h"
#include "model/episode.h"
#include "model/item.h"
#include "model/reaction.h"
#include "web/cards.h"
#include "web/comments.h"
#include "web/layout.h"
#include "web/reactions.h"
#include "web/render.h"

#include <string.h>

enum { EXCERPT_CHARS = 240 };

/* ------------------------------------------------------------------ pieces */

static const char *ep_url(struct arena *a, const struct episode *e)
{
        struct buf b = BUF_INIT;
        episode_path(&b, e);
        char *s = arena_strndup(a, b.data, b.len);
        buf_free(&b);
        return s;
}

static const char *bo_url(struct arena *a, const struct episode *e, int64_t id)
{
        return arena_printf(a, "%s/b/%lld", ep_url(a, e), (long long)id);
}

/* The first EXCERPT_CHARS code points of text, cut at a space, with an ellipsis when cut. */
static const char *excerpt(struct arena *a, const char *text)
{
        size_t i = 0, chars = 0, cut = 0;
        while (text[i] && chars < EXCERPT_CHARS) {
                if (text[i] == ' ' || text[i] == '\n')
                        cut = i;
                i++;
                while (((unsigned char)text[i] & 0xC0) == 0x80)
                        i++;
                chars++;
        }
        if (!text[i])
                return text;
        char *s = arena_printf(a, "%.*s…", (int)(cut ? cut : i), text);
        for (char *c = s; *c; c++) /* one line: blocks joined by a space */
                if (*c == '\n')
                        *c = ' ';
        return s;
}

static void byline(struct render *r, const struct buildon *b)
{
        struct buf *o = r->out;
        html_lit(o, "<a class=\"author\" href=\"/@");
        html_url_arg(o, b->author_handle);
        html_lit(o, "\">");
        html_text(o, b->author_name);
        html_lit(o, "</a>");
        if (*b->author_headline) {
                html_lit(o, " <span class=\"headline\">");
                html_text(o, b->author_headline);
                html_lit(o, "</span>");
        }
        html_lit(o, " <span class=\"meta\">");
        html_time(r, b->created_at);
        html_lit(o, "</span>");
}

static void featured_mark(struct render *r)
{
        html_lit(r->out, "<span class=\"featured-mark\">★ ");
        html_text(r->out, _("Featured"));
        html_lit(r->out, "</span> ");
}

/* One build-on in a list: its title, who wrote it, what it quotes, how it begins. */
static void buildon_card(struct render *r, const struct episode *e, const struct buildon *b,
                         bool top_level)
{
        struct buf *o = r->out;
        html_lit(o, "<li class=\"buildon-card");
        if (b->featured_at)
                html_lit(o, " featured");
        if (top_level) /* on a page of its own the cards are the sections under its h1 */
                html_lit(o, "\">\n<h2 class=\"buildon-title\">");
        else
                html_lit(o, "\">\n<h3 class=\"buildon-title\">");
        if (b->featured_at)
                featured_mark(r);
        html_lit(o, "<a href=\"");
        html_attr(o, bo_url(r->arena, e, b->id));
        html_lit(o, "\"");
        html_lang_attr(r, b->language);
        html_lit(o, ">");
        html_text(o, b->title);
        if (top_level)
                html_lit(o, "</a></h2>\n<p class=\"byline\">");
        else
                html_lit(o, "</a></h3>\n<p class=\"byline\">");
        byline(r, b);
        html_lit(o, "</p>\n");
        if (*b->parent_title) {
                html_lit(o, "<p class=\"builds-on meta\">↳ <a href=\"");
                html_attr(o, bo_url(r->arena, e, b->parent_id));
                html_lit(o, "\">");
                html_textf(r, _("builds on “%s”"), b->parent_title);
                html_lit(o, "</a></p>\n");
        }
        if (b->quote_exact) {
                html_lit(o, "<blockquote class=\"quote\"><p>");
                html_text(o, b->quote_exact);
                html_lit(o, "</p></blockquote>\n");
        }
        html_lit(o, "<p class=\"excerpt\"");
        html_lang_attr(r, b->language);
        html_lit(o, ">");
        html_text(o, excerpt(r->arena, b->body_text));
        html_lit(o, "</p>\n<p class=\"meta\">");
        html_textf(r, _n("%d comment", "%d comments", (unsigned long)b->comment_count),
                   b->comment_count);
        html_lit(o, "</p>\n</li>\n");
}

/* "Build on this" for members, a way to log in for guests. */
static void build_button(struct render *r, const struct episode *e, int64_t parent,
                         const char *label)
{
        struct buf *o = r->out;
        const char *to = arena_printf(r->arena, "%s/b/new", ep_url(r->arena, e));
        if (parent)
                to = arena_printf(r->arena, "%s?parent=%lld", to, (long long)parent);
        html_lit(o, "<p class=\"build-on\"><a class=\"button\" href=\"");
        if (render_signed_in(r)) {
                html_attr(o, to);
        } else {
                struct buf next = BUF_INIT;
                buf_puts(&next, "/login?next=");
                html_url_arg(&next, to);
                html_attr(o, next.data);
                buf_free(&next);
        }
        html_lit(o, "\">");
        html_text(o, label);
        html_lit(o, "</a></p>\n");
}

/* ------------------------------------------------------------------ under an episode */

struct buildons_under {
        const struct episode *e;
        int count; /* visible build-ons of the episode */
        struct buildon *list;
        int n;
};

struct buildons_under *buildons_under_load(struct request *req, const struct episode *e, bool live)
{
        if (!live)
                return NULL;
        struct buildons_under *u = arena_zalloc(req->arena, sizeof(*u));
        u->e = e;
        /* the kept count of visible build-ons (its row by primary key): "all N" even when
         * featured ones fill the section and nothing says whether more follow; none, and the
         * lists (which show only visible ones) are not read */
        u->count = buildon_episode_count(req->db, e->id);
        if (u->count == 0)
                return u;
        int64_t next;
        u->n =
            buildon_list_episode(req->db, req->arena, e->id, 0, KD_BUILDONS_SHOWN, &u->list, &next);
        if (u->n < 0)
                u->n = 0;
        return u;
}

void buildons_under_section(struct render *r, const struct buildons_under *u)
{
        if (!u)
                return;
        struct buf *o = r->out;
        html_lit(o, "<section id=\"buildons\" class=\"buildons\" aria-labelledby=\"buildons-h\">\n"
                    "<h2 id=\"buildons-h\">");
        html_text(o, _("Built on this"));
        html_lit(o, "</h2>\n");
        if (u->n == 0) {
                html_lit(o, "<p class=\"empty\">");
                html_text(o, _("Nobody has built on this episode yet. Take an idea further in a "
                               "response of your own."));
                html_lit(o, "</p>\n");
        } else {
                html_lit(o, "<ol class=\"buildon-list\">\n");
                for (int i = 0; i < u->n; i++)
                        buildon_card(r, u->e, &u->list[i], false);
                html_lit(o, "</ol>\n");
        }
        if (u->count > u->n) {
                html_lit(o, "<p class=\"more-link\"><a href=\"");
                html_attr(o, ep_url(r->arena, u->e));
                html_lit(o, "/b\">");
                html_textf(r, _n("All %d build-on", "All %d build-ons", (unsigned long)u->count),
                           u->count);
                html_lit(o, " →</a></p>\n");
        }
        build_button(r, u->e, 0, _("Build on this episode"));
        html_lit(o, "</section>\n");
}

/* ------------------------------------------------------------------ loading from the path */

/* The episode in the path, as the viewer may see it (drafts are 404 to readers). */
static int path_episode(struct request *req, struct episode *e)
{
        int rc = episode_find(req->db, req->arena, req_path_param(req, "newsletter"),
                              req_path_param(req, "episode"), e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        if (!req_signed_in(req) && !req->config->guests_can_read)
                return resp_redirect(req, "/login");
        return 0;
}

/* The build-on in the path under that episode, as the viewer may see it. */
static int path_buildon(struct request *req, struct episode *e, struct buildon *b)
{
        if (path_episode(req, e))
                return req->resp.status;
        int rc = buildon_get(req->db, req->arena, req_path_id(req, "id"), b);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || b->episode_id != e->id ||
            !buildon_viewable(req->db, b, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such build-on."));
        return 0;
}

/* A build-on by id (for /buildons/#id/...) with its episode, as the viewer may see them. */
static int id_buildon(struct request *req, struct episode *e, struct buildon *b)
{
        int rc = buildon_get(req->db, req->arena, req_path_id(req, "id"), b);
        if (rc == PUB_OK)
                rc = episode_get(req->db, req->arena, b->episode_id, e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !buildon_viewable(req->db, b, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such build-on."));
        return 0;
}

/* ------------------------------------------------------------------ the list */

int web_buildon_list(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        if (!episode_is_live(&e, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        struct buildon *list;
        int64_t before = req_param_int(req, "before", 0), next = 0;
        int n = buildon_list_episode(req->db, req->arena, e.id, before, KD_BUILDONS_PER_PAGE, &list,
                                     &next);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        int total = buildon_episode_count(req->db, e.id);
        struct render *r = render_for_request(req);
        struct buf *o = r->out;
        const char *title = arena_printf(r->arena, _("Build-ons of “%s”"), e.title);
        struct page_meta meta = {.title = title, .noindex = before > 0};
        page_begin_meta(r, &meta);
        html_lit(o, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(o, ep_url(r->arena, &e));
        html_lit(o, "\">← ");
        html_text(o, e.title);
        html_lit(o, "</a></p>\n<h1>");
        html_text(o, title);
        html_lit(o, "</h1>\n<p class=\"meta\">");
        html_textf(r, _n("%d build-on", "%d build-ons", (unsigned long)total), total);
        html_lit(o, "</p>\n");
        build_button(r, &e, 0, _("Build on this episode"));
        if (n == 0) {
                html_lit(o, "<p class=\"empty\">");
                html_text(o, _("No build-ons here yet."));
                html_lit(o, "</p>\n");
        } else {
                html_lit(o, "<ol class=\"buildon-list\">\n");
                for (int i = 0; i < n; i++)
                        buildon_card(r, &e, &list[i], true);
                html_lit(o, "</ol>\n");
        }
        if (next) {
                html_lit(o, "<p class=\"pages\"><a rel=\"next\" href=\"");
                html_attr(o, ep_url(r->arena, &e));
                html_lit(o, "/b?before=");
                html_int(o, next);
                html_lit(o, "\">");
                html_text(o, _("Older build-ons"));
                html_lit(o, " →</a></p>\n");
        }
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ writing */

/* The form for a new build-on, on what it builds on (parent NULL: the episode), with the text
 * kept and the problem beside its field when a try was refused. */
static int new_page(struct request *req, const struct episode *e, const struct buildon *parent,
                    const struct field_problem *p, int status)
{
        struct render *r = render_for_request(req);
        struct buf *o = r->out;
        const char *error = p ? render_problem(r, p) : NULL;
        const char *field = p ? p->field : "";
        struct page_meta meta = {.title = _("Write a build-on"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(o, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(o, parent ? bo_url(r->arena, e, parent->id) : ep_url(r->arena, e));
        html_lit(o, "\">← ");
        html_text(o, parent ? parent->title : e->title);
        html_lit(o, "</a></p>\n<h1>");
        html_text(o, _("Write a build-on"));
        html_lit(o, "</h1>\n<p class=\"lead\">");
        if (parent)
                html_textf(r, _("You build on “%s” by %s, a build-on of “%s”."), parent->title,
                           parent->author_name, e->title);
        else
                html_textf(r, _("You build on the episode “%s” by %s."), e->title, e->author_name);
        html_lit(o, "</p>\n");
        if (parent) { /* its text at hand, to quote from */
                html_lit(o, "<details class=\"building-on\"><summary>");
                html_textf(r, _("Read “%s” again"), parent->title);
                html_lit(o, "</summary>\n<div class=\"body buildon-body\"");
                html_lang_attr(r, parent->language);
                html_lit(o, ">\n");
                html_rendered(o, parent->body_html);
                html_lit(o, "</div></details>\n");
        }
        html_lit(o, "<form method=\"post\" class=\"buildon-form\" action=\"");
        html_attr(o, ep_url(r->arena, e));
        html_lit(o, "/b\">\n");
        form_csrf(r);
        if (parent) {
                html_lit(o, "<input type=\"hidden\" name=\"parent\" value=\"");
                html_int(o, parent->id);
                html_lit(o, "\">\n");
        }
        if (error && strcmp(field, "title") && strcmp(field, "body") && strcmp(field, "quote")) {
                html_lit(o, "<p class=\"form-error\" role=\"alert\">");
                html_text(o, error);
                html_lit(o, "</p>\n");
        }
        form_input(r, _("Title"), "title", "text", req_param(req, "title"), "off",
                   KD_BUILDON_TITLE_MAX, strcmp(field, "title") == 0 ? error : NULL);
        const char *quote = req_has_param(req, "quote_exact") ? req_param(req, "quote_exact")
                                                              : req_param(req, "quote");
        form_textarea(r, _("Quote a passage (optional)"), "quote_exact", quote, 3,
                      KD_QUOTE_MAX_CHARS,
                      parent ? _("Paste words from the build-on you build on.")
                             : _("Paste words from the episode that your idea starts from."),
                      strcmp(field, "quote") == 0 ? error : NULL);
        html_lit(o, "<input type=\"hidden\" name=\"quote_prefix\" value=\"\">"
                    "<input type=\"hidden\" name=\"quote_suffix\" value=\"\">\n");
        form_textarea(r, _("Your build-on"), "body", req_param(req, "body"), 14,
                      KD_BUILDON_MAX_CHARS,
                      _("Take the idea further: what you tried, where it leads, where you "
                        "disagree. Markdown works. Mention someone with @handle."),
                      strcmp(field, "body") == 0 ? error : NULL);
        html_lit(o, "<p><button type=\"submit\">");
        html_text(o, _("Publish build-on"));
        html_lit(o, "</button></p>\n</form>\n");
        return page_end(r, status);
}

/* The parent named by the "parent" parameter (0: none), as the viewer may see it. */
static int param_parent(struct request *req, const struct episode *e, struct buildon *parent,
                        bool *have)
{
        int64_t id = req_param_int(req, "parent", 0);
        *have = false;
        if (!id)
                return 0;
        if (buildon_get(req->db, req->arena, id, parent) != PUB_OK || parent->episode_id != e->id ||
            parent->state != BUILDON_VISIBLE)
                return req_fail(req, 404, N_("There is no such build-on."));
        *have = true;
        return 0;
}

int web_buildon_new(struct request *req)
{
        struct episode e;
        struct buildon parent;
        bool have;
        if (path_episode(req, &e) || param_parent(req, &e, &parent, &have))
                return req->resp.status;
        if (!episode_is_live(&e, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        return new_page(req, &e, have ? &parent : NULL, NULL, 200);
}

int web_buildon_post(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id;
        int rc = action_buildon_post(req, &e, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID) {
                struct buildon parent;
                int64_t parent_id = req_param_int(req, "parent", 0);
                bool have = parent_id &&
                            buildon_get(req->db, req->arena, parent_id, &parent) == PUB_OK &&
                            parent.episode_id == e.id && parent.state == BUILDON_VISIBLE;
                return new_page(req, &e, have ? &parent : NULL, &p, 422);
        }
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no episode at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, bo_url(req->arena, &e, id));
}

/* ------------------------------------------------------------------ a build-on's page */

struct buildon_page {
        struct episode e;
        struct buildon b;
        struct buildon *chain; /* from the one nearest the episode down to the parent */
        int nchain;
        struct buildon *children;
        int nchildren;
        int counts[REACT_KINDS];
        unsigned mine;
        bool can_feature, can_moderate, comments_login_only;
        const char *url;
};

/* Loader of the page (and of the comment form's 422 answer). Returns 0 or a failed status. */
static int buildon_page_load(struct request *req, struct buildon_page *p)
{
        memset(p, 0, sizeof(*p));
        if (path_buildon(req, &p->e, &p->b))
                return req->resp.status;
        p->url = bo_url(req->arena, &p->e, p->b.id);
        p->nchain = buildon_chain(req->db, req->arena, p->b.id, &p->chain);
        p->nchildren =
            buildon_children(req->db, req->arena, p->b.id, KD_BUILDON_CHILDREN_SHOWN, &p->children);
        if (p->nchain < 0 || p->nchildren < 0 ||
            buildon_reaction_counts(req->db, p->b.id, req->viewer.id, p->counts, &p->mine) !=
                PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        if (req_signed_in(req)) {
                p->can_feature =
                    buildon_can_feature(req->db, p->e.id, req->viewer.id, req->viewer.role);
                struct item it;
                p->can_moderate =
                    item_load(req->db, req->arena, "buildon", p->b.id, &it) == PUB_OK &&
                    item_can_moderate(req->db, &it, req->viewer.id, req->viewer.role);
        }
        p->comments_login_only = !req_signed_in(req) && !req->config->guests_read_comments;
        return 0;
}

/* The chain of ideas: the episode, each build-on above this one, this one. */
static void chain_nav(struct render *r, const struct buildon_page *p)
{
        struct buf *o = r->out;
        html_lit(o, "<nav class=\"chain\" aria-labelledby=\"chain-h\">\n<h2 id=\"chain-h\" "
                    "class=\"label\">");
        html_text(o, _("The chain of ideas"));
        html_lit(o, "</h2>\n<ol>\n<li class=\"chain-episode\"><span class=\"chain-kind\">");
        html_text(o, _("Episode"));
        html_lit(o, "</span> <a href=\"");
        html_attr(o, ep_url(r->arena, &p->e));
        html_lit(o, "\">");
        html_text(o, p->e.title);
        html_lit(o, "</a> <span class=\"meta\">");
        html_textf(r, _("by %s"), p->e.author_name);
        html_lit(o, "</span></li>\n");
        for (int i = 0; i < p->nchain; i++) {
                const struct buildon *c = &p->chain[i];
                html_lit(o, "<li>");
                if (c->state == BUILDON_VISIBLE) {
                        html_lit(o, "<a href=\"");
                        html_attr(o, bo_url(r->arena, &p->e, c->id));
                        html_lit(o, "\">");
                        html_text(o, c->title);
                        html_lit(o, "</a> <span class=\"meta\">");
                        html_textf(r, _("by %s"), c->author_name);
                        html_lit(o, "</span>");
                } else {
                        html_lit(o, "<span class=\"gone-note\">");
                        html_text(o, c->state == BUILDON_DELETED
                                         ? _("A build-on that was deleted")
                                         : _("A build-on hidden by a moderator"));
                        html_lit(o, "</span>");
                }
                html_lit(o, "</li>\n");
        }
        html_lit(o, "<li aria-current=\"page\"><strong>");
        html_text(o, p->b.state == BUILDON_DELETED ? _("This build-on (deleted)") : p->b.title);
        html_lit(o, "</strong></li>\n</ol>\n</nav>\n");
}

/* The quoted passage, linking to its place in what this builds on. */
static void quote_link(struct render *r, const struct buildon_page *p)
{
        const struct buildon *b = &p->b;
        struct buf link = BUF_INIT;
        const struct buildon *parent = p->nchain > 0 ? &p->chain[p->nchain - 1] : NULL;
        if (b->parent_id && parent && parent->id == b->parent_id) {
                /* the parent's plain text stands where the fragment maker reads an episode's */
                struct episode as_text = {.body_text = parent->body_text};
                buf_puts(&link, bo_url(r->arena, &p->e, parent->id));
                comment_text_fragment(&link, &as_text, b->quote_start, b->quote_exact,
                                      b->quote_prefix, b->quote_suffix);
        } else {
                buf_puts(&link, ep_url(r->arena, &p->e));
                comment_text_fragment(&link, &p->e, b->quote_start, b->quote_exact, b->quote_prefix,
                                      b->quote_suffix);
        }
        struct buf *o = r->out;
        html_lit(o, "<blockquote class=\"quote\"><a href=\"");
        html_attr(o, link.data);
        html_lit(o, "\">");
        html_text(o, b->quote_exact);
        html_lit(o, "</a></blockquote>\n");
        buf_free(&link);
}

/* The shared reactions form: buttons for members (the viewer's own pressed), counts for guests. */
static void reaction_buttons(struct render *r, const struct buildon_page *p)
{
        struct reaction_summary sum = {.target_id = p->b.id, .mine = p->mine};
        memcpy(sum.counts, p->counts, sizeof(sum.counts));
        reactions_form(r, "buildon", p->b.id, &sum);
}

static void small_post_form(struct render *r, const char *action, const char *name,
                            const char *value, const char *label, const char *confirm)
{
        struct buf *o = r->out;
        html_lit(o, "<form method=\"post\" class=\"inline\" action=\"");
        html_attr(o, action);
        html_lit(o, "\">");
        form_csrf(r);
        if (name) {
                html_lit(o, "<input type=\"hidden\" name=\"");
                html_attr(o, name);
                html_lit(o, "\" value=\"");
                html_attr(o, value);
                html_lit(o, "\">");
        }
        html_lit(o, "<button type=\"submit\" class=\"link-button\"");
        if (confirm) {
                html_lit(o, " data-confirm=\"");
                html_attr(o, confirm);
                html_lit(o, "\"");
        }
        html_lit(o, ">");
        html_text(o, label);
        html_lit(o, "</button></form>\n");
}

static void buildon_actions(struct render *r, const struct buildon_page *p)
{
        const struct buildon *b = &p->b;
        struct buf *o = r->out;
        bool mine = render_signed_in(r) && b->author_id == r->viewer->id;
        const char *base = arena_printf(r->arena, "/buildons/%lld", (long long)b->id);
        html_lit(o, "<div class=\"buildon-actions\">\n");
        if (mine && b->state == BUILDON_VISIBLE) {
                html_lit(o, "<a class=\"edit\" href=\"");
                html_attr(o, base);
                html_lit(o, "/edit\">");
                html_text(o, _("Edit"));
                html_lit(o, "</a>\n");
                small_post_form(r, arena_printf(r->arena, "%s/delete", base), NULL, NULL,
                                _("Delete"), _("Delete this build-on?"));
        }
        if (p->can_feature && b->state == BUILDON_VISIBLE)
                small_post_form(r, arena_printf(r->arena, "%s/feature", base), "featured",
                                b->featured_at ? "0" : "1",
                                b->featured_at ? _("Unfeature") : _("Feature"), NULL);
        item_moderation_links(
            r, "buildon", b->id, render_signed_in(r) && !mine && b->state == BUILDON_VISIBLE,
            p->can_moderate && b->state != BUILDON_DELETED, b->state == BUILDON_HIDDEN);
        html_lit(o, "</div>\n");
}

static void children_section(struct render *r, const struct buildon_page *p)
{
        struct buf *o = r->out;
        html_lit(o, "<section class=\"buildons built-on-this\" aria-labelledby=\"children-h\">\n"
                    "<h2 id=\"children-h\">");
        html_text(o, _("What builds on this"));
        html_lit(o, "</h2>\n");
        if (p->nchildren == 0) {
                html_lit(o, "<p class=\"empty\">");
                html_text(o, _("Nothing builds on this build-on yet."));
                html_lit(o, "</p>\n");
        } else {
                html_lit(o, "<ol class=\"buildon-list\">\n");
                for (int i = 0; i < p->nchildren; i++)
                        buildon_card(r, &p->e, &p->children[i], false);
                html_lit(o, "</ol>\n");
        }
        if (p->b.state == BUILDON_VISIBLE && p->nchain + 2 <= KD_BUILDON_CHAIN_MAX)
                build_button(r, &p->e, p->b.id, _("Build on this build-on"));
        html_lit(o, "</section>\n");
}

static void comment_form(struct render *r, const struct buildon_page *p, const char *body,
                         const char *error)
{
        struct buf *o = r->out;
        html_lit(o, "<form method=\"post\" id=\"comment-form\" class=\"comment-form\" action=\"");
        html_attr(o, p->url);
        html_lit(o, "/comments\">\n");
        form_csrf(r);
        form_textarea(r, _("Your comment"), "body", body, 4, KD_COMMENT_MAX_CHARS,
                      _("Markdown works: *italic*, **bold**, [links](https://…). Mention someone "
                        "with @handle."),
                      error);
        html_lit(o, "<p><button type=\"submit\">");
        html_text(o, _("Post comment"));
        html_lit(o, "</button></p>\n</form>\n");
}

/* Renders the page; the comments come from comments.c (from: one thread from that comment). */
static int buildon_page_render(struct request *req, const struct buildon_page *p, int64_t from,
                               const char *body, const char *error, int status)
{
        struct render *r = render_for_request(req);
        struct buf *o = r->out;
        const struct buildon *b = &p->b;
        bool shown = b->state == BUILDON_VISIBLE || (b->state == BUILDON_HIDDEN);
        struct page_meta meta = {
            .title = shown ? b->title : _("A deleted build-on"),
            .description = shown ? excerpt(r->arena, b->body_text) : NULL,
            .canonical = p->url,
            .type = "article",
            .published = b->created_at,
            .author = shown ? b->author_name : NULL,
            .noindex = b->state != BUILDON_VISIBLE || !episode_is_live(&p->e, r->now) || from,
        };
        page_begin_meta(r, &meta);
        chain_nav(r, p);
        html_lit(o, "<article class=\"buildon");
        if (b->featured_at)
                html_lit(o, " featured");
        html_lit(o, "\" id=\"buildon\">\n");
        if (b->state == BUILDON_DELETED) {
                html_lit(o, "<p class=\"gone-note\">");
                html_text(o, _("This build-on was deleted. What was built on it stays."));
                html_lit(o, "</p>\n");
        } else {
                if (b->state == BUILDON_HIDDEN) {
                        html_lit(o, "<p class=\"notice\" role=\"status\">");
                        html_text(o, _("Hidden by a moderator: only its author and the "
                                       "moderators see it."));
                        html_lit(o, "</p>\n");
                }
                html_lit(o, "<header>\n<p class=\"label\">");
                if (b->featured_at)
                        featured_mark(r);
                html_textf(r, _("A build-on of “%s”"), p->e.title);
                html_lit(o, "</p>\n<h1");
                html_lang_attr(r, b->language);
                html_lit(o, ">");
                html_text(o, b->title);
                html_lit(o, "</h1>\n<p class=\"byline\">");
                byline(r, b);
                if (b->edited_at) {
                        html_lit(o, " <span class=\"meta edited\">");
                        html_text(o, _("edited"));
                        html_lit(o, "</span>");
                }
                html_lit(o, "</p>\n</header>\n");
                if (b->quote_exact)
                        quote_link(r, p);
                html_lit(o, "<div class=\"body buildon-body\"");
                html_lang_attr(r, b->language);
                html_lit(o, ">\n");
                html_rendered(o, b->body_html);
                html_lit(o, "</div>\n");
                reaction_buttons(r, p);
        }
        buildon_actions(r, p);
        html_lit(o, "</article>\n");
        children_section(r, p);
        html_lit(o, "<section id=\"comments\" class=\"comments\" aria-labelledby=\"comments-h\">\n"
                    "<h2 id=\"comments-h\">");
        html_textf(r, _n("%d comment", "%d comments", (unsigned long)b->comment_count),
                   b->comment_count);
        html_lit(o, "</h2>\n");
        if (!render_signed_in(r)) {
                html_lit(o, "<p class=\"join-prompt\"><a class=\"button\" href=\"/login?next=");
                html_url_arg(o, arena_printf(r->arena, "%s#comments", p->url));
                html_lit(o, "\">");
                html_text(o, _("Log in to join the conversation"));
                html_lit(o, "</a></p>\n");
        }
        if (p->comments_login_only) {
                html_lit(o, "</section>\n");
                return page_end(r, status);
        }
        if (b->state == BUILDON_VISIBLE && render_signed_in(r) && !from)
                comment_form(r, p, body, error);
        struct comment_scope scope = {.episode_id = p->e.id, .buildon_id = b->id};
        if (comments_in_place(req, r, &p->e, &scope, p->url, from) < 0)
                return req->resp.status;
        html_lit(o, "</section>\n");
        return page_end(r, status);
}

int web_buildon_page(struct request *req)
{
        struct buildon_page p;
        if (buildon_page_load(req, &p))
                return req->resp.status;
        return buildon_page_render(req, &p, 0, "", NULL, 200);
}

int web_buildon_comment_thread(struct request *req)
{
        struct buildon_page p;
        if (buildon_page_load(req, &p))
                return req->resp.status;
        if (p.comments_login_only)
                return resp_redirect(req, "/login");
        return buildon_page_render(req, &p, req_path_id(req, "comment"), "", NULL, 200);
}

int web_buildon_comment_post(struct request *req)
{
        struct buildon_page p;
        if (buildon_page_load(req, &p))
                return req->resp.status;
        struct field_problem prob = {0};
        int64_t id;
        int rc = action_buildon_comment_post(req, &p.e, &p.b, &id, &prob);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID) {
                struct render *r = render_for_request(req);
                return buildon_page_render(req, &p, 0, req_param(req, "body"),
                                           render_problem(r, &prob), 422);
        }
        if (rc != PUB_OK)
                return req_fail(req, rc == PUB_NOT_FOUND ? 404 : 503,
                                rc == PUB_NOT_FOUND ? N_("There is no such build-on.")
                                                    : N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "%s#c-%lld", p.url, (long long)id));
}

/* ------------------------------------------------------------------ changing one */

static int edit_page(struct request *req, const struct episode *e, const struct buildon *b,
                     const char *title, const char *body, const struct field_problem *p, int status)
{
        struct render *r = render_for_request(req);
        struct buf *o = r->out;
        const char *error = p ? render_problem(r, p) : NULL;
        const char *field = p ? p->field : "";
        struct page_meta meta = {.title = _("Edit your build-on"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(o, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(o, bo_url(r->arena, e, b->id));
        html_lit(o, "\">← ");
        html_text(o, b->title);
        html_lit(o, "</a></p>\n<h1>");
        html_text(o, _("Edit your build-on"));
        html_lit(o, "</h1>\n");
        if (b->quote_exact) {
                html_lit(o, "<blockquote class=\"quote\"><p>");
                html_text(o, b->quote_exact);
                html_lit(o, "</p></blockquote>\n");
        }
        html_lit(o, "<form method=\"post\" class=\"buildon-form\" action=\"/buildons/");
        html_int(o, b->id);
        html_lit(o, "/edit\">\n");
        form_csrf(r);
        form_input(r, _("Title"), "title", "text", title, "off", KD_BUILDON_TITLE_MAX,
                   strcmp(field, "title") == 0 ? error : NULL);
        form_textarea(r, _("Your build-on"), "body", body, 14, KD_BUILDON_MAX_CHARS, NULL,
                      strcmp(field, "body") == 0 ? error : NULL);
        html_lit(o, "<p><button type=\"submit\">");
        html_text(o, _("Save"));
        html_lit(o, "</button></p></form>\n");
        return page_end(r, status);
}

/* The answer to a change of a build-on that did not succeed (0 when rc is PUB_OK). */
static int refused_change(struct request *req, int rc)
{
        if (rc == PUB_OK)
                return 0;
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("That build-on was deleted or hidden."));
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("You can only change your own build-ons."));
        return req_fail(req, 503, N_("The database is not available."));
}

/* A build-on its viewer may change: theirs and visible. */
static int own_buildon(struct request *req, struct episode *e, struct buildon *b)
{
        if (id_buildon(req, e, b))
                return req->resp.status;
        return refused_change(req, action_buildon_may_change(req, b));
}

int web_buildon_edit_form(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (own_buildon(req, &e, &b))
                return req->resp.status;
        return edit_page(req, &e, &b, b.title, b.body, NULL, 200);
}

int web_buildon_edit(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (id_buildon(req, &e, &b))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_buildon_edit(req, &b, &p);
        if (rc == PUB_INVALID)
                return edit_page(req, &e, &b, req_param(req, "title"), req_param(req, "body"), &p,
                                 422);
        if (refused_change(req, rc))
                return req->resp.status;
        return resp_redirect(req, bo_url(req->arena, &e, b.id));
}

int web_buildon_delete(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (id_buildon(req, &e, &b) || refused_change(req, action_buildon_delete(req, &b)))
                return req->resp.status;
        return resp_redirect(req, bo_url(req->arena, &e, b.id));
}

int web_buildon_feature(struct request *req)
{
        struct episode e;
        struct buildon b;
        if (id_buildon(req, &e, &b))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_buildon_feature(req, &e, &b, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the authors of this newsletter may feature build-ons."));
        if (rc == PUB_INVALID)
                return req_fail(req, 422, p.message);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, bo_url(req->arena, &e, b.id));
}

int web_buildon_hide(struct request *req)
{
        /* the older address of POST /hide/buildon/#id: the same shared action */
        struct episode e;
        struct buildon b;
        if (id_buildon(req, &e, &b))
                return req->resp.status;
        struct item it;
        if (item_load(req->db, req->arena, "buildon", b.id, &it) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        const char *why = NULL;
        int rc = action_item_hide(req, &it, req_param_bool(req, "hidden"), &why);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, why);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("That build-on was deleted."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, bo_url(req->arena, &e, b.id));
}
