/* The member directory: search by name or headline, and who is here this week. */
#ifndef KD_WEB_MEMBERS_H
#define KD_WEB_MEMBERS_H

struct request;

int web_members(struct request *req); /* GET /members */

#endif
