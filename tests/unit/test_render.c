/* Unit tests for the render context: real fragments rendered with no HTTP request in sight, as
 * an email or a feed would render them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "http/request.h"
#include "model/episode.h"
#include "model/notification.h"
#include "model/season.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/notifications.h"
#include "web/render.h"

#include <string.h>

enum { NOW = 1780000000 }; /* a fixed "now": Thursday, 28 May 2026 */

struct fixture {
        struct arena *arena;
        struct buf out;
        struct config config;
        struct render r;
};

static int setup(void **state)
{
        struct fixture *f = test_calloc(1, sizeof(*f));
        f->arena = arena_new();
        f->config.site_name = "Kindred <Test>";
        f->config.listen = "127.0.0.1:8080";
        f->config.base_url = "https://letters.example.org/";
        render_init(&f->r, f->arena, &f->out, NULL, NULL, NOW, NULL, &f->config);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        buf_free(&f->out);
        arena_free(f->arena);
        test_free(f);
        return 0;
}

static const char *out(struct fixture *f)
{
        return f->out.data ? f->out.data : "";
}

static void assert_has(const char *haystack, const char *needle)
{
        if (!strstr(haystack, needle))
                fail_msg("missing \"%s\" in:\n%s", needle, haystack);
}

static void assert_lacks(const char *haystack, const char *needle)
{
        if (strstr(haystack, needle))
                fail_msg("unexpected \"%s\" in:\n%s", needle, haystack);
}

static struct episode sample_episode(void)
{
        struct episode e = {
            .id = 7,
            .newsletter_slug = "learning",
            .newsletter_title = "Learning <in> Public",
            .season_number = 2,
            .number = 3,
            .author_handle = "mira",
            .author_name = "Mira \"M\" <b>Okafor</b>",
            .slug = "notes & drafts",
            .title = "<script>alert(1)</script> & more",
            .subtitle = "",
            .excerpt = "An excerpt with <tags>",
            .reading_minutes = 4,
            .cover_url = "/media/abc.png",
            .status = EPISODE_PUBLISHED,
            .publish_at = NOW - 3 * 86400,
            .comment_count = 2,
        };
        return e;
}

/* ---- construction ---------------------------------------------------------------------------- */

static void test_init_defaults(void **state)
{
        struct fixture *f = *state;
        assert_ptr_equal(f->r.locale, i18n_default());
        assert_string_equal(f->r.base_url, "https://letters.example.org"); /* no trailing slash */
        assert_non_null(f->r.viewer);
        assert_false(render_signed_in(&f->r));
        assert_null(f->r.csrf_token);
        assert_null(f->r.req);
        assert_int_equal(f->r.now, NOW);

        struct config no_base = f->config;
        no_base.base_url = NULL;
        struct render r2;
        render_init(&r2, f->arena, &f->out, NULL, NULL, NOW, NULL, &no_base);
        assert_string_equal(r2.base_url, "http://127.0.0.1:8080");
        render_init(&r2, f->arena, &f->out, NULL, "https://mail.example", NOW, NULL, &no_base);
        assert_string_equal(r2.base_url, "https://mail.example");
}

/* ---- a real fragment: the episode card ----------------------------------------------------- */

