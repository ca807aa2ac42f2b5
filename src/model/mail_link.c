/* Signed links for one-click actions in mail (model/mail_link.h). */
#include "model/mail_link.h"
#include "db/db.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int read_key(struct db *db, unsigned char key[MAIL_LINK_KEY_BYTES])
{
        struct db_stmt *s = db_prepare(db, "SELECT value FROM setting WHERE key = 'mail_link_key'");
        if (!s)
                return -1;
        int rc = db_step(s), found = 0;
        if (rc == DB_ROW) {
                size_t len = 0;
                const char *hex = db_col_text(s, 0);
                found = sodium_hex2bin(key, MAIL_LINK_KEY_BYTES, hex, strlen(hex), NULL, &len,
                                       NULL) == 0 &&
                        len == MAIL_LINK_KEY_BYTES;
        }
        db_finish(s);
        return rc == DB_ROW || rc == DB_DONE ? found : -1;
}

int mail_link_key(struct db *db, unsigned char key[MAIL_LINK_KEY_BYTES])
{
        int got = read_key(db, key);
        if (got != 0)
                return got > 0 ? 0 : -1;
        /* First use: offer a random key; of two nodes offering at once, the first one stays. */
        unsigned char fresh[MAIL_LINK_KEY_BYTES];
        char hex[2 * MAIL_LINK_KEY_BYTES + 1];
        randombytes_buf(fresh, sizeof(fresh));
        sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
        struct db_stmt *s = db_prepare(db, "INSERT INTO setting (key, value) VALUES "
                                           "('mail_link_key', ?1) ON CONFLICT (key) DO NOTHING");
        if (!s)
                return -1;
        db_bind_text(s, 1, hex);
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return -1;
        return read_key(db, key) > 0 ? 0 : -1;
}

void mail_link_sign(const unsigned char key[MAIL_LINK_KEY_BYTES], const char *purpose, int64_t id,
                    char out[MAIL_LINK_SIG_CHARS + 1])
{
        char what[96];
        int n = snprintf(what, sizeof(what), "%s\n%" PRId64, purpose, id);
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256(mac, (const unsigned char *)what, (size_t)n, key);
        sodium_bin2base64(out, MAIL_LINK_SIG_CHARS + 1, mac, 16,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool mail_link_verify(struct db *db, const char *purpose, int64_t id, const char *sig)
{
        unsigned char key[MAIL_LINK_KEY_BYTES];
        /* read only: a site that never signed a link has no key, and nothing verifies */
        if (!sig || strlen(sig) != MAIL_LINK_SIG_CHARS || read_key(db, key) <= 0)
                return false;
        char want[MAIL_LINK_SIG_CHARS + 1];
        mail_link_sign(key, purpose, id, want);
        sodium_memzero(key, sizeof(key));
        return sodium_memcmp(want, sig, MAIL_LINK_SIG_CHARS) == 0;
}
