/* JSON responses and errors for the API. */
#ifndef KD_API_ERRORS_H
#define KD_API_ERRORS_H

struct request;
struct json_t;

/* Replaces the response body with {"error":{"status":N,"message":"..."}} for
 * req->resp.status and req->resp.error_message (translated into the request's language). */
void api_error_render(struct request *req);
/* Writes value (a jansson value whose reference this call takes) as the JSON response with
 * status. Returns status. */
int api_json(struct request *req, int status, struct json_t *value);

#endif
