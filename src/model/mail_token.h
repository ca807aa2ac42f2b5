/* Single-use links sent by mail: confirming an address (sign-up, a guest's subscription, a new
 * address), resetting a password (docs/mail.md, "Links in mail").
 *
 * mail_token_create makes a random 256-bit token (core/token.h) and stores only its BLAKE2b
 * hash, with what the link is for (purpose), whose it is (member_id, email), what the feature
 * needs when it is used (payload) and when it stops working. The caller puts the token in the
 * link it mails, inside the transaction that queues the mail.
 *
 * A link page answers a GET with mail_token_peek (nothing changes: mail scanners that open
 * links use nothing up) and acts on a POST with mail_token_take, which marks the token used in
 * the same statement that checks it, so two clicks at once use it once. */
#ifndef KD_MAIL_TOKEN_H
#define KD_MAIL_TOKEN_H

#include "core/token.h"

#include <stdint.h>

struct arena;
struct db;

enum mail_token_result {
        MAIL_TOKEN_OK = 0,
        MAIL_TOKEN_UNKNOWN = -1, /* no such token for this purpose (or malformed) */
        MAIL_TOKEN_EXPIRED = -2,
        MAIL_TOKEN_USED = -3,
        MAIL_TOKEN_DB_ERROR = -4,
        MAIL_TOKEN_TOO_LARGE = -5, /* a payload over KD_MAIL_TOKEN_PAYLOAD_MAX (create) */
};

struct mail_token {
        const char *purpose;
        int64_t member_id; /* 0: none */
        const char *email, *payload;
        int64_t created_at, expires_at, used_at; /* used_at 0: not used; using a token sets
                                                    expires_at to that time too */
};

/* Stores a new token for purpose ("signup", "reset", "subscribe", "email_change"...), sent to
 * email, of member_id (0: none), with payload (NULL: ""), working for ttl seconds from now.
 * Writes the token into out. Call inside the transaction that queues the mail. */
enum mail_token_result mail_token_create(struct db *db, const char *purpose, int64_t member_id,
                                         const char *email, const char *payload, int64_t now,
                                         int64_t ttl, char out[TOKEN_CHARS + 1]);

/* Reads the token's row without using it: MAIL_TOKEN_OK (out filled, strings in a) when it
 * would work now, else why not (out filled too, when the row exists). */
enum mail_token_result mail_token_peek(struct db *db, struct arena *a, const char *purpose,
                                       const char *token, int64_t now, struct mail_token *out);

/* Uses the token: MAIL_TOKEN_OK only for the one caller that marks it used (out filled), else
 * why not. Call inside the transaction of what the link does, so a failed change leaves the
 * token usable. */
enum mail_token_result mail_token_take(struct db *db, struct arena *a, const char *purpose,
                                       const char *token, int64_t now, struct mail_token *out);

/* Ends every unused token of member_id for purpose (a new reset link replaces older ones; a
 * changed password ends pending resets). Returns how many, or -1. */
long mail_token_revoke(struct db *db, const char *purpose, int64_t member_id, int64_t now);

/* How many tokens for purpose were made for email since `since` (a per-address limit on
 * mail-causing actions, on top of the rate limits). -1 on error. */
long mail_token_count_since(struct db *db, const char *purpose, const char *email, int64_t since);

/* Deletes tokens used or expired before older_than. Returns how many, or -1. */
long mail_token_purge(struct db *db, int64_t older_than);

#endif
