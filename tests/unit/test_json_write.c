/* Unit tests for core/json_write: the text is jansson's (JSON_COMPACT | JSON_ENSURE_ASCII)
 * for the same values, nesting and commas are right, and ill-formed UTF-8 still gives JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/json_write.h"
#include "core/utf8.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* What jansson writes for the string s, as the API wrote it before. */
static char *jansson_string(const char *s)
{
        json_t *v = json_string(s);
        assert_non_null(v);
        char *out = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
        json_decref(v);
        return out;
}

static char *written_string(const char *s)
{
        struct buf b = BUF_INIT;
        struct json_write w;
        json_write_start(&w, &b);
        json_write_string(&w, s);
        return buf_detach(&b, NULL);
}

static void assert_same_as_jansson(const char *s)
{
        char *want = jansson_string(s), *got = written_string(s);
        assert_string_equal(got, want);
        free(want);
        free(got);
}

static void test_strings_as_jansson(void **state)
{
        (void)state;
        assert_same_as_jansson("");
        assert_same_as_jansson("plain words, and a / slash");
        assert_same_as_jansson("quote \" backslash \\ tab \t newline \n cr \r bs \b ff \f");
        assert_same_as_jansson("\x01\x02\x1f and DEL \x7f");
        assert_same_as_jansson("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xE2\x82\xAC");
        assert_same_as_jansson("astral \xF0\x9F\x98\x80 and \xF4\x8F\xBF\xBF"); /* U+10FFFF */
        assert_same_as_jansson("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");     /* edges */
        assert_same_as_jansson("line\xE2\x80\xA8separator");                    /* U+2028 */
}

/* Every code point, one at a time, in ranges that cover each encoded length. */
static void test_every_code_point_as_jansson(void **state)
{
        (void)state;
        for (unsigned cp = 1; cp <= 0x10FFFF; cp += cp < 0x800 ? 1 : 97) {
                if (cp >= 0xD800 && cp <= 0xDFFF)
                        continue;
                char s[8] = {0};
                if (cp < 0x80) {
                        s[0] = (char)cp;
                } else if (cp < 0x800) {
                        s[0] = (char)(0xC0 | (cp >> 6));
                        s[1] = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                        s[0] = (char)(0xE0 | (cp >> 12));
                        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                        s[2] = (char)(0x80 | (cp & 0x3F));
                } else {
                        s[0] = (char)(0xF0 | (cp >> 18));
                        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                        s[3] = (char)(0x80 | (cp & 0x3F));
                }
                assert_same_as_jansson(s);
        }
}

/* Random valid text (ASCII, controls, two- to four-byte characters) compared with jansson. */
static void test_random_text_as_jansson(void **state)
{
        (void)state;
        srand(16);
        for (int round = 0; round < 2000; round++) {
                char s[256];
                size_t n = 0;
                while (n + 4 < sizeof(s) - 1 && rand() % 40) {
                        switch (rand() % 5) {
                        case 0:
                                s[n++] = (char)(1 + rand() % 0x7F);
                                break;
                        case 1:
                                s[n++] = (char)(0x20 + rand() % 0x5F);
                                break;
                        case 2:
                                s[n++] = (char)(0xC2 + rand() % 30);
                                s[n++] = (char)(0x80 + rand() % 64);
                                break;
                        case 3:
                                s[n++] = (char)0xE4;
                                s[n++] = (char)(0x80 + rand() % 64);
                                s[n++] = (char)(0x80 + rand() % 64);
                                break;
                        default:
                                s[n++] = (char)0xF0;
                                s[n++] = (char)(0x90 + rand() % 48);
                                s[n++] = (char)(0x80 + rand() % 64);
                                s[n++] = (char)(0x80 + rand() % 64);
                        }
                }
                s[n] = '\0';
                assert_true(utf8_valid(s, n));
                assert_same_as_jansson(s);
        }
}

