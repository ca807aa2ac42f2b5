/* Black-box tests of the insights pages (/insights, /insights/$newsletter): a tiny community
 * loaded with `kindred events load` whose numbers are worked out by hand below; the page's
 * tables (the charts' text alternatives) must show them, and the same numbers as the API;
 * who may see what; a bad range is a 400 page that keeps the form; an empty newsletter says
 * "not enough data yet". One site for the whole file (the group setup builds it). */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- the community
 *
 * Newsletter "garden-log", owned by tomas (T). Members: sam (S), liwei (L), ana (A), june (J;
 * a moderator of the site, a plain member here). Season 1 "Beds" (weekly on Mondays):
 * e1 Mon 2026-11-02, e2 Mon 2026-11-09, e3 Mon 2026-11-16. Weeks: A = 11-02, B = 11-09,
 * C = 11-16; the range is 2026-11-02 .. 2026-11-22 (three whole weeks).
 *
 * A: S views e1, replies to A; L views e1, reacts; A views e1, comments; J views e1.
 * B: S views e2, reacts; L views e2; A views e2, builds on it (other: T), replies to S.
 * C: S views e3, replies to T; A views e3, tries it; J views e3, replies to L.
 *
 * By hand:
 *   returning rate per week: A 0 of 4 = 0%; B S, L, A all active in A: 3 of 3 = 100%;
 *     C S, A, J: 3 of 3 = 100%.
 *   ladder (highest rung in the range): S commenter (replies), L reactor, A builder,
 *     J commenter: readers 4, reactors+ 4 (100%), commenters+ 3 (75%), builders 1 (33.3%).
 *   replies: S->A, A->S, J->L member to member; S->T to an author: 3 of 4 = 75%; per week:
 *     A 1 of 1 = 100%, B 1 of 1 = 100%, C 1 of 2 = 50%.
 *   retention of season 1 (every member who took part, all time): e1 S, L, A, J (4); e2 S,
 *     L, A, all from e1: 3 of 4 = 75%; e3 S, A, J: 3 of 4 = 75%. */

#define NL    "garden-log"
#define PAGE  "/insights/" NL
#define RANGE "from=2026-11-02&to=2026-11-22"

static long id_s, id_l, id_a, id_j, id_tomas, nl_id, e1, e2, e3;
static struct member tomas, mira, sam, admin;

static long member_id(const char *handle)
{
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT id FROM member WHERE handle = '%s'", handle);
        long id = (long)db_int(sql);
        assert_true(id > 0);
        return id;
}

static long add_newsletter(const char *slug, const char *title)
{
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO newsletter (slug, title, owner_id, created_at, updated_at) VALUES "
                 "('%s', '%s', %ld, 0, 0)",
                 slug, title, id_tomas);
        db_exec(sql);
        snprintf(sql, sizeof(sql), "SELECT id FROM newsletter WHERE slug = '%s'", slug);
        return (long)db_int(sql);
}

static long add_episode(long season, int number, const char *slug, const char *publish_at)
{
        char sql[1024];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO episode (newsletter_id, season_id, number, author_id, slug, title, "
                 "body, body_html, body_text, status, publish_at, created_at, updated_at) VALUES "
                 "(%ld, %ld, %d, %ld, '%s', 'Bed %d', 'Text.', '<p>Text.</p>', 'Text.', "
                 "'published', %lld, %lld, %lld)",
                 nl_id, season, number, id_tomas, slug, number, unix_at(publish_at),
                 unix_at(publish_at), unix_at(publish_at));
        db_exec(sql);
        snprintf(sql, sizeof(sql),
                 "SELECT id FROM episode WHERE slug = '%s' AND newsletter_id = %ld", slug, nl_id);
        return (long)db_int(sql);
}

