/* The authors' editor: newsletters, seasons and episodes, with preview, scheduling and cover
 * upload. Plain forms; works without JavaScript. */
#ifndef KD_WEB_EDITOR_H
#define KD_WEB_EDITOR_H

struct request;

int web_write_dashboard(struct request *req); /* GET /write */
int web_write_newsletter_form(
    struct request *req);                        /* GET /write/newsletter, /write/n/:newsletter */
int web_write_newsletter(struct request *req);   /* POST the same */
int web_write_season_form(struct request *req);  /* GET /write/n/:newsletter/season[/:number] */
int web_write_season(struct request *req);       /* POST the same */
int web_write_episode_form(struct request *req); /* GET /write/n/:newsletter/episode,
                                                    /write/episode/:id */
int web_write_episode(struct request *req);      /* POST the same */

#endif
