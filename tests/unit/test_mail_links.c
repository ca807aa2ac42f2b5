/* Mailed links (model/mail_token.h, model/mail_link.h) and the mail layout
 * (web/mail_compose.h), on SQLite and, under tests/pg/run, on PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/limits.h"
#include "model/mail_link.h"
#include "model/mail_outbox.h"
#include "model/mail_token.h"
#include "model/job_worker.h"
#include "web/mail_compose.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "tmpdb.h"

static int setup(void **state)
{
        struct tmpdb *t = calloc(1, sizeof(*t));
        if (!t || tmpdb_open(t) != 0 || db_migrate(t->db, NULL) != DB_OK)
                return -1;
        *state = t;
        return 0;
}

static int teardown(void **state)
{
        job_worker_reset();
        tmpdb_remove(*state);
        free(*state);
        return 0;
}

static struct db *DB(void **state)
{
        return ((struct tmpdb *)*state)->db;
}

static void a_token_works_once_and_until_it_expires(void **state)
{
        struct db *db = DB(state);
        struct arena *a = arena_new();
        char tok[TOKEN_CHARS + 1], other[TOKEN_CHARS + 1];
        struct mail_token t;
        assert_int_equal(
            mail_token_create(db, "reset", 0, "ann@example.org", "{\"x\":1}", 1000, 3600, tok),
            MAIL_TOKEN_OK);
        /* only the hash is kept */
        struct db_stmt *s = db_prepare(db, "SELECT token_hash FROM mail_token");
        assert_int_equal(db_step(s), DB_ROW);
        assert_string_not_equal(db_col_text(s, 0), tok);
        assert_int_equal(strlen(db_col_text(s, 0)), 64);
        db_finish(s);
        /* peeking uses nothing up, and another purpose does not know the token */
        assert_int_equal(mail_token_peek(db, a, "reset", tok, 1001, &t), MAIL_TOKEN_OK);
        assert_string_equal(t.email, "ann@example.org");
        assert_string_equal(t.payload, "{\"x\":1}");
        assert_int_equal(mail_token_peek(db, a, "signup", tok, 1001, &t), MAIL_TOKEN_UNKNOWN);
        assert_int_equal(mail_token_peek(db, a, "reset", "not a token", 1001, &t),
                         MAIL_TOKEN_UNKNOWN);
        /* taken once; the second time it says used */
        assert_int_equal(mail_token_take(db, a, "reset", tok, 1002, &t), MAIL_TOKEN_OK);
        assert_string_equal(t.email, "ann@example.org");
        assert_int_equal(mail_token_take(db, a, "reset", tok, 1003, &t), MAIL_TOKEN_USED);
        assert_int_equal(mail_token_peek(db, a, "reset", tok, 1003, &t), MAIL_TOKEN_USED);
        /* an expired one cannot be taken */
        assert_int_equal(
            mail_token_create(db, "reset", 0, "ann@example.org", NULL, 1000, 60, other),
            MAIL_TOKEN_OK);
        assert_int_equal(mail_token_take(db, a, "reset", other, 1060, &t), MAIL_TOKEN_EXPIRED);
        assert_int_equal(mail_token_count_since(db, "reset", "ann@example.org", 1000), 2);
        assert_int_equal(mail_token_count_since(db, "reset", "ann@example.org", 1001), 0);
        /* a day after, both are purged */
        assert_int_equal(mail_token_purge(db, 1060 + 1), 2);
        assert_int_equal(mail_token_peek(db, a, "reset", tok, 1003, &t), MAIL_TOKEN_UNKNOWN);
        arena_free(a);
}

