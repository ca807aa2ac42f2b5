/* "Members also read": item-to-item recommendations for an episode page from co-reading in the
 * insights rollup insight_reader, with a fallback to the same season, newsletter and author
 * when too few members read on (docs/insights.md, "On the episode page").
 *
 * What is computed depends on the episode only, never on the viewer, so it is kept in memory
 * per episode for KD_RELATED_CACHE_SECONDS together with the episode's community sentences
 * (model/insight_sentence.h); the page then drops what the viewer may no longer see or has read
 * already. Readers never learn who read what: only a ranking is shown, and only episodes that at
 * least KD_RELATED_MIN_COREADERS members read on to. */
#ifndef KD_RELATED_H
#define KD_RELATED_H

#include "core/limits.h"
#include "model/insight_sentence.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct episode;

enum related_reason {
        RELATED_COREAD = 1, /* members who read this also read it */
        RELATED_SEASON,     /* the same season */
        RELATED_NEWSLETTER, /* the same newsletter, another season */
        RELATED_AUTHOR,     /* the same author, another newsletter */
};

struct related_pick {
        int64_t episode_id;
        enum related_reason reason;
};

/* What an episode page shows besides the episode, as computed for everyone. */
struct related_extras {
        struct related_pick picks[KD_RELATED_CANDIDATES];
        int npicks;
        struct insight_sentence sentences[INSIGHT_SENTENCES_SHOWN];
        int nsentences;
};

/* Fills picks (up to max) for episode e at now, best first, uncached: live episodes other than
 * e that at least KD_RELATED_MIN_COREADERS of e's KD_RELATED_SAMPLE most recent members also
 * took part in (ranked by co-readers, then the newer episode), then the season's other episodes
 * (nearest number first), the newsletter's newest, the author's newest. Returns the count, or -1
 * on a storage error. */
int related_compute(struct db *db, const struct episode *e, int64_t now, struct related_pick *picks,
                    int max);

/* The picks and sentences for e at now, from the in-memory cache when computed less than
 * KD_RELATED_CACHE_SECONDS ago, else computed and kept. Thread-safe. Returns 0, or -1 on a
 * storage error (out is then empty). */
int related_extras_get(struct db *db, const struct episode *e, int64_t now,
                       struct related_extras *out);

/* Which of the n picks member_id took part in already (took[i]), in one query: they are not
 * recommended to them. Returns 0, or -1 on a storage error. */
int related_taken_part(struct db *db, int64_t member_id, const struct related_pick *picks, int n,
                       bool *took);

#endif
