/* A member's session, saved language and header counts are kept in memory
 * (src/http/member_cache.h); every change to them must count from the very next request: a
 * logout, a password change, a suspension, a role change, a language change, a notification
 * arriving or being read; across two nodes on PostgreSQL. Each check first warms the member's
 * entry (two requests), so a missing invalidation would show the old state. The first test
 * proves the entries are really used: rows changed behind the server's back are not seen until
 * a write through the server. */
#include "session.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define EPISODE "/n/learning-in-public/two-languages-one-team"

static bool on_postgresql(void)
{
        return srv.database_url[0] != '\0';
}

/* Two requests: the first fills the member's entry, the second is answered from it. */
static void warm(const struct member *m)
{
        for (int i = 0; i < 2; i++)
                assert_int_equal(status_of(m, "/settings"), 200);
}

/* /settings as m: 200 while signed in, 303 to the log-in once the session is gone. */
static void expect_signed_out(const struct member *m, const char *what)
{
        struct http_resp r;
        get(m, "/settings", &r);
        char loc[256] = "";
        if (r.status != 303 || !resp_header_get(&r, "Location", loc, sizeof(loc)) ||
            strncmp(loc, "/login", 6) != 0)
                fail_resp(&r, what);
        resp_free(&r);
}

static long long member_id(const char *handle)
{
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT id FROM member WHERE handle = '%s'", handle);
        return db_int(sql);
}

/* The `<html lang>` of the home page as m sees it, into out. */
static void page_language(const struct member *m, char *out, size_t size)
{
        struct http_resp r;
        get(m, "/", &r);
        expect_status(&r, 200, "the home page");
        if (!extract(r.body, "<html lang=\"", "\"", out, size))
                fail_resp(&r, "a page without <html lang>");
        resp_free(&r);
}

static void set_language(const struct member *m, const char *tag)
{
        const char *kv[] = {"lang", tag, "next", "/", NULL};
        struct http_resp r;
        post_pairs(m, "/language", kv, true, &r);
        expect_status(&r, 303, "a language change");
        resp_free(&r);
}

/* ---------------------------------------------------------------- kept, really */

/* Rows changed behind the server's back (no write through it) are not seen: the header's count
 * and, on one SQLite node, the member's name come from memory. The next write through the
 * server makes the counts current; the sessions stay until a commit changes a session or a
 * member (http/member_cache.h). Without this, the tests below could pass with no cache at all. */
static void test_entries_are_used_until_a_write(void **state)
{
        (void)state;
        struct member olga, ana;
        signup_as(&olga, "olga_m");
        login_as(&ana, "ana", NULL);
        post_comment(&ana, EPISODE, "Olga, what do you make of this?",
                     post_comment(&olga, EPISODE, "A thought.", 0));
        const char *kv[] = {NULL};
        struct http_resp r;
        post_pairs(&olga, "/notifications/read", kv, true, &r);
        expect_status(&r, 303, "reading every notification");
        resp_free(&r);
        assert_int_equal(header_unread(&olga), 0);
        assert_int_equal(header_unread(&olga), 0);

        char sql[256];
        snprintf(sql, sizeof(sql), "UPDATE notification SET read_at = NULL WHERE member_id = %lld",
                 member_id("olga_m"));
        db_exec(sql);
        long long unread = db_int("SELECT count(*) FROM notification WHERE read_at IS NULL AND "
                                  "member_id = (SELECT id FROM member WHERE handle = 'olga_m')");
        assert_true(unread >= 1);
        assert_int_equal(header_unread(&olga), 0); /* from memory */
        if (!on_postgresql()) {
                db_exec("UPDATE member SET display_name = 'Olga Behind' WHERE handle = 'olga_m'");
                get(&olga, "/", &r);
                expect_not_in(&r, "Welcome back, Olga Behind.", "a name kept in memory");
                resp_free(&r);
        }

        /* A write through the server that changes no session or member (ana's language is
         * already the default): the counts are read again, the sessions stay in memory. */
        set_language(&ana, "");
        assert_int_equal(header_unread(&olga), (int)unread);
        if (!on_postgresql()) {
                get(&olga, "/", &r);
                expect_not_in(&r, "Welcome back, Olga Behind.",
                              "a write of no member dropped the "
                              "sessions");
                resp_free(&r);
        }
        /* One that changes a member row (anyone's) drops every session kept: the name is read
         * again. */
        set_language(&ana, "zh-Hans");
        if (!on_postgresql()) {
                get(&olga, "/", &r);
                expect_in(&r, "Welcome back, Olga Behind.", "the name after a member's change");
                resp_free(&r);
        }
        set_language(&ana, "");
}

