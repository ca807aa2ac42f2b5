/* Routes of member identity: profiles' lists, badges by hand, the badges' page, the members
 * API. The profile itself (/@:handle) is in the core table. */
#include "api/members.h"
#include "routes/routes.h"
#include "web/profile.h"

static const struct param_spec list_params[] = {
    INT("before", 0, INT64_MAX),
    INT("before_id", 0, INT64_MAX),
    END,
};
static const struct param_spec activity_params[] = {
    TEXT("kind", 32),
    INT("before", 0, INT64_MAX),
    INT("before_id", 0, INT64_MAX),
    END,
};
/* The note is bounded at 8 bytes per allowed character, so the model explains a long one. */
static const struct param_spec badge_params[] = {
    TEXT("action", 16),
    TEXT("badge", 64),
    TEXT("newsletter", 4 * KD_SLUG_MAX_BYTES),
    TEXT("note", 8 * KD_BADGE_NOTE_MAX),
    END,
};

/* methods, pattern, handler, who, changes state, JSON, parameters (routes.h) */
const struct route identity_routes[] = {
    {HTTP_GET, "/badges", web_badges, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/@:handle/badges", web_profile_badges, ROLE_ADMIN, true, false, badge_params},
    {HTTP_GET, "/@:handle/$kind", web_profile_list, ROLE_NONE, false, false, list_params},
    {HTTP_GET, "/api/v1/members/:handle", api_member, ROLE_NONE, false, true, NULL},
    {HTTP_GET, "/api/v1/members/:handle/activity", api_member_activity, ROLE_NONE, false, true,
     activity_params},
    {HTTP_POST, "/api/v1/members/:handle/badges", api_member_badge_add, ROLE_ADMIN, true, true,
     badge_params},
    {HTTP_DELETE, "/api/v1/members/:handle/badges", api_member_badge_remove, ROLE_ADMIN, true, true,
     badge_params},
};
