/* searchmem.h - the search index's memory: arenas and string maps (prefix smem_).
 *
 * Tokenizing 20,000 pages interns millions of words: an arena hands out
 * memory that is freed all at once, and a string map (open addressing, keys
 * copied into an arena) finds a word's entry with one hash and usually one
 * probe. The map's lookup is inline: it runs once per word of every page.
 * Neither is thread-safe: each tokenizing thread has its own. */
#ifndef ALMANAC_SEARCHMEM_H
#define ALMANAC_SEARCHMEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
	char **blocks;
	size_t nblocks, cap;
	char *cur;
	size_t left;
	int huge; /* big blocks backed by huge pages when they fill up */
} smem_arena_t;

#define SMEM_HUGE_BYTES ((size_t)2 << 20)
#define SMEM_HUGE_MIN SMEM_HUGE_BYTES /* smallest allocation worth huge pages (rounding up wastes less than half) */

/* `n` bytes (a multiple of SMEM_HUGE_BYTES) aligned for transparent huge pages,
 * and advised to use them: one page fault per 2 MiB instead of 512 (the
 * kernel's fault cost dominates filling a large fresh buffer). Plain memory
 * where that is not available. Free with free(). */
void *smem_huge_alloc(size_t n);
/* `n` bytes from `a`, unaligned (strings); valid until smem_arena_free. */
char *smem_alloc(smem_arena_t *a, size_t n);
/* Like smem_alloc, 8-byte aligned (for structs). */
void *smem_alloc_aligned(smem_arena_t *a, size_t n);
/* A NUL-terminated copy of the `n` bytes at `s`, in `a`. */
char *smem_strndup(smem_arena_t *a, const char *s, size_t n);
/* Free every block of `a` and empty it (it can be used again). */
void smem_arena_free(smem_arena_t *a);

/* ------------------------------------------------------------------ string map */

typedef struct {
	const char *key; /* NUL-terminated, in the owner's arena */
	uint32_t len;
	uint32_t hash;
	void *val;
} smem_slot_t;

typedef struct {
	smem_slot_t *slots;
	size_t cap, len;
} smem_map_t;

/* The bytes of a key shorter than 8 bytes, for hashing: loads that may
 * overlap, no byte-by-byte copy. */
static inline uint64_t smem_hash_tail(const char *s, size_t n)
{
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return (uint64_t)a << 32 | b;
	}
	if (n == 0)
		return 0;
	const unsigned char *u = (const unsigned char *)s;
	return (uint64_t)u[0] << 16 | (uint64_t)u[n >> 1] << 8 | u[n - 1];
}

/* The map's hash of the `n` bytes at `s`. */
static inline uint32_t smem_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
	uint64_t v;
	if (n < 8) {
		v = smem_hash_tail(s, n);
	} else {
		const char *end = s + n;
		while (end - s > 8) {
			memcpy(&v, s, 8);
			h = (h ^ v) * 0xff51afd7ed558ccdull;
			h ^= h >> 32;
			s += 8;
		}
		memcpy(&v, end - 8, 8); /* the last 8 bytes (may overlap the previous word) */
	}
	h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* Whether the `n` bytes at `a` and `b` are equal (inline: keys are short). */
static inline int smem_key_eq(const char *a, const char *b, size_t n)
{
	if (n < 8)
		return smem_hash_tail(a, n) == smem_hash_tail(b, n); /* it reads every byte */
	uint64_t x, y;
	size_t i = 0;
	for (; n - i > 8; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* Double the slots of `m` (its entries rehashed). */
void smem_map_grow(smem_map_t *m);

/* Find `k` or add it (copied into `a`); *added says which. The slot moves when the map grows: keep its
 * `val`, not the slot. */
static inline smem_slot_t *smem_upsert(smem_map_t *m, smem_arena_t *a, const char *k, size_t n, int *added)
{
	if ((m->len + 1) * 2 > m->cap)
		smem_map_grow(m);
	uint32_t h = smem_hash(k, n);
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		smem_slot_t *s = &m->slots[j];
		if (s->hash == h && s->len == n && smem_key_eq(s->key, k, n)) {
			*added = 0;
			return s;
		}
		j = (j + 1) & (m->cap - 1);
	}
	smem_slot_t *s = &m->slots[j];
	s->key = smem_strndup(a, k, n);
	s->len = (uint32_t)n;
	s->hash = h;
	s->val = NULL;
	m->len++;
	*added = 1;
	return s;
}

/* Free the slots of `m` (not the keys: they are its arena's) and empty it. */
void smem_map_free(smem_map_t *m);

#endif
