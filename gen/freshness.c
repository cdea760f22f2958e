/* freshness.c - the freshness policy. See freshness.h. */
#include "freshness.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "timefmt.h"

#define DAY 86400LL

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Monday = 0 ... Sunday = 6; day 0 (1970-01-01) was a Thursday. */
static int weekday(int64_t day)
{
	return (int)(((day % 7) + 7 + 3) % 7);
}

int64_t fresh_business_days_between(int64_t t0, int64_t t1)
{
	int64_t d0 = floor_div(t0, DAY), d1 = floor_div(t1, DAY);
	if (d1 <= d0)
		return 0;
	int64_t n = d1 - d0;
	int64_t count = n / 7 * 5;
	int64_t start = d0 + n / 7 * 7;
	for (int64_t k = 1; k <= n % 7; k++)
		count += weekday(start + k) < 5;
	return count;
}

int fresh_due_window(int interval_days, int window_days)
{
	if (window_days < 0)
		window_days = FRESH_DEFAULT_WINDOW;
	if (interval_days <= 0)
		interval_days = FRESH_DEFAULT_INTERVAL;
	return window_days < interval_days / 2 ? window_days : interval_days / 2;
}

static fresh_status_t by_age(int64_t basis, int64_t now, int interval, int window, int *age, int *due_in)
{
	int64_t a = now > basis ? (now - basis) / DAY : 0;
	if (a > 10 * CONFIG_MAX_INTERVAL)
		a = 10 * CONFIG_MAX_INTERVAL;
	*age = (int)a;
	*due_in = interval - (int)a;
	if (a > interval)
		return FRESH_STATUS_STALE;
	if (a > interval - window)
		return FRESH_STATUS_DUE;
	return FRESH_STATUS_FRESH;
}

void fresh_status(const fresh_input_t *in, fresh_result_t *out)
{
	memset(out, 0, sizeof *out);
	out->interval_days = in->interval_days > 0 ? in->interval_days : FRESH_DEFAULT_INTERVAL;
	out->window_days = fresh_due_window(out->interval_days, in->window_days);
	if (in->basis_reviewed)
		out->basis_time = in->reviewed;
	else if (in->last_commit && !in->truncated)
		out->basis_time = in->last_commit;
	if (out->basis_time) {
		out->has_age = 1;
		out->status = by_age(out->basis_time, in->now, out->interval_days, out->window_days, &out->age_days,
				     &out->due_in_days);
	} else {
		out->status = in->basis_reviewed ? FRESH_STATUS_STALE : FRESH_STATUS_UNKNOWN;
	}
	if (in->uncommitted)
		out->status = FRESH_STATUS_UNCOMMITTED;
}

const char *fresh_status_name(fresh_status_t st)
{
	switch (st) {
	case FRESH_STATUS_FRESH: return "fresh";
	case FRESH_STATUS_DUE: return "due";
	case FRESH_STATUS_STALE: return "stale";
	case FRESH_STATUS_UNCOMMITTED: return "uncommitted";
	case FRESH_STATUS_UNKNOWN: return "unknown";
	case FRESH_STATUS_ABSENT: return "absent";
	}
	return "unknown";
}

int fresh_drifted(int64_t page_time, int64_t watch_time, int grace)
{
	if (!page_time || !watch_time || watch_time <= page_time)
		return 0;
	if (grace < 0)
		grace = FRESH_DEFAULT_GRACE;
	return fresh_business_days_between(page_time, watch_time) > grace;
}

int fresh_month_ends(int64_t now, int n, int64_t *out)
{
	int y, m, d;
	tf_civil_from_days(floor_div(now, DAY), &y, &m, &d);
	/* the end of the current month, unless it is still ahead */
	int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
	int64_t end = tf_days_from_civil(ny, nm, 1) * DAY - 1;
	if (end > now) {
		ny = y;
		nm = m;
		end = tf_days_from_civil(y, m, 1) * DAY - 1;
	}
	for (int i = n - 1; i >= 0; i--) {
		out[i] = end;
		/* step back one month: (ny, nm) is the month after the one ending at `end` */
		nm--;
		if (nm == 0) {
			nm = 12;
			ny--;
		}
		end = tf_days_from_civil(ny, nm, 1) * DAY - 1;
	}
	return n;
}

fresh_status_t fresh_status_at(const hist_entry_t *e, int64_t t, int interval_days, int window_days,
			       int basis_reviewed, int64_t reviewed)
{
	if (!e)
		return FRESH_STATUS_ABSENT;
	int64_t last = 0;
	int at = hist_entry_at(e, t, &last);
	if (at == 0)
		return FRESH_STATUS_ABSENT;
	if (at < 0)
		return FRESH_STATUS_UNKNOWN;
	int interval = interval_days > 0 ? interval_days : FRESH_DEFAULT_INTERVAL;
	int window = fresh_due_window(interval, window_days);
	int64_t basis = basis_reviewed ? (reviewed && reviewed <= t ? reviewed : 0) : last;
	if (!basis)
		return basis_reviewed ? FRESH_STATUS_STALE : FRESH_STATUS_UNKNOWN;
	int age, due_in;
	return by_age(basis, t, interval, window, &age, &due_in);
}
