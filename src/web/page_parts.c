/* Shared parts of member pages, kept in memory (web/page_parts.h). */
#include "web/page_parts.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- recording */

void parts_recorder_init(struct parts_recorder *rec, const struct buf *out, struct arena *a)
{
        memset(rec, 0, sizeof(*rec));
        rec->out = out;
        rec->arena = a;
}

struct parts_slot *parts_slot_begin(struct parts_recorder *rec, enum parts_slot_kind kind)
{
        rec->slots = arena_grow(rec->arena, rec->slots, rec->n, &rec->cap, sizeof(*rec->slots));
        struct parts_slot *s = &rec->slots[rec->n++];
        memset(s, 0, sizeof(*s));
        s->kind = kind;
        s->at = rec->out->len;
        return s;
}

void parts_slot_end(struct parts_recorder *rec, struct parts_slot *s)
{
        s->len = rec->out->len - s->at;
}

/* ---------------------------------------------------------------- the cache */

/* A kept part: shared by the cache and the requests splicing it, freed by its last holder. */
struct blob {
        atomic_int holders;
        struct page_part part;
};

struct entry {
        char *key; /* NULL: a free entry */
        unsigned generation;
        int64_t made_at;
        size_t cost;
        struct blob *blob;
};

static struct {
        pthread_mutex_t lock;
        struct entry entries[KD_MEMBER_PARTS_SLOTS];
        size_t bytes; /* bodies and slots held */
        atomic_uint generation;
        atomic_uint_fast64_t serials;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void blob_release(struct blob *b)
{
        if (b && atomic_fetch_sub(&b->holders, 1) == 1) {
                free(b->part.bytes);
                free(b->part.slots);
                free(b);
        }
}

static void entry_clear(struct entry *e)
{
        if (e->key)
                cache.bytes -= e->cost;
        free(e->key);
        blob_release(e->blob);
        memset(e, 0, sizeof(*e));
}

static atomic_int enabled = -1; /* read once: the environment does not change */

void page_parts_disable(void)
{
        atomic_store(&enabled, 0);
}

bool page_parts_enabled(void)
{
        int v = atomic_load(&enabled);
        if (v < 0) {
                const char *env = getenv("KINDRED_MEMBER_PARTS");
                v = !(env && strcmp(env, "off") == 0);
                atomic_store(&enabled, v);
        }
        return v;
}

unsigned page_parts_generation(void)
{
        return atomic_load(&cache.generation);
}

void page_parts_invalidate(void)
{
        atomic_fetch_add(&cache.generation, 1);
}

static bool fresh(const struct entry *e, int64_t now)
{
        return e->key && e->generation == page_parts_generation() &&
               now - e->made_at < KD_PAGE_CACHE_TTL_S;
}

bool page_parts_get(const char *key, int64_t now, struct page_part *out)
{
        bool hit = false;
        pthread_mutex_lock(&cache.lock);
        for (size_t i = 0; i < KD_MEMBER_PARTS_SLOTS; i++) {
                struct entry *e = &cache.entries[i];
                if (!e->key || strcmp(e->key, key) != 0)
                        continue;
                if (!fresh(e, now)) {
                        entry_clear(e);
                        break;
                }
                /* held, not copied: the entry may be replaced while the request splices it */
                atomic_fetch_add(&e->blob->holders, 1);
                *out = e->blob->part;
                out->hold = e->blob;
                hit = true;
                break;
        }
        pthread_mutex_unlock(&cache.lock);
        return hit;
}

void page_parts_release(struct page_part *p)
{
        blob_release(p->hold);
        p->hold = NULL;
}

void page_parts_put(const char *key, int64_t now, unsigned generation, const struct page_part *p)
{
        size_t cost = p->len + p->nslots * sizeof(*p->slots);
        if (cost > KD_MEMBER_PARTS_BYTES / 4) /* one part may not push out most others */
                return;
        struct blob *b = calloc(1, sizeof(*b));
        char *k = strdup(key);
        if (!b || !k)
                abort();             /* out of memory aborts (STYLE.md) */
        atomic_init(&b->holders, 1); /* the cache's */
        b->part = *p;
        b->part.hold = NULL;
        b->part.serial = atomic_fetch_add(&cache.serials, 1) + 1;
        b->part.bytes = malloc(p->len ? p->len : 1);
        b->part.slots = malloc(p->nslots ? p->nslots * sizeof(*p->slots) : 1);
        if (!b->part.bytes || !b->part.slots)
                abort();
        if (p->len) /* a section with nothing drawn has no bytes (NULL) */
                memcpy(b->part.bytes, p->bytes, p->len);
        if (p->nslots) /* shared sections without slots pass none (NULL) */
                memcpy(b->part.slots, p->slots, p->nslots * sizeof(*p->slots));
        struct entry fill = {
            .key = k, .generation = generation, .made_at = now, .cost = cost, .blob = b};
        pthread_mutex_lock(&cache.lock);
        if (generation != page_parts_generation()) { /* built from data a write has changed */
                pthread_mutex_unlock(&cache.lock);
                free(k);
                blob_release(b);
                return;
        }
        /* the same key, a stale or free entry, else the oldest; then the oldest until it fits */
        struct entry *to = NULL;
        for (size_t i = 0; i < KD_MEMBER_PARTS_SLOTS && !to; i++)
                if (cache.entries[i].key && strcmp(cache.entries[i].key, key) == 0)
                        to = &cache.entries[i];
        for (size_t i = 0; i < KD_MEMBER_PARTS_SLOTS && !to; i++)
                if (!fresh(&cache.entries[i], now))
                        to = &cache.entries[i];
        if (!to) {
                to = &cache.entries[0];
                for (size_t i = 1; i < KD_MEMBER_PARTS_SLOTS; i++)
                        if (cache.entries[i].made_at < to->made_at)
                                to = &cache.entries[i];
        }
        entry_clear(to);
        while (cache.bytes + cost > KD_MEMBER_PARTS_BYTES) {
                struct entry *oldest = NULL;
                for (size_t i = 0; i < KD_MEMBER_PARTS_SLOTS; i++)
                        if (cache.entries[i].key &&
                            (!oldest || cache.entries[i].made_at < oldest->made_at))
                                oldest = &cache.entries[i];
                if (!oldest)
                        break;
                entry_clear(oldest);
        }
        *to = fill;
        cache.bytes += cost;
        pthread_mutex_unlock(&cache.lock);
}
