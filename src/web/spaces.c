/* The spaces' pages: the list of spaces, a space (its threads, most active members and the
 * "start a thread" form), a thread (its posts, paged, and the reply form), and the forms that
 * create and edit spaces and posts. Every form works without JavaScript. */
#include "web/moderation.h"
#include "web/spaces.h"
#include "web/avatar.h"
#include "actions/spaces.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/newsletter.h"
#include "model/reaction.h"
#include "model/space.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/reactions.h"
#include "web/render.h"

#include <string.h>

/* ------------------------------------------------------------------ addresses */

static void space_path(struct buf *b, const struct space *s)
{
        html_lit(b, "/spaces/");
        html_url_arg(b, s->slug);
}

static const char *thread_url(struct arena *a, const struct space *s, int64_t thread_id)
{
        return arena_printf(a, "/spaces/%s/%lld", s->slug, (long long)thread_id);
}

static int db_unavailable(struct request *req)
{
        return req_fail(req, 503, N_("The database is not available."));
}

/* The space named in the path. */
static int path_space(struct request *req, struct space *s)
{
        int rc = space_find(req->db, req->arena, req_path_param(req, "space"), s);
        if (rc == PUB_DB_ERROR)
                return db_unavailable(req);
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no space at this address."));
        return 0;
}

/* The thread named in the path, in its space, as the viewer may see it. */
static int path_thread(struct request *req, struct space *s, struct space_thread *t)
{
        if (path_space(req, s))
                return req->resp.status;
        int rc = space_thread_get(req->db, req->arena, req_path_id(req, "thread"), t);
        if (rc == PUB_DB_ERROR)
                return db_unavailable(req);
        bool hidden_for_viewer = t->state == SPACE_HIDDEN && !space_can_manage(req->viewer.role) &&
                                 t->author_id != req->viewer.id;
        if (rc != PUB_OK || t->space_id != s->id || t->state == SPACE_DELETED || hidden_for_viewer)
                return req_fail(req, 404, N_("There is no such thread."));
        return 0;
}

/* ------------------------------------------------------------------ pieces */

/* Who may post in s, as a sentence. */
static void who_posts_line(struct render *r, const struct space *s)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"space-rule meta\">");
        if (s->who == SPACE_WHO_MEMBERS) {
                html_text(b, _("Every member may start threads and reply here."));
        } else if (s->newsletter_id) {
                struct buf scratch, *saved;
                html_frag_begin(r, &scratch, &saved);
                html_lit(r->out, "<a href=\"/n/");
                html_url_arg(r->out, s->newsletter_slug);
                html_lit(r->out, "\">");
                html_text(r->out, s->newsletter_title);
                html_lit(r->out, "</a>");
                struct html_frag nl = html_frag_end(r, &scratch, saved);
                html_sentence(r, _("Followers of %s and its authors post here; everyone may read."),
                              1, &nl);
        } else {
                html_text(b, _("This space is closed: the newsletter it was for is gone."));
        }
        html_lit(b, "</p>\n");
}

/* Why the viewer may not post, with the way in when there is one. */
static void cannot_post(struct render *r, const struct space *s, enum space_rule rule,
                        const char *back)
{
        struct buf *b = r->out;
        html_lit(b, "<div class=\"notice space-closed\">");
        if (rule == SPACE_RULE_GUEST) {
                html_lit(b, "<p><a class=\"button\" href=\"/login?next=");
                html_url_arg(b, back);
                html_lit(b, "\">");
                html_text(b, _("Log in to take part"));
                html_lit(b, "</a></p>");
        } else if (rule == SPACE_RULE_NOT_FOLLOWER) {
                html_lit(b, "<p>");
                html_textf(r, _("Only followers of %s post in this space."), s->newsletter_title);
                html_lit(b, " <a href=\"/n/");
                html_url_arg(b, s->newsletter_slug);
                html_lit(b, "\">");
                html_text(b, _("Follow the newsletter to join in."));
                html_lit(b, "</a></p>");
        } else {
                html_lit(b, "<p>");
                html_text(b, _("Nobody can post here any more: the newsletter this space was for "
                               "is gone."));
                html_lit(b, "</p>");
        }
        html_lit(b, "</div>\n");
}

