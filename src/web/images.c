/* Responsive images in pages: srcset over the resized copies, in covers, cards and articles. */
#include "web/images.h"
#include "core/arena.h"
#include "core/buf.h"
#include "db/db.h"
#include "http/html.h"
#include "model/image.h"
#include "model/image_variants.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The 64-hex hash in "/media/<sha256>.<ext>", into sha (65 bytes); false for other URLs. */
static bool media_sha(const char *url, char *sha)
{
        if (!url || strncmp(url, "/media/", 7) != 0)
                return false;
        const char *name = url + 7;
        if (!image_stored_name_type(name))
                return false;
        memcpy(sha, name, 64);
        sha[64] = '\0';
        return true;
}

/* Writes a srcset of the copies of one kind (WebP or the original's format), largest last,
 * with the original itself when it is that kind. Returns how many candidates it wrote. */
static int write_srcset(struct buf *b, struct arena *a, const char *sha, const char *url,
                        const struct image_tag *t, const struct image_variant *v, int n, bool webp)
{
        const char *own_ext = image_mime_ext(t->mime);
        bool original_is_webp = own_ext && strcmp(own_ext, "webp") == 0;
        int written = 0;
        for (int i = 0; i < n; i++) {
                if (v[i].webp != webp || (!webp && original_is_webp))
                        continue;
                if (written++)
                        html_lit(b, ", ");
                html_attr(b, image_variant_url(a, sha, v[i].width, webp ? "webp" : own_ext));
                buf_printf(b, " %uw", v[i].width);
        }
        /* The original is a candidate of its own kind, unless a copy already has its width. */
        bool full_copy = n > 0 && v[n - 1].webp == webp && (int)v[n - 1].width == t->width;
        if (webp == original_is_webp && !full_copy) {
                if (written++)
                        html_lit(b, ", ");
                html_attr(b, url);
                buf_printf(b, " %dw", t->width);
        }
        return written;
}

void image_tag_write(struct buf *b, struct arena *a, const struct image_tag *t)
{
        char sha[65];
        struct image_variant v[2 * KD_IMAGE_VARIANT_MAX];
        int n = media_sha(t->url, sha) && t->width > 0
                    ? image_variants_of(t->mime, (uint32_t)t->width, v)
                    : 0;
        if (n > 0) {
                html_lit(b, "<picture><source type=\"image/webp\" srcset=\"");
                write_srcset(b, a, sha, t->url, t, v, n, true);
                html_lit(b, "\" sizes=\"");
                html_attr(b, t->sizes);
                html_lit(b, "\">");
        }
        html_lit(b, "<img");
        if (t->class_name) {
                html_lit(b, " class=\"");
                html_attr(b, t->class_name);
                html_lit(b, "\"");
        }
        html_lit(b, " src=\"");
        html_attr(b, t->url);
        html_lit(b, "\"");
        const char *own_ext = image_mime_ext(t->mime ? t->mime : "");
        if (n > 0 && own_ext && strcmp(own_ext, "webp") != 0) {
                html_lit(b, " srcset=\"");
                write_srcset(b, a, sha, t->url, t, v, n, false);
                html_lit(b, "\" sizes=\"");
                html_attr(b, t->sizes);
                html_lit(b, "\"");
        }
        html_lit(b, " alt=\"");
        html_attr(b, t->alt ? t->alt : "");
        html_lit(b, "\"");
        if (t->width > 0 && t->height > 0)
                buf_printf(b, " width=\"%d\" height=\"%d\"", t->width, t->height);
        if (t->load == IMAGE_LAZY)
                html_lit(b, " loading=\"lazy\" decoding=\"async\"");
        else if (t->load == IMAGE_PRIORITY)
                html_lit(b, " fetchpriority=\"high\"");
        html_lit(b, ">");
        if (n > 0)
                html_lit(b, "</picture>");
}

/* ------------------------------------------------------------------ rendered Markdown */

/* How wide an article's images show: the text column (docs/images.md) or the screen. */
#define ARTICLE_IMAGE_SIZES "(max-width: 44rem) calc(100vw - 2rem), 42rem"

struct found {
        const char *mime;
        int width, height;
};

static bool lookup(struct db *db, struct arena *a, const char *sha, struct found *f)
{
        struct db_stmt *s =
            db_prepare(db, "SELECT mime, width, height FROM image WHERE sha256 = ?1");
        if (!s)
                return false;
        db_bind_text(s, 1, sha);
        bool ok = db_step(s) == DB_ROW;
        if (ok) {
                f->mime = arena_strdup(a, db_col_text(s, 0));
                f->width = (int)db_col_int(s, 1);
                f->height = (int)db_col_int(s, 2);
        }
        db_finish(s);
        return ok;
}

const char *image_html_responsive(struct db *db, struct arena *a, const char *html)
{
        static const char opening[] = "<img src=\"/media/";
        const char *p = html ? strstr(html, opening) : NULL;
        if (!p)
                return html;
        struct buf out = {0};
        const char *done = html;
        for (; p; p = strstr(p, opening)) {
                const char *url = p + 10; /* after <img src=" */
                const char *url_end = strchr(url, '"');
                const char *tag_end = url_end ? strchr(url_end, '>') : NULL;
                if (!tag_end)
                        break;
                char *u = arena_strndup(a, url, (size_t)(url_end - url));
                char sha[65];
                struct found f;
                if (!media_sha(u, sha) || !lookup(db, a, sha, &f)) {
                        p = tag_end;
                        continue;
                }
                struct image_variant v[2 * KD_IMAGE_VARIANT_MAX];
                int n = image_variants_of(f.mime, (uint32_t)f.width, v);
                buf_append(&out, done, (size_t)(p - done));
                /* markdown/ writes src, then alt, title and loading: keep those as they are
                 * and add what the copies need. */
                struct image_tag t = {.url = u,
                                      .mime = f.mime,
                                      .width = f.width,
                                      .height = f.height,
                                      .sizes = ARTICLE_IMAGE_SIZES};
                if (n > 0) {
                        html_lit(&out, "<picture><source type=\"image/webp\" srcset=\"");
                        write_srcset(&out, a, sha, u, &t, v, n, true);
                        html_lit(&out, "\" sizes=\"");
                        html_attr(&out, ARTICLE_IMAGE_SIZES);
                        html_lit(&out, "\">");
                }
                buf_append(&out, p, (size_t)(url_end + 1 - p));
                const char *own_ext = image_mime_ext(f.mime);
                if (n > 0 && own_ext && strcmp(own_ext, "webp") != 0) {
                        /* inside the <img> copied above (buf_puts: the string checker cannot
                         * see that tag open, and these are attribute names, not words) */
                        buf_puts(&out, " srcset=\"");
                        write_srcset(&out, a, sha, u, &t, v, n, false);
                        buf_puts(&out, "\" sizes=\"");
                        html_attr(&out, ARTICLE_IMAGE_SIZES);
                        buf_puts(&out, "\"");
                }
                buf_printf(&out, " width=\"%d\" height=\"%d\"", f.width, f.height);
                buf_append(&out, url_end + 1, (size_t)(tag_end + 1 - (url_end + 1)));
                if (n > 0)
                        html_lit(&out, "</picture>");
                done = p = tag_end + 1;
        }
        buf_puts(&out, done);
        const char *result = arena_strndup(a, out.data ? out.data : "", out.len);
        buf_free(&out);
        return result;
}
