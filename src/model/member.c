/* Members: validation, storage, authentication. */
#include "model/member.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "db/db.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* argon2id cost: 2 passes over 19 MiB (the OWASP baseline) keeps a login near 30 ms on one core.
 * The 19 MiB are held while a hash runs, so at most KD_PASSWORD_HASHES_AT_ONCE run at once
 * (hash_turn_take): a burst of log-ins waits a little instead of growing the server by 19 MiB a
 * worker thread. */
#define PWHASH_OPSLIMIT 2
#define PWHASH_MEMLIMIT (19u * 1024u * 1024u)

_Static_assert(KD_PASSWORD_HASHES_AT_ONCE > 0, "no password could ever be hashed");

/* The turns, handed out in order of arrival: ticket n may run once fewer than
 * KD_PASSWORD_HASHES_AT_ONCE of the tickets before it are still running (n < done + limit), so
 * no caller waits behind later ones. */
static struct {
        pthread_mutex_t lock;
        pthread_cond_t freed;
        uint64_t next, done; /* tickets handed out; hashes finished */
} hashes = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

/* Waits until this caller may run a hash. */
static void hash_turn_take(void)
{
        pthread_mutex_lock(&hashes.lock);
        uint64_t mine = hashes.next++;
        while (mine >= hashes.done + KD_PASSWORD_HASHES_AT_ONCE)
                pthread_cond_wait(&hashes.freed, &hashes.lock);
        pthread_mutex_unlock(&hashes.lock);
}

/* After a hash: lets the next waiting caller in. */
static void hash_turn_give(void)
{
        pthread_mutex_lock(&hashes.lock);
        hashes.done++;
        pthread_cond_broadcast(&hashes.freed); /* the next ticket's waiter is among them */
        pthread_mutex_unlock(&hashes.lock);
}

const char *member_handle_problem(const char *h)
{
        size_t n = strlen(h);
        if (n < KD_HANDLE_MIN_CHARS || n > KD_HANDLE_MAX_CHARS)
                return N_("A handle has 2 to 30 characters.");
        if (!isalpha((unsigned char)h[0]))
                return N_("A handle starts with a letter.");
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)h[i];
                if (!(isalnum(c) || c == '_') || c >= 0x80)
                        return N_("A handle uses only letters a-z, digits and underscores.");
        }
        return NULL;
}

static void lower_copy(char *out, const char *in, size_t size)
{
        size_t i = 0;
        for (; in[i] && i + 1 < size; i++)
                out[i] = (char)tolower((unsigned char)in[i]);
        out[i] = '\0';
}

static bool email_plausible(const char *e)
{
        size_t n = strlen(e);
        const char *at = strchr(e, '@');
        if (n < 3 || n > KD_EMAIL_MAX_BYTES || !at || at == e || strchr(at + 1, '@'))
                return false;
        const char *dot = strrchr(at, '.');
        if (!dot || dot == at + 1 || dot[1] == '\0')
                return false;
        for (const char *p = e; *p; p++)
                if (isspace((unsigned char)*p) || *p == '<' || *p == '>' || *p == ',')
                        return false;
        return true;
}

static bool too_long(const char *s, size_t max_chars)
{
        return utf8_count(s, strlen(s)) > max_chars;
}

static bool blank(const char *s)
{
        for (; *s; s++)
                if (!isspace((unsigned char)*s))
                        return false;
        return true;
}

static int problem(struct member_problem *p, const char *field, const char *msg)
{
        p->field = field;
        p->message = msg;
        return MEMBER_INVALID;
}

static int validate_profile(const struct member_input *in, struct member_problem *p)
{
        if (!in->display_name || blank(in->display_name))
                return problem(p, "display_name", N_("Please give a display name."));
        if (too_long(in->display_name, KD_DISPLAY_NAME_MAX))
                return problem(p, "display_name", N_("A display name has at most 80 characters."));
        if (strpbrk(in->display_name, "\r\n\t"))
                return problem(p, "display_name", N_("A display name is one line."));
        if (in->headline && too_long(in->headline, KD_HEADLINE_MAX))
                return problem(p, "headline", N_("A headline has at most 120 characters."));
        if (in->headline && strpbrk(in->headline, "\r\n"))
                return problem(p, "headline", N_("A headline is one line."));
        if (in->bio && too_long(in->bio, KD_BIO_MAX))
                return problem(p, "bio", N_("A bio has at most 2000 characters."));
        if (!in->email || !email_plausible(in->email))
                return problem(p, "email",
                               N_("Please give an email address like name@example.org."));
        return MEMBER_OK;
}