static void load_history(void)
{
        char *h = NULL;
        size_t hl = 0;
        FILE *f = open_memstream(&h, &hl);
        /* at, kind, member, guest, newsletter, episode, other, item */
#define EV(at, kind, mem, ep, other)                                                               \
        fprintf(f, "%s\t%s\t%ld\t\t%ld\t%ld\t%s\t\n", at, kind, mem, nl_id, ep, other)
        char T[24], S[24], L[24], A[24];
        snprintf(T, sizeof(T), "%ld", id_tomas);
        snprintf(S, sizeof(S), "%ld", id_s);
        snprintf(L, sizeof(L), "%ld", id_l);
        snprintf(A, sizeof(A), "%ld", id_a);
        EV("2026-11-02T12:00:00Z", "view", id_s, e1, "");
        EV("2026-11-03T09:00:00Z", "view", id_l, e1, "");
        EV("2026-11-03T09:10:00Z", "reaction", id_l, e1, "");
        EV("2026-11-04T10:00:00Z", "view", id_a, e1, "");
        EV("2026-11-04T10:05:00Z", "comment", id_a, e1, "");
        EV("2026-11-05T09:00:00Z", "view", id_j, e1, "");
        EV("2026-11-05T10:00:00Z", "reply", id_s, e1, A);
        EV("2026-11-10T12:00:00Z", "view", id_s, e2, "");
        EV("2026-11-10T12:10:00Z", "reaction", id_s, e2, "");
        EV("2026-11-11T08:00:00Z", "view", id_l, e2, "");
        EV("2026-11-11T13:00:00Z", "view", id_a, e2, "");
        EV("2026-11-11T15:00:00Z", "buildon", id_a, e2, T);
        EV("2026-11-12T09:00:00Z", "reply", id_a, e2, S);
        EV("2026-11-17T12:00:00Z", "view", id_s, e3, "");
        EV("2026-11-17T13:00:00Z", "reply", id_s, e3, T);
        EV("2026-11-18T10:00:00Z", "view", id_a, e3, "");
        EV("2026-11-18T11:00:00Z", "tried", id_a, e3, "");
        EV("2026-11-19T10:00:00Z", "view", id_j, e3, "");
        EV("2026-11-19T11:00:00Z", "reply", id_j, e3, L);
#undef EV
        fclose(f);
        const char *args[] = {"events", "load", "-", NULL};
        assert_int_equal(kd_cli(&srv, h, args), 0);
        free(h);
}

static int build(void **state)
{
        if (kd_fixture_start(state) != 0)
                return -1;
        id_s = member_id("sam");
        id_l = member_id("liwei");
        id_a = member_id("ana");
        id_j = member_id("june");
        id_tomas = member_id("tomas");
        nl_id = add_newsletter(NL, "Garden <Log> & \"Beds\"");
        add_newsletter("empty-shelf", "Empty Shelf");
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO season (newsletter_id, number, title, cadence, cadence_n, status, "
                 "created_at, updated_at) VALUES (%ld, 1, 'Beds', 'weekly', 1, 'finished', 0, 0)",
                 nl_id);
        db_exec(sql);
        snprintf(sql, sizeof(sql), "SELECT id FROM season WHERE newsletter_id = %ld", nl_id);
        long s1 = (long)db_int(sql);
        e1 = add_episode(s1, 1, "first-bed", "2026-11-02 08:00:00");
        e2 = add_episode(s1, 2, "second-bed", "2026-11-09 08:00:00");
        e3 = add_episode(s1, 3, "third-bed", "2026-11-16 08:00:00");
        load_history();
        login_as(&tomas, "tomas", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&admin, "admin", NULL);
        return 0;
}

/* ---------------------------------------------------------------- reading pages and API */

static char *page_of(const struct member *m, const char *path, int status)
{
        struct http_resp r;
        get(m, path, &r);
        expect_status(&r, status, path);
        char *body = strdup(r.body ? r.body : "");
        resp_free(&r);
        return body;
}

static json_t *api_json(const struct member *m, const char *path)
{
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, path);
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

/* The cells of the table row headed `row` inside the figure `figure_id` (its text
 * alternative): up to max cells' text, tags stripped. Returns how many. */
static int row_cells(const char *page, const char *figure_id, const char *row, char cells[][64],
                     int max)
{
        char open[96];
        snprintf(open, sizeof(open), "<figure class=\"chart chart-");
        const char *fig = NULL;
        for (const char *p = strstr(page, open); p; p = strstr(p + 1, open)) {
                const char *id = strstr(p, "id=\"chart-");
                if (id && strncmp(id + 10, figure_id, strlen(figure_id)) == 0 &&
                    id[10 + strlen(figure_id)] == '"') {
                        fig = p;
                        break;
                }
        }
        if (!fig)
                fail_msg("no figure %s", figure_id);
        const char *end = strstr(fig, "</figure>");
        char head[160];
        snprintf(head, sizeof(head), "<th scope=\"row\">%s</th>", row);
        const char *p = strstr(fig, head);
        if (!p || p > end)
                fail_msg("no row %s in figure %s", row, figure_id);
        p += strlen(head);
        const char *row_end = strstr(p, "</tr>");
        int n = 0;
        while (n < max) {
                const char *td = strstr(p, "<td");
                if (!td || td > row_end)
                        break;
                td = strchr(td, '>') + 1;
                const char *close = strstr(td, "</td>");
                size_t len = 0;
                for (const char *q = td; q < close && len < 63; q++) {
                        if (*q == '<') { /* skip a tag inside the cell */
                                q = strchr(q, '>');
                                continue;
                        }
                        cells[n][len++] = *q;
                }
                cells[n][len] = '\0';
                n++;
                p = close;
        }
        return n;
}

