/* Unit tests of mail (docs/mail.md): addresses, header values and KINDRED_MAIL_FROM
 * (mail/address.h); whole messages (mail/message.h) read back by a small checker written for
 * these tests — line lengths, CRLF, 7-bit, each header once, encoded words and
 * quoted-printable decoded back to the text given — and refused on header injection; the
 * outbox (model/mail_outbox.h) on SQLite and, under KINDRED_TEST_PG_URL, on PostgreSQL:
 * queueing inside the caller's transaction, refused addresses, a send that finds no server is
 * retried, a row already sent is not sent again, retry now, purge. Delivery to a real SMTP
 * server is tested by tests/mail/. */
#include "core/buf.h"
#include "core/config.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "db/db.h"
#include "mail/address.h"
#include "mail/message.h"
#include "model/job.h"
#include "model/job_worker.h"
#include "model/mail_outbox.h"
#include "tmpdb.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <curl/curl.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define NOW 1800000000LL /* 2027-01-15 08:00:00 UTC, a Friday */

/* ---------------------------------------------------------------- addresses */

static void addresses_are_validated(void **state)
{
        (void)state;
        const char *good[] = {"a@example.org", "first.last+tag@mail.example.co.uk",
                              "o'brien@example.ie", "x_y-z=1@sub-domain.example", "A@EXAMPLE.ORG"};
        const char *bad[] = {"",
                             "plain",
                             "@example.org",
                             "a@",
                             "a@localhost", /* no dot */
                             "a@@example.org",
                             "a@b@example.org",
                             ".a@example.org",
                             "a.@example.org",
                             "a..b@example.org",
                             "a b@example.org",
                             "\"quoted\"@example.org",
                             "a@-example.org",
                             "a@example-.org",
                             "a@exa_mple.org",
                             "a@example..org",
                             "a@192.168.0.1",
                             "a@[127.0.0.1]",
                             "jos\xc3\xa9@example.org", /* SMTPUTF8 is not spoken */
                             "a@example.org\r\nBcc: victim@example.net",
                             "a@example.org>"};
        for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
                assert_true(mail_address_valid(good[i]));
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                if (mail_address_valid(bad[i]))
                        fail_msg("accepted %s", bad[i]);
        }
        /* lengths: a local part of 64, a label of 63, an address of 254 */
        char s[400];
        memset(s, 'a', 64);
        strcpy(s + 64, "@example.org");
        assert_true(mail_address_valid(s));
        memset(s, 'a', 65);
        strcpy(s + 65, "@example.org");
        assert_false(mail_address_valid(s));
        strcpy(s, "a@");
        memset(s + 2, 'b', 64);
        strcpy(s + 66, ".org");
        assert_false(mail_address_valid(s));
        strcpy(s, "a@");
        for (int i = 0; i < 5; i++) /* 2 + 5 * 50 + 3 = 255 */
                strcat(s, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.");
        strcat(s, "org");
        assert_int_equal(strlen(s), 255);
        assert_false(mail_address_valid(s));
        char key[64];
        assert_true(mail_address_key("Reader@Example.ORG", key, sizeof(key)));
        assert_string_equal(key, "reader@example.org");
        assert_string_equal(mail_address_domain("a@example.org"), "example.org");
}

