/* histwalk.h - the history walk itself: items, pages, events, merge simplification (prefix hwalk_).
 *
 * Every commit reachable from HEAD becomes a node (histcommit.h). The walk
 * pops nodes from a priority queue ordered like git's default `git log`
 * (histqueue.h: committer date, newest first; ties in insertion order).
 *
 * What is followed is a set of ITEMS: one per page path being searched (a
 * page gets a new item at the old path when a rename is followed) and one per
 * watch glob. Each queued node carries a reference-counted bitset S of the
 * items for which that node is in the item's own simplified history (the
 * commits `git log -- PATH` would visit). When a node is popped:
 *   - non-merge: items whose path the commit changed get an event; every
 *     item in S goes on to the parent (git keeps walking past a shown
 *     commit), except items ended by a pure rename / creation, whose
 *     successor item (old path) starts at the parent;
 *   - merge: an item goes to the first parent whose version of its path is
 *     identical (git's history simplification); when no parent is identical,
 *     the merge is an event for the item and the item goes to every parent;
 *   - boundary (shallow, or parents missing): items still searching are
 *     truncated.
 * A page is resolved once its last counting commit is found and its events
 * reach opts.since (or its creation). The walk stops when every page is
 * resolved; nodes whose S holds no live item are skipped without reading
 * their trees. A node's changed paths come from histdiff.h (or the facts
 * cache); which commits count from histignore.h and histrename.h. */
#ifndef ALMANAC_HISTWALK_H
#define ALMANAC_HISTWALK_H

#include "histpriv.h"

/* Walk from HEAD for h->pages and h->watches (set up by hist_walk, with
 * h->pages[i].last = NONE): 0 when done, HIST_STOPPED when opts->stop was
 * raised (the queue is emptied), or a negative code when the history cannot
 * be read (a diagnostic is added to `d`). Nothing to do for an unborn HEAD
 * or when nothing is asked. */
int hwalk_run(hist_t *h, const hist_opts_t *opts, diag_list_t *d);

#endif