/* A share as the page writes it: "66.7%", "75%", "0%". */
static void share_text(double share, char *out, size_t size)
{
        long tenths = lround(share * 1000.0);
        if (tenths % 10 == 0)
                snprintf(out, size, "%ld%%", tenths / 10);
        else
                snprintf(out, size, "%ld.%ld%%", tenths / 10, tenths % 10);
}

static void expect_cell(const char *page, const char *figure, const char *row, int col,
                        const char *expected)
{
        char cells[8][64];
        int n = row_cells(page, figure, row, cells, 8);
        if (col >= n || strcmp(cells[col], expected) != 0)
                fail_msg("%s / %s, column %d: expected \"%s\", got \"%s\"", figure, row, col,
                         expected, col < n ? cells[col] : "(none)");
}

/* ---------------------------------------------------------------- the tests */

static void ladder_matches_hand_and_api(void **state)
{
        (void)state;
        char *page = page_of(&tomas, PAGE "?" RANGE, 200);
        /* by hand */
        expect_cell(page, "ladder", "Readers", 0, "4");
        expect_cell(page, "ladder", "Reactors", 0, "4");
        expect_cell(page, "ladder", "Reactors", 1, "100%");
        expect_cell(page, "ladder", "Commenters and answerers", 0, "3");
        expect_cell(page, "ladder", "Commenters and answerers", 1, "75%");
        expect_cell(page, "ladder", "Builders", 0, "1");
        expect_cell(page, "ladder", "Builders", 1, "33.3%");
        /* and as the API says */
        json_t *j = api_json(&tomas, "/api/v1/insights/" NL "/ladder?" RANGE);
        json_t *rows = json_object_get(j, "ladder");
        assert_int_equal(json_array_size(rows), 4);
        const char *names[] = {"Readers", "Reactors", "Commenters and answerers", "Builders"};
        for (size_t i = 0; i < 4; i++) {
                json_t *row = json_array_get(rows, i);
                char want[32];
                snprintf(want, sizeof(want), "%lld",
                         (long long)json_integer_value(json_object_get(row, "members_at_least")));
                expect_cell(page, "ladder", names[i], 0, want);
                if (i > 0) {
                        share_text(json_number_value(json_object_get(row, "conversion")), want,
                                   sizeof(want));
                        expect_cell(page, "ladder", names[i], 1, want);
                }
        }
        json_decref(j);
        free(page);
}

static void weekly_series_match_api(void **state)
{
        (void)state;
        char *page = page_of(&tomas, PAGE "?" RANGE, 200);
        /* by hand: returning 0%, 100%, 100%; member-to-member 100%, 100%, 50% */
        expect_cell(page, "returning", "2 Nov", 0, "0%");
        expect_cell(page, "returning", "9 Nov", 0, "100%");
        expect_cell(page, "returning", "16 Nov", 0, "100%");
        expect_cell(page, "m2m", "2 Nov", 0, "100%");
        expect_cell(page, "m2m", "16 Nov", 0, "50%");
        expect_cell(page, "active", "2 Nov", 0, "4");
        expect_cell(page, "active", "16 Nov", 1, "3");
        json_t *j = api_json(&tomas, "/api/v1/insights/" NL "/weeks?" RANGE);
        json_t *weeks = json_object_get(j, "weeks");
        assert_int_equal(json_array_size(weeks), 3);
        const char *labels[] = {"2 Nov", "9 Nov", "16 Nov"};
        for (size_t i = 0; i < 3; i++) {
                json_t *w = json_array_get(weeks, i);
                char want[32];
                share_text(json_number_value(json_object_get(w, "returning_rate")), want,
                           sizeof(want));
                expect_cell(page, "returning", labels[i], 0, want);
                share_text(json_number_value(json_object_get(w, "member_reply_share")), want,
                           sizeof(want));
                expect_cell(page, "m2m", labels[i], 0, want);
                snprintf(want, sizeof(want), "%lld",
                         (long long)json_integer_value(json_object_get(w, "connections")));
                expect_cell(page, "connections", labels[i], 0, want);
        }
        json_decref(j);
        /* the headline agrees: 3 of 4 replies between members */
        assert_non_null(strstr(page, "Members replied to each other 3 times: 75% of all replies."));
        /* links to the numbers behind each chart */
        assert_non_null(strstr(page, "href=\"/api/v1/insights/" NL "/ladder?from=2026-11-02&amp;"
                                     "to=2026-11-22&amp;format=csv\""));
        free(page);
}

