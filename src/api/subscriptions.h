/* Email subscriptions in JSON (docs/api.md): a guest subscribes an address, a member reads and
 * changes which newsletters come by email. */
#ifndef KD_API_SUBSCRIPTIONS_H
#define KD_API_SUBSCRIPTIONS_H

struct request;

int api_subscribe(struct request *req);           /* POST /api/v1/newsletters/:slug/subscribe */
int api_my_subscriptions(struct request *req);    /* GET /api/v1/me/subscriptions */
int api_my_subscription_set(struct request *req); /* PUT and DELETE .../subscriptions/:slug */

#endif
