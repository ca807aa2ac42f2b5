/* "Questions for you": an episode's questions with their answers (threaded and rendered as
 * comments are, through web/comments.h), the answer form under each open question, the
 * authors' close and reopen buttons, a question's own page for the answers that follow the
 * first page, and the editor's fieldset. */
#include "web/prompts.h"
#include "actions/prompts.h"
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
#include "model/comment.h"
#include "model/episode.h"
#include "model/prompt.h"
#include "web/cards.h"
#include "web/comments.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* One question as a view shows it. */
struct prompt_block {
        struct prompt p;
        struct comment_thread *answers; /* a page of them; NULL when the viewer may not read them */
        int64_t after;                  /* the page starts after this root (a question's page) */
        const char *text;               /* the answer form's text (kept after a refusal) */
        const char *error;              /* why it was refused, or NULL */
};

struct prompts_view {
        const struct episode *e;
        const char *ep_url;
        bool live;         /* answer forms only once the episode is out */
        bool can_close;    /* the viewer may close and reopen questions */
        bool read_answers; /* the viewer may read answers (guests may be asked to log in) */
        struct prompt_block *qs;
        int n;
        int answers; /* of every question, replies not included */
};

static const char *ep_url_of(struct arena *a, const struct episode *e)
{
        struct buf b = BUF_INIT;
        episode_path(&b, e);
        char *s = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return s;
}

/* Fills the view's common part for e. */
static void view_init(struct request *req, struct prompts_view *v, const struct episode *e,
                      bool live)
{
        memset(v, 0, sizeof(*v));
        v->e = e;
        v->ep_url = ep_url_of(req->arena, e);
        v->live = live;
        v->can_close =
            req_signed_in(req) && prompt_can_close(req->db, e, req->viewer.id, req->viewer.role);
        v->read_answers = req_signed_in(req) || req->config->guests_read_comments;
}

/* Loads one page of the answers to q, after root `after`. -1 after failing the request. */
static int answers_load(struct request *req, struct prompts_view *v, struct prompt_block *q)
{
        if (!v->read_answers || !v->live)
                return 0;
        struct comment_scope scope = {.episode_id = v->e->id, .prompt_id = q->p.id};
        q->answers = comment_thread_load(req, v->e, &scope, q->after);
        return q->answers ? 0 : -1;
}

struct prompts_view *prompts_load(struct request *req, const struct episode *e, bool live)
{
        struct prompt *ps;
        int n = prompt_list_episode(req->db, req->arena, e->id, &ps);
        if (n < 0) {
                req_fail(req, 503, N_("The database is not available."));
                return NULL;
        }
        if (n == 0)
                return NULL;
        struct prompts_view *v = arena_alloc(req->arena, sizeof(*v));
        view_init(req, v, e, live);
        v->qs = arena_zalloc(req->arena, (size_t)n * sizeof(*v->qs));
        v->n = n;
        for (int i = 0; i < n; i++) {
                v->qs[i].p = ps[i];
                v->qs[i].text = "";
                v->answers += ps[i].answer_count;
                if (answers_load(req, v, &v->qs[i]) < 0)
                        return NULL;
        }
        return v;
}

/* ------------------------------------------------------------------ rendering */

static void question_path(struct buf *b, const struct prompts_view *v, const struct prompt *p)
{
        html_attr(b, v->ep_url);
        html_lit(b, "/prompts/");
        html_int(b, p->id);
}

static void answer_form(struct render *r, const struct prompts_view *v,
                        const struct prompt_block *q)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"comment-form answer-form\" action=\"");
        question_path(b, v, &q->p);
        html_lit(b, "/answers\">");
        form_csrf(r);
        char *name = arena_printf(r->arena, "answer-%lld", (long long)q->p.id);
        html_lit(b, "<label for=\"");
        html_attr(b, name);
        html_lit(b, "\">");
        html_text(b, _("Your answer"));
        html_lit(b, "</label>\n<textarea id=\"");
        html_attr(b, name);
        html_lit(b, "\" name=\"body\" rows=\"3\" required");
        html_maxlength(b, KD_COMMENT_MAX_CHARS);
        if (q->error) {
                html_lit(b, " aria-invalid=\"true\" aria-describedby=\"e-");
                html_attr(b, name);
                html_lit(b, "\"");
        }
        html_lit(b, ">");
        html_text(b, q->text);
        html_lit(b, "</textarea>\n");
        if (q->error) {
                html_lit(b, "<p class=\"field-error\" role=\"alert\" id=\"e-");
                html_attr(b, name);
                html_lit(b, "\">");
                html_text(b, q->error);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("Markdown works. Your answer appears under this question, where others "
                       "can reply to it."));
        html_lit(b, "</p>\n<p><button type=\"submit\">");
        html_text(b, _("Post answer"));
        html_lit(b, "</button></p></form>\n");
}

