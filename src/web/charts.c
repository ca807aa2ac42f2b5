/* Server-rendered SVG charts with their tables (web/charts.h). */
#include "web/charts.h"
#include "web/layout.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/l10n.h"
#include "http/html.h"
#include "web/render.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* The drawing's coordinate system; the SVG scales it to the page's width. */
enum { LINE_W = 560, LINE_H = 270, FONT = 13 };
/* On a phone the stylesheet draws axis text larger (the drawing shrinks to the screen's width,
 * and 13 units would be 6 pixels): margins leave room for this many units per character. */
enum { CHAR_ROOM = 14, PHONE_FONT = 22 };
/* Beyond this a value is drawn and written as this (a double's integers are exact up to 2^53). */
#define CHART_VALUE_MAX 1e15
/* The most x labels a line or bar chart writes; the others stay in the tooltips and the table. */
enum { X_LABELS_MAX = 6, SERIES_CLASSES = 4 };

/* ------------------------------------------------------------------ numbers */

/* About how wide text is at a font size, in drawing units: Latin letters and digits a little
 * over half the size, a CJK character the whole size (no font metrics on a server). */
static double text_width(const char *s, double size)
{
        double w = 0;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p < 0x80)
                        w += size * 0.6;
                else if ((*p & 0xC0) != 0x80)
                        w += size; /* the first byte of a multi-byte character */
        }
        return w;
}

static double clamp_value(double v)
{
        if (v > CHART_VALUE_MAX)
                return CHART_VALUE_MAX;
        if (v < -CHART_VALUE_MAX)
                return -CHART_VALUE_MAX;
        return v;
}

/* v in tenths, written with the locale's separators: "66.7", "1,234", "-0.5". */
static const char *tenths_text(struct render *r, long long tenths)
{
        bool negative = tenths < 0;
        unsigned long long t =
            negative ? 0ULL - (unsigned long long)tenths : (unsigned long long)tenths;
        const char *whole = l10n_number(r->arena, r->locale, (int64_t)(t / 10));
        if (t % 10 == 0)
                return arena_printf(r->arena, "%s%s", negative ? "-" : "", whole);
        return arena_printf(r->arena, "%s%s.%llu", negative ? "-" : "", whole, t % 10);
}

const char *chart_value(struct render *r, double v, enum chart_unit unit)
{
        if (isnan(v))
                return "–";
        v = clamp_value(v);
        switch (unit) {
        case CHART_PERCENT:
                /* TRANSLATORS: a percentage; %s is the number ("54", "66.7"). */
                return arena_printf(r->arena, _("%s%%"), tenths_text(r, llround(v * 1000.0)));
        case CHART_DECIMAL:
                return tenths_text(r, llround(v * 10.0));
        case CHART_COUNT:
        default:
                return l10n_number(r->arena, r->locale, (int64_t)llround(v));
        }
}

int chart_shade(double share)
{
        static const double steps[] = {0.1, 0.3, 0.5, 0.7, 0.9};
        int shade = 0;
        while (!isnan(share) && shade < 5 && share >= steps[shade])
                shade++;
        return shade;
}

/* A coordinate with one decimal: enough for a 560-unit drawing, and short. */
static void coord(struct buf *b, double v)
{
        buf_printf(b, "%.1f", v);
}

/* ------------------------------------------------------------------ axes */

/* Round ticks from lo to hi: a step of 1, 2 or 5 times a power of ten giving at most 5
 * intervals; counts never get a step under 1. */
struct axis {
        double lo, hi, step;
};

static struct axis axis_for(double lo, double hi, enum chart_unit unit)
{
        struct axis a = {0, 1, 0.25};
        if (unit == CHART_PERCENT && lo >= 0 && hi <= 1)
                return a;
        if (lo > 0)
                lo = 0;
        if (hi < 0)
                hi = 0;
        double span = hi - lo;
        if (span <= 0)
                span = unit == CHART_COUNT ? 1 : 1;
        double raw = span / 5.0;
        double mag = pow(10.0, floor(log10(raw)));
        double step = mag;
        if (raw / mag > 5)
                step = 10 * mag;
        else if (raw / mag > 2)
                step = 5 * mag;
        else if (raw / mag > 1)
                step = 2 * mag;
        if (unit == CHART_COUNT && step < 1)
                step = 1;
        a.step = step;
        a.lo = floor(lo / step) * step;
        a.hi = ceil(hi / step) * step;
        if (a.hi <= a.lo)
                a.hi = a.lo + step;
        return a;
}

