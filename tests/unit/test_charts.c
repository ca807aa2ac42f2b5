/* Unit tests for the SVG charts (web/charts.c): well-formed output, escaping, the empty state,
 * one point, all zeros, huge values, every coordinate inside the viewBox, localised numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/i18n.h"
#include "web/charts.h"
#include "web/render.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
        struct arena *arena;
        struct buf out;
        struct config config;
        struct render r;
};

static int setup(void **state)
{
        struct fixture *f = test_calloc(1, sizeof(*f));
        f->arena = arena_new();
        f->config.site_name = "Kindred";
        f->config.listen = "127.0.0.1:8080";
        render_init(&f->r, f->arena, &f->out, NULL, NULL, 1780000000, NULL, &f->config);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        buf_free(&f->out);
        arena_free(f->arena);
        test_free(f);
        return 0;
}

static const char *out(struct fixture *f)
{
        buf_putc(&f->out, '\0');
        f->out.len--;
        return f->out.data ? f->out.data : "";
}

static void assert_has(const char *haystack, const char *needle)
{
        if (!strstr(haystack, needle))
                fail_msg("missing \"%s\" in:\n%s", needle, haystack);
}

static void assert_lacks(const char *haystack, const char *needle)
{
        if (strstr(haystack, needle))
                fail_msg("unexpected \"%s\" in:\n%s", needle, haystack);
}

static int count_of(const char *haystack, const char *needle)
{
        int n = 0;
        for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
                n++;
        return n;
}

/* Checks that the markup is well formed in the XML sense the charts promise: every element is
 * closed in order (or self-closed), attribute values are quoted, and no raw '<' or a bare '&'
 * appears in text or attributes. */
static void assert_well_formed(const char *s)
{
        const char *stack[64];
        size_t stack_len[64];
        int depth = 0;
        for (const char *p = s; *p;) {
                if (*p == '&') {
                        const char *semi = strchr(p, ';');
                        if (!semi || semi - p > 8)
                                fail_msg("bare & at: %.40s", p);
                        for (const char *q = p + 1; q < semi; q++)
                                if (!isalnum((unsigned char)*q) && *q != '#')
                                        fail_msg("bad entity at: %.40s", p);
                        p = semi + 1;
                        continue;
                }
                if (*p == '>')
                        fail_msg("stray > at: %.40s", p);
                if (*p != '<') {
                        p++;
                        continue;
                }
                bool closing = p[1] == '/';
                const char *name = p + (closing ? 2 : 1);
                size_t len = 0;
                while (isalnum((unsigned char)name[len]))
                        len++;
                assert_true(len > 0);
                const char *q = name + len;
                bool in_quote = false;
                while (*q && (in_quote || *q != '>')) {
                        if (*q == '"')
                                in_quote = !in_quote;
                        else if (*q == '<')
                                fail_msg("< inside a tag at: %.40s", p);
                        q++;
                }
                assert_int_equal(*q, '>');
                bool self_closed = q[-1] == '/';
                if (closing) {
                        assert_true(depth > 0);
                        depth--;
                        if (stack_len[depth] != len || strncmp(stack[depth], name, len) != 0)
                                fail_msg("</%.*s> closes <%.*s>", (int)len, name,
                                         (int)stack_len[depth], stack[depth]);
                } else if (!self_closed) {
                        assert_true(depth < 64);
                        stack[depth] = name;
                        stack_len[depth] = len;
                        depth++;
                }
                p = q + 1;
        }
        assert_int_equal(depth, 0);
}

/* The number after attr=" at p (p points at the attribute's name). */
static double attr_number(const char *p)
{
        const char *v = strchr(p, '"');
        assert_non_null(v);
        return strtod(v + 1, NULL);
}

/* Every x, y, cx, cy, x1, x2, y1, y2, every point of a polyline, and every rect's far corner
 * lies within each svg's viewBox. Returns how many coordinates were checked. */
