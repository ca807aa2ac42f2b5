/* The interface language: the switcher's handler and the settings section. */
#include "web/language.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "http/html.h"
#include "http/request.h"
#include "model/member.h"
#include "web/layout.h"
#include "web/render.h"

int web_language(struct request *req)
{
        const char *tag = req_param(req, "lang");
        const struct locale *l = NULL;
        if (*tag) {
                l = i18n_find(tag);
                if (!l)
                        return req_fail(req, 400, N_("Choose a language from the list."));
                tag = i18n_tag(l);
        }
        if (l)
                resp_cookie(req, WEB_LANGUAGE_COOKIE, tag, KD_LANGUAGE_COOKIE_DAYS * 86400L,
                            req->config->secure_cookies);
        else
                resp_cookie(req, WEB_LANGUAGE_COOKIE, "", -1, req->config->secure_cookies);
        if (req_signed_in(req) &&
            member_set_language(req->db, req->viewer.id, l ? tag : NULL) != MEMBER_OK)
                return req_fail(req, 503, N_("The database is not available."));
        const char *next = req_param(req, "next");
        return resp_redirect(req, *next && http_local_path(next) ? next : "/");
}

void language_settings_section(struct render *r, const char *saved)
{
        struct buf *b = r->out;
        html_lit(b, "<h2>");
        html_text(b, _("Language"));
        html_lit(b, "</h2>\n<form method=\"post\" action=\"/language\" class=\"stack\">\n");
        form_csrf(r);
        html_lit(b, "<input type=\"hidden\" name=\"next\" value=\"/settings?saved=language\">\n");
        form_language(r, _("Interface language"), "lang", saved,
                      _("Automatic (your browser's language)"), NULL);
        html_lit(b, "<p class=\"hint\">");
        html_text(b, _("New episodes and comments you write are marked as written in this "
                       "language; you can change an episode's language in the editor."));
        html_lit(b, "</p>\n<button type=\"submit\">");
        html_text(b, _("Save language"));
        html_lit(b, "</button>\n</form>\n");
}
