/* test_timefmt.c - parsing and formatting of times (gen/timefmt.c) and of
 * review intervals (config_parse_interval, used by almanac.yml and by the
 * front matter's review_interval). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "timefmt.h"

#define DAY 86400LL
/* 2026-11-01T00:00:00Z (a Sunday) */
#define NOV1 1793491200LL

static void test_parse_interval(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int days;
	} good[] = {{"90d", 90}, {"12w", 84}, {"6m", 180}, {"1y", 365}, {"2Y", 730}, {"45", 45}, {"100y", 36500}};
	int d = -7;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		if (config_parse_interval(good[i].text, &d) != 0 || d != good[i].days)
			fail_msg("%s: got %d, want %d days", good[i].text, d, good[i].days);
	}
	d = -7;
	const char *bad[] = {"", "d", "0d", "-5d", "5 d", "5dd", "5h", "1.5y", "101y", "+5d", "5d ", "99999999999999999999d", " 5d"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(config_parse_interval(bad[i], &d), -1);
		assert_int_equal(d, -7);
	}
	assert_int_equal(config_parse_interval(NULL, &d), -1);
}

static void test_parse_format_time(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(tf_parse("2026-11-01T00:00:00Z", &t), 0);
	assert_int_equal(t, NOV1);
	assert_int_equal(tf_parse("2026-11-01", &t), 0);
	assert_int_equal(t, NOV1);
	assert_int_equal(tf_parse("2026-11-01T02:30:00+02:30", &t), 0);
	assert_int_equal(t, NOV1);
	assert_int_equal(tf_parse("2026-10-31T19:00:00-05:00", &t), 0);
	assert_int_equal(t, NOV1);
	assert_int_equal(tf_parse("2026-11-01t00:00:00.123456z", &t), 0);
	assert_int_equal(t, NOV1);
	assert_int_equal(tf_parse("2026-11-01 00:00:01Z", &t), 0);
	assert_int_equal(t, NOV1 + 1);
	assert_int_equal(tf_parse("1970-01-01", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(tf_parse("1969-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, -1);
	assert_int_equal(tf_parse("2024-02-29", &t), 0);
	assert_int_equal(tf_parse("2000-02-29", &t), 0);
	t = 42;
	const char *bad[] = {"2026-11-01T00:00:00", "2026-11-1", "2026-13-01", "2026-00-10", "2023-02-29",
			     "1900-02-29", "2026-04-31", "2026-11-01T24:00:00Z", "2026-11-01T10:60:00Z",
			     "2026-11-01T10:00Z", "2026-11-01T10:00:00+2:00", "2026-11-01T10:00:00.Z",
			     "2026-11-01Tfoo", "2026-11-01x", "", "26-11-01", "2026-11-01T10:00:00Z junk"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (tf_parse(bad[i], &t) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(t, 42);
	}
	assert_int_equal(tf_parse(NULL, &t), -1);

	char buf[32], date[16];
	tf_format_rfc3339(buf, sizeof buf, NOV1 + 9 * 3600 + 5 * 60 + 7);
	assert_string_equal(buf, "2026-11-01T09:05:07Z");
	tf_format_rfc3339(buf, sizeof buf, -1);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	tf_format_date(date, sizeof date, NOV1 - 1);
	assert_string_equal(date, "2026-10-31");
	tf_format_date(date, sizeof date, 951782400); /* 2000-02-29 */
	assert_string_equal(date, "2000-02-29");
	/* round trip over many days */
	for (int64_t d = -800; d < 80000; d += 37) {
		tf_format_rfc3339(buf, sizeof buf, d * DAY + 3723);
		assert_int_equal(tf_parse(buf, &t), 0);
		assert_int_equal(t, d * DAY + 3723);
	}
	int y, m, dd;
	tf_civil_from_days(tf_days_from_civil(2026, 11, 1), &y, &m, &dd);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(dd, 1);
}

/* Times outside the years 0000-9999 are written at the nearest end of that
 * range, never as a malformed date (a hostile commit can carry any time). */
static void test_format_clamps(void **state)
{
	(void)state;
	char buf[32], date[16];
	tf_format_rfc3339(buf, sizeof buf, INT64_MAX / 2);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	tf_format_date(date, sizeof date, INT64_MIN / 2);
	assert_string_equal(date, "0000-01-01");
	tf_format_date(date, sizeof date, INT64_MIN); /* no overflow on the way (UBSan) */
	assert_string_equal(date, "0000-01-01");
	tf_format_rfc3339(buf, sizeof buf, INT64_MAX);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	tf_format_rfc3339(buf, sizeof buf, 253402300799LL); /* the last second that fits */
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	tf_format_rfc3339(buf, sizeof buf, -62167219200LL); /* the first */
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_interval),
		cmocka_unit_test(test_parse_format_time),
		cmocka_unit_test(test_format_clamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
