/* Asks pages: lists, one ask, the forms behind proposing, voting and deciding (web/asks.h). */
#include "web/asks.h"
#include "actions/asks.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/ask.h"
#include "model/episode.h"
#include "model/newsletter.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <stdio.h>
#include <string.h>

/* Marks a msgid with a context for extraction; i18n_pget translates it. */
#define NC_(context, msgid) msgid

/* Labels of the statuses and views, in enum order, in the context "ask" (a planned ask is not a
 * planned season). */
static const char *const status_labels[] = {NC_("ask", "Open"), NC_("ask", "Planned"),
                                            NC_("ask", "Covered"), NC_("ask", "Declined")};
static const char *const view_labels[ASK_VIEWS] = {NC_("ask", "Top"), NC_("ask", "New"),
                                                   NC_("ask", "Planned"), NC_("ask", "Covered"),
                                                   NC_("ask", "Declined")};

/* ------------------------------------------------------------------ loading */

static int load_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

static bool viewer_writes(struct request *req, int64_t newsletter_id)
{
        return req_signed_in(req) &&
               newsletter_can_write(req->db, newsletter_id, req->viewer.id, req->viewer.role);
}

/* The ask in the path, in the newsletter in the path, as its viewer may see it: a hidden ask
 * only for its proposer and those who moderate it, a deleted one for nobody. */
static int path_ask(struct request *req, struct newsletter *n, struct ask *k)
{
        if (load_newsletter(req, n))
                return req->resp.status;
        int rc = ask_get(req->db, req->arena, req_path_id(req, "id"), req->viewer.id,
                         viewer_writes(req, n->id), k);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || k->newsletter_id != n->id || k->state == ITEM_DELETED ||
            (k->state == ITEM_HIDDEN && k->author_id != req->viewer.id &&
             !ask_can_moderate(req->db, k, req->viewer.id, req->viewer.role)))
                return req_fail(req, 404, N_("There is no such ask."));
        return 0;
}

static const char *ask_url(struct arena *a, const struct ask *k)
{
        return arena_printf(a, "/n/%s/asks/%lld", k->newsletter_slug, (long long)k->id);
}

static const char *asks_url(struct arena *a, const char *newsletter_slug)
{
        return arena_printf(a, "/n/%s/asks", newsletter_slug);
}

/* ------------------------------------------------------------------ pieces */

static void status_badge(struct render *r, enum ask_status s)
{
        struct buf *b = r->out;
        html_lit(b, "<span class=\"ask-status ask-");
        html_attr(b, ask_status_name(s));
        html_lit(b, "\">");
        html_text(b, i18n_pget(r->locale, "ask", status_labels[s]));
        html_lit(b, "</span>");
}

static void member_link(struct buf *b, const char *handle, const char *name)
{
        html_lit(b, "<a href=\"/@");
        html_url_arg(b, handle);
        html_lit(b, "\">");
        html_text(b, name);
        html_lit(b, "</a>");
}

/* "Asked by <name> · 3 days ago" */
static void asked_by(struct render *r, const struct ask *k)
{
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        member_link(r->out, k->author_handle, k->author_name);
        struct html_frag f[2] = {html_frag_end(r, &scratch, saved),
                                 html_time_frag(r, k->created_at)};
        /* TRANSLATORS: %1$s is the member's linked name, %2$s a relative time */
        html_sentence(r, _("Asked by %1$s %2$s"), 2, f);
}

/* The vote button (a plain form), or the count alone for guests and closed asks. back: where
 * the form returns to. */
