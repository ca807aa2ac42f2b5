/* What model validation reports back to a form: which field, and why. */
#ifndef KD_PROBLEM_H
#define KD_PROBLEM_H

#include <stdbool.h>
#include <stddef.h>

/* The publishing model's results. */
enum pub_result {
        PUB_OK = 0,
        PUB_INVALID = -1,   /* a field breaks a rule; the problem says which */
        PUB_TAKEN = -2,     /* a unique name (slug, season or episode number) is in use */
        PUB_NOT_FOUND = -3, /* what was referred to does not exist */
        PUB_DB_ERROR = -4,
        PUB_FORBIDDEN = -5, /* it exists, but this member may not do that to it */
};

/* field: the form field's name; message: an English msgid (marked N_()) the page translates,
 * and formats with line when the message names one. */
struct field_problem {
        const char *field;
        const char *message; /* a static msgid; with one %u when line is set */
        unsigned line;       /* the line of the field's text the message names, or 0 */
};

/* Fills p and returns PUB_INVALID (so callers can `return field_problem_set(...)`). */
static inline int field_problem_set(struct field_problem *p, const char *field, const char *message)
{
        if (p) {
                p->field = field;
                p->message = message;
        }
        return PUB_INVALID;
}

/* Checks a required or optional single-line text against a limit in code points. Returns
 * NULL when fine, else a msgid. */
const char *text_problem(const char *s, bool required, size_t max_chars);

#endif
