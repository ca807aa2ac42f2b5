/* Reactions on the page: the buttons under episodes and reactable items, the form's handler and
 * the "who reacted" page (web/reactions.h). */
#include "web/reactions.h"
#include "actions/conversation.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/episode.h"
#include "model/item.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* Labels of the reaction kinds, in enum order: an emoji and a word. */
static const struct {
        const char *emoji;
        const char *label;
} kinds[REACT_KINDS] = {
    {"\xF0\x9F\x91\x8D", N_("Like")},      {"\xF0\x9F\x92\xA1", N_("Insightful")},
    {"\xE2\x9C\x85", N_("Agree")},         {"\xE2\x9D\xA4\xEF\xB8\x8F", N_("Love")},
    {"\xF0\x9F\x8E\x89", N_("Celebrate")}, {"\xF0\x9F\xA4\x94", N_("Curious")},
};

/* Whether kind k has reactions or is the viewer's own (then it stays in view). */
static bool reaction_used(const struct reaction_summary *sum, int k)
{
        return sum && (sum->counts[k] > 0 || (sum->mine & (1u << k)));
}

/* One reaction's button: its emoji, its name and its count; pressed when it is the viewer's. */
static void reaction_button(struct render *r, const struct reaction_summary *sum, int k)
{
        struct buf *b = r->out;
        bool mine = sum && (sum->mine & (1u << k));
        int count = sum ? sum->counts[k] : 0;
        html_lit(b, "<button type=\"submit\" name=\"react\" class=\"reaction\" value=\"");
        html_attr(b, reaction_kind_name((enum reaction_kind)k));
        if (mine)
                html_lit(b, ":0\" aria-pressed=\"true\"");
        else
                html_lit(b, ":1\" aria-pressed=\"false\"");
        html_lit(b, " data-kind=\"");
        html_attr(b, reaction_kind_name((enum reaction_kind)k));
        html_lit(b, "\"><span aria-hidden=\"true\">");
        html_text(b, kinds[k].emoji);
        html_lit(b, "</span> <span class=\"reaction-label\">");
        html_text(b, _(kinds[k].label));
        html_lit(b, "</span> <span class=\"count\">");
        html_int(b, count);
        html_lit(b, "</span></button>");
}

