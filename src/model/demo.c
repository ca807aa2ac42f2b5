/* Demo content: a small cast of members with different roles, and two newsletters written for
 * Kindred (demo/content, embedded at build time). */
#include "model/demo.h"
#include "db/db.h"
#include "core/buf.h"
#include "core/alloc.h"
#include "model/demo_files.h"
#include "model/member.h"
#include "model/transfer.h"

#include <stdlib.h>
#include <string.h>

struct demo_member {
        const char *handle, *name, *headline, *bio, *email;
        enum role role;
};

static const struct demo_member cast[] = {
    {"admin", "Site Admin", "Keeps the lights on", "", "admin@kindred.test", ROLE_ADMIN},
    {"mira", "Mira Okafor", "Writes about how small teams learn in public",
     "Former field engineer. I write a weekly letter on the habits that make small teams get "
     "better together, one season at a time.",
     "mira@kindred.test", ROLE_AUTHOR},
    {"tomas", "Tomás Lindqvist", "Urban gardener, reluctant statistician",
     "I grow vegetables on a fourth-floor balcony and count everything that happens there.",
     "tomas@kindred.test", ROLE_AUTHOR},
    {"june", "June Park", "Community moderator and night-shift nurse",
     "I keep the conversation kind. Ask me about sleep schedules.", "june@kindred.test",
     ROLE_MODERATOR},
    {"sam", "Sam Reyes", "Product designer in Lisbon", "", "sam@kindred.test", ROLE_READER},
    {"liwei", "李伟", "在上海做数据工程，业余写诗", "", "liwei@kindred.test", ROLE_READER},
    {"ana", "Ana Beatriz Costa", "Teacher, tries every idea in class the next morning", "",
     "ana@kindred.test", ROLE_READER},
};

static int read_embedded(void *ctx, const char *name, struct buf *out)
{
        (void)ctx;
        for (size_t i = 0; i < demo_files_count; i++) {
                if (strcmp(demo_files[i].name, name) == 0) {
                        buf_append(out, demo_files[i].data, demo_files[i].len);
                        return 0;
                }
        }
        return -1;
}

/* Imports the embedded Markdown files (already sorted by name), inside the caller's
 * transaction. */
static int import_content(struct db *db, const char *data_dir, struct import_report *report)
{
        struct import_file *files = xmalloc((demo_files_count + 1) * sizeof(*files));
        size_t n = 0;
        for (size_t i = 0; i < demo_files_count; i++) {
                size_t len = strlen(demo_files[i].name);
                if (len > 3 && strcmp(demo_files[i].name + len - 3, ".md") == 0)
                        files[n++] = (struct import_file){demo_files[i].name,
                                                          (const char *)demo_files[i].data,
                                                          demo_files[i].len};
        }
        int rc = import_markdown_files(db, data_dir, files, n, read_embedded, NULL, 1, report);
        free(files);
        return rc;
}

int demo_seed(struct db *db, const char *data_dir, struct import_report *report)
{
        int64_t existing = member_count(db);
        if (existing < 0)
                return DB_ERROR;
        if (existing > 0)
                return 0;
        if (db_begin(db) != DB_OK)
                return DB_ERROR;
        int added = 0;
        for (size_t i = 0; i < sizeof(cast) / sizeof(cast[0]); i++) {
                const struct demo_member *d = &cast[i];
                struct member_input in = {d->handle, d->name,  d->headline,
                                          d->bio,    d->email, DEMO_PASSWORD};
                struct member_problem p = {0};
                int64_t id;
                if (member_create(db, &in, d->role, &id, &p) != MEMBER_OK) {
                        db_rollback(db);
                        return DB_ERROR;
                }
                added++;
        }
        if (import_content(db, data_dir, report) != 0) {
                db_rollback(db);
                return DB_ERROR;
        }
        if (db_commit(db) != DB_OK) {
                db_rollback(db);
                return DB_ERROR;
        }
        return added;
}
