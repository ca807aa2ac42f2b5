/* Messages as they go on the wire; see message.h. */
#include "mail/message.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "mail/address.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum {
        LINE_SOFT = 78, /* RFC 5322: header lines SHOULD stay within this */
        QP_LINE = 76,   /* RFC 2045: encoded body lines MUST */
        /* An encoded word "=?UTF-8?B?" + base64 + "?=" is at most 75 characters (RFC 2047);
         * 42 bytes make 56 base64 characters, a 68-character word, which also fits after
         * "Subject: " within LINE_SOFT. */
        WORD_BYTES = 42,
};

/* ---------------------------------------------------------------- header text */

static bool all_ascii_printable(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 && *s != '\t')
                        return false;
                else if ((unsigned char)*s > 0x7e)
                        return false;
        return true;
}

/* Writes s as RFC 2047 "B" encoded words, folding between words; *col is the current line's
 * length. Words end on whole UTF-8 characters: a decoder joins adjacent words, but one that
 * splits a character is malformed on its own. */
static void put_encoded_words(struct buf *b, size_t *col, const char *s)
{
        size_t len = strlen(s), at = 0;
        bool first = true;
        while (at < len) {
                size_t n = len - at < WORD_BYTES ? len - at : WORD_BYTES;
                while (n > 0 && at + n < len && ((unsigned char)s[at + n] & 0xC0) == 0x80)
                        n--; /* back off to the start of a character */
                char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
                sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + at, n,
                                  sodium_base64_VARIANT_ORIGINAL);
                size_t wlen = strlen(b64) + 12;
                /* the first word on the header's line when it fits, every next one on a line
                 * of its own (blanks between encoded words are not part of the text) */
                if (first && *col + 1 + wlen <= LINE_SOFT) {
                        buf_putc(b, ' ');
                        (*col)++;
                } else {
                        buf_puts(b, "\r\n ");
                        *col = 1;
                }
                buf_printf(b, "=?UTF-8?B?%s?=", b64);
                *col += wlen;
                at += n;
                first = false;
        }
}

/* Writes ASCII text s, folding at its own blanks when a line would pass LINE_SOFT: folding puts
 * CRLF before a blank, and unfolding removes just the CRLF, so the text reads back as it was. */
static void put_folded_ascii(struct buf *b, size_t *col, const char *s)
{
        buf_putc(b, ' ');
        (*col)++;
        size_t start = *col;
        while (*s) {
                /* a segment: the blanks before a word, and the word */
                size_t n = strspn(s, " \t");
                n += strcspn(s + n, " \t");
                if (*col + n > LINE_SOFT && *col > start && (*s == ' ' || *s == '\t')) {
                        buf_puts(b, "\r\n");
                        *col = 0;
                }
                buf_append(b, s, n);
                *col += n;
                s += n;
        }
}

/* Unstructured text (a subject): as it is when printable ASCII, else encoded words. "=?" in
 * plain text would read as the start of an encoded word, so such text is encoded too. */
static void put_unstructured(struct buf *b, const char *name, const char *value)
{
        buf_printf(b, "%s:", name);
        size_t col = strlen(name) + 1;
        if (all_ascii_printable(value) && !strstr(value, "=?"))
                put_folded_ascii(b, &col, value);
        else
                put_encoded_words(b, &col, value);
        buf_puts(b, "\r\n");
}

/* A display name in a phrase: bare when it is atoms and blanks, quoted when it is other
 * printable ASCII, encoded words otherwise (RFC 2047 section 5 allows them in a phrase). */
static void put_display_name(struct buf *b, size_t *col, const char *name)
{
        bool atoms = *name != '\0', ascii = all_ascii_printable(name) && !strstr(name, "=?");
        for (const char *p = name; *p && atoms; p++)
                atoms = isalnum((unsigned char)*p) || strchr(" !#$%&'*+-/=?^_`{|}~", *p);
        if (atoms && ascii) {
                put_folded_ascii(b, col, name);
        } else if (ascii) {
                buf_puts(b, " \"");
                *col += 2;
                for (const char *p = name; *p; p++) {
                        if (*p == '"' || *p == '\\') {
                                buf_putc(b, '\\');
                                (*col)++;
                        }
                        buf_putc(b, *p);
                        (*col)++;
                }
                buf_putc(b, '"');
                (*col)++;
        } else {
                put_encoded_words(b, col, name);
        }
}

