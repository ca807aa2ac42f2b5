/* Black-box tests of a member's first day and of their notifications (docs/welcome.md): the
 * welcome page a confirmed sign-up lands on (newsletters with their descriptions, the headline,
 * a first step into the conversation) and its form; notification kinds a member turns off
 * (page, API, and that nothing of the kind is made); opening a notification (read, and the
 * comment's address); and the conversation's polish: compact reactions, the page that asks
 * before a comment is deleted without JavaScript, @mentions linked to profiles. */
#include "session.h"
#include "mailbox.h"
#include "core/limits.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NL      "learning-in-public"
#define GARDEN  "fourth-floor-garden"
#define EP_PATH "/n/" NL "/two-languages-one-team"

static int start(void **state)
{
        (void)state;
        return kd_start(&srv, NULL);
}

static long newsletter_id(const char *slug)
{
        char q[160];
        snprintf(q, sizeof(q), "SELECT id FROM newsletter WHERE slug = '%s'", slug);
        return (long)db_int(q);
}

static long long follows(const char *handle, const char *slug)
{
        char q[320];
        snprintf(q, sizeof(q),
                 "SELECT count(*) FROM follow f JOIN member m ON m.id = f.member_id JOIN "
                 "newsletter n ON n.id = f.newsletter_id WHERE m.handle = '%s' AND n.slug = '%s'",
                 handle, slug);
        return db_int(q);
}

/* ---------------------------------------------------------------- the welcome page */

static void a_confirmed_sign_up_lands_on_the_welcome_page(void **state)
{
        (void)state;
        struct member m = {0};
        struct http_resp r;
        get(&m, "/signup?next=/n/" GARDEN, &r);
        expect_status(&r, 200, "the sign-up form");
        jar_update(&m.jar, &r);
        char csrf[128], body[1024] = "";
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "handle", "newcomer");
        form_append(body, sizeof(body), "display_name", "Nadia Newcomer");
        form_append(body, sizeof(body), "email", "newcomer@kindred.test");
        form_append(body, sizeof(body), "password", DEMO_PW);
        form_append(body, sizeof(body), "next", "/n/" GARDEN);
        post_form(&m, "/signup", body, &r);
        expect_in(&r, "Check your inbox", "the sign-up is mailed");
        jar_update(&m.jar, &r);
        resp_free(&r);

        /* the link's button: the account is made and the member lands on the welcome page,
         * which leads on to where they were going */
        char token[128], path[256];
        assert_true(mailbox_token("newcomer@kindred.test", "signup", "/signup/confirm", token,
                                  sizeof(token)));
        snprintf(path, sizeof(path), "/signup/confirm?token=%s", token);
        get(&m, path, &r);
        jar_update(&m.jar, &r);
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);
        body[0] = '\0';
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "token", token);
        post_form(&m, "/signup/confirm", body, &r);
        expect_status(&r, 303, "the account is made");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/welcome?next=%2Fn%2F" GARDEN);
        jar_update(&m.jar, &r);
        resp_free(&r);

        get(&m, loc, &r);
        expect_status(&r, 200, "the welcome page");
        expect_in(&r, "<h1>Welcome, Nadia Newcomer!</h1>", "it says Welcome, by name");
        expect_not_in(&r, "Welcome back", "not Welcome back: this is the first visit");
        expect_in(&r, "<meta name=\"robots\" content=\"noindex", "a member's own page");
        /* step 1: every newsletter with its description, none ticked yet */
        expect_in(&r, "<strong>Learning in Public</strong>", "a newsletter");
        expect_in(&r, "<strong>Fourth-Floor Garden</strong>", "the other");
        expect_in(&r, "Six square metres of balcony", "its description");
        expect_in(&r, "aria-describedby=\"wfd-", "the description describes the box");
        expect_not_in(&r, " checked", "a new member follows nothing");
        /* step 2: the headline; step 3: into the conversation */
        expect_in(&r, "name=\"headline\"", "the headline field");
        expect_in(&r, "#comments\">Go to the conversation</a>", "the newest episode's comments");
        expect_in(&r, "href=\"/spaces\"", "the spaces");
        expect_in(&r, "<a href=\"/n/" GARDEN "\">Continue to the page you came from",
                  "and on to where they were going");
        expect_in(&r, "href=\"/settings/notifications\"", "the notification settings");
        resp_free(&r);

        /* the home page greets members who come back; the welcome is for the first day */
        get(&m, "/", &r);
        expect_in(&r, "Welcome back, Nadia Newcomer.", "the home page");
        resp_free(&r);
        /* a next that leaves the site is not offered */
        get(&m, "/welcome?next=https://evil.example/", &r);
        expect_status(&r, 200, "the welcome page");
        expect_not_in(&r, "Continue to the page you came from", "an outside address is dropped");
        expect_not_in(&r, "name=\"next\" value=\"https:", "and not carried in the form");
        resp_free(&r);
        get(NULL, "/welcome", &r);
        expect_status(&r, 303, "a guest is sent to log in");
        resp_free(&r);
}

