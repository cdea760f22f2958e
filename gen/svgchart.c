/* svgchart.c - inline SVG charts. See svgchart.h. */
#include "svgchart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define COL_LINE "#2563eb"
#define COL_MEETS "#15803d"
#define COL_BELOW "#b91c1c"
#define COL_TARGET "#9a6700"

void svgchart_fixed1(char *dst, size_t n, double v)
{
	if (!isfinite(v))
		v = 0;
	long long t = (long long)llround(v * 10.0);
	/* never rounded up onto a whole percent it does not reach (json_fixed1 does the same) */
	if (t > 0 && t % 10 == 0 && (double)t > v * 10.0)
		t--;
	snprintf(dst, n, "%s%lld.%lld", t < 0 ? "-" : "", (t < 0 ? -t : t) / 10, (t < 0 ? -t : t) % 10);
}

/* Append a percentage with one decimal (svgchart_fixed1). */
static void put_pct(buf_t *out, double v)
{
	char tmp[32];
	svgchart_fixed1(tmp, sizeof tmp, v);
	buf_puts(out, tmp);
}

static double clamp_pct(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

static void put_text(buf_t *out, const char *s)
{
	buf_put_html(out, s ? s : "", s ? strlen(s) : 0);
}

/* Number of UTF-8 code points in s. */
static size_t u8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Append s escaped, cut to at most `max` code points (the last being "..." when cut). */
static void put_text_cut(buf_t *out, const char *s, size_t max)
{
	if (u8_len(s) <= max) {
		put_text(out, s);
		return;
	}
	size_t keep = max > 3 ? max - 3 : 0, n = 0;
	const char *p = s;
	while (*p) {
		if (((unsigned char)*p & 0xC0) != 0x80) {
			if (n == keep)
				break;
			n++;
		}
		p++;
	}
	buf_put_html(out, s, (size_t)(p - s));
	buf_puts(out, "...");
}

static void open_svg(buf_t *out, const char *kind, const char *id, const char *title, int w, int h)
{
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-%s\" data-chart=\"%s\" id=\"%s\" "
		   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" style=\"max-width:100%%;height:auto\" "
		   "role=\"img\" aria-labelledby=\"%s-title %s-desc\" font-family=\"system-ui, sans-serif\" "
		   "font-size=\"12\">",
		   kind, kind, id, w, h, w, h, id, id);
	buf_printf(out, "<title id=\"%s-title\">", id);
	put_text(out, title);
	buf_puts(out, "</title>");
}

static void no_data(buf_t *out, int w, int h)
{
	buf_printf(out,
		   "<text class=\"chart-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"currentColor\">No "
		   "data</text></svg>",
		   w / 2, h / 2);
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---- trend ---- */

enum { TW = 640, TH = 240, TL = 44, TR = 20, TT = 20, TB = 40 };

static double ty(double pct)
{
	return TT + (100.0 - clamp_pct(pct)) * (double)(TH - TT - TB) / 100.0;
}

/* A chart's text description (<desc>), shared by the trend and the bars: desc_open, then per entry
 * desc_label and what it says, then desc_close. */
static void desc_open(buf_t *out, const char *id, size_t n)
{
	buf_printf(out, "<desc id=\"%s-desc\">", id);
	if (!n)
		buf_puts(out, "No data.");
}

/* Entry `i`'s label, after the "; " that separates it from the previous one. */
static void desc_label(buf_t *out, size_t i, const char *label)
{
	if (i)
		buf_puts(out, "; ");
	put_text(out, label);
}

/* ": P% fresh of N pages" after an entry's label. */
static void desc_fresh(buf_t *out, double percent, size_t documents)
{
	buf_puts(out, ": ");
	put_pct(out, clamp_pct(percent));
	buf_printf(out, "%% fresh of %zu page%s", documents, documents == 1 ? "" : "s");
}

static void desc_close(buf_t *out, double target)
{
	buf_printf(out, ". Target %g%%.</desc>", clamp_pct(target));
}

enum { TINSET = 16 }; /* the first and last points keep clear of the axes */

static double tx(size_t i, size_t n)
{
	if (n <= 1)
		return (TL + TW - TR) / 2.0;
	return TL + TINSET + (double)i * (double)(TW - TL - TR - 2 * TINSET) / (double)(n - 1);
}

/* The line through the points that have pages, at x(i, n), y(percent), one polyline per run of them:
 * broken where a month had no page (the trend and the sparkline). */
static void put_line(buf_t *out, const svgchart_point_t *pts, size_t n, const char *width,
		     double (*x)(size_t, size_t), double (*y)(double))
{
	int open = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pts[i].documents) {
			if (open)
				buf_puts(out, "\"/>");
			open = 0;
			continue;
		}
		if (!open)
			buf_printf(out, "<polyline class=\"chart-line\" fill=\"none\" stroke=\"" COL_LINE
					"\" stroke-width=\"%s\" points=\"", width);
		else
			buf_putc(out, ' ');
		buf_printf(out, "%.1f,%.1f", x(i, n), y(pts[i].percent));
		open = 1;
	}
	if (open)
		buf_puts(out, "\"/>");
}

