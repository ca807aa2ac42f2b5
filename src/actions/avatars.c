/* Taking down a member's picture (actions/avatars.h). */
#include "actions/avatars.h"
#include "core/log.h"
#include "core/role.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/avatar.h"
#include "model/member.h"

int action_avatar_take_down(struct request *req, struct member *m)
{
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (write_guard(req, limits))
                return ACTION_ANSWERED;
        int rc = member_find_handle(req->db, req->arena, req_path_param(req, "handle"), m);
        if (rc == MEMBER_NOT_FOUND)
                return PUB_NOT_FOUND;
        if (rc != MEMBER_OK)
                return PUB_DB_ERROR;
        if (m->role == ROLE_ADMIN && req->viewer.role != ROLE_ADMIN)
                return PUB_FORBIDDEN;
        if (avatar_clear(req->db, m->id) != AVATAR_OK)
                return PUB_DB_ERROR;
        log_info("moderation: @%s took down the picture of @%s", req->viewer.handle, m->handle);
        return PUB_OK;
}
