/* Badges on pages: next to names, and the profile's section with the admin's forms. */
#include "web/badge.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "http/html.h"
#include "model/badge.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

/* Marks shown next to a name at most; the profile has them all. */
enum { BADGES_INLINE = 3 };

void badge_inline(struct render *r, int64_t member_id, const struct badge_set *set)
{
        enum badge_kind kinds[BADGE_KINDS];
        int n = badge_set_kinds(set, member_id, kinds);
        if (n == 0)
                return;
        struct buf *b = r->out;
        html_lit(b, " <span class=\"badges-inline\">");
        for (int i = 0; i < n && i < BADGES_INLINE; i++) {
                const struct badge_def *d = badge_def(kinds[i]);
                html_lit(b, "<span class=\"badge-mini badge-");
                html_attr(b, d->key);
                html_lit(b, "\" title=\"");
                html_attr(b, _(d->rule));
                html_lit(b, "\">");
                html_text(b, _(d->name));
                html_lit(b, "</span>");
        }
        if (n > BADGES_INLINE) {
                html_lit(b, "<span class=\"badge-mini more\">");
                html_textf(r, _("+%d"), n - BADGES_INLINE);
                html_lit(b, "</span>");
        }
        html_lit(b, "</span>");
}

/* The hidden fields that name one badge in a form. */
static void badge_fields(struct render *r, const struct badge *bd)
{
        struct buf *b = r->out;
        html_lit(b, "<input type=\"hidden\" name=\"badge\" value=\"");
        html_attr(b, badge_def(bd->kind)->key);
        html_lit(b, "\"><input type=\"hidden\" name=\"newsletter\" value=\"");
        html_attr(b, bd->newsletter_slug);
        html_lit(b, "\">");
}

static void form_open(struct render *r, const char *handle, const char *action)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"post\" class=\"inline badge-form\" action=\"/@");
        html_url_arg(b, handle);
        html_lit(b, "/badges\">");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"");
        html_attr(b, action);
        html_lit(b, "\">");
}

static void badge_item(struct render *r, const char *handle, const struct badge *bd, bool admin)
{
        struct buf *b = r->out;
        const struct badge_def *d = badge_def(bd->kind);
        html_lit(b, "<li class=\"badge-item badge-");
        html_attr(b, d->key);
        if (bd->revoked)
                html_lit(b, " revoked");
        html_lit(b, "\"><span class=\"badge-name\">");
        html_text(b, _(d->name));
        html_lit(b, "</span>");
        if (bd->newsletter_id && *bd->newsletter_slug) {
                html_lit(b, " <a class=\"meta\" href=\"/n/");
                html_url_arg(b, bd->newsletter_slug);
                html_lit(b, "\">");
                html_text(b, bd->newsletter_title);
                html_lit(b, "</a>");
        }
        html_lit(b, "\n<p class=\"badge-rule\">");
        html_text(b, _(d->rule));
        html_lit(b, "</p>\n<p class=\"meta\">");
        struct html_frag when = html_time_frag(r, bd->earned_at);
        if (bd->revoked) {
                html_text(b, _("Taken back by an admin."));
        } else if (bd->awarded_by) {
                struct buf scratch, *saved;
                html_frag_begin(r, &scratch, &saved);
                html_lit(r->out, "<a href=\"/@");
                html_url_arg(r->out, bd->awarded_by_handle);
                html_lit(r->out, "\">@");
                html_text(r->out, bd->awarded_by_handle);
                html_lit(r->out, "</a>");
                struct html_frag frags[2] = {html_frag_end(r, &scratch, saved), when};
                /* TRANSLATORS: %1$s is an admin's handle, %2$s a relative time ("3 days ago") */
                html_sentence(r, _("Awarded by %1$s %2$s"), 2, frags);
        } else {
                /* TRANSLATORS: %s is a relative time such as "3 days ago" */
                html_sentence(r, _("Earned %s"), 1, &when);
        }
        if (*bd->note) {
                html_lit(b, " <q class=\"badge-note\">");
                html_text(b, bd->note);
                html_lit(b, "</q>");
        }
        html_lit(b, "</p>\n");
        if (admin) {
                form_open(r, handle, bd->revoked ? "award" : "remove");
                badge_fields(r, bd);
                html_lit(b, "<button type=\"submit\" class=\"link-button\">");
                html_text(b, bd->revoked ? _("Give back") : _("Remove"));
                html_lit(b, "</button></form>\n");
        }
        html_lit(b, "</li>\n");
}

