/* Black-box tests of the spaces (members' threads) and the member directory against the real
 * kindred binary with the demo content: who may create spaces, who may post where, threads and
 * replies and their pages, edits and deletions of one's own posts, notifications, hidden posts,
 * the directory's search and "who is here", rate limits, CSRF and hostile input, pages and the
 * JSON API alike. Every test gets a server of its own (fresh rate-limit windows). */
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

#define PORCH  "/spaces/porch"
#define CIRCLE "/spaces/readers-circle"

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

/* ---------------------------------------------------------------- helpers */

/* Starts a thread through the form; returns its id (the redirect must be to its page). */
static long thread_form(const struct member *m, const char *space, const char *title,
                        const char *body)
{
        char path[128], loc[256];
        snprintf(path, sizeof(path), "%s/threads", space);
        const char *kv[] = {"title", title, "body", body, NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        expect_status(&r, 303, "starting a thread");
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        size_t n = strlen(space);
        if (strncmp(loc, space, n) != 0 || loc[n] != '/')
                fail_msg("a new thread redirected to %s", loc);
        long id = atol(loc + n + 1);
        assert_true(id > 0);
        return id;
}

/* Replies through the form (parent 0: answers nobody in particular); returns the post's id. */
static long reply_form(const struct member *m, const char *space, long thread, long parent,
                       const char *body)
{
        char path[128], par[32], loc[256];
        snprintf(path, sizeof(path), "%s/%ld", space, thread);
        snprintf(par, sizeof(par), "%ld", parent);
        const char *kv[] = {"body", body, "parent_id", parent ? par : "", NULL};
        struct http_resp r;
        post_pairs(m, path, kv, true, &r);
        expect_status(&r, 303, "replying");
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        const char *at = strstr(loc, "#p-");
        if (!at)
                fail_msg("a reply redirected to %s", loc);
        return atol(at + 3);
}

/* An API call whose status must be `status`; returns the JSON body (caller decrefs). */
static json_t *api_ok(const struct member *m, const char *method, const char *path,
                      const char *json, int status)
{
        struct http_resp r;
        api(m, method, path, json, true, &r);
        expect_status(&r, status, path);
        json_t *j = json_of(&r);
        resp_free(&r);
        return j;
}

static long api_reply(const struct member *m, long thread, long parent, const char *body)
{
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", thread);
        json_t *in = json_pack("{s:s,s:I}", "body", body, "parent_id", (json_int_t)parent);
        char *text = json_dumps(in, 0);
        json_t *out = api_ok(m, "POST", path, text, 201);
        long id = (long)json_integer_value(json_object_get(out, "id"));
        free(text);
        json_decref(in);
        json_decref(out);
        assert_true(id > 0);
        return id;
}

/* The opening post's id of a thread, from the API. */
static long opening_post(long thread)
{
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", thread);
        json_t *j = api_ok(NULL, "GET", path, NULL, 200);
        json_t *first = json_array_get(json_object_get(j, "posts"), 0);
        assert_true(json_is_true(json_object_get(first, "opening")));
        long id = (long)json_integer_value(json_object_get(first, "id"));
        json_decref(j);
        return id;
}

/* A space's count from the API ("thread_count" or "post_count"). */
static long space_count(const char *slug, const char *which)
{
        json_t *j = api_ok(NULL, "GET", "/api/v1/spaces", NULL, 200);
        json_t *list = json_object_get(j, "spaces"), *s;
        size_t i;
        long n = -1;
        json_array_foreach(list, i, s) if (strcmp(jstr(s, "slug"), slug) == 0) n =
            (long)json_integer_value(json_object_get(s, which));
        json_decref(j);
        assert_true(n >= 0);
        return n;
}

static void page_has(const struct member *m, const char *path, const char *needle, const char *what)
{
        struct http_resp r;
        get(m, path, &r);
        expect_status(&r, 200, what);
        expect_in(&r, needle, what);
        resp_free(&r);
}

static void page_lacks(const struct member *m, const char *path, const char *needle,
                       const char *what)
{
        struct http_resp r;
        get(m, path, &r);
        expect_status(&r, 200, what);
        expect_not_in(&r, needle, what);
        resp_free(&r);
}

static void add_member(const char *handle, const char *headline)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        const char *add[] = {"member",     "add",    handle,   "--email", email,
                             "--headline", headline, "--role", "reader",  NULL};
        assert_int_equal(kd_cli(&srv, "a long enough password\n", add), 0);
}

/* ================================================================ reading */

/* The demo's spaces are there for guests: the list with counts, a space with its threads and
 * most active members, a thread with its posts, the reply quoted as a line, liwei's Chinese. */
