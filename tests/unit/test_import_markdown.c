/* Unit tests for the Markdown import's front matter (model/import_markdown.c): unknown keys,
 * quoted values, a byte order mark, dates with offsets from UTC and slugs used twice. The
 * import's other rules are tested in test_publishing.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/role.h"
#include "core/timeutil.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/season.h"
#include "model/transfer.h"
#include "tmpdb.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        const char *handles[] = {"mira", "tomas"};
        for (size_t i = 0; i < 2; i++) {
                char email[64];
                snprintf(email, sizeof(email), "%s@example.org", handles[i]);
                struct member_input in = {.handle = handles[i],
                                          .display_name = handles[i],
                                          .headline = "",
                                          .bio = "",
                                          .email = email,
                                          .password = "correct horse battery"};
                struct member_problem p = {0};
                int64_t id;
                if (member_create(fx->t.db, &in, ROLE_AUTHOR, &id, &p) != MEMBER_OK)
                        return -1;
        }
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        rmdir(fx->data); /* no covers in these tests, so media/ is never made */
        arena_free(fx->a);
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

#define FX    ((struct fixture *)*state)
#define DB    (FX->t.db)
#define ARENA (FX->a)
#define DATA  (FX->data)

static const char NEWSLETTER[] = "---\n"
                                 "kind: newsletter\n"
                                 "slug: lip\n"
                                 "title: Learning in Public\n"
                                 "owner: mira\n"
                                 "---\n"
                                 "A weekly letter.\n";

static const char SEASON[] = "---\n"
                             "kind: season\n"
                             "newsletter: lip\n"
                             "season: 1\n"
                             "title: Small Habits\n"
                             "---\n";

/* An episode of lip's season 1: "number" and "title" on lines 2 and 3, then extra (one key per
 * line from line 4), then the author and a date in 2024. */
static const char *episode(struct arena *a, int number, const char *title, const char *extra)
{
        return arena_printf(a,
                            "---\nepisode: %d\ntitle: %s\n%snewsletter: lip\nseason: 1\n"
                            "author: mira\ndate: 2024-03-05T08:00:00Z\n---\nText.\n",
                            number, title, extra ? extra : "");
}

static struct import_file file(const char *name, const char *data)
{
        return (struct import_file){name, data, strlen(data)};
}

/* Imports the newsletter, the season and then the given files; returns the import's result. */
static int import_with(struct db *db, const char *data, const struct import_file *extra, size_t n,
                       struct import_report *r)
{
        struct import_file files[8] = {file("00-nl.md", NEWSLETTER), file("01-s1.md", SEASON)};
        assert_true(n <= 6);
        memcpy(files + 2, extra, n * sizeof(*extra));
        return import_markdown_files(db, data, files, n + 2, NULL, NULL, 0, r);
}

/* The import fails with exactly message, and nothing of it remains. */
static void expect_refused(void **state, const struct import_file *files, size_t n,
                           const char *message)
{
        struct import_report r;
        if (import_with(DB, DATA, files, n, &r) != -1)
                fail_msg("imported, expected: %s", message);
        if (strcmp(r.error, message) != 0)
                fail_msg("\n got      %s\n expected %s", r.error, message);
        struct newsletter nl;
        assert_int_not_equal(newsletter_find_slug(DB, ARENA, "lip", &nl), PUB_OK);
}

/* Imports the newsletter, the season and one episode file, which must succeed, and finds the
 * episode by slug. */
static void import_one(void **state, const char *md, const char *slug, struct episode *e)
{
        struct import_file f = file("10-e.md", md);
        struct import_report r;
        if (import_with(DB, DATA, &f, 1, &r) != 0)
                fail_msg("import failed: %s", r.error);
        assert_int_equal(episode_find(DB, ARENA, "lip", slug, e), PUB_OK);
}

/* ---- Unknown keys --------------------------------------------------------------------------- */

