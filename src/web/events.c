/* Events from requests (events.h, docs/privacy.md): who the actor is and whether to record at
 * all, the episode page's view and beacon parts, and the beacon routes. */
#include "web/events.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "model/episode.h"
#include "model/event_queue.h"
#include "model/recording.h"
#include "web/render.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ who is recorded */

/* Substrings (lower case) of the User-Agents that are not a person reading: crawlers and
 * archivers, link-preview fetchers of chat and social apps, uptime monitors and speed tests,
 * HTTP libraries and command-line tools, and AI fetchers. "HeadlessChrome" is deliberately not
 * here: real people's tools and our own browser tests use it, and the beacons tell the rest
 * apart (docs/privacy.md). Keep this list and the one in docs/privacy.md the same. */
static const char *const bot_marks[] = {
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "ia_archiver",
    "fetcher",
    "scraper",
    "scrapy",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "embedly",
    "whatsapp",
    "skypeuripreview",
    "vkshare",
    "pinterest",
    "outbrain",
    "flipboard",
    "tumblr",
    "monitor",
    "uptime",
    "pingdom",
    "statuscake",
    "site24x7",
    "newrelic",
    "datadog",
    "nagios",
    "zabbix",
    "check_http",
    "lighthouse",
    "pagespeed",
    "gtmetrix",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "httpx",
    "go-http-client",
    "java/",
    "okhttp",
    "apache-httpclient",
    "libwww-perl",
    "node-fetch",
    "axios",
    "undici",
    "postmanruntime",
    "insomnia",
    "httpie",
    "chatgpt",
    "gptbot",
    "claude",
    "anthropic",
    "perplexity",
    "cohere",
    "zgrab",
    "masscan",
    "nmap",
    "nikto",
    "sqlmap",
    "httrack",
    "phantomjs",
    "feedly",
};

/* The marks by their first letter, so each byte of a User-Agent is compared only with the marks
 * that could start there (a few hundred nanoseconds instead of a pass per mark). */
enum { NMARKS = sizeof(bot_marks) / sizeof(bot_marks[0]) };
static unsigned char marks_from[256][16]; /* indexes + 1 of the marks starting with a byte */
static pthread_once_t marks_once = PTHREAD_ONCE_INIT;

static void marks_index(void)
{
        for (size_t i = 0; i < NMARKS; i++) {
                unsigned char c = (unsigned char)bot_marks[i][0];
                size_t k = 0;
                while (marks_from[c][k])
                        k++;
                assert(k < sizeof(marks_from[c]) - 1);
                marks_from[c][k] = (unsigned char)(i + 1);
        }
}

bool events_is_bot(const char *user_agent)
{
        if (!user_agent || !*user_agent)
                return true;
        pthread_once(&marks_once, marks_index);
        /* Marks appear early in real User-Agents; 512 bytes bound the work per request. */
        char low[512];
        size_t n = 0;
        for (; user_agent[n] && n < sizeof(low) - 1; n++)
                low[n] = (char)tolower((unsigned char)user_agent[n]);
        low[n] = '\0';
        for (size_t i = 0; i < n; i++) {
                const unsigned char *m = marks_from[(unsigned char)low[i]];
                for (; *m; m++) {
                        const char *mark = bot_marks[*m - 1];
                        size_t len = strlen(mark);
                        if (len <= n - i && memcmp(low + i, mark, len) == 0)
                                return true;
                }
        }
        return false;
}

static bool header_is_one(struct request *req, const char *name)
{
        const char *v = req_header(req, name);
        return v && strcmp(v, "1") == 0;
}

/* The day's salt, kept in memory for the day as the hasher it keys (recording.h); the database
 * is asked once a day per server. */
