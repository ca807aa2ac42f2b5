/* The authors' editor: every form is plain HTML, so it works without JavaScript. A rejected
 * form comes back with what was typed and the problem next to its field (422); nothing is saved
 * until everything is valid. */
#include "web/editor.h"
#include "web/editor_autosave.h"
#include "web/editor_help.h"
#include "web/editor_images.h"
#include "web/editor_lifecycle.h"
#include "web/prompts.h"
#include "core/tz.h"
#include "model/autosave.h"
#include "model/time_zone.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "markdown/markdown.h"
#include "db/db.h"
#include "model/episode.h"
#include "model/job_worker.h"
#include "model/image.h"
#include "model/member.h"
#include "model/newsletter.h"
#include "model/notification.h"
#include "model/season.h"
#include "web/cards.h"
#include "web/layout.h"
#include "web/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { DASHBOARD_EPISODES = 100 };

/* The problem's message for field name, translated, or NULL. */
static const char *error_for(struct render *r, const struct field_problem *p, const char *name)
{
        if (!p || !p->field || strcmp(p->field, name) != 0)
                return NULL;
        return render_problem(r, p);
}

static void form_summary(struct render *r, const struct field_problem *p)
{
        struct buf *b = r->out;
        if (!p || !p->field)
                return;
        html_lit(b, "<p class=\"form-error\" role=\"alert\">");
        html_text(b, _("Nothing was saved. Please check the highlighted field."));
        html_lit(b, "</p>\n");
}

/* Loads the newsletter in the path and checks the viewer may write in it. */
static int writable_newsletter(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        if (!newsletter_can_write(req->db, n->id, req->viewer.id, req->viewer.role))
                return req_fail(req, 403, N_("Only this newsletter's authors may edit it."));
        return 0;
}

/* ------------------------------------------------------------------ dashboard */

