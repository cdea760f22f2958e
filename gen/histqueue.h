/* histqueue.h - the history walk's commit queue, in git's date order (prefix hqueue_).
 *
 * `git log` pops commits from a priority queue ordered by committer date,
 * newest first, ties in insertion order; the walk does the same so that it
 * meets commits in git's order (which decides, e.g., which of two commits
 * with the same change a page's search finds first). A node is queued once
 * (N_QUEUED) and never again after it was popped (N_DONE): like git, a
 * commit reached again through clock skew is not revisited. Each queued node
 * carries the union of the item sets handed to it (histset.h). */
#ifndef ALMANAC_HISTQUEUE_H
#define ALMANAC_HISTQUEUE_H

#include "histpriv.h"

/* Queue node `ni` (sets N_QUEUED and its insertion number). */
void hqueue_push(hist_t *h, uint32_t ni);

/* Remove and return the first node (h->nheap must be > 0). */
uint32_t hqueue_pop(hist_t *h);

/* Give node `pi` the items of `s` (a reference is taken) and queue it;
 * nothing when it was already walked. */
void hqueue_give(hist_t *h, uint32_t pi, hset_t *s);

/* Give node `pi` one item and queue it; nothing when it was already walked. */
void hqueue_give_one(hist_t *h, uint32_t pi, uint32_t item);

#endif
