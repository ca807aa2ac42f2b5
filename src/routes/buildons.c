/* Build-ons' routes: pages under an episode's address, changes under /buildons/#id, and the
 * JSON API (docs/api.md). */
#include "api/buildons.h"
#include "routes/routes.h"
#include "web/buildons.h"

static const struct param_spec buildon_params[] = {
    TEXT("title", 8 * KD_BUILDON_TITLE_MAX),
    TEXT("body", 8 * KD_BUILDON_MAX_CHARS),
    INT("parent", 0, INT64_MAX),
    INT("parent_id", 0, INT64_MAX),
    TEXT("quote_exact", 8 * KD_QUOTE_MAX_CHARS),
    TEXT("quote_prefix", 1024),
    TEXT("quote_suffix", 1024),
    END,
};
static const struct param_spec new_params[] = {
    INT("parent", 0, INT64_MAX),
    TEXT("quote", 8 * KD_QUOTE_MAX_CHARS),
    END,
};
static const struct param_spec edit_params[] = {
    TEXT("title", 8 * KD_BUILDON_TITLE_MAX),
    TEXT("body", 8 * KD_BUILDON_MAX_CHARS),
    END,
};
static const struct param_spec comment_params[] = {
    TEXT("body", 8 * KD_COMMENT_MAX_CHARS),
    INT("parent", 0, INT64_MAX),
    INT("parent_id", 0, INT64_MAX),
    TEXT("quote_exact", 8 * KD_QUOTE_MAX_CHARS),
    END,
};
static const struct param_spec before_params[] = {INT("before", 0, INT64_MAX), END};
static const struct param_spec after_params[] = {INT("after", 0, INT64_MAX), END};
static const struct param_spec featured_params[] = {BOOL("featured"), END};
static const struct param_spec hidden_params[] = {BOOL("hidden"), END};

/* Bodies: a build-on's text at up to 8 bytes a character, and the rest of its form. */
#define BUILDON_BODY_BYTES (8 * KD_BUILDON_MAX_CHARS + 16 * 1024)

const struct route buildons_routes[] = {
    {HTTP_GET, "/n/$newsletter/$episode/b", web_buildon_list, ROLE_NONE, false, false,
     before_params},
    {HTTP_POST, "/n/$newsletter/$episode/b", web_buildon_post, ROLE_READER, true, false,
     buildon_params, false, BUILDON_BODY_BYTES},
    {HTTP_GET, "/n/$newsletter/$episode/b/new", web_buildon_new, ROLE_READER, false, false,
     new_params},
    {HTTP_GET, "/n/$newsletter/$episode/b/#id", web_buildon_page, ROLE_NONE, false, false,
     after_params},
    {HTTP_POST, "/n/$newsletter/$episode/b/#id/comments", web_buildon_comment_post, ROLE_READER,
     true, false, comment_params},
    {HTTP_GET, "/n/$newsletter/$episode/b/#id/comments/#comment", web_buildon_comment_thread,
     ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/buildons/#id/edit", web_buildon_edit_form, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/buildons/#id/edit", web_buildon_edit, ROLE_READER, true, false, edit_params,
     false, BUILDON_BODY_BYTES},
    {HTTP_POST, "/buildons/#id/delete", web_buildon_delete, ROLE_READER, true, false, NULL},
    {HTTP_POST, "/buildons/#id/feature", web_buildon_feature, ROLE_READER, true, false,
     featured_params},
    {HTTP_POST, "/buildons/#id/hide", web_buildon_hide, ROLE_READER, true, false, hidden_params},
    {HTTP_GET, "/api/v1/episodes/#id/buildons", api_buildons, ROLE_NONE, false, true,
     before_params},
    {HTTP_POST, "/api/v1/episodes/#id/buildons", api_buildon_post, ROLE_READER, true, true,
     buildon_params, false, BUILDON_BODY_BYTES},
    {HTTP_GET, "/api/v1/buildons/#id", api_buildon, ROLE_NONE, false, true, NULL},
    {HTTP_PATCH, "/api/v1/buildons/#id", api_buildon_patch, ROLE_READER, true, true, edit_params,
     false, BUILDON_BODY_BYTES},
    {HTTP_DELETE, "/api/v1/buildons/#id", api_buildon_delete, ROLE_READER, true, true, NULL},
    {HTTP_POST, "/api/v1/buildons/#id/featured", api_buildon_featured, ROLE_READER, true, true,
     featured_params},
    {HTTP_GET, "/api/v1/buildons/#id/comments", api_buildon_comments, ROLE_NONE, false, true,
     after_params},
    {HTTP_POST, "/api/v1/buildons/#id/comments", api_buildon_comment_post, ROLE_READER, true, true,
     comment_params},
};
