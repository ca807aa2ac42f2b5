/* Unit tests of the insights recorder's pure parts and of the rollups it writes: the guest hash
 * (per day's salt, per address, per User-Agent), the bot list, the day's salt shared through the
 * database, event_apply's arithmetic on a small hand-made batch (every insight_day,
 * insight_week and insight_member row checked exactly), and expiry (guests' raw events go,
 * members' stay, rollups stay). */
#include "db/db.h"
#include "model/event.h"
#include "model/recording.h"
#include "web/events.h"
#include "tmpdb.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

/* Monday 2026-11-30 (day 20787) and the week it starts. */
#define MONDAY        20787
#define WEEK          2970
#define AT(day, hour) ((int64_t)(day)*86400 + (hour)*3600)

static const unsigned char salt_a[RECORDING_SALT_BYTES] = "salt of the first day, 32 bytes";
static const unsigned char salt_b[RECORDING_SALT_BYTES] = "salt of another day, 32 bytes!!";

#define FIREFOX "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"

static void hash_per_day_address_and_agent(void **state)
{
        (void)state;
        int64_t h = recording_guest_hash(salt_a, MONDAY, "203.0.113.7", FIREFOX);
        assert_true(h > 0);
        /* the same within a day */
        assert_int_equal(h, recording_guest_hash(salt_a, MONDAY, "203.0.113.7", FIREFOX));
        /* another day's salt, or another day with the same salt, gives another hash */
        assert_int_not_equal(h, recording_guest_hash(salt_b, MONDAY, "203.0.113.7", FIREFOX));
        assert_int_not_equal(h, recording_guest_hash(salt_a, MONDAY + 1, "203.0.113.7", FIREFOX));
        /* by address and by User-Agent */
        assert_int_not_equal(h, recording_guest_hash(salt_a, MONDAY, "203.0.113.8", FIREFOX));
        assert_int_not_equal(h, recording_guest_hash(salt_a, MONDAY, "203.0.113.7",
                                                     "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"));
        /* parts are kept apart: the address's end cannot move into the User-Agent */
        assert_int_not_equal(recording_guest_hash(salt_a, MONDAY, "1.2.3.4", "5x"),
                             recording_guest_hash(salt_a, MONDAY, "1.2.3.45", "x"));
        /* 63 bits and never 0 over many inputs */
        char addr[32];
        for (int i = 0; i < 2000; i++) {
                snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
                assert_true(recording_guest_hash(salt_b, MONDAY, addr, FIREFOX) > 0);
        }
}

static void bots_by_user_agent(void **state)
{
        (void)state;
        assert_true(events_is_bot(NULL));
        assert_true(events_is_bot(""));
        assert_true(events_is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; "
                                  "+http://www.google.com/bot.html)"));
        assert_true(events_is_bot("curl/8.5.0"));
        assert_true(events_is_bot("Wget/1.21.4"));
        assert_true(events_is_bot("python-requests/2.31.0"));
        assert_true(events_is_bot("Go-http-client/1.1"));
        assert_true(events_is_bot("facebookexternalhit/1.1 "
                                  "(+http://www.facebook.com/externalhit_uatext.php)"));
        assert_true(events_is_bot("Mozilla/5.0 (Windows NT 6.1) Chrome/80 Safari/537 "
                                  "SkypeUriPreview Preview/0.5"));
        assert_true(events_is_bot("Mozilla/5.0 (compatible; UptimeRobot/2.0)"));
        assert_true(events_is_bot("Mozilla/5.0 (compatible; Baiduspider/2.0)"));
        assert_true(events_is_bot("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
                                  "GPTBot/1.0)"));
        assert_false(events_is_bot(FIREFOX));
        assert_false(events_is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                                   "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
                                   "Mobile/15E148 Safari/604.1"));
        /* not a bot for us: the beacons tell headless tools apart */
        assert_false(events_is_bot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
                                   "like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36"));
}

/* ---------------------------------------------------------------- a small community */

