/* The route table: every address Kindred answers, who may call it, whether it changes state
 * (CSRF-checked), and the parameters it accepts. The dispatcher enforces all of it before a
 * handler runs; nothing is checked twice in handlers. */
#include "app.h"
#include "api/conversation.h"
#include "api/health.h"
#include "core/limits.h"
#include "routes/routes.h"

#include "web/account.h"
#include "web/admin.h"
#include "web/assets.h"
#include "web/comments.h"
#include "web/editor.h"
#include "web/feeds.h"
#include "web/home.h"
#include "web/language.h"
#include "web/media.h"
#include "web/moderation.h"
#include "web/notifications.h"
#include "web/profile.h"
#include "web/publication.h"
#include "web/reactions.h"

#include <stdint.h>

static const struct param_spec signup_params[] = {
    TEXT("handle", 64),    TEXT("display_name", 400),
    TEXT("headline", 600), TEXT("email", KD_EMAIL_MAX_BYTES),
    SECRET("password"),    TEXT("next", KD_MAX_URI_BYTES),
    END,
};
static const struct param_spec login_params[] = {
    TEXT("login", KD_EMAIL_MAX_BYTES),
    SECRET("password"),
    TEXT("next", KD_MAX_URI_BYTES),
    END,
};
/* a delete without it answers with a page that asks first (web/comments.c) */
static const struct param_spec confirm_params[] = {BOOL("confirmed"), END};
static const struct param_spec next_params[] = {TEXT("next", KD_MAX_URI_BYTES), END};
static const struct param_spec language_params[] = {TEXT("lang", 16),
                                                    TEXT("next", KD_MAX_URI_BYTES), END};
static const struct param_spec settings_params[] = {TEXT("saved", 16), END};
static const struct param_spec profile_params[] = {
    TEXT("display_name", 400),
    TEXT("headline", 600),
    TEXT("bio", 10000),
    END,
};
static const struct param_spec password_params[] = {
    SECRET("current_password"),
    SECRET("new_password"),
    END,
};
static const struct param_spec static_params[] = {TEXT("v", 32), END};
static const struct param_spec write_done_params[] = {TEXT("done", 16), BOOL("restore"), END};
static const struct param_spec home_params[] = {INT("before", 1, INT64_MAX), END};
static const struct param_spec follow_params[] = {BOOL("follow"), END};
static const struct param_spec comment_params[] = {
    TEXT("body", 8 * KD_COMMENT_MAX_CHARS),
    INT("parent", 0, INT64_MAX),
    INT("parent_id", 0, INT64_MAX),
    TEXT("quote_exact", 8 * KD_QUOTE_MAX_CHARS),
    TEXT("quote_prefix", 1024),
    TEXT("quote_suffix", 1024),
    END,
};
static const struct param_spec comment_body_params[] = {TEXT("body", 8 * KD_COMMENT_MAX_CHARS),
                                                        END};
static const struct param_spec hide_params[] = {BOOL("hidden"), END};
static const struct param_spec react_params[] = {
    TEXT("target", 16), INT("id", 1, INT64_MAX),        TEXT("react", 64),
    TEXT("kind", 16),   TEXT("next", KD_MAX_URI_BYTES), END,
};
static const struct param_spec who_params[] = {TEXT("target", 16), INT("id", 1, INT64_MAX), END};
static const struct param_spec after_params[] = {INT("after", 0, INT64_MAX), END};
static const struct param_spec read_params[] = {INT("id", 0, INT64_MAX), END};

static const struct param_spec report_params[] = {
    TEXT("reason", 16),
    TEXT("note", 8 * KD_REPORT_NOTE_MAX),
    END,
};
static const struct param_spec resolve_params[] = {TEXT("action", 16), END};

/* Text fields are bounded in bytes at 8 bytes per allowed character: generous enough that any
 * text within the model's limit (counted in characters) reaches the form, which explains a
 * limit better than a bare 400 does. */
