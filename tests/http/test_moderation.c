/* Moderation through the real binary: members report comments, the queue reaches the right
 * reviewers, and Hide / Keep / Hide and suspend do what they say, for whom they may. */
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NL     "learning-in-public" /* owned by mira, co-written by tomas */
#define NL_EP  "two-languages-one-team"
#define GARDEN "fourth-floor-garden" /* owned by tomas alone */
#define GDN_EP "the-radish-census"

/* ---------------------------------------------------------------- helpers */

/* Posts a comment (a reply when parent > 0) as j and returns its id, read from the redirect to
 * "#c-ID". */
static long comment(const struct member *j, const char *newsletter, const char *episode,
                    const char *text, long parent)
{
        char csrf[128], body[4096] = "", path[256], location[512];
        csrf_of(j, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "body", text);
        if (parent > 0) {
                char p[32];
                snprintf(p, sizeof(p), "%ld", parent);
                form_append(body, sizeof(body), "parent", p);
        }
        snprintf(path, sizeof(path), "/n/%s/%s/comments", newsletter, episode);
        struct http_resp r;
        post_form(j, path, body, &r);
        if (r.status != 303 || !resp_header_get(&r, "Location", location, sizeof(location)))
                fail_resp(&r, "posting a comment");
        resp_free(&r);
        const char *at = strstr(location, "#c-");
        assert_non_null(at);
        long id = strtol(at + 3, NULL, 10);
        assert_true(id > 0);
        return id;
}

/* Reports comment id as j; csrf NULL sends the member's own token, "" sends none. Returns the
 * status; the page is kept in r when r is not NULL. */
