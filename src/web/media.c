/* Uploaded images: content-addressed names, so each can be cached for a year. Only names that
 * image_store() could have written are served; nothing else in the data folder is reachable. */
#include "web/media.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "http/request.h"
#include "model/image.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int web_media(struct request *req)
{
        const char *name = req_path_param(req, "name");
        const char *type = image_stored_name_type(name);
        if (!type)
                return req_fail(req, 404, N_("There is no such image."));
        const char *path = arena_printf(req->arena, "%s/media/%s", req->config->data_dir, name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return req_fail(req, 404, N_("There is no such image."));
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
            st.st_size > KD_MAX_IMAGE_BYTES) {
                close(fd);
                return req_fail(req, 404, N_("There is no such image."));
        }
        /* The name is the SHA-256 of the bytes: a perfect strong validator, and the bytes at
         * this address can never change. Only said once the file is known to exist. */
        char etag[72];
        etag[0] = '"';
        memcpy(etag + 1, name, 64);
        etag[65] = '"';
        etag[66] = '\0';
        resp_header(req, "Cache-Control", "public, max-age=31536000, immutable");
        resp_header(req, "ETag", arena_strdup(req->arena, etag));
        resp_header(req, "Vary", "Accept-Encoding");
        const char *inm = req_header(req, "If-None-Match");
        if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
                close(fd);
                return resp_typed(req, 304, NULL);
        }
        struct buf *b = &req->resp.body;
        buf_reset(b);
        char chunk[65536];
        ssize_t n;
        while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        close(fd);
                        buf_reset(b);
                        return req_fail(req, 500, N_("The image could not be read."));
                }
                buf_append(b, chunk, (size_t)n);
        }
        close(fd);
        return resp_typed(req, 200, type);
}
