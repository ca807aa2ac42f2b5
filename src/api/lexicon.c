/* JSON API for the lexicon (api/lexicon.h). */
#include "api/lexicon.h"
#include "actions/lexicon.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/lexicon.h"
#include "model/newsletter.h"
#include "web/render.h"

#include <jansson.h>
#include <string.h>

static json_t *iso_time(int64_t t)
{
        if (!t)
                return json_null();
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

static json_t *term_json(struct request *req, const struct term *t)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(t->id));
        json_object_set_new(o, "term", json_string(t->term));
        json_object_set_new(o, "slug", json_string(t->slug));
        json_object_set_new(
            o, "url",
            json_string(arena_printf(req->arena, "/n/%s/lexicon/%s", t->newsletter_slug, t->slug)));
        json_object_set_new(o, "definition", json_string(t->definition));
        json_object_set_new(o, "definition_html", json_string(t->definition_html));
        json_object_set_new(o, "origin", *t->origin_url ? json_string(t->origin_url) : json_null());
        json_object_set_new(o, "status", json_string(term_status_name(t->status)));
        json_object_set_new(o, "note", json_string(t->status_note));
        json_object_set_new(
            o, "proposer",
            json_pack("{s:s,s:s}", "handle", t->proposer_handle, "name", t->proposer_name));
        json_object_set_new(o, "proposed_at", iso_time(t->created_at));
        json_object_set_new(o, "decided_at", iso_time(t->decided_at));
        return o;
}

static int path_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        return 0;
}

/* 422 "field: problem", as the conversation's API answers. */
static int problem(struct request *req, const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        return req_fail(req, 422,
                        arena_printf(req->arena, "%s: %s", p->field, render_problem(r, p)));
}

int api_terms(struct request *req)
{
        struct newsletter n;
        if (path_newsletter(req, &n))
                return req->resp.status;
        enum term_status status = TERM_APPROVED;
        const char *wanted = req_param(req, "status");
        if (*wanted && (term_status_parse(wanted, &status) != 0 || status == TERM_DECLINED))
                return req_fail(req, 422, N_("status: use \"approved\" or \"proposed\"."));
        if (status == TERM_PROPOSED &&
            !term_can_decide(req->db, n.id, req->viewer.id, req->viewer.role))
                return req_fail(req, 403,
                                N_("Only the newsletter's authors and the moderators "
                                   "decide on terms."));
        struct term *ts;
        int count = term_list(req->db, req->arena, n.id, status, req_param(req, "after"),
                              KD_TERMS_PER_PAGE + 1, &ts);
        if (count < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *list = json_array();
        for (int i = 0; i < count && i < KD_TERMS_PER_PAGE; i++)
                json_array_append_new(list, term_json(req, &ts[i]));
        json_t *page = json_pack("{s:s,s:s,s:o}", "newsletter", n.slug, "status",
                                 term_status_name(status), "terms", list);
        /* the next page starts after the last term's key */
        if (count > KD_TERMS_PER_PAGE)
                json_object_set_new(
                    page, "next_after",
                    json_string(term_key_of(req->arena, &ts[KD_TERMS_PER_PAGE - 1])));
        return api_json(req, 200, page);
}

int api_term_propose(struct request *req)
{
        struct newsletter n;
        if (path_newsletter(req, &n))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = action_term_propose(req, n.id, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("Log in to propose a term."));
        if (rc == PUB_INVALID)
                return problem(req, &p);
        if (rc == PUB_TAKEN) {
                struct render *rr = render_for_request(req);
                return req_fail(
                    req, 409, arena_printf(req->arena, "%s: %s", p.field, render_problem(rr, &p)));
        }
        struct term t;
        if (rc != PUB_OK || term_get(req->db, req->arena, id, &t) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 201, term_json(req, &t));
}

int api_term_decision(struct request *req)
{
        struct term t;
        int rc = term_get(req->db, req->arena, req_path_id(req, "id"), &t);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || !term_can_view(req->db, &t, req->viewer.id, req->viewer.role))
                return req_fail(req, 404, N_("There is no such term in this lexicon."));
        struct field_problem p = {0};
        rc = action_term_decide(req, &t, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only the newsletter's authors and the moderators "
                                   "decide on terms."));
        if (rc == PUB_INVALID && strcmp(p.field, "decision") == 0)
                return req_fail(req, 422, N_("decision: use \"approve\" or \"decline\"."));
        if (rc == PUB_INVALID)
                return problem(req, &p);
        if (rc == PUB_TAKEN) {
                struct render *r = render_for_request(req);
                return req_fail(req, 409,
                                arena_printf(req->arena, "%s: %s", p.field, render_problem(r, &p)));
        }
        if (rc != PUB_OK || term_get(req->db, req->arena, t.id, &t) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, term_json(req, &t));
}
