/* Unit tests for http/form: urlencoded and multipart/form-data parsing, hostile framing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "http/form.h"

#include <string.h>

#define CRLF    "\r\n"
#define MP_TYPE "multipart/form-data; boundary=XyZ"

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

static int parse_url(struct arena *a, const char *body, struct form *f)
{
        memset(f, 0, sizeof(*f));
        return form_parse_urlencoded(a, body, strlen(body), f);
}

/* Parses a multipart body given as a literal or buffer of len bytes. */
static int parse_mp(struct arena *a, const char *content_type, const char *body, size_t len,
                    struct form *f)
{
        memset(f, 0, sizeof(*f));
        return form_parse_multipart(a, content_type, body, len, f);
}

/* Field `name` exists and holds exactly want[0..want_len). */
static void expect_field(const struct form *f, const char *name, const char *want, size_t want_len)
{
        const struct form_field *fld = form_find(f, name);
        if (!fld)
                fail_msg("no field \"%s\"", name);
        assert_int_equal(fld->len, want_len);
        assert_memory_equal(fld->value, want, want_len);
        assert_int_equal(fld->value[want_len], '\0'); /* NUL-terminated as promised */
}

#define EXPECT_FIELD(f, name, lit) expect_field((f), (name), (lit), sizeof(lit) - 1)

/* ---- urlencoded ----------------------------------------------------------------------------- */

static void test_url_basic(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "a=1&b=two&c=", &f), FORM_OK);
        assert_int_equal(f.count, 3);
        assert_string_equal(f.fields[0].name, "a");
        assert_string_equal(f.fields[1].name, "b");
        assert_string_equal(f.fields[2].name, "c");
        EXPECT_FIELD(&f, "a", "1");
        EXPECT_FIELD(&f, "b", "two");
        EXPECT_FIELD(&f, "c", "");
        assert_null(f.fields[0].filename);
        assert_null(f.fields[0].content_type);
        assert_null(form_find(&f, "d"));
        assert_null(form_find(&f, "A"));
}

static void test_url_plus_and_percent(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "q=hello+world&a+b=%41%62%2B%26%3d%25", &f), FORM_OK);
        EXPECT_FIELD(&f, "q", "hello world");
        EXPECT_FIELD(&f, "a b", "Ab+&=%");
        assert_int_equal(parse_url(*state, "name=caf%C3%A9&x=%e4%b8%ad", &f), FORM_OK);
        EXPECT_FIELD(&f, "name", "caf\xC3\xA9");
        EXPECT_FIELD(&f, "x", "\xE4\xB8\xAD");
        /* Percent-encoded names are decoded too. */
        assert_int_equal(parse_url(*state, "%5Fcsrf=t", &f), FORM_OK);
        EXPECT_FIELD(&f, "_csrf", "t");
        /* Only the first '=' separates. */
        assert_int_equal(parse_url(*state, "a=b=c", &f), FORM_OK);
        EXPECT_FIELD(&f, "a", "b=c");
}

static void test_url_nul_byte(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "a=x%00y", &f), FORM_OK);
        EXPECT_FIELD(&f, "a", "x\0y"); /* the length counts the NUL */
        assert_int_equal(f.fields[0].len, 3);
}

static void test_url_malformed(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "a=%G1", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a=%1G", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a=1%", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a=%4", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a=%4&b=1", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "%zz=1", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a%=1", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "ok=1&a=%%41", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a=%", &f), FORM_EMALFORMED);
        assert_int_equal(parse_url(*state, "a=% 1", &f), FORM_EMALFORMED);
}

static void test_url_empty_pairs(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "a=1&&b=2", &f), FORM_OK);
        assert_int_equal(f.count, 2);
        EXPECT_FIELD(&f, "a", "1");
        EXPECT_FIELD(&f, "b", "2");
        assert_int_equal(parse_url(*state, "", &f), FORM_OK);
        assert_int_equal(f.count, 0);
        assert_int_equal(parse_url(*state, "&&&", &f), FORM_OK);
        assert_int_equal(f.count, 0);
        assert_int_equal(parse_url(*state, "&a=1&", &f), FORM_OK);
        assert_int_equal(f.count, 1);
}

static void test_url_key_without_value(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "flag&b=2", &f), FORM_OK);
        assert_int_equal(f.count, 2);
        EXPECT_FIELD(&f, "flag", "");
        EXPECT_FIELD(&f, "b", "2");
}

static void test_url_repeated_keys(void **state)
{
        struct form f;
        assert_int_equal(parse_url(*state, "a=1&a=2", &f), FORM_OK);
        assert_int_equal(f.count, 2);
        EXPECT_FIELD(&f, "a", "1"); /* form_find gives the first */
        assert_string_equal(f.fields[1].value, "2");
}