static struct {
        pthread_mutex_t lock;
        int64_t day;
        bool have;
        struct recording_hasher hasher;
} salt_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Today's hash of this guest, or 0 when the day's salt cannot be had (logged). */
static int64_t guest_hash(struct request *req, int64_t day, const char *ua)
{
        pthread_mutex_lock(&salt_cache.lock);
        bool hit = salt_cache.have && salt_cache.day == day;
        int64_t h = hit ? recording_hasher_guest(&salt_cache.hasher, req->client_ip, ua) : 0;
        pthread_mutex_unlock(&salt_cache.lock);
        if (hit)
                return h;
        unsigned char salt[RECORDING_SALT_BYTES];
        if (!req->db || recording_salt(req->db, day, salt) != 0) {
                log_error("events: no guest salt for day %lld; the guest is not recorded",
                          (long long)day);
                return 0;
        }
        struct recording_hasher fresh;
        recording_hasher_init(&fresh, salt, day);
        sodium_memzero(salt, sizeof(salt));
        h = recording_hasher_guest(&fresh, req->client_ip, ua);
        pthread_mutex_lock(&salt_cache.lock);
        if (!salt_cache.have || salt_cache.day < day) {
                /* the old day's salt leaves memory as it leaves the database */
                salt_cache.hasher = fresh;
                salt_cache.day = day;
                salt_cache.have = true;
        }
        pthread_mutex_unlock(&salt_cache.lock);
        sodium_memzero(&fresh, sizeof(fresh));
        return h;
}

void events_record(struct request *req, enum event_kind kind, int64_t newsletter_id,
                   int64_t episode_id, int64_t other_id, int64_t item_id)
{
        if (!req->config || !req->config->insights || req->method == HTTP_HEAD)
                return;
        struct event e = {
            .at = time_now(),
            .kind = kind,
            .newsletter_id = newsletter_id,
            .episode_id = episode_id,
            .other_id = other_id,
            .item_id = item_id,
        };
        if (req->viewer.id > 0) {
                e.member_id = req->viewer.id;
                event_record(&e);
                return;
        }
        if (kind != EVENT_VIEW && kind != EVENT_SEEN && kind != EVENT_READ)
                return;
        if (header_is_one(req, "Sec-GPC") || header_is_one(req, "DNT"))
                return;
        const char *ua = req_header(req, "User-Agent");
        if (events_is_bot(ua))
                return;
        e.guest = guest_hash(req, event_day(e.at), ua);
        if (e.guest)
                event_record(&e);
}

/* ------------------------------------------------------------------ the episode page */

void events_episode_view(struct request *req, const struct episode *e, bool live)
{
        /* Later pages of the conversation are the same reading, not another view. */
        if (!live || req_has_param(req, "after"))
                return;
        req->page_tag.newsletter_id = e->newsletter_id;
        req->page_tag.episode_id = e->id;
        events_record(req, EVENT_VIEW, e->newsletter_id, e->id, 0, 0);
}

void events_record_cached_view(struct request *req, const struct page_tag *tag)
{
        events_record(req, EVENT_VIEW, tag->newsletter_id, tag->episode_id, 0, 0);
}

static void beacon_image(struct buf *b, int64_t episode_id, const char *kind)
{
        html_lit(b, "<noscript><img class=\"beacon\" src=\"/e/");
        html_int(b, episode_id);
        html_lit(b, "/");
        html_attr(b, kind);
        html_lit(b, ".gif\" alt=\"\" width=\"1\" height=\"1\"></noscript>\n");
}

void events_episode_top(struct render *r, const struct episode *e, bool live)
{
        if (!live || !r->config->insights)
                return;
        struct buf *b = r->out;
        html_lit(b, "<span id=\"kd-reading\" hidden data-episode=\"");
        html_int(b, e->id);
        html_lit(b, "\" data-minutes=\"");
        html_int(b, e->reading_minutes);
        html_lit(b, "\"></span>\n");
        beacon_image(b, e->id, "seen");
}

/* No "read" image inside <noscript> here: the HTML standard turns lazy loading off where
 * scripting is off (so that images cannot track scrolling), and Chromium, measured, then loads
 * a loading="lazy" image with the page: every view without JavaScript would count as a read to
 * the end. Without JavaScript a view (and the "seen" image) is what is known
 * (docs/privacy.md); /e/#/read.gif stays for clients that do know. */
