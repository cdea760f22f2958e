/* searchmem.c - arenas and string maps for the search index (see searchmem.h). */
#include "searchmem.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "buf.h"

void *smem_huge_alloc(size_t n)
{
	void *p = NULL;
	if (posix_memalign(&p, SMEM_HUGE_BYTES, n) != 0)
		return xmalloc(n);
#ifdef MADV_HUGEPAGE
	madvise(p, n, MADV_HUGEPAGE);
#endif
	return p;
}

char *smem_alloc(smem_arena_t *a, size_t n)
{
	if (n > a->left) {
		size_t sz = n > 65536 ? n : 65536;
		/* a huge arena's blocks: 64 KiB, then 2 MiB ones after 1 MiB */
		if (a->huge && a->nblocks >= 16)
			sz = (n + SMEM_HUGE_BYTES - 1) / SMEM_HUGE_BYTES * SMEM_HUGE_BYTES;
		if (a->nblocks == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 16;
			a->blocks = xrealloc(a->blocks, a->cap * sizeof(*a->blocks));
		}
		a->cur = a->huge && a->nblocks >= 16 ? smem_huge_alloc(sz) : xmalloc(sz);
		a->blocks[a->nblocks++] = a->cur;
		a->left = sz;
	}
	char *p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

void *smem_alloc_aligned(smem_arena_t *a, size_t n)
{
	size_t pad = (size_t)(-(uintptr_t)a->cur & 7);
	if (a->cur && pad + n <= a->left) {
		a->cur += pad;
		a->left -= pad;
	} else if (a->cur) {
		a->left = 0; /* a new block (malloc'ed: aligned) */
	}
	return smem_alloc(a, n);
}

char *smem_strndup(smem_arena_t *a, const char *s, size_t n)
{
	char *p = smem_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void smem_arena_free(smem_arena_t *a)
{
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

void smem_map_grow(smem_map_t *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024;
	smem_slot_t *ns;
	if (ncap * sizeof(*ns) >= SMEM_HUGE_MIN) {
		ns = smem_huge_alloc((ncap * sizeof(*ns) + SMEM_HUGE_BYTES - 1) / SMEM_HUGE_BYTES * SMEM_HUGE_BYTES);
		memset(ns, 0, ncap * sizeof(*ns));
	} else {
		ns = xcalloc(ncap, sizeof(*ns));
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		size_t j = m->slots[i].hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
}

void smem_map_free(smem_map_t *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
