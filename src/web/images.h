/* Responsive <img>: srcset/sizes over the resized copies of an uploaded image
 * (model/image_variants.h), WebP first through <picture>, width and height so the page does
 * not move while it loads. */
#ifndef KD_WEB_IMAGES_H
#define KD_WEB_IMAGES_H

#include <stdint.h>

struct arena;
struct buf;
struct db;

enum image_load {
        IMAGE_LAZY,     /* below the fold: loading="lazy" */
        IMAGE_EAGER,    /* may be in the first screen: loaded at once */
        IMAGE_PRIORITY, /* the page's largest picture (its first cover): fetchpriority="high" */
};

/* What <img> needs besides its copies. */
struct image_tag {
        const char *url;  /* "/media/<sha256>.<ext>" as stored; any other URL gets a plain img */
        const char *mime; /* of the original */
        int width, height;
        const char *alt;        /* may be "" (decorative) */
        const char *sizes;      /* the sizes attribute: how wide the image shows, as CSS lengths */
        const char *class_name; /* NULL for none */
        enum image_load load;
};

/* Writes <picture><source type="image/webp" srcset=…><img srcset=… sizes=… width height
 * alt …></picture>, or a plain <img> when the image has no copies (a GIF). */
void image_tag_write(struct buf *b, struct arena *a, const struct image_tag *t);

/* The episode's rendered Markdown with every <img> of an uploaded image (src "/media/…", as
 * markdown/ writes them) given its copies, width and height (one lookup per image, in the
 * loader). Other images are left as they are. Returns html itself when it has none, else an
 * arena string. */
const char *image_html_responsive(struct db *db, struct arena *a, const char *html);

#endif
