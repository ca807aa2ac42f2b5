/* Email subscriptions' pages (docs/mail.md, "Subscriptions"): the "Get new episodes by email"
 * box, a guest's confirmation link, the one-click unsubscribe link's page and its RFC 8058
 * POST, and a member's choices in their settings. Every one works without JavaScript. */
#ifndef KD_WEB_SUBSCRIPTIONS_H
#define KD_WEB_SUBSCRIPTIONS_H

#include <stdbool.h>

struct render;
struct request;

/* The box on a newsletter's page and at the end of an episode: for a guest an address field
 * (the page may be a cached guest page, so the form proves its origin instead of carrying a
 * token; /n/SLUG/subscribe has one with a token), for a member a toggle (by_email: on now).
 * member_toggle false writes nothing for members (the episode page). */
void subscription_box(struct render *r, const char *newsletter_slug, bool member_toggle,
                      bool by_email);

int web_subscribe_form(struct request *req);           /* GET /n/:newsletter/subscribe */
int web_subscribe(struct request *req);                /* POST /n/:newsletter/subscribe */
int web_subscribe_confirm_form(struct request *req);   /* GET /subscribe/confirm?token= */
int web_subscribe_confirm(struct request *req);        /* POST /subscribe/confirm */
int web_unsubscribe_page(struct request *req);         /* GET /unsubscribe/:id/:sig */
int web_unsubscribe(struct request *req);              /* POST /unsubscribe/:id/:sig (one click) */
int web_email_subscriptions(struct request *req);      /* GET /settings/email-subscriptions */
int web_email_subscriptions_save(struct request *req); /* POST /settings/email-subscriptions */

/* The per-address limit on guests' subscriptions (shared with the API). Returns 0 when req may
 * go on, else the seconds to wait. */
unsigned subscription_rate_limit(struct request *req);

#endif
