/* Black-box tests of a member's episode page after issue 16: the conversation every member sees
 * alike is built once per change and shared (web/page_parts.h), with each member's own bytes
 * spliced in. What must stay personal stays personal: a member sees their own reactions pressed
 * and Edit and Delete on their own comments, never another member's; their token and nobody
 * else's; moderators their view, readers theirs; each in their language. A change by one member
 * reaches the others' pages at once. The page holds one action form and one token for all its
 * buttons, the reply form is a page of its own without the script, and the page is at most 1.3
 * times the guest's bytes. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL      "learning-in-public"
#define EP_PATH "/n/" NL "/two-languages-one-team"

static int start(void **state)
{
        (void)state;
        /* the tests of kept pages sign several readers up, more than an hour's default */
        static const char *const env[] = {"KINDRED_SIGNUPS_PER_HOUR=100", NULL};
        return kd_start(&srv, env);
}

static bool on_postgresql(void)
{
        return srv.database_url[0] != '\0';
}

/* Reacts (on) or takes a reaction back as m, with the page's button value. */
static void react_as(const struct member *m, long id, const char *kind, bool on)
{
        char value[96];
        snprintf(value, sizeof(value), "comment:%ld:%s:%d", id, kind, on ? 1 : 0);
        const char *kv[] = {"react", value, "next", EP_PATH, NULL};
        struct http_resp r;
        post_pairs(m, "/react", kv, true, &r);
        expect_status(&r, 303, "a reaction from the page's action form");
        char loc[256], want[128];
        header(&r, "Location", loc, sizeof(loc));
        snprintf(want, sizeof(want), EP_PATH "#c-%ld", id); /* back at the comment */
        assert_string_equal(loc, want);
        resp_free(&r);
}

/* The page as m (NULL: a guest), asked twice: the second answer comes from the shared part the
 * first one built, and both must be the same page. Caller frees r. */
static void page_twice(const struct member *m, const char *path, struct http_resp *r)
{
        struct http_resp first;
        get(m, path, &first);
        expect_status(&first, 200, "the page");
        get(m, path, r);
        expect_status(r, 200, "the page again");
        assert_int_equal(first.body_len, r->body_len);
        assert_memory_equal(first.body, r->body, r->body_len);
        resp_free(&first);
}

/* Comment id's article up to its replies (its own reactions and actions). Caller frees. */
static char *own_part(const char *page, long id)
{
        char start[64];
        snprintf(start, sizeof(start), "\" id=\"c-%ld\">\n", id); /* "comment" or "comment gone" */
        char *art = slice(page, start, "</div>\n</article>");
        if (!art)
                fail_msg("no comment %ld on the page", id);
        char *replies = strstr(art, "<div class=\"replies\">");
        if (replies)
                *replies = '\0';
        return art;
}

static bool pressed(const char *art, long id, const char *kind)
{
        char want[128];
        snprintf(want, sizeof(want), "value=\"comment:%ld:%s:0\" aria-pressed=\"true\"", id, kind);
        return strstr(art, want) != NULL;
}

static bool shown_unpressed(const char *art, long id, const char *kind)
{
        char want[128];
        snprintf(want, sizeof(want), "value=\"comment:%ld:%s:1\" aria-pressed=\"false\"", id, kind);
        return strstr(art, want) != NULL;
}

static bool has_edit(const char *art, long id)
{
        char edit[96], del[96];
        snprintf(edit, sizeof(edit), "href=\"/comments/%ld/edit\"", id);
        snprintf(del, sizeof(del), "formaction=\"/comments/%ld/delete\"", id);
        bool e = strstr(art, edit) != NULL, d = strstr(art, del) != NULL;
        assert_int_equal(e, d); /* both or neither */
        return e;
}

static bool has_report(const char *art, long id)
{
        char want[96];
        snprintf(want, sizeof(want), "href=\"/report/comment/%ld\"", id);
        return strstr(art, want) != NULL;
}