static void header_values_and_mailboxes(void **state)
{
        (void)state;
        assert_true(mail_header_value_ok("Weekly \xe5\x91\xa8\xe6\x8a\xa5\ttabbed"));
        assert_false(mail_header_value_ok("a\r\nBcc: x@example.org"));
        assert_false(mail_header_value_ok("a\nb"));
        assert_false(mail_header_value_ok("a\rb"));
        assert_false(mail_header_value_ok("bell\a"));
        assert_false(mail_header_value_ok("bad \xff utf-8"));
        assert_false(mail_header_value_ok(NULL));

        char name[256], addr[256];
        assert_int_equal(mail_mailbox_parse("Kindred News <news@example.org>", name, sizeof(name),
                                            addr, sizeof(addr)),
                         0);
        assert_string_equal(name, "Kindred News");
        assert_string_equal(addr, "news@example.org");
        assert_int_equal(mail_mailbox_parse("\"Team, Kindred\" <t@example.org>", name, sizeof(name),
                                            addr, sizeof(addr)),
                         0);
        assert_string_equal(name, "Team, Kindred");
        assert_int_equal(
            mail_mailbox_parse("only@example.org", name, sizeof(name), addr, sizeof(addr)), 0);
        assert_string_equal(name, "");
        assert_string_equal(addr, "only@example.org");
        const char *bad[] = {"Name <not-an-address>",
                             "Name <a@example.org",
                             "<a@example.org> x",
                             "Na\r\nme <a@example.org>",
                             "Name",
                             "a\"b <a@example.org>"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
                if (mail_mailbox_parse(bad[i], name, sizeof(name), addr, sizeof(addr)) == 0)
                        fail_msg("accepted %s", bad[i]);
        char host[64];
        mail_url_host("https://Kindred.Example.org:8443/path?q", host, sizeof(host));
        assert_string_equal(host, "kindred.example.org");
        mail_url_host("http://user@localhost:8080", host, sizeof(host));
        assert_string_equal(host, "localhost");
        mail_url_host("http://[::1]:8080/", host, sizeof(host));
        assert_string_equal(host, "");
}

/* ---------------------------------------------------------------- a small MIME checker */

struct header {
        char name[64];
        char value[4096]; /* unfolded */
};

struct parsed {
        struct header headers[32];
        int nheaders;
        const char *body; /* after the blank line */
};

static int hexval(int c)
{
        return isdigit(c) ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Checks what holds for every line of a message on the wire, then splits its header fields
 * (unfolded) from its body. Fails the test on anything malformed. limit_78: header lines
 * must keep within 78 characters. */
static void parse(const char *msg, struct parsed *p, bool limit_78)
{
        memset(p, 0, sizeof(*p));
        for (const char *line = msg; *line;) {
                const char *crlf = strstr(line, "\r\n");
                assert_non_null(crlf); /* every line ends with CRLF, the last one too */
                for (const char *c = line; c < crlf; c++) {
                        if (*c == '\r' || *c == '\n' || *c == '\0' || (unsigned char)*c > 0x7e)
                                fail_msg("a bare CR/LF, a NUL or an 8-bit byte at offset %ld",
                                         (long)(c - msg));
                }
                assert_true(crlf - line <= 998);
                line = crlf + 2;
        }
        const char *at = msg;
        while (strncmp(at, "\r\n", 2) != 0) {
                const char *end = strstr(at, "\r\n");
                if (limit_78 && end - at > 78)
                        fail_msg("a header line of %ld characters: %.*s", (long)(end - at),
                                 (int)(end - at), at);
                if (*at == ' ' || *at == '\t') { /* a continuation: unfold (drop the CRLF) */
                        assert_true(p->nheaders > 0);
                        struct header *h = &p->headers[p->nheaders - 1];
                        strncat(h->value, at, (size_t)(end - at));
                } else {
                        const char *colon = memchr(at, ':', (size_t)(end - at));
                        assert_non_null(colon);
                        assert_true(p->nheaders < 32);
                        struct header *h = &p->headers[p->nheaders++];
                        snprintf(h->name, sizeof(h->name), "%.*s", (int)(colon - at), at);
                        for (const char *c = at; c < colon; c++) /* ftext: printable, no blank */
                                assert_true(*c > 32 && *c < 127);
                        const char *v = colon + 1;
                        while (*v == ' ')
                                v++;
                        snprintf(h->value, sizeof(h->value), "%.*s", (int)(end - v), v);
                }
                at = end + 2;
        }
        p->body = at + 2;
}

/* The one header called name: fails when it is missing or there twice. */
static const char *header(const struct parsed *p, const char *name)
{
        const char *found = NULL;
        for (int i = 0; i < p->nheaders; i++) {
                if (strcasecmp(p->headers[i].name, name) == 0) {
                        if (found)
                                fail_msg("two %s headers", name);
                        found = p->headers[i].value;
                }
        }
        if (!found)
                fail_msg("no %s header", name);
        return found;
}

static bool has_header(const struct parsed *p, const char *name)
{
        for (int i = 0; i < p->nheaders; i++)
                if (strcasecmp(p->headers[i].name, name) == 0)
                        return true;
        return false;
}

/* Decodes an unstructured value of RFC 2047 "B" encoded words (with blanks between them,
 * which do not count) or plain text into out. */
static void decode_words(const char *v, char *out, size_t size)
{
        size_t n = 0;
        out[0] = '\0';
        if (strncmp(v, "=?", 2) != 0) {
                snprintf(out, size, "%s", v);
                return;
        }
        while (*v) {
                while (*v == ' ' || *v == '\t')
                        v++;
                if (!*v)
                        break;
                assert_memory_equal(v, "=?UTF-8?B?", 10);
                const char *end = strstr(v + 10, "?=");
                assert_non_null(end);
                assert_true(end + 2 - v <= 75); /* RFC 2047: a word is at most 75 characters */
                size_t got = 0;
                unsigned char raw[128];
                assert_int_equal(sodium_base642bin(raw, sizeof(raw), v + 10, (size_t)(end - v - 10),
                                                   NULL, &got, NULL,
                                                   sodium_base64_VARIANT_ORIGINAL),
                                 0);
                assert_true(utf8_valid((const char *)raw, got)); /* no word splits a character */
                assert_true(n + got < size);
                memcpy(out + n, raw, got);
                n += got;
                out[n] = '\0';
                v = end + 2;
        }
}

/* Decodes quoted-printable text (up to the end or the line "--boundary") into out, checking
 * the encoded lines keep within 76 characters and every "=" starts a valid escape or a soft
 * break. */
static const char *decode_qp(const char *s, const char *boundary, struct buf *out)
{
        char stop[128] = "";
        if (boundary)
                snprintf(stop, sizeof(stop), "--%s", boundary);
        while (*s) {
                if (*stop && strncmp(s, stop, strlen(stop)) == 0)
                        return s;
                const char *end = strstr(s, "\r\n");
                assert_non_null(end);
                assert_true(end - s <= 76);
                if (end > s && (end[-1] == ' ' || end[-1] == '\t'))
                        fail_msg("a blank at a line's end: %.*s", (int)(end - s), s);
                bool soft = false;
                for (const char *c = s; c < end; c++) {
                        if (*c != '=') {
                                buf_putc(out, *c);
                                continue;
                        }
                        if (c + 1 == end) {
                                soft = true;
                                break;
                        }
                        int hi = hexval(c[1]), lo = c + 2 < end ? hexval(c[2]) : -1;
                        if (hi < 0 || lo < 0)
                                fail_msg("a bad escape: %.*s", (int)(end - s), s);
                        buf_putc(out, (char)(hi * 16 + lo));
                        c += 2;
                }
                if (!soft)
                        buf_puts(out, "\r\n");
                s = end + 2;
        }
        return s;
}

/* text with every line break as CRLF and a final one, as the decoded body comes back */
static void crlf_text(const char *s, struct buf *out)
{
        for (; *s; s++) {
                if (*s == '\r' && s[1] == '\n')
                        s++;
                if (*s == '\r' || *s == '\n')
                        buf_puts(out, "\r\n");
                else
                        buf_putc(out, *s);
        }
        if (out->len < 2 || strcmp(out->data + out->len - 2, "\r\n") != 0)
                buf_puts(out, "\r\n");
}

static void assert_part(const char **at, const char *boundary, const char *type,
                        const char *expected)
{
        char open[128];
        snprintf(open, sizeof(open), "--%s\r\n", boundary);
        assert_memory_equal(*at, open, strlen(open));
        struct parsed part;
        parse(*at + strlen(open), &part, true);
        char want[128];
        snprintf(want, sizeof(want), "%s; charset=utf-8", type);
        assert_string_equal(header(&part, "Content-Type"), want);
        assert_string_equal(header(&part, "Content-Transfer-Encoding"), "quoted-printable");
        struct buf got = BUF_INIT, exp = BUF_INIT;
        *at = decode_qp(part.body, boundary, &got);
        crlf_text(expected, &exp);
        assert_string_equal(got.data, exp.data);
        buf_free(&got);
        buf_free(&exp);
}

/* ---------------------------------------------------------------- messages */

static const char CHINESE_SUBJECT[] =
    "\xe7\xac\xac\xe5\x8d\x81\xe4\xba\x8c\xe6\x9c\x9f\xef\xbc\x9a"
    "\xe5\x9c\xa8\xe5\xb1\xb1\xe9\x87\x8c\xe5\x86\x99\xe4\xbd\x9c\xe7\x9a\x84\xe4\xb8\x80"
    "\xe5\xb9\xb4\xef\xbc\x8c\xe4\xbb\xa5\xe5\x8f\x8a\xe6\x88\x91\xe4\xbb\xac\xe4\xbb\x8e"
    "\xe4\xb8\xad\xe5\xad\xa6\xe5\x88\xb0\xe7\x9a\x84\xe4\xb8\x80\xe5\x88\x87 \xf0\x9f\x8c"
    "\xb2 and some English words too";

static struct mail_message sample(void)
{
        return (struct mail_message){
            .from_name = "Kindred News",
            .from_address = "news@kindred.example.org",
            .to_name = "Ada Lovelace",
            .to_address = "ada@example.net",
            .subject = "Episode 12: a year of writing in the hills",
            .text = "Hello Ada,\n\nA new episode is out.\n",
            .html = "<p>Hello Ada,</p><p>A new episode is out.</p>",
            .list_unsubscribe = "https://kindred.example.org/unsubscribe?t=abc123",
            .one_click = true,
            .date = NOW,
            .message_id = "1800000000.0123abcd@kindred.example.org",
        };
}

static void a_message_is_well_formed(void **state)
{
        (void)state;
        struct mail_message m = sample();
        struct buf b = BUF_INIT;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        struct parsed p;
        parse(b.data, &p, true);
        assert_string_equal(header(&p, "Date"), "Fri, 15 Jan 2027 08:00:00 +0000");
        assert_string_equal(header(&p, "From"), "Kindred News <news@kindred.example.org>");
        assert_string_equal(header(&p, "To"), "Ada Lovelace <ada@example.net>");
        assert_string_equal(header(&p, "Subject"), "Episode 12: a year of writing in the hills");
        assert_string_equal(header(&p, "Message-ID"), "<1800000000.0123abcd@kindred.example.org>");
        assert_string_equal(header(&p, "MIME-Version"), "1.0");
        assert_string_equal(header(&p, "List-Unsubscribe"),
                            "<https://kindred.example.org/unsubscribe?t=abc123>");
        assert_string_equal(header(&p, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
        assert_false(has_header(&p, "Auto-Submitted"));
        assert_false(has_header(&p, "Reply-To"));
        const char *ct = header(&p, "Content-Type");
        const char *prefix = "multipart/alternative; boundary=\"";
        assert_memory_equal(ct, prefix, strlen(prefix));
        char boundary[100];
        snprintf(boundary, sizeof(boundary), "%s", ct + strlen(prefix));
        assert_true(strlen(boundary) > 10 && boundary[strlen(boundary) - 1] == '"');
        boundary[strlen(boundary) - 1] = '\0';
        /* the preamble, the text part, then the HTML part, then the closing boundary */
        const char *at = strstr(p.body, "--");
        assert_non_null(at);
        assert_part(&at, boundary, "text/plain", m.text);
        assert_part(&at, boundary, "text/html", m.html);
        char close[128];
        snprintf(close, sizeof(close), "--%s--\r\n", boundary);
        assert_string_equal(at, close);
        buf_free(&b);
}

static void text_only_and_optional_headers(void **state)
{
        (void)state;
        struct mail_message m = sample();
        m.html = NULL;
        m.list_unsubscribe = NULL;
        m.from_name = NULL;
        m.to_name = "";
        m.reply_to = "editor@kindred.example.org";
        m.auto_generated = true;
        struct buf b = BUF_INIT;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        struct parsed p;
        parse(b.data, &p, true);
        assert_string_equal(header(&p, "From"), "<news@kindred.example.org>");
        assert_string_equal(header(&p, "To"), "<ada@example.net>");
        assert_string_equal(header(&p, "Reply-To"), "<editor@kindred.example.org>");
        assert_string_equal(header(&p, "Auto-Submitted"), "auto-generated");
        assert_string_equal(header(&p, "Content-Type"), "text/plain; charset=utf-8");
        assert_string_equal(header(&p, "Content-Transfer-Encoding"), "quoted-printable");
        assert_false(has_header(&p, "List-Unsubscribe"));
        assert_false(has_header(&p, "List-Unsubscribe-Post"));
        struct buf got = BUF_INIT, exp = BUF_INIT;
        decode_qp(p.body, NULL, &got);
        crlf_text(m.text, &exp);
        assert_string_equal(got.data, exp.data);
        buf_free(&got);
        buf_free(&exp);
        buf_free(&b);
        /* one-click needs the URL: without it there is neither header */
        m.one_click = true;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        assert_null(strstr(b.data, "List-Unsubscribe"));
        buf_free(&b);
}

static void headers_are_encoded_and_folded(void **state)
{
        (void)state;
        struct mail_message m = sample();
        m.subject = CHINESE_SUBJECT;
        m.to_name = "\xe6\x9d\x8e\xe5\x9b\x9b"; /* 李四 */
        m.from_name = "O'Brien \"The Editor\" & Co.";
        struct buf b = BUF_INIT;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        struct parsed p;
        parse(b.data, &p, true);
        char decoded[1024];
        decode_words(header(&p, "Subject"), decoded, sizeof(decoded));
        assert_string_equal(decoded, CHINESE_SUBJECT);
        assert_string_equal(header(&p, "To"), "=?UTF-8?B?5p2O5Zub?= <ada@example.net>");
        assert_string_equal(header(&p, "From"),
                            "\"O'Brien \\\"The Editor\\\" & Co.\" <news@kindred.example.org>");
        buf_free(&b);

        /* a long ASCII subject folds at its blanks and unfolds to itself */
        char longer[MAIL_SUBJECT_MAX + 1] = "";
        while (strlen(longer) + 24 < sizeof(longer))
                strcat(longer, "a  fairly long subject, ");
        m.subject = longer;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        parse(b.data, &p, true);
        assert_string_equal(header(&p, "Subject"), longer);
        buf_free(&b);
        /* text that looks like an encoded word is encoded, so it reads back as itself */
        m.subject = "Why =?UTF-8?B?eA==?= is not x";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        parse(b.data, &p, true);
        decode_words(header(&p, "Subject"), decoded, sizeof(decoded));
        assert_string_equal(decoded, m.subject);
        buf_free(&b);
}

static void bodies_survive_quoted_printable(void **state)
{
        (void)state;
        struct buf text = BUF_INIT;
        /* what quoted-printable must get right: "=", blanks at a line's end, a dot or "From "
         * starting a line (mangled by some relays), CR, LF and CRLF endings, long lines with
         * and without blanks, and multibyte characters across soft breaks */
        buf_puts(&text, "a = b, 100% sure   \n.\n.hidden line\nFrom the hills\r\nend\r");
        for (int i = 0; i < 40; i++)
                buf_puts(&text, "\xe6\x96\x87\xf0\x9f\x8c\xb2");
        buf_putc(&text, '\n');
        for (int i = 0; i < 300; i++)
                buf_putc(&text, (char)('a' + i % 26));
        buf_puts(&text, "\n");
        for (int i = 0; i < 60; i++)
                buf_puts(&text, "word ");
        buf_puts(&text, "\n\ttabbed\t\nlast line without a break . ");
        struct mail_message m = sample();
        m.text = text.data;
        m.html = "<p>caf\xc3\xa9 = <b>bar</b></p>\n.";
        struct buf b = BUF_INIT;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        struct parsed p;
        parse(b.data, &p, true);
        /* no line of the body starts with a dot or "From " */
        for (const char *l = p.body; l; l = strstr(l, "\r\n") ? strstr(l, "\r\n") + 2 : NULL) {
                assert_true(*l != '.');
                assert_true(strncmp(l, "From ", 5) != 0);
                if (!*l)
                        break;
        }
        const char *ct = header(&p, "Content-Type");
        char boundary[100];
        snprintf(boundary, sizeof(boundary), "%s", strchr(ct, '"') + 1);
        boundary[strlen(boundary) - 1] = '\0';
        assert_null(strstr(p.body + 1, "--=_kindred_x")); /* the boundary is random... */
        const char *at = strstr(p.body, "--");
        assert_part(&at, boundary, "text/plain", m.text);
        assert_part(&at, boundary, "text/html", m.html);
        /* ... and a body holding "--boundary" cannot cut the message: "=" is always encoded */
        buf_free(&b);
        char tricky[200];
        m.html = NULL;
        snprintf(tricky, sizeof(tricky), "--=_kindred_0011\n--=_kindred_0011--\n");
        m.text = tricky;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_OK);
        assert_null(strstr(b.data, "\r\n--=_kindred_0011"));
        buf_free(&b);
        buf_free(&text);
}

/* CR or LF in any header value would start a header of the sender's choosing. */
static void header_injection_is_refused(void **state)
{
        (void)state;
        const char *inject = "Hello\r\nBcc: everyone@example.net";
        const char *problem = NULL;
        struct buf b = BUF_INIT;
        buf_puts(&b, "kept");
        struct mail_message m = sample();
        m.subject = inject;
        assert_int_equal(mail_build(&m, &b, &problem), MAIL_BUILD_BAD_HEADER);
        assert_string_equal(problem, "the subject");
        m = sample();
        m.subject = "Hello\nBcc: everyone@example.net";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_HEADER);
        m = sample();
        m.to_name = "Ada\rBcc: everyone@example.net";
        assert_int_equal(mail_build(&m, &b, &problem), MAIL_BUILD_BAD_HEADER);
        assert_string_equal(problem, "the recipient's name");
        m = sample();
        m.from_name = inject;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_HEADER);
        m = sample();
        m.list_unsubscribe = "https://example.org/u\r\nBcc: everyone@example.net";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_HEADER);
        m = sample();
        m.list_unsubscribe = "javascript:alert(1)";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_HEADER);
        m = sample();
        m.message_id = "x@example.org>\r\nBcc: everyone@example.net";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_HEADER);
        m = sample();
        m.to_address = "ada@example.net\r\nBcc: everyone@example.net";
        assert_int_equal(mail_build(&m, &b, &problem), MAIL_BUILD_BAD_ADDRESS);
        assert_string_equal(problem, "the To address");
        m = sample();
        m.reply_to = "x\n@example.org";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_ADDRESS);
        m = sample();
        m.subject = "";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_HEADER);
        m = sample();
        m.text = "bad \xc3 utf-8";
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_BODY);
        m = sample();
        m.text = NULL;
        assert_int_equal(mail_build(&m, &b, NULL), MAIL_BUILD_BAD_BODY);
        /* nothing was written by any refusal */
        assert_string_equal(b.data, "kept");
        buf_free(&b);
}

