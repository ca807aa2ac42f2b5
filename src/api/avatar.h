/* A member's avatar in the JSON API: enough for a client to draw the same face as the pages. */
#ifndef KD_API_AVATAR_H
#define KD_API_AVATAR_H

#include <jansson.h>
#include <stdint.h>

/* {"url": "/media/<sha256>.webp" or null, "initials": "MO", "colour": "#1e40af"}: the uploaded
 * picture, and the generated one a client shows when url is null. New reference. */
json_t *avatar_json(int64_t member_id, const char *name, const char *url);
struct json_write;
/* The same object, written (core/json_write.h). */
void avatar_json_write(struct json_write *w, int64_t member_id, const char *name, const char *url);

struct request;
/* DELETE /api/v1/members/:handle/avatar (moderators and admins): takes down the member's
 * uploaded picture (actions/avatars.h); 200 {"handle", "avatar"} with the generated face. */
int api_avatar_take_down(struct request *req);

#endif
