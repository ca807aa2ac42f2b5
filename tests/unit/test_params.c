/* Unit tests for http/params: the allow-list of declared, typed, bounded parameters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/limits.h"
#include "http/params.h"

#include <stdlib.h>
#include <string.h>

static const struct param_spec specs[] = {
    {.name = "title", .type = PARAM_TEXT, .max_bytes = 10},
    {.name = "bio", .type = PARAM_TEXT}, /* default bound */
    {.name = "n", .type = PARAM_INT, .min = -5, .max = 100},
    {.name = "agree", .type = PARAM_BOOL},
    {.name = "password", .type = PARAM_SECRET, .max_bytes = 20},
    {.name = "avatar", .type = PARAM_FILE, .max_bytes = 16},
    {NULL},
};

static int setup_arena(void **state)
{
        *state = arena_new();
        return 0;
}

static int teardown_arena(void **state)
{
        arena_free(*state);
        return 0;
}

static void add(struct arena *a, struct form *f, const char *name, const char *value, size_t len)
{
        assert_int_equal(form_add(a, f, name, strlen(name), value, len), FORM_OK);
}

#define ADD(a, f, name, lit) add((a), (f), (name), (lit), sizeof(lit) - 1)

static void add_file(struct arena *a, struct form *f, const char *name, const char *value,
                     size_t len, const char *filename)
{
        add(a, f, name, value, len);
        f->fields[f->count - 1].filename = filename;
        f->fields[f->count - 1].content_type = "application/octet-stream";
}

/* Validates a form holding one field name=value[0..len). */
static int validate_one(struct arena *a, const char *name, const char *value, size_t len,
                        const char **message)
{
        struct form raw = {0}, out = {0};
        add(a, &raw, name, value, len);
        *message = NULL;
        return params_validate(a, NULL, specs, &raw, &out, message);
}

static int validate_str(struct arena *a, const char *name, const char *value)
{
        const char *message;
        return validate_one(a, name, value, strlen(value), &message);
}

/* Expects the form name=lit to be refused with a message that names the field. */
#define EXPECT_REFUSED(a, name, lit)                                                               \
        do {                                                                                       \
                const char *msg_ = NULL;                                                           \
                assert_int_equal(validate_one((a), (name), (lit), sizeof(lit) - 1, &msg_), -1);    \
                assert_non_null(msg_);                                                             \
                assert_non_null(strstr(msg_, (name)));                                             \
        } while (0)

static void test_happy_path(void **state)
{
        struct arena *a = *state;
        struct form raw = {0}, out = {0};
        ADD(a, &raw, "title", "Hello");
        ADD(a, &raw, "n", "42");
        ADD(a, &raw, "agree", "on");
        ADD(a, &raw, "bio", "caf\xC3\xA9\tand\r\nmore");
        ADD(a, &raw, "password", "correct horse");
        const char *message = "untouched";
        assert_int_equal(params_validate(a, NULL, specs, &raw, &out, &message), 0);
        assert_int_equal(out.count, 5);
        assert_string_equal(form_find(&out, "title")->value, "Hello");
        assert_string_equal(form_find(&out, "n")->value, "42");
        assert_string_equal(form_find(&out, "agree")->value, "on");
        assert_string_equal(form_find(&out, "bio")->value, "caf\xC3\xA9\tand\r\nmore");
        assert_string_equal(form_find(&out, "password")->value, "correct horse");
}

