/* Black-box tests of build-ons against the real kindred binary with the demo content: writing
 * one with a quote of the episode or of the build-on it builds on, the chain of ideas, featuring
 * (authors only), editing and deleting one's own, drafts that never leak, hiding with exact
 * counts, comments on a build-on kept out of the episode's conversation, notifications, hostile
 * input, rate limits, CSRF and the JSON API.
 *
 * The demo has five build-ons: 1 (sam, featured by mira) on "The Fifteen-Minute Retro", 2 (ana)
 * on 1, 3 (liwei, in Chinese) on 2, 4 (june) on "The Radish Census", 5 (tomas) on the retro.
 * KD_TEST_FILTER=pattern runs only the matching tests. */
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

#define NL          "learning-in-public"
#define RETRO       "/n/" NL "/the-fifteen-minute-retro"
#define RADISH      "/n/fourth-floor-garden/the-radish-census"
#define DRAFT_PATH  "/n/" NL "/a-letter-to-next-years-team"
#define RETRO_QUOTE "has exactly three questions"

/* ---------------------------------------------------------------- helpers */

/* Posts a build-on form on ep_path (parent 0: on the episode; quote may be NULL). */
static void buildon_try(const struct member *m, const char *ep_path, long parent, const char *title,
                        const char *body, const char *quote, struct http_resp *r)
{
        char path[256], par[32];
        snprintf(path, sizeof(path), "%s/b", ep_path);
        snprintf(par, sizeof(par), "%ld", parent);
        const char *kv[] = {"title",       title,
                            "body",        body,
                            "parent",      parent ? par : "0",
                            "quote_exact", quote ? quote : "",
                            NULL};
        post_pairs(m, path, kv, true, r);
}

/* Posts a build-on that must be accepted: 303 to ep_path/b/ID. Returns ID. */
static long buildon_write(const struct member *m, const char *ep_path, long parent,
                          const char *title, const char *body, const char *quote)
{
        struct http_resp r;
        buildon_try(m, ep_path, parent, title, body, quote, &r);
        if (r.status != 303)
                fail_resp(&r, "a build-on was refused");
        char loc[512], want[300];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        snprintf(want, sizeof(want), "%s/b/", ep_path);
        if (strncmp(loc, want, strlen(want)) != 0)
                fail_msg("a build-on redirected to %s, not to %s<id>", loc, want);
        long id = atol(loc + strlen(want));
        assert_true(id > 0);
        return id;
}

static void page_of(const struct member *m, long id, struct http_resp *r)
{
        char path[256];
        snprintf(path, sizeof(path), RETRO "/b/%ld", id);
        get(m, path, r);
}

/* The build-on count the API gives for an episode. */
static long api_count(const struct member *m, long episode_id)
{
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/buildons", episode_id);
        struct http_resp r;
        api(m, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "the build-on list");
        json_t *j = json_of(&r);
        resp_free(&r);
        long n = (long)json_integer_value(json_object_get(j, "count"));
        json_decref(j);
        return n;
}

/* The unread number in the header. */
static int unread(const struct member *m)
{
        struct http_resp r;
        get(m, "/", &r);
        assert_int_equal(r.status, 200);
        const char *p = strstr(r.body, "<span class=\"unread-count\"");
        int n = 0;
        if (p) {
                p = strchr(p, '>');
                n = p ? atoi(p + 1) : -1;
        }
        resp_free(&r);
        return n;
}

static void post_simple(const struct member *m, const char *path, const char *name,
                        const char *value, bool csrf, struct http_resp *r)
{
        const char *kv[] = {name, value, NULL};
        post_pairs(m, path, name ? kv : NULL, csrf, r);
}

/* ---------------------------------------------------------------- the demo's chain */

static void test_episode_shows_built_on_this_featured_first(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, RETRO, &r);
        expect_status(&r, 200, "the retro episode");
        char *sec = slice(r.body, "<section id=\"buildons\"", "</section>");
        if (!sec)
                fail_resp(&r, "no Built on this section");
        resp_free(&r);
        assert_non_null(strstr(sec, "Built on this"));
        /* featured first, with its mark; then newest first */
        const char *featured = strstr(sec, "★ Featured");
        const char *sam = strstr(sec, "The fifteen-minute retro for a team of two");
        const char *tomas = strstr(sec, "A garden retro in three questions");
        const char *ana = strstr(sec, "The walk is the timer");
        assert_non_null(featured);
        assert_non_null(sam);
        assert_non_null(tomas);
        assert_non_null(ana);
        assert_true(featured < sam && sam < tomas && tomas < ana);
        assert_int_equal(count(sec, "★ Featured"), 1);
        /* a build-on on a build-on says which */
        assert_non_null(strstr(sec, "builds on “The fifteen-minute retro for a team of two”"));
        /* the other episode's build-on is not here */
        assert_null(strstr(sec, "Counting what the wind takes"));
        assert_non_null(strstr(sec, "href=\"/login?next="
                                    "%2Fn%2Flearning-in-public%2Fthe-fifteen-"
                                    "minute-retro%2Fb%2Fnew\""));
        free(sec);
}

