/* Moving sites in and out through the real binary: export → import json → export is identical
 * and serves the same pages; Markdown imports are all or nothing with file:line errors. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const char *bin(void)
{
        const char *b = getenv("KINDRED_BIN");
        return b ? b : "./build/kindred";
}

/* Runs the binary through the shell with args (already quoted), stderr into err_path (may be
 * NULL). Returns the exit status. */
static int run(const char *err_path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(const char *err_path, const char *fmt, ...)
{
        char args[2048], cmd[4096];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(args, sizeof(args), fmt, ap);
        va_end(ap);
        snprintf(cmd, sizeof(cmd), "'%s' %s >/dev/null 2>%s", bin(), args,
                 err_path ? err_path : "/dev/null");
        int status = system(cmd);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The shared site's database for the command line: "--database-url 'URL'" when the tests run
 * on PostgreSQL (tests/pg/run), else "" (its data folder's SQLite file). The sites made here
 * with --data alone are SQLite either way, so on PostgreSQL the round trip crosses engines. */
static const char *site_db(void)
{
        static char arg[600];
        if (!srv.database_url[0])
                return "";
        snprintf(arg, sizeof(arg), "--database-url '%s'", srv.database_url);
        return arg;
}

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *data = malloc((size_t)n + 1);
        size_t got = fread(data, 1, (size_t)n, f);
        fclose(f);
        data[got] = '\0';
        if (len)
                *len = got;
        return data;
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

/* GETs path from a server and replaces its port number with "PORT", so two servers' pages can
 * be compared. */
static char *page(int port, const char *path, int *status)
{
        struct http_resp r;
        assert_int_equal(http_do(port, "GET", path, NULL, NULL, NULL, 0, &r), 0);
        *status = r.status;
        char needle[16];
        snprintf(needle, sizeof(needle), "%d", port);
        char *out = calloc(1, r.body_len + 1);
        size_t n = 0;
        for (size_t i = 0; i < r.body_len;) {
                if (strncmp(r.body + i, needle, strlen(needle)) == 0) {
                        memcpy(out + n, "PORT", 4); /* never longer than a 5-digit port */
                        n += 4;
                        i += strlen(needle);
                } else {
                        out[n++] = r.body[i++];
                }
        }
        out[n] = '\0';
        resp_free(&r);
        /* The insights history (events and rollups) is not part of an export, so the episode
         * page's community insights and "members also read" are left out of the comparison. */
        static const char *const panels[][2] = {
            {"<aside class=\"community-insights\"", "</aside>\n"},
            {"<section class=\"related\"", "</section>\n"}};
        for (size_t k = 0; k < 2; k++) {
                char *from = strstr(out, panels[k][0]), *to = from ? strstr(from, panels[k][1]) : NULL;
                if (to)
                        memmove(from, to + strlen(panels[k][1]), strlen(to + strlen(panels[k][1])) + 1);
        }
        return out;
}

/* Loads a few weeks of insights history into srv's site through `kindred events load`:
 * members' reads, reactions, replies between members (pairs), an answer, a build-on, guests'
 * reads, across three weeks, so every exported rollup has rows. */
static void add_insights_history(const char *dir)
{
        char path[400];
        snprintf(path, sizeof(path), "%s/history.tsv", dir);
        long long ep = db_int("SELECT id FROM episode WHERE slug = 'two-languages-one-team'");
        long long ep2 = db_int("SELECT id FROM episode WHERE slug = 'the-fifteen-minute-retro'");
        long long sam = db_int("SELECT id FROM member WHERE handle = 'sam'");
        long long ana = db_int("SELECT id FROM member WHERE handle = 'ana'");
        long long liwei = db_int("SELECT id FROM member WHERE handle = 'liwei'");
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        /* at kind member guest newsletter episode other item */
        fprintf(f, "2026-10-05T09:00:00Z\tview\t%lld\t\t\t%lld\t\t\n", sam, ep2);
        fprintf(f, "2026-10-05T09:05:00Z\tread\t%lld\t\t\t%lld\t\t\n", sam, ep2);
        fprintf(f, "2026-10-05T10:00:00Z\tview\t\t4242\t\t%lld\t\t\n", ep2);
        fprintf(f, "2026-10-05T10:00:01Z\tseen\t\t4242\t\t%lld\t\t\n", ep2);
        fprintf(f, "2026-10-12T09:00:00Z\tview\t%lld\t\t\t%lld\t\t\n", ana, ep);
        fprintf(f, "2026-10-12T09:10:00Z\tcomment\t%lld\t\t\t%lld\t\t901\n", ana, ep);
        fprintf(f, "2026-10-12T11:00:00Z\treply\t%lld\t\t\t%lld\t%lld\t902\n", sam, ep, ana);
        fprintf(f, "2026-10-13T08:00:00Z\treaction\t%lld\t\t\t%lld\t%lld\t902\n", liwei, ep, sam);
        fprintf(f, "2026-10-19T08:00:00Z\tview\t%lld\t\t\t%lld\t\t\n", sam, ep);
        fprintf(f, "2026-10-19T08:30:00Z\tanswer\t%lld\t\t\t%lld\t\t903\n", liwei, ep);
        fprintf(f, "2026-10-19T09:00:00Z\tbuildon\t%lld\t\t\t%lld\t%lld\t904\n", ana, ep, sam);
        fclose(f);
        assert_int_equal(
            run(NULL, "events load --data '%s' %s '%s'", srv.data_dir, site_db(), path), 0);
        assert_true(db_int("SELECT count(*) FROM event") >= 11);
        assert_true(db_int("SELECT count(*) FROM insight_pair") >= 2);
}

/* Every insights table but the day's bookkeeping is in the export, with its columns as the
 * database has them (a column or table added to the schema without the export fails here), and
 * each has rows. */
static void expect_insights_exported(const char *json)
{
        char names[1024];
        /* the catalog differs by engine: sqlite_master and pragma_table_info, or
         * information_schema and string_agg in PostgreSQL */
        if (srv.database_url[0])
                db_text("SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM "
                        "information_schema.tables WHERE table_schema = current_schema() AND "
                        "(table_name = 'event' OR substr(table_name, 1, 8) = 'insight_') AND "
                        "table_name NOT IN ('insight_salt', 'insight_visit')",
                        names, sizeof(names));
        else
                db_text("SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE "
                        "type = 'table' AND (name = 'event' OR substr(name, 1, 8) = 'insight_') "
                        "AND name NOT IN ('insight_salt', 'insight_visit') ORDER BY name)",
                        names, sizeof(names));
        assert_non_null(strstr(names, "insight_day"));
        char *save = NULL;
        for (char *t = strtok_r(names, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                char sql[256], cols[2048], want[2300];
                if (srv.database_url[0])
                        snprintf(sql, sizeof(sql),
                                 "SELECT string_agg('\"' || column_name || '\"', ', ' ORDER BY "
                                 "ordinal_position) FROM information_schema.columns WHERE "
                                 "table_schema = current_schema() AND table_name = '%s'",
                                 t);
                else
                        snprintf(sql, sizeof(sql),
                                 "SELECT group_concat('\"' || name || '\"', ', ') FROM (SELECT "
                                 "name FROM pragma_table_info('%s') ORDER BY cid)",
                                 t);
                db_text(sql, cols, sizeof(cols));
                snprintf(want, sizeof(want), "  \"%s\": {\n   \"columns\": [%s],\n   \"rows\": [\n",
                         t, cols);
                if (!strstr(json, want))
                        fail_msg("the export lacks insights table %s with its columns %s (or its "
                                 "rows)",
                                 t, cols);
        }
        const char *salt = strstr(json, "\"insight_salt\"");
        const char *visit = strstr(json, "\"insight_visit\"");
        assert_null(salt);
        assert_null(visit);
}

static void test_export_import_round_trip(void **state)
{
        (void)state;
        struct kd_server b;
        char dir[] = "/tmp/kindred-transfer-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char a_json[300], b_json[300], b_data[300], err[300];
        snprintf(a_json, sizeof(a_json), "%s/a.json", dir);
        snprintf(b_json, sizeof(b_json), "%s/b.json", dir);
        snprintf(b_data, sizeof(b_data), "%s/site-b", dir);
        snprintf(err, sizeof(err), "%s/err.txt", dir);

        /* insights history (events and every rollup they feed) beside the demo's own */
        add_insights_history(dir);
        assert_int_equal(run(NULL, "export --data '%s' %s '%s'", srv.data_dir, site_db(), a_json),
                         0);
        assert_int_equal(run(NULL, "init --data '%s'", b_data), 0);
        assert_int_equal(run(NULL, "import json --data '%s' '%s'", b_data, a_json), 0);
        assert_int_equal(run(NULL, "export --data '%s' '%s'", b_data, b_json), 0);
        size_t alen, blen;
        char *ja = slurp(a_json, &alen), *jb = slurp(b_json, &blen);
        assert_non_null(ja);
        assert_non_null(jb);
        assert_true(alen > 100000); /* members, 14 episodes and their covers */
        assert_non_null(strstr(ja, "\"password_hash\": \"$argon2id$"));
        assert_non_null(strstr(ja, "\"slug\": \"demo-days-without-the-theatre\""));
        assert_non_null(
            strstr(ja, "\"title\": \"Keeping a team notebook alive after the first month\""));
        assert_non_null(strstr(ja, "\"ask_votes\": [\n"));
        /* the demo's notification mail choices and their schedule (migration 015) */
        assert_non_null(strstr(ja, "\"notify_mail\": \"immediate\""));
        assert_non_null(strstr(ja, "\"notify_mail\": \"none\""));
        assert_non_null(strstr(ja, "\"notify_digest_due\": "));
        assert_int_equal(alen, blen);
        assert_memory_equal(ja, jb, alen);
        expect_insights_exported(ja);

        /* Written another way (a name with an escape), the insights take the general JSON
         * reader instead of the streaming one: the same site comes back. */
        {
                const char *key = "\"columns\": [\"id\", \"at\"";
                const char *at = strstr(ja, key);
                assert_non_null(at);
                char c_json[300], c_data[300], c_out[300];
                snprintf(c_json, sizeof(c_json), "%s/c.json", dir);
                snprintf(c_data, sizeof(c_data), "%s/site-c", dir);
                snprintf(c_out, sizeof(c_out), "%s/c-out.json", dir);
                FILE *f = fopen(c_json, "w");
                assert_non_null(f);
                fwrite(ja, 1, (size_t)(at - ja), f);
                fputs("\"columns\": [\"\\u0069d\", \"at\"", f);
                fputs(at + strlen(key), f);
                fclose(f);
                assert_int_equal(run(NULL, "init --data '%s'", c_data), 0);
                assert_int_equal(run(NULL, "import json --data '%s' '%s'", c_data, c_json), 0);
                assert_int_equal(run(NULL, "export --data '%s' '%s'", c_data, c_out), 0);
                size_t clen;
                char *jc = slurp(c_out, &clen);
                assert_int_equal(clen, alen);
                assert_memory_equal(ja, jc, alen);
                free(jc);

                /* a row that is not a row of whole numbers: refused, nothing imported */
                const char *rows = strstr(at, "\"rows\": [");
                assert_non_null(rows);
                rows += strlen("\"rows\": [");
                f = fopen(c_json, "w");
                assert_non_null(f);
                fwrite(ja, 1, (size_t)(rows - ja), f);
                fputs("\n    [1, \"soon\", 1, 0, 0, 1, null, null, 0],", f);
                fputs(rows, f);
                fclose(f);
                char d_data[300];
                snprintf(d_data, sizeof(d_data), "%s/site-d", dir);
                assert_int_equal(run(NULL, "init --data '%s'", d_data), 0);
                assert_int_equal(run(err, "import json --data '%s' '%s'", d_data, c_json), 1);
                char *why = slurp(err, NULL);
                assert_non_null(strstr(why, "insights.event row 0: at must be a whole number"));
                free(why);
        }

        /* A second import into a site that is no longer empty is refused, and says why. */
        assert_int_equal(run(err, "import json --data '%s' '%s'", b_data, a_json), 1);
        char *msg = slurp(err, NULL);
        assert_non_null(strstr(msg, "not empty"));
        free(msg);

        /* The imported site serves the same pages, feeds and images. */
        char env[320];
        snprintf(env, sizeof(env), "KINDRED_DATA=%s", b_data);
        const char *extra[] = {env, "KINDRED_DATABASE_URL=", NULL}; /* b_data's own file */
        assert_int_equal(kd_start(&b, extra), 0);
        const char *paths[] = {"/",
                               "/n/learning-in-public",
                               "/n/learning-in-public/season/1",
                               "/n/fourth-floor-garden",
                               "/n/learning-in-public/two-languages-one-team",
                               "/@mira",
                               "/feed.atom",
                               "/n/fourth-floor-garden/feed.json",
                               "/sitemap.xml",
                               /* asks: rendered text, votes and open counts rebuilt */
                               "/n/learning-in-public/asks",
                               "/n/learning-in-public/asks?view=new",
                               "/n/fourth-floor-garden/asks?view=declined",
                               "/n/learning-in-public/onboarding-is-a-team-sport",
                               "/api/v1/newsletters/fourth-floor-garden/asks?view=covered"};
        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
                int sa, sb;
                char *pa = page(srv.port, paths[i], &sa), *pb = page(b.port, paths[i], &sb);
                assert_int_equal(sa, 200);
                assert_int_equal(sb, 200);
                if (strcmp(pa, pb) != 0)
                        fail_msg("%s differs after export and import", paths[i]);
                free(pa);
                free(pb);
        }
        /* a cover, by its content address */
        int s1;
        char *ep = page(b.port, "/n/learning-in-public/two-languages-one-team", &s1);
        /* (inside <picture>, after the WebP copies: docs/images.md) */
        char *img = strstr(ep, "<figure class=\"cover\">\n");
        assert_non_null(img);
        img = strstr(img, "<img src=\"");
        assert_non_null(img);
        img += strlen("<img src=\"");
        char media[128];
        size_t k = 0;
        while (img[k] != '"' && k + 1 < sizeof(media)) {
                media[k] = img[k];
                k++;
        }
        media[k] = '\0';
        struct http_resp r;
        assert_int_equal(http_do(b.port, "GET", media, NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        assert_memory_equal(r.body, "\x89PNG", 4);
        resp_free(&r);
        free(ep);
        free(ja);
        free(jb);
        assert_int_equal(kd_stop(&b), 0);
        kd_drop_database(&b);
}

static void test_import_markdown_all_or_nothing(void **state)
{
        (void)state;
        char dir[] = "/tmp/kindred-import-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char path[400], err[300];
        snprintf(err, sizeof(err), "%s/err.txt", dir);
        snprintf(path, sizeof(path), "%s/00-newsletter.md", dir);
        write_file(path, "---\nkind: newsletter\nslug: night-notes\ntitle: Night Notes\nowner: "
                         "june\n---\nLetters from the night shift.\n");
        snprintf(path, sizeof(path), "%s/01-season.md", dir);
        write_file(path, "---\nkind: season\nnewsletter: night-notes\nseason: 1\ntitle: Winter\n"
                         "cadence: every 10 days\nstatus: airing\n---\nThe cold months.\n");
        snprintf(path, sizeof(path), "%s/10-one.md", dir);
        write_file(path, "---\nnewsletter: night-notes\nseason: 1\nepisode: 1\ntitle: First "
                         "Light\nauthor: june\ndate: 2026-01-05T06:00:00Z\n---\nThe ward is "
                         "quiet at five.\n");
        /* the second episode has a bad date on line 7 */
        snprintf(path, sizeof(path), "%s/11-two.md", dir);
        write_file(path, "---\nnewsletter: night-notes\nseason: 1\nepisode: 2\ntitle: Second\n"
                         "author: june\ndate: yesterday\n---\nText.\n");

        assert_int_equal(
            run(err, "import markdown --data '%s' %s '%s'", srv.data_dir, site_db(), dir), 1);
        char *msg = slurp(err, NULL);
        assert_non_null(strstr(msg, "11-two.md:7: \"date\" must be a date"));
        assert_non_null(strstr(msg, "nothing was imported"));
        free(msg);
        int status;
        char *body = page(srv.port, "/n/night-notes", &status);
        assert_int_equal(status, 404); /* the good files before it were not kept either */
        free(body);

        /* Fixed, the same folder imports completely and is served. */
        write_file(path, "---\nnewsletter: night-notes\nseason: 1\nepisode: 2\ntitle: Second "
                         "Shift\nauthor: june\ndate: 2026-01-15T06:00:00Z\n---\nText with "
                         "**weight**.\n");
        assert_int_equal(
            run(err, "import markdown --data '%s' %s '%s'", srv.data_dir, site_db(), dir), 0);
        body = page(srv.port, "/n/night-notes", &status);
        assert_int_equal(status, 200);
        assert_non_null(strstr(body, "every 10 days"));
        assert_non_null(strstr(body, "First Light"));
        assert_non_null(strstr(body, "Second Shift"));
        free(body);
        body = page(srv.port, "/n/night-notes/second-shift", &status);
        assert_int_equal(status, 200);
        assert_non_null(strstr(body, "<strong>weight</strong>"));
        free(body);
        /* Importing the same files again collides with what is there: refused, nothing added. */
        assert_int_equal(
            run(err, "import markdown --data '%s' %s '%s'", srv.data_dir, site_db(), dir), 1);
        msg = slurp(err, NULL);
        assert_non_null(
            strstr(msg, "00-newsletter.md:3: newsletter \"night-notes\" already exists"));
        free(msg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_export_import_round_trip, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_import_markdown_all_or_nothing, kd_fixture_start,
                                            kd_fixture_stop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
