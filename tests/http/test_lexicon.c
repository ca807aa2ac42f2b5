/* Black-box tests of the lexicon: proposing, deciding (who may), duplicates, edits and
 * withdrawals, terms linked in the conversation (and only approved ones), hostile input, rate
 * limits, CSRF and the JSON API, against the real binary with the demo content. Every test gets
 * a server of its own. KD_TEST_FILTER=pattern runs only the matching tests. */
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
#define LEX         "/n/" NL "/lexicon"
#define EP_PATH     "/n/" NL "/two-languages-one-team"
#define GARDEN_LEX  "/n/fourth-floor-garden/lexicon"
#define RADISH_PATH "/n/fourth-floor-garden/the-radish-census"

/* ---------------------------------------------------------------- helpers */

static void propose_try(const struct member *m, const char *lex, const char *term,
                        const char *definition, const char *origin, struct http_resp *r)
{
        const char *kv[] = {"term", term, "definition", definition, "origin", origin, NULL};
        post_pairs(m, lex, kv, true, r);
}

/* Proposes a term that must be accepted (303 to its page); writes the page's path to path. */
static void propose(const struct member *m, const char *lex, const char *term,
                    const char *definition, const char *origin, char *path, size_t size)
{
        struct http_resp r;
        propose_try(m, lex, term, definition, origin, &r);
        if (r.status != 303)
                fail_resp(&r, "a proposal was refused");
        header(&r, "Location", path, size);
        resp_free(&r);
        if (strncmp(path, lex, strlen(lex)) != 0 || path[strlen(lex)] != '/')
                fail_msg("a proposal redirected to %s", path);
}

static void decide(const struct member *m, const char *term_path, const char *decision,
                   const char *note, struct http_resp *r)
{
        char path[600];
        snprintf(path, sizeof(path), "%s/decision", term_path);
        const char *kv[] = {"decision", decision, "note", note, NULL};
        post_pairs(m, path, kv, true, r);
}

/* The unread count the page header shows m (0 when none). */
static long unread_of(const struct member *m)
{
        struct http_resp r;
        get(m, "/notifications", &r);
        expect_status(&r, 200, "notifications");
        const char *p = strstr(r.body, "class=\"unread-count\"");
        p = p ? strchr(p, '>') : NULL;
        long v = p ? atol(p + 1) : 0;
        resp_free(&r);
        return v;
}

/* The id of the first comment on a page whose body contains needle. */
static long comment_id_with(const char *page_path, const char *needle)
{
        struct http_resp r;
        get(NULL, page_path, &r);
        expect_status(&r, 200, page_path);
        const char *hit = strstr(r.body, needle);
        if (!hit)
                fail_resp(&r, "the comment is not on the page");
        const char *art = NULL;
        for (const char *p = r.body; (p = strstr(p, "id=\"c-")) && p < hit; p++)
                art = p;
        long id = art ? atol(art + 6) : 0;
        resp_free(&r);
        assert_true(id > 0);
        return id;
}

/* ---------------------------------------------------------------- the demo */