static void test_chain_of_three_is_shown_as_a_chain(void **state)
{
        (void)state;
        struct http_resp r;
        page_of(NULL, 3, &r);
        expect_status(&r, 200, "liwei's build-on");
        char *chain = slice(r.body, "<nav class=\"chain\"", "</nav>");
        assert_non_null(chain);
        const char *ep = strstr(chain, "href=\"" RETRO "\"");
        const char *one = strstr(chain, "href=\"" RETRO "/b/1\"");
        const char *two = strstr(chain, "href=\"" RETRO "/b/2\"");
        const char *self = strstr(chain, "aria-current=\"page\"><strong>把三个问题带到远程团队");
        assert_non_null(ep);
        assert_non_null(one);
        assert_non_null(two);
        assert_non_null(self);
        assert_true(ep < one && one < two && two < self);
        free(chain);
        /* its quote links to its place in the build-on it builds on, as a text fragment */
        expect_in(&r, "href=\"" RETRO "/b/2#:~:text=", "the quote's link into build-on 2");
        expect_in(&r, "lang=\"zh-CN\"", "the Chinese text keeps its language");
        resp_free(&r);
        /* what builds on 1 is 2 */
        page_of(NULL, 1, &r);
        expect_status(&r, 200, "sam's build-on");
        char *down = slice(r.body, "<section class=\"buildons built-on-this\"", "</section>");
        assert_non_null(down);
        assert_non_null(strstr(down, "The walk is the timer"));
        assert_null(strstr(down, "把三个问题"));
        free(down);
        expect_in(&r, "href=\"" RETRO "#:~:text=", "sam's quote links into the episode");
        expect_in(&r, "Product designer in Lisbon", "the author's headline");
        expect_in(&r, "Insightful", "the reaction counts");
        resp_free(&r);
        /* a build-on under another episode's address is not there */
        get(NULL, RADISH "/b/1", &r);
        expect_status(&r, 404, "build-on 1 under the radish census");
        resp_free(&r);
        get(NULL, RETRO "/b/999999", &r);
        expect_status(&r, 404, "no such build-on");
        resp_free(&r);
}

/* ---------------------------------------------------------------- writing */

static void test_write_with_quote_notifies_and_counts(void **state)
{
        (void)state;
        struct member sam, mira, june;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&june, "june", NULL);
        long ep = episode_id_as(&sam, RETRO);
        long before = api_count(NULL, ep);
        int mira_unread = unread(&mira), june_unread = unread(&june);
        struct http_resp r;
        get(&sam, RETRO "/b/new", &r);
        expect_status(&r, 200, "the form");
        expect_in(&r, "name=\"quote_exact\"", "the quote field");
        resp_free(&r);
        long id = buildon_write(&sam, RETRO, 0, "Three questions, one whiteboard",
                                "What I kept from this, and @june might like the timer part.",
                                "  has exactly\n three   questions ");
        page_of(NULL, id, &r);
        expect_status(&r, 200, "the new build-on");
        expect_in(&r, "<h1 lang=\"en\">Three questions, one whiteboard</h1>", "its title");
        expect_in(
            &r, "<blockquote class=\"quote\"><a href=\"" RETRO "#:~:text=", "the quote links back");
        expect_in(&r, ">" RETRO_QUOTE "</a></blockquote>", "the quote, whitespace folded");
        resp_free(&r);
        assert_int_equal(api_count(NULL, ep), before + 1);
        assert_int_equal(unread(&mira), mira_unread + 1); /* the episode's author */
        assert_int_equal(unread(&june), june_unread + 1); /* mentioned */
        /* building on someone's build-on tells them and the episode's author */
        int sam_unread = unread(&sam);
        mira_unread = unread(&mira);
        buildon_write(&june, RETRO, id, "On the whiteboard", "Whiteboards fade; notes last.",
                      "the timer part");
        assert_int_equal(unread(&sam), sam_unread + 1);
        assert_int_equal(unread(&mira), mira_unread + 1);
        assert_int_equal(api_count(NULL, ep), before + 2);
        /* nobody is told about their own build-on */
        mira_unread = unread(&mira);
        buildon_write(&mira, RETRO, 0, "A note from the author", "Thank you all.", NULL);
        assert_int_equal(unread(&mira), mira_unread);
}

