/* The HTML error page. */
#ifndef KD_WEB_ERRORS_H
#define KD_WEB_ERRORS_H

struct request;

/* Replaces the response body with an error page for req->resp.status, showing
 * req->resp.error_message (escaped, translated when a catalog has it). */
void web_error_render(struct request *req);

#endif