static const char *field_error(const struct badge_form_state *f, const char *field)
{
        return f && f->error && f->error_field && strcmp(f->error_field, field) == 0 ? f->error
                                                                                     : NULL;
}

static void award_form(struct render *r, const char *handle,
                       const struct badge_newsletter *newsletters, int nn,
                       const struct badge_form_state *f)
{
        struct buf *b = r->out;
        html_lit(b, "<details class=\"badge-award\"");
        if (f && f->error)
                html_lit(b, " open");
        html_lit(b, "><summary>");
        html_text(b, _("Award a badge"));
        html_lit(b, "</summary>\n<form method=\"post\" class=\"stacked\" action=\"/@");
        html_url_arg(b, handle);
        html_lit(b, "/badges\">");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"award\">\n");
        struct form_option kinds[BADGE_KINDS];
        for (int k = 0; k < BADGE_KINDS; k++)
                kinds[k] = (struct form_option){badge_def((enum badge_kind)k)->key,
                                                _(badge_def((enum badge_kind)k)->name)};
        form_select(r, _("Badge"), "badge", kinds, BADGE_KINDS, f ? f->badge : NULL,
                    field_error(f, "badge"));
        struct form_option *nls = arena_zalloc(r->arena, (size_t)(nn + 1) * sizeof(*nls));
        nls[0] = (struct form_option){"", _("The whole site")};
        for (int i = 0; i < nn; i++)
                nls[i + 1] = (struct form_option){newsletters[i].slug, newsletters[i].title};
        form_select(r, _("Newsletter (for founding reader, asked and answered, wordsmith)"),
                    "newsletter", nls, nn + 1, f ? f->newsletter : NULL,
                    field_error(f, "newsletter"));
        form_input(r, _("Note (optional)"), "note", "text", f ? f->note : NULL, "off",
                   KD_BADGE_NOTE_MAX, field_error(f, "note"));
        if (f && f->error && !field_error(f, "badge") && !field_error(f, "newsletter") &&
            !field_error(f, "note")) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, f->error);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Award"));
        html_lit(b, "</button></p>\n</form></details>\n");
}

void badge_section(struct render *r, const char *handle, const struct badge *bs, int n, bool admin,
                   const struct badge_newsletter *newsletters, int nn,
                   const struct badge_form_state *form)
{
        if (n <= 0 && !admin)
                return;
        struct buf *b = r->out;
        html_lit(b, "<section id=\"badges\" class=\"badges\" aria-labelledby=\"badges-h\">"
                    "<h2 id=\"badges-h\">");
        html_text(b, _("Badges"));
        html_lit(b, "</h2>\n");
        if (n > 0) {
                html_lit(b, "<ul class=\"badge-list\">\n");
                for (int i = 0; i < n; i++)
                        badge_item(r, handle, &bs[i], admin);
                html_lit(b, "</ul>\n");
        } else {
                html_lit(b, "<p class=\"meta\">");
                html_text(b, _("No badges yet."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p class=\"meta\"><a href=\"/badges\">");
        html_text(b, _("How badges are earned"));
        html_lit(b, "</a></p>\n");
        if (admin)
                award_form(r, handle, newsletters, nn, form);
        html_lit(b, "</section>\n");
}

void badge_within_reach(struct render *r, const struct badge *bs, int n)
{
        bool held[BADGE_KINDS] = {false};
        for (int i = 0; i < n; i++)
                if (!bs[i].revoked)
                        held[bs[i].kind] = true;
        int missing = 0;
        for (int k = 0; k < BADGE_KINDS; k++)
                missing += !held[k] && !badge_def((enum badge_kind)k)->by_hand_only;
        if (missing == 0)
                return;
        struct buf *b = r->out;
        html_lit(b, "<details class=\"badges-next\"><summary>");
        html_textf(r, _n("%d badge within reach", "%d badges within reach", (unsigned long)missing),
                   missing);
        html_lit(b, "</summary>\n<ul class=\"plain-list\">\n");
        for (int k = 0; k < BADGE_KINDS; k++) {
                const struct badge_def *d = badge_def((enum badge_kind)k);
                if (held[k] || d->by_hand_only)
                        continue;
                html_lit(b, "<li><strong>");
                html_text(b, _(d->name));
                html_lit(b, "</strong> ");
                html_text(b, _(d->rule));
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul></details>\n");
}
