/* Routes of avatars: choosing one's picture or going back to initials; a moderator taking one
 * down. */
#include "routes/routes.h"
#include "api/avatar.h"
#include "web/avatar.h"

static const struct param_spec avatar_page_params[] = {TEXT("saved", 4), END};
static const struct param_spec avatar_upload_params[] = {
    FILE_PART("avatar", KD_MAX_UPLOAD_BODY_BYTES), /* the page explains an over-large image */
    END,
};

const struct route avatar_routes[] = {
    {HTTP_GET, "/settings/avatar", web_avatar_settings, ROLE_READER, false, false,
     avatar_page_params},
    {HTTP_POST, "/settings/avatar", web_avatar_upload, ROLE_READER, true, false,
     avatar_upload_params, false, KD_MAX_UPLOAD_BODY_BYTES},
    {HTTP_POST, "/settings/avatar/remove", web_avatar_remove, ROLE_READER, true, false, NULL},
    /* moderation: a picture that breaks the rules (admins may too: role_allows) */
    {HTTP_POST, "/@:handle/avatar/remove", web_avatar_remove_as_moderator, ROLE_MODERATOR, true,
     false, NULL},
    {HTTP_DELETE, "/api/v1/members/:handle/avatar", api_avatar_take_down, ROLE_MODERATOR, true,
     true, NULL},
};
