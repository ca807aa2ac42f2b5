/* Unit tests of model/space.c on a real SQLite file: who may post, the counts through every
 * change of state (hiding, restoring, deleting, a thread following its opening post), what a
 * page shows to whom, the "post" item kind, and space_rebuild agreeing with the counts the
 * writes kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/role.h"
#include "model/item.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/space.h"
#include "tmpdb.h"

#include <string.h>

struct fixture {
        struct tmpdb t;
        struct arena *a;
        int64_t owner, coauthor, follower, stranger, moderator;
        int64_t newsletter, porch, circle;
};

#define FX    ((struct fixture *)*state)
#define DB    (FX->t.db)
#define ARENA (FX->a)

static int64_t make_member(struct db *db, const char *handle, enum role role)
{
        char email[64];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        struct member_input in = {handle, handle, "", "", email, "a long enough password"};
        struct member_problem p = {0};
        int64_t id = 0;
        if (member_create(db, &in, role, &id, &p) != MEMBER_OK)
                fail_msg("member_create(%s)", handle);
        return id;
}

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        struct db *db = fx->t.db;
        fx->owner = make_member(db, "owner", ROLE_AUTHOR);
        fx->coauthor = make_member(db, "coauthor", ROLE_AUTHOR);
        fx->follower = make_member(db, "follower", ROLE_READER);
        fx->stranger = make_member(db, "stranger", ROLE_READER);
        fx->moderator = make_member(db, "moderator", ROLE_MODERATOR);
        struct newsletter_input nin = {"letters", "Letters", "", "coauthor"};
        struct field_problem p = {0};
        if (newsletter_create(db, &nin, fx->owner, &fx->newsletter, &p) != PUB_OK ||
            newsletter_set_following(db, fx->follower, fx->newsletter, true) != PUB_OK)
                return -1;
        struct space_input porch = {"porch", "Porch", "", "", "members"};
        struct space_input circle = {"circle", "Circle", "For *readers*.", "letters", "followers"};
        if (space_create(db, &porch, fx->moderator, ROLE_MODERATOR, &fx->porch, &p) != PUB_OK ||
            space_create(db, &circle, fx->moderator, ROLE_MODERATOR, &fx->circle, &p) != PUB_OK)
                return -1;
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        arena_free(FX->a);
        tmpdb_remove(&FX->t);
        free(FX);
        return 0;
}

static struct space load_space(void **state, int64_t id)
{
        struct space s;
        assert_int_equal(space_get(DB, ARENA, id, &s), PUB_OK);
        return s;
}

static struct space_thread load_thread(void **state, int64_t id)
{
        struct space_thread t;
        assert_int_equal(space_thread_get(DB, ARENA, id, &t), PUB_OK);
        return t;
}

static int64_t member_posts(void **state, int64_t space, int64_t member)
{
        struct db_stmt *s = db_prepare(DB, "SELECT post_count FROM space_member WHERE space_id = "
                                           "?1 AND member_id = ?2");
        db_bind_int(s, 1, space);
        db_bind_int(s, 2, member);
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return n;
}

static void open_thread(void **state, int64_t space, int64_t author, const char *title,
                        int64_t *thread, int64_t *post)
{
        struct space_thread_input in = {space, author, ROLE_READER, title, "Opening words."};
        struct field_problem p = {0};
        assert_int_equal(space_thread_create(DB, &in, thread, post, &p), PUB_OK);
}

static int64_t reply(void **state, int64_t thread, int64_t parent, int64_t author)
{
        enum role role = author == FX->owner || author == FX->coauthor ? ROLE_AUTHOR
                         : author == FX->moderator                     ? ROLE_MODERATOR
                                                                       : ROLE_READER;
        struct space_post_input in = {thread, parent, author, role, "A reply."};
        struct field_problem p = {0};
        int64_t id = 0;
        assert_int_equal(space_post_create(DB, &in, &id, &p), PUB_OK);
        return id;
}

/* The ids a page shows to viewer (moderator: show_hidden), in order, as a comma list. */
static const char *page_ids(void **state, int64_t thread, int64_t viewer, bool moderator)
{
        struct space_post *ps;
        int64_t next;
        int n = space_post_page(DB, ARENA, thread, 0, viewer, moderator, &ps, &next);
        assert_true(n >= 0);
        char *out = arena_strdup(ARENA, "");
        for (int i = 0; i < n; i++)
                out = arena_printf(ARENA, "%s%s%lld", out, i ? "," : "", (long long)ps[i].id);
        return out;
}

