/* Routes of notification mail: the member's setting (page and JSON) and the one-click stop
 * linked from every notification mail (docs/mail.md, "Notification mail"; docs/api.md). */
#include "routes/routes.h"
#include "api/mail_prefs.h"
#include "web/mail_prefs.h"

static const struct param_spec prefs_params[] = {TEXT("saved", 4), END};
static const struct param_spec choice_params[] = {TEXT("choice", 16), END};
static const struct param_spec api_params[] = {TEXT("notification_mail", 16), END};
/* The signature travels in the query string; "List-Unsubscribe" is what a mail client's bare
 * POST carries (RFC 8058) and means the same as no choice: stop. */
static const struct param_spec stop_params[] = {
    TEXT("sig", 64),
    TEXT("choice", 16),
    TEXT("List-Unsubscribe", 16),
    END,
};

const struct route mail_prefs_routes[MAIL_PREFS_ROUTES_COUNT] = {
    {HTTP_GET, "/settings/notification-mail", web_mail_prefs, ROLE_READER, false, false,
     prefs_params},
    {HTTP_POST, "/settings/notification-mail", web_mail_prefs_save, ROLE_READER, true, false,
     choice_params},
    /* No login and no CSRF token: the link's signature says whose setting it is. */
    {HTTP_GET, "/mail/notify-off/#id", web_notify_off_page, ROLE_NONE, false, false, stop_params},
    {HTTP_POST, "/mail/notify-off/#id", web_notify_off, ROLE_NONE, false, false, stop_params},
    {HTTP_GET, "/api/v1/me/mail-preferences", api_mail_prefs, ROLE_READER, false, true, NULL},
    {HTTP_PUT, "/api/v1/me/mail-preferences", api_mail_prefs_put, ROLE_READER, true, true,
     api_params},
};
