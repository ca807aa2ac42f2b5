/* Fuzz target: declared-parameter validation (params_validate) against the real route table.
 * The first byte picks a route that declares parameters, the second's low bit multipart or
 * urlencoded, and the rest is the body. Whatever passes must be declared, within its bounds and
 * of its type: that is what handlers rely on. */
#include "fuzz.h"

#include "app.h"
#include "core/arena.h"
#include "core/utf8.h"
#include "http/form.h"
#include "http/params.h"

#include <stdbool.h>
#include <string.h>

#define BOUNDARY "fuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size < 2)
                return 0;
        const struct route *routes[512];
        size_t n = 0;
        for (size_t t = 0; t < app_route_tables_count; t++)
                for (size_t i = 0; i < app_route_tables[t].count && n < 512; i++)
                        if (app_route_tables[t].routes[i].params)
                                routes[n++] = &app_route_tables[t].routes[i];
        FUZZ_CHECK(n > 0);
        const struct param_spec *specs = routes[data[0] % n]->params;
        bool multipart = data[1] & 1;
        const char *body = (const char *)data + 2;
        size_t len = size - 2;

        struct arena *a = arena_new();
        struct form raw = {0}, out = {0};
        int rc = multipart ? form_parse_multipart(a, "multipart/form-data; boundary=" BOUNDARY,
                                                  body, len, &raw)
                           : form_parse_urlencoded(a, body, len, &raw);
        if (rc == FORM_OK) {
                const char *message = NULL;
                if (params_validate(a, NULL, specs, &raw, &out, &message) == 0)
                        fuzz_check_params(specs, &raw, &out);
                else
                        FUZZ_CHECK(message != NULL && utf8_valid(message, strlen(message)));
        }
        arena_free(a);
        return 0;
}
