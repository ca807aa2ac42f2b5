/* The community-insights sentences of an episode page: one or two true statements drawn from
 * the insights rollups (migration 008), each about a group of at least KD_INSIGHT_MIN_GROUP
 * members, so no one's own activity can be read from them. The rules and their priority are in
 * docs/insights.md ("On the episode page"). Nothing here writes text: web/related.c words them. */
#ifndef KD_INSIGHT_SENTENCE_H
#define KD_INSIGHT_SENTENCE_H

#include <stdint.h>

struct db;
struct episode;

/* At most this many sentences are shown, the first that qualify in priority order. */
#define INSIGHT_SENTENCES_SHOWN 2

/* In priority order. */
enum insight_sentence_kind {
        /* n of `of` members who took part in the season's episode 1 took part in this one */
        SENTENCE_CAME_BACK = 1,
        /* n replies between members (neither side an author) in the newsletter this week */
        SENTENCE_MEMBER_REPLIES_WEEK,
        /* n members built on this episode or tried it */
        SENTENCE_BUILT_ON,
        /* n members read this episode to the end */
        SENTENCE_READ_TO_END,
};

struct insight_sentence {
        enum insight_sentence_kind kind;
        int64_t n, of; /* of: the base group (SENTENCE_CAME_BACK only, else 0) */
};

/* Fills out with up to max sentences that qualify for episode e at time now, in priority order.
 * Returns how many (0: show nothing), or -1 on a storage error. */
int insight_sentences(struct db *db, const struct episode *e, int64_t now,
                      struct insight_sentence *out, int max);

/* "7 in 10": tenths of n over of, rounded, kept within 1..9 (a caller shows the sentence only
 * when both n and of - n are large groups, so neither 0 nor 10 is ever honest). */
int insight_tenths(int64_t n, int64_t of);

#endif
