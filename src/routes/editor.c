/* Routes of writing (docs/writing.md): unpublish and delete with confirmation, the autosave
 * and the live preview, images in the text, the time zone setting, and forms kept through a
 * log-in. */
#include "routes/routes.h"
#include "api/editor.h"
#include "web/editor_autosave.h"
#include "web/editor_lifecycle.h"
#include "web/kept_form.h"
#include "web/time_zone.h"

static const struct param_spec discard_params[] = {
    INT("newsletter", 1, INT64_MAX),
    INT("episode", 0, INT64_MAX),
    END,
};
static const struct param_spec preview_params[] = {TEXT("body", KD_MAX_MARKDOWN_BYTES), END};
static const struct param_spec image_params[] = {
    FILE_PART("image", KD_MAX_UPLOAD_BODY_BYTES),
    TEXT("alt", 8 * KD_ALT_MAX),
    END,
};
static const struct param_spec autosave_params[] = {
    INT("newsletter", 1, INT64_MAX),     INT("episode", 0, INT64_MAX),
    TEXT("title", 8 * KD_TITLE_MAX),     TEXT("subtitle", 8 * KD_SUBTITLE_MAX),
    TEXT("body", KD_MAX_MARKDOWN_BYTES), END,
};
static const struct param_spec time_zone_params[] = {TEXT("zone", KD_TIME_ZONE_MAX_BYTES), END};

const struct route editor_routes[EDITOR_ROUTES_COUNT] = {
    {HTTP_GET, "/write/episode/#id/unpublish", web_write_episode_unpublish_form, ROLE_AUTHOR, false,
     false, NULL},
    {HTTP_POST, "/write/episode/#id/unpublish", web_write_episode_unpublish, ROLE_AUTHOR, true,
     false, NULL},
    {HTTP_GET, "/write/episode/#id/delete", web_write_episode_delete_form, ROLE_AUTHOR, false,
     false, NULL},
    {HTTP_POST, "/write/episode/#id/delete", web_write_episode_delete, ROLE_AUTHOR, true, false,
     NULL},
    {HTTP_POST, "/write/autosave/discard", web_write_autosave_discard, ROLE_AUTHOR, true, false,
     discard_params},
    {HTTP_POST, "/api/v1/editor/preview", api_editor_preview, ROLE_AUTHOR, true, true,
     preview_params, false, KD_MAX_MARKDOWN_BYTES + 64 * 1024},
    {HTTP_POST, "/api/v1/editor/images", api_editor_image, ROLE_AUTHOR, true, true, image_params,
     false, KD_MAX_UPLOAD_BODY_BYTES},
    {HTTP_PUT, "/api/v1/editor/autosave", api_editor_autosave, ROLE_AUTHOR, true, true,
     autosave_params, false, KD_MAX_MARKDOWN_BYTES + 64 * 1024},
    {HTTP_POST, "/settings/time-zone", web_settings_time_zone, ROLE_READER, true, false,
     time_zone_params},
    {HTTP_GET, "/kept/:token", web_kept_form, ROLE_READER, false, false, NULL},
};
