/* The insights pages (/insights, /insights/$newsletter): a loader per page filling a view from
 * model/insights.h, and renderers that say in sentences, then in charts with tables, whether a
 * newsletter is building a community. */
#include "web/insights.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "http/html.h"
#include "http/request.h"
#include "model/episode.h"
#include "model/event.h"
#include "model/insights.h"
#include "model/newsletter.h"
#include "model/problem.h"
#include "model/season.h"
#include "web/charts.h"
#include "web/layout.h"
#include "web/render.h"

#include <math.h>
#include <string.h>

/* The presets of the range form, in weeks. */
static const int range_presets[] = {4, 12, 52};
/* Newsletters whose headline the index computes (each is a small insights load). */
enum { INDEX_NEWSLETTERS_MAX = 100, EPISODE_PICKER_MAX = 200 };

/* What one insights page shows: the scope, the form's values and the metrics. */
struct insights_view {
        const struct newsletter *nl; /* NULL: the whole site (admins) */
        bool site;                   /* the whole site: the form carries site=1 */
        const char *from, *to;       /* the dates the form shows (asked for, or the range's) */
        int season;                  /* 0: every season */
        const char *episode;         /* "": every episode */
        struct season *seasons;
        int nseasons;
        struct episode *episodes;
        int nepisodes;
        const char *error; /* a msgid: why the range or scope was refused */
        bool loaded;       /* ins holds metrics */
        struct insights ins;
};

/* ------------------------------------------------------------------ small formatting */

static const char *share_value(struct render *r, struct insight_share s)
{
        return chart_value(r, s.bp == INSIGHT_NONE ? NAN : s.bp / 10000.0, CHART_PERCENT);
}

static double share_double(struct insight_share s)
{
        return s.bp == INSIGHT_NONE ? NAN : s.bp / 10000.0;
}

static const char *count_text(struct render *r, int64_t n)
{
        return l10n_number(r->arena, r->locale, n);
}

/* Hundredths as a decimal with two places and, when asked, a sign: "+1.25", "-0.50", "3.00". */
static const char *hundredths_text(struct render *r, int64_t v, bool sign)
{
        bool negative = v < 0;
        uint64_t a = negative ? 0 - (uint64_t)v : (uint64_t)v;
        return arena_printf(r->arena, "%s%s.%02llu", negative ? "-" : (sign && v > 0 ? "+" : ""),
                            count_text(r, (int64_t)(a / 100)), (unsigned long long)(a % 100));
}

/* A duration for "median time to the author's first reply": minutes, hours or days. */
static const char *duration_text(struct render *r, int64_t seconds)
{
        if (seconds < 60)
                return _("under a minute");
        if (seconds < 3600) {
                int64_t m = seconds / 60;
                return arena_printf(r->arena, _n("%lld minute", "%lld minutes", (unsigned long)m),
                                    (long long)m);
        }
        if (seconds < 2 * 86400) {
                int64_t h = (seconds + 1800) / 3600;
                return arena_printf(r->arena, _n("%lld hour", "%lld hours", (unsigned long)h),
                                    (long long)h);
        }
        int64_t d = (seconds + 43200) / 86400;
        return arena_printf(r->arena, _n("%lld day", "%lld days", (unsigned long)d), (long long)d);
}

/* YYYY-MM-DD of t, in the arena. */
static const char *iso_day(struct arena *a, int64_t t)
{
        char iso[32];
        time_iso8601(t, iso, sizeof(iso));
        return arena_strndup(a, iso, 10);
}

/* ------------------------------------------------------------------ loading */

/* The query string's part that keeps the scope and range ("from=...&to=...&season=2"),
 * escaped for a URL, without the leading "?". */
static const char *range_query(struct arena *a, const struct insights_view *v, bool scope)
{
        struct buf b = BUF_INIT;
        buf_puts(&b, "from=");
        html_url_arg(&b, v->from);
        buf_puts(&b, "&to=");
        html_url_arg(&b, v->to);
        if (scope && v->episode[0]) {
                buf_puts(&b, "&episode=");
                html_url_arg(&b, v->episode);
        } else if (scope && v->season > 0) {
                buf_printf(&b, "&season=%d", v->season);
        }
        char *s = arena_strndup(a, b.data ? b.data : "", b.len);
        buf_free(&b);
        return s;
}

/* Reads the form (from, to, weeks, season, episode) and loads the metrics into v. Returns 0,
 * or the status of a refused range or scope (v->error set: the page shows the form with it),
 * or 503 when the database fails. */
