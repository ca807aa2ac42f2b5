/* Routes of account mail: sign-up confirmation, password reset, a new address confirmed by
 * mail, and their JSON twins (docs/mail.md "Account mail", docs/api.md). */
#include "api/account_mail.h"
#include "routes/routes.h"
#include "web/account_mail.h"

static const struct param_spec token_params[] = {TEXT("token", 64), END};
static const struct param_spec forgot_params[] = {TEXT("email", KD_EMAIL_MAX_BYTES), END};
static const struct param_spec reset_params[] = {TEXT("token", 64), SECRET("password"), END};
static const struct param_spec email_params[] = {
    TEXT("email", KD_EMAIL_MAX_BYTES),
    SECRET("password"),
    END,
};

/* methods, pattern, handler, who, changes state, JSON, parameters (routes.h) */
const struct route account_mail_routes[ACCOUNT_MAIL_ROUTES] = {
    {HTTP_GET, "/signup/confirm", web_signup_confirm_form, ROLE_NONE, false, false, token_params},
    {HTTP_POST, "/signup/confirm", web_signup_confirm, ROLE_NONE, true, false, token_params},
    {HTTP_GET, "/password/forgot", web_password_forgot_form, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/password/forgot", web_password_forgot, ROLE_NONE, true, false, forgot_params},
    {HTTP_GET, "/password/reset", web_password_reset_form, ROLE_NONE, false, false, token_params},
    {HTTP_POST, "/password/reset", web_password_reset, ROLE_NONE, true, false, reset_params},
    {HTTP_POST, "/settings/email", web_settings_email, ROLE_READER, true, false, email_params},
    {HTTP_GET, "/settings/email/confirm", web_email_confirm_form, ROLE_NONE, false, false,
     token_params},
    {HTTP_POST, "/settings/email/confirm", web_email_confirm, ROLE_NONE, true, false, token_params},
    {HTTP_POST, "/api/v1/password/forgot", api_password_forgot, ROLE_NONE, true, true,
     forgot_params},
    {HTTP_POST, "/api/v1/password/reset", api_password_reset, ROLE_NONE, true, true, reset_params},
};