static void message_ids_are_unique_and_under_the_host(void **state)
{
        (void)state;
        char a[MAIL_MESSAGE_ID_MAX + 1], b[MAIL_MESSAGE_ID_MAX + 1];
        mail_message_id("kindred.example.org", NOW, a, sizeof(a));
        mail_message_id("kindred.example.org", NOW, b, sizeof(b));
        assert_string_not_equal(a, b);
        assert_non_null(strstr(a, "@kindred.example.org"));
        assert_memory_equal(a, "1800000000.", 11);
        mail_message_id("bad host>", NOW, a, sizeof(a));
        assert_non_null(strstr(a, "@localhost"));
        struct mail_message m = sample();
        m.message_id = a;
        struct buf buf = BUF_INIT;
        assert_int_equal(mail_build(&m, &buf, NULL), MAIL_BUILD_OK);
        buf_free(&buf);
}

/* ---------------------------------------------------------------- the outbox */

static int setup(void **state)
{
        struct tmpdb *t = calloc(1, sizeof(*t));
        if (!t || tmpdb_open(t) != 0 || db_migrate(t->db, NULL) != DB_OK)
                return -1;
        *state = t;
        return 0;
}

static int teardown(void **state)
{
        job_worker_reset();
        mail_outbox_stop_sending();
        tmpdb_remove(*state);
        free(*state);
        return 0;
}

