/* Mail addresses and header values; see address.h. */
#include "mail/address.h"
#include "core/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* RFC 5322 atext: the characters of a dot-atom besides the dots. */
static bool atext(unsigned char c)
{
        return isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool local_part_valid(const char *s, size_t len)
{
        if (len == 0 || len > MAIL_LOCAL_MAX || s[0] == '.' || s[len - 1] == '.')
                return false;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '.') {
                        if (s[i + 1] == '.')
                                return false;
                } else if (!atext((unsigned char)s[i])) {
                        return false;
                }
        }
        return true;
}

static bool domain_valid(const char *s)
{
        size_t len = strlen(s), label = 0, dots = 0;
        if (len == 0 || len > 253)
                return false;
        for (size_t i = 0; i <= len; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == '.' || c == '\0') {
                        /* a label: 1 to 63 letters, digits and hyphens, no hyphen at its ends */
                        if (label == 0 || label > MAIL_LABEL_MAX || s[i - 1] == '-' ||
                            s[i - label] == '-')
                                return false;
                        label = 0;
                        dots += c == '.';
                } else if (isalnum(c) || c == '-') {
                        label++;
                } else {
                        return false;
                }
        }
        /* a top-level label of digits only is an IP address written as a name */
        const char *tld = strrchr(s, '.');
        bool numeric = tld != NULL;
        for (const char *p = tld ? tld + 1 : s; *p && numeric; p++)
                numeric = isdigit((unsigned char)*p);
        return dots >= 1 && !numeric;
}

bool mail_address_valid(const char *addr)
{
        if (!addr)
                return false;
        size_t len = strlen(addr);
        const char *at = strrchr(addr, '@');
        if (len > MAIL_ADDRESS_MAX || !at || strchr(addr, '@') != at)
                return false;
        return local_part_valid(addr, (size_t)(at - addr)) && domain_valid(at + 1);
}

const char *mail_address_domain(const char *addr)
{
        const char *at = strrchr(addr, '@');
        return at ? at + 1 : addr + strlen(addr);
}

bool mail_address_key(const char *addr, char *out, size_t size)
{
        size_t len = strlen(addr);
        if (len >= size)
                return false;
        for (size_t i = 0; i <= len; i++)
                out[i] = (char)tolower((unsigned char)addr[i]);
        return true;
}

bool mail_header_value_ok(const char *s)
{
        if (!s)
                return false;
        size_t len = strlen(s);
        if (!utf8_valid(s, len) || utf8_has_controls(s, len))
                return false;
        /* utf8_has_controls lets CR and LF through (they are fine in a body, not here) */
        return strpbrk(s, "\r\n") == NULL;
}

int mail_mailbox_parse(const char *s, char *name, size_t name_size, char *addr, size_t addr_size)
{
        if (!s || !mail_header_value_ok(s))
                return -1;
        const char *lt = strrchr(s, '<');
        if (!lt) {
                if (!mail_address_valid(s) ||
                    (size_t)snprintf(addr, addr_size, "%s", s) >= addr_size)
                        return -1;
                if (name_size)
                        name[0] = '\0';
                return 0;
        }
        const char *gt = strchr(lt, '>');
        if (!gt || gt[1] != '\0')
                return -1;
        size_t alen = (size_t)(gt - lt - 1);
        if (alen >= addr_size)
                return -1;
        memcpy(addr, lt + 1, alen);
        addr[alen] = '\0';
        if (!mail_address_valid(addr))
                return -1;
        /* the name: what comes before, without surrounding blanks or quotes */
        const char *b = s, *e = lt;
        while (b < e && (*b == ' ' || *b == '\t'))
                b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
        if (e - b >= 2 && *b == '"' && e[-1] == '"') {
                b++;
                e--;
        }
        size_t nlen = (size_t)(e - b);
        if (nlen >= name_size || nlen > MAIL_NAME_MAX || memchr(b, '"', nlen) ||
            memchr(b, '\\', nlen))
                return -1;
        memcpy(name, b, nlen);
        name[nlen] = '\0';
        return 0;
}
