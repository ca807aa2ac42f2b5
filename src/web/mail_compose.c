/* The site's mail layout and the pieces mail is written with (web/mail_compose.h). */
#include "web/mail_compose.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "http/html.h"
#include "mail/message.h"

#include <string.h>

/* Inline styles: mail clients drop <style> and external sheets unevenly. */
#define FONT        "font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC',sans-serif;"
#define TEXT_STYLE  FONT "font-size:16px;line-height:1.6;color:#1f2328;"
#define MUTED_STYLE FONT "font-size:13px;line-height:1.5;color:#59636e;"

void mail_compose_begin(struct mail_compose *c, struct arena *a, const struct config *config,
                        const char *language, int64_t now)
{
        memset(c, 0, sizeof(*c));
        c->html = (struct buf)BUF_INIT;
        c->text = (struct buf)BUF_INIT;
        const struct locale *l = language ? i18n_find(language) : NULL;
        render_init(&c->r, a, &c->html, l ? l : i18n_default(), NULL, now, NULL, config);
}

void mail_compose_end(struct mail_compose *c)
{
        buf_free(&c->html);
        buf_free(&c->text);
}

const char *mail_compose_url(struct mail_compose *c, const char *path)
{
        return arena_printf(c->r.arena, "%s%s", c->r.base_url, path ? path : "/");
}

void mail_compose_heading(struct mail_compose *c, const char *text)
{
        buf_puts(&c->html, "<h1 style=\"" FONT "font-size:22px;line-height:1.3;margin:0 0 16px;"
                           "color:#1f2328\">");
        html_text(&c->html, text);
        buf_puts(&c->html, "</h1>\n");
        buf_printf(&c->text, "%s\n\n", text);
}

void mail_compose_paragraph(struct mail_compose *c, const char *text)
{
        buf_puts(&c->html, "<p style=\"" TEXT_STYLE "margin:0 0 16px\">");
        html_text(&c->html, text);
        buf_puts(&c->html, "</p>\n");
        buf_printf(&c->text, "%s\n\n", text);
}

void mail_compose_quote(struct mail_compose *c, const char *text)
{
        buf_puts(&c->html, "<blockquote style=\"" TEXT_STYLE "margin:0 0 16px;padding:4px 12px;"
                           "border-left:3px solid #d0d7de;color:#424a53\">");
        html_text(&c->html, text);
        buf_puts(&c->html, "</blockquote>\n");
        for (const char *p = text; *p;) { /* each line quoted, as replies quote */
                size_t n = strcspn(p, "\n");
                buf_puts(&c->text, "> ");
                buf_append(&c->text, p, n);
                buf_putc(&c->text, '\n');
                p += n + (p[n] == '\n');
        }
        buf_putc(&c->text, '\n');
}

void mail_compose_button(struct mail_compose *c, const char *label, const char *url)
{
        buf_puts(&c->html, "<p style=\"margin:0 0 20px\"><a href=\"");
        html_attr(&c->html, url);
        buf_puts(&c->html, "\" style=\"" FONT "display:inline-block;padding:10px 18px;"
                           "background:#0b6b53;color:#ffffff;text-decoration:none;"
                           "border-radius:6px;font-weight:600\">");
        html_text(&c->html, label);
        buf_puts(&c->html, "</a></p>\n");
        buf_printf(&c->text, "%s: %s\n\n", label, url);
}

void mail_compose_rendered(struct mail_compose *c, const char *html, const char *text)
{
        buf_puts(&c->html, "<div style=\"" TEXT_STYLE "\">");
        html_rendered(&c->html, html);
        buf_puts(&c->html, "</div>\n");
        buf_printf(&c->text, "%s\n\n", text ? text : "");
}

/* The whole HTML part: the document around what was written. */
static void write_layout(struct mail_compose *c, const struct mail_compose_send *s, struct buf *out)
{
        struct render *r = &c->r;
        const char *site = r->config && r->config->site_name ? r->config->site_name : "Kindred";
        buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");
        html_attr(out, i18n_tag(r->locale));
        buf_puts(out, "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                      "content=\"width=device-width\"><title>");
        html_text(out, s->subject);
        buf_puts(out, "</title></head>\n<body style=\"margin:0;padding:0;background:#f6f8fa\">\n"
                      "<div style=\"max-width:600px;margin:0 auto;padding:24px 20px;"
                      "background:#ffffff\">\n<p style=\"" FONT "font-size:15px;font-weight:700;"
                      "margin:0 0 24px\"><a href=\"");
        html_attr(out, mail_compose_url(c, "/"));
        buf_puts(out, "\" style=\"color:#0b6b53;text-decoration:none\">");
        html_text(out, site);
        buf_puts(out, "</a></p>\n");
        buf_append(out, c->html.data, c->html.len);
        buf_puts(out, "<hr style=\"border:0;border-top:1px solid #d0d7de;margin:24px 0 16px\">\n");
        if (s->why) {
                buf_puts(out, "<p style=\"" MUTED_STYLE "margin:0 0 8px\">");
                html_text(out, s->why);
                buf_puts(out, "</p>\n");
        }
        if (s->unsubscribe_url) {
                buf_puts(out, "<p style=\"" MUTED_STYLE "margin:0 0 8px\"><a href=\"");
                html_attr(out, s->unsubscribe_url);
                buf_puts(out, "\" style=\"color:#59636e\">");
                html_text(out, _("Unsubscribe"));
                buf_puts(out, "</a></p>\n");
        }
        buf_puts(out, "</div>\n</body></html>\n");
}

enum mail_queue_result mail_compose_queue(struct mail_compose *c, struct db *db,
                                          const struct mail_compose_send *s, int64_t *id)
{
        struct render *r = &c->r;
        struct buf html = BUF_INIT, text = BUF_INIT;
        write_layout(c, s, &html);
        buf_append(&text, c->text.data, c->text.len);
        buf_puts(&text, "-- \n"); /* the signature separator: clients grey out what follows */
        if (s->why)
                buf_printf(&text, "%s\n", s->why);
        if (s->unsubscribe_url)
                buf_printf(&text, "%s: %s\n", _("Unsubscribe"), s->unsubscribe_url);
        buf_printf(&text, "%s\n", mail_compose_url(c, "/"));
        struct mail_message m = {
            .to_name = s->to_name,
            .to_address = s->to_address,
            .subject = s->subject,
            .text = text.data,
            .html = html.data,
            .list_unsubscribe = s->unsubscribe_url,
            .one_click = s->unsubscribe_url != NULL,
            .auto_generated = true,
        };
        enum mail_queue_result rc = mail_queue(db, s->purpose, &m, r->now, id);
        buf_free(&html);
        buf_free(&text);
        return rc;
}
