/* Failure throttling and fixed-window rate limits over a small locked hash table. */
#include "http/throttle.h"
#include "core/alloc.h"
#include "core/limits.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KEY_BYTES = 96, STORE_KEY_BYTES = 160 };

static const struct limit_store *store;

void limits_use_store(const struct limit_store *s)
{
        store = s;
}

struct slot {
        char key[KEY_BYTES];
        int64_t first;        /* window start */
        int64_t locked_until; /* throttle only */
        unsigned count;
};

struct table {
        pthread_mutex_t lock;
        struct slot *slots;
        size_t nslots;
};

struct throttle {
        struct table t;
        const char *name;
        unsigned free_fails, max_lockout_s, window_s;
};

struct rate_limit {
        struct table t;
        const char *name;
        unsigned limit, window_s;
};

static void table_init(struct table *t)
{
        pthread_mutex_init(&t->lock, NULL);
        t->nslots = KD_THROTTLE_SLOTS;
        t->slots = xcalloc(t->nslots, sizeof(struct slot));
}

static void table_destroy(struct table *t)
{
        pthread_mutex_destroy(&t->lock);
        free(t->slots);
}

static uint64_t hash_key(const char *k)
{
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (; *k; k++)
                h = (h ^ (unsigned char)*k) * 1099511628211ull;
        return h;
}

/* Finds key's slot, or claims one: an empty one, one for the same key, or else the slot in the
 * probe range whose window started longest ago (eviction keeps memory bounded). Lock held. */
static struct slot *table_slot(struct table *t, const char *key, bool create)
{
        size_t start = hash_key(key) % t->nslots;
        struct slot *oldest = NULL;
        for (size_t i = 0; i < 16; i++) {
                struct slot *s = &t->slots[(start + i) % t->nslots];
                if (s->key[0] && strncmp(s->key, key, KEY_BYTES - 1) == 0)
                        return s;
                if (!s->key[0]) {
                        if (!oldest || oldest->key[0])
                                oldest = s;
                } else if (!oldest || (oldest->key[0] && s->first < oldest->first)) {
                        oldest = s;
                }
        }
        if (!create)
                return NULL;
        memset(oldest, 0, sizeof(*oldest));
        strncpy(oldest->key, key, KEY_BYTES - 1);
        return oldest;
}

/* "<name>|<key>" into out; false when it does not fit (then counted in memory). */
static bool store_key(char *out, const char *name, const char *key)
{
        return (size_t)snprintf(out, STORE_KEY_BYTES, "%s|%s", name, key) < STORE_KEY_BYTES;
}

unsigned throttle_lockout(unsigned fails, unsigned free_fails, unsigned max_lockout_s)
{
        if (fails <= free_fails)
                return 0;
        /* 2 s, 4 s, 8 s ...: at least two seconds, so a lockout is never shorter than the
         * one-second clock it is measured with */
        unsigned over = fails - free_fails;
        unsigned lock = over >= 20 ? max_lockout_s : 1u << over;
        return lock > max_lockout_s ? max_lockout_s : lock;
}

struct throttle *throttle_new(const char *name, unsigned free_fails, unsigned max_lockout_s,
                              unsigned window_s)
{
        struct throttle *t = xcalloc(1, sizeof(*t));
        table_init(&t->t);
        t->name = name;
        t->free_fails = free_fails;
        t->max_lockout_s = max_lockout_s;
        t->window_s = window_s;
        return t;
}

void throttle_free(struct throttle *t)
{
        if (!t)
                return;
        table_destroy(&t->t);
        free(t);
}

unsigned throttle_check(struct throttle *t, const char *key, int64_t now)
{
        char k[STORE_KEY_BYTES];
        if (store && store_key(k, t->name, key)) {
                long w = store->throttle_check(store->ctx, k, now);
                if (w >= 0)
                        return (unsigned)w;
        }
        unsigned wait = 0;
        pthread_mutex_lock(&t->t.lock);
        struct slot *s = table_slot(&t->t, key, false);
        if (s && s->locked_until > now)
                wait = (unsigned)(s->locked_until - now);
        pthread_mutex_unlock(&t->t.lock);
        return wait;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now)
{
        char k[STORE_KEY_BYTES];
        if (store && store_key(k, t->name, key) &&
            store->throttle_fail(store->ctx, k, t->free_fails, t->max_lockout_s, t->window_s,
                                 now) == 0)
                return;
        pthread_mutex_lock(&t->t.lock);
        struct slot *s = table_slot(&t->t, key, true);
        if (s->count == 0 || now - s->first > (int64_t)t->window_s) {
                s->first = now;
                s->count = 0;
                s->locked_until = 0;
        }
        s->count++;
        unsigned lock = throttle_lockout(s->count, t->free_fails, t->max_lockout_s);
        if (lock)
                s->locked_until = now + lock;
        pthread_mutex_unlock(&t->t.lock);
}

void throttle_reset(struct throttle *t, const char *key)
{
        char k[STORE_KEY_BYTES];
        if (store && store_key(k, t->name, key))
                store->throttle_reset(store->ctx, k); /* and in memory, should it count there */
        pthread_mutex_lock(&t->t.lock);
        struct slot *s = table_slot(&t->t, key, false);
        if (s)
                memset(s, 0, sizeof(*s));
        pthread_mutex_unlock(&t->t.lock);
}

struct rate_limit *rate_limit_new(const char *name, unsigned limit, unsigned window_s)
{
        struct rate_limit *r = xcalloc(1, sizeof(*r));
        table_init(&r->t);
        r->name = name;
        r->limit = limit;
        r->window_s = window_s;
        return r;
}

void rate_limit_free(struct rate_limit *r)
{
        if (!r)
                return;
        table_destroy(&r->t);
        free(r);
}

unsigned rate_limit_hit(struct rate_limit *r, const char *key, int64_t now)
{
        char k[STORE_KEY_BYTES];
        if (store && store_key(k, r->name, key)) {
                long w = store->rate_hit(store->ctx, k, r->limit, r->window_s, now);
                if (w >= 0)
                        return (unsigned)w;
        }
        unsigned wait = 0;
        pthread_mutex_lock(&r->t.lock);
        struct slot *s = table_slot(&r->t, key, true);
        if (s->count == 0 || now - s->first >= (int64_t)r->window_s) {
                s->first = now;
                s->count = 0;
        }
        if (s->count >= r->limit)
                wait = (unsigned)(s->first + r->window_s - now);
        else
                s->count++;
        pthread_mutex_unlock(&r->t.lock);
        return wait ? wait : 0;
}
