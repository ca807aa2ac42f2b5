/* Routes of "Questions for you": a question's page, answering, closing (docs/participation.md). */
#include "routes/routes.h"
#include "api/prompts.h"
#include "web/prompts.h"

static const struct param_spec prompt_after_params[] = {INT("after", 0, INT64_MAX), END};
static const struct param_spec answer_params[] = {
    TEXT("body", 8 * KD_COMMENT_MAX_CHARS),
    INT("parent_id", 0, INT64_MAX),
    END,
};
static const struct param_spec closed_params[] = {BOOL("closed"), END};

const struct route prompts_routes[] = {
    {HTTP_GET, "/n/$newsletter/$episode/prompts/#prompt", web_prompt_page, ROLE_NONE, false, false,
     prompt_after_params},
    {HTTP_POST, "/n/$newsletter/$episode/prompts/#prompt/answers", web_prompt_answer, ROLE_READER,
     true, false, answer_params},
    {HTTP_POST, "/n/$newsletter/$episode/prompts/#prompt/closed", web_prompt_closed, ROLE_READER,
     true, false, closed_params},
    {HTTP_GET, "/api/v1/episodes/#id/prompts", api_prompts, ROLE_NONE, false, true, NULL},
    {HTTP_GET, "/api/v1/prompts/#id/answers", api_prompt_answers, ROLE_NONE, false, true,
     prompt_after_params},
    {HTTP_POST, "/api/v1/prompts/#id/answers", api_prompt_answer_post, ROLE_READER, true, true,
     answer_params},
    {HTTP_POST, "/api/v1/prompts/#id/closed", api_prompt_closed, ROLE_READER, true, true,
     closed_params},
};