static int assert_within_viewbox(const char *s)
{
        int checked = 0;
        for (const char *svg = strstr(s, "<svg"); svg; svg = strstr(svg + 1, "<svg")) {
                const char *vb = strstr(svg, "viewBox=\"");
                assert_non_null(vb);
                double x0, y0, w, h;
                assert_int_equal(sscanf(vb, "viewBox=\"%lf %lf %lf %lf\"", &x0, &y0, &w, &h), 4);
                assert_true(w > 0 && h > 0);
                const char *end = strstr(svg, "</svg>");
                assert_non_null(end);
                for (const char *p = svg; p < end; p++) {
                        if (p[-1] != ' ')
                                continue;
                        double limit = 0;
                        if (!strncmp(p, "x=\"", 3) || !strncmp(p, "cx=\"", 4) ||
                            !strncmp(p, "x1=\"", 4) || !strncmp(p, "x2=\"", 4))
                                limit = w;
                        else if (!strncmp(p, "y=\"", 3) || !strncmp(p, "cy=\"", 4) ||
                                 !strncmp(p, "y1=\"", 4) || !strncmp(p, "y2=\"", 4))
                                limit = h;
                        else if (!strncmp(p, "points=\"", 8)) {
                                const char *q = p + 8;
                                while (*q != '"') {
                                        char *after;
                                        double x = strtod(q, &after);
                                        assert_int_equal(*after, ',');
                                        double y = strtod(after + 1, &after);
                                        assert_true(x >= 0 && x <= w);
                                        assert_true(y >= 0 && y <= h);
                                        checked += 2;
                                        q = after;
                                        while (*q == ' ')
                                                q++;
                                }
                                continue;
                        } else if (!strncmp(p, "width=\"", 7) && p - svg > 200) {
                                /* a rect: x + width inside */
                                const char *x = strstr(p - 40 > svg ? p - 40 : svg, " x=\"");
                                assert_true(attr_number(p) >= 0);
                                if (x && x < p)
                                        assert_true(attr_number(x + 1) + attr_number(p) <=
                                                    w + 0.05);
                                continue;
                        } else if (!strncmp(p, "height=\"", 8) && p - svg > 200) {
                                assert_true(attr_number(p) >= 0);
                                continue;
                        } else {
                                continue;
                        }
                        double v = attr_number(p);
                        if (!(v >= 0 && v <= limit))
                                fail_msg("coordinate %g outside 0..%g at: %.60s", v, limit, p);
                        checked++;
                }
        }
        return checked;
}

static const char *weeks[] = {"2 Nov", "9 Nov", "16 Nov", "23 Nov", "30 Nov"};

static void lines_structure(void **state)
{
        struct fixture *f = *state;
        double returning[] = {0.5, 0.6, NAN, 0.75, 2.0 / 3.0};
        double readers[] = {4, 5, 6, 8, 9};
        struct chart_series s[] = {{"Returning", returning}};
        struct chart_lines c = {{"ret", "Returning readers", "Share of readers who came back."},
                                "Week",
                                weeks,
                                5,
                                s,
                                1,
                                CHART_PERCENT};
        chart_lines(&f->r, &c);
        const char *o = out(f);
        assert_well_formed(o);
        assert_has(o, "<figure class=\"chart chart-lines\" id=\"chart-ret\">");
        assert_has(o, "<figcaption><span class=\"chart-title\">Returning readers</span>");
        assert_has(o, "role=\"img\" aria-labelledby=\"ret-t\" aria-describedby=\"ret-d\"");
        assert_has(o, "<title id=\"ret-t\">Returning readers</title>");
        assert_has(o, "<desc id=\"ret-d\">Share of readers who came back.</desc>");
        assert_has(o, "viewBox=\"0 0 560.0 270.0\" width=\"560\" height=\"270\"");
        /* a percent axis spans 0 to 100% in quarters */
        assert_has(o, ">0%</text>");
        assert_has(o, ">100%</text>");
        assert_has(o, ">25%</text>");
        /* the missing week splits the line in two and has no point */
        assert_int_equal(count_of(o, "<polyline"), 2);
        assert_int_equal(count_of(o, "<circle"), 4);
        assert_has(o, "<title>23 Nov: Returning 75%</title>");
        /* the table under "Show the numbers" */
        assert_has(o, "<summary>Show the numbers</summary>");
        assert_has(o, "<th scope=\"row\">16 Nov</th><td class=\"num\">–</td>");
        assert_has(o, "<th scope=\"row\">30 Nov</th><td class=\"num\">66.7%</td>");
        assert_lacks(o, "style=");
        assert_lacks(o, "chart-legend"); /* one series: the caption names it */
        assert_true(assert_within_viewbox(o) > 20);

        buf_reset(&f->out);
        struct chart_series two[] = {{"Readers", readers}, {"Returning", readers}};
        struct chart_lines c2 = {{"two", "Readers", NULL}, "Week", weeks, 5, two, 2, CHART_COUNT};
        chart_lines(&f->r, &c2);
        o = out(f);
        assert_well_formed(o);
        assert_has(o, "<ul class=\"chart-legend\">");
        assert_has(o, "class=\"series s1\"");
        assert_lacks(o, "aria-describedby");
        assert_has(o, ">10</text>"); /* 0..10 in steps of 2 */
        assert_within_viewbox(o);
}

