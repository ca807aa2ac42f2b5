/* Black-box HTTP tests: the real kindred binary on a loopback port with a fresh data folder. */
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

/* Loads a page to pick up the cookies and the CSRF token its forms carry. */
static void csrf_from(int port, const char *path, struct member *m, char *csrf, size_t size)
{
        struct http_resp r;
        char cookie[1024];
        jar_header(&m->jar, cookie, sizeof(cookie));
        assert_int_equal(http_do(port, "GET", path, cookie, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 200);
        jar_update(&m->jar, &r);
        assert_true(find_csrf(r.body, csrf, size));
        resp_free(&r);
}

static int signup_on(int port, struct member *m, const char *handle, const char *email,
                     const char *display)
{
        char csrf[64], body[2048] = "";
        csrf_from(port, "/signup", m, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "handle", handle);
        form_append(body, sizeof(body), "display_name", display);
        form_append(body, sizeof(body), "headline", "Testing things");
        form_append(body, sizeof(body), "email", email);
        form_append(body, sizeof(body), "password", "correct horse battery");
        struct http_resp r;
        post_form_to(port, m, "/signup", body, &r);
        jar_update(&m->jar, &r);
        int status = r.status;
        resp_free(&r);
        return status;
}

/* Signs up on srv and, when the form was taken (the "Check your inbox" page), opens the link
 * mailed to the address: returns the confirmation's status (303 and a session when the
 * account was made), or the form's status when it was refused. */
static int signup(struct member *m, const char *handle, const char *email, const char *display)
{
        int status = signup_on(srv.port, m, handle, email, display);
        return status == 200 ? confirm_signup(m, email) : status;
}

static int login_on(int port, struct member *m, const char *login, const char *password,
                    struct http_resp *out)
{
        char csrf[64], body[1024] = "";
        csrf_from(port, "/login", m, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "login", login);
        form_append(body, sizeof(body), "password", password);
        struct http_resp r;
        post_form_to(port, m, "/login", body, &r);
        jar_update(&m->jar, &r);
        int status = r.status;
        if (out)
                *out = r;
        else
                resp_free(&r);
        return status;
}

/* ---------------------------------------------------------------- tests */

static void test_healthz(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/healthz", &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"status\":\"ok\""));
        char ct[64];
        assert_true(resp_header_get(&r, "Content-Type", ct, sizeof(ct)));
        assert_string_equal(ct, "application/json");
        resp_free(&r);
}

static void test_security_headers(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/", &r);
        assert_int_equal(r.status, 200);
        char v[512];
        assert_true(resp_header_get(&r, "Content-Security-Policy", v, sizeof(v)));
        assert_non_null(strstr(v, "frame-ancestors 'none'"));
        assert_non_null(strstr(v, "script-src 'self'"));
        assert_null(strstr(v, "unsafe-inline"));
        assert_true(resp_header_get(&r, "X-Content-Type-Options", v, sizeof(v)));
        assert_string_equal(v, "nosniff");
        assert_true(resp_header_get(&r, "Referrer-Policy", v, sizeof(v)));
        /* The page is accessible: a language, landmarks and a title. */
        assert_non_null(strstr(r.body, "<html lang=\"en\">"));
        assert_non_null(strstr(r.body, "<main id=\"main\">"));
        assert_non_null(strstr(r.body, "<header"));
        assert_non_null(strstr(r.body, "<footer"));
        assert_null(strstr(r.body, "<script>"));
        assert_null(strstr(r.body, " style=\""));
        resp_free(&r);
}

