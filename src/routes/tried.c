/* Routes of "I tried this": recording, the outcome, withdrawing, the notes, hiding a note. */
#include "routes/routes.h"
#include "api/prompts.h"
#include "web/tried.h"

static const struct param_spec tried_list_params[] = {INT("before", 0, INT64_MAX), END};
static const struct param_spec tried_params[] = {
    TEXT("note", 8 * KD_TRIED_NOTE_MAX),
    TEXT("outcome", 16),
    TEXT("outcome_note", 8 * KD_TRIED_NOTE_MAX),
    END,
};
static const struct param_spec tried_hide_params[] = {BOOL("hidden"), END};

const struct route tried_routes[] = {
    {HTTP_GET, "/n/$newsletter/$episode/tried", web_tried_list, ROLE_NONE, false, false,
     tried_list_params},
    {HTTP_POST, "/n/$newsletter/$episode/tried", web_tried_post, ROLE_READER, true, false,
     tried_params},
    {HTTP_POST, "/n/$newsletter/$episode/tried/outcome", web_tried_outcome, ROLE_READER, true,
     false, tried_params},
    {HTTP_POST, "/n/$newsletter/$episode/tried/delete", web_tried_delete, ROLE_READER, true, false,
     NULL},
    {HTTP_POST, "/tried/#id/hide", web_tried_hide, ROLE_READER, true, false, tried_hide_params},
    {HTTP_GET, "/api/v1/episodes/#id/tried", api_tried, ROLE_NONE, false, true, tried_list_params},
    {HTTP_POST, "/api/v1/episodes/#id/tried", api_tried_post, ROLE_READER, true, true,
     tried_params},
    {HTTP_DELETE, "/api/v1/episodes/#id/tried", api_tried_delete, ROLE_READER, true, true, NULL},
};