static struct db *DB(void **state)
{
        return ((struct tmpdb *)*state)->db;
}

static int64_t count(struct db *db, const char *sql, const char *arg)
{
        struct db_stmt *st = db_prepare(db, sql);
        assert_non_null(st);
        if (arg)
                db_bind_text(st, 1, arg);
        assert_int_equal(db_step(st), DB_ROW);
        int64_t n = db_col_int(st, 0);
        db_finish(st);
        return n;
}

/* A configuration whose SMTP server refuses connections (nothing listens on port 1). */
static void setup_outbox(struct config *c, bool sending)
{
        config_defaults(c);
        c->base_url = "https://kindred.example.org";
        c->mail_from = "Kindred <news@kindred.example.org>";
        c->smtp_url = sending ? "smtp://127.0.0.1:1" : NULL;
        c->smtp_timeout = 2;
        assert_int_equal(mail_outbox_setup(c), 0);
        if (sending)
                mail_outbox_start_sending(c);
}

static void queued_in_the_callers_transaction(void **state)
{
        struct db *db = DB(state);
        struct config c;
        setup_outbox(&c, false);
        struct mail_message m = sample();
        /* a rolled-back change sends nothing */
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_QUEUED);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox", NULL), 0);
        assert_int_equal(count(db, "SELECT count(*) FROM job", NULL), 0);
        /* a committed one is stored whole, with its job */
        int64_t id = 0;
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(mail_queue(db, "test", &m, NOW, &id), MAIL_QUEUED);
        assert_int_equal(db_commit(db), DB_OK);
        assert_true(id > 0);
        assert_int_equal(count(db,
                               "SELECT count(*) FROM job WHERE kind = 'mail' AND state = "
                               "'queued'",
                               NULL),
                         1);
        struct db_stmt *st = db_prepare(db, "SELECT message, message_id, recipient, state FROM "
                                            "mail_outbox");
        assert_int_equal(db_step(st), DB_ROW);
        struct parsed p;
        parse(db_col_text(st, 0), &p, true);
        /* the site's sender and date, whatever the caller said; the stored Message-ID */
        assert_string_equal(header(&p, "From"), "Kindred <news@kindred.example.org>");
        char want[300];
        snprintf(want, sizeof(want), "<%s>", db_col_text(st, 1));
        assert_string_equal(header(&p, "Message-ID"), want);
        assert_non_null(strstr(want, "@kindred.example.org>"));
        assert_string_equal(header(&p, "Date"), "Fri, 15 Jan 2027 08:00:00 +0000");
        assert_string_equal(db_col_text(st, 2), "ada@example.net");
        assert_string_equal(db_col_text(st, 3), "queued");
        db_finish(st);
        /* a message that cannot be built is not queued */
        m.subject = "x\r\nBcc: y@example.org";
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_REFUSED);
        assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox", NULL), 1);
        /* without KINDRED_SMTP_URL no worker sends: the job stays queued */
        assert_int_equal(job_worker_run_due(db, NOW + 10), 0);
        assert_false(mail_outbox_sending());
        int64_t q, s, f;
        assert_int_equal(mail_outbox_counts(db, &q, &s, &f), 0);
        assert_true(q == 1 && s == 0 && f == 0);
}