static void test_guest_reads_the_demo_spaces(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/spaces", &r);
        expect_status(&r, 200, "/spaces");
        expect_in(&r, "The Porch", "the Porch in the list");
        expect_in(&r, "Readers&#39; Circle", "the circle in the list");
        expect_in(&r, "3 threads", "the Porch's thread count");
        expect_in(&r, "href=\"/spaces\"", "the header's Spaces link");
        resp_free(&r);
        get(NULL, PORCH, &r);
        expect_status(&r, 200, "the Porch");
        expect_in(&r, "Most active here", "the most active members");
        expect_in(&r, "有人也在阳台上种菜吗？", "liwei's thread");
        expect_in(&r, "Log in to take part", "a guest is asked to log in");
        expect_not_in(&r, "name=\"title\"", "no thread form for a guest");
        expect_not_in(&r, "Mira Okafor", "the authors are not in the demo's talk");
        resp_free(&r);
        json_t *j = api_ok(NULL, "GET", "/api/v1/spaces/porch/threads", NULL, 200);
        json_t *threads = json_object_get(j, "threads");
        assert_int_equal(json_array_size(threads), 3);
        long first = (long)json_integer_value(json_object_get(json_array_get(threads, 2), "id"));
        json_decref(j);
        char path[64];
        snprintf(path, sizeof(path), PORCH "/%ld", first);
        get(NULL, path, &r);
        expect_status(&r, 200, "a demo thread");
        expect_in(&r, "What are you reading between episodes?", "the thread's title");
        expect_in(&r, "In reply to", "a reply quotes the post it answers");
        expect_in(&r, "lang=\"zh-CN\"", "liwei's post keeps its language");
        expect_in(&r, "Insightful</span> 1", "the reactions' counts");
        resp_free(&r);
        /* the API's posts carry their reactions: sam found ana's answer insightful */
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", first);
        j = api_ok(NULL, "GET", path, NULL, 200);
        json_t *ana = json_array_get(json_object_get(j, "posts"), 1);
        assert_string_equal(jstr(json_object_get(ana, "author"), "handle"), "ana");
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(ana, "reactions"), "insightful")),
            1);
        json_decref(j);
}

/* ================================================================ creating spaces */

static void test_only_moderators_and_admins_create_spaces(void **state)
{
        (void)state;
        struct member sam, mira, june, admin;
        login_as(&sam, "sam", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&june, "june", NULL);
        login_as(&admin, "admin", NULL);
        assert_int_equal(status_of(&sam, "/spaces/new"), 403);
        assert_int_equal(status_of(&mira, "/spaces/new"), 403);
        assert_int_equal(status_of(&june, "/spaces/new"), 200);
        int guest = status_of(NULL, "/spaces/new");
        assert_true(guest == 303 || guest == 302);
        const char *kv[] = {"slug",        "garden-talk",
                            "title",       "Garden talk",
                            "description", "Seeds, *soil* and patience.",
                            "newsletter",  "",
                            "who_posts",   "members",
                            NULL};
        struct http_resp r;
        post_pairs(&sam, "/spaces/new", kv, true, &r);
        expect_status(&r, 403, "a reader may not create a space");
        resp_free(&r);
        post_pairs(&mira, "/spaces/new", kv, true, &r);
        expect_status(&r, 403, "an author may not create a space");
        resp_free(&r);
        post_pairs(&june, "/spaces/new", kv, false, &r);
        expect_status(&r, 403, "no CSRF token, no space");
        resp_free(&r);
        page_lacks(NULL, "/spaces", "Garden talk", "nothing was created");
        post_pairs(&june, "/spaces/new", kv, true, &r);
        expect_status(&r, 303, "a moderator creates a space");
        resp_free(&r);
        page_has(NULL, "/spaces/garden-talk", "<em>soil</em>", "the description as Markdown");
        /* the same address again, a reserved one, followers without a newsletter: 422, kept */
        post_pairs(&admin, "/spaces/new", kv, true, &r);
        expect_status(&r, 422, "a taken address");
        expect_in(&r, "Another space already uses this address.", "the slug's problem");
        expect_in(&r, "Seeds, *soil* and patience.", "the description kept");
        resp_free(&r);
        const char *reserved[] = {"slug", "new", "title", "New", "who_posts", "members", NULL};
        post_pairs(&admin, "/spaces/new", reserved, true, &r);
        expect_status(&r, 422, "the reserved address");
        resp_free(&r);
        const char *orphan[] = {"slug",      "orphans",   "title", "Orphans",
                                "who_posts", "followers", NULL};
        post_pairs(&admin, "/spaces/new", orphan, true, &r);
        expect_status(&r, 422, "followers of no newsletter");
        expect_in(&r, "needs the newsletter", "the newsletter's problem");
        resp_free(&r);
        /* an admin edits it: a followers' space of the garden newsletter */
        const char *edit[] = {"slug",        "garden-talk",  "title",      "Garden talk",
                              "description", "For growers.", "newsletter", "fourth-floor-garden",
                              "who_posts",   "followers",    NULL};
        assert_int_equal(status_of(&sam, "/spaces/garden-talk/edit"), 403);
        post_pairs(&sam, "/spaces/garden-talk/edit", edit, true, &r);
        expect_status(&r, 403, "a reader may not edit a space");
        resp_free(&r);
        post_pairs(&admin, "/spaces/garden-talk/edit", edit, true, &r);
        expect_status(&r, 303, "an admin edits a space");
        resp_free(&r);
        page_has(NULL, "/spaces/garden-talk", "Fourth-Floor Garden", "the newsletter named");
}