static void vote_box(struct render *r, const struct ask *k, const char *back)
{
        struct buf *b = r->out;
        const char *label = _n("vote", "votes", (unsigned long)k->vote_count);
        if (!render_signed_in(r) || !ask_can_vote(k, r->viewer->id)) {
                html_lit(b, "<div class=\"ask-votes\"><span class=\"count\">");
                html_int(b, k->vote_count);
                html_lit(b, "</span> <span class=\"vote-label\">");
                html_text(b, label);
                html_lit(b, "</span>");
                if (!render_signed_in(r) && k->state == ITEM_VISIBLE &&
                    (k->status == ASK_OPEN || k->status == ASK_PLANNED)) {
                        html_lit(b, "<a class=\"vote-login\" href=\"/login?next=");
                        html_url_arg(b, back);
                        html_lit(b, "\">");
                        html_text(b, _("Log in to vote"));
                        html_lit(b, "</a>");
                }
                html_lit(b, "</div>");
                return;
        }
        html_lit(b, "<form class=\"ask-votes ask-vote\" method=\"post\" action=\"");
        html_attr(b, ask_url(r->arena, k));
        html_lit(b, "/vote\" data-ask=\"");
        html_int(b, k->id);
        html_lit(b, "\">");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
        html_attr(b, back);
        html_lit(b, "\"><button type=\"submit\" name=\"vote\" class=\"vote\" value=\"");
        if (k->voted)
                html_lit(b, "0\" aria-pressed=\"true\" title=\"");
        else
                html_lit(b, "1\" aria-pressed=\"false\" title=\"");
        html_attr(b, k->voted ? _("Take your vote back") : _("Vote for this topic"));
        html_lit(b, "\"><span aria-hidden=\"true\">▲</span> <span class=\"count\">");
        html_int(b, k->vote_count);
        html_lit(b, "</span> <span class=\"vote-label\">");
        html_text(b, label);
        html_lit(b, "</span></button></form>");
}

/* What the authors decided, in a line: planned with its note, covered by an episode (or on its
 * way, while the episode is not out), declined with the reason. */
static void decision_line(struct render *r, const struct ask *k, bool full)
{
        struct buf *b = r->out;
        if (k->status == ASK_OPEN)
                return;
        html_lit(b, "<p class=\"ask-decision\">");
        if (k->status == ASK_COVERED) {
                if (k->episode_title) {
                        struct buf scratch, *saved;
                        html_frag_begin(r, &scratch, &saved);
                        html_lit(r->out, "<a href=\"/n/");
                        html_url_arg(r->out, k->newsletter_slug);
                        html_lit(r->out, "/");
                        html_url_arg(r->out, k->episode_slug);
                        html_lit(r->out, "\">");
                        html_text(r->out, k->episode_title);
                        html_lit(r->out, "</a>");
                        struct html_frag ep = html_frag_end(r, &scratch, saved);
                        /* TRANSLATORS: %s is the linked title of an episode */
                        html_sentence(r,
                                      k->episode_live ? _("Answered in %s.")
                                                      : _("Will be answered in %s (not "
                                                          "published yet)."),
                                      1, &ep);
                } else if (k->episode_id) {
                        html_text(b, _("An episode answering this is on its way."));
                } else {
                        html_text(b, _("Covered."));
                }
        } else if (k->status == ASK_PLANNED) {
                html_text(b, _("The authors plan to write about this."));
        } else {
                html_text(b, _("The authors declined this topic."));
        }
        if (*k->status_note && (full || k->status == ASK_DECLINED)) {
                html_lit(b, " <span class=\"ask-note\">");
                if (k->status == ASK_DECLINED)
                        html_textf(r, _("Reason: %s"), k->status_note);
                else
                        html_text(b, k->status_note);
                html_lit(b, "</span>");
        }
        if (full && k->decider_name && *k->decider_name && k->decided_at) {
                html_lit(b, " <span class=\"meta\">");
                struct html_frag f[2] = {html_frag_text(r, k->decider_name),
                                         html_time_frag(r, k->decided_at)};
                /* TRANSLATORS: %1$s is an author's name, %2$s a relative time */
                html_sentence(r, _("— %1$s, %2$s"), 2, f);
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
}

/* One ask in a list. */
static void ask_item(struct render *r, const struct ask *k, const char *back)
{
        struct buf *b = r->out;
        html_lit(b, "<li class=\"ask\" id=\"ask-");
        html_int(b, k->id);
        html_lit(b, "\">");
        vote_box(r, k, back);
        html_lit(b, "<div class=\"ask-main\"><h2");
        html_lang_attr(r, k->language);
        html_lit(b, "><a href=\"");
        html_attr(b, ask_url(r->arena, k));
        html_lit(b, "\">");
        html_text(b, k->title);
        html_lit(b, "</a></h2>\n<p class=\"meta\">");
        status_badge(r, k->status);
        html_lit(b, " ");
        asked_by(r, k);
        html_lit(b, "</p>\n");
        decision_line(r, k, false);
        html_lit(b, "</div></li>\n");
}

static void breadcrumbs(struct render *r, const char *slug, const char *title, bool to_asks)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"/n/");
        html_url_arg(b, slug);
        html_lit(b, "\">← ");
        html_text(b, title);
        html_lit(b, "</a>");
        if (to_asks) {
                html_lit(b, " · <a href=\"/n/");
                html_url_arg(b, slug);
                html_lit(b, "/asks\">");
                html_text(b, _("Asks"));
                html_lit(b, "</a>");
        }
        html_lit(b, "</p>\n");
}

