/* JSON API for members' profiles, activity and badges (docs/api.md, "Members"). */
#ifndef KD_API_MEMBERS_H
#define KD_API_MEMBERS_H

struct request;

int api_member(struct request *req);              /* GET /api/v1/members/:handle */
int api_member_activity(struct request *req);     /* GET /api/v1/members/:handle/activity */
int api_member_badge_add(struct request *req);    /* POST /api/v1/members/:handle/badges */
int api_member_badge_remove(struct request *req); /* DELETE /api/v1/members/:handle/badges */

#endif
