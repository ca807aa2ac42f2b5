/* Fuzz target: request-field parsing (http/form.h). The input's first line is the Content-Type
 * and the rest the body, parsed as multipart/form-data when the type says so, else as a query
 * string or urlencoded body. Parsed fields must keep the promised bounds, and multipart values
 * must be bytes of the body. */
#include "fuzz.h"

#include "core/arena.h"
#include "core/limits.h"
#include "http/form.h"

#include <string.h>
#include <strings.h>

static void check_fields(const struct form *f)
{
        FUZZ_CHECK(f->count <= KD_MAX_FIELDS);
        for (size_t i = 0; i < f->count; i++) {
                const struct form_field *fld = &f->fields[i];
                size_t nlen = strlen(fld->name);
                FUZZ_CHECK(nlen <= KD_MAX_FIELD_NAME_BYTES);
                FUZZ_CHECK(fld->value[fld->len] == '\0');
        }
}

static const char *memmem_or_null(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
        return nlen == 0 ? hay : memmem(hay, hlen, needle, nlen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *in = (const char *)data;
        const char *nl = memchr(in, '\n', size);
        size_t ct_len = nl ? (size_t)(nl - in) : 0;
        const char *body = nl ? nl + 1 : in;
        size_t len = size - (size_t)(body - in);

        struct arena *a = arena_new();
        char *content_type = arena_strndup(a, in, ct_len);
        struct form f = {0};
        if (strncasecmp(content_type, "multipart/form-data", 19) == 0) {
                int rc = form_parse_multipart(a, content_type, body, len, &f);
                FUZZ_CHECK(rc <= 0 && rc >= FORM_EBAD_BOUNDARY);
                check_fields(&f);
                /* a part's value is never decoded, so it is a run of the body's own bytes */
                for (size_t i = 0; i < f.count; i++)
                        FUZZ_CHECK(memmem_or_null(body, len, f.fields[i].value, f.fields[i].len));
        } else {
                int rc = form_parse_urlencoded(a, body, len, &f);
                FUZZ_CHECK(rc <= 0 && rc >= FORM_EBAD_BOUNDARY && rc != FORM_EBAD_BOUNDARY);
                check_fields(&f);
                size_t decoded = 0;
                for (size_t i = 0; i < f.count; i++)
                        decoded += strlen(f.fields[i].name) + f.fields[i].len;
                FUZZ_CHECK(decoded <= len); /* decoding only ever shortens */
                FUZZ_CHECK(form_error_message(rc) != NULL);
        }
        /* the decoder on its own, both ways of reading '+' */
        char *out = arena_alloc(a, len + 1);
        long n = form_percent_decode(body, len, out, 1);
        FUZZ_CHECK(n >= -1 && n <= (long)len);
        n = form_percent_decode(body, len, out, 0);
        FUZZ_CHECK(n >= -1 && n <= (long)len);
        arena_free(a);
        return 0;
}
