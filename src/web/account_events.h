/* A member's own insights events in the account area (docs/privacy.md): what Kindred records,
 * their counts per kind, and downloads as CSV and JSON. */
#ifndef KD_WEB_ACCOUNT_EVENTS_H
#define KD_WEB_ACCOUNT_EVENTS_H

struct request;

int web_account_events(struct request *req);     /* GET /account/events */
int web_account_events_csv(struct request *req); /* GET /account/events.csv */

#endif
