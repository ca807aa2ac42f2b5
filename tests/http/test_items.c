/* Black-box tests of the shared machinery over member-written items (model/item.h): the
 * comments API's edit and delete beside the pages' (one write path), reports and the moderation
 * queue over item kinds, hiding and restoring through /hide/$target/#id and the API, reactions
 * on any reactable kind, and the notifications page over the participation kinds. Every test
 * gets a fresh demo site. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NL          "learning-in-public"
#define EP_PATH     "/n/" NL "/two-languages-one-team"
#define RADISH_PATH "/n/fourth-floor-garden/the-radish-census"

/* ---------------------------------------------------------------- helpers */

/* Posts a comment through the API as m on the episode at ep_path; returns its id. */
static long api_comment(const struct member *m, const char *ep_path, const char *body)
{
        char path[96], json[2048];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/comments", episode_id_as(m, ep_path));
        json_t *o = json_pack("{s:s}", "body", body);
        char *text = json_dumps(o, JSON_COMPACT);
        snprintf(json, sizeof(json), "%s", text);
        free(text);
        json_decref(o);
        struct http_resp r;
        api(m, "POST", path, json, true, &r);
        expect_status(&r, 201, "an API comment");
        json_t *c = json_of(&r);
        resp_free(&r);
        long id = (long)json_integer_value(json_object_get(c, "id"));
        json_decref(c);
        assert_true(id > 0);
        return id;
}

/* PATCHes /api/v1/comments/id with body as m (with or without the token). */
static void api_edit(const struct member *m, long id, const char *body, bool csrf,
                     struct http_resp *r)
{
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/comments/%ld", id);
        json_t *o = json_pack("{s:s}", "body", body);
        char *text = json_dumps(o, JSON_COMPACT);
        api(m, "PATCH", path, text, csrf, r);
        free(text);
        json_decref(o);
}

/* ---------------------------------------------------------------- comments: one write path */

static void test_api_edits_and_deletes_own_comments_only(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long id = api_comment(&sam, EP_PATH, "A first draft of a thought");

        /* the author edits: 200 with the comment as it is now */
        struct http_resp r;
        api_edit(&sam, id, "A *better* thought", true, &r);
        expect_status(&r, 200, "editing one's own comment through the API");
        json_t *c = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(c, "id")), id);
        assert_string_equal(jstr(c, "body"), "A *better* thought");
        assert_non_null(strstr(jstr(c, "body_html"), "<em>better</em>"));
        assert_true(json_is_string(json_object_get(c, "edited_at")));
        json_decref(c);
        /* the page shows the edit */
        get(NULL, EP_PATH, &r);
        expect_in(&r, "A <em>better</em> thought", "the edited comment on the page");
        resp_free(&r);

        /* someone else may not; a guest is asked to log in; no token, no edit */
        api_edit(&ana, id, "Hijacked", true, &r);
        expect_api_error(&r, 403, NULL, "editing someone else's comment");
        resp_free(&r);
        api_edit(NULL, id, "Hijacked", false, &r);
        expect_api_error(&r, 401, NULL, "a guest editing");
        resp_free(&r);
        api_edit(&sam, id, "Without a token", false, &r);
        expect_api_error(&r, 403, NULL, "an edit without the CSRF token");
        resp_free(&r);

        /* invalid input: 422 naming the field, nothing saved */
        api_edit(&sam, id, "   ", true, &r);
        expect_api_error(&r, 422, "body", "an empty edit");
        resp_free(&r);
        char *huge = malloc(30001);
        memset(huge, 'x', 30000);
        huge[30000] = '\0';
        api_edit(&sam, id, huge, true, &r);
        free(huge);
        expect_api_error(&r, 422, "body", "an over-long edit");
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_in(&r, "A <em>better</em> thought", "the comment after refused edits");
        expect_not_in(&r, "Hijacked", "a refused edit");
        resp_free(&r);

        /* no such comment */
        api_edit(&sam, 999999, "Nothing there", true, &r);
        expect_api_error(&r, 404, NULL, "editing a missing comment");
        resp_free(&r);

        /* delete: others may not, the author may; afterwards it is gone for edits too */
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/comments/%ld", id);
        api(&ana, "DELETE", path, NULL, true, &r);
        expect_api_error(&r, 403, NULL, "deleting someone else's comment");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, false, &r);
        expect_api_error(&r, 403, NULL, "a delete without the CSRF token");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, true, &r);
        expect_status(&r, 200, "deleting one's own comment through the API");
        c = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(c, "state"), "deleted");
        assert_null(json_object_get(c, "body"));
        json_decref(c);
        get(NULL, EP_PATH, &r);
        expect_not_in(&r, "A <em>better</em> thought", "a deleted comment");
        resp_free(&r);
        api_edit(&sam, id, "Back from the dead", true, &r);
        expect_api_error(&r, 404, NULL, "editing a deleted comment");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, true, &r);
        expect_api_error(&r, 404, NULL, "deleting twice");
        resp_free(&r);
}