static void test_quote_validation_and_422_keeps_text(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        struct http_resp r;
        buildon_try(&ana, RETRO, 0, "Kept title", "Kept body text", "words that are not there", &r);
        expect_status(&r, 422, "a quote that is not in the episode");
        expect_in(&r, "That passage is not in this episode.", "why");
        expect_in(&r, "value=\"Kept title\"", "the title kept");
        expect_in(&r, "\nKept body text</textarea>", "the body kept");
        expect_in(&r, "\nwords that are not there</textarea>", "the quote kept");
        resp_free(&r);
        /* on a build-on, the quote is of that build-on's text, not the episode's */
        buildon_try(&ana, RETRO, 1, "On sam's", "Body", RETRO_QUOTE, &r);
        expect_status(&r, 422, "an episode passage quoted on a build-on");
        expect_in(&r, "That passage is not in the build-on you build on.", "why");
        expect_in(&r, "name=\"parent\" value=\"1\"", "the parent kept");
        resp_free(&r);
        long id = buildon_write(&ana, RETRO, 1, "On sam's", "Body", "the bakery");
        page_of(NULL, id, &r);
        expect_in(&r, "href=\"" RETRO "/b/1#:~:text=", "links into build-on 1");
        resp_free(&r);
        /* a parent from another episode, or none at all */
        buildon_try(&ana, RADISH, 1, "Elsewhere", "Body", NULL, &r);
        expect_status(&r, 422, "a parent under another episode");
        expect_in(&r, "There is no such build-on to build on.", "why");
        resp_free(&r);
        buildon_try(&ana, RETRO, 999999, "Nowhere", "Body", NULL, &r);
        expect_status(&r, 422, "a parent that does not exist");
        resp_free(&r);
        /* too long a quote */
        char *longq = malloc(700);
        memset(longq, 'a', 699);
        longq[699] = '\0';
        buildon_try(&ana, RETRO, 0, "Long", "Body", longq, &r);
        free(longq);
        expect_status(&r, 422, "a quote over 600 characters");
        resp_free(&r);
}

