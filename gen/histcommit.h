/* histcommit.h - the commits a history walk reaches, as nodes (prefix hcommit_).
 *
 * Every commit the walk reaches becomes a node (cnode_t in histpriv.h, an
 * index into h->nodes), found by id through an open-addressing hash. A node
 * is created with its metadata: from the facts cache when it has the commit
 * (histcache.h), else by reading and parsing the commit object (tree,
 * parents, author, committer dates, summary as git's %s). A commit absent
 * from the object database is a node flagged N_MISSING; one listed in the
 * repository's `shallow` file is flagged N_SHALLOW.
 *
 * Paths, names and e-mails are interned in h->strs through hcommit_intern(),
 * which also grows the per-path arrays the walk keeps beside the strings. */
#ifndef ALMANAC_HISTCOMMIT_H
#define ALMANAC_HISTCOMMIT_H

#include "histpriv.h"

/* The index of the `n` bytes at `s` in h->strs (added when new), with the
 * per-path arrays (path_items, pglob_*, author_ign) grown to match. */
uint32_t hcommit_intern(hist_t *h, const char *s, size_t n);

/* The node of commit `id`, or NONE. */
uint32_t hcommit_find(const hist_t *h, const git_oid *id);

/* Index node `idx` (already stored at h->nodes[idx], h->nnodes not yet
 * counting it) by its id. */
void hcommit_index(hist_t *h, uint32_t idx);

/* Find or create the node of commit `id` with its metadata: 0 and *out, or
 * a negative libgit2 code when the object exists but cannot be read or is
 * not a valid commit (libgit2's last error says why). A missing commit is
 * not an error here: its node is flagged N_MISSING. May move h->nodes. */
int hcommit_get(hist_t *h, const git_oid *id, uint32_t *out);

/* Free node `n`'s change lists and renames (N_FACTS data). */
void hcommit_free_facts(cnode_t *n);

/* Read the repository's `shallow` file (<commondir>/shallow) into
 * h->shallow_oids, sorted; none when it is absent. */
void hcommit_load_shallow(hist_t *h);

#endif