/* The page and the API change the same comment through the same path: an edit on one shows on
 * the other, and edits count against one limit. */
static void test_pages_and_api_share_the_edit_limit(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long id = api_comment(&sam, EP_PATH, "Counting edits");
        char path[64], text[64];
        snprintf(path, sizeof(path), "/comments/%ld/edit", id);
        struct http_resp r;
        int i = 0, last = 0;
        /* alternate between the form and the API until the limit answers */
        for (; i < 40; i++) {
                snprintf(text, sizeof(text), "Edit number %d", i);
                if (i % 2) {
                        const char *kv[] = {"body", text, NULL};
                        post_pairs(&sam, path, kv, true, &r);
                } else {
                        api_edit(&sam, id, text, true, &r);
                }
                last = r.status;
                resp_free(&r);
                if (last == 429)
                        break;
                assert_true(last == 303 || last == 200);
        }
        assert_int_equal(last, 429);
        assert_int_equal(i, 30); /* KD_EDITS_PER_MEMBER_PER_MINUTE, by either way */
        api_edit(&sam, id, "One more", true, &r);
        expect_api_error(&r, 429, NULL, "the API after the limit");
        char retry[16];
        header(&r, "Retry-After", retry, sizeof(retry));
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_in(&r, "Edit number 29", "the last edit that passed");
        resp_free(&r);
}

/* ---------------------------------------------------------------- reports over kinds */