static void test_demo_lexicon_is_linked_in_comments(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/n/" NL, &r);
        expect_status(&r, 200, "newsletter page");
        expect_in(&r, "href=\"" LEX "\"", "the newsletter links its lexicon");
        resp_free(&r);

        get(NULL, LEX, &r);
        expect_status(&r, 200, "lexicon");
        expect_in(&r, ">brave first note</a>", "an approved term");
        expect_in(&r, ">周五笔记</a>", "the Chinese term");
        expect_not_in(&r, "doubt language", "a pending proposal, to a guest");
        expect_not_in(&r, "Waiting for a decision", "the pending section, to a guest");
        expect_in(&r, "Log in to propose a term", "guests are asked to log in");
        resp_free(&r);

        /* linked in the comments of the episode, the Chinese one as a substring */
        get(NULL, EP_PATH, &r);
        expect_status(&r, 200, "episode");
        expect_in(&r,
                  "their <a class=\"term\" href=\"" LEX "/first-language\">first language</a> "
                  "from",
                  "a term linked in a comment");
        expect_in(&r, "开始写<a class=\"term\" href=\"" LEX "/term-3\">周五笔记</a>，",
                  "a Chinese term linked inside Chinese text");
        expect_not_in(&r, "doubt language</a>", "a pending term is not linked");
        resp_free(&r);

        /* a term's page: definition, origin, who proposed it and when it was approved */
        get(NULL, LEX "/brave-first-note", &r);
        expect_status(&r, 200, "term page");
        expect_in(&r, "<h1 lang=\"en\">brave first note</h1>", "the term");
        expect_in(&r, "stop polishing and start telling", "its definition");
        expect_in(&r, "href=\"" EP_PATH "#c-", "its origin links to the comment");
        expect_in(&r, "href=\"/@ana\"", "who proposed it");
        expect_in(&r, "in the lexicon since", "when it was approved");
        resp_free(&r);

        /* declined terms and pending ones have no public page */
        assert_int_equal(status_of(NULL, GARDEN_LEX "/tomato"), 404);
        assert_int_equal(status_of(NULL, LEX "/doubt-language"), 404);
        struct member tomas;
        login_as(&tomas, "tomas", NULL);
        get(&tomas, GARDEN_LEX "/tomato", &r);
        expect_status(&r, 200, "a declined term, to the author who declined it");
        expect_in(&r, "Why it was declined:", "the reason is shown");
        resp_free(&r);

        get(NULL, RADISH_PATH, &r);
        expect_in(&r, "a <a class=\"term\" href=\"" GARDEN_LEX "/batch-four\">batch four</a>, not",
                  "each comment links its own first occurrence");
        resp_free(&r);
}

/* ---------------------------------------------------------------- proposing and deciding */

static void test_propose_decide_and_link(void **state)
{
        (void)state;
        struct member sam, ana, tomas, june, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&tomas, "tomas", NULL);
        login_as(&june, "june", NULL);
        login_as(&mira, "mira", NULL);
        long cid = comment_id_with(EP_PATH, "design critique");
        char origin[256], term[512];
        snprintf(origin, sizeof(origin), "%s#c-%ld", EP_PATH, cid);
        propose(&sam, LEX, "Design Critique",
                "The Thursday meeting where a team reads its work aloud **before** it is done.",
                origin, term, sizeof(term));
        assert_string_equal(term, LEX "/design-critique");

        struct http_resp r;
        /* waiting: the proposer and those who decide see it; nobody else */
        get(&sam, LEX, &r);
        expect_in(&r, "Your proposals", "the proposer sees their proposal");
        expect_in(&r, ">Design Critique</a>", "their proposal");
        expect_not_in(&r, "name=\"decision\"", "no decision buttons for a reader");
        resp_free(&r);
        get(&ana, LEX, &r);
        expect_not_in(&r, "Design Critique", "another reader does not see it");
        resp_free(&r);
        assert_int_equal(status_of(&ana, term), 404);
        assert_int_equal(status_of(NULL, term), 404);
        get(&mira, LEX, &r);
        expect_in(&r, "Waiting for a decision", "the author sees the proposals");
        expect_in(&r, ">Design Critique</a>", "the proposal");
        expect_in(&r, "name=\"decision\" value=\"approve\"", "with the buttons");
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_not_in(&r, "lexicon/design-critique", "not linked while it waits");
        resp_free(&r);

        /* a reader and the author of another newsletter may not decide */
        /* (to those who may not see a proposal, it does not exist) */
        decide(&ana, term, "approve", "", &r);
        expect_status(&r, 404, "a reader approving");
        resp_free(&r);
        /* mira writes Learning in Public, not the garden (tomas co-writes both) */
        char garden_term[512];
        propose(&sam, GARDEN_LEX, "courtyard chimney", "The wind that climbs the courtyard.", "",
                garden_term, sizeof(garden_term));
        decide(&mira, garden_term, "approve", "", &r);
        expect_status(&r, 404, "another newsletter's author approving");
        resp_free(&r);
        decide(&tomas, garden_term, "approve", "", &r);
        expect_status(&r, 303, "the garden's author approving");
        resp_free(&r);
        decide(&sam, term, "approve", "", &r);
        expect_status(&r, 403, "the proposer approving their own");
        resp_free(&r);
        decide(&june, term, "maybe", "", &r);
        expect_status(&r, 400, "an unknown decision");
        resp_free(&r);

        long before = unread_of(&sam);
        decide(&june, term, "approve", "Welcome to the lexicon.", &r);
        expect_status(&r, 303, "a moderator approves");
        resp_free(&r);
        assert_int_equal(unread_of(&sam), before + 1);

        /* now public, and linked on the page guests had cached */
        get(NULL, term, &r);
        expect_status(&r, 200, "the approved term's page");
        expect_in(&r, "<strong>before</strong>", "its definition is Markdown");
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        expect_in(&r,
                  "to our <a class=\"term\" href=\"" LEX "/design-critique\">design critique</a> "
                  "on Thursday",
                  "the approved term is linked in the comment where it started");
        resp_free(&r);

        /* a decided proposal is not decided again */
        decide(&mira, term, "decline", "", &r);
        expect_status(&r, 422, "deciding twice");
        expect_in(&r, "already been decided", "says why");
        resp_free(&r);

        /* a declined term is not linked, and the proposer reads why */
        propose(&ana, LEX, "night shifts", "When the ward is quiet and the notes get honest.", "",
                term, sizeof(term));
        decide(&mira, term, "decline", "Lovely, but it is June's word, not the community's.", &r);
        expect_status(&r, 303, "the author declines");
        resp_free(&r);
        get(&ana, term, &r);
        expect_status(&r, 200, "the proposer sees the declined term");
        expect_in(&r, "Declined", "its status");
        expect_in(&r, "it is June&#39;s word", "the note, escaped");
        resp_free(&r);
        assert_int_equal(status_of(NULL, term), 404);
        get(NULL, EP_PATH, &r);
        expect_not_in(&r, "lexicon/night-shifts", "a declined term is never linked");
        resp_free(&r);
}

