/* strtab.h - a table of interned strings, each stored once and named by its index (prefix strtab_).
 *
 * The history engine names every path, author name and e-mail by a 32-bit
 * index into one table, so that commits, changes and renames compare and
 * store paths as integers. Strings are byte strings of a given length (they
 * may hold any byte but are stored NUL-terminated too); indexes are dense,
 * in insertion order, and never change. Lookups are an open-addressing hash
 * on FNV-1a.
 *
 * Ownership: the table owns its strings; `s[i]` is borrowed until
 * strtab_free(). Not thread-safe for interning; lookups and reads of s/len
 * may run concurrently once nothing is interned any more. */
#ifndef ALMANAC_STRTAB_H
#define ALMANAC_STRTAB_H

#include <stddef.h>
#include <stdint.h>

/* Index meaning "no string". */
#define STRTAB_NONE UINT32_MAX

typedef struct {
	char **s;           /* the strings, NUL-terminated */
	uint32_t *len;      /* their lengths */
	uint64_t *hash;
	size_t n, cap;
	uint32_t *slots;    /* index or STRTAB_NONE */
	size_t nslots;
} strtab_t;

/* The index of the `n` bytes at `s`, or STRTAB_NONE when not interned. */
uint32_t strtab_find(const strtab_t *t, const char *s, size_t n);

/* The index of the `n` bytes at `s`, adding them when new. A zeroed table is empty. */
uint32_t strtab_intern(strtab_t *t, const char *s, size_t n);

/* Free every string; the table is then empty (zeroed). */
void strtab_free(strtab_t *t);

#endif
