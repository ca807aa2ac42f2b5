/* Images in an episode's text (docs/writing.md, "Images in the text"): the editor's "Add an
 * image" fields (a plain file field and its alt text: works without JavaScript, and the
 * script's paste and drag-and-drop fill the same fields), the Markdown an upload becomes, and
 * the check that refuses images from other sites at save. */
#ifndef KD_WEB_EDITOR_IMAGES_H
#define KD_WEB_EDITOR_IMAGES_H

#include <stdint.h>

struct buf;
struct field_problem;
struct form_field;
struct render;
struct request;

/* The "Add an image to the text" fieldset: file field inline_image, alt text inline_alt
 * (value kept after a problem), and the button that sends action=insert_image. */
void editor_images_fieldset(struct render *r, const char *inline_alt, const char *error_image,
                            const char *error_alt);

/* Writes "![alt](url)" with alt made safe for Markdown's brackets (escaped, one line). */
void editor_image_markdown(struct buf *b, const char *alt, const char *url);

/* Stores upload (a file field, may be NULL) as the viewer's image and sets *markdown (arena)
 * to the text that shows it with alt. Returns 0, or an HTTP status (422: p names the field,
 * "inline_image" or "inline_alt"; 429 past KD_INLINE_IMAGES_PER_MEMBER_PER_HOUR, with Retry-After;
 * 503) with p set. */
int editor_store_inline_image(struct request *req, const struct form_field *upload, const char *alt,
                              const char **markdown, struct field_problem *p);

/* Refuses a text whose images are not uploads of this site. Returns 0, or PUB_INVALID with p
 * on "body" and the line. */
int editor_check_images(struct request *req, const char *body, struct field_problem *p);

#endif
