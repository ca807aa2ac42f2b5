/* Black-box tests of the insights recorder (docs/privacy.md, "Recording" in docs/insights.md):
 * views by guests and members, views served from the guest page cache, Sec-GPC / DNT and bots
 * recording nothing, the beacons (POST /e and the no-script images) confirming guest readers,
 * beacons refused from other sites, for drafts and unknown episodes, with bad input or too
 * often; events written at a clean stop, and surviving kill -9 with an intact database.
 * Events reach the database within a second (model/event_queue.h), so counts are polled with a
 * deadline. Every test gets a fresh demo site; KD_TEST_FILTER=pattern runs only matching tests. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NL    "learning-in-public"
#define TWO   "/n/" NL "/two-languages-one-team"
#define RETRO "/n/" NL "/the-fifteen-minute-retro"

#define FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
#define CHROME                                                                                     \
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "                  \
        "Chrome/120.0.0.0 Safari/537.36"
#define UA(s) "User-Agent: " s "\r\n"
/* What a browser's sendBeacon from one of the site's pages carries. */
#define SAME_ORIGIN "Sec-Fetch-Site: same-origin\r\nOrigin: http://127.0.0.1\r\n"

enum { WAIT_MS = 5000 };

static long episode_id(const char *slug)
{
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT id FROM episode WHERE slug = '%s'", slug);
        long id = (long)db_int(sql);
        assert_true(id > 0);
        return id;
}

/* Events of kind on episode ep, by guests (guest true) or members. */
static long long events_of(int kind, long ep, bool guest)
{
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM event WHERE kind = %d AND episode_id = %ld AND %s IS NOT "
                 "NULL",
                 kind, ep, guest ? "guest" : "member_id");
        return db_int(sql);
}

static long long wait_events(int kind, long ep, bool guest, long long want)
{
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM event WHERE kind = %d AND episode_id = %ld AND %s IS NOT "
                 "NULL",
                 kind, ep, guest ? "guest" : "member_id");
        return db_int_until(sql, want, WAIT_MS);
}

/* A column of today's insight_day row of episode ep (0 when there is none). */
static long long today(const char *column, long ep)
{
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT coalesce(sum(%s), 0) FROM insight_day WHERE episode_id = %ld AND day = "
                 "%lld",
                 column, ep, (long long)time(NULL) / 86400);
        return db_int(sql);
}

static long long wait_today(const char *column, long ep, long long want)
{
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT coalesce(sum(%s), 0) FROM insight_day WHERE episode_id = %ld AND day = "
                 "%lld",
                 column, ep, (long long)time(NULL) / 86400);
        return db_int_until(sql, want, WAIT_MS);
}

static int guest_get(const char *method, const char *path, const char *headers)
{
        struct http_resp r;
        assert_int_equal(http_do(srv.port, method, path, headers, NULL, NULL, 0, &r), 0);
        int status = r.status;
        resp_free(&r);
        return status;
}

/* POST /e with body (urlencoded) and headers; the status. */
static int beacon(const char *body, const char *headers)
{
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "POST", "/e", headers,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        int status = r.status;
        if (status == 204)
                assert_int_equal(r.body_len, 0);
        resp_free(&r);
        return status;
}

/* ---------------------------------------------------------------- views */

