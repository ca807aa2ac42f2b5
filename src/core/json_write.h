/* JSON written straight into a buffer, for the answers a busy route gives again and again (a
 * comment just posted): no tree of values to build, hash and free first. The text is the same
 * as jansson's json_dump with JSON_COMPACT | JSON_ENSURE_ASCII (tests/unit/test_json_write.c
 * compares them), so a route can move from one to the other without its clients noticing. */
#ifndef KD_JSON_WRITE_H
#define KD_JSON_WRITE_H

#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>

enum { JSON_WRITE_DEPTH_MAX = 64 }; /* objects and arrays open at once */

struct json_write {
        struct buf *out;
        unsigned depth;     /* containers open */
        uint64_t has_items; /* bit d: the container at depth d has an item (a comma is due) */
        bool after_key;     /* a key was written: its value comes next, without a comma */
};

/* Starts writing one value at the end of out. */
void json_write_start(struct json_write *w, struct buf *out);
void json_write_object(struct json_write *w); /* { ... */
void json_write_object_end(struct json_write *w);
void json_write_array(struct json_write *w); /* [ ... */
void json_write_array_end(struct json_write *w);
/* A member's name inside an object; its value is the next thing written. */
void json_write_key(struct json_write *w, const char *key);
/* A string value; NULL writes null. Ill-formed UTF-8 (never stored: input is checked) is
 * written as U+FFFD a byte, where jansson would drop the whole value. */
void json_write_string(struct json_write *w, const char *s);
void json_write_int(struct json_write *w, int64_t v);
void json_write_bool(struct json_write *w, bool v);
void json_write_null(struct json_write *w);
/* A member of an object with its value: json_write_key, then the value. */
void json_write_field_string(struct json_write *w, const char *key, const char *s);
void json_write_field_int(struct json_write *w, const char *key, int64_t v);
void json_write_field_bool(struct json_write *w, const char *key, bool v);
void json_write_field_null(struct json_write *w, const char *key);
/* A time (Unix seconds) as ISO 8601 UTC, as core/timeutil writes it; null for 0 (never set). */
void json_write_field_time(struct json_write *w, const char *key, int64_t t);

#endif
