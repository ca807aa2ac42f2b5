/* Single-use mailed links: tokens kept as hashes (model/mail_token.h). */
#include "model/mail_token.h"
#include "core/arena.h"
#include "core/limits.h"
#include "db/db.h"

#include <sodium.h>
#include <string.h>

static void hash_token(const char *token, char out[65])
{
        unsigned char h[32];
        crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
        sodium_bin2hex(out, 65, h, sizeof(h));
}

enum mail_token_result mail_token_create(struct db *db, const char *purpose, int64_t member_id,
                                         const char *email, const char *payload, int64_t now,
                                         int64_t ttl, char out[TOKEN_CHARS + 1])
{
        if (payload && strlen(payload) > KD_MAIL_TOKEN_PAYLOAD_MAX)
                return MAIL_TOKEN_TOO_LARGE;
        char hash[65];
        token_new(out);
        hash_token(out, hash);
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO mail_token (token_hash, purpose, member_id, email, payload, "
                "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!s)
                return MAIL_TOKEN_DB_ERROR;
        db_bind_text(s, 1, hash);
        db_bind_text(s, 2, purpose);
        if (member_id > 0)
                db_bind_int(s, 3, member_id);
        else
                db_bind_null(s, 3);
        db_bind_text(s, 4, email ? email : "");
        db_bind_text(s, 5, payload ? payload : "");
        db_bind_int(s, 6, now);
        db_bind_int(s, 7, now + ttl);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? MAIL_TOKEN_OK : MAIL_TOKEN_DB_ERROR;
}

#define TOKEN_COLUMNS                                                                              \
        "purpose, COALESCE(member_id, 0), email, payload, created_at, expires_at, "                \
        "COALESCE(used_at, 0)"

static void read_row(struct db_stmt *s, struct arena *a, struct mail_token *out)
{
        out->purpose = arena_strdup(a, db_col_text(s, 0));
        out->member_id = db_col_int(s, 1);
        out->email = arena_strdup(a, db_col_text(s, 2));
        out->payload = arena_strdup(a, db_col_text(s, 3));
        out->created_at = db_col_int(s, 4);
        out->expires_at = db_col_int(s, 5);
        out->used_at = db_col_int(s, 6);
}

static enum mail_token_result state_of(const struct mail_token *t, int64_t now)
{
        if (t->used_at)
                return MAIL_TOKEN_USED;
        if (t->expires_at <= now)
                return MAIL_TOKEN_EXPIRED;
        return MAIL_TOKEN_OK;
}

enum mail_token_result mail_token_peek(struct db *db, struct arena *a, const char *purpose,
                                       const char *token, int64_t now, struct mail_token *out)
{
        memset(out, 0, sizeof(*out));
        if (!token || !token_well_formed(token))
                return MAIL_TOKEN_UNKNOWN;
        char hash[65];
        hash_token(token, hash);
        struct db_stmt *s = db_prepare(
            db, "SELECT " TOKEN_COLUMNS " FROM mail_token WHERE token_hash = ?1 AND purpose = ?2");
        if (!s)
                return MAIL_TOKEN_DB_ERROR;
        db_bind_text(s, 1, hash);
        db_bind_text(s, 2, purpose);
        int rc = db_step(s);
        enum mail_token_result r = MAIL_TOKEN_UNKNOWN;
        if (rc == DB_ROW) {
                read_row(s, a, out);
                r = state_of(out, now);
        } else if (rc != DB_DONE) {
                r = MAIL_TOKEN_DB_ERROR;
        }
        db_finish(s);
        return r;
}

enum mail_token_result mail_token_take(struct db *db, struct arena *a, const char *purpose,
                                       const char *token, int64_t now, struct mail_token *out)
{
        memset(out, 0, sizeof(*out));
        if (!token || !token_well_formed(token))
                return MAIL_TOKEN_UNKNOWN;
        char hash[65];
        hash_token(token, hash);
        /* The check and the mark are one statement: of two clicks at once, one gets the row. */
        struct db_stmt *s =
            db_prepare(db, "UPDATE mail_token SET used_at = ?3, expires_at = ?3 WHERE token_hash = "
                           "?1 AND purpose = ?2 AND "
                           "used_at IS NULL AND expires_at > ?3 RETURNING " TOKEN_COLUMNS);
        if (!s)
                return MAIL_TOKEN_DB_ERROR;
        db_bind_text(s, 1, hash);
        db_bind_text(s, 2, purpose);
        db_bind_int(s, 3, now);
        int rc = db_step(s);
        if (rc == DB_ROW) {
                read_row(s, a, out);
                db_finish(s);
                return MAIL_TOKEN_OK;
        }
        db_finish(s);
        if (rc != DB_DONE)
                return MAIL_TOKEN_DB_ERROR;
        /* Not taken: say why. */
        enum mail_token_result r = mail_token_peek(db, a, purpose, token, now, out);
        return r == MAIL_TOKEN_OK ? MAIL_TOKEN_USED : r;
}

long mail_token_revoke(struct db *db, const char *purpose, int64_t member_id, int64_t now)
{
        struct db_stmt *s = db_prepare(db, "UPDATE mail_token SET used_at = ?3, expires_at = ?3 "
                                           "WHERE member_id = ?1 AND purpose = ?2 AND "
                                           "used_at IS NULL");
        if (!s)
                return -1;
        db_bind_int(s, 1, member_id);
        db_bind_text(s, 2, purpose);
        db_bind_int(s, 3, now);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? (long)db_changes(db) : -1;
}

long mail_token_count_since(struct db *db, const char *purpose, const char *email, int64_t since)
{
        struct db_stmt *s = db_prepare(db, "SELECT count(*) FROM mail_token WHERE email = ?1 AND "
                                           "purpose = ?2 AND created_at >= ?3");
        if (!s)
                return -1;
        db_bind_text(s, 1, email);
        db_bind_text(s, 2, purpose);
        db_bind_int(s, 3, since);
        long n = db_step(s) == DB_ROW ? (long)db_col_int(s, 0) : -1;
        db_finish(s);
        return n;
}

long mail_token_purge(struct db *db, int64_t older_than)
{
        struct db_stmt *s = db_prepare(
            db, "DELETE FROM mail_token WHERE expires_at < ?1"); /* using one ends it too */
        if (!s)
                return -1;
        db_bind_int(s, 1, older_than);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_DONE ? (long)db_changes(db) : -1;
}
