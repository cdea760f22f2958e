/* val.h - a JSON-like value tree: the data model shared by front matter,
 * templates and JSON output.
 *
 * Ownership: every constructor returns a new value owned by the caller;
 * val_list_push() and val_map_set() take ownership of the value passed in;
 * val_map_get()/val_list_at() return borrowed pointers. val_free() frees a
 * whole tree and accepts NULL. Maps keep insertion order (deterministic).
 *
 * Shared values: a value whose `shared` field is nonzero belongs to a
 * longer-lived tree and may be referenced from several short-lived trees at
 * once (read-only, from any number of threads); val_free() leaves it (and
 * everything under it) alone. The long-lived owner frees it with
 * val_free_shared(). A caller may also put a shared value it owns itself
 * into a tree, e.g. a val_t on its stack whose str borrows a string owned
 * elsewhere (no copy); it must outlive the tree. */
#ifndef ALMANAC_VAL_H
#define ALMANAC_VAL_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

typedef enum { VAL_NULL, VAL_BOOL, VAL_NUM, VAL_STR, VAL_LIST, VAL_MAP } val_type;

typedef struct val val_t;

typedef struct {
	char *key;   /* owned, unless key_lit */
	val_t *val;  /* owned */
	int key_lit; /* key is a string literal (val_map_add_lit): not freed */
	int line, col; /* the key's position (1-based) when parsed from a file, else 0 */
} val_pair_t;

struct val {
	val_type type;
	int line, col;      /* source position (1-based) when parsed from a file, else 0 */
	int shared;         /* nonzero: val_free() does not free it (see "Shared values" above) */
	int b;              /* VAL_BOOL */
	double num;         /* VAL_NUM */
	char *str;          /* VAL_STR (owned, NUL-terminated); for VAL_NUM the source text if any */
	size_t len;         /* VAL_STR byte length; VAL_LIST/VAL_MAP element count */
	size_t cap;
	val_t **items;      /* VAL_LIST elements (owned) */
	val_pair_t *pairs;  /* VAL_MAP entries (owned) */
	int digested;       /* digest holds val_digest of this value (val_digest_freeze) */
	uint64_t digest[2];
};

val_t *val_null(void);
val_t *val_bool(int b);
val_t *val_num(double n);
val_t *val_str(const char *s);
val_t *val_strn(const char *s, size_t n);
/* Take ownership of a malloc'd string. */
val_t *val_str_take(char *s);
val_t *val_list(void);
val_t *val_map(void);
/* Free a tree; accepts NULL. Shared values inside it (and `v` itself when
 * shared) are left alone. */
void val_free(val_t *v);
/* Free a tree including its shared values (the long-lived owner's
 * destructor); accepts NULL. No other tree may still reference them. */
void val_free_shared(val_t *v);
/* Deep copy (caller owns the result). */
val_t *val_copy(const val_t *v);

/* Append `item` (ownership taken) to list `l`; returns item. */
val_t *val_list_push(val_t *l, val_t *item);
/* Element i of a list, borrowed; NULL when out of range or not a list. */
val_t *val_list_at(const val_t *l, size_t i);
/* Set `key` in map `m` to `v` (ownership taken), replacing an existing entry; returns v. */
val_t *val_map_set(val_t *m, const char *key, val_t *v);
/* Append `key` -> `v` (ownership of v taken) to map `m` without copying `key`
 * and without looking for an existing entry: `key` must outlive the map (a
 * string literal) and must not be in `m` yet. Returns v. */
val_t *val_map_add_lit(val_t *m, const char *key, val_t *v);
/* Append `key` (copied) -> `v` without looking for the key: the caller knows
 * it is new (a parser that keeps its own index of the keys). Returns `v`. */
val_t *val_map_append(val_t *m, const char *key, val_t *v);
/* val_map_add_lit of a new string (copied) / bool / number. Return the new value. */
val_t *val_map_add_lit_str(val_t *m, const char *key, const char *s);
val_t *val_map_add_lit_bool(val_t *m, const char *key, int b);
val_t *val_map_add_lit_num(val_t *m, const char *key, double n);
/* Convenience setters: string / number / bool. Return the new value (borrowed). */
val_t *val_map_set_str(val_t *m, const char *key, const char *s);
val_t *val_map_set_num(val_t *m, const char *key, double n);
val_t *val_map_set_bool(val_t *m, const char *key, int b);
/* Look up `key` in map `m`; borrowed; NULL when absent or `m` is not a map. */
val_t *val_map_get(const val_t *m, const char *key);
/* The string of a VAL_STR (borrowed), else NULL. */
const char *val_as_str(const val_t *v);

/* Parse JSON text into a tree. Returns 0 and sets *out (caller frees), or -1
 * with a message in `err` (at least 128 bytes) giving line:col. */
int val_parse_json(val_t **out, const char *s, size_t n, char *err, size_t errlen);
/* Write a tree as JSON. */
void val_write_json(json_writer_t *w, const val_t *v);
/* A 128-bit digest (XXH3) of the trees `vals[0..n)`: their types, map keys in order, strings,
 * numbers (value and source text) and booleans. Equal digests: the same trees, for any template.
 * A frozen value (val_digest_freeze) counts by its kept digest, without a walk. */
void val_digest(const val_t *const *vals, size_t n, uint64_t out[2]);
/* Keep `v`'s digest in it, so that every later val_digest of a tree holding it costs a lookup (a
 * shared subtree put in many trees). Neither `v` nor anything under it may change afterwards. Not
 * thread-safe for `v` itself: freeze a value before other threads read it. */
void val_digest_freeze(val_t *v);
/* Format a number the way templates print it: integers without a decimal point, others with %.15g. */
void val_format_num(char *dst, size_t dstlen, double n);

#endif
