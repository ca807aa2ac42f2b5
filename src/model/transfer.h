/* Moving a site in and out: Markdown import (one file per newsletter, season or episode, with
 * front matter) and a JSON export/import of everything that round-trips exactly.
 *
 * Imports run in one transaction: a bad file is reported with its name and line, and nothing of
 * the import remains. */
#ifndef KD_TRANSFER_H
#define KD_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct buf;

struct import_report {
        int newsletters, seasons, episodes, images, members;
        char error[512]; /* "file.md:7: ..." when the import failed */
};

/* Reads a file an import refers to (a cover), by its path relative to the import's folder,
 * into out. Returns 0, or -1 when it cannot be read. */
typedef int (*import_read_fn)(void *ctx, const char *relative_path, struct buf *out);

struct import_file {
        const char *name; /* for messages and ordering */
        const char *data;
        size_t len;
};

/* Imports Markdown files (in the given order). shift_seconds moves every date by that much
 * (0 keeps them); when shift_to_now is set instead, dates move by whole weeks so that the
 * newest published episode falls within the last week, which keeps a demo fresh and its
 * weekdays right. Returns 0, or -1 with r->error set. */
int import_markdown_files(struct db *db, const char *data_dir, const struct import_file *files,
                          size_t count, import_read_fn read, void *read_ctx, int shift_to_now,
                          struct import_report *r);

/* Imports every *.md file of dir, sorted by name; covers are read relative to dir. */
int import_markdown_dir(struct db *db, const char *data_dir, const char *dir,
                        struct import_report *r);

/* Writes the whole site (members with their password hashes, newsletters, co-authors, seasons,
 * episodes, images as base64, follows) as JSON to out. Deterministic: the same site gives the
 * same bytes. Returns 0 or -1 with a message in error. */
int export_json(struct db *db, const char *data_dir, struct buf *out, char *error, size_t size);

/* Loads an export into an empty site (no members, no newsletters). Returns 0, or -1 with
 * r->error set and nothing imported. */
int import_json(struct db *db, const char *data_dir, const char *json, size_t len,
                struct import_report *r);

#endif
