/* Events from requests (docs/privacy.md): who the actor is, and whether to record at all. A
 * member is known by id; a guest by today's salted hash of address and user agent, and not at
 * all when the request carries Sec-GPC: 1 or DNT: 1, or when the user agent is a known bot.
 * Every page and action that records an insights event calls this one function. */
#ifndef KD_WEB_EVENTS_H
#define KD_WEB_EVENTS_H

#include "model/event.h"

#include <stdbool.h>

struct request;

/* Queues an event of kind by the request's viewer (event_queue.h), at the current time.
 * other_id: the member on the other side of an interaction, or 0. Guests are recorded only for
 * EVENT_VIEW, EVENT_SEEN and EVENT_READ, and not at all under Sec-GPC: 1 or DNT: 1 or with a
 * bot's User-Agent (events_is_bot); members are recorded whatever those headers say (they are
 * known by id already; docs/privacy.md). Nothing is recorded for HEAD requests, or when the
 * site runs with KINDRED_INSIGHTS=false. Never fails the request. */
void events_record(struct request *req, enum event_kind kind, int64_t newsletter_id,
                   int64_t episode_id, int64_t other_id, int64_t item_id);

/* True when user_agent is NULL, empty or contains one of the documented substrings of known
 * crawlers, link-preview fetchers, monitors and HTTP libraries (case-insensitive; the list is
 * in events.c and docs/privacy.md). */
bool events_is_bot(const char *user_agent);

struct episode;
struct page_tag;
struct render;

/* The episode page's view: records EVENT_VIEW for the viewer and tags the page (req->page_tag)
 * so the guest page cache records its hits too. Only a live episode's first page (no ?after=
 * of the conversation) is a view. */
void events_episode_view(struct request *req, const struct episode *e, bool live);
/* A guest's view served from the page cache (app_dispatch), from the page's tag. */
void events_record_cached_view(struct request *req, const struct page_tag *tag);

/* Parts of a live episode's page for the beacons: near the top, the episode's id and reading
 * minutes for kindred.js and, for browsers without JavaScript, the "seen" image; at the end of
 * the text, the marker kindred.js watches (no "read" image: see events.c). Nothing for a page
 * that is not live, or when insights are off. */
void events_episode_top(struct render *r, const struct episode *e, bool live);
void events_episode_end(struct render *r, const struct episode *e, bool live);

/* POST /e (episode, kind = seen | read): 204. GET /e/#episode/seen.gif and .../read.gif: a
 * 1x1 GIF, never cached. Anonymous routes without a CSRF token (sendBeacon cannot send one):
 * refused (403) when Sec-Fetch-Site or Origin says another site sent them, 429 past
 * KD_BEACONS_PER_IP_PER_MINUTE, 400 for a bad kind, 404 for an episode readers do not see. */
int web_events_beacon(struct request *req);
int web_events_seen_gif(struct request *req);
int web_events_read_gif(struct request *req);

#endif
