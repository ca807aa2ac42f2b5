/* Unit tests for http/wire: the raw request framing check. Every verdict is checked twice: fed
 * whole, and fed one byte at a time (the scanner must not depend on how recv() cut the stream). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/limits.h"
#include "http/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The status the scanner answers for a stream (0: acceptable), fed whole and byte by byte;
 * both must agree. */
static int verdict_n(const char *data, size_t len)
{
        struct wire_scan whole, bytes;
        wire_scan_init(&whole);
        wire_scan_init(&bytes);
        int a = wire_scan_feed(&whole, data, len);
        int b = 0;
        for (size_t i = 0; i < len && !b; i++)
                b = wire_scan_feed(&bytes, data + i, 1);
        assert_int_equal(a, b);
        return a;
}
#define VERDICT(lit) verdict_n((lit), sizeof(lit) - 1)

static void test_ordinary_requests_pass(void **state)
{
        (void)state;
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
        assert_int_equal(VERDICT("GET /a?b=1&c=2 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"), 0);
        assert_int_equal(VERDICT("GET / HTTP/1.0\r\n\r\n"), 0); /* 1.0 needs no Host */
        assert_int_equal(VERDICT("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0); /* leading CRLF */
        assert_int_equal(VERDICT("GET / HTTP/1.1\nHost: x\n\n"), 0);           /* bare LF lines */
        assert_int_equal(VERDICT("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
                         0);
        /* the same length twice is not ambiguous */
        assert_int_equal(VERDICT("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                 "Content-length: 2\r\n\r\nhi"),
                         0);
        assert_int_equal(VERDICT("POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                                 "5;ext=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\n"),
                         0);
        /* header values may hold UTF-8 and tabs */
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xC3\xA9\tb\r\n\r\n"), 0);
}

static void test_pipelined_requests_are_followed(void **state)
{
        (void)state;
        /* A body is skipped by its length, so its bytes are never taken for a head ... */
        assert_int_equal(VERDICT("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n"
                                 " folded\r\n x\r\n"
                                 "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                         0);
        /* ... and the head after it is checked like the first. */
        assert_int_equal(VERDICT("POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                                 "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n"),
                         400);
        assert_int_equal(VERDICT("POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "3\r\n\0\0\0\r\n0\r\n\r\n"
                                 "GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                         0); /* NUL inside a chunk is data */
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /\0 HTTP/1.1\r\n"), 400);
}

static void test_smuggling_shapes_refused(void **state)
{
        (void)state;
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                 "Content-Length: 40\r\n\r\n"),
                         400);
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 40\r\n\r\n"),
                         400);
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400);
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"),
                         400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nX-Foo : bar\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nX-Foo: bar\r\n baz\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nX-Foo: bar\r\n\tbaz\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\n\r\n"), 400); /* no Host */
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"), 400); /* two */
        assert_int_equal(VERDICT("GET / HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n"),
                         400); /* bare CR */
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n"), 400);
        assert_int_equal(VERDICT("GET /  HTTP/1.1\r\nHost: x\r\n\r\n"), 400); /* three spaces */
        assert_int_equal(VERDICT("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
}

static void test_transfer_codings(void **state)
{
        (void)state;
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
                         501);
        assert_int_equal(
            VERDICT("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501);
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"),
                         400);
        assert_int_equal(VERDICT("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
        /* malformed chunk framing */
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "zz\r\n"),
                         400);
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "2\r\nabc\r\n"),
                         400);
        assert_int_equal(VERDICT("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "fffffffffffffffffff\r\n"),
                         400);
}

static void test_limits(void **state)
{
        (void)state;
        /* more query arguments than any form takes: refused before it is parsed */
        char *line = malloc(8192);
        int n = snprintf(line, 8192, "GET /?");
        for (int i = 0; i < KD_MAX_FIELDS + 1; i++)
                n += snprintf(line + n, (size_t)(8192 - n), "%sa", i ? "&" : "");
        n += snprintf(line + n, (size_t)(8192 - n), " HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_int_equal(verdict_n(line, (size_t)n), 400);
        /* exactly the limit is fine */
        n = snprintf(line, 8192, "GET /?");
        for (int i = 0; i < KD_MAX_FIELDS; i++)
                n += snprintf(line + n, (size_t)(8192 - n), "%sa", i ? "&" : "");
        n += snprintf(line + n, (size_t)(8192 - n), " HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_int_equal(verdict_n(line, (size_t)n), 0);
        free(line);

        size_t big = KD_MAX_URI_BYTES + 200;
        char *uri = malloc(big + 64);
        memcpy(uri, "GET /", 5);
        memset(uri + 5, 'a', big);
        memcpy(uri + 5 + big, " HTTP/1.1\r\n", 11);
        assert_int_equal(verdict_n(uri, big + 16), 414);
        free(uri);

        size_t hb = KD_MAX_HEADER_BYTES + 100;
        char *head = malloc(hb + 64);
        int h = snprintf(head, hb + 64, "GET / HTTP/1.1\r\nX: ");
        memset(head + h, 'v', hb);
        memcpy(head + h + hb, "\r\n", 2);
        assert_int_equal(verdict_n(head, (size_t)h + hb + 2), 431);
        free(head);
}

static void test_states_for_deadlines(void **state)
{
        (void)state;
        struct wire_scan s;
        wire_scan_init(&s);
        assert_true(wire_scan_idle(&s));
        assert_int_equal(wire_scan_feed(&s, "GET / HT", 8), 0);
        assert_false(wire_scan_idle(&s));
        assert_true(wire_scan_in_head(&s));
        const char *rest = "TP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nab";
        assert_int_equal(wire_scan_feed(&s, rest, strlen(rest)), 0);
        assert_false(wire_scan_in_head(&s));
        assert_int_equal(s.state, WIRE_BODY);
        assert_int_equal(wire_scan_feed(&s, "c", 1), 0);
        assert_true(wire_scan_idle(&s));
        assert_int_equal(s.requests, 1);
        /* once failed, it stays failed */
        const char *bad = "GET / HTTP/1.1\r\nX : y\r\n";
        assert_int_equal(wire_scan_feed(&s, bad, strlen(bad)), 400);
        assert_int_equal(wire_scan_feed(&s, "GET / HTTP/1.1\r\n", 16), 400);
        assert_non_null(s.reason);
}

/* Random bytes after a valid head never crash the scanner or read out of bounds (ASan). */
static void test_random_streams(void **state)
{
        (void)state;
        srand(7);
        char buf[512];
        for (int round = 0; round < 20000; round++) {
                size_t len = (size_t)(rand() % (int)sizeof(buf));
                for (size_t i = 0; i < len; i++) {
                        int r = rand() % 10;
                        buf[i] = r < 3   ? "\r\n: \t"[rand() % 5]
                                 : r < 5 ? "GETPOST/HTP1.0chunkedHost"[rand() % 25]
                                         : (char)(rand() % 256);
                }
                struct wire_scan s;
                wire_scan_init(&s);
                int st = wire_scan_feed(&s, buf, len);
                assert_true(st == 0 || st == 400 || st == 414 || st == 431 || st == 501 ||
                            st == 505);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_ordinary_requests_pass),
            cmocka_unit_test(test_pipelined_requests_are_followed),
            cmocka_unit_test(test_smuggling_shapes_refused),
            cmocka_unit_test(test_transfer_codings),
            cmocka_unit_test(test_limits),
            cmocka_unit_test(test_states_for_deadlines),
            cmocka_unit_test(test_random_streams),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
