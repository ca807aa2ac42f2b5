/* Sessions: a random 256-bit token in the cookie, only its hash in the database. */
#ifndef KD_SESSION_H
#define KD_SESSION_H

#include "core/role.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

enum {
        SESSION_TOKEN_CHARS = 43,
        SESSION_SEEN_EVERY_S = 60, /* last_seen_at is written at most this often */
};

struct session {
        int64_t member_id;
        const char *handle;
        const char *display_name;
        enum role role;
        const char *csrf_token;
        int64_t expires_at;
        int64_t last_seen_at;
        const char *language; /* the member's saved interface language, NULL when none */
};

enum session_result { SESSION_OK = 0, SESSION_NONE = -1, SESSION_DB_ERROR = -2 };

/* Starts a session for member_id lasting `days`. Writes the cookie token into token (43 chars +
 * NUL). Returns SESSION_OK or SESSION_DB_ERROR. */
int session_create(struct db *db, int64_t member_id, unsigned days,
                   char token[SESSION_TOKEN_CHARS + 1]);
/* Finds the live session for a cookie token: not expired, member not disabled. Strings go into
 * a. Refreshes last_seen_at at most once a minute. Returns SESSION_OK, SESSION_NONE or
 * SESSION_DB_ERROR. */
int session_lookup(struct db *db, struct arena *a, const char *token, struct session *out);
/* True when a session last seen at last_seen_at should be marked seen again at now. */
bool session_seen_due(int64_t last_seen_at, int64_t now);
/* Marks the session for token seen at now, and its member active (best effort), for a session
 * served from memory (http/member_cache.h) that session_lookup did not read. */
void session_seen(struct db *db, const char *token, int64_t member_id, int64_t now);
/* Ends the session for a token (logout). Returns SESSION_OK or SESSION_DB_ERROR. */
int session_delete(struct db *db, const char *token);
/* Ends every session of a member except the one for keep_token (may be NULL: all). */
int session_delete_others(struct db *db, int64_t member_id, const char *keep_token);
/* Deletes expired sessions; returns how many, or a negative error. */
int64_t session_purge_expired(struct db *db);

#endif