/* The widest tick label, in characters, for the left margin. */
static size_t widest_tick(struct render *r, const struct axis *a, enum chart_unit unit)
{
        size_t w = 1;
        for (double t = a->lo; t <= a->hi + a->step / 2; t += a->step) {
                size_t n = strlen(chart_value(r, t, unit));
                if (n > w)
                        w = n;
        }
        return w;
}

/* ------------------------------------------------------------------ the frame */

static bool all_nan(const struct chart_lines *c)
{
        for (int s = 0; s < c->nseries; s++)
                for (int i = 0; i < c->n; i++)
                        if (!isnan(c->series[s].values[i]))
                                return false;
        return true;
}

static void figure_open(struct render *r, const struct chart_head *h, const char *kind)
{
        struct buf *b = r->out;
        html_lit(b, "<figure class=\"chart chart-");
        html_attr(b, kind);
        html_lit(b, "\" id=\"chart-");
        html_attr(b, h->id);
        html_lit(b, "\">\n<figcaption><span class=\"chart-title\">");
        html_text(b, h->title);
        html_lit(b, "</span>");
        if (h->desc) {
                html_lit(b, " <span class=\"chart-desc\">");
                html_text(b, h->desc);
                html_lit(b, "</span>");
        }
        html_lit(b, "</figcaption>\n");
}

/* The "not enough data" state: the caption stays, so the reader knows what will appear. */
static void figure_empty(struct render *r, const struct chart_head *h, const char *kind)
{
        figure_open(r, h, kind);
        html_lit(r->out, "<p class=\"chart-empty\">");
        html_text(r->out, _("Not enough data yet."));
        html_lit(r->out, "</p>\n</figure>\n");
}