static void test_text_max_bytes(void **state)
{
        struct arena *a = *state;
        assert_int_equal(validate_str(a, "title", "0123456789"), 0);
        EXPECT_REFUSED(a, "title", "0123456789A");
        /* The bound is in bytes, not characters: five é are 10 bytes, six are 12. */
        assert_int_equal(validate_str(a, "title", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"), 0);
        EXPECT_REFUSED(a, "title", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
        EXPECT_REFUSED(a, "password", "123456789012345678901");
}

static void test_text_default_bound(void **state)
{
        struct arena *a = *state;
        char *big = malloc(KD_MAX_FIELD_BYTES + 1);
        assert_non_null(big);
        memset(big, 'x', KD_MAX_FIELD_BYTES + 1);
        const char *message;
        assert_int_equal(validate_one(a, "bio", big, KD_MAX_FIELD_BYTES, &message), 0);
        assert_int_equal(validate_one(a, "bio", big, KD_MAX_FIELD_BYTES + 1, &message), -1);
        assert_non_null(strstr(message, "bio"));
        free(big);
}

static void test_invalid_utf8(void **state)
{
        struct arena *a = *state;
        EXPECT_REFUSED(a, "title", "\xC3(");
        EXPECT_REFUSED(a, "title", "\xC0\xAF");
        EXPECT_REFUSED(a, "title", "\xED\xA0\x80");
        EXPECT_REFUSED(a, "password", "\xFF\xFE");
        EXPECT_REFUSED(a, "n", "1\xFF");
        EXPECT_REFUSED(a, "agree", "\x80");
        /* An embedded NUL (from %00) is refused, not truncated. */
        EXPECT_REFUSED(a, "title", "a\0b");
        /* Undeclared fields are checked too, so broken clients hear about it. */
        EXPECT_REFUSED(a, "undeclared", "ok\xC3");
        EXPECT_REFUSED(a, "_csrf", "\xFF");
}

static void test_invalid_field_name(void **state)
{
        struct arena *a = *state;
        const char *message;
        assert_int_equal(validate_one(a, "bad\xFF", "v", 1, &message), -1);
        assert_non_null(message);
        assert_int_equal(validate_one(a, "", "v", 1, &message), -1);
        assert_non_null(message);
}

static void test_control_characters(void **state)
{
        struct arena *a = *state;
        EXPECT_REFUSED(a, "title", "a\x01z");
        EXPECT_REFUSED(a, "title", "\x1B[2J");
        EXPECT_REFUSED(a, "title", "del\x7F");
        EXPECT_REFUSED(a, "bio", "bell\x07");
        EXPECT_REFUSED(a, "password", "pw\x08\x08");
        /* Tabs and newlines (also CRLF from a textarea) are fine. */
        assert_int_equal(validate_str(a, "title", "a\tb\nc"), 0);
        assert_int_equal(validate_str(a, "bio", "one\r\ntwo\n\tthree"), 0);
}

static void test_int(void **state)
{
        struct arena *a = *state;
        assert_int_equal(validate_str(a, "n", "0"), 0);
        assert_int_equal(validate_str(a, "n", "-5"), 0);
        assert_int_equal(validate_str(a, "n", "100"), 0);
        assert_int_equal(validate_str(a, "n", "007"), 0);
        EXPECT_REFUSED(a, "n", "101");
        EXPECT_REFUSED(a, "n", "-6");
        EXPECT_REFUSED(a, "n", "12x");
        EXPECT_REFUSED(a, "n", "-");
        EXPECT_REFUSED(a, "n", "+5");
        EXPECT_REFUSED(a, "n", " 5");
        EXPECT_REFUSED(a, "n", "5 ");
        EXPECT_REFUSED(a, "n", "0x1F");
        EXPECT_REFUSED(a, "n", "1e2");
        EXPECT_REFUSED(a, "n", "1.0");
        EXPECT_REFUSED(a, "n", "--5");
        EXPECT_REFUSED(a, "n", "abc");
        EXPECT_REFUSED(a, "n", "99999999999999999999");  /* overflows int64 */
        EXPECT_REFUSED(a, "n", "-99999999999999999999"); /* underflows */
        EXPECT_REFUSED(a, "n", "18446744073709551616");
        /* An empty value means "not given": req_param_int() then answers its default. */
        assert_int_equal(validate_str(a, "n", ""), 0);
}

static void test_int_extremes(void **state)
{
        struct arena *a = *state;
        static const struct param_spec wide[] = {
            {.name = "v", .type = PARAM_INT, .min = INT64_MIN, .max = INT64_MAX},
            {NULL},
        };
        const char *inputs[] = {"9223372036854775807", "-9223372036854775808",
                                "9223372036854775808", "-9223372036854775809"};
        const int want[] = {0, 0, -1, -1};
        for (size_t i = 0; i < 4; i++) {
                struct form raw = {0}, out = {0};
                add(a, &raw, "v", inputs[i], strlen(inputs[i]));
                const char *message;
                if (params_validate(a, NULL, wide, &raw, &out, &message) != want[i])
                        fail_msg("%s: expected %d", inputs[i], want[i]);
        }
}

static void test_bool(void **state)
{
        struct arena *a = *state;
        const char *ok[] = {"1", "0", "on", "true", "false", ""};
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                if (validate_str(a, "agree", ok[i]) != 0)
                        fail_msg("\"%s\" should be a boolean", ok[i]);
        EXPECT_REFUSED(a, "agree", "yes");
        EXPECT_REFUSED(a, "agree", "TRUE");
        EXPECT_REFUSED(a, "agree", "2");
        EXPECT_REFUSED(a, "agree", "on ");
        EXPECT_REFUSED(a, "agree", "onx");
}

static void test_undeclared_dropped(void **state)
{
        struct arena *a = *state;
        struct form raw = {0}, out = {0};
        ADD(a, &raw, "extra", "ignored");
        ADD(a, &raw, "title", "kept");
        ADD(a, &raw, "_csrf", "token");
        ADD(a, &raw, "Title", "case matters");
        ADD(a, &raw, "extra2", "a\x01 control in an unread field is not refused");
        const char *message;
        assert_int_equal(params_validate(a, NULL, specs, &raw, &out, &message), 0);
        assert_int_equal(out.count, 1);
        assert_string_equal(out.fields[0].name, "title");
        assert_string_equal(out.fields[0].value, "kept");
        assert_null(form_find(&out, "extra"));
        assert_null(form_find(&out, "_csrf"));
        assert_null(form_find(&out, "Title"));

        /* No specs at all: nothing reaches the handler. */
        struct form out2 = {0};
        assert_int_equal(params_validate(a, NULL, NULL, &raw, &out2, &message), 0);
        assert_int_equal(out2.count, 0);
}

static void test_first_value_wins(void **state)
{
        struct arena *a = *state;
        struct form raw = {0}, out = {0};
        ADD(a, &raw, "title", "first");
        ADD(a, &raw, "title", "second");
        ADD(a, &raw, "n", "1");
        ADD(a, &raw, "n", "2");
        const char *message;
        assert_int_equal(params_validate(a, NULL, specs, &raw, &out, &message), 0);
        assert_int_equal(out.count, 2);
        assert_string_equal(form_find(&out, "title")->value, "first");
        assert_string_equal(form_find(&out, "n")->value, "1");

        /* A later repetition is still checked: it cannot smuggle bad data past validation. */
        struct form raw2 = {0}, out2 = {0};
        ADD(a, &raw2, "n", "1");
        ADD(a, &raw2, "n", "1000");
        assert_int_equal(params_validate(a, NULL, specs, &raw2, &out2, &message), -1);
}

static void test_files(void **state)
{
        struct arena *a = *state;
        static const char png[] = "\x89PNG\r\n\x1A\n\0\xFF\xFE"
                                  "abcde"; /* 16 bytes, not UTF-8 */
        struct form raw = {0}, out = {0};
        add_file(a, &raw, "avatar", png, sizeof(png) - 1, "me.png");
        const char *message;
        assert_int_equal(params_validate(a, NULL, specs, &raw, &out, &message), 0);
        const struct form_field *f = form_find(&out, "avatar");
        assert_non_null(f);
        assert_int_equal(f->len, 16);
        assert_memory_equal(f->value, png, 16);
        assert_string_equal(f->filename, "me.png");
        assert_string_equal(f->content_type, "application/octet-stream");

        /* One byte over the bound. */
        struct form raw2 = {0}, out2 = {0};
        add_file(a, &raw2, "avatar", "0123456789abcdefg", 17, "big.png");
        assert_int_equal(params_validate(a, NULL, specs, &raw2, &out2, &message), -1);
        assert_non_null(strstr(message, "avatar"));

        /* An undeclared file part with binary content is simply dropped. */
        struct form raw3 = {0}, out3 = {0};
        add_file(a, &raw3, "other", "\xFF\xFE", 2, "x.bin");
        assert_int_equal(params_validate(a, NULL, specs, &raw3, &out3, &message), 0);
        assert_int_equal(out3.count, 0);
}

static void test_file_for_text_refused(void **state)
{
        struct arena *a = *state;
        struct form raw = {0}, out = {0};
        add_file(a, &raw, "title", "short", 5, "title.txt");
        const char *message = NULL;
        assert_int_equal(params_validate(a, NULL, specs, &raw, &out, &message), -1);
        assert_non_null(message);
        assert_non_null(strstr(message, "title"));

        struct form raw2 = {0}, out2 = {0};
        add_file(a, &raw2, "n", "5", 1, "n.txt");
        assert_int_equal(params_validate(a, NULL, specs, &raw2, &out2, &message), -1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_arena, teardown_arena)
        const struct CMUnitTest tests[] = {
            T(test_happy_path),
            T(test_text_max_bytes),
            T(test_text_default_bound),
            T(test_invalid_utf8),
            T(test_invalid_field_name),
            T(test_control_characters),
            T(test_int),
            T(test_int_extremes),
            T(test_bool),
            T(test_undeclared_dropped),
            T(test_first_value_wins),
            T(test_files),
            T(test_file_for_text_refused),
        };
#undef T
        return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
