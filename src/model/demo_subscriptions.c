/* The demo's email subscriptions (docs/mail.md, "Subscriptions"): a few members who get a
 * newsletter by email (one reading in Chinese), confirmed guests in two languages and a guest
 * who never confirmed, so the settings page, the fan-out and /admin/mail have something to show
 * when the next scheduled episode goes live. */
#include "core/timeutil.h"
#include "db/db.h"
#include "model/demo.h"
#include "model/subscription.h"

#include <stddef.h>

int demo_seed_subscriptions(struct db *db)
{
        int64_t now = time_now();
        /* the episodes the demo starts with were "mailed" before it began: only new ones go */
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO episode_mailing (episode_id, started_at, finished_at) SELECT id, "
                "publish_at, publish_at FROM episode WHERE status <> 'draft' AND publish_at <= ?1 "
                "ON CONFLICT (episode_id) DO NOTHING");
        if (!s)
                return -1;
        db_bind_int(s, 1, now);
        int rc = db_step(s) == DB_DONE ? 0 : -1;
        db_finish(s);
        static const struct {
                const char *handle, *newsletter;
        } members[] = {
            {"sam", "learning-in-public"},
            {"liwei", "learning-in-public"},
            {"ana", "learning-in-public"},
            {"ana", "fourth-floor-garden"},
        };
        for (size_t i = 0; i < sizeof(members) / sizeof(members[0]) && rc == 0; i++) {
                s = db_prepare(db,
                               "INSERT INTO mail_subscription (newsletter_id, member_id, state, "
                               "created_at, confirmed_at) SELECT n.id, m.id, 'active', ?3, ?3 "
                               "FROM newsletter n, member m WHERE n.slug = ?1 AND "
                               "m.handle = ?2");
                if (!s)
                        return -1;
                db_bind_text(s, 1, members[i].newsletter);
                db_bind_text(s, 2, members[i].handle);
                db_bind_int(s, 3, now - 86400 * (int64_t)(10 + i));
                rc = db_step(s) == DB_DONE ? 0 : -1;
                db_finish(s);
        }
        static const struct {
                const char *email, *language, *newsletter, *state;
        } guests[] = {
            {"reader@example.org", "en", "learning-in-public", "active"},
            {"wang.fang@example.cn", "zh-CN", "learning-in-public", "active"},
            {"balcony.fan@example.net", "en", "fourth-floor-garden", "active"},
            {"Maybe.Later@example.org", "en", "learning-in-public", "pending"},
        };
        for (size_t i = 0; i < sizeof(guests) / sizeof(guests[0]) && rc == 0; i++) {
                s = db_prepare(db,
                               "INSERT INTO mail_subscription (newsletter_id, email, email_key, "
                               "language, state, created_at, confirmed_at) SELECT id, ?2, "
                               "lower(?2), ?3, ?4, ?5, CASE WHEN ?4 = 'active' THEN ?5 END "
                               "FROM newsletter WHERE slug = ?1");
                if (!s)
                        return -1;
                db_bind_text(s, 1, guests[i].newsletter);
                db_bind_text(s, 2, guests[i].email);
                db_bind_text(s, 3, guests[i].language);
                db_bind_text(s, 4, guests[i].state);
                db_bind_int(s, 5, now - 86400 * (int64_t)(3 + i));
                rc = db_step(s) == DB_DONE ? 0 : -1;
                db_finish(s);
        }
        return rc;
}
