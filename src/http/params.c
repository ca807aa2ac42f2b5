/* Declared-parameter validation: undeclared fields never reach a handler. */
#include "http/params.h"
#include "core/i18n.h"
#include "core/arena.h"
#include "core/limits.h"
#include "core/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int check_int(const char *v, int64_t min, int64_t max)
{
        const char *p = v;
        if (*p == '-')
                p++;
        if (*p < '0' || *p > '9')
                return -1;
        errno = 0;
        char *end;
        long long n = strtoll(v, &end, 10);
        if (errno || *end || n < min || n > max)
                return -1;
        return 0;
}

static const struct param_spec *find_spec(const struct param_spec *specs, const char *name)
{
        for (; specs && specs->name; specs++)
                if (strcmp(specs->name, name) == 0)
                        return specs;
        return NULL;
}

int params_validate(struct arena *a, const struct locale *l, const struct param_spec *specs,
                    const struct form *raw, struct form *out, const char **message)
{
        if (!l)
                l = i18n_default();
        for (size_t i = 0; i < raw->count; i++) {
                const struct form_field *f = &raw->fields[i];
                if (!utf8_valid(f->name, strlen(f->name)) || strlen(f->name) == 0) {
                        *message = N_("A field name is not valid UTF-8.");
                        return -1;
                }
                /* Text must be UTF-8 whether or not the route reads it: a client sending
                 * broken text is told so instead of having it silently dropped. */
                if (!f->filename && !utf8_valid(f->value, f->len)) {
                        *message = arena_printf(
                            a, i18n_get(l, "The field “%s” is not valid UTF-8."), f->name);
                        return -1;
                }
                const struct param_spec *s = find_spec(specs, f->name);
                if (!s)
                        continue;
                size_t max = s->max_bytes ? s->max_bytes : KD_MAX_FIELD_BYTES;
                if (s->type == PARAM_FILE) {
                        if (f->len > max) {
                                *message = arena_printf(
                                    a, i18n_get(l, "The file “%s” is larger than %zu bytes."),
                                    s->name, max);
                                return -1;
                        }
                } else {
                        if (f->filename) {
                                *message = arena_printf(
                                    a, i18n_get(l, "The field “%s” must not be a file."), s->name);
                                return -1;
                        }
                        if (utf8_has_controls(f->value, f->len)) {
                                *message = arena_printf(
                                    a, i18n_get(l, "The field “%s” contains control characters."),
                                    s->name);
                                return -1;
                        }
                        if (f->len > max) {
                                *message = arena_printf(
                                    a,
                                    i18n_get(l, "The field “%s” is too long (at most %zu bytes)."),
                                    s->name, max);
                                return -1;
                        }
                }
                if (s->type == PARAM_INT && f->len && check_int(f->value, s->min, s->max) < 0) {
                        *message = arena_printf(a,
                                                i18n_get(l, "The field “%s” must be a whole number "
                                                            "from %lld to %lld."),
                                                s->name, (long long)s->min, (long long)s->max);
                        return -1;
                }
                if (s->type == PARAM_BOOL && f->len && strcmp(f->value, "1") != 0 &&
                    strcmp(f->value, "0") != 0 && strcmp(f->value, "on") != 0 &&
                    strcmp(f->value, "true") != 0 && strcmp(f->value, "false") != 0) {
                        *message = arena_printf(
                            a, i18n_get(l, "The field “%s” must be true or false."), s->name);
                        return -1;
                }
                if (form_find(out, s->name))
                        continue; /* the first value wins; a repeated field is ignored */
                int rc = form_add(a, out, f->name, strlen(f->name), f->value, f->len);
                if (rc != FORM_OK) {
                        *message = form_error_message(rc);
                        return -1;
                }
                out->fields[out->count - 1].filename = f->filename;
                out->fields[out->count - 1].content_type = f->content_type;
        }
        return 0;
}
