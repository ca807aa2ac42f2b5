/* Unit tests for model/member and model/session against a migrated temporary database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "core/token.h"
#include "model/member.h"
#include "model/session.h"
#include "tmpdb.h"

#include <sodium.h>
#include <string.h>

#define PASSWORD "correct horse battery"

struct fixture {
        struct tmpdb t;
        struct arena *a;
};

static int setup(void **state)
{
        struct fixture *fx = calloc(1, sizeof(*fx));
        if (!fx || tmpdb_open(&fx->t) != 0 || db_migrate(fx->t.db, NULL) != DB_OK)
                return -1;
        fx->a = arena_new();
        *state = fx;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *fx = *state;
        arena_free(fx->a);
        tmpdb_remove(&fx->t);
        free(fx);
        return 0;
}

#define FX    ((struct fixture *)*state)
#define DB    (FX->t.db)
#define ARENA (FX->a)

static int create(struct db *db, const char *handle, const char *email, const char *password,
                  int64_t *id, struct member_problem *p)
{
        struct member_input in = {
            .handle = handle,
            .display_name = "Ada Lovelace",
            .headline = "Analyst",
            .bio = "Wrote the first program.",
            .email = email,
            .password = password,
        };
        struct member_problem scratch;
        return member_create(db, &in, ROLE_READER, id, p ? p : &scratch);
}

/* Creates a member that must succeed; returns its id. */
static int64_t make_member(struct db *db, const char *handle, const char *email)
{
        int64_t id = 0;
        assert_int_equal(create(db, handle, email, PASSWORD, &id, NULL), MEMBER_OK);
        assert_true(id > 0);
        return id;
}

static int64_t count_rows(struct db *db, const char *sql, int64_t arg)
{
        struct db_stmt *s = db_prepare(db, sql);
        assert_non_null(s);
        db_bind_int(s, 1, arg);
        assert_int_equal(db_step(s), DB_ROW);
        int64_t n = db_col_int(s, 0);
        db_finish(s);
        return n;
}

/* ---- handles -------------------------------------------------------------------------------- */

static void test_handle_rules(void **state)
{
        (void)state;
        const char *good[] = {
            "ada", "a_1", "Ada", "ab", "z9", "a__", "abcdefghijklmnopqrstuvwxyz1234"};
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
                if (member_handle_problem(good[i]))
                        fail_msg("\"%s\" should be a valid handle", good[i]);
        const char *bad[] = {
            "1ab",
            "a",
            "",
            "abcdefghijklmnopqrstuvwxyz12345", /* 31 */
            "ad-a",
            "ad\xC3\xA9",
            "_ab",
            "a b",
            "ab\n",
            "ab;",
            "ab.",
            "ab@",
            "@ab",
            "a%",
            "\xC3\xA9t\xC3\xA9",
            "ab\x7F",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                const char *why = member_handle_problem(bad[i]);
                if (!why || !*why)
                        fail_msg("\"%s\" should be refused", bad[i]);
        }
}

/* ---- creating members ----------------------------------------------------------------------- */

static void test_create_and_get(void **state)
{
        int64_t id = make_member(DB, "Ada", "Ada@Example.org");
        struct member m;
        assert_int_equal(member_get(DB, ARENA, id, &m), MEMBER_OK);
        assert_int_equal(m.id, id);
        assert_string_equal(m.handle, "Ada"); /* shown as first written */
        assert_string_equal(m.display_name, "Ada Lovelace");
        assert_string_equal(m.email, "Ada@Example.org");
        assert_int_equal(m.role, ROLE_READER);
        assert_false(m.disabled);
        assert_true(m.created_at > 0);

        struct member by_handle;
        assert_int_equal(member_find_handle(DB, ARENA, "aDA", &by_handle), MEMBER_OK);
        assert_int_equal(by_handle.id, id);
        assert_int_equal(member_find_handle(DB, ARENA, "nobody", &by_handle), MEMBER_NOT_FOUND);
        assert_int_equal(member_get(DB, ARENA, id + 1000, &m), MEMBER_NOT_FOUND);
        assert_int_equal(member_count(DB), 1);
}

static void test_create_handle_taken(void **state)
{
        make_member(DB, "ada", "ada@example.org");
        int64_t id = 0;
        assert_int_equal(create(DB, "ADA", "other@example.org", PASSWORD, &id, NULL),
                         MEMBER_HANDLE_TAKEN);
        assert_int_equal(create(DB, "aDa", "ada@example.org", PASSWORD, &id, NULL),
                         MEMBER_HANDLE_TAKEN);
        assert_int_equal(member_count(DB), 1);
}