static void a_rolled_back_use_leaves_the_token_usable(void **state)
{
        struct db *db = DB(state);
        struct arena *a = arena_new();
        char tok[TOKEN_CHARS + 1];
        struct mail_token t;
        char big[KD_MAIL_TOKEN_PAYLOAD_MAX + 2];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_int_equal(mail_token_create(db, "signup", 0, "b@example.org", big, 10, 60, tok),
                         MAIL_TOKEN_TOO_LARGE);
        assert_int_equal(mail_token_create(db, "signup", 0, "b@example.org", "", 10, 60, tok),
                         MAIL_TOKEN_OK);
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(mail_token_take(db, a, "signup", tok, 11, &t), MAIL_TOKEN_OK);
        assert_int_equal(db_rollback(db), DB_OK);
        assert_int_equal(mail_token_take(db, a, "signup", tok, 12, &t), MAIL_TOKEN_OK);
        arena_free(a);
}

static void revoking_ends_a_members_pending_tokens(void **state)
{
        struct db *db = DB(state);
        struct arena *a = arena_new();
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO member (id, handle, handle_key, display_name, email, email_key, "
                "password_hash, created_at, updated_at) VALUES (7, 'c', 'c', 'C', 'c@x.org', "
                "'c@x.org', 'x', 1, 1)");
        assert_int_equal(db_step(s), DB_DONE);
        db_finish(s);
        char one[TOKEN_CHARS + 1], two[TOKEN_CHARS + 1];
        struct mail_token t;
        assert_int_equal(mail_token_create(db, "reset", 7, "c@x.org", NULL, 10, 600, one),
                         MAIL_TOKEN_OK);
        assert_int_equal(mail_token_create(db, "reset", 7, "c@x.org", NULL, 11, 600, two),
                         MAIL_TOKEN_OK);
        assert_int_equal(mail_token_revoke(db, "reset", 7, 20), 2);
        assert_int_equal(mail_token_take(db, a, "reset", one, 21, &t), MAIL_TOKEN_USED);
        assert_int_equal(mail_token_take(db, a, "reset", two, 21, &t), MAIL_TOKEN_USED);
        arena_free(a);
}

static void signed_links_verify_only_their_own_purpose_and_id(void **state)
{
        struct db *db = DB(state);
        char sig[MAIL_LINK_SIG_CHARS + 1];
        /* no key yet: nothing verifies, and verifying makes none */
        assert_false(mail_link_verify(db, "unsubscribe", 1, "AAAAAAAAAAAAAAAAAAAAAA"));
        unsigned char key[MAIL_LINK_KEY_BYTES], again[MAIL_LINK_KEY_BYTES];
        assert_int_equal(mail_link_key(db, key), 0);
        assert_int_equal(mail_link_key(db, again), 0);
        assert_memory_equal(key, again, sizeof(key)); /* made once, then read */
        mail_link_sign(key, "unsubscribe", 42, sig);
        assert_int_equal(strlen(sig), MAIL_LINK_SIG_CHARS);
        assert_true(mail_link_verify(db, "unsubscribe", 42, sig));
        assert_false(mail_link_verify(db, "unsubscribe", 43, sig));
        assert_false(mail_link_verify(db, "digest_off", 42, sig));
        assert_false(mail_link_verify(db, "unsubscribe", 42, ""));
        assert_false(mail_link_verify(db, "unsubscribe", 42, NULL));
        char bad[MAIL_LINK_SIG_CHARS + 1];
        memcpy(bad, sig, sizeof(bad));
        bad[0] = bad[0] == 'A' ? 'B' : 'A';
        assert_false(mail_link_verify(db, "unsubscribe", 42, bad));
}

/* The message with quoted-printable undone (soft breaks joined, =XX decoded): enough to find
 * text in either part. */
static char *unquote(const char *msg)
{
        char *out = malloc(strlen(msg) + 1), *o = out;
        for (const char *p = msg; *p;) {
                if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
                        p += 3;
                } else if (p[0] == '=' && isxdigit((unsigned char)p[1]) &&
                           isxdigit((unsigned char)p[2])) {
                        char hex[3] = {p[1], p[2], 0};
                        *o++ = (char)strtol(hex, NULL, 16);
                        p += 3;
                } else {
                        *o++ = *p++;
                }
        }
        *o = '\0';
        return out;
}

