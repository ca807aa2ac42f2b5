/* Unit tests for core/utf8: validation (RFC 3629 table), counting and control detection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/utf8.h"

/* Length of a string literal without its terminating NUL, so literals may hold NUL bytes. */
#define VALID(lit)    utf8_valid((lit), sizeof(lit) - 1)
#define COUNT(lit)    utf8_count((lit), sizeof(lit) - 1)
#define CONTROLS(lit) utf8_has_controls((lit), sizeof(lit) - 1)

static void test_valid_ascii(void **state)
{
        (void)state;
        assert_true(VALID(""));
        assert_true(VALID("hello, world"));
        assert_true(VALID("tab\tnewline\ncr\r"));
        assert_true(VALID("\x7F")); /* DEL is valid UTF-8; controls are a separate question */
}

static void test_valid_multibyte(void **state)
{
        (void)state;
        assert_true(VALID("caf\xC3\xA9"));              /* café */
        assert_true(VALID("\xC3\x85ngstr\xC3\xB6m"));   /* Ångström */
        assert_true(VALID("\xE4\xB8\xAD\xE6\x96\x87")); /* 中文 */
        assert_true(VALID("\xE2\x82\xAC"));             /* € */
        assert_true(VALID("\xF0\x9F\x98\x80"));         /* 😀 */
        assert_true(VALID("a\xF0\x9F\x91\x8D"
                          "b")); /* 👍 between ASCII */
}

