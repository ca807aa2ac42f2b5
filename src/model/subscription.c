/* Email subscriptions to newsletters; see subscription.h. */
#include "model/subscription.h"
#include "core/arena.h"
#include "core/limits.h"
#include "db/db.h"
#include "mail/address.h"
#include "model/job.h"

#include <stdio.h>

#include <string.h>

static const char *const state_names[] = {"pending", "active", "unsubscribed"};

const char *subscription_state_name(enum subscription_state s)
{
        return state_names[s];
}

static enum subscription_state state_parse(const char *name)
{
        for (int i = 0; i < 3; i++)
                if (strcmp(name, state_names[i]) == 0)
                        return (enum subscription_state)i;
        return SUB_PENDING;
}

int subscription_member_set(struct db *db, int64_t member_id, int64_t newsletter_id, bool on,
                            int64_t now, bool *changed)
{
        /* One statement either way: a new row, or the existing one turned on or off; a row
         * already in the wanted state is left as it is (its times too). */
        struct db_stmt *s = db_prepare(
            db, on ? "INSERT INTO mail_subscription (newsletter_id, member_id, state, created_at, "
                     "confirmed_at) VALUES (?1, ?2, 'active', ?3, ?3) ON CONFLICT (newsletter_id, "
                     "member_id) WHERE member_id IS NOT NULL DO UPDATE SET state = 'active', "
                     "confirmed_at = ?3, unsubscribed_at = NULL WHERE "
                     "mail_subscription.state <> 'active'"
                   : "UPDATE mail_subscription SET state = 'unsubscribed', unsubscribed_at = ?3 "
                     "WHERE newsletter_id = ?1 AND member_id = ?2 AND state <> 'unsubscribed'");
        if (!s)
                return SUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        db_bind_int(s, 2, member_id);
        db_bind_int(s, 3, now);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return SUB_DB_ERROR;
        if (changed)
                *changed = db_changes(db) > 0;
        return SUB_OK;
}

bool subscription_member_active(struct db *db, int64_t member_id, int64_t newsletter_id)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT 1 FROM mail_subscription WHERE newsletter_id = ?1 AND "
                           "member_id = ?2 AND state = 'active'");
        if (!s)
                return false;
        db_bind_int(s, 1, newsletter_id);
        db_bind_int(s, 2, member_id);
        bool on = db_step(s) == DB_ROW;
        db_finish(s);
        return on;
}

int subscription_guest_begin(struct db *db, int64_t newsletter_id, const char *email,
                             const char *language, int64_t now, int64_t *id,
                             enum subscription_state *state)
{
        char key[MAIL_ADDRESS_MAX + 1];
        if (!email || strlen(email) > KD_EMAIL_MAX_BYTES || !mail_address_valid(email) ||
            !mail_address_key(email, key, sizeof(key)))
                return SUB_INVALID;
        /* the language is the guest's latest choice; the address as typed the latest too */
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO mail_subscription (newsletter_id, email, email_key, language, state, "
                "created_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5) ON CONFLICT (newsletter_id, "
                "email_key) WHERE member_id IS NULL DO UPDATE SET language = ?4 "
                "RETURNING id, state");
        if (!s)
                return SUB_DB_ERROR;
        db_bind_int(s, 1, newsletter_id);
        db_bind_text(s, 2, email);
        db_bind_text(s, 3, key);
        if (language && *language)
                db_bind_text(s, 4, language);
        else
                db_bind_null(s, 4);
        db_bind_int(s, 5, now);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                *id = db_col_int(s, 0);
                *state = state_parse(db_col_text(s, 1));
        }
        db_finish(s);
        return rc == DB_ROW ? SUB_OK : SUB_DB_ERROR;
}

static int set_state(struct db *db, const char *sql, int64_t id, int64_t now)
{
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return SUB_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, now);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return SUB_DB_ERROR;
        if (db_changes(db) > 0)
                return SUB_OK;
        /* nothing changed: already in that state, or no such row */
        s = db_prepare(db, "SELECT 1 FROM mail_subscription WHERE id = ?1");
        if (!s)
                return SUB_DB_ERROR;
        db_bind_int(s, 1, id);
        rc = db_step(s);
        db_finish(s);
        return rc == DB_ROW ? SUB_OK : rc == DB_DONE ? SUB_NOT_FOUND : SUB_DB_ERROR;
}

int subscription_activate(struct db *db, int64_t id, int64_t now)
{
        return set_state(db,
                         "UPDATE mail_subscription SET state = 'active', confirmed_at = ?2, "
                         "unsubscribed_at = NULL WHERE id = ?1 AND state <> 'active'",
                         id, now);
}

int subscription_unsubscribe(struct db *db, int64_t id, int64_t now)
{
        return set_state(db,
                         "UPDATE mail_subscription SET state = 'unsubscribed', "
                         "unsubscribed_at = ?2 WHERE id = ?1 AND state <> 'unsubscribed'",
                         id, now);
}

