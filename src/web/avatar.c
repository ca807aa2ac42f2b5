/* Avatars in pages: an uploaded picture or generated initials. */
#include "web/avatar.h"
#include "actions/avatars.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "http/form.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "model/avatar.h"
#include "model/image.h"
#include "model/member.h"
#include "web/layout.h"
#include "web/render.h"

#include <stdbool.h>
#include <string.h>

void web_avatar(struct render *r, int64_t member_id, const char *name, const char *url, int px)
{
        struct buf *b = r->out;
        if (url) {
                html_lit(b, "<img class=\"avatar\" src=\"");
                html_attr(b, url);
                buf_printf(b, "\" alt=\"\" width=\"%d\" height=\"%d\" loading=\"lazy\">", px, px);
                return;
        }
        char initials[16];
        avatar_initials(name ? name : "", initials, sizeof(initials));
        /* Colours as SVG presentation attributes: the CSP forbids style attributes, not these.
         * The text is centred by its baseline; font-size scales with the viewBox. */
        buf_printf(b,
                   "<svg class=\"avatar\" width=\"%d\" height=\"%d\" viewBox=\"0 0 40 40\" "
                   "aria-hidden=\"true\" focusable=\"false\"><rect width=\"40\" height=\"40\" "
                   "rx=\"20\" fill=\"",
                   px, px);
        html_attr(b, avatar_colour(member_id));
        html_lit(b, "\"/><text x=\"20\" y=\"20\" dy=\".35em\" text-anchor=\"middle\" "
                    "fill=\"#fff\" font-size=\"16\" font-weight=\"600\" "
                    "font-family=\"system-ui, sans-serif\">");
        html_text(b, initials);
        html_lit(b, "</text></svg>");
}

/* ------------------------------------------------------------------ choosing one */

static int avatar_page(struct request *req, int status, const char *message, bool is_error)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct member me;
        if (member_get(req->db, req->arena, req->viewer.id, &me) != MEMBER_OK)
                return req_fail(req, 503, N_("Could not load your account."));
        const char *url = avatar_url(req->db, req->arena, me.id);
        page_begin(r, _("Your picture"));
        html_lit(b, "<section class=\"form-page avatar-page\">\n<h1>");
        html_text(b, _("Your picture"));
        html_lit(b, "</h1>\n");
        if (message)
                page_notice(r, is_error, message);
        html_lit(b, "<p class=\"avatar-now\">");
        web_avatar(r, me.id, me.display_name, url, 96);
        html_lit(b, "<span>");
        html_text(b, url ? _("Members see this picture beside your name.")
                         : _("Members see your initials on a colour beside your name until you "
                             "upload a picture."));
        html_lit(b, "</span></p>\n<form method=\"post\" action=\"/settings/avatar\" "
                    "enctype=\"multipart/form-data\" class=\"stack\">\n");
        form_csrf(r);
        html_lit(b, "<label for=\"avatar-file\">");
        html_text(b, _("A picture of you (PNG, JPEG or WebP, up to 8 MB)"));
        html_lit(b, "</label>\n<input id=\"avatar-file\" type=\"file\" name=\"avatar\" "
                    "accept=\"image/png,image/jpeg,image/webp\" required>\n"
                    "<p class=\"hint\">");
        html_text(b, _("It is cut to a square around what matters most in it."));
        html_lit(b, "</p>\n<button type=\"submit\">");
        html_text(b, _("Upload the picture"));
        html_lit(b, "</button>\n</form>\n");
        if (url) {
                html_lit(b, "<form method=\"post\" action=\"/settings/avatar/remove\">\n");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"secondary\">");
                html_text(b, _("Use my initials instead"));
                html_lit(b, "</button>\n</form>\n");
        }
        html_lit(b, "<p><a href=\"/settings\">");
        html_text(b, _("Back to settings"));
        html_lit(b, "</a></p>\n</section>\n");
        return page_end(r, status);
}

int web_avatar_settings(struct request *req)
{
        struct render *r = render_for_request(req);
        const char *saved = req_param(req, "saved");
        const char *msg = strcmp(saved, "1") == 0   ? _("Your picture is saved.")
                          : strcmp(saved, "0") == 0 ? _("Your initials are back.")
                                                    : NULL;
        return avatar_page(req, 200, msg, false);
}

int web_avatar_upload(struct request *req)
{
        struct render *r = render_for_request(req);
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (write_guard(req, limits))
                return 429;
        const struct form_field *upload = req_param_file(req, "avatar");
        if (!upload || upload->len == 0)
                return avatar_page(req, 422, _("Choose a picture to upload."), true);
        int image_rc = IMAGE_OK;
        int rc = avatar_set(req->db, req->config->data_dir, req->viewer.id, upload->value,
                            upload->len, &image_rc);
        if (rc == AVATAR_OK)
                return resp_redirect(req, "/settings/avatar?saved=1");
        if (rc == AVATAR_NOT_IMAGE)
                return avatar_page(req, 422, _(image_problem(image_rc)), true);
        return req_fail(req, 503, N_("The picture could not be saved. Try again shortly."));
}

int web_avatar_remove(struct request *req)
{
        /* settings are cheap single-row writes, but still counted like every other edit */
        struct rate_limit *const limits[] = {req->guards->edit_by_member, NULL};
        if (write_guard(req, limits))
                return 429;
        if (avatar_clear(req->db, req->viewer.id) != AVATAR_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, "/settings/avatar?saved=0");
}

int web_avatar_remove_as_moderator(struct request *req)
{
        struct member m;
        switch (action_avatar_take_down(req, &m)) {
        case PUB_OK:
                return resp_redirect(req, arena_printf(req->arena, "/@%s", m.handle));
        case ACTION_ANSWERED:
                return req->resp.status;
        case PUB_NOT_FOUND:
                return req_fail(req, 404, N_("There is no member with that handle."));
        case PUB_FORBIDDEN:
                return req_fail(req, 403, N_("Only an admin may take down an admin's picture."));
        default:
                return req_fail(req, 503, N_("The database is not available."));
        }
}
