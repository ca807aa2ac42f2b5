/* Checks shared by the fuzz targets that end in declared-parameter validation. */
#include "fuzz.h"

#include "core/limits.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/router.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const struct param_spec *find_spec(const struct param_spec *specs, const char *name)
{
        for (; specs->name; specs++)
                if (strcmp(specs->name, name) == 0)
                        return specs;
        return NULL;
}

/* An independent reading of PARAM_INT: optional '-', digits only, in [min, max]. */
static bool int_in_range(const char *v, int64_t min, int64_t max)
{
        const char *p = v[0] == '-' ? v + 1 : v;
        if (!*p)
                return false;
        for (const char *d = p; *d; d++)
                if (*d < '0' || *d > '9')
                        return false;
        errno = 0;
        long long n = strtoll(v, NULL, 10);
        return errno == 0 && n >= min && n <= max;
}

void fuzz_check_params(const struct param_spec *specs, const struct form *raw,
                       const struct form *out)
{
        FUZZ_CHECK(out->count <= raw->count);
        for (size_t i = 0; i < out->count; i++) {
                const struct form_field *f = &out->fields[i];
                const struct param_spec *s = find_spec(specs, f->name);
                FUZZ_CHECK(s != NULL); /* undeclared fields never pass */
                for (size_t j = 0; j < i; j++)
                        FUZZ_CHECK(strcmp(out->fields[j].name, f->name) != 0);
                size_t max = s->max_bytes ? s->max_bytes : KD_MAX_FIELD_BYTES;
                FUZZ_CHECK(f->len <= max);
                if (s->type == PARAM_FILE)
                        continue;
                FUZZ_CHECK(f->filename == NULL);
                FUZZ_CHECK(utf8_valid(f->value, f->len));
                FUZZ_CHECK(!utf8_has_controls(f->value, f->len));
                if (s->type == PARAM_INT && f->len)
                        FUZZ_CHECK(int_in_range(f->value, s->min, s->max));
                if (s->type == PARAM_BOOL && f->len)
                        FUZZ_CHECK(strcmp(f->value, "1") == 0 || strcmp(f->value, "0") == 0 ||
                                   strcmp(f->value, "on") == 0 || strcmp(f->value, "true") == 0 ||
                                   strcmp(f->value, "false") == 0);
        }
}