static void guest_views_and_cache_hits(void **state)
{
        (void)state;
        long ep = episode_id("two-languages-one-team");
        long long views = events_of(1, ep, true), visitors = today("visitors", ep);
        long long day_views = today("views", ep);
        /* the demo's reading history may hold a guest's view from the last seconds before the
         * test began: what this test records comes after its last event */
        long long before = db_int("SELECT coalesce(max(id), 0) FROM event");

        /* built once (the page cache keeps it), then served from the cache twice: three views
         * by one guest; a revalidation (304) shows the page again, so it counts too */
        struct http_resp r;
        get_with_headers(TWO, UA(FIREFOX), &r);
        expect_status(&r, 200, "a guest's episode page");
        expect_in(&r, "id=\"kd-reading\" hidden data-episode=\"", "the beacon's data");
        expect_in(&r, "/seen.gif\" alt=\"\" width=\"1\" height=\"1\"></noscript>",
                  "the no-script image");
        expect_in(&r, "id=\"kd-read-marker\"", "the end-of-text marker");
        char etag[64], inm[256];
        header(&r, "ETag", etag, sizeof(etag));
        resp_free(&r);
        assert_int_equal(guest_get("GET", TWO, UA(FIREFOX)), 200);
        snprintf(inm, sizeof(inm), UA(FIREFOX) "If-None-Match: %s\r\n", etag);
        assert_int_equal(guest_get("GET", TWO, inm), 304);
        /* a HEAD is nobody's reading */
        assert_int_equal(guest_get("HEAD", TWO, UA(FIREFOX)), 200);
        assert_int_equal(wait_events(1, ep, true, views + 3), views + 3);
        assert_int_equal(wait_today("views", ep, day_views + 3), day_views + 3);
        assert_int_equal(today("visitors", ep), visitors + 1);
        /* another browser at the same address is another visitor */
        assert_int_equal(guest_get("GET", TWO, UA(CHROME)), 200);
        assert_int_equal(wait_today("visitors", ep, visitors + 2), visitors + 2);
        assert_int_equal(events_of(1, ep, true), views + 4);
        /* one guest hash per browser today, never an address or a User-Agent in the log */
        char recent[160];
        snprintf(recent, sizeof(recent),
                 "SELECT count(DISTINCT guest) FROM event WHERE guest IS NOT NULL AND id > %lld",
                 before);
        assert_int_equal(db_int(recent), 2);
        assert_int_equal(db_int("SELECT count(*) FROM insight_salt"), 1);
        /* later pages of the conversation are the same reading */
        assert_int_equal(guest_get("GET", TWO "?after=1", UA(FIREFOX)), 200);
        sleep(2);
        assert_int_equal(events_of(1, ep, true), views + 4);
}

static void member_views(void **state)
{
        (void)state;
        long ep = episode_id("the-fifteen-minute-retro");
        long long mine = events_of(1, ep, false), member_views = today("member_views", ep);
        struct member sam;
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        get(&sam, RETRO, &r);
        expect_status(&r, 200, "sam's episode page");
        expect_in(&r, "id=\"kd-reading\"", "the beacon's data on a member's page");
        resp_free(&r);
        /* a member is known by id whatever the headers ask (docs/privacy.md) */
        char headers[512];
        jar_header(&sam.jar, headers, sizeof(headers));
        strcat(headers, "DNT: 1\r\nSec-GPC: 1\r\n");
        assert_int_equal(http_do(srv.port, "GET", RETRO, headers, NULL, NULL, 0, &r), 0);
        expect_status(&r, 200, "sam's episode page with DNT");
        resp_free(&r);
        assert_int_equal(wait_events(1, ep, false, mine + 2), mine + 2);
        char sql[200];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM event e JOIN member m ON m.id = e.member_id WHERE "
                 "m.handle = 'sam' AND e.kind = 1 AND e.episode_id = %ld",
                 ep);
        assert_true(db_int(sql) >= 2);
        assert_int_equal(wait_today("member_views", ep, member_views + 2), member_views + 2);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM insight_reader r JOIN member m ON m.id = r.member_id "
                 "WHERE m.handle = 'sam' AND r.episode_id = %ld",
                 ep);
        assert_int_equal(db_int(sql), 1);
        /* a draft shown to its author is nobody's view */
        struct member mira;
        login_as(&mira, "mira", NULL);
        long draft = episode_id("a-letter-to-next-years-team");
        long long draft_views = db_int("SELECT count(*) FROM event WHERE kind = 1 AND "
                                       "episode_id = (SELECT id FROM episode WHERE slug = "
                                       "'a-letter-to-next-years-team')");
        get(&mira, "/n/" NL "/a-letter-to-next-years-team", &r);
        expect_status(&r, 200, "the author's draft");
        expect_not_in(&r, "kd-reading", "no beacon on a draft");
        resp_free(&r);
        sleep(2);
        assert_int_equal(events_of(1, draft, false) + events_of(1, draft, true), draft_views);
}

