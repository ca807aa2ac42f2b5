/* The account mail's letters, each in the recipient's language (web/account_letters.h). */
#include "web/account_letters.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "web/mail_compose.h"

#include <stddef.h>

/* The site's name as mail says it. */
static const char *site_of(const struct config *config)
{
        return config && config->site_name && *config->site_name ? config->site_name : "Kindred";
}

/* Finishes c: queues it to `to` with subject and why (both already translated), no
 * unsubscribe (account mail answers an action; it is not a list). */
static enum mail_queue_result send(struct mail_compose *c, struct db *db, const char *purpose,
                                   const struct letter_to *to, const char *subject, const char *why)
{
        struct mail_compose_send s = {
            .purpose = purpose,
            .to_name = to->name,
            .to_address = to->address,
            .subject = subject,
            .why = why,
            .unsubscribe_url = NULL,
        };
        enum mail_queue_result rc = mail_compose_queue(c, db, &s, NULL);
        mail_compose_end(c);
        return rc;
}

static const char *token_url(struct mail_compose *c, const char *path, const char *token)
{
        return mail_compose_url(c, arena_printf(c->r.arena, "%s?token=%s", path, token));
}

enum mail_queue_result letter_signup_confirm(struct db *db, struct arena *a,
                                             const struct config *config, int64_t now,
                                             const struct letter_to *to, const char *handle,
                                             const char *token)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, to->language, now);
        struct render *r = &c.r;
        const char *site = site_of(config);
        mail_compose_heading(&c, _("Confirm your address"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             _("Welcome! To create your account @%s on %s, confirm that this "
                               "address is yours:"),
                             handle, site));
        mail_compose_button(&c, _("Confirm and create my account"),
                            token_url(&c, "/signup/confirm", token));
        mail_compose_paragraph(&c, _("The link works once, for 24 hours. If you did not sign up, "
                                     "ignore this mail: no account is made without it."));
        return send(&c, db, "signup", to, arena_printf(a, _("Confirm your account on %s"), site),
                    arena_printf(a,
                                 _("You get this mail because someone signed up on %s with "
                                   "this address."),
                                 site));
}

enum mail_queue_result letter_signup_exists(struct db *db, struct arena *a,
                                            const struct config *config, int64_t now,
                                            const struct letter_to *to, const char *handle,
                                            const char *reset_token)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, to->language, now);
        struct render *r = &c.r;
        const char *site = site_of(config);
        mail_compose_heading(&c, _("Someone tried to sign up with your address"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             _("Someone (perhaps you) tried to create an account on %s with this "
                               "address. You already have one: @%s. No new account was made."),
                             site, handle));
        mail_compose_button(&c, _("Log in"), mail_compose_url(&c, "/login"));
        mail_compose_paragraph(&c, _("Forgot your password? Choose a new one (the link works "
                                     "once, for an hour):"));
        mail_compose_button(&c, _("Choose a new password"),
                            reset_token ? token_url(&c, "/password/reset", reset_token)
                                        : mail_compose_url(&c, "/password/forgot"));
        mail_compose_paragraph(&c, _("If it was not you, you need not do anything: your account "
                                     "and your password are unchanged."));
        return send(&c, db, "signup_exists", to,
                    arena_printf(a, _("Someone tried to sign up on %s with your address"), site),
                    arena_printf(a,
                                 _("You get this mail because someone signed up on %s with "
                                   "this address, which is your account's."),
                                 site));
}

enum mail_queue_result letter_reset(struct db *db, struct arena *a, const struct config *config,
                                    int64_t now, const struct letter_to *to, const char *handle,
                                    const char *token)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, to->language, now);
        struct render *r = &c.r;
        const char *site = site_of(config);
        mail_compose_heading(&c, _("Choose a new password"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             _("Someone asked to reset the password of your account @%s on %s. "
                               "To choose a new one:"),
                             handle, site));
        mail_compose_button(&c, _("Choose a new password"),
                            token_url(&c, "/password/reset", token));
        mail_compose_paragraph(&c, _("The link works once, for an hour; a newer link replaces "
                                     "it. If you did not ask, ignore this mail: your password "
                                     "stays as it is."));
        return send(&c, db, "reset", to, arena_printf(a, _("Reset your password on %s"), site),
                    arena_printf(a,
                                 _("You get this mail because someone asked on %s to reset the "
                                   "password of the account with this address."),
                                 site));
}

/* The paragraph and link every notice ends with: what to do when the change was not yours. */
static void not_you(struct mail_compose *c)
{
        struct render *r = &c->r;
        mail_compose_paragraph(c, _("If it was not you, someone else may know your password: "
                                    "choose a new one now. That also logs out every session."));
        mail_compose_button(c, _("Reset my password"), mail_compose_url(c, "/password/forgot"));
}

enum mail_queue_result letter_password_changed(struct db *db, struct arena *a,
                                               const struct config *config, int64_t now,
                                               const struct letter_to *to, const char *handle)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, to->language, now);
        struct render *r = &c.r;
        const char *site = site_of(config);
        mail_compose_heading(&c, _("Your password was changed"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             _("The password of your account @%s on %s was just changed, and "
                               "its other sessions were logged out."),
                             handle, site));
        not_you(&c);
        return send(&c, db, "password_changed", to,
                    arena_printf(a, _("Your password on %s was changed"), site),
                    arena_printf(a,
                                 _("You get this mail because the password of your account on "
                                   "%s changed. It cannot be turned off: it protects your "
                                   "account."),
                                 site));
}

enum mail_queue_result letter_email_confirm(struct db *db, struct arena *a,
                                            const struct config *config, int64_t now,
                                            const struct letter_to *to, const char *handle,
                                            const char *token)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, to->language, now);
        struct render *r = &c.r;
        const char *site = site_of(config);
        mail_compose_heading(&c, _("Confirm your new address"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             _("The account @%s on %s asked to use this address from now on. "
                               "To confirm that it is yours:"),
                             handle, site));
        mail_compose_button(&c, _("Use this address"),
                            token_url(&c, "/settings/email/confirm", token));
        mail_compose_paragraph(&c, _("The link works once, for 24 hours. Until it is used, the "
                                     "account keeps its old address. If you did not ask, ignore "
                                     "this mail."));
        return send(&c, db, "email_change", to,
                    arena_printf(a, _("Confirm your new address on %s"), site),
                    arena_printf(a,
                                 _("You get this mail because an account on %s asked to use "
                                   "this address."),
                                 site));
}

enum mail_queue_result letter_email_changing(struct db *db, struct arena *a,
                                             const struct config *config, int64_t now,
                                             const struct letter_to *to, const char *handle,
                                             const char *new_address)
{
        struct mail_compose c;
        mail_compose_begin(&c, a, config, to->language, now);
        struct render *r = &c.r;
        const char *site = site_of(config);
        mail_compose_heading(&c, _("Your address is being changed"));
        mail_compose_paragraph(
            &c, arena_printf(a,
                             _("Your account @%s on %s asked to use a new address: %s. It "
                               "changes when the link sent there is used; until then this "
                               "address stays the account's."),
                             handle, site, new_address));
        not_you(&c);
        return send(&c, db, "email_changed", to,
                    arena_printf(a, _("Your address on %s is being changed"), site),
                    arena_printf(a,
                                 _("You get this mail because it is the address of your account "
                                   "on %s. It cannot be turned off: it protects your account."),
                                 site));
}