static void the_welcome_form_follows_and_saves_the_headline(void **state)
{
        (void)state;
        struct member m;
        signup_as(&m, "firstday");
        long learning = newsletter_id(NL), garden = newsletter_id(GARDEN);
        char l[24], g[24];
        snprintf(l, sizeof(l), "%ld", learning);
        snprintf(g, sizeof(g), "%ld", garden);
        struct http_resp r;
        get(&m, "/welcome", &r);
        /* the demo's newsletters in id order: the garden (1) first */
        char want[160];
        snprintf(want, sizeof(want), "name=\"shown_0\" value=\"%s\"", garden < learning ? g : l);
        expect_in(&r, want, "each box says which newsletter it was shown for");
        resp_free(&r);
        const char *first = garden < learning ? g : l, *second = garden < learning ? l : g;
        const char *first_slug = garden < learning ? GARDEN : NL;
        const char *second_slug = garden < learning ? NL : GARDEN;

        /* without the token: refused */
        const char *follow_second[] = {"shown_0",  first,  "shown_1",  second,
                                       "follow_1", second, "headline", "Gardener in Porto",
                                       NULL};
        post_pairs(&m, "/welcome", follow_second, false, &r);
        expect_status(&r, 403, "no CSRF token");
        resp_free(&r);
        assert_int_equal(follows("firstday", second_slug), 0);

        post_pairs(&m, "/welcome", follow_second, true, &r);
        expect_status(&r, 303, "saved");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        assert_string_equal(loc, "/welcome?saved=1#welcome-talk");
        resp_free(&r);
        assert_int_equal(follows("firstday", second_slug), 1);
        assert_int_equal(follows("firstday", first_slug), 0);
        char headline[128];
        db_text("SELECT headline FROM member WHERE handle = 'firstday'", headline,
                sizeof(headline));
        assert_string_equal(headline, "Gardener in Porto");
        get(&m, "/welcome?saved=1", &r);
        expect_in(&r, "Saved. Welcome aboard.", "the notice");
        snprintf(want, sizeof(want), "value=\"%s\" checked", second);
        expect_in(&r, want, "the followed newsletter is ticked");
        expect_in(&r, "value=\"Gardener in Porto\"", "the headline is kept");
        resp_free(&r);
        /* the follow counts like one made on the newsletter's page: its page says so */
        get(&m, garden < learning ? "/n/" NL : "/n/" GARDEN, &r);
        expect_in(&r, "name=\"follow\" value=\"0\"", "the newsletter page offers to unfollow");
        resp_free(&r);

        /* a box shown for one newsletter cannot follow another */
        const char *forged[] = {"shown_0", first, "follow_0", second, "headline", "", NULL};
        post_pairs(&m, "/welcome", forged, true, &r);
        expect_status(&r, 303, "saved");
        resp_free(&r);
        assert_int_equal(follows("firstday", first_slug), 0);
        /* a box not shown changes nothing: the second stays followed although not sent */
        assert_int_equal(follows("firstday", second_slug), 1);
        db_text("SELECT headline FROM member WHERE handle = 'firstday'", headline,
                sizeof(headline));
        assert_string_equal(headline, ""); /* emptied on purpose */

        /* unticking a box shown unfollows */
        const char *unfollow[] = {"shown_1", second, "headline", "Back again", NULL};
        post_pairs(&m, "/welcome", unfollow, true, &r);
        expect_status(&r, 303, "saved");
        resp_free(&r);
        assert_int_equal(follows("firstday", second_slug), 0);

        /* a headline over the limit: the page again, 422, with what was ticked; nothing saved */
        char longline[200];
        memset(longline, 'x', 121);
        longline[121] = '\0';
        const char *too_long[] = {"shown_0", first, "follow_0", first, "headline", longline, NULL};
        post_pairs(&m, "/welcome", too_long, true, &r);
        expect_status(&r, 422, "a headline too long");
        expect_in(&r, "Please check the highlighted field.", "says so");
        snprintf(want, sizeof(want), "value=\"%s\" checked", first);
        expect_in(&r, want, "keeps what was ticked");
        expect_in(&r, longline, "keeps the text");
        resp_free(&r);
        assert_int_equal(follows("firstday", first_slug), 0);
        db_text("SELECT headline FROM member WHERE handle = 'firstday'", headline,
                sizeof(headline));
        assert_string_equal(headline, "Back again");
}