/* ================================================================ who may post */

static void test_followers_spaces_take_followers_and_authors(void **state)
{
        (void)state;
        struct member tomas, mira, sam, newbie;
        login_as(&tomas, "tomas", NULL);
        login_as(&mira, "mira", NULL);
        login_as(&sam, "sam", NULL);
        add_member("newbie", "Just arrived");
        login_as(&newbie, "newbie", "a long enough password");
        /* newbie does not follow Learning in Public */
        page_has(&newbie, CIRCLE, "Only followers of Learning in Public post in this space.",
                 "the circle explains why newbie may not post");
        page_lacks(&newbie, CIRCLE, "name=\"title\"", "no thread form for newbie");
        const char *kv[] = {"title", "Hello", "body", "From the balcony.", NULL};
        struct http_resp r;
        post_pairs(&newbie, CIRCLE "/threads", kv, true, &r);
        expect_status(&r, 403, "a non-follower's thread");
        resp_free(&r);
        api(&newbie, "POST", "/api/v1/spaces/readers-circle/threads",
            "{\"title\":\"Hi\",\"body\":\"New here.\"}", true, &r);
        expect_api_error(&r, 403, "followers", "a non-follower's thread through the API");
        resp_free(&r);
        /* a thread in the circle by a follower; tomas may not reply to it either */
        long t = thread_form(&sam, CIRCLE, "Notes on notes", "Who keeps a paper notebook?");
        char path[64];
        snprintf(path, sizeof(path), CIRCLE "/%ld", t);
        const char *reply[] = {"body", "Me!", NULL};
        post_pairs(&newbie, path, reply, true, &r);
        expect_status(&r, 403, "a non-follower's reply");
        resp_free(&r);
        /* the newsletter's authors (owner and co-author) may post without following; the
         * Porch takes every member */
        reply_form(&mira, CIRCLE, t, 0, "I do, and I lose it every month.");
        reply_form(&tomas, CIRCLE, t, 0, "Mine smells of tomato leaves.");
        thread_form(&newbie, PORCH, "Hello, porch", "First time here.");
        /* following the newsletter opens the circle */
        const char *follow[] = {"follow", "1", NULL};
        post_pairs(&newbie, "/n/learning-in-public/follow", follow, true, &r);
        expect_status(&r, 303, "following");
        resp_free(&r);
        reply_form(&newbie, CIRCLE, t, 0, "Now I follow, so here I am.");
        page_has(&newbie, path, "Now I follow, so here I am.", "the follower's reply");
}

/* ================================================================ threads and replies */

static void test_threads_replies_counts_and_quoted_parents(void **state)
{
        (void)state;
        struct member sam, ana, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long threads = space_count("porch", "thread_count");
        long posts = space_count("porch", "post_count");
        long t = thread_form(&sam, PORCH, "Paper or screen?", "Where do you *draft* first?");
        long first = opening_post(t);
        long a = reply_form(&ana, PORCH, t, first, "Paper, always, in pencil.");
        reply_form(&june, PORCH, t, a, "Pencil is the only thing that survives a night shift.");
        assert_int_equal(space_count("porch", "thread_count"), threads + 1);
        assert_int_equal(space_count("porch", "post_count"), posts + 3);
        char path[64];
        snprintf(path, sizeof(path), PORCH "/%ld", t);
        struct http_resp r;
        get(&sam, path, &r);
        expect_status(&r, 200, "the thread");
        expect_in(&r, "<em>draft</em>", "the opening post's Markdown");
        expect_in(&r, "In reply to Ana Beatriz Costa", "june's reply names the post it answers");
        expect_in(&r, "Paper, always, in pencil.</q>", "and quotes its start");
        expect_in(&r, "3 posts", "the thread's count");
        resp_free(&r);
        get(NULL, PORCH, &r);
        expect_in(&r, "Paper or screen?", "the thread in its space");
        expect_in(&r, "2 replies", "its replies counted");
        char *list = slice(r.body, "<ul class=\"thread-list\">", "</ul>");
        assert_non_null(list);
        /* the most recent post first in the "Active" order */
        assert_true(strstr(list, "Paper or screen?") < strstr(list, "Small rituals"));
        free(list);
        resp_free(&r);
        /* the API: the thread's posts in order with their parents */
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", t);
        json_t *j = api_ok(NULL, "GET", path, NULL, 200);
        json_t *ps = json_object_get(j, "posts");
        assert_int_equal(json_array_size(ps), 3);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(ps, 2), "parent_id")),
                         a);
        assert_string_equal(jstr(json_object_get(json_array_get(ps, 1), "author"), "handle"),
                            "ana");
        json_decref(j);
        /* a parent from another thread is refused, the text kept */
        long other = thread_form(&ana, PORCH, "Another", "Another thread.");
        snprintf(path, sizeof(path), PORCH "/%ld", other);
        char par[32];
        snprintf(par, sizeof(par), "%ld", a);
        const char *kv[] = {"body", "Crossing threads", "parent_id", par, NULL};
        post_pairs(&sam, path, kv, true, &r);
        expect_status(&r, 422, "a parent from another thread");
        expect_in(&r, "Crossing threads", "the text kept");
        resp_free(&r);
        assert_int_equal(status_of(NULL, PORCH "/999999"), 404);
        snprintf(path, sizeof(path), CIRCLE "/%ld", t);
        assert_int_equal(status_of(NULL, path), 404); /* a thread under another space's name */
}

