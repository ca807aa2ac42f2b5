/* Unit tests for the publishing model (slugs, dates, seasons, newsletters, episodes and the
 * Markdown import) against a migrated temporary database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/role.h"
#include "core/slug.h"
#include "core/timeutil.h"
#include "model/episode.h"
#include "model/image.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/season.h"
#include "model/transfer.h"
#include "tmpdb.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#define PASSWORD "correct horse battery"
#define DAY      86400
#define WEEK     (7 * DAY)
#define CJK      "\xE6\x97\xA5" /* one code point, three bytes */

/* Tuesday 2024-03-05 08:00:00 UTC, and the days around it. */
#define TUE_0305_0800 INT64_C(1709625600)
#define WED_0306_1200 INT64_C(1709726400)
#define FRI_0308_0800 INT64_C(1709884800)
#define TUE_0312_0800 INT64_C(1710230400)
#define TUE_0319_0800 INT64_C(1710835200)
#define WED_0320_0000 INT64_C(1710892800)
#define TUE_0326_0800 INT64_C(1711440000)
#define TUE_0604_0000 INT64_C(1717459200)

/* ---- fixture -------------------------------------------------------------------------------- */

struct fixture {
        struct tmpdb t;
        struct arena *a;
        char data[96];
};

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        snprintf(fx->data, sizeof(fx->data), "%s/data", fx->t.dir);
        if (mkdir(fx->data, 0700) != 0)
                return -1;
        *state = fx;
        return 0;
}

/* Removes <data>/media/<files>, <data>/media and <data>. */
static void remove_data_dir(const char *data)
{
        char media[160];
        snprintf(media, sizeof(media), "%s/media", data);
        DIR *d = opendir(media);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                                continue;
                        char p[512];
                        snprintf(p, sizeof(p), "%s/%s", media, de->d_name);
                        unlink(p);
                }
                closedir(d);
                rmdir(media);
        }
        rmdir(data);
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        remove_data_dir(fx->data);
        arena_free(fx->a);
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

#define FX    ((struct fixture *)*state)
#define DB    (FX->t.db)
#define ARENA (FX->a)
#define DATA  (FX->data)

/* ---- helpers -------------------------------------------------------------------------------- */

static int64_t count_rows(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

static int64_t count_episodes(struct db *db)
{
        return count_rows(db, "SELECT count(*) FROM episode");
}

/* n copies of unit, as an arena string. */
static char *repeat(struct arena *a, const char *unit, size_t n)
{
        size_t u = strlen(unit);
        char *s = arena_alloc(a, u * n + 1);
        for (size_t i = 0; i < n; i++)
                memcpy(s + i * u, unit, u);
        s[u * n] = '\0';
        return s;
}

static int64_t make_member(struct db *db, const char *handle, enum role role)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        struct member_input in = {
            .handle = handle,
            .display_name = handle,
            .headline = "Writes things",
            .bio = "",
            .email = email,
            .password = PASSWORD,
        };
        struct member_problem p = {0};
        int64_t id = 0;
        int rc = member_create(db, &in, role, &id, &p);
        if (rc != MEMBER_OK)
                fail_msg("member_create(%s): %d %s", handle, rc, p.message ? p.message : "");
        return id;
}

static int64_t make_newsletter(struct db *db, const char *slug, const char *title, int64_t owner,
                               const char *coauthors)
{
        struct newsletter_input in = {slug, title, "", coauthors};
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = newsletter_create(db, &in, owner, &id, &p);
        if (rc != PUB_OK)
                fail_msg("newsletter_create(%s): %d %s %s", title, rc, p.field ? p.field : "",
                         p.message ? p.message : "");
        return id;
}

static int64_t make_season(struct db *db, int64_t newsletter, int number, enum season_cadence c,
                           int n, enum season_status st)
{
        char title[32];
        snprintf(title, sizeof(title), "Season %d", number);
        struct season_input in = {number, title, "", c, n, st, 0};
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = season_save(db, newsletter, 0, &in, &id, &p);
        if (rc != PUB_OK)
                fail_msg("season_save(%d): %d %s", number, rc, p.field ? p.field : "");
        return id;
}

/* The members, newsletters and seasons most tests start from. */
struct world {
        int64_t mira;  /* author, owns lip */
        int64_t tomas; /* author, co-author of lip */
        int64_t otto;  /* author, owns garden */
        int64_t rita;  /* reader */
        int64_t ada;   /* admin */
        int64_t lip, garden;
        int64_t lip_s1, lip_s2, garden_s1;
};

static void make_world(struct db *db, struct world *w)
{
        w->mira = make_member(db, "mira", ROLE_AUTHOR);
        w->tomas = make_member(db, "tomas", ROLE_AUTHOR);
        w->otto = make_member(db, "otto", ROLE_AUTHOR);
        w->rita = make_member(db, "rita", ROLE_READER);
        w->ada = make_member(db, "ada", ROLE_ADMIN);
        w->lip = make_newsletter(db, "lip", "Learning in Public", w->mira, "tomas");
        w->garden = make_newsletter(db, "garden", "Fourth Floor Garden", w->otto, NULL);
        w->lip_s1 = make_season(db, w->lip, 1, CADENCE_WEEKLY, 2, SEASON_AIRING);
        w->lip_s2 = make_season(db, w->lip, 2, CADENCE_IRREGULAR, 0, SEASON_AIRING);
        w->garden_s1 = make_season(db, w->garden, 1, CADENCE_IRREGULAR, 0, SEASON_AIRING);
}

/* A valid published episode of lip by mira. */
static struct episode_input ep(const struct world *w, int season, const char *title, int64_t at)
{
        struct episode_input in = {
            .newsletter_id = w->lip,
            .season_number = season,
            .author_id = w->mira,
            .title = title,
            .body = "Hello **world**, this is text.",
            .status = EPISODE_PUBLISHED,
            .publish_at = at,
        };
        return in;
}

static int64_t save_ok(struct db *db, const struct episode_input *in)
{
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = episode_save(db, 0, in, &id, &p);
        if (rc != PUB_OK)
                fail_msg("episode_save(%s): %d %s %s", in->title, rc, p.field ? p.field : "",
                         p.message ? p.message : "");
        assert_true(id > 0);
        return id;
}

static void expect_invalid_episode(struct db *db, const struct episode_input *in, const char *field)
{
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = episode_save(db, 0, in, &id, &p);
        if (rc != PUB_INVALID || !p.field || strcmp(p.field, field) != 0)
                fail_msg("expected PUB_INVALID on %s, got %d on %s", field, rc,
                         p.field ? p.field : "(none)");
        assert_non_null(p.message);
        assert_int_equal(id, 0);
}

static struct episode get_episode(struct db *db, struct arena *a, int64_t id)
{
        struct episode e;
        assert_int_equal(episode_get(db, a, id, &e), PUB_OK);
        return e;
}

/* A minimal PNG header of w x h (enough for image_sniff). */
static size_t make_png(unsigned char *o, uint32_t w, uint32_t h)
{
        memset(o, 0, 33);
        memcpy(o, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
        for (int i = 0; i < 4; i++) {
                o[16 + i] = (unsigned char)(w >> (24 - 8 * i));
                o[20 + i] = (unsigned char)(h >> (24 - 8 * i));
        }
        o[24] = 8;
        o[25] = 6;
        return 33;
}

static int64_t store_png(struct db *db, const char *data, uint32_t w, uint32_t h)
{
        unsigned char png[33];
        size_t n = make_png(png, w, h);
        int64_t id = 0;
        assert_int_equal(image_store(db, data, png, n, 0, &id), IMAGE_OK);
        return id;
}

/* ---- slugs ---------------------------------------------------------------------------------- */

static void test_slug_valid(void **state)
{
        struct arena *a = ARENA;
        const char *good[] = {"a", "0", "abc", "abc-123", "a-b-c", "2026", repeat(a, "a", 60)};
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                if (!slug_valid(good[i]))
                        fail_msg("\"%s\" should be a valid slug", good[i]);
        const char *bad[] = {
            "",
            "-",
            "-a",
            "a-",
            "a--b",
            "Abc",
            "a_b",
            "a b",
            "a.b",
            "a/b",
            "../a",
            "caf\xC3\xA9",
            "a\n",
            repeat(a, "a", 61),
            "%2e",
            "a+b",
            "a-b-",
            "--",
            "\xE6\x97\xA5\xE6",
            "A",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (slug_valid(bad[i]))
                        fail_msg("\"%s\" should be refused", bad[i]);
}

static void test_slug_from_title(void **state)
{
        struct arena *a = ARENA;
        static const struct {
                const char *title, *slug;
        } cases[] = {
            {"Hello, World!", "hello-world"},
            {"  The Fifteen-Minute Retro  ", "the-fifteen-minute-retro"},
            {"A Letter to Next Year's Team", "a-letter-to-next-years-team"},
            {"Caf\xC3\xA9 au lait", "caf-au-lait"},
            {"2026: Year 1", "2026-year-1"},
            {"--a--b--", "a-b"},
            {"C++ & Rust", "c-rust"},
            {"???", "untitled"},
            {"", "untitled"},
            {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "untitled"},
        };
        char out[KD_SLUG_MAX_BYTES + 1];
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                slug_from_title(cases[i].title, out, sizeof(out));
                if (strcmp(out, cases[i].slug) != 0)
                        fail_msg("\"%s\" gave \"%s\", expected \"%s\"", cases[i].title, out,
                                 cases[i].slug);
                assert_true(slug_valid(out));
        }
        /* a long title is cut to the limit */
        slug_from_title(repeat(a, "A", 70), out, sizeof(out));
        assert_string_equal(out, repeat(a, "a", 60));
        /* words of a long title that fit whole are kept */
        slug_from_title(repeat(a, "word ", 20), out, sizeof(out));
        assert_true(slug_valid(out));
        assert_true(strlen(out) <= KD_SLUG_MAX_BYTES);
        assert_int_equal(strncmp(out, "word-word-word", 14), 0);
}

/* A long title's slug ends at the last whole word that fits; a word is never cut or run into
 * the next one. (Found as a bug while writing these tests.) */
static void test_slug_from_title_ends_at_a_whole_word(void **state)
{
        struct arena *a = ARENA;
        char out[KD_SLUG_MAX_BYTES + 1];
        /* 59 letters, a space, one letter: the second word does not fit with its hyphen */
        char *title = arena_printf(a, "%s y", repeat(a, "x", 59));
        slug_from_title(title, out, sizeof(out));
        assert_string_equal(out, repeat(a, "x", 59)); /* got "xxx...xy": two words merged */
        /* 58 letters, a space, a 4-letter word: cut mid-word */
        title = arena_printf(a, "%s yyyy", repeat(a, "x", 58));
        slug_from_title(title, out, sizeof(out));
        assert_string_equal(out, repeat(a, "x", 58)); /* got "xxx...x-y" */
        /* a title of twelve words and more: twelve fit whole */
        slug_from_title(repeat(a, "word ", 20), out, sizeof(out));
        char *twelve = repeat(a, "word-", 12);
        twelve[strlen(twelve) - 1] = '\0';
        assert_string_equal(out, twelve); /* got "word-...-wordw" */
        /* the same with a small output buffer */
        char small[8];
        slug_from_title("Hello World", small, sizeof(small));
        assert_string_equal(small, "hello"); /* got "hello-w" */
}

/* ---- dates ---------------------------------------------------------------------------------- */

static void test_time_parse(void **state)
{
        (void)state;
        static const struct {
                const char *s;
                int64_t t;
        } good[] = {
            {"2026-12-01", INT64_C(1796083200)},
            {"2026-12-01T08:00", INT64_C(1796112000)},
            {"2026-12-01T08:00:30", INT64_C(1796112030)},
            {"2026-12-01T08:00:30Z", INT64_C(1796112030)},
            {"2026-12-01 08:00Z", INT64_C(1796112000)},
            {"2026-12-01 08:00:30", INT64_C(1796112030)},
            {"2026-12-01Z", INT64_C(1796083200)},
            {"2024-02-29", INT64_C(1709164800)},
            {"2000-02-29T23:59:59Z", INT64_C(951868799)},
            {"1970-01-01T00:00:00Z", 0},
            {"2024-03-05T08:00:00Z", TUE_0305_0800},
        };
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                int64_t t = -1;
                if (time_parse_iso8601(good[i].s, &t) != 0)
                        fail_msg("\"%s\" should parse", good[i].s);
                if (t != good[i].t)
                        fail_msg("\"%s\" gave %lld, expected %lld", good[i].s, (long long)t,
                                 (long long)good[i].t);
        }
        static const char *const bad[] = {
            "",
            "2026",
            "2026-12",
            "2026-12-1",
            "26-12-01",
            "2026/12/01",
            "2026-13-01",
            "2026-00-10",
            "2026-12-00",
            "2026-12-32",
            "2026-04-31",
            "2026-02-29",
            "1900-02-29",
            "2100-02-29",
            "1969-12-31",
            "2026-12-01T",
            "2026-12-01T8:00",
            "2026-12-01T08",
            "2026-12-01T08:",
            "2026-12-01T24:00",
            "2026-12-01T08:60",
            "2026-12-01T08:00:61",
            "2026-12-01T08:00:5",
            "2026-12-01T08:00+01:00",
            "2026-12-01T08:00ZZ",
            "2026-12-01 ",
            " 2026-12-01",
            "2026-12-01x",
            "2026-12-01t08:00",
            "tomorrow",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int64_t t = 0;
                if (time_parse_iso8601(bad[i], &t) != -1)
                        fail_msg("\"%s\" should be refused", bad[i]);
        }
}

