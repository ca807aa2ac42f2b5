/* JSON API of the spaces and the member directory: the same model calls as the pages. */
#ifndef KD_API_SPACES_H
#define KD_API_SPACES_H

struct request;

int api_spaces(struct request *req);        /* GET /api/v1/spaces */
int api_space_threads(struct request *req); /* GET /api/v1/spaces/$space/threads */
int api_thread_create(struct request *req); /* POST /api/v1/spaces/$space/threads */
int api_thread_posts(struct request *req);  /* GET /api/v1/threads/#id/posts */
int api_post_create(struct request *req);   /* POST /api/v1/threads/#id/posts */
int api_post_edit(struct request *req);     /* PATCH /api/v1/posts/#id */
int api_post_delete(struct request *req);   /* DELETE /api/v1/posts/#id */
int api_members(struct request *req);       /* GET /api/v1/members */

#endif
