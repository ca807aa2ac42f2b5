/* The JSON API of account mail (api/account_mail.h): the same write paths as the pages
 * (web/account_mail.h), the same answer whether or not an address is registered. */
#include "api/account_mail.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "http/request.h"
#include "web/account_mail.h"

#include <jansson.h>
#include <stdint.h>

int api_password_forgot(struct request *req)
{
        unsigned wait = 0;
        const char *problem = NULL;
        switch (account_forgot(req, req_param(req, "email"), &wait, &problem)) {
        case ACCOUNT_OK:
                return api_json(req, 202, json_pack("{s:b}", "accepted", 1));
        case ACCOUNT_INVALID:
                return req_fail(req, 422,
                                N_("email: Please give an email address like "
                                   "name@example.org."));
        case ACCOUNT_RATE_LIMITED:
                return req_fail(req, 429,
                                N_("Too many requests from your address. Try again "
                                   "later."));
        default:
                return req_fail(req, 503, N_("Could not send the link. Try again shortly."));
        }
}

int api_password_reset(struct request *req)
{
        const char *problem = NULL;
        int64_t id = 0;
        switch (account_reset(req, req_param(req, "token"), req_param(req, "password"), &id,
                              &problem)) {
        case ACCOUNT_OK:
                return api_json(req, 200, json_pack("{s:b}", "reset", 1));
        case ACCOUNT_INVALID:
                /* the model's message, translated by the error renderer */
                return req_fail(req, 422, problem);
        case ACCOUNT_LINK_UNKNOWN:
                return req_fail(req, 404, N_("This link does not work. Ask for a new one."));
        case ACCOUNT_LINK_GONE:
                return req_fail(req, 410,
                                N_("This link was used or has expired. Ask for a new "
                                   "one."));
        case ACCOUNT_DISABLED:
                return req_fail(req, 403, N_("This account is disabled."));
        default:
                return req_fail(req, 503, N_("Could not change the password. Try again shortly."));
        }
}
