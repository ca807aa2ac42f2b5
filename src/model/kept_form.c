/* Forms kept through a log-in (model/kept_form.h). The fields are one JSON array of
 * [name, value] pairs: the order and repeated names survive as the form had them. */
#include "model/kept_form.h"
#include "core/arena.h"
#include "core/limits.h"
#include "db/db.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The token's hash, hex: a copy of the table cannot be used to claim someone's text. */
static void token_hash(const char *token, char out[crypto_generichash_BYTES * 2 + 1])
{
        unsigned char h[crypto_generichash_BYTES];
        crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
        sodium_bin2hex(out, crypto_generichash_BYTES * 2 + 1, h, sizeof(h));
}

int kept_form_put(struct db *db, const char *token, const struct kept_form *form, int64_t now)
{
        struct db_stmt *s = db_prepare(db, "DELETE FROM kept_form WHERE created_at < ?1");
        if (!s)
                return -1;
        db_bind_int(s, 1, now - KD_KEPT_FORM_TTL_S);
        int step = db_step(s);
        db_finish(s);
        if (step != DB_DONE)
                return -1;
        json_t *fields = json_array();
        for (size_t i = 0; i < form->count; i++)
                json_array_append_new(
                    fields, json_pack("[ss]", form->fields[i].name, form->fields[i].value));
        char *text = json_dumps(fields, JSON_COMPACT);
        json_decref(fields);
        char hash[crypto_generichash_BYTES * 2 + 1];
        token_hash(token, hash);
        s = db_prepare(db, "INSERT INTO kept_form (token_hash, path, fields, dropped_files, "
                           "created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
        int rc = -1;
        if (s && text) {
                db_bind_text(s, 1, hash);
                db_bind_text(s, 2, form->path);
                db_bind_text(s, 3, text);
                db_bind_int(s, 4, form->dropped_files ? 1 : 0);
                db_bind_int(s, 5, now);
                rc = db_step(s) == DB_DONE ? 0 : -1;
        }
        db_finish(s);
        free(text);
        return rc;
}

int kept_form_get(struct db *db, struct arena *a, const char *token, int64_t now,
                  struct kept_form *out)
{
        char hash[crypto_generichash_BYTES * 2 + 1];
        token_hash(token, hash);
        struct db_stmt *s = db_prepare(db, "SELECT path, fields, dropped_files FROM kept_form "
                                           "WHERE token_hash = ?1 AND created_at >= ?2");
        if (!s)
                return -1;
        db_bind_text(s, 1, hash);
        db_bind_int(s, 2, now - KD_KEPT_FORM_TTL_S);
        int step = db_step(s), rc = step == DB_DONE ? 0 : -1;
        if (step == DB_ROW) {
                out->path = arena_strdup(a, db_col_text(s, 0));
                out->dropped_files = db_col_int(s, 2) != 0;
                json_t *fields = json_loads(db_col_text(s, 1), 0, NULL);
                size_t n = json_is_array(fields) ? json_array_size(fields) : 0;
                out->fields = arena_alloc(a, (n ? n : 1) * sizeof(*out->fields));
                out->count = 0;
                for (size_t i = 0; i < n; i++) {
                        const char *name, *value;
                        if (json_unpack(json_array_get(fields, i), "[ss]", &name, &value) == 0) {
                                out->fields[out->count].name = arena_strdup(a, name);
                                out->fields[out->count].value = arena_strdup(a, value);
                                out->count++;
                        }
                }
                json_decref(fields);
                rc = fields ? 1 : -1;
        }
        db_finish(s);
        return rc;
}
