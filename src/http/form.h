/* Parsing of request fields: query strings, application/x-www-form-urlencoded and
 * multipart/form-data bodies. Values are copied into the request's arena, NUL-terminated, and may
 * still contain anything (even NUL bytes): params.c validates them before handlers see them. */
#ifndef KD_FORM_H
#define KD_FORM_H

#include <stddef.h>

struct arena;

struct form_field {
        const char *name;
        const char *value; /* NUL-terminated; len says how many bytes are meaningful */
        size_t len;
        const char *filename;     /* multipart file parts only, else NULL */
        const char *content_type; /* multipart parts that declared one, else NULL */
};

struct form {
        struct form_field *fields;
        size_t count;
        size_t cap;
};

enum form_error {
        FORM_OK = 0,
        FORM_EMALFORMED = -1,     /* bad percent escape, broken multipart framing */
        FORM_ETOO_MANY = -2,      /* more than KD_MAX_FIELDS fields */
        FORM_ENAME_TOO_LONG = -3, /* a name longer than KD_MAX_FIELD_NAME_BYTES */
        FORM_EBAD_BOUNDARY = -4,  /* multipart without a usable boundary parameter */
};

/* Adds one field (copied). Returns FORM_OK, FORM_ETOO_MANY or FORM_ENAME_TOO_LONG. */
int form_add(struct arena *a, struct form *f, const char *name, size_t name_len, const char *value,
             size_t value_len);
/* Parses "a=1&b=x+y%21" into f. Returns FORM_OK or a negative enum form_error. */
int form_parse_urlencoded(struct arena *a, const char *body, size_t len, struct form *f);
/* Parses a multipart/form-data body; content_type is the request's Content-Type header, which
 * carries the boundary. Returns FORM_OK or a negative enum form_error. */
int form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
                         struct form *f);
/* The first field called name, or NULL. */
const struct form_field *form_find(const struct form *f, const char *name);
/* A sentence saying what went wrong, for the 400 page. */
const char *form_error_message(int err);
/* Decodes %XX and '+' from s[0..len) into out (at least len+1 bytes); returns the decoded length
 * or -1 for a malformed escape. */
long form_percent_decode(const char *s, size_t len, char *out, int plus_is_space);

#endif
