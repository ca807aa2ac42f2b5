/* The lexicon's pages (web/lexicon.h): loaders first, then renderers, then handlers. */
#include "web/lexicon.h"
#include "actions/lexicon.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/lexicon.h"
#include "model/newsletter.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* What a lexicon or term page shows, loaded before anything is written. */
struct lexicon_view {
        struct newsletter n;
        bool can_decide;
        struct term *terms; /* approved, A-Z, one page */
        int nterms;
        const char *next_after; /* key to continue after, NULL at the end */
        struct term *pending;   /* for those who decide: every proposal; else the viewer's own */
        int npending;
};

/* The form's text when a page is shown again after a refused submission. */
struct term_form {
        const char *term, *definition, *origin, *note;
        const struct field_problem *problem;
};

/* ---------------------------------------------------------------- loaders */

static int load_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        return 0;
}

/* The term in the path, as the viewer may see it. */
static int load_term(struct request *req, const struct newsletter *n, struct term *t)
{
        int rc = term_find_slug(req->db, req->arena, n->id, req_path_param(req, "term"), t);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || !term_can_view(req->db, t, req->viewer.id, req->viewer.role))
                return req_fail(req, 404, N_("There is no such term in this lexicon."));
        return 0;
}

static int load_view(struct request *req, struct lexicon_view *v)
{
        memset(v, 0, sizeof(*v));
        if (load_newsletter(req, &v->n))
                return -1;
        v->can_decide = term_can_decide(req->db, v->n.id, req->viewer.id, req->viewer.role);
        const char *after = req_param(req, "after");
        v->nterms = term_list(req->db, req->arena, v->n.id, TERM_APPROVED, after,
                              KD_TERMS_PER_PAGE + 1, &v->terms);
        if (v->nterms > KD_TERMS_PER_PAGE) {
                v->nterms = KD_TERMS_PER_PAGE;
                v->next_after = term_key_of(req->arena, &v->terms[v->nterms - 1]);
        }
        if (v->nterms >= 0 && req_signed_in(req)) {
                struct term *all;
                int n = term_list(req->db, req->arena, v->n.id, TERM_PROPOSED, "",
                                  KD_TERMS_PENDING_SHOWN, &all);
                v->npending = n < 0 ? n : 0;
                v->pending = all;
                /* those who decide see every proposal; a member sees their own */
                for (int i = 0; i < n; i++)
                        if (v->can_decide || all[i].proposer_id == req->viewer.id)
                                v->pending[v->npending++] = all[i];
        }
        if (v->nterms < 0 || v->npending < 0) {
                req_fail(req, 503, N_("The database is not available."));
                return -1;
        }
        return 0;
}

/* ---------------------------------------------------------------- renderers */

static void term_path(struct buf *b, const char *newsletter_slug, const char *term_slug)
{
        html_lit(b, "/n/");
        html_url_arg(b, newsletter_slug);
        html_lit(b, "/lexicon");
        if (term_slug) {
                html_lit(b, "/");
                html_url_arg(b, term_slug);
        }
}

void web_lexicon_link(struct render *r, const char *newsletter_slug)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"lexicon-link\"><a href=\"");
        term_path(b, newsletter_slug, NULL);
        html_lit(b, "\">");
        html_text(b, _("Lexicon: the words this community made its own"));
        html_lit(b, " →</a></p>\n");
}

static const char *problem_for(struct render *r, const struct term_form *f, const char *field)
{
        return f && f->problem && f->problem->field && strcmp(f->problem->field, field) == 0
                   ? render_problem(r, f->problem)
                   : NULL;
}

static void proposer_line(struct render *r, const struct term *t)
{
        struct buf *b = r->out, scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        html_lit(r->out, "<a href=\"/@");
        html_url_arg(r->out, t->proposer_handle);
        html_lit(r->out, "\">");
        html_text(r->out, t->proposer_name);
        html_lit(r->out, "</a>");
        struct html_frag who[2] = {html_frag_end(r, &scratch, saved)};
        html_frag_begin(r, &scratch, &saved);
        html_time(r, t->created_at);
        who[1] = html_frag_end(r, &scratch, saved);
        html_lit(b, "<span class=\"meta\">");
        /* TRANSLATORS: %1$s is a member's linked name, %2$s a relative time ("3 days ago") */
        html_sentence(r, _("Proposed by %1$s %2$s"), 2, who);
        html_lit(b, "</span>");
}