struct fixture {
        struct tmpdb t;
};

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        /* member 1 writes newsletter 1 (episodes 1 and 2, season 1); members 2, 3 read */
        if (db_exec_script(
                fx->t.db,
                "INSERT INTO member (id, handle, handle_key, display_name, email, email_key, "
                "password_hash, role, created_at, updated_at) VALUES "
                "(1, 'author', 'author', 'Author', 'a@x.org', 'a@x.org', 'x', 'author', 0, 0), "
                "(2, 'ann', 'ann', 'Ann', 'ann@x.org', 'ann@x.org', 'x', 'reader', 0, 0), "
                "(3, 'bo', 'bo', 'Bo', 'bo@x.org', 'bo@x.org', 'x', 'reader', 0, 0);"
                "INSERT INTO newsletter (id, slug, title, owner_id, created_at, updated_at) "
                "VALUES (1, 'nl', 'NL', 1, 0, 0);"
                "INSERT INTO season (id, newsletter_id, number, title, created_at, updated_at) "
                "VALUES (1, 1, 1, 'S1', 0, 0);"
                "INSERT INTO episode (id, newsletter_id, season_id, number, author_id, slug, "
                "title, body, body_html, body_text, status, publish_at, created_at, updated_at) "
                "VALUES (1, 1, 1, 1, 1, 'one', 'One', '', '', '', 'published', 0, 0, 0), "
                "(2, 1, 1, 2, 1, 'two', 'Two', '', '', '', 'draft', 0, 0, 0);") != DB_OK)
                return -1;
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

static int64_t scalar(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        int rc = db_step(s);
        int64_t v = rc == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return v;
}

/* The first row's first ncols columns as "a|b|c" ("" when there is no row). */
static void row_n(struct db *db, const char *sql, int ncols, char *out, size_t size)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        out[0] = '\0';
        if (db_step(s) == DB_ROW) {
                size_t n = 0;
                for (int c = 0; c < ncols && n < size; c++)
                        n += (size_t)snprintf(out + n, size - n, c ? "|%s" : "%s",
                                              db_col_is_null(s, c) ? "null" : db_col_text(s, c));
        }
        db_finish(s);
}

/* Columns counted from the SQL's select list (its commas before FROM). */
static void row(struct db *db, const char *sql, char *out, size_t size)
{
        const char *from = strstr(sql, " FROM ");
        int ncols = 1;
        for (const char *p = sql; p < from; p++)
                ncols += *p == ',';
        row_n(db, sql, ncols, out, size);
}

static struct event ev(int64_t at, enum event_kind k, int64_t member, int64_t guest,
                       int64_t episode, int64_t other)
{
        struct event e = {.at = at,
                          .kind = k,
                          .member_id = member,
                          .guest = guest,
                          .episode_id = episode,
                          .other_id = other};
        return e;
}

