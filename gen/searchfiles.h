/* searchfiles.h - what the last build wrote under search/, to keep it without reading it (prefix srfiles_).
 *
 * Most of a rebuild's index files come out as they were. The publish step
 * keeps a file whose bytes are unchanged (pubkeep.h) by reading the previous
 * one, 56 MB for the bench's 20,000 pages; and a metadata chunk (m/I.json)
 * costs more to make (excerpts, JSON) than to check. This record,
 * `<dir>/search-files` beside the index's shares (searchpart.h), lists each
 * file the last build's index had: its path under search/, the XXH3 of its
 * bytes, the key of what it was made from (a metadata chunk's pages, a term
 * shard's stems, else 0) and the size, modification time and inode it had in
 * the site. A build then keeps a file without reading it when its bytes hash
 * the same (vocabulary) or its inputs have the same key (metadata chunks,
 * term shards: not even made), and the previous site's file is still that one
 * (pub_kept_as). The record is written after the index; a record of another
 * binary, damaged or truncated, is not used (histfile.h's framing).
 *
 * It also holds what the term shards' postings were made from (search.c,
 * srfiles_terms_t): per page, a row of numbers (its place and status, its
 * field lengths), and per stem in byte order, the key of its postings'
 * inputs and their length. A rebuild then knows, without weighing them,
 * which stems' postings come out as they were, where the shards are cut,
 * which shards are byte for byte the last build's and which differ from it
 * in a few postings' impact or status bytes only (patched from the previous
 * site's file). One file, written once: the rows, the keys and the files
 * always describe the same build.
 *
 * Version 2 payload: binary id (u64), u32 file count, the files (string,
 * hash, key (2 x u64), size, inode, time), then u32 page count and u32 row
 * width, the rows (u32s), u32 stem count, each stem's key (2 x u64) and
 * postings length (u32). */
#ifndef ALMANAC_SEARCHFILES_H
#define ALMANAC_SEARCHFILES_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *rel;           /* under search/ (owned) */
	uint64_t hash;       /* XXH3-64 of its bytes */
	uint64_t key[2];     /* its inputs' key (0, 0: none) */
	uint64_t size, ino;
	int64_t mtime_ns;
} srfiles_entry_t;

typedef struct srfiles srfiles_t;

/* What the term shards were made from (see above; filled and read by search.c). */
typedef struct {
	uint32_t npages, width; /* `width` numbers per page */
	uint32_t *rows;         /* npages x width */
	uint32_t nterms;
	uint64_t (*keys)[2];    /* each term's key, in byte order of the terms */
	uint32_t *lens;         /* its postings' length */
} srfiles_terms_t;

/* The record at `path` for the binary `binary_id`; never NULL (empty when absent or not usable).
 * Free with srfiles_free. */
srfiles_t *srfiles_load(const char *path, uint64_t binary_id);
/* The record's terms (borrowed), or NULL when it has none. */
const srfiles_terms_t *srfiles_terms(const srfiles_t *r);
/* The entry for `rel`, or NULL. Borrowed; thread-safe (the record is only read once loaded). */
const srfiles_entry_t *srfiles_get(const srfiles_t *r, const char *rel);
void srfiles_free(srfiles_t *r);

/* The entries of this build's files, added by one thread each (a list per writer). */
typedef struct {
	srfiles_entry_t *v;
	size_t n, cap;
} srfiles_list_t;
/* Append an entry (`rel` copied). */
void srfiles_add(srfiles_list_t *l, const char *rel, uint64_t hash, const uint64_t key[2], uint64_t size,
		int64_t mtime_ns, uint64_t ino);
void srfiles_list_free(srfiles_list_t *l);
/* Write the entries of the `n` lists and the terms `terms` (NULL: none) to `path` for `binary_id`
 * (atomically; a record that cannot be written is only missed by the next build). */
void srfiles_save(const char *path, uint64_t binary_id, const srfiles_list_t *lists, size_t n,
		  const srfiles_terms_t *terms);
/* Free what `t` holds (not `t`). */
void srfiles_terms_free(srfiles_terms_t *t);

#endif