void reactions_form_back(struct render *r, const char *target, int64_t id,
                         const struct reaction_summary *sum, const char *back)
{
        struct buf *b = r->out;
        bool member = render_signed_in(r);
        if (!member) { /* guests see the counts; buttons come with an account */
                bool any = false;
                for (int k = 0; k < REACT_KINDS; k++) {
                        if (!sum || !sum->counts[k])
                                continue;
                        if (!any)
                                html_lit(b, "<p class=\"reactions-summary\">");
                        any = true;
                        html_lit(b, "<span class=\"reaction\" title=\"");
                        html_attr(b, _(kinds[k].label));
                        html_lit(b, "\">");
                        html_text(b, kinds[k].emoji);
                        html_lit(b, " <span class=\"reaction-label\">");
                        html_text(b, _(kinds[k].label));
                        html_lit(b, "</span> ");
                        html_int(b, sum->counts[k]);
                        html_lit(b, "</span> ");
                }
                if (any) {
                        html_lit(b, "<a class=\"who\" href=\"/reactions?target=");
                        html_url_arg(b, target);
                        html_lit(b, "&amp;id=");
                        html_int(b, id);
                        html_lit(b, "\">");
                        html_text(b, _("Who reacted"));
                        html_lit(b, "</a></p>\n");
                }
                return;
        }
        html_lit(b, "<form class=\"reactions\" method=\"post\" action=\"/react\" data-target=\"");
        html_attr(b, target);
        html_lit(b, "\" data-id=\"");
        html_int(b, id);
        html_lit(b, "\">");
        {
                form_csrf(r);
                html_lit(b, "<input type=\"hidden\" name=\"target\" value=\"");
                html_attr(b, target);
                html_lit(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
                html_int(b, id);
                html_lit(b, "\">");
                if (back) {
                        html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
                        html_attr(b, back);
                        html_lit(b, "\">");
                }
        }
        int total = 0;
        for (int k = 0; k < REACT_KINDS; k++)
                total += sum ? sum->counts[k] : 0;
        if (strcmp(target, TARGET_EPISODE) == 0) { /* the episode's own: all six, always */
                for (int k = 0; k < REACT_KINDS; k++)
                        reaction_button(r, sum, k);
        } else {
                /* Compact: the kinds in use, then the others behind "React" — a <details>, so
                 * no script is needed and keyboards and screen readers know how to open it. */
                bool unused = false;
                for (int k = 0; k < REACT_KINDS; k++) {
                        if (reaction_used(sum, k))
                                reaction_button(r, sum, k);
                        else
                                unused = true;
                }
                /* hidden while every kind is in use; the script shows it again when one is
                 * taken back (static/kindred.js, arrangeReactions) */
                html_lit(b, "<details class=\"react-more\"");
                if (!unused)
                        html_lit(b, " hidden");
                html_lit(b, "><summary>");
                html_text(b, _("React"));
                html_lit(b, "</summary><span class=\"react-picker\">");
                for (int k = 0; k < REACT_KINDS; k++)
                        if (!reaction_used(sum, k))
                                reaction_button(r, sum, k);
                html_lit(b, "</span></details>");
        }
        if (total > 0) {
                html_lit(b, " <a class=\"who\" href=\"/reactions?target=");
                html_url_arg(b, target);
                html_lit(b, "&amp;id=");
                html_int(b, id);
                html_lit(b, "\">");
                html_text(b, _("Who reacted"));
                html_lit(b, "</a>");
        }
        html_lit(b, "</form>\n");
}

void reactions_form(struct render *r, const char *target, int64_t id,
                    const struct reaction_summary *sum)
{
        reactions_form_back(r, target, id, sum, NULL);
}

/* ------------------------------------------------------------------ the form's handlers */

/* The 404 for a target that is not there (or not for this viewer). */
static int no_target(struct request *req, const char *target)
{
        return req_fail(req, 404,
                        strcmp(target, TARGET_EPISODE) == 0 ? N_("There is no such episode.")
                        : strcmp(target, TARGET_COMMENT) == 0
                            ? N_("There is no such comment.")
                            : N_("There is no such item to react to."));
}

/* Checks a reaction's target exists and the viewer may see it. */
static int reaction_target_ok(struct request *req, const char *target, int64_t id)
{
        int rc = reaction_target_visible(req->db, target, id, req->viewer.id, req->viewer.role,
                                         time_now());
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return no_target(req, target);
        return 0;
}

/* Where a reaction form returns to: its next when local, else the item's own address. */
static const char *back_to(struct request *req, const char *target, int64_t id)
{
        const char *next = req_param(req, "next");
        if (*next)
                return next; /* resp_redirect keeps redirects on this site */
        if (strcmp(target, TARGET_EPISODE) == 0) {
                struct episode e;
                if (episode_get(req->db, req->arena, id, &e) != PUB_OK)
                        return "/";
                struct buf b = BUF_INIT;
                episode_path(&b, &e);
                char *s = arena_strndup(req->arena, b.data, b.len);
                buf_free(&b);
                return s;
        }
        struct item it;
        return item_load(req->db, req->arena, target, id, &it) == PUB_OK ? it.url : "/";
}

int web_react(struct request *req)
{
        enum reaction_kind kind;
        const char *react = req_param(req, "react"); /* "kind:1" or "kind:0" */
        const char *colon = strchr(react, ':');
        char name[24];
        if (!colon || (size_t)(colon - react) >= sizeof(name) ||
            (strcmp(colon, ":1") != 0 && strcmp(colon, ":0") != 0))
                return req_fail(req, 400, N_("Choose a reaction."));
        memcpy(name, react, (size_t)(colon - react));
        name[colon - react] = '\0';
        const char *target = reaction_target_find(req_param(req, "target"));
        if (!target || reaction_kind_parse(name, &kind) != 0)
                return req_fail(req, 400, N_("Choose a reaction."));
        int64_t id = req_param_int(req, "id", 0);
        bool on = colon[1] == '1', changed = false;
        int rc = action_react(req, target, id, kind, on, &changed);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return no_target(req, target);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, back_to(req, target, id));
}

int web_reactions_who(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *target = reaction_target_find(req_param(req, "target"));
        if (!target)
                return req_fail(req, 404, N_("There is no such item to react to."));
        int64_t id = req_param_int(req, "id", 0);
        if (reaction_target_ok(req, target, id))
                return req->resp.status;
        struct reactor *who;
        int n = reaction_who(req->db, req->arena, target, id, &who);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Who reacted"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Who reacted"));
        html_lit(b, "</h1>\n");
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("Nobody yet."));
                html_lit(b, "</p>\n");
        }
        int shown = -1;
        for (int i = 0; i < n; i++) {
                if ((int)who[i].kind != shown) {
                        if (shown >= 0)
                                html_lit(b, "</ul>\n");
                        shown = (int)who[i].kind;
                        html_lit(b, "<h2>");
                        html_text(b, kinds[shown].emoji);
                        html_lit(b, " ");
                        html_text(b, _(kinds[shown].label));
                        html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                }
                html_lit(b, "<li><a href=\"/@");
                html_url_arg(b, who[i].handle);
                html_lit(b, "\">");
                html_text(b, who[i].name);
                html_lit(b, "</a></li>\n");
        }
        if (shown >= 0)
                html_lit(b, "</ul>\n");
        return page_end(r, 200);
}