static void own_reactions_and_actions_only(void **state)
{
        (void)state;
        struct member sam, ana, tomas;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&tomas, "tomas", NULL); /* a co-author of the newsletter: a moderator here */
        long s = post_comment(&sam, EP_PATH, "Sam's thought on the letter.", 0);
        long a = post_comment(&ana, EP_PATH, "Ana's answer to it.", s);
        react_as(&sam, a, "insightful", true);
        react_as(&ana, s, "curious", true);
        react_as(&ana, a, "insightful", true); /* her own comment: two insightful */

        const struct member *who[] = {&sam, &ana, &tomas};
        for (int w = 0; w < 3; w++) {
                struct http_resp r;
                page_twice(who[w], EP_PATH, &r);
                char *sp = own_part(r.body, s), *ap = own_part(r.body, a);
                /* Edit and Delete on one's own comment, Report on the others' */
                assert_int_equal(has_edit(sp, s), who[w] == &sam);
                assert_int_equal(has_edit(ap, a), who[w] == &ana);
                assert_int_equal(has_report(sp, s), who[w] != &sam);
                assert_int_equal(has_report(ap, a), who[w] != &ana);
                /* one's own reactions pressed, the others' counted but not pressed */
                assert_int_equal(pressed(sp, s, "curious"), who[w] == &ana);
                assert_int_equal(shown_unpressed(sp, s, "curious"), who[w] != &ana);
                assert_int_equal(pressed(ap, a, "insightful"), who[w] != &tomas);
                assert_int_equal(shown_unpressed(ap, a, "insightful"), who[w] == &tomas);
                assert_non_null(strstr(ap, "<span class=\"count\">2</span>"));
                free(sp);
                free(ap);
                /* the member's own token, once, in the one action form; the new comment form
                 * has it too; no other member's anywhere */
                char csrf[128], mine[192];
                csrf_of(who[w], csrf, sizeof(csrf));
                snprintf(mine, sizeof(mine), "name=\"_csrf\" value=\"%s\"", csrf);
                assert_int_equal(count(r.body, "<form id=\"kd-act\""), 1);
                char *act = slice(r.body, "<form id=\"kd-act\"", "</form>");
                assert_non_null(act);
                assert_non_null(strstr(act, mine));
                free(act);
                char *form = slice(r.body, "<section id=\"comments\"", "<div class=\"thread\">");
                assert_non_null(form);
                assert_int_equal(count(form, "name=\"_csrf\""), 1); /* the new comment form */
                assert_int_equal(count(form, mine), 1);
                free(form);
                char *threads = slice(r.body, "<div class=\"thread\">", "</main>");
                assert_non_null(threads);
                assert_int_equal(count(threads, "name=\"_csrf\""), 0);
                free(threads);
                for (int o = 0; o < 3; o++) {
                        if (o == w)
                                continue;
                        char theirs[128];
                        csrf_of(who[o], theirs, sizeof(theirs));
                        assert_null(strstr(r.body, theirs));
                }
                resp_free(&r);
        }
}

/* The count on comment id's button of kind in a page (0 when the kind is not in view). */
static int count_on(const char *page, long id, const char *kind)
{
        char *art = own_part(page, id);
        char want[96];
        snprintf(want, sizeof(want), "value=\"comment:%ld:%s:", id, kind);
        const char *b = strstr(art, want);
        int n = 0;
        if (b) {
                const char *c = strstr(b, "<span class=\"count\">");
                assert_non_null(c);
                n = atoi(c + strlen("<span class=\"count\">"));
        }
        free(art);
        return n;
}

