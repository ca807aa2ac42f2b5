/* JSON responses and errors for the API. */
#include "api/errors.h"
#include "core/i18n.h"
#include "http/request.h"
#include "web/render.h"

#include <jansson.h>
#include <stdlib.h>

int api_json(struct request *req, int status, json_t *value)
{
        char *text = json_dumps(value, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(value);
        buf_reset(&req->resp.body);
        if (text) {
                buf_puts(&req->resp.body, text);
                buf_putc(&req->resp.body, '\n');
                free(text);
        }
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
