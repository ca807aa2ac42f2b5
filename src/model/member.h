/* Members: sign-up rules, lookup, profile and password changes, roles.
 *
 * Handles: 2-30 characters from a-z, 0-9 and underscore, starting with a letter; unique without
 * regard to case ("Ada" and "ada" are the same member), displayed as first written. */
#ifndef KD_MEMBER_H
#define KD_MEMBER_H

#include "core/role.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

struct member {
        int64_t id;
        const char *handle;
        const char *display_name;
        const char *headline;
        const char *bio;
        const char *email;
        enum role role;
        bool disabled;
        int64_t created_at;
        const char *language; /* the interface language chosen ("zh-CN"), or NULL: not chosen */
};

/* What a sign-up or profile form carries. */
struct member_input {
        const char *handle;
        const char *display_name;
        const char *headline;
        const char *bio;
        const char *email;
        const char *password;
};

enum member_result {
        MEMBER_OK = 0,
        MEMBER_INVALID = -1, /* a field breaks a rule; *field and *problem say which */
        MEMBER_HANDLE_TAKEN = -2,
        MEMBER_EMAIL_TAKEN = -3,
        MEMBER_NOT_FOUND = -4,
        MEMBER_WRONG_PASSWORD = -5,
        MEMBER_DISABLED = -6,
        MEMBER_DB_ERROR = -7,
};

/* Field-level problem reported by validation: which field (its form name) and an English
 * message (a msgid: pages translate it). */
struct member_problem {
        const char *field;
        const char *message;
};

/* Checks a handle against the rules above. Returns NULL when fine, else a msgid saying why. */
const char *member_handle_problem(const char *handle);
/* Checks every field of a sign-up; fills p and returns MEMBER_INVALID on the first problem. */
int member_validate_signup(const struct member_input *in, struct member_problem *p);

/* Creates a member after validation. Sets *id. Returns MEMBER_OK, MEMBER_INVALID (p filled),
 * MEMBER_HANDLE_TAKEN, MEMBER_EMAIL_TAKEN or MEMBER_DB_ERROR. */
int member_create(struct db *db, const struct member_input *in, enum role role, int64_t *id,
                  struct member_problem *p);
/* Creates a member whose password was hashed before (member_hash_password), as a confirmed
 * sign-up does: the hash was made when the form was sent and kept in the mailed link's row.
 * Checks the handle and profile fields again; returns as member_create. */
int member_create_hashed(struct db *db, const struct member_input *in, const char *hash,
                         enum role role, int64_t *id, struct member_problem *p);
/* 1 when a member has this handle (any case) / this email (any case), 0 when none, or
 * MEMBER_DB_ERROR. */
int member_handle_taken(struct db *db, const char *handle);
int member_email_taken(struct db *db, const char *email);
/* Loads the member whose address is email (any case), as member_get. */
int member_find_email(struct db *db, struct arena *a, const char *email, struct member *out);
/* Loads by id or by handle (any case). Strings go into a. Returns MEMBER_OK or
 * MEMBER_NOT_FOUND / MEMBER_DB_ERROR. */
int member_get(struct db *db, struct arena *a, int64_t id, struct member *out);
int member_find_handle(struct db *db, struct arena *a, const char *handle, struct member *out);
/* Checks handle-or-email and password. The hash check runs even for unknown members so that
 * timing does not reveal which handles exist. Returns MEMBER_OK with *out filled,
 * MEMBER_WRONG_PASSWORD (also for unknown members), MEMBER_DISABLED or MEMBER_DB_ERROR. */
/* The id of the member a login string (handle or email, any case) names; 0 when none, or a
 * negative enum member_result on a database error. Login throttles key on it, so "ana" and
 * ana's email address count against the same account. */
int64_t member_id_for_login(struct db *db, const char *login);
int member_authenticate(struct db *db, struct arena *a, const char *login, const char *password,
                        struct member *out);
/* Updates display name, headline and bio (in->email must be a valid address but is not
 * saved: a new address is confirmed by mail first, member_set_email). Returns MEMBER_OK,
 * MEMBER_INVALID or MEMBER_DB_ERROR. */
int member_update_profile(struct db *db, int64_t id, const struct member_input *in,
                          struct member_problem *p);
/* Sets the member's address (after the link mailed to it was used). Returns MEMBER_OK,
 * MEMBER_EMAIL_TAKEN (another member has it now), MEMBER_NOT_FOUND or MEMBER_DB_ERROR. */
int member_set_email(struct db *db, int64_t id, const char *email);
/* MEMBER_OK when password is the member's, else MEMBER_WRONG_PASSWORD, MEMBER_NOT_FOUND or
 * MEMBER_DB_ERROR (an argon2id check: about 30 ms). */
int member_check_password(struct db *db, int64_t id, const char *password);
/* NULL when password follows the rules, else a msgid saying why not. */
const char *member_password_problem(const char *password);
/* Stores an encoded hash (member_hash_password) as the member's password. Returns MEMBER_OK,
 * MEMBER_NOT_FOUND or MEMBER_DB_ERROR. */
int member_set_password_hash(struct db *db, int64_t id, const char *hash);
/* Checks the current password and sets a new one. Returns MEMBER_OK,
 * MEMBER_WRONG_PASSWORD, MEMBER_INVALID or MEMBER_DB_ERROR. */
int member_change_password(struct db *db, int64_t id, const char *current, const char *next,
                           struct member_problem *p);
/* Saves the member's interface language: a tag with a catalog (the caller checks it with
 * i18n_find), or NULL / "" for "not chosen". Returns MEMBER_OK or MEMBER_DB_ERROR. */
int member_set_language(struct db *db, int64_t id, const char *tag);
/* The member's saved interface language (in a), or NULL when none is chosen, the member does not
 * exist or the database fails (the caller then negotiates as for a guest). */
const char *member_language(struct db *db, struct arena *a, int64_t id);
int member_set_role(struct db *db, const char *handle, enum role role);
int member_set_disabled(struct db *db, const char *handle, bool disabled);

/* Calls fn for each member, oldest first. Returns MEMBER_OK or MEMBER_DB_ERROR. */
int member_each(struct db *db, struct arena *a, void (*fn)(const struct member *m, void *ctx),
                void *ctx);
/* Number of members (not disabled). */
int64_t member_count(struct db *db);

/* Password hashing (argon2id). Writes the encoded hash into out (crypto_pwhash_STRBYTES).
 * Returns 0, or -1 when memory for the hash could not be had. Both functions may first wait
 * their turn: at most KD_PASSWORD_HASHES_AT_ONCE hashes run at once, first come first served
 * (each holds 19 MiB for about 30 ms); call them outside a transaction. */
int member_hash_password(const char *password, char *out);
bool member_password_matches(const char *encoded, const char *password);

#endif
