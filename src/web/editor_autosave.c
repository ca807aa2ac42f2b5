/* The editor's autosave on the page (web/editor_autosave.h). */
#include "web/editor_autosave.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "http/html.h"
#include "http/request.h"
#include "model/autosave.h"
#include "model/episode.h"
#include "model/newsletter.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

bool editor_autosave_load(struct request *req, int64_t newsletter_id,
                          const struct episode *existing, struct autosave *out)
{
        if (autosave_get(req->db, req->arena, req->viewer.id, newsletter_id,
                         existing ? existing->id : 0, out) != 1)
                return false;
        /* A save after the copy (from another tab, or by a co-author) wins: nothing to offer. */
        return !existing || out->saved_at > existing->updated_at;
}

/* The editor's address for the episode (existing NULL: a new one in n). */
static void editor_path(struct buf *b, const struct newsletter *n, const struct episode *existing)
{
        if (existing) {
                html_lit(b, "/write/episode/");
                html_int(b, existing->id);
        } else {
                html_lit(b, "/write/n/");
                html_url_arg(b, n->slug);
                html_lit(b, "/episode");
        }
}

void editor_autosave_notice(struct render *r, const struct newsletter *n,
                            const struct episode *existing, const struct autosave *a)
{
        struct buf *b = r->out;
        html_lit(b, "<div class=\"notice autosave-offer\" role=\"status\"><p>");
        struct html_frag when = html_time_frag(r, a->saved_at);
        /* TRANSLATORS: %s is a relative time such as "5 minutes ago" */
        html_sentence(r, _("Text you were writing %s was kept and not saved yet."), 1, &when);
        html_lit(b, "</p>\n<form method=\"post\" action=\"/write/autosave/discard\" "
                    "class=\"inline-form\">\n");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"newsletter\" value=\"");
        html_int(b, n->id);
        html_lit(b, "\"><input type=\"hidden\" name=\"episode\" value=\"");
        html_int(b, existing ? existing->id : 0);
        html_lit(b, "\">\n<a class=\"button\" href=\"");
        editor_path(b, n, existing);
        html_lit(b, "?restore=1\">");
        html_text(b, _("Restore it"));
        html_lit(b, "</a> <button type=\"submit\" class=\"secondary\">");
        html_text(b, _("Discard it"));
        html_lit(b, "</button>\n</form>\n</div>\n");
}

int web_write_autosave_discard(struct request *req)
{
        int64_t newsletter_id = req_param_int(req, "newsletter", 0);
        int64_t episode_id = req_param_int(req, "episode", 0);
        struct newsletter n;
        if (newsletter_get(req->db, req->arena, newsletter_id, &n) != PUB_OK)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        /* Only the viewer's own copy: the key includes their id. */
        if (autosave_discard(req->db, req->viewer.id, newsletter_id, episode_id) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        if (episode_id > 0)
                return resp_redirect(
                    req, arena_printf(req->arena, "/write/episode/%lld", (long long)episode_id));
        return resp_redirect(req, arena_printf(req->arena, "/write/n/%s/episode", n.slug));
}