#define SUB_COLUMNS                                                                                \
        "s.id, s.newsletter_id, coalesce(s.member_id, 0), coalesce(m.email, s.email), "            \
        "CASE WHEN s.member_id IS NULL THEN s.language ELSE m.language END, s.state, n.slug, "     \
        "n.title, s.created_at, coalesce(s.confirmed_at, 0), coalesce(s.unsubscribed_at, 0) "      \
        "FROM mail_subscription s JOIN newsletter n ON n.id = s.newsletter_id "                    \
        "LEFT JOIN member m ON m.id = s.member_id "

static void read_sub(struct db_stmt *s, struct arena *a, struct subscription *out)
{
        out->id = db_col_int(s, 0);
        out->newsletter_id = db_col_int(s, 1);
        out->member_id = db_col_int(s, 2);
        out->email = arena_strdup(a, db_col_text(s, 3));
        out->language = db_col_is_null(s, 4) ? NULL : arena_strdup(a, db_col_text(s, 4));
        out->state = state_parse(db_col_text(s, 5));
        out->newsletter_slug = arena_strdup(a, db_col_text(s, 6));
        out->newsletter_title = arena_strdup(a, db_col_text(s, 7));
        out->created_at = db_col_int(s, 8);
        out->confirmed_at = db_col_int(s, 9);
        out->unsubscribed_at = db_col_int(s, 10);
}

int subscription_get(struct db *db, struct arena *a, int64_t id, struct subscription *out)
{
        struct db_stmt *s = db_prepare(db, "SELECT " SUB_COLUMNS "WHERE s.id = ?1");
        if (!s)
                return SUB_DB_ERROR;
        db_bind_int(s, 1, id);
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_sub(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? SUB_OK : rc == DB_DONE ? SUB_NOT_FOUND : SUB_DB_ERROR;
}

int subscription_member_choices(struct db *db, struct arena *a, int64_t member_id, int max,
                                struct subscription_choice **out)
{
        struct db_stmt *s = db_prepare(
            db, "SELECT n.id, n.slug, n.title, EXISTS (SELECT 1 FROM follow f WHERE "
                "f.member_id = ?1 AND f.newsletter_id = n.id), EXISTS (SELECT 1 FROM "
                "mail_subscription s WHERE s.member_id = ?1 AND s.newsletter_id = n.id AND "
                "s.state = 'active') FROM newsletter n WHERE n.id IN (SELECT newsletter_id FROM "
                "follow WHERE member_id = ?1 UNION SELECT newsletter_id FROM mail_subscription "
                "WHERE member_id = ?1 AND state = 'active') ORDER BY n.title, n.id LIMIT ?2");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_int(s, 2, max);
        struct subscription_choice *list = arena_zalloc(a, sizeof(*list) * (size_t)(max + 1));
        int n = 0, rc;
        while (n < max && (rc = db_step(s)) == DB_ROW) {
                list[n].newsletter_id = db_col_int(s, 0);
                list[n].slug = arena_strdup(a, db_col_text(s, 1));
                list[n].title = arena_strdup(a, db_col_text(s, 2));
                list[n].following = db_col_int(s, 3) != 0;
                list[n].by_email = db_col_int(s, 4) != 0;
                n++;
        }
        db_finish(s);
        *out = list;
        return n;
}

int subscription_each(struct db *db, void (*each)(const struct subscription *s, void *ctx),
                      void *ctx)
{
        struct db_stmt *s = db_prepare(db, "SELECT " SUB_COLUMNS "ORDER BY s.id");
        if (!s)
                return -1;
        int n = 0, rc;
        while ((rc = db_step(s)) == DB_ROW) {
                struct arena *a = arena_new();
                struct subscription sub;
                read_sub(s, a, &sub);
                each(&sub, ctx);
                arena_free(a);
                n++;
        }
        db_finish(s);
        return rc == DB_DONE ? n : -1;
}

int episode_mailing_begin(struct db *db, int64_t episode_id, int64_t now)
{
        /* The row is the "once": an episode unpublished and published again, or made live
         * by two nodes' due-episode passes, finds it and queues nothing more. */
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO episode_mailing (episode_id, started_at) SELECT id, ?2 FROM episode "
                "WHERE id = ?1 AND status <> 'draft' AND publish_at <= ?2 AND publish_at > ?3 "
                "ON CONFLICT (episode_id) DO NOTHING");
        if (!s)
                return SUB_DB_ERROR;
        db_bind_int(s, 1, episode_id);
        db_bind_int(s, 2, now);
        /* an episode live for longer is no news (a site imported from an export without
         * mailings, an episode edited long after): it is not mailed */
        db_bind_int(s, 3, now - KD_EPISODE_MAIL_MAX_AGE_S);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return SUB_DB_ERROR;
        if (db_changes(db) == 0)
                return SUB_OK; /* mailed, or being mailed, already */
        char payload[48];
        snprintf(payload, sizeof(payload), "{\"episode\":%lld}", (long long)episode_id);
        return job_enqueue(db, "episode_mail", payload, now) < 0 ? SUB_DB_ERROR : SUB_OK;
}
