/* JSON API for asks: lists, proposing, voting and the authors' decisions, through the same
 * model calls and permission rules as the pages. Hidden and deleted asks do not exist here. */
#include "api/asks.h"
#include "actions/asks.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "model/ask.h"
#include "model/newsletter.h"
#include "web/render.h"

#include <jansson.h>
#include <string.h>

static json_t *iso_time(int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return json_string(iso);
}

static json_t *ask_json(struct request *req, const struct ask *k)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(k->id));
        json_object_set_new(o, "newsletter", json_string(k->newsletter_slug));
        json_object_set_new(o, "url",
                            json_string(arena_printf(req->arena, "/n/%s/asks/%lld",
                                                     k->newsletter_slug, (long long)k->id)));
        json_object_set_new(o, "title", json_string(k->title));
        json_object_set_new(o, "body", json_string(k->body));
        json_object_set_new(o, "body_html", json_string(k->body_html));
        json_object_set_new(
            o, "author",
            json_pack("{s:s,s:s}", "handle", k->author_handle, "name", k->author_name));
        json_object_set_new(o, "status", json_string(ask_status_name(k->status)));
        json_object_set_new(o, "note", json_string(k->status_note));
        json_object_set_new(o, "votes", json_integer(k->vote_count));
        json_object_set_new(o, "voted", json_boolean(k->voted));
        json_object_set_new(o, "created_at", iso_time(k->created_at));
        json_object_set_new(o, "decided_at", k->decided_at ? iso_time(k->decided_at) : json_null());
        /* the covering episode, once the viewer may see it; until then only that one is coming */
        if (k->episode_title)
                json_object_set_new(o, "episode",
                                    json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)k->episode_id,
                                              "title", k->episode_title, "url",
                                              arena_printf(req->arena, "/n/%s/%s",
                                                           k->newsletter_slug, k->episode_slug),
                                              "live", k->episode_live));
        else
                json_object_set_new(o, "episode", json_null());
        json_object_set_new(
            o, "answer_pending",
            json_boolean(k->status == ASK_COVERED && k->episode_id && !k->episode_live));
        return o;
}

static int load_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

static bool sees_drafts(struct request *req, int64_t newsletter_id)
{
        return req->viewer.id > 0 &&
               newsletter_can_write(req->db, newsletter_id, req->viewer.id, req->viewer.role);
}

/* The visible ask in the path (hidden and deleted ones are 404 here). */
static int path_ask(struct request *req, struct ask *k)
{
        int64_t id = req_path_id(req, "id");
        int rc = ask_get(req->db, req->arena, id, req->viewer.id, false, k);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK || k->state != ITEM_VISIBLE)
                return req_fail(req, 404, N_("There is no such ask."));
        if (sees_drafts(req, k->newsletter_id)) /* again, with the draft's title for its authors */
                ask_get(req->db, req->arena, id, req->viewer.id, true, k);
        return 0;
}

/* 422 with "field: problem" (the field is the API's parameter name). */
static int invalid(struct request *req, const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        return req_fail(req, 422,
                        arena_printf(req->arena, "%s: %s", p->field, render_problem(r, p)));
}

int api_asks(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        enum ask_view view;
        if (ask_view_parse(req_param(req, "view"), &view) != 0)
                return req_fail(req, 422, N_("view: use top, new, planned, covered or declined."));
        struct ask_cursor from = {req_param_int(req, "votes", 0), req_param_int(req, "before", 0)},
                          next;
        struct ask *ks;
        int nk = ask_list(req->db, req->arena, n.id, view, &from, KD_ASKS_PER_PAGE, req->viewer.id,
                          sees_drafts(req, n.id), &ks, &next);
        int64_t open = ask_open_count(req->db, n.id);
        if (nk < 0 || open < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *list = json_array();
        for (int i = 0; i < nk; i++)
                json_array_append_new(list, ask_json(req, &ks[i]));
        json_t *page = json_pack("{s:s,s:s,s:I,s:o}", "newsletter", n.slug, "view",
                                 ask_view_name(view), "open", (json_int_t)open, "asks", list);
        /* absent on the last page; pass its fields back as query parameters */
        if (next.before)
                json_object_set_new(page, "next",
                                    view == ASK_VIEW_NEW
                                        ? json_pack("{s:I}", "before", (json_int_t)next.before)
                                        : json_pack("{s:I,s:I}", "votes", (json_int_t)next.votes,
                                                    "before", (json_int_t)next.before));
        return api_json(req, 200, page);
}

int api_ask_create(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = action_ask_create(req, n.id, &id, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403, N_("Log in to propose a topic."));
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        struct ask k;
        if (rc != PUB_OK || ask_get(req->db, req->arena, id, req->viewer.id, false, &k) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 201, ask_json(req, &k));
}

int api_ask(struct request *req)
{
        struct ask k;
        if (path_ask(req, &k))
                return req->resp.status;
        return api_json(req, 200, ask_json(req, &k));
}

int api_ask_vote(struct request *req)
{
        struct ask k;
        if (path_ask(req, &k))
                return req->resp.status;
        bool on = req->method != HTTP_DELETE, changed = false;
        int votes = 0;
        int rc = action_ask_vote(req, &k, on, &changed, &votes);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such ask."));
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 409, N_("Voting has closed on this ask."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *o = json_pack("{s:I,s:i,s:b,s:b}", "id", (json_int_t)k.id, "votes", votes, "voted",
                              on, "changed", changed);
        return api_json(req, 200, o);
}

int api_ask_status(struct request *req)
{
        struct ask k;
        if (path_ask(req, &k))
                return req->resp.status;
        struct field_problem p = {0};
        int rc = action_ask_decide(req, &k, &p);
        if (rc == ACTION_ANSWERED)
                return req->resp.status;
        if (rc == PUB_FORBIDDEN)
                return req_fail(req, 403,
                                N_("Only this newsletter's authors decide what becomes of an "
                                   "ask."));
        if (rc == PUB_INVALID)
                return invalid(req, &p);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such ask."));
        if (rc != PUB_OK || ask_get(req->db, req->arena, k.id, req->viewer.id, true, &k) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, ask_json(req, &k));
}
