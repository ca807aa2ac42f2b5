/* The test site's outbox read as a mailbox: the newest message to an address, decoded, and the
 * token of the link it carries (account mail, docs/mail.md). Reads the site's database beside
 * the running server (SQLite file or, under tests/pg/run, its PostgreSQL database). */
#ifndef KD_TEST_MAILBOX_H
#define KD_TEST_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>

/* The newest message queued to address (any case) with purpose (NULL: any), its
 * quoted-printable undone (soft line breaks joined, =XX decoded), into out. False when none. */
bool mailbox_newest(const char *address, const char *purpose, char *out, size_t size);
/* The token of the first link to path ("/signup/confirm") in the newest message to address
 * with purpose, into token (44 bytes or more). False when there is none. */
bool mailbox_token(const char *address, const char *purpose, const char *path, char *token,
                   size_t size);
/* How many messages were queued to address (any case) with purpose (NULL: any). */
long long mailbox_count(const char *address, const char *purpose);
/* Waits (up to 10 s) until the site's background jobs that mail account links (kind
 * "account_reset": "Forgot your password?" queues one per request) have run, so what they
 * queue, or not, is in the outbox. */
void mailbox_settle(void);

#endif