static void test_duplicates_are_refused_clearly(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        struct http_resp r;
        /* the same key as an approved term, whatever its case and spacing */
        propose_try(&ana, LEX, "  First   LANGUAGE ", "My own take on it.", "", &r);
        expect_status(&r, 422, "a duplicate of an approved term");
        expect_in(&r, "already in the lexicon", "says so");
        expect_in(&r, "My own take on it.</textarea>", "the definition is kept");
        expect_in(&r, "value=\"  First   LANGUAGE \"", "the term is kept");
        resp_free(&r);
        /* the same key as a pending proposal */
        propose_try(&ana, LEX, "Doubt Language", "Another definition.", "", &r);
        expect_status(&r, 422, "a duplicate of a pending proposal");
        expect_in(&r, "waiting for a decision", "says so");
        resp_free(&r);
        /* the same word in another newsletter is another term */
        char path[512];
        propose(&ana, GARDEN_LEX, "first language", "What the plants speak.", "", path,
                sizeof(path));
        /* once the pending one is declined, the word may be proposed again */
        decide(&mira, LEX "/doubt-language", "decline", "", &r);
        expect_status(&r, 303, "declined");
        resp_free(&r);
        propose(&ana, LEX, "doubt language", "A second try, better put.", "", path, sizeof(path));
        assert_string_equal(path, LEX "/doubt-language-11"); /* the slug stays the declined one's */
}

static void test_proposer_edits_and_withdraws_while_pending(void **state)
{
        (void)state;
        struct member sam, ana, mira;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&mira, "mira", NULL);
        struct http_resp r;
        char edit[600], withdraw[600];
        const char *term = LEX "/doubt-language";
        snprintf(edit, sizeof(edit), "%s/edit", term);
        snprintf(withdraw, sizeof(withdraw), "%s/withdraw", term);
        get(&sam, term, &r);
        expect_in(&r, "Edit your proposal", "the proposer may edit");
        expect_in(&r, "Withdraw proposal", "and withdraw");
        resp_free(&r);

        const char *kv[] = {
            "term", "doubt language", "definition", "Rewritten by sam.", "origin", "", NULL};
        post_pairs(&ana, edit, kv, true, &r);
        expect_status(&r, 404, "someone else's proposal, unseen"); /* ana cannot even see it */
        resp_free(&r);
        post_pairs(&mira, edit, kv, true, &r);
        expect_status(&r, 403, "an author may decide but not rewrite");
        resp_free(&r);
        const char *bad[] = {"term", "doubt language", "definition", "", "origin", "", NULL};
        post_pairs(&sam, edit, bad, true, &r);
        expect_status(&r, 422, "an empty definition");
        expect_in(&r, "Say what the term means.", "says why");
        resp_free(&r);
        post_pairs(&sam, edit, kv, true, &r);
        expect_status(&r, 303, "the proposer edits");
        resp_free(&r);
        get(&mira, term, &r);
        expect_in(&r, "Rewritten by sam.", "the new definition");
        resp_free(&r);

        post_pairs(&ana, withdraw, (const char *[]){NULL}, true, &r);
        expect_status(&r, 404, "withdrawing someone else's");
        resp_free(&r);
        post_pairs(&sam, withdraw, (const char *[]){NULL}, true, &r);
        expect_status(&r, 303, "the proposer withdraws");
        resp_free(&r);
        assert_int_equal(status_of(&sam, term), 404);
        assert_int_equal(status_of(&mira, term), 404);
        get(&mira, LEX, &r);
        expect_not_in(&r, "doubt language", "gone from the proposals");
        resp_free(&r);

        /* an approved term can no longer be edited by its proposer */
        post_pairs(&ana, LEX "/brave-first-note/edit", kv, true, &r);
        expect_status(&r, 403, "editing an approved term");
        resp_free(&r);
}

