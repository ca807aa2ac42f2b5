/* Building a message as it goes on the wire (RFC 5322 and MIME, RFC 2045-2047): CRLF lines,
 * 7-bit only, header lines folded to at most 78 characters where the value allows and never
 * over 998, non-ASCII header text as RFC 2047 encoded words, bodies in quoted-printable (lines
 * at most 76), a text part and, when given, an HTML alternative. Nothing here touches the
 * database or the network: model/mail_outbox.c stores what this builds, mail/smtp.c sends it. */
#ifndef KD_MAIL_MESSAGE_H
#define KD_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

enum {
        MAIL_SUBJECT_MAX = 500,          /* bytes of a subject (UTF-8) */
        MAIL_URL_MAX = 900,              /* bytes of a List-Unsubscribe URL */
        MAIL_BODY_MAX = 4 * 1024 * 1024, /* bytes of the text or the HTML part */
        MAIL_MESSAGE_ID_MAX = 255,       /* bytes of a Message-ID without its brackets */
};

struct mail_message {
        const char *from_name;    /* "" or NULL: the address alone */
        const char *from_address; /* required */
        const char *to_name;      /* "" or NULL: the address alone */
        const char *to_address;   /* required */
        const char *reply_to;     /* an address, or NULL */
        const char *subject;      /* required, UTF-8, one line */
        const char *text;         /* required: the plain-text part, UTF-8 */
        const char *html;         /* NULL: text only; else the HTML alternative */
        /* RFC 2369 and RFC 8058: an http(s) URL that unsubscribes the recipient (NULL: none);
         * one_click adds List-Unsubscribe-Post, which says a bare POST to it is enough. */
        const char *list_unsubscribe;
        bool one_click;
        /* RFC 3834: mail no person wrote (notifications, account mail) says so, and
         * well-behaved autoresponders then do not answer it. */
        bool auto_generated;
        int64_t date;           /* Unix seconds: the Date header */
        const char *message_id; /* without the angle brackets (mail_message_id) */
};

enum mail_build_result {
        MAIL_BUILD_OK = 0,
        MAIL_BUILD_BAD_ADDRESS, /* a From, To or Reply-To address refused (mail/address.h) */
        MAIL_BUILD_BAD_HEADER,  /* a name, subject, URL or Message-ID with CR, LF or controls,
                                   or too long */
        MAIL_BUILD_BAD_BODY,    /* a body missing, not UTF-8, with NUL, or too large */
};

/* Appends the whole message m to out. On a refusal out is left as it was and *problem (when
 * not NULL) names what was refused, for logs and tests. */
enum mail_build_result mail_build(const struct mail_message *m, struct buf *out,
                                  const char **problem);

/* A new, unique Message-ID under host (the site's host; "localhost" when host is not usable
 * there), without angle brackets, into out (at least MAIL_MESSAGE_ID_MAX + 1 bytes). */
void mail_message_id(const char *host, int64_t now, char *out, size_t size);

/* The host part of an http(s) URL (KINDRED_BASE_URL) into out, without port or user: "" when
 * there is none. */
void mail_url_host(const char *url, char *out, size_t size);

#endif