int web_write_dashboard(struct request *req)
{
        struct render *r = render_for_request(req);
        struct newsletter *ns;
        int nn =
            newsletter_list_writable(req->db, req->arena, req->viewer.id, req->viewer.role, &ns);
        struct episode *eps;
        int ne = episode_list_writable(req->db, req->arena, req->viewer.id, req->viewer.role,
                                       DASHBOARD_EPISODES, &eps);
        if (nn < 0 || ne < 0)
                return req_fail(req, 503, N_("The database is not available."));
        /* scheduled times show in the author's time zone, as the editor takes them */
        const char *zone = member_time_zone(req->db, req->arena, req->viewer.id);
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Write"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, _("Write"));
        html_lit(b, "</h1>\n");
        if (strcmp(req_param(req, "done"), "deleted") == 0)
                page_notice(r, false, _("The episode is deleted."));
        html_lit(b, "<p><a class=\"button\" href=\"/write/newsletter\">");
        html_text(b, _("New newsletter"));
        html_lit(b, "</a></p>\n<section aria-labelledby=\"nl-h\"><h2 id=\"nl-h\">");
        html_text(b, _("Your newsletters"));
        html_lit(b, "</h2>\n");
        if (nn == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("You do not write in any newsletter yet. Start one."));
                html_lit(b, "</p>\n");
        }
        html_lit(b, "<ul class=\"plain-list\">\n");
        for (int i = 0; i < nn; i++) {
                html_lit(b, "<li><a href=\"/n/");
                html_url_arg(b, ns[i].slug);
                html_lit(b, "\">");
                html_text(b, ns[i].title);
                html_lit(b, "</a> · <a href=\"/write/n/");
                html_url_arg(b, ns[i].slug);
                html_lit(b, "/episode\">");
                html_text(b, _("New episode"));
                html_lit(b, "</a> · <a href=\"/write/n/");
                html_url_arg(b, ns[i].slug);
                html_lit(b, "\">");
                html_text(b, _("Settings and seasons"));
                html_lit(b, "</a></li>\n");
        }
        html_lit(b, "</ul>\n</section>\n<section aria-labelledby=\"ep-h\"><h2 id=\"ep-h\">");
        html_text(b, _("Episodes"));
        html_lit(b, "</h2>\n");
        if (ne == 0) {
                html_lit(b, "<p class=\"empty\">");
                html_text(b, _("No episodes yet."));
                html_lit(b, "</p>\n");
        } else {
                html_lit(b, "<table class=\"episodes\">\n<thead><tr><th scope=\"col\">");
                html_text(b, _("Episode"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Newsletter"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Status"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Last edit"));
                html_lit(b, "</th></tr></thead>\n<tbody>\n");
                int64_t now = time_now();
                for (int i = 0; i < ne; i++) {
                        const struct episode *e = &eps[i];
                        html_lit(b, "<tr><td><a href=\"/write/episode/");
                        html_int(b, e->id);
                        html_lit(b, "\">");
                        html_text(b, e->title);
                        html_lit(b, "</a> <span class=\"meta\">");
                        season_episode_label(r, e->season_number, e->number);
                        html_lit(b, "</span></td><td>");
                        html_text(b, e->newsletter_title);
                        html_lit(b, "</td><td>");
                        if (e->status == EPISODE_DRAFT) {
                                html_text(b, _("Draft"));
                        } else if (e->publish_at > now) {
                                struct html_frag date =
                                    html_local_moment_frag(r, e->publish_at, zone);
                                /* TRANSLATORS: %s is a date and time */
                                html_sentence(r, _("Scheduled for %s"), 1, &date);
                        } else {
                                struct html_frag when = html_time_frag(r, e->publish_at);
                                /* TRANSLATORS: %s is a relative time such as "3 days ago" */
                                html_sentence(r, _("Published %s"), 1, &when);
                        }
                        html_lit(b, "</td><td>");
                        html_time(r, e->updated_at);
                        html_lit(b, "</td></tr>\n");
                }
                html_lit(b, "</tbody>\n</table>\n");
        }
        html_lit(b, "</section>\n");
        return page_end(r, 200);
}

/* ------------------------------------------------------------------ newsletter */

static int newsletter_page(struct request *req, int status, const struct newsletter *existing,
                           const struct newsletter_input *v, const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {
            .title = existing ? existing->title : _("New newsletter"),
            .noindex = true,
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<h1>");
        html_text(b, existing ? _("Newsletter settings") : _("New newsletter"));
        html_lit(b, "</h1>\n");
        form_summary(r, p);
        html_lit(b, "<form method=\"post\" class=\"editor\" action=\"");
        if (existing) {
                html_lit(b, "/write/n/");
                html_url_arg(b, existing->slug);
        } else {
                html_lit(b, "/write/newsletter");
        }
        html_lit(b, "\">\n");
        form_csrf(r);
        form_input(r, _("Title"), "title", "text", v->title, NULL, KD_TITLE_MAX,
                   error_for(r, p, "title"));
        if (!existing)
                form_input(r, _("Address (slug, optional: made from the title)"), "slug", "text",
                           v->slug, NULL, KD_SLUG_MAX_BYTES, error_for(r, p, "slug"));
        form_textarea(r, _("Description"), "description", v->description, 5, KD_DESCRIPTION_MAX,
                      _("Markdown. Shown on the newsletter's page and in "
                        "its feeds."),
                      error_for(r, p, "description"));
        form_input(r, _("Co-authors (handles, separated by commas)"), "coauthors", "text",
                   v->coauthors, NULL, 0, error_for(r, p, "coauthors"));
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, existing ? _("Save") : _("Create newsletter"));
        html_lit(b, "</button></p>\n</form>\n");
        if (existing) {
                struct season *ss;
                int ns = season_list(req->db, req->arena, existing->id, time_now(), &ss);
                html_lit(b, "<section aria-labelledby=\"seasons-h\"><h2 id=\"seasons-h\">");
                html_text(b, _("Seasons"));
                html_lit(b, "</h2>\n<ul class=\"plain-list\">\n");
                for (int i = 0; i < ns; i++) {
                        html_lit(b, "<li><a href=\"/write/n/");
                        html_url_arg(b, existing->slug);
                        html_lit(b, "/season/");
                        html_int(b, ss[i].number);
                        html_lit(b, "\">");
                        html_textf(r, _("Season %d: %s"), ss[i].number, ss[i].title);
                        html_lit(b, "</a></li>\n");
                }
                html_lit(b, "</ul>\n<p><a class=\"button secondary\" href=\"/write/n/");
                html_url_arg(b, existing->slug);
                html_lit(b, "/season\">");
                html_text(b, _("Add a season"));
                html_lit(b, "</a> <a class=\"button secondary\" href=\"/write/n/");
                html_url_arg(b, existing->slug);
                html_lit(b, "/episode\">");
                html_text(b, _("New episode"));
                html_lit(b, "</a></p>\n</section>\n");
        }
        return page_end(r, status);
}

int web_write_newsletter_form(struct request *req)
{
        if (!req_path_param(req, "newsletter")) {
                struct newsletter_input v = {"", "", "", ""};
                return newsletter_page(req, 200, NULL, &v, NULL);
        }
        struct newsletter n;
        if (writable_newsletter(req, &n))
                return req->resp.status;
        struct newsletter_input v = {n.slug, n.title, n.description,
                                     newsletter_coauthors(req->db, req->arena, n.id)};
        return newsletter_page(req, 200, &n, &v, NULL);
}

int web_write_newsletter(struct request *req)
{
        struct newsletter_input v = {req_param(req, "slug"), req_param(req, "title"),
                                     req_param(req, "description"), req_param(req, "coauthors")};
        struct field_problem p = {0};
        if (!req_path_param(req, "newsletter")) {
                int64_t id;
                int rc = newsletter_create(req->db, &v, req->viewer.id, &id, &p);
                if (rc == PUB_INVALID || rc == PUB_TAKEN)
                        return newsletter_page(req, 422, NULL, &v, &p);
                if (rc != PUB_OK)
                        return req_fail(req, 503, N_("The database is not available."));
                struct newsletter n;
                if (newsletter_get(req->db, req->arena, id, &n) != PUB_OK)
                        return req_fail(req, 503, N_("The database is not available."));
                /* A new newsletter needs a season before its first episode. */
                return resp_redirect(req, arena_printf(req->arena, "/write/n/%s/season", n.slug));
        }
        struct newsletter n;
        if (writable_newsletter(req, &n))
                return req->resp.status;
        /* Only the owner (or an admin) decides who co-writes. */
        if (!newsletter_can_choose_authors(&n, req->viewer.id, req->viewer.role))
                v.coauthors = NULL;
        int rc = newsletter_update(req->db, n.id, &v, &p);
        if (rc == PUB_INVALID) {
                if (!v.coauthors)
                        v.coauthors = newsletter_coauthors(req->db, req->arena, n.id);
                return newsletter_page(req, 422, &n, &v, &p);
        }
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "/n/%s", n.slug));
}

/* ------------------------------------------------------------------ season */

