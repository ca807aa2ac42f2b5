/* Account pages: sign up, log in, log out, settings. */
#ifndef KD_WEB_ACCOUNT_H
#define KD_WEB_ACCOUNT_H

struct request;

int web_signup_form(struct request *req);       /* GET /signup */
int web_signup(struct request *req);            /* POST /signup */
int web_login_form(struct request *req);        /* GET /login */
int web_login(struct request *req);             /* POST /login */
int web_logout(struct request *req);            /* POST /logout */
int web_settings(struct request *req);          /* GET /settings */
int web_settings_profile(struct request *req);  /* POST /settings/profile */
int web_settings_password(struct request *req); /* POST /settings/password */

/* The settings page with error (translated) shown on the email form's field ("email" or
 * "email_password"), answered with status. */
int web_settings_page(struct request *req, int status, const char *email_field,
                      const char *error);

/* The cookie that carries the session token. */
#define WEB_SESSION_COOKIE "kd_session"

#endif
