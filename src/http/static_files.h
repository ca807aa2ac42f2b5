/* Static assets (CSS, JS, icons) loaded into memory at start, served with ETags. */
#ifndef KD_STATIC_FILES_H
#define KD_STATIC_FILES_H

#include <stddef.h>

struct static_file {
        const char *path; /* relative to the static folder, e.g. "kindred.css" */
        const char *data;
        size_t len;
        const char *content_type;
        char etag[36]; /* quoted, from the content hash */
};

struct static_files;

/* Loads every regular file under dir (one level of subfolders). Returns the set (owned by the
 * caller, static_files_free) or NULL after logging when dir cannot be read. */
struct static_files *static_files_load(const char *dir);
void static_files_free(struct static_files *s);
/* The file at relative path, or NULL. */
const struct static_file *static_files_find(const struct static_files *s, const char *path);
/* The content type for a file name, by extension. */
const char *static_content_type(const char *name);

#endif
