/* HTML output by context (STYLE.md habit 1): text, attribute, URL argument.
 *
 * Every runtime string goes through an escaping function. html_lit() writes markup as-is but
 * only compiles with a string literal ("" s "" is a syntax error for a variable), so an
 * unescaped runtime string cannot reach the page by accident. */
#ifndef KD_HTML_H
#define KD_HTML_H

#include "core/buf.h"

#include <stdint.h>

/* Writes literal markup; s must be a string literal. */
#define html_lit(b, s) buf_append((b), "" s "", sizeof("" s "") - 1)

/* Writes s as element text: & < > " ' escaped. NULL writes nothing. */
void html_text(struct buf *b, const char *s);
void html_text_n(struct buf *b, const char *s, size_t len);
/* Writes s for a double-quoted attribute value (same escapes, also safe for single quotes). */
void html_attr(struct buf *b, const char *s);
/* Writes s percent-encoded for one URL path segment or query value (RFC 3986 unreserved kept). */
void html_url_arg(struct buf *b, const char *s);
/* Writes a decimal integer. */
void html_int(struct buf *b, int64_t v);
/* Writes a URL for href/src after checking its scheme: relative URLs and http, https and mailto
 * pass (attribute-escaped); anything else (javascript:, data:, ...) becomes "#". */
void html_href(struct buf *b, const char *url);

/* Writes HTML that Kindred's Markdown renderer produced (stored when content was saved). The
 * renderer escapes everything it copies from the source, so its output is safe as it is; no
 * other runtime string may be written this way. */
void html_rendered(struct buf *b, const char *html);
/* JSON string contents for a <script type="application/json"> block are not needed: pages carry
 * data in data-* attributes written with html_attr(). */

#endif