static void test_time_round_trip(void **state)
{
        (void)state;
        char out[32];
        time_iso8601(INT64_C(1796112030), out, sizeof(out));
        assert_string_equal(out, "2026-12-01T08:00:30Z");
        time_iso8601(0, out, sizeof(out));
        assert_string_equal(out, "1970-01-01T00:00:00Z");
        const int64_t times[] = {0,
                                 INT64_C(951868799),
                                 TUE_0305_0800,
                                 INT64_C(1796112030),
                                 INT64_C(4102444799) /* 2099-12-31T23:59:59Z */,
                                 time_now()};
        for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
                time_iso8601(times[i], out, sizeof(out));
                int64_t back = -1;
                assert_int_equal(time_parse_iso8601(out, &back), 0);
                assert_int_equal(back, times[i]);
        }
}

/* ---- seasons: cadence and status ------------------------------------------------------------ */

static void test_cadence_parse(void **state)
{
        (void)state;
        static const struct {
                const char *text;
                enum season_cadence kind;
                int n;
        } good[] = {
            {"weekly on tuesday", CADENCE_WEEKLY, 2},
            {"every tuesday", CADENCE_WEEKLY, 2},
            {"Every Tuesday", CADENCE_WEEKLY, 2},
            {"weekly sunday", CADENCE_WEEKLY, 0},
            {"weekly on Saturday", CADENCE_WEEKLY, 6},
            {"WEEKLY ON MONDAY", CADENCE_WEEKLY, 1},
            {"  weekly\ton   friday  ", CADENCE_WEEKLY, 5},
            {"every 14 days", CADENCE_DAYS, 14},
            {"every day", CADENCE_DAYS, 1},
            {"every 1 days", CADENCE_DAYS, 1},
            {"every 365 days", CADENCE_DAYS, 365},
            {"irregular", CADENCE_IRREGULAR, 0},
            {"Irregular", CADENCE_IRREGULAR, 0},
            {"", CADENCE_IRREGULAR, 0},
            {"   ", CADENCE_IRREGULAR, 0},
        };
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                enum season_cadence kind = CADENCE_IRREGULAR;
                int n = -99;
                if (season_cadence_parse(good[i].text, &kind, &n) != 0)
                        fail_msg("\"%s\" should parse", good[i].text);
                if (kind != good[i].kind || n != good[i].n)
                        fail_msg("\"%s\" gave %d/%d", good[i].text, (int)kind, n);
        }
        static const char *const bad[] = {
            "every 0 days",
            "every 366 days",
            "every -3 days",
            "every 3x days",
            "every days",
            "every 14 weeks",
            "weekly on funday",
            "weekly on",
            "weekly",
            "fortnightly",
            "every tuesday please",
            "weekly on tuesday and friday",
            "on tuesday weekly",
            "every wednesdayyyyyyyyyyyyyyyyyyyy",
            "irregular sometimes",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                enum season_cadence kind;
                int n;
                if (season_cadence_parse(bad[i], &kind, &n) != -1)
                        fail_msg("\"%s\" should be refused", bad[i]);
        }
}

static void test_cadence_round_trip(void **state)
{
        (void)state;
        static const char *const days[7] = {"sunday",   "monday", "tuesday", "wednesday",
                                            "thursday", "friday", "saturday"};
        char out[64], want[64];
        for (int d = 0; d < 7; d++) {
                const char *text = season_cadence_text(CADENCE_WEEKLY, d, out, sizeof(out));
                snprintf(want, sizeof(want), "weekly on %s", days[d]);
                assert_string_equal(text, want);
                enum season_cadence kind = CADENCE_IRREGULAR;
                int n = -1;
                assert_int_equal(season_cadence_parse(text, &kind, &n), 0);
                assert_int_equal(kind, CADENCE_WEEKLY);
                assert_int_equal(n, d);
        }
        const int every[] = {1, 2, 14, 365};
        for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++) {
                const char *text = season_cadence_text(CADENCE_DAYS, every[i], out, sizeof(out));
                snprintf(want, sizeof(want), "every %d days", every[i]);
                assert_string_equal(text, want);
                enum season_cadence kind = CADENCE_IRREGULAR;
                int n = -1;
                assert_int_equal(season_cadence_parse(text, &kind, &n), 0);
                assert_int_equal(kind, CADENCE_DAYS);
                assert_int_equal(n, every[i]);
        }
        const char *text = season_cadence_text(CADENCE_IRREGULAR, 0, out, sizeof(out));
        assert_string_equal(text, "irregular");
        enum season_cadence kind = CADENCE_WEEKLY;
        int n = -1;
        assert_int_equal(season_cadence_parse(text, &kind, &n), 0);
        assert_int_equal(kind, CADENCE_IRREGULAR);
        assert_int_equal(n, 0);
}

static void test_season_status_names(void **state)
{
        (void)state;
        static const char *const names[] = {"planned", "airing", "on-break", "finished"};
        const enum season_status values[] = {SEASON_PLANNED, SEASON_AIRING, SEASON_ON_BREAK,
                                             SEASON_FINISHED};
        for (size_t i = 0; i < 4; i++) {
                enum season_status s = SEASON_PLANNED;
                assert_int_equal(season_status_parse(names[i], &s), 0);
                assert_int_equal(s, values[i]);
                assert_string_equal(season_status_name(values[i]), names[i]);
        }
        static const char *const bad[] = {"", "Airing", "on break", "onbreak", "airing ", "done"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                enum season_status s = SEASON_FINISHED;
                if (season_status_parse(bad[i], &s) != -1)
                        fail_msg("\"%s\" should be refused", bad[i]);
                assert_int_equal(s, SEASON_FINISHED);
        }
}

/* ---- seasons: storage ----------------------------------------------------------------------- */

static void expect_invalid_season(struct db *db, int64_t newsletter, const struct season_input *in,
                                  const char *field)
{
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = season_save(db, newsletter, 0, in, &id, &p);
        if (rc != PUB_INVALID || !p.field || strcmp(p.field, field) != 0)
                fail_msg("season %d: expected PUB_INVALID on %s, got %d on %s", in->number, field,
                         rc, p.field ? p.field : "(none)");
        assert_non_null(p.message);
}

static void test_season_validation(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        int64_t lip = make_newsletter(DB, "lip", "Learning in Public", mira, NULL);
        const struct season_input base = {
            1, "Small Habits", "About *this*.", CADENCE_WEEKLY, 2, SEASON_AIRING, 0};
        struct season_input in;
#define SEASON_CASE(field, change)                                                                 \
        do {                                                                                       \
                in = base;                                                                         \
                change;                                                                            \
                expect_invalid_season(DB, lip, &in, field);                                        \
        } while (0)
        SEASON_CASE("number", in.number = 0);
        SEASON_CASE("number", in.number = -1);
        SEASON_CASE("number", in.number = KD_MAX_SEASONS + 1);
        SEASON_CASE("title", in.title = "");
        SEASON_CASE("title", in.title = "   ");
        SEASON_CASE("title", in.title = NULL);
        SEASON_CASE("title", in.title = "Two\nlines");
        SEASON_CASE("title", in.title = repeat(ARENA, "x", KD_TITLE_MAX + 1));
        SEASON_CASE("title", in.title = repeat(ARENA, CJK, KD_TITLE_MAX + 1));
        SEASON_CASE("title", in.title = "bad \xC3(");
        SEASON_CASE("description", in.description = repeat(ARENA, "x", KD_DESCRIPTION_MAX + 1));
        SEASON_CASE("weekday", in.cadence_n = 7);
        SEASON_CASE("weekday", in.cadence_n = -1);
        SEASON_CASE("every_days", (in.cadence = CADENCE_DAYS, in.cadence_n = 0));
        SEASON_CASE("every_days", (in.cadence = CADENCE_DAYS, in.cadence_n = 366));
        SEASON_CASE("status", in.status = (enum season_status)4);
#undef SEASON_CASE
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM season"), 0);

        /* at the limits */
        in = base;
        in.number = KD_MAX_SEASONS;
        in.title = repeat(ARENA, CJK, KD_TITLE_MAX);
        int64_t id = 0;
        struct field_problem p = {0};
        assert_int_equal(season_save(DB, lip, 0, &in, &id, &p), PUB_OK);
        struct season s;
        assert_int_equal(season_get(DB, ARENA, id, time_now(), &s), PUB_OK);
        assert_int_equal(s.number, KD_MAX_SEASONS);
        assert_string_equal(s.title, in.title);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM season"), 1);
}

