/* Routes of the outbox for admins: the page and its JSON twin (docs/mail.md, docs/api.md). */
#include "routes/routes.h"
#include "api/mail.h"
#include "web/mail_admin.h"

static const struct param_spec mail_params[] = {
    TEXT("state", 8),
    INT("limit", 1, KD_MAIL_ADMIN_ROWS_MAX),
    END,
};

const struct route mail_routes[MAIL_ROUTES_COUNT] = {
    {HTTP_GET, "/admin/mail", web_admin_mail, ROLE_ADMIN, false, false, mail_params},
    {HTTP_GET, "/api/v1/admin/mail", api_admin_mail, ROLE_ADMIN, false, true, mail_params},
};
