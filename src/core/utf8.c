/* UTF-8 validation (RFC 3629, Unicode table 3-7) and counting. */
#include "core/utf8.h"

bool utf8_valid(const char *str, size_t len)
{
        const unsigned char *s = (const unsigned char *)str;
        size_t i = 0;
        while (i < len) {
                unsigned c = s[i];
                if (c == 0)
                        return false;
                if (c < 0x80) {
                        i++;
                        continue;
                }
                size_t need;
                unsigned lo = 0x80, hi = 0xBF;
                if (c >= 0xC2 && c <= 0xDF) {
                        need = 1;
                } else if (c >= 0xE0 && c <= 0xEF) {
                        need = 2;
                        if (c == 0xE0)
                                lo = 0xA0; /* overlong */
                        if (c == 0xED)
                                hi = 0x9F; /* surrogates */
                } else if (c >= 0xF0 && c <= 0xF4) {
                        need = 3;
                        if (c == 0xF0)
                                lo = 0x90; /* overlong */
                        if (c == 0xF4)
                                hi = 0x8F; /* above U+10FFFF */
                } else {
                        return false;
                }
                if (len - i <= need)
                        return false;
                if (s[i + 1] < lo || s[i + 1] > hi)
                        return false;
                for (size_t k = 2; k <= need; k++)
                        if ((s[i + k] & 0xC0) != 0x80)
                                return false;
                i += need + 1;
        }
        return true;
}

size_t utf8_count(const char *str, size_t len)
{
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
                if (((unsigned char)str[i] & 0xC0) != 0x80)
                        n++;
        return n;
}

bool utf8_has_controls(const char *str, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)str[i];
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                        return true;
                /* C1 controls U+0080..U+009F are encoded C2 80..C2 9F */
                if (c == 0xC2 && i + 1 < len && (unsigned char)str[i + 1] >= 0x80 &&
                    (unsigned char)str[i + 1] <= 0x9F)
                        return true;
        }
        return false;
}
