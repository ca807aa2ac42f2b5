/* Sessions, saved languages and header counts in memory, invalidated by stamp; see the header. */
#include "http/member_cache.h"
#include "core/alloc.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One lock guards every LOCKS-th slot: requests for different sessions rarely wait for each
 * other, and the locks cost 64 × 40 bytes. */
enum { LOCKS = 64, KEY_BYTES = 32 };

#define COUNTER_FILE "kindred.members"

struct slot {
        /* BLAKE2b of the cookie token: the token itself is not kept */
        unsigned char key[KEY_BYTES];
        bool used;
        bool has_counts;
        uint64_t stamp;         /* the counts' and clean pages' (member_cache_stamp) */
        uint64_t session_stamp; /* the session's (member_cache_session_stamp) */
        struct member_cached v;
        struct member_counts counts;
        /* kept pages that showed this member nothing of their own (member_cache_clean) */
        struct {
                uint64_t serial;
                int64_t episode_id;
        } clean[KD_MEMBER_CLEAN_PAGES];
        unsigned next_clean;
};

static struct {
        bool on;
        bool strict;
        struct slot *slots;
        pthread_mutex_t locks[LOCKS];
        atomic_uint_fast64_t local; /* this process's writes and other nodes' notices */
        /* writes that changed sessions or members, other nodes' notices (forget_all) */
        atomic_uint_fast64_t sessions;
        /* The CLI's changes: a counter in a shared mapping of DATA/kindred.members, or the
         * unused `none` when there is no file. */
        _Atomic uint64_t *outside;
        _Atomic uint64_t none;
        atomic_uint_fast64_t hits, misses;
} mc = {.outside = &mc.none};

/* ---------------------------------------------------------------- the counter file */

/* Opens (creating when asked) the counter file and maps its 8 bytes; NULL when it cannot. */
static _Atomic uint64_t *map_counter(const char *data_dir, bool create)
{
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/" COUNTER_FILE, data_dir) >= sizeof(path))
                return NULL;
        int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0640);
        if (fd < 0) {
                if (create || errno != ENOENT)
                        log_error("members: cannot open %s: %s", path, strerror(errno));
                return NULL;
        }
        struct stat st;
        void *p = MAP_FAILED;
        if (fstat(fd, &st) == 0 &&
            (st.st_size >= (off_t)sizeof(uint64_t) || ftruncate(fd, sizeof(uint64_t)) == 0))
                p = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
                log_error("members: cannot map %s: %s", path, strerror(errno));
        close(fd); /* the mapping stays */
        return p == MAP_FAILED ? NULL : p;
}

int member_cache_announce(const char *data_dir)
{
        _Atomic uint64_t *counter = map_counter(data_dir, false);
        if (!counter)
                return errno == ENOENT ? 0 : -1;
        /* a shared mapping of one file: the server's next load sees this store */
        atomic_fetch_add(counter, 1);
        munmap((void *)counter, sizeof(uint64_t));
        return 0;
}

/* ---------------------------------------------------------------- life */

int member_cache_start(const char *data_dir, bool strict)
{
        if (mc.on)
                return 0;
        if (data_dir) {
                _Atomic uint64_t *counter = map_counter(data_dir, true);
                if (!counter)
                        return -1;
                mc.outside = counter;
        }
        mc.slots = xcalloc(KD_MEMBER_CACHE_SLOTS, sizeof(struct slot));
        for (int i = 0; i < LOCKS; i++)
                pthread_mutex_init(&mc.locks[i], NULL);
        mc.strict = strict;
        mc.on = true;
        return 0;
}

void member_cache_stop(void)
{
        if (!mc.on)
                return;
        /* how well it served, for operators and benchmarks */
        log_info("members: %llu requests' sessions from memory, %llu read from the database",
                 (unsigned long long)atomic_load(&mc.hits),
                 (unsigned long long)atomic_load(&mc.misses));
        mc.on = false;
        for (int i = 0; i < LOCKS; i++)
                pthread_mutex_destroy(&mc.locks[i]);
        sodium_memzero(mc.slots, KD_MEMBER_CACHE_SLOTS * sizeof(struct slot));
        free(mc.slots);
        mc.slots = NULL;
        if (mc.outside != &mc.none)
                munmap((void *)mc.outside, sizeof(uint64_t));
        mc.outside = &mc.none;
}

bool member_cache_on(void)
{
        return mc.on;
}

bool member_cache_strict(void)
{
        return mc.strict;
}

/* ---------------------------------------------------------------- lookups */

uint64_t member_cache_stamp(void)
{
        /* Both only grow, so their sum stays put exactly while neither moves. */
        return atomic_load(&mc.local) + atomic_load(mc.outside);
}

uint64_t member_cache_session_stamp(void)
{
        return atomic_load(&mc.sessions) + atomic_load(mc.outside);
}

void member_cache_forget_all(void)
{
        atomic_fetch_add(&mc.sessions, 1);
        atomic_fetch_add(&mc.local, 1);
}

