/* Never lose a form to an ended session (docs/writing.md, "Never lose work"): a member's form
 * that arrives without a session is kept, the browser is sent to log in, and the log-in leads to
 * a page that hands the text back, ready to send again. Works for every member form, because
 * the dispatcher (app.c) calls it for any state-changing form route a guest may not use. */
#ifndef KD_WEB_KEPT_FORM_H
#define KD_WEB_KEPT_FORM_H

#include <stdbool.h>

struct request;

/* The cookie that proves which browser a kept form belongs to. */
#define KEPT_FORM_COOKIE "kd_kept"

/* Whether a guest's form to a member route may be read to be kept: its declared length is at
 * most KD_KEPT_FORM_MAX_BYTES (the body limit becomes that) and the client address has not kept
 * too many this hour. Called before the body is read, so a guest cannot make the server read a
 * large upload it will not keep. */
bool web_kept_form_wanted(struct request *req);

/* Keeps the request's declared text fields (no passwords, no files) and redirects to log in
 * with /kept/<token> as where to go next; when nothing can be kept (too large, too many from
 * this address, a database error), redirects to log in as before. */
int web_kept_form_stash(struct request *req);

/* GET /kept/:token: the kept form, to check and send again. */
int web_kept_form(struct request *req);

#endif
