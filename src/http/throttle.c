/* Failure throttling and fixed-window rate limits over a small locked hash table. */
#include "http/throttle.h"
#include "core/alloc.h"
#include "core/limits.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { KEY_BYTES = 96 };

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
        unsigned free_fails, max_lockout_s, window_s;
};

struct rate_limit {
        struct table t;
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

struct throttle *throttle_new(unsigned free_fails, unsigned max_lockout_s, unsigned window_s)
{
        struct throttle *t = xcalloc(1, sizeof(*t));
        table_init(&t->t);
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
        pthread_mutex_lock(&t->t.lock);
        struct slot *s = table_slot(&t->t, key, true);
        if (s->count == 0 || now - s->first > (int64_t)t->window_s) {
                s->first = now;
                s->count = 0;
                s->locked_until = 0;
        }
        s->count++;
        if (s->count > t->free_fails) {
                /* 2 s, 4 s, 8 s ...: at least two seconds, so a lockout is never shorter than
                 * the one-second clock it is measured with */
                unsigned over = s->count - t->free_fails;
                unsigned lock = over >= 20 ? t->max_lockout_s : 1u << over;
                if (lock > t->max_lockout_s)
                        lock = t->max_lockout_s;
                s->locked_until = now + lock;
        }
        pthread_mutex_unlock(&t->t.lock);
}

void throttle_reset(struct throttle *t, const char *key)
{
        pthread_mutex_lock(&t->t.lock);
        struct slot *s = table_slot(&t->t, key, false);
        if (s)
                memset(s, 0, sizeof(*s));
        pthread_mutex_unlock(&t->t.lock);
}

struct rate_limit *rate_limit_new(unsigned limit, unsigned window_s)
{
        struct rate_limit *r = xcalloc(1, sizeof(*r));
        table_init(&r->t);
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