static void test_hostile_input(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long id =
            buildon_write(&sam, RETRO, 0, "<script>alert(1)</script> & co",
                          "<img src=x onerror=alert(1)> **bold** <b onmouseover=x>hi</b>", NULL);
        struct http_resp r;
        page_of(NULL, id, &r);
        expect_status(&r, 200, "the hostile build-on");
        expect_not_in(&r, "<script>alert", "a script title");
        expect_in(&r, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", "the title escaped");
        expect_not_in(&r, "<img src=x", "raw HTML in the body");
        expect_not_in(&r, "<b onmouseover", "raw HTML in the body");
        expect_in(&r, "<strong>bold</strong>", "Markdown still works");
        resp_free(&r);
        get(NULL, RETRO, &r);
        expect_not_in(&r, "<script>alert", "the card's title");
        resp_free(&r);
        /* limits: title, body, empty, several lines */
        char *t = malloc(200), *b = malloc(20010);
        memset(t, 'x', 141);
        t[141] = '\0';
        memset(b, 'y', 20001);
        b[20001] = '\0';
        buildon_try(&sam, RETRO, 0, t, "Body", NULL, &r);
        expect_status(&r, 422, "a title over 140 characters");
        expect_in(&r, "A title can be up to 140 characters.", "why");
        resp_free(&r);
        buildon_try(&sam, RETRO, 0, "Title", b, NULL, &r);
        expect_status(&r, 422, "a body over 20,000 characters");
        expect_in(&r, "A build-on can be up to 20,000 characters.", "why");
        resp_free(&r);
        free(t);
        free(b);
        buildon_try(&sam, RETRO, 0, "  ", "Body", NULL, &r);
        expect_status(&r, 422, "an empty title");
        resp_free(&r);
        buildon_try(&sam, RETRO, 0, "Title", "\n \n", NULL, &r);
        expect_status(&r, 422, "an empty body");
        expect_in(&r, "Write your build-on first.", "why");
        resp_free(&r);
        buildon_try(&sam, RETRO, 0, "Two\nlines", "Body", NULL, &r);
        expect_status(&r, 422, "a title of two lines");
        resp_free(&r);
        /* guests cannot write */
        buildon_try(NULL, RETRO, 0, "Guest", "Body", NULL, &r);
        assert_true(r.status == 303 || r.status == 403 || r.status == 401);
        resp_free(&r);
}

/* ---------------------------------------------------------------- featuring */

static void test_feature_permissions(void **state)
{
        (void)state;
        struct member sam, tomas, mira;
        login_as(&sam, "sam", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&mira, "mira", NULL);
        struct http_resp r;
        post_simple(&sam, "/buildons/5/feature", "featured", "1", true, &r);
        expect_status(&r, 403, "a reader features");
        resp_free(&r);
        /* mira writes Learning in Public only: the radish census is tomas's */
        post_simple(&mira, "/buildons/4/feature", "featured", "1", true, &r);
        expect_status(&r, 403, "another newsletter's author features");
        resp_free(&r);
        api(&mira, "POST", "/api/v1/buildons/4/featured", "{\"featured\": true}", true, &r);
        expect_api_error(&r, 403, "authors of this newsletter", "the API for mira");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/buildons/2/featured", "{\"featured\": true}", true, &r);
        expect_api_error(&r, 403, "authors of this newsletter", "the API for a reader");
        resp_free(&r);
        /* tomas co-writes Learning in Public, so he may */
        post_simple(&tomas, "/buildons/4/feature", "featured", "1", true, &r);
        expect_status(&r, 303, "the radish census's author features");
        resp_free(&r);
        /* the reader's page has no feature button, the author's has */
        page_of(&sam, 5, &r);
        expect_not_in(&r, "/buildons/5/feature", "a reader's page");
        resp_free(&r);
        page_of(&mira, 5, &r);
        expect_in(&r, "/buildons/5/feature", "the author's page");
        resp_free(&r);
        post_simple(&mira, "/buildons/5/feature", "featured", "1", true, &r);
        expect_status(&r, 303, "the episode's author features");
        resp_free(&r);
        get(NULL, RETRO, &r);
        char *sec = slice(r.body, "<section id=\"buildons\"", "</section>");
        resp_free(&r);
        assert_non_null(sec);
        assert_int_equal(count(sec, "★ Featured"), 2);
        /* newest featuring first: tomas's now leads */
        assert_true(strstr(sec, "A garden retro") < strstr(sec, "for a team of two"));
        free(sec);
        api(&mira, "POST", "/api/v1/buildons/1/featured", "{\"featured\": false}", true, &r);
        expect_status(&r, 200, "unfeaturing through the API");
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_false(json_is_true(json_object_get(j, "featured")));
        json_decref(j);
        get(NULL, RETRO, &r);
        sec = slice(r.body, "<section id=\"buildons\"", "</section>");
        resp_free(&r);
        assert_int_equal(count(sec, "★ Featured"), 1);
        free(sec);
}

/* ---------------------------------------------------------------- editing and deleting */

static void test_edit_and_delete_own_only(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        long ep = episode_id_as(&sam, RETRO);
        long before = api_count(NULL, ep);
        struct http_resp r;
        get(&ana, "/buildons/1/edit", &r);
        expect_status(&r, 403, "ana opens sam's edit form");
        resp_free(&r);
        const char *kv[] = {"title", "Ana's title", "body", "Ana's body", NULL};
        post_pairs(&ana, "/buildons/1/edit", kv, true, &r);
        expect_status(&r, 403, "ana edits sam's");
        resp_free(&r);
        post_pairs(&mira, "/buildons/1/delete", NULL, true, &r);
        expect_status(&r, 403, "the episode's author deletes sam's");
        resp_free(&r);
        api(&ana, "PATCH", "/api/v1/buildons/1", "{\"title\": \"Mine now\"}", true, &r);
        expect_api_error(&r, 403, "your own build-ons", "the API for ana");
        resp_free(&r);
        api(&ana, "DELETE", "/api/v1/buildons/1", NULL, true, &r);
        expect_status(&r, 403, "ana deletes sam's through the API");
        resp_free(&r);
        /* sam edits: a 422 keeps the text, then it saves */
        const char *bad[] = {"title", "", "body", "Edited body kept", NULL};
        post_pairs(&sam, "/buildons/1/edit", bad, true, &r);
        expect_status(&r, 422, "an empty title");
        expect_in(&r, "\nEdited body kept</textarea>", "the body kept");
        resp_free(&r);
        const char *good[] = {"title", "Retro for two, revised", "body", "Now *shorter*.", NULL};
        post_pairs(&sam, "/buildons/1/edit", good, true, &r);
        expect_status(&r, 303, "sam edits his own");
        resp_free(&r);
        page_of(NULL, 1, &r);
        expect_in(&r, "Retro for two, revised", "the new title");
        expect_in(&r, "<em>shorter</em>", "the new body");
        expect_in(&r, "edited", "marked edited");
        resp_free(&r);
        /* sam deletes: it keeps its place in the chain, without its text */
        post_pairs(&sam, "/buildons/1/delete", NULL, true, &r);
        expect_status(&r, 303, "sam deletes his own");
        resp_free(&r);
        assert_int_equal(api_count(NULL, ep), before - 1);
        page_of(NULL, 3, &r);
        expect_status(&r, 200, "the chain's end");
        expect_in(&r, "A build-on that was deleted", "the deleted one's place");
        expect_not_in(&r, "Retro for two, revised", "the deleted title");
        resp_free(&r);
        page_of(NULL, 1, &r);
        expect_status(&r, 200, "the deleted build-on's page");
        expect_in(&r, "This build-on was deleted.", "its note");
        expect_not_in(&r, "shorter", "its text");
        expect_in(&r, "The walk is the timer", "what was built on it stays");
        resp_free(&r);
        get(NULL, RETRO, &r);
        expect_not_in(&r, "Retro for two", "the episode's section");
        resp_free(&r);
        /* nothing more to do to a deleted one */
        post_pairs(&sam, "/buildons/1/delete", NULL, true, &r);
        expect_status(&r, 404, "deleting twice");
        resp_free(&r);
        buildon_try(&ana, RETRO, 1, "On a deleted one", "Body", NULL, &r);
        expect_status(&r, 422, "building on a deleted build-on");
        resp_free(&r);
}

/* ---------------------------------------------------------------- drafts and hiding */

static void test_drafts_never_leak(void **state)
{
        (void)state;
        struct member sam, mira;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        long draft = edit_id_of(&mira, DRAFT_PATH);
        struct http_resp r;
        const char *paths[] = {DRAFT_PATH "/b", DRAFT_PATH "/b/new", DRAFT_PATH "/b/1"};
        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
                get(&sam, paths[i], &r);
                expect_status(&r, 404, paths[i]);
                resp_free(&r);
                get(NULL, paths[i], &r); /* the form asks guests to log in first, as any would */
                if (r.status != 404 && !(i == 1 && r.status == 303))
                        fail_resp(&r, paths[i]);
                resp_free(&r);
        }
        buildon_try(&sam, DRAFT_PATH, 0, "On a draft", "Body", NULL, &r);
        expect_status(&r, 404, "a build-on on a draft");
        resp_free(&r);
        /* its authors see the draft, but nobody builds on it before it is out */
        buildon_try(&mira, DRAFT_PATH, 0, "On my draft", "Body", NULL, &r);
        expect_status(&r, 404, "the author builds on her draft");
        resp_free(&r);
        get(&mira, DRAFT_PATH, &r);
        expect_status(&r, 200, "the author sees her draft");
        expect_not_in(&r, "id=\"buildons\"", "no section under a draft");
        resp_free(&r);
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/buildons", draft);
        api(&sam, "GET", path, NULL, false, &r);
        expect_status(&r, 404, "the API list of a draft");
        resp_free(&r);
        api(&sam, "POST", path, "{\"title\": \"x\", \"body\": \"y\"}", true, &r);
        expect_status(&r, 404, "the API write on a draft");
        resp_free(&r);
        api(&mira, "POST", path, "{\"title\": \"x\", \"body\": \"y\"}", true, &r);
        expect_status(&r, 404, "the API write on a draft by its author");
        resp_free(&r);
}

