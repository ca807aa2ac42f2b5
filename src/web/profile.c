/* A member's public profile: name, headline, bio, role, when they joined, badges, what they take
 * part in (counts linking to lists, recent activity, newsletters followed, spaces); for
 * authors, their newsletters and episodes. Also each kind's list (/@handle/comments ...), the
 * badges' page (/badges) and the admin's award and removal of badges. */
#include "web/profile.h"
#include "web/avatar.h"
#include "core/arena.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "http/html.h"
#include "http/request.h"
#include "http/throttle.h"
#include "http/write_guard.h"
#include "core/timeutil.h"
#include "markdown/markdown.h"
#include "model/avatar.h"
#include "model/badge.h"
#include "model/episode.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/profile.h"
#include "web/badge.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <string.h>

enum { PROFILE_EPISODES = 30 };

/* ------------------------------------------------------------------ loading */

/* Everything the profile page shows, read before anything is written. */
struct profile_page {
        struct member m;
        const char *bio_html; /* "" when no bio */
        const char *avatar;   /* their uploaded avatar's path, NULL: generated */
        struct badge *badges;
        int nbadges;
        bool admin; /* the viewer may award badges */
        struct badge_newsletter *all_newsletters;
        int nall;
        int64_t counts[PROFILE_KINDS];
        struct profile_item *activity;
        int nactivity;
        struct profile_place *follows, *spaces;
        int nfollows, nspaces;
        struct newsletter *newsletters;
        int nnewsletters;
        struct episode *episodes;
        int nepisodes;
};

