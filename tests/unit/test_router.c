/* Unit tests for http/router: pattern matching, path parameters, 404/405, method names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/router.h"

#include <string.h>

static int handle_home(struct request *req)
{
        (void)req;
        return 1;
}

static int handle_login_form(struct request *req)
{
        (void)req;
        return 2;
}

static int handle_login(struct request *req)
{
        (void)req;
        return 3;
}

static int handle_profile(struct request *req)
{
        (void)req;
        return 4;
}

static int handle_story(struct request *req)
{
        (void)req;
        return 5;
}

static int handle_static(struct request *req)
{
        (void)req;
        return 6;
}

enum { R_HOME, R_LOGIN_FORM, R_LOGIN, R_PROFILE, R_STORY, R_STATIC, R_COUNT };

static const struct route table[] = {
    [R_HOME] = {.methods = HTTP_GET, .pattern = "/", .handler = handle_home},
    [R_LOGIN_FORM] = {.methods = HTTP_GET, .pattern = "/login", .handler = handle_login_form},
    [R_LOGIN] = {.methods = HTTP_POST,
                 .pattern = "/login",
                 .handler = handle_login,
                 .changes_state = true},
    [R_PROFILE] = {.methods = HTTP_GET, .pattern = "/@:handle", .handler = handle_profile},
    [R_STORY] = {.methods = HTTP_GET | HTTP_DELETE,
                 .pattern = "/n/:slug/s/:num",
                 .handler = handle_story},
    [R_STATIC] = {.methods = HTTP_GET,
                  .pattern = "/static/*path",
                  .handler = handle_static,
                  .anonymous = true},
};

static int match(enum http_method method, const char *path, struct route_match *m)
{
        memset(m, 0xA5, sizeof(*m)); /* garbage, so stale fields cannot pass by luck */
        return router_match(table, R_COUNT, method, path, m);
}

/* Checks path parameter i: its name (which runs up to the next '/' of the pattern) and value. */
static void expect_param(const struct route_match *m, size_t i, const char *name, const char *value)
{
        assert_true(i < m->nparams);
        assert_int_equal(strcspn(m->names[i], "/"), strlen(name));
        assert_memory_equal(m->names[i], name, strlen(name));
        assert_int_equal(m->lens[i], strlen(value));
        assert_memory_equal(m->values[i], value, strlen(value));
}

static void expect_not_found(enum http_method method, const char *path)
{
        struct route_match m;
        int rc = match(method, path, &m);
        if (rc != ROUTER_NOT_FOUND)
                fail_msg("%s matched (rc %d) but should be 404", path, rc);
}

static void test_literal_routes(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(match(HTTP_GET, "/", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_HOME]);
        assert_int_equal(m.nparams, 0);

        assert_int_equal(match(HTTP_GET, "/login", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_LOGIN_FORM]);
        assert_int_equal(m.nparams, 0);

        /* Same path, other method: the separate POST entry. */
        assert_int_equal(match(HTTP_POST, "/login", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_LOGIN]);
        assert_true(m.route->changes_state);
        assert_int_equal(m.route->handler(NULL), 3);
}

static void test_head_matches_get(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(match(HTTP_HEAD, "/", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_HOME]);
        assert_int_equal(match(HTTP_HEAD, "/login", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_LOGIN_FORM]);
        assert_int_equal(match(HTTP_HEAD, "/@ada", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_PROFILE]);
        expect_param(&m, 0, "handle", "ada");
}

static void test_handle_param(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(match(HTTP_GET, "/@ada", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_PROFILE]);
        assert_int_equal(m.nparams, 1);
        expect_param(&m, 0, "handle", "ada");

        assert_int_equal(match(HTTP_GET, "/@a", &m), ROUTER_FOUND);
        expect_param(&m, 0, "handle", "a");

        /* The router does not judge the value; "@" inside it is just a byte. */
        assert_int_equal(match(HTTP_GET, "/@@x", &m), ROUTER_FOUND);
        expect_param(&m, 0, "handle", "@x");
}

