/* Unit tests for http/member_cache: entries live while their stamps do and their session has not
 * expired; other writes drop the counts and keep the sessions; a result read before a write is
 * never kept after it; the CLI's counter file reaches a running cache. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/member_cache.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOKEN   "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
#define TOKEN_2 "zYxWvUtSrQpOnMlKjIhGfEdCbA9876543210_-edcba"

enum { NOW = 1000000, EXPIRES = NOW + 3600 };

static char dir[64];

static int start(void **state)
{
        (void)state;
        snprintf(dir, sizeof(dir), "/tmp/kd-member-cache-XXXXXX");
        if (!mkdtemp(dir))
                return -1;
        return member_cache_start(dir, false);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

static int stop(void **state)
{
        (void)state;
        member_cache_stop();
        nftw(dir, remove_entry, 4, FTW_DEPTH | FTW_PHYS);
        return 0;
}

static struct member_cached someone(int64_t id)
{
        struct member_cached c = {.member_id = id, .role = ROLE_READER, .expires_at = EXPIRES};
        snprintf(c.handle, sizeof(c.handle), "m%lld", (long long)id);
        snprintf(c.display_name, sizeof(c.display_name), "Member %lld", (long long)id);
        snprintf(c.csrf_token, sizeof(c.csrf_token), "csrf-%lld", (long long)id);
        return c;
}

static void test_kept_until_a_write(void **state)
{
        (void)state;
        struct member_cached in = someone(7), out;
        uint64_t stamp = member_cache_stamp();
        member_cache_put(TOKEN, stamp, member_cache_session_stamp(), &in);
        assert_true(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
        assert_int_equal(out.member_id, 7);
        assert_string_equal(out.display_name, "Member 7");
        assert_false(member_cache_get(TOKEN_2, NOW, &out, NULL, NULL));
        member_cache_forget_all();
        assert_false(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
}

static void test_a_read_older_than_a_write_is_not_kept(void **state)
{
        (void)state;
        struct member_cached in = someone(8), out;
        /* taken, then the rows are read... */
        uint64_t stamp = member_cache_stamp(), session_stamp = member_cache_session_stamp();
        member_cache_forget_all(); /* ...while a write of a session or member commits */
        member_cache_put(TOKEN, stamp, session_stamp, &in);
        assert_false(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
        /* counts read under an old stamp do not join a newer entry either */
        stamp = member_cache_stamp();
        member_cache_put(TOKEN, stamp, member_cache_session_stamp(), &in);
        struct member_counts c = {.unread = 3}, got;
        bool has = true;
        member_cache_put_counts(TOKEN, stamp - 1, &c);
        assert_true(member_cache_get(TOKEN, NOW, &out, &got, &has));
        assert_false(has);
        member_cache_put_counts(TOKEN, stamp, &c);
        assert_true(member_cache_get(TOKEN, NOW, &out, &got, &has));
        assert_true(has);
        assert_int_equal(got.unread, 3);
}

/* A write that changed no session or member (the table watch did not fire) leaves the sessions
 * kept and drops the counts and clean pages only; what is read afterwards may be added. */
static void test_other_writes_keep_the_sessions(void **state)
{
        (void)state;
        struct member_cached in = someone(12), out;
        uint64_t stamp = member_cache_stamp();
        member_cache_put(TOKEN, stamp, member_cache_session_stamp(), &in);
        struct member_counts c = {.unread = 2}, got;
        bool has = false;
        member_cache_put_counts(TOKEN, stamp, &c);
        member_cache_note_clean(TOKEN, stamp, 41, 5);
        assert_true(member_cache_view(TOKEN, stamp, 5, 41));
        member_cache_forget_counts();
        assert_true(member_cache_get(TOKEN, NOW, &out, &got, &has));
        assert_int_equal(out.member_id, 12);
        assert_false(has);
        uint64_t now_stamp = member_cache_stamp();
        assert_true(now_stamp != stamp);
        /* the clean page noted before the write is not clean any more, at either stamp */
        assert_false(member_cache_view(TOKEN, now_stamp, 5, 41));
        assert_false(member_cache_view(TOKEN, stamp, 5, 41));
        /* counts read under the old stamp are refused; read under the new one, kept */
        member_cache_put_counts(TOKEN, stamp, &c);
        assert_true(member_cache_get(TOKEN, NOW, &out, &got, &has));
        assert_false(has);
        c.unread = 4;
        member_cache_put_counts(TOKEN, now_stamp, &c);
        assert_true(member_cache_get(TOKEN, NOW, &out, &got, &has));
        assert_true(has);
        assert_int_equal(got.unread, 4);
        member_cache_note_clean(TOKEN, now_stamp, 42, 5);
        assert_true(member_cache_view(TOKEN, now_stamp, 5, 42));
        /* a change of sessions or members (the watch calls forget_all) drops the session */
        member_cache_forget_all();
        assert_false(member_cache_get(TOKEN, NOW, &out, &got, &has));
        member_cache_put_counts(TOKEN, member_cache_stamp(), &c);
        assert_false(member_cache_get(TOKEN, NOW, &out, &got, &has));
}

