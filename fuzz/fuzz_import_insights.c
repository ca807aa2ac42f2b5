/* Fuzz target: the insights part of a JSON export (model/export_json.c), read both ways. The
 * input follows `"insights":` at the end of an otherwise empty export; the text reader
 * (scan_insights) takes what is in the export's own shape, the JSON tree anything else. Whatever
 * the input, import_json either writes the rows and says nothing, or writes nothing and says
 * why; a successful import is undone before the next input. */
#include "fuzz.h"

#include "core/buf.h"
#include "db/db.h"
#include "model/transfer.h"

#include <string.h>

static const char prefix[] =
    "{\n \"kindred_export\": 1,\n \"schema\": 1,\n \"members\": [],\n \"settings\": [],\n"
    " \"newsletters\": [],\n \"coauthors\": [],\n \"images\": [],\n \"seasons\": [],\n"
    " \"episodes\": [],\n \"prompts\": [],\n \"buildons\": [],\n \"comments\": [],\n"
    " \"reactions\": [],\n \"reports\": [],\n \"notifications\": [],\n \"follows\": [],\n"
    " \"asks\": [],\n \"ask_votes\": [],\n \"terms\": [],\n \"tried\": [],\n \"spaces\": [],\n"
    " \"space_threads\": [],\n \"space_posts\": [],\n \"badges\": [],\n \"insights\":";

static int64_t count(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        FUZZ_CHECK(s);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return n;
}

static void run(struct db *db, const char *sql)
{
        struct db_stmt *s = db_prepare(db, sql);
        FUZZ_CHECK(s && db_step(s) == DB_DONE);
        db_finish(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct db *db;
        if (!db) {
                FUZZ_CHECK(db_open_url(":memory:", &db) == DB_OK);
                FUZZ_CHECK(db_migrate(db, NULL) == 0);
        }
        struct buf doc = BUF_INIT;
        buf_puts(&doc, prefix);
        buf_append(&doc, data, size);
        struct import_report r;
        int rc = import_json(db, "/nonexistent", doc.data, doc.len, &r);
        buf_free(&doc);
        int64_t rows = count(db, "SELECT (SELECT count(*) FROM event) + (SELECT count(*) FROM "
                                 "insight_day) + (SELECT count(*) FROM insight_member_week) + "
                                 "(SELECT count(*) FROM insight_week) + (SELECT count(*) FROM "
                                 "insight_member) + (SELECT count(*) FROM insight_reader) + "
                                 "(SELECT count(*) FROM insight_pair)");
        if (rc != 0) {
                FUZZ_CHECK(r.error[0] != '\0'); /* a refusal says why */
                FUZZ_CHECK(rows == 0);          /* and leaves nothing behind */
                return 0;
        }
        run(db, "DELETE FROM event");
        run(db, "DELETE FROM insight_day");
        run(db, "DELETE FROM insight_member_week");
        run(db, "DELETE FROM insight_week");
        run(db, "DELETE FROM insight_member");
        run(db, "DELETE FROM insight_reader");
        run(db, "DELETE FROM insight_pair");
        return 0;
}
