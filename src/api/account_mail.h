/* The JSON API of account mail: "Forgot your password?" and the reset (docs/api.md). */
#ifndef KD_API_ACCOUNT_MAIL_H
#define KD_API_ACCOUNT_MAIL_H

struct request;

int api_password_forgot(struct request *req); /* POST /api/v1/password/forgot */
int api_password_reset(struct request *req);  /* POST /api/v1/password/reset */

#endif