/* The title and body fields of the propose and edit forms. */
static void ask_fields(struct render *r, const char *title, const char *body,
                       const struct field_problem *p)
{
        const char *msg = render_problem(r, p);
        bool on_title = p && p->field && strcmp(p->field, "title") == 0;
        bool on_body = p && p->field && strcmp(p->field, "body") == 0;
        form_input(r, _("Topic"), "title", "text", title, "off", KD_ASK_TITLE_MAX,
                   on_title ? msg : NULL);
        form_textarea(r, _("A few lines about it (optional)"), "body", body, 4, KD_ASK_BODY_MAX,
                      _("What would you like to learn, and why? Markdown works; up to 12 lines."),
                      on_body ? msg : NULL);
}

/* ------------------------------------------------------------------ the list */

int web_asks(struct request *req)
{
        struct render *r = render_for_request(req);
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        enum ask_view view;
        if (ask_view_parse(req_param(req, "view"), &view) != 0)
                return req_fail(req, 404, N_("There is no such list of asks."));
        struct ask_cursor from = {req_param_int(req, "votes", 0), req_param_int(req, "before", 0)},
                          next;
        struct ask *ks;
        int nk = ask_list(req->db, req->arena, n.id, view, &from, KD_ASKS_PER_PAGE, req->viewer.id,
                          viewer_writes(req, n.id), &ks, &next);
        int64_t open = ask_open_count(req->db, n.id);
        if (nk < 0 || open < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        const char *title = arena_printf(req->arena, _("Asks for %s"), n.title);
        struct page_meta meta = {
            .title = title,
            .description = _("Topics readers would like this newsletter to cover, ranked by their "
                             "votes."),
            .canonical =
                view == ASK_VIEW_TOP && !from.before
                    ? asks_url(req->arena, n.slug)
                    : arena_printf(req->arena, "/n/%s/asks?view=%s", n.slug, ask_view_name(view)),
            .noindex = from.before != 0,
        };
        page_begin_meta(r, &meta);
        breadcrumbs(r, n.slug, n.title, false);
        html_lit(b, "<header class=\"asks-head\">\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_text(b, _("Propose a topic you would like covered and vote for the ones you want "
                       "most. The authors mark what they plan, link the episode that answers an "
                       "ask, and say why when they decline."));
        html_lit(b, "</p>\n<p class=\"meta\">");
        html_textf(r, _n("%lld open ask", "%lld open asks", (unsigned long)open), (long long)open);
        html_lit(b, "</p>\n");
        if (req_signed_in(req)) {
                html_lit(b, "<p><a class=\"button\" href=\"/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/asks/new\">");
                html_text(b, _("Propose a topic"));
                html_lit(b, "</a></p>\n");
        } else {
                html_lit(b, "<p><a class=\"button\" href=\"/login?next=/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/asks\">");
                html_text(b, _("Log in to propose a topic"));
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "</header>\n<nav class=\"tabs\" aria-label=\"");
        html_attr(b, _("Lists of asks"));
        html_lit(b, "\"><ul>");
        for (int v = 0; v < ASK_VIEWS; v++) {
                html_lit(b, "<li><a href=\"/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/asks");
                if (v != ASK_VIEW_TOP) {
                        html_lit(b, "?view=");
                        html_url_arg(b, ask_view_name((enum ask_view)v));
                }
                html_lit(b, "\"");
                if (v == (int)view)
                        html_lit(b, " aria-current=\"page\"");
                html_lit(b, ">");
                html_text(b, i18n_pget(r->locale, "ask", view_labels[v]));
                html_lit(b, "</a></li>");
        }
        html_lit(b, "</ul></nav>\n");
        if (nk == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, from.before ? _("No more asks here.")
                             : view == ASK_VIEW_TOP
                                 ? _("No open asks yet: what would you like to read about?")
                                 : _("No asks here yet."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<ol class=\"asks\">\n");
                const char *back = req_local_url(req);
                for (int i = 0; i < nk; i++)
                        ask_item(r, &ks[i], back);
                html_lit(b, "</ol>\n");
        }
        if (next.before) {
                html_lit(b, "<p class=\"pager\"><a rel=\"next\" href=\"/n/");
                html_url_arg(b, n.slug);
                html_lit(b, "/asks?view=");
                html_url_arg(b, ask_view_name(view));
                if (view != ASK_VIEW_NEW) {
                        html_lit(b, "&amp;votes=");
                        html_int(b, next.votes);
                }
                html_lit(b, "&amp;before=");
                html_int(b, next.before);
                html_lit(b, "\">");
                html_text(b, _("More asks"));
                html_lit(b, " →</a></p>\n");
        }
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ proposing */

static int propose_page(struct request *req, const struct newsletter *n, const char *title,
                        const char *body, const struct field_problem *p, int status)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Propose a topic"), .noindex = true};
        page_begin_meta(r, &meta);
        breadcrumbs(r, n->slug, n->title, true);
        html_lit(b, "<h1>");
        html_text(b, _("Propose a topic"));
        html_lit(b, "</h1>\n<p>");
        html_textf(r,
                   _("What would you like %s to write about? Other members vote for the topics "
                     "they want most; your proposal counts as your vote."),
                   n->title);
        html_lit(b, "</p>\n<form method=\"post\" class=\"ask-form\" action=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/asks\">");
        form_csrf(r);
        if (p && p->message) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, render_problem(r, p));
                html_lit(b, "</p>");
        }
        ask_fields(r, title, body, p);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Propose"));
        html_lit(b, "</button></p></form>\n");
        return page_end(r, status);
}

