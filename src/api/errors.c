/* JSON responses and errors for the API. */
#include "api/errors.h"
#include "core/i18n.h"
#include "core/json_write.h"
#include "http/request.h"
#include "web/render.h"

#include <jansson.h>

/* json_dump_callback's writer: straight into the response body. */
static int append_json(const char *text, size_t len, void *arg)
{
        buf_append(arg, text, len);
        return 0;
}

int api_json(struct request *req, int status, json_t *value)
{
        /* written where it is sent, in the body sized from the route's last answer
         * (resp_size_expect), rather than into a string of jansson's that grew from 16 bytes
         * by doubling and was then copied */
        buf_reset(&req->resp.body);
        if (json_dump_callback(value, append_json, &req->resp.body,
                               JSON_COMPACT | JSON_ENSURE_ASCII) == 0)
                buf_putc(&req->resp.body, '\n');
        else
                buf_reset(&req->resp.body);
        json_decref(value);
        return resp_typed(req, status, "application/json");
}

void api_json_begin(struct request *req, struct json_write *w)
{
        buf_reset(&req->resp.body);
        json_write_start(w, &req->resp.body);
}

int api_json_send(struct request *req, int status)
{
        buf_putc(&req->resp.body, '\n');
        return resp_typed(req, status, "application/json");
}

void api_error_render(struct request *req)
{
        struct render *r = render_for_request(req); /* the message in the caller's language */
        int status = req->resp.status ? req->resp.status : 500;
        /* A msgid marked N_() where req_fail() was called; "" would be the catalog's header. */
        const char *msg = req->resp.error_message;
        msg = msg && *msg ? _(msg) : "";
        api_json(req, status,
                 json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", msg));
}
