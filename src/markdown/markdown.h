/* Markdown to safe HTML and plain text (md4c parses; Kindred's own renderer writes the HTML).
 *
 * Dialect: CommonMark plus tables, strikethrough, permissive autolinks and task lists. Raw HTML
 * never passes: md4c runs with MD_FLAG_NOHTML, so "<script>" is shown as escaped text. */
#ifndef KD_MARKDOWN_H
#define KD_MARKDOWN_H

#include "core/buf.h"

#include <stddef.h>

/* MDR_ARTICLE: headings get ids, images are allowed (and need alt text), absolute links get
 * rel="noopener". MDR_MEMBER (comments): no images (their alt text is shown instead), headings
 * become <p><strong>, every link gets rel="nofollow ugc noopener". */
enum mdr_mode { MDR_ARTICLE, MDR_MEMBER };

struct mdr_result {
        struct buf html;           /* the rendered HTML fragment */
        struct buf text;           /* plain text, blocks separated by "\n\n" */
        unsigned words;            /* words in text */
        unsigned reading_minutes;  /* ceil(words / 230); at least 1 when words > 0 */
        int error;                 /* non-zero after a failed render */
        const char *error_message; /* English message (static, or in error_buf); NULL on success */
        char error_buf[96];        /* room for messages that name a line */
        const char *error_msgid;   /* the message as a static msgid for the catalog, with a %u
                                    * standing for error_line when that is set; NULL on success */
        unsigned error_line;       /* the line the message names, or 0 */
};

/* Renders src[0..len), which must be valid UTF-8 of at most KD_MAX_MARKDOWN_BYTES. Returns 0, or
 * -1 with out->error set and out->error_message saying why (html and text are then empty).
 * out is always initialised; the caller frees it with mdr_result_free() in either case. */
int mdr_render(const char *src, size_t len, enum mdr_mode mode, struct mdr_result *out);
/* Frees what mdr_render() allocated; r is empty and reusable afterwards. */
void mdr_result_free(struct mdr_result *r);

#endif
