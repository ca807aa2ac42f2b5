/* Black-box tests of writing an episode through its life (docs/writing.md): every transition
 * between draft, scheduled and published, "Publish now", unpublish and delete behind their
 * confirmation pages (410 and out of the feeds), publish times in the author's time zone, and
 * a form whose session ended kept through the log-in. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NL "learning-in-public"

/* ---------------------------------------------------------------- helpers */

static void format_utc(time_t t, char *out, size_t size)
{
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(out, size, "%Y-%m-%dT%H:%M", &tm);
}

/* Posts the editor form of episode id (0: a new one in Learning in Public) with action and
 * publish_at, the title and body given. Returns the status; the response is freed. */
static int save(const struct member *m, long id, const char *title, const char *publish_at,
                const char *action)
{
        char path[96];
        if (id)
                snprintf(path, sizeof(path), "/write/episode/%ld", id);
        else
                snprintf(path, sizeof(path), "/write/n/" NL "/episode");
        struct multipart mp;
        mp_init(&mp);
        mp_field(&mp, "_csrf", m->csrf);
        mp_field(&mp, "season", "2");
        mp_field(&mp, "title", title);
        mp_field(&mp, "subtitle", "");
        mp_field(&mp, "slug", "");
        mp_field(&mp, "body", "A paragraph that **matters**.\n");
        mp_field(&mp, "cover_alt", "");
        mp_field(&mp, "cover_credit", "");
        mp_field(&mp, "ai", "none");
        mp_field(&mp, "teaser", "");
        mp_field(&mp, "publish_at", publish_at);
        mp_field(&mp, "action", action);
        struct http_resp r;
        post_multipart(m, path, &mp, &r);
        mp_free(&mp);
        int status = r.status;
        if (status != 303)
                fail_resp(&r, "the editor did not save");
        resp_free(&r);
        return status;
}

static long id_of(const char *title)
{
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT id FROM episode WHERE title = '%s'", title);
        return (long)db_int(sql);
}

static void status_is(long id, const char *want)
{
        char sql[128], got[32];
        snprintf(sql, sizeof(sql), "SELECT status FROM episode WHERE id = %ld", id);
        db_text(sql, got, sizeof(got));
        assert_string_equal(got, want);
}

static long long publish_at_of(long id)
{
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT publish_at FROM episode WHERE id = %ld", id);
        return db_int(sql);
}

static int guest_status(long id)
{
        char sql[128], slug[128], path[192];
        snprintf(sql, sizeof(sql), "SELECT slug FROM episode WHERE id = %ld", id);
        db_text(sql, slug, sizeof(slug));
        snprintf(path, sizeof(path), "/n/" NL "/%s", slug);
        return status_of(NULL, path);
}

/* ---------------------------------------------------------------- transitions */

/* Draft → scheduled → (saved, still scheduled) → published now, with the field still naming
 * the future time; published → edited (keeps its time) → "publish now" again (keeps it) →
 * unpublished (a draft) → published again (a new time); scheduled → draft; scheduled →
 * published by clearing the time; draft → published at once. */