static void test_create_email_taken(void **state)
{
        make_member(DB, "ada", "ada@example.org");
        int64_t id = 0;
        assert_int_equal(create(DB, "grace", "ADA@Example.ORG", PASSWORD, &id, NULL),
                         MEMBER_EMAIL_TAKEN);
        assert_int_equal(member_count(DB), 1);
}

static void test_create_invalid(void **state)
{
        int64_t id = 0;
        struct member_problem p = {0};
        assert_int_equal(create(DB, "ada", "ada@example.org", "short", &id, &p), MEMBER_INVALID);
        assert_string_equal(p.field, "password");
        assert_non_null(p.message);
        /* Nine characters is one short. */
        memset(&p, 0, sizeof(p));
        assert_int_equal(create(DB, "ada", "ada@example.org", "123456789", &id, &p),
                         MEMBER_INVALID);
        assert_string_equal(p.field, "password");
        /* Characters, not bytes: nine é are 18 bytes but still nine characters. */
        memset(&p, 0, sizeof(p));
        assert_int_equal(create(DB, "ada", "ada@example.org",
                                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                "\xC3\xA9",
                                &id, &p),
                         MEMBER_INVALID);
        assert_string_equal(p.field, "password");

        memset(&p, 0, sizeof(p));
        assert_int_equal(create(DB, "1ada", "ada@example.org", PASSWORD, &id, &p), MEMBER_INVALID);
        assert_string_equal(p.field, "handle");

        const char *bad_emails[] = {"",
                                    "ada",
                                    "@example.org",
                                    "ada@",
                                    "ada@example",
                                    "a@b@example.org",
                                    "ada @example.org",
                                    "<a>@example.org"};
        for (size_t i = 0; i < sizeof(bad_emails) / sizeof(bad_emails[0]); i++) {
                memset(&p, 0, sizeof(p));
                if (create(DB, "ada", bad_emails[i], PASSWORD, &id, &p) != MEMBER_INVALID)
                        fail_msg("email \"%s\" should be refused", bad_emails[i]);
                assert_string_equal(p.field, "email");
        }
        assert_int_equal(member_count(DB), 0);
}

static void test_password_stored_hashed(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        struct db_stmt *s = db_prepare(DB, "SELECT password_hash FROM member WHERE id = ?1");
        assert_non_null(s);
        db_bind_int(s, 1, id);
        assert_int_equal(db_step(s), DB_ROW);
        const char *hash = db_col_text(s, 0);
        assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
        assert_null(strstr(hash, PASSWORD));
        db_finish(s);
}

/* ---- authentication ------------------------------------------------------------------------- */

static void test_authenticate(void **state)
{
        int64_t id = make_member(DB, "Ada", "ada@example.org");
        const char *logins[] = {"ada", "ADA", "Ada", "ada@example.org", "ADA@EXAMPLE.ORG"};
        for (size_t i = 0; i < sizeof(logins) / sizeof(logins[0]); i++) {
                struct member m = {0};
                if (member_authenticate(DB, ARENA, logins[i], PASSWORD, &m) != MEMBER_OK)
                        fail_msg("login as \"%s\" failed", logins[i]);
                assert_int_equal(m.id, id);
                assert_string_equal(m.handle, "Ada");
        }
}

static void test_authenticate_refused(void **state)
{
        make_member(DB, "ada", "ada@example.org");
        struct member m;
        assert_int_equal(member_authenticate(DB, ARENA, "ada", "wrong password!", &m),
                         MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_authenticate(DB, ARENA, "ada", PASSWORD "x", &m),
                         MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_authenticate(DB, ARENA, "ada", "", &m), MEMBER_WRONG_PASSWORD);
        /* Unknown members look exactly like wrong passwords. */
        assert_int_equal(member_authenticate(DB, ARENA, "nobody", PASSWORD, &m),
                         MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_authenticate(DB, ARENA, "", PASSWORD, &m), MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_authenticate(DB, ARENA, "%", PASSWORD, &m), MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_authenticate(DB, ARENA, "' OR 1=1 --", PASSWORD, &m),
                         MEMBER_WRONG_PASSWORD);
        /* Oversized input is refused without trouble. */
        char long_login[600];
        memset(long_login, 'a', sizeof(long_login) - 1);
        long_login[sizeof(long_login) - 1] = '\0';
        assert_int_equal(member_authenticate(DB, ARENA, long_login, PASSWORD, &m),
                         MEMBER_WRONG_PASSWORD);
        char *long_pw = malloc(KD_PASSWORD_MAX_BYTES + 2);
        assert_non_null(long_pw);
        memset(long_pw, 'p', KD_PASSWORD_MAX_BYTES + 1);
        long_pw[KD_PASSWORD_MAX_BYTES + 1] = '\0';
        assert_int_equal(member_authenticate(DB, ARENA, "ada", long_pw, &m), MEMBER_WRONG_PASSWORD);
        free(long_pw);
}

