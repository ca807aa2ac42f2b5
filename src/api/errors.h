/* JSON responses and errors for the API. */
#ifndef KD_API_ERRORS_H
#define KD_API_ERRORS_H

struct request;
struct json_t;
struct json_write;

/* Replaces the response body with {"error":{"status":N,"message":"..."}} for
 * req->resp.status and req->resp.error_message (translated into the request's language). */
void api_error_render(struct request *req);
/* Writes value (a jansson value whose reference this call takes) as the JSON response with
 * status. Returns status. */
int api_json(struct request *req, int status, struct json_t *value);
/* A JSON answer written straight into the response body (core/json_write.h), for the routes
 * a busy site answers most: api_json_begin empties the body and starts w on it; api_json_send
 * ends the line and sends it with status. Returns status. */
void api_json_begin(struct request *req, struct json_write *w);
int api_json_send(struct request *req, int status);

#endif
