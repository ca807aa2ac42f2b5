/* The insights API: every metric of model/insights.c as JSON, and as CSV (?format=csv) from
 * the very same rows, so the two cannot disagree. A metric is a table: fixed column names
 * (stable English, documented in docs/api.md) and rows built once as JSON objects; the CSV
 * writes each cell with the JSON text of its value (strings unquoted, null empty). */
#include "api/insights.h"
#include "api/errors.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "http/request.h"
#include "model/event.h"
#include "model/insights.h"
#include "model/newsletter.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Reals (shares, momentum) print with the fewest digits that give back the value: a share of
 * 6667 basis points is 0.6667, never 0.66669999999999996. */
#define DUMP_FLAGS                                                                                 \
        (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* ------------------------------------------------------------ values */

static json_t *j_share(struct insight_share s)
{
        return s.bp == INSIGHT_NONE ? json_null() : json_real(s.bp / 10000.0);
}

static json_t *j_hundredths(int64_t x100)
{
        return json_real((double)x100 / 100.0);
}

static json_t *j_date(int64_t at)
{
        char iso[32];
        time_iso8601(at, iso, sizeof(iso));
        iso[10] = '\0';
        return json_string(iso);
}

static json_t *j_time(int64_t at)
{
        if (at <= 0)
                return json_null();
        char iso[32];
        time_iso8601(at, iso, sizeof(iso));
        return json_string(iso);
}

static json_t *j_int(int64_t v)
{
        return json_integer((json_int_t)v);
}

static json_t *j_opt(int64_t v)
{
        return v == INSIGHT_NONE ? json_null() : j_int(v);
}

/* ------------------------------------------------------------ the metrics as tables */

enum metric {
        M_SUMMARY,
        M_WEEKS,
        M_LADDER,
        M_MOMENTUM,
        M_RETENTION,
        M_COHORTS,
        M_CARRYOVER,
        M_CONNECTIONS,
        M_PRESENCE,
        M_CONSISTENCY,
        M_BREAKS,
        M_VANITY,
        M_EPISODES,
        M_COUNT
};

struct metric_def {
        const char *name;
        unsigned parts;
        bool single; /* one row: JSON shows an object, not an array */
        const char *const *columns;
};

static const char *const summary_cols[] = {
    "members",        "returning",      "returning_rate",     "replies",
    "member_replies", "author_replies", "member_reply_share", "buildons",
    "tried",          "commitment",     "momentum",           NULL};
static const char *const weeks_cols[] = {"week",           "active",         "returned",
                                         "returning_rate", "readers",        "reactors",
                                         "commenters",     "builders",       "new_members",
                                         "new_pairs",      "connections",    "connected_members",
                                         "members",        "views",          "member_views",
                                         "visitors",       "guest_readers",  "completions",
                                         "reactions",      "comments",       "replies",
                                         "member_replies", "author_replies", "member_reply_share",
                                         "quotes",         "answers",        "buildons",
                                         "tried",          "follows",        NULL};
static const char *const ladder_cols[] = {"rung",       "step", "members_at", "members_at_least",
                                          "conversion", NULL};
static const char *const momentum_cols[] = {
    "from",          "to",          "members",          "commitment",
    "previous_from", "previous_to", "previous_members", "previous_commitment",
    "momentum",      NULL};
static const char *const retention_cols[] = {
    "season", "episode", "slug", "title", "published", "readers", "retained", "retention", NULL};
static const char *const cohorts_cols[] = {"season", "cohort", "cohort_size", "episode",
                                           "read",   "share",  NULL};
static const char *const carryover_cols[] = {
    "from_season", "to_season", "from_members", "to_members", "carried", "share", NULL};
static const char *const connections_cols[] = {
    "pairs_total", "pairs_new", "members_total", "members_connected", "connected_share", NULL};
static const char *const presence_cols[] = {"threads", "joined", "joined_share",
                                            "median_first_reply_seconds", NULL};
static const char *const consistency_cols[] = {
    "published", "with_cadence", "on_cadence", "on_cadence_share",
    "streak",    "overdue",      "next_due",   NULL};
static const char *const breaks_cols[] = {"season", "title", "returns_at", NULL};
static const char *const vanity_cols[] = {"views", "visitors", "guest_readers", "completions",
                                          NULL};
static const char *const episodes_cols[] = {
    "newsletter",     "season",      "episode",   "slug",     "title",
    "published",      "on_cadence",  "readers",   "views",    "visitors",
    "guest_readers",  "completions", "reactions", "comments", "replies",
    "member_replies", "quotes",      "answers",   "buildons", "tried",
    "retention",      NULL};

static const struct metric_def metrics[M_COUNT] = {
    [M_SUMMARY] = {"summary", INSIGHT_PART_WEEKS | INSIGHT_PART_LADDER, true, summary_cols},
    [M_WEEKS] = {"weeks", INSIGHT_PART_WEEKS, false, weeks_cols},
    [M_LADDER] = {"ladder", INSIGHT_PART_LADDER, false, ladder_cols},
    [M_MOMENTUM] = {"momentum", INSIGHT_PART_LADDER, true, momentum_cols},
    [M_RETENTION] = {"retention", INSIGHT_PART_RETENTION, false, retention_cols},
    [M_COHORTS] = {"cohorts", INSIGHT_PART_RETENTION, false, cohorts_cols},
    [M_CARRYOVER] = {"carryover", INSIGHT_PART_CARRYOVER, false, carryover_cols},
    [M_CONNECTIONS] = {"connections", INSIGHT_PART_CONNECTIONS, true, connections_cols},
    [M_PRESENCE] = {"presence", INSIGHT_PART_PRESENCE, true, presence_cols},
    [M_CONSISTENCY] = {"consistency", INSIGHT_PART_CONSISTENCY, true, consistency_cols},
    [M_BREAKS] = {"breaks", INSIGHT_PART_CONSISTENCY, false, breaks_cols},
    [M_VANITY] = {"vanity", INSIGHT_PART_VANITY, true, vanity_cols},
    [M_EPISODES] = {"episodes", INSIGHT_PART_EPISODES, false, episodes_cols},
};

int api_insights_metric_known(const char *name)
{
        for (int m = 0; m < M_COUNT; m++)
                if (strcmp(metrics[m].name, name) == 0)
                        return 1;
        return 0;
}

static size_t metric_rows(enum metric m, const struct insights *in)
{
        switch (m) {
        case M_WEEKS:
                return in->n_weeks;
        case M_LADDER:
                return 4;
        case M_RETENTION:
                return in->retention.n_episodes;
        case M_COHORTS:
                return in->retention.n_cohorts * in->retention.n_episodes;
        case M_CARRYOVER:
                return in->n_carryover;
        case M_BREAKS:
                return in->consistency.n_breaks;
        case M_EPISODES:
                return in->n_episodes;
        default:
                return 1;
        }
}

/* Row i of metric m, with m's columns in order. NULL for a cohort cell before its start (the
 * CSV and JSON leave those out: a cohort cannot read an episode before it began). */
static json_t *metric_row(enum metric m, const struct insights *in, size_t i)
{
        json_t *o = json_object();
        const char *const *col = metrics[m].columns;
#define PUT(v) json_object_set_new(o, *col++, (v))
        switch (m) {
        case M_SUMMARY: {
                const struct insight_ladder *l = &in->ladder;
                PUT(j_int(l->members));
                PUT(j_int(l->returning));
                PUT(j_share(l->returning_rate));
                PUT(j_int(in->replies));
                PUT(j_int(in->member_replies));
                PUT(j_int(in->author_replies));
                PUT(j_share(in->member_reply_share));
                PUT(j_int(in->buildons));
                PUT(j_int(in->tried));
                PUT(j_hundredths(in->momentum.commitment_x100));
                PUT(in->momentum.comparable ? j_hundredths(in->momentum.momentum_x100)
                                            : json_null());
                break;
        }
        case M_WEEKS: {
                const struct insight_week_row *w = &in->weeks[i];
                PUT(j_date(w->start));
                PUT(j_int(w->active));
                PUT(j_int(w->returned));
                PUT(j_share(w->returning_rate));
                for (int k = 0; k < 4; k++)
                        PUT(j_int(w->rung[k]));
                PUT(j_int(w->new_members));
                PUT(j_int(w->new_pairs));
                PUT(j_int(w->connections));
                PUT(j_int(w->connected_members));
                PUT(j_int(w->members));
                PUT(j_int(w->views));
                PUT(j_int(w->member_views));
                PUT(j_int(w->visitors));
                PUT(j_int(w->guest_readers));
                PUT(j_int(w->completions));
                PUT(j_int(w->reactions));
                PUT(j_int(w->comments));
                PUT(j_int(w->replies));
                PUT(j_int(w->member_replies));
                PUT(j_int(w->author_replies));
                PUT(j_share(w->member_reply_share));
                PUT(j_int(w->quotes));
                PUT(j_int(w->answers));
                PUT(j_int(w->buildons));
                PUT(j_int(w->tried));
                PUT(j_int(w->follows));
                break;
        }
        case M_LADDER: {
                static const char *const steps[4] = {"readers", "reactors", "commenters",
                                                     "builders"};
                const struct insight_ladder *l = &in->ladder;
                PUT(j_int((int64_t)i + 1));
                PUT(json_string(steps[i]));
                PUT(j_int(l->at[i]));
                PUT(j_int(l->at_least[i]));
                PUT(i == 0 ? json_null() : j_share(l->step[i - 1]));
                break;
        }
        case M_MOMENTUM: {
                const struct insight_momentum *mo = &in->momentum;
                PUT(j_date(event_week_start(in->q.from_week)));
                PUT(j_date(event_week_start(in->q.to_week) + 6 * 86400));
                PUT(j_int(in->ladder.members));
                PUT(j_hundredths(mo->commitment_x100));
                PUT(j_date(event_week_start(mo->previous_from_week)));
                PUT(j_date(event_week_start(mo->previous_to_week) + 6 * 86400));
                PUT(j_int(mo->previous.members));
                PUT(j_hundredths(mo->previous_x100));
                PUT(mo->comparable ? j_hundredths(mo->momentum_x100) : json_null());
                break;
        }
        case M_RETENTION: {
                const struct insight_season_episode *e = &in->retention.episodes[i];
                PUT(j_int(in->retention.season_number));
                PUT(j_int(e->number));
                PUT(json_string(e->slug));
                PUT(json_string(e->title));
                PUT(j_time(e->publish_at));
                PUT(j_int(e->readers));
                PUT(j_int(e->retained));
                PUT(j_share(e->retention));
                break;
        }
        case M_COHORTS: {
                size_t n = in->retention.n_episodes;
                const struct insight_cohort *c = &in->retention.cohorts[i / n];
                size_t k = i % n;
                if (in->retention.episodes[k].number < c->start_number) {
                        json_decref(o);
                        return NULL;
                }
                PUT(j_int(in->retention.season_number));
                PUT(j_int(c->start_number));
                PUT(j_int(c->size));
                PUT(j_int(in->retention.episodes[k].number));
                PUT(j_int(c->read[k]));
                PUT(j_share(c->share[k]));
                break;
        }
        case M_CARRYOVER: {
                const struct insight_carryover *c = &in->carryover[i];
                PUT(j_int(c->from_number));
                PUT(j_int(c->to_number));
                PUT(j_int(c->from_members));
                PUT(j_int(c->to_members));
                PUT(j_int(c->carried));
                PUT(j_share(c->share));
                break;
        }
        case M_CONNECTIONS: {
                const struct insight_connections *c = &in->connections;
                PUT(j_int(c->pairs_total));
                PUT(j_int(c->pairs_new));
                PUT(j_int(c->members_total));
                PUT(j_int(c->members_connected));
                PUT(j_share(c->connected_share));
                break;
        }
        case M_PRESENCE: {
                const struct insight_presence *p = &in->presence;
                PUT(j_int(p->threads));
                PUT(j_int(p->joined));
                PUT(j_share(p->joined_share));
                PUT(j_opt(p->median_first_reply));
                break;
        }
        case M_CONSISTENCY: {
                const struct insight_consistency *c = &in->consistency;
                PUT(j_int(c->published));
                PUT(j_int(c->with_cadence));
                PUT(j_int(c->on_cadence));
                PUT(j_share(c->on_cadence_share));
                PUT(j_int(c->streak));
                PUT(json_boolean(c->overdue));
                PUT(c->next_due_at ? j_date(c->next_due_at) : json_null());
                break;
        }
        case M_BREAKS: {
                const struct insight_break *b = &in->consistency.breaks[i];
                PUT(j_int(b->season_number));
                PUT(json_string(b->season_title));
                PUT(b->returns_at ? j_date(b->returns_at) : json_null());
                break;
        }
        case M_VANITY:
                PUT(j_int(in->vanity.views));
                PUT(j_int(in->vanity.visitors));
                PUT(j_int(in->vanity.guest_readers));
                PUT(j_int(in->vanity.completions));
                break;
        case M_EPISODES: {
                const struct insight_episode_row *r = &in->episodes[i];
                PUT(json_string(r->newsletter_slug));
                PUT(j_int(r->season_number));
                PUT(j_int(r->number));
                PUT(json_string(r->slug));
                PUT(json_string(r->title));
                PUT(j_time(r->publish_at));
                PUT(json_boolean(r->on_cadence));
                PUT(j_int(r->readers));
                PUT(j_int(r->views));
                PUT(j_int(r->visitors));
                PUT(j_int(r->guest_readers));
                PUT(j_int(r->completions));
                PUT(j_int(r->reactions));
                PUT(j_int(r->comments));
                PUT(j_int(r->replies));
                PUT(j_int(r->member_replies));
                PUT(j_int(r->quotes));
                PUT(j_int(r->answers));
                PUT(j_int(r->buildons));
                PUT(j_int(r->tried));
                PUT(j_share(r->retention));
                break;
        }
        case M_COUNT:
                break;
        }
#undef PUT
        return o;
}

static json_t *metric_json(enum metric m, const struct insights *in)
{
        if (metrics[m].single)
                return metric_row(m, in, 0);
        json_t *a = json_array();
        size_t n = metric_rows(m, in);
        for (size_t i = 0; i < n; i++) {
                json_t *row = metric_row(m, in, i);
                if (row)
                        json_array_append_new(a, row);
        }
        return a;
}

/* ------------------------------------------------------------ CSV (RFC 4180) */

static void csv_field(struct buf *b, const char *s)
{
        if (!strpbrk(s, ",\"\r\n")) {
                buf_puts(b, s);
                return;
        }
        buf_putc(b, '"');
        for (; *s; s++) {
                if (*s == '"')
                        buf_putc(b, '"');
                buf_putc(b, *s);
        }
        buf_putc(b, '"');
}

static void csv_value(struct buf *b, json_t *v)
{
        if (!v || json_is_null(v))
                return;
        if (json_is_string(v)) {
                csv_field(b, json_string_value(v));
                return;
        }
        char *text = json_dumps(v, JSON_ENCODE_ANY | DUMP_FLAGS);
        if (text) {
                csv_field(b, text);
                free(text);
        }
}

static int send_csv(struct request *req, enum metric m, const struct insights *in)
{
        struct buf *b = &req->resp.body;
        buf_reset(b);
        const char *const *cols = metrics[m].columns;
        for (size_t c = 0; cols[c]; c++) {
                if (c)
                        buf_putc(b, ',');
                csv_field(b, cols[c]);
        }
        buf_puts(b, "\r\n");
        size_t n = metric_rows(m, in);
        for (size_t i = 0; i < n; i++) {
                json_t *row = metric_row(m, in, i);
                if (!row)
                        continue;
                for (size_t c = 0; cols[c]; c++) {
                        if (c)
                                buf_putc(b, ',');
                        csv_value(b, json_object_get(row, cols[c]));
                }
                buf_puts(b, "\r\n");
                json_decref(row);
        }
        char *name =
            arena_printf(req->arena, "attachment; filename=\"insights-%s.csv\"", metrics[m].name);
        resp_header(req, "Content-Disposition", name);
        resp_header(req, "Cache-Control", "private, no-store");
        return resp_typed(req, 200, "text/csv; charset=utf-8");
}

/* ------------------------------------------------------------ the envelope */

static json_t *scope_json(const struct insight_query *q, const char *newsletter_slug,
                          const char *episode_slug)
{
        static const char *const names[] = {"site", "newsletter", "season", "episode"};
        json_t *o = json_pack("{s:s}", "kind", names[q->scope]);
        if (q->scope != INSIGHT_SITE)
                json_object_set_new(o, "newsletter", json_string(newsletter_slug));
        if (q->season_number)
                json_object_set_new(o, "season", j_int(q->season_number));
        if (q->scope == INSIGHT_EPISODE)
                json_object_set_new(o, "episode", json_string(episode_slug));
        return o;
}

static json_t *range_json(const struct insight_query *q)
{
        json_t *o = json_object();
        json_object_set_new(o, "from", j_date(q->from_at));
        json_object_set_new(o, "to", j_date(q->to_end - 86400));
        json_object_set_new(o, "weeks", j_int(q->weeks));
        json_object_set_new(o, "time_zone", json_string("UTC"));
        return o;
}

static int send_json(struct request *req, json_t *body)
{
        char *text = json_dumps(body, DUMP_FLAGS);
        json_decref(body);
        buf_reset(&req->resp.body);
        if (text) {
                buf_puts(&req->resp.body, text);
                buf_putc(&req->resp.body, '\n');
                free(text);
        }
        resp_header(req, "Cache-Control", "private, no-store");
        return resp_typed(req, 200, "application/json");
}

/* Answers one metric (m >= 0) or all of them (m < 0) for the newsletter (0: the site). */
static int answer(struct request *req, int64_t newsletter_id, const char *newsletter_slug, int m)
{
        const char *format = req_param(req, "format");
        bool csv = strcmp(format, "csv") == 0;
        if (*format && !csv && strcmp(format, "json") != 0)
                return req_fail(req, 400, N_("The format must be json or csv."));
        if (csv && m < 0)
                return req_fail(req, 400, N_("CSV needs one metric: add its name to the address."));
        struct insight_query q;
        memset(&q, 0, sizeof(q));
        switch (insights_range(&q, req_param(req, "from"), req_param(req, "to"), time_now())) {
        case INSIGHT_OK:
                break;
        case INSIGHT_BAD_DATE:
                return req_fail(req, 400, N_("Dates are written YYYY-MM-DD."));
        case INSIGHT_REVERSED:
                return req_fail(req, 400, N_("The range starts after it ends."));
        case INSIGHT_TOO_LONG:
                return req_fail(req, 400, N_("The range is too long: ten years at most."));
        default:
                return req_fail(req, 500, N_("The insights could not be read."));
        }
        const char *episode = req_param(req, "episode");
        int season = (int)req_param_int(req, "season", 0);
        if (!newsletter_id && (season || *episode))
                return req_fail(req, 400, N_("A season or an episode needs a newsletter."));
        switch (insights_scope(req->db, &q, newsletter_id, season, episode)) {
        case INSIGHT_OK:
                break;
        case INSIGHT_NO_SEASON:
                return req_fail(req, 404, N_("There is no such season."));
        case INSIGHT_NO_EPISODE:
                return req_fail(req, 404, N_("There is no such episode."));
        default:
                return req_fail(req, 500, N_("The insights could not be read."));
        }
        struct insights in;
        unsigned parts = m < 0 ? INSIGHT_PART_ALL : metrics[m].parts;
        if (insights_load(req->db, req->arena, &q, parts, &in) != 0)
                return req_fail(req, 500, N_("The insights could not be read."));
        if (csv)
                return send_csv(req, (enum metric)m, &in);
        json_t *body = json_object();
        json_object_set_new(body, "scope", scope_json(&q, newsletter_slug, episode));
        json_object_set_new(body, "range", range_json(&q));
        for (int k = 0; k < M_COUNT; k++)
                if (m < 0 || k == m)
                        json_object_set_new(body, metrics[k].name,
                                            metric_json((enum metric)k, &in));
        return send_json(req, body);
}

static int metric_named(const char *name)
{
        for (int m = 0; m < M_COUNT; m++)
                if (strcmp(metrics[m].name, name) == 0)
                        return m;
        return -1;
}

int api_insights_site(struct request *req)
{
        const char *name = req_param(req, "metric");
        int m = *name ? metric_named(name) : -1;
        if (*name && m < 0)
                return req_fail(req, 404, N_("There is no such metric."));
        return answer(req, 0, "", m);
}

/* The newsletter of the path, when the viewer may see its insights (404 / 403 otherwise). */
static int newsletter_of(struct request *req, struct newsletter *n)
{
        int rc = newsletter_find_slug(req->db, req->arena, req_path_param(req, "newsletter"), n);
        if (rc == PUB_NOT_FOUND)
                return req_fail(req, 404, N_("There is no such newsletter."));
        if (rc != PUB_OK)
                return req_fail(req, 500, N_("The insights could not be read."));
        if (!insights_can_view(req->db, n->id, req->viewer.id, req->viewer.role))
                return req_fail(req, 403,
                                N_("Only the newsletter's authors and admins see its insights."));
        return 0;
}

int api_insights(struct request *req)
{
        struct newsletter n;
        int rc = newsletter_of(req, &n);
        if (rc)
                return rc;
        if (*req_param(req, "metric")) {
                int m = metric_named(req_param(req, "metric"));
                if (m < 0)
                        return req_fail(req, 404, N_("There is no such metric."));
                return answer(req, n.id, n.slug, m);
        }
        return answer(req, n.id, n.slug, -1);
}

int api_insights_metric(struct request *req)
{
        struct newsletter n;
        int rc = newsletter_of(req, &n);
        if (rc)
                return rc;
        int m = metric_named(req_path_param(req, "metric"));
        if (m < 0)
                return req_fail(req, 404, N_("There is no such metric."));
        return answer(req, n.id, n.slug, m);
}
