/* Account mail's pages: sign-up confirmed by mail, "Forgot your password?", a new address
 * confirmed by mail (docs/mail.md, "Account mail"). The mails are in web/account_letters.c. */
#ifndef KD_WEB_ACCOUNT_MAIL_H
#define KD_WEB_ACCOUNT_MAIL_H

#include <stdint.h>

struct member_input;
struct request;

/* After web_signup checked the form (fields, handle free, rate limit): hashes the password,
 * mails a confirmation link to a new address or "someone tried to sign up with your address"
 * to a registered one (within the per-address cap), and answers the same "Check your inbox"
 * page either way, without a session. */
int account_mail_signup(struct request *req, const struct member_input *in, const char *next);

int web_signup_confirm_form(struct request *req);  /* GET /signup/confirm?token= */
int web_signup_confirm(struct request *req);       /* POST /signup/confirm */
int web_password_forgot_form(struct request *req); /* GET /password/forgot */
int web_password_forgot(struct request *req);      /* POST /password/forgot */
int web_password_reset_form(struct request *req);  /* GET /password/reset?token= */
int web_password_reset(struct request *req);       /* POST /password/reset */
int web_settings_email(struct request *req);       /* POST /settings/email */
int web_email_confirm_form(struct request *req);   /* GET /settings/email/confirm?token= */
int web_email_confirm(struct request *req);        /* POST /settings/email/confirm */

/* The settings' "Email" section: the address, a form for a new one (with the current
 * password). error (translated, may be NULL) is shown under field ("email" or
 * "email_password"). */
struct render;
void account_mail_settings_section(struct render *r, const char *email, const char *field,
                                   const char *error);

/* What the pages and the API share. */
enum account_result {
        ACCOUNT_OK = 0,
        ACCOUNT_INVALID = -1,      /* a field breaks a rule (*problem says which) */
        ACCOUNT_LINK_UNKNOWN = -2, /* no such link */
        ACCOUNT_LINK_GONE = -3,    /* used or expired */
        ACCOUNT_DISABLED = -4,
        ACCOUNT_RATE_LIMITED = -5, /* *retry_after seconds */
        ACCOUNT_DB_ERROR = -6,
};

/* Registers the job that mails reset links (kind "account_reset") with the site's
 * configuration, which must outlive the worker. Call before job_worker_start. */
struct config;
void account_mail_start(const struct config *config);

/* "Forgot your password?": within the rate limit per client address, queues a job for the
 * address (the same one write whether or not an account uses it); the job mails a reset link to
 * a registered, enabled member within the per-address cap (older reset links stop working). */
enum account_result account_forgot(struct request *req, const char *email, unsigned *retry_after,
                                   const char **problem);
/* Sets a new password with a reset link's token: ends every session of the member and every
 * other reset link, queues the notice. *member_id gets the member. */
enum account_result account_reset(struct request *req, const char *token, const char *password,
                                  int64_t *member_id, const char **problem);
/* Inside the caller's transaction: stores hash as the member's password, ends the member's
 * sessions but keep_token's (NULL: all) and pending reset links, and queues "your password was
 * changed". Returns ACCOUNT_OK or ACCOUNT_DB_ERROR. Call job_worker_wake after the commit. */
enum account_result account_password_set(struct request *req, int64_t member_id, const char *hash,
                                         const char *keep_token);

#endif
