/* Events from requests (docs/privacy.md): who the actor is, and whether to record at all. A
 * member is known by id; a guest by today's salted hash of address and user agent, and not at
 * all when the request carries Sec-GPC: 1 or DNT: 1, or when the user agent is a known bot.
 * Every page and action that records an insights event calls this one function. */
#ifndef KD_WEB_EVENTS_H
#define KD_WEB_EVENTS_H

#include "model/event.h"

struct request;

/* Queues an event of kind by the request's viewer (event_queue.h), at the current time.
 * other_id: the member on the other side of an interaction, or 0. Guests are recorded only for
 * EVENT_VIEW, EVENT_SEEN and EVENT_READ. Never fails the request. */
void events_record(struct request *req, enum event_kind kind, int64_t newsletter_id,
                   int64_t episode_id, int64_t other_id, int64_t item_id);

#endif
