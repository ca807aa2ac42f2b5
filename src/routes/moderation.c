/* Routes of moderation over every kind of member-written item (model/item.h): reporting, the
 * queue's decisions and hiding or restoring, as pages and as JSON. The comment-only addresses
 * of the conversation (/comments/#id/report, /comments/#id/hide, /moderation/#comment_id) stay
 * in the core table and lead to the same code. */
#include "routes/routes.h"

#include "api/moderation.h"
#include "web/moderation.h"

static const struct param_spec item_report_params[] = {
    TEXT("reason", 16),
    TEXT("note", 8 * KD_REPORT_NOTE_MAX),
    END,
};
static const struct param_spec api_report_params[] = {
    TEXT("target", 16),
    INT("id", 1, INT64_MAX),
    TEXT("reason", 16),
    TEXT("note", 8 * KD_REPORT_NOTE_MAX),
    END,
};
static const struct param_spec item_hide_params[] = {BOOL("hidden"), TEXT("next", KD_MAX_URI_BYTES),
                                                     END};
static const struct param_spec item_resolve_params[] = {TEXT("action", 16), END};

const struct route moderation_routes[] = {
    {HTTP_GET, "/report/$target/#id", web_report_form, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/report/$target/#id", web_report, ROLE_READER, true, false, item_report_params},
    {HTTP_POST, "/hide/$target/#id", web_item_hide, ROLE_READER, true, false, item_hide_params},
    {HTTP_POST, "/moderation/$target/#id", web_moderation_resolve_item, ROLE_READER, true, false,
     item_resolve_params},
    {HTTP_POST, "/api/v1/reports", api_report_post, ROLE_READER, true, true, api_report_params},
    {HTTP_POST, "/api/v1/items/$target/#id/hidden", api_item_hidden, ROLE_READER, true, true,
     item_hide_params},
};
