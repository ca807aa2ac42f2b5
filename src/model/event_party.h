/* Who is on the other side of an act, and where it happened: the few lookups the write paths
 * (actions/) make after a successful write, so the insights event they record names the right
 * member, episode and newsletter (docs/insights.md, "What is recorded"). Each is one query on a
 * primary key. */
#ifndef KD_EVENT_PARTY_H
#define KD_EVENT_PARTY_H

#include <stdint.h>

struct db;

/* Where an item sits and who wrote it. */
struct event_party {
        int64_t author_id;     /* the item's author; 0 for an episode's reactions (see below) */
        int64_t episode_id;    /* the episode it hangs under, 0 for none */
        int64_t newsletter_id; /* that episode's newsletter, or a space's; 0 for none */
};

/* Loads the place and author of item (target, id): target "episode" (author_id is set to 0: a
 * reaction to an episode is not an interaction between two members), "comment", "buildon" or
 * "post" (a space post: the space's newsletter, no episode). Returns 0, or -1 when there is no
 * such item, the target is another, or the database fails. */
int event_party_of(struct db *db, const char *target, int64_t id, struct event_party *out);

#endif