struct season_values {
        const char *number, *title, *description, *cadence, *weekday, *every_days, *status,
            *returns;
};

static int season_page(struct request *req, int status, const struct newsletter *n,
                       const struct season *existing, const struct season_values *v,
                       const struct field_problem *p)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *heading = existing ? arena_printf(req->arena, _("Season %d: %s"),
                                                      existing->number, existing->title)
                                       : _("New season");
        struct page_meta meta = {.title = heading, .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<nav class=\"breadcrumbs\"><a href=\"/write/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "\">");
        html_text(b, n->title);
        html_lit(b, "</a></nav>\n<h1>");
        html_text(b, heading);
        html_lit(b, "</h1>\n");
        form_summary(r, p);
        html_lit(b, "<form method=\"post\" class=\"editor\" action=\"/write/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "/season");
        if (existing) {
                html_lit(b, "/");
                html_int(b, existing->number);
        }
        html_lit(b, "\">\n");
        form_csrf(r);
        form_number(r, _("Number"), "number", v->number, 1, KD_MAX_SEASONS,
                    error_for(r, p, "number"));
        form_input(r, _("Title"), "title", "text", v->title, NULL, KD_TITLE_MAX,
                   error_for(r, p, "title"));
        form_textarea(r, _("Description"), "description", v->description, 4, KD_DESCRIPTION_MAX,
                      _("Markdown. What this season is about."), error_for(r, p, "description"));
        const struct form_option cadences[] = {
            {"weekly", _("Weekly")},
            {"days", _("Every few days")},
            {"irregular", _("No fixed schedule")},
        };
        form_select(r, _("Cadence"), "cadence", cadences, 3, v->cadence,
                    error_for(r, p, "cadence"));
        const struct form_option weekdays[] = {
            {"0", _("Sunday")},   {"1", _("Monday")}, {"2", _("Tuesday")},  {"3", _("Wednesday")},
            {"4", _("Thursday")}, {"5", _("Friday")}, {"6", _("Saturday")},
        };
        form_select(r, _("Day of the week (weekly)"), "weekday", weekdays, 7, v->weekday,
                    error_for(r, p, "weekday"));
        form_number(r, _("Every how many days (every few days)"), "every_days", v->every_days, 1,
                    365, error_for(r, p, "every_days"));
        const struct form_option statuses[] = {
            {"planned", _("Planned")},
            {"airing", _("Airing")},
            {"on-break", _("On a break")},
            {"finished", _("Finished")},
        };
        form_select(r, _("Status"), "status", statuses, 4, v->status, error_for(r, p, "status"));
        form_input(r, _("Back on (during a break, optional)"), "returns", "date", v->returns, NULL,
                   0, error_for(r, p, "returns"));
        html_lit(b, "<p><button type=\"submit\">");
        html_text(b, _("Save season"));
        html_lit(b, "</button></p>\n</form>\n");
        return page_end(r, status);
}

/* The season in the path (edit) or NULL (new). Fails the request when absent. */
static int path_season(struct request *req, const struct newsletter *n, struct season *s,
                       bool *exists)
{
        int64_t number = req_path_id(req, "number");
        *exists = number != 0;
        if (!number)
                return 0;
        if (number > KD_MAX_SEASONS ||
            season_find(req->db, req->arena, n->id, (int)number, time_now(), s) != PUB_OK)
                return req_fail(req, 404, N_("There is no such season."));
        return 0;
}

static char *date_only(struct request *req, int64_t t)
{
        if (t <= 0)
                return "";
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return arena_strndup(req->arena, iso, 10);
}

int web_write_season_form(struct request *req)
{
        struct newsletter n;
        if (writable_newsletter(req, &n))
                return req->resp.status;
        struct season s;
        bool exists;
        if (path_season(req, &n, &s, &exists))
                return req->resp.status;
        struct season_values v;
        if (exists) {
                v = (struct season_values){
                    arena_printf(req->arena, "%d", s.number),
                    s.title,
                    s.description,
                    s.cadence == CADENCE_WEEKLY ? "weekly"
                    : s.cadence == CADENCE_DAYS ? "days"
                                                : "irregular",
                    arena_printf(req->arena, "%d", s.cadence == CADENCE_WEEKLY ? s.cadence_n : 2),
                    s.cadence == CADENCE_DAYS ? arena_printf(req->arena, "%d", s.cadence_n) : "",
                    season_status_name(s.status),
                    date_only(req, s.returns_at),
                };
        } else {
                struct season *ss;
                int count = season_list(req->db, req->arena, n.id, time_now(), &ss);
                int next = count > 0 ? ss[count - 1].number + 1 : 1;
                v = (struct season_values){
                    arena_printf(req->arena, "%d", next), "", "", "weekly", "2", "", "planned", ""};
        }
        return season_page(req, 200, &n, exists ? &s : NULL, &v, NULL);
}

