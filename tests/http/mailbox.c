/* The outbox as a mailbox for the HTTP tests (mailbox.h). */
#include "mailbox.h"
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex(int c)
{
        return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Undoes quoted-printable in place; the headers (plain ASCII) pass through unchanged. */
static void qp_decode(char *s)
{
        char *w = s;
        for (const char *p = s; *p;) {
                if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
                        p += 3;
                } else if (p[0] == '=' && p[1] == '\n') {
                        p += 2;
                } else if (p[0] == '=' && hex((unsigned char)p[1]) >= 0 &&
                           hex((unsigned char)p[2]) >= 0) {
                        *w++ = (char)(hex((unsigned char)p[1]) * 16 + hex((unsigned char)p[2]));
                        p += 3;
                } else {
                        *w++ = *p++;
                }
        }
        *w = '\0';
}

static void where(char *sql, size_t size, const char *select, const char *address,
                  const char *purpose)
{
        /* test addresses are plain ASCII without quotes: safe to write into the statement */
        if (purpose)
                snprintf(sql, size,
                         "SELECT %s FROM mail_outbox WHERE lower(recipient) = lower('%s')"
                         " AND purpose = '%s'",
                         select, address, purpose);
        else
                snprintf(sql, size,
                         "SELECT %s FROM mail_outbox WHERE lower(recipient) = lower('%s')", select,
                         address);
}

bool mailbox_newest(const char *address, const char *purpose, char *out, size_t size)
{
        char sql[512];
        where(sql, sizeof(sql), "message", address, purpose);
        strncat(sql, " ORDER BY id DESC LIMIT 1", sizeof(sql) - strlen(sql) - 1);
        db_text(sql, out, size);
        if (!*out)
                return false;
        qp_decode(out);
        return true;
}

bool mailbox_token(const char *address, const char *purpose, const char *path, char *token,
                   size_t size)
{
        size_t cap = 256 * 1024;
        char *msg = malloc(cap);
        bool ok = false;
        char needle[128];
        snprintf(needle, sizeof(needle), "%s?token=", path);
        if (mailbox_newest(address, purpose, msg, cap)) {
                const char *p = strstr(msg, needle);
                if (p) {
                        p += strlen(needle);
                        size_t n = 0;
                        while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '_'))
                                n++;
                        if (n > 0 && n < size) {
                                memcpy(token, p, n);
                                token[n] = '\0';
                                ok = true;
                        }
                }
        }
        free(msg);
        return ok;
}

long long mailbox_count(const char *address, const char *purpose)
{
        char sql[512];
        where(sql, sizeof(sql), "count(*)", address, purpose);
        return db_int(sql);
}

void mailbox_settle(void)
{
        long long left = db_int_until("SELECT count(*) FROM job WHERE kind = 'account_reset'"
                                      " AND state = 'queued'",
                                      0, 10000);
        if (left != 0)
                fail_msg("%lld account_reset jobs still queued after 10 s", left);
}