/* Posts a comment through the form as m on ep_path; returns its id (from the redirect). */
static long page_comment(const struct member *m, const char *ep_path, const char *body)
{
        char path[256], loc[512];
        snprintf(path, sizeof(path), "%s/comments", ep_path);
        const char *kv[] = {"body", body, NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        expect_status(&r, 303, "a comment");
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        const char *at = strstr(loc, "#c-");
        assert_non_null(at);
        return atol(at + 3);
}

/* POSTs a JSON object built from a jansson pack as m; the caller frees r. */
static void api_pack(const struct member *m, const char *method, const char *path, bool csrf,
                     struct http_resp *r, json_t *o)
{
        char *text = json_dumps(o, JSON_COMPACT);
        api(m, method, path, text, csrf, r);
        free(text);
        json_decref(o);
}

/* The open queue's entry for (target, id) as m sees /moderation, or NULL (caller frees). */
static char *queue_entry(const struct member *m, const char *target, long id)
{
        struct http_resp r;
        get(m, "/moderation", &r);
        expect_status(&r, 200, "the moderation page");
        const char *mid = strstr(r.body, "id=\"resolved-h\"");
        assert_non_null(mid);
        char needle[96];
        snprintf(needle, sizeof(needle), "id=\"r-%s-%ld\"", target, id);
        const char *at = strstr(r.body, needle);
        char *out = at && at < mid ? slice(at, needle, "</article>") : NULL;
        resp_free(&r);
        return out;
}

static void test_generic_report_routes_and_queue(void **state)
{
        (void)state;
        struct member sam, liwei, june, mira, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        long c = page_comment(&liwei, EP_PATH, "Spam through <b>the generic form</b>");
        char path[96];
        snprintf(path, sizeof(path), "/report/comment/%ld", c);

        /* the form, with the item it is about (escaped) */
        struct http_resp r;
        get(&sam, path, &r);
        expect_status(&r, 200, "the generic report form");
        expect_in(&r, "Spam through &lt;b&gt;the generic form&lt;/b&gt;", "the reported text");
        expect_in(&r, "action=\"/report/comment/", "the form posts to the generic address");
        resp_free(&r);
        /* a guest is sent to log in; the author may not report their own */
        assert_int_equal(status_of(NULL, path), 303);
        assert_int_equal(status_of(&liwei, path), 403);
        /* unknown kinds and ids are not found; an invalid kind never reaches a handler */
        assert_int_equal(status_of(&sam, "/report/nosuchkind/1"), 404);
        assert_int_equal(status_of(&sam, "/report/comment/999999"), 404);
        assert_int_equal(status_of(&sam, "/report/Com%20ment/1"), 404);

        /* 422 keeps the note */
        const char *bad[] = {"reason", "rude", "note", "keep <this> note", NULL};
        post_pairs(&sam, path, bad, true, &r);
        expect_status(&r, 422, "a report with an unknown reason");
        expect_in(&r, "keep &lt;this&gt; note", "the note kept");
        resp_free(&r);
        const char *ok[] = {"reason", "spam", "note", "", NULL};
        post_pairs(&sam, path, ok, false, &r);
        expect_status(&r, 403, "a report without the CSRF token");
        resp_free(&r);
        post_pairs(&sam, path, ok, true, &r);
        expect_status(&r, 200, "a report through the generic form");
        expect_in(&r, "Thank you. Moderators will look at it.", "the thanks");
        resp_free(&r);

        /* the JSON API: the same rules */
        api_pack(&tomas, "POST", "/api/v1/reports", true, &r,
                 json_pack("{s:s,s:I,s:s,s:s}", "target", "comment", "id", (json_int_t)c, "reason",
                           "harassment", "note", "From the API"));
        expect_status(&r, 201, "a report through the API");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_true(json_is_true(json_object_get(j, "created")));
        assert_string_equal(jstr(j, "target"), "comment");
        json_decref(j);
        api_pack(
            &tomas, "POST", "/api/v1/reports", true, &r,
            json_pack("{s:s,s:I,s:s}", "target", "comment", "id", (json_int_t)c, "reason", "spam"));
        expect_status(&r, 200, "a second report by the same member");
        j = json_of(&r);
        resp_free(&r);
        assert_true(json_is_false(json_object_get(j, "created")));
        json_decref(j);
        api_pack(
            &liwei, "POST", "/api/v1/reports", true, &r,
            json_pack("{s:s,s:I,s:s}", "target", "comment", "id", (json_int_t)c, "reason", "spam"));
        expect_api_error(&r, 403, NULL, "reporting one's own comment through the API");
        resp_free(&r);
        api_pack(&june, "POST", "/api/v1/reports", true, &r,
                 json_pack("{s:s,s:I,s:s}", "target", "comment", "id", (json_int_t)c, "reason",
                           "bogus"));
        expect_api_error(&r, 422, "reason", "an unknown reason through the API");
        resp_free(&r);
        api_pack(&june, "POST", "/api/v1/reports", true, &r,
                 json_pack("{s:s,s:I,s:s}", "target", "nosuchkind", "id", (json_int_t)c, "reason",
                           "spam"));
        expect_api_error(&r, 422, "target", "an unknown kind through the API");
        resp_free(&r);
        api_pack(
            &june, "POST", "/api/v1/reports", false, &r,
            json_pack("{s:s,s:I,s:s}", "target", "comment", "id", (json_int_t)c, "reason", "spam"));
        expect_api_error(&r, 403, NULL, "an API report without the token");
        resp_free(&r);
        api_pack(
            NULL, "POST", "/api/v1/reports", false, &r,
            json_pack("{s:s,s:I,s:s}", "target", "comment", "id", (json_int_t)c, "reason", "spam"));
        expect_api_error(&r, 401, NULL, "a guest's API report");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM report WHERE target = 'comment'"), 2);

        /* the queue: june (moderator) and mira (owns the newsletter) see it with both reports;
         * mira does not see who reported */
        char *e = queue_entry(&june, "comment", c);
        assert_non_null(e);
        assert_non_null(strstr(e, "2 reports"));
        assert_non_null(strstr(e, "href=\"/@sam\""));
        assert_non_null(strstr(e, "action=\"/moderation/comment/"));
        free(e);
        e = queue_entry(&mira, "comment", c);
        assert_non_null(e);
        assert_null(strstr(e, "href=\"/@sam\""));
        free(e);

        /* the generic decision: mira hides it; the episode no longer shows it */
        snprintf(path, sizeof(path), "/moderation/comment/%ld", c);
        const char *hide[] = {"action", "hide", NULL};
        post_pairs(&mira, path, hide, true, &r);
        expect_status(&r, 303, "hiding from the queue by the generic address");
        resp_free(&r);
        e = queue_entry(&june, "comment", c);
        assert_null(e);
        get(&sam, EP_PATH, &r);
        expect_not_in(&r, "Spam through", "a hidden comment");
        resp_free(&r);
        /* too late: already resolved (409); an unknown item: 404 */
        post_pairs(&june, path, hide, true, &r);
        expect_status(&r, 409, "resolving twice");
        resp_free(&r);
        post_pairs(&june, "/moderation/comment/999999", hide, true, &r);
        expect_status(&r, 404, "resolving nothing");
        resp_free(&r);
        /* the history offers Restore through the generic hide address */
        get(&june, "/moderation", &r);
        char restore[96];
        snprintf(restore, sizeof(restore), "action=\"/hide/comment/%ld\"", c);
        expect_in(&r, restore, "Restore in the history");
        resp_free(&r);
}

/* An author reviews reports on items under their newsletters only, never their own; a kind this
 * build does not know (a row another feature's branch writes) is listed by name without a
 * crash and without buttons. */
static void test_queue_scope_and_unknown_kinds(void **state)
{
        (void)state;
        struct member sam, mira, tomas, june;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&june, "june", NULL);
        /* mira's own comment on her newsletter, reported: tomas (co-author) judges it, not her */
        long own = page_comment(&mira, EP_PATH, "The author's own remark");
        char path[96];
        snprintf(path, sizeof(path), "/report/comment/%ld", own);
        const char *ok[] = {"reason", "other", NULL};
        struct http_resp r;
        post_pairs(&sam, path, ok, true, &r);
        expect_status(&r, 200, "reporting an author's comment");
        resp_free(&r);
        char *e = queue_entry(&mira, "comment", own);
        assert_null(e);
        e = queue_entry(&tomas, "comment", own);
        assert_non_null(e);
        free(e);
        snprintf(path, sizeof(path), "/moderation/comment/%ld", own);
        const char *hide[] = {"action", "hide", NULL};
        post_pairs(&mira, path, hide, true, &r);
        expect_status(&r, 403, "resolving reports on one's own comment");
        resp_free(&r);

        /* a garden comment is not mira's to judge */
        long garden = page_comment(&sam, RADISH_PATH, "Off topic in the garden");
        snprintf(path, sizeof(path), "/report/comment/%ld", garden);
        login_as(&sam, "ana", NULL); /* ana reports sam's comment */
        post_pairs(&sam, path, ok, true, &r);
        expect_status(&r, 200, "reporting a garden comment");
        resp_free(&r);
        e = queue_entry(&mira, "comment", garden);
        assert_null(e);
        e = queue_entry(&tomas, "comment", garden);
        assert_non_null(e);
        free(e);

        /* a report of a kind this build has no row for */
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO report (target, target_id, author_id, newsletter_id, reporter_id, "
                 "reason, note, created_at) SELECT 'futurekind', 4242, a.id, n.id, r.id, 'spam', "
                 "'', 1 FROM member a, member r, newsletter n WHERE a.handle = 'sam' AND r.handle "
                 "= 'ana' AND n.slug = '%s'",
                 NL);
        db_exec(sql);
        e = queue_entry(&june, "futurekind", 4242);
        assert_non_null(e);
        assert_non_null(strstr(e, "futurekind"));
        assert_null(strstr(e, "value=\"hide\""));
        free(e);
        e = queue_entry(&mira, "futurekind", 4242);
        assert_non_null(e);
        free(e);
        post_pairs(&june, "/moderation/futurekind/4242", hide, true, &r);
        expect_status(&r, 404, "resolving a kind this build does not know");
        resp_free(&r);
        /* the menu badge counts it: june has three open items */
        get(&june, "/", &r);
        expect_in(&r, "Moderation <span class=\"unread-count\">3</span>", "the queue badge");
        resp_free(&r);
}