static void test_hidden_vanish_and_counts_stay_exact(void **state)
{
        (void)state;
        struct member june, tomas, sam, mira;
        login_as(&june, "june", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        long ep = episode_id_as(&june, RETRO);
        long before = api_count(NULL, ep);
        struct http_resp r;
        post_simple(&sam, "/buildons/5/hide", "hidden", "1", true, &r);
        expect_status(&r, 403, "a reader hides");
        resp_free(&r);
        post_simple(&june, "/buildons/5/hide", "hidden", "1", true, &r);
        expect_status(&r, 303, "the moderator hides tomas's");
        resp_free(&r);
        assert_int_equal(api_count(NULL, ep), before - 1);
        post_simple(&june, "/buildons/5/hide", "hidden", "1", true, &r);
        expect_status(&r, 303, "hiding twice");
        resp_free(&r);
        assert_int_equal(api_count(NULL, ep), before - 1);
        get(NULL, RETRO, &r);
        expect_not_in(&r, "A garden retro in three questions", "the episode page");
        resp_free(&r);
        page_of(NULL, 5, &r);
        expect_status(&r, 404, "a guest on the hidden one");
        resp_free(&r);
        page_of(&sam, 5, &r);
        expect_status(&r, 404, "a reader on the hidden one");
        resp_free(&r);
        api(&sam, "GET", "/api/v1/buildons/5", NULL, false, &r);
        expect_status(&r, 404, "the API for a reader");
        resp_free(&r);
        page_of(&tomas, 5, &r);
        expect_status(&r, 200, "its author sees it");
        expect_in(&r, "Hidden by a moderator", "with a note");
        resp_free(&r);
        /* mira moderates her episode's build-ons too: she restores */
        post_simple(&mira, "/buildons/5/hide", "hidden", "0", true, &r);
        expect_status(&r, 303, "the episode's author restores");
        resp_free(&r);
        assert_int_equal(api_count(NULL, ep), before);
        page_of(NULL, 5, &r);
        expect_status(&r, 200, "restored");
        resp_free(&r);
        /* a hidden link in a chain keeps its place, without its title */
        post_simple(&june, "/buildons/2/hide", "hidden", "1", true, &r);
        expect_status(&r, 303, "hiding the middle of the chain");
        resp_free(&r);
        page_of(NULL, 3, &r);
        expect_status(&r, 200, "the chain's end");
        expect_in(&r, "A build-on hidden by a moderator", "its place");
        expect_not_in(&r, "The walk is the timer", "its title");
        resp_free(&r);
        page_of(NULL, 1, &r);
        expect_not_in(&r, "The walk is the timer", "what builds on 1");
        resp_free(&r);
        assert_int_equal(api_count(NULL, ep), before - 1);
}

/* ---------------------------------------------------------------- comments on a build-on */

static void test_comments_stay_with_the_buildon(void **state)
{
        (void)state;
        struct member liwei, sam;
        login_as(&liwei, "liwei", NULL);
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        get(NULL, RETRO, &r);
        char heading[64];
        assert_true(extract(r.body, "<h2 id=\"comments-h\">", "<", heading, sizeof(heading)));
        resp_free(&r);
        const char *kv[] = {"body", "A comment only for build-on two", NULL};
        post_pairs(&liwei, RETRO "/b/2/comments", kv, true, &r);
        expect_status(&r, 303, "a comment on build-on 2");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        assert_int_equal(strncmp(loc, RETRO "/b/2#c-", strlen(RETRO "/b/2#c-")), 0);
        long cid = atol(loc + strlen(RETRO "/b/2#c-"));
        page_of(NULL, 2, &r);
        expect_in(&r, "A comment only for build-on two", "the build-on's page");
        expect_in(&r, "<h2 id=\"comments-h\">2 comments</h2>", "its count (with the demo's)");
        resp_free(&r);
        get(NULL, RETRO, &r);
        expect_not_in(&r, "A comment only for build-on two", "the episode's conversation");
        char after[64];
        assert_true(extract(r.body, "<h2 id=\"comments-h\">", "<", after, sizeof(after)));
        assert_string_equal(heading, after);
        resp_free(&r);
        /* its thread has an address under the build-on's, and only there */
        snprintf(loc, sizeof(loc), RETRO "/b/2/comments/%ld", cid);
        get(NULL, loc, &r);
        expect_status(&r, 200, "the thread's own page");
        expect_in(&r, "A comment only for build-on two", "the thread");
        resp_free(&r);
        snprintf(loc, sizeof(loc), RETRO "/b/1/comments/%ld", cid);
        get(NULL, loc, &r);
        expect_status(&r, 404, "the thread under another build-on");
        resp_free(&r);
        /* a reply stays there; a reply to an episode comment is refused here */
        char par[32];
        snprintf(par, sizeof(par), "%ld", cid);
        const char *reply[] = {"body", "A reply under it", "parent", par, NULL};
        post_pairs(&sam, RETRO "/b/2/comments", reply, true, &r);
        expect_status(&r, 303, "a reply");
        resp_free(&r);
        page_of(&sam, 2, &r);
        expect_in(&r, "A reply under it", "the reply on the build-on");
        expect_in(&r, "action=\"" RETRO "/b/2/comments\"", "reply forms post here");
        resp_free(&r);
        char api_path[64];
        api(&sam, "GET", "/api/v1/buildons/2/comments", NULL, false, &r);
        expect_status(&r, 200, "the API's comments");
        expect_in(&r, "A comment only for build-on two", "in the API");
        expect_in(&r, "A reply under it", "the reply in the API");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/buildons/2/comments",
            "{\"body\": \"quoting\", \"quote_exact\": \"" RETRO_QUOTE "\"}", true, &r);
        expect_api_error(&r, 422, "cannot quote", "a quoting comment on a build-on");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/buildons/1/comments",
            "{\"body\": \"wrong place\", "
            "\"parent_id\": 1}",
            true, &r);
        expect_status(&r, 422, "a reply to a comment elsewhere");
        resp_free(&r);
        snprintf(api_path, sizeof(api_path), "/api/v1/buildons/%d/comments", 2);
        api(&sam, "POST", api_path, "{\"body\": \"Through the API\"}", true, &r);
        expect_status(&r, 201, "a comment through the API");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/buildons/2", NULL, false, &r);
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "comment_count")), 4);
        json_decref(j);
        /* the comment's edit page sends it back to the build-on */
        snprintf(par, sizeof(par), "/comments/%ld/edit", cid);
        const char *edit[] = {"body", "Edited on the build-on", NULL};
        post_pairs(&liwei, par, edit, true, &r);
        expect_status(&r, 303, "editing a comment on a build-on");
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        assert_int_equal(strncmp(loc, RETRO "/b/2#c-", strlen(RETRO "/b/2#c-")), 0);
}