static void put_mailbox(struct buf *b, const char *header, const char *name, const char *addr)
{
        buf_printf(b, "%s:", header);
        size_t col = strlen(header) + 1;
        if (name && *name) {
                put_display_name(b, &col, name);
                if (col + 3 + strlen(addr) > LINE_SOFT) {
                        buf_puts(b, "\r\n");
                        col = 0;
                }
        }
        buf_printf(b, " <%s>\r\n", addr);
}

/* ---------------------------------------------------------------- bodies */

/* Appends text as quoted-printable with CRLF hard line breaks (any of CRLF, LF or CR in the
 * text ends a line). Blanks before a line's end, '=', every byte outside printable ASCII, and
 * a '.' or "From " at the start of a line (which some relays and mailbox files mangle) are
 * encoded; lines that would pass QP_LINE get a soft break ("=" at the end). */
static void put_quoted_printable(struct buf *b, const char *s)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t col = 0;
        for (const unsigned char *p = (const unsigned char *)s; *p;) {
                if (*p == '\r' || *p == '\n') {
                        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
                        buf_puts(b, "\r\n");
                        col = 0;
                        continue;
                }
                bool at_end = p[1] == '\0' || p[1] == '\r' || p[1] == '\n';
                bool literal =
                    (*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_end);
                size_t w = literal ? 1 : 3;
                /* room for this and, unless the line ends here, the soft break's "=" */
                if (col + w > (at_end ? QP_LINE : QP_LINE - 1)) {
                        buf_puts(b, "=\r\n");
                        col = 0;
                }
                if (col == 0 && (*p == '.' || strncmp((const char *)p, "From ", 5) == 0)) {
                        literal = false;
                        w = 3;
                }
                if (literal) {
                        buf_putc(b, (char)*p);
                } else {
                        char e[3] = {'=', hex[*p >> 4], hex[*p & 15]};
                        buf_append(b, e, 3);
                }
                col += w;
                p++;
        }
        if (col > 0)
                buf_puts(b, "\r\n");
}

