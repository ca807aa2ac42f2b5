/* Static assets under /static/. */
#ifndef KD_WEB_ASSETS_H
#define KD_WEB_ASSETS_H

struct request;

int web_static(struct request *req); /* GET /static/{path} */

#endif