static void gpc_dnt_and_bots_record_nothing(void **state)
{
        (void)state;
        long ep = episode_id("the-fifteen-minute-retro");
        long long views = events_of(1, ep, true);
        /* the demo's history has guests' beacons of its own */
        long long confirmed = events_of(2, ep, true) + events_of(3, ep, true);
        /* the first is built by the handler, the rest come from the page cache */
        assert_int_equal(guest_get("GET", RETRO, UA(FIREFOX) "Sec-GPC: 1\r\n"), 200);
        assert_int_equal(guest_get("GET", RETRO, UA(FIREFOX) "DNT: 1\r\n"), 200);
        assert_int_equal(guest_get("GET", RETRO, UA("curl/8.5.0")), 200);
        assert_int_equal(guest_get("GET", RETRO, NULL), 200); /* no User-Agent at all */
        assert_int_equal(guest_get("GET", RETRO,
                                   UA("Mozilla/5.0 (compatible; Googlebot/2.1; "
                                      "+http://www.google.com/bot.html)")),
                         200);
        assert_int_equal(guest_get("GET", RETRO, UA("facebookexternalhit/1.1")), 200);
        assert_int_equal(beacon("episode=1&kind=seen", UA(FIREFOX) SAME_ORIGIN "DNT: 1\r\n"), 204);
        assert_int_equal(beacon("episode=1&kind=read", UA("python-requests/2.31") SAME_ORIGIN),
                         204);
        /* DNT: 0 is no request not to be recorded */
        assert_int_equal(guest_get("GET", RETRO, UA(FIREFOX) "DNT: 0\r\n"), 200);
        assert_int_equal(wait_events(1, ep, true, views + 1), views + 1);
        sleep(2); /* the writer had its chance to write anything else */
        assert_int_equal(events_of(1, ep, true), views + 1);
        assert_int_equal(events_of(2, ep, true) + events_of(3, ep, true), confirmed);
}

/* ---------------------------------------------------------------- beacons */

static void beacons_confirm_readers(void **state)
{
        (void)state;
        long ep = episode_id("two-languages-one-team");
        long long readers = today("guest_readers", ep), completions = today("completions", ep);
        long long seen = events_of(2, ep, true), read = events_of(3, ep, true);
        char body[64];
        snprintf(body, sizeof(body), "episode=%ld&kind=seen", ep);
        assert_int_equal(beacon(body, UA(FIREFOX) SAME_ORIGIN), 204);
        snprintf(body, sizeof(body), "episode=%ld&kind=read", ep);
        assert_int_equal(beacon(body, UA(FIREFOX) SAME_ORIGIN), 204);
        /* an older browser sends neither header */
        assert_int_equal(beacon(body, UA(CHROME)), 204);
        assert_int_equal(wait_today("guest_readers", ep, readers + 2), readers + 2);
        assert_int_equal(wait_today("completions", ep, completions + 2), completions + 2);

        /* without JavaScript: the image, never cached */
        char path[64];
        snprintf(path, sizeof(path), "/e/%ld/seen.gif", ep);
        struct http_resp r;
        get_with_headers(path, UA(FIREFOX) "Sec-Fetch-Site: same-origin\r\n", &r);
        expect_status(&r, 200, "the seen image");
        char v[64];
        header(&r, "Content-Type", v, sizeof(v));
        assert_string_equal(v, "image/gif");
        header(&r, "Cache-Control", v, sizeof(v));
        assert_string_equal(v, "no-store");
        assert_int_equal(r.body_len, 43);
        assert_memory_equal(r.body, "GIF89a\x01\x00\x01\x00", 10);
        resp_free(&r);
        snprintf(path, sizeof(path), "/e/%ld/read.gif", ep);
        assert_int_equal(guest_get("GET", path, UA(FIREFOX)), 200);
        assert_int_equal(guest_get("HEAD", path, UA(FIREFOX)), 200); /* not recorded */
        assert_int_equal(wait_events(2, ep, true, seen + 2), seen + 2);
        assert_int_equal(wait_events(3, ep, true, read + 3), read + 3);
        /* one guest (Firefox here) confirmed once a day */
        assert_int_equal(today("guest_readers", ep), readers + 2);

        /* a member's beacon is the member's */
        struct member sam;
        login_as(&sam, "sam", NULL);
        char headers[512];
        jar_header(&sam.jar, headers, sizeof(headers));
        strcat(headers, SAME_ORIGIN);
        long long member_read = events_of(3, ep, false);
        assert_int_equal(beacon(body, headers), 204);
        assert_int_equal(wait_events(3, ep, false, member_read + 1), member_read + 1);
        assert_int_equal(today("guest_readers", ep), readers + 2);
        sleep(2);
        assert_int_equal(events_of(3, ep, true), read + 3);
}

