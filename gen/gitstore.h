/* gitstore.h - the object store the history walk reads through (prefix gitstore_).
 *
 * One entry point for Git objects: gitstore_read() tries the pack reader
 * (gitpack.h) first and falls back to libgit2's object database for
 * anything it does not find or understand (loose objects, alternates,
 * corrupt entries), so the pack reader is purely an accelerator and the
 * answers are libgit2's either way. Tree objects additionally go through an
 * LRU cache of GITSTORE_TREE_CACHE raw trees (adjacent commits share most
 * trees): gitstore_tree().
 *
 * Replacements (`git replace`, refs/replace/<id>): with a replacement table
 * set, reading object X reads its replacement instead (following chains up
 * to GITSTORE_MAX_REPLACE_DEPTH, as git does), under X's id: the tree cache
 * and every caller see the replaced content. The pack reader's own base
 * lookups are never replaced (they are the pack's internals).
 *
 * Counters (objects read from packs / through libgit2, trees read) feed the
 * walk's statistics (hist_stats_t); the caller resets them.
 *
 * Ownership: the store is the caller's (gitstore_init, gitstore_free); the
 * object database and the common folder are borrowed and must outlive it.
 * Objects returned are new references (gitobj_unref them). One store is
 * used by one thread at a time. Nothing here knows about commits or pages. */
#ifndef ALMANAC_GITSTORE_H
#define ALMANAC_GITSTORE_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "gitobj.h"
#include "gitpack.h"

#define GITSTORE_TREE_CACHE 8192
/* git's MAXREPLACEDEPTH */
#define GITSTORE_MAX_REPLACE_DEPTH 5

/* One replacement: reading `from` reads `to`. */
typedef struct {
	git_oid from, to;
} gitstore_replace_t;

typedef struct {
	git_oid oid;
	gitobj_t *obj;
	uint32_t prev, next;  /* LRU list */
	int used;
} gitstore_tslot_t;

typedef struct {
	git_odb *odb;           /* borrowed; NULL: only the packs are read */
	const char *commondir;  /* borrowed: the repository's common folder, trailing '/' */
	gitpack_set_t packs;    /* mapped on the first read */
	const gitstore_replace_t *replace; /* borrowed, sorted by `from`; NULL: none */
	size_t nreplace;
	/* the tree LRU: slots, an open-addressing hash of their ids, a list */
	gitstore_tslot_t *tslots;
	uint32_t *thash;
	size_t tcap, nthash, tused;
	uint32_t thead, ttail;
	/* counters (the caller resets them) */
	size_t objects_packed;  /* objects read from the packs */
	size_t objects_libgit2; /* objects read through git_odb_read */
	size_t trees_read;      /* tree objects read (cache misses of gitstore_tree) */
} gitstore_t;

/* Set up an empty store over `odb` and the pack files of `commondir`
 * (both borrowed). Nothing is mapped yet. */
void gitstore_init(gitstore_t *st, git_odb *odb, const char *commondir);

/* Use the `n` replacements of `r` (borrowed: they must outlive the store's
 * use; sorted by `from`, unique) for every later read; n = 0: none. */
void gitstore_set_replacements(gitstore_t *st, const gitstore_replace_t *r, size_t n);

/* Read object `id` (its replacement's content when it has one): 0 and a new reference in *out, or libgit2's error code
 * (GIT_ENOTFOUND when the object is absent; git_error_last() says why). */
int gitstore_read(gitstore_t *st, const git_oid *id, gitobj_t **out);

/* Read tree `id` through the cache: 0 and a new reference in *out, or a
 * negative code (the object is missing, unreadable or not a tree: libgit2's
 * last error is set). */
int gitstore_tree(gitstore_t *st, const git_oid *id, gitobj_t **out);

/* Put tree `id` (when cached) at the cold end of the LRU: a commit's own
 * trees are read once more only in exceptional histories, while its parent's
 * trees are the snapshot the next (older) commits are compared with. */
void gitstore_tree_demote(gitstore_t *st, const git_oid *id);

/* Drop the pack mappings, the delta-base cache and the tree cache (the
 * counters stay); the next read maps the packs again, so a store may be
 * dropped between walks to give the memory back. */
void gitstore_drop(gitstore_t *st);

/* Free everything the store holds (not the borrowed odb). Accepts a zeroed store. */
void gitstore_free(gitstore_t *st);

#endif