/* More than a page of posts and of threads: pages by index, the API's next keys. */
static void test_long_threads_and_spaces_are_paged(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        long t = thread_form(&sam, PORCH, "Counting", "Post 0");
        for (int i = 1; i <= 55; i++) {
                char body[32];
                snprintf(body, sizeof(body), "Post %d here", i);
                api_reply(&sam, t, 0, body);
        }
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", t);
        json_t *j = api_ok(NULL, "GET", path, NULL, 200);
        assert_int_equal(json_array_size(json_object_get(j, "posts")), 50);
        long next = (long)json_integer_value(json_object_get(j, "next_after"));
        assert_true(next > 0);
        json_decref(j);
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts?after=%ld", t, next);
        j = api_ok(NULL, "GET", path, NULL, 200);
        assert_int_equal(json_array_size(json_object_get(j, "posts")), 6);
        assert_null(json_object_get(j, "next_after"));
        json_decref(j);
        snprintf(path, sizeof(path), PORCH "/%ld", t);
        struct http_resp r;
        get(NULL, path, &r);
        expect_in(&r, "Later posts", "the first page links on");
        expect_not_in(&r, "Post 55 here", "the last post is on the next page");
        resp_free(&r);
        snprintf(path, sizeof(path), PORCH "/%ld?after=%ld", t, next);
        page_has(NULL, path, "Post 55 here", "the second page");
        for (int i = 0; i < 20; i++) {
                char title[32];
                snprintf(title, sizeof(title), "Thread number %d", i);
                thread_form(&sam, PORCH, title, "Some words.");
        }
        get(NULL, PORCH, &r);
        expect_in(&r, "Older threads", "a full page of threads links on");
        expect_not_in(&r, "What are you reading between episodes?", "the oldest on page two");
        resp_free(&r);
        j = api_ok(NULL, "GET", "/api/v1/spaces/porch/threads", NULL, 200);
        json_t *nx = json_object_get(j, "next");
        assert_non_null(nx);
        snprintf(path, sizeof(path), "/api/v1/spaces/porch/threads?at=%lld&before=%lld",
                 (long long)json_integer_value(json_object_get(nx, "at")),
                 (long long)json_integer_value(json_object_get(nx, "before")));
        json_decref(j);
        j = api_ok(NULL, "GET", path, NULL, 200);
        assert_true(json_array_size(json_object_get(j, "threads")) >= 3);
        assert_null(json_object_get(j, "next"));
        json_decref(j);
}

/* ================================================================ editing and deleting */

