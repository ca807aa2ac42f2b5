/* Reading pages: a newsletter, a season, an episode; following a newsletter. */
#ifndef KD_WEB_PUBLICATION_H
#define KD_WEB_PUBLICATION_H

struct request;

int web_newsletter(struct request *req); /* GET /n/:newsletter */
int web_season(struct request *req);     /* GET /n/:newsletter/season/:number */
int web_episode(struct request *req);    /* GET /n/:newsletter/:episode */
int web_follow(struct request *req);     /* POST /n/:newsletter/follow (follow=1|0) */

#endif
