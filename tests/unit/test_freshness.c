/* test_freshness.c - the freshness policy (gen/freshness.c): business days, statuses and their boundaries, drift, month ends and the
 * trend helper over history entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "freshness.h"
#include "history.h"
#include "timefmt.h"

#define DAY 86400LL
/* 2026-11-01T00:00:00Z (a Sunday) */
#define NOV1 1793491200LL

static void test_business_days(void **state)
{
	(void)state;
	int64_t mon = NOV1 + DAY; /* 2026-11-02 is a Monday */
	int64_t fri = mon + 4 * DAY, sat = fri + DAY, nextmon = mon + 7 * DAY;
	assert_int_equal(fresh_business_days_between(mon, mon + 3600), 0);
	assert_int_equal(fresh_business_days_between(mon, mon + DAY), 1);
	assert_int_equal(fresh_business_days_between(mon, fri), 4);
	assert_int_equal(fresh_business_days_between(fri, sat), 0);
	assert_int_equal(fresh_business_days_between(fri, nextmon), 1);
	assert_int_equal(fresh_business_days_between(sat, nextmon), 1);
	assert_int_equal(fresh_business_days_between(mon, nextmon), 5);
	assert_int_equal(fresh_business_days_between(mon, mon + 70 * DAY), 50);
	assert_int_equal(fresh_business_days_between(nextmon, mon), 0);
	/* brute force agreement, including times before 1970 */
	for (int64_t a = -20; a < 20; a++) {
		for (int64_t b = a - 2; b < a + 30; b++) {
			int64_t want = 0;
			for (int64_t d = a + 1; d <= b; d++) {
				int wd = (int)(((d % 7) + 7 + 3) % 7);
				want += wd < 5;
			}
			assert_int_equal(fresh_business_days_between(a * DAY + 100, b * DAY + 50000), want);
		}
	}
}

static fresh_input_t base_input(void)
{
	fresh_input_t in;
	memset(&in, 0, sizeof in);
	in.now = NOV1;
	in.interval_days = 90;
	in.window_days = 30;
	return in;
}

static void test_status_boundaries(void **state)
{
	(void)state;
	fresh_input_t in = base_input();
	fresh_result_t r;
	/* the PRODUCT.md example: 30 days old, 90-day interval -> fresh, due in 60 */
	in.last_commit = NOV1 - 30 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	assert_int_equal(r.age_days, 30);
	assert_int_equal(r.due_in_days, 60);
	assert_int_equal(r.basis_time, in.last_commit);
	assert_int_equal(r.has_age, 1);
	/* age 60 = interval - window: still fresh; one more day: due */
	in.last_commit = NOV1 - 60 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	in.last_commit = NOV1 - 61 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_DUE);
	/* 60 days and 23 hours is still 60 whole days */
	in.last_commit = NOV1 - 61 * DAY + 3600;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	assert_int_equal(r.age_days, 60);
	/* age 90 = interval: due; 91: stale, due_in negative */
	in.last_commit = NOV1 - 90 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_DUE);
	assert_int_equal(r.due_in_days, 0);
	in.last_commit = NOV1 - 91 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_STALE);
	assert_int_equal(r.due_in_days, -1);
	/* a commit in the future (clock skew) is age 0 */
	in.last_commit = NOV1 + 5 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	assert_int_equal(r.age_days, 0);
	/* the window is capped at half the interval: 14-day interval -> 7-day window */
	in.interval_days = 14;
	in.last_commit = NOV1 - 7 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.window_days, 7);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	in.last_commit = NOV1 - 8 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_DUE);
	/* defaults: interval 180, window 30 */
	in.interval_days = 0;
	in.window_days = -1;
	in.last_commit = NOV1 - 151 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.interval_days, 180);
	assert_int_equal(r.window_days, 30);
	assert_int_equal(r.status, FRESH_STATUS_DUE);
	assert_int_equal(fresh_due_window(90, 10), 10);
	assert_int_equal(fresh_due_window(30, -1), 15);
}