static void test_members_edit_and_delete_only_their_own(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long t = thread_form(&sam, PORCH, "Old title", "Opening words.");
        long first = opening_post(t);
        long a = api_reply(&ana, t, first, "Ana's first thought.");
        long s2 = api_reply(&sam, t, a, "Sam answers Ana.");
        char path[96], tpath[64];
        snprintf(tpath, sizeof(tpath), PORCH "/%ld", t);
        /* someone else's post: 403 on the page, the form and the API */
        snprintf(path, sizeof(path), "/posts/%ld/edit", a);
        assert_int_equal(status_of(&sam, path), 403);
        const char *kv[] = {"body", "Sam was here", NULL};
        struct http_resp r;
        post_pairs(&sam, path, kv, true, &r);
        expect_status(&r, 403, "editing someone else's post");
        resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/posts/%ld", a);
        api(&sam, "PATCH", path, "{\"body\":\"Sam was here\"}", true, &r);
        expect_api_error(&r, 403, "own", "PATCH someone else's post");
        resp_free(&r);
        api(&sam, "DELETE", path, NULL, true, &r);
        expect_status(&r, 403, "DELETE someone else's post");
        resp_free(&r);
        snprintf(path, sizeof(path), "/posts/%ld/delete", a);
        post_pairs(&sam, path, NULL, true, &r);
        expect_status(&r, 403, "deleting someone else's post");
        resp_free(&r);
        page_lacks(NULL, tpath, "Sam was here", "nothing changed");
        /* their own: the opening post renames the thread; an over-long title is 422, kept */
        snprintf(path, sizeof(path), "/posts/%ld/edit", first);
        char long_title[200];
        memset(long_title, 'x', 150);
        long_title[150] = '\0';
        const char *bad[] = {"title", long_title, "body", "Opening words, revised.", NULL};
        post_pairs(&sam, path, bad, true, &r);
        expect_status(&r, 422, "an over-long title");
        expect_in(&r, "Opening words, revised.", "the text kept");
        resp_free(&r);
        const char *good[] = {"title", "New title", "body", "Opening words, revised.", NULL};
        post_pairs(&sam, path, good, true, &r);
        expect_status(&r, 303, "editing one's own opening post");
        resp_free(&r);
        page_has(NULL, tpath, "New title", "the thread renamed");
        page_has(NULL, tpath, "edited", "the post marked edited");
        snprintf(path, sizeof(path), "/api/v1/posts/%ld", a);
        json_t *j = api_ok(&ana, "PATCH", path, "{\"body\":\"Ana, on second thought.\"}", 200);
        assert_string_equal(jstr(j, "body"), "Ana, on second thought.");
        json_decref(j);
        /* ana deletes her post: sam's answer keeps it in place, without its text */
        long posts = space_count("porch", "post_count");
        j = api_ok(&ana, "DELETE", path, NULL, 200);
        json_decref(j);
        assert_int_equal(space_count("porch", "post_count"), posts - 1);
        get(NULL, tpath, &r);
        expect_in(&r, "This post was deleted.", "the deleted post keeps its place");
        expect_not_in(&r, "second thought", "without its text");
        expect_in(&r, "In reply to a post that is no longer here", "the reply says so");
        resp_free(&r);
        /* sam deletes his answer (nothing answers it): it goes; so does the deleted one now */
        snprintf(path, sizeof(path), "/posts/%ld/delete", s2);
        post_pairs(&sam, path, NULL, true, &r);
        expect_status(&r, 303, "deleting one's own post");
        resp_free(&r);
        page_lacks(NULL, tpath, "This post was deleted.", "no placeholder without replies");
        /* the opening post deleted with nothing left: the thread leaves the space */
        long threads = space_count("porch", "thread_count");
        snprintf(path, sizeof(path), "/posts/%ld/delete", first);
        post_pairs(&sam, path, NULL, true, &r);
        expect_status(&r, 303, "deleting the opening post");
        resp_free(&r);
        assert_int_equal(space_count("porch", "thread_count"), threads - 1);
        page_lacks(NULL, PORCH, "New title", "the emptied thread is gone");
        assert_int_equal(status_of(NULL, tpath), 404);
}

/* ================================================================ notifications */

static void test_replies_and_mentions_notify(void **state)
{
        (void)state;
        struct member sam, ana, june, liwei;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        login_as(&liwei, "liwei", NULL);
        int s0 = header_unread(&sam), a0 = header_unread(&ana), j0 = header_unread(&june),
            l0 = header_unread(&liwei);
        long t = thread_form(&sam, PORCH, "Night owls", "Who writes after midnight?");
        assert_int_equal(header_unread(&sam), s0); /* nobody hears of their own post */
        long a = api_reply(&ana, t, 0, "Never after ten, I teach at eight.");
        assert_int_equal(header_unread(&sam), s0 + 1); /* the thread's author */
        /* june answers ana: ana (the answered post) and sam (the thread) hear of it */
        api_reply(&june, t, a, "Midnight is my lunch break.");
        assert_int_equal(header_unread(&ana), a0 + 1);
        assert_int_equal(header_unread(&sam), s0 + 2);
        /* a mention tells liwei, once, even when written twice */
        api_reply(&ana, t, 0, "@liwei you must have an opinion on this, @LiWei.");
        assert_int_equal(header_unread(&liwei), l0 + 1);
        assert_int_equal(header_unread(&sam), s0 + 3); /* a reply in sam's thread again */
        assert_int_equal(header_unread(&june), j0);
        /* a mention in a new thread */
        thread_form(&liwei, PORCH, "早起还是晚睡？", "@june 你下夜班以后怎么安排睡觉？");
        assert_int_equal(header_unread(&june), j0 + 1);
        /* nobody is told of their own reply to their own post */
        api_reply(&sam, t, opening_post(t), "Replying to myself.");
        assert_int_equal(header_unread(&sam), s0 + 3);
}