int web_ask_new_form(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        return propose_page(req, &n, "", "", NULL, 200);
}

int web_ask_create(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = action_ask_create(req, n.id, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("Log in to propose a topic."));
        if (rc == PUB_INVALID)
                return propose_page(req, &n, req_param(req, "title"), req_param(req, "body"), &p,
                                    422);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req,
                             arena_printf(req->arena, "/n/%s/asks/%lld", n.slug, (long long)id));
}

/* ------------------------------------------------------------------ one ask */

/* The decision form's values when a decision was refused (NULL: the ask's own). */
struct decision_form {
        const char *status, *note, *episode;
        const struct field_problem *p;
};

static void decision_form(struct render *r, struct request *req, const struct ask *k,
                          const struct decision_form *f)
{
        struct buf *b = r->out;
        struct ask_episode_choice *eps;
        int ne = ask_episode_choices(req->db, req->arena, k->newsletter_id, r->now,
                                     KD_ASK_EPISODE_CHOICES, &eps);
        if (ne < 0)
                ne = 0;
        const char *msg = f ? render_problem(r, f->p) : NULL;
        const char *field = f && f->p ? f->p->field : "";
        html_lit(b, "<section class=\"ask-decide\" aria-labelledby=\"decide-h\">\n<h2 "
                    "id=\"decide-h\">");
        html_text(b, _("Your decision"));
        html_lit(b, "</h2>\n<form method=\"post\" class=\"ask-form\" action=\"");
        html_attr(b, ask_url(r->arena, k));
        html_lit(b, "/status\">");
        form_csrf(r);
        if (msg) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, msg);
                html_lit(b, "</p>");
        }
        const struct form_option statuses[] = {
            {"open", _("Open: still collecting votes")},
            {"planned", _("Planned: we will write about this")},
            {"covered", _("Covered: an episode answers it")},
            {"declined", _("Declined: say why below")},
        };
        form_select(r, _("Status"), "status", statuses, 4,
                    f ? f->status : ask_status_name(k->status),
                    strcmp(field, "status") == 0 ? msg : NULL);
        struct form_option *opts = arena_alloc(req->arena, (size_t)(ne + 1) * sizeof(*opts));
        opts[0].value = "";
        opts[0].label = _("No episode");
        for (int i = 0; i < ne; i++) {
                opts[i + 1].value = arena_printf(req->arena, "%lld", (long long)eps[i].id);
                opts[i + 1].label =
                    eps[i].live ? eps[i].title
                                : arena_printf(req->arena, _("%s (not published)"), eps[i].title);
        }
        const char *chosen = f ? f->episode
                             : k->episode_id
                                 ? arena_printf(req->arena, "%lld", (long long)k->episode_id)
                                 : "";
        form_select(r, _("The episode that answers it (for “covered”)"), "episode_id", opts, ne + 1,
                    chosen, strcmp(field, "episode_id") == 0 ? msg : NULL);
        form_textarea(r, _("Note to readers"), "note", f ? f->note : k->status_note, 3,
                      KD_ASK_NOTE_MAX,
                      _("Required when you decline: readers asked in good faith. Shown on the "
                        "ask."),
                      strcmp(field, "note") == 0 ? msg : NULL);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save decision"));
        html_lit(b, "</button></p></form>\n</section>\n");
}