static void origin_link(struct render *r, const struct term *t)
{
        if (!*t->origin_url)
                return;
        struct buf *b = r->out;
        html_lit(b, "<p class=\"term-origin\">");
        html_text(b, _("Where it started:"));
        html_lit(b, " <a href=\"");
        html_attr(b, t->origin_url);
        html_lit(b, "\">");
        html_text(b, strchr(t->origin_url, '#') ? _("the comment") : _("the episode"));
        html_lit(b, "</a></p>\n");
}

static void decision_form(struct render *r, const struct term *t, const struct term_form *f)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"term-decision\" action=\"");
        term_path(b, t->newsletter_slug, t->slug);
        html_lit(b, "/decision\">");
        form_csrf(r);
        const char *error = problem_for(r, f, "note");
        if (!error)
                error = problem_for(r, f, "term");
        form_input(r, _("Note to the proposer (optional)"), "note", "text", f ? f->note : NULL,
                   "off", KD_TERM_NOTE_MAX, error);
        html_lit(b, "<p><button type=\"submit\" name=\"decision\" value=\"approve\">");
        html_text(b, _("Approve"));
        html_lit(b, "</button> <button type=\"submit\" class=\"secondary\" name=\"decision\" "
                    "value=\"decline\">");
        html_text(b, _("Decline"));
        html_lit(b, "</button></p></form>\n");
}

/* The propose form (t NULL) or the proposer's edit form of t. */
static void term_fields(struct render *r, const char *action, const struct term *t,
                        const struct term_form *f)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"term-form\" action=\"");
        html_attr(b, action);
        html_lit(b, "\">\n");
        form_csrf(r);
        if (f && f->problem) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, render_problem(r, f->problem));
                html_lit(b, "</p>\n");
        }
        form_input(r, _("Term"), "term", "text",
                   f   ? f->term
                   : t ? t->term
                       : NULL,
                   "off", KD_TERM_MAX_CHARS, problem_for(r, f, "term"));
        form_textarea(r, _("What it means"), "definition",
                      f   ? f->definition
                      : t ? t->definition
                          : NULL,
                      4, KD_TERM_DEFINITION_MAX,
                      _("Markdown works. Say it the way the community uses it."),
                      problem_for(r, f, "definition"));
        form_input(r, _("Where it started (optional)"), "origin", "text",
                   f   ? f->origin
                   : t ? t->origin_url
                       : NULL,
                   "off", KD_TERM_ORIGIN_MAX_BYTES, problem_for(r, f, "origin"));
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("The address of the episode or the comment where the term was first used, "
                       "such as /n/newsletter/episode#c-12."));
        html_lit(b, "</p>\n<p><button type=\"submit\">");
        html_text(b, t ? _("Save proposal") : _("Propose term"));
        html_lit(b, "</button></p>\n</form>\n");
}

/* The first letter a term is filed under: A-Z for Latin, "#" for digits and signs, else the
 * first character itself (a Chinese term is filed under its first character). */
static const char *initial_of(struct arena *a, const char *key)
{
        unsigned char c = (unsigned char)key[0];
        if (c >= 'a' && c <= 'z')
                return arena_printf(a, "%c", c - 32);
        if (c < 0x80)
                return "#";
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        return arena_strndup(a, key, strnlen(key, len));
}

