/* A check of the raw bytes of HTTP/1.1 requests, before libmicrohttpd parses them.
 *
 * libmicrohttpd 0.9.75 (Debian 12) accepts framing that RFC 9112 says to reject, and some of it
 * it cannot even report: it folds obs-fold lines into the header *name*, cuts a path or header
 * at a NUL, takes the first of two different Content-Length headers, keeps a connection with
 * Content-Length and Transfer-Encoding alive, and waits forever on an unknown Transfer-Encoding.
 * Behind a proxy that reads the same bytes differently, each is a way to smuggle a request.
 *
 * The scanner follows the framing of every request on a connection (request line, header
 * lines, then a Content-Length or chunked body, then the next request) and stops at the first
 * shape it refuses, with the status to answer. It keeps a few hundred bytes of state and never
 * buffers the stream. It is pure: http/conn_guard.c feeds it what each connection receives. */
#ifndef KD_WIRE_H
#define KD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wire_state {
        WIRE_LINE_START, /* before a request: no byte of it yet (idle keep-alive) */
        WIRE_REQUEST_LINE,
        WIRE_HEADER_LINE,
        WIRE_BODY,       /* counting a Content-Length body */
        WIRE_CHUNK_SIZE, /* the size line of a chunk (with extensions) */
        WIRE_CHUNK_DATA,
        WIRE_CHUNK_END, /* the CRLF after a chunk's data */
        WIRE_TRAILER,   /* trailer lines after the last chunk */
        WIRE_FAILED,
};

struct wire_scan {
        enum wire_state state;
        int status;         /* 0, or the HTTP status to answer once state is WIRE_FAILED */
        const char *reason; /* a fixed sentence saying what was refused */

        /* the current line */
        size_t line_len;
        bool line_cr;   /* the last byte was CR: only LF may follow */
        bool name_done; /* past the header name's colon */
        bool name_bad;  /* the name had a byte that is not a token character */
        char name[24];  /* the header name, lower case, cut (only a few names matter) */
        size_t name_len;
        char value[32]; /* the value of a header that matters, cut */
        size_t value_len;
        char version[12];     /* the request line's last bytes ("HTTP/1.1") */
        size_t target_spaces; /* spaces seen in the request line */
        bool in_query;
        unsigned query_args;

        /* the current request */
        size_t head_bytes;
        unsigned hosts;
        bool has_length, chunked, has_te;
        uint64_t length;
        uint64_t remaining; /* of the body or the chunk being skipped */
        unsigned requests;  /* heads completed on this connection */
};

void wire_scan_init(struct wire_scan *s);
/* Feeds received bytes. Returns 0 while the stream is acceptable, else the status to answer
 * (400, 414, 431 or 501), with s->reason set; once failed it stays failed. */
int wire_scan_feed(struct wire_scan *s, const char *data, size_t len);
/* True when no byte of a next request has arrived (the connection is idle between requests). */
bool wire_scan_idle(const struct wire_scan *s);
/* True while the head of a request is arriving (some bytes of it, not all). */
bool wire_scan_in_head(const struct wire_scan *s);

#endif