static int view_load(struct request *req, struct insights_view *v)
{
        int64_t now = time_now();
        const char *from = req_param(req, "from");
        const char *to = req_param(req, "to");
        int64_t weeks = req_param_int(req, "weeks", 0);
        if (weeks > 0 && (!from || !from[0]) && (!to || !to[0])) {
                /* a preset: the last `weeks` weeks, this one included */
                to = iso_day(req->arena, now);
                from = iso_day(req->arena, now - (weeks - 1) * 7 * 86400);
        }
        v->from = from ? from : "";
        v->to = to ? to : "";
        v->season = (int)req_param_int(req, "season", 0);
        const char *ep = req_param(req, "episode");
        v->episode = ep ? ep : "";
        if (v->nl) {
                v->nseasons = season_list(req->db, req->arena, v->nl->id, now, &v->seasons);
                v->nepisodes = episode_list_newsletter(req->db, req->arena, v->nl->id, now,
                                                       EPISODE_PICKER_MAX, &v->episodes);
                if (v->nseasons < 0 || v->nepisodes < 0)
                        return 503;
        }

        struct insight_query q = {0};
        enum insight_error err = insights_range(&q, v->from, v->to, now);
        if (err == INSIGHT_OK)
                err = insights_scope(req->db, &q, v->nl ? v->nl->id : 0, v->nl ? v->season : 0,
                                     v->nl ? v->episode : NULL);
        switch (err) {
        case INSIGHT_OK:
                break;
        case INSIGHT_BAD_DATE:
                v->error = N_("Dates are written as year-month-day, for example 2026-11-02.");
                return 400;
        case INSIGHT_REVERSED:
                v->error = N_("The range starts after it ends: swap the dates.");
                return 400;
        case INSIGHT_TOO_LONG:
                v->error = N_("The range is too long: ten years at most.");
                return 400;
        case INSIGHT_NO_SEASON:
                v->error = N_("This newsletter has no such season.");
                return 404;
        case INSIGHT_NO_EPISODE:
                v->error = N_("This newsletter has no such published episode.");
                return 404;
        case INSIGHT_STORAGE:
        default:
                return 503;
        }
        /* The form shows the whole weeks actually measured. */
        v->from = iso_day(req->arena, q.from_at);
        v->to = iso_day(req->arena, q.to_end - 86400);
        if (insights_load(req->db, req->arena, &q, INSIGHT_PART_ALL, &v->ins) < 0)
                return 503;
        v->loaded = true;
        return 0;
}

/* ------------------------------------------------------------------ the form */

/* Whether s is a real day as YYYY-MM-DD: what <input type="date"> may hold as its value. A
 * refused date is shown back in a text field, as it was typed. */
static bool valid_day_text(const char *s)
{
        if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return false;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
                        return false;
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        int d = (s[8] - '0') * 10 + (s[9] - '0');
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (y < 1 || m < 1 || m > 12 || d < 1)
                return false;
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        return d <= days[m - 1] + (m == 2 && leap);
}

/* A labelled date field of the range form. */
static void date_field(struct render *r, const char *id, const char *name, const char *label,
                       const char *value, bool invalid)
{
        struct buf *b = r->out;
        bool typed_as_date = !value[0] || valid_day_text(value);
        html_lit(b, "<div class=\"field\"><label for=\"");
        html_attr(b, id);
        html_lit(b, "\">");
        html_text(b, label);
        html_lit(b, "</label><input type=\"");
        if (typed_as_date)
                html_lit(b, "date");
        else
                html_lit(b, "text\" placeholder=\"2026-11-02");
        html_lit(b, "\" id=\"");
        html_attr(b, id);
        html_lit(b, "\" name=\"");
        html_attr(b, name);
        html_lit(b, "\" value=\"");
        html_attr(b, value);
        html_lit(b, "\"");
        if (invalid)
                html_lit(b, " aria-invalid=\"true\" aria-describedby=\"range-error\"");
        html_lit(b, "></div>\n");
}

static void range_form(struct render *r, const struct insights_view *v, const char *action)
{
        struct buf *b = r->out;
        html_lit(b, "<nav class=\"range-presets\" aria-label=\"");
        html_attr(b, _("Ranges"));
        html_lit(b, "\"><ul>\n");
        for (size_t i = 0; i < sizeof(range_presets) / sizeof(range_presets[0]); i++) {
                html_lit(b, "<li><a href=\"");
                html_attr(b, action);
                buf_printf(b, "?weeks=%d", range_presets[i]);
                if (v->site)
                        html_lit(b, "&amp;site=1");
                if (v->episode[0]) {
                        html_lit(b, "&amp;episode=");
                        html_url_arg(b, v->episode);
                } else if (v->season > 0) {
                        buf_printf(b, "&amp;season=%d", v->season);
                }
                html_lit(b, "\">");
                html_textf(r, _n("Last %d week", "Last %d weeks", (unsigned long)range_presets[i]),
                           range_presets[i]);
                html_lit(b, "</a></li>\n");
        }
        html_lit(b, "</ul></nav>\n<form class=\"range-form\" method=\"get\" action=\"");
        html_attr(b, action);
        html_lit(b, "\">\n");
        if (v->site)
                html_lit(b, "<input type=\"hidden\" name=\"site\" value=\"1\">\n");
        date_field(r, "range-from", "from", _("From"), v->from, v->error != NULL);
        date_field(r, "range-to", "to", _("To"), v->to, v->error != NULL);
        if (v->nl) {
                html_lit(b, "<div class=\"field\"><label for=\"range-season\">");
                html_text(b, _("Season"));
                html_lit(b, "</label><select id=\"range-season\" name=\"season\"><option "
                            "value=\"\">");
                html_text(b, _("Every season"));
                html_lit(b, "</option>\n");
                for (int i = 0; i < v->nseasons; i++) {
                        html_lit(b, "<option value=\"");
                        html_int(b, v->seasons[i].number);
                        html_lit(b, "\"");
                        if (v->seasons[i].number == v->season)
                                html_lit(b, " selected");
                        html_lit(b, ">");
                        html_textf(r, _("Season %1$d: %2$s"), v->seasons[i].number,
                                   v->seasons[i].title);
                        html_lit(b, "</option>\n");
                }
                html_lit(b, "</select></div>\n<div class=\"field\"><label for=\"range-episode\">");
                html_text(b, _("Episode"));
                html_lit(b, "</label><select id=\"range-episode\" name=\"episode\"><option "
                            "value=\"\">");
                html_text(b, _("Every episode"));
                html_lit(b, "</option>\n");
                for (int i = 0; i < v->nepisodes; i++) {
                        const struct episode *e = &v->episodes[i];
                        html_lit(b, "<option value=\"");
                        html_attr(b, e->slug);
                        html_lit(b, "\"");
                        if (strcmp(e->slug, v->episode) == 0)
                                html_lit(b, " selected");
                        html_lit(b, ">");
                        html_textf(r, _("S%1$d E%2$d: %3$s"), e->season_number, e->number,
                                   e->title);
                        html_lit(b, "</option>\n");
                }
                html_lit(b, "</select></div>\n");
        }
        html_lit(b, "<div class=\"range-submit\"><button type=\"submit\">");
        html_text(b, _("Show"));
        html_lit(b, "</button></div>\n</form>\n");
        if (v->error) {
                html_lit(b, "<p class=\"notice error\" id=\"range-error\" role=\"alert\">");
                html_text(b, _(v->error));
                html_lit(b, "</p>\n");
        }
}

