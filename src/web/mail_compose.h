/* Writing a mail the site sends, in the recipient's language, outside any request
 * (docs/architecture.md, "Mail").
 *
 * A feature begins a compose with the recipient's language, writes its content into both parts
 * (the helpers below write each piece as HTML and as plain text; c->r.out takes any other HTML
 * and c->text any other text), then queues it inside the transaction of the change that causes
 * it. mail_compose_queue wraps the HTML in the site's mail layout (inline styles, no external
 * resource: images only by absolute URL), adds the footer that says why the recipient gets the
 * mail and, for mail one may stop, a visible unsubscribe link and the List-Unsubscribe headers
 * (RFC 8058 one-click). Every link must be absolute, from mail_compose_url (KINDRED_BASE_URL). */
#ifndef KD_MAIL_COMPOSE_H
#define KD_MAIL_COMPOSE_H

#include "core/buf.h"
#include "model/mail_outbox.h"
#include "web/render.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct config;
struct db;

struct mail_compose {
        struct render r; /* _() and _n() in the recipient's language; r.out is the HTML part */
        struct buf html, text;
};

/* Starts a mail in language (a tag such as "zh-CN"; NULL or unknown: the site's default) with
 * strings in a. */
void mail_compose_begin(struct mail_compose *c, struct arena *a, const struct config *config,
                        const char *language, int64_t now);
/* Frees the parts (the arena's strings stay the caller's). */
void mail_compose_end(struct mail_compose *c);

/* An absolute link to path ("/n/slug", with its query) on the site: base URL + path. */
const char *mail_compose_url(struct mail_compose *c, const char *path);

/* Content, written to both parts, text escaped for HTML. */
void mail_compose_heading(struct mail_compose *c, const char *text);
void mail_compose_paragraph(struct mail_compose *c, const char *text);
/* A quoted excerpt (a reply, the start of an episode). */
void mail_compose_quote(struct mail_compose *c, const char *text);
/* A button-like link in HTML; "label: url" on a line of its own in the text. */
void mail_compose_button(struct mail_compose *c, const char *label, const char *url);
/* Already-safe HTML (an episode's rendered body) in the HTML part and its plain text beside. */
void mail_compose_rendered(struct mail_compose *c, const char *html, const char *text);

struct mail_compose_send {
        const char *purpose;         /* the outbox's purpose: "signup", "episode", "digest"... */
        const char *to_name;         /* NULL: the address alone */
        const char *to_address;      /* required */
        const char *subject;         /* required, one line */
        const char *why;             /* the footer: why this mail came (translated), or NULL */
        const char *unsubscribe_url; /* absolute; NULL for mail one cannot stop (account mail) */
};

/* Queues the composed mail (model/mail_outbox.h: call inside the change's transaction, then
 * job_worker_wake after the commit). *id (when not NULL) gets the outbox row's id. */
enum mail_queue_result mail_compose_queue(struct mail_compose *c, struct db *db,
                                          const struct mail_compose_send *s, int64_t *id);

#endif