void svgchart_trend(buf_t *out, const svgchart_point_t *pts, size_t n, double target, const char *id,
		    const char *title)
{
	open_svg(out, "trend", id, title, TW, TH);
	desc_open(out, id, n);
	for (size_t i = 0; i < n; i++) {
		desc_label(out, i, pts[i].date);
		if (pts[i].documents)
			desc_fresh(out, pts[i].percent, pts[i].documents);
		else
			buf_puts(out, ": no pages");
	}
	desc_close(out, target);
	if (!n) {
		no_data(out, TW, TH);
		return;
	}
	/* grid and y axis labels */
	buf_puts(out, "<g class=\"chart-grid\" stroke=\"currentColor\" stroke-opacity=\"0.15\">");
	for (int g = 0; g <= 100; g += 25)
		buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", TL, ty(g), TW - TR, ty(g));
	buf_puts(out, "</g><g class=\"chart-axis\" fill=\"currentColor\" text-anchor=\"end\">");
	for (int g = 0; g <= 100; g += 25)
		buf_printf(out, "<text x=\"%d\" y=\"%.1f\">%d%%</text>", TL - 6, ty(g) + 4, g);
	buf_puts(out, "</g>");
	/* x axis: month names, the year under the first month and under each January */
	buf_puts(out, "<g class=\"chart-axis\" fill=\"currentColor\" text-anchor=\"middle\">");
	for (size_t i = 0; i < n; i++) {
		const char *d = pts[i].date ? pts[i].date : "";
		int mo = strlen(d) >= 7 ? (d[5] - '0') * 10 + (d[6] - '0') : 0;
		if (mo < 1 || mo > 12)
			continue;
		buf_printf(out, "<text x=\"%.1f\" y=\"%d\">%s</text>", tx(i, n), TH - TB + 16, months[mo - 1]);
		if (i == 0 || mo == 1)
			buf_printf(out, "<text x=\"%.1f\" y=\"%d\">%.4s</text>", tx(i, n), TH - TB + 30, d);
	}
	buf_puts(out, "</g>");
	/* target */
	buf_printf(out,
		   "<g class=\"chart-target\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"" COL_TARGET
		   "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
		   "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"" COL_TARGET "\">target %g%%</text></g>",
		   TL, ty(target), TW - TR, ty(target), TW - TR, ty(target) - 5, clamp_pct(target));
	/* the line, broken where a point has no data */
	put_line(out, pts, n, "2", tx, ty);
	/* points with their values */
	for (size_t i = 0; i < n; i++) {
		if (!pts[i].documents)
			continue;
		double v = clamp_pct(pts[i].percent);
		int meets = v >= target;
		char pv[32];
		svgchart_fixed1(pv, sizeof pv, v);
		buf_printf(out, "<g class=\"chart-point %s\" data-label=\"", meets ? "meets" : "below");
		put_text(out, pts[i].date);
		buf_printf(out, "\" data-value=\"%s\"><title>", pv);
		put_text(out, pts[i].date);
		buf_printf(out, ": %s%% fresh (%zu page%s", pv, pts[i].documents, pts[i].documents == 1 ? "" : "s");
		if (pts[i].unknown)
			buf_printf(out, ", %zu unknown", pts[i].unknown);
		buf_printf(out, ")</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", tx(i, n), ty(v),
			   meets ? COL_MEETS : COL_BELOW);
		buf_printf(out,
			   "<text class=\"chart-value\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
			   "fill=\"currentColor\">%s</text></g>",
			   tx(i, n), ty(v) - 8, pv);
	}
	buf_puts(out, "</svg>");
}

/* ---- bars ---- */

enum { BW = 640, BROW = 26, BBAR = 16, BT = 28, BB = 24, BMAXLABEL = 28, BVALUE = 110 };