static void test_episode_card_without_request(void **state)
{
        struct fixture *f = *state;
        struct episode e = sample_episode();
        card_episode(&f->r, &e, CARD_NEWSLETTER | CARD_EXCERPT | CARD_AUTHOR | CARD_COVER);
        const char *html = out(f);
        /* user text escaped everywhere */
        assert_has(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
        assert_lacks(html, "<script>");
        assert_has(html, "Mira &quot;M&quot; &lt;b&gt;Okafor&lt;/b&gt;");
        assert_has(html, "Learning &lt;in&gt; Public");
        assert_has(html, "An excerpt with &lt;tags&gt;");
        /* the path is URL-escaped */
        assert_has(html, "href=\"/n/learning/notes%20%26%20drafts\"");
        /* translated through r->locale, relative to r->now */
        assert_has(html, "Season 2 · Episode 3");
        assert_has(html, "3 days ago");
        assert_has(html, "4 min read");
        assert_has(html, "2 comments");
}

static void test_now_comes_from_the_context(void **state)
{
        struct fixture *f = *state;
        struct episode e = sample_episode();
        f->r.now = NOW - 4 * 86400; /* the same episode seen a day before it went out */
        card_episode(&f->r, &e, 0);
        assert_has(out(f), ">Scheduled<");
        assert_lacks(out(f), "days ago");
}

/* ---- the page head: absolute URLs from base_url ---------------------------------------------- */

static void test_page_head_absolute_urls(void **state)
{
        struct fixture *f = *state;
        struct page_meta meta = {
            .title = "Notes <&> drafts",
            .canonical = "/n/learning/notes",
            .image = "/media/abc.png",
            .image_alt = "A \"garden\"",
            .type = "article",
        };
        struct page_chrome chrome = {0};
        page_head(&f->r, &meta, &chrome);
        const char *html = out(f);
        assert_has(html, "<html lang=\"");
        assert_has(html, i18n_tag(f->r.locale));
        assert_has(html, "<title>Notes &lt;&amp;&gt; drafts · Kindred &lt;Test&gt;</title>");
        assert_has(
            html, "<link rel=\"canonical\" href=\"https://letters.example.org/n/learning/notes\">");
        assert_has(html, "content=\"https://letters.example.org/media/abc.png\"");
        assert_has(html, "href=\"https://letters.example.org/feed.atom\"");
        assert_has(html, "content=\"A &quot;garden&quot;\"");
        /* a guest's menu, and no form: this context has no CSRF token */
        assert_has(html, ">Log in<");
        assert_lacks(html, "_csrf");
        /* without assets, stylesheet links carry no hash */
        assert_has(html, "href=\"/static/kindred.css\"");
        assert_int_equal(page_end(&f->r, 200), 200);
        assert_has(out(f), "</html>\n");
}

static void test_page_head_member_menu(void **state)
{
        struct fixture *f = *state;
        struct viewer mira = {
            .id = 5, .handle = "mira", .display_name = "Mira <3", .role = ROLE_AUTHOR};
        struct render r;
        render_init(&r, f->arena, &f->out, NULL, NULL, NOW, &mira, &f->config);
        r.csrf_token = "token-123"; /* a caller with a form context sets it */
        struct page_meta meta = {.title = NULL};
        struct page_chrome chrome = {.unread = 2};
        page_head(&r, &meta, &chrome);
        const char *html = out(f);
        assert_true(render_signed_in(&r));
        assert_has(html, "<a href=\"/@mira\">Mira &lt;3</a>");
        assert_has(html, "2 unread");
        assert_has(html, "<a href=\"/write\">");
        assert_lacks(html, "/moderation");
        assert_has(html, "name=\"_csrf\" value=\"token-123\"");
        /* canonical defaults to the site's root without a request */
        assert_has(html, "<link rel=\"canonical\" href=\"https://letters.example.org/\">");
}

/* ---- whole sentences with markup arguments --------------------------------------------------- */

static void test_sentence_positional_and_escaped(void **state)
{
        struct fixture *f = *state;
        struct html_frag frags[2] = {html_frag_text(&f->r, "<Ana>"),
                                     html_frag_text(&f->r, "Tomas & co")};
        html_sentence(&f->r, "%2$s & then %1$s <b>", 2, frags);
        assert_string_equal(out(f), "Tomas &amp; co &amp; then &lt;Ana&gt; &lt;b&gt;");
}

static void test_sentence_leaves_unknown_conversions_as_text(void **state)
{
        struct fixture *f = *state;
        struct html_frag one = html_frag_text(&f->r, "x");
        html_sentence(&f->r, "%s %s %3$s %d 100%% %", 1, &one);
        /* a second %s and %3$s have no fragment, %d is not ours: all stay text */
        assert_string_equal(out(f), "x %s %3$s %d 100% %");
}

static void test_season_status_sentence_with_a_date(void **state)
{
        struct fixture *f = *state;
        struct season s = {.status = SEASON_ON_BREAK, .returns_at = 1796083200}; /* 2026-12-01 */
        season_status_line(&f->r, &s, 0);
        const char *html = out(f);
        assert_has(html, "Back on <time datetime=\"2026-12-01T00:00:00Z\"");
        assert_has(html, ">Tuesday, 1 December 2026</time>.");

        buf_reset(&f->out);
        struct season airing = {.status = SEASON_AIRING, .cadence = CADENCE_WEEKLY, .cadence_n = 2};
        season_status_line(&f->r, &airing, 1796083200);
        assert_has(out(f), "New episodes every Tuesday. Next episode: <time");
}

/* ---- a notification line, as mail would say it -------------------------------------------------
 */

static void test_notification_text_without_request(void **state)
{
        struct fixture *f = *state;
        struct notification x = {.kind = NOTE_REACTION,
                                 .actor_name = "Ana <i>",
                                 .episode_title = "Soil & seeds",
                                 .count = 3};
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana <i> and 2 others reacted to your comment on “Soil & seeds”");
        x.kind = NOTE_REPLY;
        x.actor_name = "";
        assert_string_equal(notification_text(&f->r, &x),
                            "Someone replied to your comment on “Soil & seeds”");
}

/* The participation kinds: each sentence names its place, subject and status, whatever the item
 * kind; fields a sender leaves NULL read as empty. */
static void test_notification_text_of_item_kinds(void **state)
{
        struct fixture *f = *state;
        struct notification x = {.kind = NOTE_BUILDON,
                                 .actor_name = "Ana",
                                 .episode_title = "Soil & seeds",
                                 .where = "Soil & seeds",
                                 .target = "buildon",
                                 .subject = ""};
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana built on your episode “Soil & seeds”");
        x.subject = "Seeds, again";
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana built on your build-on “Seeds, again”");
        x.kind = NOTE_ANSWER;
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana answered a question on “Soil & seeds”");
        x.kind = NOTE_SPACE_REPLY;
        x.target = "post";
        x.where = "Radish rota";
        x.episode_title = "";
        assert_string_equal(notification_text(&f->r, &x), "Ana replied in “Radish rota”");
        x.kind = NOTE_SPACE_MENTION;
        assert_string_equal(notification_text(&f->r, &x), "Ana mentioned you in “Radish rota”");
        x.kind = NOTE_REACTION;
        x.count = 1;
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana reacted to your post in “Radish rota”");
        x.count = 4;
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana and 3 others reacted to your post in “Radish rota”");
        x.target = "buildon";
        x.count = 2;
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana and 1 other reacted to your build-on on “Radish rota”");
        x.target = "ask";
        x.count = 1;
        assert_string_equal(notification_text(&f->r, &x),
                            "Ana reacted to what you wrote on “Radish rota”");
        x.kind = NOTE_ASK;
        x.subject = "More on compost";
        const char *const asks[][2] = {
            {"planned", "Your ask “More on compost” was updated: planned"},
            {"covered", "Your ask “More on compost” was updated: covered"},
            {"declined", "Your ask “More on compost” was updated: declined"},
            {"open", "Your ask “More on compost” was updated"},
        };
        for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
                x.status = asks[i][0];
                assert_string_equal(notification_text(&f->r, &x), asks[i][1]);
        }
        x.kind = NOTE_TERM;
        x.subject = "slow meeting";
        x.status = "approved";
        assert_string_equal(notification_text(&f->r, &x), "Your term “slow meeting” was approved");
        x.status = "declined";
        assert_string_equal(notification_text(&f->r, &x), "Your term “slow meeting” was declined");
        x.status = NULL;
        x.subject = NULL;
        assert_string_equal(notification_text(&f->r, &x), "Your term “Radish rota” was updated");
}

