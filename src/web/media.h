/* Uploaded images, served from the data folder. */
#ifndef KD_WEB_MEDIA_H
#define KD_WEB_MEDIA_H

struct request;

int web_media(struct request *req); /* GET /media/<sha256>.<ext> */

#endif