static void escaping(void **state)
{
        struct fixture *f = *state;
        const char *labels[] = {"<b>&\"'</b>"};
        double v[] = {3};
        struct chart_series s[] = {{"S<&>", v}};
        struct chart_lines c = {
            {"x\"y", "T<i>&'\"", "D</desc><script>"}, "W&", labels, 1, s, 1, CHART_COUNT};
        chart_lines(&f->r, &c);
        chart_bars(&f->r, &c);
        const char *rows[] = {"<row>"};
        const char *cols[] = {"&col"};
        double shares[] = {0.5};
        struct chart_heatmap h = {{"h", "<h>", NULL}, "<rh>", rows, 1, cols, 1, shares, NULL};
        chart_heatmap(&f->r, &h);
        const char *steps[] = {"<r>", "'x'"};
        int64_t counts[] = {2, 1};
        struct chart_funnel fu = {{"f", "F&", NULL}, steps, counts, NULL, 2};
        chart_funnel(&f->r, &fu);
        const char *o = out(f);
        assert_well_formed(o);
        assert_lacks(o, "<b>");
        assert_lacks(o, "<script>");
        assert_lacks(o, "<row>");
        assert_lacks(o, "<i>");
        assert_has(o, "&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;");
        assert_has(o, "id=\"chart-x&quot;y\"");
        assert_has(o, "S&lt;&amp;&gt;");
}

static void empty_state(void **state)
{
        struct fixture *f = *state;
        struct chart_lines none = {
            {"e", "Returning readers", NULL}, "Week", NULL, 0, NULL, 0, CHART_PERCENT};
        chart_lines(&f->r, &none);
        double gaps[] = {NAN, NAN};
        struct chart_series s[] = {{"S", gaps}};
        struct chart_lines unknown = {{"u", "Unknown", NULL}, "Week", weeks, 2, s, 1, CHART_COUNT};
        chart_bars(&f->r, &unknown);
        int64_t zeros[] = {0, 0, 0, 0};
        const char *steps[] = {"a", "b", "c", "d"};
        struct chart_funnel fu = {{"f", "Ladder", NULL}, steps, zeros, NULL, 4};
        chart_funnel(&f->r, &fu);
        double nan_cells[] = {NAN};
        const char *one[] = {"x"};
        struct chart_heatmap h = {
            {"h", "Retention", NULL}, "Cohort", one, 1, one, 1, nan_cells, NULL};
        chart_heatmap(&f->r, &h);
        const char *o = out(f);
        assert_well_formed(o);
        assert_int_equal(count_of(o, "<p class=\"chart-empty\">Not enough data yet.</p>"), 4);
        assert_int_equal(count_of(o, "<figcaption>"), 4);
        assert_lacks(o, "<svg");
        assert_lacks(o, "<table");
}

