/* "I tried this": the box on the episode page (counts with a bar of outcomes, recent notes, the
 * member's own record and its forms), the page of every note, and the handlers behind them. */
#include "web/tried.h"
#include "actions/tried.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/episode.h"
#include "model/item.h"
#include "model/tried.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

struct tried_view {
        const struct episode *e;
        const char *ep_url;
        bool own_page; /* the page of every note (else the box on the episode) */
        struct tried_counts counts;
        struct tried *notes;
        int nnotes;
        int64_t before, next_before; /* this page of notes, and the next */
        bool have_mine;
        struct tried mine;
        bool moderator; /* the viewer may hide and restore others' notes */
        /* the forms' values: the stored ones, or what a refused form sent */
        const char *note, *outcome, *outcome_note;
        const struct field_problem *problem;
};

static const char *ep_url_of(struct arena *a, const struct episode *e)
{
        struct buf b = BUF_INIT;
        episode_path(&b, e);
        char *s = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return s;
}

/* Reads what the box shows: limit notes from before. Returns NULL after failing the request. */
static struct tried_view *view_load(struct request *req, const struct episode *e, int64_t before,
                                    int limit)
{
        struct tried_view *v = arena_zalloc(req->arena, sizeof(*v));
        v->e = e;
        v->ep_url = ep_url_of(req->arena, e);
        v->before = before;
        if (req_signed_in(req)) {
                struct item any = {.newsletter_id = e->newsletter_id};
                v->moderator = item_can_moderate(req->db, &any, req->viewer.id, req->viewer.role);
        }
        int rc = tried_counts_get(req->db, e->id, &v->counts);
        /* the kept count is of visible notes: none, and a reader sees no list to read */
        if (rc == PUB_OK && v->counts.count == 0 && !v->moderator)
                v->nnotes = 0;
        else
                v->nnotes = rc == PUB_OK
                                ? tried_list_episode(req->db, req->arena, e->id, before, limit,
                                                     v->moderator, &v->notes, &v->next_before)
                                : rc;
        if (v->nnotes >= 0 && req_signed_in(req)) {
                rc = tried_get_mine(req->db, req->arena, e->id, req->viewer.id, &v->mine);
                v->have_mine = rc == PUB_OK;
                if (rc == PUB_DB_ERROR)
                        v->nnotes = rc;
        }
        if (v->nnotes < 0) {
                req_fail(req, 503, N_("The database is not available."));
                return NULL;
        }
        v->note = v->have_mine ? v->mine.note : "";
        v->outcome = v->have_mine ? tried_outcome_name(v->mine.outcome) : "";
        v->outcome_note = v->have_mine ? v->mine.outcome_note : "";
        return v;
}

struct tried_view *tried_load(struct request *req, const struct episode *e, bool live)
{
        if (!live)
                return NULL;
        return view_load(req, e, 0, KD_TRIED_SHOWN);
}

/* ------------------------------------------------------------------ rendering */

static const char *outcome_label(struct render *r, enum tried_outcome o)
{
        switch (o) {
        case TRIED_WORKED:
                return _("It worked");
        case TRIED_MIXED:
                return _("Mixed");
        case TRIED_FAILED:
                return _("Didn't work");
        default:
                return "";
        }
}

/* "14 tried this · 9 worked · 3 mixed · 2 didn't work", and a bar of the outcomes. */
static void summary(struct render *r, const struct tried_counts *c)
{
        struct buf *b = r->out;
        html_lit(b, "<p class=\"tried-summary\"><strong>");
        html_textf(r, _n("%d person tried this", "%d people tried this", (unsigned long)c->count),
                   c->count);
        html_lit(b, "</strong>");
        if (c->worked) {
                html_lit(b, " · <span class=\"outcome worked\">");
                html_textf(r, _n("%d worked", "%d worked", (unsigned long)c->worked), c->worked);
                html_lit(b, "</span>");
        }
        if (c->mixed) {
                html_lit(b, " · <span class=\"outcome mixed\">");
                html_textf(r, _n("%d mixed", "%d mixed", (unsigned long)c->mixed), c->mixed);
                html_lit(b, "</span>");
        }
        if (c->failed) {
                html_lit(b, " · <span class=\"outcome failed\">");
                html_textf(r, _n("%d didn't work", "%d didn't work", (unsigned long)c->failed),
                           c->failed);
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        int told = c->worked + c->mixed + c->failed;
        if (told <= 0 || c->count <= 0)
                return;
        /* SVG attributes, not inline styles: the CSP allows no style attributes */
        html_lit(b, "<svg class=\"tried-bar\" viewBox=\"0 0 1000 12\" preserveAspectRatio=\"none\" "
                    "aria-hidden=\"true\" focusable=\"false\">");
        const struct {
                int n;
                const char *cls;
        } parts[] = {{c->worked, "worked"}, {c->mixed, "mixed"}, {c->failed, "failed"}};
        int64_t x = 0;
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
                int64_t w = (int64_t)parts[i].n * 1000 / c->count;
                if (w <= 0)
                        continue;
                html_lit(b, "<rect class=\"");
                html_attr(b, parts[i].cls);
                html_lit(b, "\" x=\"");
                html_int(b, x);
                html_lit(b, "\" y=\"0\" height=\"12\" width=\"");
                html_int(b, w);
                html_lit(b, "\"/>");
                x += w;
        }
        html_lit(b, "</svg>\n");
}

