/* Routes of the insights recorder: the beacons kindred.js sends, and the images that stand in
 * for them without JavaScript (web/events.h, docs/privacy.md). Not anonymous: a member's
 * beacon is theirs. Not state-changing in the dispatcher's sense: recording must neither need a
 * CSRF token (sendBeacon cannot send one; web/events.c checks the origin instead) nor make the
 * guest page cache stale. */
#include "routes/routes.h"
#include "web/events.h"

static const struct param_spec beacon_params[] = {
    INT("episode", 0, INT64_MAX),
    TEXT("kind", 16),
    END,
};

const struct route events_routes[EVENTS_ROUTES_COUNT] = {
    {HTTP_POST, "/e", web_events_beacon, ROLE_NONE, false, false, beacon_params, false,
     KD_BEACON_MAX_BODY},
    {HTTP_GET, "/e/#episode/seen.gif", web_events_seen_gif, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/e/#episode/read.gif", web_events_read_gif, ROLE_NONE, false, false, NULL},
};
