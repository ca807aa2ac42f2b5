/* The page's one form for its small actions (web/action_form.h). */
#include "web/action_form.h"
#include "http/html.h"
#include "http/request.h"
#include "web/layout.h"
#include "web/render.h"

#include <assert.h>

void action_form(struct render *r)
{
        if (!r->action_form_written)
                action_form_to(r, r->req ? req_local_url(r->req) : NULL);
}

void action_form_to(struct render *r, const char *next)
{
        if (r->action_form_written)
                return;
        assert(render_signed_in(r));
        struct buf *b = r->out;
        r->action_form_written = true;
        html_lit(b, "<form id=\"" ACTION_FORM_ID "\" method=\"post\" action=\"/react\" hidden>");
        form_csrf(r);
        if (next) { /* where a plain submission comes back to (web_react adds the item's
                       fragment) */
                html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"");
                html_attr(b, next);
                html_lit(b, "\">");
        }
        html_lit(b, "</form>\n");
}

void action_form_attr(struct buf *b)
{
        html_lit(b, " form=\"" ACTION_FORM_ID "\"");
}