static void no_server_means_a_retry_then_a_failure(void **state)
{
        struct db *db = DB(state);
        struct config c;
        setup_outbox(&c, true);
        assert_true(mail_outbox_sending());
        struct mail_message m = sample();
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_QUEUED);
        assert_int_equal(job_worker_run_due(db, NOW), 1);
        /* the outbox keeps why, the job waits out its backoff */
        assert_int_equal(count(db, "SELECT attempts FROM mail_outbox WHERE state = ?1", "queued"),
                         1);
        assert_int_equal(count(db,
                               "SELECT count(*) FROM mail_outbox WHERE last_answer LIKE "
                               "'%connect%'",
                               NULL),
                         1);
        assert_int_equal(count(db, "SELECT run_at FROM job WHERE state = ?1", "queued"),
                         NOW + job_backoff_s(1));
        assert_int_equal(job_worker_run_due(db, NOW + 1), 0);
        /* kindred mail retry makes it due now, but this node found no server: it waits out
         * its pause (KD_MAIL_PAUSE_FIRST_S) before it tries again */
        assert_int_equal(mail_outbox_retry_now(db, NOW + 2), 1);
        assert_int_equal(job_worker_run_due(db, NOW + 2), 0);
        assert_int_equal(job_worker_run_due(db, NOW + KD_MAIL_PAUSE_FIRST_S), 1);
        assert_int_equal(count(db, "SELECT attempts FROM mail_outbox", NULL), 2);
        /* the last attempt fails for good, in the outbox as in the job */
        struct db_stmt *st = db_prepare(db, "UPDATE job SET attempts = ?1");
        db_bind_int(st, 1, KD_MAIL_MAX_ATTEMPTS - 1);
        assert_int_equal(db_step(st), DB_DONE);
        db_finish(st);
        /* due at its backoff's end, which is also the end of the second, doubled pause */
        int64_t later = NOW + KD_MAIL_PAUSE_FIRST_S + job_backoff_s(2);
        assert_int_equal(job_worker_run_due(db, later - 1), 0);
        assert_int_equal(job_worker_run_due(db, later), 1);
        assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox WHERE state = ?1", "failed"),
                         1);
        assert_int_equal(count(db, "SELECT count(*) FROM job WHERE state = ?1", "failed"), 1);
        /* a connection refused says nothing about the address: it is not suppressed */
        assert_false(mail_suppressed(db, "ada@example.net"));
        assert_int_equal(mail_outbox_purge(db, later + 1), 1);
        assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox", NULL), 0);
}