/* ================================================================ moderation */

/* A hidden post vanishes from the thread, the counts and the API for readers; its author sees
 * it with a note. Hiding goes through the generic /hide/post/#id route of item kinds. */
static void test_hidden_posts_vanish_from_lists_and_api(void **state)
{
        (void)state;
        struct member sam, ana, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long t = thread_form(&sam, PORCH, "Secret garden", "A perfectly nice opening.");
        long bad = api_reply(&ana, t, 0, "Something rude about radishes.");
        char path[64], tpath[64];
        snprintf(tpath, sizeof(tpath), PORCH "/%ld", t);
        page_has(&june, tpath, "/hide/post/", "moderators get the Hide button");
        page_lacks(&sam, tpath, "/hide/post/", "readers do not");
        page_has(&sam, tpath, "/report/post/", "readers may report others' posts");
        long posts = space_count("porch", "post_count");
        snprintf(path, sizeof(path), "/hide/post/%ld", bad);
        const char *hide[] = {"hidden", "1", NULL};
        struct http_resp r;
        post_pairs(&june, path, hide, true, &r);
        expect_status(&r, 303, "june hides the post");
        resp_free(&r);
        assert_int_equal(space_count("porch", "post_count"), posts - 1);
        page_lacks(NULL, tpath, "rude about radishes", "hidden from guests");
        page_lacks(&sam, tpath, "rude about radishes", "hidden from readers");
        page_has(&ana, tpath, "rude about radishes", "its author still sees it");
        page_has(&ana, tpath, "Hidden by a moderator", "with a note");
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", t);
        api(&june, "GET", path, NULL, false, &r);
        expect_not_in(&r, "rude about radishes", "the API never shows hidden text");
        resp_free(&r);
        /* hiding the opening post hides the thread */
        long threads = space_count("porch", "thread_count");
        snprintf(path, sizeof(path), "/hide/post/%ld", opening_post(t));
        post_pairs(&june, path, hide, true, &r);
        expect_status(&r, 303, "june hides the opening post");
        resp_free(&r);
        assert_int_equal(space_count("porch", "thread_count"), threads - 1);
        page_lacks(NULL, PORCH, "Secret garden", "the hidden thread leaves the list");
        assert_int_equal(status_of(NULL, tpath), 404);
}

/* ================================================================ the directory */

static void test_directory_search_and_who_is_here(void **state)
{
        (void)state;
        struct member sam, newbie;
        add_member("quietone", "Reads everything, says little");
        login_as(&sam, "sam", NULL);
        int guest = status_of(NULL, "/members");
        assert_true(guest == 303 || guest == 302);
        struct http_resp r;
        get(&sam, "/members", &r);
        expect_status(&r, 200, "the directory");
        char *here = slice(r.body, "<ul class=\"member-list who-is-here\">", "</ul>");
        assert_non_null(here);
        assert_non_null(strstr(here, "Sam Reyes")); /* signed in just now */
        assert_null(strstr(here, "quietone"));      /* never signed in, never wrote */
        free(here);
        expect_in(&r, "href=\"/members\"", "the header's Members link");
        /* Everyone is listed below, a page at a time: the demo's readers (demo_insights.c) fill
         * the first pages, so follow "More members" to the newest. */
        for (int pages = 0; !strstr(r.body, "quietone"); pages++) {
                char next[128] = "";
                assert_true(pages < 10);
                if (!extract(r.body, "<p class=\"pager\"><a href=\"", "\"", next, sizeof(next)))
                        fail_resp(&r, "everyone is listed below: no quietone and no next page");
                for (char *amp; (amp = strstr(next, "&amp;"));)
                        memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
                resp_free(&r);
                get(&sam, next, &r);
        }
        resp_free(&r);
        add_member("newbie", "Gardener of small things");
        login_as(&newbie, "newbie", "a long enough password");
        page_has(&sam, "/members", "@newbie", "signing in puts a member in who is here");
        /* by name, by headline, by handle, across scripts; LIKE's wildcards are plain text */
        page_has(&sam, "/members?q=beatriz", "Ana Beatriz Costa", "by name, any case");
        page_has(&sam, "/members?q=NIGHT-SHIFT", "June Park", "by headline");
        page_has(&sam, "/members?q=%E6%9D%8E", "李伟", "by a Chinese name");
        get(&sam, "/members?q=%25", &r);
        expect_in(&r, "Nobody matches that.", "a percent sign matches only itself");
        resp_free(&r);
        page_has(&sam, "/members?q=%3Cb%3E", "Members matching “&lt;b&gt;”", "the query escaped");
        char path[256];
        /* three characters or more: anywhere, through the trigram index; shorter: the start */
        page_has(&sam, "/members?q=eatri", "Ana Beatriz Costa", "the middle of a name");
        page_has(&sam, "/members?q=%E4%B8%8A%E6%B5%B7%E5%81%9A", "李伟",
                 "the middle of a Chinese headline");
        page_has(&sam, "/members?q=%E6%9D%8E%E4%BC%9F", "李伟", "a two-character Chinese name");
        page_has(&sam, "/members?q=SA", "Sam Reyes", "the start of a handle, any case");
        get(&sam, "/members?q=am", &r);
        expect_in(&r, "Nobody matches that.", "two letters match only the start");
        resp_free(&r);
        /* FTS5's own syntax is plain text: quotes, stars, operators */
        static const char *const odd[] = {"%22",         "%22%22%22",  "a*b",
                                          "NEAR%28x%29", "x%20OR%20y", "-%5E%3A"};
        for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
                snprintf(path, sizeof(path), "/members?q=%s", odd[i]);
                get(&sam, path, &r);
                expect_status(&r, 200, "query syntax is searched as text");
                expect_in(&r, "Nobody matches that.", "nobody has these characters");
                resp_free(&r);
        }
        /* a changed name is found by its new words at once (the index's triggers) */
        const char *rename[] = {"display_name",
                                "Samwise Reyes-Okonkwo",
                                "headline",
                                "Product designer in Lisbon",
                                "bio",
                                "",
                                "email",
                                "sam@kindred.test",
                                NULL};
        post_pairs(&sam, "/settings/profile", rename, true, &r);
        expect_status(&r, 303, "renaming");
        resp_free(&r);
        page_has(&sam, "/members?q=okonkwo", "Samwise Reyes-Okonkwo", "the new name");
        strcpy(path, "/members?q=");
        memset(path + strlen(path), 'y', 81);
        path[sizeof("/members?q=") - 1 + 81] = '\0'; /* memset leaves it unterminated */
        get(&sam, path, &r);
        expect_status(&r, 422, "an over-long search");
        resp_free(&r);
        json_t *j = api_ok(&sam, "GET", "/api/v1/members?q=gardener", NULL, 200);
        json_t *list = json_object_get(j, "members");
        assert_int_equal(json_array_size(list), 2); /* tomas's headline, and newbie's */
        json_decref(j);
        api(NULL, "GET", "/api/v1/members", NULL, false, &r);
        expect_status(&r, 401, "the directory's API is for members");
        resp_free(&r);
}

