/* A member's footprint on an episode page: whether the page shows them anything of their own, so
 * that it is not the page every other reader gets (web/member_page.h keeps that one whole).
 *
 * Counted as their own: a reaction to the episode or to any comment or answer under it, a
 * comment or answer of theirs under it (any state: their own hidden or deleted ones show to
 * them), their "I tried this" record, and having read one of the episodes "Members also read"
 * shows (the page would show them others). Read in one statement. */
#ifndef KD_MODEL_FOOTPRINT_H
#define KD_MODEL_FOOTPRINT_H

#include <stdint.h>

struct db;

enum { FOOTPRINT_SHOWN_MAX = 4 }; /* "Members also read" cards checked (KD_RELATED_SHOWN) */

/* 1 when episode_id's page shows member_id something of their own, 0 when not, -1 on a database
 * error. shown: the ids of the "Members also read" cards on the page (n of them, at most
 * FOOTPRINT_SHOWN_MAX). */
int footprint_on_episode(struct db *db, int64_t member_id, int64_t episode_id, const int64_t *shown,
                         int n);

#endif