static void one_point_and_zeros(void **state)
{
        struct fixture *f = *state;
        double one[] = {7};
        struct chart_series s[] = {{"Readers", one}};
        struct chart_lines c = {{"one", "One", NULL}, "Week", weeks, 1, s, 1, CHART_COUNT};
        chart_lines(&f->r, &c);
        const char *o = out(f);
        assert_well_formed(o);
        assert_int_equal(count_of(o, "<circle"), 1);
        assert_has(o, "cx=\"");
        assert_within_viewbox(o);

        buf_reset(&f->out);
        double zeros[] = {0, 0, 0, 0, 0};
        struct chart_series z[] = {{"Zero", zeros}};
        struct chart_lines cz = {{"z", "Zeros", NULL}, "Week", weeks, 5, z, 1, CHART_COUNT};
        chart_lines(&f->r, &cz);
        chart_bars(&f->r, &cz);
        o = out(f);
        assert_well_formed(o);
        assert_has(o, "<svg"); /* zero is data: drawn, not "not enough data" */
        assert_lacks(o, "nan");
        assert_lacks(o, "inf");
        assert_has(o, ">1</text>"); /* the axis still has a range */
        assert_within_viewbox(o);
}

static void huge_and_negative(void **state)
{
        struct fixture *f = *state;
        double huge[] = {1e18, 5e14, 3, -2e17, INFINITY};
        struct chart_series s[] = {{"Huge", huge}};
        struct chart_lines c = {{"big", "Big", NULL}, "Week", weeks, 5, s, 1, CHART_COUNT};
        chart_lines(&f->r, &c);
        chart_bars(&f->r, &c);
        const char *o = out(f);
        assert_well_formed(o);
        assert_lacks(o, "nan");
        assert_lacks(o, "inf");
        assert_has(o, "1,000,000,000,000,000");
        assert_has(o, "-1,000,000,000,000,000");
        assert_true(assert_within_viewbox(o) > 20);
}

static void funnel(void **state)
{
        struct fixture *f = *state;
        const char *steps[] = {"Readers", "Reactors", "Commenters", "Builders"};
        int64_t counts[] = {12, 6, 3, 1};
        struct chart_funnel c = {{"ladder", "Participation ladder", "From reading to building."},
                                 steps,
                                 counts,
                                 NULL,
                                 4};
        chart_funnel(&f->r, &c);
        const char *o = out(f);
        assert_well_formed(o);
        assert_int_equal(count_of(o, "<rect"), 4);
        assert_has(o, ">Reactors: 6</text>");
        assert_has(o, ">50% of the step above</text>");
        assert_has(o, ">33.3% of the step above</text>");
        assert_has(o, "<th scope=\"row\">Builders</th><td class=\"num\">1</td><td "
                      "class=\"num\">33.3%</td>");
        assert_has(o, "<th scope=\"row\">Readers</th><td class=\"num\">12</td><td "
                      "class=\"num\">–</td>");
        assert_within_viewbox(o);

        /* given conversions win; a zero step above has none */
        buf_reset(&f->out);
        int64_t gap[] = {5, 0, 0, 0};
        double conv[] = {NAN, 0.25, NAN, NAN};
        struct chart_funnel g = {{"g", "G", NULL}, steps, gap, conv, 4};
        chart_funnel(&f->r, &g);
        o = out(f);
        assert_has(o, "<td class=\"num\">25%</td>");
        assert_int_equal(count_of(o, "of the step above</text>"), 1);
        g.conversions = NULL;
        buf_reset(&f->out);
        chart_funnel(&f->r, &g);
        o = out(f);
        assert_int_equal(count_of(o, "of the step above</text>"), 1); /* 0 of 5 = 0% */
        assert_has(o, ">0% of the step above</text>");
        assert_within_viewbox(o);
}