static void error_line(struct render *r, const char *error)
{
        if (!error)
                return;
        html_lit(r->out, "<p class=\"form-error\" role=\"alert\">");
        html_text(r->out, error);
        html_lit(r->out, "</p>\n");
}

static void thread_form(struct render *r, const struct space *s, const char *title,
                        const char *body, const char *error, const char *field)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" id=\"new-thread\" class=\"comment-form\" action=\"");
        space_path(b, s);
        html_lit(b, "/threads\">\n");
        form_csrf(r);
        error_line(r, error);
        form_input(r, _("Title"), "title", "text", title, "off", KD_THREAD_TITLE_MAX,
                   field && strcmp(field, "title") == 0 ? error : NULL);
        form_textarea(r, _("What would you like to talk about?"), "body", body, 6,
                      KD_POST_MAX_CHARS, _("Markdown works: **bold**, _italic_, links, lists."),
                      field && strcmp(field, "body") == 0 ? error : NULL);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Start the thread"));
        html_lit(b, "</button></p></form>\n");
}

/* ------------------------------------------------------------------ the list of spaces */

int web_spaces(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space *spaces;
        int n = space_list(req->db, req->arena, &spaces);
        if (n < 0)
                return db_unavailable(req);
        struct buf *b = r->out;
        struct page_meta meta = {
            .title = _("Spaces"),
            .description = _("Places where members talk among themselves."),
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<div class=\"spaces-head\"><h1>");
        html_text(b, _("Spaces"));
        html_lit(b, "</h1>\n");
        if (space_can_manage(req->viewer.role)) {
                html_lit(b, "<p><a class=\"button\" href=\"/spaces/new\">");
                html_text(b, _("New space"));
                html_lit(b, "</a></p>");
        }
        html_lit(b, "</div>\n<p class=\"lede\">");
        html_text(b, _("Places where members talk among themselves: start a thread, answer one, "
                       "meet the people who read what you read."));
        html_lit(b, "</p>\n");
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("There are no spaces yet."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<ul class=\"space-list\">\n");
        for (int i = 0; i < n; i++) {
                const struct space *s = &spaces[i];
                html_lit(b, "<li class=\"space-card\"><h2><a href=\"");
                space_path(b, s);
                html_lit(b, "\">");
                html_text(b, s->title);
                html_lit(b, "</a></h2>\n");
                if (*s->description_html) {
                        html_lit(b, "<div class=\"space-description\">");
                        html_rendered(b, s->description_html);
                        html_lit(b, "</div>\n");
                }
                html_lit(b, "<p class=\"meta\">");
                const char *threads = arena_printf(
                    r->arena, _n("%s thread", "%s threads", (unsigned long)s->thread_count),
                    l10n_number(r->arena, r->locale, s->thread_count));
                const char *posts =
                    arena_printf(r->arena, _n("%s post", "%s posts", (unsigned long)s->post_count),
                                 l10n_number(r->arena, r->locale, s->post_count));
                html_textf(r, _("%1$s · %2$s"), threads, posts);
                if (s->last_post_at) {
                        html_lit(b, " · ");
                        struct html_frag when = html_time_frag(r, s->last_post_at);
                        html_sentence(r, _("latest post %s"), 1, &when);
                }
                html_lit(b, "</p>\n");
                who_posts_line(r, s);
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ creating and editing spaces */

static int space_form_page(struct render *r, const struct space *editing,
                           const struct space_input *in, const struct field_problem *p, int status)
{
        struct request *req = r->req;
        struct buf *b = r->out;
        const char *title = editing ? _("Edit the space") : _("New space");
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        if (editing)
                space_path(b, editing);
        else
                html_lit(b, "/spaces");
        html_lit(b, "\">← ");
        html_text(b, editing ? editing->title : _("Spaces"));
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<form method=\"post\" class=\"stack space-form\" action=\"");
        if (editing) {
                space_path(b, editing);
                html_lit(b, "/edit");
        } else {
                html_lit(b, "/spaces/new");
        }
        html_lit(b, "\">\n");
        form_csrf(r);
        const char *error = p && p->message ? render_problem(r, p) : NULL;
        error_line(r, error);
#define FIELD_ERROR(name) (p && p->field && strcmp(p->field, name) == 0 ? error : NULL)
        form_input(r, _("Title"), "title", "text", in->title, "off", KD_SPACE_TITLE_MAX,
                   FIELD_ERROR("title"));
        form_input(r, _("Address (/spaces/…)"), "slug", "text", in->slug, "off", KD_SLUG_MAX_BYTES,
                   FIELD_ERROR("slug"));
        form_textarea(r, _("Description"), "description", in->description, 5,
                      KD_SPACE_DESCRIPTION_MAX,
                      _("What the space is for, in a few lines of Markdown (no headings or "
                        "images)."),
                      FIELD_ERROR("description"));
        struct newsletter *nls;
        int nn = newsletter_list(req->db, req->arena, &nls);
        struct form_option *opts =
            arena_zalloc(r->arena, (size_t)(nn > 0 ? nn + 1 : 1) * sizeof(*opts));
        opts[0] = (struct form_option){"", _("No newsletter")};
        for (int i = 0; i < nn; i++)
                opts[i + 1] = (struct form_option){nls[i].slug, nls[i].title};
        form_select(r, _("Newsletter"), "newsletter", opts, nn > 0 ? nn + 1 : 1, in->newsletter,
                    FIELD_ERROR("newsletter"));
        const struct form_option who[] = {
            {"members", _("Every member")},
            {"followers", _("Followers of the newsletter (and its authors)")},
        };
        form_select(r, _("Who may post"), "who_posts", who, 2, in->who_posts,
                    FIELD_ERROR("who_posts"));
#undef FIELD_ERROR
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, editing ? _("Save") : _("Create the space"));
        html_lit(b, "</button></p></form>\n");
        return page_end(r, status);
}