/* ---------------------------------------------------------------- notifications */

static long long unread(const char *handle, const char *kind)
{
        char q[256];
        snprintf(q, sizeof(q),
                 "SELECT count(*) FROM notification n JOIN member m ON m.id = n.member_id WHERE "
                 "m.handle = '%s' AND n.kind = '%s' AND n.read_at IS NULL",
                 handle, kind);
        return db_int(q);
}

static long long made(const char *handle, const char *kind)
{
        char q[256];
        snprintf(q, sizeof(q),
                 "SELECT count(*) FROM notification n JOIN member m ON m.id = n.member_id WHERE "
                 "m.handle = '%s' AND n.kind = '%s'",
                 handle, kind);
        return db_int(q);
}

static void a_kind_turned_off_is_neither_made_nor_shown(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        struct http_resp r;
        get(&sam, "/settings/notifications", &r);
        expect_status(&r, 200, "the page");
        expect_in(&r, "name=\"replies\" checked", "every kind is on at first");
        expect_in(&r, "name=\"decisions\" checked", "every kind is on at first");
        expect_in(&r, "here only: never mailed", "says which kinds are never mailed");
        resp_free(&r);
        get(&sam, "/notifications", &r);
        expect_in(&r, "href=\"/settings/notifications\"", "the list links the setting");
        resp_free(&r);

        long mine = post_comment(&sam, EP_PATH, "A thought to reply to.", 0);
        /* without the token: refused */
        const char *all_but_replies[] = {"mentions", "1", "reactions", "1", "episodes",  "1",
                                         "buildons", "1", "answers",   "1", "decisions", "1",
                                         NULL};
        post_pairs(&sam, "/settings/notifications", all_but_replies, false, &r);
        expect_status(&r, 403, "no CSRF token");
        resp_free(&r);
        /* a reply waiting unread stops counting once its kind is turned off */
        long long waiting = unread("sam", "reply");
        post_comment(&ana, EP_PATH, "A first reply.", mine);
        assert_int_equal(unread("sam", "reply"), waiting + 1);
        post_pairs(&sam, "/settings/notifications", all_but_replies, true, &r);
        expect_status(&r, 303, "saved");
        resp_free(&r);
        assert_int_equal(unread("sam", "reply"), 0);
        assert_int_equal(db_int("SELECT count(*) FROM notification_mute nm JOIN member m ON "
                                "m.id = nm.member_id WHERE m.handle = 'sam'"),
                         2); /* replies in comments and in spaces */
        get(&sam, "/settings/notifications?saved=1", &r);
        expect_in(&r, "Your notification settings are saved.", "the notice");
        expect_not_in(&r, "name=\"replies\" checked", "replies are off");
        expect_in(&r, "name=\"mentions\" checked", "mentions are on");
        resp_free(&r);

        /* a reply makes nothing now; a mention in it still does */
        long long replies = made("sam", "reply"), mentions = made("sam", "mention");
        post_comment(&ana, EP_PATH, "Another reply, @sam, with a mention.", mine);
        assert_int_equal(made("sam", "reply"), replies);
        assert_int_equal(made("sam", "mention"), mentions + 1);

        /* the API reads and changes the same switches; a kind left out keeps its setting */
        api(&sam, "GET", "/api/v1/me/notification-preferences", NULL, false, &r);
        expect_status(&r, 200, "the API");
        json_t *j = json_of(&r);
        resp_free(&r);
        json_t *kinds = json_object_get(j, "kinds");
        assert_true(json_is_false(json_object_get(kinds, "replies")));
        assert_true(json_is_true(json_object_get(kinds, "mentions")));
        assert_true(json_is_array(json_object_get(j, "mailed")));
        json_decref(j);
        api(&sam, "PUT", "/api/v1/me/notification-preferences", "{\"replies\": true}", false, &r);
        expect_status(&r, 403, "the API wants the token");
        resp_free(&r);
        api(&sam, "PUT", "/api/v1/me/notification-preferences",
            "{\"replies\": true, \"reactions\": false}", true, &r);
        expect_status(&r, 200, "saved");
        j = json_of(&r);
        resp_free(&r);
        kinds = json_object_get(j, "kinds");
        assert_true(json_is_true(json_object_get(kinds, "replies")));
        assert_true(json_is_false(json_object_get(kinds, "reactions")));
        assert_true(json_is_true(json_object_get(kinds, "episodes")));
        json_decref(j);
        post_comment(&ana, EP_PATH, "A reply after replies came back on.", mine);
        assert_int_equal(made("sam", "reply"), replies + 1);

        /* reactions off: ana's reaction to sam's comment makes nothing */
        long long reactions = made("sam", "reaction");
        char id[32];
        snprintf(id, sizeof(id), "%ld", mine);
        const char *react[] = {"target", "comment", "id", id, "react", "curious:1", NULL};
        post_pairs(&ana, "/react", react, true, &r);
        expect_status(&r, 303, "reacted");
        resp_free(&r);
        assert_int_equal(made("sam", "reaction"), reactions);

        /* everything back on for the tests after this one */
        const char *all[] = {"replies",  "1", "mentions", "1", "reactions", "1", "episodes", "1",
                             "buildons", "1", "answers",  "1", "decisions", "1", NULL};
        post_pairs(&sam, "/settings/notifications", all, true, &r);
        expect_status(&r, 303, "saved");
        resp_free(&r);
        assert_int_equal(db_int("SELECT count(*) FROM notification_mute nm JOIN member m ON "
                                "m.id = nm.member_id WHERE m.handle = 'sam'"),
                         0);
}

