/* Build-on pages: the "Built on this" section under an episode, an episode's list of
 * build-ons, a build-on's own page with its chain of ideas, comments and reactions, and the
 * forms to write, edit, delete, feature and hide them. Plain forms throughout. */
#ifndef KD_WEB_BUILDONS_H
#define KD_WEB_BUILDONS_H

#include <stdbool.h>

struct episode;
struct render;
struct request;
struct buildons_under;

/* Loader of the episode page's section: the episode's featured and newest build-ons and their
 * count (NULL when the episode is not live: nothing is shown). Lives in req->arena. */
struct buildons_under *buildons_under_load(struct request *req, const struct episode *e, bool live);
/* Renderer of that section ("Built on this"); nothing for NULL. */
void buildons_under_section(struct render *r, const struct buildons_under *u);

int web_buildon_list(struct request *req);           /* GET /n/$nl/$ep/b */
int web_buildon_new(struct request *req);            /* GET /n/$nl/$ep/b/new */
int web_buildon_post(struct request *req);           /* POST /n/$nl/$ep/b */
int web_buildon_page(struct request *req);           /* GET /n/$nl/$ep/b/#id */
int web_buildon_comment_post(struct request *req);   /* POST /n/$nl/$ep/b/#id/comments */
int web_buildon_comment_thread(struct request *req); /* GET .../b/#id/comments/#comment */
int web_buildon_edit_form(struct request *req);      /* GET /buildons/#id/edit */
int web_buildon_edit(struct request *req);           /* POST /buildons/#id/edit */
int web_buildon_delete(struct request *req);         /* POST /buildons/#id/delete */
int web_buildon_feature(struct request *req);        /* POST /buildons/#id/feature */
int web_buildon_hide(struct request *req);           /* POST /buildons/#id/hide */

#endif