static void test_url_respects_len(void **state)
{
        struct form f = {0};
        assert_int_equal(form_parse_urlencoded(*state, "a=1&b=2", 3, &f), FORM_OK);
        assert_int_equal(f.count, 1);
        EXPECT_FIELD(&f, "a", "1");
        /* Not NUL-terminated input: the escape at the very end is cut off. */
        memset(&f, 0, sizeof(f));
        assert_int_equal(form_parse_urlencoded(*state, "a=%41", 4, &f), FORM_EMALFORMED);
}

static void test_url_too_many(void **state)
{
        struct buf b = BUF_INIT;
        for (int i = 0; i < KD_MAX_FIELDS; i++)
                buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
        struct form f;
        assert_int_equal(parse_url(*state, b.data, &f), FORM_OK);
        assert_int_equal(f.count, KD_MAX_FIELDS);
        EXPECT_FIELD(&f, "f0", "0");
        EXPECT_FIELD(&f, "f63", "63");
        buf_puts(&b, "&one=more");
        assert_int_equal(parse_url(*state, b.data, &f), FORM_ETOO_MANY);
        /* Empty pairs do not count. */
        buf_reset(&b);
        for (int i = 0; i < KD_MAX_FIELDS; i++)
                buf_printf(&b, "&&f%d=%d", i, i);
        assert_int_equal(parse_url(*state, b.data, &f), FORM_OK);
        buf_free(&b);
}

static void test_url_name_too_long(void **state)
{
        char body[KD_MAX_FIELD_NAME_BYTES + 8];
        memset(body, 'n', KD_MAX_FIELD_NAME_BYTES);
        strcpy(body + KD_MAX_FIELD_NAME_BYTES, "=v");
        struct form f;
        assert_int_equal(parse_url(*state, body, &f), FORM_OK);
        assert_int_equal(f.count, 1);
        assert_int_equal(strlen(f.fields[0].name), KD_MAX_FIELD_NAME_BYTES);

        memset(body, 'n', KD_MAX_FIELD_NAME_BYTES + 1);
        strcpy(body + KD_MAX_FIELD_NAME_BYTES + 1, "=v");
        assert_int_equal(parse_url(*state, body, &f), FORM_ENAME_TOO_LONG);
}

static void test_percent_decode(void **state)
{
        (void)state;
        char out[32];
        assert_int_equal(form_percent_decode("a+b%20c", 7, out, 1), 5);
        assert_string_equal(out, "a b c");
        assert_int_equal(form_percent_decode("a+b%20c", 7, out, 0), 5);
        assert_string_equal(out, "a+b c"); /* paths keep '+' */
        assert_int_equal(form_percent_decode("", 0, out, 1), 0);
        assert_string_equal(out, "");
        assert_int_equal(form_percent_decode("%FF%fe", 6, out, 1), 2);
        assert_memory_equal(out, "\xFF\xFE", 2);
        assert_int_equal(form_percent_decode("%", 1, out, 1), -1);
        assert_int_equal(form_percent_decode("%0", 2, out, 1), -1);
        assert_int_equal(form_percent_decode("%0x", 3, out, 1), -1);
        assert_int_equal(form_percent_decode("x%-1", 4, out, 1), -1);
}

static void test_error_messages(void **state)
{
        (void)state;
        const int codes[] = {FORM_EMALFORMED, FORM_ETOO_MANY, FORM_ENAME_TOO_LONG,
                             FORM_EBAD_BOUNDARY, -99};
        for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
                const char *msg = form_error_message(codes[i]);
                assert_non_null(msg);
                assert_true(strlen(msg) > 0);
        }
        assert_string_not_equal(form_error_message(FORM_ETOO_MANY),
                                form_error_message(FORM_EMALFORMED));
}

/* ---- multipart ------------------------------------------------------------------------------ */

static const char file_bytes[] = "\x89PNG" CRLF "\x1A\n"
                                 "\0\0\xFF"
                                 "bin" CRLF "--Xy" CRLF "-- XyZ";

static void test_mp_text_and_file(void **state)
{
        struct buf body = BUF_INIT;
        buf_puts(&body,
                 "--XyZ" CRLF "Content-Disposition: form-data; name=\"title\"" CRLF CRLF
                 "Hello" CRLF "--XyZ" CRLF "content-disposition: form-data; name=\"body\"" CRLF CRLF
                 "line one" CRLF "line two" CRLF "--XyZ" CRLF
                 "Content-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"" CRLF
                 "Content-Type: image/png" CRLF CRLF);
        buf_append(&body, file_bytes, sizeof(file_bytes) - 1);
        buf_puts(&body, CRLF "--XyZ--" CRLF);

        struct form f;
        assert_int_equal(parse_mp(*state, MP_TYPE, body.data, body.len, &f), FORM_OK);
        assert_int_equal(f.count, 3);
        EXPECT_FIELD(&f, "title", "Hello");
        assert_null(form_find(&f, "title")->filename);
        assert_null(form_find(&f, "title")->content_type);
        EXPECT_FIELD(&f, "body", "line one" CRLF "line two");
        const struct form_field *file = form_find(&f, "avatar");
        assert_non_null(file);
        assert_string_equal(file->filename, "me.png");
        assert_string_equal(file->content_type, "image/png");
        assert_int_equal(file->len, sizeof(file_bytes) - 1);
        assert_memory_equal(file->value, file_bytes, sizeof(file_bytes) - 1);
        buf_free(&body);
}

