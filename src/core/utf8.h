/* UTF-8 validation and counting. */
#ifndef KD_UTF8_H
#define KD_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8: no overlong forms, no surrogates, nothing above
 * U+10FFFF, and no NUL bytes (a NUL would silently truncate text further down). */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8 s[0..len). */
size_t utf8_count(const char *s, size_t len);
/* True when s has a control character (C0, DEL or C1) other than tab, newline or carriage
 * return. */
bool utf8_has_controls(const char *s, size_t len);

#endif