static const char *password_problem(const char *pw)
{
        size_t n = strlen(pw);
        if (utf8_count(pw, n) < KD_PASSWORD_MIN_CHARS)
                return N_("A password has at least 10 characters.");
        if (n > KD_PASSWORD_MAX_BYTES)
                return N_("A password has at most 1024 bytes.");
        return NULL;
}

int member_validate_signup(const struct member_input *in, struct member_problem *p)
{
        const char *hp = member_handle_problem(in->handle ? in->handle : "");
        if (hp)
                return problem(p, "handle", hp);
        int rc = validate_profile(in, p);
        if (rc != MEMBER_OK)
                return rc;
        const char *pp = password_problem(in->password ? in->password : "");
        if (pp)
                return problem(p, "password", pp);
        return MEMBER_OK;
}

int member_hash_password(const char *password, char *out)
{
        hash_turn_take();
        int rc = crypto_pwhash_str_alg(out, password, strlen(password), PWHASH_OPSLIMIT,
                                       PWHASH_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13);
        hash_turn_give();
        if (rc != 0) {
                log_error("member: password hashing ran out of memory");
                return -1;
        }
        return 0;
}

bool member_password_matches(const char *encoded, const char *password)
{
        hash_turn_take();
        bool matches = crypto_pwhash_str_verify(encoded, password, strlen(password)) == 0;
        hash_turn_give();
        return matches;
}

