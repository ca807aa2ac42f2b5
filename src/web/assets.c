/* Static assets with strong ETags: 304 for a matching If-None-Match, and a year of caching when
 * the URL carries the content hash (?v=), as the layout's links do. */
#include "web/assets.h"
#include "core/i18n.h"
#include "http/request.h"
#include "http/static_files.h"

#include <string.h>

/* True when an If-None-Match header lists etag (or is "*"). */
static bool etag_listed(const char *header, const char *etag)
{
        if (!header)
                return false;
        if (strcmp(header, "*") == 0)
                return true;
        size_t n = strlen(etag);
        for (const char *p = strstr(header, etag); p; p = strstr(p + 1, etag)) {
                char after = p[n];
                if (after == '\0' || after == ',' || after == ' ')
                        return true;
        }
        return false;
}

int web_static(struct request *req)
{
        const struct static_file *f = static_files_find(req->assets, req_path_param(req, "path"));
        if (!f)
                return req_fail(req, 404, N_("There is no such file."));
        resp_header(req, "ETag", f->etag);
        const char *v = req_param(req, "v");
        if (*v && strlen(v) == 16 && strncmp(v, f->etag + 1, 16) == 0)
                resp_header(req, "Cache-Control", "public, max-age=31536000, immutable");
        else
                resp_header(req, "Cache-Control", "public, max-age=300");
        resp_header(req, "Vary", "Accept-Encoding");
        if (etag_listed(req_header(req, "If-None-Match"), f->etag))
                return resp_typed(req, 304, NULL);
        buf_append(&req->resp.body, f->data, f->len);
        return resp_typed(req, 200, f->content_type);
}
