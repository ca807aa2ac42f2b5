/* The account mail: what a sign-up, a password reset and a changed password or address send
 * (docs/mail.md, "Account mail").
 *
 * Each function writes one mail in the recipient's language with mail_compose and queues it in
 * the caller's transaction (job_worker_wake after the commit). Links are absolute, built from
 * KINDRED_BASE_URL (mail_compose_url); a token is the raw one just made by mail_token_create.
 * Account mail cannot be unsubscribed from: it answers something the recipient (or someone
 * using their address) did, and says so in its footer. */
#ifndef KD_WEB_ACCOUNT_LETTERS_H
#define KD_WEB_ACCOUNT_LETTERS_H

#include "model/mail_outbox.h"

#include <stdint.h>

struct arena;
struct config;
struct db;

/* Who a letter goes to, and in which language (a tag, NULL: the site's default). */
struct letter_to {
        const char *name;    /* a display name, or NULL */
        const char *address; /* required */
        const char *language;
};

/* "Confirm your address": the link that creates the account @handle. */
enum mail_queue_result letter_signup_confirm(struct db *db, struct arena *a,
                                             const struct config *config, int64_t now,
                                             const struct letter_to *to, const char *handle,
                                             const char *token);
/* "Someone tried to sign up with your address": the member's handle, a link to log in and a
 * link to choose a new password (a reset token, or NULL: the page that asks for one). */
enum mail_queue_result letter_signup_exists(struct db *db, struct arena *a,
                                            const struct config *config, int64_t now,
                                            const struct letter_to *to, const char *handle,
                                            const char *reset_token);
/* "Reset your password": the single-use link. */
enum mail_queue_result letter_reset(struct db *db, struct arena *a, const struct config *config,
                                    int64_t now, const struct letter_to *to, const char *handle,
                                    const char *token);
/* "Your password was changed", with what to do if it was not the member. */
enum mail_queue_result letter_password_changed(struct db *db, struct arena *a,
                                               const struct config *config, int64_t now,
                                               const struct letter_to *to, const char *handle);
/* "Confirm your new address", sent to the new address. */
enum mail_queue_result letter_email_confirm(struct db *db, struct arena *a,
                                            const struct config *config, int64_t now,
                                            const struct letter_to *to, const char *handle,
                                            const char *token);
/* "Your address is being changed", sent to the old address, naming the new one. */
enum mail_queue_result letter_email_changing(struct db *db, struct arena *a,
                                             const struct config *config, int64_t now,
                                             const struct letter_to *to, const char *handle,
                                             const char *new_address);

#endif