/* With the server down, one message at a time finds it out, with a doubling pause between:
 * the others keep their attempts. */
static void a_down_server_is_probed_by_one_message(void **state)
{
        struct db *db = DB(state);
        struct config c;
        setup_outbox(&c, true);
        struct mail_message m = sample();
        for (int i = 0; i < 3; i++)
                assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_QUEUED);
        assert_int_equal(job_worker_run_due(db, NOW), 1);
        assert_int_equal(count(db, "SELECT sum(attempts) FROM mail_outbox", NULL), 1);
        assert_int_equal(job_worker_run_due(db, NOW + KD_MAIL_PAUSE_FIRST_S - 1), 0);
        assert_int_equal(job_worker_run_due(db, NOW + KD_MAIL_PAUSE_FIRST_S), 1);
        assert_int_equal(count(db, "SELECT sum(attempts) FROM mail_outbox", NULL), 2);
        assert_int_equal(count(db, "SELECT count(*) FROM mail_outbox WHERE attempts = 0", NULL), 1);
        /* the second pause is twice the first */
        int64_t second = NOW + KD_MAIL_PAUSE_FIRST_S;
        assert_int_equal(job_worker_run_due(db, second + 2 * KD_MAIL_PAUSE_FIRST_S - 1), 0);
        assert_int_equal(job_worker_run_due(db, second + 2 * KD_MAIL_PAUSE_FIRST_S), 1);
        assert_int_equal(count(db, "SELECT sum(attempts) FROM mail_outbox", NULL), 3);
}

