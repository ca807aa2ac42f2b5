/* Unit tests for model/avatar: initials from display names in several scripts, colours that are
 * the same for a member every time and spread over the palette, and every palette colour
 * holding white initials at WCAG AA contrast (4.5:1). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "model/avatar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_initials(void **state)
{
        (void)state;
        static const char *const cases[][2] = {
            {"Mira Okafor", "MO"},
            {"ana", "A"},
            {"jean-luc picard", "JP"},
            {"  Sam  ", "S"},
            {"Ana Lucía de la Fuente", "AF"},
            {"李伟", "李"},
            {"Émile Zola", "ÉZ"},
            {"", "?"},
            {"   ", "?"},
            {"r. k. narayan", "RN"},
            {"김 민준", "김"},
            {"山田 太郎", "山"},
        };
        char out[16];
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                avatar_initials(cases[i][0], out, sizeof(out));
                if (strcmp(out, cases[i][1]) != 0)
                        fail_msg("\"%s\": \"%s\", not \"%s\"", cases[i][0], out, cases[i][1]);
        }
        /* a stray byte is one character, never a read past the name */
        avatar_initials("\xC3", out, sizeof(out));
        assert_string_equal(out, "\xC3");
        /* a small buffer is not overrun */
        char tiny[2];
        avatar_initials("Mira Okafor", tiny, sizeof(tiny));
        assert_string_equal(tiny, "M");
}

static double channel(int c)
{
        double s = c / 255.0;
        return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
}

static void test_palette_contrast(void **state)
{
        (void)state;
        for (int i = 0; i < KD_AVATAR_COLOURS; i++) {
                const char *hex = avatar_palette(i);
                assert_int_equal(strlen(hex), 7);
                unsigned r, g, b;
                assert_int_equal(sscanf(hex, "#%2x%2x%2x", &r, &g, &b), 3);
                double lum =
                    0.2126 * channel((int)r) + 0.7152 * channel((int)g) + 0.0722 * channel((int)b);
                double contrast = 1.05 / (lum + 0.05);
                if (contrast < 4.5)
                        fail_msg("%s holds white at %.2f:1 only", hex, contrast);
        }
}

static void test_colours_stable_and_spread(void **state)
{
        (void)state;
        int used[KD_AVATAR_COLOURS] = {0};
        for (int64_t id = 1; id <= 120; id++) {
                const char *c = avatar_colour(id);
                assert_ptr_equal(c, avatar_colour(id)); /* the same every time */
                for (int i = 0; i < KD_AVATAR_COLOURS; i++)
                        if (strcmp(c, avatar_palette(i)) == 0)
                                used[i]++;
        }
        /* 120 neighbouring ids use every colour, none more than twice its share */
        for (int i = 0; i < KD_AVATAR_COLOURS; i++) {
                assert_true(used[i] > 0);
                assert_true(used[i] <= 20);
        }
        /* neighbours differ more often than not */
        int same = 0;
        for (int64_t id = 1; id < 100; id++)
                same += strcmp(avatar_colour(id), avatar_colour(id + 1)) == 0;
        assert_true(same < 20);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_initials),
            cmocka_unit_test(test_palette_contrast),
            cmocka_unit_test(test_colours_stable_and_spread),
        };
        return cmocka_run_group_tests_name("avatar", tests, NULL, NULL);
}
