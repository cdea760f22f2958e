/* suggest.c - edit distance and closest-match suggestions. See suggest.h. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

size_t suggest_distance(const char *a, const char *b, size_t cap)
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
