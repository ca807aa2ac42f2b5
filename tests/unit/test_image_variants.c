/* Unit tests for model/image_variants: which copies an image has (by format and width), and the
 * names the media route accepts as copies (one spelling per copy, nothing else). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "model/image_variants.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* "480w 480 960w 960 1800w" style summary of a copy list: w for WebP. */
static void summary(const struct image_variant *v, int n, char *out, size_t size)
{
        out[0] = '\0';
        size_t used = 0;
        for (int i = 0; i < n; i++)
                used += (size_t)snprintf(out + used, size - used, "%s%u%s", i ? " " : "",
                                         v[i].width, v[i].webp ? "w" : "");
}

static void test_copies_by_format_and_width(void **state)
{
        (void)state;
        struct image_variant v[2 * KD_IMAGE_VARIANT_MAX];
        char s[128];
        /* wider than every copy: three widths, both formats, no full-size WebP */
        int n = image_variants_of("image/jpeg", 4000, v);
        summary(v, n, s, sizeof(s));
        assert_string_equal(s, "480w 480 960w 960 1600w 1600");
        /* between: the widths below it and a full-size WebP */
        n = image_variants_of("image/png", 1200, v);
        summary(v, n, s, sizeof(s));
        assert_string_equal(s, "480w 480 960w 960 1200w");
        /* exactly a copy's width: that copy is the original's own size, so it is not made */
        n = image_variants_of("image/png", 960, v);
        summary(v, n, s, sizeof(s));
        assert_string_equal(s, "480w 480 960w");
        /* smaller than every copy: a WebP of it only */
        n = image_variants_of("image/jpeg", 300, v);
        summary(v, n, s, sizeof(s));
        assert_string_equal(s, "300w");
        /* a WebP: smaller WebPs only, the original is the full-size one */
        n = image_variants_of("image/webp", 2000, v);
        summary(v, n, s, sizeof(s));
        assert_string_equal(s, "480w 960w 1600w");
        assert_int_equal(image_variants_of("image/webp", 400, v), 0);
        /* a GIF keeps its frames: no copies; an unknown type none either */
        assert_int_equal(image_variants_of("image/gif", 2000, v), 0);
        assert_int_equal(image_variants_of("image/svg+xml", 2000, v), 0);
}

static void test_copy_names(void **state)
{
        (void)state;
        char sha[65];
        uint32_t w = 0;
        const char *ext = NULL;
        assert_true(image_variant_name_parse(SHA "-480.webp", sha, &w, &ext));
        assert_string_equal(sha, SHA);
        assert_int_equal(w, 480);
        assert_string_equal(ext, "webp");
        assert_true(image_variant_name_parse(SHA "-1600.jpg", sha, &w, &ext));
        assert_int_equal(w, 1600);
        assert_string_equal(ext, "jpg");
        assert_true(image_variant_name_parse(SHA "-99999.png", sha, &w, &ext));
        static const char *const bad[] = {
            SHA ".webp",
            SHA "-.webp",
            SHA "-0480.webp",
            SHA "-0.webp",
            SHA "-480.gif",
            SHA "-480.WEBP",
            SHA "-480.webp.x",
            SHA "-480",
            SHA "-100000.webp",
            SHA "--480.webp",
            SHA "-48a.webp",
            SHA "-480.webp/",
            "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef-480.webp",
            "0123-480.webp",
            "../" SHA "-480.webp",
            "",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (image_variant_name_parse(bad[i], sha, &w, &ext))
                        fail_msg("accepted %s", bad[i]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_copies_by_format_and_width),
            cmocka_unit_test(test_copy_names),
        };
        return cmocka_run_group_tests_name("image_variants", tests, NULL, NULL);
}