int web_write_season(struct request *req)
{
        struct newsletter n;
        if (writable_newsletter(req, &n))
                return req->resp.status;
        struct season s;
        bool exists;
        if (path_season(req, &n, &s, &exists))
                return req->resp.status;
        struct season_values v = {
            req_param(req, "number"),  req_param(req, "title"),   req_param(req, "description"),
            req_param(req, "cadence"), req_param(req, "weekday"), req_param(req, "every_days"),
            req_param(req, "status"),  req_param(req, "returns"),
        };
        struct field_problem p = {0};
        struct season_input in = {
            .number = (int)req_param_int(req, "number", 0),
            .title = v.title,
            .description = v.description,
        };
        if (strcmp(v.cadence, "weekly") == 0) {
                in.cadence = CADENCE_WEEKLY;
                in.cadence_n = (int)req_param_int(req, "weekday", -1);
        } else if (strcmp(v.cadence, "days") == 0) {
                in.cadence = CADENCE_DAYS;
                in.cadence_n = (int)req_param_int(req, "every_days", 0);
        } else {
                in.cadence = CADENCE_IRREGULAR;
        }
        enum season_status st;
        if (season_status_parse(v.status, &st) != 0) {
                field_problem_set(&p, "status", N_("Choose a status."));
                return season_page(req, 422, &n, exists ? &s : NULL, &v, &p);
        }
        in.status = st;
        if (*v.returns && time_parse_iso8601(v.returns, &in.returns_at) != 0) {
                field_problem_set(&p, "returns", N_("Write the date as YYYY-MM-DD."));
                return season_page(req, 422, &n, exists ? &s : NULL, &v, &p);
        }
        int64_t id;
        int rc = season_save(req->db, n.id, exists ? s.id : 0, &in, &id, &p);
        if (rc == PUB_INVALID || rc == PUB_TAKEN)
                return season_page(req, 422, &n, exists ? &s : NULL, &v, &p);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return resp_redirect(req, arena_printf(req->arena, "/n/%s/season/%d", n.slug, in.number));
}

/* ------------------------------------------------------------------ episode */

struct episode_values {
        const char *season, *number, *title, *subtitle, *slug, *body, *cover_alt, *cover_credit,
            *ai, *teaser, *publish_at, *language;
        int64_t cover_image; /* 0: none */
        const char *status;  /* "draft", "scheduled", "published": the stored one, for the label */
        const char *prompts[KD_PROMPTS_PER_EPISODE]; /* "Questions for you", by position */
        const char *inline_alt; /* "Add an image to the text": the alt text typed */
        const char *zone;       /* the author's time zone ("" for UTC): publish_at is in it */
        const char *notice;     /* a line to show above the form (translated), or NULL */
};

/* "2026-12-01T08:00" for a datetime-local input, in zone ("" for UTC), or "" for none. */
static char *datetime_local(struct request *req, int64_t t, const char *zone)
{
        if (t <= 0)
                return "";
        char iso[32];
        time_iso8601(t + tz_offset_at(zone, t), iso, sizeof(iso));
        return arena_strndup(req->arena, iso, 16);
}

/* Everything the episode editor shows: the form's values and problem (from the handler) and
 * what episode_editor_load read. */
struct episode_editor {
        const struct newsletter *n;
        const struct episode *existing;   /* NULL for a new episode */
        const struct episode_values *v;   /* the form's values */
        const struct field_problem *p;    /* NULL when nothing is wrong */
        const struct mdr_result *preview; /* the rendered text to preview, or NULL */
        struct season *seasons;           /* the newsletter's seasons, for the select */
        int nseasons;
        const char *cover_url; /* of v->cover_image, NULL when none or unknown */
        const char *canonical; /* this page's path */
        struct page_chrome chrome;
        struct autosave autosave; /* the script's copy, when newer than the episode */
        bool has_autosave;
};

/* Loader: the newsletter's seasons, the cover's address and the page head's counts. */
static void episode_editor_load(struct request *req, struct episode_editor *ed)
{
        ed->nseasons = season_list(req->db, req->arena, ed->n->id, time_now(), &ed->seasons);
        ed->cover_url =
            ed->v->cover_image > 0 ? image_url(req->db, req->arena, ed->v->cover_image) : NULL;
        ed->canonical = req->path;
        page_chrome_load(req, &ed->chrome);
        ed->has_autosave = editor_autosave_load(req, ed->n->id, ed->existing, &ed->autosave);
}

/* The form's buttons, by what the episode is now: a draft is saved as a draft or published (or
 * scheduled); a scheduled episode is saved keeping its time, or published now; a live one is
 * updated. Unpublishing and deleting have pages of their own (confirmation). The first "save"
 * button is what Ctrl+S presses (static/kindred.js). */
static void episode_editor_buttons(struct render *r, const struct episode *existing)
{
        struct buf *b = r->out;
        bool draft = !existing || existing->status == EPISODE_DRAFT;
        bool scheduled = !draft && existing->publish_at > r->now;
        html_lit(b, "<p class=\"actions\"><button type=\"submit\" name=\"action\" "
                    "value=\"preview\" class=\"secondary\" data-shortcut=\"preview\">");
        html_text(b, _("Preview"));
        html_lit(b, "</button> ");
        if (draft) {
                html_lit(b, "<button type=\"submit\" name=\"action\" value=\"draft\" "
                            "class=\"secondary\" data-shortcut=\"save\">");
                html_text(b, _("Save as draft"));
                html_lit(b, "</button> <button type=\"submit\" name=\"action\" "
                            "value=\"publish\">");
                html_text(b, _("Publish or schedule"));
                html_lit(b, "</button>");
        } else if (scheduled) {
                html_lit(b, "<button type=\"submit\" name=\"action\" value=\"publish\" "
                            "class=\"secondary\" data-shortcut=\"save\">");
                html_text(b, _("Save and keep the schedule"));
                html_lit(b, "</button> <button type=\"submit\" name=\"action\" "
                            "value=\"publish_now\">");
                html_text(b, _("Publish now"));
                html_lit(b, "</button>");
        } else {
                html_lit(b, "<button type=\"submit\" name=\"action\" value=\"publish\" "
                            "data-shortcut=\"save\">");
                html_text(b, _("Update"));
                html_lit(b, "</button>");
        }
        html_lit(b, "</p>\n");
}

