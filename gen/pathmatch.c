/* pathmatch.c - globs over relative paths. See pathmatch.h. */
#include "pathmatch.h"

#include <fnmatch.h>
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

static int seg_match(const seg_t *g, const seg_t *p)
{
	char gb[256], pb[256];
	if (g->n >= sizeof gb || p->n >= sizeof pb)
		return g->n == p->n && !memcmp(g->s, p->s, g->n); /* long names: literal comparison */
	memcpy(gb, g->s, g->n);
	gb[g->n] = '\0';
	memcpy(pb, p->s, p->n);
	pb[p->n] = '\0';
	return fnmatch(gb, pb, FNM_PATHNAME) == 0;
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
				m[i][j] = j < np && m[i + 1][j + 1] && seg_match(&g[i], &p[j]);
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
