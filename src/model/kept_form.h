/* Forms kept through a log-in: a member's form that arrived after their session had ended is
 * kept (its text fields, never passwords or files) under a random token that only the sending
 * browser holds, for KD_KEPT_FORM_TTL_S, so the log-in can hand the text back. */
#ifndef KD_KEPT_FORM_H
#define KD_KEPT_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct kept_field {
        const char *name, *value;
};

struct kept_form {
        const char *path; /* where the form was sent */
        struct kept_field *fields;
        size_t count;
        bool dropped_files; /* files were attached and not kept */
};

/* Keeps form under token (TOKEN_CHARS characters), dropping kept forms older than the TTL.
 * Returns 0 or -1 (database). */
int kept_form_put(struct db *db, const char *token, const struct kept_form *form, int64_t now);

/* Loads the form kept under token, if it is younger than the TTL. Returns 1 with *out filled
 * (arena strings), 0 when there is none, -1 on a database error. */
int kept_form_get(struct db *db, struct arena *a, const char *token, int64_t now,
                  struct kept_form *out);

#endif
