/* The lexicon's routes (web/lexicon.h, api/lexicon.h). */
#include "api/lexicon.h"
#include "routes/routes.h"
#include "web/lexicon.h"

static const struct param_spec lexicon_params[] = {TEXT("after", 8 * KD_TERM_MAX_CHARS), END};
static const struct param_spec term_params[] = {
    TEXT("term", 8 * KD_TERM_MAX_CHARS),
    TEXT("definition", 8 * KD_TERM_DEFINITION_MAX),
    TEXT("origin", 4 * KD_TERM_ORIGIN_MAX_BYTES),
    END,
};
static const struct param_spec decision_params[] = {
    TEXT("decision", 16),
    TEXT("note", 8 * KD_TERM_NOTE_MAX),
    END,
};
static const struct param_spec api_terms_params[] = {
    TEXT("status", 16),
    TEXT("after", 8 * KD_TERM_MAX_CHARS),
    END,
};

/* methods, pattern, handler, who, changes state, JSON, parameters. This table is searched
 * before the core's (routes.c): "/n/$newsletter/lexicon" would otherwise be taken by the
 * core's "/n/$newsletter/$episode". */
const struct route lexicon_routes[] = {
    {HTTP_GET, "/n/$newsletter/lexicon", web_lexicon, ROLE_NONE, false, false, lexicon_params},
    {HTTP_POST, "/n/$newsletter/lexicon", web_lexicon_propose, ROLE_READER, true, false,
     term_params},
    {HTTP_GET, "/n/$newsletter/lexicon/$term", web_term, ROLE_NONE, false, false, NULL},
    {HTTP_POST, "/n/$newsletter/lexicon/$term/edit", web_term_edit, ROLE_READER, true, false,
     term_params},
    {HTTP_POST, "/n/$newsletter/lexicon/$term/withdraw", web_term_withdraw, ROLE_READER, true,
     false, NULL},
    {HTTP_POST, "/n/$newsletter/lexicon/$term/decision", web_term_decision, ROLE_READER, true,
     false, decision_params},
    {HTTP_GET, "/api/v1/newsletters/$newsletter/terms", api_terms, ROLE_NONE, false, true,
     api_terms_params},
    {HTTP_POST, "/api/v1/newsletters/$newsletter/terms", api_term_propose, ROLE_READER, true, true,
     term_params},
    {HTTP_POST, "/api/v1/terms/#id/decision", api_term_decision, ROLE_READER, true, true,
     decision_params},
};