static void close_form(struct render *r, const struct prompts_view *v, const struct prompt *p)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"inline prompt-close\" action=\"");
        question_path(b, v, p);
        html_lit(b, "/closed\">");
        form_csrf(r);
        if (p->closed_at)
                html_lit(b, "<input type=\"hidden\" name=\"closed\" value=\"0\">");
        else
                html_lit(b, "<input type=\"hidden\" name=\"closed\" value=\"1\">");
        html_lit(b, "<button type=\"submit\" class=\"link-button\">");
        html_text(b, p->closed_at ? _("Reopen this question") : _("Close this question"));
        html_lit(b, "</button></form>\n");
}

/* One question: its text, how many answered, the form (or why there is none) and its answers.
 * heading: the element for the question ("h3" on the episode, "h1" on its own page). */
static void render_question(struct render *r, const struct prompts_view *v,
                            const struct prompt_block *q, bool own_page)
{
        struct buf *b = r->out;
        const struct prompt *p = &q->p;
        if (!own_page) {
                html_lit(b, "<li class=\"prompt");
                if (p->closed_at)
                        html_lit(b, " closed");
                html_lit(b, "\" id=\"q-");
                html_int(b, p->id);
                html_lit(b, "\">\n<h3 class=\"question\"");
        } else {
                html_lit(b, "<div class=\"prompt\" id=\"q-");
                html_int(b, p->id);
                html_lit(b, "\">\n<h1 class=\"question\"");
        }
        html_lang_attr(r, v->e->language);
        html_lit(b, ">");
        html_text(b, p->question);
        if (own_page)
                html_lit(b, "</h1>\n");
        else
                html_lit(b, "</h3>\n");
        html_lit(b, "<p class=\"meta\">");
        html_textf(r, _n("%d answer", "%d answers", (unsigned long)p->answer_count),
                   p->answer_count);
        if (p->closed_at) {
                html_lit(b, " · <span class=\"closed-label\">");
                html_text(b, _("closed"));
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        if (v->can_close && v->live)
                close_form(r, v, p);
        if (q->answers) {
                if (own_page && q->after > 0) {
                        html_lit(b, "<p class=\"pages\"><a href=\"");
                        question_path(b, v, p);
                        html_lit(b, "\">← ");
                        html_text(b, _("First answers"));
                        html_lit(b, "</a></p>\n");
                }
                html_lit(b, "<div class=\"thread answers\">\n");
                comment_thread_render(r, q->answers);
                html_lit(b, "</div>\n");
                int64_t next = comment_thread_next(q->answers);
                if (next) {
                        html_lit(b, "<p class=\"pages\"><a rel=\"next\" href=\"");
                        question_path(b, v, p);
                        html_lit(b, "?after=");
                        html_int(b, next);
                        html_lit(b, "\">");
                        html_text(b, _("More answers"));
                        html_lit(b, " →</a></p>\n");
                }
        }
        if (!v->live) {
                /* an author previewing: readers answer once the episode is out */
        } else if (p->closed_at) {
                html_lit(b, "<p class=\"notice closed-note\">");
                html_text(b, _("This question is closed to new answers."));
                html_lit(b, "</p>\n");
                if (q->error && *q->text) { /* it closed while they wrote: keep their words */
                        html_lit(b, "<div class=\"field\"><label for=\"kept-answer\">");
                        html_text(b, _("Your answer was not posted. Copy it if you want to keep "
                                       "it:"));
                        html_lit(b, "</label><textarea id=\"kept-answer\" rows=\"4\" readonly>");
                        html_text(b, q->text);
                        html_lit(b, "</textarea></div>\n");
                }
        } else if (render_signed_in(r)) {
                answer_form(r, v, q);
        } else {
                struct buf next = BUF_INIT;
                buf_puts(&next, v->ep_url);
                buf_puts(&next, arena_printf(r->arena, "#q-%lld", (long long)p->id));
                html_lit(b, "<p class=\"join-prompt\"><a class=\"button\" href=\"/login?next=");
                html_url_arg(b, next.data);
                html_lit(b, "\">");
                html_text(b, _("Log in to answer"));
                html_lit(b, "</a></p>\n");
                buf_free(&next);
        }
        if (own_page)
                html_lit(b, "</div>\n");
        else
                html_lit(b, "</li>\n");
}

void prompts_section(struct render *r, const struct prompts_view *v)
{
        if (!v)
                return;
        struct buf *b = r->out;
        html_lit(b, "<section id=\"prompts\" class=\"prompts\" aria-labelledby=\"prompts-h\">\n"
                    "<h2 id=\"prompts-h\">");
        html_text(b, _("Questions for you"));
        html_lit(b, "</h2>\n<p class=\"lede\">");
        if (v->live)
                html_textf(r,
                           _("%s would like to hear from you. Answer one question or all of "
                             "them: your answer goes under its question, where others can "
                             "reply."),
                           v->e->author_name);
        else
                html_text(b, _("Readers can answer these once the episode is out."));
        html_lit(b, "</p>\n<p class=\"meta\">");
        /* answers are part of the episode's conversation: its comment count includes them */
        html_textf(r,
                   _n("%d answer so far, counted among the episode's comments",
                      "%d answers so far, counted among the episode's comments",
                      (unsigned long)v->answers),
                   v->answers);
        html_lit(b, "</p>\n<ol class=\"prompt-list\">\n");
        for (int i = 0; i < v->n; i++)
                render_question(r, v, &v->qs[i], false);
        html_lit(b, "</ol>\n</section>\n");
}

/* ------------------------------------------------------------------ editor */

void prompts_editor_values(struct request *req, int64_t episode_id, const char **values)
{
        for (int i = 0; i < KD_PROMPTS_PER_EPISODE; i++)
                values[i] = "";
        struct prompt *ps;
        int n = episode_id ? prompt_list_episode(req->db, req->arena, episode_id, &ps) : 0;
        for (int i = 0; i < n; i++)
                if (ps[i].position >= 1 && ps[i].position <= KD_PROMPTS_PER_EPISODE)
                        values[ps[i].position - 1] = ps[i].question;
}

bool prompts_form_values(struct request *req, int64_t episode_id, const char **values)
{
        bool sent = false;
        for (int i = 0; i < KD_PROMPTS_PER_EPISODE; i++)
                sent = sent || req_has_param(req, prompt_field(i + 1));
        if (!sent) { /* a form without the fieldset leaves the questions alone */
                prompts_editor_values(req, episode_id, values);
                return false;
        }
        for (int i = 0; i < KD_PROMPTS_PER_EPISODE; i++)
                values[i] = req_param(req, prompt_field(i + 1));
        return true;
}

void prompts_editor_fieldset(struct render *r, const char *const *values,
                             const struct field_problem *p)
{
        struct buf *b = r->out;
        html_lit(b, "<fieldset class=\"prompt-fields\"><legend>");
        html_text(b, _("Questions for you (optional)"));
        html_lit(b, "</legend>\n<p class=\"hint\">");
        html_text(b, _("Up to five questions for readers, shown at the end of the episode with "
                       "their answers. A question keeps its answers when you reword it; a "
                       "question with answers cannot be removed, but you can close it on the "
                       "episode's page."));
        html_lit(b, "</p>\n");
        for (int i = 0; i < KD_PROMPTS_PER_EPISODE; i++) {
                const char *field = prompt_field(i + 1);
                const char *error =
                    p && p->field && strcmp(p->field, field) == 0 ? render_problem(r, p) : NULL;
                form_input(r, arena_printf(r->arena, _("Question %d"), i + 1), field, "text",
                           values ? values[i] : "", NULL, KD_PROMPT_MAX_CHARS, error);
        }
        html_lit(b, "</fieldset>\n");
}

/* ------------------------------------------------------------------ handlers */

/* The episode and the question named in the path, as the viewer may see them: 404 for a draft's
 * question, as for the draft. */
static int path_prompt(struct request *req, struct episode *e, struct prompt *p)
{
        int rc = episode_find(req->db, req->arena, req_path_param(req, "newsletter"),
                              req_path_param(req, "episode"), e);
        if (rc == PUB_OK)
                rc = prompt_get(req->db, req->arena, req_path_id(req, "prompt"), p);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || p->episode_id != e->id ||
            !episode_viewable(req->db, e, req->viewer.id, req->viewer.role, time_now()))
                return req_fail(req, 404, N_("There is no such question."));
        return 0;
}

