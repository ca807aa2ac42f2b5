/* /healthz for load balancers and /api/v1/me for scripts and the browser's own JS. */
#include "api/health.h"
#include "api/errors.h"
#include "db/db.h"
#include "http/request.h"

#include <jansson.h>

int api_healthz(struct request *req)
{
        int version = db_schema_version(req->db);
        if (version < 0)
                return req_fail(req, 503, "The database does not answer.");
        if (version != db_schema_latest())
                return req_fail(req, 503,
                                "The database schema is not up to date; run "
                                "kindred migrate.");
        return api_json(req, 200, json_pack("{s:s,s:i}", "status", "ok", "schema", version));
}

int api_me(struct request *req)
{
        if (!req_signed_in(req))
                return api_json(
                    req, 200, json_pack("{s:b,s:s}", "signed_in", 0, "csrf_token", req_csrf(req)));
        return api_json(req, 200,
                        json_pack("{s:b,s:I,s:s,s:s,s:s,s:s}", "signed_in", 1, "id",
                                  (json_int_t)req->viewer.id, "handle", req->viewer.handle,
                                  "display_name", req->viewer.display_name, "role",
                                  role_name(req->viewer.role), "csrf_token", req_csrf(req)));
}