/* ---------------------------------------------------------------- CSRF, rate limits */

static void test_csrf_and_rate_limits(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        struct http_resp r;
        const char *kv[] = {"title", "No token", "body", "Body", NULL};
        post_pairs(&ana, RETRO "/b", kv, false, &r);
        expect_status(&r, 403, "a form without the token");
        resp_free(&r);
        api(&ana, "POST", "/api/v1/buildons/1/featured", "{}", false, &r);
        expect_status(&r, 403, "the API without the token");
        resp_free(&r);
        post_pairs(&ana, "/buildons/2/delete", NULL, false, &r);
        expect_status(&r, 403, "deleting without the token");
        resp_free(&r);
        page_of(NULL, 2, &r);
        expect_status(&r, 200, "still there");
        resp_free(&r);
        for (int i = 0; i < 6; i++) {
                char title[32];
                snprintf(title, sizeof(title), "Build-on %d", i);
                buildon_write(&ana, RETRO, 0, title, "Body", NULL);
        }
        buildon_try(&ana, RETRO, 0, "One too many", "Body", NULL, &r);
        expect_status(&r, 429, "the seventh build-on in an hour");
        resp_free(&r);
        long ep = episode_id_as(&ana, RETRO);
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/buildons", ep);
        api(&ana, "POST", path, "{\"title\": \"x\", \"body\": \"y\"}", true, &r);
        expect_api_error(&r, 429, "faster than this site allows", "the API after the limit");
        resp_free(&r);
        /* the episode shows five and links to all of them */
        get(NULL, RETRO, &r);
        expect_in(&r, "href=\"" RETRO "/b\">All 10 build-ons →</a>", "the link to all");
        char *sec = slice(r.body, "<section id=\"buildons\"", "</section>");
        resp_free(&r);
        assert_non_null(sec);
        assert_int_equal(count(sec, "<li class=\"buildon-card"), 5);
        free(sec);
        /* the list: the demo's four and these six, one page of 30 */
        get(NULL, RETRO "/b", &r);
        expect_status(&r, 200, "the list");
        expect_in(&r, "10 build-ons", "the count");
        expect_in(&r, "Build-on 5", "the newest");
        expect_not_in(&r, "rel=\"next\"", "a single page");
        resp_free(&r);
}