static void refused_addresses_and_finished_rows_are_not_sent(void **state)
{
        struct db *db = DB(state);
        struct config c;
        setup_outbox(&c, true);
        struct mail_message m = sample();
        /* queued, then refused for good by another message's answer before it went */
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_QUEUED);
        struct db_stmt *st = db_prepare(db, "INSERT INTO mail_suppressed (address, reason, "
                                            "created_at) VALUES (?1, ?2, ?3)");
        db_bind_text(st, 1, "ada@example.net");
        db_bind_text(st, 2, "RCPT: 550 5.1.1 no such user");
        db_bind_int(st, 3, NOW);
        assert_int_equal(db_step(st), DB_DONE);
        db_finish(st);
        assert_int_equal(job_worker_run_due(db, NOW), 1);
        assert_int_equal(count(db,
                               "SELECT count(*) FROM mail_outbox WHERE state = 'failed' AND "
                               "last_answer LIKE ?1",
                               "not sent:%"),
                         1);
        /* and nothing more is queued to it, whatever its case */
        m.to_address = "ADA@Example.NET";
        assert_true(mail_suppressed(db, m.to_address));
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_SUPPRESSED);

        /* a row already sent (a node stopped after marking it, before finishing the job) is
         * not sent again: with no server, a send would have been a retry */
        m.to_address = "grace@example.net";
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_QUEUED);
        assert_int_equal(db_exec_script(db, "UPDATE mail_outbox SET state = 'sent', attempts = 1 "
                                            "WHERE recipient = 'grace@example.net'"),
                         DB_OK);
        assert_int_equal(job_worker_run_due(db, NOW), 1);
        assert_int_equal(count(db, "SELECT count(*) FROM job WHERE state = ?1", "done"), 1);
        assert_int_equal(
            count(db, "SELECT attempts FROM mail_outbox WHERE recipient = ?1", "grace@example.net"),
            1);
        /* a row deleted under its job: the job just ends */
        m.to_address = "linus@example.net";
        assert_int_equal(mail_queue(db, "test", &m, NOW, NULL), MAIL_QUEUED);
        assert_int_equal(
            db_exec_script(db, "DELETE FROM mail_outbox WHERE recipient = 'linus@example.net'"),
            DB_OK);
        assert_int_equal(job_worker_run_due(db, NOW), 1);
        assert_int_equal(count(db, "SELECT count(*) FROM job WHERE state = ?1", "done"), 2);
}

