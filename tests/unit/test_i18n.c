/* Unit tests for core/i18n: Accept-Language negotiation and catalog lookup with fallback. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

/* Only English exists so far, so every header negotiates to "en". */
static void expect_en(const char *header)
{
        const struct locale *l = i18n_negotiate(header);
        if (!l)
                fail_msg("negotiate(\"%s\") returned NULL", header ? header : "(null)");
        assert_string_equal(i18n_tag(l), "en");
}

static void test_default(void **state)
{
        (void)state;
        const struct locale *l = i18n_default();
        assert_non_null(l);
        assert_string_equal(i18n_tag(l), "en");
        assert_ptr_equal(i18n_negotiate(NULL), l);
}

static void test_find(void **state)
{
        (void)state;
        assert_non_null(i18n_find("en"));
        assert_ptr_equal(i18n_find("EN"), i18n_default());
        assert_ptr_equal(i18n_find("en-GB"), i18n_default());
        assert_ptr_equal(i18n_find("en-US"), i18n_default());
        assert_null(i18n_find("zh-CN"));
        assert_null(i18n_find("fr"));
        assert_null(i18n_find(""));
        assert_null(i18n_find("e"));
        assert_null(i18n_find("eng"));
        assert_null(i18n_find("english"));
        assert_null(i18n_find("*"));
}

static void test_negotiate(void **state)
{
        (void)state;
        expect_en(NULL);
        expect_en("en");
        expect_en("en-GB");
        expect_en("EN-us");
        expect_en("zh-CN,zh;q=0.9"); /* nothing supported: fallback */
        expect_en("zh-CN,zh;q=0.9,en;q=0.8");
        expect_en("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5");
        expect_en("de, en;q=0.1");
        expect_en("en;q=0"); /* even "not English" gets English: it is all there is */
        expect_en("*");
}

static void test_negotiate_garbage(void **state)
{
        (void)state;
        const char *junk[] = {
            "",
            ",",
            ",,,;;;",
            ";",
            ";q=",
            "q=",
            "en;q=",
            "en;q=abc",
            "en;q=0.",
            "en;q=0.99999999999999999999999999999999999999",
            "en;q=-1",
            "en;;;q=1;q=0",
            "  ,  en  ,  ",
            "\xFF\xFE\xFD",
            "en\t;q=1",
            "=;=;=,=",
            "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-0-1-2-3-4-5-6-7-8-9",
        };
        for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
                expect_en(junk[i]);

        /* A very long header without separators, and one with very many entries. */
        size_t n = 100000;
        char *big = malloc(n + 1);
        assert_non_null(big);
        memset(big, 'a', n);
        big[n] = '\0';
        expect_en(big);
        for (size_t i = 0; i + 2 < n; i += 2) {
                big[i] = 'x';
                big[i + 1] = ',';
        }
        expect_en(big);
        for (size_t i = 0; i + 6 < n; i += 6)
                memcpy(big + i, "e;q=1,", 6);
        expect_en(big);
        free(big);
}

static void test_get(void **state)
{
        (void)state;
        const struct locale *en = i18n_default();
        const char *msgid = "Log in";
        assert_string_equal(i18n_get(en, msgid), "Log in");
        assert_ptr_equal(i18n_get(en, msgid), msgid);
        assert_string_equal(i18n_get(en, ""), "");
        assert_string_equal(i18n_get(en, "A message no catalog has %s"),
                            "A message no catalog has %s");
}

static void test_nget_english_plurals(void **state)
{
        (void)state;
        const struct locale *en = i18n_default();
        const char *one = "%lu reply", *many = "%lu replies";
        assert_ptr_equal(i18n_nget(en, one, many, 0), many);
        assert_ptr_equal(i18n_nget(en, one, many, 1), one);
        assert_ptr_equal(i18n_nget(en, one, many, 2), many);
        assert_ptr_equal(i18n_nget(en, one, many, 11), many);
        assert_ptr_equal(i18n_nget(en, one, many, 21), many);
        assert_ptr_equal(i18n_nget(en, one, many, (unsigned long)-1), many);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_default),   cmocka_unit_test(test_find),
            cmocka_unit_test(test_negotiate), cmocka_unit_test(test_negotiate_garbage),
            cmocka_unit_test(test_get),       cmocka_unit_test(test_nget_english_plurals),
        };
        return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