/* A question's own page: its answers from ?after=, the form with text and error (a refused
 * answer comes back here with its text). */
static int question_page(struct request *req, const struct episode *e, const struct prompt *p,
                         const char *text, const struct field_problem *fp, int status)
{
        struct render *r = render_for_request(req);
        struct prompts_view *v = arena_alloc(req->arena, sizeof(*v));
        view_init(req, v, e, episode_is_live(e, time_now()));
        struct prompt_block q = {.p = *p,
                                 .after = req_param_int(req, "after", 0),
                                 .text = text,
                                 .error = render_problem(r, fp)};
        if (answers_load(req, v, &q) < 0)
                return req->resp.status;
        struct buf *b = r->out;
        struct page_meta meta = {.title = p->question, .noindex = !v->live || q.after > 0};
        page_begin_meta(r, &meta);
        html_lit(b, "<p class=\"breadcrumbs\"><a href=\"");
        html_attr(b, v->ep_url);
        html_lit(b, "#q-");
        html_int(b, p->id);
        html_lit(b, "\">← ");
        html_text(b, e->title);
        html_lit(b, "</a></p>\n<section class=\"prompts prompt-page\">\n");
        render_question(r, v, &q, true);
        html_lit(b, "</section>\n");
        return page_end(r, status);
}

