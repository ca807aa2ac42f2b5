/* The guest page cache: a fixed table of slots under a read-write lock, a global generation
 * for invalidation, and gzip copies made once per entry. */
#include "http/page_cache.h"
#include "core/alloc.h"
#include "core/buf.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { SLOTS = 1024 };

struct entry {
        char *key;
        char *body;
        size_t len;
        char *gz; /* NULL when gzip would not help */
        size_t gz_len;
        char etag[PAGE_ETAG_SIZE];
        const char *content_type;
        int64_t created;
        unsigned generation;
        struct page_tag tag;
};

struct page_cache {
        pthread_rwlock_t lock;
        struct entry slots[SLOTS];
        size_t bytes, max_bytes;
        int ttl_s;
        atomic_uint generation;
};

static uint64_t hash_bytes(const void *data, size_t len)
{
        /* 64-bit FNV-1a over 8-byte words, then a final mix: fast, and plenty for an ETag or a
         * slot (not for anything adversarial). */
        const unsigned char *p = data;
        uint64_t h = 0xcbf29ce484222325ULL;
        size_t i = 0;
        for (; i + 8 <= len; i += 8) {
                uint64_t w;
                memcpy(&w, p + i, 8);
                h = (h ^ w) * 0x100000001b3ULL;
                h ^= h >> 29;
        }
        for (; i < len; i++)
                h = (h ^ p[i]) * 0x100000001b3ULL;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        return h ^ len;
}

void page_etag(const char *body, size_t len, char *etag)
{
        snprintf(etag, PAGE_ETAG_SIZE, "\"k%016llx\"", (unsigned long long)hash_bytes(body, len));
}

int page_gzip(const char *data, size_t len, int level, struct buf *out)
{
        z_stream z;
        memset(&z, 0, sizeof(z));
        if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return -1;
        size_t cap = deflateBound(&z, len);
        buf_reset(out);
        char *dst = xmalloc(cap + 1);
        z.next_in = (Bytef *)data;
        z.avail_in = (uInt)len;
        z.next_out = (Bytef *)dst;
        z.avail_out = (uInt)cap;
        int rc = deflate(&z, Z_FINISH);
        size_t n = cap - z.avail_out;
        deflateEnd(&z);
        if (rc != Z_STREAM_END) {
                free(dst);
                return -1;
        }
        buf_append(out, dst, n);
        free(dst);
        return 0;
}

struct page_cache *page_cache_new(size_t max_bytes, int ttl_s)
{
        struct page_cache *pc = xmalloc(sizeof(*pc));
        memset(pc, 0, sizeof(*pc));
        pthread_rwlock_init(&pc->lock, NULL);
        pc->max_bytes = max_bytes;
        pc->ttl_s = ttl_s;
        atomic_init(&pc->generation, 1);
        return pc;
}

static void entry_clear(struct page_cache *pc, struct entry *e)
{
        pc->bytes -= e->len + e->gz_len;
        free(e->key);
        free(e->body);
        free(e->gz);
        memset(e, 0, sizeof(*e));
}

void page_cache_free(struct page_cache *pc)
{
        if (!pc)
                return;
        for (int i = 0; i < SLOTS; i++)
                entry_clear(pc, &pc->slots[i]);
        pthread_rwlock_destroy(&pc->lock);
        free(pc);
}

void page_cache_invalidate(struct page_cache *pc)
{
        atomic_fetch_add(&pc->generation, 1);
}

bool page_cache_get(struct page_cache *pc, const char *key, int64_t now, bool gzip,
                    struct buf *body, char *etag, const char **content_type, bool *gzipped,
                    struct page_tag *tag)
{
        struct entry *e = &pc->slots[hash_bytes(key, strlen(key)) % SLOTS];
        unsigned gen = atomic_load(&pc->generation);
        bool hit = false;
        pthread_rwlock_rdlock(&pc->lock);
        if (e->key && e->generation == gen && now - e->created < pc->ttl_s &&
            strcmp(e->key, key) == 0) {
                hit = true;
                *gzipped = gzip && e->gz;
                buf_reset(body);
                if (*gzipped)
                        buf_append(body, e->gz, e->gz_len);
                else
                        buf_append(body, e->body, e->len);
                memcpy(etag, e->etag, PAGE_ETAG_SIZE);
                *content_type = e->content_type;
                *tag = e->tag;
        }
        pthread_rwlock_unlock(&pc->lock);
        return hit;
}

unsigned page_cache_generation(struct page_cache *pc)
{
        return atomic_load(&pc->generation);
}

void page_cache_put(struct page_cache *pc, const char *key, int64_t now, unsigned gen,
                    const char *body, size_t len, const char *content_type, char *etag,
                    const struct page_tag *tag)
{
        page_etag(body, len, etag);
        /* compress outside the lock: it is the slow part */
        struct buf gz = BUF_INIT;
        bool have_gz = len > 1024 && page_gzip(body, len, 6, &gz) == 0 && gz.len < len;
        struct entry *e = &pc->slots[hash_bytes(key, strlen(key)) % SLOTS];
        pthread_rwlock_wrlock(&pc->lock);
        size_t need = len + (have_gz ? gz.len : 0);
        size_t freed = e->key ? e->len + e->gz_len : 0;
        /* a write since the page was built: it may already be stale, so do not keep it */
        if (gen == atomic_load(&pc->generation) && pc->bytes - freed + need <= pc->max_bytes) {
                if (e->key)
                        entry_clear(pc, e);
                e->key = strdup(key);
                e->body = xmalloc(len + 1);
                memcpy(e->body, body, len);
                e->len = len;
                if (have_gz) {
                        size_t n;
                        e->gz = buf_detach(&gz, &n);
                        e->gz_len = n;
                }
                memcpy(e->etag, etag, PAGE_ETAG_SIZE);
                e->content_type = content_type;
                e->created = now;
                e->generation = gen;
                e->tag = *tag;
                pc->bytes += need;
        }
        pthread_rwlock_unlock(&pc->lock);
        buf_free(&gz);
}