static void term_list_html(struct render *r, const struct lexicon_view *v)
{
        struct buf *b = r->out;
        if (v->nterms == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("No terms yet. When a word starts meaning something special here, "
                               "propose it."));
                html_lit(b, "</p>\n");
                return;
        }
        const char *letter = "";
        for (int i = 0; i < v->nterms; i++) {
                const struct term *t = &v->terms[i];
                const char *here = initial_of(r->arena, term_key_of(r->arena, t));
                if (strcmp(here, letter) != 0) {
                        if (*letter)
                                html_lit(b, "</dl>\n");
                        html_lit(b, "<h2 class=\"lexicon-letter\">");
                        html_text(b, here);
                        html_lit(b, "</h2>\n<dl class=\"lexicon\">\n");
                        letter = here;
                }
                html_lit(b, "<dt");
                html_lang_attr(r, t->language);
                html_lit(b, "><a href=\"");
                term_path(b, t->newsletter_slug, t->slug);
                html_lit(b, "\">");
                html_text(b, t->term);
                html_lit(b, "</a></dt>\n<dd");
                html_lang_attr(r, t->language);
                html_lit(b, ">");
                html_rendered(b, t->definition_html);
                html_lit(b, "</dd>\n");
        }
        html_lit(b, "</dl>\n");
        if (v->next_after) {
                html_lit(b, "<p class=\"pages\"><a rel=\"next\" href=\"");
                term_path(b, v->n.slug, NULL);
                html_lit(b, "?after=");
                html_url_arg(b, v->next_after);
                html_lit(b, "\">");
                html_text(b, _("More terms"));
                html_lit(b, " →</a></p>\n");
        }
}

static void pending_html(struct render *r, const struct lexicon_view *v)
{
        if (v->npending == 0)
                return;
        struct buf *b = r->out;
        html_lit(b, "<section class=\"lexicon-pending\" aria-labelledby=\"pending-h\">\n<h2 "
                    "id=\"pending-h\">");
        html_text(b, v->can_decide ? _("Waiting for a decision") : _("Your proposals"));
        html_lit(b, "</h2>\n<ul class=\"term-proposals\">\n");
        for (int i = 0; i < v->npending; i++) {
                const struct term *t = &v->pending[i];
                html_lit(b, "<li><p><a class=\"term-name\" href=\"");
                term_path(b, t->newsletter_slug, t->slug);
                html_lit(b, "\"");
                html_lang_attr(r, t->language);
                html_lit(b, ">");
                html_text(b, t->term);
                html_lit(b, "</a> ");
                proposer_line(r, t);
                html_lit(b, "</p>\n<div class=\"term-definition\"");
                html_lang_attr(r, t->language);
                html_lit(b, ">");
                html_rendered(b, t->definition_html);
                html_lit(b, "</div>\n");
                origin_link(r, t);
                if (v->can_decide)
                        decision_form(r, t, NULL);
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n</section>\n");
}

static int lexicon_page(struct request *req, const struct lexicon_view *v,
                        const struct term_form *f, int status)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *title = arena_printf(req->arena, _("Lexicon of %s"), v->n.title);
        struct page_meta meta = {
            .title = title,
            .description = _("The words this community made its own, with what they mean and "
                             "where they started."),
            .canonical = arena_printf(req->arena, "/n/%s/lexicon", v->n.slug),
            .noindex = status != 200,
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"/n/");
        html_url_arg(b, v->n.slug);
        html_lit(b, "\">← ");
        html_text(b, v->n.title);
        html_lit(b, "</a></p>\n<header class=\"lexicon-head\">\n<p class=\"label\">");
        html_text(b, _("Lexicon"));
        html_lit(b, "</p>\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<p class=\"lead\">");
        html_text(b, _("Words and phrases this community made its own. Each one is linked where "
                       "it appears in the conversation."));
        html_lit(b, "</p>\n</header>\n");
        term_list_html(r, v);
        pending_html(r, v);
        html_lit(b, "<section class=\"term-propose\" id=\"propose\" aria-labelledby=\"propose-h\">"
                    "\n<h2 id=\"propose-h\">");
        html_text(b, _("Propose a term"));
        html_lit(b, "</h2>\n");
        if (render_signed_in(r)) {
                html_lit(b, "<p class=\"hint\">");
                html_text(b, _("The newsletter's authors and the moderators read every proposal "
                               "and approve it or say why not."));
                html_lit(b, "</p>\n");
                term_fields(r, arena_printf(req->arena, "/n/%s/lexicon#propose", v->n.slug), NULL,
                            f);
        } else {
                html_lit(b, "<p><a class=\"button\" href=\"/login?next=/n/");
                html_url_arg(b, v->n.slug);
                html_lit(b, "/lexicon\">");
                html_text(b, _("Log in to propose a term"));
                html_lit(b, "</a></p>\n");
        }
        html_lit(b, "</section>\n");
        return page_end(r, status);
}

