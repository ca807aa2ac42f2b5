/* The search page (/search): the form, the kinds to narrow to, a page of ranked results with
 * their snippets (matches marked), and the pages onwards. Also the rate limit the page and the
 * API share. */
#include "web/search.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/comment.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- shared with the API */

static struct rate_limit *searches;
static pthread_once_t searches_once = PTHREAD_ONCE_INIT;

static void make_searches(void)
{
        searches = rate_limit_new("search_by_client", KD_SEARCHES_PER_CLIENT_PER_MINUTE, 60);
}

unsigned search_rate_limit(struct request *req)
{
        pthread_once(&searches_once, make_searches);
        char key[80];
        if (req_signed_in(req))
                snprintf(key, sizeof(key), "m:%lld", (long long)req->viewer.id);
        else
                snprintf(key, sizeof(key), "ip:%s", req->client_ip);
        unsigned wait = rate_limit_hit(searches, key, time_now());
        if (wait) {
                char secs[24];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
        }
        return wait;
}

void search_scope_for(struct request *req, int64_t now, struct search_scope *scope)
{
        memset(scope, 0, sizeof(*scope));
        scope->kind = search_kind_from_param(req_param(req, "kind"));
        scope->comments = comment_can_read(req->viewer.id, req->config->guests_read_comments);
        scope->members = req_signed_in(req); /* as /members: the directory is for members */
        scope->now = now;
        scope->page = (int)req_param_int(req, "page", 1);
}

const char *search_refusal(int parse_result)
{
        switch (parse_result) {
        case SEARCH_TOO_LONG:
                return N_("Search for 120 characters at most.");
        case SEARCH_TOO_SHORT:
                return N_("Search for a word of three characters or more: shorter words match "
                          "too much to be useful.");
        case SEARCH_INVALID:
                return N_("That search holds characters that cannot be searched for.");
        default:
                return NULL;
        }
}

/* ---------------------------------------------------------------- the header's box */

void header_search(struct render *r)
{
        struct buf *b = r->out;
        /* two search landmarks on /search: each named, so they can be told apart */
        html_lit(b, "<form method=\"get\" action=\"/search\" class=\"site-search\" "
                    "role=\"search\" aria-label=\"");
        html_attr(b, _("Search this site"));
        html_lit(b, "\"><label for=\"site-search-q\" class=\"visually-hidden\">");
        html_text(b, _("Search this site"));
        html_lit(b, "</label><input type=\"search\" id=\"site-search-q\" name=\"q\" "
                    "placeholder=\"");
        html_attr(b, _("Search…"));
        html_lit(b, "\"");
        html_maxlength(b, KD_SEARCH_QUERY_MAX);
        html_lit(b, " enterkeyhint=\"search\"><button type=\"submit\" class=\"secondary\">");
        html_text(b, _("Search"));
        html_lit(b, "</button></form>\n");
}

/* ---------------------------------------------------------------- the page */

/* Opens a link to "/search?q=...&kind=...&page=N" (kind and page left out when they are the
 * default) with its rel: writes `<a href="..." rel="..."`, the caller closes the tag. */
enum link_rel { REL_NONE, REL_PREV, REL_NEXT };
static void search_link_open(struct buf *b, const char *q, enum search_kind kind, int page,
                             enum link_rel rel)
{
        html_lit(b, "<a href=\"/search?q=");
        html_url_arg(b, q);
        if (kind != SEARCH_ANY) {
                html_lit(b, "&amp;kind=");
                html_url_arg(b, search_kind_param(kind));
        }
        if (page > 1) {
                html_lit(b, "&amp;page=");
                html_int(b, page);
        }
        html_lit(b, "\"");
        if (rel == REL_PREV)
                html_lit(b, " rel=\"prev\"");
        else if (rel == REL_NEXT)
                html_lit(b, " rel=\"next\"");
}

