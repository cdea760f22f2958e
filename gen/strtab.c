/* strtab.c - interned strings. See strtab.h. */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "map.h"

static void strtab_rehash(strtab_t *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *sl = xmalloc(ns * sizeof *sl);
	memset(sl, 0xff, ns * sizeof *sl);
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->hash[i] & (ns - 1);
		while (sl[j] != STRTAB_NONE)
			j = (j + 1) & (ns - 1);
		sl[j] = (uint32_t)i;
	}
	free(t->slots);
	t->slots = sl;
	t->nslots = ns;
}

uint32_t strtab_find(const strtab_t *t, const char *s, size_t n)
{
	if (!t->nslots)
		return STRTAB_NONE;
	uint64_t hv = map_hash_add(MAP_HASH_SEED, s, n);
	size_t j = hv & (t->nslots - 1);
	while (t->slots[j] != STRTAB_NONE) {
		uint32_t i = t->slots[j];
		if (t->hash[i] == hv && t->len[i] == n && memcmp(t->s[i], s, n) == 0)
			return i;
		j = (j + 1) & (t->nslots - 1);
	}
	return STRTAB_NONE;
}

uint32_t strtab_intern(strtab_t *t, const char *s, size_t n)
{
	uint32_t i = strtab_find(t, s, n);
	if (i != STRTAB_NONE)
		return i;
	if ((t->n + 1) * 2 > t->nslots)
		strtab_rehash(t);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
		t->len = xrealloc(t->len, t->cap * sizeof *t->len);
		t->hash = xrealloc(t->hash, t->cap * sizeof *t->hash);
	}
	i = (uint32_t)t->n++;
	t->s[i] = xstrndup(s, n);
	t->len[i] = (uint32_t)n;
	t->hash[i] = map_hash_add(MAP_HASH_SEED, s, n);
	size_t j = t->hash[i] & (t->nslots - 1);
	while (t->slots[j] != STRTAB_NONE)
		j = (j + 1) & (t->nslots - 1);
	t->slots[j] = i;
	return i;
}

void strtab_free(strtab_t *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->len);
	free(t->hash);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

