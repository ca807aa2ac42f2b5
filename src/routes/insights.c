/* Routes of the insights API (the pages have their own table, routes/insights_pages.c). The
 * role in the rows lets only members in; insights_can_view decides per newsletter. */
#include "routes/routes.h"
#include "api/insights.h"

static const struct param_spec insights_params[] = {
    TEXT("from", 16),
    TEXT("to", 16),
    INT("season", 1, 999),
    TEXT("episode", 200),
    TEXT("format", 8),
    TEXT("metric", 32),
    END,
};

const struct route insights_routes[INSIGHTS_ROUTES_COUNT] = {
    {HTTP_GET, "/api/v1/insights", api_insights_site, ROLE_ADMIN, false, true, insights_params},
    {HTTP_GET, "/api/v1/insights/$newsletter", api_insights, ROLE_READER, false, true,
     insights_params},
    {HTTP_GET, "/api/v1/insights/$newsletter/:metric", api_insights_metric, ROLE_READER, false,
     true, insights_params},
};