void svgchart_bars(buf_t *out, const svgchart_bar_t *bars, size_t n, double target, const char *id,
		   const char *title)
{
	int h = BT + (int)n * BROW + BB;
	if (!n)
		h = 80;
	open_svg(out, "bars", id, title, BW, h);
	desc_open(out, id, n);
	for (size_t i = 0; i < n; i++) {
		desc_label(out, i, bars[i].label);
		desc_fresh(out, bars[i].percent, bars[i].documents);
	}
	desc_close(out, target);
	if (!n) {
		no_data(out, BW, h);
		return;
	}
	/* label column as wide as the longest (shortened) label, about 7 px a character */
	size_t longest = 1;
	for (size_t i = 0; i < n; i++) {
		size_t l = u8_len(bars[i].label ? bars[i].label : "");
		if (l > longest)
			longest = l;
	}
	if (longest > BMAXLABEL)
		longest = BMAXLABEL;
	int x0 = 8 + (int)longest * 7 + 8, x1 = BW - BVALUE;
	double span = (double)(x1 - x0);
#define BX(p) (x0 + clamp_pct(p) * span / 100.0)
	int y1 = BT + (int)n * BROW;
	buf_puts(out, "<g class=\"chart-grid\" stroke=\"currentColor\" stroke-opacity=\"0.15\">");
	for (int g = 0; g <= 100; g += 25)
		buf_printf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", BX(g), BT - 4, BX(g), y1);
	buf_puts(out, "</g><g class=\"chart-axis\" fill=\"currentColor\" text-anchor=\"middle\">");
	for (int g = 0; g <= 100; g += 50)
		buf_printf(out, "<text x=\"%.1f\" y=\"%d\">%d%%</text>", BX(g), y1 + 16, g);
	buf_puts(out, "</g>");
	for (size_t i = 0; i < n; i++) {
		double v = clamp_pct(bars[i].percent);
		int meets = v >= target;
		int y = BT + (int)i * BROW;
		char pv[32];
		svgchart_fixed1(pv, sizeof pv, v);
		const char *label = bars[i].label ? bars[i].label : "";
		buf_printf(out, "<g class=\"chart-bar %s\" data-label=\"", meets ? "meets" : "below");
		put_text(out, label);
		buf_printf(out, "\" data-value=\"%s\"><title>", pv);
		put_text(out, label);
		buf_printf(out, ": %s%% fresh (%zu page%s)</title>", pv, bars[i].documents,
			   bars[i].documents == 1 ? "" : "s");
		buf_printf(out, "<text class=\"chart-label\" x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"currentColor\">",
			   x0 - 8, y + BBAR - 3);
		put_text_cut(out, label, BMAXLABEL);
		buf_puts(out, "</text>");
		buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x0, y,
			   BX(v) - x0, BBAR, meets ? COL_MEETS : COL_BELOW);
		buf_printf(out,
			   "<text class=\"chart-value\" x=\"%d\" y=\"%d\" fill=\"currentColor\">%s%% (%zu)</text></g>",
			   x1 + 6, y + BBAR - 3, pv, bars[i].documents);
	}
	buf_printf(out,
		   "<g class=\"chart-target\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"" COL_TARGET
		   "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
		   "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"" COL_TARGET "\">target %g%%</text></g>",
		   BX(target), BT - 8, BX(target), y1, BX(target), BT - 12, clamp_pct(target));
#undef BX
	buf_puts(out, "</svg>");
}

/* ---- sparkline ---- */

enum { SW = 96, SH = 24, SPAD = 3 };

static double sx(size_t i, size_t n)
{
	return n <= 1 ? SW / 2.0 : SPAD + (double)i * (SW - 2 * SPAD) / (double)(n - 1);
}

static double sy(double pct)
{
	return SPAD + (100.0 - clamp_pct(pct)) * (SH - 2 * SPAD) / 100.0;
}

void svgchart_spark(buf_t *out, const svgchart_point_t *pts, size_t n, double target, const char *id,
		    const char *title)
{
	open_svg(out, "spark", id, title, SW, SH);
	size_t with_data = 0, last = 0;
	for (size_t i = 0; i < n; i++)
		if (pts[i].documents) {
			with_data++;
			last = i;
		}
	desc_open(out, id, with_data);
	for (size_t i = 0, k = 0; with_data && i < n; i++) {
		if (!pts[i].documents)
			continue;
		desc_label(out, k++, pts[i].date ? pts[i].date : "");
		desc_fresh(out, pts[i].percent, pts[i].documents);
	}
	desc_close(out, target);
	if (!with_data) {
		buf_printf(out, "<text class=\"chart-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
				"fill=\"currentColor\" font-size=\"9\">No data</text></svg>",
			   SW / 2, SH / 2 + 3);
		return;
	}
	buf_printf(out,
		   "<line class=\"chart-target\" x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"" COL_TARGET
		   "\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
		   sy(target), SW, sy(target));
	put_line(out, pts, n, "1.5", sx, sy);
	int meets = pts[last].percent >= target;
	buf_printf(out, "<circle class=\"chart-point %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/></svg>",
		   meets ? "meets" : "below", sx(last, n), sy(pts[last].percent), meets ? COL_MEETS : COL_BELOW);
}
