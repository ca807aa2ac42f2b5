/* Routes of a member's first day and of their notifications: the welcome page, the kinds of
 * notification they get (page and JSON), and opening one notification (docs/welcome.md). */
#include "routes/routes.h"
#include "api/notify_prefs.h"
#include "web/notify_prefs.h"
#include "web/welcome.h"

static const struct param_spec welcome_params[] = {
    TEXT("next", KD_MAX_URI_BYTES),
    TEXT("saved", 4),
    END,
};
/* follow_I is the newsletter id ticked in the I-th box, shown_I the one the box was shown for;
 * as many pairs as the page offers (KD_WELCOME_NEWSLETTERS, checked in web/welcome.c). */
#define WELCOME_PAIR(i) INT("follow_" #i, 0, INT64_MAX), INT("shown_" #i, 0, INT64_MAX)
static const struct param_spec welcome_save_params[] = {
    TEXT("next", KD_MAX_URI_BYTES),
    TEXT("headline", 8 * KD_HEADLINE_MAX),
    WELCOME_PAIR(0),
    WELCOME_PAIR(1),
    WELCOME_PAIR(2),
    WELCOME_PAIR(3),
    WELCOME_PAIR(4),
    WELCOME_PAIR(5),
    WELCOME_PAIR(6),
    WELCOME_PAIR(7),
    WELCOME_PAIR(8),
    WELCOME_PAIR(9),
    WELCOME_PAIR(10),
    WELCOME_PAIR(11),
    END,
};
#undef WELCOME_PAIR
_Static_assert(KD_WELCOME_NEWSLETTERS == 12,
               "declare a follow_/shown_ pair per newsletter offered");

static const struct param_spec prefs_params[] = {TEXT("saved", 4), END};
/* one switch per kind group (model/notify_pref.h: notify_group_key) */
static const struct param_spec kinds_params[] = {
    BOOL("replies"),  BOOL("mentions"), BOOL("reactions"), BOOL("episodes"),
    BOOL("buildons"), BOOL("answers"),  BOOL("decisions"), END,
};

/* methods, pattern, handler, who, changes state, JSON, parameters (routes.h) */
const struct route welcome_routes[WELCOME_ROUTES_COUNT] = {
    {HTTP_GET, "/welcome", web_welcome, ROLE_READER, false, false, welcome_params},
    {HTTP_POST, "/welcome", web_welcome_save, ROLE_READER, true, false, welcome_save_params},
    {HTTP_GET, "/settings/notifications", web_notify_prefs, ROLE_READER, false, false,
     prefs_params},
    {HTTP_POST, "/settings/notifications", web_notify_prefs_save, ROLE_READER, true, false,
     kinds_params},
    /* Opening one's own notification marks it read on the way: a GET, like following any link,
     * so it opens in a new tab too. Another site can at most mark one read. */
    {HTTP_GET, "/notifications/#id", web_notification_open, ROLE_READER, false, false, NULL},
    {HTTP_GET, "/api/v1/me/notification-preferences", api_notify_prefs, ROLE_READER, false, true,
     NULL},
    {HTTP_PUT, "/api/v1/me/notification-preferences", api_notify_prefs_put, ROLE_READER, true, true,
     kinds_params},
};
