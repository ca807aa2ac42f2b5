/* The welcome page a new member lands on after confirming their address (docs/welcome.md):
 * newsletters to follow with their descriptions, a headline to fill in and a first step into
 * the conversation. */
#ifndef KD_WEB_WELCOME_H
#define KD_WEB_WELCOME_H

struct arena;
struct request;

/* GET /welcome: the page (next: where the member was going when they signed up). */
int web_welcome(struct request *req);
/* POST /welcome: saves the headline and the follows, then shows the page again. */
int web_welcome_save(struct request *req);

/* The address of the welcome page that leads on to next (a local path; "/" or NULL for none).
 * Arena string. */
const char *welcome_path(struct arena *a, const char *next);

#endif
