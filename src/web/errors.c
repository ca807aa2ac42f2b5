/* The HTML error page for 4xx and 5xx answers. */
#include "web/errors.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "web/layout.h"
#include "web/render.h"

static const char *status_title(struct render *r, int status)
{
        switch (status) {
        case 400:
                return _("That request could not be read");
        case 401:
                return _("Please log in");
        case 403:
                return _("Not allowed");
        case 404:
                return _("Page not found");
        case 405:
                return _("Method not allowed");
        case 409:
                return _("Already taken");
        case 413:
                return _("Too large");
        case 414:
                return _("Address too long");
        case 415:
                return _("Unsupported form encoding");
        case 429:
                return _("Too many attempts");
        case 503:
                return _("Temporarily unavailable");
        default:
                return status >= 500 ? _("Something went wrong") : _("Request refused");
        }
}

void web_error_render(struct request *req)
{
        struct render *r = render_for_request(req);
        int status = req->resp.status ? req->resp.status : 500;
        const char *title = status_title(r, status);
        struct buf *b = r->out;
        buf_reset(b);
        /* An error is never a page to find in a search engine: a 404 indexed under the address
         * of a deleted episode would outlive it. */
        struct page_meta meta = {.title = title, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<section class=\"error-page\">\n<p class=\"status\">");
        html_int(b, status);
        html_lit(b, "</p>\n<h1>");
        html_text(b, title);
        html_lit(b, "</h1>\n<p>");
        /* The message is a msgid marked N_() where req_fail() was called; an empty one is
         * gettext's header entry, never looked up. */
        const char *message = req->resp.error_message;
        if (message && *message)
                html_text(b, _(message));
        html_lit(b, "</p>\n<p><a href=\"/\">");
        html_text(b, _("Go to the home page"));
        html_lit(b, "</a></p>\n</section>\n");
        page_end(r, status);
}