static void test_authenticate_disabled(void **state)
{
        make_member(DB, "ada", "ada@example.org");
        assert_int_equal(member_set_disabled(DB, "ADA", true), MEMBER_OK);
        struct member m;
        assert_int_equal(member_authenticate(DB, ARENA, "ada", PASSWORD, &m), MEMBER_DISABLED);
        /* A wrong password does not reveal that the account is disabled. */
        assert_int_equal(member_authenticate(DB, ARENA, "ada", "wrong password!", &m),
                         MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_count(DB), 0);
        assert_int_equal(member_set_disabled(DB, "ada", false), MEMBER_OK);
        assert_int_equal(member_authenticate(DB, ARENA, "ada", PASSWORD, &m), MEMBER_OK);
        assert_int_equal(member_set_disabled(DB, "nobody", true), MEMBER_NOT_FOUND);
}

static void test_change_password(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        struct member_problem p = {0};
        const char *next = "a much newer passphrase";
        assert_int_equal(member_change_password(DB, id, "not the password", next, &p),
                         MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_change_password(DB, id, PASSWORD, "short", &p), MEMBER_INVALID);
        assert_non_null(p.field);
        assert_non_null(strstr(p.field, "password"));
        struct member m;
        /* Neither failed attempt changed anything. */
        assert_int_equal(member_authenticate(DB, ARENA, "ada", PASSWORD, &m), MEMBER_OK);

        assert_int_equal(member_change_password(DB, id, PASSWORD, next, &p), MEMBER_OK);
        assert_int_equal(member_authenticate(DB, ARENA, "ada", next, &m), MEMBER_OK);
        assert_int_equal(member_authenticate(DB, ARENA, "ada", PASSWORD, &m),
                         MEMBER_WRONG_PASSWORD);
        assert_int_equal(member_change_password(DB, id + 1000, next, PASSWORD, &p),
                         MEMBER_NOT_FOUND);
}

/* ---- sessions ------------------------------------------------------------------------------- */

static void test_session_create_and_lookup(void **state)
{
        int64_t id = make_member(DB, "Ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        assert_int_equal(strlen(token), 43);
        assert_true(token_well_formed(token));

        struct session s = {0};
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_OK);
        assert_int_equal(s.member_id, id);
        assert_string_equal(s.handle, "Ada");
        assert_string_equal(s.display_name, "Ada Lovelace");
        assert_int_equal(s.role, ROLE_READER);
        assert_non_null(s.csrf_token);
        assert_int_equal(strlen(s.csrf_token), 43);
        assert_true(token_well_formed(s.csrf_token));
        assert_string_not_equal(s.csrf_token, token);
        int64_t now = time_now();
        assert_in_range(s.expires_at, now + 30 * 86400 - 120, now + 30 * 86400 + 120);

        /* Each session gets its own tokens. */
        char token2[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token2), SESSION_OK);
        assert_string_not_equal(token, token2);
        struct session s2 = {0};
        assert_int_equal(session_lookup(DB, ARENA, token2, &s2), SESSION_OK);
        assert_string_not_equal(s.csrf_token, s2.csrf_token);
}

static void test_session_token_not_stored(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);

        struct db_stmt *st = db_prepare(DB, "SELECT token_hash FROM session");
        assert_non_null(st);
        assert_int_equal(db_step(st), DB_ROW);
        const char *hash = db_col_text(st, 0);
        assert_true(strlen(hash) > 0);
        assert_string_not_equal(hash, token);
        assert_null(strstr(hash, token));
        db_finish(st);

        /* No column of any session row holds the token or a part of it. */
        char head[17];
        memcpy(head, token, 16);
        head[16] = '\0';
        st = db_prepare(DB, "SELECT count(*) FROM session WHERE"
                            " instr(token_hash, ?1) OR instr(csrf_token, ?1)"
                            " OR instr(CAST(member_id AS TEXT), ?1)"
                            " OR instr(token_hash, ?2) OR instr(csrf_token, ?2)");
        assert_non_null(st);
        db_bind_text(st, 1, token);
        db_bind_text(st, 2, head);
        assert_int_equal(db_step(st), DB_ROW);
        assert_int_equal(db_col_int(st, 0), 0);
        db_finish(st);
}

