/* Routes of email subscriptions: pages and their JSON twins (docs/mail.md, docs/api.md). */
#include "routes/routes.h"
#include "api/subscriptions.h"
#include "web/subscriptions.h"

static const struct param_spec subscribe_params[] = {
    TEXT("email", KD_EMAIL_MAX_BYTES),
    BOOL("by_email"),
    END,
};
static const struct param_spec token_params[] = {TEXT("token", 128), END};
/* RFC 8058: a mail client's one-click POST carries List-Unsubscribe=One-Click (or nothing) */
static const struct param_spec unsubscribe_params[] = {
    TEXT("List-Unsubscribe", 16),
    TEXT("action", 16),
    END,
};
static const struct param_spec settings_params[] = {
    TEXT("saved", 4),
    INT("newsletter", 1, INT64_MAX),
    BOOL("by_email"),
    END,
};

const struct route subscriptions_routes[11] = {
    /* guests' forms sit on cached pages without a token: their origin stands in for it */
    {HTTP_GET, "/n/$newsletter/subscribe", web_subscribe_form, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/n/$newsletter/subscribe", web_subscribe, ROLE_NONE, true, false, subscribe_params,
     false, 0, true},
    /* a GET shows a button (mail scanners open links), the POST confirms */
    {HTTP_GET, "/subscribe/confirm", web_subscribe_confirm_form, ROLE_NONE, false, false,
     token_params},
    {HTTP_POST, "/subscribe/confirm", web_subscribe_confirm, ROLE_NONE, true, false, token_params,
     false, 0, true},
    /* the signature in the path is the authority: no session, no CSRF token (RFC 8058) */
    {HTTP_GET, "/unsubscribe/#id/:sig", web_unsubscribe_page, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/unsubscribe/#id/:sig", web_unsubscribe, ROLE_NONE, false, false,
     unsubscribe_params},
    {HTTP_GET, "/settings/email-subscriptions", web_email_subscriptions, ROLE_READER, false, false,
     settings_params},
    {HTTP_POST, "/settings/email-subscriptions", web_email_subscriptions_save, ROLE_READER, true,
     false, settings_params},
    {HTTP_POST, "/api/v1/newsletters/$newsletter/subscribe", api_subscribe, ROLE_NONE, true, true,
     subscribe_params},
    {HTTP_GET, "/api/v1/me/subscriptions", api_my_subscriptions, ROLE_READER, false, true, NULL},
    {HTTP_PUT | HTTP_DELETE, "/api/v1/me/subscriptions/$newsletter", api_my_subscription_set,
     ROLE_READER, true, true, NULL},
};