static void test_who_may_post_and_manage(void **state)
{
        struct space porch = load_space(state, FX->porch), circle = load_space(state, FX->circle);
        assert_true(space_can_post(DB, &porch, FX->stranger, ROLE_READER));
        assert_false(space_can_post(DB, &porch, 0, ROLE_NONE));
        assert_true(space_can_post(DB, &circle, FX->follower, ROLE_READER));
        assert_true(space_can_post(DB, &circle, FX->owner, ROLE_AUTHOR));
        assert_true(space_can_post(DB, &circle, FX->coauthor, ROLE_AUTHOR));
        assert_int_equal(space_post_rule(DB, &circle, FX->stranger, ROLE_READER),
                         SPACE_RULE_NOT_FOLLOWER);
        assert_int_equal(space_post_rule(DB, &circle, FX->moderator, ROLE_MODERATOR),
                         SPACE_RULE_NOT_FOLLOWER); /* moderating is not taking part */
        assert_true(space_can_manage(ROLE_MODERATOR) && space_can_manage(ROLE_ADMIN));
        assert_false(space_can_manage(ROLE_AUTHOR) || space_can_manage(ROLE_READER));
        /* the model refuses too, whatever the caller checked */
        struct space_thread_input in = {FX->circle, FX->stranger, ROLE_READER, "Hi", "Hello"};
        struct field_problem p = {0};
        int64_t t, post;
        assert_int_equal(space_thread_create(DB, &in, &t, &post, &p), PUB_FORBIDDEN);
        struct space_input s = {"other", "Other", "", "", "members"};
        int64_t id;
        assert_int_equal(space_create(DB, &s, FX->owner, ROLE_AUTHOR, &id, &p), PUB_FORBIDDEN);
        assert_string_equal(load_space(state, FX->circle).description_html,
                            "<p>For <em>readers</em>.</p>\n");
}

/* Hiding a reply takes it out of every count and out of readers' pages; its author and
 * moderators still see it; restoring puts everything back. */
static void test_hiding_and_restoring_a_reply_keeps_counts(void **state)
{
        int64_t t, first;
        open_thread(state, FX->porch, FX->follower, "Counting", &t, &first);
        int64_t r1 = reply(state, t, first, FX->stranger);
        int64_t r2 = reply(state, t, 0, FX->follower);
        assert_int_equal(load_thread(state, t).post_count, 3);
        assert_int_equal(load_space(state, FX->porch).post_count, 3);
        assert_int_equal(member_posts(state, FX->porch, FX->stranger), 1);
        assert_int_equal(space_post_set_hidden(DB, r1, FX->moderator, true), PUB_OK);
        assert_int_equal(load_thread(state, t).post_count, 2);
        assert_int_equal(load_space(state, FX->porch).post_count, 2);
        assert_int_equal(member_posts(state, FX->porch, FX->stranger), 0);
        const char *all =
            arena_printf(ARENA, "%lld,%lld,%lld", (long long)first, (long long)r1, (long long)r2);
        const char *without = arena_printf(ARENA, "%lld,%lld", (long long)first, (long long)r2);
        assert_string_equal(page_ids(state, t, 0, false), without);
        assert_string_equal(page_ids(state, t, FX->follower, false), without);
        assert_string_equal(page_ids(state, t, FX->stranger, false), all); /* its author */
        assert_string_equal(page_ids(state, t, FX->moderator, true), all);
        /* hiding twice changes nothing */
        assert_int_equal(space_post_set_hidden(DB, r1, FX->moderator, true), PUB_OK);
        assert_int_equal(load_space(state, FX->porch).post_count, 2);
        assert_int_equal(space_post_set_hidden(DB, r1, FX->moderator, false), PUB_OK);
        assert_int_equal(load_thread(state, t).post_count, 3);
        assert_int_equal(load_space(state, FX->porch).post_count, 3);
        assert_int_equal(member_posts(state, FX->porch, FX->stranger), 1);
        /* nobody answers a hidden post */
        assert_int_equal(space_post_set_hidden(DB, r1, FX->moderator, true), PUB_OK);
        struct space_post_input in = {t, r1, FX->follower, ROLE_READER, "Answering."};
        struct field_problem p = {0};
        int64_t r3;
        assert_int_equal(space_post_create(DB, &in, &r3, &p), PUB_INVALID);
        assert_string_equal(p.field, "parent_id");
}

