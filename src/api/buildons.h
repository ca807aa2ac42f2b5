/* JSON API for build-ons: the same model calls and rules as the pages (docs/api.md). */
#ifndef KD_API_BUILDONS_H
#define KD_API_BUILDONS_H

struct request;

int api_buildons(struct request *req);             /* GET /api/v1/episodes/#id/buildons */
int api_buildon_post(struct request *req);         /* POST /api/v1/episodes/#id/buildons */
int api_buildon(struct request *req);              /* GET /api/v1/buildons/#id */
int api_buildon_patch(struct request *req);        /* PATCH /api/v1/buildons/#id */
int api_buildon_delete(struct request *req);       /* DELETE /api/v1/buildons/#id */
int api_buildon_featured(struct request *req);     /* POST /api/v1/buildons/#id/featured */
int api_buildon_comments(struct request *req);     /* GET /api/v1/buildons/#id/comments */
int api_buildon_comment_post(struct request *req); /* POST /api/v1/buildons/#id/comments */

#endif
