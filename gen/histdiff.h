/* histdiff.h - the paths a commit changed, against each of its parents (prefix hdiff_).
 *
 * A commit's facts (N_FACTS) are one change list per parent (a root commit:
 * one list against the empty tree): every file added ('A'), deleted ('D') or
 * modified ('M': content, mode or type), as `git diff-tree -r` lists them
 * (gittree.h), plus the exact renames of a non-merge commit (histrename.h).
 * They depend only on the commit, so they are what the facts cache stores. */
#ifndef ALMANAC_HISTDIFF_H
#define ALMANAC_HISTDIFF_H

#include "histpriv.h"

/* Compute node `ni`'s facts (its parents' nodes must exist: pidx filled):
 * 0 and N_FACTS set (h->dirty: the cache is to be rewritten); GITTREE_STOPPED
 * when h->stop was raised; GITTREE_ELIMIT when the comparison with a parent
 * exceeds a bound (HIST_MAX_* in histpriv.h: changed paths, distinct paths,
 * tree entries, folder depth, path length; libgit2's last error names the
 * commit and the bound); or a negative libgit2 code when a tree cannot be
 * read. May move h->nodes. */
int hdiff_facts(hist_t *h, uint32_t ni);

#endif