static void test_signup_login_settings_logout(void **state)
{
        (void)state;
        struct member j = {0};
        assert_int_equal(signup(&j, "Ada_L", "ada@example.org", "Ada Lovelace"), 303);
        const char *session = jar_get(&j.jar, "kd_session");
        assert_non_null(session);
        char old_session[128];
        snprintf(old_session, sizeof(old_session), "%s", session);

        /* Signed in: the settings page shows the profile. */
        struct http_resp r;
        get(&j, "/settings", &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "Ada Lovelace"));
        assert_non_null(strstr(r.body, "@Ada_L"));
        char csrf[64];
        assert_true(find_csrf(r.body, csrf, sizeof(csrf)));
        resp_free(&r);

        /* Edit the profile. */
        char body[2048] = "";
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "display_name", "Ada King");
        form_append(body, sizeof(body), "headline", "Analyst of engines");
        form_append(body, sizeof(body), "bio", "Notes on notes.\nTwo lines.");
        post_form(&j, "/settings/profile", body, &r);
        assert_int_equal(r.status, 303);
        char loc[256];
        assert_true(resp_header_get(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, "/settings?saved=profile");
        resp_free(&r);
        get(&j, "/@ada_l", &r); /* the handle is found in any case */
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "Ada King"));
        assert_non_null(strstr(r.body, "Analyst of engines"));
        resp_free(&r);

        /* Change the password, then log out. */
        body[0] = '\0';
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "current_password", "correct horse battery");
        form_append(body, sizeof(body), "new_password", "an even longer passphrase");
        post_form(&j, "/settings/password", body, &r);
        assert_int_equal(r.status, 303);
        resp_free(&r);

        body[0] = '\0';
        form_append(body, sizeof(body), "_csrf", csrf);
        post_form(&j, "/logout", body, &r);
        assert_int_equal(r.status, 303);
        jar_update(&j.jar, &r);
        resp_free(&r);
        assert_null(jar_get(&j.jar, "kd_session"));

        /* The old session cookie no longer works: the server forgot it. */
        char cookie[256];
        snprintf(cookie, sizeof(cookie), "Cookie: kd_session=%s\r\n", old_session);
        assert_int_equal(http_do(srv.port, "GET", "/settings", cookie, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 303);
        assert_true(resp_header_get(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, "/login?next=%2Fsettings");
        resp_free(&r);

        /* Old password fails, new one works, by handle or by email. */
        assert_int_equal(login_on(srv.port, &j, "ada_l", "correct horse battery", NULL), 422);
        assert_int_equal(
            login_on(srv.port, &j, "ADA@example.org", "an even longer passphrase", NULL), 303);
        get(&j, "/settings", &r);
        assert_int_equal(r.status, 200);
        resp_free(&r);
}

static void test_session_cookie_flags(void **state)
{
        (void)state;
        struct member j = {0};
        char csrf[64], body[1024] = "";
        csrf_from(srv.port, "/login", &j, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "login", "mira");
        form_append(body, sizeof(body), "password", "kindred-demo");
        struct http_resp r;
        post_form(&j, "/login", body, &r);
        assert_int_equal(r.status, 303);
        char v[512];
        assert_true(resp_header_get(&r, "Set-Cookie", v, sizeof(v)));
        assert_non_null(strstr(v, "kd_session="));
        assert_non_null(strstr(v, "HttpOnly"));
        assert_non_null(strstr(v, "SameSite=Lax"));
        assert_non_null(strstr(v, "Path=/"));
        /* 43 base64url characters: 256 random bits */
        const char *tok = strstr(v, "kd_session=") + 11;
        assert_int_equal(strcspn(tok, ";"), 43);
        resp_free(&r);
}

static void test_csrf_missing_or_wrong_is_403(void **state)
{
        (void)state;
        struct member j = {0};
        assert_int_equal(signup(&j, "grace", "grace@example.org", "Grace H"), 303);
        char body[1024] = "";
        form_append(body, sizeof(body), "display_name", "Hijacked");
        form_append(body, sizeof(body), "email", "evil@example.org");
        struct http_resp r;
        post_form(&j, "/settings/profile", body, &r); /* no token */
        assert_int_equal(r.status, 403);
        assert_non_null(strstr(r.body, "security token"));
        resp_free(&r);
        char wrong[1024] = "";
        form_append(wrong, sizeof(wrong), "_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        strcat(wrong, "&");
        strcat(wrong, body);
        post_form(&j, "/settings/profile", wrong, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        /* A guest's token does not work for the member's session either. */
        struct member guest = {0};
        char gcsrf[64];
        csrf_from(srv.port, "/login", &guest, gcsrf, sizeof(gcsrf));
        char mixed[1024] = "";
        form_append(mixed, sizeof(mixed), "_csrf", gcsrf);
        strcat(mixed, "&");
        strcat(mixed, body);
        post_form(&j, "/settings/profile", mixed, &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        /* Logout without a token is refused too. */
        post_form(&j, "/logout", "", &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        /* Nothing changed. */
        get(&j, "/@grace", &r);
        assert_non_null(strstr(r.body, "Grace H"));
        assert_null(strstr(r.body, "Hijacked"));
        resp_free(&r);
        /* Sign-up without a token: 403. */
        struct member fresh = {0};
        post_form(&fresh, "/signup", "handle=nobody&email=n%40example.org", &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
}

static void test_duplicate_handle_is_refused(void **state)
{
        (void)state;
        struct member a = {0}, b = {0}, c = {0};
        assert_int_equal(signup(&a, "turing", "alan@example.org", "Alan"), 303);
        assert_int_equal(signup(&b, "TURING", "other@example.org", "Another Alan"), 409);
        assert_null(jar_get(&b.jar, "kd_session"));
        /* A registered address is not told apart: the same page, no session, no account (the
         * owner is mailed instead: test_account_mail). */
        assert_int_equal(signup_on(srv.port, &c, "turing2", "ALAN@example.org", "Alan Two"), 200);
        assert_null(jar_get(&c.jar, "kd_session"));
        assert_int_equal(db_int("SELECT count(*) FROM member WHERE handle_key = 'turing2'"), 0);
        /* Bad handles are explained on the form. */
        struct member d = {0};
        assert_int_equal(signup(&d, "9lives", "nine@example.org", "Nine"), 422);
}

static void test_signup_form_keeps_input_and_explains(void **state)
{
        (void)state;
        struct member j = {0};
        char csrf[64], body[1024] = "";
        csrf_from(srv.port, "/signup", &j, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "handle", "shorty");
        form_append(body, sizeof(body), "display_name", "Shorty <b>Pass</b>");
        form_append(body, sizeof(body), "email", "shorty@example.org");
        form_append(body, sizeof(body), "password", "short");
        struct http_resp r;
        post_form(&j, "/signup", body, &r);
        assert_int_equal(r.status, 422);
        assert_non_null(strstr(r.body, "at least 10 characters"));
        assert_non_null(strstr(r.body, "value=\"shorty\""));
        assert_non_null(strstr(r.body, "Shorty &lt;b&gt;Pass&lt;/b&gt;"));
        assert_null(strstr(r.body, "<b>Pass"));
        assert_null(strstr(r.body, "value=\"short\"")); /* passwords are never echoed */
        resp_free(&r);
}

static void test_wrong_password(void **state)
{
        (void)state;
        struct member j = {0};
        struct http_resp r;
        assert_int_equal(login_on(srv.port, &j, "mira", "not her password", &r), 422);
        assert_non_null(strstr(r.body, "not right"));
        assert_non_null(strstr(r.body, "value=\"mira\""));
        assert_null(jar_get(&j.jar, "kd_session"));
        resp_free(&r);
        /* An unknown member gets the same answer. */
        assert_int_equal(login_on(srv.port, &j, "nobody_here", "whatever pass", &r), 422);
        assert_non_null(strstr(r.body, "not right"));
        resp_free(&r);
}

static void test_unknown_path_404(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/no/such/page", &r);
        assert_int_equal(r.status, 404);
        assert_non_null(strstr(r.body, "Page not found"));
        assert_non_null(strstr(r.body, "<main"));
        resp_free(&r);
        get(NULL, "/api/v1/nothing", &r);
        assert_int_equal(r.status, 404);
        assert_non_null(strstr(r.body, "{\"error\":"));
        resp_free(&r);
        get(NULL, "/@nobody_at_all", &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        get(NULL, "/static/../kindred.db", &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
}

static void test_wrong_method_405(void **state)
{
        (void)state;
        struct http_resp r;
        assert_int_equal(http_do(srv.port, "DELETE", "/login", NULL, NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, 405);
        char allow[128];
        assert_true(resp_header_get(&r, "Allow", allow, sizeof(allow)));
        assert_string_equal(allow, "GET, HEAD, POST");
        resp_free(&r);
        assert_int_equal(
            http_do(srv.port, "POST", "/healthz", NULL, "application/json", "{}", 2, &r), 0);
        assert_int_equal(r.status, 405);
        assert_true(resp_header_get(&r, "Allow", allow, sizeof(allow)));
        assert_string_equal(allow, "GET, HEAD");
        resp_free(&r);
}

static void test_oversized_body_413(void **state)
{
        (void)state;
        size_t n = 2 * 1024 * 1024;
        char *big = malloc(n);
        memset(big, 'a', n);
        memcpy(big, "handle=", 7);
        struct http_resp r;
        int rc = http_do(srv.port, "POST", "/signup", NULL, "application/x-www-form-urlencoded",
                         big, n, &r);
        free(big);
        /* The server answers as soon as it sees the length; it may close before reading it all */
        assert_int_equal(rc, 0);
        assert_int_equal(r.status, 413);
        resp_free(&r);
        /* And it still serves afterwards. */
        get(NULL, "/healthz", &r);
        assert_int_equal(r.status, 200);
        resp_free(&r);
}

static void test_oversized_chunked_body_413(void **state)
{
        (void)state;
        struct http_conn c;
        assert_int_equal(conn_open(&c, srv.port), 0);
        /* A guest with a CSRF cookie: without one the server refuses before reading the body. */
        const char *head = "POST /signup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                           "Cookie: kd_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
                           "Content-Type: application/x-www-form-urlencoded\r\n\r\n";
        assert_int_equal(conn_send(&c, head, strlen(head)), 0);
        char chunk[70000];
        int hl = snprintf(chunk, sizeof(chunk), "%x\r\n", 65536);
        memset(chunk + hl, 'b', 65536);
        memcpy(chunk + hl + 65536, "\r\n", 2);
        for (int i = 0; i < 20 && !conn_answered(&c); i++) {
                if (conn_send(&c, chunk, (size_t)hl + 65538) < 0)
                        break; /* the server may stop reading once it has answered */
                usleep(2000);
        }
        conn_send(&c, "0\r\n\r\n", 5);
        struct http_resp r;
        assert_int_equal(conn_read(&c, &r, false), 0);
        assert_int_equal(r.status, 413);
        resp_free(&r);
        conn_close(&c);
}

static void test_invalid_utf8_and_long_fields_400(void **state)
{
        (void)state;
        struct member j = {0};
        char csrf[64];
        csrf_from(srv.port, "/signup", &j, csrf, sizeof(csrf));
        char body[1024];
        snprintf(body, sizeof(body),
                 "_csrf=%s&handle=bob&display_name=Bob%%FF%%FE&email=b%%40e.org"
                 "&password=long+enough+pw",
                 csrf);
        struct http_resp r;
        post_form(&j, "/signup", body, &r);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "not valid UTF-8"));
        assert_non_null(strstr(r.body, "display_name"));
        resp_free(&r);
        /* an overlong encoding of '/' is not UTF-8 either */
        snprintf(body, sizeof(body), "_csrf=%s&handle=bob&display_name=%%C0%%AF", csrf);
        post_form(&j, "/signup", body, &r);
        assert_int_equal(r.status, 400);
        resp_free(&r);
        /* a field over its declared bound */
        char *long_body = malloc(20000);
        snprintf(long_body, 20000, "_csrf=%s&handle=bob&headline=", csrf);
        size_t len = strlen(long_body);
        memset(long_body + len, 'x', 5000);
        long_body[len + 5000] = '\0';
        post_form(&j, "/signup", long_body, &r);
        free(long_body);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "too long"));
        resp_free(&r);
        /* a malformed escape */
        snprintf(body, sizeof(body), "_csrf=%s&handle=%%G1", csrf);
        post_form(&j, "/signup", body, &r);
        assert_int_equal(r.status, 400);
        resp_free(&r);
        /* invalid UTF-8 in the path */
        get(&j, "/@%FF%FE", &r);
        assert_int_equal(r.status, 400);
        resp_free(&r);
        /* a NUL smuggled into a query value */
        get(&j, "/login?next=%2F%00evil", &r);
        assert_int_equal(r.status, 400);
        resp_free(&r);
        /* none of it created an account */
        get(&j, "/@bob", &r);
        assert_int_equal(r.status, 404);
        resp_free(&r);
}

static void test_keepalive_reuses_connection(void **state)
{
        (void)state;
        struct http_conn c;
        assert_int_equal(conn_open(&c, srv.port), 0);
        const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        struct http_resp r;
        for (int i = 0; i < 3; i++) {
                assert_int_equal(conn_send(&c, req, strlen(req)), 0);
                assert_int_equal(conn_read(&c, &r, false), 0);
                assert_int_equal(r.status, 200);
                char v[64];
                if (resp_header_get(&r, "Connection", v, sizeof(v)))
                        assert_string_not_equal(v, "close");
                resp_free(&r);
        }
        /* A POST with a body on the same connection is answered on it too. */
        const char *post = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                           "application/x-www-form-urlencoded\r\nContent-Length: 11\r\n"
                           "Cookie: kd_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n\r\n"
                           "login=x&a=b";
        assert_int_equal(conn_send(&c, post, strlen(post)), 0);
        assert_int_equal(conn_read(&c, &r, false), 0);
        assert_int_equal(r.status, 403); /* the form carries no CSRF token */
        resp_free(&r);
        assert_int_equal(conn_send(&c, req, strlen(req)), 0);
        assert_int_equal(conn_read(&c, &r, false), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        /* Two requests pipelined in one write: both answered in order. */
        char two[256];
        snprintf(two, sizeof(two), "%sGET /nope HTTP/1.1\r\nHost: x\r\n\r\n", req);
        assert_int_equal(conn_send(&c, two, strlen(two)), 0);
        assert_int_equal(conn_read(&c, &r, false), 0);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        assert_int_equal(conn_read(&c, &r, false), 0);
        assert_int_equal(r.status, 404);
        resp_free(&r);
        conn_close(&c);
}

static void test_head_has_no_body(void **state)
{
        (void)state;
        struct http_conn c;
        assert_int_equal(conn_open(&c, srv.port), 0);
        const char *req =
            "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_int_equal(conn_send(&c, req, strlen(req)), 0);
        struct http_resp r;
        assert_int_equal(conn_read(&c, &r, true), 0);
        assert_int_equal(r.status, 200);
        char cl[32];
        assert_true(resp_header_get(&r, "Content-Length", cl, sizeof(cl)));
        assert_true(atoi(cl) > 100);
        resp_free(&r);
        /* If HEAD had sent a body, this would read HTML instead of the next status line. */
        assert_int_equal(conn_read(&c, &r, false), 0);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"status\":\"ok\""));
        resp_free(&r);
        conn_close(&c);
}

static void test_static_etag_and_cache(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/static/kindred.css", &r);
        assert_int_equal(r.status, 200);
        char etag[64], ct[64], cc[128];
        assert_true(resp_header_get(&r, "ETag", etag, sizeof(etag)));
        assert_true(resp_header_get(&r, "Content-Type", ct, sizeof(ct)));
        assert_string_equal(ct, "text/css; charset=utf-8");
        assert_false(resp_header_get(&r, "Set-Cookie", cc, sizeof(cc)));
        resp_free(&r);
        char hdr[128];
        snprintf(hdr, sizeof(hdr), "If-None-Match: %s\r\n", etag);
        assert_int_equal(http_do(srv.port, "GET", "/static/kindred.css", hdr, NULL, NULL, 0, &r),
                         0);
        assert_int_equal(r.status, 304);
        assert_int_equal(r.body_len, 0);
        resp_free(&r);
        /* The layout links the stylesheet by content hash: cacheable for a year. */
        get(NULL, "/", &r);
        const char *link = strstr(r.body, "/static/kindred.css?v=");
        assert_non_null(link);
        char path[128];
        snprintf(path, sizeof(path), "%.*s", (int)strcspn(link, "\""), link);
        resp_free(&r);
        get(NULL, path, &r);
        assert_int_equal(r.status, 200);
        assert_true(resp_header_get(&r, "Cache-Control", cc, sizeof(cc)));
        assert_non_null(strstr(cc, "immutable"));
        resp_free(&r);
}

static void test_roles_and_login_redirect(void **state)
{
        (void)state;
        struct http_resp r;
        /* A guest is sent to log in, and back afterwards. */
        get(NULL, "/admin/members", &r);
        assert_int_equal(r.status, 303);
        char loc[256];
        assert_true(resp_header_get(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, "/login?next=%2Fadmin%2Fmembers");
        resp_free(&r);
        /* A reader is refused. */
        struct member reader = {0};
        assert_int_equal(signup(&reader, "plain_reader", "reader@example.org", "Reader"), 303);
        get(&reader, "/admin/members", &r);
        assert_int_equal(r.status, 403);
        resp_free(&r);
        /* An admin made with the CLI gets in, and lands on `next` after logging in. */
        const char *args[] = {"member",           "add",    "boss",  "--email",
                              "boss@example.org", "--role", "admin", NULL};
        assert_int_equal(kd_cli(&srv, "a strong admin pass\n", args), 0);
        struct member admin = {0};
        char csrf[64], body[1024] = "";
        csrf_from(srv.port, "/login?next=%2Fadmin%2Fmembers", &admin, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "login", "boss");
        form_append(body, sizeof(body), "password", "a strong admin pass");
        form_append(body, sizeof(body), "next", "/admin/members");
        post_form(&admin, "/login", body, &r);
        assert_int_equal(r.status, 303);
        assert_true(resp_header_get(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, "/admin/members");
        jar_update(&admin.jar, &r);
        resp_free(&r);
        get(&admin, "/admin/members", &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "plain_reader"));
        resp_free(&r);
        /* The CLI can promote and disable. */
        const char *promote[] = {"member", "set-role", "plain_reader", "moderator", NULL};
        assert_int_equal(kd_cli(&srv, NULL, promote), 0);
        const char *bad_role[] = {"member", "set-role", "plain_reader", "emperor", NULL};
        assert_int_not_equal(kd_cli(&srv, NULL, bad_role), 0);
        const char *disable[] = {"member", "disable", "plain_reader", NULL};
        assert_int_equal(kd_cli(&srv, NULL, disable), 0);
        get(&reader, "/settings", &r); /* disabled: the session is gone */
        assert_int_equal(r.status, 303);
        resp_free(&r);
}

static void test_open_redirect_refused(void **state)
{
        (void)state;
        struct member j = {0};
        char csrf[64], body[1024] = "";
        csrf_from(srv.port, "/login", &j, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "login", "tomas");
        form_append(body, sizeof(body), "password", "kindred-demo");
        form_append(body, sizeof(body), "next", "//evil.example/steal");
        struct http_resp r;
        post_form(&j, "/login", body, &r);
        assert_int_equal(r.status, 303);
        char loc[256];
        assert_true(resp_header_get(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, "/");
        resp_free(&r);
}

static void test_markup_in_profile_is_inert(void **state)
{
        (void)state;
        struct member j = {0};
        assert_int_equal(signup(&j, "mallory", "mallory@example.org",
                                "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"),
                         303);
        struct http_resp r;
        get(&j, "/@mallory", &r);
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.body, "<script>alert"));
        assert_null(strstr(r.body, "<img src=x"));
        assert_non_null(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img"));
        resp_free(&r);
        get(&j, "/", &r);
        assert_null(strstr(r.body, "<script>alert"));
        resp_free(&r);
}

static void test_api_me(void **state)
{
        (void)state;
        struct http_resp r;
        get(NULL, "/api/v1/me", &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "\"signed_in\":false"));
        resp_free(&r);
        struct member j = {0};
        assert_int_equal(login_on(srv.port, &j, "june", "kindred-demo", NULL), 303);
        get(&j, "/api/v1/me", &r);
        assert_non_null(strstr(r.body, "\"handle\":\"june\""));
        assert_non_null(strstr(r.body, "\"role\":\"moderator\""));
        resp_free(&r);
}

/* Login throttling on a server of its own, so its counters start at zero. */
static void test_login_throttle_429(void **state)
{
        (void)state;
        struct kd_server t;
        assert_int_equal(kd_start(&t, NULL), 0);
        const char *add[] = {"member", "add", "victim", "--email", "v@example.org", NULL};
        assert_int_equal(kd_cli(&t, "the real password\n", add), 0);
        struct member j = {0};
        int statuses[8];
        for (int i = 0; i < 8; i++)
                statuses[i] = login_on(t.port, &j, "victim", "guessing wrong", NULL);
        for (int i = 0; i < 5; i++)
                assert_int_equal(statuses[i], 422); /* the first five cost nothing */
        /* the sixth failure locks for 2 s; the next tries are refused */
        assert_int_equal(statuses[6], 429);
        assert_int_equal(statuses[7], 429);
        struct http_resp r;
        assert_int_equal(login_on(t.port, &j, "VICTIM", "the real password", &r), 429);
        char ra[16];
        assert_true(resp_header_get(&r, "Retry-After", ra, sizeof(ra)));
        assert_true(atoi(ra) >= 1);
        assert_non_null(strstr(r.body, "Too many failed attempts"));
        resp_free(&r);
        /* After the lockout, the right password works. */
        sleep((unsigned)atoi(ra) + 1);
        assert_int_equal(login_on(t.port, &j, "victim", "the real password", NULL), 303);
        struct kd_server keep = srv;
        srv = t;
        assert_int_equal(kd_fixture_stop(NULL), 0);
        srv = keep;
}

static void test_signup_rate_limit_429(void **state)
{
        (void)state;
        struct kd_server t;
        const char *env[] = {"KINDRED_SIGNUPS_PER_HOUR=2", NULL};
        assert_int_equal(kd_start(&t, env), 0);
        struct member a = {0}, b = {0}, c = {0};
        assert_int_equal(signup_on(t.port, &a, "first", "1@example.org", "One"), 200);
        assert_int_equal(signup_on(t.port, &b, "second", "2@example.org", "Two"), 200);
        assert_int_equal(signup_on(t.port, &c, "third", "3@example.org", "Three"), 429);
        assert_null(jar_get(&c.jar, "kd_session"));
        struct kd_server keep = srv;
        srv = t;
        assert_int_equal(kd_fixture_stop(NULL), 0);
        srv = keep;
}

/* Signs up from the address in X-Forwarded-For; returns the status. */
static int signup_via_proxy(int port, const char *handle, const char *forwarded_for)
{
        struct member j = {0};
        char csrf[64], body[1024] = "", headers[1200], cookie[1024];
        csrf_from(port, "/signup", &j, csrf, sizeof(csrf));
        form_append(body, sizeof(body), "_csrf", csrf);
        form_append(body, sizeof(body), "handle", handle);
        form_append(body, sizeof(body), "display_name", handle);
        char email[96];
        snprintf(email, sizeof(email), "%s@example.org", handle);
        form_append(body, sizeof(body), "email", email);
        form_append(body, sizeof(body), "password", "correct horse battery");
        jar_header(&j.jar, cookie, sizeof(cookie));
        snprintf(headers, sizeof(headers), "%sX-Forwarded-For: %s\r\n", cookie, forwarded_for);
        struct http_resp r;
        assert_int_equal(http_do(port, "POST", "/signup", headers,
                                 "application/x-www-form-urlencoded", body, strlen(body), &r),
                         0);
        int status = r.status;
        resp_free(&r);
        return status;
}

/* Behind a proxy, limits apply per forwarded client; without trust, the header is ignored. */
static void test_trusted_proxy_addresses(void **state)
{
        (void)state;
        struct kd_server t;
        const char *env[] = {"KINDRED_SIGNUPS_PER_HOUR=1", "KINDRED_TRUST_PROXY=true", NULL};
        assert_int_equal(kd_start(&t, env), 0);
        assert_int_equal(signup_via_proxy(t.port, "via_a", "198.51.100.7, 203.0.113.1"), 200);
        assert_int_equal(signup_via_proxy(t.port, "via_b", "203.0.113.2"), 200);
        assert_int_equal(signup_via_proxy(t.port, "via_c", "203.0.113.1"), 429);
        /* a malformed entry falls back to the socket's address, which has not signed up yet */
        assert_int_equal(signup_via_proxy(t.port, "via_d", "not-an-address"), 200);
        assert_true(kd_log_contains(&t, "access 203.0.113.2 POST /signup 200"));
        struct kd_server keep = srv;
        srv = t;
        assert_int_equal(kd_fixture_stop(NULL), 0);

        const char *untrusting[] = {"KINDRED_SIGNUPS_PER_HOUR=1", NULL};
        assert_int_equal(kd_start(&t, untrusting), 0);
        assert_int_equal(signup_via_proxy(t.port, "via_e", "203.0.113.3"), 200);
        assert_int_equal(signup_via_proxy(t.port, "via_f", "203.0.113.4"), 429);
        srv = t;
        assert_int_equal(kd_fixture_stop(NULL), 0);
        srv = keep;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_healthz),
            cmocka_unit_test(test_security_headers),
            cmocka_unit_test(test_signup_login_settings_logout),
            cmocka_unit_test(test_session_cookie_flags),
            cmocka_unit_test(test_csrf_missing_or_wrong_is_403),
            cmocka_unit_test(test_duplicate_handle_is_refused),
            cmocka_unit_test(test_signup_form_keeps_input_and_explains),
            cmocka_unit_test(test_wrong_password),
            cmocka_unit_test(test_unknown_path_404),
            cmocka_unit_test(test_wrong_method_405),
            cmocka_unit_test(test_oversized_body_413),
            cmocka_unit_test(test_oversized_chunked_body_413),
            cmocka_unit_test(test_invalid_utf8_and_long_fields_400),
            cmocka_unit_test(test_keepalive_reuses_connection),
            cmocka_unit_test(test_head_has_no_body),
            cmocka_unit_test(test_static_etag_and_cache),
            cmocka_unit_test(test_roles_and_login_redirect),
            cmocka_unit_test(test_open_redirect_refused),
            cmocka_unit_test(test_markup_in_profile_is_inert),
            cmocka_unit_test(test_api_me),
            cmocka_unit_test(test_login_throttle_429),
            cmocka_unit_test(test_signup_rate_limit_429),
            cmocka_unit_test(test_trusted_proxy_addresses),
        };
        return cmocka_run_group_tests_name("http", tests, kd_fixture_start, kd_fixture_stop);
}