static void search_form(struct render *r, const char *q, enum search_kind kind)
{
        struct buf *b = r->out;
        html_lit(b, "<form method=\"get\" action=\"/search\" class=\"search-form\" "
                    "role=\"search\" aria-label=\"");
        html_attr(b, _("Search episodes, comments and members"));
        html_lit(b, "\"><label for=\"q\">");
        html_text(b, _("Search episodes, comments and members"));
        html_lit(b, "</label> <span class=\"search-row\"><input type=\"search\" id=\"q\" "
                    "name=\"q\" value=\"");
        html_attr(b, q);
        html_lit(b, "\"");
        html_maxlength(b, KD_SEARCH_QUERY_MAX);
        html_lit(b, " autocomplete=\"off\" enterkeyhint=\"search\">");
        if (kind != SEARCH_ANY) {
                html_lit(b, "<input type=\"hidden\" name=\"kind\" value=\"");
                html_attr(b, search_kind_param(kind));
                html_lit(b, "\">");
        }
        html_lit(b, " <button type=\"submit\">");
        html_text(b, _("Search"));
        html_lit(b, "</button></span></form>\n");
}

/* The kinds to narrow to, as links (a form without JavaScript needs none of its own). */
static void kind_tabs(struct render *r, const char *q, enum search_kind current, bool members)
{
        struct buf *b = r->out;
        static const enum search_kind order[] = {SEARCH_ANY, SEARCH_EPISODE, SEARCH_COMMENT,
                                                 SEARCH_MEMBER};
        const char *labels[] = {_("Everything"), _("Episodes"), _("Comments"), _("Members")};
        html_lit(b, "<nav class=\"search-kinds\" aria-label=\"");
        html_attr(b, _("Kinds of results"));
        html_lit(b, "\"><ul>");
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
                if (order[i] == SEARCH_MEMBER && !members)
                        continue;
                html_lit(b, "<li>");
                search_link_open(b, q, order[i], 1, REL_NONE);
                if (order[i] == current)
                        html_lit(b, " aria-current=\"page\"");
                html_lit(b, ">");
                html_text(b, labels[i]);
                html_lit(b, "</a></li>");
        }
        html_lit(b, "</ul></nav>\n");
}

void search_snippet_html(struct render *r, const struct search_piece *pieces, size_t n)
{
        struct buf *b = r->out;
        for (size_t i = 0; i < n; i++) {
                if (pieces[i].match)
                        html_lit(b, "<mark>");
                html_text_n(b, pieces[i].text, pieces[i].len);
                if (pieces[i].match)
                        html_lit(b, "</mark>");
        }
}

static void hit_item(struct render *r, const struct search_hit *h, const struct search_query *q)
{
        struct buf *b = r->out;
        static const char *const classes[] = {"", "episode", "comment", "member"};
        html_lit(b, "<li class=\"search-hit search-hit-");
        html_text(b, classes[h->kind]);
        html_lit(b, "\"><p class=\"search-kind\">");
        if (h->kind == SEARCH_EPISODE)
                html_textf(r, _("Episode in %s"), h->newsletter);
        else if (h->kind == SEARCH_COMMENT)
                html_textf(r, _("Comment in %s"), h->newsletter);
        else
                html_text(b, _("Member"));
        html_lit(b, "</p>\n<h2><a href=\"");
        html_attr(b, h->url);
        html_lit(b, "\">");
        if (h->kind == SEARCH_COMMENT)
                html_textf(r, _("%1$s on “%2$s”"), h->name, h->title);
        else
                html_text(b, h->title);
        html_lit(b, "</a></h2>\n");
        struct search_piece *pieces;
        size_t n = search_snippet(r->arena, h->text, q, &pieces);
        if (n > 0) {
                html_lit(b, "<p class=\"search-snippet\">");
                search_snippet_html(r, pieces, n);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<p class=\"meta\">");
        if (h->kind == SEARCH_EPISODE) {
                struct html_frag who = html_frag_text(r, h->name);
                struct html_frag when = html_date_frag(r, h->at);
                struct html_frag frags[] = {who, when};
                html_sentence(r, _("by %1$s · %2$s"), 2, frags);
        } else if (h->kind == SEARCH_COMMENT) {
                html_date(r, h->at);
        } else {
                html_lit(b, "@");
                html_text(b, h->handle);
                html_lit(b, " · ");
                struct html_frag since = html_date_frag(r, h->at);
                html_sentence(r, _("member since %s"), 1, &since);
        }
        html_lit(b, "</p></li>\n");
}

