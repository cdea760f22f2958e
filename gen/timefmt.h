/* timefmt.h - UTC time parsing and formatting (prefix tf_). No locale, no time zone database. */
#ifndef ALMANAC_TIMEFMT_H
#define ALMANAC_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Parse RFC 3339 ("2026-11-01T00:00:00Z", "2026-11-01T09:30:00+02:00", with
 * an optional fraction of a second, ignored; 't'/'z' and a space for 'T' are
 * accepted) or a date ("2026-11-01", midnight UTC). Fields are range-checked
 * (days of the month, leap years). Returns 0 and sets *out (UTC seconds),
 * else -1 (NULL too) and leaves *out alone. */
int tf_parse(const char *s, int64_t *out);
/* "2026-11-01" (the UTC date of `t`); times before year 0 or after 9999 are
 * written as 0000-01-01 or 9999-12-31. */
void tf_format_date(char *dst, size_t n, int64_t t);
/* "2026-11-01T00:00:00Z", clamped the same way (to 9999-12-31T23:59:59Z). */
void tf_format_rfc3339(char *dst, size_t n, int64_t t);
/* Days since 1970-01-01 of a civil date. */
int64_t tf_days_from_civil(int y, int m, int d);
/* Civil date of a day number. */
void tf_civil_from_days(int64_t z, int *y, int *m, int *d);

#endif
