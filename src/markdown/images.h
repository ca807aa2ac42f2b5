/* The images a Markdown text shows, checked before an episode is saved: readers' browsers
 * load only images from this site (the Content-Security-Policy says img-src 'self'), so an
 * image anywhere else would reach readers as a broken icon. */
#ifndef KD_MARKDOWN_IMAGES_H
#define KD_MARKDOWN_IMAGES_H

#include <stddef.h>

enum mdr_image_check {
        MDR_IMAGES_OK = 0,
        MDR_IMAGE_FOREIGN = 1,    /* an image on another site (http:, https:, //host) */
        MDR_IMAGE_NOT_UPLOAD = 2, /* any other address that is not an upload here (/media/) */
};

/* Looks at every image of src[0..len) (valid UTF-8 Markdown) in order and reports the first
 * that is not an upload of this site: a path under /media/, or base_url (the site's absolute
 * address, may be NULL) followed by /media/. Sets *line to its line (1-based). */
enum mdr_image_check mdr_check_images(const char *src, size_t len, const char *base_url,
                                      unsigned *line);

#endif
