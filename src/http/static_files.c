/* In-memory static asset set. Files are few and small; reading them once keeps serving them
 * free of disk I/O, and the content hash gives a strong ETag. */
#include "http/static_files.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/log.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { STATIC_MAX_FILES = 256, STATIC_MAX_FILE_BYTES = 4 * 1024 * 1024 };

struct static_files {
        struct static_file files[STATIC_MAX_FILES];
        size_t count;
};

const char *static_content_type(const char *name)
{
        static const struct {
                const char *ext, *type;
        } types[] = {
            {".css", "text/css; charset=utf-8"},
            {".js", "text/javascript; charset=utf-8"},
            {".svg", "image/svg+xml"},
            {".png", "image/png"},
            {".ico", "image/x-icon"},
            {".webp", "image/webp"},
            {".jpg", "image/jpeg"},
            {".woff2", "font/woff2"},
            {".txt", "text/plain; charset=utf-8"},
            {".json", "application/json"},
            {".webmanifest", "application/manifest+json"},
        };
        const char *dot = strrchr(name, '.');
        if (dot)
                for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                        if (strcmp(dot, types[i].ext) == 0)
                                return types[i].type;
        return "application/octet-stream";
}

static int load_file(struct static_files *s, const char *full, const char *rel)
{
        FILE *f = fopen(full, "rb");
        if (!f)
                return -1;
        struct buf b = BUF_INIT;
        char chunk[8192];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
                buf_append(&b, chunk, n);
                if (b.len > STATIC_MAX_FILE_BYTES) {
                        log_warn("static: %s is over %d bytes; skipped", full,
                                 STATIC_MAX_FILE_BYTES);
                        fclose(f);
                        buf_free(&b);
                        return 0;
                }
        }
        fclose(f);
        if (s->count >= STATIC_MAX_FILES) {
                log_warn("static: more than %d files; %s skipped", STATIC_MAX_FILES, rel);
                buf_free(&b);
                return 0;
        }
        struct static_file *sf = &s->files[s->count++];
        sf->path = xstrdup(rel);
        sf->content_type = static_content_type(rel);
        unsigned char hash[16];
        crypto_generichash(hash, sizeof(hash), (const unsigned char *)b.data, b.len, NULL, 0);
        char hex[33];
        sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
        snprintf(sf->etag, sizeof(sf->etag), "\"%s\"", hex);
        sf->data = buf_detach(&b, &sf->len);
        return 0;
}

static int load_dir(struct static_files *s, const char *dir, const char *prefix, int depth)
{
        DIR *d = opendir(dir);
        if (!d)
                return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                        continue;
                char full[1024], rel[512];
                snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
                snprintf(rel, sizeof(rel), "%s%s", prefix, e->d_name);
                struct stat st;
                if (stat(full, &st) != 0)
                        continue;
                if (S_ISDIR(st.st_mode) && depth < 2) {
                        char sub[600];
                        snprintf(sub, sizeof(sub), "%s/", rel);
                        load_dir(s, full, sub, depth + 1);
                } else if (S_ISREG(st.st_mode)) {
                        load_file(s, full, rel);
                }
        }
        closedir(d);
        return 0;
}

struct static_files *static_files_load(const char *dir)
{
        struct static_files *s = xcalloc(1, sizeof(*s));
        if (load_dir(s, dir, "", 0) < 0) {
                log_error("static: cannot read folder %s", dir);
                free(s);
                return NULL;
        }
        return s;
}

void static_files_free(struct static_files *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->count; i++) {
                free((char *)s->files[i].path);
                free((char *)s->files[i].data);
        }
        free(s);
}

const struct static_file *static_files_find(const struct static_files *s, const char *path)
{
        for (size_t i = 0; i < s->count; i++)
                if (strcmp(s->files[i].path, path) == 0)
                        return &s->files[i];
        return NULL;
}
