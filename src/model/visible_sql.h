/* SQL fragments for "what readers may see" of member-written items, shared by the identity
 * model's queries (badges and profiles), which read the participation tables directly.
 *
 * LIVE_EPISODE: episode e is live at ?2 (not a draft, its time has come).
 * VISIBLE_COMMENT: comment c is visible, and so is the build-on it hangs under, if any. */
#ifndef KD_VISIBLE_SQL_H
#define KD_VISIBLE_SQL_H

#define LIVE_EPISODE "e.status <> 'draft' AND e.publish_at <= ?2"
#define VISIBLE_COMMENT                                                                            \
        "c.state = 'visible' AND (c.buildon_id IS NULL OR EXISTS (SELECT 1 FROM buildon b WHERE "  \
        "b.id = c.buildon_id AND b.state = 'visible'))"

#endif