static void test_every_transition(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        char future[32], later[32];
        format_utc(time(NULL) + 3 * 86400, future, sizeof(future));
        format_utc(time(NULL) + 5 * 86400, later, sizeof(later));

        /* new → draft */
        save(&mira, 0, "Transition One", "", "draft");
        long id = id_of("Transition One");
        assert_true(id > 0);
        status_is(id, "draft");
        assert_int_equal(guest_status(id), 404);

        /* draft → scheduled */
        save(&mira, id, "Transition One", future, "publish");
        status_is(id, "scheduled");
        long long scheduled_at = publish_at_of(id);
        assert_true(scheduled_at > time(NULL) + 2 * 86400);
        assert_int_equal(guest_status(id), 404);

        /* the editor of a scheduled episode offers "Publish now" and shows the time */
        char path[64];
        snprintf(path, sizeof(path), "/write/episode/%ld", id);
        struct http_resp r;
        get(&mira, path, &r);
        expect_status(&r, 200, "the editor");
        expect_in(&r, "value=\"publish_now\"", "a Publish now button");
        expect_in(&r, future, "the scheduled time in the field");
        expect_not_in(&r, "value=\"draft\"", "no Save as draft on a scheduled episode");
        resp_free(&r);

        /* scheduled → scheduled: saving keeps the time */
        save(&mira, id, "Transition One", future, "publish");
        status_is(id, "scheduled");
        assert_int_equal(publish_at_of(id), scheduled_at);

        /* scheduled → scheduled later */
        save(&mira, id, "Transition One", later, "publish");
        status_is(id, "scheduled");
        assert_true(publish_at_of(id) > scheduled_at);

        /* scheduled → published now, although the field still says the future time */
        long long before = time(NULL);
        save(&mira, id, "Transition One", later, "publish_now");
        status_is(id, "published");
        long long live_at = publish_at_of(id);
        assert_true(live_at >= before && live_at <= time(NULL));
        assert_int_equal(guest_status(id), 200);

        /* published → edited: the time readers first saw stays (empty field, or the same) */
        save(&mira, id, "Transition One", "", "publish");
        assert_int_equal(publish_at_of(id), live_at);
        status_is(id, "published");
        save(&mira, id, "Transition One", "", "publish_now");
        assert_int_equal(publish_at_of(id), live_at);

        /* the editor of a live one offers Update, Unpublish and Delete, not Publish now */
        get(&mira, path, &r);
        expect_in(&r, "value=\"publish\" data-shortcut=\"save\"", "Update");
        expect_not_in(&r, "value=\"publish_now\"", "no Publish now when live");
        expect_in(&r, "/unpublish\"", "an Unpublish link");
        expect_in(&r, "/delete\"", "a Delete link");
        resp_free(&r);

        /* published → draft, through the confirmation page */
        char unpublish[96];
        snprintf(unpublish, sizeof(unpublish), "/write/episode/%ld/unpublish", id);
        get(&mira, unpublish, &r);
        expect_status(&r, 200, "the unpublish confirmation");
        expect_in(&r, "Unpublish “Transition One”?", "the question");
        expect_in(&r, "action=\"/write/episode/", "a form that posts");
        resp_free(&r);
        status_is(id, "published"); /* asking changes nothing */
        post_pairs(&mira, unpublish, NULL, false, &r);
        expect_status(&r, 403, "unpublishing without the token");
        resp_free(&r);
        status_is(id, "published");
        post_pairs(&mira, unpublish, NULL, true, &r);
        expect_status(&r, 303, "unpublish");
        resp_free(&r);
        status_is(id, "draft");
        assert_int_equal(guest_status(id), 404);
        get(NULL, "/n/" NL "/feed.atom", &r);
        expect_not_in(&r, "Transition One", "an unpublished episode in the feed");
        resp_free(&r);

        /* draft → published again: live now, at a new time */
        sleep(1);
        save(&mira, id, "Transition One", "", "publish");
        status_is(id, "published");
        assert_true(publish_at_of(id) > live_at);
        assert_int_equal(guest_status(id), 200);

        /* scheduled → draft */
        save(&mira, 0, "Transition Two", future, "publish");
        long two = id_of("Transition Two");
        status_is(two, "scheduled");
        save(&mira, two, "Transition Two", future, "draft");
        status_is(two, "draft");
        assert_int_equal(guest_status(two), 404);

        /* scheduled → published by clearing the time ("empty: now", as the label says) */
        save(&mira, two, "Transition Two", future, "publish");
        status_is(two, "scheduled");
        before = time(NULL);
        save(&mira, two, "Transition Two", "", "publish");
        status_is(two, "published");
        assert_true(publish_at_of(two) >= before && publish_at_of(two) <= time(NULL));
        assert_int_equal(guest_status(two), 200);

        /* draft → published directly, and new → published */
        save(&mira, 0, "Transition Three", "", "draft");
        long three = id_of("Transition Three");
        save(&mira, three, "Transition Three", "", "publish");
        status_is(three, "published");
        save(&mira, 0, "Transition Four", "", "publish");
        status_is(id_of("Transition Four"), "published");
        assert_int_equal(guest_status(id_of("Transition Four")), 200);
}

/* ---------------------------------------------------------------- delete */