static void test_season_taken_and_update(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        int64_t lip = make_newsletter(DB, "lip", "Learning in Public", mira, NULL);
        int64_t garden = make_newsletter(DB, "garden", "Garden", mira, NULL);
        int64_t s1 = make_season(DB, lip, 1, CADENCE_IRREGULAR, 0, SEASON_AIRING);
        int64_t s2 = make_season(DB, lip, 2, CADENCE_IRREGULAR, 0, SEASON_PLANNED);
        assert_true(s1 > 0 && s2 > 0 && s1 != s2);

        struct season_input in = {1, "Again", "", CADENCE_IRREGULAR, 0, SEASON_PLANNED, 0};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(season_save(DB, lip, 0, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "number");
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM season"), 2);
        /* the same number in another newsletter is fine */
        int64_t g1 = 0;
        assert_int_equal(season_save(DB, garden, 0, &in, &g1, &p), PUB_OK);

        /* renumbering onto a taken number */
        memset(&p, 0, sizeof(p));
        assert_int_equal(season_save(DB, lip, s2, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "number");
        struct season s;
        assert_int_equal(season_find(DB, ARENA, lip, 2, time_now(), &s), PUB_OK);
        assert_int_equal(s.id, s2);
        assert_string_equal(s.title, "Season 2");

        /* renumbering, retitling, a break with a return date */
        in = (struct season_input){3,  "Third",         "Back *soon*.", CADENCE_DAYS,
                                   14, SEASON_ON_BREAK, TUE_0604_0000};
        id = 0;
        assert_int_equal(season_save(DB, lip, s2, &in, &id, &p), PUB_OK);
        assert_int_equal(id, s2);
        assert_int_equal(season_find(DB, ARENA, lip, 2, time_now(), &s), PUB_NOT_FOUND);
        assert_int_equal(season_find(DB, ARENA, lip, 3, time_now(), &s), PUB_OK);
        assert_int_equal(s.id, s2);
        assert_int_equal(s.newsletter_id, lip);
        assert_string_equal(s.title, "Third");
        assert_string_equal(s.description, "Back *soon*.");
        assert_string_equal(s.description_html, "<p>Back <em>soon</em>.</p>\n");
        assert_int_equal(s.cadence, CADENCE_DAYS);
        assert_int_equal(s.cadence_n, 14);
        assert_int_equal(s.status, SEASON_ON_BREAK);
        assert_int_equal(s.returns_at, TUE_0604_0000);

        /* a return date is kept only while on a break */
        in.status = SEASON_AIRING;
        assert_int_equal(season_save(DB, lip, s2, &in, &id, &p), PUB_OK);
        assert_int_equal(season_get(DB, ARENA, s2, time_now(), &s), PUB_OK);
        assert_int_equal(s.status, SEASON_AIRING);
        assert_int_equal(s.returns_at, 0);

        /* a season of another newsletter cannot be updated through this one */
        in = (struct season_input){5, "Hijack", "", CADENCE_IRREGULAR, 0, SEASON_PLANNED, 0};
        assert_true(season_save(DB, lip, g1, &in, &id, &p) != PUB_OK);
        assert_int_equal(season_get(DB, ARENA, g1, time_now(), &s), PUB_OK);
        assert_int_equal(s.newsletter_id, garden);
        assert_int_equal(s.number, 1);
        assert_string_equal(s.title, "Again");
}

static void test_season_find_and_list(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t now = time_now();
        /* seasons 5 and 3 created after 1 and 2: listed by number */
        int64_t s5 = make_season(DB, w.lip, 5, CADENCE_DAYS, 3, SEASON_FINISHED);
        int64_t s3 = make_season(DB, w.lip, 3, CADENCE_IRREGULAR, 0, SEASON_PLANNED);
        struct season *list = NULL;
        assert_int_equal(season_list(DB, ARENA, w.lip, now, &list), 4);
        assert_int_equal(list[0].id, w.lip_s1);
        assert_int_equal(list[1].id, w.lip_s2);
        assert_int_equal(list[2].id, s3);
        assert_int_equal(list[3].id, s5);
        assert_int_equal(list[0].number, 1);
        assert_int_equal(list[3].number, 5);
        assert_int_equal(list[0].cadence, CADENCE_WEEKLY);
        assert_int_equal(list[0].cadence_n, 2);
        assert_int_equal(list[0].status, SEASON_AIRING);
        assert_int_equal(list[3].cadence, CADENCE_DAYS);
        assert_int_equal(list[3].cadence_n, 3);
        assert_int_equal(list[3].status, SEASON_FINISHED);
        assert_int_equal(season_list(DB, ARENA, w.garden, now, &list), 1);
        int64_t empty = make_newsletter(DB, "empty", "Empty", w.mira, NULL);
        assert_int_equal(season_list(DB, ARENA, empty, now, &list), 0);

        /* visible episodes: two published, a draft, one scheduled for later */
        struct episode_input in = ep(&w, 1, "One", TUE_0305_0800);
        save_ok(DB, &in);
        in = ep(&w, 1, "Two", TUE_0312_0800);
        save_ok(DB, &in);
        in = ep(&w, 1, "Draft", TUE_0319_0800);
        in.status = EPISODE_DRAFT;
        save_ok(DB, &in);
        in = ep(&w, 1, "Later", now + 3 * DAY);
        save_ok(DB, &in);
        struct season s;
        assert_int_equal(season_find(DB, ARENA, w.lip, 1, now, &s), PUB_OK);
        assert_int_equal(s.id, w.lip_s1);
        assert_int_equal(s.episodes, 2);
        assert_int_equal(season_find(DB, ARENA, w.lip, 1, now + 4 * DAY, &s), PUB_OK);
        assert_int_equal(s.episodes, 3);
        assert_int_equal(season_find(DB, ARENA, w.lip, 1, TUE_0305_0800, &s), PUB_OK);
        assert_int_equal(s.episodes, 1);
        assert_int_equal(season_get(DB, ARENA, w.lip_s2, now, &s), PUB_OK);
        assert_int_equal(s.episodes, 0);
        assert_int_equal(s.number, 2);
        assert_int_equal(season_find(DB, ARENA, w.lip, 9, now, &s), PUB_NOT_FOUND);
        assert_int_equal(season_find(DB, ARENA, w.garden, 2, now, &s), PUB_NOT_FOUND);
        assert_int_equal(season_get(DB, ARENA, 9999, now, &s), PUB_NOT_FOUND);
}

/* ---- seasons: when the next episode is due -------------------------------------------------- */

static void test_next_episode_weekly(void **state)
{
        struct world w;
        make_world(DB, &w); /* lip season 1: weekly on tuesday, airing */
        struct season s;
        assert_int_equal(season_get(DB, ARENA, w.lip_s1, time_now(), &s), PUB_OK);
        /* nothing published yet */
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), 0);

        struct episode_input in = ep(&w, 1, "One", TUE_0305_0800);
        save_ok(DB, &in);
        in = ep(&w, 1, "A later draft", TUE_0305_0800 + 2 * DAY + 3600);
        in.status = EPISODE_DRAFT;
        save_ok(DB, &in); /* drafts do not count */

        /* the next Tuesday at 08:00 */
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), TUE_0312_0800);
        assert_int_equal(season_next_episode_at(DB, &s, TUE_0305_0800 + 60), TUE_0312_0800);
        assert_int_equal(season_next_episode_at(DB, &s, TUE_0312_0800), TUE_0312_0800);
        /* never before now: a missed week moves on */
        assert_int_equal(season_next_episode_at(DB, &s, TUE_0312_0800 + 1), TUE_0312_0800 + WEEK);
        assert_int_equal(season_next_episode_at(DB, &s, WED_0320_0000), TUE_0326_0800);
        /* before the episode went out, nothing is live yet */
        assert_int_equal(season_next_episode_at(DB, &s, TUE_0305_0800 - 1), 0);

        /* another weekday: the first Friday after the last episode */
        s.cadence_n = 5;
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), FRI_0308_0800);
        assert_int_equal(season_next_episode_at(DB, &s, FRI_0308_0800 + 1), FRI_0308_0800 + WEEK);
        s.cadence_n = 0; /* Sunday 2024-03-10 08:00 */
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), TUE_0305_0800 + 5 * DAY);

        /* the latest live episode sets the time of day */
        in = ep(&w, 1, "Two", TUE_0312_0800 + 3600 + 30); /* 09:00:30 */
        save_ok(DB, &in);
        s.cadence_n = 2;
        assert_int_equal(season_next_episode_at(DB, &s, TUE_0312_0800 + DAY),
                         TUE_0312_0800 + WEEK + 3600 + 30);

        /* only an airing season with a cadence can say */
        s.status = SEASON_PLANNED;
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), 0);
        s.status = SEASON_ON_BREAK;
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), 0);
        s.status = SEASON_FINISHED;
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), 0);
        s.status = SEASON_AIRING;
        s.cadence = CADENCE_IRREGULAR;
        s.cadence_n = 0;
        assert_int_equal(season_next_episode_at(DB, &s, WED_0306_1200), 0);
}

static void test_next_episode_days(void **state)
{
        struct world w;
        make_world(DB, &w);
        struct season_input sin = {3, "Every fortnight", "", CADENCE_DAYS, 14, SEASON_AIRING, 0};
        struct field_problem p = {0};
        int64_t sid = 0;
        assert_int_equal(season_save(DB, w.lip, 0, &sin, &sid, &p), PUB_OK);
        struct episode_input in = ep(&w, 3, "One", TUE_0305_0800);
        save_ok(DB, &in);
        struct season s;
        assert_int_equal(season_get(DB, ARENA, sid, time_now(), &s), PUB_OK);
        assert_int_equal(s.cadence, CADENCE_DAYS);
        assert_int_equal(s.cadence_n, 14);

        const int64_t last = TUE_0305_0800;
        assert_int_equal(season_next_episode_at(DB, &s, last + DAY), last + 14 * DAY);
        assert_int_equal(season_next_episode_at(DB, &s, last + 14 * DAY), last + 14 * DAY);
        assert_int_equal(season_next_episode_at(DB, &s, last + 14 * DAY + 1), last + 28 * DAY);
        assert_int_equal(season_next_episode_at(DB, &s, last + 30 * DAY), last + 42 * DAY);
        s.cadence_n = 1;
        assert_int_equal(season_next_episode_at(DB, &s, last + 2 * DAY + DAY / 2), last + 3 * DAY);
        s.status = SEASON_FINISHED;
        assert_int_equal(season_next_episode_at(DB, &s, last + DAY), 0);
}

static void test_next_episode_scheduled_wins(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t now = time_now();
        struct episode_input in = ep(&w, 1, "Out already", now - 3 * DAY);
        save_ok(DB, &in);
        in = ep(&w, 1, "A future draft", now + 3600);
        in.status = EPISODE_DRAFT;
        save_ok(DB, &in);
        in = ep(&w, 1, "Later still", now + 9 * DAY);
        save_ok(DB, &in);
        in = ep(&w, 1, "Soon", now + 5 * 3600 + 17); /* not on the season's weekday */
        in.status = EPISODE_SCHEDULED;
        save_ok(DB, &in);
        struct season s;
        assert_int_equal(season_get(DB, ARENA, w.lip_s1, now, &s), PUB_OK);
        assert_int_equal(season_next_episode_at(DB, &s, now), now + 5 * 3600 + 17);
        /* once that one is out, the next scheduled one */
        assert_int_equal(season_next_episode_at(DB, &s, now + 6 * 3600), now + 9 * DAY);
        /* a season that is not airing says nothing, scheduled episodes or not */
        s.status = SEASON_ON_BREAK;
        assert_int_equal(season_next_episode_at(DB, &s, now), 0);
}

/* ---- newsletters ---------------------------------------------------------------------------- */

static void test_newsletter_create(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        int64_t before = time_now();
        struct newsletter_input in = {"", "Learning in Public", "A *weekly* letter.", NULL};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(newsletter_create(DB, &in, mira, &id, &p), PUB_OK);
        int64_t after = time_now();
        assert_true(id > 0);
        struct newsletter n;
        assert_int_equal(newsletter_get(DB, ARENA, id, &n), PUB_OK);
        assert_int_equal(n.id, id);
        assert_string_equal(n.slug, "learning-in-public");
        assert_string_equal(n.title, "Learning in Public");
        assert_string_equal(n.description, "A *weekly* letter.");
        assert_string_equal(n.description_html, "<p>A <em>weekly</em> letter.</p>\n");
        assert_int_equal(n.owner_id, mira);
        assert_string_equal(n.owner_handle, "mira");
        assert_string_equal(n.owner_name, "mira");
        assert_true(n.created_at >= before && n.created_at <= after);
        assert_int_equal(n.updated_at, n.created_at);
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "");

        struct newsletter by_slug;
        assert_int_equal(newsletter_find_slug(DB, ARENA, "learning-in-public", &by_slug), PUB_OK);
        assert_int_equal(by_slug.id, id);
        assert_int_equal(newsletter_find_slug(DB, ARENA, "nope", &by_slug), PUB_NOT_FOUND);
        assert_int_equal(newsletter_get(DB, ARENA, id + 100, &by_slug), PUB_NOT_FOUND);

        /* an explicit slug, and a NULL slug (made from the title) */
        in = (struct newsletter_input){"lip", "Learning in Public, again", NULL, NULL};
        int64_t id2 = 0;
        assert_int_equal(newsletter_create(DB, &in, mira, &id2, &p), PUB_OK);
        assert_int_equal(newsletter_get(DB, ARENA, id2, &n), PUB_OK);
        assert_string_equal(n.slug, "lip");
        assert_string_equal(n.description, "");
        assert_string_equal(n.description_html, "");
        in = (struct newsletter_input){NULL, "The Fourth-Floor Garden!", NULL, NULL};
        int64_t id3 = 0;
        assert_int_equal(newsletter_create(DB, &in, mira, &id3, &p), PUB_OK);
        assert_int_equal(newsletter_get(DB, ARENA, id3, &n), PUB_OK);
        assert_string_equal(n.slug, "the-fourth-floor-garden");

        struct newsletter *all = NULL;
        assert_int_equal(newsletter_list(DB, ARENA, &all), 3);
        assert_int_equal(all[0].id, id);
        assert_int_equal(all[1].id, id2);
        assert_int_equal(all[2].id, id3);
}

static void expect_invalid_newsletter(struct db *db, const struct newsletter_input *in,
                                      int64_t owner, const char *field)
{
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = newsletter_create(db, in, owner, &id, &p);
        if (rc != PUB_INVALID || !p.field || strcmp(p.field, field) != 0)
                fail_msg("\"%.40s\": expected PUB_INVALID on %s, got %d on %s",
                         in->title ? in->title : "(null)", field, rc, p.field ? p.field : "(none)");
        assert_non_null(p.message);
}

static void test_newsletter_invalid(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        const struct newsletter_input base = {"", "Learning in Public", "", NULL};
        struct newsletter_input in;
#define NEWSLETTER_CASE(field, change)                                                             \
        do {                                                                                       \
                in = base;                                                                         \
                change;                                                                            \
                expect_invalid_newsletter(DB, &in, mira, field);                                   \
        } while (0)
        NEWSLETTER_CASE("slug", in.slug = "Bad Slug");
        NEWSLETTER_CASE("slug", in.slug = "a--b");
        NEWSLETTER_CASE("slug", in.slug = "-lip");
        NEWSLETTER_CASE("slug", in.slug = "../admin");
        NEWSLETTER_CASE("slug", in.slug = repeat(ARENA, "a", KD_SLUG_MAX_BYTES + 1));
        NEWSLETTER_CASE("title", in.title = "");
        NEWSLETTER_CASE("title", in.title = " \t ");
        NEWSLETTER_CASE("title", in.title = NULL);
        NEWSLETTER_CASE("title", in.title = "Two\nlines");
        NEWSLETTER_CASE("title", in.title = "bad \xC3(");
        NEWSLETTER_CASE("title", in.title = "bell \a");
        NEWSLETTER_CASE("title", in.title = repeat(ARENA, "x", KD_TITLE_MAX + 1));
        NEWSLETTER_CASE("title", in.title = repeat(ARENA, CJK, KD_TITLE_MAX + 1));
        NEWSLETTER_CASE("description", in.description = repeat(ARENA, "x", KD_DESCRIPTION_MAX + 1));
#undef NEWSLETTER_CASE
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM newsletter"), 0);

        /* exactly KD_TITLE_MAX code points, three bytes each */
        in = base;
        in.title = repeat(ARENA, CJK, KD_TITLE_MAX);
        in.slug = "cjk";
        int64_t id = 0;
        struct field_problem p = {0};
        assert_int_equal(newsletter_create(DB, &in, mira, &id, &p), PUB_OK);
        struct newsletter n;
        assert_int_equal(newsletter_get(DB, ARENA, id, &n), PUB_OK);
        assert_string_equal(n.title, in.title);
        /* a title with no letters or digits gets the slug "untitled" */
        in = base;
        in.title = repeat(ARENA, CJK, 3);
        assert_int_equal(newsletter_create(DB, &in, mira, &id, &p), PUB_OK);
        assert_int_equal(newsletter_get(DB, ARENA, id, &n), PUB_OK);
        assert_string_equal(n.slug, "untitled");
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM newsletter"), 2);
}

