/* Unit tests of the writing lane's pure parts: time zones read from Debian's zoneinfo
 * (core/tz.c: offsets, wall clock to UTC across daylight-saving gaps and overlaps, hostile
 * names) and the check of a text's images (markdown/images.c). */
#include "core/tz.h"
#include "markdown/images.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* 2026-03-29 01:00 UTC: Europe/Berlin goes from +1 to +2 (02:00 local becomes 03:00). */
#define BERLIN_SPRING 1774746000LL
/* 2026-10-25 01:00 UTC: back from +2 to +1 (03:00 local becomes 02:00). */
#define BERLIN_AUTUMN 1792890000LL

static void test_zone_names(void **state)
{
        (void)state;
        assert_true(tz_valid(""));
        assert_true(tz_valid("Europe/Berlin"));
        assert_true(tz_valid("America/Argentina/Ushuaia"));
        assert_true(tz_valid("Asia/Shanghai"));
        assert_false(tz_valid(NULL));
        assert_false(tz_valid("Mars/Olympus"));
        assert_false(tz_valid("../../etc/passwd"));
        assert_false(tz_valid("/etc/passwd"));
        assert_false(tz_valid("Europe/../../../etc/passwd"));
        assert_false(tz_valid("Europe"));       /* a folder */
        assert_false(tz_valid("zone1970.tab")); /* a file, not a zone */
        assert_false(tz_valid("Europe/Berlin\n"));
        char longer[200];
        memset(longer, 'A', sizeof(longer) - 1);
        longer[sizeof(longer) - 1] = '\0';
        assert_false(tz_valid(longer));
}

static void test_offsets(void **state)
{
        (void)state;
        assert_int_equal(tz_offset_at("", BERLIN_SPRING), 0);
        assert_int_equal(tz_offset_at("Europe/Berlin", BERLIN_SPRING - 1), 3600);
        assert_int_equal(tz_offset_at("Europe/Berlin", BERLIN_SPRING), 7200);
        assert_int_equal(tz_offset_at("Europe/Berlin", BERLIN_AUTUMN - 1), 7200);
        assert_int_equal(tz_offset_at("Europe/Berlin", BERLIN_AUTUMN), 3600);
        assert_int_equal(tz_offset_at("Asia/Shanghai", BERLIN_SPRING), 8 * 3600);
        assert_int_equal(tz_offset_at("Asia/Kolkata", BERLIN_SPRING), 5 * 3600 + 1800);
        assert_int_equal(tz_offset_at("America/New_York", BERLIN_SPRING), -4 * 3600);
        assert_int_equal(tz_offset_at("Mars/Olympus", BERLIN_SPRING), 0);
        /* far past the file's last transition: the last offset holds */
        assert_int_equal(tz_offset_at("Asia/Shanghai", 4102444800LL), 8 * 3600); /* 2100 */
}

static void test_wall_clock_to_utc(void **state)
{
        (void)state;
        /* an ordinary time: 2026-07-01 10:00 in Berlin is 08:00 UTC */
        assert_int_equal(tz_local_to_utc("Europe/Berlin", 1782900000LL), 1782900000LL - 7200);
        assert_int_equal(tz_local_to_utc("", 1782900000LL), 1782900000LL);
        /* in the spring gap: 02:30 does not exist; the time after the jump (03:30 = 01:30Z) */
        int64_t gap_local = BERLIN_SPRING + 3600 + 1800; /* "02:30" read as UTC */
        assert_int_equal(tz_local_to_utc("Europe/Berlin", gap_local), BERLIN_SPRING + 1800);
        /* in the autumn overlap: 02:30 happens twice; the earlier (00:30Z) */
        int64_t overlap_local = BERLIN_AUTUMN + 3600 + 1800;
        assert_int_equal(tz_local_to_utc("Europe/Berlin", overlap_local), BERLIN_AUTUMN - 1800);
        /* round trips of ordinary times in several zones */
        const char *zones[] = {"Asia/Shanghai", "America/Los_Angeles", "Australia/Lord_Howe",
                               "Asia/Kathmandu", "Pacific/Chatham"};
        for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
                int64_t utc = 1790000000LL;
                int64_t local = utc + tz_offset_at(zones[i], utc);
                assert_int_equal(tz_local_to_utc(zones[i], local), utc);
        }
}

