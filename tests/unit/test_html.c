/* Unit tests for http/html (escaping per context) and the arena and buf it builds on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "http/html.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* The buffer's text ("" for an empty buffer that never allocated). */
static const char *text_of(const struct buf *b)
{
        return b->data ? b->data : "";
}

static void expect_writer(void (*writer)(struct buf *, const char *), const char *in,
                          const char *want)
{
        struct buf b = BUF_INIT;
        writer(&b, in);
        assert_string_equal(text_of(&b), want);
        assert_int_equal(b.len, strlen(want));
        buf_free(&b);
}

/* ---- html_text / html_attr ------------------------------------------------------------------ */

static void test_text_escapes_all_five(void **state)
{
        (void)state;
        expect_writer(html_text, "a & b < c > d \" e ' f",
                      "a &amp; b &lt; c &gt; d &quot; e &#39; f");
        expect_writer(html_text, "&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
        expect_writer(html_text, "plain text", "plain text");
        expect_writer(html_text, "", "");
        /* Already-escaped text is escaped again: html_text takes text, not markup. */
        expect_writer(html_text, "&amp;", "&amp;amp;");
        /* UTF-8 passes through byte for byte. */
        expect_writer(html_text, "caf\xC3\xA9 \xE4\xB8\xAD", "caf\xC3\xA9 \xE4\xB8\xAD");
}

static void test_text_null_writes_nothing(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        html_lit(&b, "x");
        html_text(&b, NULL);
        html_attr(&b, NULL);
        html_url_arg(&b, NULL);
        html_href(&b, NULL);
        assert_string_equal(b.data, "x");
        assert_int_equal(b.len, 1);
        buf_free(&b);
}

static void test_text_n_respects_length(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        html_text_n(&b, "<b>bold</b>", 3);
        assert_string_equal(b.data, "&lt;b&gt;");
        buf_reset(&b);
        /* Bytes after an embedded NUL are still written when len covers them. */
        html_text_n(&b, "a\0<", 3);
        assert_int_equal(b.len, 6);
        assert_memory_equal(b.data, "a\0&lt;", 7);
        buf_free(&b);
}

static void test_text_script_has_no_markup(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        html_text(&b, "<script>alert('x')</script><img src=x onerror=alert(1)>");
        assert_non_null(b.data);
        assert_null(strchr(b.data, '<'));
        assert_null(strchr(b.data, '>'));
        assert_null(strchr(b.data, '\''));
        assert_string_equal(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
                                    "&lt;img src=x onerror=alert(1)&gt;");
        buf_free(&b);
}

static void test_attr(void **state)
{
        (void)state;
        /* Breaking out of a double-quoted attribute is impossible ... */
        expect_writer(html_attr, "\" onmouseover=\"alert(1)", "&quot; onmouseover=&quot;alert(1)");
        /* ... and of a single-quoted one. */
        expect_writer(html_attr, "' onfocus='x", "&#39; onfocus=&#39;x");
        expect_writer(html_attr, "a&b<c>d", "a&amp;b&lt;c&gt;d");
        expect_writer(html_attr, "ok", "ok");
}

/* ---- html_url_arg --------------------------------------------------------------------------- */

static void test_url_arg(void **state)
{
        (void)state;
        expect_writer(html_url_arg, "a b", "a%20b");
        expect_writer(html_url_arg, "a/b", "a%2Fb");
        expect_writer(html_url_arg, "\xC3\xA9", "%C3%A9"); /* é */
        expect_writer(html_url_arg, "\xF0\x9F\x98\x80", "%F0%9F%98%80");
        expect_writer(html_url_arg,
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");
        /* Everything that means something in a URL or in HTML is encoded. */
        expect_writer(html_url_arg, "?&=#%+:@", "%3F%26%3D%23%25%2B%3A%40");
        expect_writer(html_url_arg, "<\"'>", "%3C%22%27%3E");
        expect_writer(html_url_arg, "\n\t\x7F", "%0A%09%7F");
        expect_writer(html_url_arg, "", "");
}

/* ---- html_href ------------------------------------------------------------------------------ */

static void test_href_allows_safe_urls(void **state)
{
        (void)state;
        expect_writer(html_href, "http://example.org/", "http://example.org/");
        expect_writer(html_href, "https://example.org/a?b=1&c=2",
                      "https://example.org/a?b=1&amp;c=2");
        expect_writer(html_href, "HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/");
        expect_writer(html_href, "mailto:ada@example.org", "mailto:ada@example.org");
        expect_writer(html_href, "/@ada", "/@ada");
        expect_writer(html_href, "page.html", "page.html");
        expect_writer(html_href, "?page=2", "?page=2");
        expect_writer(html_href, "#comments", "#comments");
        /* A colon after the first slash, '?' or '#' is not a scheme. */
        expect_writer(html_href, "/wiki/Help:Contents", "/wiki/Help:Contents");
        expect_writer(html_href, "?next=javascript:x", "?next=javascript:x");
        /* Passing URLs are still attribute-escaped. */
        expect_writer(html_href, "/a\"onclick=\"x", "/a&quot;onclick=&quot;x");
}

static void test_href_blocks_script_schemes(void **state)
{
        (void)state;
        expect_writer(html_href, "javascript:alert(1)", "#");
        expect_writer(html_href, "JAVASCRIPT:alert(1)", "#");
        expect_writer(html_href, "JavaScript:alert(1)", "#");
        expect_writer(html_href, "data:text/html,<script>alert(1)</script>", "#");
        expect_writer(html_href, "vbscript:msgbox(1)", "#");
        expect_writer(html_href, "file:///etc/passwd", "#");
        expect_writer(html_href, "java\tscript:alert(1)", "#");
        expect_writer(html_href, "java\nscript:alert(1)", "#");
        expect_writer(html_href, "java\rscript:alert(1)", "#");
        expect_writer(html_href, " javascript:alert(1)", "#");
        expect_writer(html_href, "\x01javascript:alert(1)", "#");
        expect_writer(html_href, "javascript:", "#");
        expect_writer(html_href, ":", "#");
}

/* ---- html_lit, html_int --------------------------------------------------------------------- */

static void test_lit_and_int(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        html_lit(&b, "<p class=\"x\">");
        html_text(&b, "<b>");
        html_lit(&b, "</p>");
        assert_string_equal(b.data, "<p class=\"x\">&lt;b&gt;</p>");
        buf_reset(&b);
        html_lit(&b, "");
        assert_int_equal(b.len, 0);
        html_int(&b, 0);
        html_lit(&b, " ");
        html_int(&b, -42);
        html_lit(&b, " ");
        html_int(&b, INT64_MAX);
        html_lit(&b, " ");
        html_int(&b, INT64_MIN);
        assert_string_equal(b.data, "0 -42 9223372036854775807 -9223372036854775808");
        buf_free(&b);
}

/* ---- arena ---------------------------------------------------------------------------------- */

static void test_arena_many_allocations(void **state)
{
        (void)state;
        enum { N = 5000 };
        struct arena *a = arena_new();
        unsigned char **ptrs = calloc(N, sizeof(*ptrs));
        size_t *sizes = calloc(N, sizeof(*sizes));
        assert_non_null(ptrs);
        assert_non_null(sizes);
        size_t total = 0;
        for (size_t i = 0; i < N; i++) {
                sizes[i] = 1 + (i * 37) % 300;
                ptrs[i] = arena_alloc(a, sizes[i]);
                assert_non_null(ptrs[i]);
                assert_int_equal((uintptr_t)ptrs[i] % alignof(max_align_t), 0);
                memset(ptrs[i], (int)(i & 0xFF), sizes[i]);
                total += sizes[i];
        }
        /* No allocation overlapped another: every pattern is intact. */
        for (size_t i = 0; i < N; i++)
                for (size_t k = 0; k < sizes[i]; k++)
                        assert_int_equal(ptrs[i][k], i & 0xFF);
        assert_true(arena_used(a) >= total);
        free(ptrs);
        free(sizes);
        arena_free(a);
}

static void test_arena_large_allocation(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        char *small1 = arena_strdup(a, "before");
        size_t big_size = 100000;
        unsigned char *big = arena_alloc(a, big_size);
        assert_non_null(big);
        assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
        memset(big, 0xAB, big_size);
        char *small2 = arena_strdup(a, "after");
        unsigned char *big2 = arena_zalloc(a, 8193);
        for (size_t i = 0; i < 8193; i++)
                assert_int_equal(big2[i], 0);
        memset(big2, 0xCD, 8193);
        assert_string_equal(small1, "before");
        assert_string_equal(small2, "after");
        for (size_t i = 0; i < big_size; i++)
                assert_int_equal(big[i], 0xAB);
        assert_true(arena_used(a) >= big_size + 8193);
        arena_free(a);
        arena_free(NULL); /* allowed */
}

static void test_arena_strings(void **state)
{
        (void)state;
        struct arena *a = arena_new();
        char *s = arena_strndup(a, "hello world", 5);
        assert_string_equal(s, "hello");
        s = arena_strndup(a, "a\0b", 3);
        assert_memory_equal(s, "a\0b\0", 4);
        s = arena_printf(a, "%s-%d-%05.1f", "x", -7, 2.5);
        assert_string_equal(s, "x--7-002.5");
        s = arena_printf(a, "%s", "");
        assert_string_equal(s, "");
        /* Longer than a block: arena_printf must size the result itself. */
        s = arena_printf(a, "<%0*d>", 20000, 42);
        assert_int_equal(strlen(s), 20002);
        assert_int_equal(s[0], '<');
        assert_int_equal(s[1], '0');
        assert_string_equal(s + 20000 - 1, "42>");
        arena_free(a);
}

/* ---- buf ------------------------------------------------------------------------------------ */

static void test_buf_printf_long(void **state)
{
        (void)state;
        char long_text[1001];
        for (size_t i = 0; i < 1000; i++)
                long_text[i] = (char)('a' + i % 26);
        long_text[1000] = '\0';

        struct buf b = BUF_INIT;
        buf_puts(&b, "prefix:");
        buf_printf(&b, "%s|%d", long_text, 12345);
        assert_int_equal(b.len, 7 + 1000 + 6);
        assert_int_equal(strlen(b.data), b.len);
        assert_memory_equal(b.data, "prefix:", 7);
        assert_memory_equal(b.data + 7, long_text, 1000);
        assert_string_equal(b.data + 1007, "|12345");

        /* Exactly at the 256-byte scratch size and one past it. */
        buf_reset(&b);
        assert_int_equal(b.len, 0);
        assert_string_equal(b.data, "");
        buf_printf(&b, "%.255s", long_text);
        assert_int_equal(b.len, 255);
        buf_printf(&b, "%.256s", long_text);
        assert_int_equal(b.len, 511);
        assert_int_equal(strlen(b.data), 511);
        assert_memory_equal(b.data + 255, long_text, 256);
        buf_free(&b);
        assert_null(b.data);
        assert_int_equal(b.len, 0);
}

static void test_buf_append_and_detach(void **state)
{
        (void)state;
        struct buf b = BUF_INIT;
        for (int i = 0; i < 1000; i++)
                buf_putc(&b, (char)('0' + i % 10));
        buf_append(&b, "\0x", 2);
        assert_int_equal(b.len, 1002);
        size_t len = 0;
        char *p = buf_detach(&b, &len);
        assert_non_null(p);
        assert_int_equal(len, 1002);
        assert_int_equal(p[0], '0');
        assert_int_equal(p[999], '9');
        assert_memory_equal(p + 1000, "\0x\0", 3);
        free(p);
        /* The buffer is empty and reusable. */
        assert_null(b.data);
        assert_int_equal(b.len, 0);
        assert_int_equal(b.cap, 0);
        buf_puts(&b, "again");
        assert_string_equal(b.data, "again");
        buf_free(&b);

        /* Detaching a buffer that never held anything still gives a string. */
        struct buf empty = BUF_INIT;
        p = buf_detach(&empty, &len);
        assert_non_null(p);
        assert_int_equal(len, 0);
        assert_string_equal(p, "");
        free(p);
        p = buf_detach(&empty, NULL);
        assert_non_null(p);
        free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_text_escapes_all_five),
            cmocka_unit_test(test_text_null_writes_nothing),
            cmocka_unit_test(test_text_n_respects_length),
            cmocka_unit_test(test_text_script_has_no_markup),
            cmocka_unit_test(test_attr),
            cmocka_unit_test(test_url_arg),
            cmocka_unit_test(test_href_allows_safe_urls),
            cmocka_unit_test(test_href_blocks_script_schemes),
            cmocka_unit_test(test_lit_and_int),
            cmocka_unit_test(test_arena_many_allocations),
            cmocka_unit_test(test_arena_large_allocation),
            cmocka_unit_test(test_arena_strings),
            cmocka_unit_test(test_buf_printf_long),
            cmocka_unit_test(test_buf_append_and_detach),
        };
        return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