/* ---------------------------------------------------------------- hostile input */

static void test_hostile_terms_stay_inert(void **state)
{
        (void)state;
        struct member sam, mira;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        struct http_resp r;
        char term[512];
        propose(&sam, LEX, "<b>\"onload=x",
                "<script>alert(1)</script> and [a link](javascript:alert(2))", "", term,
                sizeof(term));
        decide(&mira, term, "approve", "<i>ok</i>", &r);
        expect_status(&r, 303, "approved");
        resp_free(&r);
        get(NULL, LEX, &r);
        expect_status(&r, 200, "lexicon");
        expect_in(&r, "&lt;b&gt;&quot;onload=x</a>", "the term is escaped");
        expect_not_in(&r, "<script>alert", "no script");
        expect_not_in(&r, "<b>\"onload", "no raw markup");
        expect_not_in(&r, "javascript:", "no script link");
        resp_free(&r);

        /* a comment using the term: the link wraps the escaped text and the page stays whole */
        const char *kv[] = {"body", "Careful with <b>\"onload=x in templates.", NULL};
        post_pairs(&sam, EP_PATH "/comments", kv, true, &r);
        expect_status(&r, 303, "a comment");
        resp_free(&r);
        get(NULL, EP_PATH, &r);
        char want[600];
        snprintf(want, sizeof(want),
                 "Careful with <a class=\"term\" href=\"%s\">&lt;b&gt;&quot;onload=x</a> in "
                 "templates.",
                 term);
        expect_in(&r, want, "linked, escaped");
        resp_free(&r);

        /* limits and addresses */
        char origin[300];
        char long_term[80];
        memset(long_term, 'w', 61);
        long_term[61] = '\0';
        propose_try(&sam, LEX, long_term, "Too long a word.", "", &r);
        expect_status(&r, 422, "a 61-character term");
        expect_in(&r, "up to 60 characters", "says the limit");
        expect_in(&r, "Too long a word.</textarea>", "keeps the text");
        resp_free(&r);
        char *long_def = malloc(1100);
        memset(long_def, 'd', 1001);
        long_def[1001] = '\0';
        propose_try(&sam, LEX, "long one", long_def, "", &r);
        expect_status(&r, 422, "a 1,001-character definition");
        expect_in(&r, "up to 1,000 characters", "says the limit");
        resp_free(&r);
        free(long_def);
        propose_try(&sam, LEX, "...", "Only dots.", "", &r);
        expect_status(&r, 422, "a term without letters");
        resp_free(&r);
        static const char *const bad_origins[] = {
            "https://evil.example/n/learning-in-public/two-languages-one-team",
            "javascript:alert(1)",
            "/n/learning-in-public/no-such-episode",
            "/n/learning-in-public/a-letter-to-next-years-team", /* a draft */
            "/n/learning-in-public/two-languages-one-team#c-999999",
            "/n/learning-in-public/two-languages-one-team?x=1",
            "//evil.example/n/a/b",
            "/n/learning-in-public/two-languages-one-team/comments/1x",
            "/n/learning-in-public/two-languages-one-team#c-01",
            "/n/learning-in-public/two-languages-one-team#top",
            "/n/learning-in-public/../learning-in-public/two-languages-one-team",
        };
        /* (every attempt counts against the hourly limit: two members share these) */
        struct member ana, liwei;
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        for (size_t i = 0; i < sizeof(bad_origins) / sizeof(bad_origins[0]); i++) {
                propose_try(i % 2 ? &ana : &liwei, LEX, "origin test", "Where did it start?",
                            bad_origins[i], &r);
                expect_status(&r, 422, bad_origins[i]);
                expect_in(&r, "Where did it start?</textarea>", "keeps the text");
                resp_free(&r);
        }
        /* a comment's own page address is stored as its place on the episode */
        long cid = comment_id_with(EP_PATH, "design critique");
        snprintf(origin, sizeof(origin), "%s/comments/%ld", EP_PATH, cid);
        propose(&ana, LEX, "design critique", "Reading work aloud before it is done.", origin, term,
                sizeof(term));
        get(&ana, term, &r);
        snprintf(want, sizeof(want), "href=\"%s#c-%ld\"", EP_PATH, cid);
        expect_in(&r, want, "the origin, as the comment's place");
        resp_free(&r);
        /* the site's own absolute address is stored as a path */
        snprintf(origin, sizeof(origin), "http://127.0.0.1:%d%s", srv.port, RADISH_PATH);
        propose(&sam, GARDEN_LEX, "railing box", "The small box by the railing.", origin, term,
                sizeof(term));
        get(&sam, term, &r);
        expect_in(&r, "href=\"" RADISH_PATH "\"", "the origin, as a local path");
        resp_free(&r);
}