/* Ill-formed UTF-8 (never stored, as input is checked) still gives valid JSON: U+FFFD a byte. */
static void test_ill_formed_utf8(void **state)
{
        (void)state;
        char *got = written_string("a\xC3(b\xED\xA0\x80"
                                   "c\xC0\xAF"
                                   "d\xF0\x9F");
        assert_string_equal(got,
                            "\"a\\uFFFD(b\\uFFFD\\uFFFD\\uFFFDc\\uFFFD\\uFFFDd\\uFFFD\\uFFFD\"");
        json_error_t err;
        json_t *back = json_loads(got, JSON_DECODE_ANY, &err);
        assert_non_null(back);
        json_decref(back);
        free(got);
}

/* An object with nested objects and arrays, empty ones among them, as jansson dumps it. */
static void test_nesting_as_jansson(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        struct json_write w;
        json_write_start(&w, &b);
        json_write_object(&w);
        json_write_key(&w, "id");
        json_write_int(&w, -9007199254740993LL);
        json_write_key(&w, "parent_id");
        json_write_null(&w);
        json_write_key(&w, "author");
        json_write_object(&w);
        json_write_key(&w, "handle");
        json_write_string(&w, "mei");
        json_write_key(&w, "avatar");
        json_write_object(&w);
        json_write_key(&w, "url");
        json_write_string(&w, NULL);
        json_write_object_end(&w);
        json_write_object_end(&w);
        json_write_key(&w, "mine");
        json_write_array(&w);
        json_write_array_end(&w);
        json_write_key(&w, "replies");
        json_write_array(&w);
        json_write_object(&w);
        json_write_object_end(&w);
        json_write_object(&w);
        json_write_key(&w, "closed");
        json_write_bool(&w, true);
        json_write_key(&w, "list");
        json_write_array(&w);
        json_write_int(&w, 1);
        json_write_string(&w, "two");
        json_write_bool(&w, false);
        json_write_array_end(&w);
        json_write_object_end(&w);
        json_write_array_end(&w);
        json_write_object_end(&w);
        assert_int_equal(w.depth, 0);

        json_t *v =
            json_pack("{s:I,s:n,s:{s:s,s:{s:n}},s:[],s:[{},{s:b,s:[i,s,b]}]}", "id",
                      (json_int_t)-9007199254740993LL, "parent_id", "author", "handle", "mei",
                      "avatar", "url", "mine", "replies", "closed", 1, "list", 1, "two", 0);
        assert_non_null(v);
        char *want = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
        assert_string_equal(b.data, want);
        free(want);
        json_decref(v);
        buf_free(&b);
}

/* Written after what the buffer holds, without disturbing it. */
static void test_appends(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        buf_puts(&b, "x=");
        struct json_write w;
        json_write_start(&w, &b);
        json_write_array(&w);
        json_write_int(&w, 0);
        json_write_int(&w, INT64_MAX);
        json_write_array_end(&w);
        assert_string_equal(b.data, "x=[0,9223372036854775807]");
        buf_free(&b);
}

/* Times as ISO 8601 UTC; 0 (never set: a comment not edited, a question open) as null. */
static void test_times(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        struct json_write w;
        json_write_start(&w, &b);
        json_write_object(&w);
        json_write_field_time(&w, "edited_at", 0);
        json_write_field_time(&w, "created_at", 1796428800); /* 2026-12-05 00:00:00 UTC */
        json_write_object_end(&w);
        assert_string_equal(b.data, "{\"edited_at\":null,\"created_at\":\"2026-12-05T00:00:00Z\"}");
        buf_free(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_strings_as_jansson),
            cmocka_unit_test(test_every_code_point_as_jansson),
            cmocka_unit_test(test_random_text_as_jansson),
            cmocka_unit_test(test_ill_formed_utf8),
            cmocka_unit_test(test_nesting_as_jansson),
            cmocka_unit_test(test_appends),
            cmocka_unit_test(test_times),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
