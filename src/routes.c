/* The route table: every address Kindred answers, who may call it, whether it changes state
 * (CSRF-checked), and the parameters it accepts. The dispatcher enforces all of it before a
 * handler runs; nothing is checked twice in handlers. */
#include "app.h"
#include "api/health.h"
#include "core/limits.h"
#include "web/account.h"
#include "web/admin.h"
#include "web/assets.h"
#include "web/home.h"
#include "web/profile.h"

#define TEXT(name, max)                                                                            \
        {                                                                                          \
                name, PARAM_TEXT, max, 0, 0                                                        \
        }
#define SECRET(name)                                                                               \
        {                                                                                          \
                name, PARAM_SECRET, KD_PASSWORD_MAX_BYTES, 0, 0                                    \
        }
#define END                                                                                        \
        {                                                                                          \
                NULL, 0, 0, 0, 0                                                                   \
        }

static const struct param_spec signup_params[] = {
    TEXT("handle", 64),    TEXT("display_name", 400),
    TEXT("headline", 600), TEXT("email", KD_EMAIL_MAX_BYTES),
    SECRET("password"),    END,
};
static const struct param_spec login_params[] = {
    TEXT("login", KD_EMAIL_MAX_BYTES),
    SECRET("password"),
    TEXT("next", KD_MAX_URI_BYTES),
    END,
};
static const struct param_spec next_params[] = {TEXT("next", KD_MAX_URI_BYTES), END};
static const struct param_spec settings_params[] = {TEXT("saved", 16), END};
static const struct param_spec profile_params[] = {
    TEXT("display_name", 400),
    TEXT("headline", 600),
    TEXT("bio", 10000),
    TEXT("email", KD_EMAIL_MAX_BYTES),
    END,
};
static const struct param_spec password_params[] = {
    SECRET("current_password"),
    SECRET("new_password"),
    END,
};
static const struct param_spec static_params[] = {TEXT("v", 32), END};

/* methods, pattern, handler, who, changes state, JSON, parameters, anonymous */
const struct route app_routes[] = {
    {HTTP_GET, "/", web_home, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/healthz", api_healthz, ROLE_NONE, false, true, NULL},
    {HTTP_GET, "/static/*path", web_static, ROLE_NONE, false, false, static_params, true},
    {HTTP_GET, "/signup", web_signup_form, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/signup", web_signup, ROLE_NONE, true, false, signup_params},
    {HTTP_GET, "/login", web_login_form, ROLE_NONE, false, false, next_params},
    {HTTP_POST, "/login", web_login, ROLE_NONE, true, false, login_params},
    {HTTP_POST, "/logout", web_logout, ROLE_READER, true, false, NULL},
    {HTTP_GET, "/settings", web_settings, ROLE_READER, false, false, settings_params},
    {HTTP_POST, "/settings/profile", web_settings_profile, ROLE_READER, true, false,
     profile_params},
    {HTTP_POST, "/settings/password", web_settings_password, ROLE_READER, true, false,
     password_params},
    {HTTP_GET, "/@:handle", web_profile, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/admin/members", web_admin_members, ROLE_ADMIN, false, false, NULL},
    {HTTP_GET, "/api/v1/me", api_me, ROLE_NONE, false, true, NULL},
};
const size_t app_routes_count = sizeof(app_routes) / sizeof(app_routes[0]);
