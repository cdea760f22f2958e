/* freshness.c - the freshness policy. See freshness.h. */
#include "freshness.h"

#include <stdio.h>
#include <string.h>

#define DAY 86400LL

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
int64_t fresh_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t mp = (m + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void fresh_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

/* Read exactly `n` digits at *p. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int fresh_parse_time(const char *s, int64_t *out)
{
	if (!s)
		return -1;
	const char *p = s;
	int y, mo, d, hh = 0, mi = 0, ss = 0;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	int64_t off = 0;
	if (*p) {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if (digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &ss))
			return -1;
		if (hh > 23 || mi > 59 || ss > 60)
			return -1;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om;
			p++;
			if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = sign * ((int64_t)oh * 3600 + om * 60);
		} else {
			return -1;
		}
		if (*p)
			return -1;
	}
	*out = fresh_days_from_civil(y, mo, d) * DAY + hh * 3600 + mi * 60 + ss - off;
	return 0;
}

void fresh_format_time(int64_t t, char out[FRESH_TIME_LEN])
{
	int64_t days = floor_div(t, DAY);
	int64_t sec = t - days * DAY;
	int y, m, d;
	fresh_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, FRESH_TIME_LEN, "%s", y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
		return;
	}
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600), (int)(sec / 60 % 60),
		 (int)(sec % 60));
	memcpy(out, tmp, FRESH_TIME_LEN - 1);
	out[FRESH_TIME_LEN - 1] = '\0';
}

void fresh_format_date(int64_t t, char out[FRESH_DATE_LEN])
{
	int y, m, d;
	fresh_civil_from_days(floor_div(t, DAY), &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, FRESH_DATE_LEN, "%s", y < 0 ? "0000-01-01" : "9999-12-31");
		return;
	}
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, FRESH_DATE_LEN - 1);
	out[FRESH_DATE_LEN - 1] = '\0';
}

int fresh_parse_interval(const char *s, int *days)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	long long n = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p - '0');
		if (n > FRESH_MAX_INTERVAL)
			return -1;
		p++;
	}
	long long mult = 1;
	if (*p) {
		switch (*p) {
		case 'd': case 'D': mult = 1; break;
		case 'w': case 'W': mult = 7; break;
		case 'm': case 'M': mult = 30; break;
		case 'y': case 'Y': mult = 365; break;
		default: return -1;
		}
		if (p[1])
			return -1;
	}
	n *= mult;
	if (n < 1 || n > FRESH_MAX_INTERVAL)
		return -1;
	*days = (int)n;
	return 0;
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
	if (a > 10 * FRESH_MAX_INTERVAL)
		a = 10 * FRESH_MAX_INTERVAL;
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
	fresh_civil_from_days(floor_div(now, DAY), &y, &m, &d);
	/* the end of the current month, unless it is still ahead */
	int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
	int64_t end = fresh_days_from_civil(ny, nm, 1) * DAY - 1;
	if (end > now) {
		ny = y;
		nm = m;
		end = fresh_days_from_civil(y, m, 1) * DAY - 1;
	}
	for (int i = n - 1; i >= 0; i--) {
		out[i] = end;
		/* step back one month: (ny, nm) is the month after the one ending at `end` */
		nm--;
		if (nm == 0) {
			nm = 12;
			ny--;
		}
		end = fresh_days_from_civil(ny, nm, 1) * DAY - 1;
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
