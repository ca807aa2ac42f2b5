/* "Your events" (/account/events): what Kindred records about the member, in plain words that
 * follow docs/privacy.md, their counts per kind and the downloads (/account/events.csv here,
 * /api/v1/me/events in api/account_events.c). Only the viewer's own rows are ever read. */
#include "web/account_events.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/event_mine.h"
#include "web/layout.h"
#include "web/render.h"

#include <stdio.h>

/* What each kind means to the member who did it (a msgid). */
static const char *kind_label(enum event_kind k)
{
        switch (k) {
        case EVENT_VIEW:
                return N_("Episodes opened");
        case EVENT_SEEN:
                return N_("Episodes your browser showed");
        case EVENT_READ:
                return N_("Episodes read to the end");
        case EVENT_REACTION:
                return N_("Reactions given");
        case EVENT_COMMENT:
                return N_("Comments");
        case EVENT_REPLY:
                return N_("Replies");
        case EVENT_QUOTE:
                return N_("Comments quoting a passage");
        case EVENT_FOLLOW:
                return N_("Newsletters followed");
        case EVENT_ANSWER:
                return N_("Answers to questions");
        case EVENT_BUILDON:
                return N_("Build-ons");
        case EVENT_TRIED:
                return N_("\"I tried this\"");
        case EVENT_ASK:
                return N_("Topics proposed");
        case EVENT_VOTE:
                return N_("Votes for topics");
        case EVENT_SPACE_POST:
                return N_("Posts in spaces");
        }
        return N_("Other");
}

static void paragraph(struct render *r, const char *text)
{
        html_lit(r->out, "<p>");
        html_text(r->out, text);
        html_lit(r->out, "</p>\n");
}

int web_account_events(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct event_mine_count *counts;
        int n = event_mine_counts(req->db, req->arena, req->viewer.id, &counts);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        buf_reset(b);
        page_begin(r, _("Your events"));
        html_lit(b, "<section class=\"account-events\">\n<h1>");
        html_text(b, _("Your events"));
        html_lit(b, "</h1>\n");
        paragraph(r, _("Kindred keeps a short record of what members do here, so that authors "
                       "can tell whether their newsletters are building a community. This page "
                       "shows what is recorded about you, and lets you download all of it."));
        html_lit(b, "<h2>");
        html_text(b, _("What is recorded"));
        html_lit(b, "</h2>\n<ul class=\"account-events-facts\">\n<li>");
        html_text(b, _("While you are signed in: opening an episode and reading it to the end, "
                       "reacting, commenting, replying, quoting a passage, answering a question, "
                       "building on an episode, saying you tried it, proposing or voting for a "
                       "topic, posting in a space, and following a newsletter."));
        html_lit(b, "</li>\n<li>");
        html_text(b, _("Each record holds the time, what kind of act it was, the newsletter and "
                       "episode, the item you wrote or reacted to, and the member you answered "
                       "or reacted to, if any. Not what you wrote, your address or your browser."));
        html_lit(b, "</li>\n<li>");
        html_text(b, _("Reading without signing in is counted under a code that changes every "
                       "day, so it is never linked to your account or to another day. No cookie "
                       "is set for it, and no other company sees any of it."));
        html_lit(b, "</li>\n<li>");
        char min_group[16];
        snprintf(min_group, sizeof(min_group), "%d", KD_INSIGHT_MIN_GROUP);
        struct html_frag group = html_frag_text(r, min_group);
        /* TRANSLATORS: %s is a number of people (at least 10) */
        html_sentence(r,
                      _("Authors see totals, never a list of what one member did. Figures "
                        "shown to readers always cover at least %s people."),
                      1, &group);
        html_lit(b, "</li>\n<li>");
        html_text(b, _("Your records stay as long as your account does. The full account of what "
                       "is kept and for how long is in the site's privacy notes (docs/privacy.md "
                       "in Kindred's documentation)."));
        html_lit(b, "</li>\n</ul>\n<h2>");
        html_text(b, _("What there is about you"));
        html_lit(b, "</h2>\n");
        int64_t total = 0;
        for (int i = 0; i < n; i++)
                total += counts[i].count;
        if (n == 0) {
                paragraph(r, _("Nothing is recorded about you yet."));
        } else {
                html_lit(b, "<table class=\"data account-events-counts\">\n<caption>");
                html_text(b, _("Your events by kind"));
                html_lit(b, "</caption>\n<thead><tr><th scope=\"col\">");
                html_text(b, _("What you did"));
                html_lit(b, "</th><th scope=\"col\" class=\"num\">");
                html_text(b, _("Times"));
                html_lit(b, "</th></tr></thead>\n<tbody>\n");
                for (int i = 0; i < n; i++) {
                        html_lit(b, "<tr><th scope=\"row\">");
                        html_text(b, _(kind_label(counts[i].kind)));
                        html_lit(b, "</th><td class=\"num\">");
                        html_text(b, l10n_number(r->arena, r->locale, counts[i].count));
                        html_lit(b, "</td></tr>\n");
                }
                html_lit(b, "</tbody>\n<tfoot><tr><th scope=\"row\">");
                html_text(b, _("All together"));
                html_lit(b, "</th><td class=\"num\">");
                html_text(b, l10n_number(r->arena, r->locale, total));
                html_lit(b, "</td></tr></tfoot>\n</table>\n");
        }
        html_lit(b, "<h2>");
        html_text(b, _("Download"));
        html_lit(b, "</h2>\n<p>");
        html_text(b, _("Every record, with its time in UTC. The other member is given by their "
                       "public handle."));
        html_lit(b, "</p>\n<ul class=\"account-events-downloads\">\n<li><a href=\"/account/"
                    "events.csv\" download>");
        html_text(b, _("Download as CSV (for a spreadsheet)"));
        html_lit(b, "</a></li>\n<li><a href=\"/api/v1/me/events\">");
        html_text(b, _("Download as JSON (for a program; a page at a time)"));
        html_lit(b, "</a></li>\n</ul>\n<p><a href=\"/settings\">");
        html_text(b, _("Back to your settings"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, 200);
}

int web_account_events_csv(struct request *req)
{
        struct buf *b = &req->resp.body;
        buf_reset(b);
        buf_puts(b, "id,at,kind,newsletter_id,episode_id,other,item_id\r\n");
        int64_t after = 0;
        do {
                /* a page at a time in its own arena, so a long history costs one page of rows */
                struct arena *page = arena_new();
                struct event_mine *rows;
                int64_t next = 0;
                int n = event_mine_page(req->db, page, req->viewer.id, after, KD_MY_EVENTS_PAGE_MAX,
                                        &rows, &next);
                if (n < 0) {
                        arena_free(page);
                        return req_fail(req, 503, N_("The database is not available."));
                }
                for (int i = 0; i < n; i++) {
                        char at[32];
                        time_iso8601(rows[i].at, at, sizeof(at));
                        const char *kind = event_kind_name(rows[i].kind);
                        /* handles are letters, digits and underscores: no field needs quoting */
                        buf_printf(b, "%lld,%s,%s,%lld,%lld,%s,%lld\r\n", (long long)rows[i].id, at,
                                   kind ? kind : "", (long long)rows[i].newsletter_id,
                                   (long long)rows[i].episode_id,
                                   rows[i].other_handle ? rows[i].other_handle : "",
                                   (long long)rows[i].item_id);
                }
                after = next;
                arena_free(page);
        } while (after);
        resp_header(req, "Content-Disposition", "attachment; filename=\"kindred-events.csv\"");
        resp_header(req, "Cache-Control", "private, no-store");
        return resp_typed(req, 200, "text/csv; charset=utf-8");
}