static void status_badge(struct render *r, const struct term *t)
{
        struct buf *b = r->out;
        const char *label = t->state == TERM_HIDDEN      ? _("Withdrawn by a moderator")
                            : t->status == TERM_PROPOSED ? _("Waiting for a decision")
                            : t->status == TERM_DECLINED ? _("Declined")
                                                         : NULL;
        if (!label)
                return;
        html_lit(b, "<p><span class=\"badge\">");
        html_text(b, label);
        html_lit(b, "</span></p>\n");
}

static int term_page(struct request *req, const struct newsletter *n, const struct term *t,
                     const struct term_form *edit, const struct term_form *decide, int status)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {
            .title = t->term,
            .description =
                arena_printf(req->arena, _("%s, in the lexicon of %s"), t->term, n->title),
            .canonical = arena_printf(req->arena, "/n/%s/lexicon/%s", n->slug, t->slug),
            .noindex = status != 200 || t->status != TERM_APPROVED,
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        term_path(b, n->slug, NULL);
        html_lit(b, "\">← ");
        html_text(b, arena_printf(req->arena, _("Lexicon of %s"), n->title));
        html_lit(b, "</a></p>\n<article class=\"term-page\">\n<p class=\"label\">");
        html_text(b, _("Lexicon"));
        html_lit(b, "</p>\n<h1");
        html_lang_attr(r, t->language);
        html_lit(b, ">");
        html_text(b, t->term);
        html_lit(b, "</h1>\n");
        bool deciding = t->status == TERM_PROPOSED && t->state == TERM_VISIBLE &&
                        term_can_decide(req->db, n->id, req->viewer.id, req->viewer.role);
        if (decide && decide->problem && !deciding) { /* decided meanwhile: no form to show it */
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, render_problem(r, decide->problem));
                html_lit(b, "</p>\n");
        }
        status_badge(r, t);
        html_lit(b, "<div class=\"term-definition\"");
        html_lang_attr(r, t->language);
        html_lit(b, ">");
        html_rendered(b, t->definition_html);
        html_lit(b, "</div>\n");
        origin_link(r, t);
        html_lit(b, "<p>");
        proposer_line(r, t);
        if (t->status == TERM_APPROVED && t->decided_at) {
                html_lit(b, " · <span class=\"meta\">");
                struct buf scratch, *saved;
                html_frag_begin(r, &scratch, &saved);
                html_time(r, t->decided_at);
                struct html_frag when = html_frag_end(r, &scratch, saved);
                /* TRANSLATORS: %s is a relative time ("3 days ago") */
                html_sentence(r, _("in the lexicon since %s"), 1, &when);
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        if (t->status == TERM_DECLINED && *t->status_note) {
                html_lit(b, "<p class=\"term-note\">");
                html_text(b, _("Why it was declined:"));
                html_lit(b, " ");
                html_text(b, t->status_note);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</article>\n");
        if (deciding) {
                html_lit(b, "<section class=\"term-decide\"><h2>");
                html_text(b, _("Decide"));
                html_lit(b, "</h2>\n");
                decision_form(r, t, decide);
                html_lit(b, "</section>\n");
        }
        if (term_can_edit(t, req->viewer.id)) {
                html_lit(b, "<section class=\"term-edit\" id=\"edit\"><h2>");
                html_text(b, _("Edit your proposal"));
                html_lit(b, "</h2>\n");
                struct buf action = BUF_INIT;
                term_path(&action, n->slug, t->slug);
                buf_puts(&action, "/edit#edit");
                term_fields(r, action.data, t, edit);
                buf_free(&action);
                html_lit(b, "<form method=\"post\" class=\"term-withdraw\" action=\"");
                term_path(b, n->slug, t->slug);
                html_lit(b, "/withdraw\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"secondary\">");
                html_text(b, _("Withdraw proposal"));
                html_lit(b, "</button></form>\n</section>\n");
        }
        return page_end(r, status);
}

/* ---------------------------------------------------------------- handlers */

int web_lexicon(struct request *req)
{
        struct lexicon_view v;
        if (load_view(req, &v))
                return req->resp.status;
        return lexicon_page(req, &v, NULL, 200);
}

static int term_problem_status(int rc)
{
        return rc == PUB_INVALID || rc == PUB_TAKEN ? 422
               : rc == PUB_NOT_FOUND                ? 404
               : rc == PUB_FORBIDDEN                ? 403
                                                    : 503;
}

int web_lexicon_propose(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = action_term_propose(req, n.id, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("Log in to propose a term."));
        if (rc == PUB_INVALID || rc == PUB_TAKEN) {
                struct lexicon_view v;
                if (load_view(req, &v))
                        return req->resp.status;
                struct term_form f = {req_param(req, "term"), req_param(req, "definition"),
                                      req_param(req, "origin"), NULL, &p};
                return lexicon_page(req, &v, &f, 422);
        }
        if (rc != PUB_OK)
                return req_fail(req, term_problem_status(rc), N_("The database is not available."));
        struct term t;
        if (term_get(req->db, req->arena, id, &t) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "/n/%s/lexicon/%s", n.slug, t.slug));
}