static void a_composed_mail_has_both_parts_and_the_unsubscribe_headers(void **state)
{
        struct db *db = DB(state);
        struct config c;
        config_defaults(&c);
        c.base_url = "https://kindred.example.org";
        c.site_name = "Tea & <Tales>";
        c.mail_from = "news@kindred.example.org";
        assert_int_equal(mail_outbox_setup(&c), 0);
        struct arena *a = arena_new();
        struct mail_compose m;
        mail_compose_begin(&m, a, &c, "zh-CN", 1700000000);
        assert_string_equal(mail_compose_url(&m, "/n/tea"), "https://kindred.example.org/n/tea");
        mail_compose_heading(&m, "A <new> episode");
        mail_compose_paragraph(&m, "Line & more");
        mail_compose_quote(&m, "first\nsecond");
        mail_compose_button(&m, "Read it", mail_compose_url(&m, "/n/tea/one"));
        struct mail_compose_send send = {
            .purpose = "episode",
            .to_address = "reader@example.org",
            .subject = "A new episode",
            .why = "You subscribed.",
            .unsubscribe_url = "https://kindred.example.org/unsubscribe/1/sig",
        };
        int64_t id = 0;
        assert_int_equal(db_begin(db), DB_OK);
        assert_int_equal(mail_compose_queue(&m, db, &send, &id), MAIL_QUEUED);
        assert_int_equal(db_commit(db), DB_OK);
        mail_compose_end(&m);
        struct db_stmt *s = db_prepare(db, "SELECT message FROM mail_outbox WHERE id = ?1");
        db_bind_int(s, 1, id);
        assert_int_equal(db_step(s), DB_ROW);
        char *msg = unquote(db_col_text(s, 0));
        assert_non_null(
            strstr(msg, "List-Unsubscribe: <https://kindred.example.org/unsubscribe/1/sig>"));
        assert_non_null(strstr(msg, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert_non_null(strstr(msg, "Auto-Submitted: auto-generated"));
        assert_non_null(strstr(msg, "multipart/alternative"));
        /* the HTML is escaped and in the recipient's language (quoted-printable keeps ASCII) */
        assert_non_null(strstr(msg, "A &lt;new&gt; episode"));
        assert_non_null(strstr(msg, "Tea &amp; &lt;Tales&gt;"));
        assert_non_null(strstr(msg, "lang=\"zh-CN\""));
        assert_non_null(strstr(msg, "> first\r\n> second"));
        assert_non_null(strstr(msg, "Read it: https://kindred.example.org/n/tea/one"));
        assert_null(strstr(msg, "<A <new>"));
        free(msg);
        db_finish(s);
        /* account mail has no unsubscribe header */
        mail_compose_begin(&m, a, &c, NULL, 1700000000);
        mail_compose_paragraph(&m, "Your password was changed.");
        send.unsubscribe_url = NULL;
        send.purpose = "notice";
        assert_int_equal(mail_compose_queue(&m, db, &send, &id), MAIL_QUEUED);
        mail_compose_end(&m);
        s = db_prepare(db, "SELECT message FROM mail_outbox WHERE id = ?1");
        db_bind_int(s, 1, id);
        assert_int_equal(db_step(s), DB_ROW);
        msg = unquote(db_col_text(s, 0));
        assert_null(strstr(msg, "List-Unsubscribe"));
        assert_non_null(strstr(msg, "lang=\"en\""));
        free(msg);
        db_finish(s);
        arena_free(a);
}

int main(void)
{
        if (sodium_init() < 0)
                return 1;
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(a_token_works_once_and_until_it_expires, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(a_rolled_back_use_leaves_the_token_usable, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(revoking_ends_a_members_pending_tokens, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(signed_links_verify_only_their_own_purpose_and_id,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(
                a_composed_mail_has_both_parts_and_the_unsubscribe_headers, setup, teardown),
        };
        int failed = cmocka_run_group_tests_name("mail links", tests, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed +=
                    cmocka_run_group_tests_name("mail links on PostgreSQL", tests, NULL, NULL);
        return failed;
}