int main(void)
{
        if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                return 1;
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(addresses_are_validated),
            cmocka_unit_test(header_values_and_mailboxes),
            cmocka_unit_test(a_message_is_well_formed),
            cmocka_unit_test(text_only_and_optional_headers),
            cmocka_unit_test(headers_are_encoded_and_folded),
            cmocka_unit_test(bodies_survive_quoted_printable),
            cmocka_unit_test(header_injection_is_refused),
            cmocka_unit_test(message_ids_are_unique_and_under_the_host),
            cmocka_unit_test_setup_teardown(queued_in_the_callers_transaction, setup, teardown),
            cmocka_unit_test_setup_teardown(no_server_means_a_retry_then_a_failure, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(a_down_server_is_probed_by_one_message, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(refused_addresses_and_finished_rows_are_not_sent, setup,
                                            teardown),
        };
        const struct CMUnitTest pg_tests[] = {
            cmocka_unit_test_setup_teardown(queued_in_the_callers_transaction, setup, teardown),
            cmocka_unit_test_setup_teardown(no_server_means_a_retry_then_a_failure, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(a_down_server_is_probed_by_one_message, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(refused_addresses_and_finished_rows_are_not_sent, setup,
                                            teardown),
        };
        int failed = cmocka_run_group_tests_name("mail", tests, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed +=
                    cmocka_run_group_tests_name("mail outbox on PostgreSQL", pg_tests, NULL, NULL);
        curl_global_cleanup();
        return failed;
}
