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
#include "web/action_form.h"
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

/* One reaction's button: its emoji, its name and its count; pressed when it is the viewer's. It
 * belongs to the page's action form (web/action_form.h) and names its item and kind in its
 * value, "target:id:kind:1" to give the reaction or ":0" to take it back. Written as lean as
 * the guests' counts beside which it stands (a long read has hundreds): the value says the kind
 * (static/kindred.js reads it there), and the emoji is text, as in the guests' counts. */
static void reaction_button(struct render *r, const char *target, int64_t id,
                            const struct reaction_summary *sum, int k)
{
        struct buf *b = r->out;
        bool mine = sum && (sum->mine & (1u << k));
        int count = sum ? sum->counts[k] : 0;
        html_lit(b, "<button");
        action_form_attr(b);
        html_lit(b, " name=\"react\" value=\"");
        html_attr(b, target);
        html_lit(b, ":");
        html_int(b, id);
        html_lit(b, ":");
        html_attr(b, reaction_kind_name((enum reaction_kind)k));
        if (mine)
                html_lit(b, ":0\" aria-pressed=\"true\"");
        else
                html_lit(b, ":1\" aria-pressed=\"false\"");
        html_lit(b, ">");
        html_text(b, kinds[k].emoji);
        html_lit(b, " <span class=\"reaction-label\">");
        html_text(b, _(kinds[k].label));
        html_lit(b, "</span> <span class=\"count\">");
        html_int(b, count);
        html_lit(b, "</span></button>");
}

/* A link to the "who reacted" page of (target, id), which also has all six buttons for
 * members. */
static void who_link(struct buf *b, const char *target, int64_t id, const char *cls,
                     const char *label)
{
        html_lit(b, "<a class=\"");
        html_attr(b, cls);
        html_lit(b, "\" href=\"/reactions?target=");
        html_url_arg(b, target);
        html_lit(b, "&amp;id=");
        html_int(b, id);
        html_lit(b, "\">");
        html_text(b, label);
        html_lit(b, "</a>");
}

/* A guest's view: the counts, without buttons (those come with an account). */
static void reactions_counts(struct render *r, const char *target, int64_t id,
                             const struct reaction_summary *sum)
{
        struct buf *b = r->out;
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
                who_link(b, target, id, "who", _("Who reacted"));
                html_lit(b, "</p>\n");
        }
}

static void all_buttons(struct render *r, const char *target, int64_t id,
                        const struct reaction_summary *sum)
{
        for (int k = 0; k < REACT_KINDS; k++)
                reaction_button(r, target, id, sum, k);
}

void reactions_page_parts(struct render *r)
{
        action_form(r);
}

/* The kinds a compact group's "React" picker offers (static/kindred.js, togglePicker), once per
 * page, unless the page shows all six already (an episode's own group, which the script copies
 * instead): 700 bytes a short page need not carry twice. */
static void reaction_kinds(struct render *r)
{
        if (r->reaction_kinds_shown)
                return;
        r->reaction_kinds_shown = true;
        struct buf *b = r->out;
        html_lit(b, "<template id=\"kd-kinds\">");
        for (int k = 0; k < REACT_KINDS; k++) {
                html_lit(b, "<button name=\"react\" value=\"");
                html_attr(b, reaction_kind_name((enum reaction_kind)k));
                html_lit(b, "\" aria-pressed=\"false\">");
                html_text(b, kinds[k].emoji);
                html_lit(b, " <span class=\"reaction-label\">");
                html_text(b, _(kinds[k].label));
                html_lit(b, "</span> <span class=\"count\">0</span></button>");
        }
        html_lit(b, "</template>\n");
}

void reactions_kinds_shown(struct render *r)
{
        reactions_page_parts(r);
        reaction_kinds(r);
}