static void opening_a_notification_marks_it_read_and_leads_to_the_comment(void **state)
{
        (void)state;
        struct member sam, ana, june;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        login_as(&june, "june", NULL);
        long mine = post_comment(&sam, EP_PATH, "Tell me if this works for you.", 0);
        long reply = post_comment(&ana, EP_PATH, "It worked for our team.", mine);
        char q[256];
        snprintf(q, sizeof(q),
                 "SELECT n.id FROM notification n JOIN member m ON m.id = n.member_id WHERE "
                 "m.handle = 'sam' AND n.kind = 'reply' AND n.comment_id = %ld",
                 reply);
        long note = (long)db_int(q);
        assert_true(note > 0);
        char path[64], want[160];
        snprintf(path, sizeof(path), "/notifications/%ld", note);
        struct http_resp r;
        get(&sam, "/notifications", &r);
        snprintf(want, sizeof(want), "<li class=\"unread\"><a href=\"%s\">", path);
        expect_in(&r, want, "the notification links through its opener");
        resp_free(&r);

        /* someone else's: 404, and it stays unread */
        assert_int_equal(status_of(&june, path), 404);
        assert_int_equal(status_of(NULL, path), 303); /* a guest is sent to log in */
        snprintf(q, sizeof(q), "SELECT read_at IS NULL FROM notification WHERE id = %ld", note);
        assert_int_equal(db_int(q), 1);

        get(&sam, path, &r);
        expect_status(&r, 303, "opening it");
        char loc[256];
        header(&r, "Location", loc, sizeof(loc));
        snprintf(want, sizeof(want), EP_PATH "#c-%ld", reply);
        assert_string_equal(loc, want);
        resp_free(&r);
        assert_int_equal(db_int(q), 0);
        /* the target is on the page under that fragment (the stylesheet highlights it) */
        get(&sam, EP_PATH, &r);
        snprintf(want, sizeof(want), "<article class=\"comment\" id=\"c-%ld\">", reply);
        expect_in(&r, want, "the comment the fragment names");
        resp_free(&r);
        get(&sam, "/notifications", &r);
        snprintf(want, sizeof(want), "<li class=\"read\"><a href=\"%s\">", path);
        expect_in(&r, want, "read now");
        resp_free(&r);
        /* opening it again still leads there */
        get(&sam, path, &r);
        expect_status(&r, 303, "opening it again");
        resp_free(&r);
        assert_int_equal(status_of(&sam, "/notifications/999999999"), 404);
}

/* ---------------------------------------------------------------- conversation polish */