static void test_mp_boundary_forms(void **state)
{
        static const char body[] =
            "--a;b c" CRLF "Content-Disposition: form-data; name=x" CRLF CRLF "1" CRLF "--a;b c--";
        struct form f;
        /* Quoted boundary with characters that would end an unquoted one. */
        assert_int_equal(
            parse_mp(*state, "multipart/form-data; boundary=\"a;b c\"", body, sizeof(body) - 1, &f),
            FORM_OK);
        EXPECT_FIELD(&f, "x", "1");

        static const char body2[] =
            "------WebKitFormBoundary7MA4YWxkTrZu0gW" CRLF
            "Content-Disposition: form-data; name=\"x\"" CRLF CRLF "2" CRLF "--"
            "----WebKitFormBoundary7MA4YWxkTrZu0gW--" CRLF;
        assert_int_equal(parse_mp(*state,
                                  "multipart/form-data; charset=utf-8; "
                                  "BOUNDARY=\"----WebKitFormBoundary7MA4YWxkTrZu0gW\"",
                                  body2, sizeof(body2) - 1, &f),
                         FORM_OK);
        EXPECT_FIELD(&f, "x", "2");
}

static void test_mp_missing_boundary(void **state)
{
        static const char body[] =
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "1" CRLF "--XyZ--";
        struct form f;
        size_t n = sizeof(body) - 1;
        assert_int_equal(parse_mp(*state, "multipart/form-data", body, n, &f), FORM_EBAD_BOUNDARY);
        assert_int_equal(parse_mp(*state, NULL, body, n, &f), FORM_EBAD_BOUNDARY);
        assert_int_equal(parse_mp(*state, "multipart/form-data; boundary=", body, n, &f),
                         FORM_EBAD_BOUNDARY);
        assert_int_equal(parse_mp(*state, "multipart/form-data; boundary=\"\"", body, n, &f),
                         FORM_EBAD_BOUNDARY);
        assert_int_equal(parse_mp(*state, "multipart/form-data; boundary=\"XyZ", body, n, &f),
                         FORM_EBAD_BOUNDARY);
        assert_int_equal(parse_mp(*state, "multipart/form-data; xboundary=XyZ", body, n, &f),
                         FORM_EBAD_BOUNDARY);
}

static void test_mp_boundary_length(void **state)
{
        struct arena *a = *state;
        for (size_t blen = 69; blen <= 72; blen++) {
                char boundary[80];
                memset(boundary, 'b', blen);
                boundary[blen] = '\0';
                const char *ct = arena_printf(a, "multipart/form-data; boundary=%s", boundary);
                const char *body =
                    arena_printf(a,
                                 "--%s" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF
                                 "v" CRLF "--%s--" CRLF,
                                 boundary, boundary);
                struct form f;
                int rc = parse_mp(a, ct, body, strlen(body), &f);
                if (blen <= 70) {
                        assert_int_equal(rc, FORM_OK);
                        EXPECT_FIELD(&f, "a", "v");
                } else {
                        assert_int_equal(rc, FORM_EBAD_BOUNDARY);
                }
        }
}

static void test_mp_truncated(void **state)
{
        static const char *const bodies[] = {
            "",
            "--XyZ",
            "--XyZ" CRLF,
            "--XyZ" CRLF "Content-Disposition: form-da",
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF,
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "value",
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "value" CRLF,
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "value" CRLF
            "--XyZ",
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "v" CRLF
            "--XyZ" CRLF,
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "v" CRLF
            "--XyZjunk" CRLF,
            "no boundary anywhere",
            "--XyY" CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "v" CRLF "--XyY--",
        };
        for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
                struct form f;
                int rc = parse_mp(*state, MP_TYPE, bodies[i], strlen(bodies[i]), &f);
                if (rc != FORM_EMALFORMED)
                        fail_msg("body %zu: got %d, want FORM_EMALFORMED", i, rc);
        }
}

