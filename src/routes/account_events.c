/* Routes of a member's own insights events: the page, the CSV and the JSON (docs/privacy.md). */
#include "routes/routes.h"
#include "api/account_events.h"
#include "web/account_events.h"

static const struct param_spec me_events_params[] = {
    INT("after", 0, INT64_MAX),
    INT("limit", 1, KD_MY_EVENTS_PAGE_MAX),
    END,
};

const struct route account_events_routes[ACCOUNT_EVENTS_ROUTES] = {
    {HTTP_GET, "/account/events", web_account_events, ROLE_READER, false, false, NULL},
    {HTTP_GET, "/account/events.csv", web_account_events_csv, ROLE_READER, false, false, NULL},
    {HTTP_GET, "/api/v1/me/events", api_me_events, ROLE_READER, false, true, me_events_params},
};