int web_space_form(struct request *req)
{
        struct render *r = render_for_request(req);
        if (!space_can_manage(req->viewer.role))
                return req_fail(req, 403, N_("Only moderators and admins create spaces."));
        if (!req_path_param(req, "space")) {
                struct space_input in = {"", "", "", "", "members"};
                return space_form_page(r, NULL, &in, NULL, 200);
        }
        struct space s;
        if (path_space(req, &s))
                return req->resp.status;
        struct space_input in = {s.slug, s.title, s.description, s.newsletter_slug,
                                 space_who_name(s.who)};
        return space_form_page(r, &s, &in, NULL, 200);
}

int web_space_save(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space s, *editing = NULL;
        if (req_path_param(req, "space")) {
                if (path_space(req, &s))
                        return req->resp.status;
                editing = &s;
        }
        struct space_input in = {req_param(req, "slug"), req_param(req, "title"),
                                 req_param(req, "description"), req_param(req, "newsletter"),
                                 req_param(req, "who_posts")};
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = editing ? space_update(req->db, s.id, &in, req->viewer.role, &p)
                         : space_create(req->db, &in, req->viewer.id, req->viewer.role, &id, &p);
        if (rc == PUB_INVALID || rc == PUB_TAKEN)
                return space_form_page(r, editing, &in, &p, 422);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("Only moderators and admins create spaces."));
        if (rc != PUB_OK)
                return db_unavailable(req);
        return resp_redirect(req, arena_printf(req->arena, "/spaces/%s", in.slug));
}

/* ------------------------------------------------------------------ a space */

static void thread_row(struct render *r, const struct space *s, const struct space_thread *t)
{
        struct buf *b = r->out;
        html_lit(b, "<li class=\"thread-row\"><a class=\"thread-title\" href=\"");
        html_attr(b, thread_url(r->arena, s, t->id));
        html_lit(b, "\"");
        html_lang_attr(r, t->language);
        html_lit(b, ">");
        html_text(b, t->title);
        html_lit(b, "</a>\n<p class=\"meta\">");
        struct html_frag who = html_frag_text(r, t->author_name);
        html_sentence(r, _("started by %s"), 1, &who);
        html_lit(b, " · ");
        int64_t replies = t->post_count > 0 ? t->post_count - 1 : 0;
        html_textf(r, _n("%s reply", "%s replies", (unsigned long)replies),
                   l10n_number(r->arena, r->locale, replies));
        html_lit(b, " · ");
        struct html_frag when = html_time_frag(r, t->last_post_at);
        html_sentence(r, _("last post %s"), 1, &when);
        html_lit(b, "</p></li>\n");
}

