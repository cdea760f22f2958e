/* searchfiles.h - what the last build wrote under search/, to keep it without reading it (prefix srfiles_).
 *
 * A rebuild writes the whole index again in memory (search.h: its ranks
 * depend on every page), but most of its files come out as they were. The
 * publish step keeps a file whose bytes are unchanged (pubkeep.h) by reading
 * the previous one, 56 MB for the bench's 20,000 pages; and a metadata chunk
 * (m/I.json) costs more to make (excerpts, JSON) than to check. This record,
 * `<dir>/search-files` beside the index's shares (searchpart.h), lists each
 * file the last build's index had: its path under search/, the XXH3 of its
 * bytes, the key of what it was made from (a metadata chunk's pages, else
 * 0) and the size, modification time and inode it had in the site. A build
 * then keeps a file without reading it when its bytes hash the same (term
 * shards, vocabulary) or its inputs have the same key (metadata chunks,
 * not even made), and the previous site's file is still that one
 * (pub_kept_as). The record is written after the index; a record of another
 * binary, damaged or truncated, is not used (histfile.h's framing). */
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

/* The record at `path` for the binary `binary_id`; never NULL (empty when absent or not usable).
 * Free with srfiles_free. */
srfiles_t *srfiles_load(const char *path, uint64_t binary_id);
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
/* Write the entries of the `n` lists to `path` for `binary_id` (atomically; a record that cannot be
 * written is only missed by the next build). */
void srfiles_save(const char *path, uint64_t binary_id, const srfiles_list_t *lists, size_t n);

#endif
