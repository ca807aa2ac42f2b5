/* The insights pages: /insights (an author's newsletters with a headline each; for admins every
 * newsletter and the whole site) and /insights/$newsletter (one newsletter, season or episode
 * over a range of weeks), answering "is this building a community?" with sentences, SVG charts
 * (web/charts.h) and their tables. The numbers come from model/insights.h, as the API's do. */
#ifndef KD_WEB_INSIGHTS_H
#define KD_WEB_INSIGHTS_H

struct request;

/* GET /insights (?from=&to=&weeks= for the admins' site-wide view). Authors and co-authors see
 * their newsletters, admins all of them plus the site; a member with none gets 403. */
int web_insights_index(struct request *req);
/* GET /insights/$newsletter (?from=&to=&weeks=&season=&episode=). 403 for a member who may not
 * see it; a bad range is a 400 page that keeps the form. */
int web_insights_newsletter(struct request *req);

#endif