static void put_part(struct buf *b, const char *type, const char *body)
{
        buf_printf(b,
                   "Content-Type: %s; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                   type);
        put_quoted_printable(b, body);
}

/* ---------------------------------------------------------------- the message */

static bool body_ok(const char *s)
{
        if (!s)
                return false;
        size_t len = strlen(s);
        return len <= MAIL_BODY_MAX && utf8_valid(s, len);
}

/* A Message-ID's parts are dot-atom text (RFC 5322 msg-id), never brackets or blanks. */
static bool message_id_ok(const char *id)
{
        if (!id || !*id || strlen(id) > MAIL_MESSAGE_ID_MAX)
                return false;
        const char *at = strchr(id, '@');
        if (!at || at == id || !at[1] || strchr(at + 1, '@'))
                return false;
        for (const char *p = id; *p; p++)
                if (p != at && !isalnum((unsigned char)*p) && !strchr(".-_+=", *p))
                        return false;
        return true;
}

static bool url_ok(const char *url)
{
        if (!mail_header_value_ok(url) || strlen(url) > MAIL_URL_MAX ||
            (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
                return false;
        for (const char *p = url; *p; p++)
                if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '<' ||
                    *p == '>' || *p == '"')
                        return false; /* a URL in a header is percent-encoded ASCII */
        return true;
}

static void put_date(struct buf *b, int64_t when)
{
        /* not strftime: %a and %b follow the locale, and a Date header is always English */
        static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        time_t t = (time_t)when;
        struct tm tm;
        gmtime_r(&t, &tm);
        buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                   tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                   tm.tm_sec);
}

static enum mail_build_result refuse(enum mail_build_result r, const char *what,
                                     const char **problem)
{
        if (problem)
                *problem = what;
        return r;
}

enum mail_build_result mail_build(const struct mail_message *m, struct buf *out,
                                  const char **problem)
{
        if (!mail_address_valid(m->from_address))
                return refuse(MAIL_BUILD_BAD_ADDRESS, "the From address", problem);
        if (!mail_address_valid(m->to_address))
                return refuse(MAIL_BUILD_BAD_ADDRESS, "the To address", problem);
        if (m->reply_to && !mail_address_valid(m->reply_to))
                return refuse(MAIL_BUILD_BAD_ADDRESS, "the Reply-To address", problem);
        if (m->from_name &&
            (!mail_header_value_ok(m->from_name) || strlen(m->from_name) > MAIL_NAME_MAX))
                return refuse(MAIL_BUILD_BAD_HEADER, "the sender's name", problem);
        if (m->to_name && (!mail_header_value_ok(m->to_name) || strlen(m->to_name) > MAIL_NAME_MAX))
                return refuse(MAIL_BUILD_BAD_HEADER, "the recipient's name", problem);
        if (!mail_header_value_ok(m->subject) || !*m->subject ||
            strlen(m->subject) > MAIL_SUBJECT_MAX)
                return refuse(MAIL_BUILD_BAD_HEADER, "the subject", problem);
        if (m->list_unsubscribe && !url_ok(m->list_unsubscribe))
                return refuse(MAIL_BUILD_BAD_HEADER, "the unsubscribe URL", problem);
        if (!message_id_ok(m->message_id))
                return refuse(MAIL_BUILD_BAD_HEADER, "the Message-ID", problem);
        if (!body_ok(m->text))
                return refuse(MAIL_BUILD_BAD_BODY, "the text", problem);
        if (m->html && !body_ok(m->html))
                return refuse(MAIL_BUILD_BAD_BODY, "the HTML", problem);

        put_date(out, m->date);
        put_mailbox(out, "From", m->from_name, m->from_address);
        put_mailbox(out, "To", m->to_name, m->to_address);
        if (m->reply_to)
                put_mailbox(out, "Reply-To", NULL, m->reply_to);
        put_unstructured(out, "Subject", m->subject);
        buf_printf(out, "Message-ID: <%s>\r\n", m->message_id);
        if (m->list_unsubscribe) {
                /* Folded after the colon when the line would pass 78 characters (RFC 5322
                 * 2.1.1): a per-recipient link is long, and the fold sits outside the URL. */
                bool fold = strlen("List-Unsubscribe: <>") + strlen(m->list_unsubscribe) > 78;
                buf_printf(out, "List-Unsubscribe:%s<%s>\r\n", fold ? "\r\n " : " ",
                           m->list_unsubscribe);
                if (m->one_click)
                        buf_puts(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
        }
        if (m->auto_generated)
                buf_puts(out, "Auto-Submitted: auto-generated\r\n");
        buf_puts(out, "MIME-Version: 1.0\r\n");
        if (!m->html) {
                put_part(out, "text/plain", m->text);
                return MAIL_BUILD_OK;
        }
        /* "=_" never occurs in quoted-printable text, so no body can contain the boundary */
        unsigned char rnd[12];
        char hex[sizeof(rnd) * 2 + 1];
        randombytes_buf(rnd, sizeof(rnd));
        sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
        buf_printf(out,
                   "Content-Type: multipart/alternative;\r\n boundary=\"=_kindred_%s\"\r\n\r\n"
                   "This is a message in text and HTML.\r\n"
                   "--=_kindred_%s\r\n",
                   hex, hex);
        put_part(out, "text/plain", m->text);
        buf_printf(out, "--=_kindred_%s\r\n", hex);
        put_part(out, "text/html", m->html);
        buf_printf(out, "--=_kindred_%s--\r\n", hex);
        return MAIL_BUILD_OK;
}

void mail_url_host(const char *url, char *out, size_t size)
{
        out[0] = '\0';
        if (!url)
                return;
        const char *p = strstr(url, "://");
        if (!p)
                return;
        p += 3;
        size_t n = strcspn(p, "/?#");
        const char *at = memchr(p, '@', n);
        if (at) {
                n -= (size_t)(at + 1 - p);
                p = at + 1;
        }
        if (n > 0 && *p == '[') /* an IPv6 literal: no name to give */
                return;
        const char *colon = memchr(p, ':', n);
        if (colon)
                n = (size_t)(colon - p);
        if (n >= size)
                return;
        for (size_t i = 0; i < n; i++)
                out[i] = (char)tolower((unsigned char)p[i]);
        out[n] = '\0';
}

void mail_message_id(const char *host, int64_t now, char *out, size_t size)
{
        bool usable = host && *host && strlen(host) < 200;
        for (const char *p = host; usable && *p; p++)
                usable = isalnum((unsigned char)*p) || *p == '.' || *p == '-';
        unsigned char rnd[16];
        char hex[sizeof(rnd) * 2 + 1];
        randombytes_buf(rnd, sizeof(rnd));
        sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
        snprintf(out, size, "%lld.%s@%s", (long long)now, hex, usable ? host : "localhost");
}