static void test_delete_answers_410_and_leaves_the_feeds(void **state)
{
        (void)state;
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL); /* a reader */
        save(&mira, 0, "Soon Gone", "", "publish");
        long id = id_of("Soon Gone");
        char slug[128], ep[192], del[96];
        db_text("SELECT slug FROM episode WHERE title = 'Soon Gone'", slug, sizeof(slug));
        snprintf(ep, sizeof(ep), "/n/" NL "/%s", slug);
        snprintf(del, sizeof(del), "/write/episode/%ld/delete", id);
        struct http_resp r;
        get(NULL, "/n/" NL "/feed.atom", &r);
        expect_in(&r, "Soon Gone", "the new episode in the feed");
        resp_free(&r);

        /* a comment under it goes with it */
        char body[512] = "", cpath[256];
        form_append(body, sizeof(body), "_csrf", sam.csrf);
        form_append(body, sizeof(body), "body", "A comment that goes with its episode.");
        snprintf(cpath, sizeof(cpath), "%s/comments", ep);
        post_form(&sam, cpath, body, &r);
        expect_status(&r, 303, "a comment");
        resp_free(&r);
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM comment WHERE episode_id = %ld", id);
        assert_int_equal(db_int(sql), 1);

        /* a reader may neither see the question nor delete */
        assert_int_equal(status_of(&sam, del), 403);
        post_pairs(&sam, del, NULL, true, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);

        /* the confirmation page, then the deletion */
        get(&mira, del, &r);
        expect_status(&r, 200, "the delete confirmation");
        expect_in(&r, "Delete “Soon Gone”?", "the question");
        expect_in(&r, "cannot be undone", "the warning");
        expect_in(&r, "class=\"danger\"", "a button that looks dangerous");
        resp_free(&r);
        assert_int_equal(status_of(NULL, ep), 200);
        post_pairs(&mira, del, NULL, true, &r);
        expect_status(&r, 303, "delete");
        char loc[128];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/write?done=deleted");
        resp_free(&r);
        get(&mira, loc, &r);
        expect_in(&r, "The episode is deleted.", "the dashboard says so");
        expect_not_in(&r, "Soon Gone", "the dashboard lists it no more");
        resp_free(&r);

        /* gone for good: 410 for everyone, out of every feed and the sitemap, comments too */
        get(NULL, ep, &r);
        expect_status(&r, 410, "a deleted episode");
        expect_in(&r, "deleted by its author", "the reason");
        resp_free(&r);
        assert_int_equal(status_of(&mira, ep), 410);
        const char *listings[] = {"/n/" NL "/feed.atom",
                                  "/n/" NL "/feed.json",
                                  "/feed.atom",
                                  "/feed.json",
                                  "/sitemap.xml",
                                  "/n/" NL,
                                  "/"};
        for (size_t i = 0; i < sizeof(listings) / sizeof(listings[0]); i++) {
                get(NULL, listings[i], &r);
                expect_status(&r, 200, listings[i]);
                expect_not_in(&r, slug, listings[i]);
                resp_free(&r);
        }
        assert_int_equal(db_int(sql), 0);
        assert_int_equal(status_of(&mira, del), 404);

        /* a deleted draft leaves no trace: 404, not 410 */
        save(&mira, 0, "Never Shown", "", "draft");
        long draft = id_of("Never Shown");
        char dslug[128], dpath[192];
        db_text("SELECT slug FROM episode WHERE title = 'Never Shown'", dslug, sizeof(dslug));
        snprintf(dpath, sizeof(dpath), "/n/" NL "/%s", dslug);
        snprintf(del, sizeof(del), "/write/episode/%ld/delete", draft);
        get(&mira, del, &r);
        expect_not_in(&r, "address tells readers", "no 410 warning for a draft");
        resp_free(&r);
        post_pairs(&mira, del, NULL, true, &r);
        expect_status(&r, 303, "delete a draft");
        resp_free(&r);
        assert_int_equal(status_of(NULL, dpath), 404);

        /* a new episode may take the address again: it answers, not the 410 */
        save(&mira, 0, "Soon Gone", "", "publish");
        assert_int_equal(status_of(NULL, ep), 200);
}

/* ---------------------------------------------------------------- time zone */