/* ---------------------------------------------------------------- hiding over kinds */

static void test_generic_hide_and_restore(void **state)
{
        (void)state;
        struct member sam, liwei, mira, june;
        login_as(&sam, "sam", NULL);
        login_as(&liwei, "liwei", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&june, "june", NULL);
        long c = page_comment(&liwei, EP_PATH, "Hide me generically");
        long mine = page_comment(&mira, EP_PATH, "Mira hides nothing of her own");
        char path[96];
        snprintf(path, sizeof(path), "/hide/comment/%ld", c);
        const char *on[] = {"hidden", "1", NULL};
        struct http_resp r;
        /* a reader may not; a guest is sent to log in; no token, no change */
        post_pairs(&sam, path, on, true, &r);
        expect_status(&r, 403, "a reader hiding");
        resp_free(&r);
        post_pairs(NULL, path, on, false, &r);
        expect_status(&r, 303, "a guest hiding");
        resp_free(&r);
        post_pairs(&mira, path, on, false, &r);
        expect_status(&r, 403, "hiding without the token");
        resp_free(&r);
        /* the newsletter's author hides: back to the comment's place */
        post_pairs(&mira, path, on, true, &r);
        expect_status(&r, 303, "the author hides");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        char want[64];
        snprintf(want, sizeof(want), "#c-%ld", c);
        assert_non_null(strstr(loc, want));
        get(&sam, EP_PATH, &r);
        expect_not_in(&r, "Hide me generically", "a hidden comment");
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_not_in(&r, "Hide me generically", "a hidden comment, to guests");
        resp_free(&r);
        /* but not her own */
        snprintf(path, sizeof(path), "/hide/comment/%ld", mine);
        post_pairs(&mira, path, on, true, &r);
        expect_status(&r, 403, "an author hiding her own comment");
        resp_free(&r);
        /* an outside address in next is not followed */
        snprintf(path, sizeof(path), "/hide/comment/%ld", c);
        const char *evil[] = {"hidden", "0", "next", "https://evil.example/", NULL};
        post_pairs(&june, path, evil, true, &r);
        expect_status(&r, 303, "restoring");
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        assert_null(strstr(loc, "evil"));
        get(NULL, EP_PATH, &r);
        expect_in(&r, "Hide me generically", "a restored comment, to guests");
        resp_free(&r);

        /* the JSON API */
        snprintf(path, sizeof(path), "/api/v1/items/comment/%ld/hidden", c);
        api_pack(&june, "POST", path, true, &r, json_pack("{s:b}", "hidden", 1));
        expect_status(&r, 200, "hiding through the API");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "state"), "hidden");
        assert_string_equal(jstr(j, "target"), "comment");
        json_decref(j);
        api_pack(&sam, "POST", path, true, &r, json_pack("{s:b}", "hidden", 0));
        expect_api_error(&r, 403, NULL, "a reader restoring through the API");
        resp_free(&r);
        api_pack(&june, "POST", path, true, &r, json_pack("{s:b}", "hidden", 0));
        expect_status(&r, 200, "restoring through the API");
        j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "state"), "visible");
        json_decref(j);
        api_pack(&june, "POST", "/api/v1/items/nosuchkind/1/hidden", true, &r,
                 json_pack("{s:b}", "hidden", 1));
        expect_api_error(&r, 404, NULL, "hiding an unknown kind");
        resp_free(&r);
        /* the old comment address still works */
        snprintf(path, sizeof(path), "/comments/%ld/hide", c);
        post_pairs(&mira, path, on, true, &r);
        expect_status(&r, 303, "the comment hide address");
        resp_free(&r);
        snprintf(path, sizeof(path), "SELECT state = 'hidden' FROM comment WHERE id = %ld", c);
        assert_int_equal(db_int(path), 1);
}