static void test_two_params(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(match(HTTP_GET, "/n/my-story/s/12", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_STORY]);
        assert_int_equal(m.nparams, 2);
        expect_param(&m, 0, "slug", "my-story");
        expect_param(&m, 1, "num", "12");
}

static void test_wildcard(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(match(HTTP_GET, "/static/site.css", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_STATIC]);
        assert_int_equal(m.nparams, 1);
        expect_param(&m, 0, "path", "site.css");

        assert_int_equal(match(HTTP_GET, "/static/css/a/b.css", &m), ROUTER_FOUND);
        expect_param(&m, 0, "path", "css/a/b.css");
        /* The rest is taken as it is; what it may name is static_files' business. */
        assert_int_equal(match(HTTP_GET, "/static/a/", &m), ROUTER_FOUND);
        expect_param(&m, 0, "path", "a/");
}

static void test_not_found(void **state)
{
        (void)state;
        expect_not_found(HTTP_GET, "/nope");
        expect_not_found(HTTP_GET, "");
        expect_not_found(HTTP_GET, "login");
        expect_not_found(HTTP_GET, "//");
        expect_not_found(HTTP_GET, "/LOGIN");
        expect_not_found(HTTP_GET, "/loginx");
        expect_not_found(HTTP_GET, "/logi");
        /* A trailing slash is another path. */
        expect_not_found(HTTP_GET, "/login/");
        expect_not_found(HTTP_POST, "/login/");
        expect_not_found(HTTP_GET, "/@ada/");
        expect_not_found(HTTP_GET, "/n/x/s/1/");
        /* Empty parameters never match. */
        expect_not_found(HTTP_GET, "/@");
        expect_not_found(HTTP_GET, "/n//s/1");
        expect_not_found(HTTP_GET, "/n/x/s/");
        /* Missing or extra segments. */
        expect_not_found(HTTP_GET, "/ada");
        expect_not_found(HTTP_GET, "/@ada/posts");
        expect_not_found(HTTP_GET, "/n/x/s");
        expect_not_found(HTTP_GET, "/n/x/t/1");
        expect_not_found(HTTP_GET, "/n/x/s/1/2");
        /* The wildcard needs something to take. */
        expect_not_found(HTTP_GET, "/static/");
        expect_not_found(HTTP_GET, "/static");
        expect_not_found(HTTP_GET, "/staticx/a.css");
}

static void test_wrong_method(void **state)
{
        (void)state;
        struct route_match m;
        /* The allowed set is the union over every route with a matching path. */
        assert_int_equal(match(HTTP_PUT, "/login", &m), ROUTER_WRONG_METHOD);
        assert_null(m.route);
        assert_int_equal(m.nparams, 0);
        assert_int_equal(m.allowed, HTTP_GET | HTTP_POST);
        char allow[64];
        http_methods_format(m.allowed, allow, sizeof(allow));
        assert_string_equal(allow, "GET, HEAD, POST");

        assert_int_equal(match(HTTP_POST, "/", &m), ROUTER_WRONG_METHOD);
        assert_int_equal(m.allowed, HTTP_GET);

        assert_int_equal(match(HTTP_DELETE, "/@ada", &m), ROUTER_WRONG_METHOD);
        assert_int_equal(m.allowed, HTTP_GET);

        /* HEAD on a POST-only path is a 405, not a match. */
        static const struct route post_only[] = {
            {.methods = HTTP_POST, .pattern = "/logout", .handler = handle_login},
        };
        assert_int_equal(router_match(post_only, 1, HTTP_HEAD, "/logout", &m), ROUTER_WRONG_METHOD);
        assert_int_equal(m.allowed, HTTP_POST);

        /* A path that no route matches is a 404 whatever the method. */
        expect_not_found(HTTP_PUT, "/nope");
}

