/* histrename.h - renames in a commit (prefix hrename_).
 *
 * Renames are looked for in non-merge commits only (a merge is never treated
 * as a rename), among the files the commit added and deleted:
 *   - exact renames (hrename_exact), found for every such commit when its
 *     changes are computed: an added file whose blob a deleted file had, paired
 *     as git pairs them: a regular file only with a regular file (the
 *     executable bit may differ), a symbolic link only with a symbolic link
 *     (so a file and a link with the same blob are never a rename); when
 *     several deleted files qualify, the one with the same base name wins,
 *     else the first in id/path order.
 *   - renames with edits (hrename_similar), computed on demand, only when the
 *     walk needs to know where a page came from: libgit2's similarity search
 *     (git's default 50% threshold, diff.renameLimit) among the added and
 *     deleted files not already paired exactly.
 * A rename is PURE (score 100) when the blob and the mode are identical on
 * both sides, whatever the similarity search says: PRODUCT.md's "a commit
 * that only renamed the file (identical content) does not count". An exact
 * pairing with another mode (0644 -> 0755) scores 99, a similarity rename at
 * most 99 (libgit2's similarity ignores whitespace and line ends, so a moved
 * page converted to CRLF scores 100 there although its content changed). */
#ifndef ALMANAC_HISTRENAME_H
#define ALMANAC_HISTRENAME_H

#include "histpriv.h"

/* A path (strtab index), the blob it names and its mode. */
typedef struct {
	uint32_t path;
	git_oid oid;
	uint32_t mode;
} hpoid_t;

/* Pair the `nadd` added files with the `ndel` deleted ones by identical blob
 * and append the pairs to *ren (count *nren, capacity *cren), score 100 when
 * the modes are equal too, 99 otherwise. Sorts `dels`. */
void hrename_exact(hist_t *h, const hpoid_t *adds, size_t nadd, hpoid_t *dels, size_t ndel, hrename_t **ren,
		   size_t *nren, size_t *cren);

/* Compute the similarity renames of non-merge node `ni` (once: N_SIM) and
 * append them to its renames. 0, or a negative libgit2 code (its last error
 * says why). May move h->nodes. */
int hrename_similar(hist_t *h, uint32_t ni);

/* The old path of the rename of node `n` that produced `path`, among the
 * pure ones (exact = 1) or the others (exact = 0); NONE when there is none. */
uint32_t hrename_source(const cnode_t *n, uint32_t path, int exact);

/* 1 when change `x` of node `n` is one side of a pure rename. */
int hrename_change_is_pure(const cnode_t *n, const hchange_t *x);

#endif
