/* Mail addresses and header values: what the site accepts before anything goes on the wire.
 *
 * Addresses are the common, unquoted form local@domain (RFC 5321 "dot-atom" local part, a
 * domain of LDH labels with at least one dot), ASCII only: quoted local parts, address
 * literals and internationalised addresses (SMTPUTF8) are refused, so every address Kindred
 * accepts can be written into a header and an SMTP command as it is. */
#ifndef KD_MAIL_ADDRESS_H
#define KD_MAIL_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

enum {
        MAIL_ADDRESS_MAX = 254, /* RFC 5321: a path of 256 less the angle brackets */
        MAIL_LOCAL_MAX = 64,
        MAIL_LABEL_MAX = 63,
        MAIL_NAME_MAX = 200, /* bytes of a display name (UTF-8) */
};

/* True when addr is an address Kindred sends to or from (see above). */
bool mail_address_valid(const char *addr);
/* The part after the '@' of a valid address. */
const char *mail_address_domain(const char *addr);
/* addr in lower case into out (the key of mail_suppressed): false when it does not fit. */
bool mail_address_key(const char *addr, char *out, size_t size);

/* True when s may be a header's value: valid UTF-8 with no CR, LF, NUL or other control
 * character but tab. A CR or LF would end the header and let the text start another one
 * (header injection: a "Bcc:" smuggled in through a display name or a subject). */
bool mail_header_value_ok(const char *s);

/* Parses "Display Name <local@domain>" or a bare "local@domain" (KINDRED_MAIL_FROM) into name
 * (possibly "") and addr. Returns 0, or -1 when it is neither or either part is refused. */
int mail_mailbox_parse(const char *s, char *name, size_t name_size, char *addr, size_t addr_size);

#endif