/* The opening post carries its thread: hidden, the thread leaves the space's counts and lists;
 * restored, it comes back with all its posts. */
static void test_a_thread_follows_its_opening_post(void **state)
{
        int64_t t, first;
        open_thread(state, FX->porch, FX->follower, "Hidden soon", &t, &first);
        reply(state, t, 0, FX->stranger);
        reply(state, t, 0, FX->stranger);
        assert_int_equal(load_space(state, FX->porch).thread_count, 1);
        assert_int_equal(load_space(state, FX->porch).post_count, 3);
        assert_int_equal(space_post_set_hidden(DB, first, FX->moderator, true), PUB_OK);
        assert_int_equal(load_thread(state, t).state, SPACE_HIDDEN);
        assert_int_equal(load_space(state, FX->porch).thread_count, 0);
        assert_int_equal(load_space(state, FX->porch).post_count, 0);
        struct space_thread *ts;
        bool more;
        assert_int_equal(space_thread_page(DB, ARENA, FX->porch, SPACE_ACTIVE, 0, 0, &ts, &more),
                         0);
        assert_false(space_item_viewable(DB, first, FX->stranger, ROLE_READER, 0));
        assert_true(space_item_viewable(DB, first, FX->follower, ROLE_READER, 0));
        assert_true(space_item_viewable(DB, first, FX->moderator, ROLE_MODERATOR, 0));
        /* nobody replies in a hidden thread */
        struct space_post_input in = {t, 0, FX->stranger, ROLE_READER, "Still here?"};
        struct field_problem p = {0};
        int64_t id;
        assert_int_equal(space_post_create(DB, &in, &id, &p), PUB_NOT_FOUND);
        assert_int_equal(space_post_set_hidden(DB, first, FX->moderator, false), PUB_OK);
        assert_int_equal(load_thread(state, t).state, SPACE_VISIBLE);
        assert_int_equal(load_space(state, FX->porch).thread_count, 1);
        assert_int_equal(load_space(state, FX->porch).post_count, 3);
}

/* Deleting the opening post keeps the thread while a reply stands; the last visible post going
 * takes the thread with it. */