static void a_change_reaches_the_others_at_once(void **state)
{
        (void)state;
        struct member sam, ana, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&liwei, "liwei", NULL);
        long s = post_comment(&sam, EP_PATH, "Something for the others to see.", 0);
        struct http_resp r;
        page_twice(&ana, EP_PATH, &r); /* ana's page shares the part from now on */
        assert_int_equal(count_on(r.body, s, "love"), 0);
        resp_free(&r);

        /* a reaction: every other member's next page counts it */
        react_as(&liwei, s, "love", true);
        get(&ana, EP_PATH, &r);
        assert_int_equal(count_on(r.body, s, "love"), 1);
        char *sp = own_part(r.body, s);
        assert_true(shown_unpressed(sp, s, "love"));
        free(sp);
        resp_free(&r);
        get(&liwei, EP_PATH, &r);
        sp = own_part(r.body, s);
        assert_true(pressed(sp, s, "love"));
        free(sp);
        resp_free(&r);

        /* through the API too */
        char json[128];
        snprintf(json, sizeof(json), "{\"target\": \"comment\", \"id\": %ld, \"kind\": \"love\"}",
                 s);
        api(&sam, "POST", "/api/v1/reactions", json, true, &r);
        expect_status(&r, 200, "a reaction through the API");
        resp_free(&r);
        get(&ana, EP_PATH, &r);
        assert_int_equal(count_on(r.body, s, "love"), 2);
        resp_free(&r);

        /* a new comment, and its count in the heading */
        get(&ana, EP_PATH, &r);
        char heading[64];
        assert_true(extract(r.body, "<h2 id=\"comments-h\">", "</h2>", heading, sizeof(heading)));
        int before = atoi(heading);
        resp_free(&r);
        long reply = post_comment(&liwei, EP_PATH, "A reply the others see at once.", s);
        get(&ana, EP_PATH, &r);
        char want[64];
        snprintf(want, sizeof(want), "id=\"c-%ld\"", reply);
        expect_in(&r, want, "the new reply on another member's page");
        expect_in(&r, "A reply the others see at once.", "its text");
        assert_true(extract(r.body, "<h2 id=\"comments-h\">", "</h2>", heading, sizeof(heading)));
        assert_int_equal(atoi(heading), before + 1);
        resp_free(&r);

        /* a deleted comment, at once */
        char del[64];
        snprintf(del, sizeof(del), "/comments/%ld/delete", reply);
        const char *yes[] = {"confirmed", "1", NULL};
        post_pairs(&liwei, del, yes, true, &r);
        expect_status(&r, 303, "the reply deleted");
        resp_free(&r);
        get(&ana, EP_PATH, &r);
        expect_not_in(&r, "A reply the others see at once.", "the deleted reply's text");
        resp_free(&r);
}

static void moderators_and_readers_see_their_own_view(void **state)
{
        (void)state;
        struct member june, ana, sam;
        login_as(&june, "june", NULL); /* a moderator of the demo */
        login_as(&ana, "ana", NULL);   /* a reader */
        login_as(&sam, "sam", NULL);
        long s = post_comment(&sam, EP_PATH, "A comment a moderator will hide.", 0);
        post_comment(&ana, EP_PATH, "A reply that keeps its place in view.", s);
        struct http_resp r;
        page_twice(&ana, EP_PATH, &r);
        expect_not_in(&r, "formaction=\"/hide/comment/", "no Hide for a reader");
        resp_free(&r);
        page_twice(&june, EP_PATH, &r);
        char hide[96];
        snprintf(hide, sizeof(hide), "formaction=\"/hide/comment/%ld\" name=\"hidden\" value=\"1\"",
                 s);
        expect_in(&r, hide, "Hide for a moderator");
        resp_free(&r);

        char path[64];
        snprintf(path, sizeof(path), "/comments/%ld/hide", s);
        const char *kv[] = {"hidden", "1", NULL};
        post_pairs(&june, path, kv, true, &r);
        expect_status(&r, 303, "hidden by a moderator");
        resp_free(&r);

        page_twice(&june, EP_PATH, &r);
        char *art = own_part(r.body, s);
        assert_non_null(strstr(art, "A comment a moderator will hide."));
        assert_non_null(strstr(art, "<span class=\"badge\">Hidden by a moderator</span>"));
        snprintf(hide, sizeof(hide), "formaction=\"/hide/comment/%ld\" name=\"hidden\" value=\"0\"",
                 s);
        assert_non_null(strstr(art, hide));
        free(art);
        resp_free(&r);
        const struct member *readers[] = {&ana, &sam}; /* sam: its author */
        for (int i = 0; i < 2; i++) {
                page_twice(readers[i], EP_PATH, &r);
                art = own_part(r.body, s);
                assert_null(strstr(art, "A comment a moderator will hide."));
                assert_non_null(strstr(art, "Hidden by a moderator."));
                assert_false(has_edit(art, s)); /* not even for its author */
                free(art);
                expect_not_in(&r, "formaction=\"/hide/comment/", "no Hide or Restore");
                resp_free(&r);
        }
}