int web_prompt_page(struct request *req)
{
        struct episode e;
        struct prompt p;
        if (path_prompt(req, &e, &p))
                return req->resp.status;
        return question_page(req, &e, &p, "", NULL, 200);
}

int web_prompt_answer(struct request *req)
{
        struct episode e;
        struct prompt p;
        if (path_prompt(req, &e, &p))
                return req->resp.status;
        struct field_problem fp = {0};
        int64_t id;
        int rc = action_prompt_answer(req, &e, &p, &id, &fp);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_INVALID) {
                /* the question may have closed meanwhile: show it as it is now */
                prompt_get(req->db, req->arena, p.id, &p);
                return question_page(req, &e, &p, req_param(req, "body"), &fp, 422);
        }
        if (rc != PUB_OK)
                return req_fail(req, rc == PUB_NOT_FOUND ? 404 : 503,
                                rc == PUB_NOT_FOUND ? N_("There is no episode at this address.")
                                                    : N_("The database is not available."));
        return resp_redirect(
            req, arena_printf(req->arena, "%s#c-%lld", ep_url_of(req->arena, &e), (long long)id));
}

int web_prompt_closed(struct request *req)
{
        struct episode e;
        struct prompt p;
        if (path_prompt(req, &e, &p))
                return req->resp.status;
        struct field_problem fp = {0};
        int rc = action_prompt_close(req, &e, &p, &fp);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only this episode's authors may close its questions."));
        if (rc == PUB_INVALID)
                return req_fail(req, 422, fp.message);
        if (rc != PUB_OK)
                return req_fail(req, rc == PUB_NOT_FOUND ? 404 : 503,
                                rc == PUB_NOT_FOUND ? N_("There is no such question.")
                                                    : N_("The database is not available."));
        return resp_redirect(
            req, arena_printf(req->arena, "%s#q-%lld", ep_url_of(req->arena, &e), (long long)p.id));
}
