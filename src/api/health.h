/* Health and identity endpoints. */
#ifndef KD_API_HEALTH_H
#define KD_API_HEALTH_H

struct request;

int api_healthz(struct request *req); /* GET /healthz */
int api_me(struct request *req);      /* GET /api/v1/me */

#endif