int web_space(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space s;
        if (path_space(req, &s))
                return req->resp.status;
        bool newest = strcmp(req_param(req, "view"), "new") == 0;
        struct space_thread *threads;
        bool more = false;
        int n = space_thread_page(req->db, req->arena, s.id, newest ? SPACE_NEW : SPACE_ACTIVE,
                                  req_param_int(req, "at", 0), req_param_int(req, "before", 0),
                                  &threads, &more);
        struct space_member_row *people;
        int np = space_active_members(req->db, req->arena, s.id, KD_SPACE_ACTIVE_MEMBERS, &people);
        if (n < 0 || np < 0)
                return db_unavailable(req);
        enum space_rule rule = space_post_rule(req->db, &s, req->viewer.id, req->viewer.role);
        struct buf *b = r->out;
        struct page_meta meta = {.title = s.title, .description = s.description};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"/spaces\">← ");
        html_text(b, _("Spaces"));
        html_lit(b, "</a></p>\n<header class=\"space-head\"><h1>");
        html_text(b, s.title);
        html_lit(b, "</h1>\n");
        if (*s.description_html) {
                html_lit(b, "<div class=\"space-description\">");
                html_rendered(b, s.description_html);
                html_lit(b, "</div>\n");
        }
        who_posts_line(r, &s);
        if (space_can_manage(req->viewer.role)) {
                html_lit(b, "<p class=\"meta\"><a href=\"");
                space_path(b, &s);
                html_lit(b, "/edit\">");
                html_text(b, _("Edit the space"));
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "</header>\n");
        if (np > 0) {
                html_lit(b, "<aside class=\"space-people\" aria-labelledby=\"people-h\"><h2 "
                            "id=\"people-h\">");
                html_text(b, _("Most active here"));
                html_lit(b, "</h2>\n<ul>\n");
                for (int i = 0; i < np; i++) {
                        html_lit(b, "<li><a href=\"/@");
                        html_url_arg(b, people[i].handle);
                        html_lit(b, "\">");
                        html_text(b, people[i].name);
                        html_lit(b, "</a> <span class=\"meta\">");
                        html_textf(r,
                                   _n("%s post", "%s posts", (unsigned long)people[i].post_count),
                                   l10n_number(r->arena, r->locale, people[i].post_count));
                        html_lit(b, "</span></li>\n");
                }
                html_lit(b, "</ul></aside>\n");
        }
        html_lit(b, "<section class=\"threads\" aria-labelledby=\"threads-h\"><h2 "
                    "id=\"threads-h\">");
        html_text(b, _("Threads"));
        html_lit(b, "</h2>\n<nav class=\"tabs\" aria-label=\"");
        html_attr(b, _("Order of threads"));
        html_lit(b, "\"><a href=\"");
        space_path(b, &s);
        html_lit(b, "\"");
        if (!newest)
                html_lit(b, " aria-current=\"page\"");
        html_lit(b, ">");
        html_text(b, _("Active"));
        html_lit(b, "</a> <a href=\"");
        space_path(b, &s);
        html_lit(b, "?view=new\"");
        if (newest)
                html_lit(b, " aria-current=\"page\"");
        html_lit(b, ">");
        html_text(b, _("New"));
        html_lit(b, "</a></nav>\n");
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("No threads yet. Be the first to start one."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<ul class=\"thread-list\">\n");
        for (int i = 0; i < n; i++)
                thread_row(r, &s, &threads[i]);
        html_lit(b, "</ul>\n");
        if (more) {
                const struct space_thread *last = &threads[n - 1];
                html_lit(b, "<p class=\"pager\"><a href=\"");
                space_path(b, &s);
                if (newest) {
                        html_lit(b, "?view=new&amp;before=");
                        html_int(b, last->id);
                } else {
                        html_lit(b, "?at=");
                        html_int(b, last->last_post_at);
                        html_lit(b, "&amp;before=");
                        html_int(b, last->id);
                }
                html_lit(b, "\">");
                html_text(b, _("Older threads"));
                html_lit(b, " →</a></p>\n");
        }
        html_lit(b, "</section>\n<section class=\"start-thread\" aria-labelledby=\"start-h\"><h2 "
                    "id=\"start-h\">");
        html_text(b, _("Start a thread"));
        html_lit(b, "</h2>\n");
        if (rule == SPACE_MAY_POST)
                thread_form(r, &s, "", "", NULL, NULL);
        else
                cannot_post(r, &s, rule, arena_printf(r->arena, "/spaces/%s#start-h", s.slug));
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