static void apply_rolls_up_exactly(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        const struct event week1[] = {
            ev(AT(MONDAY, 9), EVENT_VIEW, 2, 0, 1, 0),      /* Ann reads episode 1 */
            ev(AT(MONDAY, 10), EVENT_VIEW, 2, 0, 1, 0),     /* and again */
            ev(AT(MONDAY, 10), EVENT_VIEW, 0, 77, 1, 0),    /* a guest views */
            ev(AT(MONDAY, 10), EVENT_SEEN, 0, 77, 1, 0),    /* whose browser confirms */
            ev(AT(MONDAY, 11), EVENT_VIEW, 0, 88, 1, 0),    /* a guest never confirmed */
            ev(AT(MONDAY, 12), EVENT_READ, 3, 0, 1, 0),     /* Bo reads to the end */
            ev(AT(MONDAY, 12), EVENT_REACTION, 3, 0, 1, 2), /* reacts to Ann's comment */
            ev(AT(MONDAY, 13), EVENT_REPLY, 3, 0, 1, 2),    /* and replies to Ann */
            ev(AT(MONDAY, 14), EVENT_REPLY, 1, 0, 1, 3),    /* the author replies to Bo */
            ev(AT(MONDAY, 14), EVENT_VIEW, 0, 0, 1, 0),     /* invalid: nobody */
            ev(AT(MONDAY, 14), EVENT_COMMENT, 0, 77, 1, 0), /* invalid: a guest commenting */
            ev(AT(MONDAY, 15), EVENT_VIEW, 2, 0, 99, 0),    /* an episode that is gone */
        };
        size_t skipped = 0;
        assert_int_equal(event_apply(db, week1, sizeof(week1) / sizeof(week1[0]), &skipped), 0);
        assert_int_equal(skipped, 3);
        assert_int_equal(scalar(db, "SELECT count(*) FROM event"), 9);
        /* an event's newsletter is its episode's */
        assert_int_equal(scalar(db, "SELECT count(*) FROM event WHERE newsletter_id <> 1"), 0);

        char r[256];
        /* views 4 (2 members); visitors Ann, Bo (read), 77, 88; guest readers 77; 1 completion;
         * 1 reaction; 2 replies: Bo to Ann (members), the author to Bo */
        row(db,
            "SELECT views, member_views, visitors, guest_readers, completions, reactions, "
            "comments, replies, member_replies, author_replies FROM insight_day WHERE "
            "newsletter_id = 1 AND episode_id = 1 AND day = 20787",
            r, sizeof(r));
        assert_string_equal(r, "4|2|4|1|1|1|0|2|1|1");
        /* the newsletter's own row (episode 0) holds the same */
        row(db,
            "SELECT views, member_views, visitors, guest_readers, completions, reactions, "
            "comments, replies, member_replies, author_replies FROM insight_day WHERE "
            "newsletter_id = 1 AND episode_id = 0 AND day = 20787",
            r, sizeof(r));
        assert_string_equal(r, "4|2|4|1|1|1|0|2|1|1");
        assert_int_equal(scalar(db, "SELECT count(*) FROM insight_day"), 2);

        /* the week: Ann (reader), Bo (commenter), the author (commenter) active, all new; the
         * pairs Ann-Bo and the author-Bo, connecting all three */
        row(db,
            "SELECT active, returned, rung1, rung2, rung3, rung4, new_members, new_pairs, "
            "new_connected FROM insight_week WHERE newsletter_id = 1 AND week = 2970",
            r, sizeof(r));
        assert_string_equal(r, "3|0|1|0|2|0|3|2|3");
        row(db,
            "SELECT first_week, last_week, weeks, rung, connected_week FROM insight_member "
            "WHERE newsletter_id = 1 AND member_id = 2",
            r, sizeof(r));
        assert_string_equal(r, "2970|2970|1|1|2970");
        row(db,
            "SELECT first_week, last_week, weeks, rung, connected_week FROM insight_member "
            "WHERE newsletter_id = 1 AND member_id = 3",
            r, sizeof(r));
        assert_string_equal(r, "2970|2970|1|3|2970");
        row(db, "SELECT did, rung FROM insight_member_week WHERE member_id = 3", r, sizeof(r));
        char want[32];
        snprintf(want, sizeof(want), "%d|3",
                 EVENT_DID_READ | EVENT_DID_COMPLETE | EVENT_DID_REACT | EVENT_DID_COMMENT);
        assert_string_equal(r, want);
        row(db, "SELECT interactions FROM insight_pair WHERE a = 2 AND b = 3", r, sizeof(r));
        assert_string_equal(r, "2");

        /* Next week Ann comes back and reads; Bo does not. */
        const struct event week2[] = {
            ev(AT(MONDAY + 7, 9), EVENT_VIEW, 2, 0, 1, 0),
            ev(AT(MONDAY + 8, 9), EVENT_SEEN, 2, 0, 1, 0),
        };
        assert_int_equal(event_apply(db, week2, 2, &skipped), 0);
        assert_int_equal(skipped, 0);
        row(db,
            "SELECT active, returned, rung1, rung2, rung3, rung4, new_members, new_pairs, "
            "new_connected FROM insight_week WHERE newsletter_id = 1 AND week = 2971",
            r, sizeof(r));
        assert_string_equal(r, "1|1|1|0|0|0|0|0|0");
        row(db,
            "SELECT first_week, last_week, weeks, rung FROM insight_member WHERE "
            "newsletter_id = 1 AND member_id = 2",
            r, sizeof(r));
        assert_string_equal(r, "2970|2971|2|1");
        /* Ann counted once a day: a view on Monday, a seen on Tuesday */
        assert_int_equal(scalar(db, "SELECT visitors FROM insight_day WHERE episode_id = 1 AND "
                                    "day = 20794"),
                         1);
        assert_int_equal(scalar(db, "SELECT visitors FROM insight_day WHERE episode_id = 1 AND "
                                    "day = 20795"),
                         1);
        /* a member's seen is not a guest reader */
        assert_int_equal(scalar(db, "SELECT guest_readers FROM insight_day WHERE episode_id = 1 "
                                    "AND day = 20795"),
                         0);
}

static void expire_keeps_members_and_rollups(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        const struct event batch[] = {
            ev(AT(MONDAY, 9), EVENT_VIEW, 0, 5, 1, 0),
            ev(AT(MONDAY, 9), EVENT_VIEW, 2, 0, 1, 0),
            ev(AT(MONDAY + 80, 9), EVENT_VIEW, 0, 6, 1, 0),
        };
        assert_int_equal(event_apply(db, batch, 3, NULL), 0);
        /* 91 days after Monday with 90 days kept: Monday's guest event goes */
        int64_t now = AT(MONDAY + 91, 10);
        assert_int_equal(event_expire(db, now, 90, 1000), 1);
        assert_int_equal(scalar(db, "SELECT count(*) FROM event WHERE guest IS NOT NULL"), 1);
        assert_int_equal(scalar(db, "SELECT count(*) FROM event WHERE member_id = 2"), 1);
        assert_int_equal(scalar(db, "SELECT views FROM insight_day WHERE episode_id = 1 AND "
                                    "day = 20787"),
                         2);
        /* the per-day bookkeeping of visitors goes; the counts it made stay */
        assert_int_equal(scalar(db, "SELECT count(*) FROM insight_visit WHERE day < 20787 + 90"),
                         0);
        assert_int_equal(scalar(db, "SELECT visitors FROM insight_day WHERE episode_id = 1 AND "
                                    "day = 20787"),
                         2);
        /* with 10 days kept, the other guest's goes too */
        assert_int_equal(event_expire(db, now, 10, 1000), 1);
        assert_int_equal(scalar(db, "SELECT count(*) FROM event"), 1);
}

