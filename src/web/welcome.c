/* The welcome page (web/welcome.h): a new member's first steps — follow newsletters, say who
 * they are in a headline, join a conversation. */
#include "web/welcome.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/write_guard.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/welcome.h"
#include "web/cards.h"
#include "web/events.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

const char *welcome_path(struct arena *a, const char *next)
{
        if (!next || !http_local_path(next) || strcmp(next, "/") == 0)
                return "/welcome";
        struct buf b = BUF_INIT;
        buf_puts(&b, "/welcome?next=");
        html_url_arg(&b, next);
        char *s = arena_strndup(a, b.data, b.len);
        buf_free(&b);
        return s;
}

/* Everything the page shows, loaded before anything is written. */
struct welcome_page {
        struct member me;
        struct welcome_newsletter *newsletters;
        int n_newsletters;
        struct episode *latest; /* the newest live episode, or NULL when none */
        const char *next;       /* a local path other than "/", or NULL */
};

static int welcome_load(struct request *req, struct welcome_page *p)
{
        memset(p, 0, sizeof(*p));
        if (member_get(req->db, req->arena, req->viewer.id, &p->me) != MEMBER_OK)
                return req_fail(req, 503, N_("Could not load your account."));
        p->n_newsletters = welcome_newsletters(req->db, req->arena, req->viewer.id,
                                               KD_WELCOME_NEWSLETTERS, &p->newsletters);
        struct episode *eps;
        int n = episode_list_latest(req->db, req->arena, time_now(), 0, 1, &eps);
        if (p->n_newsletters < 0 || n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        p->latest = n > 0 ? &eps[0] : NULL;
        const char *next = req_param(req, "next");
        p->next = *next && http_local_path(next) && strcmp(next, "/") != 0 ? next : NULL;
        return 0;
}

/* The form's field for the i-th newsletter offered ("follow_0" ...). */
static const char *follow_field(struct arena *a, int i)
{
        return arena_printf(a, "follow_%d", i);
}

/* Its hidden twin, saying which newsletter the field was shown for ("shown_0" ...): a box left
 * unchecked then means "do not follow", and a list that changed since changes nothing. */
static const char *shown_field(struct arena *a, int i)
{
        return arena_printf(a, "shown_%d", i);
}

/* Step 1: the newsletters, each a checkbox with its description. checked[i] overrides the
 * stored follow when the page answers a refused form (NULL: as stored). */
static void newsletters_step(struct render *r, const struct welcome_page *p, const bool *checked)
{
        struct buf *b = r->out;
        html_lit(
            b, "<fieldset class=\"welcome-step\">\n<legend><span class=\"step-number\">1</span> ");
        html_text(b, _("Follow the newsletters you want to read"));
        html_lit(b, "</legend>\n<p class=\"hint\">");
        html_text(b, _("New episodes of the newsletters you follow show up in your "
                       "notifications. You can change this any time on each newsletter's page."));
        html_lit(b, "</p>\n");
        if (p->n_newsletters == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("There are no newsletters yet."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<ul class=\"welcome-newsletters\">\n");
        for (int i = 0; i < p->n_newsletters; i++) {
                const struct welcome_newsletter *w = &p->newsletters[i];
                bool on = checked ? checked[i] : w->following;
                html_lit(b, "<li><input type=\"hidden\" name=\"");
                html_attr(b, shown_field(r->arena, i));
                html_lit(b, "\" value=\"");
                html_int(b, w->id);
                html_lit(b, "\"><input type=\"checkbox\" id=\"wf-");
                html_int(b, w->id);
                html_lit(b, "\" name=\"");
                html_attr(b, follow_field(r->arena, i));
                html_lit(b, "\" value=\"");
                html_int(b, w->id);
                html_lit(b, "\"");
                if (on)
                        html_lit(b, " checked");
                if (*w->description_html) {
                        html_lit(b, " aria-describedby=\"wfd-");
                        html_int(b, w->id);
                        html_lit(b, "\"");
                }
                html_lit(b, "> <label for=\"wf-");
                html_int(b, w->id);
                html_lit(b, "\"><strong>");
                html_text(b, w->title);
                html_lit(b, "</strong>");
                if (*w->owner_name) {
                        html_lit(b, " <span class=\"meta\">");
                        html_textf(r, _("by %s"), w->owner_name);
                        html_lit(b, "</span>");
                }
                html_lit(b, "</label>");
                if (*w->description_html) {
                        html_lit(b, "<div class=\"description\" id=\"wfd-");
                        html_int(b, w->id);
                        html_lit(b, "\">");
                        html_rendered(b, w->description_html);
                        html_lit(b, "</div>");
                }
                html_lit(b, " <a class=\"meta\" href=\"/n/");
                html_url_arg(b, w->slug);
                html_lit(b, "\">");
                html_textf(r, _("Read “%s”"), w->title);
                html_lit(b, "</a></li>\n");
        }
        html_lit(b, "</ul>\n</fieldset>\n");
}

/* Step 2: the headline, the line shown beside the member's name in every conversation. */
static void headline_step(struct render *r, const char *headline, const char *error)
{
        struct buf *b = r->out;
        html_lit(
            b, "<fieldset class=\"welcome-step\">\n<legend><span class=\"step-number\">2</span> ");
        html_text(b, _("Say in one line who you are"));
        html_lit(b, "</legend>\n<p class=\"hint\">");
        html_text(b, _("Your headline stands beside your name on your comments and your profile, "
                       "so people know whom they are talking to: “Product designer in Lisbon”, "
                       "“Teaches maths, learns Mandarin”."));
        html_lit(b, "</p>\n");
        form_input(r, _("Headline"), "headline", "text", headline, "off", KD_HEADLINE_MAX, error);
        html_lit(b, "</fieldset>\n");
}

/* Step 3: into the conversation: the newest episode's comments, the spaces. */
static void conversation_step(struct render *r, const struct welcome_page *p)
{
        struct buf *b = r->out;
        html_lit(b, "<section class=\"welcome-step\" aria-labelledby=\"welcome-talk\">\n<h2 "
                    "id=\"welcome-talk\"><span class=\"step-number\">3</span> ");
        html_text(b, _("Join a conversation"));
        html_lit(b, "</h2>\n");
        if (p->latest) {
                html_lit(b, "<p>");
                html_text(b, p->latest->comment_count > 0
                                 ? _("Readers are talking about the newest episode. Read it and "
                                     "say what you think, or reply to someone — a good first "
                                     "comment is a question or an example of your own.")
                                 : _("Nobody has commented on the newest episode yet. Read it "
                                     "and be the first — a good first comment is a question or "
                                     "an example of your own."));
                html_lit(b, "</p>\n");
                card_episode(r, p->latest, CARD_NEWSLETTER | CARD_EXCERPT | CARD_AUTHOR);
                struct buf path = BUF_INIT;
                episode_path(&path, p->latest);
                html_lit(b, "<p><a class=\"button\" href=\"");
                html_attr(b, path.data);
                html_lit(b, "#comments\">");
                html_text(b, _("Go to the conversation"));
                html_lit(b, "</a></p>\n");
                buf_free(&path);
        }
        html_lit(b, "<p>");
        html_text(b, _("Or meet other members in the spaces, where members start the topics."));
        html_lit(b, " <a href=\"/spaces\">");
        html_text(b, _("See the spaces"));
        html_lit(b, "</a></p>\n</section>\n");
}

/* The page; notice (may be NULL) says what a save did. */
static int welcome_render(struct request *req, const struct welcome_page *p, int status,
                          const char *notice, bool notice_is_error, const char *headline,
                          const char *headline_error, const bool *checked)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        buf_reset(b);
        struct page_meta meta = {.title = _("Welcome"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"welcome\">\n<h1>");
        html_textf(r, _("Welcome, %s!"), p->me.display_name);
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_textf(r, _("You are a member of %s now. Three small steps make it yours."),
                   req->config->site_name);
        html_lit(b, "</p>\n");
        if (notice)
                page_notice(r, notice_is_error, notice);
        html_lit(b, "<form method=\"post\" action=\"/welcome\" class=\"welcome-form\">\n");
        form_csrf(r);
        if (p->next) {
                html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
                html_attr(b, p->next);
                html_lit(b, "\">\n");
        }
        newsletters_step(r, p, checked);
        headline_step(r, headline ? headline : p->me.headline, headline_error);
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save my choices"));
        html_lit(b, "</button></p>\n</form>\n");
        conversation_step(r, p);
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("Choose which notifications you get, and how often they come by mail, in "
                       "your settings."));
        html_lit(b, " <a href=\"/settings/notifications\">");
        html_text(b, _("Notification settings"));
        html_lit(b, "</a></p>\n");
        if (p->next) {
                html_lit(b, "<p><a href=\"");
                html_attr(b, p->next);
                html_lit(b, "\">");
                html_text(b, _("Continue to the page you came from"));
                html_lit(b, " →</a></p>\n");
        }
        html_lit(b, "</section>\n");
        return page_end(r, status);
}

int web_welcome(struct request *req)
{
        struct welcome_page p;
        if (welcome_load(req, &p))
                return req->resp.status;
        struct render *r = render_for_request(req);
        const char *saved = req_param(req, "saved");
        return welcome_render(req, &p, 200, *saved ? _("Saved. Welcome aboard.") : NULL, false,
                              NULL, NULL, NULL);
}

int web_welcome_save(struct request *req)
{
        static struct rate_limit *const address_only[] = {NULL};
        if (write_guard(req, address_only))
                return req->resp.status;
        struct welcome_page p;
        if (welcome_load(req, &p))
                return req->resp.status;
        /* What the form asked, by the newsletters offered now: an id the page did not show, or
         * one sent in another newsletter's field, changes nothing. */
        bool checked[KD_WELCOME_NEWSLETTERS] = {0}, shown[KD_WELCOME_NEWSLETTERS] = {0};
        for (int i = 0; i < p.n_newsletters; i++) {
                int64_t id = p.newsletters[i].id;
                checked[i] = req_param_int(req, follow_field(req->arena, i), 0) == id;
                shown[i] = req_param_int(req, shown_field(req->arena, i), 0) == id;
        }
        const char *headline = req_param(req, "headline");
        struct member_problem problem = {0};
        int rc = welcome_set_headline(req->db, req->arena, req->viewer.id, headline, &problem);
        struct render *r = render_for_request(req);
        if (rc == MEMBER_INVALID)
                return welcome_render(req, &p, 422, _("Please check the highlighted field."), true,
                                      headline, _(problem.message), checked);
        if (rc != MEMBER_OK)
                return req_fail(req, 503, N_("Could not save the profile. Try again shortly."));
        for (int i = 0; i < p.n_newsletters; i++) {
                const struct welcome_newsletter *w = &p.newsletters[i];
                if (!shown[i] || checked[i] == w->following)
                        continue;
                bool changed = false;
                if (newsletter_follow(req->db, req->viewer.id, w->id, checked[i], &changed) !=
                    PUB_OK)
                        return req_fail(req, 503, N_("The database is not available."));
                if (checked[i] && changed) /* a new follow, as on the newsletter's page */
                        events_record(req, EVENT_FOLLOW, w->id, 0, 0, 0);
        }
        struct buf to = BUF_INIT;
        buf_puts(&to, "/welcome?saved=1");
        if (p.next) {
                buf_puts(&to, "&next=");
                html_url_arg(&to, p.next);
        }
        buf_puts(&to, "#welcome-talk");
        const char *target = arena_strndup(req->arena, to.data, to.len);
        buf_free(&to);
        return resp_redirect(req, target);
}