static int report_with(const struct member *j, long id, const char *reason, const char *note,
                       const char *csrf, struct http_resp *out)
{
        char token[128], body[8192] = "", path[64];
        if (!csrf) {
                csrf_of(j, token, sizeof(token));
                csrf = token;
        }
        if (*csrf)
                form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "reason", reason);
        if (note)
                form_append(body, sizeof(body), "note", note);
        snprintf(path, sizeof(path), "/comments/%ld/report", id);
        struct http_resp r;
        post_form(j, path, body, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

static int report(const struct member *j, long id, const char *reason, const char *note)
{
        return report_with(j, id, reason, note, NULL, NULL);
}

/* Resolves comment id's reports as j with action; csrf as for report_with. */
static int resolve_with(const struct member *j, long id, const char *action, const char *csrf,
                        struct http_resp *out)
{
        char token[128], body[512] = "", path[64];
        if (!csrf) {
                csrf_of(j, token, sizeof(token));
                csrf = token;
        }
        if (*csrf)
                form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "action", action);
        snprintf(path, sizeof(path), "/moderation/%ld", id);
        struct http_resp r;
        post_form(j, path, body, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

static int resolve(const struct member *j, long id, const char *action)
{
        struct http_resp r;
        int status = resolve_with(j, id, action, NULL, &r);
        if (status == 303) {
                char location[256];
                assert_true(resp_header_get(&r, "Location", location, sizeof(location)));
                assert_string_equal(location, "/moderation");
        }
        resp_free(&r);
        return status;
}

/* The moderation page as j sees it (must be 200), split into the open queue and the list of
 * recent decisions. The caller frees both. */
static void queue_of(const struct member *j, char **open, char **resolved)
{
        struct http_resp r;
        get(j, "/moderation", &r);
        if (r.status != 200)
                fail_resp(&r, "the moderation page");
        const char *mid = strstr(r.body, "id=\"resolved-h\"");
        assert_non_null(mid);
        *open = strndup(r.body, (size_t)(mid - r.body));
        *resolved = strdup(mid);
        resp_free(&r);
}

/* The open queue's entry for comment id (from its article to the end of it), or NULL. */
static char *queue_item(const char *open, long id)
{
        char needle[64];
        snprintf(needle, sizeof(needle), "id=\"r-comment-%ld\"", id);
        const char *at = strstr(open, needle);
        if (!at)
                return NULL;
        const char *end = strstr(at, "</article>");
        assert_non_null(end);
        return strndup(at, (size_t)(end - at));
}

static bool in_open_queue(const struct member *j, long id)
{
        char *open, *resolved;
        queue_of(j, &open, &resolved);
        char *item = queue_item(open, id);
        bool found = item != NULL;
        free(open);
        free(resolved);
        free(item);
        return found;
}

/* The episode page as j sees it; the caller frees it. */
static char *episode_page(const struct member *j, const char *newsletter, const char *episode)
{
        char path[256];
        snprintf(path, sizeof(path), "/n/%s/%s", newsletter, episode);
        struct http_resp r;
        get(j, path, &r);
        if (r.status != 200)
                fail_resp(&r, "an episode page");
        char *body = strdup(r.body);
        resp_free(&r);
        return body;
}

/* ---------------------------------------------------------------- fixtures */

/* ---------------------------------------------------------------- the queue */

static void test_reports_reach_the_right_queues(void **state)
{
        (void)state;
        struct member liwei, ana, sam, june, mira, tomas, admin, guest = {0};
        login_as(&liwei, "liwei", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&admin, "admin", NULL);
        long on_nl = comment(&liwei, NL, NL_EP, "Buy cheap watches at example dot com", 0);
        long on_garden = comment(&ana, GARDEN, GDN_EP, "Radishes are a waste of a balcony", 0);

        struct http_resp r;
        assert_int_equal(
            report_with(&sam, on_nl, "spam", "<b>Same text</b> on five episodes", NULL, &r), 200);
        assert_non_null(strstr(r.body, "Thank you. Moderators will look at it."));
        resp_free(&r);
        /* A second report by the same member counts once and changes nothing. */
        assert_int_equal(report_with(&sam, on_nl, "harassment", "again", NULL, &r), 200);
        assert_non_null(strstr(r.body, "You had already reported this."));
        resp_free(&r);
        assert_int_equal(report(&sam, on_garden, "off-topic", ""), 200);
        assert_int_equal(report(&liwei, on_garden, "off-topic", "Not about radishes"), 200);

        /* june (moderator) sees both, with who reported and what they said, escaped. */
        char *open, *resolved;
        queue_of(&june, &open, &resolved);
        char *item = queue_item(open, on_nl);
        assert_non_null(item);
        assert_non_null(strstr(item, "Buy cheap watches"));
        assert_non_null(strstr(item, "1 report:"));
        assert_non_null(strstr(item, "Spam"));
        assert_null(strstr(item, "Harassment"));
        assert_null(strstr(item, "again"));
        assert_non_null(strstr(item, "&lt;b&gt;Same text&lt;/b&gt; on five episodes"));
        assert_null(strstr(item, "<b>Same"));
        assert_non_null(strstr(item, "href=\"/@sam\""));
        assert_non_null(strstr(item, "href=\"/n/" NL "/" NL_EP "#c-"));
        assert_non_null(strstr(item, "value=\"suspend\""));
        free(item);
        item = queue_item(open, on_garden);
        assert_non_null(item);
        assert_non_null(strstr(item, "2 reports:"));
        assert_non_null(strstr(item, "Off topic ×2"));
        free(item);
        /* the one waiting longest comes first */
        char a[32], b[32];
        snprintf(a, sizeof(a), "id=\"r-comment-%ld\"", on_nl);
        snprintf(b, sizeof(b), "id=\"r-comment-%ld\"", on_garden);
        assert_true(strstr(open, a) < strstr(open, b));
        assert_non_null(strstr(resolved, "No decisions yet."));
        free(open);
        free(resolved);

        /* mira owns learning-in-public: its comment only, reporters not named, no suspending. */
        queue_of(&mira, &open, &resolved);
        item = queue_item(open, on_nl);
        assert_non_null(item);
        assert_null(strstr(item, "href=\"/@sam\""));
        assert_non_null(strstr(item, "value=\"hide\""));
        assert_non_null(strstr(item, "value=\"keep\""));
        assert_null(strstr(item, "value=\"suspend\""));
        free(item);
        assert_null(queue_item(open, on_garden));
        assert_null(strstr(open, "Radishes are a waste"));
        free(open);
        free(resolved);

        /* tomas owns the garden and co-writes learning-in-public: both. */
        assert_true(in_open_queue(&tomas, on_nl));
        assert_true(in_open_queue(&tomas, on_garden));
        assert_true(in_open_queue(&admin, on_nl));
        assert_true(in_open_queue(&admin, on_garden));

        /* Readers have no queue; guests are sent to log in. */
        assert_int_equal(status_of(&sam, "/moderation"), 403);
        assert_int_equal(status_of(&liwei, "/moderation"), 403);
        get(&guest, "/moderation", &r);
        assert_int_equal(r.status, 303);
        char location[256];
        assert_true(resp_header_get(&r, "Location", location, sizeof(location)));
        assert_non_null(strstr(location, "/login"));
        resp_free(&r);
}

static void test_report_rules(void **state)
{
        (void)state;
        struct member liwei, sam, ana, june, mira, admin;
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&admin, "admin", NULL);
        long c = comment(&liwei, NL, NL_EP, "A perfectly ordinary remark", 0);

        /* One's own comment cannot be reported. */
        assert_int_equal(report(&liwei, c, "spam", ""), 403);

        /* Bad input: 422 with the form again, keeping the note. */
        struct http_resp r;
        assert_int_equal(report_with(&sam, c, "rude", "keep this note", NULL, &r), 422);
        assert_non_null(strstr(r.body, "Choose why you are reporting this."));
        assert_non_null(strstr(r.body, "keep this note"));
        assert_non_null(strstr(r.body, "name=\"_csrf\""));
        resp_free(&r);
        assert_int_equal(report(&sam, c, "", ""), 422);
        /* the note is counted in characters: 500 two-byte letters pass, 501 do not */
        char note[1100] = "";
        for (int i = 0; i < 501; i++)
                strcat(note, "\xC3\xA9");
        assert_int_equal(report_with(&sam, c, "other", note, NULL, &r), 422);
        assert_non_null(strstr(r.body, "A note can be up to 500 characters."));
        resp_free(&r);
        assert_int_equal(report(&sam, c, "spam", "bad\x01note"), 400); /* a control character */
        note[1000] = '\0';
        assert_int_equal(report(&sam, c, "other", note), 200);

        /* Nothing to report: no such comment, or one that is no longer shown. */
        assert_int_equal(report(&sam, 999999, "spam", ""), 404);
        char token[128];
        csrf_of(&sam, token, sizeof(token));
        char body[256] = "";
        form_append(body, sizeof(body), "_csrf", token);
        form_append(body, sizeof(body), "reason", "spam");
        post_form(&sam, "/comments/abc/report", body, &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        assert_int_equal(resolve(&june, c, "hide"), 303);
        assert_int_equal(report(&ana, c, "spam", ""), 404);

        /* Nobody judges reports on their own comment: mira's goes to june, not to mira. */
        long own = comment(&mira, NL, NL_EP, "The author chimes in", 0);
        assert_int_equal(report(&sam, own, "off-topic", ""), 200);
        assert_false(in_open_queue(&mira, own));
        assert_true(in_open_queue(&june, own));
        assert_int_equal(resolve(&mira, own, "keep"), 403);
        assert_int_equal(resolve(&mira, own, "hide"), 403);
        /* june's own comment is the admin's to judge, and june cannot suspend herself */
        long junes = comment(&june, NL, NL_EP, "A moderator's aside", 0);
        assert_int_equal(report(&sam, junes, "other", ""), 200);
        assert_false(in_open_queue(&june, junes));
        assert_true(in_open_queue(&admin, junes));
        assert_int_equal(resolve(&june, junes, "suspend"), 403);
        assert_int_equal(resolve(&admin, junes, "keep"), 303);
}

/* ---------------------------------------------------------------- decisions */

static void test_hide_from_queue_keeps_replies(void **state)
{
        (void)state;
        struct member liwei, ana, sam, june;
        login_as(&liwei, "liwei", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL);
        long parent = comment(&liwei, NL, NL_EP, "Something rude about the author", 0);
        long reply = comment(&ana, NL, NL_EP, "A calm reply that stays", parent);
        assert_true(reply > parent);
        assert_int_equal(report(&sam, parent, "harassment", "Personal attack"), 200);
        assert_int_equal(report(&ana, parent, "harassment", ""), 200);

        assert_int_equal(resolve(&june, parent, "hide"), 303);
        char *page = episode_page(&sam, NL, NL_EP);
        assert_non_null(strstr(page, "Hidden by a moderator."));
        assert_null(strstr(page, "Something rude about the author"));
        assert_non_null(strstr(page, "A calm reply that stays"));
        free(page);

        char *open, *resolved;
        queue_of(&june, &open, &resolved);
        assert_null(queue_item(open, parent));
        assert_non_null(strstr(open, "Nothing to review."));
        assert_non_null(strstr(resolved, "<td>Hidden</td>"));
        assert_non_null(strstr(resolved, "2 (Harassment or abuse ×2)"));
        assert_non_null(strstr(resolved, "href=\"/@june\""));
        assert_non_null(strstr(resolved, "Restore"));
        free(open);
        free(resolved);

        /* A second decision on the same reports comes too late. */
        struct http_resp r;
        assert_int_equal(resolve_with(&june, parent, "keep", NULL, &r), 409);
        assert_non_null(strstr(r.body, "someone resolved them before you"));
        resp_free(&r);
        /* Decisions need a known action and an existing comment. */
        long other = comment(&liwei, NL, NL_EP, "Another remark", 0);
        assert_int_equal(report(&sam, other, "spam", ""), 200);
        assert_int_equal(resolve(&june, other, "delete"), 400);
        assert_int_equal(resolve(&june, 999999, "hide"), 404);
        assert_true(in_open_queue(&june, other));
}

static void test_keep_dismisses_reports(void **state)
{
        (void)state;
        struct member liwei, sam, tomas, mira;
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&mira, "mira", NULL);
        long c = comment(&liwei, GARDEN, GDN_EP, "Radishes deserve better than this", 0);
        assert_int_equal(report(&sam, c, "off-topic", ""), 200);

        /* mira does not write in the garden: its reports are not hers to judge. */
        assert_int_equal(resolve(&mira, c, "keep"), 403);
        assert_int_equal(resolve(&mira, c, "hide"), 403);
        /* tomas owns it: he keeps the comment. */
        assert_int_equal(resolve(&tomas, c, "keep"), 303);
        char *page = episode_page(&sam, GARDEN, GDN_EP);
        assert_non_null(strstr(page, "Radishes deserve better than this"));
        free(page);
        char *open, *resolved;
        queue_of(&tomas, &open, &resolved);
        assert_null(queue_item(open, c));
        assert_non_null(strstr(resolved, "<td>Kept</td>"));
        assert_null(strstr(resolved, "Restore"));
        free(open);
        free(resolved);
        /* sam already reported it: reporting again does not reopen it. */
        assert_int_equal(report(&sam, c, "spam", ""), 200);
        assert_false(in_open_queue(&tomas, c));
}

static void test_suspend_only_by_moderators(void **state)
{
        (void)state;
        struct member liwei, sam, june, mira, admin;
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&admin, "admin", NULL);
        long c = comment(&liwei, NL, NL_EP, "Spam spam spam", 0);
        assert_int_equal(report(&sam, c, "spam", ""), 200);

        /* mira may hide in her newsletter, but suspending a member is for moderators. */
        struct http_resp r;
        assert_int_equal(resolve_with(&mira, c, "suspend", NULL, &r), 403);
        assert_non_null(strstr(r.body, "Only moderators and admins may suspend members."));
        resp_free(&r);
        assert_int_equal(resolve(&sam, c, "suspend"), 403);
        assert_int_equal(kd_login(srv.port, &(struct jar){0}, "liwei", DEMO_PW), 303);

        assert_int_equal(resolve(&june, c, "suspend"), 303);
        /* liwei is signed out everywhere and cannot log in again */
        get(&liwei, "/settings", &r);
        assert_int_equal(r.status, 303);
        resp_free(&r);
        assert_int_not_equal(kd_login(srv.port, &(struct jar){0}, "liwei", DEMO_PW), 303);
        char *page = episode_page(&sam, NL, NL_EP);
        assert_null(strstr(page, "Spam spam spam")); /* hidden, and without replies: gone */
        free(page);
        char *open, *resolved;
        queue_of(&june, &open, &resolved);
        assert_non_null(strstr(resolved, "Hidden, author suspended"));
        free(open);
        free(resolved);

        /* An admin cannot be suspended: the button is not offered and the action is refused. */
        long admins = comment(&admin, NL, NL_EP, "The admin speaks", 0);
        assert_int_equal(report(&sam, admins, "other", ""), 200);
        queue_of(&june, &open, &resolved);
        char *item = queue_item(open, admins);
        assert_non_null(item);
        assert_null(strstr(item, "value=\"suspend\""));
        free(item);
        free(open);
        free(resolved);
        assert_int_equal(resolve_with(&june, admins, "suspend", NULL, &r), 403);
        assert_non_null(strstr(r.body, "Admins cannot be suspended."));
        resp_free(&r);
        assert_int_equal(kd_login(srv.port, &(struct jar){0}, "admin", DEMO_PW), 303);
        assert_int_equal(resolve(&june, admins, "hide"), 303);
}