/* ---------------------------------------------------------------- reactions over kinds */

static void test_reactions_go_through_the_kind(void **state)
{
        (void)state;
        struct member sam, ana, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long c = page_comment(&ana, EP_PATH, "React to me");
        char ids[32], loc[256], want[64];
        snprintf(ids, sizeof(ids), "%ld", c);
        /* a form without next returns to the item's own address (its kind's url) */
        const char *like[] = {"target", "comment", "id", ids, "react", "like:1", NULL};
        struct http_resp r;
        post_pairs(&sam, "/react", like, true, &r);
        expect_status(&r, 303, "a reaction without next");
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        snprintf(want, sizeof(want), "#c-%ld", c);
        assert_non_null(strstr(loc, "/n/" NL "/two-languages-one-team"));
        assert_non_null(strstr(loc, want));
        /* the buttons carry the target's name for kindred.js */
        get(&sam, EP_PATH, &r);
        char form[96];
        snprintf(form, sizeof(form), "data-target=\"comment\" data-id=\"%ld\"", c);
        expect_in(&r, form, "the comment's reactions form");
        resp_free(&r);
        /* who reacted, by the generic page */
        char path[96];
        snprintf(path, sizeof(path), "/reactions?target=comment&id=%ld", c);
        get(NULL, path, &r);
        expect_status(&r, 200, "who reacted");
        expect_in(&r, "href=\"/@sam\"", "the reactor listed");
        resp_free(&r);
        assert_int_equal(status_of(NULL, "/reactions?target=nosuchkind&id=1"), 404);

        /* the author hears of it, once, grouped */
        get(&ana, "/notifications", &r);
        expect_in(&r, "reacted to your comment", "the reaction notification");
        resp_free(&r);

        /* a hidden item takes no reactions: the kind's state decides */
        snprintf(path, sizeof(path), "/hide/comment/%ld", c);
        const char *hide[] = {"hidden", "1", NULL};
        post_pairs(&june, path, hide, true, &r);
        expect_status(&r, 303, "hiding");
        resp_free(&r);
        const char *love[] = {"target", "comment", "id", ids, "react", "love:1", NULL};
        post_pairs(&sam, "/react", love, true, &r);
        expect_status(&r, 404, "reacting to a hidden comment");
        resp_free(&r);
        char json[160];
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"love\"}", c);
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_api_error(&r, 404, NULL, "an API reaction to a hidden comment");
        resp_free(&r);
        /* unknown targets: 400 from the form, 422 from the API */
        const char *odd[] = {"target", "nosuchkind", "id", ids, "react", "like:1", NULL};
        post_pairs(&sam, "/react", odd, true, &r);
        expect_status(&r, 400, "a reaction to an unknown kind");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/reactions",
            "{\"target\":\"nosuchkind\",\"id\":1,\"kind\":\"like\"}", true, &r);
        expect_api_error(&r, 422, "target", "an API reaction to an unknown kind");
        resp_free(&r);
        /* the episode stays its own target */
        long ep = episode_id_as(&sam, EP_PATH);
        snprintf(json, sizeof(json), "{\"target\":\"episode\",\"id\":%ld,\"kind\":\"curious\"}",
                 ep);
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 200, "an API reaction to the episode");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "target"), "episode");
        assert_true(json_integer_value(json_object_get(json_object_get(j, "counts"), "curious")) >=
                    1);
        json_decref(j);
}