static void pager(struct render *r, const char *q, enum search_kind kind, int page, bool more)
{
        struct buf *b = r->out;
        if (page <= 1 && !more)
                return;
        html_lit(b, "<nav class=\"pager search-pager\" aria-label=\"");
        html_attr(b, _("Pages of results"));
        html_lit(b, "\">");
        if (page > 1) {
                search_link_open(b, q, kind, page - 1, REL_PREV);
                html_lit(b, ">← ");
                html_text(b, _("Previous results"));
                html_lit(b, "</a> ");
        }
        html_lit(b, "<span class=\"meta\">");
        html_textf(r, _("Page %d"), page);
        html_lit(b, "</span>");
        if (more) {
                html_lit(b, " ");
                search_link_open(b, q, kind, page + 1, REL_NEXT);
                html_lit(b, ">");
                html_text(b, _("More results"));
                html_lit(b, " →</a>");
        }
        html_lit(b, "</nav>\n");
}

int web_search(struct request *req)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *q = req_param(req, "q");
        struct search_scope scope;
        search_scope_for(req, r->now, &scope);
        if (scope.kind == SEARCH_MEMBER && !scope.members)
                scope.kind = SEARCH_ANY;
        struct search_query query;
        int parsed = search_parse(r->arena, q, &query);
        struct search_hit *hits = NULL;
        bool more = false, capped = false;
        int n = 0;
        if (parsed == SEARCH_OK) {
                if (search_rate_limit(req))
                        return req_fail(req, 429,
                                        N_("You are searching faster than this site allows. Wait "
                                           "a moment and try again."));
                n = search_run(req->db, r->arena, &query, &scope, &hits, &more, &capped);
                if (n < 0)
                        return req_fail(req, 503, N_("The database is not available."));
        }
        struct page_meta meta = {
            .title =
                parsed == SEARCH_OK ? arena_printf(r->arena, _("“%s” – Search"), q) : _("Search"),
            .description = _("Find episodes, comments and members by words from them."),
            .noindex = true,
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"search-page\">\n<h1>");
        html_text(b, _("Search"));
        html_lit(b, "</h1>\n");
        search_form(r, q, scope.kind);
        const char *refusal = search_refusal(parsed);
        if (refusal) {
                html_lit(b, "<p class=\"form-error\" role=\"alert\">");
                html_text(b, _(refusal));
                html_lit(b, "</p>\n</section>\n");
                return page_end(r, 422);
        }
        if (parsed == SEARCH_EMPTY) {
                html_lit(b, "<p class=\"hint\">");
                html_text(b, _("Type a few words from what you remember: a phrase of an "
                               "episode, something someone said, a member’s name. Words match "
                               "inside longer ones, in any case; put a phrase in double quotes "
                               "to find it as written."));
                html_lit(b, "</p>\n</section>\n");
                return page_end(r, 200);
        }
        kind_tabs(r, q, scope.kind, scope.members);
        html_lit(b, "<h2 class=\"search-summary\" id=\"results-h\">");
        html_textf(r, _("Results for “%s”"), q);
        html_lit(b, "</h2>\n");
        if (query.skipped > 0) {
                html_lit(b, "<p class=\"hint\">");
                html_text(b, _("Words shorter than three characters, and words past the fifth, "
                               "were left out of the search."));
                html_lit(b, "</p>\n");
        }
        if (capped) {
                html_lit(b, "<p class=\"hint\">");
                html_textf(r,
                           _("These words are found in more than %s places: the best of the "
                             "%s most recent are shown. Add a word to narrow the search."),
                           l10n_number(r->arena, r->locale, KD_SEARCH_CANDIDATES),
                           l10n_number(r->arena, r->locale, KD_SEARCH_CANDIDATES));
                html_lit(b, "</p>\n");
        }
        if (n == 0) {
                html_lit(b, "<p class=\"empty\">");
                if (scope.page > 1)
                        html_text(b, _("There are no more results."));
                else
                        html_text(b, _("Nothing matches every word. Try fewer words, or part of "
                                       "a word."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<ol class=\"search-results\" aria-labelledby=\"results-h\" start=\"");
                html_int(b, (int64_t)(scope.page - 1) * KD_SEARCH_PER_PAGE + 1);
                html_lit(b, "\">\n");
                for (int i = 0; i < n; i++)
                        hit_item(r, &hits[i], &query);
                html_lit(b, "</ol>\n");
        }
        pager(r, q, scope.kind, scope.page, more);
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}