/* Renderer: the episode editor from what episode_editor_load read. */
static void episode_editor_render(struct render *r, const struct episode_editor *ed)
{
        const struct newsletter *n = ed->n;
        const struct episode *existing = ed->existing;
        const struct episode_values *v = ed->v;
        const struct field_problem *p = ed->p;
        const struct mdr_result *preview = ed->preview;
        struct buf *b = r->out;
        struct page_meta meta = {
            .title = existing ? existing->title : _("New episode"),
            .canonical = ed->canonical,
            .noindex = true,
        };
        page_head(r, &meta, &ed->chrome);
        html_lit(b, "<nav class=\"breadcrumbs\"><a href=\"/write\">");
        html_text(b, _("Write"));
        html_lit(b, "</a> › <a href=\"/n/");
        html_url_arg(b, n->slug);
        html_lit(b, "\">");
        html_text(b, n->title);
        html_lit(b, "</a></nav>\n<h1>");
        html_text(b, existing ? _("Edit episode") : _("New episode"));
        html_lit(b, "</h1>\n");
        if (existing) {
                html_lit(b, "<p class=\"meta\">");
                if (existing->status == EPISODE_DRAFT) {
                        html_text(b, _("Status: Draft"));
                } else if (existing->publish_at > r->now) {
                        struct html_frag date =
                            html_local_moment_frag(r, existing->publish_at, v->zone);
                        /* TRANSLATORS: %s is a date and time */
                        html_sentence(r, _("Status: Scheduled for %s"), 1, &date);
                } else {
                        html_text(b, _("Status: Published"));
                }
                html_lit(b, " · <a href=\"");
                episode_path(b, existing);
                html_lit(b, "\">");
                html_text(b, existing->status == EPISODE_DRAFT || existing->publish_at > r->now
                                 ? _("Preview as readers will see it")
                                 : _("View"));
                html_lit(b, "</a>");
                editor_lifecycle_links(r, existing);
                html_lit(b, "</p>\n");
        }
        if (v->notice)
                page_notice(r, false, v->notice);
        if (ed->has_autosave)
                editor_autosave_notice(r, n, existing, &ed->autosave);
        form_summary(r, p);
        if (preview) {
                html_lit(b, "<section class=\"preview\" aria-labelledby=\"preview-h\"><h2 "
                            "id=\"preview-h\">");
                html_text(b, _("Preview"));
                /* The preview is the episode's text: in the language chosen for it. */
                html_lit(b, "</h2>\n<article class=\"episode\"");
                html_lang_attr(r, v->language);
                html_lit(b, "><h1>");
                html_text(b, v->title);
                html_lit(b, "</h1>\n");
                if (*v->subtitle) {
                        html_lit(b, "<p class=\"subtitle\">");
                        html_text(b, v->subtitle);
                        html_lit(b, "</p>\n");
                }
                html_lit(b, "<div class=\"body\">");
                html_rendered(b, preview->html.data);
                html_lit(b, "</div></article>\n<p class=\"meta\">");
                html_textf(r, _n("%u word", "%u words", preview->words), preview->words);
                html_lit(b, " · ");
                html_textf(r, _n("%u min read", "%u min read", preview->reading_minutes),
                           preview->reading_minutes);
                html_lit(b, "</p>\n</section>\n");
        }
        html_lit(b, "<form method=\"post\" class=\"editor\" enctype=\"multipart/form-data\" "
                    "data-episode-editor data-newsletter=\"");
        html_int(b, n->id);
        html_lit(b, "\" data-episode=\"");
        html_int(b, existing ? existing->id : 0);
        html_lit(b, "\" action=\"");
        if (existing) {
                html_lit(b, "/write/episode/");
                html_int(b, existing->id);
        } else {
                html_lit(b, "/write/n/");
                html_url_arg(b, n->slug);
                html_lit(b, "/episode");
        }
        html_lit(b, "\">\n");
        form_csrf(r);
        const struct season *ss = ed->seasons;
        int ns = ed->nseasons;
        struct form_option *opts = arena_alloc(r->arena, (size_t)(ns > 0 ? ns : 1) * sizeof(*opts));
        for (int i = 0; i < ns; i++) {
                opts[i].value = arena_printf(r->arena, "%d", ss[i].number);
                opts[i].label =
                    arena_printf(r->arena, _("Season %d: %s"), ss[i].number, ss[i].title);
        }
        if (ns > 0) {
                form_select(r, _("Season"), "season", opts, ns, v->season,
                            error_for(r, p, "season"));
        } else {
                html_lit(b, "<p class=\"field-error\">");
                html_text(b, _("This newsletter has no season yet."));
                html_lit(b, " <a href=\"/write/n/");
                html_url_arg(b, n->slug);
                html_lit(b, "/season\">");
                html_text(b, _("Add a season"));
                html_lit(b, "</a></p>\n");
        }
        form_number(r, _("Episode number (empty: the next one)"), "number", v->number, 1,
                    KD_MAX_EPISODE_NUMBER, error_for(r, p, "number"));
        form_input(r, _("Title"), "title", "text", v->title, NULL, KD_TITLE_MAX,
                   error_for(r, p, "title"));
        form_input(r, _("Subtitle"), "subtitle", "text", v->subtitle, NULL, KD_SUBTITLE_MAX,
                   error_for(r, p, "subtitle"));
        form_language(r, _("Language of the text"), "language", v->language, NULL,
                      error_for(r, p, "language"));
        form_input(r, _("Address (slug, optional: made from the title)"), "slug", "text", v->slug,
                   NULL, KD_SLUG_MAX_BYTES, error_for(r, p, "slug"));
        form_textarea(r, _("Text"), "body", v->body, 24, 0,
                      _("Markdown: ## headings, **bold**, *italic*, [links](https://…), > "
                        "quotes, lists, tables. HTML is shown as text."),
                      error_for(r, p, "body"));
        html_lit(b, "<p class=\"autosave-status\" id=\"autosave-status\" role=\"status\"></p>\n");
        editor_markdown_help(r);
        editor_images_fieldset(r, v->inline_alt, error_for(r, p, "inline_image"),
                               error_for(r, p, "inline_alt"));
        html_lit(b, "<fieldset class=\"cover-fields\"><legend>");
        html_text(b, _("Cover image"));
        html_lit(b, "</legend>\n");
        if (v->cover_image > 0) {
                const char *url = ed->cover_url;
                if (url) {
                        html_lit(b, "<img class=\"cover-preview\" src=\"");
                        html_attr(b, url);
                        html_lit(b, "\" alt=\"");
                        html_attr(b, v->cover_alt);
                        html_lit(b, "\">\n<input type=\"hidden\" name=\"cover_image\" value=\"");
                        html_int(b, v->cover_image);
                        html_lit(b, "\">\n<div class=\"field checkbox\"><input type=\"checkbox\" "
                                    "id=\"f-remove_cover\" name=\"remove_cover\" value=\"1\"> "
                                    "<label for=\"f-remove_cover\">");
                        html_text(b, _("Remove the cover"));
                        html_lit(b, "</label></div>\n");
                }
        }
        html_lit(b, "<div class=\"field\"><label for=\"f-cover\">");
        html_text(b, v->cover_image > 0 ? _("Replace with a new image") : _("Upload an image"));
        html_lit(b, "</label>\n<input id=\"f-cover\" name=\"cover\" type=\"file\" "
                    "accept=\"image/png,image/jpeg,image/webp,image/gif\"");
        const char *cover_error = error_for(r, p, "cover");
        if (cover_error)
                html_lit(b, " aria-invalid=\"true\" aria-describedby=\"e-cover\"");
        html_lit(b, ">\n<p class=\"hint\">");
        html_text(b, _("PNG, JPEG, WebP or GIF; up to 8 MB and 40 megapixels."));
        html_lit(b, "</p>\n");
        if (cover_error) {
                html_lit(b, "<p class=\"field-error\" id=\"e-cover\">");
                html_text(b, cover_error);
                html_lit(b, "</p>\n");
        }
        html_lit(b, "</div>\n");
        form_textarea(r, _("Alt text (required with a cover)"), "cover_alt", v->cover_alt, 2,
                      KD_ALT_MAX, _("What the image shows, for readers who cannot see it."),
                      error_for(r, p, "cover_alt"));
        form_input(r, _("Credit (optional, e.g. \"Photo: Ana Costa\")"), "cover_credit", "text",
                   v->cover_credit, NULL, KD_CREDIT_MAX, error_for(r, p, "cover_credit"));
        html_lit(b, "</fieldset>\n");
        prompts_editor_fieldset(r, v->prompts, p);
        const struct form_option ai[] = {
            {"none", _("No AI was used")},
            {"assisted", _("AI assisted (research, editing, data)")},
            {"generated", _("Largely generated with AI")},
        };
        form_select(r, _("AI disclosure (shown to readers)"), "ai", ai, 3, v->ai,
                    error_for(r, p, "ai"));
        form_input(r, _("Next episode teaser (optional)"), "teaser", "text", v->teaser, NULL,
                   KD_TEASER_MAX, error_for(r, p, "teaser"));
        const char *zone_name = *v->zone ? v->zone : "UTC";
        form_input(
            r,
            arena_printf(r->arena,
                         /* TRANSLATORS: %s is a time zone such as Europe/Berlin */
                         _("Publish at (%s; empty: now; a future time schedules it)"), zone_name),
            "publish_at", "datetime-local", v->publish_at, NULL, 0, error_for(r, p, "publish_at"));
        html_lit(b, "<p class=\"hint\">");
        html_textf(r, _("Format: 2026-12-01T08:00, in your time zone (%s)."), zone_name);
        html_lit(b, " <a href=\"/settings#time-zone\">");
        html_text(b, _("Change your time zone"));
        html_lit(b, "</a></p>\n");
        episode_editor_buttons(r, existing);
        html_lit(b, "</form>\n");
}

