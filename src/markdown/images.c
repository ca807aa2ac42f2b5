/* Checking the images of a Markdown text (markdown/images.h): md4c parses with the same
 * dialect as the renderer, and only the image spans are looked at. */
#include "markdown/images.h"
#include "core/buf.h"

#include <md4c.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

struct image_checker {
        const char *doc;
        size_t len;
        const char *base_url;
        enum mdr_image_check result;
        unsigned line;
};

static unsigned line_at(const struct image_checker *c, const char *p)
{
        unsigned line = 1;
        if (p < c->doc || p > c->doc + c->len)
                return 0;
        for (const char *q = c->doc; q < p; q++)
                if (*q == '\n')
                        line++;
        return line;
}

/* The address with backslash escapes resolved by md4c; false when it holds an entity or a
 * NUL (a way to spell "https:" that a simple look would miss: refused as not an upload). */
static bool plain_address(const MD_ATTRIBUTE *a, struct buf *out)
{
        for (int i = 0; a->substr_offsets[i] < a->size; i++) {
                if (a->substr_types[i] != MD_TEXT_NORMAL)
                        return false;
                buf_append(out, a->text + a->substr_offsets[i],
                           a->substr_offsets[i + 1] - a->substr_offsets[i]);
        }
        return true;
}

static enum mdr_image_check classify(const char *src, const char *base_url)
{
        if (strncmp(src, "/media/", 7) == 0 && src[7])
                return MDR_IMAGES_OK;
        size_t blen = base_url ? strlen(base_url) : 0;
        while (blen > 0 && base_url[blen - 1] == '/')
                blen--;
        if (blen > 0 && strncasecmp(src, base_url, blen) == 0 &&
            strncmp(src + blen, "/media/", 7) == 0 && src[blen + 7])
                return MDR_IMAGES_OK;
        size_t n = strcspn(src, ":/?#");
        if ((src[n] == ':' && n > 0) || (src[0] == '/' && src[1] == '/'))
                return MDR_IMAGE_FOREIGN;
        return MDR_IMAGE_NOT_UPLOAD;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
        struct image_checker *c = userdata;
        if (type != MD_SPAN_IMG || c->result != MDR_IMAGES_OK)
                return 0;
        const MD_SPAN_IMG_DETAIL *d = detail;
        struct buf src = BUF_INIT;
        bool plain = plain_address(&d->src, &src);
        buf_putc(&src, '\0');
        enum mdr_image_check verdict =
            plain ? classify(src.data, c->base_url) : MDR_IMAGE_NOT_UPLOAD;
        buf_free(&src);
        if (verdict != MDR_IMAGES_OK) {
                c->result = verdict;
                c->line = line_at(c, d->src.text);
        }
        return 0;
}

static int on_other(int type, void *detail, void *userdata)
{
        (void)type, (void)detail, (void)userdata;
        return 0;
}

static int on_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
        return on_other((int)type, detail, userdata);
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
        return on_other((int)type, detail, userdata);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
        (void)type, (void)text, (void)size, (void)userdata;
        return 0;
}

enum mdr_image_check mdr_check_images(const char *src, size_t len, const char *base_url,
                                      unsigned *line)
{
        struct image_checker c = {.doc = src, .len = len, .base_url = base_url};
        /* The renderer's dialect (markdown.c): what it would show as an image, and only that. */
        MD_PARSER parser = {
            .abi_version = 0,
            .flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS |
                     MD_FLAG_TASKLISTS | MD_FLAG_NOHTML,
            .enter_block = on_block,
            .leave_block = on_block,
            .enter_span = on_enter_span,
            .leave_span = on_leave_span,
            .text = on_text,
        };
        md_parse(src, (MD_SIZE)len, &parser, &c);
        *line = c.line;
        return c.result;
}