/* The "start a thread" form again, with the text kept and the problem beside its field. */
static int thread_problem_page(struct render *r, const struct space *s,
                               const struct field_problem *p)
{
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Start a thread"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        space_path(b, s);
        html_lit(b, "\">← ");
        html_text(b, s->title);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("Start a thread"));
        html_lit(b, "</h1>\n");
        thread_form(r, s, req_param(r->req, "title"), req_param(r->req, "body"),
                    render_problem(r, p), p->field);
        return page_end(r, 422);
}

int web_thread_create(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space s;
        if (path_space(req, &s))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t thread_id, post_id;
        int rc = action_thread_create(req, &s, &thread_id, &post_id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID)
                return thread_problem_page(r, &s, &p);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the newsletter's followers post in this space."));
        if (rc != PUB_OK)
                return db_unavailable(req);
        return resp_redirect(req, thread_url(req->arena, &s, thread_id));
}

/* ------------------------------------------------------------------ a thread */

struct thread_view {
        const struct space *s;
        const struct space_thread *t;
        const char *url;
        bool moderator, may_post;
        struct space_post *posts;
        int n;
        int64_t after, next_after;
        struct reaction_summary *sums; /* the page's reacted-to posts, ids ascending */
        int nsums;
};

/* Where post id is shown: on this page (an anchor), or the page that starts with it. */
static const char *post_link(struct render *r, const struct thread_view *v, int64_t id)
{
        for (int i = 0; i < v->n; i++)
                if (v->posts[i].id == id)
                        return arena_printf(r->arena, "#p-%lld", (long long)id);
        return arena_printf(r->arena, "%s?post=%lld#p-%lld", v->url, (long long)id, (long long)id);
}

static void post_actions(struct render *r, const struct thread_view *v, const struct space_post *p)
{
        struct buf *b = r->out;
        bool signed_in = render_signed_in(r);
        bool mine = signed_in && p->author_id == r->viewer->id;
        html_lit(b, "<div class=\"comment-actions\">\n");
        if (p->state == SPACE_VISIBLE && v->may_post) {
                html_lit(b, "<details class=\"reply\"><summary>");
                html_text(b, _("Reply"));
                html_lit(b, "</summary>\n<form method=\"post\" class=\"comment-form\" action=\"");
                html_attr(b, v->url);
                html_lit(b, "\">");
                form_csrf(r);
                html_lit(b, "<input type=\"hidden\" name=\"parent_id\" value=\"");
                html_int(b, p->id);
                html_lit(b, "\"><label for=\"reply-");
                html_int(b, p->id);
                html_lit(b, "\">");
                html_textf(r, _("Reply to %s"), p->author_name);
                html_lit(b, "</label><textarea id=\"reply-");
                html_int(b, p->id);
                html_lit(b, "\" name=\"body\" rows=\"3\" required");
                html_maxlength(b, KD_POST_MAX_CHARS);
                html_lit(b, "></textarea><button type=\"submit\">");
                html_text(b, _("Post reply"));
                html_lit(b, "</button></form></details>\n");
        }
        if (mine && p->state == SPACE_VISIBLE) {
                html_lit(b, "<a class=\"edit\" href=\"/posts/");
                html_int(b, p->id);
                html_lit(b, "/edit\">");
                html_text(b, _("Edit"));
                html_lit(b, "</a>\n<form method=\"post\" class=\"inline\" action=\"/posts/");
                html_int(b, p->id);
                html_lit(b, "/delete\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"link-button\" data-confirm=\"");
                html_attr(b, _("Delete this post?"));
                html_lit(b, "\">");
                html_text(b, _("Delete"));
                html_lit(b, "</button></form>\n");
        }
        /* the generic report and hide addresses of every item kind (routes/moderation.c) */
        item_moderation_links(r, "post", p->id, signed_in && !mine && p->state == SPACE_VISIBLE,
                              v->moderator && p->state != SPACE_DELETED,
                              p->state == SPACE_HIDDEN);
        html_lit(b, "</div>\n");
}

/* The start of a post's Markdown as one line of plain words: line breaks become spaces and the
 * emphasis and code marks (*, _ at a word's edge, `) go; the rest reads as written. */
