/* svgchart.h - small inline SVG charts for the freshness report (prefix svgchart_).
 *
 * The charts are plain SVG markup meant to be pasted into an HTML page
 * (`{{{report.trend_svg}}}`): no script, no external resources, so they work
 * offline, from disk and on paper. Colours are presentation attributes
 * (overridable from CSS through the class names below); text uses
 * currentColor. Output is deterministic: coordinates are printed with one
 * decimal in the C locale, and every label is HTML/XML-escaped.
 *
 * Both charts carry role="img", a <title> and a <desc> that states every value
 * in words (screen readers, text browsers), and `data-chart` ("trend",
 * "bars") so tests and scripts can find them. Each data mark has a <title>
 * (the tooltip) and `data-label` / `data-value` attributes.
 *
 * CSS classes: svg.chart (+ chart-trend | chart-bars), .chart-grid,
 * .chart-axis, .chart-target, .chart-line, .chart-point, .chart-bar,
 * .chart-value, .chart-label; marks below the target also get .below, at or
 * above it .meets. */
#ifndef ALMANAC_SVGCHART_H
#define ALMANAC_SVGCHART_H

#include <stddef.h>

#include "buf.h"

/* One point of the trend line. */
typedef struct {
	const char *date;     /* "YYYY-MM-DD" (borrowed) */
	double percent;       /* 0..100 */
	size_t documents;     /* pages counted; 0 = no data, the point is left out (a gap in the line) */
	size_t unknown;       /* of those, pages whose state could not be told */
} svgchart_point_t;

/* One bar. */
typedef struct {
	const char *label;    /* borrowed */
	double percent;       /* 0..100 */
	size_t documents;
} svgchart_bar_t;

/* Format `v` with one decimal exactly as json_fixed1 does (half away from
 * zero: 6.25 -> "6.3"), so charts, text and JSON always agree; except that a
 * percentage is never rounded up onto a whole number it does not reach: 2261
 * alerts covered of 2262 (99.96%) is "99.9", not "100.0" beside one alert
 * without a runbook, and 79.96% fresh is "79.9", not "80.0" beside "below the
 * target of 80%". */
void svgchart_fixed1(char *dst, size_t n, double v);

/* Append a line chart of `n` points (oldest first) with a dashed line at
 * `target` percent. `id` (letters, digits, '-') prefixes the element ids so
 * several charts can share a page; `title` is the accessible name. With n == 0
 * the chart says "No data". */
void svgchart_trend(buf_t *out, const svgchart_point_t *pts, size_t n, double target, const char *id,
		    const char *title);

/* Append a horizontal bar chart, one bar per item in the order given, each
 * labelled with its name, percent and page count, with a dashed line at
 * `target` percent. Long labels are shortened with "..." (the <title> keeps
 * the whole name). With n == 0 the chart says "No data". */
void svgchart_bars(buf_t *out, const svgchart_bar_t *bars, size_t n, double target, const char *id,
		   const char *title);

/* Append a sparkline (96x24, no axes) of `n` points (oldest first), a dashed
 * line at `target` percent and a dot on the last point with data: a table row's
 * trend ("By source"). `id` prefixes its element ids, `title` is its accessible
 * name; the <desc> states every point as svgchart_trend's does. Class
 * chart-spark, data-chart "spark". With no point of data it says "No data". */
void svgchart_spark(buf_t *out, const svgchart_point_t *pts, size_t n, double target, const char *id,
		    const char *title);

#endif