static void test_mp_part_without_name(void **state)
{
        static const char *const bodies[] = {
            /* filename but no name */
            "--XyZ" CRLF "Content-Disposition: form-data; filename=\"a.txt\"" CRLF CRLF "v" CRLF
            "--XyZ--",
            /* no Content-Disposition at all */
            "--XyZ" CRLF "Content-Type: text/plain" CRLF CRLF "v" CRLF "--XyZ--",
            /* not form-data */
            "--XyZ" CRLF "Content-Disposition: attachment; name=\"a\"" CRLF CRLF "v" CRLF "--XyZ--",
            /* name in an unterminated quote */
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"a" CRLF CRLF "v" CRLF "--XyZ--",
        };
        for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
                struct form f;
                int rc = parse_mp(*state, MP_TYPE, bodies[i], strlen(bodies[i]), &f);
                if (rc != FORM_EMALFORMED)
                        fail_msg("body %zu: got %d, want FORM_EMALFORMED", i, rc);
        }
}

static void test_mp_preamble_and_epilogue(void **state)
{
        static const char body[] = "This is a preamble a client may send." CRLF "--XyZ" CRLF
                                   "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "1" CRLF
                                   "--XyZ--" CRLF "and an epilogue";
        struct form f;
        assert_int_equal(parse_mp(*state, MP_TYPE, body, sizeof(body) - 1, &f), FORM_OK);
        assert_int_equal(f.count, 1);
        EXPECT_FIELD(&f, "a", "1");
}

static void test_mp_content_edge_cases(void **state)
{
        /* An empty value, a value holding the boundary text without the CRLF before it, and a
         * header line without a colon (ignored). */
        static const char body[] =
            "--XyZ" CRLF "Content-Disposition: form-data; name=\"empty\"" CRLF CRLF CRLF
            "--XyZ" CRLF "Content-Disposition: form-data;name=tight" CRLF
            "X-Junk-Without-Colon" CRLF CRLF "a--XyZb" CRLF "--XyZ--";
        struct form f;
        assert_int_equal(parse_mp(*state, MP_TYPE, body, sizeof(body) - 1, &f), FORM_OK);
        assert_int_equal(f.count, 2);
        EXPECT_FIELD(&f, "empty", "");
        EXPECT_FIELD(&f, "tight", "a--XyZb");
}

/* Parameter order is not significant (RFC 7578), and a quoted filename may hold "; name=": the
 * part is still called by its real name. */
static void test_mp_quoted_semicolon_in_filename(void **state)
{
        static const char body[] =
            "--XyZ" CRLF
            "Content-Disposition: form-data; filename=\"x; name=evil.png\"; name=\"real\"" CRLF
            "Content-Type: image/png" CRLF CRLF "data" CRLF "--XyZ--";
        struct form f;
        assert_int_equal(parse_mp(*state, MP_TYPE, body, sizeof(body) - 1, &f), FORM_OK);
        assert_int_equal(f.count, 1);
        assert_string_equal(f.fields[0].name, "real");
        assert_string_equal(f.fields[0].filename, "x; name=evil.png");
}

static void test_mp_limits(void **state)
{
        struct arena *a = *state;
        struct buf b = BUF_INIT;
        for (int i = 0; i <= KD_MAX_FIELDS; i++)
                buf_printf(&b,
                           "--XyZ" CRLF "Content-Disposition: form-data; name=\"f%d\"" CRLF CRLF
                           "%d" CRLF,
                           i, i);
        buf_puts(&b, "--XyZ--");
        struct form f;
        assert_int_equal(parse_mp(a, MP_TYPE, b.data, b.len, &f), FORM_ETOO_MANY);

        buf_reset(&b);
        char name[KD_MAX_FIELD_NAME_BYTES + 2];
        memset(name, 'n', KD_MAX_FIELD_NAME_BYTES + 1);
        name[KD_MAX_FIELD_NAME_BYTES + 1] = '\0';
        buf_printf(&b,
                   "--XyZ" CRLF "Content-Disposition: form-data; name=\"%s\"" CRLF CRLF "v" CRLF
                   "--XyZ--",
                   name);
        assert_int_equal(parse_mp(a, MP_TYPE, b.data, b.len, &f), FORM_ENAME_TOO_LONG);
        buf_free(&b);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_arena, teardown_arena)
        const struct CMUnitTest tests[] = {
            T(test_url_basic),
            T(test_url_plus_and_percent),
            T(test_url_nul_byte),
            T(test_url_malformed),
            T(test_url_empty_pairs),
            T(test_url_key_without_value),
            T(test_url_repeated_keys),
            T(test_url_respects_len),
            T(test_url_too_many),
            T(test_url_name_too_long),
            T(test_percent_decode),
            T(test_error_messages),
            T(test_mp_text_and_file),
            T(test_mp_boundary_forms),
            T(test_mp_missing_boundary),
            T(test_mp_boundary_length),
            T(test_mp_truncated),
            T(test_mp_part_without_name),
            T(test_mp_preamble_and_epilogue),
            T(test_mp_content_edge_cases),
            T(test_mp_quoted_semicolon_in_filename),
            T(test_mp_limits),
        };
#undef T
        return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