static void each_member_reads_in_their_language(void **state)
{
        (void)state;
        struct member liwei, sam;
        login_as(&liwei, "liwei", NULL); /* reads the site in Chinese (the demo's saved language) */
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        page_twice(&liwei, EP_PATH, &r);
        char *section = slice(r.body, "<section id=\"comments\"", "</main>");
        assert_non_null(section);
        if (!strstr(section, ">回复</a>"))
                fail_resp(&r, "the Reply links in Chinese");
        assert_null(strstr(section, ">Reply</a>"));
        free(section);
        resp_free(&r);
        page_twice(&sam, EP_PATH, &r);
        section = slice(r.body, "<section id=\"comments\"", "</main>");
        assert_non_null(section);
        assert_non_null(strstr(section, ">Reply</a>"));
        assert_null(strstr(section, ">回复</a>"));
        free(section);
        resp_free(&r);
}

static void the_reply_page_works_without_javascript(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long s = post_comment(&sam, EP_PATH, "Reply to this from a page of its own.", 0);
        char path[64], want[160];
        snprintf(path, sizeof(path), "/comments/%ld/reply", s);
        /* the comment's Reply is a plain link to it */
        struct http_resp r;
        get(&ana, EP_PATH, &r);
        snprintf(want, sizeof(want), "<a class=\"reply\" href=\"%s\">", path);
        expect_in(&r, want, "the Reply link");
        expect_not_in(&r, "<details class=\"reply\">", "no reply form per comment");
        resp_free(&r);

        get(&ana, path, &r);
        expect_status(&r, 200, "the reply page");
        expect_in(&r, "Reply to this from a page of its own.", "the comment replied to");
        expect_in(&r, "action=\"" EP_PATH "/comments\"", "the form posts where comments go");
        snprintf(want, sizeof(want), "name=\"parent\" value=\"%ld\"", s);
        expect_in(&r, want, "as a reply to it");
        char csrf[128];
        csrf_of(&ana, csrf, sizeof(csrf));
        expect_in(&r, csrf, "with the member's token");
        resp_free(&r);
        long reply = post_comment(&ana, EP_PATH, "Replied without a script.", s);
        get(&sam, EP_PATH, &r);
        snprintf(want, sizeof(want), "id=\"c-%ld\">", s);
        char *thread = slice(r.body, want, "</article>\n</div>\n</article>");
        assert_non_null(thread);
        snprintf(want, sizeof(want),
                 "<div class=\"replies\">\n<article class=\"comment\" id=\"c-%ld\">", reply);
        assert_non_null(strstr(thread, want));
        free(thread);
        resp_free(&r);

        /* guests are asked to log in; a deleted comment has no reply page */
        get(NULL, path, &r);
        assert_true(r.status == 302 || r.status == 303);
        resp_free(&r);
        snprintf(want, sizeof(want), "/comments/%ld/delete", reply);
        const char *yes[] = {"confirmed", "1", NULL};
        post_pairs(&ana, want, yes, true, &r);
        expect_status(&r, 303, "deleted");
        resp_free(&r);
        snprintf(path, sizeof(path), "/comments/%ld/reply", reply);
        assert_int_equal(status_of(&sam, path), 404);
        assert_int_equal(status_of(&sam, "/comments/999999999/reply"), 404);
}

static void the_member_page_weighs_at_most_1_3_guest_pages(void **state)
{
        (void)state;
        char path[256];
        db_text("SELECT '/n/' || n.slug || '/' || e.slug FROM episode e JOIN newsletter n ON "
                "n.id = e.newsletter_id ORDER BY (SELECT count(*) FROM comment c WHERE "
                "c.episode_id = e.id) DESC, e.id LIMIT 1",
                path, sizeof(path));
        struct member ana;
        login_as(&ana, "ana", NULL);
        struct http_resp guest, member;
        get(NULL, path, &guest);
        expect_status(&guest, 200, "the guest's page");
        page_twice(&ana, path, &member);
        size_t comments = count(member.body, "<article class=\"comment");
        assert_true(comments >= 8); /* the demo's longest conversation */
        assert_int_equal(count(guest.body, "<article class=\"comment"), comments);
        print_message("%s: %zu comments, guest %zu bytes, member %zu bytes (%.2fx)\n", path,
                      comments, guest.body_len, member.body_len,
                      (double)member.body_len / (double)guest.body_len);
        assert_true(member.body_len * 10 <= guest.body_len * 13);
        /* one action form for the page, no form inside any comment */
        assert_int_equal(count(member.body, "<form id=\"kd-act\""), 1);
        char *threads = slice(member.body, "<div class=\"thread\">", "</section>");
        assert_non_null(threads);
        assert_int_equal(count(threads, "<form"), 1); /* the reply template's, inert */
        assert_int_equal(count(threads, "name=\"_csrf\""), 0);
        free(threads);
        resp_free(&guest);
        resp_free(&member);
}