static void note_item(struct render *r, const struct tried_view *v, const struct tried *t)
{
        struct buf *b = r->out;
        html_lit(b, "<li class=\"tried-note");
        if (t->hidden)
                html_lit(b, " gone");
        html_lit(b, "\" id=\"t-");
        html_int(b, t->id);
        html_lit(b, "\"><p class=\"meta\"><a class=\"author\" href=\"/@");
        html_url_arg(b, t->member_handle);
        html_lit(b, "\">");
        html_text(b, t->member_name);
        html_lit(b, "</a> · ");
        html_time(r, t->created_at);
        if (t->outcome) {
                html_lit(b, " · <span class=\"outcome ");
                html_attr(b, tried_outcome_name(t->outcome));
                html_lit(b, "\">");
                html_text(b, outcome_label(r, t->outcome));
                html_lit(b, "</span>");
        }
        if (t->hidden) {
                html_lit(b, " · ");
                html_text(b, _("hidden by a moderator"));
        }
        html_lit(b, "</p>\n");
        /* notes are plain text, in their writer's words */
        if (*t->note) {
                html_lit(b, "<p class=\"note\"");
                html_lang_attr(r, t->language);
                html_lit(b, ">");
                html_text(b, t->note);
                html_lit(b, "</p>\n");
        }
        if (*t->outcome_note) {
                html_lit(b, "<p class=\"note outcome-note\"");
                html_lang_attr(r, t->language);
                html_lit(b, ">");
                html_text(b, t->outcome_note);
                html_lit(b, "</p>\n");
        }
        if (v->moderator && t->member_id != r->viewer->id) {
                html_lit(b, "<form method=\"post\" class=\"inline\" action=\"/tried/");
                html_int(b, t->id);
                html_lit(b, "/hide\">");
                form_csrf(r);
                if (t->hidden)
                        html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"0\">");
                else
                        html_lit(b, "<input type=\"hidden\" name=\"hidden\" value=\"1\">");
                html_lit(b, "<button type=\"submit\" class=\"link-button\">");
                html_text(b, t->hidden ? _("Restore") : _("Hide"));
                html_lit(b, "</button></form>\n");
        }
        html_lit(b, "</li>\n");
}

static const char *error_on(struct render *r, const struct tried_view *v, const char *field)
{
        const struct field_problem *p = v->problem;
        return p && p->field && strcmp(p->field, field) == 0 ? render_problem(r, p) : NULL;
}

/* The form for what was tried (records a try when there is none). */
static void note_form(struct render *r, const struct tried_view *v)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"comment-form tried-form\" action=\"");
        html_attr(b, v->ep_url);
        html_lit(b, "/tried\">");
        form_csrf(r);
        form_textarea(r, v->have_mine ? _("What you tried") : _("What did you try? (optional)"),
                      "note", v->note, 2, KD_TRIED_NOTE_MAX,
                      _("For example: \"Ran this with my team for two weeks.\""),
                      error_on(r, v, "note"));
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, v->have_mine ? _("Save note") : _("I tried this"));
        html_lit(b, "</button></p></form>\n");
}

