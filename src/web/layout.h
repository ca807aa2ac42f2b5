/* The base HTML layout every page shares, and small form helpers. */
#ifndef KD_LAYOUT_H
#define KD_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

struct buf;
struct render;
struct request;

/* What a page tells browsers, search engines and link previews about itself. Everything is
 * optional except title. Paths are site-relative ("/n/x"); they are made absolute here. */
struct page_meta {
        const char *title;       /* NULL: the site name alone */
        const char *description; /* plain text for description/og:description */
        const char *canonical;   /* path; NULL: this request's path ("/" without a request) */
        const char *image;       /* path of a preview image (a cover) */
        const char *image_alt;
        const char *type;       /* og:type: "article" or NULL for "website" */
        int64_t published;      /* article:published_time when > 0 */
        const char *author;     /* article author's display name */
        const char *feed_atom;  /* path of a related Atom feed, linked as alternate */
        const char *feed_json;  /* path of a related JSON Feed */
        const char *feed_title; /* title of those feeds */
        bool noindex;           /* drafts and private pages: keep out of search engines */
};

/* What the site header's member menu counts for the viewer: the page head's loaded data. */
struct page_chrome {
        int64_t unread;   /* unread notifications */
        bool can_review;  /* the viewer may moderate: show the Moderation link */
        int64_t reported; /* open reports the viewer may review */
};

/* Loader: the menu counts of req's viewer (all zero for a guest). */
void page_chrome_load(struct request *req, struct page_chrome *chrome);
/* Renderer: writes the document head with meta (paths made absolute with r->base_url), the site
 * header with the member menu for r->viewer and chrome's counts, and opens <main>. */
void page_head(struct render *r, const struct page_meta *meta, const struct page_chrome *chrome);
/* Renderer: the member menu's items for r->viewer and chrome's counts (what page_head writes
 * between r->menu_at and r->menu_end). */
void page_menu_items(struct render *r, const struct page_chrome *chrome);
/* page_head for a page: when r has a request, loads its chrome and takes the request's path as
 * the default canonical address; without one, a menu with no counts. */
void page_begin_meta(struct render *r, const struct page_meta *meta);
/* page_begin_meta with a title (text, escaped; NULL shows the site name alone) and defaults. */
void page_begin(struct render *r, const char *title);
/* Closes <main>, writes the footer and ends the document. With a request, sets the response to
 * HTML with status; returns status. */
int page_end(struct render *r, int status);
/* A notice at the top of a form page: an error (role alert) or a confirmation (role status). */
void page_notice(struct render *r, bool error, const char *text);
/* A hidden input carrying the CSRF token; every POST form writes one (needs a form context). */
void form_csrf(struct render *r);
/* A labelled text input: label (translated text), name, type ("text", "email", "password"),
 * current value (may be NULL), autocomplete token, the server's limit in code points (0 for
 * none; written as html_maxlength does), and an error message to show under it (NULL for
 * none). */
void form_input(struct render *r, const char *label, const char *name, const char *type,
                const char *value, const char *autocomplete, int maxlength, const char *error);
/* Writes ` maxlength="N"` for a field of at most max_chars code points (the server's limit).
 * Browsers count maxlength in UTF-16 code units, two for a code point outside the Basic
 * Multilingual Plane (most emoji), so N is twice the limit: any text the server accepts can be
 * typed, and the server explains a text that is too long. */
void html_maxlength(struct buf *b, int max_chars);
/* A labelled <input type="number"> bounded by min and max (maxlength does not apply to
 * numbers); value may be NULL or "" for an empty field, error as for form_input. */
void form_number(struct render *r, const char *label, const char *name, const char *value, int min,
                 int max, const char *error);
/* A labelled textarea; hint (translated, may be NULL) is shown under the label. */
void form_textarea(struct render *r, const char *label, const char *name, const char *value,
                   int rows, int maxlength, const char *hint, const char *error);

/* One choice of a select: value as sent, label (translated) as shown. */
struct form_option {
        const char *value;
        const char *label;
};
/* A labelled select of the languages with a catalog, each by its own name; selected (a tag,
 * may be NULL) is chosen. none_label (may be NULL) adds a first option with the value "" for
 * "no choice", chosen when selected names no catalog. */
void form_language(struct render *r, const char *label, const char *name, const char *selected,
                   const char *none_label, const char *error);
/* A labelled select with the option whose value equals selected chosen. */
void form_select(struct render *r, const char *label, const char *name,
                 const struct form_option *options, int count, const char *selected,
                 const char *error);

/* Formats fmt (usually a translated message) with its arguments in the context's arena and
 * writes the result as escaped element text. The text is never cut: user text and translations
 * are not formatted into fixed-size buffers (STYLE.md habit 7). */
void html_textf(struct render *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes ` lang="…"` for content written in language tag (an episode's or a comment's; NULL or
 * a tag without a catalog: the site's default language), so a page's content keeps its own
 * language whatever the interface speaks. */
void html_lang_attr(struct render *r, const char *tag);

/* A relative time such as "3 days ago" (from r->now) inside <time> with the exact UTC time as
 * its title. */
void html_time(struct render *r, int64_t t);

#endif