static void test_valid_boundaries(void **state)
{
        (void)state;
        assert_true(VALID("\xC2\x80"));         /* U+0080, smallest two-byte */
        assert_true(VALID("\xDF\xBF"));         /* U+07FF */
        assert_true(VALID("\xE0\xA0\x80"));     /* U+0800, smallest three-byte */
        assert_true(VALID("\xED\x9F\xBF"));     /* U+D7FF, just below the surrogates */
        assert_true(VALID("\xEE\x80\x80"));     /* U+E000, just above them */
        assert_true(VALID("\xEF\xBF\xBF"));     /* U+FFFF */
        assert_true(VALID("\xF0\x90\x80\x80")); /* U+10000, smallest four-byte */
        assert_true(VALID("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
}

static void test_overlong(void **state)
{
        (void)state;
        assert_false(VALID("\xC0\x80"));         /* NUL in two bytes ("modified UTF-8") */
        assert_false(VALID("\xC0\xAF"));         /* '/' in two bytes: path traversal trick */
        assert_false(VALID("\xC1\xBF"));         /* U+007F in two bytes */
        assert_false(VALID("\xE0\x80\x80"));     /* NUL in three bytes */
        assert_false(VALID("\xE0\x9F\xBF"));     /* U+07FF in three bytes */
        assert_false(VALID("\xF0\x80\x80\x80")); /* NUL in four bytes */
        assert_false(VALID("\xF0\x8F\xBF\xBF")); /* U+FFFF in four bytes */
}

static void test_surrogates(void **state)
{
        (void)state;
        assert_false(VALID("\xED\xA0\x80"));             /* U+D800 */
        assert_false(VALID("\xED\xAF\xBF"));             /* U+DBFF */
        assert_false(VALID("\xED\xB0\x80"));             /* U+DC00 */
        assert_false(VALID("\xED\xBF\xBF"));             /* U+DFFF */
        assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair for U+1F600 */
}

static void test_above_max(void **state)
{
        (void)state;
        assert_false(VALID("\xF4\x90\x80\x80"));     /* U+110000 */
        assert_false(VALID("\xF5\x80\x80\x80"));     /* lead byte never used */
        assert_false(VALID("\xF7\xBF\xBF\xBF"));     /* U+1FFFFF */
        assert_false(VALID("\xF8\x88\x80\x80\x80")); /* old five-byte form */
        assert_false(VALID("\xFC\x84\x80\x80\x80\x80"));
        assert_false(VALID("\xFE"));
        assert_false(VALID("\xFF"));
}

static void test_truncated(void **state)
{
        (void)state;
        assert_false(VALID("\xC3"));
        assert_false(VALID("caf\xC3"));
        assert_false(VALID("\xE4\xB8"));
        assert_false(VALID("a\xE4"));
        assert_false(VALID("\xF0\x9F\x98"));
        assert_false(VALID("\xF0\x9F"));
        assert_false(VALID("\xF0"));
        /* A multi-byte sequence cut short by an ASCII byte in the middle. */
        assert_false(VALID("\xC3"
                           "a"));
        assert_false(VALID("\xE4\xB8"
                           "a"));
        assert_false(VALID("\xF0\x9F\x98"
                           "a"));
        /* The length is respected: a valid sequence cut by len is invalid ... */
        assert_false(utf8_valid("\xC3\xA9", 1));
        assert_false(utf8_valid("\xF0\x9F\x98\x80", 3));
        /* ... and bytes past len are not looked at. */
        assert_true(utf8_valid("ab\xFF", 2));
        assert_true(utf8_valid("\xFF", 0));
}

static void test_stray_continuation(void **state)
{
        (void)state;
        assert_false(VALID("\x80"));
        assert_false(VALID("\xBF"));
        assert_false(VALID("a\x80z"));
        assert_false(VALID("\xC3\xA9\xA9")); /* one continuation too many */
        assert_false(VALID("\xF0\x9F\x98\x80\x80"));
        assert_false(VALID("\xC3\x28"));         /* lead byte, then no continuation */
        assert_false(VALID("\xE4\xB8\x28"));     /* third byte not a continuation */
        assert_false(VALID("\xF0\x9F\x28\x80")); /* third of four not a continuation */
}

static void test_nul_is_invalid(void **state)
{
        (void)state;
        assert_false(VALID("\0"));
        assert_false(VALID("a\0b"));
        assert_false(VALID("caf\xC3\xA9\0"));
}

static void test_count(void **state)
{
        (void)state;
        assert_int_equal(COUNT(""), 0);
        assert_int_equal(COUNT("abc"), 3);
        assert_int_equal(COUNT("caf\xC3\xA9"), 4);              /* 5 bytes */
        assert_int_equal(COUNT("\xE4\xB8\xAD\xE6\x96\x87"), 2); /* 6 bytes */
        assert_int_equal(COUNT("\xF0\x9F\x98\x80"), 1);         /* 4 bytes */
        assert_int_equal(COUNT("a\xE2\x82\xAC\xF0\x9F\x98\x80z"), 4);
        /* Only len bytes count. */
        assert_int_equal(utf8_count("abcdef", 2), 2);
}

static void test_controls(void **state)
{
        (void)state;
        assert_false(CONTROLS(""));
        assert_false(CONTROLS("plain text"));
        assert_false(CONTROLS("tab\there\nnew line\r\nwindows"));
        assert_false(CONTROLS("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"));
        assert_true(CONTROLS("\x01"));
        assert_true(CONTROLS("a\x1F"
                             "b"));
        assert_true(CONTROLS("\x1B[2J"));  /* terminal escape */
        assert_true(CONTROLS("bell\x07")); /* BEL */
        assert_true(CONTROLS("\x0B"));     /* vertical tab */
        assert_true(CONTROLS("\x0C"));     /* form feed */
        assert_true(CONTROLS("del\x7F"));
        assert_true(CONTROLS("a\0b")); /* NUL counts as a control character */
        /* Only len bytes are looked at. */
        assert_false(utf8_has_controls("ab\x01", 2));
}

/* U+0080..U+009F are control characters too (Unicode category Cc; U+0085 is NEL, U+009B is the
 * 8-bit CSI). The header promises "a control character other than tab, newline or carriage
 * return", so these must be reported as well. */
static void test_c1_controls(void **state)
{
        (void)state;
        assert_true(CONTROLS("\xC2\x80"));         /* U+0080 */
        assert_true(CONTROLS("line\xC2\x85next")); /* U+0085 NEL */
        assert_true(CONTROLS("\xC2\x9B"
                             "31m"));       /* U+009B CSI */
        assert_true(CONTROLS("\xC2\x9F"));  /* U+009F */
        assert_false(CONTROLS("\xC2\xA0")); /* U+00A0 no-break space is not one */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_valid_ascii),      cmocka_unit_test(test_valid_multibyte),
            cmocka_unit_test(test_valid_boundaries), cmocka_unit_test(test_overlong),
            cmocka_unit_test(test_surrogates),       cmocka_unit_test(test_above_max),
            cmocka_unit_test(test_truncated),        cmocka_unit_test(test_stray_continuation),
            cmocka_unit_test(test_nul_is_invalid),   cmocka_unit_test(test_count),
            cmocka_unit_test(test_controls),         cmocka_unit_test(test_c1_controls),
        };
        return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
