/* map.c - open-addressing string hash map. See map.h. */
#include "map.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "buf.h"

uint64_t map_hash_add(uint64_t h, const void *data, size_t n)
{
	const unsigned char *b = data;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t map_hash(const char *s, size_t n)
{
	return map_hash_add(MAP_HASH_SEED, s, n);
}

/* The table's own hash of a key: XXH3, several times faster than FNV-1a on paths and names (the
 * maps of a big site hash every page's address many times over); never stored nor shown. */
static uint64_t key_hash(const char *key, size_t n)
{
	return XXH3_64bits(key, n);
}

static void map_resize(map_t *m, size_t ncap)
{
	map_entry_t *ns = xcalloc(ncap, sizeof *ns);
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

static void map_grow(map_t *m)
{
	map_resize(m, m->cap ? m->cap * 2 : 64);
}

void map_reserve(map_t *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;
	while ((n + 1) * 4 >= cap * 3)
		cap *= 2;
	if (cap > m->cap)
		map_resize(m, cap);
}

void *map_put(map_t *m, const char *key, void *val)
{
	if ((m->len + 1) * 4 >= m->cap * 3)
		map_grow(m);
	size_t n = strlen(key);
	uint64_t h = key_hash(key, n);
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key)) {
			void *old = m->slots[j].val;
			m->slots[j].val = val;
			return old;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->slots[j].key = xmalloc(n + 1);
	memcpy(m->slots[j].key, key, n + 1);
	m->slots[j].val = val;
	m->slots[j].hash = h;
	m->len++;
	return NULL;
}

int map_get(const map_t *m, const char *key, void **val)
{
	if (!m->cap)
		return 0;
	uint64_t h = key_hash(key, strlen(key));
	size_t j = h & (m->cap - 1);
	while (m->slots[j].key) {
		if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key)) {
			if (val)
				*val = m->slots[j].val;
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

void map_free(map_t *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}