static void test_other_methods_match(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(match(HTTP_DELETE, "/n/x/s/3", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &table[R_STORY]);
        expect_param(&m, 1, "num", "3");
}

static void test_first_route_wins(void **state)
{
        (void)state;
        static const struct route t[] = {
            {.methods = HTTP_GET, .pattern = "/@admin", .handler = handle_home},
            {.methods = HTTP_GET, .pattern = "/@:handle", .handler = handle_profile},
        };
        struct route_match m;
        assert_int_equal(router_match(t, 2, HTTP_GET, "/@admin", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &t[0]);
        assert_int_equal(m.nparams, 0);
        assert_int_equal(router_match(t, 2, HTTP_GET, "/@ada", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &t[1]);
}

static void test_too_many_params(void **state)
{
        (void)state;
        /* More ":name" segments than KD_MAX_ROUTE_PARAMS must not write past the arrays. */
        static const struct route t[] = {
            {.methods = HTTP_GET, .pattern = "/:a/:b/:c/:d/:e", .handler = handle_home},
        };
        struct route_match m;
        assert_int_equal(router_match(t, 1, HTTP_GET, "/1/2/3/4/5", &m), ROUTER_NOT_FOUND);
        static const struct route four[] = {
            {.methods = HTTP_GET, .pattern = "/:a/:b/:c/:d", .handler = handle_home},
        };
        assert_int_equal(router_match(four, 1, HTTP_GET, "/1/2/3/4", &m), ROUTER_FOUND);
        assert_int_equal(m.nparams, KD_MAX_ROUTE_PARAMS);
        expect_param(&m, 3, "d", "4");
}

static void test_empty_table(void **state)
{
        (void)state;
        struct route_match m;
        assert_int_equal(router_match(table, 0, HTTP_GET, "/", &m), ROUTER_NOT_FOUND);
}

static void test_method_parse(void **state)
{
        (void)state;
        assert_int_equal(http_method_parse("GET"), HTTP_GET);
        assert_int_equal(http_method_parse("HEAD"), HTTP_HEAD);
        assert_int_equal(http_method_parse("POST"), HTTP_POST);
        assert_int_equal(http_method_parse("PUT"), HTTP_PUT);
        assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
        assert_int_equal(http_method_parse("DELETE"), HTTP_DELETE);
        assert_int_equal(http_method_parse("OPTIONS"), HTTP_OPTIONS);
        /* Method names are case-sensitive (RFC 9110 section 9.1). */
        assert_int_equal(http_method_parse("get"), 0);
        assert_int_equal(http_method_parse("Post"), 0);
        assert_int_equal(http_method_parse(""), 0);
        assert_int_equal(http_method_parse("GETX"), 0);
        assert_int_equal(http_method_parse("GE"), 0);
        assert_int_equal(http_method_parse("TRACE"), 0);
        assert_int_equal(http_method_parse("CONNECT"), 0);
        assert_int_equal(http_method_parse(" GET"), 0);
}

static void test_methods_format(void **state)
{
        (void)state;
        char out[128];
        http_methods_format(HTTP_GET | HTTP_POST, out, sizeof(out));
        assert_string_equal(out, "GET, HEAD, POST");
        http_methods_format(HTTP_GET, out, sizeof(out));
        assert_string_equal(out, "GET, HEAD");
        http_methods_format(HTTP_POST, out, sizeof(out));
        assert_string_equal(out, "POST");
        http_methods_format(HTTP_POST | HTTP_DELETE, out, sizeof(out));
        assert_string_equal(out, "POST, DELETE");
        http_methods_format(0, out, sizeof(out));
        assert_string_equal(out, "");
        http_methods_format(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE |
                                HTTP_OPTIONS,
                            out, sizeof(out));
        assert_string_equal(out, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");

        /* A small buffer stays NUL-terminated and holds a prefix of the full list. */
        char small[8];
        memset(small, 'X', sizeof(small));
        http_methods_format(HTTP_GET | HTTP_POST, small, sizeof(small));
        assert_true(strlen(small) < sizeof(small));
        assert_memory_equal(small, "GET, HEAD, POST", strlen(small));
}

/* Typed segments: "#id" takes 1..INT64_MAX written one way only, "$slug" a valid slug; anything
 * else does not match, so a handler never sees a bad id or slug. */
static void test_typed_segments(void **state)
{
        (void)state;
        static const struct route typed[] = {
            {.methods = HTTP_GET, .pattern = "/n/$slug/c/#id", .handler = handle_story},
            {.methods = HTTP_POST, .pattern = "/x/#id", .handler = handle_login},
        };
        struct route_match m;
        assert_int_equal(router_match(typed, 2, HTTP_GET, "/n/a-b1/c/42", &m), ROUTER_FOUND);
        assert_int_equal(m.ids[1], 42);
        assert_int_equal(m.ids[0], 0);
        expect_param(&m, 0, "slug", "a-b1");
        assert_int_equal(router_match(typed, 2, HTTP_GET, "/n/a/c/9223372036854775807", &m),
                         ROUTER_FOUND);
        assert_true(m.ids[1] == INT64_MAX);
        static const char *const bad[] = {"/n/a/c/0",
                                          "/n/a/c/007",
                                          "/n/a/c/-1",
                                          "/n/a/c/+1",
                                          "/n/a/c/1x",
                                          "/n/a/c/ 1",
                                          "/n/a/c/",
                                          "/n/a/c/1.5",
                                          "/n/a/c/9223372036854775808",
                                          "/n/A/c/1",
                                          "/n/-a/c/1",
                                          "/n/a--b/c/1",
                                          "/n/a-/c/1",
                                          "/n/%C3%A9/c/1",
                                          "/n/é/c/1",
                                          "/n/a/c/99999999999999999999"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(router_match(typed, 2, HTTP_GET, bad[i], &m), ROUTER_NOT_FOUND);
        /* a wrong id is "not found", not "wrong method" */
        assert_int_equal(router_match(typed, 2, HTTP_GET, "/x/5", &m), ROUTER_WRONG_METHOD);
        assert_int_equal(router_match(typed, 2, HTTP_GET, "/x/05", &m), ROUTER_NOT_FOUND);
}

/* Several tables: the first with a match wins; a 405 lists the methods of all of them. */
static void test_several_tables(void **state)
{
        (void)state;
        static const struct route a[] = {
            {.methods = HTTP_GET, .pattern = "/p/#id", .handler = handle_home}};
        static const struct route b[] = {
            {.methods = HTTP_GET, .pattern = "/p/#id", .handler = handle_login_form},
            {.methods = HTTP_POST, .pattern = "/p/#id", .handler = handle_login},
            {.methods = HTTP_DELETE, .pattern = "/q", .handler = handle_login}};
        const struct route_table tables[] = {{a, 1}, {b, 3}};
        struct route_match m;
        assert_int_equal(router_match_tables(tables, 2, HTTP_GET, "/p/3", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &a[0]);
        assert_int_equal(router_match_tables(tables, 2, HTTP_POST, "/p/3", &m), ROUTER_FOUND);
        assert_ptr_equal(m.route, &b[1]);
        assert_int_equal(router_match_tables(tables, 2, HTTP_PUT, "/p/3", &m), ROUTER_WRONG_METHOD);
        assert_int_equal(m.allowed, HTTP_GET | HTTP_POST);
        assert_int_equal(router_match_tables(tables, 2, HTTP_GET, "/q", &m), ROUTER_WRONG_METHOD);
        assert_int_equal(router_match_tables(tables, 2, HTTP_GET, "/r", &m), ROUTER_NOT_FOUND);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_literal_routes),   cmocka_unit_test(test_head_matches_get),
            cmocka_unit_test(test_handle_param),     cmocka_unit_test(test_two_params),
            cmocka_unit_test(test_wildcard),         cmocka_unit_test(test_not_found),
            cmocka_unit_test(test_wrong_method),     cmocka_unit_test(test_other_methods_match),
            cmocka_unit_test(test_first_route_wins), cmocka_unit_test(test_too_many_params),
            cmocka_unit_test(test_empty_table),      cmocka_unit_test(test_method_parse),
            cmocka_unit_test(test_methods_format),   cmocka_unit_test(test_typed_segments),
            cmocka_unit_test(test_several_tables),
        };
        return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