static void test_status_kinds(void **state)
{
	(void)state;
	fresh_input_t in = base_input();
	fresh_result_t r;
	/* no history -> unknown, no age */
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_UNKNOWN);
	assert_int_equal(r.has_age, 0);
	assert_int_equal(r.basis_time, 0);
	/* shallow clone: a boundary date is never used */
	in.last_commit = NOV1 - DAY;
	in.truncated = 1;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_UNKNOWN);
	/* uncommitted wins over everything */
	in.truncated = 0;
	in.uncommitted = 1;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_UNCOMMITTED);
	assert_int_equal(r.age_days, 1);
	in.last_commit = 0;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_UNCOMMITTED);
	in.uncommitted = 0;
	/* basis reviewed: only the reviewed date counts */
	in.basis_reviewed = 1;
	in.last_commit = NOV1 - DAY; /* a recent edit is not a review */
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_STALE);
	assert_int_equal(r.has_age, 0);
	in.reviewed = NOV1 - 10 * DAY;
	in.last_commit = NOV1 - 400 * DAY;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	assert_int_equal(r.age_days, 10);
	assert_int_equal(r.basis_time, in.reviewed);
	/* ... and it needs no history at all (shallow clone) */
	in.truncated = 1;
	fresh_status(&in, &r);
	assert_int_equal(r.status, FRESH_STATUS_FRESH);
	assert_string_equal(fresh_status_name(FRESH_STATUS_FRESH), "fresh");
	assert_string_equal(fresh_status_name(FRESH_STATUS_DUE), "due");
	assert_string_equal(fresh_status_name(FRESH_STATUS_STALE), "stale");
	assert_string_equal(fresh_status_name(FRESH_STATUS_UNCOMMITTED), "uncommitted");
	assert_string_equal(fresh_status_name(FRESH_STATUS_UNKNOWN), "unknown");
	assert_string_equal(fresh_status_name(FRESH_STATUS_ABSENT), "absent");
}

static void test_drift(void **state)
{
	(void)state;
	int64_t mon = NOV1 + DAY; /* Monday 2026-11-02 */
	/* watched change 5 business days after the page: not more than the grace (5) */
	assert_int_equal(fresh_drifted(mon, mon + 7 * DAY, 5), 0);
	/* 6 business days: drifted */
	assert_int_equal(fresh_drifted(mon, mon + 8 * DAY, 5), 1);
	/* a weekend does not count: Friday page, watched change Monday a week later = 6 */
	int64_t fri = mon + 4 * DAY;
	assert_int_equal(fresh_drifted(fri, fri + 7 * DAY, 5), 0);
	assert_int_equal(fresh_drifted(fri, fri + 10 * DAY, 5), 1);
	/* watched change older than the page, or none */
	assert_int_equal(fresh_drifted(mon + 30 * DAY, mon, 5), 0);
	assert_int_equal(fresh_drifted(mon, 0, 5), 0);
	assert_int_equal(fresh_drifted(0, mon, 5), 0);
	/* grace 0: any later business day; default grace (negative) is 5 */
	assert_int_equal(fresh_drifted(mon, mon + DAY, 0), 1);
	assert_int_equal(fresh_drifted(mon, mon + 7 * DAY, -1), 0);
	assert_int_equal(fresh_drifted(mon, mon + 8 * DAY, -1), 1);
}

static void test_month_ends(void **state)
{
	(void)state;
	int64_t e[12];
	char d[16], t[32];
	assert_int_equal(fresh_month_ends(NOV1, 12, e), 12);
	tf_format_rfc3339(t, sizeof t, e[11]);
	assert_string_equal(t, "2026-10-31T23:59:59Z");
	tf_format_date(d, sizeof d, e[0]);
	assert_string_equal(d, "2025-11-30");
	tf_format_date(d, sizeof d, e[3]);
	assert_string_equal(d, "2026-02-28");
	for (int i = 1; i < 12; i++)
		assert_true(e[i] > e[i - 1]);
	/* at exactly a month end it is included; a second before, it is not */
	int64_t oct31 = NOV1 - 1;
	fresh_month_ends(oct31, 1, e);
	assert_int_equal(e[0], oct31);
	fresh_month_ends(oct31 - 1, 1, e);
	tf_format_date(d, sizeof d, e[0]);
	assert_string_equal(d, "2026-09-30");
	/* across a year boundary, in a leap year */
	int64_t mar5 = tf_days_from_civil(2024, 3, 5) * DAY;
	fresh_month_ends(mar5, 3, e);
	tf_format_date(d, sizeof d, e[0]);
	assert_string_equal(d, "2023-12-31");
	tf_format_date(d, sizeof d, e[2]);
	assert_string_equal(d, "2024-02-29");
}

