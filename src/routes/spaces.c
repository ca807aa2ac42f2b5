/* Routes of the spaces (members' threads) and the member directory: pages and JSON API. */
#include "routes/routes.h"
#include "api/spaces.h"
#include "web/members.h"
#include "web/spaces.h"

static const struct param_spec space_params[] = {
    TEXT("slug", 4 * KD_SLUG_MAX_BYTES),
    TEXT("title", 8 * KD_SPACE_TITLE_MAX),
    TEXT("description", 8 * KD_SPACE_DESCRIPTION_MAX),
    TEXT("newsletter", 4 * KD_SLUG_MAX_BYTES),
    TEXT("who_posts", 16),
    END,
};
static const struct param_spec space_page_params[] = {
    TEXT("view", 16),
    INT("at", 0, INT64_MAX),
    INT("before", 0, INT64_MAX),
    END,
};
static const struct param_spec thread_params[] = {
    TEXT("title", 8 * KD_THREAD_TITLE_MAX),
    TEXT("body", 8 * KD_POST_MAX_CHARS),
    END,
};
static const struct param_spec thread_page_params[] = {
    INT("after", 0, INT64_MAX),
    INT("post", 0, INT64_MAX),
    END,
};
static const struct param_spec post_params[] = {
    TEXT("body", 8 * KD_POST_MAX_CHARS),
    INT("parent_id", 0, INT64_MAX),
    END,
};
static const struct param_spec post_edit_params[] = {
    TEXT("title", 8 * KD_THREAD_TITLE_MAX),
    TEXT("body", 8 * KD_POST_MAX_CHARS),
    END,
};
static const struct param_spec members_params[] = {
    TEXT("q", 8 * KD_DIRECTORY_QUERY_MAX),
    INT("after", 0, INT64_MAX),
    INT("at", 0, INT64_MAX),
    INT("before", 0, INT64_MAX),
    END,
};

/* "/spaces/new" comes before "/spaces/$space", so "new" is a reserved slug (model/space.c). */
const struct route spaces_routes[] = {
    {HTTP_GET, "/spaces", web_spaces, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/spaces/new", web_space_form, ROLE_MODERATOR, false, false, NULL},
    {HTTP_POST, "/spaces/new", web_space_save, ROLE_MODERATOR, true, false, space_params},
    {HTTP_GET, "/spaces/$space", web_space, ROLE_NONE, false, false, space_page_params},
    {HTTP_GET, "/spaces/$space/edit", web_space_form, ROLE_MODERATOR, false, false, NULL},
    {HTTP_POST, "/spaces/$space/edit", web_space_save, ROLE_MODERATOR, true, false, space_params},
    {HTTP_POST, "/spaces/$space/threads", web_thread_create, ROLE_READER, true, false,
     thread_params},
    {HTTP_GET, "/spaces/$space/#thread", web_thread, ROLE_NONE, false, false, thread_page_params},
    {HTTP_POST, "/spaces/$space/#thread", web_post_create, ROLE_READER, true, false, post_params},
    {HTTP_GET, "/posts/#id/edit", web_post_edit_form, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/posts/#id/edit", web_post_edit, ROLE_READER, true, false, post_edit_params},
    {HTTP_POST, "/posts/#id/delete", web_post_delete, ROLE_READER, true, false, NULL},
    {HTTP_GET, "/members", web_members, ROLE_READER, false, false, members_params},
    {HTTP_GET, "/api/v1/spaces", api_spaces, ROLE_NONE, false, true, NULL},
    {HTTP_GET, "/api/v1/spaces/$space/threads", api_space_threads, ROLE_NONE, false, true,
     space_page_params},
    {HTTP_POST, "/api/v1/spaces/$space/threads", api_thread_create, ROLE_READER, true, true,
     thread_params},
    {HTTP_GET, "/api/v1/threads/#id/posts", api_thread_posts, ROLE_NONE, false, true,
     thread_page_params},
    {HTTP_POST, "/api/v1/threads/#id/posts", api_post_create, ROLE_READER, true, true, post_params},
    {HTTP_PATCH, "/api/v1/posts/#id", api_post_edit, ROLE_READER, true, true, post_edit_params},
    {HTTP_DELETE, "/api/v1/posts/#id", api_post_delete, ROLE_READER, true, true, NULL},
    {HTTP_GET, "/api/v1/members", api_members, ROLE_READER, false, true, members_params},
};
const size_t spaces_routes_count = sizeof(spaces_routes) / sizeof(spaces_routes[0]);
