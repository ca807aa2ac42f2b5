/* Handing a built message (mail/message.h) to an SMTP server with libcurl: submission with
 * STARTTLS (smtp://) or implicit TLS (smtps://), optional credentials, every wait bounded, the
 * connection kept for the next message. One client per thread; the job worker has one. */
#ifndef KD_MAIL_SMTP_H
#define KD_MAIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>

enum smtp_starttls {
        SMTP_STARTTLS_REQUIRED, /* no TLS, no mail: a server without STARTTLS is an error */
        SMTP_STARTTLS_OPTIONAL, /* TLS when the server offers it */
        SMTP_STARTTLS_OFF,      /* never (a relay on this machine) */
};

struct smtp_settings {
        const char *url;             /* smtp://host[:port][/ehlo-name] or smtps://... */
        const char *user;            /* NULL: no AUTH */
        const char *password;        /* with user */
        enum smtp_starttls starttls; /* smtp:// only; smtps:// is TLS from the first byte */
        unsigned timeout_s;          /* the longest wait for a connection or any one answer */
        const char *ca_file;         /* NULL: the system's certificates; else a PEM file of them */
};

enum smtp_result {
        SMTP_SENT,              /* the server took the message (250 after its data) */
        SMTP_TEMPORARY,         /* try again later: a 4xx, or a refusal of the sender or the
                                   login (the operator's to fix), or the node was stopping */
        SMTP_NO_SERVER,         /* try again later: no connection, no answer in time, no TLS,
                                   or 421 (the server is closing): the next message would fare
                                   no better now */
        SMTP_REFUSED_RECIPIENT, /* a 5xx to RCPT TO: that address does not take mail */
        SMTP_REFUSED_MESSAGE,   /* a 5xx to the message itself (its content, its size) */
};

struct smtp_client;

/* A client for settings (the strings are used, not copied: keep them). Never NULL. */
struct smtp_client *smtp_client_new(const struct smtp_settings *settings);
void smtp_client_free(struct smtp_client *c);

/* Sends message (len bytes, CRLF lines) from the envelope sender to the recipient. answer gets
 * what the server last said, or why it said nothing ("RCPT TO: 550 5.1.1 no such user",
 * "no answer within 30 s"). */
enum smtp_result smtp_send(struct smtp_client *c, const char *from, const char *to,
                           const char *message, size_t len, char *answer, size_t answer_size);

/* Makes every conversation under way end at once (within about a second), answered as a
 * temporary failure: a node that is stopping does not wait out a stalled server. */
void smtp_interrupt(void);

#endif