/* A session read while a session or member write committed is not kept. One read while another
 * write committed is kept, without counts (they are read again under the new stamp). */
static void test_a_session_read_across_a_write_is_not_kept(void **state)
{
        (void)state;
        struct member_cached in = someone(13), out;
        struct member_counts c = {.unread = 1}, got;
        bool has = true;
        uint64_t stamp = member_cache_stamp(), session_stamp = member_cache_session_stamp();
        member_cache_forget_all(); /* a session or member changed while the row was read */
        /* the session's stamp is what refuses it: the counts' stamp given is current */
        member_cache_put(TOKEN, member_cache_stamp(), session_stamp, &in);
        assert_false(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
        stamp = member_cache_stamp();
        session_stamp = member_cache_session_stamp();
        member_cache_forget_counts(); /* another write meanwhile */
        member_cache_put(TOKEN, stamp, session_stamp, &in);
        member_cache_put_counts(TOKEN, stamp, &c); /* read before that write: refused */
        assert_true(member_cache_get(TOKEN, NOW, &out, &got, &has));
        assert_int_equal(out.member_id, 13);
        assert_false(has);
}

static void test_expiry_is_honoured(void **state)
{
        (void)state;
        struct member_cached in = someone(9), out;
        member_cache_put(TOKEN, member_cache_stamp(), member_cache_session_stamp(), &in);
        assert_true(member_cache_get(TOKEN, EXPIRES - 1, &out, NULL, NULL));
        assert_false(member_cache_get(TOKEN, EXPIRES, &out, NULL, NULL));
}

/* `kindred member ...` in another process: the counter file moves the stamp. */
static void test_the_cli_reaches_the_cache(void **state)
{
        (void)state;
        struct member_cached in = someone(10), out;
        member_cache_put(TOKEN, member_cache_stamp(), member_cache_session_stamp(), &in);
        assert_true(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(member_cache_announce(dir) == 0 ? 0 : 1);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(status, 0);
        assert_false(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
        /* a folder no server ever served has no counter: nothing to tell, no error */
        assert_int_equal(member_cache_announce("/tmp"), 0);
}

static void test_last_seen_is_recorded(void **state)
{
        (void)state;
        struct member_cached in = someone(11), out;
        in.last_seen_at = NOW - 100;
        member_cache_put(TOKEN, member_cache_stamp(), member_cache_session_stamp(), &in);
        member_cache_seen(TOKEN, NOW);
        assert_true(member_cache_get(TOKEN, NOW, &out, NULL, NULL));
        assert_int_equal(out.last_seen_at, NOW);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_kept_until_a_write),
            cmocka_unit_test(test_a_read_older_than_a_write_is_not_kept),
            cmocka_unit_test(test_other_writes_keep_the_sessions),
            cmocka_unit_test(test_a_session_read_across_a_write_is_not_kept),
            cmocka_unit_test(test_expiry_is_honoured),
            cmocka_unit_test(test_the_cli_reaches_the_cache),
            cmocka_unit_test(test_last_seen_is_recorded),
        };
        return cmocka_run_group_tests(tests, start, stop);
}
