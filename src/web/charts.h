/* Server-rendered SVG charts for the insights pages: a line chart, a funnel, a heatmap and a bar
 * chart, each a <figure> with its caption, an accessible inline <svg> and the same numbers as a
 * real <table> under "Show the numbers".
 *
 * The charts know nothing about insights: a caller hands them labels (already translated and
 * localised text) and numbers, and they lay them out. No JavaScript, no inline style: every
 * colour comes from a class styled in static/kindred.css (the CSP forbids style attributes).
 * Numbers in labels and tables are written with l10n_number() in r's language. The SVG scales to
 * its container (a viewBox and width 100%), so a chart never scrolls sideways on a phone.
 *
 * Values are doubles so one chart takes counts and shares alike; NAN means "no data" for that
 * point or cell (a gap in a line, an empty cell in a heatmap, "–" in the table). A chart with no
 * data at all shows its caption and "Not enough data yet." instead of an empty drawing. */
#ifndef KD_WEB_CHARTS_H
#define KD_WEB_CHARTS_H

#include <stdint.h>

struct render;

/* How a chart writes its values. */
enum chart_unit {
        CHART_COUNT,   /* whole numbers: "1,234" */
        CHART_PERCENT, /* shares from 0 to 1, written as percentages: "54%", "66.7%" */
        CHART_DECIMAL, /* numbers with one decimal: "2.5" */
};

/* The parts every chart shares. id is a short ASCII name, unique on the page (it prefixes the
 * SVG's element ids); title is the caption (translated text); desc (may be NULL) says in a
 * sentence what the chart shows, for screen readers and under the caption. */
struct chart_head {
        const char *id;
        const char *title;
        const char *desc;
};

/* One line or one set of bars: its name (legend and table heading) and n values. */
struct chart_series {
        const char *name;
        const double *values;
};

/* Several series over labelled points (weeks, episodes). labels has n entries; x_heading names
 * the label column of the table ("Week"); every series has n values. */
struct chart_lines {
        struct chart_head head;
        const char *x_heading;
        const char *const *labels;
        int n;
        const struct chart_series *series;
        int nseries;
        enum chart_unit unit;
};

/* The participation ladder: n steps from the widest (readers) down, each with its count;
 * conversions[i] (i >= 1) is the share of step i-1 that reached step i, or NULL to compute it
 * from the counts (NAN when the step above is 0). */
struct chart_funnel {
        struct chart_head head;
        const char *const *steps;
        const int64_t *counts;
        const double *conversions;
        int n;
};

/* Cohort retention: rows (cohorts) by columns (episodes), shares[row * ncols + col] from 0 to 1
 * (NAN: no cell, e.g. an episode before the cohort's first). counts (may be NULL) gives the
 * people behind each cell, shown in the table. row_heading names the cohort column. */
struct chart_heatmap {
        struct chart_head head;
        const char *row_heading;
        const char *const *rows;
        int nrows;
        const char *const *cols;
        int ncols;
        const double *shares;
        const int64_t *counts;
};

/* Writes a line chart: y axis from 0 (or the lowest negative value) with round ticks (a percent
 * chart always spans 0 to 100%), the x labels thinned to fit, each point a circle whose <title>
 * is its label and value. One series' legend is its caption; several get a legend. */
void chart_lines(struct render *r, const struct chart_lines *c);
/* The same data as grouped vertical bars (per episode counts, for instance). */
void chart_bars(struct render *r, const struct chart_lines *c);
/* Writes a funnel: one bar per step, as wide as its share of the widest step, its label and
 * count beside it, and the conversion between steps. */
void chart_funnel(struct render *r, const struct chart_funnel *c);
/* Writes a heatmap: a cell per cohort and episode shaded by its share (six steps of one hue),
 * with the share printed in the cell in a colour that keeps contrast on its shade. */
void chart_heatmap(struct render *r, const struct chart_heatmap *c);

/* A value as the charts write it (in r's arena): "1,234", "54%", "66.7%", "2.5"; "–" for
 * NAN. Exposed so a page's sentences and the tables agree to the digit. */
const char *chart_value(struct render *r, double v, enum chart_unit unit);

/* The step (0..5) of the six-step shade a heatmap gives a share: 0 below 10%, then one step per
 * fifth up to 5 at 90% and over. */
int chart_shade(double share);

#endif