static void test_newsletter_taken(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        make_newsletter(DB, "", "Learning in Public", mira, NULL);
        struct newsletter_input in = {"", "Learning, in Public!", "", NULL};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(newsletter_create(DB, &in, mira, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "slug");
        assert_non_null(p.message);
        in.slug = "learning-in-public";
        memset(&p, 0, sizeof(p));
        assert_int_equal(newsletter_create(DB, &in, mira, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "slug");
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM newsletter"), 1);
}

static void test_newsletter_coauthors(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        int64_t tomas = make_member(DB, "tomas", ROLE_AUTHOR);
        int64_t zoe = make_member(DB, "Zoe", ROLE_ADMIN);
        make_member(DB, "otto", ROLE_AUTHOR);
        make_member(DB, "rita", ROLE_READER);
        make_member(DB, "mod", ROLE_MODERATOR);

        int64_t id = make_newsletter(DB, "lip", "Learning in Public", mira, "tomas, @zoe");
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "tomas, Zoe");
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM newsletter_author"), 2);
        /* the owner in the list is not a co-author of their own newsletter */
        int64_t id2 = make_newsletter(DB, "two", "Two", mira, "mira\nTOMAS");
        assert_string_equal(newsletter_coauthors(DB, ARENA, id2), "tomas");

        /* readers, moderators and unknown handles cannot be co-authors: nothing is created */
        static const char *const bad[] = {"rita", "tomas, rita", "mod", "ghost", "tomas ghost"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct newsletter_input in = {"", "Refused", "", bad[i]};
                struct field_problem p = {0};
                int64_t nid = 0;
                if (newsletter_create(DB, &in, mira, &nid, &p) != PUB_INVALID)
                        fail_msg("co-authors \"%s\" should be refused", bad[i]);
                assert_string_equal(p.field, "coauthors");
        }
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM newsletter"), 2);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM newsletter_author"), 3);

        /* updates: NULL keeps the co-authors, a list replaces them, "" clears them */
        struct newsletter_input up = {"other-slug", "Learning in Public (2)", "New *text*.", NULL};
        struct field_problem p = {0};
        assert_int_equal(newsletter_update(DB, id, &up, &p), PUB_OK);
        struct newsletter n;
        assert_int_equal(newsletter_get(DB, ARENA, id, &n), PUB_OK);
        assert_string_equal(n.slug, "lip"); /* a slug never changes */
        assert_string_equal(n.title, "Learning in Public (2)");
        assert_string_equal(n.description_html, "<p>New <em>text</em>.</p>\n");
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "tomas, Zoe");
        up.coauthors = "otto";
        assert_int_equal(newsletter_update(DB, id, &up, &p), PUB_OK);
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "otto");
        /* a refused update changes nothing */
        up.title = "Refused";
        up.coauthors = "tomas rita";
        assert_int_equal(newsletter_update(DB, id, &up, &p), PUB_INVALID);
        assert_string_equal(p.field, "coauthors");
        assert_int_equal(newsletter_get(DB, ARENA, id, &n), PUB_OK);
        assert_string_equal(n.title, "Learning in Public (2)");
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "otto");
        up.title = "";
        up.coauthors = "";
        memset(&p, 0, sizeof(p));
        assert_int_equal(newsletter_update(DB, id, &up, &p), PUB_INVALID);
        assert_string_equal(p.field, "title");
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "otto");
        up.title = "Learning in Public";
        assert_int_equal(newsletter_update(DB, id, &up, &p), PUB_OK);
        assert_string_equal(newsletter_coauthors(DB, ARENA, id), "");
        (void)tomas;
        (void)zoe;
}

static void test_newsletter_can_write(void **state)
{
        struct world w;
        make_world(DB, &w);
        assert_true(newsletter_can_write(DB, w.lip, w.mira, ROLE_AUTHOR));   /* owner */
        assert_true(newsletter_can_write(DB, w.lip, w.tomas, ROLE_AUTHOR));  /* co-author */
        assert_true(newsletter_can_write(DB, w.lip, w.ada, ROLE_ADMIN));     /* admin */
        assert_false(newsletter_can_write(DB, w.lip, w.otto, ROLE_AUTHOR));  /* another author */
        assert_false(newsletter_can_write(DB, w.lip, w.rita, ROLE_READER));  /* reader */
        assert_false(newsletter_can_write(DB, w.lip, 0, ROLE_NONE));         /* guest */
        assert_false(newsletter_can_write(DB, w.lip, w.tomas, ROLE_READER)); /* demoted */
        assert_false(newsletter_can_write(DB, w.lip, w.mira, ROLE_MODERATOR));
        assert_true(newsletter_can_write(DB, w.garden, w.otto, ROLE_AUTHOR));
        assert_false(newsletter_can_write(DB, w.garden, w.mira, ROLE_AUTHOR));
        assert_false(newsletter_can_write(DB, w.garden, w.tomas, ROLE_AUTHOR));
        assert_false(newsletter_can_write(DB, 9999, w.mira, ROLE_AUTHOR));

        struct newsletter *list = NULL;
        assert_int_equal(newsletter_list_writable(DB, ARENA, w.mira, ROLE_AUTHOR, &list), 1);
        assert_int_equal(list[0].id, w.lip);
        assert_int_equal(newsletter_list_writable(DB, ARENA, w.tomas, ROLE_AUTHOR, &list), 1);
        assert_int_equal(list[0].id, w.lip);
        assert_int_equal(newsletter_list_writable(DB, ARENA, w.otto, ROLE_AUTHOR, &list), 1);
        assert_int_equal(list[0].id, w.garden);
        assert_int_equal(newsletter_list_writable(DB, ARENA, w.ada, ROLE_ADMIN, &list), 2);
        assert_int_equal(list[0].id, w.lip);
        assert_int_equal(list[1].id, w.garden);
        assert_int_equal(newsletter_list_writable(DB, ARENA, w.rita, ROLE_READER, &list), 0);
        assert_int_equal(newsletter_list_by_author(DB, ARENA, w.tomas, &list), 1);
        assert_string_equal(list[0].slug, "lip");
        assert_int_equal(newsletter_list_by_author(DB, ARENA, w.ada, &list), 0);
}

static void test_newsletter_follow(void **state)
{
        struct world w;
        make_world(DB, &w);
        assert_int_equal(newsletter_follower_count(DB, w.lip), 0);
        assert_false(newsletter_is_following(DB, w.rita, w.lip));
        assert_int_equal(newsletter_set_following(DB, w.rita, w.lip, true), PUB_OK);
        assert_true(newsletter_is_following(DB, w.rita, w.lip));
        assert_int_equal(newsletter_follower_count(DB, w.lip), 1);
        assert_int_equal(newsletter_set_following(DB, w.rita, w.lip, true), PUB_OK);
        assert_int_equal(newsletter_follower_count(DB, w.lip), 1);
        assert_int_equal(newsletter_set_following(DB, w.otto, w.lip, true), PUB_OK);
        assert_int_equal(newsletter_follower_count(DB, w.lip), 2);
        assert_int_equal(newsletter_follower_count(DB, w.garden), 0);
        assert_false(newsletter_is_following(DB, w.rita, w.garden));
        assert_false(newsletter_is_following(DB, w.mira, w.lip));

        assert_int_equal(newsletter_set_following(DB, w.rita, w.lip, false), PUB_OK);
        assert_false(newsletter_is_following(DB, w.rita, w.lip));
        assert_int_equal(newsletter_follower_count(DB, w.lip), 1);
        assert_int_equal(newsletter_set_following(DB, w.rita, w.lip, false), PUB_OK);
        assert_int_equal(newsletter_follower_count(DB, w.lip), 1);
        assert_true(newsletter_is_following(DB, w.otto, w.lip));
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM follow"), 1);
}

/* Words a route puts right after /n/NEWSLETTER/ are no episode's: refused when asked for, and
 * a title that would make one gets "-2". */
static void test_slug_reserved_for_episode(void **state)
{
        const char *reserved[] = {"asks", "lexicon", "follow"};
        const char *free_words[] = {"ask", "asks-2", "season", "feed", "lexicons", "the-asks"};
        for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
                assert_true(slug_reserved_for_episode(reserved[i]));
        for (size_t i = 0; i < sizeof(free_words) / sizeof(free_words[0]); i++)
                assert_false(slug_reserved_for_episode(free_words[i]));
        char out[KD_SLUG_MAX_BYTES + 1];
        slug_episode_from_title("Asks", out, sizeof(out));
        assert_string_equal(out, "asks-2");
        slug_episode_from_title("The Lexicon!", out, sizeof(out));
        assert_string_equal(out, "the-lexicon");
        slug_episode_from_title("  Follow  ", out, sizeof(out));
        assert_string_equal(out, "follow-2");
        /* saved without a slug, such a title gets the suffixed one */
        struct world w;
        make_world(DB, &w);
        struct episode_input in = ep(&w, 1, "Lexicon", 0);
        int64_t id = save_ok(DB, &in);
        struct episode e = get_episode(DB, ARENA, id);
        assert_string_equal(e.slug, "lexicon-2");
        (void)state;
}

/* ---- episodes: saving ----------------------------------------------------------------------- */

static void test_episode_validation(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t img = store_png(DB, DATA, 3, 2);
        const struct episode_input base = ep(&w, 1, "The Fifteen-Minute Retro", 0);
        struct episode_input in;
#define EPISODE_CASE(field, change)                                                                \
        do {                                                                                       \
                in = base;                                                                         \
                change;                                                                            \
                expect_invalid_episode(DB, &in, field);                                            \
        } while (0)
        EPISODE_CASE("title", in.title = "");
        EPISODE_CASE("title", in.title = "  ");
        EPISODE_CASE("title", in.title = NULL);
        EPISODE_CASE("title", in.title = "Two\nlines");
        EPISODE_CASE("title", in.title = repeat(ARENA, "x", KD_TITLE_MAX + 1));
        EPISODE_CASE("title", in.title = repeat(ARENA, CJK, KD_TITLE_MAX + 1));
        EPISODE_CASE("subtitle", in.subtitle = repeat(ARENA, "x", KD_SUBTITLE_MAX + 1));
        EPISODE_CASE("subtitle", in.subtitle = "bad \xC3(");
        EPISODE_CASE("slug", in.slug = "Bad_Slug");
        EPISODE_CASE("slug", in.slug = "-retro");
        EPISODE_CASE("slug", in.slug = "re--tro");
        EPISODE_CASE("slug", in.slug = "asks"); /* the newsletter's own pages */
        EPISODE_CASE("slug", in.slug = "lexicon");
        EPISODE_CASE("slug", in.slug = "follow");
        EPISODE_CASE("number", in.number = -1);
        EPISODE_CASE("number", in.number = KD_MAX_EPISODE_NUMBER + 1);
        EPISODE_CASE("body", in.body = "");
        EPISODE_CASE("body", in.body = " \n\n ");
        EPISODE_CASE("body", in.body = NULL);
        EPISODE_CASE("body", in.body = "bad \xC3(");
        EPISODE_CASE("cover_alt", in.cover_image_id = img);
        EPISODE_CASE("cover_alt", (in.cover_image_id = img, in.cover_alt = "   "));
        EPISODE_CASE("cover_alt", in.cover_alt = repeat(ARENA, "x", KD_ALT_MAX + 1));
        EPISODE_CASE("cover_credit", in.cover_credit = repeat(ARENA, "x", KD_CREDIT_MAX + 1));
        EPISODE_CASE("teaser", in.teaser = repeat(ARENA, "x", KD_TEASER_MAX + 1));
        EPISODE_CASE("status", in.status = (enum episode_status)3);
        EPISODE_CASE("publish_at", (in.status = EPISODE_SCHEDULED, in.publish_at = 0));
        EPISODE_CASE("ai", in.ai = (enum ai_disclosure)3);
        EPISODE_CASE("season", in.season_number = 9);
        EPISODE_CASE("season", in.season_number = 0);
        EPISODE_CASE("season", in.newsletter_id = 9999);
#undef EPISODE_CASE
        assert_int_equal(count_episodes(DB), 0);

        /* at the limits, with a cover described */
        in = base;
        in.title = repeat(ARENA, CJK, KD_TITLE_MAX);
        in.subtitle = repeat(ARENA, CJK, KD_SUBTITLE_MAX);
        in.slug = "limits";
        in.number = KD_MAX_EPISODE_NUMBER;
        in.cover_image_id = img;
        in.cover_alt = repeat(ARENA, CJK, KD_ALT_MAX);
        in.cover_credit = repeat(ARENA, "c", KD_CREDIT_MAX);
        in.teaser = repeat(ARENA, "t", KD_TEASER_MAX);
        in.ai = AI_GENERATED;
        int64_t id = save_ok(DB, &in);
        struct episode e = get_episode(DB, ARENA, id);
        assert_string_equal(e.title, in.title);
        assert_string_equal(e.subtitle, in.subtitle);
        assert_int_equal(e.number, KD_MAX_EPISODE_NUMBER);
        assert_int_equal(e.cover_image_id, img);
        assert_string_equal(e.cover_url, image_url(DB, ARENA, img));
        assert_string_equal(e.cover_mime, "image/png");
        assert_int_equal(e.cover_width, 3);
        assert_int_equal(e.cover_height, 2);
        assert_string_equal(e.cover_alt, in.cover_alt);
        assert_string_equal(e.cover_credit, in.cover_credit);
        assert_string_equal(e.teaser, in.teaser);
        assert_int_equal(e.ai, AI_GENERATED);
        assert_int_equal(count_episodes(DB), 1);
}

