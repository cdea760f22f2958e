/* suggest.c - edit distance and closest-match suggestions. See suggest.h. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static size_t full_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	size_t *prev = xmalloc((lb + 1) * sizeof *prev), *cur = xmalloc((lb + 1) * sizeof *cur);
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		size_t rowmin = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t v = sub < del ? sub : del;
			cur[j] = v < ins ? v : ins;
			if (cur[j] < rowmin)
				rowmin = cur[j];
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
		if (rowmin > cap) {
			free(prev);
			free(cur);
			return cap + 1;
		}
	}
	size_t d = prev[lb];
	free(prev);
	free(cur);
	return d > cap ? cap + 1 : d;
}

const char *suggest_closest(const char *word, const char *const *cands, size_t n, size_t maxdist)
{
	const char *best = NULL;
	size_t bestd = maxdist + 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(word, cands[i], bestd - 1 < maxdist ? bestd - 1 : maxdist);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}

/* Only the cells within `cap` of the diagonal can stay within `cap` edits:
 * 2 * cap + 1 cells a row instead of |b|, on the stack, for words shorter
 * than 512 bytes (the rest: the full table). */
size_t suggest_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	if (lb >= 512 || cap >= lb)
		return full_distance(a, b, cap);
	size_t row[2][512];
	size_t *prev = row[0], *cur = row[1];
	const size_t over = cap + 1; /* any value > cap behaves the same */
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j <= cap ? j : over;
	for (size_t i = 1; i <= la; i++) {
		size_t lo = i > cap ? i - cap : 1, hi = i + cap < lb ? i + cap : lb;
		cur[lo - 1] = lo == 1 && i <= cap ? i : over;
		size_t best = cur[lo - 1];
		for (size_t j = lo; j <= hi; j++) {
			size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (v > over)
				v = over;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (hi < lb)
			cur[hi + 1] = over; /* the next row reads prev[hi + 1] */
		if (best > cap)
			return cap + 1;
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > cap ? cap + 1 : prev[lb];
}
