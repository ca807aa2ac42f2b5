/* Member profile pages. */
#ifndef KD_WEB_PROFILE_H
#define KD_WEB_PROFILE_H

struct request;

int web_profile(struct request *req); /* GET /@:handle */

#endif