/* A comment under a draft is visible to its newsletter's authors only: nobody else may react to
 * it or see who did (the kind's viewable decides). */
static void test_reactions_respect_the_kind_visibility(void **state)
{
        (void)state;
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        long c = page_comment(&mira, "/n/" NL "/a-letter-to-next-years-team", "A note on a draft");
        char path[96], json[160];
        snprintf(path, sizeof(path), "/reactions?target=comment&id=%ld", c);
        assert_int_equal(status_of(&mira, path), 200);
        assert_int_equal(status_of(&sam, path), 404);
        assert_int_equal(status_of(NULL, path), 404);
        snprintf(json, sizeof(json), "{\"target\":\"comment\",\"id\":%ld,\"kind\":\"like\"}", c);
        struct http_resp r;
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_api_error(&r, 404, NULL, "reacting to a comment under a draft");
        resp_free(&r);
        snprintf(path, sizeof(path),
                 "SELECT count(*) FROM reaction WHERE target = 'comment' AND "
                 "target_id = %ld",
                 c);
        assert_int_equal(db_int(path), 0);
}

/* ---------------------------------------------------------------- notifications over kinds */

/* Inserts a notification for handle about (target, id) of kind, by actor, with the episode whose
 * slug is ep_slug as context ("": none), as notify_item would. */