/* ---------------------------------------------------------------- pages kept whole for readers */

#define KEPT_PATH "/n/fourth-floor-garden/the-radish-census"

/* A write through the server (a member's language, saved again): kept pages go stale. */
static void touch_site(const struct member *m)
{
        const char *kv[] = {"lang", "en", "next", "/", NULL};
        struct http_resp r;
        post_pairs(m, "/language", kv, true, &r);
        expect_status(&r, 303, "a write that makes kept pages stale");
        resp_free(&r);
}

static void page_of(const struct member *m, struct http_resp *r)
{
        get(m, KEPT_PATH, r);
        expect_status(r, 200, "the episode");
}

/* r shows its member's own mark (own) and nothing of another member's: their name or handle
 * (other) and their token (other_token). */
static void theirs_only(struct http_resp *r, const char *own, const char *other,
                        const char *other_token)
{
        expect_in(r, own, "the member's own name, menu or greeting");
        expect_not_in(r, other, "nothing of the other member's");
        expect_not_in(r, other_token, "not the other member's token");
}

static void same_page(const struct http_resp *a, const struct http_resp *b, const char *what)
{
        if (a->body_len != b->body_len || memcmp(a->body, b->body, a->body_len) != 0) {
                size_t at = 0;
                while (at < a->body_len && at < b->body_len && a->body[at] == b->body[at])
                        at++;
                fail_msg("%s: the pages differ from byte %zu: \"%.80s\" against \"%.80s\"", what,
                         at, a->body + at, b->body + at);
        }
}

static void a_kept_page_is_the_page_built_for_each_reader(void **state)
{
        (void)state;
        if (on_postgresql())
                skip(); /* several nodes may share it: pages are not kept */
        struct member a, b, c;
        signup_as(&a, "kept_a");
        signup_as(&b, "kept_b");
        signup_as(&c, "kept_c");
        struct http_resp a_built, b_kept, b_built, a_kept;
        touch_site(&c);
        page_of(&a, &a_built); /* built for a, and kept: a has nothing of their own on it */
        page_of(&b, &b_kept);  /* b's from it */
        touch_site(&c);
        page_of(&b, &b_built); /* built for b */
        page_of(&a, &a_kept);  /* a's from it */
        same_page(&a_built, &a_kept, "a's page built and from the kept one");
        same_page(&b_built, &b_kept, "b's page built and from the kept one");
        /* each with their own menu and token, nothing of the other's */
        char ta[128], tb[128];
        csrf_of(&a, ta, sizeof(ta));
        csrf_of(&b, tb, sizeof(tb));
        theirs_only(&a_kept, "href=\"/@kept_a\"", "kept_b", tb);
        assert_true(count(a_kept.body, ta) >= 3); /* the log-out form, the action form, the rest */
        theirs_only(&b_kept, "href=\"/@kept_b\"", "kept_a", ta);
        resp_free(&a_built);
        resp_free(&b_kept);
        resp_free(&b_built);
        resp_free(&a_kept);
}

/* Changes made behind the server's back (no write through it, so nothing kept goes stale) show
 * what answers: the kept page, until a write; never for a reader the page shows something of
 * their own. The episode is retitled behind the server's back after the page was kept: a page
 * with the new title was built for its reader, one with the old title came from the kept page.
 * Each part of the footprint (model/footprint.c) has its reader here; without it, that reader
 * would get the kept page. */
static bool built_for(const struct member *m)
{
        struct http_resp r;
        page_of(m, &r);
        bool built = strstr(r.body, "The Radish Census, retitled") != NULL;
        resp_free(&r);
        return built;
}

static void behind(const char *fmt, long long x, long long y)
{
        char sql[400];
        snprintf(sql, sizeof(sql), fmt, x, y);
        db_exec(sql);
}