static void beacons_refused(void **state)
{
        (void)state;
        long ep = episode_id("two-languages-one-team");
        long draft = episode_id("a-letter-to-next-years-team");
        long scheduled = episode_id("demo-days-without-the-theatre");
        long long all = db_int("SELECT count(*) FROM event");
        char body[96], path[64];
        snprintf(body, sizeof(body), "episode=%ld&kind=seen", ep);
        /* from another site */
        assert_int_equal(beacon(body, UA(FIREFOX) "Sec-Fetch-Site: cross-site\r\n"), 403);
        assert_int_equal(beacon(body, UA(FIREFOX) "Sec-Fetch-Site: same-site\r\n"), 403);
        assert_int_equal(beacon(body, UA(FIREFOX) "Origin: http://evil.example\r\n"), 403);
        assert_int_equal(beacon(body, UA(FIREFOX) "Origin: null\r\n"), 403);
        snprintf(path, sizeof(path), "/e/%ld/seen.gif", ep);
        assert_int_equal(guest_get("GET", path, UA(FIREFOX) "Sec-Fetch-Site: cross-site\r\n"), 403);
        /* episodes readers do not see, and none */
        snprintf(body, sizeof(body), "episode=%ld&kind=seen", draft);
        assert_int_equal(beacon(body, UA(FIREFOX) SAME_ORIGIN), 404);
        snprintf(body, sizeof(body), "episode=%ld&kind=read", scheduled);
        assert_int_equal(beacon(body, UA(FIREFOX) SAME_ORIGIN), 404);
        assert_int_equal(beacon("episode=999999&kind=seen", UA(FIREFOX) SAME_ORIGIN), 404);
        snprintf(path, sizeof(path), "/e/%ld/read.gif", draft);
        assert_int_equal(guest_get("GET", path, UA(FIREFOX)), 404);
        assert_int_equal(guest_get("GET", "/e/999999/seen.gif", UA(FIREFOX)), 404);
        /* bad input */
        snprintf(body, sizeof(body), "episode=%ld&kind=bogus", ep);
        assert_int_equal(beacon(body, UA(FIREFOX) SAME_ORIGIN), 400);
        snprintf(body, sizeof(body), "episode=%ld", ep);
        assert_int_equal(beacon(body, UA(FIREFOX) SAME_ORIGIN), 400);
        assert_int_equal(beacon("kind=seen", UA(FIREFOX) SAME_ORIGIN), 400);
        assert_int_equal(beacon("episode=abc&kind=seen", UA(FIREFOX) SAME_ORIGIN), 400);
        assert_int_equal(beacon("episode=-4&kind=seen", UA(FIREFOX) SAME_ORIGIN), 400);
        assert_int_equal(beacon("episode=99999999999999999999&kind=seen", UA(FIREFOX) SAME_ORIGIN),
                         400);
        /* an undeclared field never reaches the handler: this one is taken */
        snprintf(body, sizeof(body), "episode=%ld&kind=seen&extra=1", ep);
        assert_int_equal(beacon(body, UA(CHROME) SAME_ORIGIN), 204);
        char big[600];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        memcpy(big, "episode=9&kind=seen&pad=", 24);
        assert_int_equal(beacon(big, UA(FIREFOX) SAME_ORIGIN), 413);
        assert_int_equal(guest_get("GET", "/e", UA(FIREFOX)), 405);
        assert_int_equal(guest_get("GET", "/e/abc/seen.gif", UA(FIREFOX)), 404);
        assert_int_equal(guest_get("GET", "/e/9/other.gif", UA(FIREFOX)), 404);
        /* JSON is taken like a form */
        struct http_resp r;
        const char *json = "{\"episode\": 9, \"kind\": \"nope\"}";
        assert_int_equal(http_do(srv.port, "POST", "/e", UA(FIREFOX) SAME_ORIGIN,
                                 "application/json", json, strlen(json), &r),
                         0);
        expect_status(&r, 400, "a JSON beacon of a bad kind");
        resp_free(&r);
        sleep(2);
        /* only the one with an extra field was taken */
        assert_int_equal(db_int("SELECT count(*) FROM event"), all + 1);
}

