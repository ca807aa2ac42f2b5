/* A member's footprint on an episode page (model/footprint.h). */
#include "model/footprint.h"
#include "core/limits.h"
#include "db/db.h"

_Static_assert(KD_RELATED_SHOWN <= FOOTPRINT_SHOWN_MAX, "every card shown is checked");

int footprint_on_episode(struct db *db, int64_t member_id, int64_t episode_id, const int64_t *shown,
                         int n)
{
        /* Each part reads the member's few rows by an index led by the member or the episode:
         * comment_by_author or comment_by_episode, the reaction's key and reaction_by_member,
         * tried's (episode_id, member_id), insight_reader's key. Unused card places hold 0, no
         * episode's id. */
        struct db_stmt *s = db_prepare(
            db, "SELECT CASE WHEN "
                "EXISTS (SELECT 1 FROM reaction WHERE target = 'episode' AND target_id = ?1 "
                "AND member_id = ?2) "
                "OR EXISTS (SELECT 1 FROM comment WHERE episode_id = ?1 AND author_id = ?2) "
                "OR EXISTS (SELECT 1 FROM reaction r JOIN comment c ON c.id = r.target_id "
                "WHERE r.member_id = ?2 AND r.target = 'comment' AND c.episode_id = ?1) "
                "OR EXISTS (SELECT 1 FROM tried WHERE episode_id = ?1 AND member_id = ?2) "
                "OR EXISTS (SELECT 1 FROM insight_reader WHERE member_id = ?2 "
                "AND episode_id IN (?3, ?4, ?5, ?6)) "
                "THEN 1 ELSE 0 END");
        if (!s)
                return -1;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, member_id);
        for (int i = 0; i < FOOTPRINT_SHOWN_MAX; i++)
                db_bind_int(s, 3 + i, i < n ? shown[i] : 0);
        int rc = db_step(s), own = rc == DB_ROW ? (int)db_col_int(s, 0) : -1;
        db_finish(s);
        return own;
}