static void a_reader_with_something_of_their_own_gets_their_own_page(void **state)
{
        (void)state;
        if (on_postgresql())
                skip(); /* several nodes may share it: pages are not kept (web/page_parts.h) */
        static const char *handles[] = {"trace_a", "trace_b", "trace_c",
                                        "trace_d", "trace_e", "trace_f"};
        struct member m[6];
        long long id[6];
        for (int i = 0; i < 6; i++) {
                signup_as(&m[i], handles[i]);
                char sql[128];
                snprintf(sql, sizeof(sql), "SELECT id FROM member WHERE handle = '%s'", handles[i]);
                id[i] = db_int(sql);
        }
        long long ep = db_int("SELECT id FROM episode WHERE slug = 'the-radish-census'");
        touch_site(&m[0]);
        struct http_resp r;
        page_of(&m[0], &r); /* kept */
        char card[256];
        if (!extract(r.body, "<p class=\"related-title\"><a href=\"", "\"", card, sizeof(card)))
                fail_resp(&r, "a \"Members also read\" card");
        resp_free(&r);
        const char *slug = strrchr(card, '/');
        assert_non_null(slug);
        long long card_id = 0;
        {
                char sql[320];
                snprintf(sql, sizeof(sql), "SELECT id FROM episode WHERE slug = '%s'", slug + 1);
                card_id = db_int(sql);
        }
        db_exec("UPDATE episode SET title = 'The Radish Census, retitled' WHERE slug = "
                "'the-radish-census'");
        assert_false(built_for(&m[0])); /* the kept page (b to f have not asked yet: a reader
                                         * who has is remembered as having nothing of theirs
                                         * on it until a write, http/member_cache.h) */

        /* b: a reaction to the episode */
        behind("INSERT INTO reaction (target, target_id, kind, member_id, created_at) VALUES "
               "('episode', %lld, 'love', %lld, 1)",
               ep, id[1]);
        assert_true(built_for(&m[1]));
        char pressed[96];
        snprintf(pressed, sizeof(pressed), "value=\"episode:%lld:love:0\" aria-pressed", ep);
        page_of(&m[1], &r);
        expect_in(&r, pressed, "b's own reaction pressed");
        resp_free(&r);
        /* c: "I tried this" */
        behind("INSERT INTO tried (episode_id, member_id, note, created_at, updated_at) VALUES "
               "(%lld, %lld, 'Counted radishes too.', 1, 1)",
               ep, id[2]);
        assert_true(built_for(&m[2]));
        page_of(&m[2], &r);
        expect_in(&r, "class=\"tried-mine\"", "c's own record");
        resp_free(&r);
        /* d: read the first "Members also read" card's episode */
        behind("INSERT INTO insight_reader (episode_id, member_id, newsletter_id, season_id, "
               "first_at) SELECT id, %lld, newsletter_id, season_id, 1 FROM episode WHERE id = "
               "%lld",
               id[3], card_id);
        assert_true(built_for(&m[3]));
        char href[300];
        snprintf(href, sizeof(href), "<p class=\"related-title\"><a href=\"%s\"", card);
        page_of(&m[3], &r);
        expect_not_in(&r, href, "no card of what d read");
        resp_free(&r);
        /* e: a comment of theirs under the episode */
        behind("INSERT INTO comment (episode_id, author_id, body, body_html, created_at, "
               "updated_at) VALUES (%lld, %lld, 'Mine too.', '<p>Mine too.</p>', 1, 1)",
               ep, id[4]);
        long long comment = db_int("SELECT max(id) FROM comment");
        behind("UPDATE comment SET root_id = %lld WHERE id = %lld", comment, comment);
        assert_true(built_for(&m[4]));
        /* f: a reaction to that comment */
        behind("INSERT INTO reaction (target, target_id, kind, member_id, created_at) VALUES "
               "('comment', %lld, 'agree', %lld, 1)",
               comment, id[5]);
        assert_true(built_for(&m[5]));
        /* a still gets the kept page, with none of theirs pressed */
        assert_false(built_for(&m[0]));
        page_of(&m[0], &r);
        expect_not_in(&r, pressed, "a never sees b's reaction as theirs");
        expect_not_in(&r, "class=\"tried-mine\"", "nor c's record");
        expect_in(&r, href, "a still gets the card d read");
        resp_free(&r);

        /* a write: every page is built again, with the new title */
        touch_site(&m[0]);
        assert_true(built_for(&m[0]));
        db_exec("UPDATE episode SET title = 'The Radish Census' WHERE slug = "
                "'the-radish-census'");
        touch_site(&m[0]);
}