/* ================================================================ limits and hostile input */

static void test_posting_is_rate_limited(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        long t = thread_form(&ana, PORCH, "Fast typist", "Go.");
        for (int i = 1; i < 6; i++)
                api_reply(&ana, t, 0, "again");
        struct http_resp r;
        char path[64], retry[16];
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", t);
        api(&ana, "POST", path, "{\"body\":\"one too many\"}", true, &r);
        expect_status(&r, 429, "the seventh post in a minute");
        header(&r, "Retry-After", retry, sizeof(retry));
        assert_true(atoi(retry) > 0);
        resp_free(&r);
        snprintf(path, sizeof(path), PORCH "/%ld", t);
        const char *kv[] = {"body", "and through the form", NULL};
        post_pairs(&ana, path, kv, true, &r);
        expect_status(&r, 429, "the form too");
        resp_free(&r);
        page_lacks(NULL, path, "one too many", "nothing was written");
}

static void test_hostile_input_is_refused_or_inert(void **state)
{
        (void)state;
        struct member sam;
        login_as(&sam, "sam", NULL);
        struct http_resp r;
        /* no CSRF token: 403, page and API */
        const char *kv[] = {"title", "No token", "body", "Nope", NULL};
        post_pairs(&sam, PORCH "/threads", kv, false, &r);
        expect_status(&r, 403, "a thread without a token");
        resp_free(&r);
        api(&sam, "POST", "/api/v1/spaces/porch/threads", "{\"title\":\"x\",\"body\":\"y\"}", false,
            &r);
        expect_status(&r, 403, "an API thread without a token");
        resp_free(&r);
        /* markup stays text */
        long t = thread_form(&sam, PORCH, "<script>alert(1)</script>",
                             "<img src=x onerror=alert(1)> [click](javascript:alert(1))");
        char path[64];
        snprintf(path, sizeof(path), PORCH "/%ld", t);
        get(NULL, path, &r);
        expect_not_in(&r, "<script>alert", "the title is escaped");
        expect_in(&r, "&lt;script&gt;alert(1)&lt;/script&gt;", "and shown as text");
        expect_not_in(&r, "<img src=x", "raw HTML is text");
        expect_not_in(&r, "href=\"javascript:", "no javascript: link");
        resp_free(&r);
        get(NULL, PORCH, &r);
        expect_not_in(&r, "<script>alert", "escaped in the list too");
        resp_free(&r);
        /* empty, over-long, two-line titles and bodies: 422 with the text kept */
        const char *empty[] = {"title", "A title", "body", "   ", NULL};
        post_pairs(&sam, PORCH "/threads", empty, true, &r);
        expect_status(&r, 422, "an empty post");
        expect_in(&r, "Write something first.", "the body's problem");
        expect_in(&r, "value=\"A title\"", "the title kept");
        resp_free(&r);
        const char *two_lines[] = {"title", "One\nTwo", "body", "Body", NULL};
        post_pairs(&sam, PORCH "/threads", two_lines, true, &r);
        expect_status(&r, 422, "a two-line title");
        resp_free(&r);
        static char big[5100 * 3 + 1];
        size_t n = 0;
        for (int i = 0; i < 5001; i++) { /* 5,001 CJK characters: one over the limit */
                memcpy(big + n, "字", 3);
                n += 3;
        }
        big[n] = '\0';
        const char *longer[] = {"body", big, NULL};
        post_pairs(&sam, path, longer, true, &r);
        expect_status(&r, 422, "an over-long reply");
        expect_in(&r, "up to 5,000 characters", "the limit named");
        expect_in(&r, "字字字字字字字字", "the text kept");
        resp_free(&r);
        big[n - 3] = '\0'; /* exactly 5,000 */
        struct member ana; /* sam has used his posts of this minute */
        login_as(&ana, "ana", NULL);
        reply_form(&ana, PORCH, t, 0, big);
        api(&ana, "POST", "/api/v1/spaces/porch/threads", "{\"title\":\"\",\"body\":\"x\"}", true,
            &r);
        expect_api_error(&r, 422, "title", "an API thread without a title");
        resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", t);
        api(&ana, "POST", path, "{\"body\":\"x\",\"parent_id\":999999}", true, &r);
        expect_api_error(&r, 422, "parent_id", "an unknown parent");
        resp_free(&r);
        api(&ana, "POST", "/api/v1/threads/999999/posts", "{\"body\":\"x\"}", true, &r);
        expect_status(&r, 404, "an unknown thread");
        resp_free(&r);
        assert_int_equal(status_of(NULL, "/spaces/no-such-space"), 404);
        assert_int_equal(status_of(NULL, "/spaces/Not_A_Slug"), 404);
        assert_int_equal(status_of(NULL, PORCH "/0"), 404);
}