void events_episode_end(struct render *r, const struct episode *e, bool live)
{
        (void)e;
        if (!live || !r->config->insights)
                return;
        html_lit(r->out, "<div class=\"read-marker\" id=\"kd-read-marker\" aria-hidden=\"true\">"
                         "</div>\n");
}

/* ------------------------------------------------------------------ beacons */

/* A transparent 1x1 GIF. */
static const unsigned char pixel_gif[] = {
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
};

/* sendBeacon cannot carry a CSRF token, so a beacon proves it comes from this site's own page
 * the way browsers let it: Sec-Fetch-Site when sent, else an Origin naming the Host. Without
 * either (old browsers, scripts) it is let through: neither header can be forged by a page of
 * another site, and a script could as well fetch the page. */
static bool beacon_same_origin(struct request *req)
{
        const char *site = req_header(req, "Sec-Fetch-Site");
        if (site)
                return strcmp(site, "same-origin") == 0;
        const char *origin = req_header(req, "Origin");
        if (!origin)
                return true;
        const char *host = req_header(req, "Host");
        const char *after = strstr(origin, "://");
        return after && host && *host && strcmp(after + 3, host) == 0;
}

/* Checks and records one beacon. Returns 0 when recorded (or deliberately not: a guest who
 * asked not to be, a bot), else the status the request failed with. */
static int beacon(struct request *req, int64_t episode_id, enum event_kind kind)
{
        if (!beacon_same_origin(req))
                return req_fail(req, 403,
                                N_("This address takes beacons from this site's own "
                                   "pages only."));
        if (req->config->write_limits) {
                char key[80];
                snprintf(key, sizeof(key), "beacon:%s", req->client_ip);
                unsigned wait = rate_limit_hit(req->guards->beacon_by_ip, key, time_now());
                if (wait) {
                        char secs[16];
                        snprintf(secs, sizeof(secs), "%u", wait);
                        resp_header(req, "Retry-After", secs);
                        return req_fail(req, 429,
                                        N_("Too many requests from this address. Wait "
                                           "a moment and try again."));
                }
        }
        int64_t newsletter_id = 0;
        int live = recording_live_episode(req->db, episode_id, time_now(), &newsletter_id);
        if (live < 0)
                return req_fail(req, 503, N_("The database is not available."));
        if (live == 0 || (!req_signed_in(req) && !req->config->guests_can_read))
                return req_fail(req, 404, N_("There is no episode at this address."));
        events_record(req, kind, newsletter_id, episode_id, 0, 0);
        return 0;
}

int web_events_beacon(struct request *req)
{
        const char *kind_name = req_param(req, "kind");
        enum event_kind kind;
        if (strcmp(kind_name, "seen") == 0)
                kind = EVENT_SEEN;
        else if (strcmp(kind_name, "read") == 0)
                kind = EVENT_READ;
        else
                return req_fail(req, 400, N_("A beacon's kind is seen or read."));
        int64_t episode_id = req_param_int(req, "episode", 0);
        if (episode_id <= 0)
                return req_fail(req, 400, N_("A beacon names an episode."));
        int rc = beacon(req, episode_id, kind);
        if (rc)
                return rc;
        return resp_typed(req, 204, "text/plain");
}

static int pixel(struct request *req, enum event_kind kind)
{
        int rc = beacon(req, req_path_id(req, "episode"), kind);
        if (rc)
                return rc;
        buf_append(&req->resp.body, (const char *)pixel_gif, sizeof(pixel_gif));
        /* Every reading asks again, and no shared cache answers for the server. */
        resp_header(req, "Cache-Control", "no-store");
        return resp_typed(req, 200, "image/gif");
}

int web_events_seen_gif(struct request *req)
{
        return pixel(req, EVENT_SEEN);
}

int web_events_read_gif(struct request *req)
{
        return pixel(req, EVENT_READ);
}