/* A reader reloading a kept page skips the footprint's query (http/member_cache.h): what they
 * did through the server (a write) or reading another episode makes it count again. */
static void a_reload_is_checked_again_after_a_write_or_another_read(void **state)
{
        (void)state;
        if (on_postgresql())
                skip(); /* several nodes may share it: pages are not kept */
        struct member a, e;
        signup_as(&a, "reload_a");
        signup_as(&e, "reload_e");
        long long ep = db_int("SELECT id FROM episode WHERE slug = 'the-radish-census'");
        long long eid = db_int("SELECT id FROM member WHERE handle = 'reload_e'");
        touch_site(&a);
        struct http_resp r;
        page_of(&a, &r); /* kept */
        char card[256];
        if (!extract(r.body, "<p class=\"related-title\"><a href=\"", "\"", card, sizeof(card)))
                fail_resp(&r, "a \"Members also read\" card");
        resp_free(&r);
        page_of(&e, &r); /* e: nothing of their own, noted */
        resp_free(&r);

        /* e reads the first card's episode (its row written at once here, as the insights
         * writer does a moment later): e's next page of this one leaves it out */
        get(&e, card, &r);
        expect_status(&r, 200, "the card's episode");
        resp_free(&r);
        char sql[320], href[300];
        const char *slug = strrchr(card, '/');
        assert_non_null(slug);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO insight_reader (episode_id, member_id, newsletter_id, season_id, "
                 "first_at) SELECT id, %lld, newsletter_id, season_id, 1 FROM episode WHERE slug "
                 "= '%s' ON CONFLICT DO NOTHING",
                 eid, slug + 1);
        db_exec(sql);
        snprintf(href, sizeof(href), "<p class=\"related-title\"><a href=\"%s\"", card);
        page_of(&e, &r);
        expect_not_in(&r, href, "no card of what e read since");
        resp_free(&r);

        /* a reaction of e's behind the server's back, then any write: e's page has it (the
         * write also makes the kept page stale, so this half would pass on that alone) */
        char pressed[96];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO reaction (target, target_id, kind, member_id, created_at) VALUES "
                 "('episode', %lld, 'agree', %lld, 1)",
                 ep, eid);
        db_exec(sql);
        touch_site(&a);
        snprintf(pressed, sizeof(pressed), "value=\"episode:%lld:agree:0\" aria-pressed", ep);
        page_of(&e, &r);
        expect_in(&r, pressed, "e's reaction, after a write");
        resp_free(&r);
}

/* page without its <time> elements (malloc'd). */
static char *without_times(const char *page)
{
        char *out = strdup(page), *w = out;
        assert_non_null(out);
        for (const char *p = page; *p;) {
                const char *end = strncmp(p, "<time", 5) == 0 ? strstr(p, "</time>") : NULL;
                if (end) {
                        p = end + strlen("</time>");
                        continue;
                }
                *w++ = *p++;
        }
        *w = '\0';
        return out;
}

/* A home page's header has menu (the member's own) and its greeting greeting, and neither has
 * other (another member's name: the page's lists may name anyone). */
static void greeted_as(const struct http_resp *r, const char *menu, const char *greeting,
                       const char *other)
{
        char *head = slice(r->body, "<header class=\"site-header\">", "</header>");
        char *hero = slice(r->body, "<section class=\"hero\">", "</section>");
        assert_non_null(head);
        assert_non_null(hero);
        if (!strstr(head, menu) || !strstr(hero, greeting))
                fail_msg("not the member's own header or greeting: %s / %s", head, hero);
        assert_null(strstr(head, other));
        assert_null(strstr(hero, other));
        free(head);
        free(hero);
}

/* The home page's first page is kept whole for every member (web/home.c): each gets their own
 * menu, greeting and token in it, authors too. */
