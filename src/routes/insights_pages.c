/* Routes of the insights pages: /insights (an author's newsletters; admins: all and the site)
 * and /insights/$newsletter, with the range and scope of the form. */
#include "routes/routes.h"
#include "web/insights.h"

static const struct param_spec insights_page_params[] = {
    TEXT("from", 32),
    TEXT("to", 32),
    INT("weeks", 1, KD_INSIGHT_WEEKS_MAX),
    INT("season", 1, 100000),
    TEXT("episode", KD_SLUG_MAX_BYTES),
    BOOL("site"),
    END,
};

const struct route insights_pages_routes[INSIGHTS_PAGES_ROUTES] = {
    {HTTP_GET, "/insights", web_insights_index, ROLE_READER, false, false, insights_page_params},
    {HTTP_GET, "/insights/$newsletter", web_insights_newsletter, ROLE_READER, false, false,
     insights_page_params},
};
