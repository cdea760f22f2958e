/* pagefiles.h - the page files the last build wrote, and what each was rendered from (prefix pfiles_).
 *
 * A page file of the site (its HTML through the theme's templates) is a pure
 * function of the templates, the site's context and the page's context
 * (render.c). A build records, for every page file it publishes, the 128-bit
 * digest of its page context (val_digest) and the file's identity as the
 * build left it: size, modification time and inode. The next build into the
 * same output folder, with the same almanac binary, theme and site context
 * (the "identity" of the record), does not render a page whose context has
 * the same digest while the previous site still has that very file (same
 * size, time and inode: not edited, not replaced since): the file is kept
 * (pubkeep.h).
 *
 * The record is one file in Almanac's folder of the hub's Git directory
 * (`<dir>/page-files`), read whole and bounds-checked (histfile.h framing);
 * a damaged one, another output folder's or another identity's is ignored:
 * every page is rendered. Never repository content, never published.
 *
 * Threads: pfiles_match and pfiles_set from every rendering thread at once;
 * pfiles_load, pfiles_save and pfiles_free on one. */
#ifndef ALMANAC_PAGEFILES_H
#define ALMANAC_PAGEFILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

typedef struct pfiles pfiles_t;

/* A page file as the build left it. */
typedef struct {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t ino;
} pfiles_file_t;

/* The file identity of `st` (a regular file's stat). */
void pfiles_file_of(pfiles_file_t *out, const struct stat *st);

/* Read `path`, the record of the output folder `out` (absolute) made with
 * `ident`. Never fails: a record that cannot be used is empty. Caller frees
 * with pfiles_free. */
pfiles_t *pfiles_load(const char *path, const char *out, const uint64_t ident[2]);

/* 1 and *file filled when the last build wrote `rel` from a context with
 * this digest; 0 otherwise. */
int pfiles_match(const pfiles_t *f, const char *rel, const uint64_t digest[2], pfiles_file_t *file);

/* 1 and *file and digest[] (its context digest) filled when the last build
 * wrote `rel` from inputs with this non-zero input digest (pagekeys.h); 0
 * otherwise. */
int pfiles_match_input(const pfiles_t *f, const char *rel, const uint64_t input[2], pfiles_file_t *file,
		       uint64_t digest[2]);

/* Record that this build publishes `rel`, rendered from `digest`, as `file`. */
void pfiles_set(pfiles_t *f, const char *rel, const uint64_t digest[2], const pfiles_file_t *file);
/* pfiles_set, with the input digest the context was made from (NULL: none). */
void pfiles_set_input(pfiles_t *f, const char *rel, const uint64_t digest[2], const uint64_t *input,
		      const pfiles_file_t *file);

/* Replace the record with this build's (call once the site is published).
 * 0, or -1 when it cannot be written (the next build renders every page). */
int pfiles_save(pfiles_t *f);

/* Count one page file kept without rendering (ALMANAC_TIMING), and the count so far. Thread-safe. */
void pfiles_count_kept(pfiles_t *f);
size_t pfiles_kept(const pfiles_t *f);

/* Free; accepts NULL. */
void pfiles_free(pfiles_t *f);

#endif