static void the_kept_home_greets_each_member_as_themselves(void **state)
{
        (void)state;
        if (on_postgresql())
                skip(); /* several nodes may share it: pages are not kept */
        struct member a, b, tomas;
        login_as(&a, "ana", NULL);
        login_as(&b, "sam", NULL);
        login_as(&tomas, "tomas", NULL);
        struct http_resp a_built, b_kept, b_built, t_kept;
        touch_site(&a);
        get(&a, "/", &a_built); /* built for a, and kept */
        expect_status(&a_built, 200, "a's home");
        get(&b, "/", &b_kept);
        expect_status(&b_kept, 200, "b's home");
        get(&tomas, "/", &t_kept);
        expect_status(&t_kept, 200, "tomas's home");
        touch_site(&a);
        get(&b, "/", &b_built);
        /* the lists' relative times ("joined just now") may turn in between */
        char *kept_b = without_times(b_kept.body), *built_b = without_times(b_built.body);
        if (strcmp(kept_b, built_b) != 0)
                same_page(&b_built, &b_kept, "b's home built and from the kept one");
        free(kept_b);
        free(built_b);
        char ta[128], tt[128];
        csrf_of(&a, ta, sizeof(ta));
        csrf_of(&tomas, tt, sizeof(tt));
        greeted_as(&b_kept, "href=\"/@sam\"", "Welcome back, Sam Reyes.", "Ana Beatriz");
        expect_not_in(&b_kept, ta, "not a's token");
        greeted_as(&t_kept, "<li><a href=\"/write\">", "Welcome back, Tomás", "Ana Beatriz");
        expect_in(&t_kept, tt, "the author's token");
        expect_not_in(&t_kept, ta, "not a's token");
        resp_free(&a_built);
        resp_free(&b_kept);
        resp_free(&b_built);
        resp_free(&t_kept);
}

/* A GET may carry fields in a body (after=N: a later page of the conversation); such a page is
 * kept for nobody, neither as the readers' whole page nor as the guests' page. */
static void a_get_with_fields_in_its_body_is_kept_for_nobody(void **state)
{
        (void)state;
        struct member a, b;
        signup_as(&a, "body_a");
        signup_as(&b, "body_b");
        touch_site(&a);
        const struct member *senders[] = {&a, NULL}, *readers[] = {&b, NULL};
        for (int i = 0; i < 2; i++) {
                char buf[4096];
                char *reqs[1] = {buf};
                size_t lens[1];
                int status[1];
                lens[0] =
                    raw_request(senders[i], "GET", KEPT_PATH, "application/x-www-form-urlencoded",
                                "after=999999999", buf, sizeof(buf));
                send_at_once(reqs, lens, 1, status);
                assert_true(status[0] > 0);
                struct http_resp r;
                get(readers[i], KEPT_PATH, &r);
                expect_status(&r, 200, "the episode");
                expect_not_in(&r, "First comments", "the first page, not the body's later one");
                resp_free(&r);
        }
}

static void authors_and_moderators_never_get_a_readers_page(void **state)
{
        (void)state;
        struct member a, tomas, june;
        signup_as(&a, "kept_reader");
        login_as(&tomas, "tomas", NULL); /* the episode's author */
        login_as(&june, "june", NULL);   /* a moderator */
        touch_site(&a);
        struct http_resp r;
        page_of(&a, &r);
        expect_not_in(&r, "Edit episode", "nothing to edit for a reader");
        resp_free(&r);
        page_of(&tomas, &r);
        expect_in(&r, "Edit episode", "the author's own link");
        expect_in(&r, "href=\"/@tomas\"", "the author's menu");
        resp_free(&r);
        page_of(&june, &r);
        expect_in(&r, "href=\"/moderation\"", "the moderator's menu");
        expect_not_in(&r, "kept_reader", "nothing of the reader's");
        resp_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(own_reactions_and_actions_only),
            cmocka_unit_test(a_change_reaches_the_others_at_once),
            cmocka_unit_test(moderators_and_readers_see_their_own_view),
            cmocka_unit_test(each_member_reads_in_their_language),
            cmocka_unit_test(the_reply_page_works_without_javascript),
            cmocka_unit_test(the_member_page_weighs_at_most_1_3_guest_pages),
            cmocka_unit_test(a_kept_page_is_the_page_built_for_each_reader),
            cmocka_unit_test(a_reader_with_something_of_their_own_gets_their_own_page),
            cmocka_unit_test(a_reload_is_checked_again_after_a_write_or_another_read),
            cmocka_unit_test(authors_and_moderators_never_get_a_readers_page),
            cmocka_unit_test(the_kept_home_greets_each_member_as_themselves),
            cmocka_unit_test(a_get_with_fields_in_its_body_is_kept_for_nobody),
        };
        return cmocka_run_group_tests_name("member_page", tests, start, kd_fixture_stop);
}