/* ------------------------------------------------------------------ sections */

/* "Download the numbers: weeks.csv · weeks.json ..." for the API's metrics (a NULL-terminated
 * list of their names), with the page's scope and range. The links are named as the files. */
static void data_links_of(struct render *r, const struct insights_view *v,
                          const char *const *metrics)
{
        struct buf *b = r->out;
        const char *query = range_query(r->arena, v, true);
        html_lit(b, "<p class=\"data-links\">");
        html_text(b, _("Download the numbers:"));
        static const char *const formats[] = {"csv", "json"};
        for (int m = 0; metrics[m]; m++) {
                for (int i = 0; i < 2; i++) {
                        if (m || i)
                                html_lit(b, " ·");
                        html_lit(b, " <a href=\"/api/v1/insights");
                        if (v->nl) {
                                html_lit(b, "/");
                                html_url_arg(b, v->nl->slug);
                                html_lit(b, "/");
                                html_url_arg(b, metrics[m]);
                                html_lit(b, "?");
                        } else {
                                html_lit(b, "?metric=");
                                html_url_arg(b, metrics[m]);
                                html_lit(b, "&amp;");
                        }
                        html_attr(b, query);
                        html_lit(b, "&amp;format=");
                        html_attr(b, formats[i]);
                        html_lit(b, "\" download>");
                        html_text(b, arena_printf(r->arena, "%s.%s", metrics[m], formats[i]));
                        html_lit(b, "</a>");
                }
        }
        html_lit(b, "</p>\n");
}

#define data_links(r, v, ...) data_links_of((r), (v), (const char *const[]){__VA_ARGS__, NULL})

static void section_open(struct render *r, const char *id, const char *heading)
{
        struct buf *b = r->out;
        html_lit(b, "<section class=\"insight\" aria-labelledby=\"h-");
        html_attr(b, id);
        html_lit(b, "\">\n<h2 id=\"h-");
        html_attr(b, id);
        html_lit(b, "\">");
        html_text(b, heading);
        html_lit(b, "</h2>\n");
}

/* Short week labels for the axes ("7 Sep"), and long ones for the tables' rows are the same:
 * a week is known by its Monday. */
static const char **week_labels(struct render *r, const struct insights *ins)
{
        const char **labels = arena_alloc(r->arena, (ins->n_weeks + 1) * sizeof(*labels));
        for (size_t i = 0; i < ins->n_weeks; i++)
                labels[i] = l10n_date_short(r->arena, r->locale, ins->weeks[i].start);
        return labels;
}

static double *week_values(struct render *r, const struct insights *ins, int which)
{
        double *v = arena_alloc(r->arena, (ins->n_weeks + 1) * sizeof(*v));
        for (size_t i = 0; i < ins->n_weeks; i++) {
                const struct insight_week_row *w = &ins->weeks[i];
                switch (which) {
                case 0:
                        v[i] = share_double(w->returning_rate);
                        break;
                case 1:
                        v[i] = share_double(w->member_reply_share);
                        break;
                case 2:
                        v[i] = (double)w->connections;
                        break;
                case 3:
                        v[i] = (double)w->connected_members;
                        break;
                case 4:
                        v[i] = (double)w->active;
                        break;
                case 5:
                        v[i] = (double)w->returned;
                        break;
                case 6:
                        v[i] = (double)w->views;
                        break;
                default:
                        v[i] = (double)w->visitors;
                        break;
                }
        }
        return v;
}

