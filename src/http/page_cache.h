/* Whole responses kept in memory for guests: a page every guest sees alike is built once and
 * then served as bytes, with its ETag and a gzip copy made once.
 *
 * Entries live at most a time-to-live (so relative times such as "3 minutes ago" stay close to
 * true) and all of them go stale at once when anything changes (page_cache_invalidate, called
 * after every successful write). Bounded in bytes; an entry that does not fit is not kept.
 * Thread-safe. */
#ifndef KD_PAGE_CACHE_H
#define KD_PAGE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct page_cache;

enum { PAGE_ETAG_SIZE = 24 }; /* "\"k" + 16 hex + "\"" + NUL, rounded up */

/* What a kept page is a view of, so a hit can be recorded as one (web/events.h): set by the
 * page's handler in req->page_tag, stored with the page, handed back on a hit. All zero for
 * pages that are nobody's view. */
struct page_tag {
        int64_t newsletter_id, episode_id;
};

/* Returns a cache holding at most max_bytes of bodies, entries living ttl_s seconds. */
struct page_cache *page_cache_new(size_t max_bytes, int ttl_s);
void page_cache_free(struct page_cache *pc);

/* Looks key up. On a fresh hit copies the body (the gzip copy when gzip is set and one exists,
 * then *gzipped is set) into body, the ETag into etag, the content type (a static string)
 * into *content_type and the page's tag into *tag, and returns true. */
bool page_cache_get(struct page_cache *pc, const char *key, int64_t now, bool gzip,
                    struct buf *body, char *etag, const char **content_type, bool *gzipped,
                    struct page_tag *tag);

/* The current generation: read it before building a page, and hand it to page_cache_put, so a
 * page built from data read before a write is never kept as current. */
unsigned page_cache_generation(struct page_cache *pc);

/* Keeps a copy of body under key (content_type must be a static string) as of generation,
 * with its tag; makes its gzip copy. Writes the body's ETag into etag. Nothing is kept when the
 * cache has moved past that generation meanwhile. */
void page_cache_put(struct page_cache *pc, const char *key, int64_t now, unsigned generation,
                    const char *body, size_t len, const char *content_type, char *etag,
                    const struct page_tag *tag);

/* Makes every entry stale (after a write). */
void page_cache_invalidate(struct page_cache *pc);

/* A strong ETag for body ("\"k<16 hex>\""), written into etag (PAGE_ETAG_SIZE bytes). */
void page_etag(const char *body, size_t len, char *etag);

/* Compresses data as gzip into out (level 1 fast .. 9 small). Returns 0, or -1 when zlib fails
 * (out is then empty). */
int page_gzip(const char *data, size_t len, int level, struct buf *out);

#endif
