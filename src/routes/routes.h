/* What every route table file needs: the parameter-spec shorthands, and the tables of the
 * features, each declared here and listed in routes.c's app_route_tables.
 *
 * A feature's table lives in src/routes/<feature>.c: its parameter specs and rows, nothing
 * else. Rows read: methods, pattern, handler, who, changes state, JSON, parameters, anonymous,
 * largest body. Within a table the first matching pattern wins, so literal segments come
 * before parameter segments (router.h). */
#ifndef KD_ROUTES_H
#define KD_ROUTES_H

#include "app.h"
#include "core/limits.h"
#include "http/router.h"

#include <stdint.h>

#define TEXT(name, max)                                                                            \
        {                                                                                          \
                name, PARAM_TEXT, max, 0, 0                                                        \
        }
#define SECRET(name)                                                                               \
        {                                                                                          \
                name, PARAM_SECRET, KD_PASSWORD_MAX_BYTES, 0, 0                                    \
        }
#define INT(name, lo, hi)                                                                          \
        {                                                                                          \
                name, PARAM_INT, 0, lo, hi                                                         \
        }
#define BOOL(name)                                                                                 \
        {                                                                                          \
                name, PARAM_BOOL, 0, 0, 0                                                          \
        }
#define FILE_PART(name, max)                                                                       \
        {                                                                                          \
                name, PARAM_FILE, max, 0, 0                                                        \
        }
#define END                                                                                        \
        {                                                                                          \
                NULL, 0, 0, 0, 0                                                                   \
        }

#define ROUTE_TABLE(t)                                                                             \
        {                                                                                          \
                t, sizeof(t) / sizeof(t[0])                                                        \
        }

/* Feature tables (src/routes/<feature>.c). */
/* Member identity (src/routes/identity.c): the size is part of the declaration so ROUTE_TABLE
 * counts the rows; a definition with another number of rows does not compile. */
#define IDENTITY_ROUTES 7
extern const struct route identity_routes[IDENTITY_ROUTES];

#endif