static void test_session_delete(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        assert_int_equal(session_delete(DB, token), SESSION_OK);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_NONE);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM session WHERE member_id = ?1", id),
                         0);
        /* Deleting again, or deleting nonsense, is harmless. */
        assert_int_equal(session_delete(DB, token), SESSION_OK);
        assert_int_equal(session_delete(DB, "junk"), SESSION_OK);
        assert_int_equal(session_delete(DB, NULL), SESSION_OK);
}

static void test_session_expired(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1], live[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        assert_int_equal(session_create(DB, id, 30, live), SESSION_OK);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_OK);
        struct db_stmt *st = db_prepare(DB, "UPDATE session SET expires_at = 0"
                                            " WHERE csrf_token = ?1");
        assert_non_null(st);
        db_bind_text(st, 1, s.csrf_token);
        assert_int_equal(db_step(st), DB_DONE);
        db_finish(st);
        assert_int_equal(db_changes(DB), 1);
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_NONE);
        assert_int_equal(session_lookup(DB, ARENA, live, &s), SESSION_OK);
        /* A session that expires this very second is over too. */
        st = db_prepare(DB, "UPDATE session SET expires_at = ?1");
        assert_non_null(st);
        db_bind_int(st, 1, time_now());
        assert_int_equal(db_step(st), DB_DONE);
        db_finish(st);
        assert_int_equal(session_lookup(DB, ARENA, live, &s), SESSION_NONE);
        assert_int_equal(session_purge_expired(DB), 2);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM session WHERE member_id = ?1", id),
                         0);
}

static void test_session_malformed_tokens(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        struct session s;
        char variant[SESSION_TOKEN_CHARS + 2];

        assert_int_equal(session_lookup(DB, ARENA, NULL, &s), SESSION_NONE);
        assert_int_equal(session_lookup(DB, ARENA, "", &s), SESSION_NONE);
        assert_int_equal(session_lookup(DB, ARENA, "abc", &s), SESSION_NONE);
        /* One character more, one less, one changed, one outside the alphabet. */
        snprintf(variant, sizeof(variant), "%sA", token);
        assert_int_equal(session_lookup(DB, ARENA, variant, &s), SESSION_NONE);
        snprintf(variant, sizeof(variant), "%.42s", token);
        assert_int_equal(session_lookup(DB, ARENA, variant, &s), SESSION_NONE);
        snprintf(variant, sizeof(variant), "%s", token);
        variant[10] = variant[10] == 'A' ? 'B' : 'A';
        assert_int_equal(session_lookup(DB, ARENA, variant, &s), SESSION_NONE);
        snprintf(variant, sizeof(variant), "%s", token);
        variant[0] = '!';
        assert_int_equal(session_lookup(DB, ARENA, variant, &s), SESSION_NONE);
        /* The token hash itself is not a token. */
        assert_int_equal(session_lookup(DB, ARENA, "' OR 1=1 --", &s), SESSION_NONE);
        /* The real one still works. */
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_OK);
}

static void test_session_csrf_is_not_a_session(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_OK);
        struct session other;
        assert_int_equal(session_lookup(DB, ARENA, s.csrf_token, &other), SESSION_NONE);
}

static void test_disabling_removes_sessions(void **state)
{
        int64_t ada = make_member(DB, "ada", "ada@example.org");
        int64_t grace = make_member(DB, "grace", "grace@example.org");
        char t1[SESSION_TOKEN_CHARS + 1], t2[SESSION_TOKEN_CHARS + 1], tg[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, ada, 30, t1), SESSION_OK);
        assert_int_equal(session_create(DB, ada, 30, t2), SESSION_OK);
        assert_int_equal(session_create(DB, grace, 30, tg), SESSION_OK);

        assert_int_equal(member_set_disabled(DB, "Ada", true), MEMBER_OK);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM session WHERE member_id = ?1", ada),
                         0);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, t1, &s), SESSION_NONE);
        assert_int_equal(session_lookup(DB, ARENA, t2, &s), SESSION_NONE);
        /* Someone else's session is untouched. */
        assert_int_equal(session_lookup(DB, ARENA, tg, &s), SESSION_OK);
        assert_int_equal(s.member_id, grace);
        /* Re-enabling does not bring the old sessions back. */
        assert_int_equal(member_set_disabled(DB, "ada", false), MEMBER_OK);
        assert_int_equal(session_lookup(DB, ARENA, t1, &s), SESSION_NONE);
}

