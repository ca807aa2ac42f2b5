/* Notification preferences per kind (model/notify_pref.h). */
#include "model/notify_pref.h"
#include "db/db.h"

#include <string.h>

/* Each group: its key and its stored kinds (at most two). */
static const struct {
        const char *key;
        const char *kinds[2];
        bool mailed;
} groups[NOTIFY_GROUPS] = {
    [NOTIFY_GROUP_REPLIES] = {"replies", {"reply", "space_reply"}, true},
    [NOTIFY_GROUP_MENTIONS] = {"mentions", {"mention", "space_mention"}, true},
    [NOTIFY_GROUP_REACTIONS] = {"reactions", {"reaction", NULL}, false},
    [NOTIFY_GROUP_EPISODES] = {"episodes", {"episode", NULL}, true},
    [NOTIFY_GROUP_BUILDONS] = {"buildons", {"buildon", NULL}, false},
    [NOTIFY_GROUP_ANSWERS] = {"answers", {"answer", NULL}, true},
    [NOTIFY_GROUP_DECISIONS] = {"decisions", {"ask", "term"}, false},
};

const char *notify_group_key(enum notify_group g)
{
        return (unsigned)g < NOTIFY_GROUPS ? groups[g].key : "";
}

int notify_group_parse(const char *key)
{
        for (int g = 0; key && g < NOTIFY_GROUPS; g++)
                if (strcmp(key, groups[g].key) == 0)
                        return g;
        return -1;
}

int notify_group_of_kind(const char *kind)
{
        for (int g = 0; kind && g < NOTIFY_GROUPS; g++)
                for (int k = 0; k < 2; k++)
                        if (groups[g].kinds[k] && strcmp(kind, groups[g].kinds[k]) == 0)
                                return g;
        return -1;
}

bool notify_group_mailed(enum notify_group g)
{
        return (unsigned)g < NOTIFY_GROUPS && groups[g].mailed;
}

int notify_pref_get(struct db *db, int64_t member_id, bool on[NOTIFY_GROUPS])
{
        for (int g = 0; g < NOTIFY_GROUPS; g++)
                on[g] = true;
        struct db_stmt *s =
            db_prepare(db, "SELECT kind FROM notification_mute WHERE member_id = ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                int g = notify_group_of_kind(db_col_text(s, 0));
                if (g >= 0)
                        on[g] = false;
        }
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

/* Runs one statement of the set's transaction with (member, kind, now) bound. */
static int run(struct db *db, const char *sql, int64_t member_id, const char *kind, int64_t now)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_text(s, 2, kind);
        db_bind_int(s, 3, now);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? 0 : -1;
}

int notify_pref_apply(struct db *db, int64_t member_id, const bool on[NOTIFY_GROUPS], int64_t now)
{
        bool was[NOTIFY_GROUPS];
        int rc = notify_pref_get(db, member_id, was);
        for (int g = 0; g < NOTIFY_GROUPS && rc == 0; g++) {
                if (on[g] == was[g])
                        continue; /* unchanged: an old mute keeps its date */
                for (int k = 0; k < 2 && rc == 0 && groups[g].kinds[k]; k++) {
                        const char *kind = groups[g].kinds[k];
                        if (on[g]) {
                                rc = run(db,
                                         "DELETE FROM notification_mute WHERE member_id = ?1 "
                                         "AND kind = ?2 AND ?3 >= 0",
                                         member_id, kind, now);
                                continue;
                        }
                        rc = run(db,
                                 "INSERT INTO notification_mute (member_id, kind, created_at) "
                                 "VALUES (?1, ?2, ?3)",
                                 member_id, kind, now);
                        /* what was waiting of the kind stops counting as unread */
                        if (rc == 0)
                                rc = run(db,
                                         "UPDATE notification SET read_at = ?3 WHERE "
                                         "member_id = ?1 AND kind = ?2 AND read_at IS NULL",
                                         member_id, kind, now);
                }
        }
        return rc;
}

int notify_pref_set(struct db *db, int64_t member_id, const bool on[NOTIFY_GROUPS], int64_t now)
{
        if (db_begin(db) != DB_OK)
                return -1;
        int rc = notify_pref_apply(db, member_id, on, now);
        if (rc == 0 && db_commit(db) != DB_OK)
                rc = -1;
        if (rc != 0)
                db_rollback(db);
        return rc;
}

bool notify_pref_wants(struct db *db, int64_t member_id, const char *kind)
{
        struct db_stmt *s = db_prepare(db, "SELECT 1 FROM notification_mute WHERE member_id = ?1 "
                                           "AND kind = ?2");
        if (!s)
                return true;
        db_bind_int(s, 1, member_id);
        db_bind_text(s, 2, kind);
        bool muted = db_step(s) == DB_ROW;
        db_finish(s);
        return !muted;
}
