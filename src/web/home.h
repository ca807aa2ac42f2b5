/* The home page. */
#ifndef KD_WEB_HOME_H
#define KD_WEB_HOME_H

struct request;

int web_home(struct request *req); /* GET / */

#endif
