/* The base HTML layout every page shares, and small form helpers. */
#ifndef KD_LAYOUT_H
#define KD_LAYOUT_H

#include <stdint.h>

struct request;

/* Writes the document head, the site header with the member menu, and opens <main>. title is
 * text (escaped here); NULL shows the site name alone. */
void page_begin(struct request *req, const char *title);
/* Closes <main>, writes the footer and ends the document. Sets the response to HTML with
 * status and returns it. */
int page_end(struct request *req, int status);
/* A hidden input carrying the CSRF token; every POST form writes one. */
void form_csrf(struct request *req);
/* A labelled text input: label (translated text), name, type ("text", "email", "password"),
 * current value (may be NULL), autocomplete token, maxlength in characters (0 for none), and an
 * error message to show under it (NULL for none). */
void form_input(struct request *req, const char *label, const char *name, const char *type,
                const char *value, const char *autocomplete, int maxlength, const char *error);
/* A relative time such as "3 days ago" inside <time> with the exact UTC time as its title. */
void html_time(struct request *req, int64_t t);

#endif