/* A cover id that names no image is a problem on the cover, not a false "number taken" (found as
 * a bug while writing these tests: the foreign key failure was blamed on the number). */
static void test_episode_unknown_cover(void **state)
{
        struct world w;
        make_world(DB, &w);
        struct episode_input in = ep(&w, 1, "With a lost cover", 0);
        in.cover_image_id = 424242;
        in.cover_alt = "A picture that was never uploaded";
        struct field_problem p = {0};
        int64_t id = 0;
        int rc = episode_save(DB, 0, &in, &id, &p);
        assert_int_equal(count_episodes(DB), 0);
        if (rc == PUB_TAKEN)
                fail_msg("an unknown cover image was reported as PUB_TAKEN on \"%s\": %s",
                         p.field ? p.field : "(none)", p.message ? p.message : "");
        assert_true(rc == PUB_INVALID || rc == PUB_NOT_FOUND);
        if (rc == PUB_INVALID)
                assert_string_not_equal(p.field, "number");
}

static void test_episode_taken(void **state)
{
        struct world w;
        make_world(DB, &w);
        struct episode_input in = ep(&w, 1, "The Retro", TUE_0305_0800);
        in.slug = "retro";
        in.number = 1;
        int64_t e1 = save_ok(DB, &in);

        struct field_problem p = {0};
        int64_t id = 0;
        in.number = 2; /* same slug */
        assert_int_equal(episode_save(DB, 0, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "slug");
        assert_non_null(p.message);
        in.slug = "other"; /* same number */
        in.number = 1;
        memset(&p, 0, sizeof(p));
        assert_int_equal(episode_save(DB, 0, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "number");
        assert_non_null(p.message);
        in = ep(&w, 1, "Retro", TUE_0312_0800); /* the slug made from the title is taken */
        memset(&p, 0, sizeof(p));
        assert_int_equal(episode_save(DB, 0, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "slug");
        assert_int_equal(count_episodes(DB), 1);

        /* the same slug in another newsletter, the same number in another season: fine */
        in = ep(&w, 1, "The Retro", TUE_0305_0800);
        in.newsletter_id = w.garden;
        in.author_id = w.otto;
        in.slug = "retro";
        in.number = 1;
        save_ok(DB, &in);
        in = ep(&w, 2, "Season two opener", TUE_0312_0800);
        in.number = 1;
        int64_t s2e1 = save_ok(DB, &in);
        assert_int_equal(count_episodes(DB), 3);

        /* moving onto a taken number leaves the episode where it was */
        in.season_number = 1;
        memset(&p, 0, sizeof(p));
        assert_int_equal(episode_save(DB, s2e1, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "number");
        struct episode e = get_episode(DB, ARENA, s2e1);
        assert_int_equal(e.season_number, 2);
        assert_int_equal(e.number, 1);
        /* a published episode keeps its address: no renaming at all */
        in = ep(&w, 2, "Season two opener", TUE_0312_0800);
        in.slug = "retro";
        memset(&p, 0, sizeof(p));
        assert_int_equal(episode_save(DB, s2e1, &in, &id, &p), PUB_INVALID);
        assert_string_equal(p.field, "slug");
        assert_non_null(strstr(p.message, "keeps its address"));
        e = get_episode(DB, ARENA, s2e1);
        assert_string_equal(e.slug, "season-two-opener");
        /* a draft may be renamed, but not onto a taken slug; an empty slug keeps its own */
        in = ep(&w, 2, "A draft", TUE_0312_0800);
        in.status = EPISODE_DRAFT;
        int64_t draft = save_ok(DB, &in);
        in.slug = "retro";
        memset(&p, 0, sizeof(p));
        assert_int_equal(episode_save(DB, draft, &in, &id, &p), PUB_TAKEN);
        assert_string_equal(p.field, "slug");
        in.slug = "";
        in.title = "A draft with a new title";
        assert_int_equal(episode_save(DB, draft, &in, &id, &p), PUB_OK);
        e = get_episode(DB, ARENA, draft);
        assert_string_equal(e.slug, "a-draft");
        in.slug = "renamed-draft";
        assert_int_equal(episode_save(DB, draft, &in, &id, &p), PUB_OK);
        e = get_episode(DB, ARENA, draft);
        assert_string_equal(e.slug, "renamed-draft");
        e = get_episode(DB, ARENA, e1);
        assert_string_equal(e.slug, "retro");
        assert_int_equal(count_episodes(DB), 4);
}

static void test_episode_status_normalised(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t now = time_now();

        /* publish with a future time: scheduled */
        struct episode_input in = ep(&w, 1, "Future publish", now + 3600);
        int64_t id = save_ok(DB, &in);
        struct episode e = get_episode(DB, ARENA, id);
        assert_int_equal(e.status, EPISODE_SCHEDULED);
        assert_int_equal(e.publish_at, now + 3600);
        assert_false(episode_is_live(&e, now));
        assert_false(episode_is_live(&e, now + 3599));
        assert_true(episode_is_live(&e, now + 3600));

        /* scheduled in the past: published */
        in = ep(&w, 1, "Past schedule", now - 3600);
        in.status = EPISODE_SCHEDULED;
        id = save_ok(DB, &in);
        e = get_episode(DB, ARENA, id);
        assert_int_equal(e.status, EPISODE_PUBLISHED);
        assert_int_equal(e.publish_at, now - 3600);
        assert_true(episode_is_live(&e, now));

        /* scheduled in the future stays scheduled */
        in = ep(&w, 1, "Future schedule", now + DAY);
        in.status = EPISODE_SCHEDULED;
        int64_t sched = save_ok(DB, &in);
        e = get_episode(DB, ARENA, sched);
        assert_int_equal(e.status, EPISODE_SCHEDULED);
        assert_int_equal(e.publish_at, now + DAY);

        /* drafts stay drafts, past or future */
        in = ep(&w, 1, "Past draft", now - 3600);
        in.status = EPISODE_DRAFT;
        int64_t draft = save_ok(DB, &in);
        e = get_episode(DB, ARENA, draft);
        assert_int_equal(e.status, EPISODE_DRAFT);
        assert_false(episode_is_live(&e, now));
        assert_false(episode_is_live(&e, now + 365 * DAY));
        in = ep(&w, 1, "Future draft", now + 3600);
        in.status = EPISODE_DRAFT;
        id = save_ok(DB, &in);
        e = get_episode(DB, ARENA, id);
        assert_int_equal(e.status, EPISODE_DRAFT);

        /* publish with no time: now */
        int64_t before = time_now();
        in = ep(&w, 1, "Right now", 0);
        id = save_ok(DB, &in);
        int64_t after = time_now();
        e = get_episode(DB, ARENA, id);
        assert_int_equal(e.status, EPISODE_PUBLISHED);
        assert_true(e.publish_at >= before && e.publish_at <= after);
        assert_true(e.created_at >= before && e.created_at <= after);

        /* an edit without a time keeps the scheduled time */
        in = ep(&w, 1, "Future schedule, edited", 0);
        in.slug = "future-schedule";
        int64_t out = 0;
        struct field_problem p = {0};
        assert_int_equal(episode_save(DB, sched, &in, &out, &p), PUB_OK);
        assert_int_equal(out, sched);
        e = get_episode(DB, ARENA, sched);
        assert_string_equal(e.title, "Future schedule, edited");
        assert_int_equal(e.status, EPISODE_SCHEDULED);
        assert_int_equal(e.publish_at, now + DAY);

        /* publishing a draft without a time: now */
        in = ep(&w, 1, "Past draft", 0);
        before = time_now();
        assert_int_equal(episode_save(DB, draft, &in, &out, &p), PUB_OK);
        after = time_now();
        e = get_episode(DB, ARENA, draft);
        assert_int_equal(e.status, EPISODE_PUBLISHED);
        assert_true(e.publish_at >= before && e.publish_at <= after);
        assert_int_equal(count_episodes(DB), 6);
}

static void test_episode_numbers(void **state)
{
        struct world w;
        make_world(DB, &w);
        struct episode_input in = ep(&w, 1, "First", TUE_0305_0800);
        struct episode e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_int_equal(e.number, 1);
        in = ep(&w, 1, "Second", TUE_0312_0800);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_int_equal(e.number, 2);
        in = ep(&w, 1, "Seventh", TUE_0319_0800);
        in.number = 7;
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_int_equal(e.number, 7);
        in = ep(&w, 1, "Next", TUE_0326_0800);
        int64_t next = save_ok(DB, &in);
        e = get_episode(DB, ARENA, next);
        assert_int_equal(e.number, 8);
        in = ep(&w, 2, "Other season", TUE_0326_0800);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_int_equal(e.number, 1);
        assert_int_equal(e.season_number, 2);
        assert_int_equal(e.season_id, w.lip_s2);
        /* an edit without a number keeps the episode's own number when it is the last */
        in = ep(&w, 1, "Next, edited", TUE_0326_0800);
        in.slug = "next";
        int64_t out = 0;
        struct field_problem p = {0};
        assert_int_equal(episode_save(DB, next, &in, &out, &p), PUB_OK);
        e = get_episode(DB, ARENA, next);
        assert_int_equal(e.number, 8);
        assert_string_equal(e.title, "Next, edited");
}

static void test_episode_rendering(void **state)
{
        struct world w;
        make_world(DB, &w);
        struct episode_input in = ep(&w, 1, "Rendered", TUE_0305_0800);
        in.body = "# Title\n\nHello **world**.\n\nSecond *para*.\n";
        int64_t id = save_ok(DB, &in);
        struct episode e = get_episode(DB, ARENA, id);
        assert_string_equal(e.body, in.body);
        assert_string_equal(e.body_html, "<h1 id=\"title\">Title</h1>\n"
                                         "<p>Hello <strong>world</strong>.</p>\n"
                                         "<p>Second <em>para</em>.</p>\n");
        assert_string_equal(e.body_text, "Title\n\nHello world.\n\nSecond para.");
        assert_int_equal(e.words, 5);
        assert_int_equal(e.reading_minutes, 1);
        assert_string_equal(episode_body_html(DB, ARENA, id), e.body_html);
        assert_null(episode_body_html(DB, ARENA, id + 1000));

        /* a short text is its own excerpt */
        in = ep(&w, 1, "Short", TUE_0305_0800);
        in.body = "Hello **world**, this is [text](https://example.org).";
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_string_equal(e.body_text, "Hello world, this is text.");
        assert_string_equal(e.excerpt, "Hello world, this is text.");
        assert_int_equal(e.words, 5);

        /* a long one is cut at a space within KD_EXCERPT_CHARS, with an ellipsis */
        in = ep(&w, 1, "Long", TUE_0305_0800);
        in.body = repeat(ARENA, "abcd ", 60);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        char *want = arena_printf(ARENA, "%.*s\xE2\x80\xA6", 44 * 5 - 1, in.body);
        assert_string_equal(e.excerpt, want);
        assert_int_equal(e.words, 60);
        assert_int_equal(e.reading_minutes, 1);

        /* exactly KD_EXCERPT_CHARS code points are not cut; one more is */
        in = ep(&w, 1, "Exact", TUE_0305_0800);
        in.body = repeat(ARENA, CJK, KD_EXCERPT_CHARS);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_string_equal(e.excerpt, in.body);
        in = ep(&w, 1, "One more", TUE_0305_0800);
        in.body = repeat(ARENA, CJK, KD_EXCERPT_CHARS + 1);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        want = arena_printf(ARENA, "%s\xE2\x80\xA6", repeat(ARENA, CJK, KD_EXCERPT_CHARS));
        assert_string_equal(e.excerpt, want);

        /* reading time: 230 words a minute, rounded up */
        in = ep(&w, 1, "Two minutes", TUE_0305_0800);
        in.body = repeat(ARENA, "word ", 231);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_int_equal(e.words, 231);
        assert_int_equal(e.reading_minutes, 2);
        in = ep(&w, 1, "One minute", TUE_0305_0800);
        in.body = repeat(ARENA, "word ", 230);
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_int_equal(e.reading_minutes, 1);

        /* raw HTML never passes */
        in = ep(&w, 1, "Script", TUE_0305_0800);
        in.body = "<script>alert(1)</script>";
        e = get_episode(DB, ARENA, save_ok(DB, &in));
        assert_null(strstr(e.body_html, "<script"));
        assert_string_equal(e.body_text, "<script>alert(1)</script>");
}

static void test_episode_find_and_update(void **state)
{
        struct world w;
        make_world(DB, &w);
        struct episode_input in = ep(&w, 1, "The Fifteen-Minute Retro", TUE_0305_0800);
        in.subtitle = "Short beats thorough";
        in.teaser = "Next week: notebooks.";
        in.ai = AI_ASSISTED;
        int64_t id = save_ok(DB, &in);
        struct episode e;
        assert_int_equal(episode_find(DB, ARENA, "lip", "the-fifteen-minute-retro", &e), PUB_OK);
        assert_int_equal(e.id, id);
        assert_int_equal(e.newsletter_id, w.lip);
        assert_string_equal(e.newsletter_slug, "lip");
        assert_string_equal(e.newsletter_title, "Learning in Public");
        assert_int_equal(e.season_id, w.lip_s1);
        assert_int_equal(e.season_number, 1);
        assert_string_equal(e.season_title, "Season 1");
        assert_int_equal(e.number, 1);
        assert_int_equal(e.author_id, w.mira);
        assert_string_equal(e.author_handle, "mira");
        assert_string_equal(e.author_headline, "Writes things");
        assert_string_equal(e.subtitle, "Short beats thorough");
        assert_string_equal(e.teaser, "Next week: notebooks.");
        assert_int_equal(e.ai, AI_ASSISTED);
        assert_int_equal(e.cover_image_id, 0);
        assert_null(e.cover_url);
        assert_int_equal(e.comment_count, 0);
        assert_int_equal(e.status, EPISODE_PUBLISHED);
        assert_int_equal(e.publish_at, TUE_0305_0800);
        assert_int_equal(episode_find(DB, ARENA, "garden", "the-fifteen-minute-retro", &e),
                         PUB_NOT_FOUND);
        assert_int_equal(episode_find(DB, ARENA, "lip", "nope", &e), PUB_NOT_FOUND);
        assert_int_equal(episode_get(DB, ARENA, id + 1000, &e), PUB_NOT_FOUND);

        /* an update may move the episode to another season and number */
        in = ep(&w, 2, "The Fifteen-Minute Retro, revised", 0);
        in.slug = "the-fifteen-minute-retro";
        in.number = 3;
        in.author_id = w.tomas;
        int64_t out = 0;
        struct field_problem p = {0};
        assert_int_equal(episode_save(DB, id, &in, &out, &p), PUB_OK);
        assert_int_equal(out, id);
        e = get_episode(DB, ARENA, id);
        assert_int_equal(e.season_id, w.lip_s2);
        assert_int_equal(e.number, 3);
        assert_string_equal(e.title, "The Fifteen-Minute Retro, revised");
        assert_string_equal(e.author_handle, "tomas");
        assert_int_equal(e.publish_at, TUE_0305_0800); /* kept */
        assert_string_equal(e.subtitle, "");
        assert_int_equal(e.ai, AI_NONE);
        assert_int_equal(count_episodes(DB), 1);

        /* unknown episodes, or one of another newsletter, are not found and not created */
        memset(&p, 0, sizeof(p));
        assert_int_equal(episode_save(DB, id + 1000, &in, &out, &p), PUB_NOT_FOUND);
        in = ep(&w, 1, "Garden episode", TUE_0305_0800);
        in.newsletter_id = w.garden;
        in.author_id = w.otto;
        int64_t g1 = save_ok(DB, &in);
        in = ep(&w, 1, "Taken over", 0);
        assert_int_equal(episode_save(DB, g1, &in, &out, &p), PUB_NOT_FOUND);
        e = get_episode(DB, ARENA, g1);
        assert_string_equal(e.title, "Garden episode");
        assert_int_equal(e.newsletter_id, w.garden);
        assert_int_equal(count_episodes(DB), 2);
}

/* ---- episodes: visibility and lists --------------------------------------------------------- */

static void test_episode_visibility(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t now = time_now();
        struct episode_input in = ep(&w, 1, "Live", now - 60);
        struct episode live = get_episode(DB, ARENA, save_ok(DB, &in));
        in = ep(&w, 1, "Draft", now - 60);
        in.status = EPISODE_DRAFT;
        struct episode draft = get_episode(DB, ARENA, save_ok(DB, &in));
        in = ep(&w, 1, "Scheduled", now + 3600);
        struct episode sched = get_episode(DB, ARENA, save_ok(DB, &in));

        assert_true(episode_is_live(&live, now));
        assert_false(episode_is_live(&live, now - 61));
        assert_true(episode_viewable(DB, &live, 0, ROLE_NONE, now));
        assert_true(episode_viewable(DB, &live, w.rita, ROLE_READER, now));
        assert_true(episode_viewable(DB, &live, w.otto, ROLE_AUTHOR, now));

        const struct {
                int64_t id;
                enum role role;
                bool may;
        } viewers[] = {
            {w.mira, ROLE_AUTHOR, true},   {w.tomas, ROLE_AUTHOR, true},
            {w.ada, ROLE_ADMIN, true},     {w.otto, ROLE_AUTHOR, false},
            {w.rita, ROLE_READER, false},  {0, ROLE_NONE, false},
            {w.tomas, ROLE_READER, false}, {w.mira, ROLE_MODERATOR, false},
        };
        for (size_t i = 0; i < sizeof(viewers) / sizeof(viewers[0]); i++) {
                if (episode_viewable(DB, &draft, viewers[i].id, viewers[i].role, now) !=
                    viewers[i].may)
                        fail_msg("draft, viewer %zu", i);
                if (episode_viewable(DB, &sched, viewers[i].id, viewers[i].role, now) !=
                    viewers[i].may)
                        fail_msg("scheduled, viewer %zu", i);
        }
        assert_false(episode_is_live(&draft, now));
        assert_false(episode_is_live(&sched, now));
        /* at its time, a scheduled episode is for everyone, with no job having run */
        assert_true(episode_is_live(&sched, now + 3600));
        assert_true(episode_viewable(DB, &sched, 0, ROLE_NONE, now + 3600));
        assert_false(episode_viewable(DB, &draft, 0, ROLE_NONE, now + 3600));
}

/* Asserts that list[0..n) are exactly the episodes ids (in that order). */
static void expect_ids(const struct episode *list, int n, const int64_t *ids, int count)
{
        if (n != count)
                fail_msg("got %d episodes, expected %d", n, count);
        for (int i = 0; i < count; i++)
                if (list[i].id != ids[i])
                        fail_msg("episode %d is %lld, expected %lld", i, (long long)list[i].id,
                                 (long long)ids[i]);
}

#define EXPECT_IDS(list, n, ...)                                                                   \
        do {                                                                                       \
                const int64_t want_[] = {__VA_ARGS__};                                             \
                expect_ids(list, n, want_, (int)(sizeof(want_) / sizeof(want_[0])));               \
        } while (0)

static void test_episode_lists(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t now = time_now();
        const int64_t t0 = TUE_0305_0800;
        struct episode_input in = ep(&w, 1, "E1", t0);
        int64_t e1 = save_ok(DB, &in);
        in = ep(&w, 1, "E2", t0 + DAY);
        in.author_id = w.tomas;
        int64_t e2 = save_ok(DB, &in);
        in = ep(&w, 1, "E3 draft", t0 + 2 * DAY);
        in.status = EPISODE_DRAFT;
        int64_t e3 = save_ok(DB, &in);
        in = ep(&w, 2, "E4", t0 + 3 * DAY);
        int64_t e4 = save_ok(DB, &in);
        in = ep(&w, 2, "E5 scheduled", now + DAY);
        int64_t e5 = save_ok(DB, &in);
        in = ep(&w, 1, "G1", t0 + DAY + DAY / 2);
        in.newsletter_id = w.garden;
        in.author_id = w.otto;
        int64_t g1 = save_ok(DB, &in);

        struct episode *list = NULL;
        int n = episode_list_latest(DB, ARENA, now, 0, 20, &list);
        EXPECT_IDS(list, n, e4, g1, e2, e1);
        assert_null(list[0].body);
        assert_null(list[0].body_html);
        assert_string_equal(list[0].newsletter_slug, "lip");
        assert_string_equal(list[0].excerpt, "Hello world, this is text.");
        assert_string_equal(list[1].newsletter_slug, "garden");
        assert_string_equal(list[1].author_handle, "otto");
        assert_int_equal(list[0].season_number, 2);
        /* pages of two, with the publish time of the last one as the cursor */
        n = episode_list_latest(DB, ARENA, now, 0, 2, &list);
        EXPECT_IDS(list, n, e4, g1);
        n = episode_list_latest(DB, ARENA, now, list[1].publish_at, 2, &list);
        EXPECT_IDS(list, n, e2, e1);
        n = episode_list_latest(DB, ARENA, now, list[1].publish_at, 2, &list);
        assert_int_equal(n, 0);
        /* the scheduled one appears at its time */
        n = episode_list_latest(DB, ARENA, now + 2 * DAY, 0, 20, &list);
        EXPECT_IDS(list, n, e5, e4, g1, e2, e1);
        n = episode_list_latest(DB, ARENA, t0 + DAY, 0, 20, &list);
        EXPECT_IDS(list, n, e2, e1);

        n = episode_list_newsletter(DB, ARENA, w.lip, now, 20, &list);
        EXPECT_IDS(list, n, e4, e2, e1);
        n = episode_list_newsletter(DB, ARENA, w.lip, now, 1, &list);
        EXPECT_IDS(list, n, e4);
        n = episode_list_newsletter(DB, ARENA, w.garden, now, 20, &list);
        EXPECT_IDS(list, n, g1);

        n = episode_list_season(DB, ARENA, w.lip_s1, now, &list);
        EXPECT_IDS(list, n, e1, e2);
        assert_int_equal(list[0].number, 1);
        assert_int_equal(list[1].number, 2);
        n = episode_list_season(DB, ARENA, w.lip_s2, now, &list);
        EXPECT_IDS(list, n, e4);
        n = episode_list_season(DB, ARENA, w.lip_s2, now + 2 * DAY, &list);
        EXPECT_IDS(list, n, e4, e5);

        n = episode_list_author(DB, ARENA, w.mira, 0, now, 20, &list);
        EXPECT_IDS(list, n, e4, e1);
        n = episode_list_author(DB, ARENA, w.mira, e4, now, 20, &list);
        EXPECT_IDS(list, n, e1);
        n = episode_list_author(DB, ARENA, w.mira, 0, now, 1, &list);
        EXPECT_IDS(list, n, e4);
        n = episode_list_author(DB, ARENA, w.tomas, 0, now, 20, &list);
        EXPECT_IDS(list, n, e2);
        n = episode_list_author(DB, ARENA, w.rita, 0, now, 20, &list);
        assert_int_equal(n, 0);

        /* writable: any status, last edited first */
        n = episode_list_writable(DB, ARENA, w.mira, ROLE_AUTHOR, 20, &list);
        EXPECT_IDS(list, n, e5, e4, e3, e2, e1);
        assert_int_equal(list[0].status, EPISODE_SCHEDULED);
        assert_int_equal(list[2].status, EPISODE_DRAFT);
        n = episode_list_writable(DB, ARENA, w.tomas, ROLE_AUTHOR, 20, &list);
        EXPECT_IDS(list, n, e5, e4, e3, e2, e1);
        n = episode_list_writable(DB, ARENA, w.otto, ROLE_AUTHOR, 20, &list);
        EXPECT_IDS(list, n, g1);
        n = episode_list_writable(DB, ARENA, w.ada, ROLE_ADMIN, 20, &list);
        EXPECT_IDS(list, n, g1, e5, e4, e3, e2, e1);
        n = episode_list_writable(DB, ARENA, w.ada, ROLE_ADMIN, 2, &list);
        EXPECT_IDS(list, n, g1, e5);
        n = episode_list_writable(DB, ARENA, w.rita, ROLE_READER, 20, &list);
        assert_int_equal(n, 0);
        /* editing moves an episode to the top */
        in = ep(&w, 1, "E1", t0);
        in.number = 1;
        int64_t out = 0;
        struct field_problem p = {0};
        sleep(1); /* updated_at has a resolution of one second */
        assert_int_equal(episode_save(DB, e1, &in, &out, &p), PUB_OK);
        n = episode_list_writable(DB, ARENA, w.mira, ROLE_AUTHOR, 20, &list);
        EXPECT_IDS(list, n, e1, e5, e4, e3, e2);

        /* neighbours in the newsletter, by publish time, live only */
        struct episode e = get_episode(DB, ARENA, e2);
        struct episode *prev = NULL, *next = NULL;
        assert_int_equal(episode_neighbours(DB, ARENA, &e, now, &prev, &next), PUB_OK);
        assert_non_null(prev);
        assert_non_null(next);
        assert_int_equal(prev->id, e1);
        assert_int_equal(next->id, e4); /* the draft is skipped; seasons do not matter */
        e = get_episode(DB, ARENA, e1);
        assert_int_equal(episode_neighbours(DB, ARENA, &e, now, &prev, &next), PUB_OK);
        assert_null(prev);
        assert_non_null(next);
        assert_int_equal(next->id, e2);
        e = get_episode(DB, ARENA, e4);
        assert_int_equal(episode_neighbours(DB, ARENA, &e, now, &prev, &next), PUB_OK);
        assert_int_equal(prev->id, e2);
        assert_null(next); /* e5 is not out yet */
        assert_int_equal(episode_neighbours(DB, ARENA, &e, now + 2 * DAY, &prev, &next), PUB_OK);
        assert_non_null(next);
        assert_int_equal(next->id, e5);
        e = get_episode(DB, ARENA, g1);
        assert_int_equal(episode_neighbours(DB, ARENA, &e, now, &prev, &next), PUB_OK);
        assert_null(prev);
        assert_null(next);
        (void)e3;
}

static void test_episode_publish_due(void **state)
{
        struct world w;
        make_world(DB, &w);
        int64_t now = time_now();
        struct episode_input in = ep(&w, 1, "Soon", now + 100);
        int64_t soon = save_ok(DB, &in);
        in = ep(&w, 1, "Later", now + 200);
        in.status = EPISODE_SCHEDULED;
        int64_t later = save_ok(DB, &in);
        in = ep(&w, 1, "Out", now - 100);
        int64_t out = save_ok(DB, &in);
        in = ep(&w, 1, "Draft", now - 100);
        in.status = EPISODE_DRAFT;
        int64_t draft = save_ok(DB, &in);

        assert_int_equal(episode_publish_due(DB, now), 0);
        assert_int_equal(get_episode(DB, ARENA, soon).status, EPISODE_SCHEDULED);
        assert_int_equal(episode_publish_due(DB, now + 100), 1);
        assert_int_equal(get_episode(DB, ARENA, soon).status, EPISODE_PUBLISHED);
        assert_int_equal(get_episode(DB, ARENA, soon).publish_at, now + 100);
        assert_int_equal(get_episode(DB, ARENA, later).status, EPISODE_SCHEDULED);
        assert_int_equal(episode_publish_due(DB, now + 150), 0);
        assert_int_equal(episode_publish_due(DB, now + 1000), 1);
        assert_int_equal(get_episode(DB, ARENA, later).status, EPISODE_PUBLISHED);
        assert_int_equal(get_episode(DB, ARENA, out).status, EPISODE_PUBLISHED);
        assert_int_equal(get_episode(DB, ARENA, draft).status, EPISODE_DRAFT);
        assert_int_equal(episode_publish_due(DB, now + 100000), 0);
}

/* ---- Markdown import ------------------------------------------------------------------------ */

static const char NL_MD[] = "---\n"
                            "kind: newsletter\n"
                            "slug: lip\n"
                            "title: Learning in Public\n"
                            "owner: mira\n"
                            "authors: tomas\n"
                            "---\n"
                            "A weekly letter.\n";

static const char S1_MD[] = "---\n"
                            "kind: season\n"
                            "newsletter: lip\n"
                            "season: 1\n"
                            "title: Small Habits\n"
                            "cadence: weekly on tuesday\n"
                            "status: airing\n"
                            "---\n"
                            "The first season.\n";

static const char S2_MD[] = "---\r\n"
                            "kind: season\r\n"
                            "newsletter: lip\r\n"
                            "season: 2\r\n"
                            "title: Out Loud\r\n"
                            "cadence: every 14 days\r\n"
                            "status: on-break\r\n"
                            "returns: 2024-06-04\r\n"
                            "---\r\n";

static const char E1_MD[] = "---\n"
                            "kind: episode\n"
                            "newsletter: lip\n"
                            "season: 1\n"
                            "episode: 1\n"
                            "title: The Fifteen-Minute Retro\n"
                            "subtitle: Why short beats thorough\n"
                            "slug: the-fifteen-minute-retro\n"
                            "author: mira\n"
                            "date: 2024-03-05T08:00:00Z\n"
                            "status: published\n"
                            "ai: assisted\n"
                            "cover: covers/retro.png\n"
                            "cover_alt: Three overlapping circles\n"
                            "cover_credit: Illustration: test\n"
                            "teaser: Next week: the team notebook.\n"
                            "---\n"
                            "The first retrospective I ever ran lasted two hours.\n";

static const char E2_MD[] = "---\n"
                            "kind: episode\n"
                            "newsletter: lip\n"
                            "season: 1\n"
                            "episode: 2\n"
                            "title: The Team Notebook\n"
                            "author: tomas\n"
                            "date: 2024-03-12T08:00:00Z\n"
                            "---\n"
                            "A notebook *everyone* writes in.\n";

static const char E3_MD[] = "---\n"
                            "newsletter: lip\n"
                            "season: 2\n"
                            "episode: 1\n"
                            "title: Draft Three\n"
                            "author: mira\n"
                            "date: 2024-03-19 08:00\n"
                            "status: draft\n"
                            "---\n"
                            "Not yet.\n";

static unsigned char cover_png[33];
static size_t cover_len;

/* Covers of the in-memory imports. */
static int read_cover(void *ctx, const char *path, struct buf *out)
{
        int *reads = ctx;
        (*reads)++;
        if (strcmp(path, "covers/retro.png") == 0) {
                buf_append(out, cover_png, cover_len);
                return 0;
        }
        if (strcmp(path, "covers/not.png") == 0) {
                buf_puts(out, "<!DOCTYPE html><html><body>not a picture</body></html>");
                return 0;
        }
        return -1;
}

static struct import_file file(const char *name, const char *data)
{
        return (struct import_file){name, data, strlen(data)};
}

static void expect_nothing_imported(struct db *db, const struct import_report *r)
{
        assert_int_equal(r->newsletters, 0);
        assert_int_equal(r->seasons, 0);
        assert_int_equal(r->episodes, 0);
        assert_int_equal(r->images, 0);
        assert_int_equal(count_rows(db, "SELECT count(*) FROM newsletter"), 0);
        assert_int_equal(count_rows(db, "SELECT count(*) FROM newsletter_author"), 0);
        assert_int_equal(count_rows(db, "SELECT count(*) FROM season"), 0);
        assert_int_equal(count_rows(db, "SELECT count(*) FROM episode"), 0);
        assert_int_equal(count_rows(db, "SELECT count(*) FROM image"), 0);
}

static void test_import_good(void **state)
{
        int64_t mira = make_member(DB, "mira", ROLE_AUTHOR);
        make_member(DB, "tomas", ROLE_AUTHOR);
        cover_len = make_png(cover_png, 12, 8);
        const struct import_file files[] = {
            file("00-newsletter.md", NL_MD), file("01-season-1.md", S1_MD),
            file("01-season-2.md", S2_MD),   file("10-e1.md", E1_MD),
            file("10-e2.md", E2_MD),         file("10-e3.md", E3_MD),
        };
        struct import_report r;
        int reads = 0;
        int rc = import_markdown_files(DB, DATA, files, 6, read_cover, &reads, 0, &r);
        if (rc != 0)
                fail_msg("import failed: %s", r.error);
        assert_string_equal(r.error, "");
        assert_int_equal(r.newsletters, 1);
        assert_int_equal(r.seasons, 2);
        assert_int_equal(r.episodes, 3);
        assert_int_equal(r.images, 1);
        assert_int_equal(r.members, 0);
        assert_int_equal(reads, 1);

        struct newsletter n;
        assert_int_equal(newsletter_find_slug(DB, ARENA, "lip", &n), PUB_OK);
        assert_string_equal(n.title, "Learning in Public");
        assert_int_equal(n.owner_id, mira);
        assert_string_equal(n.description, "A weekly letter.\n");
        assert_string_equal(n.description_html, "<p>A weekly letter.</p>\n");
        assert_string_equal(newsletter_coauthors(DB, ARENA, n.id), "tomas");

        struct season s;
        int64_t now = time_now();
        assert_int_equal(season_find(DB, ARENA, n.id, 1, now, &s), PUB_OK);
        assert_string_equal(s.title, "Small Habits");
        assert_string_equal(s.description_html, "<p>The first season.</p>\n");
        assert_int_equal(s.cadence, CADENCE_WEEKLY);
        assert_int_equal(s.cadence_n, 2);
        assert_int_equal(s.status, SEASON_AIRING);
        assert_int_equal(s.episodes, 2);
        assert_int_equal(season_find(DB, ARENA, n.id, 2, now, &s), PUB_OK);
        assert_string_equal(s.title, "Out Loud");
        assert_int_equal(s.cadence, CADENCE_DAYS);
        assert_int_equal(s.cadence_n, 14);
        assert_int_equal(s.status, SEASON_ON_BREAK);
        assert_int_equal(s.returns_at, TUE_0604_0000);
        assert_int_equal(s.episodes, 0);

        struct episode e;
        assert_int_equal(episode_find(DB, ARENA, "lip", "the-fifteen-minute-retro", &e), PUB_OK);
        assert_string_equal(e.title, "The Fifteen-Minute Retro");
        assert_string_equal(e.subtitle, "Why short beats thorough");
        assert_string_equal(e.author_handle, "mira");
        assert_int_equal(e.season_number, 1);
        assert_int_equal(e.number, 1);
        assert_int_equal(e.status, EPISODE_PUBLISHED);
        assert_int_equal(e.publish_at, TUE_0305_0800);
        assert_int_equal(e.created_at, TUE_0305_0800);
        assert_int_equal(e.updated_at, TUE_0305_0800);
        assert_int_equal(e.ai, AI_ASSISTED);
        assert_string_equal(e.teaser, "Next week: the team notebook.");
        assert_string_equal(e.cover_alt, "Three overlapping circles");
        assert_string_equal(e.cover_credit, "Illustration: test");
        assert_int_equal(e.cover_width, 12);
        assert_int_equal(e.cover_height, 8);
        assert_non_null(e.cover_url);
        assert_string_equal(e.cover_url, image_url(DB, ARENA, e.cover_image_id));
        char path[256];
        snprintf(path, sizeof(path), "%s%s", DATA, e.cover_url);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, (off_t)cover_len);
        assert_string_equal(e.body_html,
                            "<p>The first retrospective I ever ran lasted two hours.</p>\n");

        assert_int_equal(episode_find(DB, ARENA, "lip", "the-team-notebook", &e), PUB_OK);
        assert_string_equal(e.author_handle, "tomas");
        assert_int_equal(e.publish_at, TUE_0312_0800);
        assert_int_equal(e.status, EPISODE_PUBLISHED);
        assert_int_equal(e.ai, AI_NONE);
        assert_int_equal(e.cover_image_id, 0);
        assert_string_equal(e.body_html, "<p>A notebook <em>everyone</em> writes in.</p>\n");
        assert_int_equal(episode_find(DB, ARENA, "lip", "draft-three", &e), PUB_OK);
        assert_int_equal(e.status, EPISODE_DRAFT);
        assert_int_equal(e.season_number, 2);
        assert_int_equal(e.publish_at, TUE_0319_0800);
}

/* An episode file with the usual keys (kind on line 2, then these in order from line 3:
 * newsletter, season, episode, title, author, date), then extra lines from line 9. A key whose
 * value is NULL is left out. */
static const char *episode_md(struct arena *a, const char *newsletter, const char *season,
                              const char *episode, const char *title, const char *author,
                              const char *date, const char *extra)
{
        const char *keys[] = {"newsletter", "season", "episode", "title", "author", "date"};
        const char *values[] = {newsletter, season, episode, title, author, date};
        char *s = arena_strdup(a, "---\nkind: episode\n");
        for (int i = 0; i < 6; i++)
                if (values[i])
                        s = arena_printf(a, "%s%s: %s\n", s, keys[i], values[i]);
        return arena_printf(a, "%s%s---\nSome text.\n", s, extra ? extra : "");
}

#define GOOD_EPISODE(a, extra) episode_md(a, "lip", "1", "3", "Third", "mira", "2024-03-19", extra)

static void test_import_errors(void **state)
{
        make_member(DB, "mira", ROLE_AUTHOR);
        make_member(DB, "tomas", ROLE_AUTHOR);
        make_member(DB, "rita", ROLE_READER);
        cover_len = make_png(cover_png, 12, 8);
        struct arena *a = ARENA;
        const struct {
                const char *bad;
                const char *error;
        } cases[] = {
            /* reading the files */
            {"kind: episode\n", "bad.md:1: the file must start with a front matter line \"---\""},
            {"---\nkind: episode\nnewsletter: lip\n",
             "bad.md:4: the front matter has no closing \"---\""},
            {"---\nkind: episode\nTitle: X\n---\nbody\n", "bad.md:3: bad key \"Title\""},
            {"---\nkind: episode\ncover-alt: X\n---\nbody\n", "bad.md:3: bad key \"cover-alt\""},
            {"---\nkind: episode\njust words\n---\nbody\n", "bad.md:3: expected \"key: value\""},
            {"---\nkind: episode\n: value\n---\nbody\n", "bad.md:3: expected \"key: value\""},
            {"---\ntitle: a\n\ntitle: b\n---\n", "bad.md:4: \"title\" is given twice"},
            {"---\ntitle: caf\xC3(\n---\n", "bad.md: the file is not valid UTF-8"},
            {"---\nkind: podcast\n---\n", "bad.md:2: kind must be newsletter, season or episode"},
            /* newsletters and seasons */
            {NL_MD, "bad.md:3: newsletter slug \"lip\" is already used by 00-newsletter.md:3"},
            {"---\nkind: newsletter\nslug: two\ntitle: Two\nowner: mira\nauthors: rita\n---\n",
             "bad.md:6: authors: Co-authors must be members with the author role."},
            {"---\nkind: newsletter\nslug: two\ntitle: Two\nowner: ghost\n---\n",
             "bad.md:5: there is no member \"ghost\""},
            {"---\nkind: newsletter\nslug: Two\ntitle: Two\nowner: mira\n---\n",
             "bad.md:3: slug: Use 1 to 60 lower-case letters, digits and single hyphens, not at "
             "either end."},
            {S1_MD, "bad.md:4: season 1 already exists"},
            {"---\nkind: season\nnewsletter: lip\nseason: 3\ntitle: T\ncadence: fortnightly\n---\n",
             "bad.md:6: cadence must be like \"weekly on tuesday\", \"every 14 days\" or "
             "\"irregular\""},
            {"---\nkind: season\nnewsletter: lip\nseason: 3\ntitle: T\nstatus: paused\n---\n",
             "bad.md:6: status must be planned, airing, on-break or finished"},
            {"---\nkind: season\nnewsletter: lip\nseason: 1000\ntitle: T\n---\n",
             "bad.md:4: \"season\" must be a number from 1 to 999"},
            {"---\nkind: season\nnewsletter: nope\nseason: 3\ntitle: T\n---\n",
             "bad.md:3: there is no newsletter \"nope\" (newsletter files must come first)"},
            /* episodes */
            {episode_md(a, "nope", "1", "3", "Third", "mira", "2024-03-19", NULL),
             "bad.md:3: there is no newsletter \"nope\" (newsletter files must come first)"},
            {episode_md(a, "lip", "1", "3", "Third", "ghost", "2024-03-19", NULL),
             "bad.md:7: there is no member \"ghost\""},
            {episode_md(a, "lip", "1", "3", "Third", "mira", "2024-02-30T08:00:00Z", NULL),
             "bad.md:8: \"date\" must be a date like 2026-03-03T08:00:00Z"},
            {episode_md(a, "lip", "1", "3", "Third", "mira", "next tuesday", NULL),
             "bad.md:8: \"date\" must be a date like 2026-03-03T08:00:00Z"},
            {episode_md(a, "lip", "1", "x3", "Third", "mira", "2024-03-19", NULL),
             "bad.md:5: \"episode\" must be a number from 1 to 9999"},
            {GOOD_EPISODE(a, "status: live\n"),
             "bad.md:9: status must be draft, scheduled or published"},
            {GOOD_EPISODE(a, "ai: maybe\n"), "bad.md:9: ai must be none, assisted or generated"},
            {GOOD_EPISODE(a, "cover: covers/retro.png\n"),
             "bad.md:9: a cover needs cover_alt: describe the image for readers who cannot see "
             "it"},
            {GOOD_EPISODE(a, "cover: ../secret.png\ncover_alt: A secret\n"),
             "bad.md:9: cover must be a path inside the import folder"},
            {GOOD_EPISODE(a, "cover: covers/missing.png\ncover_alt: Missing\n"),
             "bad.md:9: cannot read cover \"covers/missing.png\""},
            {GOOD_EPISODE(a, "cover: covers/not.png\ncover_alt: Not a picture\n"),
             "bad.md:9: cover \"covers/not.png\": That file is not a PNG, JPEG, WebP or GIF "
             "image."},
            {GOOD_EPISODE(a, "slug: the-team-notebook\n"),
             "bad.md:9: episode slug \"the-team-notebook\" is already used in newsletter \"lip\" "
             "by 10-e2.md:6 (made from its title)"},
            {GOOD_EPISODE(a, "slug: Bad_Slug\n"),
             "bad.md:9: slug: Use 1 to 60 lower-case letters, digits and single hyphens, not at "
             "either end."},
            {episode_md(a, "lip", "1", "2", "Another", "mira", "2024-03-19", NULL),
             "bad.md:5: episode: This season already has an episode with that number."},
            {episode_md(a, "lip", "7", "1", "Another", "mira", "2024-03-19", NULL),
             "bad.md:4: season: This newsletter has no such season."},
            {episode_md(a, "lip", "1", "3", NULL, "mira", "2024-03-19", NULL),
             "bad.md: \"title\" is missing"},
            {GOOD_EPISODE(a,
                          arena_printf(a, "subtitle: %s\n", repeat(a, "x", KD_SUBTITLE_MAX + 1))),
             "bad.md:9: subtitle: This is too long."},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                /* good files first, so that the failure must undo them */
                const struct import_file files[] = {
                    file("00-newsletter.md", NL_MD), file("01-season-1.md", S1_MD),
                    file("10-e1.md", E1_MD),         file("10-e2.md", E2_MD),
                    file("bad.md", cases[i].bad),
                };
                struct import_report r;
                int reads = 0;
                int rc = import_markdown_files(DB, DATA, files, 5, read_cover, &reads, 0, &r);
                if (rc != -1)
                        fail_msg("case %zu (%s) was imported", i, cases[i].error);
                if (strcmp(r.error, cases[i].error) != 0)
                        fail_msg("case %zu:\n got      %s\n expected %s", i, r.error,
                                 cases[i].error);
                expect_nothing_imported(DB, &r);
        }

        /* a later file naming a newsletter that comes after it */
        const struct import_file order[] = {file("01-season-1.md", S1_MD),
                                            file("00-newsletter.md", NL_MD)};
        struct import_report r;
        assert_int_equal(import_markdown_files(DB, DATA, order, 2, NULL, NULL, 0, &r), -1);
        assert_string_equal(
            r.error,
            "01-season-1.md:3: there is no newsletter \"lip\" (newsletter files must come first)");
        expect_nothing_imported(DB, &r);
        /* a cover with no way to read it */
        const struct import_file no_reader[] = {file("00-newsletter.md", NL_MD),
                                                file("01-season-1.md", S1_MD),
                                                file("10-e1.md", E1_MD)};
        assert_int_equal(import_markdown_files(DB, DATA, no_reader, 3, NULL, NULL, 0, &r), -1);
        assert_string_equal(r.error, "10-e1.md:13: cannot read cover \"covers/retro.png\"");
        expect_nothing_imported(DB, &r);

        /* and after all that, the good files still import */
        const struct import_file good[] = {file("00-newsletter.md", NL_MD),
                                           file("01-season-1.md", S1_MD), file("10-e2.md", E2_MD)};
        assert_int_equal(import_markdown_files(DB, DATA, good, 3, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.newsletters, 1);
        assert_int_equal(r.seasons, 1);
        assert_int_equal(r.episodes, 1);
        assert_int_equal(count_episodes(DB), 1);
}

static void test_import_shift_to_now(void **state)
{
        make_member(DB, "mira", ROLE_AUTHOR);
        make_member(DB, "tomas", ROLE_AUTHOR);
        cover_len = make_png(cover_png, 12, 8);
        const struct import_file files[] = {
            file("00-newsletter.md", NL_MD), file("01-season-1.md", S1_MD),
            file("01-season-2.md", S2_MD),   file("10-e1.md", E1_MD),
            file("10-e2.md", E2_MD),         file("10-e3.md", E3_MD),
        };
        struct import_report r;
        int reads = 0;
        int64_t before = time_now();
        int rc = import_markdown_files(DB, DATA, files, 6, read_cover, &reads, 1, &r);
        int64_t after = time_now();
        if (rc != 0)
                fail_msg("import failed: %s", r.error);
        assert_int_equal(r.episodes, 3);

        /* the newest published episode (not the later draft) lands in the last week */
        struct episode e2;
        assert_int_equal(episode_find(DB, ARENA, "lip", "the-team-notebook", &e2), PUB_OK);
        int64_t shift = e2.publish_at - TUE_0312_0800;
        assert_true(shift > 0);
        assert_int_equal(shift % WEEK, 0);
        assert_true(e2.publish_at <= after);
        assert_true(e2.publish_at > before - WEEK);
        assert_int_equal((e2.publish_at / DAY + 4) % 7, 2); /* still a Tuesday */
        assert_int_equal(e2.publish_at % DAY, 8 * 3600);    /* at 08:00 */
        assert_int_equal(e2.created_at, e2.publish_at);
        assert_int_equal(e2.status, EPISODE_PUBLISHED);

        /* everything else moved by the same whole weeks */
        struct episode e;
        assert_int_equal(episode_find(DB, ARENA, "lip", "the-fifteen-minute-retro", &e), PUB_OK);
        assert_int_equal(e.publish_at, TUE_0305_0800 + shift);
        assert_int_equal(e.created_at, TUE_0305_0800 + shift);
        assert_int_equal(episode_find(DB, ARENA, "lip", "draft-three", &e), PUB_OK);
        assert_int_equal(e.publish_at, TUE_0319_0800 + shift);
        assert_int_equal(e.status, EPISODE_DRAFT);
        struct newsletter n;
        assert_int_equal(newsletter_find_slug(DB, ARENA, "lip", &n), PUB_OK);
        struct season s;
        assert_int_equal(season_find(DB, ARENA, n.id, 2, after, &s), PUB_OK);
        assert_int_equal(s.returns_at, TUE_0604_0000 + shift);
        /* and the weekly season's next episode is a Tuesday at 08:00 within a week */
        assert_int_equal(season_find(DB, ARENA, n.id, 1, after, &s), PUB_OK);
        int64_t next = season_next_episode_at(DB, &s, after);
        assert_int_equal((next - e2.publish_at) % WEEK, 0);
        assert_true(next >= after && next < after + WEEK);
}

int main(void)
{
#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        const struct CMUnitTest tests[] = {
            DB_TEST(test_slug_valid),
            DB_TEST(test_slug_from_title),
            DB_TEST(test_slug_from_title_ends_at_a_whole_word),
            DB_TEST(test_slug_reserved_for_episode),
            cmocka_unit_test(test_time_parse),
            cmocka_unit_test(test_time_round_trip),
            cmocka_unit_test(test_cadence_parse),
            cmocka_unit_test(test_cadence_round_trip),
            cmocka_unit_test(test_season_status_names),
            DB_TEST(test_season_validation),
            DB_TEST(test_season_taken_and_update),
            DB_TEST(test_season_find_and_list),
            DB_TEST(test_next_episode_weekly),
            DB_TEST(test_next_episode_days),
            DB_TEST(test_next_episode_scheduled_wins),
            DB_TEST(test_newsletter_create),
            DB_TEST(test_newsletter_invalid),
            DB_TEST(test_newsletter_taken),
            DB_TEST(test_newsletter_coauthors),
            DB_TEST(test_newsletter_can_write),
            DB_TEST(test_newsletter_follow),
            DB_TEST(test_episode_validation),
            DB_TEST(test_episode_unknown_cover),
            DB_TEST(test_episode_taken),
            DB_TEST(test_episode_status_normalised),
            DB_TEST(test_episode_numbers),
            DB_TEST(test_episode_rendering),
            DB_TEST(test_episode_find_and_update),
            DB_TEST(test_episode_visibility),
            DB_TEST(test_episode_lists),
            DB_TEST(test_episode_publish_due),
            DB_TEST(test_import_good),
            DB_TEST(test_import_errors),
            DB_TEST(test_import_shift_to_now),
        };
#undef DB_TEST
        return cmocka_run_group_tests(tests, NULL, NULL);
}