/* The headline: a few true sentences, each with the number that backs it. */
static void summary(struct render *r, const struct insights *ins)
{
        struct buf *b = r->out;
        const struct insight_ladder *l = &ins->ladder;
        section_open(r, "summary", _("In short"));
        html_lit(b, "<ul class=\"insight-summary\">\n");
        if (l->members == 0) {
                html_lit(b, "<li>");
                html_text(b, _("No member has read or taken part in these weeks yet."));
                html_lit(b, "</li>\n</ul>\n</section>\n");
                return;
        }
        html_lit(b, "<li>");
        html_textf(r,
                   _n("%1$s member read or took part in these weeks; %2$s had been here before.",
                      "%1$s members read or took part in these weeks; %2$s had been here before.",
                      (unsigned long)l->members),
                   count_text(r, l->members), share_value(r, l->returning_rate));
        html_lit(b, "</li>\n<li>");
        html_textf(r,
                   _("%1$s went beyond reading (reacting, commenting or building); %2$s built on "
                     "an episode or tried it."),
                   share_value(r, insight_share_of(l->at_least[1], l->members)),
                   count_text(r, l->at_least[3]));
        html_lit(b, "</li>\n");
        if (ins->replies > 0) {
                html_lit(b, "<li>");
                html_textf(r,
                           _n("Members replied to each other %1$s time: %2$s of all replies.",
                              "Members replied to each other %1$s times: %2$s of all replies.",
                              (unsigned long)ins->member_replies),
                           count_text(r, ins->member_replies),
                           share_value(r, ins->member_reply_share));
                html_lit(b, "</li>\n");
        }
        html_lit(b, "<li>");
        html_textf(r,
                   _("%1$s pairs of members have talked to each other; %2$s of members have at "
                     "least one such connection."),
                   count_text(r, ins->connections.pairs_total),
                   share_value(r, ins->connections.connected_share));
        html_lit(b, "</li>\n<li>");
        const struct insight_momentum *m = &ins->momentum;
        if (!m->comparable)
                html_textf(r,
                           _("Momentum needs a period to compare with: nobody took part in the %d "
                             "weeks before."),
                           (int)(m->previous_to_week - m->previous_from_week + 1));
        else if (m->momentum_x100 > 0)
                html_textf(r, _("Momentum is %s: members are moving up the ladder."),
                           hundredths_text(r, m->momentum_x100, true));
        else if (m->momentum_x100 < 0)
                html_textf(r, _("Momentum is %s: members took part less than in the weeks before."),
                           hundredths_text(r, m->momentum_x100, true));
        else
                html_textf(r, _("Momentum is %s: as deep as in the weeks before."),
                           hundredths_text(r, 0, false));
        html_lit(b, "</li>\n</ul>\n</section>\n");
}

static void returning_section(struct render *r, const struct insights_view *v)
{
        const struct insights *ins = &v->ins;
        section_open(r, "returning", _("Returning readers"));
        struct chart_series s[] = {
            {_("Returning-reader rate"), week_values(r, ins, 0)},
        };
        struct chart_lines c = {
            {"returning", _("Returning readers, week by week"),
             _("Of the members active each week, the share who had been active in an earlier "
               "week.")},
            _("Week of"),
            week_labels(r, ins),
            (int)ins->n_weeks,
            s,
            1,
            CHART_PERCENT,
        };
        chart_lines(r, &c);
        struct chart_series people[] = {
            {_("Active members"), week_values(r, ins, 4)},
            {_("Returning members"), week_values(r, ins, 5)},
        };
        struct chart_lines counts = {
            {"active", _("Active and returning members"), NULL},
            _("Week of"),
            c.labels,
            (int)ins->n_weeks,
            people,
            2,
            CHART_COUNT,
        };
        chart_lines(r, &counts);
        data_links(r, v, "weeks");
        html_lit(r->out, "</section>\n");
}

static void ladder_section(struct render *r, const struct insights_view *v)
{
        struct buf *b = r->out;
        const struct insights *ins = &v->ins;
        section_open(r, "ladder", _("Participation ladder"));
        html_lit(b, "<div class=\"ladder-row\">\n");
        const char *steps[] = {_("Readers"), _("Reactors"), _("Commenters and answerers"),
                               _("Builders")};
        double conv[4] = {NAN, share_double(ins->ladder.step[0]), share_double(ins->ladder.step[1]),
                          share_double(ins->ladder.step[2])};
        struct chart_funnel f = {
            {"ladder", _("From reading to building"),
             _("Members by the highest step they reached in these weeks, and the share of each "
               "step that climbed to the next.")},
            steps,
            ins->ladder.at_least,
            conv,
            4,
        };
        chart_funnel(r, &f);
        const struct insight_momentum *m = &ins->momentum;
        html_lit(b, "<aside class=\"momentum\" aria-labelledby=\"momentum-h\">\n<h3 "
                    "id=\"momentum-h\">");
        html_text(b, _("Momentum"));
        html_lit(b, "</h3>\n<p class=\"momentum-value");
        if (m->comparable && m->momentum_x100 > 0)
                html_lit(b, " up");
        else if (m->comparable && m->momentum_x100 < 0)
                html_lit(b, " down");
        html_lit(b, "\">");
        /* An em dash, as for a share with nothing to divide. */
        html_text(b, m->comparable ? hundredths_text(r, m->momentum_x100, true) : "\xe2\x80\x94");
        html_lit(b, "</p>\n<p>");
        html_textf(r, _("Commitment per member: %1$s now, %2$s in the %3$d weeks before."),
                   hundredths_text(r, m->commitment_x100, false),
                   hundredths_text(r, m->previous_x100, false),
                   (int)(m->previous_to_week - m->previous_from_week + 1));
        html_lit(b, "</p>\n<p class=\"hint\">");
        html_text(b, _("Each member counts by the square of their step's weight (reader 1, "
                       "reactor 4, commenter 7, builder 10): moving people up is worth more the "
                       "higher they go."));
        html_lit(b, "</p>\n</aside>\n</div>\n");
        data_links(r, v, "ladder", "momentum");
        html_lit(b, "</section>\n");
}

