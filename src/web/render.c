/* The render context: building one from a request or from plain values, and sentences with
 * markup arguments. */
#include "web/render.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/problem.h"

#include <assert.h>
#include <string.h>

static const struct viewer guest_viewer = {.id = 0, .handle = "", .display_name = ""};

const char *render_base_url(struct arena *arena, const struct config *config)
{
        const char *base = config->base_url;
        if (!base || !*base)
                return arena_printf(arena, "http://%s", config->listen);
        size_t n = strlen(base);
        while (n > 0 && base[n - 1] == '/')
                n--;
        return arena_strndup(arena, base, n);
}

struct render *render_for_request(struct request *req)
{
        struct render *r = arena_zalloc(req->arena, sizeof(*r));
        r->out = &req->resp.body;
        r->arena = req->arena;
        r->locale = req->locale ? req->locale : i18n_default();
        r->base_url = render_base_url(req->arena, req->config);
        r->now = time_now();
        r->viewer = &req->viewer;
        r->csrf_token = req->csrf_token;
        r->config = req->config;
        r->assets = req->assets;
        r->req = req;
        return r;
}

void render_init(struct render *r, struct arena *arena, struct buf *out,
                 const struct locale *locale, const char *base_url, int64_t now,
                 const struct viewer *viewer, const struct config *config)
{
        memset(r, 0, sizeof(*r));
        r->out = out;
        r->arena = arena;
        r->locale = locale ? locale : i18n_default();
        r->base_url = base_url ? base_url : render_base_url(arena, config);
        r->now = now;
        r->viewer = viewer ? viewer : &guest_viewer;
        r->config = config;
}

const char *render_csrf(struct render *r)
{
        if (r->req)
                return req_csrf(r->req);
        assert(r->csrf_token && "a form in a context without a form context");
        return r->csrf_token ? r->csrf_token : "";
}

bool render_signed_in(const struct render *r)
{
        return r->viewer->id > 0;
}

void html_frag_begin(struct render *r, struct buf *scratch, struct buf **saved)
{
        *scratch = (struct buf)BUF_INIT;
        *saved = r->out;
        r->out = scratch;
}

struct html_frag html_frag_end(struct render *r, struct buf *scratch, struct buf *saved)
{
        r->out = saved;
        struct html_frag f = {
            arena_strndup(r->arena, scratch->data ? scratch->data : "", scratch->len)};
        buf_free(scratch);
        return f;
}

struct html_frag html_frag_text(struct render *r, const char *text)
{
        struct buf scratch, *saved;
        html_frag_begin(r, &scratch, &saved);
        html_text(r->out, text);
        return html_frag_end(r, &scratch, saved);
}

void html_sentence(struct render *r, const char *fmt, int nfrags, const struct html_frag *frags)
{
        int next = 0; /* the fragment a plain "%s" takes */
        const char *run = fmt, *p = fmt;
        while ((p = strchr(p, '%')) != NULL) {
                html_text_n(r->out, run, (size_t)(p - run));
                const char *q = p + 1;
                int index = -1;
                if (*q == '%') {
                        html_lit(r->out, "%");
                        run = p = q + 1;
                        continue;
                }
                if (*q == 's') {
                        index = next++;
                        q++;
                } else if (*q >= '1' && *q <= '9') {
                        int n = 0;
                        while (*q >= '0' && *q <= '9' && n < 100)
                                n = n * 10 + (*q++ - '0');
                        if (q[0] == '$' && q[1] == 's') {
                                index = n - 1;
                                q += 2;
                        }
                }
                if (index >= 0 && index < nfrags) {
                        html_rendered(r->out, frags[index].html);
                        run = p = q;
                } else { /* not a conversion we fill: the "%" is text */
                        html_text_n(r->out, p, 1);
                        run = p = p + 1;
                }
        }
        html_text(r->out, run);
}

const char *render_problem(struct render *r, const struct field_problem *p)
{
        if (!p || !p->message || !*p->message)
                return NULL;
        if (p->line) /* the msgid has one %u, and the catalog's translation the same */
                return arena_printf(r->arena, _(p->message), p->line);
        return _(p->message);
}