static void reactions_stay_compact_until_used(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long id = post_comment(&sam, EP_PATH, "Nobody has reacted to this yet.", 0);
        struct http_resp r;
        char want[128], value[96];
        get(&ana, EP_PATH, &r);
        snprintf(want, sizeof(want), "<article class=\"comment\" id=\"c-%ld\">", id);
        char *art = slice(r.body, want, "<div class=\"comment-actions\">");
        if (!art)
                fail_resp(&r, "the comment and its reactions");
        /* no buttons in view: the six wait behind "React", a link to the page that has them
         * (the script opens a picker in place) */
        snprintf(value, sizeof(value),
                 "<a class=\"react-more\" href=\"/reactions?target=comment&amp;id=%ld\">React</a>",
                 id);
        assert_non_null(strstr(art, value));
        assert_int_equal(count(art, "name=\"react\""), 0);
        free(art);
        /* the episode's own group still shows all six (the script's picker copies them: no
         * template of the kinds on an episode's page), and the page has its one action form */
        char *ep = slice(r.body, "<div class=\"reactions\" data-target=\"episode\"", "</div>");
        assert_non_null(ep);
        assert_null(strstr(ep, "react-more"));
        assert_int_equal(count(ep, "name=\"react\""), 6);
        free(ep);
        assert_int_equal(count(r.body, "<form id=\"kd-act\""), 1);
        assert_null(strstr(r.body, "<template id=\"kd-kinds\">"));
        resp_free(&r);
        /* the page behind "React" has all six for the member */
        snprintf(value, sizeof(value), "/reactions?target=comment&id=%ld", id);
        get(&ana, value, &r);
        expect_status(&r, 200, "the React page");
        assert_int_equal(count(r.body, "form=\"kd-act\" name=\"react\""), 6);
        resp_free(&r);

        /* once used, the kind stands in view, pressed for its reactor, with its count */
        char ids[32];
        snprintf(ids, sizeof(ids), "%ld", id);
        const char *react[] = {"target", "comment", "id", ids, "react", "insightful:1", NULL};
        post_pairs(&ana, "/react", react, true, &r);
        expect_status(&r, 303, "reacted without JavaScript");
        resp_free(&r);
        get(&ana, EP_PATH, &r);
        art = slice(r.body, want, "<div class=\"comment-actions\">");
        resp_free(&r);
        assert_non_null(art);
        snprintf(value, sizeof(value), "value=\"comment:%ld:insightful:0\" aria-pressed=\"true\"",
                 id);
        char *used = strstr(art, value);
        assert_non_null(used);
        assert_true(used < strstr(art, "class=\"react-more\""));
        assert_int_equal(count(art, "name=\"react\""), 1);
        free(art);
        /* another member sees it in view too, not pressed */
        get(&sam, EP_PATH, &r);
        art = slice(r.body, want, "<div class=\"comment-actions\">");
        resp_free(&r);
        assert_non_null(art);
        snprintf(value, sizeof(value), "value=\"comment:%ld:insightful:1\" aria-pressed=\"false\"",
                 id);
        used = strstr(art, value);
        assert_non_null(used);
        assert_true(used < strstr(art, "class=\"react-more\""));
        assert_non_null(strstr(art, "<span class=\"count\">1</span>"));
        free(art);
}

static void deleting_a_comment_without_javascript_asks_first(void **state)
{
        (void)state;
        struct member sam, ana;
        login_as(&sam, "sam", NULL);
        login_as(&ana, "ana", NULL);
        long id = post_comment(&sam, EP_PATH, "A comment I will *think better* of.", 0);
        char del[64], want[128];
        snprintf(del, sizeof(del), "/comments/%ld/delete", id);
        struct http_resp r;
        get(&sam, EP_PATH, &r);
        snprintf(want, sizeof(want), "action=\"%s\" data-confirmed-field=\"confirmed\"", del);
        expect_in(&r, want, "the form the script confirms");
        resp_free(&r);

        post_pairs(&sam, del, NULL, true, &r);
        expect_status(&r, 200, "the page that asks");
        expect_in(&r, "<h1>Delete this comment?</h1>", "the question");
        expect_in(&r, "<em>think better</em>", "the comment, as it reads");
        expect_in(&r, "name=\"confirmed\" value=\"1\"", "the button that deletes");
        snprintf(want, sizeof(want), "href=\"" EP_PATH "#c-%ld\">Cancel, keep it", id);
        expect_in(&r, want, "a way back to it");
        resp_free(&r);
        char q[128];
        snprintf(q, sizeof(q), "SELECT state FROM comment WHERE id = %ld", id);
        char state_now[32];
        db_text(q, state_now, sizeof(state_now));
        assert_string_equal(state_now, "visible");

        /* someone else cannot even be asked */
        const char *yes[] = {"confirmed", "1", NULL};
        post_pairs(&ana, del, yes, true, &r);
        expect_status(&r, 403, "another member's comment");
        resp_free(&r);
        post_pairs(&sam, del, yes, true, &r);
        expect_status(&r, 303, "deleted once confirmed");
        resp_free(&r);
        db_text(q, state_now, sizeof(state_now));
        assert_string_equal(state_now, "deleted");
}