static void test_disabled_member_session_refused(void **state)
{
        /* Even if a session row survives (set directly in the database), a disabled member's
         * session is not honoured. */
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        struct db_stmt *st = db_prepare(DB, "UPDATE member SET disabled = 1 WHERE id = ?1");
        assert_non_null(st);
        db_bind_int(st, 1, id);
        assert_int_equal(db_step(st), DB_DONE);
        db_finish(st);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_NONE);
}

static void test_session_delete_others(void **state)
{
        int64_t ada = make_member(DB, "ada", "ada@example.org");
        int64_t grace = make_member(DB, "grace", "grace@example.org");
        char t[3][SESSION_TOKEN_CHARS + 1], tg[SESSION_TOKEN_CHARS + 1];
        for (int i = 0; i < 3; i++)
                assert_int_equal(session_create(DB, ada, 30, t[i]), SESSION_OK);
        assert_int_equal(session_create(DB, grace, 30, tg), SESSION_OK);

        assert_int_equal(session_delete_others(DB, ada, t[1]), SESSION_OK);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, t[0], &s), SESSION_NONE);
        assert_int_equal(session_lookup(DB, ARENA, t[1], &s), SESSION_OK);
        assert_int_equal(session_lookup(DB, ARENA, t[2], &s), SESSION_NONE);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM session WHERE member_id = ?1", ada),
                         1);
        assert_int_equal(session_lookup(DB, ARENA, tg, &s), SESSION_OK);

        /* Keeping another member's token keeps nothing of this member's. */
        assert_int_equal(session_delete_others(DB, ada, tg), SESSION_OK);
        assert_int_equal(session_lookup(DB, ARENA, t[1], &s), SESSION_NONE);
        assert_int_equal(session_lookup(DB, ARENA, tg, &s), SESSION_OK);

        /* NULL keeps none. */
        assert_int_equal(session_delete_others(DB, grace, NULL), SESSION_OK);
        assert_int_equal(session_lookup(DB, ARENA, tg, &s), SESSION_NONE);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM session WHERE ?1 = ?1", 0), 0);
}

static void test_deleting_member_cascades(void **state)
{
        int64_t id = make_member(DB, "ada", "ada@example.org");
        char token[SESSION_TOKEN_CHARS + 1];
        assert_int_equal(session_create(DB, id, 30, token), SESSION_OK);
        struct db_stmt *st = db_prepare(DB, "DELETE FROM member WHERE id = ?1");
        assert_non_null(st);
        db_bind_int(st, 1, id);
        assert_int_equal(db_step(st), DB_DONE);
        db_finish(st);
        struct session s;
        assert_int_equal(session_lookup(DB, ARENA, token, &s), SESSION_NONE);
        assert_int_equal(count_rows(DB, "SELECT count(*) FROM session WHERE member_id = ?1", id),
                         0);
}

/* A confirmed sign-up: the hash made when the form was sent, the member made later inside the
 * link's transaction, where a clash must still be told apart (on PostgreSQL a failed statement
 * spoils the transaction around it unless it had a savepoint of its own). */
static void test_create_hashed_inside_a_transaction(void **state)
{
        make_member(DB, "ada", "ada@example.org");
        char hash[crypto_pwhash_STRBYTES];
        assert_int_equal(member_hash_password(PASSWORD, hash), 0);
        struct member_input in = {
            .handle = "Ada", .display_name = "Another Ada", .email = "new@example.org"};
        struct member_problem p = {0};
        int64_t id = 0;
        assert_int_equal(db_begin(DB), DB_OK);
        assert_int_equal(member_create_hashed(DB, &in, hash, ROLE_READER, &id, &p),
                         MEMBER_HANDLE_TAKEN);
        in.handle = "grace";
        in.email = "ADA@example.org";
        assert_int_equal(member_create_hashed(DB, &in, hash, ROLE_READER, &id, &p),
                         MEMBER_EMAIL_TAKEN);
        in.email = "grace@example.org";
        assert_int_equal(member_create_hashed(DB, &in, hash, ROLE_READER, &id, &p), MEMBER_OK);
        assert_int_equal(db_commit(DB), DB_OK);
        struct member m;
        assert_int_equal(member_authenticate(DB, ARENA, "grace", PASSWORD, &m), MEMBER_OK);
        assert_int_equal(m.id, id);
        /* only an argon2id hash is taken */
        in.handle = "hopper";
        in.email = "hopper@example.org";
        assert_int_equal(member_create_hashed(DB, &in, "plain text", ROLE_READER, &id, &p),
                         MEMBER_INVALID);
        assert_int_equal(member_handle_taken(DB, "GRACE"), 1);
        assert_int_equal(member_handle_taken(DB, "hopper"), 0);
        assert_int_equal(member_email_taken(DB, "Grace@Example.org"), 1);
        assert_int_equal(member_email_taken(DB, "hopper@example.org"), 0);
}

