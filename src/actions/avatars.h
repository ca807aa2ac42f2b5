/* Taking down a member's picture, shared by the profile's button (web/avatar.c) and the JSON
 * API (api/avatar.c), in the manner of actions/conversation.h. */
#ifndef KD_ACTIONS_AVATARS_H
#define KD_ACTIONS_AVATARS_H

#include "actions/conversation.h"

struct member;

/* A moderator (or an admin) takes down the uploaded picture of the member named by the route's
 * :handle, filled into m: they get initials back and may upload another. Counted against the
 * viewer's edit limit; logged. Returns PUB_OK, PUB_NOT_FOUND (no such member), PUB_FORBIDDEN (a
 * moderator and an admin's picture: moderators answer to admins), PUB_DB_ERROR or
 * ACTION_ANSWERED (a 429 was sent). */
int action_avatar_take_down(struct request *req, struct member *m);

#endif