static const char *excerpt_line(struct arena *a, const char *md)
{
        char *out = arena_strdup(a, md), *w = out;
        for (const char *c = md; *c; c++) {
                if (*c == '\n' || *c == '\r' || *c == '\t')
                        *w++ = ' ';
                else if (*c != '*' && *c != '`' &&
                         !(*c == '_' && (c == md || c[-1] == ' ' || c[1] == ' ' || !c[1])))
                        *w++ = *c;
        }
        *w = '\0';
        return out;
}

static void render_post(struct render *r, const struct thread_view *v, const struct space_post *p)
{
        struct buf *b = r->out;
        html_lit(b, "<article class=\"comment post");
        if (p->state != SPACE_VISIBLE)
                html_lit(b, " gone");
        html_lit(b, "\" id=\"p-");
        html_int(b, p->id);
        html_lit(b, "\">\n");
        bool show = p->state == SPACE_VISIBLE ||
                    (p->state == SPACE_HIDDEN &&
                     (v->moderator || (render_signed_in(r) && p->author_id == r->viewer->id)));
        if (!show) {
                html_lit(b, "<p class=\"gone-note\">");
                html_text(b, p->state == SPACE_DELETED ? _("This post was deleted.")
                                                       : _("Hidden by a moderator."));
                html_lit(b, "</p>\n</article>\n");
                return;
        }
        html_lit(b, "<header class=\"comment-head\"><a class=\"author\" href=\"/@");
        html_url_arg(b, p->author_handle);
        html_lit(b, "\">");
        web_avatar(r, p->author_id, p->author_name, p->author_avatar, 28);
        html_text(b, p->author_name);
        html_lit(b, "</a>");
        if (*p->author_headline) {
                html_lit(b, " <span class=\"headline\">");
                html_text(b, p->author_headline);
                html_lit(b, "</span>");
        }
        html_lit(b, " <a class=\"permalink meta\" href=\"#p-");
        html_int(b, p->id);
        html_lit(b, "\">");
        html_time(r, p->created_at);
        html_lit(b, "</a>");
        if (p->edited_at) {
                html_lit(b, " <span class=\"meta edited\">");
                html_text(b, _("edited"));
                html_lit(b, "</span>");
        }
        if (p->state == SPACE_HIDDEN) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, _("Hidden by a moderator"));
                html_lit(b, "</span>");
        }
        html_lit(b, "</header>\n");
        if (p->parent_id) {
                html_lit(b, "<p class=\"post-parent\"><a href=\"");
                html_attr(b, post_link(r, v, p->parent_id));
                html_lit(b, "\">↩ ");
                if (p->parent_state == SPACE_VISIBLE) {
                        html_textf(r, _("In reply to %s"), p->parent_author);
                        html_lit(b, "</a> <q");
                        html_lang_attr(r, p->parent_language);
                        html_lit(b, ">");
                        html_text(b, excerpt_line(r->arena, p->parent_excerpt));
                        if (p->parent_cut)
                                html_lit(b, "…");
                        html_lit(b, "</q></p>\n");
                } else {
                        html_text(b, _("In reply to a post that is no longer here"));
                        html_lit(b, "</a></p>\n");
                }
        }
        html_lit(b, "<div class=\"comment-body\"");
        html_lang_attr(r, p->language);
        html_lit(b, ">");
        html_rendered(b, p->body_html);
        html_lit(b, "</div>\n");
        if (p->state == SPACE_VISIBLE) {
                /* a plain reaction returns to this page of the thread, at the post */
                reactions_form(r, "post", p->id, reaction_summary_find(v->sums, v->nsums, p->id));
        }
        post_actions(r, v, p);
        html_lit(b, "</article>\n");
}

static void reply_form(struct render *r, const struct thread_view *v, const char *body,
                       const char *parent, const char *error)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" id=\"reply-form\" class=\"comment-form\" action=\"");
        html_attr(b, v->url);
        html_lit(b, "\">\n");
        form_csrf(r);
        if (parent && *parent) {
                html_lit(b, "<input type=\"hidden\" name=\"parent_id\" value=\"");
                html_attr(b, parent);
                html_lit(b, "\">");
        }
        error_line(r, error);
        form_textarea(r, _("Your reply"), "body", body, 4, KD_POST_MAX_CHARS,
                      _("Markdown works. Mention someone with @handle."), error);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Post reply"));
        html_lit(b, "</button></p></form>\n");
}

