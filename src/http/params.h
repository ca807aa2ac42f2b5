/* Validation of declared parameters (STYLE.md habit 4). */
#ifndef KD_PARAMS_H
#define KD_PARAMS_H

#include "http/form.h"
#include "http/router.h"

struct arena;
struct locale;

/* Copies the fields of raw that specs declares into out, checking each: well-formed UTF-8, no
 * control characters (newlines and tabs allowed), the byte bound, integer syntax and range.
 * Undeclared fields are dropped, except "_csrf", which the dispatcher reads from raw.
 * Returns 0, or -1 with a message naming the field and the problem, already in the language of
 * l (NULL: the default) when it names a field, else a catalog msgid the error page translates. */
int params_validate(struct arena *a, const struct locale *l, const struct param_spec *specs,
                    const struct form *raw, struct form *out, const char **message);

#endif
