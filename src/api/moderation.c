/* JSON API for reports and hiding over item kinds (api/moderation.h). */
#include "api/moderation.h"
#include "actions/conversation.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "http/request.h"
#include "web/render.h"

#include <jansson.h>

static const char *const state_names[] = {"visible", "deleted", "hidden"};

/* The item (target, id) when the viewer may see it; 0, or the status after failing. */
static int viewable_item(struct request *req, const char *target, int64_t id, struct item *it)
{
        int rc = action_item_load(req, target, id, it);
        if (rc == PUB_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available."));
        if (rc != PUB_OK)
                return req_fail(req, 404, N_("There is nothing at this address."));
        return 0;
}

int api_report_post(struct request *req)
{
        struct item it;
        if (item_kind_find(req_param(req, "target")) == NULL)
                return req_fail(req, 422, N_("target: there is no such kind of item."));
        if (viewable_item(req, req_param(req, "target"), req_param_int(req, "id", 0), &it))
                return req->resp.status;
        struct field_problem p = {0};
        bool created = false;
        int rc = action_report(req, &it, &created, &p);
        switch (rc) {
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_OK:
                return api_json(req, created ? 201 : 200,
                                json_pack("{s:s,s:I,s:b}", "target", it.target, "id",
                                          (json_int_t)it.id, "created", created));
        case PUB_INVALID: {
                struct render *r = render_for_request(req);
                return req_fail(req, 422,
                                arena_printf(req->arena, "%s: %s", p.field, render_problem(r, &p)));
        }
        case PUB_FORBIDDEN:
                return req_fail(req, 403, N_("You cannot report what you wrote yourself."));
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("There is nothing to report at this address."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}

int api_item_hidden(struct request *req)
{
        struct item it;
        if (viewable_item(req, req_path_param(req, "target"), req_path_id(req, "id"), &it))
                return req->resp.status;
        const char *why = NULL;
        int rc = action_item_hide(req, &it, req_param_bool(req, "hidden"), &why);
        switch (rc) {
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_OK:
                break;
        case PUB_FORBIDDEN:
                return req_fail(req, 403, why);
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("It was deleted."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
        if (item_load(req->db, req->arena, it.target, it.id, &it) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200,
                        json_pack("{s:s,s:I,s:s,s:s}", "target", it.target, "id", (json_int_t)it.id,
                                  "state", state_names[it.state], "url", it.url));
}
