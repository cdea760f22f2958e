/* pathmatch.c - globs over relative paths. See pathmatch.h. */
#include "pathmatch.h"

#include <string.h>

typedef struct {
	const char *s;
	size_t n;
} seg_t;

/* Split into at most PATHMATCH_MAX_SEGS segments; returns the count, or
 * PATHMATCH_MAX_SEGS + 1 when there are more. */
static size_t split(const char *s, seg_t *out)
{
	size_t n = 0;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len > 0 && !(len == 1 && s[0] == '.')) {
			if (n == PATHMATCH_MAX_SEGS)
				return PATHMATCH_MAX_SEGS + 1;
			out[n].s = s;
			out[n].n = len;
			n++;
		}
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

/* fnmatch-like match of one path segment: * ? [class] and backslash escapes. */
static int seg_match(const char *p, const char *pe, const char *s, const char *se)
{
	const char *star_p = NULL, *star_s = NULL;
	while (s < se) {
		if (p < pe && *p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (p < pe) {
			int ok = 0;
			const char *np = p + 1;
			if (*p == '?') {
				ok = 1;
			} else if (*p == '[') {
				const char *q = p + 1;
				int neg = 0, hit = 0;
				if (q < pe && (*q == '!' || *q == '^')) {
					neg = 1;
					q++;
				}
				const char *start = q;
				while (q < pe && (*q != ']' || q == start)) {
					unsigned char lo = (unsigned char)*q, hi = lo;
					if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
						hi = (unsigned char)q[2];
						q += 2;
					}
					if ((unsigned char)*s >= lo && (unsigned char)*s <= hi)
						hit = 1;
					q++;
				}
				if (q < pe) { /* well-formed class */
					ok = hit != neg;
					np = q + 1;
				} else {
					ok = *s == '['; /* literal '[' */
				}
			} else if (*p == '\\' && p + 1 < pe) {
				ok = p[1] == *s;
				np = p + 2;
			} else {
				ok = *p == *s;
			}
			if (ok) {
				p = np;
				s++;
				continue;
			}
		}
		if (!star_p)
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

/* m[i][j]: g[i..] matches p[j..], filled bottom-up (no exponential recursion).
 * With `below`, a pattern used up before the path ends matches too. */
static int match(const char *pattern, const char *path, int below)
{
	seg_t g[PATHMATCH_MAX_SEGS], p[PATHMATCH_MAX_SEGS];
	if (!pattern || !path)
		return 0;
	size_t ng = split(pattern, g), np = split(path, p);
	if (ng > PATHMATCH_MAX_SEGS || np > PATHMATCH_MAX_SEGS || ng == 0)
		return 0;
	unsigned char m[PATHMATCH_MAX_SEGS + 1][PATHMATCH_MAX_SEGS + 1];
	for (size_t j = 0; j <= np; j++)
		m[ng][j] = j == np || below;
	for (size_t i = ng; i-- > 0;) {
		int dstar = g[i].n == 2 && g[i].s[0] == '*' && g[i].s[1] == '*';
		for (size_t j = np + 1; j-- > 0;) {
			if (dstar)
				m[i][j] = m[i + 1][j] || (j < np && m[i][j + 1]);
			else
				m[i][j] = j < np && m[i + 1][j + 1] && seg_match(g[i].s, g[i].s + g[i].n, p[j].s, p[j].s + p[j].n);
		}
	}
	return m[0][0];
}

int pathmatch_glob(const char *pattern, const char *path)
{
	return match(pattern, path, 0);
}

int pathmatch_glob_or_below(const char *pattern, const char *path)
{
	return match(pattern, path, 1);
}

int pathmatch_has_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}
