/* The recorder's storage and hashing (recording.h): guest salts, guest hashes, beacon targets. */
#include "model/recording.h"
#include "db/db.h"

#include <sodium.h>
#include <string.h>

int recording_salt(struct db *db, int64_t day, unsigned char salt[RECORDING_SALT_BYTES])
{
        unsigned char fresh[RECORDING_SALT_BYTES];
        randombytes_buf(fresh, sizeof(fresh));
        struct db_stmt *st = db_prepare(db, "INSERT INTO insight_salt (day, salt) VALUES (?1, ?2) "
                                            "ON CONFLICT (day) DO NOTHING");
        if (!st)
                return -1;
        db_bind_int(st, 1, day);
        db_bind_blob(st, 2, fresh, sizeof(fresh));
        int rc = db_step(st);
        db_finish(st);
        sodium_memzero(fresh, sizeof(fresh));
        if (rc != DB_DONE)
                return -1;
        st = db_prepare(db, "SELECT salt FROM insight_salt WHERE day = ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, day);
        rc = db_step(st);
        int ok = rc == DB_ROW && db_col_bytes(st, 0) == RECORDING_SALT_BYTES;
        if (ok)
                memcpy(salt, db_col_blob(st, 0), RECORDING_SALT_BYTES);
        db_finish(st);
        return ok ? 0 : -1;
}

int recording_salt_expire(struct db *db, int64_t today)
{
        struct db_stmt *st = db_prepare(db, "DELETE FROM insight_salt WHERE day < ?1");
        if (!st)
                return -1;
        db_bind_int(st, 1, today);
        int rc = db_step(st);
        db_finish(st);
        return rc == DB_DONE ? 0 : -1;
}

void recording_hasher_init(struct recording_hasher *h,
                           const unsigned char salt[RECORDING_SALT_BYTES], int64_t day)
{
        unsigned char day_le[8];
        for (int i = 0; i < 8; i++)
                day_le[i] = (unsigned char)((uint64_t)day >> (8 * i));
        crypto_generichash_init(&h->state, salt, RECORDING_SALT_BYTES, 8);
        crypto_generichash_update(&h->state, day_le, sizeof(day_le));
}

int64_t recording_hasher_guest(const struct recording_hasher *h, const char *addr,
                               const char *user_agent)
{
        crypto_generichash_state s = h->state;
        unsigned char out[8];
        /* Each part ends with a NUL, so "1.2.3.4" + "5x" and "1.2.3.45" + "x" differ. */
        addr = addr ? addr : "";
        user_agent = user_agent ? user_agent : "";
        crypto_generichash_update(&s, (const unsigned char *)addr, strlen(addr) + 1);
        crypto_generichash_update(&s, (const unsigned char *)user_agent, strlen(user_agent) + 1);
        crypto_generichash_final(&s, out, sizeof(out));
        sodium_memzero(&s, sizeof(s));
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
                v |= (uint64_t)out[i] << (8 * i);
        v &= (uint64_t)INT64_MAX;
        return v ? (int64_t)v : 1;
}

int64_t recording_guest_hash(const unsigned char salt[RECORDING_SALT_BYTES], int64_t day,
                             const char *addr, const char *user_agent)
{
        struct recording_hasher h;
        recording_hasher_init(&h, salt, day);
        int64_t v = recording_hasher_guest(&h, addr, user_agent);
        sodium_memzero(&h, sizeof(h));
        return v;
}

int recording_live_episode(struct db *db, int64_t episode_id, int64_t now, int64_t *newsletter_id)
{
        struct db_stmt *st = db_prepare(db, "SELECT newsletter_id FROM episode WHERE id = ?1 AND "
                                            "status <> 'draft' AND publish_at <= ?2");
        if (!st)
                return -1;
        db_bind_int(st, 1, episode_id);
        db_bind_int(st, 2, now);
        int rc = db_step(st);
        if (rc == DB_ROW)
                *newsletter_id = db_col_int(st, 0);
        db_finish(st);
        return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}