/* ---------------------------------------------------------------- the API */

static void test_api(void **state)
{
        (void)state;
        struct member sam, mira;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        long ep = episode_id_as(&sam, RETRO);
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/buildons", ep);
        struct http_resp r;
        api(NULL, "GET", path, NULL, false, &r);
        expect_status(&r, 200, "the list");
        json_t *j = json_of(&r);
        resp_free(&r);
        json_t *list = json_object_get(j, "buildons");
        assert_int_equal(json_array_size(list), 4);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), 1);
        assert_true(json_is_true(json_object_get(json_array_get(list, 0), "featured")));
        json_decref(j);
        api(&sam, "POST", path, "{\"title\": \"\", \"body\": \"y\"}", true, &r);
        expect_api_error(&r, 422, "title:", "an empty title");
        resp_free(&r);
        api(&sam, "POST", path,
            "{\"title\": \"Via the API\", \"body\": \"On *three*\", \"parent_id\": 3, "
            "\"quote_exact\": \"部署流程\"}",
            true, &r);
        expect_status(&r, 201, "a build-on on build-on 3");
        j = json_of(&r);
        resp_free(&r);
        long id = (long)json_integer_value(json_object_get(j, "id"));
        json_t *chain = json_object_get(j, "chain");
        assert_int_equal(json_array_size(chain), 4); /* episode, 1, 2, 3 */
        assert_string_equal(jstr(json_array_get(chain, 0), "kind"), "episode");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(chain, 3), "id")), 3);
        json_t *quote = json_object_get(j, "quote");
        assert_string_equal(jstr(quote, "exact"), "部署流程");
        assert_non_null(strstr(jstr(quote, "link"), RETRO "/b/3#:~:text="));
        assert_string_equal(jstr(j, "body_html"), "<p>On <em>three</em></p>\n");
        json_decref(j);
        char one[64];
        snprintf(one, sizeof(one), "/api/v1/buildons/%ld", id);
        api(&sam, "PATCH", one, "{\"body\": \"Changed\"}", true, &r);
        expect_status(&r, 200, "patching the body");
        j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "title"), "Via the API");
        assert_string_equal(jstr(j, "body"), "Changed");
        json_decref(j);
        api(NULL, "GET", "/api/v1/buildons/3", NULL, false, &r);
        j = json_of(&r);
        resp_free(&r);
        json_t *down = json_object_get(j, "built_on_by");
        assert_int_equal(json_array_size(down), 1);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(down, 0), "id")), id);
        json_decref(j);
        api(&mira, "POST", "/api/v1/buildons/3/featured", "{\"featured\": true}", true, &r);
        expect_status(&r, 200, "featuring");
        j = json_of(&r);
        resp_free(&r);
        assert_true(json_is_true(json_object_get(j, "featured")));
        json_decref(j);
        api(&sam, "DELETE", one, NULL, true, &r);
        expect_status(&r, 200, "deleting");
        j = json_of(&r);
        resp_free(&r);
        assert_string_equal(jstr(j, "state"), "deleted");
        assert_null(json_object_get(j, "title"));
        json_decref(j);
        api(NULL, "GET", "/api/v1/buildons/999999", NULL, false, &r);
        expect_status(&r, 404, "no such build-on");
        resp_free(&r);
}

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static int start_without_write_limits(void **state)
{
        (void)state;
        const char *env[] = {"KINDRED_WRITE_LIMITS=false", NULL};
        return kd_start(&srv, env);
}

