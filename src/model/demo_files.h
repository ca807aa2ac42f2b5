/* The demo content, embedded in the binary at build time from demo/content (see
 * demo/embed_demo.py): Markdown files with front matter, and their cover images. */
#ifndef KD_DEMO_FILES_H
#define KD_DEMO_FILES_H

#include <stddef.h>

struct demo_file {
        const char *name; /* relative to demo/content, e.g. "covers/ls1e1.png" */
        const unsigned char *data;
        size_t len;
};

extern const struct demo_file demo_files[];
extern const size_t demo_files_count;

#endif