static void heatmap(void **state)
{
        struct fixture *f = *state;
        const char *rows[] = {"Started at episode 1", "Started at episode 2"};
        const char *cols[] = {"Ep. 1", "Ep. 2", "Ep. 3"};
        double shares[] = {1.0, 0.6, 0.05, NAN, 1.0, 0.5};
        int64_t counts[] = {10, 6, 0, 0, 4, 2};
        struct chart_heatmap h = {
            {"ret", "Season retention", NULL}, "Cohort", rows, 2, cols, 3, shares, counts};
        chart_heatmap(&f->r, &h);
        const char *o = out(f);
        assert_well_formed(o);
        assert_int_equal(count_of(o, "<rect"), 5); /* the NAN cell is not drawn */
        assert_has(o, "<g class=\"cell h5\">");
        assert_has(o, "<g class=\"cell h3\">");
        assert_has(o, "<g class=\"cell h0\">");
        assert_has(o, "class=\"cell-value\" text-anchor=\"middle\">60%</text>");
        assert_has(o, "<title>Started at episode 1, Ep. 2: 60%</title>");
        assert_has(o, "<td class=\"num\">60% <span class=\"meta\">(6)</span></td>");
        assert_has(o, "<th scope=\"row\">Started at episode 2</th><td class=\"num\">–</td>");
        assert_within_viewbox(o);
}

static void values_and_shades(void **state)
{
        struct fixture *f = *state;
        assert_string_equal(chart_value(&f->r, 2.0 / 3.0, CHART_PERCENT), "66.7%");
        assert_string_equal(chart_value(&f->r, 0.5, CHART_PERCENT), "50%");
        assert_string_equal(chart_value(&f->r, 0, CHART_PERCENT), "0%");
        assert_string_equal(chart_value(&f->r, 12.5, CHART_PERCENT), "1,250%");
        assert_string_equal(chart_value(&f->r, 1234567, CHART_COUNT), "1,234,567");
        assert_string_equal(chart_value(&f->r, -2.25, CHART_DECIMAL), "-2.3");
        assert_string_equal(chart_value(&f->r, -0.04, CHART_DECIMAL), "0");
        assert_string_equal(chart_value(&f->r, 2.5, CHART_DECIMAL), "2.5");
        assert_string_equal(chart_value(&f->r, NAN, CHART_COUNT), "–");
        assert_int_equal(chart_shade(0), 0);
        assert_int_equal(chart_shade(0.0999), 0);
        assert_int_equal(chart_shade(0.1), 1);
        assert_int_equal(chart_shade(0.3), 2);
        assert_int_equal(chart_shade(0.5), 3);
        assert_int_equal(chart_shade(0.7), 4);
        assert_int_equal(chart_shade(0.9), 5);
        assert_int_equal(chart_shade(1), 5);
        assert_int_equal(chart_shade(NAN), 0);
}

static void chinese(void **state)
{
        struct fixture *f = *state;
        const struct locale *zh = i18n_find("zh-CN");
        assert_non_null(zh);
        f->r.locale = zh;
        struct chart_lines none = {{"e", "回访读者", NULL}, "周", NULL, 0, NULL, 0, CHART_PERCENT};
        chart_lines(&f->r, &none);
        const char *steps[] = {"读者", "回应者"};
        int64_t counts[] = {1234, 617};
        struct chart_funnel c = {{"l", "参与阶梯", NULL}, steps, counts, NULL, 2};
        chart_funnel(&f->r, &c);
        const char *o = out(f);
        assert_well_formed(o);
        assert_lacks(o, "Not enough data yet.");
        assert_lacks(o, "Show the numbers");
        assert_lacks(o, "of the step above");
        assert_has(o, "1,234");
        assert_has(o, "50%");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(lines_structure, setup, teardown),
            cmocka_unit_test_setup_teardown(escaping, setup, teardown),
            cmocka_unit_test_setup_teardown(empty_state, setup, teardown),
            cmocka_unit_test_setup_teardown(one_point_and_zeros, setup, teardown),
            cmocka_unit_test_setup_teardown(huge_and_negative, setup, teardown),
            cmocka_unit_test_setup_teardown(funnel, setup, teardown),
            cmocka_unit_test_setup_teardown(heatmap, setup, teardown),
            cmocka_unit_test_setup_teardown(values_and_shades, setup, teardown),
            cmocka_unit_test_setup_teardown(chinese, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