static int thread_view_load(struct request *req, const struct space *s,
                            const struct space_thread *t, struct thread_view *v)
{
        memset(v, 0, sizeof(*v));
        v->s = s;
        v->t = t;
        v->url = thread_url(req->arena, s, t->id);
        v->moderator = req_signed_in(req) && space_can_manage(req->viewer.role);
        v->may_post = t->state == SPACE_VISIBLE &&
                      space_can_post(req->db, s, req->viewer.id, req->viewer.role);
        int64_t post = req_param_int(req, "post", 0);
        v->after = post > 0 ? post - 1 : req_param_int(req, "after", 0);
        v->n = space_post_page(req->db, req->arena, t->id, v->after, req->viewer.id, v->moderator,
                               &v->posts, &v->next_after);
        if (v->n >= 0) {
                /* the page's reactions in one batched read */
                int64_t *ids = arena_alloc(req->arena, sizeof(*ids) * (size_t)(v->n ? v->n : 1));
                for (int i = 0; i < v->n; i++)
                        ids[i] = v->posts[i].id;
                v->nsums = reaction_summaries(req->db, req->arena, "post", ids, v->n,
                                              req->viewer.id, &v->sums);
        }
        if (v->n < 0 || v->nsums < 0) {
                db_unavailable(req);
                return -1;
        }
        return 0;
}

static int thread_page(struct render *r, const struct thread_view *v, const char *body,
                       const char *parent, const char *error, int status)
{
        struct request *req = r->req;
        const struct space *s = v->s;
        const struct space_thread *t = v->t;
        struct buf *b = r->out;
        struct page_meta meta = {.title = t->title, .noindex = status != 200};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        space_path(b, s);
        html_lit(b, "\">← ");
        html_text(b, s->title);
        html_lit(b, "</a></p>\n<h1");
        html_lang_attr(r, t->language);
        html_lit(b, ">");
        html_text(b, t->title);
        html_lit(b, "</h1>\n<p class=\"meta\">");
        struct html_frag who = html_frag_text(r, t->author_name);
        html_sentence(r, _("started by %s"), 1, &who);
        html_lit(b, " · ");
        html_textf(r, _n("%s post", "%s posts", (unsigned long)t->post_count),
                   l10n_number(r->arena, r->locale, t->post_count));
        if (t->state == SPACE_HIDDEN) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, _("Hidden by a moderator"));
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        if (v->after > 0) {
                html_lit(b, "<p class=\"pager\"><a href=\"");
                html_attr(b, v->url);
                html_lit(b, "\">← ");
                html_text(b, _("From the first post"));
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "<section class=\"comments posts\">\n<div class=\"thread\">\n");
        for (int i = 0; i < v->n; i++)
                render_post(r, v, &v->posts[i]);
        html_lit(b, "</div>\n");
        if (v->next_after) {
                html_lit(b, "<p class=\"pager\"><a href=\"");
                html_attr(b, v->url);
                html_lit(b, "?after=");
                html_int(b, v->next_after);
                html_lit(b, "\">");
                html_text(b, _("Later posts"));
                html_lit(b, " →</a></p>\n");
        }
        html_lit(b, "<h2 id=\"reply-h\">");
        html_text(b, _("Reply"));
        html_lit(b, "</h2>\n");
        if (v->may_post) {
                reply_form(r, v, body, parent, error);
        } else if (t->state == SPACE_VISIBLE) {
                enum space_rule rule =
                    space_post_rule(req->db, s, req->viewer.id, req->viewer.role);
                cannot_post(r, s, rule, arena_printf(r->arena, "%s#reply-h", v->url));
        }
        html_lit(b, "</section>\n");
        return page_end(r, status);
}

int web_thread(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space s;
        struct space_thread t;
        if (path_thread(req, &s, &t))
                return req->resp.status;
        struct thread_view v;
        if (thread_view_load(req, &s, &t, &v))
                return req->resp.status;
        return thread_page(r, &v, "", "", NULL, 200);
}

