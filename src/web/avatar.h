/* A member's face beside their name: their uploaded avatar, or their generated initials on a
 * colour as inline SVG (no request, no script, nothing for the CSP to refuse). */
#ifndef KD_WEB_AVATAR_H
#define KD_WEB_AVATAR_H

#include <stdint.h>

struct render;

/* Writes the avatar of member_id named name, px pixels square. url: their uploaded avatar's
 * path (AVATAR_URL_SQL in the loader), or NULL for the generated one. It is decorative
 * (alt="", aria-hidden): the name beside it says who it is. */
void web_avatar(struct render *r, int64_t member_id, const char *name, const char *url, int px);

struct request;

int web_avatar_settings(struct request *req); /* GET /settings/avatar */
int web_avatar_upload(struct request *req);   /* POST /settings/avatar (file "avatar") */
int web_avatar_remove(struct request *req);   /* POST /settings/avatar/remove */
/* POST /@:handle/avatar/remove: a moderator (or an admin) takes a member's picture down, for
 * a picture that breaks the rules; the member gets initials back and may upload another. */
int web_avatar_remove_as_moderator(struct request *req);
#endif
