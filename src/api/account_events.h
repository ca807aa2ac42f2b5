/* The signed-in member's own insights events as JSON (docs/api.md, "Your own events"). */
#ifndef KD_API_ACCOUNT_EVENTS_H
#define KD_API_ACCOUNT_EVENTS_H

struct request;

/* GET /api/v1/me/events?after=ID&limit=N: the viewer's events by id, a page at a time. */
int api_me_events(struct request *req);

#endif