static int ask_page(struct request *req, const struct newsletter *n, const struct ask *k,
                    const struct decision_form *f, int status)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *url = ask_url(req->arena, k);
        struct page_meta meta = {
            .title = k->title,
            .description =
                arena_printf(req->arena, _("A topic readers asked %s to cover."), n->title),
            .canonical = url,
            .noindex = k->state != ITEM_VISIBLE,
        };
        page_begin_meta(r, &meta);
        breadcrumbs(r, n->slug, n->title, true);
        if (k->state == ITEM_HIDDEN) {
                html_lit(b, "<p class=\"notice\" role=\"status\">");
                html_text(b, k->author_id == r->viewer->id
                                 ? _("A moderator hid your ask: only you and the moderators see "
                                     "it.")
                                 : _("This ask is hidden: readers do not see it."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<article class=\"ask-page\">\n<header>\n<p class=\"meta\">");
        status_badge(r, k->status);
        html_lit(b, "</p>\n<h1");
        html_lang_attr(r, k->language);
        html_lit(b, ">");
        html_text(b, k->title);
        html_lit(b, "</h1>\n<p class=\"meta\">");
        asked_by(r, k);
        html_lit(b, "</p>\n</header>\n");
        if (*k->body_html) {
                html_lit(b, "<div class=\"body\"");
                html_lang_attr(r, k->language);
                html_lit(b, ">");
                html_rendered(b, k->body_html);
                html_lit(b, "</div>\n");
        }
        html_lit(b, "<div class=\"ask-vote-row\">");
        vote_box(r, k, url);
        struct ask_voter *voters;
        int nv = ask_voters(req->db, req->arena, k->id, KD_ASK_VOTERS_SHOWN, &voters);
        if (nv > 0) {
                html_lit(b, "<p class=\"ask-voters\">");
                html_textf(r,
                           _n("%d member wants this:", "%d members want this:",
                              (unsigned long)k->vote_count),
                           k->vote_count);
                html_lit(b, " ");
                for (int i = 0; i < nv; i++) {
                        if (i)
                                html_lit(b, ", ");
                        member_link(b, voters[i].handle, voters[i].name);
                }
                if (k->vote_count > nv) {
                        html_lit(b, " ");
                        html_textf(
                            r,
                            _n("and %d more", "and %d more", (unsigned long)(k->vote_count - nv)),
                            k->vote_count - nv);
                }
                html_lit(b, "</p>");
        }
        html_lit(b, "</div>\n");
        decision_line(r, k, true);
        if (ask_can_change(k, r->viewer->id)) {
                html_lit(b, "<div class=\"actions\"><a class=\"button secondary\" href=\"");
                html_attr(b, url);
                html_lit(b, "/edit\">");
                html_text(b, _("Edit"));
                html_lit(b, "</a> <form method=\"post\" class=\"inline\" action=\"");
                html_attr(b, url);
                html_lit(b, "/delete\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"secondary\" data-confirm=\"");
                html_attr(b, _("Delete this ask and its votes?"));
                html_lit(b, "\">");
                html_text(b, _("Delete"));
                html_lit(b, "</button></form></div>\n");
        }
        if (render_signed_in(r) && ask_can_moderate(req->db, k, r->viewer->id, r->viewer->role)) {
                html_lit(b, "<form method=\"post\" class=\"inline ask-moderate\" action=\"");
                html_attr(b, url);
                html_lit(b, "/hide\">");
                form_csrf(r);
                if (k->state == ITEM_HIDDEN) {
                        html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"0\"><button "
                                    "type=\"submit\" class=\"secondary\">");
                        html_text(b, _("Restore"));
                } else {
                        html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"1\"><button "
                                    "type=\"submit\" class=\"secondary\">");
                        html_text(b, _("Hide"));
                }
                html_lit(b, "</button></form>\n");
        }
        html_lit(b, "</article>\n");
        if (render_signed_in(r) && ask_can_decide(req->db, k, r->viewer->id, r->viewer->role))
                decision_form(r, req, k, f);
        return page_end(r, status);
}

