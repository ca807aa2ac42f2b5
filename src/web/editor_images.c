/* Images in an episode's text (web/editor_images.h). */
#include "web/editor_images.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "markdown/images.h"
#include "model/image.h"
#include "model/problem.h"
#include "web/layout.h"
#include "web/render.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

void editor_images_fieldset(struct render *r, const char *inline_alt, const char *error_image,
                            const char *error_alt)
{
        struct buf *b = r->out;
        html_lit(b, "<fieldset class=\"inline-images\" id=\"inline-images\"><legend>");
        html_text(b, _("Add an image to the text"));
        html_lit(b, "</legend>\n<p class=\"hint\">");
        html_text(b, _("The image is uploaded and its Markdown is added to the text (at the "
                       "cursor with JavaScript, else at the end). You can also paste an image "
                       "or drop one on the text."));
        html_lit(b, "</p>\n<div class=\"field\"><label for=\"f-inline_image\">");
        html_text(b, _("Image"));
        html_lit(b, "</label>\n<input id=\"f-inline_image\" name=\"inline_image\" type=\"file\" "
                    "accept=\"image/png,image/jpeg,image/webp,image/gif\"");
        if (error_image)
                html_lit(b, " aria-invalid=\"true\" aria-describedby=\"e-inline_image\"");
        html_lit(b, ">\n");
        if (error_image) {
                html_lit(b, "<p class=\"field-error\" id=\"e-inline_image\">");
                html_text(b, error_image);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</div>\n");
        form_input(r, _("Alt text (required: what the image shows)"), "inline_alt", "text",
                   inline_alt, "off", KD_ALT_MAX, error_alt);
        html_lit(b, "<p><button type=\"submit\" name=\"action\" value=\"insert_image\" "
                    "class=\"secondary\" data-insert-image>");
        html_text(b, _("Upload and insert"));
        html_lit(b, "</button></p>\n</fieldset>\n");
}

void editor_image_markdown(struct buf *b, const char *alt, const char *url)
{
        buf_puts(b, "![");
        /* Alt text is one line of plain text: Markdown punctuation in it is escaped, so
         * "[draft]" stays text and cannot close the brackets early. */
        for (const char *p = alt; *p; p++) {
                if (*p == '\n' || *p == '\r' || *p == '\t') {
                        buf_putc(b, ' ');
                        continue;
                }
                if (strchr("\\[]*_`<>!#|~", *p))
                        buf_putc(b, '\\');
                buf_putc(b, *p);
        }
        buf_puts(b, "](");
        buf_puts(b, url);
        buf_putc(b, ')');
}

static bool blank(const char *s)
{
        for (; *s; s++)
                if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
                        return false;
        return true;
}

/* Images stored from the text, per member and hour: counted here, where the plain form and the
 * API both store them, since each costs up to KD_MAX_IMAGE_BYTES and several libvips resizes. */
static struct rate_limit *images_by_member;
static pthread_once_t images_limit_once = PTHREAD_ONCE_INIT;

static void make_images_limit(void)
{
        images_by_member =
            rate_limit_new("editor_image_by_member", KD_INLINE_IMAGES_PER_MEMBER_PER_HOUR, 3600);
}

int editor_store_inline_image(struct request *req, const struct form_field *upload, const char *alt,
                              const char **markdown, struct field_problem *p)
{
        pthread_once(&images_limit_once, make_images_limit);
        char key[48];
        snprintf(key, sizeof(key), "member:%lld", (long long)req->viewer.id);
        unsigned wait = rate_limit_hit(images_by_member, key, time_now());
        if (wait) {
                char secs[16];
                snprintf(secs, sizeof(secs), "%u", wait);
                resp_header(req, "Retry-After", secs);
                field_problem_set(p, "inline_image",
                                  N_("Too many requests. Wait a moment and try again."));
                return 429;
        }
        if (!upload || upload->len == 0) {
                field_problem_set(p, "inline_image", N_("Choose an image to upload."));
                return 422;
        }
        if (!alt || blank(alt)) {
                field_problem_set(p, "inline_alt",
                                  N_("Describe the image: readers who cannot see it hear or "
                                     "read this instead."));
                return 422;
        }
        const char *alt_problem = text_problem(alt, true, KD_ALT_MAX);
        if (alt_problem) {
                field_problem_set(p, "inline_alt", alt_problem);
                return 422;
        }
        int64_t id;
        int rc = image_store(req->db, req->config->data_dir, upload->value, upload->len,
                             req->viewer.id, &id);
        if (rc != IMAGE_OK) {
                field_problem_set(p, "inline_image", image_problem(rc));
                return rc == IMAGE_IO_ERROR || rc == IMAGE_DB_ERROR ? 503 : 422;
        }
        const char *url = image_url(req->db, req->arena, id);
        if (!url) {
                field_problem_set(p, "inline_image", N_("The database is not available."));
                return 503;
        }
        struct buf md = BUF_INIT;
        editor_image_markdown(&md, alt, url);
        *markdown = arena_strndup(req->arena, md.data, md.len);
        buf_free(&md);
        return 0;
}

int editor_check_images(struct request *req, const char *body, struct field_problem *p)
{
        unsigned line = 0;
        switch (mdr_check_images(body, strlen(body), req->config->base_url, &line)) {
        case MDR_IMAGES_OK:
                return 0;
        case MDR_IMAGE_FOREIGN:
                field_problem_set(p, "body",
                                  N_("The image on line %u is on another site. Readers' "
                                     "browsers would not load it and would show a broken "
                                     "image: save it, then upload it here with “Add an image "
                                     "to the text”."));
                break;
        case MDR_IMAGE_NOT_UPLOAD:
                field_problem_set(p, "body",
                                  N_("The image on line %u is not one uploaded here. Upload it "
                                     "with “Add an image to the text”, which writes its address "
                                     "for you."));
                break;
        }
        p->line = line;
        return PUB_INVALID;
}
