/* Avatars in the JSON API. */
#include "api/avatar.h"
#include "actions/avatars.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/json_write.h"
#include "http/request.h"
#include "model/avatar.h"
#include "model/member.h"

void avatar_json_write(struct json_write *w, int64_t member_id, const char *name, const char *url)
{
        char initials[16];
        avatar_initials(name ? name : "", initials, sizeof(initials));
        json_write_object(w);
        json_write_field_string(w, "url", url);
        json_write_field_string(w, "initials", initials);
        json_write_field_string(w, "colour", avatar_colour(member_id));
        json_write_object_end(w);
}

json_t *avatar_json(int64_t member_id, const char *name, const char *url)
{
        char initials[16];
        avatar_initials(name ? name : "", initials, sizeof(initials));
        return json_pack("{s:o,s:s,s:s}", "url", url ? json_string(url) : json_null(), "initials",
                         initials, "colour", avatar_colour(member_id));
}

int api_avatar_take_down(struct request *req)
{
        struct member m;
        switch (action_avatar_take_down(req, &m)) {
        case PUB_OK:
                return api_json(req, 200,
                                json_pack("{s:s,s:o}", "handle", m.handle, "avatar",
                                          avatar_json(m.id, m.display_name, NULL)));
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("There is no member with that handle."));
        case PUB_FORBIDDEN:
                return req_fail(req, 403, N_("Only an admin may take down an admin's picture."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}