int web_ask(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (path_ask(req, &n, &k))
                return req->resp.status;
        return ask_page(req, &n, &k, NULL, 200);
}

/* ------------------------------------------------------------------ voting */

int web_ask_vote(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (path_ask(req, &n, &k))
                return req->resp.status;
        int rc = action_ask_vote(req, &k, req_param_bool(req, "vote"), NULL, NULL);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such ask."));
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 409, N_("Voting has closed on this ask."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        const char *next = req_param(req, "next");
        return resp_redirect(req, *next && http_local_path(next) ? next : ask_url(req->arena, &k));
}

/* ------------------------------------------------------------------ the proposer's changes */

static int edit_page(struct request *req, const struct newsletter *n, const struct ask *k,
                     const char *title, const char *body, const struct field_problem *p, int status)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Edit your ask"), .noindex = true};
        page_begin_meta(r, &meta);
        breadcrumbs(r, n->slug, n->title, true);
        html_lit(b, "<h1>");
        html_text(b, _("Edit your ask"));
        html_lit(b, "</h1>\n<form method=\"post\" class=\"ask-form\" action=\"");
        html_attr(b, ask_url(req->arena, k));
        html_lit(b, "/edit\">");
        form_csrf(r);
        ask_fields(r, title, body, p);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save"));
        html_lit(b, "</button></p></form>\n");
        return page_end(r, status);
}

/* The viewer's own ask, still open: 403 otherwise. */
static int own_ask(struct request *req, struct newsletter *n, struct ask *k)
{
        if (path_ask(req, n, k))
                return req->resp.status;
        if (!ask_can_change(k, req->viewer.id))
                return req_fail(req, 403,
                                k->author_id == req->viewer.id
                                    ? N_("An ask can be changed only while it is open.")
                                    : N_("You can only change your own asks."));
        return 0;
}

int web_ask_edit_form(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (own_ask(req, &n, &k))
                return req->resp.status;
        return edit_page(req, &n, &k, k.title, k.body, NULL, 200);
}