/* ---------------------------------------------------------------- limits and tokens */

static void test_rate_limit_and_csrf(void **state)
{
        (void)state;
        struct member ana, june;
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        struct http_resp r;
        /* no token: refused for every write */
        const char *kv[] = {"term", "tokenless", "definition", "No token.", NULL};
        post_pairs(&ana, LEX, kv, false, &r);
        expect_status(&r, 403, "a proposal without the CSRF token");
        resp_free(&r);
        const char *dv[] = {"decision", "approve", NULL};
        post_pairs(&june, LEX "/doubt-language/decision", dv, false, &r);
        expect_status(&r, 403, "a decision without the CSRF token");
        resp_free(&r);
        api(&ana, "POST", "/api/v1/newsletters/" NL "/terms",
            "{\"term\":\"tokenless\",\"definition\":\"x\"}", false, &r);
        expect_status(&r, 403, "an API proposal without X-CSRF-Token");
        resp_free(&r);
        assert_int_equal(status_of(NULL, LEX "/doubt-language"), 404); /* still pending */

        /* ten proposals an hour, then 429 */
        int accepted = 0;
        for (int i = 0; i < 12; i++) {
                char t[32], def[64];
                snprintf(t, sizeof(t), "word number %d", i);
                snprintf(def, sizeof(def), "Definition %d.", i);
                propose_try(&ana, LEX, t, def, "", &r);
                if (r.status == 303)
                        accepted++;
                else if (r.status == 429) {
                        char retry[16];
                        header(&r, "Retry-After", retry, sizeof(retry));
                        assert_true(atoi(retry) > 0);
                        resp_free(&r);
                        break;
                } else
                        fail_resp(&r, "a proposal neither accepted nor limited");
                resp_free(&r);
        }
        assert_int_equal(accepted, 10);
}

/* ---------------------------------------------------------------- the JSON API */

