/* gittree.h - raw Git tree objects: their entries, and comparing two trees (prefix gittree_).
 *
 * A tree object is a list of entries "<octal mode> <name>\0<20-byte id>",
 * sorted in git's tree order (names compared bytewise, a subtree's name as if
 * followed by '/'). gittree_next() reads one entry, checking the format, so a
 * corrupt tree is an error, never a read past its end.
 *
 * gittree_diff() compares two trees the way `git diff-tree -r` does: both
 * entry lists side by side, descending only into subtrees whose ids differ,
 * and reports every file (non-tree entry) that was added, deleted or changed
 * (content, mode or type) with its full '/'-separated path. Nothing here
 * knows about commits or pages: the caller decides what a change means.
 *
 * Trees are read through the object store (gitstore.h) and its cache. */
#ifndef ALMANAC_GITTREE_H
#define ALMANAC_GITTREE_H

#include <git2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "gitstore.h"

/* A position in a raw tree object. */
typedef struct {
	const unsigned char *p, *e;
} gittree_iter_t;

/* One entry; `name` and `oid` point into the raw object (borrowed: valid
 * while the caller holds its reference to the tree). */
typedef struct {
	uint32_t mode;
	const char *name;      /* not NUL-terminated: namelen bytes */
	size_t namelen;
	const git_oid *oid;    /* 20 bytes inside the object */
	int is_tree;           /* mode is a folder (040000) */
} gittree_entry_t;

/* The next entry of `it` into *e: 1, 0 at the end, -1 when the tree is corrupt. */
int gittree_next(gittree_iter_t *it, gittree_entry_t *e);

/* Called for every changed file: `path` holds its full path (path->s, NUL-terminated,
 * path->len bytes), `status` is 'A' (only in the new tree), 'D' (only in the old
 * one) or 'M' (both, different id or mode), `oid` and `mode` the entry's on the
 * new side ('A', 'M') or the old side ('D'). Borrowed for the call only. */
typedef void (*gittree_emit_fn)(void *ctx, const buf_t *path, char status, const git_oid *oid, uint32_t mode);

/* Git's file modes (the type bits of a tree entry's mode). */
#define GITTREE_TYPE(mode) ((mode) & 0170000)
#define GITTREE_IS_FILE(mode) (GITTREE_TYPE(mode) == 0100000)   /* a regular file (0644 or 0755) */
#define GITTREE_IS_LINK(mode) (GITTREE_TYPE(mode) == 0120000)   /* a symbolic link */

/* git's core.maxTreeDepth default (git 2.44): folders nested deeper are refused. */
#define GITTREE_MAX_DEPTH 4096

/* gittree_diff's returns besides 0 and libgit2's codes. */
#define GITTREE_STOPPED (-1000) /* df->stop was raised */
#define GITTREE_ELIMIT (-1001)  /* a limit of df was exceeded (libgit2's last error says which) */

typedef struct {
	gitstore_t *store;
	gittree_emit_fn emit;
	void *ctx;
	int demote;          /* gitstore_tree_demote() every new-side tree once compared:
	                        it will not be needed again (the newest parent's trees will) */
	/* bounds (0 = the default depth, no other bound): the repository decides how deep
	 * and wide its trees are, so a comparison is bounded in time and memory */
	size_t max_depth;    /* folder levels below the root (default GITTREE_MAX_DEPTH) */
	size_t max_path;     /* bytes of a path */
	uint64_t max_entries; /* tree entries looked at (checked every 1,024) */
	const atomic_int *stop; /* polled every 1,024 entries: GITTREE_STOPPED when raised */
	int failed;          /* set by `emit` to a negative code to end the comparison with it */
} gittree_diff_t;

/* Compare tree `a` (old; NULL = empty) with tree `b` (new; NULL = empty),
 * iteratively (no recursion on the trees' depth). `path` is the prefix the
 * paths start with: empty, or ending with '/'; it is used as scratch and
 * restored. Changes are reported in tree order, depth first. Returns 0,
 * GITTREE_STOPPED, GITTREE_ELIMIT, df->failed when `emit` set it, or a
 * negative libgit2 code when a tree cannot be read or is corrupt (libgit2's
 * last error says which, for every negative return but GITTREE_STOPPED). */
int gittree_diff(gittree_diff_t *df, const git_oid *a, const git_oid *b, buf_t *path);

/* 1 when `path` ('/'-separated) names a non-tree entry in tree `root`. */
int gittree_has_file(gitstore_t *st, const git_oid *root, const char *path);

/* gittree_has_file, and the entry's id and mode into *oid and *mode (either
 * may be NULL) when found. */
int gittree_find(gitstore_t *st, const git_oid *root, const char *path, git_oid *oid, uint32_t *mode);

#endif