/* ---------------------------------------------------------------- sessions */

static void test_logout_ends_the_session_at_once(void **state)
{
        (void)state;
        struct member sam, other;
        login_as(&sam, "sam", NULL);
        login_as(&other, "sam", NULL);
        warm(&sam);
        warm(&other);
        struct member before = sam; /* the jar forgets the cookie on logout; a thief would not */
        const char *kv[] = {NULL};
        struct http_resp r;
        post_pairs(&sam, "/logout", kv, true, &r);
        expect_status(&r, 303, "the logout");
        resp_free(&r);
        expect_signed_out(&before, "the logged-out cookie still worked");
        assert_int_equal(status_of(&other, "/settings"), 200); /* only that session ended */
}

static void test_password_change_ends_the_other_sessions_at_once(void **state)
{
        (void)state;
        struct member here, there;
        login_as(&here, "tomas", NULL);
        login_as(&there, "tomas", NULL);
        warm(&here);
        warm(&there);
        const char *kv[] = {"current_password", DEMO_PW, "new_password", "a newer passphrase",
                            NULL};
        struct http_resp r;
        post_pairs(&here, "/settings/password", kv, true, &r);
        expect_status(&r, 303, "a password change");
        resp_free(&r);
        expect_signed_out(&there, "another session survived a password change");
        assert_int_equal(status_of(&here, "/settings"), 200);
}

static void test_suspension_signs_out_at_once(void **state)
{
        (void)state;
        struct member liwei, sam, june;
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL); /* a moderator */
        long c = post_comment(&liwei, EPISODE, "Buy cheap watches here, here and here.", 0);
        const char *report[] = {"reason", "spam", NULL};
        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/report", c);
        struct http_resp r;
        post_pairs(&sam, path, report, true, &r);
        expect_status(&r, 200, "a report");
        resp_free(&r);
        warm(&liwei);
        const char *suspend[] = {"action", "suspend", NULL};
        snprintf(path, sizeof(path), "/moderation/%ld", c);
        post_pairs(&june, path, suspend, true, &r);
        expect_status(&r, 303, "a suspension");
        resp_free(&r);
        expect_signed_out(&liwei, "a suspended member's session still worked");
}

/* `kindred member set-role` runs in a process of its own while the site is served. */
static void test_role_change_applies_at_once(void **state)
{
        (void)state;
        struct member mira;
        login_as(&mira, "mira", NULL);
        assert_int_equal(status_of(&mira, "/admin/members"), 403);
        assert_int_equal(status_of(&mira, "/admin/members"), 403);
        const char *promote[] = {"member", "set-role", "mira", "admin", NULL};
        assert_int_equal(kd_cli(&srv, NULL, promote), 0);
        assert_int_equal(status_of(&mira, "/admin/members"), 200);
        assert_int_equal(status_of(&mira, "/admin/members"), 200);
        const char *back[] = {"member", "set-role", "mira", "author", NULL};
        assert_int_equal(kd_cli(&srv, NULL, back), 0);
        assert_int_equal(status_of(&mira, "/admin/members"), 403);
        /* and a member disabled from the command line is signed out at once */
        struct member newbie;
        signup_as(&newbie, "shortlived");
        warm(&newbie);
        const char *disable[] = {"member", "disable", "shortlived", NULL};
        assert_int_equal(kd_cli(&srv, NULL, disable), 0);
        expect_signed_out(&newbie, "a disabled member's session still worked");
}

/* ---------------------------------------------------------------- language and counts */

static void test_language_applies_at_once(void **state)
{
        (void)state;
        struct member here, there; /* there never sent the switcher's cookie */
        login_as(&here, "june", NULL);
        login_as(&there, "june", NULL);
        char lang[16];
        page_language(&there, lang, sizeof(lang));
        assert_string_equal(lang, "en");
        page_language(&there, lang, sizeof(lang));
        assert_string_equal(lang, "en");
        set_language(&here, "zh-CN");
        page_language(&there, lang, sizeof(lang));
        assert_string_equal(lang, "zh-CN");
        set_language(&here, "");
        page_language(&there, lang, sizeof(lang));
        assert_string_equal(lang, "en");
}