static void notify(const char *handle, const char *kind, const char *actor, const char *target,
                   long id, const char *ep_slug)
{
        char sql[1024];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO notification (member_id, kind, actor_id, episode_id, target, "
                 "target_id, created_at) SELECT m.id, '%s', a.id, (SELECT id FROM episode WHERE "
                 "slug = '%s'), '%s', %ld, %lld FROM member m, "
                 "member a WHERE m.handle = '%s' AND a.handle = '%s'",
                 kind, ep_slug, target, id, (long long)time(NULL), handle, actor);
        db_exec(sql);
}

/* Rows other features write through notify_item show with their kind's address and place; kinds
 * this build does not know are left out without harming the page. */
static void test_notifications_page_over_kinds(void **state)
{
        (void)state;
        struct member mira, sam;
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        long c = page_comment(&sam, EP_PATH, "An answer, as a comment of the prompt kind would be");
        /* an answer (a comment) and a mention in it, with and without the episode as context */
        notify("mira", "answer", "sam", "comment", c, "two-languages-one-team");
        notify("mira", "mention", "sam", "comment", c, "");
        /* kinds whose rows this build has not registered, and items that do not exist */
        notify("mira", "space_reply", "sam", "post", 77, "");
        notify("mira", "buildon", "sam", "buildon", 12, "two-languages-one-team");
        notify("mira", "ask", "sam", "ask", 5, "");
        notify("mira", "term", "sam", "term", 6, "");
        notify("mira", "reaction", "sam", "post", 8, "");
        notify("mira", "answer", "sam", "comment", 999999, "");
        db_exec("INSERT INTO notification (member_id, kind, created_at, target, target_id) "
                "SELECT id, 'badge', 1, 'badge', 1 FROM member WHERE handle = 'mira'");

        struct http_resp r;
        get(&mira, "/notifications", &r);
        expect_status(&r, 200, "the notifications page with kinds this build does not know");
        /* the list links through /notifications/ID, which leads to the answer */
        char q[256], link[128], opener[64];
        snprintf(q, sizeof(q),
                 "SELECT n.id FROM notification n JOIN member m ON m.id = n.member_id WHERE "
                 "m.handle = 'mira' AND n.kind = 'answer' AND n.target = 'comment' AND "
                 "n.target_id = %ld",
                 c);
        snprintf(opener, sizeof(opener), "/notifications/%lld", db_int(q));
        snprintf(link, sizeof(link), "href=\"%s\"", opener);
        char *answer = slice(r.body, "Sam Reyes answered a question on", "</a>");
        if (!answer)
                fail_resp(&r, "no answer notification");
        free(answer);
        expect_in(&r, "answered a question on “Two Languages, One Team”", "the answer sentence");
        expect_in(&r, "mentioned you on “Two Languages, One Team”",
                  "a mention about an item without an episode in the row");
        expect_in(&r, link, "the link to the answer");
        expect_not_in(&r, "999999", "a notification about an item that is gone");
        resp_free(&r);
        get(&mira, opener, &r);
        expect_status(&r, 303, "opening the answer's notification");
        char loc[256], want[128];
        header(&r, "Location", loc, sizeof(loc));
        snprintf(want, sizeof(want), "/n/" NL "/two-languages-one-team#c-%ld", c);
        assert_string_equal(loc, want);
        resp_free(&r);
        /* the unread count still counts them all; Mark all as read clears them */
        const char *none[] = {NULL};
        post_pairs(&mira, "/notifications/read", none, true, &r);
        expect_status(&r, 303, "mark all as read");
        resp_free(&r);
        get(&mira, "/notifications", &r);
        expect_status(&r, 200, "the notifications page after reading");
        expect_not_in(&r, "class=\"unread\"", "unread notifications after Mark all as read");
        resp_free(&r);
}

/* ---------------------------------------------------------------- export and import */

/* Reports travel with their new columns, and an export made before reports reached every kind
 * (comment_id, no target; notifications without target) still imports into the same rows. */