static void test_zone_list(void **state)
{
        (void)state;
        char **names;
        size_t n = tz_list(&names);
        assert_true(n > 300);
        bool berlin = false;
        for (size_t i = 0; i < n; i++) {
                assert_true(tz_valid(names[i]));
                if (i > 0)
                        assert_true(strcmp(names[i - 1], names[i]) < 0);
                berlin = berlin || strcmp(names[i], "Europe/Berlin") == 0;
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        assert_true(berlin);
}

static enum mdr_image_check check(const char *md, const char *base, unsigned *line)
{
        return mdr_check_images(md, strlen(md), base, line);
}

static void test_images_of_a_text(void **state)
{
        (void)state;
        unsigned line = 99;
        assert_int_equal(check("No images at all.", NULL, &line), MDR_IMAGES_OK);
        assert_int_equal(line, 0);
        assert_int_equal(check("![a](/media/ab.png) and ![b](/media/cd.jpg)", NULL, &line),
                         MDR_IMAGES_OK);
        assert_int_equal(
            check("![a](https://kindred.example/media/ab.png)", "https://kindred.example", &line),
            MDR_IMAGES_OK);
        assert_int_equal(
            check("![a](https://kindred.example/media/ab.png)", "https://kindred.example/", &line),
            MDR_IMAGES_OK);
        /* another site, however it is written */
        assert_int_equal(check("one\n\ntwo\n\n![a](https://e.org/x.png)", NULL, &line),
                         MDR_IMAGE_FOREIGN);
        assert_int_equal(line, 5);
        assert_int_equal(check("![a](//e.org/x.png)", NULL, &line), MDR_IMAGE_FOREIGN);
        assert_int_equal(check("![a](HTTP://e.org/x.png)", NULL, &line), MDR_IMAGE_FOREIGN);
        assert_int_equal(check("![a](<https://e.org/x y.png>)", NULL, &line), MDR_IMAGE_FOREIGN);
        assert_int_equal(check("![a][r]\n\n[r]: https://e.org/x.png", NULL, &line),
                         MDR_IMAGE_FOREIGN);
        assert_int_equal(check("![a](https://kindred.example.evil/media/x.png)",
                               "https://kindred.example", &line),
                         MDR_IMAGE_FOREIGN);
        assert_int_equal(check("![a](data:image/png;base64,AAAA)", NULL, &line), MDR_IMAGE_FOREIGN);
        /* not an upload here */
        assert_int_equal(check("![a](x.png)", NULL, &line), MDR_IMAGE_NOT_UPLOAD);
        assert_int_equal(check("![a](/static/kindred.css)", NULL, &line), MDR_IMAGE_NOT_UPLOAD);
        assert_int_equal(check("![a](/media/)", NULL, &line), MDR_IMAGE_NOT_UPLOAD);
        assert_int_equal(check("![a](&#104;ttps://e.org/x.png)", NULL, &line),
                         MDR_IMAGE_NOT_UPLOAD);
        /* what is not shown as an image is not checked */
        assert_int_equal(check("[a link](https://e.org/x.png)", NULL, &line), MDR_IMAGES_OK);
        assert_int_equal(check("`![a](https://e.org/x.png)`", NULL, &line), MDR_IMAGES_OK);
        assert_int_equal(check("    ![a](https://e.org/x.png)", NULL, &line), MDR_IMAGES_OK);
        assert_int_equal(check("\\![a](https://e.org/x.png)", NULL, &line), MDR_IMAGES_OK);
        /* the first bad one is reported */
        assert_int_equal(
            check("![a](/media/ok.png)\n![b](x.png)\n![c](https://e.org/c.png)", NULL, &line),
            MDR_IMAGE_NOT_UPLOAD);
        assert_int_equal(line, 2);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_zone_names),        cmocka_unit_test(test_offsets),
            cmocka_unit_test(test_wall_clock_to_utc), cmocka_unit_test(test_zone_list),
            cmocka_unit_test(test_images_of_a_text),
        };
        return cmocka_run_group_tests_name("editor_pure", tests, NULL, NULL);
}