static void retention_section(struct render *r, const struct insights_view *v)
{
        struct buf *b = r->out;
        const struct insights *ins = &v->ins;
        const struct insight_retention *rt = &ins->retention;
        section_open(r, "retention", _("Season retention"));
        if (rt->n_episodes > 0) {
                html_lit(b, "<p>");
                html_textf(r,
                           _n("Season %1$d: %2$s. %3$s member took part in it.",
                              "Season %1$d: %2$s. %3$s members took part in it.",
                              (unsigned long)rt->season_members),
                           rt->season_number, rt->season_title ? rt->season_title : "",
                           count_text(r, rt->season_members));
                html_lit(b, "</p>\n");
        }
        int ncols = (int)rt->n_episodes, nrows = (int)rt->n_cohorts;
        const char **cols = arena_alloc(r->arena, (size_t)(ncols + 1) * sizeof(*cols));
        const char **rows = arena_alloc(r->arena, (size_t)(nrows + 1) * sizeof(*rows));
        double *shares = arena_alloc(r->arena, (size_t)(ncols * nrows + 1) * sizeof(*shares));
        int64_t *counts = arena_alloc(r->arena, (size_t)(ncols * nrows + 1) * sizeof(*counts));
        for (int k = 0; k < ncols; k++)
                cols[k] = arena_printf(r->arena, _("Ep. %d"), rt->episodes[k].number);
        for (int i = 0; i < nrows; i++) {
                const struct insight_cohort *c = &rt->cohorts[i];
                rows[i] = arena_printf(r->arena,
                                       _n("From ep. %1$d (%2$s member)",
                                          "From ep. %1$d (%2$s members)", (unsigned long)c->size),
                                       c->start_number, count_text(r, c->size));
                for (int k = 0; k < ncols; k++) {
                        bool before = rt->episodes[k].number < c->start_number;
                        shares[i * ncols + k] = before ? NAN : share_double(c->share[k]);
                        counts[i * ncols + k] = c->read[k];
                }
        }
        struct chart_heatmap h = {
            {"cohorts", _("Who kept reading, by where they started"),
             _("Each row is the members who started the season at one episode; each cell the "
               "share of them who took part in a later episode.")},
            _("Started at"),
            rows,
            nrows,
            cols,
            ncols,
            shares,
            counts,
        };
        chart_heatmap(r, &h);
        data_links(r, v, "retention", "cohorts");
        if (ins->n_carryover > 0) {
                html_lit(b, "<h3>");
                html_text(b, _("From one season to the next"));
                html_lit(b, "</h3>\n<div class=\"table-scroll\"><table class=\"data "
                            "carryover\">\n<thead><tr><th scope=\"col\">");
                html_text(b, _("Seasons"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Members of the first"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Came to the next"));
                html_lit(b, "</th><th scope=\"col\">");
                html_text(b, _("Carry-over"));
                html_lit(b, "</th></tr></thead>\n<tbody>\n");
                for (size_t i = 0; i < ins->n_carryover; i++) {
                        const struct insight_carryover *c = &ins->carryover[i];
                        html_lit(b, "<tr><th scope=\"row\">");
                        html_textf(r, _("Season %1$d → season %2$d"), c->from_number, c->to_number);
                        html_lit(b, "</th><td class=\"num\">");
                        html_text(b, count_text(r, c->from_members));
                        html_lit(b, "</td><td class=\"num\">");
                        html_text(b, count_text(r, c->carried));
                        html_lit(b, "</td><td class=\"num\">");
                        html_text(b, share_value(r, c->share));
                        html_lit(b, "</td></tr>\n");
                }
                html_lit(b, "</tbody></table></div>\n");
                data_links(r, v, "carryover");
        }
        html_lit(b, "</section>\n");
}

static void conversation_section(struct render *r, const struct insights_view *v)
{
        const struct insights *ins = &v->ins;
        section_open(r, "conversation", _("Members talking to each other"));
        html_lit(r->out, "<p>");
        html_textf(r,
                   _("Of %1$s replies in these weeks, %2$s were between members, neither of them "
                     "an author: %3$s."),
                   count_text(r, ins->replies), count_text(r, ins->member_replies),
                   share_value(r, ins->member_reply_share));
        html_lit(r->out, "</p>\n");
        struct chart_series s[] = {{_("Member-to-member share"), week_values(r, ins, 1)}};
        struct chart_lines c = {
            {"m2m", _("Member-to-member share of replies, week by week"),
             _("Of the week's replies, the share where neither side is an author.")},
            _("Week of"),
            week_labels(r, ins),
            (int)ins->n_weeks,
            s,
            1,
            CHART_PERCENT,
        };
        chart_lines(r, &c);
        data_links(r, v, "weeks");
        html_lit(r->out, "</section>\n");
}

static void connections_section(struct render *r, const struct insights_view *v)
{
        const struct insights *ins = &v->ins;
        const struct insight_connections *cn = &ins->connections;
        section_open(r, "connections", _("Connections"));
        html_lit(r->out, "<p>");
        html_textf(r,
                   _("%1$s pairs of members are connected (%2$s new in these weeks); %3$s of %4$s "
                     "members have at least one connection: %5$s."),
                   count_text(r, cn->pairs_total), count_text(r, cn->pairs_new),
                   count_text(r, cn->members_connected), count_text(r, cn->members_total),
                   share_value(r, cn->connected_share));
        html_lit(r->out, "</p>\n");
        struct chart_series s[] = {
            {_("Connected pairs"), week_values(r, ins, 2)},
            {_("Connected members"), week_values(r, ins, 3)},
        };
        struct chart_lines c = {
            {"connections", _("Connections over time"),
             _("Member pairs who replied to or reacted to each other, and members with at least "
               "one such pair, counted up to each week.")},
            _("Week of"),
            week_labels(r, ins),
            (int)ins->n_weeks,
            s,
            2,
            CHART_COUNT,
        };
        chart_lines(r, &c);
        data_links(r, v, "connections");
        html_lit(r->out, "</section>\n");
}