static void beacons_rate_limited(void **state)
{
        (void)state;
        int last = 0, allowed = 0;
        for (int i = 0; i < 320 && last != 429; i++) {
                last = beacon("episode=9&kind=seen", UA(FIREFOX) SAME_ORIGIN);
                if (last == 204)
                        allowed++;
        }
        assert_int_equal(last, 429);
        assert_int_equal(allowed, 300);
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "POST", "/e", UA(FIREFOX) SAME_ORIGIN,
                                 "application/x-www-form-urlencoded", "episode=9&kind=seen", 19,
                                 &r),
                         0);
        char wait[16];
        header(&r, "Retry-After", wait, sizeof(wait));
        assert_true(atoi(wait) >= 1 && atoi(wait) <= 60);
        resp_free(&r);
        /* views are not beacons: the page still counts */
        long long views = events_of(1, 9, true);
        assert_int_equal(guest_get("GET", TWO, UA(FIREFOX)), 200);
        assert_int_equal(wait_events(1, 9, true, views + 1), views + 1);
}

/* ---------------------------------------------------------------- durability and switches */

static void clean_stop_writes_the_queue(void **state)
{
        (void)state;
        long ep = episode_id("two-languages-one-team");
        long long views = events_of(1, ep, true);
        char ua[160];
        for (int i = 0; i < 20; i++) {
                snprintf(ua, sizeof(ua), UA(FIREFOX " reader/%d"), i);
                assert_int_equal(guest_get("GET", TWO, ua), 200);
        }
        /* at once: the writer's last period happens at the stop */
        assert_int_equal(kd_restart(&srv, NULL), 0);
        assert_int_equal(events_of(1, ep, true), views + 20);
        assert_int_equal(today("visitors", ep) >= 20, 1);
}

static void kill9_loses_nothing_written(void **state)
{
        (void)state;
        long ep = episode_id("two-languages-one-team");
        long long views = events_of(1, ep, true), day_views = today("views", ep);
        char ua[160];
        for (int i = 0; i < 150; i++) {
                snprintf(ua, sizeof(ua), UA(CHROME " burst/%d"), i);
                assert_int_equal(guest_get("GET", TWO, ua), 200);
        }
        sleep(2); /* more than one period of the writer */
        kill(srv.pid, SIGKILL);
        int st;
        waitpid(srv.pid, &st, 0);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(kd_serve_existing(&srv, NULL), 0);
        assert_int_equal(events_of(1, ep, true), views + 150);
        assert_int_equal(today("views", ep), day_views + 150);
        if (!srv.database_url[0]) { /* SQLite's file check; PostgreSQL's own WAL keeps its files */
                char ok[32];
                db_text("PRAGMA integrity_check", ok, sizeof(ok));
                assert_string_equal(ok, "ok");
        }
        /* and the restarted server records on */
        assert_int_equal(guest_get("GET", TWO, UA(FIREFOX)), 200);
        assert_int_equal(wait_events(1, ep, true, views + 151), views + 151);
}

static void insights_off_records_nothing(void **state)
{
        (void)state;
        const char *const env[] = {"KINDRED_INSIGHTS=false", NULL};
        assert_int_equal(kd_restart(&srv, env), 0);
        long long all = db_int("SELECT count(*) FROM event");
        struct http_resp r;
        get_with_headers(TWO, UA(FIREFOX), &r);
        expect_status(&r, 200, "the page with insights off");
        expect_not_in(&r, "kd-reading", "no beacon when nothing is recorded");
        resp_free(&r);
        assert_int_equal(beacon("episode=9&kind=seen", UA(FIREFOX) SAME_ORIGIN), 204);
        struct member sam;
        login_as(&sam, "sam", NULL);
        get(&sam, RETRO, &r);
        resp_free(&r);
        assert_int_equal(kd_restart(&srv, NULL), 0); /* a stop writes whatever was queued */
        assert_int_equal(db_int("SELECT count(*) FROM event"), all);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(guest_views_and_cache_hits, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(member_views, kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(gpc_dnt_and_bots_record_nothing, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(beacons_confirm_readers, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(beacons_refused, kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(beacons_rate_limited, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(clean_stop_writes_the_queue, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(kill9_loses_nothing_written, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(insights_off_records_nothing, kd_fixture_start,
                                            kd_fixture_stop),
        };
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
