/* Demo avatars: two members of the demo cast with an uploaded picture (square crops of the
 * demo's own illustrations, made as an upload would be), the others with their initials, so the
 * demo's conversations show both kinds of face (docs/images.md). */
#include "model/avatar.h"
#include "db/db.h"
#include "model/demo_files.h"

#include <stdio.h>
#include <string.h>

int demo_seed_avatars(struct db *db, const char *data_dir);

static const struct {
        const char *handle, *picture;
} pictures[] = {
    {"june", "covers/fg1e2.png"}, /* the garden she tends between night shifts */
    {"ana", "covers/ls1e3.png"},
};

int demo_seed_avatars(struct db *db, const char *data_dir)
{
        for (size_t i = 0; i < sizeof(pictures) / sizeof(pictures[0]); i++) {
                const struct demo_file *f = NULL;
                for (size_t k = 0; k < demo_files_count && !f; k++)
                        if (strcmp(demo_files[k].name, pictures[i].picture) == 0)
                                f = &demo_files[k];
                struct db_stmt *s = db_prepare(db, "SELECT id FROM member WHERE handle = ?1");
                if (!s)
                        return -1;
                db_bind_text(s, 1, pictures[i].handle);
                int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
                db_finish(s);
                if (!f || id == 0)
                        continue; /* a demo without that member or file: initials */
                int image_rc;
                if (avatar_set(db, data_dir, id, f->data, f->len, &image_rc) != AVATAR_OK)
                        return -1;
        }
        return 0;
}