static void test_unknown_keys_are_errors(void **state)
{
        struct arena *a = ARENA;
        const struct {
                const char *md, *error;
        } cases[] = {
            /* a misspelt status used to be ignored, and the draft published */
            {episode(a, 1, "One", "statu: draft\n"), "10-e.md:4: unknown key \"statu\""},
            {episode(a, 1, "One", "subtitle: x\ncoverr: a.png\n"),
             "10-e.md:5: unknown key \"coverr\""},
            /* keys of another kind of file */
            {episode(a, 1, "One", "cadence: irregular\n"), "10-e.md:4: unknown key \"cadence\""},
            {episode(a, 1, "One", "owner: mira\n"), "10-e.md:4: unknown key \"owner\""},
            {"---\nkind: season\nnewsletter: lip\nseason: 2\ntitle: T\nauthor: mira\n---\n",
             "10-e.md:6: unknown key \"author\""},
            {"---\nkind: newsletter\nslug: two\ntitel: Two\nowner: mira\n---\n",
             "10-e.md:4: unknown key \"titel\""},
            /* the kind is checked first, as the keys depend on it */
            {"---\nstatu: x\nkind: podcast\n---\n",
             "10-e.md:3: kind must be newsletter, season or episode"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct import_file f = file("10-e.md", cases[i].md);
                expect_refused(state, &f, 1, cases[i].error);
        }
        /* Every documented key of an episode is known. */
        struct episode e;
        import_one(state,
                   episode(a, 1, "One",
                           "kind: episode\nsubtitle: S\nslug: one\nstatus: draft\nai: none\n"
                           "cover_alt: \ncover_credit: \nteaser: T\ncover: \n"),
                   "one", &e);
        assert_int_equal(e.status, EPISODE_DRAFT);
}

/* ---- Quoted values -------------------------------------------------------------------------- */

static void test_quoted_values(void **state)
{
        struct arena *a = ARENA;
        struct episode e;
        import_one(state,
                   episode(a, 1, "'It''s: a \"title\"'",
                           "subtitle: \"Say \\\"hi\\\" \\\\ caf\\u00e9 \\U0001F600 \\uD83D\\uDE00 "
                           "\\x41/\\/\"\n"
                           "slug: 'quoted-slug'\n"
                           "status: \"draft\"\n"
                           "teaser: Tom's \"notes\" stay as written\n"),
                   "quoted-slug", &e);
        assert_string_equal(e.title, "It's: a \"title\"");
        assert_string_equal(e.subtitle, "Say \"hi\" \\ café 😀 😀 A//");
        assert_string_equal(e.teaser, "Tom's \"notes\" stay as written");
        assert_int_equal(e.status, EPISODE_DRAFT);
}

static void test_quoted_value_errors(void **state)
{
        struct arena *a = ARENA;
        const struct {
                const char *value, *error;
        } cases[] = {
            {"\"Open", "10-e.md:3: the value's closing quote (\") is missing"},
            {"'Open", "10-e.md:3: the value's closing quote (') is missing"},
            {"\"Done\" and more", "10-e.md:3: a double-quoted value must end at its closing quote"},
            {"'It's'", "10-e.md:3: a single-quoted value must end at its closing quote (write '' "
                       "for a quote inside it)"},
            {"\"\\q\"", "10-e.md:3: unknown escape in a double-quoted value (known: \\\" \\\\ \\/ "
                        "\\n \\t \\r \\xHH \\uHHHH \\UHHHHHHHH)"},
            {"\"\\u00\"", "10-e.md:3: an escape in a double-quoted value needs hex digits"},
            {"\"\\x4\"", "10-e.md:3: an escape in a double-quoted value needs hex digits"},
            {"\"a\\u0000b\"", "10-e.md:3: a value cannot contain a NUL character"},
            {"\"\\uD800\"",
             "10-e.md:3: an escape in a double-quoted value is not a Unicode character"},
            {"\"\\U00110000\"",
             "10-e.md:3: an escape in a double-quoted value is not a Unicode character"},
            {"\"trailing \\\"", "10-e.md:3: the value's closing quote (\") is missing"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct import_file f = file("10-e.md", episode(a, 1, cases[i].value, NULL));
                expect_refused(state, &f, 1, cases[i].error);
        }
        /* Quotes make an empty value: still missing. */
        struct import_file f = file("10-e.md", episode(a, 1, "''", NULL));
        expect_refused(state, &f, 1, "10-e.md: \"title\" is missing");
}

/* ---- Byte order mark ------------------------------------------------------------------------ */

static void test_byte_order_mark(void **state)
{
        struct episode e;
        import_one(state,
                   arena_printf(ARENA, "\xEF\xBB\xBF%s", episode(ARENA, 1, "With a BOM", NULL)),
                   "with-a-bom", &e);
        assert_string_equal(e.title, "With a BOM");
        assert_string_equal(e.body, "Text.\n");
}

static void test_byte_order_mark_only_at_the_start(void **state)
{
        /* Anywhere else it is text: here it stands before the first "---". */
        struct import_file f = file(
            "10-e.md", arena_printf(ARENA, "\n\xEF\xBB\xBF%s", episode(ARENA, 1, "Late", NULL)));
        expect_refused(state, &f, 1,
                       "10-e.md:1: the file must start with a front matter line \"---\"");
}

/* ---- Dates ---------------------------------------------------------------------------------- */

static int64_t utc(const char *iso)
{
        int64_t t;
        assert_int_equal(time_parse_iso8601(iso, &t), 0);
        return t;
}

static void test_dates_with_offsets(void **state)
{
        const struct {
                const char *written, *utc;
        } cases[] = {
            {"2026-03-01T09:00:00+02:00", "2026-03-01T07:00:00Z"},
            {"2026-03-01T09:00:00-05:30", "2026-03-01T14:30:00Z"},
            {"2026-03-01T01:00+0200", "2026-02-28T23:00:00Z"},
            {"2026-03-01 09:00:00+00:00", "2026-03-01T09:00:00Z"},
            {"2026-03-01T09:00:00Z", "2026-03-01T09:00:00Z"},
            {"2026-03-01T09:00:00", "2026-03-01T09:00:00Z"},
            {"2026-03-01 09:00", "2026-03-01T09:00:00Z"},
            {"2026-03-01", "2026-03-01T00:00:00Z"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char slug[16];
                snprintf(slug, sizeof(slug), "e%zu", i + 1);
                char *md =
                    arena_printf(ARENA,
                                 "---\nepisode: %zu\ntitle: E\nslug: %s\nnewsletter: lip\n"
                                 "season: 1\nauthor: mira\ndate: %s\nstatus: draft\n---\nText.\n",
                                 i + 1, slug, cases[i].written);
                struct import_file f = file("10-e.md", md);
                struct import_report r;
                /* one import per date, each in its own newsletter */
                if (import_with(DB, DATA, &f, 1, &r) != 0)
                        fail_msg("%s: %s", cases[i].written, r.error);
                struct episode e;
                assert_int_equal(episode_find(DB, ARENA, "lip", slug, &e), PUB_OK);
                if (e.publish_at != utc(cases[i].utc))
                        fail_msg("%s gave %lld, expected %s", cases[i].written,
                                 (long long)e.publish_at, cases[i].utc);
                /* start again with an empty site */
                assert_int_equal(
                    db_exec_script(DB, "DELETE FROM episode; DELETE FROM season; "
                                       "DELETE FROM newsletter_author; DELETE FROM newsletter"),
                    DB_OK);
        }
}

static void test_bad_dates(void **state)
{
        const char *bad[] = {
            "2026-03-01T09:00:00+24:00", "2026-03-01T09:00:00+02:60",
            "2026-03-01T09:00:00+2",     "2026-03-01T09:00:00+02",
            "2026-03-01+02:00",          "2026-03-01T09:00:00Z+02:00",
            "2026-03-01T09:00:00+02:0x", "2026-03-01T09:00:00 +02:00",
            "1970-01-01T00:30:00+01:00", "2026-03-01T09:00:00.5+02:00",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char *md = arena_printf(ARENA,
                                        "---\nepisode: 1\ntitle: E\nnewsletter: lip\nseason: 1\n"
                                        "author: mira\ndate: %s\n---\n",
                                        bad[i]);
                struct import_file f = file("10-e.md", md);
                expect_refused(state, &f, 1,
                               "10-e.md:7: \"date\" must be a date like 2026-03-03T08:00:00Z");
        }
}

static void test_season_return_date_with_offset(void **state)
{
        struct import_file f = file("02-s2.md", "---\nkind: season\nnewsletter: lip\nseason: 2\n"
                                                "title: Out Loud\nstatus: on-break\n"
                                                "returns: 2026-06-04T08:00:00+08:00\n---\n");
        struct import_report r;
        if (import_with(DB, DATA, &f, 1, &r) != 0)
                fail_msg("import failed: %s", r.error);
        struct newsletter nl;
        assert_int_equal(newsletter_find_slug(DB, ARENA, "lip", &nl), PUB_OK);
        struct season s;
        assert_int_equal(season_find(DB, ARENA, nl.id, 2, time_now(), &s), PUB_OK);
        assert_int_equal(s.returns_at, utc("2026-06-04T00:00:00Z"));
}

/* ---- Slugs used twice ----------------------------------------------------------------------- */

static void test_duplicate_slugs(void **state)
{
        struct arena *a = ARENA;
        /* two episodes with the same slug key */
        struct import_file two[] = {
            file("10-a.md", episode(a, 1, "One", "slug: same\n")),
            file("10-b.md", episode(a, 2, "Two", "slug: same\n")),
        };
        expect_refused(state, two, 2,
                       "10-b.md:4: episode slug \"same\" is already used in newsletter \"lip\" by "
                       "10-a.md:4");
        /* a slug made from a title, on either side */
        struct import_file made[] = {
            file("10-a.md", episode(a, 1, "The Team Notebook", NULL)),
            file("10-b.md", episode(a, 2, "Two", "slug: the-team-notebook\n")),
        };
        expect_refused(state, made, 2,
                       "10-b.md:4: episode slug \"the-team-notebook\" is already used in "
                       "newsletter \"lip\" by 10-a.md:3 (made from its title)");
        struct import_file titles[] = {
            file("10-a.md", episode(a, 1, "Same Title", NULL)),
            file("10-b.md", episode(a, 2, "Same title!", NULL)),
        };
        expect_refused(state, titles, 2,
                       "10-b.md:3: episode slug \"same-title\" (made from the title) is already "
                       "used in newsletter \"lip\" by 10-a.md:3 (made from its title)");
        /* of three uses, the first two files are named; with two pairs, the earlier one */
        struct import_file many[] = {
            file("10-a.md", episode(a, 1, "A", "slug: x\n")),
            file("10-b.md", episode(a, 2, "B", "slug: y\n")),
            file("10-c.md", episode(a, 3, "C", "slug: y\n")),
            file("10-d.md", episode(a, 4, "D", "slug: x\n")),
            file("10-e.md", episode(a, 5, "E", "slug: y\n")),
        };
        expect_refused(state, many, 5,
                       "10-c.md:4: episode slug \"y\" is already used in newsletter \"lip\" by "
                       "10-b.md:4");
        /* two newsletters */
        struct import_file nl = file("00-nl2.md", NEWSLETTER);
        expect_refused(state, &nl, 1,
                       "00-nl2.md:3: newsletter slug \"lip\" is already used by 00-nl.md:3");

        /* The same slug in two newsletters is fine. */
        struct import_file fine[] = {
            file("00-nl2.md", "---\nkind: newsletter\nslug: two\ntitle: Two\nowner: tomas\n---\n"),
            file("01-s2.md", "---\nkind: season\nnewsletter: two\nseason: 1\ntitle: T\n---\n"),
            file("10-a.md", episode(a, 1, "Same", NULL)),
            file("10-b.md", "---\nnewsletter: two\nseason: 1\nepisode: 1\ntitle: Same\n"
                            "author: tomas\ndate: 2024-03-05\n---\nText.\n"),
        };
        struct import_report r;
        if (import_with(DB, DATA, fine, 4, &r) != 0)
                fail_msg("import failed: %s", r.error);
        assert_int_equal(r.episodes, 2);
        struct episode e;
        assert_int_equal(episode_find(DB, ARENA, "two", "same", &e), PUB_OK);
        assert_int_equal(episode_find(DB, ARENA, "lip", "same", &e), PUB_OK);
}

/* A newsletter already on the site (not in the import) is still the database's to refuse. */
static void test_slug_taken_before_the_import(void **state)
{
        struct import_report r;
        const struct import_file first[] = {file("00-nl.md", NEWSLETTER)};
        assert_int_equal(import_markdown_files(DB, DATA, first, 1, NULL, NULL, 0, &r), 0);
        assert_int_equal(import_markdown_files(DB, DATA, first, 1, NULL, NULL, 0, &r), -1);
        assert_string_equal(r.error, "00-nl.md:3: newsletter \"lip\" already exists");
}

int main(void)
{
#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        const struct CMUnitTest tests[] = {
            DB_TEST(test_unknown_keys_are_errors),
            DB_TEST(test_quoted_values),
            DB_TEST(test_quoted_value_errors),
            DB_TEST(test_byte_order_mark),
            DB_TEST(test_byte_order_mark_only_at_the_start),
            DB_TEST(test_dates_with_offsets),
            DB_TEST(test_bad_dates),
            DB_TEST(test_season_return_date_with_offset),
            DB_TEST(test_duplicate_slugs),
            DB_TEST(test_slug_taken_before_the_import),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
