/* histset.c - reference-counted item bitsets. See histset.h. */
#include "histset.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

hset_t *hset_new(uint32_t nw)
{
	hset_t *s = xcalloc(1, sizeof *s + (size_t)nw * sizeof(uint64_t));
	s->refs = 1;
	s->nw = nw;
	return s;
}

hset_t *hset_ref(hset_t *s)
{
	if (s)
		s->refs++;
	return s;
}

void hset_unref(hset_t *s)
{
	if (s && --s->refs == 0)
		free(s);
}

hset_t *hset_private(hset_t *s, uint32_t nw)
{
	if (s && s->refs == 1 && s->nw >= nw)
		return s;
	uint32_t n = nw;
	if (s && s->nw > n)
		n = s->nw;
	hset_t *c = hset_new(n);
	if (s) {
		memcpy(c->w, s->w, (size_t)s->nw * sizeof(uint64_t));
		hset_unref(s);
	}
	return c;
}

void hset_union_into(hset_t **dst, hset_t *src)
{
	if (!src)
		return;
	if (!*dst) {
		*dst = hset_ref(src);
		return;
	}
	if (*dst == src)
		return;
	hset_t *d = hset_private(*dst, src->nw);
	for (uint32_t i = 0; i < src->nw; i++)
		d->w[i] |= src->w[i];
	*dst = d;
}

void hset_add(hset_t **dst, uint32_t item)
{
	hset_t *d = hset_private(*dst, (item >> 6) + 1);
	d->w[item >> 6] |= 1ULL << (item & 63);
	*dst = d;
}