/* The first notification link on m's notifications page. */
static long first_notification(const struct member *m)
{
        struct http_resp r;
        get(m, "/notifications", &r);
        expect_status(&r, 200, "the notifications page");
        const char *p = strstr(r.body, "href=\"/notifications/");
        long id = p ? atol(p + strlen("href=\"/notifications/")) : 0;
        resp_free(&r);
        assert_true(id > 0);
        return id;
}

static void test_unread_count_changes_at_once(void **state)
{
        (void)state;
        struct member ana, admin;
        login_as(&ana, "ana", NULL);
        login_as(&admin, "admin", NULL);
        long mine = post_comment(&ana, EPISODE, "What would you try first?", 0);
        int before = header_unread(&ana);
        assert_int_equal(header_unread(&ana), before);
        post_comment(&admin, EPISODE, "@ana I would start with the smallest step.", mine);
        int after = header_unread(&ana);
        assert_true(after > before);
        assert_int_equal(header_unread(&ana), after);
        /* opening one (a GET that marks it read) */
        char path[64];
        snprintf(path, sizeof(path), "/notifications/%ld", first_notification(&ana));
        assert_int_equal(status_of(&ana, path), 303);
        assert_int_equal(header_unread(&ana), after - 1);
        /* reading them all */
        const char *kv[] = {NULL};
        struct http_resp r;
        post_pairs(&ana, "/notifications/read", kv, true, &r);
        expect_status(&r, 303, "reading every notification");
        resp_free(&r);
        assert_int_equal(header_unread(&ana), 0);
}

/* ---------------------------------------------------------------- two nodes */

/* GET path on port as m: the status, and the body's unread count into *unread (may be NULL). */
static int status_on(int port, const struct member *m, const char *path, int *unread)
{
        char cookie[1024];
        jar_header(&m->jar, cookie, sizeof(cookie));
        struct http_resp r;
        assert_int_equal(http_do(port, "GET", path, cookie, NULL, NULL, 0, &r), 0);
        int status = r.status;
        if (unread) {
                const char *p = r.body ? strstr(r.body, "<span class=\"unread-count\"") : NULL;
                p = p ? strchr(p, '>') : NULL;
                *unread = p ? atoi(p + 1) : 0;
        }
        resp_free(&r);
        return status;
}

static void test_two_nodes(void **state)
{
        (void)state;
        if (!on_postgresql())
                skip(); /* one SQLite site is served by one process */
        struct kd_node two;
        kd_node_start(&two, NULL);
        struct member june, sam;
        login_as(&june, "june", NULL);
        login_as(&sam, "sam", NULL);
        for (int i = 0; i < 2; i++)
                assert_int_equal(status_on(two.s.port, &june, "/settings", NULL), 200);

        /* a notification written through this node reaches the other's header as soon as its
         * notice does (model/cluster.h: within about 0.1 s) */
        int before = 0, now = 0;
        assert_int_equal(status_on(two.s.port, &june, "/", &before), 200);
        long c = post_comment(&june, EPISODE, "Across the nodes.", 0);
        post_comment(&sam, EPISODE, "@june heard you on the other node.", c);
        for (int tries = 0; tries < 40 && now <= before; tries++) {
                usleep(50 * 1000);
                assert_int_equal(status_on(two.s.port, &june, "/", &now), 200);
        }
        assert_true(now > before);

        /* a logout here is refused there at once, with no waiting for a notice */
        struct member stolen = june;
        const char *kv[] = {NULL};
        struct http_resp r;
        post_pairs(&june, "/logout", kv, true, &r);
        expect_status(&r, 303, "the logout");
        resp_free(&r);
        assert_int_equal(status_on(two.s.port, &stolen, "/settings", NULL), 303);
        kd_node_stop(&two);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_entries_are_used_until_a_write),
            cmocka_unit_test(test_logout_ends_the_session_at_once),
            cmocka_unit_test(test_password_change_ends_the_other_sessions_at_once),
            cmocka_unit_test(test_role_change_applies_at_once),
            cmocka_unit_test(test_language_applies_at_once),
            cmocka_unit_test(test_unread_count_changes_at_once),
            cmocka_unit_test(test_two_nodes),
            cmocka_unit_test(test_suspension_signs_out_at_once),
        };
        return cmocka_run_group_tests(tests, kd_fixture_start, kd_fixture_stop);
}