static void retention_heatmap_matches_api(void **state)
{
        (void)state;
        char *page = page_of(&tomas, PAGE "?" RANGE, 200);
        /* cohort "from ep. 1" (4 members): ep. 1 100%, ep. 2 75%, ep. 3 75% */
        expect_cell(page, "cohorts", "From ep. 1 (4 members)", 0, "100% (4)");
        expect_cell(page, "cohorts", "From ep. 1 (4 members)", 1, "75% (3)");
        expect_cell(page, "cohorts", "From ep. 1 (4 members)", 2, "75% (3)");
        json_t *j = api_json(&tomas, "/api/v1/insights/" NL "/cohorts?" RANGE);
        json_t *cells = json_object_get(j, "cohorts");
        size_t i;
        json_t *c;
        int checked = 0;
        json_array_foreach(cells, i, c)
        {
                if (json_integer_value(json_object_get(c, "cohort")) != 1)
                        continue;
                char want[48], share[16];
                share_text(json_number_value(json_object_get(c, "share")), share, sizeof(share));
                snprintf(want, sizeof(want), "%s (%lld)", share,
                         (long long)json_integer_value(json_object_get(c, "read")));
                expect_cell(page, "cohorts", "From ep. 1 (4 members)",
                            (int)json_integer_value(json_object_get(c, "episode")) - 1, want);
                checked++;
        }
        assert_int_equal(checked, 3);
        json_decref(j);
        free(page);
}

static void scopes(void **state)
{
        (void)state;
        char *page = page_of(&tomas, PAGE "?" RANGE "&season=1", 200);
        assert_non_null(strstr(page, "<option value=\"1\" selected>"));
        assert_non_null(strstr(page, "season 1"));
        free(page);
        page = page_of(&tomas, PAGE "?" RANGE "&episode=second-bed", 200);
        assert_non_null(strstr(page, "<option value=\"second-bed\" selected>"));
        free(page);
        /* no such season: 404, and the form stays */
        page = page_of(&tomas, PAGE "?" RANGE "&season=9", 404);
        assert_non_null(strstr(page, "This newsletter has no such season."));
        assert_non_null(strstr(page, "name=\"from\" value=\"2026-11-02\""));
        free(page);
        /* presets: the last 4 weeks, as a plain link */
        page = page_of(&tomas, PAGE "?weeks=4", 200);
        assert_non_null(strstr(page, "4 whole weeks"));
        free(page);
}

static void bad_range_keeps_the_form(void **state)
{
        (void)state;
        char *page = page_of(&tomas, PAGE "?from=2026-13-45&to=2026-11-22", 400);
        assert_non_null(strstr(page, "<form class=\"range-form\" method=\"get\""));
        assert_non_null(strstr(page, "name=\"from\" value=\"2026-13-45\" aria-invalid=\"true\""));
        assert_non_null(strstr(page, "Dates are written as year-month-day"));
        /* not a day a date field may hold: shown back as typed, in a text field */
        assert_non_null(strstr(page, "<input type=\"text\" placeholder=\"2026-11-02\" "
                                     "id=\"range-from\""));
        assert_non_null(strstr(page, "<input type=\"date\" id=\"range-to\" name=\"to\" "
                                     "value=\"2026-11-22\""));
        assert_null(strstr(page, "<svg"));
        free(page);
        page = page_of(&tomas, PAGE "?from=2026-11-22&to=2026-11-02", 400);
        assert_non_null(strstr(page, "swap the dates"));
        free(page);
        page = page_of(&tomas, PAGE "?from=%3Cb%3E&to=2026-11-02", 400);
        assert_non_null(strstr(page, "value=\"&lt;b&gt;\""));
        assert_null(strstr(page, "value=\"<b>\""));
        free(page);
}