int web_ask_edit(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (own_ask(req, &n, &k))
                return req->resp.status;
        struct rate_limit *const limits[] = {req->guards->ask_change_by_member, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        struct ask_input in = {.title = req_param(req, "title"), .body = req_param(req, "body")};
        struct field_problem p = {0};
        int rc = ask_edit(req->db, k.id, req->viewer.id, &in, &p);
        if (rc == PUB_INVALID)
                return edit_page(req, &n, &k, in.title, in.body, &p, 422);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("An ask can be changed only while it is open."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, ask_url(req->arena, &k));
}

int web_ask_delete(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (own_ask(req, &n, &k))
                return req->resp.status;
        struct rate_limit *const limits[] = {req->guards->ask_change_by_member, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        int rc = ask_delete(req->db, k.id, req->viewer.id);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("An ask can be changed only while it is open."));
        if (rc != PUB_OK)
                return req_fail(req, rc == PUB_NOT_FOUND ? 404 : 503,
                                rc == PUB_NOT_FOUND ? N_("There is no such ask.")
                                                    : N_("The database is not available."));
        return resp_redirect(req, asks_url(req->arena, n.slug));
}

/* ------------------------------------------------------------------ deciding, hiding */

int web_ask_decide(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (path_ask(req, &n, &k))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_ask_decide(req, &k, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only this newsletter's authors decide what becomes of an "
                                   "ask."));
        if (rc == PUB_INVALID) {
                struct decision_form f = {.status = req_param(req, "status"),
                                          .note = req_param(req, "note"),
                                          .episode = req_param(req, "episode_id")};
                f.p = &p;
                return ask_page(req, &n, &k, &f, 422);
        }
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such ask."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, ask_url(req->arena, &k));
}

int web_ask_hide(struct request *req)
{
        struct newsletter n;
        struct ask k;
        if (path_ask(req, &n, &k))
                return req->resp.status;
        if (!ask_can_moderate(req->db, &k, req->viewer.id, req->viewer.role))
                return req_fail(req, 403, N_("Only moderators may hide asks."));
        struct rate_limit *const limits[] = {req->guards->ask_change_by_member, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        int rc = ask_set_hidden(req->db, k.id, req->viewer.id, req_param_bool(req, "hidden"));
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such ask."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, ask_url(req->arena, &k));
}

/* ------------------------------------------------------------------ on other pages */

void web_asks_newsletter_link(struct render *r, struct db *db, const struct newsletter *n)
{
        int64_t open = ask_open_count(db, n->id);
        if (open < 0)
                return;
        struct buf *b = r->out;
        html_lit(b, "<p class=\"asks-link\"><a href=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/asks\">");
        html_textf(r, _n("Asks: %lld open", "Asks: %lld open", (unsigned long)open),
                   (long long)open);
        html_lit(b, "</a> · ");
        html_text(b, _("Tell the authors what you would like to read next."));
        html_lit(b, "</p>\n");
}

void web_asks_episode_credit(struct render *r, const struct episode *e)
{
        if (!r->req || !episode_is_live(e, r->now))
                return;
        struct ask *ks;
        int n = ask_list_by_episode(r->req->db, r->arena, e->id, &ks);
        if (n <= 0)
                return;
        struct buf *b = r->out;
        html_lit(b, "<aside class=\"ask-credit\" aria-labelledby=\"ask-credit-h\">\n<p "
                    "class=\"label\" id=\"ask-credit-h\">");
        html_text(b, _n("Asked by a reader", "Asked by readers", (unsigned long)n));
        html_lit(b, "</p>\n");
        for (int i = 0; i < n; i++) {
                const struct ask *k = &ks[i];
                struct buf scratch, *saved;
                html_frag_begin(r, &scratch, &saved);
                html_lit(r->out, "<a href=\"");
                html_attr(r->out, ask_url(r->arena, k));
                html_lit(r->out, "\"");
                html_lang_attr(r, k->language);
                html_lit(r->out, ">");
                html_text(r->out, k->title);
                html_lit(r->out, "</a>");
                struct html_frag f[3];
                f[0] = html_frag_end(r, &scratch, saved);
                html_frag_begin(r, &scratch, &saved);
                member_link(r->out, k->author_handle, k->author_name);
                f[1] = html_frag_end(r, &scratch, saved);
                f[2] = html_frag_text(
                    r,
                    arena_printf(r->arena, _n("%d vote", "%d votes", (unsigned long)k->vote_count),
                                 k->vote_count));
                html_lit(b, "<p>");
                /* TRANSLATORS: %1$s is the ask's linked title, %2$s the proposer's linked name,
                 * %3$s a number of votes ("12 votes") */
                html_sentence(r, _("This episode answers “%1$s”, asked by %2$s (%3$s)."), 3, f);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</aside>\n");
}