/* Tells a handle clash from an email clash after a UNIQUE failure. */
static int which_taken(struct db *db, const char *handle_key)
{
        struct db_stmt *s = db_prepare(db, "SELECT 1 FROM member WHERE handle_key = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, handle_key);
        int rc = db_step(s) == DB_ROW ? MEMBER_HANDLE_TAKEN : MEMBER_EMAIL_TAKEN;
        db_finish(s);
        return rc;
}

/* Inserts a validated member with an already encoded password hash. */
static int insert_member(struct db *db, const struct member_input *in, const char *hash,
                         enum role role, int64_t *id)
{
        char handle_key[KD_HANDLE_MAX_CHARS + 1], email_key[KD_EMAIL_MAX_BYTES + 1];
        lower_copy(handle_key, in->handle, sizeof(handle_key));
        lower_copy(email_key, in->email, sizeof(email_key));
        int64_t now = time_now();
        /* A savepoint of its own (a transaction when there is none): on PostgreSQL a failed
         * statement spoils the transaction around it, and which_taken must still read after a
         * clash inside a caller's transaction (a confirmed sign-up). */
        if (db_begin(db) != DB_OK)
                return MEMBER_DB_ERROR;
        struct db_stmt *s = db_prepare(
            db, "INSERT INTO member(handle, handle_key, display_name, headline, bio, email,"
                " email_key, password_hash, role, created_at, updated_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) RETURNING id");
        if (!s) {
                db_rollback(db);
                return MEMBER_DB_ERROR;
        }
        db_bind_text(s, 1, in->handle);
        db_bind_text(s, 2, handle_key);
        db_bind_text(s, 3, in->display_name);
        db_bind_text(s, 4, in->headline ? in->headline : "");
        db_bind_text(s, 5, in->bio ? in->bio : "");
        db_bind_text(s, 6, in->email);
        db_bind_text(s, 7, email_key);
        db_bind_text(s, 8, hash);
        db_bind_text(s, 9, role_name(role));
        db_bind_int(s, 10, now);
        int step = db_step(s);
        if (step == DB_ROW) {
                *id = db_col_int(s, 0);
                step = db_step(s);
        }
        db_finish(s);
        if (step != DB_DONE) {
                db_rollback(db);
                return step == DB_CONSTRAINT ? which_taken(db, handle_key) : MEMBER_DB_ERROR;
        }
        return db_commit(db) == DB_OK ? MEMBER_OK : MEMBER_DB_ERROR;
}

int member_create(struct db *db, const struct member_input *in, enum role role, int64_t *id,
                  struct member_problem *p)
{
        int rc = member_validate_signup(in, p);
        if (rc != MEMBER_OK)
                return rc;
        char hash[crypto_pwhash_STRBYTES];
        if (member_hash_password(in->password, hash) < 0)
                return MEMBER_DB_ERROR;
        return insert_member(db, in, hash, role, id);
}

int member_create_hashed(struct db *db, const struct member_input *in, const char *hash,
                         enum role role, int64_t *id, struct member_problem *p)
{
        const char *hp = member_handle_problem(in->handle ? in->handle : "");
        if (hp)
                return problem(p, "handle", hp);
        int rc = validate_profile(in, p);
        if (rc != MEMBER_OK)
                return rc;
        if (strncmp(hash, "$argon2id$", 10) != 0)
                return problem(p, "password", N_("A password has at least 10 characters."));
        return insert_member(db, in, hash, role, id);
}

/* 1 when a row of member matches key in column (a constant name), 0 when none, or
 * MEMBER_DB_ERROR. */
static int key_taken(struct db *db, const char *sql, const char *value, size_t max)
{
        char key[KD_EMAIL_MAX_BYTES + 2];
        if (strlen(value) > max)
                return 0;
        lower_copy(key, value, sizeof(key));
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        int rc = db_step(s);
        db_finish(s);
        return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : MEMBER_DB_ERROR;
}

int member_handle_taken(struct db *db, const char *handle)
{
        return key_taken(db, "SELECT 1 FROM member WHERE handle_key = ?1", handle,
                         KD_HANDLE_MAX_CHARS);
}

int member_email_taken(struct db *db, const char *email)
{
        return key_taken(db, "SELECT 1 FROM member WHERE email_key = ?1", email,
                         KD_EMAIL_MAX_BYTES);
}

#define MEMBER_COLUMNS                                                                             \
        "id, handle, display_name, headline, bio, email, role, disabled, created_at, language"

static void read_member(struct db_stmt *s, struct arena *a, struct member *m)
{
        m->id = db_col_int(s, 0);
        m->handle = arena_strdup(a, db_col_text(s, 1));
        m->display_name = arena_strdup(a, db_col_text(s, 2));
        m->headline = arena_strdup(a, db_col_text(s, 3));
        m->bio = arena_strdup(a, db_col_text(s, 4));
        m->email = arena_strdup(a, db_col_text(s, 5));
        m->role = role_parse(db_col_text(s, 6));
        m->disabled = db_col_int(s, 7) != 0;
        m->created_at = db_col_int(s, 8);
        m->language = db_col_is_null(s, 9) ? NULL : arena_strdup(a, db_col_text(s, 9));
}

static int get_one(struct db_stmt *s, struct arena *a, struct member *out)
{
        int rc = db_step(s);
        if (rc == DB_ROW)
                read_member(s, a, out);
        db_finish(s);
        return rc == DB_ROW ? MEMBER_OK : rc == DB_DONE ? MEMBER_NOT_FOUND : MEMBER_DB_ERROR;
}

int member_get(struct db *db, struct arena *a, int64_t id, struct member *out)
{
        struct db_stmt *s = db_prepare(db, "SELECT " MEMBER_COLUMNS " FROM member WHERE id = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_int(s, 1, id);
        return get_one(s, a, out);
}

int member_find_handle(struct db *db, struct arena *a, const char *handle, struct member *out)
{
        char key[KD_HANDLE_MAX_CHARS + 2];
        if (strlen(handle) > KD_HANDLE_MAX_CHARS)
                return MEMBER_NOT_FOUND;
        lower_copy(key, handle, sizeof(key));
        struct db_stmt *s =
            db_prepare(db, "SELECT " MEMBER_COLUMNS " FROM member WHERE handle_key = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        return get_one(s, a, out);
}

int member_find_email(struct db *db, struct arena *a, const char *email, struct member *out)
{
        char key[KD_EMAIL_MAX_BYTES + 2];
        if (strlen(email) > KD_EMAIL_MAX_BYTES)
                return MEMBER_NOT_FOUND;
        lower_copy(key, email, sizeof(key));
        struct db_stmt *s =
            db_prepare(db, "SELECT " MEMBER_COLUMNS " FROM member WHERE email_key = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        return get_one(s, a, out);
}

/* A valid argon2id hash of a random password, verified against when the member is unknown so
 * that a failed login costs the same time either way. Made once per thread on first use. */
static const char *decoy_hash(void)
{
        static _Thread_local char decoy[crypto_pwhash_STRBYTES];
        if (!decoy[0]) {
                char pw[33];
                unsigned char raw[16];
                randombytes_buf(raw, sizeof(raw));
                sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
                if (member_hash_password(pw, decoy) < 0)
                        decoy[0] = '\0';
        }
        return decoy;
}

int64_t member_id_for_login(struct db *db, const char *login)
{
        char key[KD_EMAIL_MAX_BYTES + 2];
        if (strlen(login) > KD_EMAIL_MAX_BYTES)
                return 0;
        lower_copy(key, login, sizeof(key));
        struct db_stmt *s =
            db_prepare(db, "SELECT id FROM member WHERE handle_key = ?1 OR email_key = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        int rc = db_step(s);
        int64_t id = rc == DB_ROW ? db_col_int(s, 0) : 0;
        db_finish(s);
        return rc == DB_ROW || rc == DB_DONE ? id : MEMBER_DB_ERROR;
}

int member_authenticate(struct db *db, struct arena *a, const char *login, const char *password,
                        struct member *out)
{
        char key[KD_EMAIL_MAX_BYTES + 2];
        if (strlen(login) > KD_EMAIL_MAX_BYTES || strlen(password) > KD_PASSWORD_MAX_BYTES)
                return MEMBER_WRONG_PASSWORD;
        lower_copy(key, login, sizeof(key));
        struct db_stmt *s = db_prepare(db, "SELECT " MEMBER_COLUMNS ", password_hash FROM member"
                                           " WHERE handle_key = ?1 OR email_key = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        int rc = db_step(s);
        char hash[crypto_pwhash_STRBYTES] = "";
        if (rc == DB_ROW) {
                read_member(s, a, out);
                snprintf(hash, sizeof(hash), "%s", db_col_text(s, 10));
        }
        db_finish(s);
        if (rc != DB_ROW && rc != DB_DONE)
                return MEMBER_DB_ERROR;
        const char *against = rc == DB_ROW ? hash : decoy_hash();
        bool ok = against[0] && member_password_matches(against, password);
        if (rc != DB_ROW || !ok)
                return MEMBER_WRONG_PASSWORD;
        if (out->disabled)
                return MEMBER_DISABLED;
        return MEMBER_OK;
}

int member_update_profile(struct db *db, int64_t id, const struct member_input *in,
                          struct member_problem *p)
{
        int rc = validate_profile(in, p);
        if (rc != MEMBER_OK)
                return rc;
        struct db_stmt *s = db_prepare(
            db, "UPDATE member SET display_name = ?2, headline = ?3, bio = ?4, updated_at = ?5"
                " WHERE id = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, in->display_name);
        db_bind_text(s, 3, in->headline ? in->headline : "");
        db_bind_text(s, 4, in->bio ? in->bio : "");
        db_bind_int(s, 5, time_now());
        int step = db_step(s);
        db_finish(s);
        return step == DB_DONE ? MEMBER_OK : MEMBER_DB_ERROR;
}

int member_set_email(struct db *db, int64_t id, const char *email)
{
        char email_key[KD_EMAIL_MAX_BYTES + 1];
        if (strlen(email) > KD_EMAIL_MAX_BYTES)
                return MEMBER_INVALID;
        lower_copy(email_key, email, sizeof(email_key));
        struct db_stmt *s = db_prepare(
            db, "UPDATE member SET email = ?2, email_key = ?3, updated_at = ?4 WHERE id = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, email);
        db_bind_text(s, 3, email_key);
        db_bind_int(s, 4, time_now());
        int step = db_step(s);
        db_finish(s);
        if (step == DB_CONSTRAINT)
                return MEMBER_EMAIL_TAKEN;
        if (step != DB_DONE)
                return MEMBER_DB_ERROR;
        return db_changes(db) == 1 ? MEMBER_OK : MEMBER_NOT_FOUND;
}

int member_check_password(struct db *db, int64_t id, const char *password)
{
        struct db_stmt *s = db_prepare(db, "SELECT password_hash FROM member WHERE id = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_int(s, 1, id);
        char hash[crypto_pwhash_STRBYTES] = "";
        int rc = db_step(s);
        if (rc == DB_ROW)
                snprintf(hash, sizeof(hash), "%s", db_col_text(s, 0));
        db_finish(s);
        if (rc != DB_ROW)
                return rc == DB_DONE ? MEMBER_NOT_FOUND : MEMBER_DB_ERROR;
        if (strlen(password) > KD_PASSWORD_MAX_BYTES || !member_password_matches(hash, password))
                return MEMBER_WRONG_PASSWORD;
        return MEMBER_OK;
}

const char *member_password_problem(const char *password)
{
        return password_problem(password ? password : "");
}

int member_set_password_hash(struct db *db, int64_t id, const char *hash)
{
        struct db_stmt *s =
            db_prepare(db, "UPDATE member SET password_hash = ?2, updated_at = ?3 WHERE id = ?1");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, hash);
        db_bind_int(s, 3, time_now());
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return MEMBER_DB_ERROR;
        return db_changes(db) == 1 ? MEMBER_OK : MEMBER_NOT_FOUND;
}

int member_change_password(struct db *db, int64_t id, const char *current, const char *next,
                           struct member_problem *p)
{
        int rc = member_check_password(db, id, current);
        if (rc != MEMBER_OK)
                return rc;
        const char *pp = password_problem(next);
        if (pp)
                return problem(p, "new_password", pp);
        char hash[crypto_pwhash_STRBYTES];
        if (member_hash_password(next, hash) < 0)
                return MEMBER_DB_ERROR;
        return member_set_password_hash(db, id, hash);
}

static int update_by_handle(struct db *db, const char *sql, const char *handle, const char *text,
                            int64_t num)
{
        char key[KD_HANDLE_MAX_CHARS + 2];
        if (strlen(handle) > KD_HANDLE_MAX_CHARS)
                return MEMBER_NOT_FOUND;
        lower_copy(key, handle, sizeof(key));
        struct db_stmt *s = db_prepare(db, sql);
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        if (text)
                db_bind_text(s, 2, text);
        else
                db_bind_int(s, 2, num);
        db_bind_int(s, 3, time_now());
        int rc = db_step(s);
        db_finish(s);
        if (rc != DB_DONE)
                return MEMBER_DB_ERROR;
        return db_changes(db) == 1 ? MEMBER_OK : MEMBER_NOT_FOUND;
}

int member_set_role(struct db *db, const char *handle, enum role role)
{
        return update_by_handle(
            db, "UPDATE member SET role = ?2, updated_at = ?3 WHERE handle_key = ?1", handle,
            role_name(role), 0);
}

int member_set_disabled(struct db *db, const char *handle, bool disabled)
{
        int rc = update_by_handle(
            db, "UPDATE member SET disabled = ?2, updated_at = ?3 WHERE handle_key = ?1", handle,
            NULL, disabled ? 1 : 0);
        if (rc != MEMBER_OK || !disabled)
                return rc;
        /* A disabled member is signed out everywhere at once. */
        char key[KD_HANDLE_MAX_CHARS + 2];
        lower_copy(key, handle, sizeof(key));
        struct db_stmt *s = db_prepare(
            db,
            "DELETE FROM session WHERE member_id = (SELECT id FROM member WHERE handle_key = ?1)");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_text(s, 1, key);
        rc = db_step(s) == DB_DONE ? MEMBER_OK : MEMBER_DB_ERROR;
        db_finish(s);
        return rc;
}

int member_each(struct db *db, struct arena *a, void (*fn)(const struct member *m, void *ctx),
                void *ctx)
{
        struct db_stmt *s = db_prepare(db, "SELECT " MEMBER_COLUMNS " FROM member ORDER BY id");
        if (!s)
                return MEMBER_DB_ERROR;
        int rc;
        while ((rc = db_step(s)) == DB_ROW) {
                struct member m;
                read_member(s, a, &m);
                fn(&m, ctx);
        }
        db_finish(s);
        return rc == DB_DONE ? MEMBER_OK : MEMBER_DB_ERROR;
}

int member_set_language(struct db *db, int64_t id, const char *tag)
{
        struct db_stmt *s = db_prepare(db, "UPDATE member SET language = ?2, updated_at = ?3 WHERE "
                                           "id = ?1 AND language IS DISTINCT FROM ?2");
        if (!s)
                return MEMBER_DB_ERROR;
        db_bind_int(s, 1, id);
        if (tag && *tag)
                db_bind_text(s, 2, tag);
        else
                db_bind_null(s, 2);
        db_bind_int(s, 3, time_now());
        int rc = db_step(s) == DB_DONE ? MEMBER_OK : MEMBER_DB_ERROR;
        db_finish(s);
        return rc;
}

const char *member_language(struct db *db, struct arena *a, int64_t id)
{
        struct db_stmt *s = db_prepare(db, "SELECT language FROM member WHERE id = ?1");
        if (!s)
                return NULL;
        db_bind_int(s, 1, id);
        const char *tag = NULL;
        if (db_step(s) == DB_ROW && !db_col_is_null(s, 0))
                tag = arena_strdup(a, db_col_text(s, 0));
        db_finish(s);
        return tag;
}

int64_t member_count(struct db *db)
{
        /* kept by triggers (migration 004), so this does not grow with the site */
        struct db_stmt *s = db_prepare(db, "SELECT value FROM counter WHERE name = 'members'");
        if (!s)
                return -1;
        int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_finish(s);
        return n;
}