static void test_deleting_empties_and_ends_a_thread(void **state)
{
        int64_t t, first;
        open_thread(state, FX->porch, FX->follower, "Short-lived", &t, &first);
        int64_t r = reply(state, t, first, FX->stranger);
        assert_int_equal(space_post_delete(DB, first, FX->stranger), PUB_FORBIDDEN);
        assert_int_equal(space_post_delete(DB, first, FX->follower), PUB_OK);
        assert_int_equal(space_post_delete(DB, first, FX->follower), PUB_NOT_FOUND);
        assert_int_equal(load_thread(state, t).state, SPACE_VISIBLE);
        assert_int_equal(load_space(state, FX->porch).post_count, 1);
        /* the deleted opening post keeps its place for the reply, without its text */
        struct space_post *ps;
        int64_t next;
        assert_int_equal(space_post_page(DB, ARENA, t, 0, 0, false, &ps, &next), 2);
        assert_int_equal(ps[0].state, SPACE_DELETED);
        assert_string_equal(ps[0].body, "");
        assert_int_equal(ps[1].parent_state, SPACE_DELETED);
        assert_string_equal(ps[1].parent_excerpt, "");
        assert_int_equal(space_post_delete(DB, r, FX->stranger), PUB_OK);
        assert_int_equal(load_thread(state, t).state, SPACE_DELETED);
        assert_int_equal(load_space(state, FX->porch).thread_count, 0);
        assert_int_equal(load_space(state, FX->porch).post_count, 0);
}

/* After any mix of changes, recounting from the rows gives what the writes kept. */
static void test_rebuild_agrees_with_the_kept_counts(void **state)
{
        int64_t t1, f1, t2, f2;
        open_thread(state, FX->porch, FX->follower, "One", &t1, &f1);
        open_thread(state, FX->circle, FX->follower, "Two", &t2, &f2);
        int64_t a = reply(state, t1, f1, FX->stranger);
        reply(state, t1, a, FX->follower);
        int64_t c = reply(state, t2, 0, FX->owner);
        reply(state, t2, c, FX->coauthor);
        assert_int_equal(space_post_set_hidden(DB, c, FX->moderator, true), PUB_OK);
        assert_int_equal(space_post_delete(DB, a, FX->stranger), PUB_OK);
        assert_int_equal(space_post_set_hidden(DB, f1, FX->moderator, true), PUB_OK);
        struct space before[2] = {load_space(state, FX->porch), load_space(state, FX->circle)};
        int64_t tc[2] = {load_thread(state, t1).post_count, load_thread(state, t2).post_count};
        int64_t mc = member_posts(state, FX->circle, FX->owner);
        assert_int_equal(space_rebuild(DB), PUB_OK);
        struct space after[2] = {load_space(state, FX->porch), load_space(state, FX->circle)};
        for (int i = 0; i < 2; i++) {
                assert_int_equal(before[i].thread_count, after[i].thread_count);
                assert_int_equal(before[i].post_count, after[i].post_count);
                assert_int_equal(before[i].last_post_at, after[i].last_post_at);
        }
        assert_int_equal(tc[0], load_thread(state, t1).post_count);
        assert_int_equal(tc[1], load_thread(state, t2).post_count);
        assert_int_equal(mc, member_posts(state, FX->circle, FX->owner));
        assert_int_equal(mc, 0);
}

/* A post as an item: only moderators and admins moderate it, whoever writes the newsletter. */
static void test_posts_are_items_moderated_by_moderators(void **state)
{
        int64_t t, first;
        open_thread(state, FX->circle, FX->follower, "Item", &t, &first);
        struct item it;
        assert_int_equal(item_load(DB, ARENA, "post", first, &it), PUB_OK);
        assert_int_equal(it.newsletter_id, 0);
        assert_int_equal(it.author_id, FX->follower);
        assert_non_null(strstr(it.url, "/spaces/circle/"));
        assert_string_equal(it.where, "Item");
        assert_true(item_kind_find("post")->reactable);
        assert_true(item_can_moderate(DB, &it, FX->moderator, ROLE_MODERATOR));
        assert_false(item_can_moderate(DB, &it, FX->owner, ROLE_AUTHOR));
        assert_false(item_can_moderate(DB, &it, FX->stranger, ROLE_READER));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_who_may_post_and_manage, setup, teardown),
            cmocka_unit_test_setup_teardown(test_hiding_and_restoring_a_reply_keeps_counts, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_a_thread_follows_its_opening_post, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_deleting_empties_and_ends_a_thread, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_rebuild_agrees_with_the_kept_counts, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_posts_are_items_moderated_by_moderators, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
