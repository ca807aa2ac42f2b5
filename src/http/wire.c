/* The raw request check (see wire.h): a byte-at-a-time state machine over RFC 9112's framing. */
#include "http/wire.h"
#include "core/limits.h"

#include <string.h>
#include <strings.h>

/* The longest request line: the target plus room for the method and version. */
#define REQUEST_LINE_MAX (KD_MAX_URI_BYTES + 64)
#define CHUNK_LINE_MAX   1024
#define CHUNK_SIZE_MAX   ((uint64_t)1 << 40)

void wire_scan_init(struct wire_scan *s)
{
        memset(s, 0, sizeof(*s));
        s->state = WIRE_LINE_START;
}

bool wire_scan_idle(const struct wire_scan *s)
{
        return s->state == WIRE_LINE_START;
}

bool wire_scan_in_head(const struct wire_scan *s)
{
        return s->state == WIRE_REQUEST_LINE || s->state == WIRE_HEADER_LINE;
}

static int fail(struct wire_scan *s, int status, const char *reason)
{
        s->state = WIRE_FAILED;
        s->status = status;
        s->reason = reason;
        return status;
}

/* RFC 9110's tchar: the bytes a header name may have. */
static bool is_tchar(unsigned char c)
{
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                return true;
        return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static void new_line(struct wire_scan *s)
{
        s->line_len = 0;
        s->line_cr = false;
        s->name_done = false;
        s->name_bad = false;
        s->name_len = 0;
        s->value_len = 0;
}

static void new_request(struct wire_scan *s)
{
        new_line(s);
        s->head_bytes = 0;
        s->hosts = 0;
        s->has_length = s->chunked = s->has_te = false;
        s->length = 0;
        s->target_spaces = 0;
        s->in_query = false;
        s->query_args = 0;
        s->version[0] = '\0';
}

static bool name_is(const struct wire_scan *s, const char *name)
{
        return s->name_len == strlen(name) && memcmp(s->name, name, s->name_len) == 0;
}

/* The stored value without trailing spaces and tabs, as a string; false when it was cut. */
static bool value_text(struct wire_scan *s, char *out, size_t size)
{
        size_t n = s->value_len;
        if (n >= sizeof(s->value))
                return false;
        while (n > 0 && (s->value[n - 1] == ' ' || s->value[n - 1] == '\t'))
                n--;
        if (n >= size)
                return false;
        memcpy(out, s->value, n);
        out[n] = '\0';
        return true;
}

/* A complete header line: remember what framing depends on. */
static int header_done(struct wire_scan *s)
{
        char v[sizeof(s->value)];
        if (name_is(s, "host")) {
                s->hosts++;
        } else if (name_is(s, "content-length")) {
                if (!value_text(s, v, sizeof(v)) || !v[0])
                        return fail(s, 400, "The Content-Length header is not a number.");
                uint64_t n = 0;
                for (const char *p = v; *p; p++) {
                        if (*p < '0' || *p > '9' || n > (UINT64_MAX - 9) / 10)
                                return fail(s, 400, "The Content-Length header is not a number.");
                        n = n * 10 + (uint64_t)(*p - '0');
                }
                if (s->has_length && n != s->length)
                        return fail(s, 400,
                                    "The request has two different Content-Length headers.");
                s->has_length = true;
                s->length = n;
        } else if (name_is(s, "transfer-encoding")) {
                if (s->has_te)
                        return fail(s, 400, "The request has two Transfer-Encoding headers.");
                s->has_te = true;
                if (!value_text(s, v, sizeof(v)) || strcasecmp(v, "chunked") != 0)
                        return fail(s, 501, "Only the chunked transfer coding is supported.");
                s->chunked = true;
        }
        return 0;
}

/* The empty line after the headers: the head is whole, decide how the body is framed. */
static int head_done(struct wire_scan *s)
{
        if (s->hosts > 1)
                return fail(s, 400, "The request has more than one Host header.");
        if (s->hosts == 0 && strcmp(s->version, "HTTP/1.1") == 0)
                return fail(s, 400, "An HTTP/1.1 request needs a Host header.");
        if (s->has_length && s->has_te)
                return fail(s, 400, "The request has both Content-Length and Transfer-Encoding.");
        /* HTTP/1.0 has no transfer codings: a peer that sends one frames differently from us. */
        if (s->has_te && strcmp(s->version, "HTTP/1.0") == 0)
                return fail(s, 400, "An HTTP/1.0 request cannot use Transfer-Encoding.");
        s->requests++;
        bool chunked = s->chunked;
        uint64_t length = s->length;
        new_request(s);
        if (chunked) {
                s->state = WIRE_CHUNK_SIZE;
                s->remaining = 0;
        } else if (length > 0) {
                s->state = WIRE_BODY;
                s->remaining = length;
        } else {
                s->state = WIRE_LINE_START;
        }
        return 0;
}

static int request_line_done(struct wire_scan *s)
{
        if (s->target_spaces != 2 || s->version[0] == '\0')
                return fail(s, 400, "The request line is not \"METHOD target HTTP/1.1\".");
        if (strncmp(s->version, "HTTP/1.", 7) != 0)
                return fail(s, 505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
        s->state = WIRE_HEADER_LINE;
        new_line(s);
        return 0;
}

/* One byte of the request line. */
static int request_line_byte(struct wire_scan *s, unsigned char c)
{
        if (c == '\n')
                return request_line_done(s);
        if (c == '\0')
                return fail(s, 400, "The request line has a NUL byte.");
        if (c < 0x20 || c == 0x7f)
                return fail(s, 400, "The request line has a control character.");
        if (++s->line_len > REQUEST_LINE_MAX)
                return fail(s, 414, "The address is too long.");
        if (c == ' ') {
                s->target_spaces++;
                s->version[0] = '\0';
                return 0;
        }
        if (s->target_spaces == 1) {
                if (c == '?' && !s->in_query) {
                        s->in_query = true;
                        s->query_args = 1;
                } else if (c == '&' && s->in_query && ++s->query_args > KD_MAX_FIELDS) {
                        return fail(s, 400, "The address has too many query arguments.");
                }
        } else if (s->target_spaces == 2) {
                size_t n = strlen(s->version);
                if (n + 1 >= sizeof(s->version))
                        return fail(s, 400, "The request line's HTTP version is not understood.");
                s->version[n] = (char)c;
                s->version[n + 1] = '\0';
        }
        return 0;
}

/* One byte of a header or trailer line. */
static int header_byte(struct wire_scan *s, unsigned char c, bool trailer)
{
        if (c == '\n') {
                if (s->line_len == 0 && !trailer)
                        return head_done(s);
                if (s->line_len == 0) { /* the end of the trailers: the request is complete */
                        new_request(s);
                        s->state = WIRE_LINE_START;
                        return 0;
                }
                if (!s->name_done)
                        return fail(s, 400, "A header line has no colon.");
                int rc = trailer ? 0 : header_done(s);
                new_line(s);
                return rc;
        }
        if (c == '\0')
                return fail(s, 400, "A header has a NUL byte.");
        if (++s->head_bytes > KD_MAX_HEADER_BYTES)
                return fail(s, 431, "The request's headers are too large.");
        if (s->line_len++ == 0 && (c == ' ' || c == '\t'))
                return fail(s, 400, "A header line is folded (obs-fold), which HTTP/1.1 forbids.");
        if (!s->name_done) {
                if (c == ':') {
                        if (s->name_len == 0 || s->name_bad)
                                return fail(s, 400,
                                            "A header's name is empty, or has a space or "
                                            "another character a name cannot have.");
                        s->name_done = true;
                        return 0;
                }
                if (!is_tchar(c))
                        s->name_bad = true;
                if (s->name_len < sizeof(s->name))
                        s->name[s->name_len] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                s->name_len++;
                return 0;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(s, 400, "A header's value has a control character.");
        if (s->value_len == 0 && (c == ' ' || c == '\t'))
                return 0; /* leading whitespace is not part of the value */
        if (s->value_len < sizeof(s->value))
                s->value[s->value_len] = (char)c;
        s->value_len++;
        return 0;
}

static int hex_digit(unsigned char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* One byte of a chunk-size line: hex digits, then optional ";extensions". */
static int chunk_size_byte(struct wire_scan *s, unsigned char c)
{
        if (c == '\n') {
                if (s->line_len == 0 || s->name_len == 0)
                        return fail(s, 400, "A chunk's size line is malformed.");
                uint64_t size = s->remaining;
                new_line(s);
                if (size == 0) {
                        s->state = WIRE_TRAILER;
                } else {
                        s->state = WIRE_CHUNK_DATA;
                        s->remaining = size;
                }
                return 0;
        }
        if (c == '\0' || ++s->line_len > CHUNK_LINE_MAX)
                return fail(s, 400, "A chunk's size line is malformed.");
        if (s->name_done) /* inside extensions: anything printable */
                return (c < 0x20 && c != '\t') ? fail(s, 400, "A chunk's size line is malformed.")
                                               : 0;
        if (c == ';' || c == ' ' || c == '\t') {
                s->name_done = true;
                return 0;
        }
        int d = hex_digit(c);
        if (d < 0 || s->remaining >= CHUNK_SIZE_MAX)
                return fail(s, 400, "A chunk's size is not a hexadecimal number.");
        s->remaining = s->remaining * 16 + (uint64_t)d;
        s->name_len++; /* counts the digits */
        return 0;
}

int wire_scan_feed(struct wire_scan *s, const char *data, size_t len)
{
        const unsigned char *p = (const unsigned char *)data;
        const unsigned char *end = p + len;
        while (p < end) {
                if (s->state == WIRE_FAILED)
                        return s->status;
                if (s->state == WIRE_BODY || s->state == WIRE_CHUNK_DATA) {
                        size_t take = (size_t)(end - p);
                        if (take > s->remaining)
                                take = (size_t)s->remaining;
                        p += take;
                        s->remaining -= take;
                        if (s->remaining == 0)
                                s->state = s->state == WIRE_BODY ? WIRE_LINE_START : WIRE_CHUNK_END;
                        continue;
                }
                unsigned char c = *p++;
                /* Lines end in CRLF; a bare LF is accepted (RFC 9112 2.2), a bare CR is not. */
                if (s->line_cr) {
                        if (c != '\n')
                                return fail(s, 400, "A line has a CR without LF.");
                        s->line_cr = false;
                } else if (c == '\r') {
                        s->line_cr = true;
                        continue;
                }
                int rc = 0;
                switch (s->state) {
                case WIRE_LINE_START:
                        if (c == '\n')
                                break; /* empty lines before a request are ignored */
                        new_request(s);
                        s->state = WIRE_REQUEST_LINE;
                        rc = request_line_byte(s, c);
                        break;
                case WIRE_REQUEST_LINE:
                        rc = request_line_byte(s, c);
                        break;
                case WIRE_HEADER_LINE:
                        rc = header_byte(s, c, false);
                        break;
                case WIRE_TRAILER:
                        rc = header_byte(s, c, true);
                        break;
                case WIRE_CHUNK_SIZE:
                        rc = chunk_size_byte(s, c);
                        break;
                case WIRE_CHUNK_END:
                        if (c != '\n')
                                rc = fail(s, 400, "A chunk's data is longer than its size.");
                        else {
                                s->state = WIRE_CHUNK_SIZE;
                                s->remaining = 0;
                                new_line(s);
                        }
                        break;
                default:
                        break;
                }
                if (rc)
                        return rc;
        }
        return s->state == WIRE_FAILED ? s->status : 0;
}
