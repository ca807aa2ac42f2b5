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
/* The outbox for admins (src/routes/mail.c); sized here for ROUTE_TABLE. */
#define MAIL_ROUTES_COUNT 2
extern const struct route mail_routes[MAIL_ROUTES_COUNT];
/* Notification mail: the setting and the one-click stop (src/routes/mail_prefs.c). */
#define MAIL_PREFS_ROUTES_COUNT 6
extern const struct route mail_prefs_routes[MAIL_PREFS_ROUTES_COUNT];
/* Asks: the size is part of the declaration, so ROUTE_TABLE can count the rows here (the
 * definition fails to compile when they differ). */
#define ASKS_ROUTES_COUNT 15
extern const struct route asks_routes[ASKS_ROUTES_COUNT];
/* The lexicon (src/routes/lexicon.c); the size is checked against the table's rows there. */
#define LEXICON_ROUTES 9
extern const struct route lexicon_routes[LEXICON_ROUTES];
/* Sized here so ROUTE_TABLE can count them (a row added or missing there fails to compile). */
extern const struct route prompts_routes[7]; /* "Questions for you" (routes/prompts.c) */
extern const struct route avatar_routes[5];  /* avatars (routes/avatars.c) */
extern const struct route tried_routes[8];   /* "I tried this" (routes/tried.c) */
/* The size is part of the declaration so that routes.c can take it (ROUTE_TABLE); the compiler
 * checks it against the rows of the definition. */
extern const struct route moderation_routes[6];
/* spaces.c: the size is part of the declaration so routes.c can take it; the definition must
 * agree (a different count does not compile). */
#define SPACES_ROUTE_COUNT 21
extern const struct route spaces_routes[SPACES_ROUTE_COUNT];
extern const size_t spaces_routes_count;
/* Build-ons: the size is part of the declaration, so routes.c can list the table in a constant
 * initializer; a definition with another number of rows does not compile. */
#define BUILDONS_ROUTES_COUNT 19
extern const struct route buildons_routes[BUILDONS_ROUTES_COUNT];
/* Member identity (src/routes/identity.c): the size is part of the declaration so ROUTE_TABLE
 * counts the rows; a definition with another number of rows does not compile. */
#define IDENTITY_ROUTES 7
extern const struct route identity_routes[IDENTITY_ROUTES];
/* The insights recorder's beacons (src/routes/events.c); the size is checked there too. */
#define EVENTS_ROUTES_COUNT 3
extern const struct route events_routes[EVENTS_ROUTES_COUNT];
/* A member's own insights events (src/routes/account_events.c); sized here for ROUTE_TABLE. */
#define ACCOUNT_EVENTS_ROUTES 3
extern const struct route account_events_routes[ACCOUNT_EVENTS_ROUTES];
/* Insights API (src/routes/insights.c): the size is part of the declaration so ROUTE_TABLE
 * counts the rows; a definition with another number of rows does not compile. */
#define INSIGHTS_ROUTES_COUNT 3
extern const struct route insights_routes[INSIGHTS_ROUTES_COUNT];
/* The insights pages (src/routes/insights_pages.c); the size is checked against the rows there. */
#define INSIGHTS_PAGES_ROUTES 2
extern const struct route insights_pages_routes[INSIGHTS_PAGES_ROUTES];
/* Email subscriptions (src/routes/subscriptions.c); the size is checked against the rows there. */
extern const struct route subscriptions_routes[11];
/* Account mail (src/routes/account_mail.c); the size is checked against the rows there. */
#define ACCOUNT_MAIL_ROUTES 11
extern const struct route account_mail_routes[ACCOUNT_MAIL_ROUTES];
/* The site search (src/routes/search.c); the size is checked against the rows there. */
extern const struct route search_routes[2];
/* A member's first day and their notification kinds (src/routes/welcome.c). */
#define WELCOME_ROUTES_COUNT 7
extern const struct route welcome_routes[WELCOME_ROUTES_COUNT];

/* Writing (src/routes/editor.c); the size is checked against the rows there. */
#define EDITOR_ROUTES_COUNT 10
extern const struct route editor_routes[EDITOR_ROUTES_COUNT];

#endif