int web_term(struct request *req)
{
        struct newsletter n;
        struct term t;
        if (load_newsletter(req, &n) || load_term(req, &n, &t))
                return req->resp.status;
        return term_page(req, &n, &t, NULL, NULL, 200);
}

int web_term_edit(struct request *req)
{
        struct newsletter n;
        struct term t;
        if (load_newsletter(req, &n) || load_term(req, &n, &t))
                return req->resp.status;
        if (!term_can_edit(&t, req->viewer.id))
                return req_fail(req, 403,
                                N_("Only its proposer may change a proposal, and only "
                                   "while it waits for a decision."));
        struct rate_limit *const limits[] = {req->guards->term_by_member, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        struct render *r = render_for_request(req);
        struct term_input in = {
            .newsletter_id = n.id,
            .member_id = req->viewer.id,
            .role = req->viewer.role,
            .term = req_param(req, "term"),
            .definition = req_param(req, "definition"),
            .origin = req_param(req, "origin"),
            .site_url = r->base_url,
        };
        struct field_problem p = {0};
        int rc = term_edit(req->db, t.id, &in, &p);
        if (rc == PUB_INVALID || rc == PUB_TAKEN) {
                struct term_form f = {in.term, in.definition, in.origin, NULL, &p};
                return term_page(req, &n, &t, &f, NULL, 422);
        }
        if (rc != PUB_OK)
                return req_fail(req, term_problem_status(rc),
                                rc == PUB_FORBIDDEN ? N_("This proposal can no longer be changed.")
                                                    : N_("The database is not available."));
        if (term_get(req->db, req->arena, t.id, &t) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "/n/%s/lexicon/%s", n.slug, t.slug));
}

int web_term_withdraw(struct request *req)
{
        struct newsletter n;
        struct term t;
        if (load_newsletter(req, &n) || load_term(req, &n, &t))
                return req->resp.status;
        struct rate_limit *const limits[] = {req->guards->term_by_member, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        int rc = term_withdraw(req->db, t.id, req->viewer.id);
        if (rc != PUB_OK)
                return req_fail(req, term_problem_status(rc),
                                rc == PUB_FORBIDDEN ? N_("This proposal can no longer be changed.")
                                                    : N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "/n/%s/lexicon", n.slug));
}

int web_term_decision(struct request *req)
{
        struct newsletter n;
        struct term t;
        if (load_newsletter(req, &n) || load_term(req, &n, &t))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_term_decide(req, &t, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the newsletter's authors and the moderators "
                                   "decide on terms."));
        if (rc == PUB_INVALID && strcmp(p.field, "decision") == 0)
                return req_fail(req, 400, p.message);
        bool approve = strcmp(req_param(req, "decision"), "approve") == 0;
        if (rc == PUB_INVALID || rc == PUB_TAKEN) {
                struct term_form f = {NULL, NULL, NULL, req_param(req, "note"), &p};
                return term_page(req, &n, &t, NULL, &f, 422);
        }
        if (rc != PUB_OK)
                return req_fail(req, term_problem_status(rc), N_("The database is not available."));
        return resp_redirect(
            req, arena_printf(req->arena, "/n/%s/lexicon%s", n.slug, approve ? "" : "#pending-h"));
}