static void mentions_in_comments_link_to_the_profile(void **state)
{
        (void)state;
        struct member ana;
        login_as(&ana, "ana", NULL);
        long id = post_comment(&ana, EP_PATH,
                               "Thanks @Sam and @liwei; write to ana@example.org, not `@code`.", 0);
        struct http_resp r;
        get(NULL, EP_PATH, &r);
        char want[128];
        snprintf(want, sizeof(want), "<article class=\"comment\" id=\"c-%ld\">", id);
        char *art = slice(r.body, want, "</article>");
        if (!art)
                fail_resp(&r, "the comment");
        resp_free(&r);
        assert_non_null(strstr(art, "<a class=\"mention\" href=\"/@sam\">@Sam</a>"));
        assert_non_null(strstr(art, "<a class=\"mention\" href=\"/@liwei\">@liwei</a>"));
        assert_null(strstr(art, "href=\"/@example"));
        assert_non_null(strstr(art, "<code>@code</code>"));
        assert_int_equal(count(art, "class=\"mention\""), 2);
        free(art);
        assert_int_equal(status_of(NULL, "/@sam"), 200);
}

/* Settings are single-row writes, but a script must not be able to hammer them: the time zone,
 * the notification kinds (page and API) and removing a picture count against the member's edit
 * limit (KD_EDITS_PER_MEMBER_PER_MINUTE), and the 429 comes as a page or as JSON. Another member
 * is not held back. */
static void settings_writes_share_the_edit_limit(void **state)
{
        (void)state;
        struct member ana, sam;
        login_as(&ana, "ana", NULL);
        login_as(&sam, "sam", NULL);
        const char *const lisbon[] = {"zone", "Europe/Lisbon", NULL};
        const char *const kinds[] = {"replies", "1", "mentions", "1", NULL};
        struct http_resp r;
        for (int i = 0; i < KD_EDITS_PER_MEMBER_PER_MINUTE; i++) {
                switch (i % 3) {
                case 0:
                        post_pairs(&ana, "/settings/time-zone", lisbon, true, &r);
                        break;
                case 1:
                        post_pairs(&ana, "/settings/notifications", kinds, true, &r);
                        break;
                default:
                        post_pairs(&ana, "/settings/avatar/remove", NULL, true, &r);
                }
                expect_status(&r, 303, "a settings write within the limit");
                resp_free(&r);
        }
        post_pairs(&ana, "/settings/time-zone", lisbon, true, &r);
        expect_status(&r, 429, "one time zone too many");
        char wait[16];
        header(&r, "Retry-After", wait, sizeof(wait));
        assert_true(atoi(wait) > 0);
        resp_free(&r);
        api(&ana, "PUT", "/api/v1/me/notification-preferences", "{\"replies\": false}", true, &r);
        expect_api_error(&r, 429, "", "the API, over the same limit");
        resp_free(&r);
        post_pairs(&sam, "/settings/time-zone", lisbon, true, &r);
        expect_status(&r, 303, "another member's setting");
        resp_free(&r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(a_confirmed_sign_up_lands_on_the_welcome_page),
            cmocka_unit_test(the_welcome_form_follows_and_saves_the_headline),
            cmocka_unit_test(a_kind_turned_off_is_neither_made_nor_shown),
            cmocka_unit_test(opening_a_notification_marks_it_read_and_leads_to_the_comment),
            cmocka_unit_test(reactions_stay_compact_until_used),
            cmocka_unit_test(deleting_a_comment_without_javascript_asks_first),
            cmocka_unit_test(mentions_in_comments_link_to_the_profile),
        };
        const struct CMUnitTest limits[] = {
            cmocka_unit_test(settings_writes_share_the_edit_limit),
        };
        /* a site of its own: the limit's window must not hold the other tests' writes */
        int failed = cmocka_run_group_tests_name("welcome", tests, start, kd_fixture_stop);
        return failed +
               cmocka_run_group_tests_name("settings limits", limits, start, kd_fixture_stop);
}