static const struct param_spec newsletter_params[] = {
    TEXT("slug", 4 * KD_SLUG_MAX_BYTES),
    TEXT("title", 8 * KD_TITLE_MAX),
    TEXT("description", 8 * KD_DESCRIPTION_MAX),
    TEXT("coauthors", 1024),
    END,
};
static const struct param_spec season_params[] = {
    INT("number", 1, KD_MAX_SEASONS),
    TEXT("title", 8 * KD_TITLE_MAX),
    TEXT("description", 8 * KD_DESCRIPTION_MAX),
    TEXT("cadence", 16),
    INT("weekday", 0, 6),
    INT("every_days", 1, 365),
    TEXT("status", 16),
    TEXT("returns", 32),
    END,
};
static const struct param_spec episode_params[] = {
    INT("season", 1, KD_MAX_SEASONS),
    INT("number", 0, KD_MAX_EPISODE_NUMBER),
    TEXT("title", 8 * KD_TITLE_MAX),
    TEXT("subtitle", 8 * KD_SUBTITLE_MAX),
    TEXT("slug", 4 * KD_SLUG_MAX_BYTES),
    TEXT("body", KD_MAX_MARKDOWN_BYTES),
    FILE_PART("cover", KD_MAX_UPLOAD_BODY_BYTES), /* the editor explains an over-large image */
    INT("cover_image", 0, INT64_MAX),
    BOOL("remove_cover"),
    TEXT("cover_alt", 8 * KD_ALT_MAX),
    TEXT("cover_credit", 8 * KD_CREDIT_MAX),
    TEXT("ai", 16),
    TEXT("language", 16),
    TEXT("teaser", 8 * KD_TEASER_MAX),
    TEXT("publish_at", 32),
    TEXT("action", 16),
    TEXT("prompt1", 8 * KD_PROMPT_MAX_CHARS), /* "Questions for you" (web/prompts.c) */
    TEXT("prompt2", 8 * KD_PROMPT_MAX_CHARS),
    TEXT("prompt3", 8 * KD_PROMPT_MAX_CHARS),
    TEXT("prompt4", 8 * KD_PROMPT_MAX_CHARS),
    TEXT("prompt5", 8 * KD_PROMPT_MAX_CHARS),
    FILE_PART("inline_image", KD_MAX_UPLOAD_BODY_BYTES), /* "Add an image to the text" */
    TEXT("inline_alt", 8 * KD_ALT_MAX),
    END,
};

/* methods, pattern, handler, who, changes state, JSON, parameters, anonymous, largest body.
 * The first matching pattern wins, so literal segments come before ":name" ones. */
static const struct route core_routes[] = {
    {HTTP_GET, "/", web_home, ROLE_NONE, false, false, home_params},
    {HTTP_GET, "/feed.atom", web_feed_atom, ROLE_NONE, false, false, NULL, true},
    {HTTP_GET, "/feed.json", web_feed_json, ROLE_NONE, false, false, NULL, true},
    {HTTP_GET, "/sitemap.xml", web_sitemap, ROLE_NONE, false, false, NULL, true},
    {HTTP_GET, "/robots.txt", web_robots, ROLE_NONE, false, false, NULL, true},
    {HTTP_GET, "/media/*name", web_media, ROLE_NONE, false, false, NULL, true},
    {HTTP_GET, "/healthz", api_healthz, ROLE_NONE, false, true, NULL},
    {HTTP_GET, "/static/*path", web_static, ROLE_NONE, false, false, static_params, true},
    {HTTP_GET, "/signup", web_signup_form, ROLE_NONE, false, false, next_params},
    {HTTP_POST, "/signup", web_signup, ROLE_NONE, true, false, signup_params},
    {HTTP_GET, "/login", web_login_form, ROLE_NONE, false, false, next_params},
    {HTTP_POST, "/login", web_login, ROLE_NONE, true, false, login_params},
    {HTTP_POST, "/logout", web_logout, ROLE_READER, true, false, NULL},
    {HTTP_POST, "/language", web_language, ROLE_NONE, true, false, language_params, false, 0, true},
    {HTTP_GET, "/settings", web_settings, ROLE_READER, false, false, settings_params},
    {HTTP_POST, "/settings/profile", web_settings_profile, ROLE_READER, true, false,
     profile_params},
    {HTTP_POST, "/settings/password", web_settings_password, ROLE_READER, true, false,
     password_params},
    {HTTP_GET, "/@:handle", web_profile, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/n/$newsletter", web_newsletter, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/n/$newsletter/feed.atom", web_newsletter_feed_atom, ROLE_NONE, false, false, NULL,
     true},
    {HTTP_GET, "/n/$newsletter/feed.json", web_newsletter_feed_json, ROLE_NONE, false, false, NULL,
     true},
    {HTTP_POST, "/n/$newsletter/follow", web_follow, ROLE_READER, true, false, follow_params},
    {HTTP_GET, "/n/$newsletter/season/#number", web_season, ROLE_NONE, false, false, NULL},
    {HTTP_GET, "/n/$newsletter/$episode", web_episode, ROLE_NONE, false, false, after_params},
    {HTTP_POST, "/n/$newsletter/$episode/comments", web_comment_post, ROLE_READER, true, false,
     comment_params},
    {HTTP_GET, "/n/$newsletter/$episode/comments/#id", web_comment_thread, ROLE_NONE, false, false,
     NULL},
    {HTTP_GET, "/comments/#id/edit", web_comment_edit_form, ROLE_READER, false, false, NULL},
    {HTTP_GET, "/comments/#id/reply", web_comment_reply_form, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/comments/#id/edit", web_comment_edit, ROLE_READER, true, false,
     comment_body_params},
    {HTTP_POST, "/comments/#id/delete", web_comment_delete, ROLE_READER, true, false,
     confirm_params},
    {HTTP_POST, "/comments/#id/hide", web_comment_hide, ROLE_READER, true, false, hide_params},
    {HTTP_GET, "/comments/#id/report", web_comment_report_form, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/comments/#id/report", web_comment_report, ROLE_READER, true, false,
     report_params},
    {HTTP_GET, "/moderation", web_moderation, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/moderation/#comment_id", web_moderation_resolve, ROLE_READER, true, false,
     resolve_params},
    {HTTP_POST, "/react", web_react, ROLE_READER, true, false, react_params},
    {HTTP_GET, "/reactions", web_reactions_who, ROLE_NONE, false, false, who_params},
    {HTTP_GET, "/notifications", web_notifications, ROLE_READER, false, false, NULL},
    {HTTP_POST, "/notifications/read", web_notifications_read, ROLE_READER, true, false,
     read_params},
    {HTTP_GET, "/write", web_write_dashboard, ROLE_AUTHOR, false, false, write_done_params},
    {HTTP_GET, "/write/newsletter", web_write_newsletter_form, ROLE_AUTHOR, false, false, NULL},
    {HTTP_POST, "/write/newsletter", web_write_newsletter, ROLE_AUTHOR, true, false,
     newsletter_params},
    {HTTP_GET, "/write/n/$newsletter", web_write_newsletter_form, ROLE_AUTHOR, false, false, NULL},
    {HTTP_POST, "/write/n/$newsletter", web_write_newsletter, ROLE_AUTHOR, true, false,
     newsletter_params},
    {HTTP_GET, "/write/n/$newsletter/season", web_write_season_form, ROLE_AUTHOR, false, false,
     NULL},
    {HTTP_POST, "/write/n/$newsletter/season", web_write_season, ROLE_AUTHOR, true, false,
     season_params},
    {HTTP_GET, "/write/n/$newsletter/season/#number", web_write_season_form, ROLE_AUTHOR, false,
     false, NULL},
    {HTTP_POST, "/write/n/$newsletter/season/#number", web_write_season, ROLE_AUTHOR, true, false,
     season_params},
    {HTTP_GET, "/write/n/$newsletter/episode", web_write_episode_form, ROLE_AUTHOR, false, false,
     write_done_params},
    {HTTP_POST, "/write/n/$newsletter/episode", web_write_episode, ROLE_AUTHOR, true, false,
     episode_params, false, KD_MAX_UPLOAD_BODY_BYTES},
    {HTTP_GET, "/write/episode/#id", web_write_episode_form, ROLE_AUTHOR, false, false,
     write_done_params},
    {HTTP_POST, "/write/episode/#id", web_write_episode, ROLE_AUTHOR, true, false, episode_params,
     false, KD_MAX_UPLOAD_BODY_BYTES},
    {HTTP_GET, "/admin/members", web_admin_members, ROLE_ADMIN, false, false, NULL},
    {HTTP_GET, "/api/v1/me", api_me, ROLE_NONE, false, true, NULL},
    {HTTP_GET, "/api/v1/episodes/#id/comments", api_comments, ROLE_NONE, false, true, after_params},
    {HTTP_POST, "/api/v1/episodes/#id/comments", api_comment_post, ROLE_READER, true, true,
     comment_params},
    {HTTP_PATCH, "/api/v1/comments/#id", api_comment_edit, ROLE_READER, true, true,
     comment_body_params},
    {HTTP_DELETE, "/api/v1/comments/#id", api_comment_delete, ROLE_READER, true, true, NULL},
    {HTTP_POST, "/api/v1/reactions", api_reaction_add, ROLE_READER, true, true, react_params},
    {HTTP_DELETE, "/api/v1/reactions", api_reaction_remove, ROLE_READER, true, true, react_params},
};

