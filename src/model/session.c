/* Session storage: tokens are hashed (BLAKE2b) before they touch the database. */
#include "model/session.h"
#include "core/limits.h"
#include "model/directory.h"
#include "core/arena.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "core/token.h"

#include <sodium.h>
#include <string.h>

static void token_hash(const char *token, char out[65])
{
        unsigned char h[32];
        crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
        sodium_bin2hex(out, 65, h, sizeof(h));
}

int session_create(struct db *db, int64_t member_id, unsigned days,
                   char token[SESSION_TOKEN_CHARS + 1])
{
        char csrf[TOKEN_CHARS + 1], hash[65];
        token_new(token);
        token_new(csrf);
        token_hash(token, hash);
        int64_t now = time_now();
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO session(token_hash, member_id, csrf_token, created_at, expires_at,"
                " last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)");
        if (!s)
                return SESSION_DB_ERROR;
        db_bind_text(s, 1, hash);
        db_bind_int(s, 2, member_id);
        db_bind_text(s, 3, csrf);
        db_bind_int(s, 4, now);
        db_bind_int(s, 5, now + (int64_t)days * 86400);
        int rc = db_step(s);
        db_finish(s);
        if (rc == DB_DONE) /* signing in counts as being here this week (best effort) */
                member_mark_active(db, member_id, now, KD_ACTIVE_SIGNIN_EVERY_S);
        return rc == DB_DONE ? SESSION_OK : SESSION_DB_ERROR;
}

/* Records that the session with this hash was used at now (best effort: a busy database must
 * not fail the page). */
static void touch(struct db *db, const char *hash, int64_t member_id, int64_t now)
{
        struct db_stmt *s =
            db_prepare(db, "UPDATE session SET last_seen_at = ?2 WHERE token_hash = ?1");
        if (s) {
                db_bind_text(s, 1, hash);
                db_bind_int(s, 2, now);
                /* the sessions kept in memory keep their own last use (member_cache_seen) */
                bool quiet = db_watch_quiet(true);
                db_step(s);
                db_watch_quiet(quiet);
                db_finish(s);
        }
        /* a returning visitor is here this week too, written once an hour at most */
        member_mark_active(db, member_id, now, KD_ACTIVE_SIGNIN_EVERY_S);
}

int session_lookup(struct db *db, struct arena *a, const char *token, struct session *out)
{
        if (!token_well_formed(token))
                return SESSION_NONE;
        char hash[65];
        token_hash(token, hash);
        int64_t now = time_now();
        struct db_stmt *s = db_prepare(
            db, "SELECT m.id, m.handle, m.display_name, m.role, s.csrf_token, s.expires_at,"
                " s.last_seen_at, m.language FROM session s JOIN member m ON m.id = s.member_id"
                " WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND m.disabled = 0");
        if (!s)
                return SESSION_DB_ERROR;
        db_bind_text(s, 1, hash);
        db_bind_int(s, 2, now);
        int rc = db_step(s);
        int64_t last_seen = 0;
        if (rc == DB_ROW) {
                out->member_id = db_col_int(s, 0);
                out->handle = arena_strdup(a, db_col_text(s, 1));
                out->display_name = arena_strdup(a, db_col_text(s, 2));
                out->role = role_parse(db_col_text(s, 3));
                out->csrf_token = arena_strdup(a, db_col_text(s, 4));
                out->expires_at = db_col_int(s, 5);
                last_seen = db_col_int(s, 6);
                out->language = db_col_is_null(s, 7) ? NULL : arena_strdup(a, db_col_text(s, 7));
        }
        db_finish(s);
        if (rc == DB_DONE)
                return SESSION_NONE;
        if (rc != DB_ROW)
                return SESSION_DB_ERROR;
        out->last_seen_at = last_seen;
        if (session_seen_due(last_seen, now)) {
                touch(db, hash, out->member_id, now);
                out->last_seen_at = now;
        }
        return SESSION_OK;
}

bool session_seen_due(int64_t last_seen_at, int64_t now)
{
        /* A write per page view would serialise readers on the write lock; once a minute is
         * enough to show "last seen". */
        return now - last_seen_at >= SESSION_SEEN_EVERY_S;
}

void session_seen(struct db *db, const char *token, int64_t member_id, int64_t now)
{
        if (!token_well_formed(token))
                return;
        char hash[65];
        token_hash(token, hash);
        touch(db, hash, member_id, now);
}

int session_delete(struct db *db, const char *token)
{
        if (!token_well_formed(token))
                return SESSION_OK;
        char hash[65];
        token_hash(token, hash);
        struct db_stmt *s = db_prepare(db, "DELETE FROM session WHERE token_hash = ?1");
        if (!s)
                return SESSION_DB_ERROR;
        db_bind_text(s, 1, hash);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? SESSION_OK : SESSION_DB_ERROR;
}

int session_delete_others(struct db *db, int64_t member_id, const char *keep_token)
{
        char hash[65] = "";
        if (keep_token && token_well_formed(keep_token))
                token_hash(keep_token, hash);
        struct db_stmt *s =
            db_prepare(db, "DELETE FROM session WHERE member_id = ?1 AND token_hash <> ?2");
        if (!s)
                return SESSION_DB_ERROR;
        db_bind_int(s, 1, member_id);
        db_bind_text(s, 2, hash);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? SESSION_OK : SESSION_DB_ERROR;
}

int64_t session_purge_expired(struct db *db)
{
        struct db_stmt *s = db_prepare(db, "DELETE FROM session WHERE expires_at <= ?1");
        if (!s)
                return SESSION_DB_ERROR;
        db_bind_int(s, 1, time_now());
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? db_changes(db) : SESSION_DB_ERROR;
}