static void test_publish_time_in_the_authors_time_zone(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        struct http_resp r;
        get(&mira, "/settings", &r);
        expect_in(&r, "action=\"/settings/time-zone\"", "the time zone form");
        expect_in(&r, "<option value=\"Europe/Berlin\"", "zones to choose from");
        resp_free(&r);

        const char *bad[] = {"zone", "Mars/Olympus_Mons", NULL};
        post_pairs(&mira, "/settings/time-zone", bad, true, &r);
        expect_status(&r, 422, "an unknown zone");
        resp_free(&r);
        const char *sneaky[] = {"zone", "../../etc/passwd", NULL};
        post_pairs(&mira, "/settings/time-zone", sneaky, true, &r);
        expect_status(&r, 422, "a path as a zone");
        resp_free(&r);
        const char *berlin[] = {"zone", "Europe/Berlin", NULL};
        post_pairs(&mira, "/settings/time-zone", berlin, true, &r);
        expect_status(&r, 303, "a zone");
        resp_free(&r);
        get(&mira, "/settings?saved=time-zone", &r);
        expect_in(&r, "Your time zone is saved.", "the notice");
        expect_in(&r, "<option value=\"Europe/Berlin\" selected", "the zone chosen");
        resp_free(&r);

        /* summer: UTC+2; winter: UTC+1 */
        save(&mira, 0, "Berlin Summer", "2030-07-01T10:00", "publish");
        long summer = id_of("Berlin Summer");
        assert_int_equal(publish_at_of(summer), unix_at("2030-07-01 08:00"));
        save(&mira, 0, "Berlin Winter", "2030-01-15T10:00", "publish");
        assert_int_equal(publish_at_of(id_of("Berlin Winter")), unix_at("2030-01-15 09:00"));
        /* a time with its own Z is UTC whatever the zone */
        save(&mira, 0, "Berlin Utc", "2030-07-01T10:00Z", "publish");
        assert_int_equal(publish_at_of(id_of("Berlin Utc")), unix_at("2030-07-01 10:00"));

        /* the editor shows it back in the zone, and names the zone */
        char path[64];
        snprintf(path, sizeof(path), "/write/episode/%ld", summer);
        get(&mira, path, &r);
        expect_in(&r, "value=\"2030-07-01T10:00\"", "the local time in the field");
        expect_in(&r, "Europe/Berlin", "the zone named");
        /* and says when it goes out in the same zone, with the exact UTC time as the machine's */
        expect_in(
            &r,
            "Status: Scheduled for <time datetime=\"2030-07-01T08:00:00Z\" "
            "title=\"2030-07-01T08:00:00Z\">Monday, 1 July 2030, 10:00 (Europe/Berlin)</time>",
            "the status line in the author's zone");
        resp_free(&r);
        get(&mira, "/write", &r);
        expect_in(&r, "Monday, 1 July 2030, 10:00 (Europe/Berlin)", "the dashboard too");
        expect_in(&r, "Tuesday, 15 January 2030, 10:00 (Europe/Berlin)", "in winter as well");
        resp_free(&r);

        /* a member without a zone (an admin may edit any episode) works in UTC */
        struct member admin;
        login_as(&admin, "admin", NULL);
        get(&admin, path, &r);
        expect_status(&r, 200, "the editor for an admin");
        expect_in(&r, "value=\"2030-07-01T08:00\"", "UTC for a member without a zone");
        expect_in(&r, "Monday, 1 July 2030, 08:00 (UTC)", "and the status line in UTC");
        resp_free(&r);
}

/* ---------------------------------------------------------------- kept forms */

/* Logs m in again through the real form with next, following nothing. Returns the Location. */
static void login_with_next(struct member *m, const char *handle, const char *next, char *loc,
                            size_t size)
{
        struct http_resp r;
        get(m, "/login", &r);
        jar_update(&m->jar, &r);
        char csrf[128], body[1024] = "";
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "login", handle);
        form_append(body, sizeof(body), "password", DEMO_PW);
        form_append(body, sizeof(body), "next", next);
        post_form(m, "/login", body, &r);
        expect_status(&r, 303, "the log-in");
        jar_update(&m->jar, &r);
        header(&r, "Location", loc, size);
        resp_free(&r);
}

/* Posts body (urlencoded) as m, from a page of the site (the browser says so). */
static void post_same_origin(struct member *m, const char *path, const char *body,
                             struct http_resp *r)
{
        char headers[1200];
        jar_header(&m->jar, headers, sizeof(headers) - 64);
        strcat(headers, "Sec-Fetch-Site: same-origin\r\n");
        assert_int_equal(http_do(srv.port, "POST", path, headers,
                                 "application/x-www-form-urlencoded", body, strlen(body), r),
                         0);
}

/* Ends m's session the way the site does (a logout in another tab) while m keeps the cookie,
 * so m's next form arrives without a session (nothing when it has none). Through the site,
 * not by deleting the row: the server keeps sessions in memory until a write of its own
 * (http/member_cache.h). */
