/* test_svgchart.c - unit tests for the inline SVG charts of the freshness report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "svgchart.h"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_fixed1_rounds_like_json(void **st)
{
	(void)st;
	struct { double v; const char *want; } cases[] = {
		{0, "0.0"}, {100, "100.0"}, {33.333333, "33.3"}, {66.666667, "66.7"},
		{6.25, "6.3"}, {12.5, "12.5"}, {0.05, "0.1"}, {-1.25, "-1.3"},
		/* never up onto a whole percent it does not reach */
		{2261.0 * 100.0 / 2262.0, "99.9"}, {79.96, "79.9"}, {79.95, "79.9"}, {80.0, "80.0"}, {79.94, "79.9"},
		{0.96, "0.9"}, {1.0, "1.0"}, {14.0 * 100.0 / 20.0, "70.0"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char b[32];
		svgchart_fixed1(b, sizeof b, cases[i].v);
		assert_string_equal(b, cases[i].want);
	}
}

static void test_trend_points_gaps_and_values(void **st)
{
	(void)st;
	svgchart_point_t pts[] = {
		{"2025-12-31", 50.0, 4, 0}, {"2026-01-31", 0, 0, 0}, /* no data: a gap */
		{"2026-02-28", 83.333333, 6, 1}, {"2026-03-31", 120, 6, 0}, /* clamped to 100 */
	};
	buf_t b = BUF_INIT;
	svgchart_trend(&b, pts, 4, 80, "t1", "Trend");
	const char *s = buf_cstr(&b);
	assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-trend\" data-chart=\"trend\""));
	assert_int_equal(count(s, "<svg"), 1);
	assert_int_equal(count(s, "</svg>"), 1);
	assert_int_equal(count(s, "class=\"chart-point"), 3);
	assert_int_equal(count(s, "<polyline"), 2); /* broken at the empty point */
	assert_non_null(strstr(s, "data-label=\"2026-02-28\" data-value=\"83.3\""));
	assert_non_null(strstr(s, "data-label=\"2026-03-31\" data-value=\"100.0\""));
	assert_non_null(strstr(s, "chart-point below\" data-label=\"2025-12-31\""));
	assert_non_null(strstr(s, "chart-point meets\" data-label=\"2026-02-28\""));
	assert_non_null(strstr(s, "(6 pages, 1 unknown)"));
	assert_non_null(strstr(s, "2026-01-31: no pages"));
	assert_non_null(strstr(s, "target 80%"));
	assert_non_null(strstr(s, ">2025</text>")); /* the year under the first month */
	assert_non_null(strstr(s, ">2026</text>")); /* and under January */
	assert_null(strstr(s, "<script"));
	/* deterministic */
	buf_t b2 = BUF_INIT;
	svgchart_trend(&b2, pts, 4, 80, "t1", "Trend");
	assert_string_equal(buf_cstr(&b2), s);
	buf_free(&b);
	buf_free(&b2);
}

static void test_bars_escape_and_shorten(void **st)
{
	(void)st;
	svgchart_bar_t bars[] = {
		{"R&D <ops> \"x\"", 33.333333, 3},
		{"a-very-long-owner-name-that-goes-on-and-on-forever", 100, 1},
		{"\xc3\xa9quipe-\xc3\xa9t\xc3\xa9", 0, 2},
	};
	buf_t b = BUF_INIT;
	svgchart_bars(&b, bars, 3, 80, "o1", "Owners <all>");
	const char *s = buf_cstr(&b);
	assert_null(strstr(s, "<ops>"));
	assert_null(strstr(s, "<all>"));
	assert_non_null(strstr(s, "data-label=\"R&amp;D &lt;ops&gt; &quot;x&quot;\" data-value=\"33.3\""));
	assert_non_null(strstr(s, "<title id=\"o1-title\">Owners &lt;all&gt;</title>"));
	/* the label is shortened, the tooltip keeps the whole name */
	assert_non_null(strstr(s, ">a-very-long-owner-name-th...</text>"));
	assert_non_null(strstr(s, "<title>a-very-long-owner-name-that-goes-on-and-on-forever: 100.0% fresh (1 page)</title>"));
	/* UTF-8 is kept whole */
	assert_non_null(strstr(s, ">\xc3\xa9quipe-\xc3\xa9t\xc3\xa9</text>"));
	assert_int_equal(count(s, "class=\"chart-bar below\""), 2);
	assert_int_equal(count(s, "class=\"chart-bar meets\""), 1);
	assert_int_equal(count(s, "<rect"), 3);
	assert_non_null(strstr(s, "width=\"0.0\"")); /* the 0% bar is empty */
	buf_free(&b);
}

static void test_no_data(void **st)
{
	(void)st;
	buf_t b = BUF_INIT;
	svgchart_trend(&b, NULL, 0, 80, "t", "Trend");
	svgchart_bars(&b, NULL, 0, 80, "o", "Owners");
	assert_int_equal(count(buf_cstr(&b), ">No data</text></svg>"), 2);
	buf_free(&b);
}

/* A table row's sparkline ("By source"): one line per run of months with pages, the last point coloured by
 * the target, every point in words, and "No data" when the repository had no page in those months. */
static void test_spark_line_gap_and_last_point(void **st)
{
	(void)st;
	svgchart_point_t pts[] = {
		{"2026-01-31", 0, 0, 0},    {"2026-02-28", 50, 4, 0}, {"2026-03-31", 75, 4, 0},
		{"2026-04-30", 0, 0, 0},    {"2026-05-31", 90, 10, 1}, {"2026-06-30", 60, 10, 0},
	};
	buf_t b = BUF_INIT;
	svgchart_spark(&b, pts, 6, 80, "spark-3", "payments & co: fresh percent");
	const char *svg = buf_cstr(&b);
	assert_non_null(strstr(svg, "data-chart=\"spark\""));
	assert_non_null(strstr(svg, "id=\"spark-3\""));
	assert_non_null(strstr(svg, "<title id=\"spark-3-title\">payments &amp; co: fresh percent</title>"));
	assert_int_equal(count(svg, "<polyline"), 2); /* broken where April had no page */
	assert_non_null(strstr(svg, "2026-02-28: 50.0% fresh of 4 pages; 2026-03-31: 75.0% fresh of 4 pages; "
				    "2026-05-31: 90.0% fresh of 10 pages; 2026-06-30: 60.0% fresh of 10 pages. Target 80%."));
	assert_non_null(strstr(svg, "class=\"chart-point below\"")); /* June: 60% under the 80% target */
	assert_int_equal(count(svg, "<circle"), 1);
	buf_free(&b);
	svgchart_point_t none[] = {{"2026-01-31", 0, 0, 0}};
	svgchart_spark(&b, none, 1, 80, "spark-0", "(hub)");
	assert_non_null(strstr(buf_cstr(&b), ">No data</text></svg>"));
	assert_int_equal(count(buf_cstr(&b), "<polyline"), 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed1_rounds_like_json),
		cmocka_unit_test(test_trend_points_gaps_and_values),
		cmocka_unit_test(test_bars_escape_and_shorten),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_spark_line_gap_and_last_point),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