/* A labelled figure in a row of stats. */
static void stat(struct render *r, const char *label, const char *value)
{
        struct buf *b = r->out;
        html_lit(b, "<div class=\"insight-stat\"><dt>");
        html_text(b, label);
        html_lit(b, "</dt><dd>");
        html_text(b, value);
        html_lit(b, "</dd></div>\n");
}

static void presence_section(struct render *r, const struct insights_view *v)
{
        struct buf *b = r->out;
        const struct insights *ins = &v->ins;
        const struct insight_presence *p = &ins->presence;
        const struct insight_consistency *c = &ins->consistency;
        section_open(r, "presence", _("Author presence and consistency"));
        html_lit(b, "<dl class=\"insight-stats\">\n");
        stat(r, _("Threads started by members"), count_text(r, p->threads));
        stat(r, _("Threads an author joined"),
             arena_printf(r->arena, "%s (%s)", count_text(r, p->joined),
                          share_value(r, p->joined_share)));
        stat(r, _("Median time to an author's first reply"),
             p->median_first_reply == INSIGHT_NONE ? "–" : duration_text(r, p->median_first_reply));
        stat(r, _("Episodes published"), count_text(r, c->published));
        stat(r, _("On their season's cadence"),
             c->with_cadence > 0
                 ? arena_printf(r->arena, "%s / %s (%s)", count_text(r, c->on_cadence),
                                count_text(r, c->with_cadence), share_value(r, c->on_cadence_share))
                 : "–");
        stat(r, _("Current streak"),
             arena_printf(r->arena, _n("%s episode", "%s episodes", (unsigned long)c->streak),
                          count_text(r, c->streak)));
        html_lit(b, "</dl>\n");
        if (c->overdue && c->next_due_at > 0) {
                html_lit(b, "<p class=\"notice\">");
                html_textf(r, _("The next episode was due on %s."),
                           l10n_date(r->arena, r->locale, c->next_due_at));
                html_lit(b, "</p>\n");
        }
        for (size_t i = 0; i < c->n_breaks; i++) {
                const struct insight_break *br = &c->breaks[i];
                html_lit(b, "<p>");
                if (br->returns_at > 0)
                        html_textf(r, _("Season %1$d is on a break, announced to return on %2$s."),
                                   br->season_number,
                                   l10n_date(r->arena, r->locale, br->returns_at));
                else
                        html_textf(r, _("Season %d is on an announced break."), br->season_number);
                html_lit(b, "</p>\n");
        }
        data_links(r, v, "presence", "consistency", "breaks");
        html_lit(b, "</section>\n");
}

static void episodes_section(struct render *r, const struct insights_view *v)
{
        struct buf *b = r->out;
        const struct insights *ins = &v->ins;
        section_open(r, "episodes", _("Build-ons and tried-it per episode"));
        /* oldest first on the axis; the model lists newest first */
        int n = (int)ins->n_episodes;
        const char **labels = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(*labels));
        double *buildons = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(*buildons));
        double *tried = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(*tried));
        double *comments = arena_alloc(r->arena, (size_t)(n + 1) * sizeof(*comments));
        for (int i = 0; i < n; i++) {
                const struct insight_episode_row *e = &ins->episodes[n - 1 - i];
                labels[i] = arena_printf(r->arena, _("S%1$d E%2$d"), e->season_number, e->number);
                buildons[i] = (double)e->buildons;
                tried[i] = (double)e->tried;
                comments[i] = (double)e->comments;
        }
        struct chart_series s[] = {
            {_("Build-ons"), buildons},
            {_("Tried it"), tried},
            {_("Comments"), comments},
        };
        struct chart_lines c = {
            {"per-episode", _("What members did with each episode"),
             _("Build-ons, tried-it check-ins and comments per episode in these weeks.")},
            _("Episode"),
            labels,
            n,
            s,
            3,
            CHART_COUNT,
        };
        chart_bars(r, &c);
        if (n > 0) {
                html_lit(b, "<details class=\"chart-numbers\"><summary>");
                html_text(b, _("Every episode's numbers"));
                html_lit(b, "</summary>\n<div class=\"table-scroll\"><table class=\"data "
                            "episodes\">\n<thead><tr><th scope=\"col\">");
                html_text(b, _("Episode"));
                static const char *const heads[] = {
                    N_("Readers"),   N_("Reactions"), N_("Comments"),  N_("Member replies"),
                    N_("Build-ons"), N_("Tried it"),  N_("Retention"), N_("Views"),
                };
                for (size_t k = 0; k < sizeof(heads) / sizeof(heads[0]); k++) {
                        html_lit(b, "</th><th scope=\"col\">");
                        html_text(b, _(heads[k]));
                }
                html_lit(b, "</th></tr></thead>\n<tbody>\n");
                for (int i = 0; i < n; i++) {
                        const struct insight_episode_row *e = &ins->episodes[i];
                        html_lit(b, "<tr><th scope=\"row\"><a href=\"/n/");
                        html_url_arg(b, e->newsletter_slug);
                        html_lit(b, "/");
                        html_url_arg(b, e->slug);
                        html_lit(b, "\">");
                        html_textf(r, _("S%1$d E%2$d: %3$s"), e->season_number, e->number,
                                   e->title);
                        html_lit(b, "</a></th>");
                        int64_t cells[] = {e->readers,        e->reactions, e->comments,
                                           e->member_replies, e->buildons,  e->tried};
                        for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
                                html_lit(b, "<td class=\"num\">");
                                html_text(b, count_text(r, cells[k]));
                                html_lit(b, "</td>");
                        }
                        html_lit(b, "<td class=\"num\">");
                        html_text(b, share_value(r, e->retention));
                        html_lit(b, "</td><td class=\"num vanity\">");
                        html_text(b, count_text(r, e->views));
                        html_lit(b, "</td></tr>\n");
                }
                html_lit(b, "</tbody></table></div>\n</details>\n");
        }
        data_links(r, v, "episodes");
        html_lit(b, "</section>\n");
}