static void svg_open(struct render *r, const struct chart_head *h, double w, double hgt)
{
        struct buf *b = r->out;
        html_lit(b, "<svg class=\"chart-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
        coord(b, w);
        html_lit(b, " ");
        coord(b, hgt);
        /* Drawn at its own size where there is room, shrunk to the column where there is not
         * (max-width: 100% and height: auto in the stylesheet). */
        html_lit(b, "\" width=\"");
        html_int(b, (int64_t)ceil(w));
        html_lit(b, "\" height=\"");
        html_int(b, (int64_t)ceil(hgt));
        html_lit(b, "\" role=\"img\" aria-labelledby=\"");
        html_attr(b, h->id);
        html_lit(b, "-t\"");
        if (h->desc) {
                html_lit(b, " aria-describedby=\"");
                html_attr(b, h->id);
                html_lit(b, "-d\"");
        }
        html_lit(b, " focusable=\"false\">\n<title id=\"");
        html_attr(b, h->id);
        html_lit(b, "-t\">");
        html_text(b, h->title);
        html_lit(b, "</title>\n");
        if (h->desc) {
                html_lit(b, "<desc id=\"");
                html_attr(b, h->id);
                html_lit(b, "-d\">");
                html_text(b, h->desc);
                html_lit(b, "</desc>\n");
        }
}

static void text_at(struct render *r, double x, double y, const char *cls, const char *anchor,
                    const char *text)
{
        struct buf *b = r->out;
        html_lit(b, "<text x=\"");
        coord(b, x);
        html_lit(b, "\" y=\"");
        coord(b, y);
        html_lit(b, "\" class=\"");
        html_attr(b, cls);
        html_lit(b, "\" text-anchor=\"");
        html_attr(b, anchor);
        html_lit(b, "\">");
        html_text(b, text);
        html_lit(b, "</text>\n");
}

static void series_class(struct buf *b, const char *prefix, int s)
{
        html_attr(b, prefix);
        html_int(b, s % SERIES_CLASSES);
}

/* Several series get a legend in HTML (it wraps on a phone, which SVG text does not). */
static void legend(struct render *r, const struct chart_lines *c, const char *kind)
{
        if (c->nseries < 2)
                return;
        struct buf *b = r->out;
        html_lit(b, "<ul class=\"chart-legend\">\n");
        for (int s = 0; s < c->nseries; s++) {
                html_lit(b, "<li><span class=\"swatch ");
                html_attr(b, kind);
                html_lit(b, " ");
                series_class(b, "s", s);
                html_lit(b, "\" aria-hidden=\"true\"></span> ");
                html_text(b, c->series[s].name);
                html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
}

/* The text alternative of a line or bar chart: labels down, one column per series. */
static void lines_table(struct render *r, const struct chart_lines *c)
{
        struct buf *b = r->out;
        html_lit(b, "<details class=\"chart-numbers\"><summary>");
        html_text(b, _("Show the numbers"));
        html_lit(b, "</summary>\n<div class=\"table-scroll\"><table class=\"data\">\n<caption>");
        html_text(b, c->head.title);
        html_lit(b, "</caption>\n<thead><tr><th scope=\"col\">");
        html_text(b, c->x_heading);
        html_lit(b, "</th>");
        for (int s = 0; s < c->nseries; s++) {
                html_lit(b, "<th scope=\"col\">");
                html_text(b, c->series[s].name);
                html_lit(b, "</th>");
        }
        html_lit(b, "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < c->n; i++) {
                html_lit(b, "<tr><th scope=\"row\">");
                html_text(b, c->labels[i]);
                html_lit(b, "</th>");
                for (int s = 0; s < c->nseries; s++) {
                        html_lit(b, "<td class=\"num\">");
                        html_text(b, chart_value(r, c->series[s].values[i], c->unit));
                        html_lit(b, "</td>");
                }
                html_lit(b, "</tr>\n");
        }
        html_lit(b, "</tbody></table></div>\n</details>\n");
}

/* ------------------------------------------------------------------ line and bar charts */

struct plot {
        struct axis axis;
        double left, right, top, bottom; /* the plotting area */
};

static double plot_y(const struct plot *p, double v)
{
        double f = (clamp_value(v) - p->axis.lo) / (p->axis.hi - p->axis.lo);
        if (f < 0)
                f = 0;
        if (f > 1)
                f = 1;
        return p->bottom - f * (p->bottom - p->top);
}

/* Sets up the axis and the plotting area, and draws the grid, y ticks and x labels. slots is
 * how many x positions there are; centred puts labels in the middle of each slot (bars) rather
 * than on the points (lines). */
static void plot_frame(struct render *r, const struct chart_lines *c, struct plot *p, bool centred)
{
        struct buf *b = r->out;
        double lo = 0, hi = 0;
        for (int s = 0; s < c->nseries; s++)
                for (int i = 0; i < c->n; i++) {
                        double v = clamp_value(c->series[s].values[i]);
                        if (isnan(v))
                                continue;
                        if (v < lo)
                                lo = v;
                        if (v > hi)
                                hi = v;
                }
        p->axis = axis_for(lo, hi, c->unit);
        size_t tick_chars = widest_tick(r, &p->axis, c->unit);
        p->left = 10 + (double)tick_chars * CHAR_ROOM;
        if (p->left > 170)
                p->left = 170;
        /* x labels are centred on their points: the ends leave room for half a label */
        double half_label = 0;
        for (int i = 0; i < c->n; i++) {
                double w = text_width(c->labels[i], PHONE_FONT) / 2 + 4;
                if (w > half_label)
                        half_label = w;
        }
        if (half_label > 120)
                half_label = 120;
        if (!centred && p->left < half_label)
                p->left = half_label;
        p->right = LINE_W - (!centred && half_label > 16 ? half_label : 16);
        p->top = 20;
        p->bottom = LINE_H - 42;

        html_lit(b, "<g class=\"axis\">\n");
        int ticks = (int)llround((p->axis.hi - p->axis.lo) / p->axis.step);
        for (int k = 0; k <= ticks; k++) {
                double t = p->axis.lo + k * p->axis.step;
                double y = plot_y(p, t);
                html_lit(b, "<line class=\"grid");
                if (fabs(t) < p->axis.step / 1000)
                        html_lit(b, " zero");
                html_lit(b, "\" x1=\"");
                coord(b, p->left);
                html_lit(b, "\" x2=\"");
                coord(b, p->right);
                html_lit(b, "\" y1=\"");
                coord(b, y);
                html_lit(b, "\" y2=\"");
                coord(b, y);
                html_lit(b, "\"/>\n");
                text_at(r, p->left - 6, y + FONT * 0.35, "tick", "end", chart_value(r, t, c->unit));
        }
        /* x labels: every k-th counting back from the last, so that at most X_LABELS_MAX are
         * written, evenly spaced, and the newest always is. */
        double widest = 0;
        for (int i = 0; i < c->n; i++) {
                double w = text_width(c->labels[i], PHONE_FONT) + PHONE_FONT;
                if (w > widest)
                        widest = w;
        }
        int fit = (int)((p->right - p->left) / widest);
        if (fit > X_LABELS_MAX)
                fit = X_LABELS_MAX;
        if (fit < 2)
                fit = 2;
        int every = (c->n + fit - 1) / fit;
        if (every < 1)
                every = 1;
        for (int i = 0; i < c->n; i++) {
                if ((c->n - 1 - i) % every != 0)
                        continue;
                double slot = (p->right - p->left) / (c->n > 0 ? c->n : 1);
                double x;
                if (centred)
                        x = p->left + slot * (i + 0.5);
                else
                        x = c->n == 1 ? (p->left + p->right) / 2
                                      : p->left + (p->right - p->left) * i / (c->n - 1);
                text_at(r, x, p->bottom + 26, "tick", "middle", c->labels[i]);
        }
        html_lit(b, "</g>\n");
}

static void point_title(struct render *r, const struct chart_lines *c, int s, int i)
{
        struct buf *b = r->out;
        html_lit(b, "<title>");
        /* TRANSLATORS: a chart point's tooltip: 1 = the point's label (a week), 2 = the series'
         * name, 3 = the value. */
        html_textf(r, _("%1$s: %2$s %3$s"), c->labels[i], c->series[s].name,
                   chart_value(r, c->series[s].values[i], c->unit));
        html_lit(b, "</title>");
}

void chart_lines(struct render *r, const struct chart_lines *c)
{
        if (c->n <= 0 || c->nseries <= 0 || all_nan(c)) {
                figure_empty(r, &c->head, "lines");
                return;
        }
        struct buf *b = r->out;
        figure_open(r, &c->head, "lines");
        legend(r, c, "line");
        svg_open(r, &c->head, LINE_W, LINE_H);
        struct plot p;
        plot_frame(r, c, &p, false);
        for (int s = 0; s < c->nseries; s++) {
                const double *v = c->series[s].values;
                html_lit(b, "<g class=\"series ");
                series_class(b, "s", s);
                html_lit(b, "\">\n");
                /* A polyline per run of known values: a missing week is a gap, not a zero. */
                bool open = false;
                for (int i = 0; i < c->n; i++) {
                        if (isnan(v[i])) {
                                if (open)
                                        html_lit(b, "\"/>\n");
                                open = false;
                                continue;
                        }
                        double x = c->n == 1 ? (p.left + p.right) / 2
                                             : p.left + (p.right - p.left) * i / (c->n - 1);
                        if (!open) {
                                html_lit(b, "<polyline class=\"line\" points=\"");
                                open = true;
                        } else {
                                html_lit(b, " ");
                        }
                        coord(b, x);
                        html_lit(b, ",");
                        coord(b, plot_y(&p, v[i]));
                }
                if (open)
                        html_lit(b, "\"/>\n");
                for (int i = 0; i < c->n; i++) {
                        if (isnan(v[i]))
                                continue;
                        double x = c->n == 1 ? (p.left + p.right) / 2
                                             : p.left + (p.right - p.left) * i / (c->n - 1);
                        html_lit(b, "<circle class=\"point\" cx=\"");
                        coord(b, x);
                        html_lit(b, "\" cy=\"");
                        coord(b, plot_y(&p, v[i]));
                        html_lit(b, "\" r=\"");
                        html_lit(b, "3.5\">");
                        point_title(r, c, s, i);
                        html_lit(b, "</circle>\n");
                }
                html_lit(b, "</g>\n");
        }
        html_lit(b, "</svg>\n");
        lines_table(r, c);
        html_lit(b, "</figure>\n");
}

void chart_bars(struct render *r, const struct chart_lines *c)
{
        if (c->n <= 0 || c->nseries <= 0 || all_nan(c)) {
                figure_empty(r, &c->head, "bars");
                return;
        }
        struct buf *b = r->out;
        figure_open(r, &c->head, "bars");
        legend(r, c, "bar");
        svg_open(r, &c->head, LINE_W, LINE_H);
        struct plot p;
        plot_frame(r, c, &p, true);
        double slot = (p.right - p.left) / c->n;
        double group = slot * 0.8;
        double bar = group / c->nseries;
        double zero = plot_y(&p, 0);
        for (int s = 0; s < c->nseries; s++) {
                html_lit(b, "<g class=\"series ");
                series_class(b, "s", s);
                html_lit(b, "\">\n");
                for (int i = 0; i < c->n; i++) {
                        double v = c->series[s].values[i];
                        if (isnan(v))
                                continue;
                        double y = plot_y(&p, v);
                        double top = y < zero ? y : zero;
                        double h = fabs(zero - y);
                        html_lit(b, "<rect class=\"bar\" x=\"");
                        coord(b, p.left + slot * i + (slot - group) / 2 + bar * s);
                        html_lit(b, "\" y=\"");
                        coord(b, top);
                        html_lit(b, "\" width=\"");
                        coord(b, bar > 1.5 ? bar - 1 : bar);
                        html_lit(b, "\" height=\"");
                        coord(b, h);
                        html_lit(b, "\">");
                        point_title(r, c, s, i);
                        html_lit(b, "</rect>\n");
                }
                html_lit(b, "</g>\n");
        }
        html_lit(b, "</svg>\n");
        lines_table(r, c);
        html_lit(b, "</figure>\n");
}

/* ------------------------------------------------------------------ funnel */

enum { FUNNEL_W = 560, FUNNEL_ROW = 84, FUNNEL_BAR = 26 };

static double funnel_conversion(const struct chart_funnel *c, int i)
{
        if (c->conversions)
                return c->conversions[i];
        if (c->counts[i - 1] <= 0)
                return NAN;
        return (double)c->counts[i] / (double)c->counts[i - 1];
}

void chart_funnel(struct render *r, const struct chart_funnel *c)
{
        int64_t widest = 0;
        for (int i = 0; i < c->n; i++)
                if (c->counts[i] > widest)
                        widest = c->counts[i];
        if (c->n <= 0 || widest <= 0) {
                figure_empty(r, &c->head, "funnel");
                return;
        }
        struct buf *b = r->out;
        figure_open(r, &c->head, "funnel");
        double height = c->n * FUNNEL_ROW + 4;
        svg_open(r, &c->head, FUNNEL_W, height);
        for (int i = 0; i < c->n; i++) {
                double top = i * FUNNEL_ROW;
                int64_t n = c->counts[i] < 0 ? 0 : c->counts[i];
                double f = (double)n / (double)widest;
                double w = (FUNNEL_W - 8) * f;
                if (n > 0 && w < 3)
                        w = 3; /* a step with people in it is never invisible */
                html_lit(b, "<g class=\"step ");
                series_class(b, "f", i);
                html_lit(b, "\">\n");
                /* TRANSLATORS: a funnel step's label: 1 = the step ("Reactors"), 2 = how many. */
                text_at(r, 4, top + 18, "step-label", "start",
                        arena_printf(r->arena, _("%1$s: %2$s"), c->steps[i],
                                     l10n_number(r->arena, r->locale, n)));
                if (i > 0) {
                        double conv = funnel_conversion(c, i);
                        if (!isnan(conv))
                                /* TRANSLATORS: under a funnel step: the share of the step above
                                 * that reached it. */
                                text_at(r, 4, top + 40, "conversion", "start",
                                        arena_printf(r->arena, _("%s of the step above"),
                                                     chart_value(r, conv, CHART_PERCENT)));
                }
                html_lit(b, "<rect class=\"bar\" x=\"");
                coord(b, 4 + ((FUNNEL_W - 8) - w) / 2);
                html_lit(b, "\" y=\"");
                coord(b, top + 50);
                html_lit(b, "\" width=\"");
                coord(b, w);
                html_lit(b, "\" height=\"");
                html_int(b, FUNNEL_BAR);
                html_lit(b, "\" rx=\"3\"><title>");
                html_text(b, c->steps[i]);
                html_lit(b, ": ");
                html_text(b, l10n_number(r->arena, r->locale, n));
                html_lit(b, "</title></rect>\n</g>\n");
        }
        html_lit(b, "</svg>\n<details class=\"chart-numbers\"><summary>");
        html_text(b, _("Show the numbers"));
        html_lit(b, "</summary>\n<div class=\"table-scroll\"><table class=\"data\">\n<caption>");
        html_text(b, c->head.title);
        html_lit(b, "</caption>\n<thead><tr><th scope=\"col\">");
        html_text(b, _("Step"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Members"));
        html_lit(b, "</th><th scope=\"col\">");
        html_text(b, _("Of the step above"));
        html_lit(b, "</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < c->n; i++) {
                html_lit(b, "<tr><th scope=\"row\">");
                html_text(b, c->steps[i]);
                html_lit(b, "</th><td class=\"num\">");
                html_text(b, l10n_number(r->arena, r->locale, c->counts[i]));
                html_lit(b, "</td><td class=\"num\">");
                html_text(b, i > 0 ? chart_value(r, funnel_conversion(c, i), CHART_PERCENT) : "–");
                html_lit(b, "</td></tr>\n");
        }
        html_lit(b, "</tbody></table></div>\n</details>\n</figure>\n");
}

/* ------------------------------------------------------------------ heatmap */

enum { HEAT_CELL_W = 64, HEAT_CELL_H = 36, HEAT_HEAD = 28 };

void chart_heatmap(struct render *r, const struct chart_heatmap *c)
{
        bool any = false;
        for (int i = 0; i < c->nrows * c->ncols && !any; i++)
                any = !isnan(c->shares[i]);
        if (c->nrows <= 0 || c->ncols <= 0 || !any) {
                figure_empty(r, &c->head, "heatmap");
                return;
        }
        struct buf *b = r->out;
        figure_open(r, &c->head, "heatmap");
        /* The row labels' column is as wide as the longest label. */
        double label_w = 0;
        for (int i = 0; i < c->nrows; i++) {
                double w = text_width(c->rows[i], 15);
                if (w > label_w)
                        label_w = w;
        }
        label_w += 14;
        if (label_w > 260)
                label_w = 260;
        double width = label_w + c->ncols * HEAT_CELL_W + 4;
        double height = HEAT_HEAD + c->nrows * HEAT_CELL_H + 4;
        svg_open(r, &c->head, width, height);
        for (int k = 0; k < c->ncols; k++)
                text_at(r, label_w + HEAT_CELL_W * (k + 0.5), HEAT_HEAD - 9, "tick", "middle",
                        c->cols[k]);
        for (int i = 0; i < c->nrows; i++) {
                double y = HEAT_HEAD + i * HEAT_CELL_H;
                text_at(r, label_w - 8, y + HEAT_CELL_H / 2.0 + FONT * 0.35, "tick", "end",
                        c->rows[i]);
                for (int k = 0; k < c->ncols; k++) {
                        double v = c->shares[i * c->ncols + k];
                        if (isnan(v))
                                continue;
                        int shade = chart_shade(v);
                        double x = label_w + k * HEAT_CELL_W;
                        html_lit(b, "<g class=\"cell h");
                        html_int(b, shade);
                        html_lit(b, "\"><rect x=\"");
                        coord(b, x + 1);
                        html_lit(b, "\" y=\"");
                        coord(b, y + 1);
                        html_lit(b, "\" width=\"");
                        html_int(b, HEAT_CELL_W - 2);
                        html_lit(b, "\" height=\"");
                        html_int(b, HEAT_CELL_H - 2);
                        html_lit(b, "\"><title>");
                        /* TRANSLATORS: a heatmap cell's tooltip: 1 = the cohort, 2 = the column
                         * (an episode), 3 = the share. */
                        html_textf(r, _("%1$s, %2$s: %3$s"), c->rows[i], c->cols[k],
                                   chart_value(r, v, CHART_PERCENT));
                        html_lit(b, "</title></rect>\n");
                        text_at(r, x + HEAT_CELL_W / 2.0, y + HEAT_CELL_H / 2.0 + FONT * 0.35,
                                "cell-value", "middle", chart_value(r, v, CHART_PERCENT));
                        html_lit(b, "</g>\n");
                }
        }
        html_lit(b, "</svg>\n<details class=\"chart-numbers\"><summary>");
        html_text(b, _("Show the numbers"));
        html_lit(b, "</summary>\n<div class=\"table-scroll\"><table class=\"data\">\n<caption>");
        html_text(b, c->head.title);
        html_lit(b, "</caption>\n<thead><tr><th scope=\"col\">");
        html_text(b, c->row_heading);
        html_lit(b, "</th>");
        for (int k = 0; k < c->ncols; k++) {
                html_lit(b, "<th scope=\"col\">");
                html_text(b, c->cols[k]);
                html_lit(b, "</th>");
        }
        html_lit(b, "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < c->nrows; i++) {
                html_lit(b, "<tr><th scope=\"row\">");
                html_text(b, c->rows[i]);
                html_lit(b, "</th>");
                for (int k = 0; k < c->ncols; k++) {
                        double v = c->shares[i * c->ncols + k];
                        html_lit(b, "<td class=\"num\">");
                        html_text(b, chart_value(r, v, CHART_PERCENT));
                        if (c->counts && !isnan(v)) {
                                html_lit(b, " <span class=\"meta\">(");
                                html_text(b, l10n_number(r->arena, r->locale,
                                                         c->counts[i * c->ncols + k]));
                                html_lit(b, ")</span>");
                        }
                        html_lit(b, "</td>");
                }
                html_lit(b, "</tr>\n");
        }
        html_lit(b, "</tbody></table></div>\n</details>\n</figure>\n");
}