static void test_set_email_and_find(void **state)
{
        int64_t ada = make_member(DB, "ada", "ada@example.org");
        int64_t grace = make_member(DB, "grace", "grace@example.org");
        assert_int_equal(member_set_email(DB, ada, "GRACE@example.org"), MEMBER_EMAIL_TAKEN);
        assert_int_equal(member_set_email(DB, ada, "Countess@Example.org"), MEMBER_OK);
        struct member m;
        assert_int_equal(member_find_email(DB, ARENA, "countess@example.org", &m), MEMBER_OK);
        assert_int_equal(m.id, ada);
        assert_string_equal(m.email, "Countess@Example.org");
        assert_int_equal(member_find_email(DB, ARENA, "ada@example.org", &m), MEMBER_NOT_FOUND);
        assert_int_equal(member_set_email(DB, grace + 1000, "x@example.org"), MEMBER_NOT_FOUND);
        /* the profile form no longer changes the address */
        struct member_input in = {.display_name = "Ada", .email = "elsewhere@example.org"};
        struct member_problem p = {0};
        assert_int_equal(member_update_profile(DB, ada, &in, &p), MEMBER_OK);
        assert_int_equal(member_get(DB, ARENA, ada, &m), MEMBER_OK);
        assert_string_equal(m.email, "Countess@Example.org");
}

/* A name ends up in a mail's To: header: a line break in it is refused, CR alone too. */
static void test_line_breaks_in_names_refused(void **state)
{
        (void)state;
        const char *names[] = {"Eve\rBcc: x@evil.example", "Eve\nBcc: x@evil.example",
                               "Eve\r\nBcc: x@evil.example", "Eve\tTab"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                struct member_input in = {.handle = "eve",
                                          .display_name = names[i],
                                          .email = "eve@example.org",
                                          .password = PASSWORD};
                struct member_problem p = {0};
                assert_int_equal(member_validate_signup(&in, &p), MEMBER_INVALID);
                assert_string_equal(p.field, "display_name");
        }
        struct member_input in = {.handle = "eve",
                                  .display_name = "Eve",
                                  .headline = "one\rtwo",
                                  .email = "eve@example.org",
                                  .password = PASSWORD};
        struct member_problem p = {0};
        assert_int_equal(member_validate_signup(&in, &p), MEMBER_INVALID);
        assert_string_equal(p.field, "headline");
}

int main(void)
{
        if (sodium_init() < 0)
                return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_handle_rules),
            T(test_create_and_get),
            T(test_create_handle_taken),
            T(test_create_email_taken),
            T(test_create_invalid),
            T(test_password_stored_hashed),
            T(test_authenticate),
            T(test_authenticate_refused),
            T(test_authenticate_disabled),
            T(test_change_password),
            T(test_session_create_and_lookup),
            T(test_session_token_not_stored),
            T(test_session_delete),
            T(test_session_expired),
            T(test_session_malformed_tokens),
            T(test_session_csrf_is_not_a_session),
            T(test_disabling_removes_sessions),
            T(test_disabled_member_session_refused),
            T(test_session_delete_others),
            T(test_deleting_member_cascades),
            T(test_create_hashed_inside_a_transaction),
            T(test_set_email_and_find),
            T(test_line_breaks_in_names_refused),
        };
        /* what a confirmed sign-up and a changed address need of the model, again on
         * PostgreSQL under tests/pg/run */
        const struct CMUnitTest on_pg[] = {
            T(test_create_hashed_inside_a_transaction),
            T(test_set_email_and_find),
        };
#undef T
        int failed = cmocka_run_group_tests_name("member", tests, NULL, NULL);
        tmpdb_pg_url = getenv("KINDRED_TEST_PG_URL");
        if (tmpdb_pg_url && *tmpdb_pg_url)
                failed += cmocka_run_group_tests_name("member on PostgreSQL", on_pg, NULL, NULL);
        return failed;
}