int web_post_create(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space s;
        struct space_thread t;
        if (path_thread(req, &s, &t))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id;
        int rc = action_post_create(req, &s, &t, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID) {
                struct thread_view v;
                if (thread_view_load(req, &s, &t, &v))
                        return req->resp.status;
                return thread_page(r, &v, req_param(req, "body"),
                                   strcmp(p.field, "parent_id") == 0 ? ""
                                                                     : req_param(req, "parent_id"),
                                   render_problem(r, &p), 422);
        }
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the newsletter's followers post in this space."));
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such thread."));
        if (rc != PUB_OK)
                return db_unavailable(req);
        /* the page that ends with the new post, so its author sees it in place */
        return resp_redirect(req, arena_printf(req->arena, "%s?post=%lld#p-%lld",
                                               thread_url(req->arena, &s, t.id), (long long)id,
                                               (long long)id));
}

/* ------------------------------------------------------------------ editing and deleting */

/* A post its viewer may change: theirs and visible; its thread and space for the way back. */
static int own_post(struct request *req, struct space_post *p, struct space_thread *t,
                    struct space *s)
{
        int rc = space_post_get(req->db, req->arena, req_path_id(req, "id"), p);
        if (rc == PUB_OK)
                rc = space_thread_get(req->db, req->arena, p->thread_id, t);
        if (rc == PUB_OK)
                rc = space_get(req->db, req->arena, p->space_id, s);
        if (rc == PUB_DB_ERROR)
                return db_unavailable(req);
        if (rc == PUB_OK)
                rc = action_post_may_change(req, p);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("You can only change your own posts."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("That post was deleted or hidden."));
        return 0;
}

static int post_edit_page(struct render *r, const struct space_post *p,
                          const struct space_thread *t, const struct space *s, const char *title,
                          const char *body, const struct field_problem *prob, int status)
{
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Edit your post"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(b, thread_url(r->arena, s, t->id));
        html_lit(b, "?post=");
        html_int(b, p->id);
        html_lit(b, "#p-");
        html_int(b, p->id);
        html_lit(b, "\">← ");
        html_text(b, t->title);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, _("Edit your post"));
        html_lit(b, "</h1>\n<form method=\"post\" class=\"comment-form\" action=\"/posts/");
        html_int(b, p->id);
        html_lit(b, "/edit\">");
        form_csrf(r);
        const char *error = prob ? render_problem(r, prob) : NULL;
        error_line(r, error);
        if (p->opening)
                form_input(r, _("Title"), "title", "text", title, "off", KD_THREAD_TITLE_MAX,
                           prob && strcmp(prob->field, "title") == 0 ? error : NULL);
        form_textarea(r, _("Your post"), "body", body, 8, KD_POST_MAX_CHARS, NULL,
                      prob && strcmp(prob->field, "body") == 0 ? error : NULL);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save"));
        html_lit(b, "</button></p></form>\n");
        return page_end(r, status);
}

int web_post_edit_form(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space_post p;
        struct space_thread t;
        struct space s;
        if (own_post(req, &p, &t, &s))
                return req->resp.status;
        return post_edit_page(r, &p, &t, &s, t.title, p.body, NULL, 200);
}

int web_post_edit(struct request *req)
{
        struct render *r = render_for_request(req);
        struct space_post p;
        struct space_thread t;
        struct space s;
        if (own_post(req, &p, &t, &s))
                return req->resp.status;
        const char *title = req_has_param(req, "title") ? req_param(req, "title") : NULL;
        struct field_problem prob = {0};
        int rc = action_post_edit(req, &p, &prob);
        if (rc == PUB_INVALID)
                return post_edit_page(r, &p, &t, &s, title ? title : t.title,
                                      req_param(req, "body"), &prob, 422);
        if (rc != PUB_OK)
                return db_unavailable(req);
        return resp_redirect(req, arena_printf(req->arena, "%s?post=%lld#p-%lld",
                                               thread_url(req->arena, &s, t.id), (long long)p.id,
                                               (long long)p.id));
}

int web_post_delete(struct request *req)
{
        struct space_post p;
        struct space_thread t;
        struct space s;
        if (own_post(req, &p, &t, &s))
                return req->resp.status;
        if (action_post_delete(req, &p) != PUB_OK)
                return db_unavailable(req);
        /* back to the thread while it stands, else to its space */
        struct space_thread after;
        if (space_thread_get(req->db, req->arena, t.id, &after) == PUB_OK &&
            after.state == SPACE_VISIBLE)
                return resp_redirect(req, thread_url(req->arena, &s, t.id));
        return resp_redirect(req, arena_printf(req->arena, "/spaces/%s", s.slug));
}
