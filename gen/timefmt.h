/* timefmt.h - UTC time parsing and formatting (prefix tf_). No locale, no time zone database. */
#ifndef ALMANAC_TIMEFMT_H
#define ALMANAC_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Parse RFC 3339 ("2026-11-01T00:00:00Z", "2026-11-01T09:30:00+02:00") or a
 * date ("2026-11-01", midnight UTC). Returns 0 and sets *out (UTC seconds), else -1. */
int tf_parse(const char *s, int64_t *out);
/* "2026-11-01" */
void tf_format_date(char *dst, size_t n, int64_t t);
/* "2026-11-01T00:00:00Z" */
void tf_format_rfc3339(char *dst, size_t n, int64_t t);
/* Days since 1970-01-01 of a civil date. */
int64_t tf_days_from_civil(int y, int m, int d);
/* Civil date of a day number. */
void tf_civil_from_days(int64_t z, int *y, int *m, int *d);

#endif