/* A history entry built by hand: events newest first. */
static void test_status_at(void **state)
{
	(void)state;
	hist_event_t ev[] = {
		{NOV1 - 10 * DAY, 1, 1},   /* edited 10 days ago */
		{NOV1 - 50 * DAY, 0, 1},   /* a bot's commit (does not count) */
		{NOV1 - 200 * DAY, 1, 1},  /* created 200 days ago */
	};
	hist_entry_t e;
	memset(&e, 0, sizeof e);
	e.path = "x.md";
	e.events = ev;
	e.nevents = 3;
	e.complete = 1;
	e.created = ev[2].time;
	/* now: fresh */
	assert_int_equal(fresh_status_at(&e, NOV1, 90, 30, 0, 0), FRESH_STATUS_FRESH);
	/* 40 days ago: last counting change was 160 days before -> stale (the bot does not count) */
	assert_int_equal(fresh_status_at(&e, NOV1 - 40 * DAY, 90, 30, 0, 0), FRESH_STATUS_STALE);
	/* 130 days ago: age 70 -> due */
	assert_int_equal(fresh_status_at(&e, NOV1 - 130 * DAY, 90, 30, 0, 0), FRESH_STATUS_DUE);
	/* before its creation: absent */
	assert_int_equal(fresh_status_at(&e, NOV1 - 201 * DAY, 90, 30, 0, 0), FRESH_STATUS_ABSENT);
	assert_int_equal(fresh_status_at(NULL, NOV1, 90, 30, 0, 0), FRESH_STATUS_ABSENT);
	/* an incomplete walk cannot tell about instants older than its events */
	e.complete = 0;
	assert_int_equal(fresh_status_at(&e, NOV1 - 201 * DAY, 90, 30, 0, 0), FRESH_STATUS_UNKNOWN);
	/* basis reviewed: the current reviewed date when it is not after t */
	assert_int_equal(fresh_status_at(&e, NOV1, 90, 30, 1, NOV1 - 20 * DAY), FRESH_STATUS_FRESH);
	assert_int_equal(fresh_status_at(&e, NOV1 - 40 * DAY, 90, 30, 1, NOV1 - 20 * DAY), FRESH_STATUS_STALE);
	assert_int_equal(fresh_status_at(&e, NOV1, 90, 30, 1, 0), FRESH_STATUS_STALE);
	/* deleted and not re-created: absent after the deletion */
	hist_event_t del[] = {{NOV1 - 5 * DAY, 1, 0}, {NOV1 - 70 * DAY, 1, 1}};
	hist_entry_t g;
	memset(&g, 0, sizeof g);
	g.events = del;
	g.nevents = 2;
	g.complete = 1;
	assert_int_equal(fresh_status_at(&g, NOV1, 90, 30, 0, 0), FRESH_STATUS_ABSENT);
	assert_int_equal(fresh_status_at(&g, NOV1 - 6 * DAY, 90, 30, 0, 0), FRESH_STATUS_DUE);
	/* existed but only ignored commits so far: unknown */
	hist_event_t bot[] = {{NOV1 - 5 * DAY, 0, 1}};
	g.events = bot;
	g.nevents = 1;
	assert_int_equal(fresh_status_at(&g, NOV1, 90, 30, 0, 0), FRESH_STATUS_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_business_days),
		cmocka_unit_test(test_status_boundaries),
		cmocka_unit_test(test_status_kinds),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_month_ends),
		cmocka_unit_test(test_status_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
