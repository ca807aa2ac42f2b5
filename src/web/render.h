/* The render context: everything a page, a fragment, an email or a feed needs to write output,
 * without the HTTP request.
 *
 * Renderers take a `struct render *r` and write to r->out. The translation macros _() and _n()
 * (core/i18n.h) read r->locale, so a renderer needs a variable named r in scope. A context is
 * built either from a request (render_for_request) or from plain values (render_init), so the
 * same renderer serves a web page, an email in the recipient's language or a feed with no request
 * in sight.
 *
 * Renderers read data from plain structs that a loader filled beforehand; they do not query the
 * database and do not look at the request. The one exception is r->req, for response-only things
 * (status, headers) of a context that has a request. */
#ifndef KD_RENDER_H
#define KD_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct config;
struct field_problem;
struct locale;
struct parts_recorder;
struct request;
struct static_files;
struct viewer;

struct render {
        struct buf *out;                   /* where HTML is written */
        struct arena *arena;               /* scratch and formatted text; outlives the output */
        const struct locale *locale;       /* the interface language, read by _() and _n() */
        const char *base_url;              /* the site's public address, no trailing slash */
        int64_t now;                       /* "now" for relative times and schedules */
        const struct viewer *viewer;       /* who reads; never NULL (a guest has id 0) */
        const char *csrf_token;            /* NULL when there is no form context (mail, feeds);
                                              read it with render_csrf() */
        const struct config *config;       /* site name and settings */
        const struct static_files *assets; /* for content-hashed asset links; may be NULL */
        struct request *req;               /* NULL outside a request; response-only use */
        bool action_form_written;     /* the page's one action form is out (web/action_form.h) */
        bool reaction_kinds_shown;    /* the six kinds are on the page already (web/reactions.c) */
        struct parts_recorder *parts; /* rendering a shared part: where its slots are noted
                                         (web/page_parts.h); NULL otherwise */
        size_t menu_at, menu_end;     /* where page_head wrote the member menu's items in out */
};

/* A context for the response to req, allocated in req->arena: output into req->resp.body, the
 * request's locale, viewer, CSRF token, configuration and assets, base URL from the
 * configuration, now from the clock. Never NULL. */
struct render *render_for_request(struct request *req);

/* What a form shows for a model's field problem: its message in r's language, with the line it
 * names filled in (formatted in r->arena). NULL when p is NULL or has no message. */
const char *render_problem(struct render *r, const struct field_problem *p);

/* Fills r for output without a request (an email, a feed, a test): output into out, text in
 * arena, locale (NULL: the default locale), base_url (NULL: from config, as for requests), now,
 * viewer (NULL: a guest). No CSRF token and no assets: such a context writes no forms. */
void render_init(struct render *r, struct arena *arena, struct buf *out,
                 const struct locale *locale, const char *base_url, int64_t now,
                 const struct viewer *viewer, const struct config *config);

/* The site's public address without a trailing slash: config->base_url, else
 * http://<listen>. Arena string. */
const char *render_base_url(struct arena *arena, const struct config *config);

/* The CSRF token forms must carry back. With a request, marks the token used, so a guest's new
 * token gets its cookie (as req_csrf does). A context without a form context must not write
 * forms (asserted). */
const char *render_csrf(struct render *r);

/* True when the viewer is a signed-in member. */
bool render_signed_in(const struct render *r);

/* Markup written by a renderer into a scratch buffer, to be placed inside a translated sentence
 * with html_sentence(). Only html_frag_end() and html_frag_text() make one, so its contents are
 * always escaped output. */
struct html_frag {
        const char *html;
};

/* Captures what renderers write to r->out between begin and end: begin redirects r->out to
 * *scratch (which it initialises), end restores saved and returns the captured markup, copied
 * into r->arena. */
void html_frag_begin(struct render *r, struct buf *scratch, struct buf **saved);
struct html_frag html_frag_end(struct render *r, struct buf *scratch, struct buf *saved);
/* User or translated text as a fragment (escaped). */
struct html_frag html_frag_text(struct render *r, const char *text);

/* Writes a whole translated sentence whose arguments are markup: fmt's text is escaped as element
 * text, and each conversion — "%s" in order, or "%N$s" (N from 1 to nfrags) so translators can
 * reorder — is replaced by the fragment's markup. "%%" is a percent sign. Anything else after
 * a "%" (a catalog's mistake, or a number out of range) is written as escaped text, never read
 * as an argument. */
void html_sentence(struct render *r, const char *fmt, int nfrags, const struct html_frag *frags);

#endif