/* The form for how it went. */
static void outcome_form(struct render *r, const struct tried_view *v)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"comment-form tried-outcome\" action=\"");
        html_attr(b, v->ep_url);
        html_lit(b, "/tried/outcome\">");
        form_csrf(r);
        html_lit(b, "<fieldset><legend>");
        html_text(b, _("How did it go?"));
        html_lit(b, "</legend>\n");
        const char *outcome_error = error_on(r, v, "outcome");
        if (outcome_error) {
                html_lit(b, "<p class=\"field-error\" role=\"alert\">");
                html_text(b, outcome_error);
                html_lit(b, "</p>\n");
        }
        static const char *const values[] = {"worked", "mixed", "failed", ""};
        for (int i = 0; i < 4; i++) {
                enum tried_outcome o = TRIED_NO_OUTCOME;
                tried_outcome_parse(values[i], &o);
                html_lit(b, "<label class=\"choice\"><input type=\"radio\" name=\"outcome\" "
                            "value=\"");
                html_attr(b, values[i]);
                html_lit(b, "\"");
                if (strcmp(v->outcome, values[i]) == 0)
                        html_lit(b, " checked");
                html_lit(b, "> ");
                html_text(b, i < 3 ? outcome_label(r, o) : _("Too early to say"));
                html_lit(b, "</label>\n");
        }
        html_lit(b, "</fieldset>\n");
        form_textarea(r, _("What happened? (optional)"), "outcome_note", v->outcome_note, 2,
                      KD_TRIED_NOTE_MAX, NULL, error_on(r, v, "outcome_note"));
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save how it went"));
        html_lit(b, "</button></p></form>\n");
}

/* The member's own part: a record form, or their record with its outcome and edit forms. */
static void own_forms(struct render *r, const struct tried_view *v)
{
        struct buf *b = r->out;
        if (!render_signed_in(r)) {
                struct buf next = BUF_INIT;
                buf_puts(&next, v->ep_url);
                buf_puts(&next, "#tried");
                html_lit(b, "<p class=\"join-prompt\"><a class=\"button\" href=\"/login?next=");
                html_url_arg(b, next.data);
                html_lit(b, "\">");
                html_text(b, _("Log in to say you tried this"));
                html_lit(b, "</a></p>\n");
                buf_free(&next);
                return;
        }
        if (v->have_mine && v->mine.hidden) {
                html_lit(b, "<p class=\"notice\">");
                html_text(b, _("A moderator hid your note. You still count among those who tried "
                               "this; you can withdraw it."));
                html_lit(b, "</p>\n");
        } else {
                if (v->have_mine) {
                        html_lit(b, "<p class=\"tried-mine\">");
                        struct html_frag when = html_time_frag(r, v->mine.created_at);
                        /* TRANSLATORS: %s is a relative time such as "3 days ago" */
                        html_sentence(r, _("You tried this %s."), 1, &when);
                        html_lit(b, "</p>\n");
                        outcome_form(r, v);
                        /* the note, folded away once written (open when it was refused) */
                        html_lit(b, "<details class=\"tried-edit\"");
                        if (error_on(r, v, "note"))
                                html_lit(b, " open");
                        html_lit(b, "><summary>");
                        html_text(b, _("Edit what you tried"));
                        html_lit(b, "</summary>\n");
                        note_form(r, v);
                        html_lit(b, "</details>\n");
                } else {
                        /* first the try; how it went comes later (or now, if that was sent) */
                        note_form(r, v);
                        if (error_on(r, v, "outcome") || error_on(r, v, "outcome_note"))
                                outcome_form(r, v);
                }
        }
        if (v->have_mine) {
                html_lit(b, "<form method=\"post\" class=\"inline\" action=\"");
                html_attr(b, v->ep_url);
                html_lit(b, "/tried/delete\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"link-button\" data-confirm=\"");
                html_attr(b, _("Withdraw your \"I tried this\"?"));
                html_lit(b, "\">");
                html_text(b, _("Withdraw"));
                html_lit(b, "</button></form>\n");
        }
}

void tried_section(struct render *r, const struct tried_view *v)
{
        if (!v)
                return;
        struct buf *b = r->out;
        html_lit(b, "<section id=\"tried\" class=\"tried\" aria-labelledby=\"tried-h\">\n<h2 "
                    "id=\"tried-h\">");
        html_text(b, _("I tried this"));
        html_lit(b, "</h2>\n");
        if (v->counts.count > 0)
                summary(r, &v->counts);
        else {
                html_lit(b, "<p class=\"tried-summary\">");
                html_text(b, _("Nobody has said they tried this yet. Did you put the idea to "
                               "work? Tell others how it went."));
                html_lit(b, "</p>\n");
        }
        own_forms(r, v);
        if (v->nnotes > 0) {
                if (!v->own_page) {
                        html_lit(b, "<h3>");
                        html_text(b, _("Recent notes"));
                        html_lit(b, "</h3>\n");
                }
                html_lit(b, "<ul class=\"tried-notes\">\n");
                for (int i = 0; i < v->nnotes; i++)
                        note_item(r, v, &v->notes[i]);
                html_lit(b, "</ul>\n");
        }
        if (v->next_before) {
                html_lit(b, "<p class=\"pages\"><a rel=\"next\" href=\"");
                html_attr(b, v->ep_url);
                html_lit(b, "/tried");
                if (v->own_page) {
                        html_lit(b, "?before=");
                        html_int(b, v->next_before);
                }
                html_lit(b, "\">");
                html_text(b, v->own_page ? _("Older notes") : _("All notes"));
                html_lit(b, " →</a></p>\n");
        }
        html_lit(b, "</section>\n");
}