static void vanity_section(struct render *r, const struct insights_view *v)
{
        struct buf *b = r->out;
        const struct insights *ins = &v->ins;
        html_lit(b, "<section class=\"insight vanity\" aria-labelledby=\"h-vanity\">\n<h2 "
                    "id=\"h-vanity\">");
        html_text(b, _("Vanity numbers"));
        html_lit(b, "</h2>\n<p class=\"hint\">");
        html_text(b, _("Views and visitors say how many passed by, not whether anyone belongs. "
                       "They are here for completeness."));
        html_lit(b, "</p>\n<dl class=\"insight-stats small\">\n");
        stat(r, _("Views"), count_text(r, ins->vanity.views));
        stat(r, _("Unique visitors (per day, summed)"), count_text(r, ins->vanity.visitors));
        stat(r, _("Guest readers (per day, summed)"), count_text(r, ins->vanity.guest_readers));
        stat(r, _("Reads to the end"), count_text(r, ins->vanity.completions));
        html_lit(b, "</dl>\n");
        data_links(r, v, "vanity");
        html_lit(b, "</section>\n");
}

/* The range in a sentence: "12 weeks, from Monday 7 September 2026 to Sunday 29 November
 * 2026 (UTC)." */
static void range_sentence(struct render *r, const struct insights_view *v)
{
        const struct insight_query *q = &v->ins.q;
        html_lit(r->out, "<p class=\"lede range\">");
        html_textf(r,
                   _n("%1$d whole week, from %2$s to %3$s (UTC).",
                      "%1$d whole weeks, from %2$s to %3$s (UTC).", (unsigned long)q->weeks),
                   q->weeks, l10n_date_long(r->arena, r->locale, q->from_at),
                   l10n_date_long(r->arena, r->locale, q->to_end - 86400));
        html_lit(r->out, "</p>\n");
}

/* The metrics of a loaded view, in the order that answers "is this building a community?". */
static void view_body(struct render *r, const struct insights_view *v)
{
        range_sentence(r, v);
        if (v->ins.q.scope == INSIGHT_SEASON || v->ins.q.scope == INSIGHT_EPISODE) {
                html_lit(r->out, "<p class=\"hint scope-note\">");
                html_text(r->out, _("People are counted per newsletter: the members, returning "
                                    "readers, ladder and connections below are the whole "
                                    "newsletter's. Replies, build-ons, tried-it and views are "
                                    "this scope's own."));
                html_lit(r->out, "</p>\n");
        }
        summary(r, &v->ins);
        returning_section(r, v);
        ladder_section(r, v);
        if (v->nl)
                retention_section(r, v);
        conversation_section(r, v);
        connections_section(r, v);
        if (v->nl) {
                presence_section(r, v);
                episodes_section(r, v);
        }
        vanity_section(r, v);
}

/* ------------------------------------------------------------------ pages */

static const char *scope_title(struct render *r, const struct insights_view *v)
{
        const struct insight_query *q = &v->ins.q;
        if (!v->loaded)
                return v->nl->title;
        if (q->scope == INSIGHT_EPISODE)
                for (int i = 0; i < v->nepisodes; i++)
                        if (v->episodes[i].id == q->episode_id)
                                return arena_printf(r->arena, _("%1$s, S%2$d E%3$d: %4$s"),
                                                    v->nl->title, v->episodes[i].season_number,
                                                    v->episodes[i].number, v->episodes[i].title);
        if (q->scope == INSIGHT_SEASON)
                return arena_printf(r->arena, _("%1$s, season %2$d"), v->nl->title,
                                    q->season_number);
        return v->nl->title;
}

static int newsletter_page(struct request *req, struct insights_view *v, int status)
{
        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        const char *title = scope_title(r, v);
        struct page_meta meta = {
            .title = arena_printf(r->arena, _("Insights: %s"), title),
            .noindex = true,
        };
        page_begin_meta(r, &meta);
        html_lit(b, "<div class=\"insights-page\">\n<p class=\"breadcrumbs\"><a "
                    "href=\"/insights\">");
        html_text(b, _("Insights"));
        html_lit(b, "</a> › <a href=\"/n/");
        html_url_arg(b, v->nl->slug);
        html_lit(b, "\">");
        html_text(b, v->nl->title);
        html_lit(b, "</a></p>\n<h1>");
        html_textf(r, _("Insights: %s"), title);
        html_lit(b, "</h1>\n");
        const char *action = arena_printf(r->arena, "/insights/%s", v->nl->slug);
        range_form(r, v, action);
        if (v->loaded)
                view_body(r, v);
        html_lit(b, "</div>\n");
        return page_end(r, status);
}

int web_insights_newsletter(struct request *req)
{
        struct newsletter *nl = arena_zalloc(req->arena, sizeof(*nl));
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), nl);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no newsletter at this address."));
        if (rc != PUB_OK)
                return req_fail(req, 503, N_("The database is not available."));
        if (!insights_can_view(req->db, nl->id, req->viewer.id, req->viewer.role))
                return req_fail(req, 403,
                                N_("Only the newsletter's authors and the site's admins see its "
                                   "insights."));
        struct insights_view *v = arena_zalloc(req->arena, sizeof(*v));
        v->nl = nl;
        int status = view_load(req, v);
        if (status == 503)
                return req_fail(req, 503, N_("The database is not available."));
        return newsletter_page(req, v, status ? status : 200);
}

