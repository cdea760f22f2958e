/* map.h - string-keyed hash map (prefix map_).
 *
 * Keys are copied and owned by the map; values are opaque pointers (or
 * integers through MAP_INT) that the map never frees. Lookups on a map that
 * is no longer modified are safe from several threads. */
#ifndef ALMANAC_MAP_H
#define ALMANAC_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *key;
	void *val;
	uint64_t hash;
} map_entry_t;

typedef struct {
	map_entry_t *slots;
	size_t cap, len;
} map_t;

#define MAP_INIT {NULL, 0, 0}

/* Insert or replace. Returns the previous value or NULL. */
void *map_put(map_t *m, const char *key, void *val);
/* Make room for `n` entries in all, so that putting them does not grow the
 * table again and again (a map of every page of a big site). */
void map_reserve(map_t *m, size_t n);
/* Look up; returns 1 and sets *val when found. `val` may be NULL. */
int map_get(const map_t *m, const char *key, void **val);
/* Free the keys and the table (not the values). */
void map_free(map_t *m);
/* FNV-1a 64-bit hash of `n` bytes. */
uint64_t map_hash(const char *s, size_t n);
/* FNV-1a's starting value, for map_hash_add. */
#define MAP_HASH_SEED 1469598103934665603ULL
/* Continue an FNV-1a hash `h` over `n` more bytes (map_hash(s, n) ==
 * map_hash_add(MAP_HASH_SEED, s, n)): for hashing several pieces in turn. */
uint64_t map_hash_add(uint64_t h, const void *data, size_t n);

#define MAP_INT(i) ((void *)(intptr_t)(i))
#define MAP_AS_INT(p) ((long)(intptr_t)(p))

#endif