/* The episode editor page with status: loads, renders, and answers. */
static int episode_page(struct request *req, int status, const struct newsletter *n,
                        const struct episode *existing, const struct episode_values *v,
                        const struct field_problem *p, const struct mdr_result *preview)
{
        struct episode_editor ed = {
            .n = n, .existing = existing, .v = v, .p = p, .preview = preview};
        episode_editor_load(req, &ed);
        struct render *r = render_for_request(req);
        episode_editor_render(r, &ed);
        return page_end(r, status);
}

/* The episode in the path (edit), checked writable; exists=false for a new one. */
static int path_episode(struct request *req, struct newsletter *n, struct episode *e, bool *exists)
{
        int64_t id = req_path_id(req, "id");
        *exists = id != 0;
        if (!id)
                return writable_newsletter(req, n);
        if (episode_get(req->db, req->arena, id, e) != PUB_OK)
                return req_fail(req, 404, N_("There is no episode at this address."));
        /* Someone who may not write here must not learn that a draft exists. */
        if (!newsletter_can_write(req->db, e->newsletter_id, req->viewer.id, req->viewer.role))
                return episode_is_live(e, time_now())
                           ? req_fail(req, 403, N_("Only this newsletter's authors may edit it."))
                           : req_fail(req, 404, N_("There is no episode at this address."));
        if (newsletter_get(req->db, req->arena, e->newsletter_id, n) != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        return 0;
}

/* A new episode's language: its author's choice, else the site's. */
static const char *author_language(struct request *req)
{
        const char *saved = member_language(req->db, req->arena, req->viewer.id);
        return saved ? saved : req->config->language;
}

int web_write_episode_form(struct request *req)
{
        struct newsletter n;
        struct episode e;
        bool exists;
        if (path_episode(req, &n, &e, &exists))
                return req->resp.status;
        struct episode_values v;
        const char *zone = member_time_zone(req->db, req->arena, req->viewer.id);
        if (exists) {
                v = (struct episode_values){
                    .season = arena_printf(req->arena, "%d", e.season_number),
                    .number = arena_printf(req->arena, "%d", e.number),
                    .title = e.title,
                    .subtitle = e.subtitle,
                    .slug = e.slug,
                    .body = e.body,
                    .cover_alt = e.cover_alt,
                    .cover_credit = e.cover_credit,
                    .ai = ai_disclosure_name(e.ai),
                    .teaser = e.teaser,
                    .language = e.language ? e.language : req->config->language,
                    .publish_at =
                        e.status == EPISODE_DRAFT ? "" : datetime_local(req, e.publish_at, zone),
                    .cover_image = e.cover_image_id,
                };
        } else {
                struct season *ss;
                int ns = season_list(req->db, req->arena, n.id, time_now(), &ss);
                v = (struct episode_values){
                    .season = ns > 0 ? arena_printf(req->arena, "%d", ss[ns - 1].number) : "",
                    .number = "",
                    .title = "",
                    .subtitle = "",
                    .slug = "",
                    .body = "",
                    .cover_alt = "",
                    .cover_credit = "",
                    .ai = "none",
                    .teaser = "",
                    .publish_at = "",
                    .language = author_language(req),
                };
        }
        prompts_editor_values(req, exists ? e.id : 0, v.prompts);
        v.zone = zone;
        v.inline_alt = "";
        struct render *r = render_for_request(req); /* the notices below speak its language */
        if (strcmp(req_param(req, "done"), "unpublished") == 0)
                v.notice = _("Unpublished: readers no longer see it. It is a draft again.");
        if (req_param_bool(req, "restore")) {
                struct autosave saved;
                if (autosave_get(req->db, req->arena, req->viewer.id, n.id, exists ? e.id : 0,
                                 &saved) == 1) {
                        v.title = saved.title;
                        v.subtitle = saved.subtitle;
                        v.body = saved.body;
                        v.notice = _("The text kept while you were writing is back in the form. "
                                     "Save to keep it.");
                }
        }
        return episode_page(req, 200, &n, exists ? &e : NULL, &v, NULL, NULL);
}

int web_write_episode(struct request *req)
{
        struct newsletter n;
        struct episode e;
        bool exists;
        if (path_episode(req, &n, &e, &exists))
                return req->resp.status;
        struct episode_values v = {
            .season = req_param(req, "season"),
            .number = req_param(req, "number"),
            .title = req_param(req, "title"),
            .subtitle = req_param(req, "subtitle"),
            .slug = req_param(req, "slug"),
            .body = req_param(req, "body"),
            .cover_alt = req_param(req, "cover_alt"),
            .cover_credit = req_param(req, "cover_credit"),
            .ai = req_param(req, "ai"),
            .teaser = req_param(req, "teaser"),
            .publish_at = req_param(req, "publish_at"),
            .language = req_param(req, "language"),
            .cover_image = req_param_int(req, "cover_image", 0),
            .inline_alt = req_param(req, "inline_alt"),
            .zone = member_time_zone(req->db, req->arena, req->viewer.id),
        };
        bool prompts_sent = prompts_form_values(req, exists ? e.id : 0, v.prompts);
        struct field_problem p = {0};
        /* The cover: a new upload wins, then "remove", then the one already chosen. */
        const struct form_field *upload = req_param_file(req, "cover");
        if (upload && upload->len > 0) {
                int64_t image_id;
                int rc = image_store(req->db, req->config->data_dir, upload->value, upload->len,
                                     req->viewer.id, &image_id);
                if (rc != IMAGE_OK) {
                        field_problem_set(&p, "cover", image_problem(rc));
                        return episode_page(
                            req, rc == IMAGE_IO_ERROR || rc == IMAGE_DB_ERROR ? 503 : 422, &n,
                            exists ? &e : NULL, &v, &p, NULL);
                }
                v.cover_image = image_id;
        } else if (req_param_bool(req, "remove_cover")) {
                v.cover_image = 0;
        } else if (v.cover_image > 0 && !(exists && v.cover_image == e.cover_image_id) &&
                   !image_usable_by(req->db, v.cover_image, req->viewer.id,
                                    req->viewer.role == ROLE_ADMIN)) {
                /* Only the episode's own cover, or one this author may use, can be carried
                 * over in the hidden field. */
                v.cover_image = 0;
        }
        const char *action = req_param(req, "action");
        if (strcmp(action, "preview") != 0 && strcmp(action, "draft") != 0 &&
            strcmp(action, "publish") != 0 && strcmp(action, "publish_now") != 0 &&
            strcmp(action, "insert_image") != 0) {
                field_problem_set(&p, "action", N_("Choose Preview, Save as draft or Publish."));
                return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
        }
        if (strcmp(action, "insert_image") == 0) {
                /* Nothing is saved: the text comes back with the image's Markdown at its end
                 * (the script puts it at the cursor instead, through the API). */
                const char *markdown;
                int status = editor_store_inline_image(req, req_param_file(req, "inline_image"),
                                                       v.inline_alt, &markdown, &p);
                if (status)
                        return episode_page(req, status, &n, exists ? &e : NULL, &v, &p, NULL);
                size_t len = strlen(v.body);
                const char *gap = len == 0 ? "" : v.body[len - 1] == '\n' ? "\n" : "\n\n";
                v.body = arena_printf(req->arena, "%s%s%s\n", v.body, gap, markdown);
                v.inline_alt = "";
                struct render *r = render_for_request(req);
                v.notice = _("The image is at the end of the text. Move it where it belongs, then "
                             "save.");
                return episode_page(req, 200, &n, exists ? &e : NULL, &v, NULL, NULL);
        }
        if (strcmp(action, "preview") == 0) {
                struct mdr_result r;
                if (mdr_render(v.body, strlen(v.body), MDR_ARTICLE, &r) != 0) {
                        field_problem_set(&p, "body", r.error_msgid);
                        p.line = r.error_line;
                        mdr_result_free(&r);
                        return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
                }
                /* The preview shows the text; an image readers would not see is named. */
                bool images_ok = editor_check_images(req, v.body, &p) == 0;
                int status =
                    episode_page(req, 200, &n, exists ? &e : NULL, &v, images_ok ? NULL : &p, &r);
                mdr_result_free(&r);
                return status;
        }
        if (editor_check_images(req, v.body, &p) != 0)
                return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
        struct episode_input in = {
            .newsletter_id = n.id,
            .season_number = (int)req_param_int(req, "season", 0),
            .number = (int)req_param_int(req, "number", 0),
            .author_id = exists ? e.author_id : req->viewer.id,
            .slug = v.slug,
            .title = v.title,
            .subtitle = v.subtitle,
            .body = v.body,
            .cover_image_id = v.cover_image,
            .cover_alt = v.cover_alt,
            .cover_credit = v.cover_credit,
            .status = strcmp(action, "draft") == 0 ? EPISODE_DRAFT : EPISODE_PUBLISHED,
            .teaser = v.teaser,
            .prompts = prompts_sent ? v.prompts : NULL,
            /* "Publish now", or the time cleared on a scheduled episode: the field promises
             * "empty: now" (the model keeps the old time for an empty one). */
            .publish_now = strcmp(action, "publish_now") == 0 ||
                           (strcmp(action, "publish") == 0 && !*v.publish_at && exists &&
                            e.status != EPISODE_DRAFT && e.publish_at > time_now()),
        };
        enum ai_disclosure ai = AI_NONE;
        if (*v.ai && ai_disclosure_parse(v.ai, &ai) != 0) {
                field_problem_set(&p, "ai", N_("Choose how AI was used."));
                return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
        }
        in.ai = ai;
        const struct locale *language = i18n_find(v.language);
        if (*v.language && !language) {
                field_problem_set(&p, "language", N_("Choose a language from the list."));
                return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
        }
        in.language = language ? i18n_tag(language) : NULL;
        if (*v.publish_at && time_parse_iso8601(v.publish_at, &in.publish_at) != 0) {
                field_problem_set(&p, "publish_at",
                                  N_("Write the time as 2026-12-01T08:00 (in your time zone)."));
                return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
        }
        /* The field is the author's wall clock; the episode keeps UTC. A time with its own
         * "Z" (an API client, a script) is UTC already. */
        if (*v.publish_at && !strchr(v.publish_at, 'Z'))
                in.publish_at = tz_local_to_utc(v.zone, in.publish_at);
        int64_t id;
        /* The save and what a live episode causes (notifications, the one job that mails it to
         * subscribers) commit together: no published episode is left unannounced. */
        if (db_begin(req->db) != DB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        int rc = episode_save(req->db, exists ? e.id : 0, &in, &id, &p);
        struct episode saved;
        if (rc == PUB_OK && episode_get(req->db, req->arena, id, &saved) != PUB_OK)
                rc = PUB_DB_ERROR;
        if (rc == PUB_OK && episode_is_live(&saved, time_now())) /* followers hear of it once */
                rc = notify_episode_live(req->db, saved.id);
        if (rc == PUB_OK && db_commit(req->db) != DB_OK)
                rc = PUB_DB_ERROR;
        if (rc != PUB_OK)
                db_rollback(req->db);
        if (rc == PUB_INVALID || rc == PUB_TAKEN)
                return episode_page(req, 422, &n, exists ? &e : NULL, &v, &p, NULL);
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        job_worker_wake();
        /* The saved episode supersedes what the script kept while it was being written. */
        autosave_discard(req->db, req->viewer.id, n.id, exists ? e.id : 0);
        struct buf to = BUF_INIT;
        episode_path(&to, &saved);
        rc = resp_redirect(req, arena_strndup(req->arena, to.data, to.len));
        buf_free(&to);
        return rc;
}