/* One newsletter's line on the index: its headline over the last INSIGHT_DEFAULT_WEEKS weeks. */
struct index_row {
        const struct newsletter *nl;
        bool loaded;
        struct insights ins;
};

static void index_row(struct render *r, const struct index_row *row)
{
        struct buf *b = r->out;
        const struct insights *ins = &row->ins;
        html_lit(b, "<li><h2><a href=\"/insights/");
        html_url_arg(b, row->nl->slug);
        html_lit(b, "\">");
        html_text(b, row->nl->title);
        html_lit(b, "</a></h2>\n<p>");
        /* The headline reads only the weekly rows (cheap at any size: the ladder of every
         * newsletter would cost a page of its own each). Last week is the last whole one. */
        const struct insight_week_row *last = NULL;
        if (row->loaded && ins->n_weeks > 0)
                last = &ins->weeks[ins->n_weeks >= 2 ? ins->n_weeks - 2 : 0];
        int64_t active = 0;
        for (size_t i = 0; row->loaded && i < ins->n_weeks; i++)
                active += ins->weeks[i].active;
        if (!last || active == 0) {
                html_text(b, _("Not enough data yet."));
        } else {
                html_textf(r,
                           _n("Week of %1$s: %2$s active member, %3$s of them returning.",
                              "Week of %1$s: %2$s active members, %3$s of them returning.",
                              (unsigned long)last->active),
                           l10n_date(r->arena, r->locale, last->start), count_text(r, last->active),
                           share_value(r, last->returning_rate));
                html_lit(b, " ");
                html_textf(r,
                           _n("In the last %1$d weeks members replied to each other %2$s time "
                              "(%3$s of replies).",
                              "In the last %1$d weeks members replied to each other %2$s times "
                              "(%3$s of replies).",
                              (unsigned long)ins->member_replies),
                           ins->q.weeks, count_text(r, ins->member_replies),
                           share_value(r, ins->member_reply_share));
        }
        html_lit(b, "</p></li>\n");
}

int web_insights_index(struct request *req)
{
        bool admin = req->viewer.role == ROLE_ADMIN;
        struct newsletter *list = NULL;
        int n = admin ? newsletter_list(req->db, req->arena, &list)
                      : newsletter_list_by_author(req->db, req->arena, req->viewer.id, &list);
        if (n < 0)
                return req_fail(req, 503, N_("The database is not available."));
        if (n == 0 && !admin)
                return req_fail(req, 403,
                                N_("Insights are for the authors of a newsletter and the site's "
                                   "admins."));
        int64_t now = time_now();
        int shown = n < INDEX_NEWSLETTERS_MAX ? n : INDEX_NEWSLETTERS_MAX;
        struct index_row *rows = arena_zalloc(req->arena, (size_t)(shown + 1) * sizeof(*rows));
        for (int i = 0; i < shown; i++) {
                rows[i].nl = &list[i];
                struct insight_query q = {0};
                if (insights_range(&q, NULL, NULL, now) != INSIGHT_OK ||
                    insights_scope(req->db, &q, list[i].id, 0, NULL) != INSIGHT_OK)
                        continue;
                rows[i].loaded =
                    insights_load(req->db, req->arena, &q, INSIGHT_PART_WEEKS, &rows[i].ins) == 0;
        }
        struct insights_view *site = NULL;
        int status = 200;
        /* The whole site is asked for (site=1): it is as costly as a newsletter's page, so the
         * list does not pay for it on every visit. */
        if (admin && req_param_bool(req, "site")) {
                site = arena_zalloc(req->arena, sizeof(*site));
                site->site = true;
                status = view_load(req, site);
                if (status == 503)
                        return req_fail(req, 503, N_("The database is not available."));
                if (status == 0)
                        status = 200;
        }

        struct render *r = render_for_request(req);
        struct buf *b = r->out;
        struct page_meta meta = {.title = _("Insights"), .noindex = true};
        page_begin_meta(r, &meta);
        html_lit(b, "<div class=\"insights-page\">\n<h1>");
        html_text(b, _("Insights"));
        html_lit(b, "</h1>\n<p class=\"lede\">");
        html_text(b, _("Is this building a community? Returning readers, the participation "
                       "ladder, season retention and members talking to each other, newsletter "
                       "by newsletter."));
        html_lit(b, "</p>\n<ul class=\"insights-index\">\n");
        for (int i = 0; i < shown; i++)
                index_row(r, &rows[i]);
        html_lit(b, "</ul>\n");
        if (n == 0) {
                html_lit(b, "<p>");
                html_text(b, _("There are no newsletters yet."));
                html_lit(b, "</p>\n");
        }
        if (admin && !site) {
                html_lit(b, "<p class=\"site-insights-link\"><a href=\"/insights?site=1\">");
                html_text(b, _("See the whole site's insights"));
                html_lit(b, "</a></p>\n");
        }
        if (site) {
                html_lit(b, "<h2 class=\"site-insights\" id=\"site\">");
                html_text(b, _("The whole site"));
                html_lit(b, "</h2>\n");
                range_form(r, site, "/insights");
                if (site->loaded)
                        view_body(r, site);
        }
        html_lit(b, "</div>\n");
        return page_end(r, status);
}
