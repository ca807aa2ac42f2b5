/* JSON API for the site search (GET /api/v1/search): the same query, scope, ranking and rate
 * limit as /search (web/search.c); snippets as pieces, so a client marks matches its own way
 * and never has to parse HTML. */
#include "api/search.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/search.h"
#include "web/search.h"

#include <jansson.h>

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

static json_t *snippet_json(struct arena *a, const char *text, const struct search_query *q)
{
        struct search_piece *pieces;
        size_t n = search_snippet(a, text, q, &pieces);
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(list, json_pack("{s:s%,s:b}", "text", pieces[i].text,
                                                      pieces[i].len, "match", pieces[i].match));
        return list;
}

static json_t *hit_json(struct arena *a, const struct search_hit *h, const struct search_query *q)
{
        static const char *const kinds[] = {"", "episode", "comment", "member"};
        json_t *o =
            json_pack("{s:s,s:I,s:s,s:s,s:o,s:f}", "kind", kinds[h->kind], "id", (json_int_t)h->id,
                      "title", h->title, "url", h->url, "at", iso_time(h->at), "score", h->score);
        json_object_set_new(o, "newsletter",
                            h->kind == SEARCH_MEMBER ? json_null() : json_string(h->newsletter));
        json_object_set_new(o, "member",
                            json_pack("{s:s,s:s}", "handle", h->handle, "name", h->name));
        json_object_set_new(o, "snippet", snippet_json(a, h->text, q));
        return o;
}

int api_search(struct request *req)
{
        struct search_scope scope;
        search_scope_for(req, time_now(), &scope);
        if (scope.kind == SEARCH_MEMBER && !scope.members)
                return req_fail(req, 403,
                                N_("kind: members are listed to signed-in members only."));
        struct search_query query;
        int parsed = search_parse(req->arena, req_param(req, "q"), &query);
        switch (parsed) {
        case SEARCH_OK:
                break;
        case SEARCH_EMPTY:
                return req_fail(req, 422, N_("q: say what to search for."));
        case SEARCH_TOO_LONG:
                return req_fail(req, 422, N_("q: search for 120 characters at most."));
        case SEARCH_TOO_SHORT:
                return req_fail(req, 422, N_("q: search for a word of three characters or more."));
        default:
                return req_fail(req, 422, N_("q: holds characters that cannot be searched for."));
        }
        if (search_rate_limit(req))
                return req_fail(req, 429,
                                N_("You are searching faster than this site allows. Wait a "
                                   "moment and try again."));
        struct search_hit *hits;
        bool more, capped;
        int n = search_run(req->db, req->arena, &query, &scope, &hits, &more, &capped);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *results = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(results, hit_json(req->arena, &hits[i], &query));
        json_t *terms = json_array();
        for (size_t i = 0; i < query.n; i++)
                json_array_append_new(terms, json_string(query.terms[i]));
        json_t *page = json_pack(
            "{s:s,s:o,s:s,s:i,s:b,s:o}", "query", req_param(req, "q"), "terms", terms, "kind",
            *search_kind_param(scope.kind) ? search_kind_param(scope.kind) : "all", "page",
            scope.page < 1 ? 1 : scope.page, "more", more, "results", results);
        json_object_set_new(page, "capped", json_boolean(capped));
        return api_json(req, 200, page);
}
