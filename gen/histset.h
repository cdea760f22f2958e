/* histset.h - reference-counted bitsets of walk items (prefix hset_).
 *
 * Each commit queued by the history walk carries the set of items (pages'
 * paths, watch globs) for which it lies in the item's own simplified history
 * (histwalk.h). Most commits pass their parent the very set they got, so
 * sets are shared by reference count and copied only when one holder
 * changes its own (copy on write: hset_private). A NULL set is empty.
 *
 * Ownership: every holder owns one reference (hset_ref / hset_unref). Not
 * thread-safe. Knows nothing about what an item is. */
#ifndef ALMANAC_HISTSET_H
#define ALMANAC_HISTSET_H

#include <stdint.h>

typedef struct {
	uint32_t refs;
	uint32_t nw;        /* words in w */
	uint64_t w[];
} hset_t;

/* An empty set with room for `nw` words and one reference. */
hset_t *hset_new(uint32_t nw);

/* One more reference to `s` (NULL gives NULL). */
hset_t *hset_ref(hset_t *s);

/* Give back one reference; the last one frees the set. Accepts NULL. */
void hset_unref(hset_t *s);

/* 1 when item `i` is in `s` (NULL: never). */
static inline int hset_test(const hset_t *s, uint32_t i)
{
	return s && (i >> 6) < s->nw && ((s->w[i >> 6] >> (i & 63)) & 1);
}

/* A set the caller may modify, with room for `nw` words: `s` itself when the
 * caller holds its only reference and it is large enough, else a copy. Takes
 * over the caller's reference to `s` (which may be NULL). */
hset_t *hset_private(hset_t *s, uint32_t nw);

/* *dst |= src (src's reference is not taken over; *dst may be NULL). */
void hset_union_into(hset_t **dst, hset_t *src);

/* Add item `item` to *dst (which may be NULL). */
void hset_add(hset_t **dst, uint32_t item);

#endif
