/* Routes of asks (docs/participation.md, "Asks"): pages and the JSON API. */
#include "routes/routes.h"

#include "api/asks.h"
#include "web/asks.h"

static const struct param_spec list_params[] = {
    TEXT("view", 16),
    INT("votes", 0, INT64_MAX),
    INT("before", 0, INT64_MAX),
    END,
};
/* Text fields are bounded at 8 bytes per allowed character, as routes.c explains. */
static const struct param_spec ask_params[] = {
    TEXT("title", 8 * KD_ASK_TITLE_MAX),
    TEXT("body", 8 * KD_ASK_BODY_MAX),
    END,
};
static const struct param_spec vote_params[] = {BOOL("vote"), TEXT("next", KD_MAX_URI_BYTES), END};
static const struct param_spec status_params[] = {
    TEXT("status", 16),
    TEXT("note", 8 * KD_ASK_NOTE_MAX),
    INT("episode_id", 0, INT64_MAX),
    END,
};
static const struct param_spec hide_params[] = {BOOL("hidden"), END};

const struct route asks_routes[] = {
    {HTTP_GET, "/n/$newsletter/asks", web_asks, ROLE_NONE, false, false, list_params},
    {HTTP_POST, "/n/$newsletter/asks", web_ask_create, ROLE_READER, true, false, ask_params},
    {HTTP_GET, "/n/$newsletter/asks/new", web_ask_new_form, ROLE_READER, false, false, NULL},
    {HTTP_GET, "/n/$newsletter/asks/#id", web_ask, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/n/$newsletter/asks/#id/vote", web_ask_vote, ROLE_READER, true, false,
     vote_params},
    {HTTP_GET, "/n/$newsletter/asks/#id/edit", web_ask_edit_form, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/n/$newsletter/asks/#id/edit", web_ask_edit, ROLE_READER, true, false, ask_params},
    {HTTP_POST, "/n/$newsletter/asks/#id/delete", web_ask_delete, ROLE_READER, true, false, NULL},
    {HTTP_POST, "/n/$newsletter/asks/#id/status", web_ask_decide, ROLE_READER, true, false,
     status_params},
    {HTTP_POST, "/n/$newsletter/asks/#id/hide", web_ask_hide, ROLE_READER, true, false,
     hide_params},
    {HTTP_GET, "/api/v1/newsletters/$newsletter/asks", api_asks, ROLE_NONE, false, true,
     list_params},
    {HTTP_POST, "/api/v1/newsletters/$newsletter/asks", api_ask_create, ROLE_READER, true, true,
     ask_params},
    {HTTP_GET, "/api/v1/asks/#id", api_ask, ROLE_NONE, false, true, NULL},
    {HTTP_POST | HTTP_DELETE, "/api/v1/asks/#id/vote", api_ask_vote, ROLE_READER, true, true, NULL},
    {HTTP_POST, "/api/v1/asks/#id/status", api_ask_status, ROLE_READER, true, true, status_params},
};