/* The member named in the path, not disabled. Returns 0, or the failed request's status. */
static int path_member(struct request *req, struct member *m)
{
        int rc = member_find_handle(req->db, req->arena, req_path_param(req, "handle"), m);
        if (rc == MEMBER_NOT_FOUND || (rc == MEMBER_OK && m->disabled))
                return req_fail(req, 404, N_("There is no member with that handle."));
        if (rc != MEMBER_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

/* The bio as member-mode Markdown; a bio that does not render shows as plain text. */
static const char *bio_render(struct arena *a, const char *bio)
{
        if (!*bio)
                return "";
        struct mdr_result md;
        const char *html = NULL;
        if (mdr_render(bio, strlen(bio), MDR_MEMBER, &md) == 0)
                html = arena_strndup(a, md.html.data ? md.html.data : "", md.html.len);
        mdr_result_free(&md);
        return html;
}

static int profile_load(struct request *req, struct profile_page *p)
{
        int64_t now = time_now();
        struct db *db = req->db;
        struct arena *a = req->arena;
        p->bio_html = bio_render(a, p->m.bio);
        p->avatar = avatar_url(db, a, p->m.id);
        p->admin = req_signed_in(req) && badge_can_award(req->viewer.role);
        p->nbadges = badge_list_member(db, a, p->m.id, p->admin, &p->badges);
        if (p->nbadges < 0 || profile_counts(db, p->m.id, now, p->counts) != 0)
                return -1;
        p->nactivity = profile_activity(db, a, p->m.id, now, KD_PROFILE_ACTIVITY, &p->activity);
        p->nfollows = profile_follows(db, a, p->m.id, KD_PROFILE_FOLLOWS_SHOWN, &p->follows);
        p->nspaces = profile_spaces(db, a, p->m.id, KD_PROFILE_SPACES_SHOWN, &p->spaces);
        p->nnewsletters = newsletter_list_by_author(db, a, p->m.id, &p->newsletters);
        p->nepisodes = episode_list_author(db, a, p->m.id, 0, now, PROFILE_EPISODES, &p->episodes);
        if (p->nactivity < 0 || p->nfollows < 0 || p->nspaces < 0)
                return -1;
        if (p->admin) {
                struct newsletter *ns;
                int n = newsletter_list(db, a, &ns);
                if (n < 0)
                        return -1;
                p->all_newsletters = arena_zalloc(a, (size_t)(n + 1) * sizeof(*p->all_newsletters));
                for (int i = 0; i < n; i++)
                        p->all_newsletters[i] = (struct badge_newsletter){ns[i].slug, ns[i].title};
                p->nall = n;
        }
        return 0;
}

/* ------------------------------------------------------------------ rendering */

/* A kind's name for its count ("%s comments"), a heading, and its empty list. */
static const char *kind_label(struct render *r, enum profile_kind k, int64_t n)
{
        unsigned long c = (unsigned long)n;
        switch (k) {
        case PROFILE_COMMENTS:
                return _n("comment", "comments", c);
        case PROFILE_ANSWERS:
                return _n("answer", "answers", c);
        case PROFILE_BUILDONS:
                return _n("build-on", "build-ons", c);
        case PROFILE_TRIED:
                return _n("idea tried", "ideas tried", c);
        case PROFILE_ASKS:
                return _n("ask", "asks", c);
        case PROFILE_TERMS:
                return _n("lexicon term", "lexicon terms", c);
        case PROFILE_THREADS:
                return _n("thread started", "threads started", c);
        case PROFILE_POSTS:
                return _n("reply in spaces", "replies in spaces", c);
        default:
                return "";
        }
}

static const char *kind_heading(struct render *r, enum profile_kind k)
{
        static const char *const headings[PROFILE_KINDS] = {
            N_("Comments"), N_("Answers"),       N_("Build-ons"),       N_("Ideas tried"),
            N_("Asks"),     N_("Lexicon terms"), N_("Threads started"), N_("Replies in spaces"),
        };
        return _(headings[k]);
}

/* A count as shown: "1,000+" at the cap. */
static const char *count_text(struct render *r, int64_t n)
{
        const char *num = l10n_number(r->arena, r->locale, n);
        /* TRANSLATORS: a count that reached its cap, such as "1,000+" */
        return n >= KD_PROFILE_COUNT_CAP ? arena_printf(r->arena, _("%s+"), num) : num;
}

static void counts_section(struct render *r, const struct profile_page *p)
{
        struct buf *b = r->out;
        html_lit(b,
                 "<section class=\"participation\" aria-labelledby=\"part-h\"><h2 id=\"part-h\">");
        html_text(b, _("Taking part"));
        html_lit(b, "</h2>\n<ul class=\"stat-list\">\n");
        for (int k = 0; k < PROFILE_KINDS; k++) {
                int64_t n = p->counts[k];
                /* threads and replies in spaces show once there are some; the rest always */
                if (n == 0 && (k == PROFILE_THREADS || k == PROFILE_POSTS))
                        continue;
                html_lit(b, "<li class=\"stat stat-");
                html_attr(b, profile_kind_key((enum profile_kind)k));
                if (n == 0)
                        html_lit(b, " zero");
                html_lit(b, "\">");
                if (n > 0) {
                        html_lit(b, "<a href=\"/@");
                        html_url_arg(b, p->m.handle);
                        html_lit(b, "/");
                        html_url_arg(b, profile_kind_key((enum profile_kind)k));
                        html_lit(b, "\">");
                }
                html_lit(b, "<strong class=\"stat-n\">");
                html_text(b, count_text(r, n));
                html_lit(b, "</strong> ");
                html_text(b, kind_label(r, (enum profile_kind)k, n));
                if (n > 0)
                        html_lit(b, "</a>");
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n</section>\n");
}

/* What kind of thing an item is, as a small label in lists. */
static const char *item_kind_text(struct render *r, const struct profile_item *it)
{
        switch (it->kind) {
        case PROFILE_COMMENTS:
                return _("Commented on");
        case PROFILE_ANSWERS:
                return _("Answered a question on");
        case PROFILE_BUILDONS:
                return _("Built on");
        case PROFILE_TRIED:
                return _("Tried the idea of");
        case PROFILE_ASKS:
                return _("Asked");
        case PROFILE_TERMS:
                return _("Coined a term for");
        case PROFILE_THREADS:
                return _("Started a thread in");
        case PROFILE_POSTS:
                return _("Replied in");
        default:
                return "";
        }
}

static const char *outcome_text(struct render *r, const char *outcome)
{
        if (strcmp(outcome, "worked") == 0)
                return _("It worked");
        if (strcmp(outcome, "mixed") == 0)
                return _("Mixed results");
        if (strcmp(outcome, "failed") == 0)
                return _("It didn't work");
        return _("No outcome yet");
}

static const char *ask_status_text(struct render *r, const char *status)
{
        if (strcmp(status, "planned") == 0)
                return _("Planned");
        if (strcmp(status, "covered") == 0)
                return _("Covered");
        if (strcmp(status, "declined") == 0)
                return _("Declined");
        return _("Open");
}

static void item_row(struct render *r, const struct profile_item *it)
{
        struct buf *b = r->out;
        html_lit(b, "<li class=\"activity-item activity-");
        html_attr(b, profile_kind_key(it->kind));
        html_lit(b, "\"><p class=\"activity-head\"><span class=\"meta\">");
        html_text(b, item_kind_text(r, it));
        html_lit(b, "</span> <a href=\"");
        html_attr(b, it->url);
        html_lit(b, "\">");
        /* a thread's reply is best named by its thread, which title holds */
        html_text(b, *it->title && it->kind != PROFILE_ANSWERS ? it->title : it->where);
        html_lit(b, "</a>");
        if (*it->title && it->kind != PROFILE_ANSWERS && *it->where) {
                html_lit(b, " <span class=\"meta\">· ");
                html_text(b, it->where);
                html_lit(b, "</span>");
        }
        html_lit(b, " <span class=\"meta\">");
        html_time(r, it->created_at);
        html_lit(b, "</span>");
        if (it->kind == PROFILE_TRIED || (it->kind == PROFILE_ASKS && *it->extra)) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, it->kind == PROFILE_TRIED ? outcome_text(r, it->extra)
                                                       : ask_status_text(r, it->extra));
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        if (it->kind == PROFILE_ANSWERS && *it->title) {
                html_lit(b, "<p class=\"activity-question\">");
                html_text(b, it->title);
                html_lit(b, "</p>\n");
        }
        if (*it->excerpt) {
                html_lit(b, "<p class=\"activity-excerpt\"");
                html_lang_attr(r, it->language);
                html_lit(b, ">");
                html_text(b, it->excerpt);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</li>\n");
}

static void activity_section(struct render *r, const struct profile_page *p)
{
        if (p->nactivity <= 0)
                return;
        struct buf *b = r->out;
        html_lit(b, "<section class=\"activity\" aria-labelledby=\"act-h\"><h2 id=\"act-h\">");
        html_text(b, _("Recent activity"));
        html_lit(b, "</h2>\n<ol class=\"activity-list\">\n");
        for (int i = 0; i < p->nactivity; i++)
                item_row(r, &p->activity[i]);
        html_lit(b, "</ol>\n</section>\n");
}

static void places_section(struct render *r, const struct profile_page *p)
{
        struct buf *b = r->out;
        if (p->nfollows > 0) {
                html_lit(b, "<section class=\"follows\" aria-labelledby=\"fol-h\"><h2 "
                            "id=\"fol-h\">");
                html_text(b, _("Newsletters followed"));
                html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                for (int i = 0; i < p->nfollows; i++) {
                        html_lit(b, "<li><a href=\"/n/");
                        html_url_arg(b, p->follows[i].slug);
                        html_lit(b, "\">");
                        html_text(b, p->follows[i].title);
                        html_lit(b, "</a></li>\n");
                }
                html_lit(b, "</ul>\n</section>\n");
        }
        if (p->nspaces > 0) {
                html_lit(b, "<section class=\"spaces\" aria-labelledby=\"spa-h\"><h2 "
                            "id=\"spa-h\">");
                html_text(b, _("Spaces"));
                html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                for (int i = 0; i < p->nspaces; i++) {
                        html_lit(b, "<li><a href=\"/spaces/");
                        html_url_arg(b, p->spaces[i].slug);
                        html_lit(b, "\">");
                        html_text(b, p->spaces[i].title);
                        html_lit(b, "</a> <span class=\"meta\">");
                        html_textf(r,
                                   _n("%lld post", "%lld posts", (unsigned long)p->spaces[i].count),
                                   (long long)p->spaces[i].count);
                        html_lit(b, "</span></li>\n");
                }
                html_lit(b, "</ul>\n</section>\n");
        }
}

static void card(struct render *r, const struct member *m, const char *bio_html,
                 const char *p_avatar)
{
        bool own = render_signed_in(r) && r->viewer->id == m->id;
        struct buf *b = r->out;
        /* the face stands before the heading, not in it: the h-card's p-name (and the heading's
         * accessible name) is the display name alone, without the drawn initials */
        html_lit(b, "<article class=\"profile h-card\">\n<div class=\"profile-face\">");
        web_avatar(r, m->id, m->display_name, p_avatar, 96);
        html_lit(b, "</div>\n<h1 class=\"p-name\">");
        html_text(b, m->display_name);
        html_lit(b, "</h1>\n<p class=\"handle\">@");
        html_text(b, m->handle);
        if (m->role == ROLE_AUTHOR || m->role == ROLE_ADMIN) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, m->role == ROLE_AUTHOR ? _("Author") : _("Admin"));
                html_lit(b, "</span>");
        } else if (m->role == ROLE_MODERATOR) {
                html_lit(b, " <span class=\"badge\">");
                html_text(b, _("Moderator"));
                html_lit(b, "</span>");
        }
        html_lit(b, "</p>\n");
        if (*m->headline) {
                html_lit(b, "<p class=\"headline p-job-title\">");
                html_text(b, m->headline);
                html_lit(b, "</p>\n");
        }
        if (bio_html && *bio_html) {
                html_lit(b, "<div class=\"bio p-note\"");
                html_lang_attr(r, m->language);
                html_lit(b, ">");
                html_rendered(b, bio_html);
                html_lit(b, "</div>\n");
        } else if (!bio_html && *m->bio) {
                html_lit(b, "<div class=\"bio p-note\"><p>");
                html_text(b, m->bio);
                html_lit(b, "</p></div>\n");
        }
        html_lit(b, "<p class=\"meta\">");
        struct html_frag since = html_time_frag(r, m->created_at);
        /* TRANSLATORS: %s is a relative time such as "3 months ago" */
        html_sentence(r, _("Member since %s"), 1, &since);
        if (own) {
                html_lit(b, " · <a href=\"/settings\">");
                html_text(b, _("Edit your profile"));
                html_lit(b, "</a> · <a href=\"/settings/avatar\">");
                html_text(b, _("Change your picture"));
                html_lit(b, "</a>");
        }
        html_lit(b, "</p>\n");
        /* a moderator may take down an uploaded picture that breaks the rules */
        if (!own && p_avatar && render_signed_in(r) &&
            role_allows(r->viewer->role, ROLE_MODERATOR) &&
            (m->role != ROLE_ADMIN || r->viewer->role == ROLE_ADMIN)) {
                html_lit(b, "<form method=\"post\" class=\"moderate-picture\" action=\"/@");
                html_text(b, m->handle);
                html_lit(b, "/avatar/remove\">");
                form_csrf(r);
                html_lit(b, "<button type=\"submit\" class=\"secondary\">");
                html_text(b, _("Take down this picture"));
                html_lit(b, "</button></form>\n");
        }
        html_lit(b, "</article>\n");
}

static void authored_sections(struct render *r, const struct profile_page *p)
{
        struct buf *b = r->out;
        if (p->nnewsletters > 0) {
                html_lit(b, "<section aria-labelledby=\"nl-h\"><h2 id=\"nl-h\">");
                html_text(b, _("Newsletters"));
                html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                for (int i = 0; i < p->nnewsletters; i++) {
                        const struct newsletter *n = &p->newsletters[i];
                        html_lit(b, "<li><a href=\"/n/");
                        html_url_arg(b, n->slug);
                        html_lit(b, "\">");
                        html_text(b, n->title);
                        html_lit(b, "</a>");
                        if (n->owner_id != p->m.id) {
                                html_lit(b, " <span class=\"meta\">");
                                html_text(b, _("co-author"));
                                html_lit(b, "</span>");
                        }
                        html_lit(b, "</li>\n");
                }
                html_lit(b, "</ul>\n</section>\n");
        }
        if (p->nepisodes > 0) {
                html_lit(b, "<section aria-labelledby=\"ep-h\"><h2 id=\"ep-h\">");
                html_text(b, _("Episodes"));
                html_lit(b, "</h2>\n");
                for (int i = 0; i < p->nepisodes; i++)
                        card_episode(r, &p->episodes[i],
                                     CARD_NEWSLETTER | CARD_EXCERPT | CARD_COVER);
                html_lit(b, "</section>\n");
        }
}

/* The whole profile, with a refused award form's state (NULL: none). */
static int profile_render(struct request *req, struct profile_page *p, int status,
                          const struct badge_form_state *form)
{
        struct render *r = render_for_request(req);
        /* the headline is what a search result should say about the member */
        struct page_meta meta = {.title = p->m.display_name, .description = p->m.headline};
        page_begin_meta(r, &meta);
        card(r, &p->m, p->bio_html, p->avatar);
        badge_section(r, p->m.handle, p->badges, p->nbadges, p->admin, p->all_newsletters, p->nall,
                      form);
        if (render_signed_in(r) && r->viewer->id == p->m.id)
                badge_within_reach(r, p->badges, p->nbadges);
        counts_section(r, p);
        activity_section(r, p);
        places_section(r, p);
        authored_sections(r, p);
        return page_end(r, status);
}

int web_profile(struct request *req)
{
        struct profile_page p;
        memset(&p, 0, sizeof(p));
        if (path_member(req, &p.m))
                return req->resp.status;
        if (profile_load(req, &p) != 0)
                return req_fail(req, 503, N_("The database is not available."));
        return profile_render(req, &p, 200, NULL);
}

/* ------------------------------------------------------------------ a kind's list */

int web_profile_list(struct request *req)
{
        struct member m;
        if (path_member(req, &m))
                return req->resp.status;
        int kind = profile_kind_parse(req_path_param(req, "kind"));
        if (kind < 0)
                return req_fail(req, 404, N_("There is no such page."));
        struct profile_item *items;
        bool more = false;
        int n =
            profile_list(req->db, req->arena, m.id, (enum profile_kind)kind, time_now(),
                         req_param_int(req, "before", INT64_MAX),
                         req_param_int(req, "before_id", 0), KD_PROFILE_LIST_PAGE, &items, &more);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *heading = kind_heading(r, (enum profile_kind)kind);
        /* TRANSLATORS: a page title: %1$s is a list ("Comments"), %2$s a member's name */
        page_begin(r, arena_printf(r->arena, _("%1$s by %2$s"), heading, m.display_name));
        html_lit(b, "<p class=\"crumbs\"><a href=\"/@");
        html_url_arg(b, m.handle);
        html_lit(b, "\">");
        html_text(b, m.display_name);
        html_lit(b, "</a></p>\n<h1>");
        html_text(b, heading);
        html_lit(b, "</h1>\n");
        if (n == 0) {
                html_lit(b, "<p class=\"meta\">");
                html_text(b, _("Nothing here yet."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<ol class=\"activity-list\">\n");
                for (int i = 0; i < n; i++)
                        item_row(r, &items[i]);
                html_lit(b, "</ol>\n");
        }
        if (req_has_param(req, "before")) {
                html_lit(b, "<p class=\"pages\"><a href=\"/@");
                html_url_arg(b, m.handle);
                html_lit(b, "/");
                html_url_arg(b, profile_kind_key((enum profile_kind)kind));
                html_lit(b, "\">← ");
                html_text(b, _("Newest"));
                html_lit(b, "</a></p>\n");
        }
        if (more) {
                html_lit(b, "<p class=\"pages\"><a rel=\"next\" href=\"/@");
                html_url_arg(b, m.handle);
                html_lit(b, "/");
                html_url_arg(b, profile_kind_key((enum profile_kind)kind));
                html_lit(b, "?before=");
                html_int(b, items[n - 1].created_at);
                html_lit(b, "&amp;before_id=");
                html_int(b, items[n - 1].id);
                html_lit(b, "\">");
                html_text(b, _("Older"));
                html_lit(b, " →</a></p>\n");
        }
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ badges by hand */

int profile_badge_change(struct request *req, const struct member *m, bool award,
                         struct field_problem *p)
{
        struct badge_input in = {
            .member_id = m->id,
            .badge = req_param(req, "badge"),
            .newsletter_slug = req_param(req, "newsletter"),
            .note = req_param(req, "note"),
            .admin_id = req->viewer.id,
        };
        return award ? badge_award(req->db, &in, p) : badge_remove(req->db, &in, p);
}

int web_profile_badges(struct request *req)
{
        struct profile_page p;
        memset(&p, 0, sizeof(p));
        if (path_member(req, &p.m))
                return req->resp.status;
        if (!badge_can_award(req->viewer.role))
                return req_fail(req, 403, N_("Only admins may award or remove badges."));
        const char *action = req_param(req, "action");
        bool award = action && strcmp(action, "award") == 0;
        if (!award && !(action && strcmp(action, "remove") == 0))
                return req_fail(req, 422, N_("Choose to award or to remove a badge."));
        struct rate_limit *const limits[] = {req->guards->badge_by_admin, NULL};
        if (write_guard(req, limits))
                return req->resp.status;
        struct field_problem problem = {0};
        int rc = profile_badge_change(req, &p.m, award, &problem);
        if (rc == PUB_INVALID) {
                if (profile_load(req, &p) != 0)
                        return req_fail(req, 503, N_("The database is not available."));
                struct render *r = render_for_request(req);
                struct badge_form_state form = {
                    render_problem(r, &problem), problem.field, req_param(req, "badge"),
                    req_param(req, "newsletter"), req_param(req, "note")};
                return profile_render(req, &p, 422, &form);
        }
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("This member does not hold that badge."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "/@%s#badges", p.m.handle));
}

/* ------------------------------------------------------------------ the badges' page */

/* Members shown under each badge on the badges' page. */
enum { BADGE_HOLDERS_SHOWN = 6 };

int web_badges(struct request *req)
{
        struct badge_holder *holders[BADGE_KINDS];
        int nholders[BADGE_KINDS];
        for (int k = 0; k < BADGE_KINDS; k++) {
                nholders[k] = badge_recent_holders(req->db, req->arena, (enum badge_kind)k,
                                                   BADGE_HOLDERS_SHOWN, &holders[k]);
                if (nholders[k] < 0)
                        return req_fail(req, 503, N_("The database is not available."));
        }
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        page_begin(r, _("Badges"));
        html_lit(b, "<h1>");
        html_text(b, _("Badges"));
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_text(b, _("Badges are earned by taking part, by the rules below, and follow what "
                       "readers can see: a hidden comment or a deleted build-on no longer counts. "
                       "Admins may also award one by hand."));
        html_lit(b, "</p>\n<dl class=\"badge-rules\">\n");
        for (int k = 0; k < BADGE_KINDS; k++) {
                const struct badge_def *d = badge_def((enum badge_kind)k);
                html_lit(b, "<dt class=\"badge-item badge-");
                html_attr(b, d->key);
                html_lit(b, "\"><span class=\"badge-name\">");
                html_text(b, _(d->name));
                html_lit(b, "</span>");
                if (d->per_newsletter) {
                        html_lit(b, " <span class=\"meta\">");
                        html_text(b, _("one per newsletter"));
                        html_lit(b, "</span>");
                }
                html_lit(b, "</dt>\n<dd>");
                html_text(b, _(d->rule));
                if (d->by_hand_only) {
                        html_lit(b, " <span class=\"meta\">");
                        html_text(b, _("Awarded by hand only."));
                        html_lit(b, "</span>");
                }
                if (nholders[k] > 0) {
                        html_lit(b, "<p class=\"meta\">");
                        html_text(b, _("Recently earned by"));
                        html_lit(b, "</p><ul class=\"badge-holders\">");
                        for (int i = 0; i < nholders[k]; i++) {
                                const struct badge_holder *h = &holders[k][i];
                                html_lit(b, "<li><a href=\"/@");
                                html_url_arg(b, h->handle);
                                html_lit(b, "\">");
                                html_text(b, h->display_name);
                                html_lit(b, "</a>");
                                if (*h->newsletter_title) {
                                        html_lit(b, " <span class=\"meta\">");
                                        html_text(b, h->newsletter_title);
                                        html_lit(b, "</span>");
                                }
                                html_lit(b, "</li>");
                        }
                        html_lit(b, "</ul>");
                }
                html_lit(b, "</dd>\n");
        }
        html_lit(b, "</dl>\n");
        return page_end(r, 200);
}
