/* Fuzz target: API request bodies in JSON, as the dispatcher reads them (read_json in app.c)
 * and then checks them against every route's declared parameters.
 *
 * read_json and json_field are static in app.c, so this file includes app.c itself: the target
 * runs the dispatcher's real code, and the linker takes nothing from the library's own copy of
 * app.o because every symbol it defines is already here. */
#include "fuzz.h"

#include "app.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct request req;
        memset(&req, 0, sizeof(req));
        req.arena = arena_new();
        /* exactly size bytes, no NUL after them, so ASan sees any read past the body */
        req.body.data = malloc(size ? size : 1);
        FUZZ_CHECK(req.body.data != NULL);
        if (size)
                memcpy(req.body.data, data, size);
        req.body.len = size;
        req.body.cap = size;

        int rc = read_json(&req);
        if (rc == 0) {
                FUZZ_CHECK(req.resp.status == 0);
                FUZZ_CHECK(req.raw.count <= KD_MAX_FIELDS);
                for (size_t i = 0; i < req.raw.count; i++) {
                        const struct form_field *f = &req.raw.fields[i];
                        FUZZ_CHECK(strlen(f->name) <= KD_MAX_FIELD_NAME_BYTES);
                        FUZZ_CHECK(f->value[f->len] == '\0');
                        FUZZ_CHECK(f->filename == NULL); /* JSON never carries a file part */
                }
                for (size_t t = 0; t < app_route_tables_count; t++) {
                        for (size_t r = 0; r < app_route_tables[t].count; r++) {
                                const struct param_spec *specs =
                                    app_route_tables[t].routes[r].params;
                                if (!specs)
                                        continue;
                                struct form out = {0};
                                const char *message = NULL;
                                if (params_validate(req.arena, NULL, specs, &req.raw, &out,
                                                    &message) == 0)
                                        fuzz_check_params(specs, &req.raw, &out);
                                else
                                        FUZZ_CHECK(message != NULL);
                        }
                }
        } else {
                FUZZ_CHECK(rc == 400 && req.resp.status == 400 && req.resp.error_message);
        }
        free(req.body.data);
        arena_free(req.arena);
        return 0;
}