static void test_api(void **state)
{
        (void)state;
        struct member ana, june;
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        struct http_resp r;
        api(NULL, "GET", "/api/v1/newsletters/" NL "/terms", NULL, false, &r);
        expect_status(&r, 200, "terms, as a guest");
        json_t *j = json_of(&r);
        json_t *terms = json_object_get(j, "terms");
        assert_int_equal(json_array_size(terms), 5);
        assert_string_equal(jstr(json_array_get(terms, 0), "term"), "brave first note");
        assert_string_equal(jstr(json_array_get(terms, 0), "status"), "approved");
        for (size_t i = 0; i < json_array_size(terms); i++)
                assert_string_not_equal(jstr(json_array_get(terms, i), "term"), "doubt language");
        json_decref(j);
        resp_free(&r);

        api(NULL, "GET", "/api/v1/newsletters/" NL "/terms?status=proposed", NULL, false, &r);
        expect_api_error(&r, 403, "decide", "proposals, as a guest");
        resp_free(&r);
        api(&ana, "GET", "/api/v1/newsletters/" NL "/terms?status=proposed", NULL, false, &r);
        expect_api_error(&r, 403, "decide", "proposals, as a reader");
        resp_free(&r);
        api(&june, "GET", "/api/v1/newsletters/" NL "/terms?status=declined", NULL, false, &r);
        expect_api_error(&r, 422, "status", "an unknown status");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/newsletters/no-such-newsletter/terms", NULL, false, &r);
        expect_api_error(&r, 404, "newsletter", "an unknown newsletter");
        resp_free(&r);

        api(&ana, "POST", "/api/v1/newsletters/" NL "/terms",
            "{\"term\":\"warm-up\",\"definition\":\"The *first* five "
            "minutes.\",\"origin\":\"" EP_PATH "\"}",
            true, &r);
        expect_status(&r, 201, "a proposal through the API");
        j = json_of(&r);
        long id = (long)json_integer_value(json_object_get(j, "id"));
        assert_string_equal(jstr(j, "status"), "proposed");
        assert_string_equal(jstr(j, "origin"), EP_PATH);
        assert_string_equal(jstr(j, "url"), LEX "/warm-up");
        assert_non_null(strstr(jstr(j, "definition_html"), "<em>first</em>"));
        json_decref(j);
        resp_free(&r);
        api(&ana, "POST", "/api/v1/newsletters/" NL "/terms",
            "{\"term\":\"\",\"definition\":\"x\"}", true, &r);
        expect_api_error(&r, 422, "term:", "an empty term");
        resp_free(&r);
        api(&ana, "POST", "/api/v1/newsletters/" NL "/terms",
            "{\"term\":\"WARM-UP\",\"definition\":\"x\"}", true, &r);
        expect_api_error(&r, 409, "waiting for a decision", "a duplicate through the API");
        resp_free(&r);

        api(&june, "GET", "/api/v1/newsletters/" NL "/terms?status=proposed", NULL, false, &r);
        expect_status(&r, 200, "proposals, as a moderator");
        j = json_of(&r);
        assert_int_equal(json_array_size(json_object_get(j, "terms")), 2);
        json_decref(j);
        resp_free(&r);

        char path[128];
        snprintf(path, sizeof(path), "/api/v1/terms/%ld/decision", id);
        api(&ana, "POST", path, "{\"decision\":\"approve\"}", true, &r);
        expect_api_error(&r, 403, "decide", "a reader deciding through the API");
        resp_free(&r);
        api(&june, "POST", path, "{\"decision\":\"perhaps\"}", true, &r);
        expect_api_error(&r, 422, "decision", "an unknown decision");
        resp_free(&r);
        api(&june, "POST", path, "{\"decision\":\"approve\",\"note\":\"Yes.\"}", true, &r);
        expect_status(&r, 200, "a moderator approves through the API");
        j = json_of(&r);
        assert_string_equal(jstr(j, "status"), "approved");
        assert_string_equal(jstr(j, "note"), "Yes.");
        json_decref(j);
        resp_free(&r);
        api(&june, "POST", "/api/v1/terms/999999/decision", "{\"decision\":\"approve\"}", true, &r);
        expect_api_error(&r, 404, "term", "an unknown term");
        resp_free(&r);
        api(NULL, "GET", "/api/v1/newsletters/" NL "/terms", NULL, false, &r);
        j = json_of(&r);
        assert_int_equal(json_array_size(json_object_get(j, "terms")), 6);
        json_decref(j);
        resp_free(&r);
}

/* ---------------------------------------------------------------- fixtures */

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_demo_lexicon_is_linked_in_comments),
            T(test_propose_decide_and_link),
            T(test_duplicates_are_refused_clearly),
            T(test_proposer_edits_and_withdraws_while_pending),
            T(test_hostile_terms_stay_inert),
            T(test_rate_limit_and_csrf),
            T(test_api),
        };
#undef T
        if (getenv("KD_TEST_FILTER"))
                cmocka_set_test_filter(getenv("KD_TEST_FILTER"));
        return cmocka_run_group_tests_name("lexicon", tests, NULL, NULL);
}