/* ---------------------------------------------------------------- guards */

static void test_csrf_required(void **state)
{
        (void)state;
        struct member liwei, sam, june, guest = {0};
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL);
        long c = comment(&liwei, NL, NL_EP, "Guarded remark", 0);

        assert_int_equal(report_with(&sam, c, "spam", "", "", NULL), 403);
        assert_int_equal(report_with(&sam, c, "spam", "", "not-the-token", NULL), 403);
        assert_int_equal(report_with(&guest, c, "spam", "", "", NULL), 303); /* to log in */
        assert_false(in_open_queue(&june, c));

        assert_int_equal(report(&sam, c, "spam", ""), 200);
        assert_int_equal(resolve_with(&june, c, "hide", "", NULL), 403);
        assert_int_equal(resolve_with(&june, c, "hide", "not-the-token", NULL), 403);
        /* another member's token does not do either */
        char sams[128];
        csrf_of(&sam, sams, sizeof(sams));
        assert_int_equal(resolve_with(&june, c, "hide", sams, NULL), 403);
        assert_true(in_open_queue(&june, c));
        char *page = episode_page(&sam, NL, NL_EP);
        assert_non_null(strstr(page, "Guarded remark"));
        free(page);
}

static void test_report_rate_limit(void **state)
{
        (void)state;
        struct member liwei, sam, ana;
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long c = comment(&liwei, NL, NL_EP, "Reported again and again", 0);
        /* KD_REPORTS_PER_MEMBER_PER_HOUR is 20: repeats count, since each is a write. */
        for (int i = 0; i < 20; i++)
                assert_int_equal(report(&sam, c, "spam", ""), 200);
        struct http_resp r;
        assert_int_equal(report_with(&sam, c, "spam", "", NULL, &r), 429);
        char retry[32];
        assert_true(resp_header_get(&r, "Retry-After", retry, sizeof(retry)));
        assert_true(atoi(retry) > 0);
        resp_free(&r);
        /* the limit is sam's alone */
        assert_int_equal(report(&ana, c, "spam", ""), 200);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_reports_reach_the_right_queues, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_report_rules, kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_hide_from_queue_keeps_replies, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_keep_dismisses_reports, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_suspend_only_by_moderators, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_csrf_required, kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_report_rate_limit, kd_fixture_start,
                                            kd_fixture_stop),
        };
        return cmocka_run_group_tests_name("moderation", tests, NULL, NULL);
}