/* ---- the locale is the context's, not a request's -------------------------------------------- */

static void test_locale_from_the_context(void **state)
{
        struct fixture *f = *state;
        const struct locale *zh = i18n_find("zh-CN");
        if (!zh || zh == i18n_default())
                skip(); /* only English is built in: nothing else to prove here */
        struct render r;
        render_init(&r, f->arena, &f->out, zh, NULL, NOW, NULL, &f->config);
        struct page_meta meta = {.title = "t"};
        struct page_chrome chrome = {0};
        page_head(&r, &meta, &chrome);
        assert_has(out(f), "<html lang=\"zh-CN\">");
        assert_has(out(f), i18n_get(zh, "Log in"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_init_defaults, setup, teardown),
            cmocka_unit_test_setup_teardown(test_episode_card_without_request, setup, teardown),
            cmocka_unit_test_setup_teardown(test_now_comes_from_the_context, setup, teardown),
            cmocka_unit_test_setup_teardown(test_page_head_absolute_urls, setup, teardown),
            cmocka_unit_test_setup_teardown(test_page_head_member_menu, setup, teardown),
            cmocka_unit_test_setup_teardown(test_sentence_positional_and_escaped, setup, teardown),
            cmocka_unit_test_setup_teardown(test_sentence_leaves_unknown_conversions_as_text, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_season_status_sentence_with_a_date, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_notification_text_without_request, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_notification_text_of_item_kinds, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_locale_from_the_context, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