/* A chain is at most KD_BUILDON_CHAIN_MAX (12) long. */
static void test_chain_length_is_bounded(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long parent = 3; /* the demo's chain is three long */
        for (int depth = 4; depth <= 12; depth++)
                parent = buildon_write(&sam, RETRO, parent, "Deeper", "Deeper still", NULL);
        struct http_resp r;
        buildon_try(&sam, RETRO, parent, "Too deep", "Body", NULL, &r);
        expect_status(&r, 422, "the thirteenth in a chain");
        expect_in(&r, "as long as it can be", "why");
        resp_free(&r);
        page_of(NULL, parent, &r);
        expect_not_in(&r, "Build on this build-on", "no button at the end");
        char *chain = slice(r.body, "<nav class=\"chain\"", "</nav>");
        resp_free(&r);
        assert_non_null(chain);
        assert_int_equal(count(chain, "<li>"), 11); /* the build-ons above it */
        free(chain);
}

/* 31 build-ons: the list shows 30 (the featured one first), then the rest on a second page,
 * each exactly once; the API pages the same way. */
static void test_list_is_paged(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long ep = episode_id_as(&sam, RETRO);
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/episodes/%ld/buildons", ep);
        struct http_resp r;
        for (int i = 0; i < 27; i++) { /* the demo has four */
                char json[128];
                snprintf(json, sizeof(json), "{\"title\": \"Paged %02d\", \"body\": \"b\"}", i);
                api(&sam, "POST", path, json, true, &r);
                expect_status(&r, 201, "a build-on through the API");
                resp_free(&r);
        }
        get(NULL, RETRO "/b", &r);
        expect_status(&r, 200, "the first page");
        assert_int_equal(count(r.body, "<li class=\"buildon-card"), 30);
        expect_in(&r, "31 build-ons", "the count");
        char next[64];
        if (!extract(r.body, "rel=\"next\" href=\"", "\"", next, sizeof(next)))
                fail_resp(&r, "no next page");
        assert_non_null(strstr(r.body, "Paged 26")); /* newest */
        /* the oldest is on page two (liwei's card here only says it builds on it) */
        assert_null(strstr(r.body, ">The walk is the timer: trying it with a class</a></h2>"));
        resp_free(&r);
        get(NULL, next, &r);
        expect_status(&r, 200, "the second page");
        assert_int_equal(count(r.body, "<li class=\"buildon-card"), 1);
        expect_in(&r, ">The walk is the timer: trying it with a class</a></h2>", "the oldest");
        expect_not_in(&r, "★ Featured", "the featured one only leads the first page");
        expect_not_in(&r, "rel=\"next\"", "the end");
        resp_free(&r);
        api(NULL, "GET", path, NULL, false, &r);
        json_t *j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_array_size(json_object_get(j, "buildons")), 30);
        json_int_t before = json_integer_value(json_object_get(j, "next_before"));
        json_decref(j);
        assert_true(before > 0);
        snprintf(path + strlen(path), sizeof(path) - strlen(path), "?before=%lld",
                 (long long)before);
        api(NULL, "GET", path, NULL, false, &r);
        j = json_of(&r);
        resp_free(&r);
        assert_int_equal(json_array_size(json_object_get(j, "buildons")), 1);
        assert_null(json_object_get(j, "next_before"));
        json_decref(j);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_episode_shows_built_on_this_featured_first),
            T(test_chain_of_three_is_shown_as_a_chain),
            T(test_write_with_quote_notifies_and_counts),
            T(test_quote_validation_and_422_keeps_text),
            T(test_hostile_input),
            T(test_feature_permissions),
            T(test_edit_and_delete_own_only),
            T(test_drafts_never_leak),
            T(test_hidden_vanish_and_counts_stay_exact),
            T(test_comments_stay_with_the_buildon),
            T(test_csrf_and_rate_limits),
            T(test_api),
            cmocka_unit_test_setup_teardown(test_chain_length_is_bounded,
                                            start_without_write_limits, kd_fixture_stop),
            cmocka_unit_test_setup_teardown(test_list_is_paged, start_without_write_limits,
                                            kd_fixture_stop),
        };
        const char *filter = getenv("KD_TEST_FILTER");
        if (filter)
                cmocka_set_test_filter(filter);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