/* A backlog goes in chunks, oldest first, each a statement of its own. */
static void expire_in_chunks_oldest_first(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        struct event batch[5];
        for (int i = 0; i < 5; i++)
                batch[i] = ev(AT(MONDAY + i, 9), EVENT_VIEW, 0, 10 + i, 1, 0);
        assert_int_equal(event_apply(db, batch, 5, NULL), 0);
        int64_t now = AT(MONDAY + 200, 10);
        assert_int_equal(event_expire(db, now, 90, 2), 2);
        assert_int_equal(scalar(db, "SELECT min(guest) FROM event"), 12); /* 10 and 11 went */
        assert_int_equal(event_expire(db, now, 90, 2), 2);
        assert_int_equal(event_expire(db, now, 90, 2), 1); /* fewer than asked: done */
        assert_int_equal(event_expire(db, now, 90, 2), 0);
        assert_int_equal(scalar(db, "SELECT count(*) FROM event"), 0);
        assert_int_equal(scalar(db, "SELECT sum(views) FROM insight_day WHERE episode_id = 1"), 5);
}

static void salt_shared_and_deleted(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        unsigned char a[RECORDING_SALT_BYTES], b[RECORDING_SALT_BYTES], c[RECORDING_SALT_BYTES];
        assert_int_equal(recording_salt(db, MONDAY, a), 0);
        /* asked again (another node), the day's salt is the one already made */
        assert_int_equal(recording_salt(db, MONDAY, b), 0);
        assert_memory_equal(a, b, sizeof(a));
        assert_int_equal(recording_salt(db, MONDAY + 1, c), 0);
        assert_memory_not_equal(a, c, sizeof(a));
        /* on Tuesday Monday's salt is deleted: its hashes cannot be made again */
        assert_int_equal(recording_salt_expire(db, MONDAY + 1), 0);
        assert_int_equal(scalar(db, "SELECT count(*) FROM insight_salt WHERE day = 20787"), 0);
        assert_int_equal(scalar(db, "SELECT count(*) FROM insight_salt WHERE day = 20788"), 1);
        assert_int_equal(recording_salt(db, MONDAY, b), 0);
        assert_memory_not_equal(a, b, sizeof(a));
}

static void beacon_targets_live_episodes(void **state)
{
        struct fixture *fx = *state;
        struct db *db = fx->t.db;
        int64_t nl = 0;
        assert_int_equal(recording_live_episode(db, 1, AT(MONDAY, 0), &nl), 1);
        assert_int_equal(nl, 1);
        assert_int_equal(recording_live_episode(db, 2, AT(MONDAY, 0), &nl), 0); /* a draft */
        assert_int_equal(recording_live_episode(db, 99, AT(MONDAY, 0), &nl), 0);
        db_exec_script(db, "UPDATE episode SET status = 'scheduled', publish_at = 1900000000 "
                           "WHERE id = 1");
        assert_int_equal(recording_live_episode(db, 1, AT(MONDAY, 0), &nl), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(hash_per_day_address_and_agent),
            cmocka_unit_test(bots_by_user_agent),
            cmocka_unit_test_setup_teardown(apply_rolls_up_exactly, setup, teardown),
            cmocka_unit_test_setup_teardown(expire_keeps_members_and_rollups, setup, teardown),
            cmocka_unit_test_setup_teardown(expire_in_chunks_oldest_first, setup, teardown),
            cmocka_unit_test_setup_teardown(salt_shared_and_deleted, setup, teardown),
            cmocka_unit_test_setup_teardown(beacon_targets_live_episodes, setup, teardown),
        };
        int failed = cmocka_run_group_tests_name("events on SQLite", tests, NULL, NULL);
        /* again on PostgreSQL under tests/pg/run (a database each, tests/unit/tmpdb.h) */
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed += cmocka_run_group_tests_name("events on PostgreSQL", tests, NULL, NULL);
        return failed;
}
