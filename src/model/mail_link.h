/* Signed links that never expire, for mail that may be read months later: unsubscribing from
 * a newsletter or from notification mail in one click, without signing in (docs/mail.md,
 * "Links in mail").
 *
 * A link names what it acts on (purpose and an id, e.g. "unsubscribe" and a subscription's id)
 * and carries a signature: HMAC-SHA-256 under the site's link key, base64url, truncated to
 * 128 bits. Nothing is stored per link, so a fan-out to 100,000 subscribers writes no token
 * rows. The key is made at random the first time it is needed and kept in the setting table
 * ("mail_link_key"), so every node signs alike and an exported site's links keep working after
 * an import. */
#ifndef KD_MAIL_LINK_H
#define KD_MAIL_LINK_H

#include <stdbool.h>
#include <stdint.h>

struct db;

enum {
        MAIL_LINK_KEY_BYTES = 32,
        MAIL_LINK_SIG_CHARS = 22, /* 16 bytes in base64url without padding */
};

/* The site's link key into key (made and stored on first use). 0, or -1 on a database error. */
int mail_link_key(struct db *db, unsigned char key[MAIL_LINK_KEY_BYTES]);

/* The signature of (purpose, id) under key into out. */
void mail_link_sign(const unsigned char key[MAIL_LINK_KEY_BYTES], const char *purpose, int64_t id,
                    char out[MAIL_LINK_SIG_CHARS + 1]);

/* True when sig is (purpose, id)'s signature under the site's key (constant-time compare). */
bool mail_link_verify(struct db *db, const char *purpose, int64_t id, const char *sig);

#endif