void reactions_form(struct render *r, const char *target, int64_t id,
                    const struct reaction_summary *sum)
{
        struct buf *b = r->out;
        if (!render_signed_in(r)) {
                reactions_counts(r, target, id, sum);
                return;
        }
        reactions_page_parts(r);
        if (strcmp(target, TARGET_EPISODE) != 0)
                reaction_kinds(r); /* before the group: a <template> may stand where a div may */
        html_lit(b, "<div class=\"reactions\" data-target=\"");
        html_attr(b, target);
        html_lit(b, "\" data-id=\"");
        html_int(b, id);
        html_lit(b, "\">");
        int total = 0;
        for (int k = 0; k < REACT_KINDS; k++)
                total += sum ? sum->counts[k] : 0;
        if (strcmp(target, TARGET_EPISODE) == 0) { /* the episode's own: all six, always */
                all_buttons(r, target, id, sum);
                r->reaction_kinds_shown = true;
        } else {
                /* Compact: the kinds in use; the others are a page away behind "React" (the
                 * "who reacted" page, which has all six), or with the script a picker opened
                 * in place (static/kindred.js). Six buttons under every comment were most of a
                 * member's long read. */
                bool unused = false;
                for (int k = 0; k < REACT_KINDS; k++) {
                        if (reaction_used(sum, k))
                                reaction_button(r, target, id, sum, k);
                        else
                                unused = true;
                }
                /* One link: "React" while a kind is unused (its page has all six, and who
                 * reacted; the script opens a picker in place, with "Who reacted" in it), else
                 * "Who reacted". The script swaps them as kinds come and go (arrangeReactions). */
                html_lit(b, " ");
                if (unused)
                        who_link(b, target, id, "react-more", _("React"));
                else
                        who_link(b, target, id, "who", _("Who reacted"));
                html_lit(b, "</div>\n");
                return;
        }
        if (total > 0) {
                html_lit(b, " ");
                who_link(b, target, id, "who", _("Who reacted"));
        }
        html_lit(b, "</div>\n");
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

/* The item's own address (its kind's url; the episode's page). */
static const char *item_address(struct request *req, const char *target, int64_t id)
{
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

/* Where a plain reaction returns to: next when given (the page the button was on: the page's
 * action form sends its own address), at the item's place in it (the fragment of the item's
 * address, "#c-12") unless next names one; else the item's own address. */
static const char *back_to(struct request *req, const char *target, int64_t id)
{
        const char *next = req_param(req, "next");
        if (!*next)
                return item_address(req, target, id);
        if (strchr(next, '#') || strcmp(target, TARGET_EPISODE) == 0)
                return next; /* resp_redirect keeps redirects on this site */
        const char *fragment = strchr(item_address(req, target, id), '#');
        return fragment ? arena_printf(req->arena, "%s%s", next, fragment) : next;
}

/* Reads a reaction's button value: "kind:1" / "kind:0" with the target and id in their own
 * fields (the forms before issue 16, and scripts), or "target:id:kind:1" from the page's one
 * action form. Returns 0 and fills the outputs, or -1 when it is not one. */
static int parse_react(struct request *req, const char **target, int64_t *id,
                       enum reaction_kind *kind, bool *on)
{
        const char *react = req_param(req, "react");
        const char *parts[4];
        size_t lens[4];
        int n = 0;
        for (const char *p = react;; n++) {
                if (n == 4)
                        return -1;
                const char *colon = strchr(p, ':');
                parts[n] = p;
                lens[n] = colon ? (size_t)(colon - p) : strlen(p);
                if (!colon) {
                        n++;
                        break;
                }
                p = colon + 1;
        }
        char name[24], tname[24];
        const char *kind_part, *on_part;
        size_t kind_len;
        if (n == 2) {
                *target = reaction_target_find(req_param(req, "target"));
                *id = req_param_int(req, "id", 0);
        } else if (n == 4) {
                if (lens[0] >= sizeof(tname) || lens[1] == 0 || lens[1] > 18)
                        return -1;
                memcpy(tname, parts[0], lens[0]);
                tname[lens[0]] = '\0';
                *target = reaction_target_find(tname);
                *id = 0;
                for (size_t i = 0; i < lens[1]; i++) {
                        if (parts[1][i] < '0' || parts[1][i] > '9')
                                return -1;
                        *id = *id * 10 + (parts[1][i] - '0');
                }
        } else {
                return -1;
        }
        kind_part = parts[n - 2];
        kind_len = lens[n - 2];
        on_part = parts[n - 1];
        if (!*target || kind_len >= sizeof(name) || lens[n - 1] != 1 ||
            (*on_part != '0' && *on_part != '1'))
                return -1;
        memcpy(name, kind_part, kind_len);
        name[kind_len] = '\0';
        if (reaction_kind_parse(name, kind) != 0)
                return -1;
        *on = *on_part == '1';
        return 0;
}

int web_react(struct request *req)
{
        enum reaction_kind kind;
        const char *target;
        int64_t id;
        bool on, changed = false;
        if (parse_react(req, &target, &id, &kind, &on) != 0)
                return req_fail(req, 400, N_("Choose a reaction."));
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
        struct reaction_summary sum;
        if (req_signed_in(req) &&
            reaction_summary(req->db, target, id, req->viewer.id, &sum) == PUB_OK) {
                /* every kind, for the "React" link of a compact form without the script; a
                 * reaction given here returns to the item */
                action_form_to(r, item_address(req, target, id));
                html_lit(b, "<div class=\"reactions\" data-target=\"");
                html_attr(b, target);
                html_lit(b, "\" data-id=\"");
                html_int(b, id);
                html_lit(b, "\">");
                all_buttons(r, target, id, &sum);
                html_lit(b, "</div>\n");
        }
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