/* Text at its limits shows whole: a 140-character title of CJK, emoji and combining accents, a
 * 5,000-character post of emoji (four bytes each), in the list, the thread and the API. */
static void test_longest_texts_show_whole(void **state)
{
        (void)state;
        struct member liwei;
        login_as(&liwei, "liwei", NULL);
        static char title[140 * 4 + 1], body[5000 * 4 + 1];
        size_t n = 0;
        for (int i = 0; i < 35; i++) { /* 字, 🌱, e and a combining acute: 4 code points */
                static const char piece[] = "字\xF0\x9F\x8C\xB1"
                                            "e\xCC\x81";
                memcpy(title + n, piece, sizeof(piece) - 1);
                n += sizeof(piece) - 1;
        }
        title[n] = '\0';
        for (int i = 0; i < 5000; i++)
                memcpy(body + 4 * i, "\xF0\x9F\x8C\xB1", 4);
        body[5000 * 4] = '\0';
        long t = thread_form(&liwei, PORCH, title, body);
        char path[64];
        snprintf(path, sizeof(path), PORCH "/%ld", t);
        struct http_resp r;
        get(NULL, path, &r);
        expect_status(&r, 200, "the thread");
        expect_in(&r, title, "the whole title");
        expect_in(&r, body, "the whole post");
        resp_free(&r);
        page_has(NULL, PORCH, title, "the whole title in the list");
        snprintf(path, sizeof(path), "/api/v1/threads/%ld/posts", t);
        json_t *j = api_ok(NULL, "GET", path, NULL, 200);
        assert_string_equal(jstr(json_object_get(j, "thread"), "title"), title);
        assert_string_equal(jstr(json_array_get(json_object_get(j, "posts"), 0), "body"), body);
        json_decref(j);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, start, kd_fixture_stop)
        const struct CMUnitTest tests[] = {
            T(test_guest_reads_the_demo_spaces),
            T(test_only_moderators_and_admins_create_spaces),
            T(test_followers_spaces_take_followers_and_authors),
            T(test_threads_replies_counts_and_quoted_parents),
            cmocka_unit_test_setup_teardown(test_long_threads_and_spaces_are_paged,
                                            start_without_write_limits, kd_fixture_stop),
            T(test_members_edit_and_delete_only_their_own),
            T(test_replies_and_mentions_notify),
            T(test_hidden_posts_vanish_from_lists_and_api),
            T(test_directory_search_and_who_is_here),
            T(test_posting_is_rate_limited),
            T(test_hostile_input_is_refused_or_inert),
            T(test_longest_texts_show_whole),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
