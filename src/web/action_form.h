/* The page's one form for its many small actions: reacting, deleting one's own comment, hiding
 * one as a moderator. Buttons anywhere on the page name it with the form attribute and carry
 * what they act on in their value (or formaction), so the page holds one CSRF token instead of
 * one per button group (issue 16: a member's long read carried 300 tokens). */
#ifndef KD_WEB_ACTION_FORM_H
#define KD_WEB_ACTION_FORM_H

struct buf;
struct render;

/* The form's id, for buttons' form attribute. */
#define ACTION_FORM_ID "kd-act"

/* Writes the page's action form (hidden, posting to /react by default, with the viewer's token
 * and "next", the page's own address) unless r wrote it already. Call before the first button
 * that names it, at a place where a form may stand (not inside another form). Members only. */
void action_form(struct render *r);

/* The same, returning to next (a local address) after a plain submission. */
void action_form_to(struct render *r, const char *next);

/* Writes ` form="kd-act"` for a button (the leading space included). */
void action_form_attr(struct buf *b);

#endif