/* The core's routes first; each feature's table follows (src/routes/). */
const struct route_table app_route_tables[] = {
    /* Features first: the core's "/n/$newsletter/$episode" would otherwise read
     * "/n/$newsletter/asks" or ".../lexicon" as an episode (the first table with a match
     * wins); such words are reserved, so no episode takes them (core/slug.h). */
    ROUTE_TABLE(asks_routes),
    ROUTE_TABLE(subscriptions_routes), /* email subscriptions (docs/mail.md) */
    {lexicon_routes, LEXICON_ROUTES},
    ROUTE_TABLE(core_routes),
    ROUTE_TABLE(prompts_routes),
    ROUTE_TABLE(tried_routes),
    ROUTE_TABLE(avatar_routes),
    ROUTE_TABLE(moderation_routes),
    ROUTE_TABLE(spaces_routes),
    {buildons_routes, BUILDONS_ROUTES_COUNT},
    ROUTE_TABLE(identity_routes),
    ROUTE_TABLE(events_routes),
    ROUTE_TABLE(account_events_routes),
    ROUTE_TABLE(mail_routes),
    ROUTE_TABLE(account_mail_routes),
    ROUTE_TABLE(mail_prefs_routes),
    ROUTE_TABLE(welcome_routes), /* welcome page, notification kinds (docs/welcome.md) */
    ROUTE_TABLE(insights_routes),
    ROUTE_TABLE(insights_pages_routes),
    ROUTE_TABLE(search_routes), /* the site search (docs/search.md) */
    ROUTE_TABLE(editor_routes), /* writing: delete, autosave, preview, images (docs/writing.md) */
};
const size_t app_route_tables_count = sizeof(app_route_tables) / sizeof(app_route_tables[0]);