static void empty_newsletter(void **state)
{
        (void)state;
        char *page = page_of(&tomas, "/insights/empty-shelf?" RANGE, 200);
        assert_non_null(strstr(page, "No member has read or taken part in these weeks yet."));
        assert_true(count(page, "<p class=\"chart-empty\">Not enough data yet.</p>") >= 3);
        free(page);
}

static void who_may_see(void **state)
{
        (void)state;
        /* guests go to the login page */
        struct http_resp r;
        get(NULL, PAGE, &r);
        expect_status(&r, 303, "a guest");
        char location[256];
        header(&r, "Location", location, sizeof(location));
        resp_free(&r);
        assert_non_null(strstr(location, "/login"));
        /* a reader with no newsletter, and an author of another newsletter */
        assert_int_equal(status_of(&sam, "/insights"), 403);
        assert_int_equal(status_of(&sam, PAGE), 403);
        assert_int_equal(status_of(&mira, PAGE), 403);
        assert_int_equal(status_of(&tomas, "/insights/no-such-letter"), 404);
        /* the owner's index lists their newsletters with a headline */
        char *page = page_of(&tomas, "/insights", 200);
        assert_non_null(strstr(page, "href=\"/insights/" NL "\">Garden &lt;Log&gt; &amp; "
                                     "&quot;Beds&quot;</a>"));
        /* tomas co-writes the demo's Learning in Public: a co-author sees its insights too */
        assert_non_null(strstr(page, "href=\"/insights/learning-in-public\""));
        assert_null(strstr(page, "The whole site"));
        free(page);
        /* mira sees her own, not tomas's; a co-author is let in where an author of another
         * newsletter is not */
        assert_int_equal(status_of(&tomas, "/insights/learning-in-public"), 200);
        page = page_of(&mira, "/insights", 200);
        assert_non_null(strstr(page, "/insights/learning-in-public"));
        assert_null(strstr(page, "/insights/" NL "\""));
        free(page);
        /* admins see every newsletter and the whole site */
        page = page_of(&admin, "/insights", 200);
        assert_non_null(strstr(page, "/insights/" NL "\""));
        assert_non_null(strstr(page, "/insights/learning-in-public"));
        assert_non_null(strstr(page, "<a href=\"/insights?site=1\">"));
        assert_null(strstr(page, "The whole site"));
        free(page);
        page = page_of(&admin, "/insights?site=1&" RANGE, 200);
        assert_non_null(strstr(page, "The whole site"));
        assert_non_null(strstr(page, "<input type=\"hidden\" name=\"site\" value=\"1\">"));
        assert_non_null(strstr(page, "href=\"/insights?weeks=4&amp;site=1\""));
        assert_non_null(strstr(page, "/api/v1/insights?metric=weeks&amp;from=2026-11-02"));
        free(page);
        assert_int_equal(status_of(&admin, PAGE), 200);
        /* the site is for admins: site=1 means nothing to an author */
        page = page_of(&tomas, "/insights?site=1", 200);
        assert_null(strstr(page, "The whole site"));
        free(page);
        /* the header menu links authors there */
        page = page_of(&tomas, "/", 200);
        assert_non_null(strstr(page, "<a href=\"/insights\">Insights</a>"));
        free(page);
        page = page_of(&sam, "/", 200);
        assert_null(strstr(page, "<a href=\"/insights\">"));
        free(page);
}

static void chinese(void **state)
{
        (void)state;
        struct http_resp r;
        char headers[1200];
        jar_header(&tomas.jar, headers, sizeof(headers) - 32);
        strcat(headers, "Accept-Language: zh-CN\r\n");
        get_with_headers(PAGE "?" RANGE, headers, &r);
        expect_status(&r, 200, "the page in Chinese");
        expect_in(&r, "参与阶梯", "the ladder's heading");
        expect_in(&r, "查看数据", "Show the numbers");
        expect_in(&r, "11月2日", "a week's short date");
        resp_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(ladder_matches_hand_and_api),
            cmocka_unit_test(weekly_series_match_api),
            cmocka_unit_test(retention_heatmap_matches_api),
            cmocka_unit_test(scopes),
            cmocka_unit_test(bad_range_keeps_the_form),
            cmocka_unit_test(empty_newsletter),
            cmocka_unit_test(who_may_see),
            cmocka_unit_test(chinese),
        };
        return cmocka_run_group_tests(tests, build, kd_fixture_stop);
}