static void end_session(const struct member *m)
{
        if (status_of(m, "/settings") != 200)
                return; /* ended already */
        struct member tab = *m;
        char csrf[128], body[256] = "";
        csrf_of(&tab, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        struct http_resp r;
        post_form(&tab, "/logout", body, &r);
        expect_status(&r, 303, "a logout in another tab");
        resp_free(&r);
        assert_int_equal(status_of(m, "/settings"), 303);
}

static void test_form_kept_through_the_log_in(void **state)
{
        (void)state;
        struct member sam, other;
        login_as(&sam, "sam", NULL);
        char ep[192], slug[128], cpath[256];
        db_text("SELECT e.slug FROM episode e JOIN newsletter n ON n.id = e.newsletter_id WHERE "
                "n.slug = '" NL "' AND e.status = 'published' ORDER BY e.id LIMIT 1",
                slug, sizeof(slug));
        snprintf(ep, sizeof(ep), "/n/" NL "/%s", slug);
        snprintf(cpath, sizeof(cpath), "%s/comments", ep);
        /* the session ends while sam writes */
        end_session(&sam);
        const char *text = "A long thought I would hate to lose,\nwith a second line.";
        char body[1024] = "";
        form_append(body, sizeof(body), "_csrf", sam.csrf);
        form_append(body, sizeof(body), "body", text);
        struct http_resp r;
        post_same_origin(&sam, cpath, body, &r);
        expect_status(&r, 303, "a form without a session");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_non_null(strstr(loc, "/login?next=%2Fkept%2F"));
        jar_update(&sam.jar, &r);
        assert_non_null(jar_get(&sam.jar, "kd_kept"));
        resp_free(&r);
        char kept[128];
        snprintf(kept, sizeof(kept), "/kept/%s", jar_get(&sam.jar, "kd_kept"));
        assert_int_equal(db_int("SELECT count(*) FROM comment WHERE body LIKE 'A long thought%'"),
                         0);

        /* the log-in page says the text is waiting, and leads back to it */
        get(&sam, "/login?next=/kept/x", &r);
        expect_in(&r, "Its text is kept", "the log-in page says why");
        resp_free(&r);
        char after[256];
        login_with_next(&sam, "sam", kept, after, sizeof(after));
        assert_string_equal(after, kept);
        csrf_of(&sam, sam.csrf, sizeof(sam.csrf));
        get(&sam, kept, &r);
        expect_status(&r, 200, "the kept form");
        expect_in(&r, "Your text was kept", "the heading");
        expect_in(&r, "A long thought I would hate to lose,\nwith a second line.", "the text");
        char action[300];
        snprintf(action, sizeof(action), "action=\"%s\"", cpath);
        expect_in(&r, action, "the form posts where the original went");
        char csrf[128];
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);

        /* another browser, even logged in as someone, cannot read it */
        login_as(&other, "june", NULL);
        assert_int_equal(status_of(&other, kept), 404);
        /* nor can sam with the token alone (no cookie) */
        struct member bare = sam;
        bare.jar.n = 0;
        for (int i = 0; i < sam.jar.n; i++)
                if (strcmp(sam.jar.names[i], "kd_kept") != 0) {
                        memcpy(bare.jar.names[bare.jar.n], sam.jar.names[i], 32);
                        memcpy(bare.jar.values[bare.jar.n], sam.jar.values[i], 128);
                        bare.jar.n++;
                }
        assert_int_equal(status_of(&bare, kept), 404);

        /* sending it again makes the comment */
        char again[1024] = "";
        form_append(again, sizeof(again), "_csrf", csrf);
        form_append(again, sizeof(again), "body", text);
        post_form(&sam, cpath, again, &r);
        expect_status(&r, 303, "the kept comment sent");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM comment WHERE body LIKE 'A long thought%'"),
                         1);

        /* passwords are never kept */
        end_session(&sam);
        char pw[1024] = "";
        form_append(pw, sizeof(pw), "_csrf", sam.csrf);
        form_append(pw, sizeof(pw), "current_password", "old-secret-xyz");
        form_append(pw, sizeof(pw), "new_password", "new-secret-xyz");
        post_same_origin(&sam, "/settings/password", pw, &r);
        expect_status(&r, 303, "a password form without a session");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM kept_form WHERE fields LIKE '%secret-xyz%'"),
                         0);

        /* a form from another site is not kept: the log-in as before */
        end_session(&sam);
        long long kept_before = db_int("SELECT count(*) FROM kept_form");
        char headers[1200];
        jar_header(&sam.jar, headers, sizeof(headers) - 64);
        strcat(headers, "Sec-Fetch-Site: cross-site\r\n");
        assert_int_equal(http_do(srv.port, "POST", cpath, headers,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        expect_status(&r, 303, "a cross-site form");
        header(&r, "Location", loc, sizeof(loc));
        assert_null(strstr(loc, "kept"));
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM kept_form"), kept_before);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, kd_fixture_start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_every_transition),
            T(test_delete_answers_410_and_leaves_the_feeds),
            T(test_publish_time_in_the_authors_time_zone),
            T(test_form_kept_through_the_log_in),
        };
#undef T
        return cmocka_run_group_tests_name("editor_writing", tests, NULL, NULL);
}