/* ------------------------------------------------------------------ handlers */

/* The episode in the path, as the viewer may see it. */
static int path_episode(struct request *req, struct episode *e)
{
        int rc = episode_find(req->db, req->arena, req_path_param(req, "newsletter"),
                              req_path_param(req, "episode"), e);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        return 0;
}

/* The page of every note (and of a refused form, with its text kept and status 422). */
static int list_page(struct request *req, const struct episode *e, const struct field_problem *p,
                     int status)
{
        struct tried_view *v =
            view_load(req, e, req_param_int(req, "before", 0), KD_TRIED_PER_PAGE);
        if (!v)
                return req->resp.status;
        v->own_page = true;
        if (p) { /* what was sent stays in the forms */
                if (req_has_param(req, "note"))
                        v->note = req_param(req, "note");
                if (req_has_param(req, "outcome"))
                        v->outcome = req_param(req, "outcome");
                if (req_has_param(req, "outcome_note"))
                        v->outcome_note = req_param(req, "outcome_note");
                v->problem = p;
        }
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *title = arena_printf(r->arena, _("Who tried “%s”"), e->title);
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(b, v->ep_url);
        html_lit(b, "#tried\">← ");
        html_text(b, e->title);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n");
        if (p) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, render_problem(r, p));
                html_lit(b, "</p>\n");
        }
        tried_section(r, v);
        return page_end(r, status);
}

int web_tried_list(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        if (!episode_is_live(&e, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        return list_page(req, &e, NULL, 200);
}

/* Records a change to the viewer's own record from the form, answering as pages do. */
/* Records the note or the outcome the form sent (action_tried_record) and answers. */
static int save(struct request *req)
{
        struct episode ep, *e = &ep;
        if (path_episode(req, e))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_tried_record(req, e, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no episode at this address."));
        if (rc == PUB_INVALID)
                return list_page(req, e, &p, 422);
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("A moderator hid your note: it cannot be changed, "
                                   "only withdrawn."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "%s#tried", ep_url_of(req->arena, e)));
}

int web_tried_post(struct request *req)
{
        return save(req); /* the note's form sends only the note */
}

int web_tried_outcome(struct request *req)
{
        return save(req); /* the outcome's form sends only the outcome and its note */
}

int web_tried_delete(struct request *req)
{
        struct episode e;
        if (path_episode(req, &e))
                return req->resp.status;
        if (!tried_can_record(&e, req->viewer.id, time_now()))
                return req_fail(req, 404, N_("There is no episode at this address."));
        int rc = action_tried_withdraw(req, &e);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        /* withdrawing twice leaves things as the first did */
        return resp_redirect(req, arena_printf(req->arena, "%s#tried", ep_url_of(req->arena, &e)));
}

int web_tried_hide(struct request *req)
{
        struct item it;
        int64_t id = req_path_id(req, "id");
        int rc = item_load(req->db, req->arena, "tried", id, &it);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        const struct item_kind *k = item_kind_find("tried");
        if (rc != PUB_OK || !k->viewable(req->db, id, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such note."));
        if (!item_can_moderate(req->db, &it, req->viewer.id, req->viewer.role))
                return req_fail(req, 403,
                                N_("Only moderators and this episode's authors may hide "
                                   "notes."));
        rc = k->set_hidden(req->db, id, req->viewer.id, req_param_bool(req, "hidden"));
        if (rc != PUB_OK)
                return req_fail(req, rc == PUB_NOT_FOUND ? 404 : 503,
                                rc == PUB_NOT_FOUND ? N_("There is no such note.")
                                                    : N_("The database is not available."));
        return resp_redirect(req, it.url);
}
