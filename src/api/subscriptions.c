/* Email subscriptions in JSON; see api/subscriptions.h. */
#include "api/subscriptions.h"
#include "api/errors.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/request.h"
#include "http/router.h"
#include "model/newsletter.h"
#include "model/subscription.h"
#include "web/subscription_mail.h"
#include "web/subscriptions.h"

#include <jansson.h>
#include <stdio.h>

static int load_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

int api_subscribe(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        int64_t now = time_now();
        if (req_signed_in(req)) { /* a member's is their account's address, active at once */
                if (subscription_member_set(req->db, req->viewer.id, n.id, true, now, NULL) !=
                    SUB_OK)
                        return req_fail(req, 503, N_("The database is not available."));
                return api_json(req, 200,
                                json_pack("{s:s,s:s}", "newsletter", n.slug, "state", "active"));
        }
        unsigned wait = subscription_rate_limit(req);
        if (wait) {
                char secs[16];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
                return req_fail(req, 429,
                                N_("Too many subscriptions from your network. Try again later."));
        }
        const char *lang = i18n_tag(req->locale);
        int rc = subscription_guest_subscribe(req->db, req->config, n.id, req_param(req, "email"),
                                              lang, now, NULL);
        if (rc == SUB_INVALID)
                return req_fail(req, 422,
                                N_("email: Please give an email address such as "
                                   "name@example.org."));
        if (rc != SUB_OK)
                return req_fail(req, 503, N_("Could not subscribe. Try again shortly."));
        /* the same answer whether the address was new, pending or subscribed already */
        return api_json(req, 202,
                        json_pack("{s:s,s:s}", "newsletter", n.slug, "state", "check_your_inbox"));
}

int api_my_subscriptions(struct request *req)
{
        struct subscription_choice *list;
        int n = subscription_member_choices(req->db, req->arena, req->viewer.id,
                                            KD_SUBSCRIPTIONS_PAGE_MAX, &list);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        json_t *arr = json_array();
        for (int i = 0; i < n; i++)
                json_array_append_new(arr,
                                      json_pack("{s:s,s:s,s:b,s:b}", "newsletter", list[i].slug,
                                                "title", list[i].title, "following",
                                                list[i].following, "by_email", list[i].by_email));
        return api_json(req, 200, json_pack("{s:o}", "subscriptions", arr));
}

int api_my_subscription_set(struct request *req)
{
        struct newsletter n;
        if (load_newsletter(req, &n))
                return req->resp.status;
        bool on = req->method == HTTP_PUT;
        if (subscription_member_set(req->db, req->viewer.id, n.id, on, time_now(), NULL) != SUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return api_json(req, 200, json_pack("{s:s,s:b}", "newsletter", n.slug, "by_email", on));
}