static void test_reports_export_and_import_old_and_new(void **state)
{
        (void)state;
        struct member sam, june, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&june, "june", NULL);
        login_as(&liwei, "liwei", NULL);
        long a = page_comment(&liwei, EP_PATH, "Reported and hidden");
        long b = page_comment(&liwei, EP_PATH, "Reported and waiting");
        char path[96];
        const char *ok[] = {"reason", "spam", "note", "Twice the same link", NULL};
        struct http_resp r;
        for (int k = 0; k < 2; k++) {
                snprintf(path, sizeof(path), "/report/comment/%ld", k ? b : a);
                post_pairs(&sam, path, ok, true, &r);
                expect_status(&r, 200, "a report");
                resp_free(&r);
        }
        snprintf(path, sizeof(path), "/moderation/comment/%ld", a);
        const char *hide[] = {"action", "hide", NULL};
        post_pairs(&june, path, hide, true, &r);
        expect_status(&r, 303, "a decision");
        resp_free(&r);

        char dir[] = "/tmp/kindred-test-items-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char first[300], legacy[300], site[200], second[300];
        snprintf(first, sizeof(first), "%s/first.json", dir);
        snprintf(legacy, sizeof(legacy), "%s/legacy.json", dir);
        snprintf(site, sizeof(site), "%s/site", dir);
        snprintf(second, sizeof(second), "%s/second.json", dir);
        const char *exp1[] = {"export", "--data", srv.data_dir, first, NULL};
        assert_int_equal(kd_cli(&srv, NULL, exp1), 0);
        json_error_t err;
        json_t *root = json_load_file(first, 0, &err);
        assert_non_null(root);
        json_t *reports = json_object_get(root, "reports");
        assert_int_equal(json_array_size(reports), 2);
        json_t *rep = json_array_get(reports, 0);
        assert_string_equal(jstr(rep, "target"), "comment");
        assert_int_equal(json_integer_value(json_object_get(rep, "target_id")), a);
        assert_string_equal(jstr(rep, "outcome"), "hidden");
        assert_true(json_integer_value(json_object_get(rep, "author_id")) > 0);
        assert_true(json_integer_value(json_object_get(rep, "newsletter_id")) > 0);
        json_t *expected = json_deep_copy(root);
        /* the older shape */
        size_t i;
        json_t *row;
        json_array_foreach(reports, i, row)
        {
                json_object_set(row, "comment_id", json_object_get(row, "target_id"));
                const char *gone[] = {"target", "target_id", "author_id", "newsletter_id",
                                      "item_gone"};
                for (size_t k = 0; k < sizeof(gone) / sizeof(gone[0]); k++)
                        json_object_del(row, gone[k]);
        }
        /* an older export had no notifications about other kinds (the demo's about asks,
         * terms and answers keep theirs); the others lose the two keys */
        json_array_foreach(json_object_get(root, "notifications"), i, row)
        {
                if (!json_is_null(json_object_get(row, "target")))
                        continue;
                json_object_del(row, "target");
                json_object_del(row, "target_id");
        }
        assert_int_equal(json_dump_file(root, legacy, JSON_INDENT(2)), 0);
        json_decref(root);

        /* the new site is a SQLite file in its folder (on tests/pg/run too: across engines) */
        struct kd_server other;
        memset(&other, 0, sizeof(other));
        snprintf(other.data_dir, sizeof(other.data_dir), "%s", site);
        const char *init[] = {"init", "--data", site, NULL};
        assert_int_equal(kd_cli(&other, NULL, init), 0);
        const char *imp[] = {"import", "json", "--data", site, legacy, NULL};
        assert_int_equal(kd_cli(&other, NULL, imp), 0);
        const char *exp2[] = {"export", "--data", site, second, NULL};
        assert_int_equal(kd_cli(&other, NULL, exp2), 0);
        json_t *again = json_load_file(second, 0, &err);
        assert_non_null(again);
        assert_true(
            json_equal(json_object_get(again, "reports"), json_object_get(expected, "reports")));
        assert_true(json_equal(json_object_get(again, "notifications"),
                               json_object_get(expected, "notifications")));
        json_decref(again);
        json_decref(expected);
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_api_edits_and_deletes_own_comments_only,
                                            kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_pages_and_api_share_the_edit_limit,
                                            kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_generic_report_routes_and_queue, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_queue_scope_and_unknown_kinds, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_generic_hide_and_restore, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_reactions_go_through_the_kind, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_reactions_respect_the_kind_visibility,
                                            kd_fixture_start, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_notifications_page_over_kinds, kd_fixture_start,
                                            kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_reports_export_and_import_old_and_new,
                                            kd_fixture_start, kd_fixture_stop),
        };
        return cmocka_run_group_tests_name("items", tests, NULL, NULL);
}
