/* A member's own insights events (docs/privacy.md, "Your own events"): how many of each kind,
 * and the rows themselves in pages by id, for /account/events and /api/v1/me/events. Only ever
 * the member's own rows (member_id); what they did as a guest is not theirs to fetch, because it
 * was never tied to them. */
#ifndef KD_EVENT_MINE_H
#define KD_EVENT_MINE_H

#include "model/event.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

/* One of the member's events. The other member is given by public handle only (NULL when the
 * event has no other side or that member is gone): their id is internal, and whom a member
 * replied to or reacted to is public on the item itself. */
struct event_mine {
        int64_t id, at;
        enum event_kind kind;
        int64_t newsletter_id, episode_id, item_id; /* 0: none */
        const char *other_handle;                   /* arena string, or NULL */
};

/* How many events of one kind. */
struct event_mine_count {
        enum event_kind kind;
        int64_t count;
};

/* The member's events per kind, by kind number, kinds with none left out. Arena array in a.
 * Returns the number of kinds, or -1 on a database error. Reads the member's rows only (the
 * index event_by_member), so its cost is the member's own activity. */
int event_mine_counts(struct db *db, struct arena *a, int64_t member_id,
                      struct event_mine_count **out);

/* Up to limit (1..KD_MY_EVENTS_PAGE_MAX) of the member's events with an id above after, by id.
 * Arena array in a. Sets *next_after to the last id when more follow, else 0. Returns the
 * number of rows, or -1 on a database error. */
int event_mine_page(struct db *db, struct arena *a, int64_t member_id, int64_t after, int limit,
                    struct event_mine **out, int64_t *next_after);

#endif
