/* What the event recorder needs from storage and from arithmetic (docs/privacy.md): the day's
 * salt for guests' hashes, shared by every node through the database and deleted once its day
 * is over, the guest hash itself, and whether a beacon names an episode readers can see. */
#ifndef KD_RECORDING_H
#define KD_RECORDING_H

#include <sodium.h>
#include <stdint.h>

struct db;

enum { RECORDING_SALT_BYTES = 32 };

/* The salt of day (event_day numbering): created at random when no node made it yet (insert
 * that does nothing on conflict, then read, so every node ends with the same one). Returns 0,
 * or -1 on a storage error. */
int recording_salt(struct db *db, int64_t day, unsigned char salt[RECORDING_SALT_BYTES]);

/* Deletes the salts of every day before today, so no past day's hash can be worked out again.
 * Returns 0 or -1. */
int recording_salt_expire(struct db *db, int64_t today);

/* A guest's hash for day: keyed BLAKE2b (the key is the day's salt) of the day, the client
 * address and the User-Agent, cut to 63 bits; always > 0. addr and user_agent may be NULL
 * (hashed as ""). Pure: the same inputs always give the same hash. */
int64_t recording_guest_hash(const unsigned char salt[RECORDING_SALT_BYTES], int64_t day,
                             const char *addr, const char *user_agent);

/* The same hash in two steps, for a server hashing many guests of one day: the keyed state
 * after the salt and the day is made once and copied for each guest, which saves one of the
 * two BLAKE2b compressions per request. recording_hasher_guest(h, ...) after
 * recording_hasher_init(h, salt, day) equals recording_guest_hash(salt, day, ...). Zero a
 * hasher (sodium_memzero) when its day is over: it holds what the salt gives. */
struct recording_hasher {
        crypto_generichash_state state;
};
void recording_hasher_init(struct recording_hasher *h,
                           const unsigned char salt[RECORDING_SALT_BYTES], int64_t day);
int64_t recording_hasher_guest(const struct recording_hasher *h, const char *addr,
                               const char *user_agent);

/* Whether episode_id names an episode readers see at now (published, its time come); sets
 * *newsletter_id. Returns 1 when it does, 0 when not (unknown, draft, scheduled), -1 on a
 * storage error. */
int recording_live_episode(struct db *db, int64_t episode_id, int64_t now, int64_t *newsletter_id);

#endif
