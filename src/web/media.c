/* Uploaded images: content-addressed names, so each can be cached for a year. Only names that
 * image_store() could have written are served; nothing else in the data folder is reachable.
 * On PostgreSQL a node that lacks a file copies it out of the database on first request
 * (model/media_store.h), so every node serves every image. */
#include "web/media.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "http/request.h"
#include "model/image.h"
#include "model/image_variants.h"
#include "model/media_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file's descriptor when it is a whole image as image_store() writes them, else -1 (a
 * zero-length or oversized file is as good as none). */
static int open_stored(const char *path)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
            st.st_size > KD_MAX_IMAGE_BYTES) {
                close(fd);
                return -1;
        }
        return fd;
}

/* The name is the SHA-256 of the bytes (a resized copy's adds its width): a perfect strong
 * validator, and the bytes at this address can never change. etag gets "\"<name without its
 * extension>\"" (at most 74 bytes). */
static void etag_of(const char *name, char *etag)
{
        size_t n = strcspn(name, ".");
        if (n > 71)
                n = 71;
        etag[0] = '"';
        memcpy(etag + 1, name, n);
        etag[n + 1] = '"';
        etag[n + 2] = '\0';
}

/* True when the client's copy is current (answer 304). */
static bool client_has(struct request *req, const char *etag)
{
        const char *inm = req_header(req, "If-None-Match");
        return inm && (strstr(inm, etag) || strcmp(inm, "*") == 0);
}

/* The headers of an image that exists, said only once it is known to (so a 404 or a failure
 * is never cached for a year). */
static void immutable_headers(struct request *req, const char *etag)
{
        resp_header(req, "Cache-Control", "public, max-age=31536000, immutable");
        resp_header(req, "ETag", arena_strdup(req->arena, etag));
        resp_header(req, "Vary", "Accept-Encoding");
}

/* Reads the whole file into the response body (one image, at most KD_MAX_IMAGE_BYTES). */
static int send_file(struct request *req, int fd, const char *type, const char *etag)
{
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
        immutable_headers(req, etag);
        return resp_typed(req, 200, type);
}

/* A file this node does not have: on PostgreSQL, another node stored it; copy it into this
 * node's folder and serve it. */
static int send_from_database(struct request *req, const char *name, const char *path,
                              const char *type)
{
        int rc = media_in_database(req->db, name);
        if (rc == MEDIA_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such image."));
        if (rc != MEDIA_OK)
                return req_fail(req, 503, N_("The database is not available. Try again shortly."));
        char etag[80];
        etag_of(name, etag);
        /* A browser that has it from another node revalidates: no bytes need to move. */
        if (client_has(req, etag)) {
                immutable_headers(req, etag);
                return resp_typed(req, 304, NULL);
        }
        rc = media_cache_fill(req->db, req->config->data_dir, name, &req->resp.body);
        if (rc == MEDIA_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such image."));
        if (rc == MEDIA_DB_ERROR)
                return req_fail(req, 503, N_("The database is not available. Try again shortly."));
        if (rc == MEDIA_IN_MEMORY) { /* the folder would not keep it; the bytes are checked */
                immutable_headers(req, etag);
                return resp_typed(req, 200, type);
        }
        int fd = rc == MEDIA_OK ? open_stored(path) : -1;
        if (fd < 0)
                return req_fail(req, 500, N_("The image could not be read."));
        return send_file(req, fd, type, etag);
}

/* A resized copy (model/image_variants.h) this node's folder lacks: made from the original,
 * which any node can get, then served like it. */
static int send_variant(struct request *req, const char *name, const char *path, const char *type)
{
        int rc = image_variant_ensure(req->db, req->config->data_dir, name);
        if (rc == -1)
                return req_fail(req, 404, N_("There is no such image."));
        if (rc == -3) {
                /* libvips refuses the original: the browser shows the original, larger than
                 * asked for but whole, instead of a broken picture. Not cached: a later
                 * libvips may do better. */
                char sha[65];
                uint32_t width;
                const char *ext;
                image_variant_name_parse(name, sha, &width, &ext);
                const char *original = image_original_url(req->db, req->arena, sha);
                if (!original)
                        return req_fail(req, 404, N_("There is no such image."));
                resp_header(req, "Cache-Control", "no-cache");
                return resp_redirect(req, original);
        }
        int fd = rc == 0 ? open_stored(path) : -1;
        if (fd < 0)
                return req_fail(req, 503, N_("The image could not be read."));
        char etag[80];
        etag_of(name, etag);
        return send_file(req, fd, type, etag);
}

int web_media(struct request *req)
{
        const char *name = req_path_param(req, "name");
        const char *type = image_stored_name_type(name);
        char sha[65];
        uint32_t width;
        const char *ext;
        bool variant = false;
        if (!type && image_variant_name_parse(name, sha, &width, &ext)) {
                type = strcmp(ext, "webp") == 0  ? "image/webp"
                       : strcmp(ext, "jpg") == 0 ? "image/jpeg"
                                                 : "image/png";
                variant = true;
        }
        if (!type)
                return req_fail(req, 404, N_("There is no such image."));
        const char *path = arena_printf(req->arena, "%s/media/%s", req->config->data_dir, name);
        int fd = open_stored(path);
        if (fd < 0)
                return variant ? send_variant(req, name, path, type)
                               : send_from_database(req, name, path, type);
        char etag[80];
        etag_of(name, etag);
        if (client_has(req, etag)) {
                close(fd);
                immutable_headers(req, etag);
                return resp_typed(req, 304, NULL);
        }
        return send_file(req, fd, type, etag);
}