void member_cache_forget_counts(void)
{
        atomic_fetch_add(&mc.local, 1);
}

/* The slot of a token, its key, and its lock (locked on return). */
static struct slot *slot_locked(const char *token, unsigned char key[KEY_BYTES])
{
        crypto_generichash(key, KEY_BYTES, (const unsigned char *)token, strlen(token), NULL, 0);
        uint64_t h;
        memcpy(&h, key, sizeof(h));
        size_t i = (size_t)(h % KD_MEMBER_CACHE_SLOTS);
        pthread_mutex_lock(&mc.locks[i % LOCKS]);
        return &mc.slots[i];
}

static void slot_unlock(const struct slot *s)
{
        pthread_mutex_unlock(&mc.locks[(size_t)(s - mc.slots) % LOCKS]);
}

static bool holds(const struct slot *s, const unsigned char key[KEY_BYTES])
{
        return s->used && sodium_memcmp(s->key, key, KEY_BYTES) == 0;
}

bool member_cache_get(const char *token, int64_t now, struct member_cached *out,
                      struct member_counts *counts, bool *has_counts)
{
        if (!mc.on || !token)
                return false;
        unsigned char key[KEY_BYTES];
        uint64_t stamp = member_cache_stamp(), session_stamp = member_cache_session_stamp();
        struct slot *s = slot_locked(token, key);
        bool live = holds(s, key) && s->session_stamp == session_stamp && now < s->v.expires_at;
        if (live) {
                *out = s->v;
                bool counted = s->has_counts && s->stamp == stamp;
                if (counts && counted)
                        *counts = s->counts;
                if (has_counts)
                        *has_counts = counted;
        }
        slot_unlock(s);
        atomic_fetch_add(live ? &mc.hits : &mc.misses, 1);
        return live;
}

void member_cache_put(const char *token, uint64_t stamp, uint64_t session_stamp,
                      const struct member_cached *in)
{
        /* a counts' stamp that moved meanwhile only leaves the entry without counts */
        if (!mc.on || !token || session_stamp != member_cache_session_stamp())
                return;
        unsigned char key[KEY_BYTES];
        struct slot *s = slot_locked(token, key);
        memcpy(s->key, key, KEY_BYTES);
        s->used = true;
        s->stamp = stamp;
        s->session_stamp = session_stamp;
        s->v = *in;
        s->has_counts = false;
        memset(s->clean, 0, sizeof(s->clean));
        slot_unlock(s);
}

/* A live session's entry whose counts and clean pages are older than stamp (a write since
 * left the session as it was): they are dropped, and what is read after stamp may be added. */
static void restamp(struct slot *s, uint64_t stamp)
{
        if (s->stamp == stamp)
                return;
        s->stamp = stamp;
        s->has_counts = false;
        memset(s->clean, 0, sizeof(s->clean));
}

void member_cache_put_counts(const char *token, uint64_t stamp, const struct member_counts *c)
{
        if (!mc.on || !token || stamp != member_cache_stamp())
                return;
        unsigned char key[KEY_BYTES];
        struct slot *s = slot_locked(token, key);
        if (holds(s, key) && s->session_stamp == member_cache_session_stamp()) {
                restamp(s, stamp);
                s->counts = *c;
                s->has_counts = true;
        }
        slot_unlock(s);
}

void member_cache_seen(const char *token, int64_t now)
{
        if (!mc.on || !token)
                return;
        unsigned char key[KEY_BYTES];
        struct slot *s = slot_locked(token, key);
        if (holds(s, key))
                s->v.last_seen_at = now;
        slot_unlock(s);
}

bool member_cache_view(const char *token, uint64_t stamp, int64_t episode_id, uint64_t serial)
{
        if (!mc.on || !token)
                return false;
        unsigned char key[KEY_BYTES];
        struct slot *s = slot_locked(token, key);
        bool clean = false;
        if (holds(s, key)) {
                for (int i = 0; i < KD_MEMBER_CLEAN_PAGES; i++) {
                        if (s->clean[i].episode_id != episode_id)
                                memset(&s->clean[i], 0, sizeof(s->clean[i]));
                        else if (serial && s->clean[i].serial == serial)
                                clean = true;
                }
                clean = clean && s->stamp == stamp && stamp == member_cache_stamp();
        }
        slot_unlock(s);
        return clean;
}

void member_cache_note_clean(const char *token, uint64_t stamp, uint64_t serial, int64_t episode_id)
{
        if (!mc.on || !token || !serial || stamp != member_cache_stamp())
                return;
        unsigned char key[KEY_BYTES];
        struct slot *s = slot_locked(token, key);
        if (holds(s, key) && s->session_stamp == member_cache_session_stamp()) {
                restamp(s, stamp);
                unsigned i = s->next_clean++ % KD_MEMBER_CLEAN_PAGES;
                s->clean[i].serial = serial;
                s->clean[i].episode_id = episode_id;
        }
        slot_unlock(s);
}
