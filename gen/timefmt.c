/* timefmt.c - UTC time parsing and formatting. See timefmt.h. */
#include "timefmt.h"

#include <stdio.h>
#include <string.h>

int64_t tf_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tf_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int tf_parse(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (!s)
		return -1;
	size_t n = strlen(s);
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	int64_t off = 0;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 19 || digits(s + 11, 2, &h) || s[13] != ':' ||
		    digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
			return -1;
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		const char *p = s + 19;
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
			int oh, om;
			if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
			p += 6;
		} else {
			return -1;
		}
		if (*p)
			return -1;
	}
	*out = tf_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}

/* The day number and second of day of `t` (floor division). Years outside
 * 0000-9999 do not fit the formats: the day is clamped to that range. */
static int64_t day_of(int64_t t, int64_t *sec)
{
	int64_t days = t / 86400, rem = t % 86400; /* floor division, no overflow at the extremes */
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	*sec = rem;
	const int64_t first = -719528, last = 2932896; /* 0000-01-01, 9999-12-31 */
	if (days < first) {
		*sec = 0;
		return first;
	}
	if (days > last) {
		*sec = 86399;
		return last;
	}
	return days;
}

void tf_format_date(char *dst, size_t n, int64_t t)
{
	int64_t sec;
	int y, m, d;
	tf_civil_from_days(day_of(t, &sec), &y, &m, &d);
	snprintf(dst, n, "%04d-%02d-%02d", y, m, d);
}

void tf_format_rfc3339(char *dst, size_t n, int64_t t)
{
	int64_t rem;
	int y, m, d;
	tf_civil_from_days(day_of(t, &rem), &y, &m, &d);
	snprintf(dst, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
		 (int)(rem % 60));
}
