/* Member profile pages, each kind's list of a member's items, the badges' page, and the admin's
 * award and removal of badges by hand. */
#ifndef KD_WEB_PROFILE_H
#define KD_WEB_PROFILE_H

#include <stdbool.h>

struct field_problem;
struct member;
struct request;

int web_profile(struct request *req);        /* GET /@:handle */
int web_profile_list(struct request *req);   /* GET /@:handle/$kind (?before=&before_id=) */
int web_profile_badges(struct request *req); /* POST /@:handle/badges (action=award|remove) */
int web_badges(struct request *req);         /* GET /badges */

/* The one write path of a badge change by hand, for the page and the API alike: awards
 * (award) or removes for member m the badge the request's parameters name (badge, newsletter,
 * note), as the viewer. The caller has checked badge_can_award and the rate limit. Returns
 * badge_award's or badge_remove's result. */
int profile_badge_change(struct request *req, const struct member *m, bool award,
                         struct field_problem *p);

#endif
