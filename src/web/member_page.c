/* Whole pages kept for members (web/member_page.h). */
#include "web/member_page.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/role.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

const char *member_page_key(struct request *req, bool any_role)
{
        /* no field at all, from the query string or a body (a GET may carry one): they change
         * the page but not the key */
        if (!req_signed_in(req) || (!any_role && req->viewer.role != ROLE_READER) ||
            req->method != HTTP_GET || req->raw.count > 0 || req->body.len > 0 ||
            !req->shared_parts || !page_parts_enabled())
                return NULL;
        const char *lang = i18n_tag(req->locale ? req->locale : i18n_default());
        return arena_printf(req->arena, "page:%s:%s", lang, req->path);
}

bool member_page_get(struct request *req, const char *key, struct page_part *out)
{
        (void)req;
        return page_parts_get(key, time_now(), out);
}

int member_page_send(struct request *req, struct page_part *p, void (*draw_own)(struct render *r))
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_chrome chrome;
        page_chrome_load(req, &chrome);
        size_t pos = 0;
        for (size_t i = 0; i < p->nslots; i++) {
                const struct parts_slot *s = &p->slots[i];
                buf_append(b, p->bytes + pos, s->at - pos);
                pos = s->at + s->len;
                if (s->kind == PARTS_MENU)
                        page_menu_items(r, &chrome);
                else if (s->kind == PARTS_PAGE_OWN)
                        draw_own(r); /* kept only by a keeper that draws it */
                else
                        html_attr(b, render_csrf(r));
        }
        buf_append(b, p->bytes + pos, p->len - pos);
        page_parts_release(p);
        return resp_html(req, 200);
}

/* Notes a slot over [at, at + len) of the page. */
static void note_slot(struct arena *a, struct parts_slot **slots, size_t *n, size_t *cap,
                      enum parts_slot_kind kind, size_t at, size_t len)
{
        *slots = arena_grow(a, *slots, *n, cap, sizeof(**slots));
        struct parts_slot *s = &(*slots)[(*n)++];
        memset(s, 0, sizeof(*s));
        s->kind = kind;
        s->at = at;
        s->len = len;
}

void member_page_keep(struct request *req, const struct render *r, const char *key,
                      const int64_t meta[PAGE_PART_META], const struct member_page_own *own)
{
        const struct buf *out = r->out;
        const char *token = req_csrf(req);
        size_t tlen = strlen(token);
        if (!out->len || r->menu_end <= r->menu_at || r->menu_end > out->len || tlen < 16)
                return; /* not a page with page_head's menu, or no token to find */
        /* the ranges drawn for each member, in page order: the menu, and the keeper's own */
        struct parts_slot fixed[2] = {
            {.kind = PARTS_MENU, .at = r->menu_at, .len = r->menu_end - r->menu_at}};
        size_t nfixed = 1;
        if (own) {
                if (own->at + own->len > out->len ||
                    (own->at < r->menu_end && own->at + own->len > r->menu_at))
                        return; /* not a range of this page beside the menu */
                fixed[nfixed++] =
                    (struct parts_slot){.kind = PARTS_PAGE_OWN, .at = own->at, .len = own->len};
                if (fixed[1].at < fixed[0].at) {
                        struct parts_slot t = fixed[0];
                        fixed[0] = fixed[1];
                        fixed[1] = t;
                }
        }
        /* The token is random: wherever its bytes stand in the page, the page wrote it (the
         * menu's own, in the log-out form, goes with the menu). */
        struct parts_slot *slots = NULL;
        size_t n = 0, cap = 0, next_fixed = 0;
        const char *page = out->data;
        size_t at = 0;
        for (;;) {
                const char *hit = memmem(page + at, out->len - at, token, tlen);
                size_t where = hit ? (size_t)(hit - page) : out->len;
                if (next_fixed < nfixed && where + (hit ? tlen : 0) > fixed[next_fixed].at) {
                        const struct parts_slot *f = &fixed[next_fixed++];
                        note_slot(req->arena, &slots, &n, &cap, f->kind, f->at, f->len);
                        at = f->at + f->len;
                        continue;
                }
                if (!hit)
                        break;
                note_slot(req->arena, &slots, &n, &cap, PARTS_TOKEN, where, tlen);
                at = where + tlen;
        }
        struct page_part part = {.bytes = out->data, .len = out->len, .slots = slots, .nslots = n};
        memcpy(part.meta, meta, sizeof(part.meta));
        page_parts_put(key, r->now, req->parts_generation, &part);
}
