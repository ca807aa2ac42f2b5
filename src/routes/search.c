/* Routes of the site search (docs/search.md): the page and its JSON twin, open to guests (who
 * find episodes, and comments when the site shows them the conversation). The query is bounded
 * at 8 bytes per allowed character, so the model explains a long one instead of a bare 400. */
#include "api/search.h"
#include "routes/routes.h"
#include "web/search.h"

static const struct param_spec search_params[] = {
    TEXT("q", 8 * KD_SEARCH_QUERY_MAX),
    TEXT("kind", 16),
    INT("page", 1, KD_SEARCH_PAGES_MAX),
    END,
};

/* methods, pattern, handler, who, changes state, JSON, parameters (routes.h) */
const struct route search_routes[2] = {
    {HTTP_GET, "/search", web_search, ROLE_NONE, false, false, search_params},
    {HTTP_GET, "/api/v1/search", api_search, ROLE_NONE, false, true, search_params},
};
