/* histgraft.h - what rewrites the history git log shows: replace refs and grafts (prefix hgraft_).
 *
 * `git log` honours both, and so does the walk:
 *   - replace refs (`git replace X Y`, `git replace --graft X P...`): every
 *     refs/replace/<X> pointing at Y makes reading object X read Y instead
 *     (the commit keeps X's id: git log shows X with Y's content). As in git,
 *     they are off when GIT_NO_REPLACE_OBJECTS is set or core.useReplaceRefs
 *     is false, and GIT_REPLACE_REF_BASE moves them. They are handed to the
 *     object store (gitstore.h), so trees and blobs may be replaced too.
 *   - grafts (<commondir>/info/grafts, deprecated in git but still read by
 *     git log): "<commit> [<parent>...]" per line; a grafted commit has the
 *     listed parents instead of its own.
 * Both change the facts a walk learns about a commit, so they are part of
 * the cache files' key: hgraft_load() computes a digest of them (0 when there
 * are none) that the facts cache (histcache.h) and the result table
 * (histresults.h) store and compare. */
#ifndef ALMANAC_HISTGRAFT_H
#define ALMANAC_HISTGRAFT_H

#include "histpriv.h"

/* Read the replace refs and the graft file into h (replacing what an earlier
 * call read), give the replacements to h->store and set h->graft_digest.
 * Malformed graft lines are skipped, as git does. 0, or a negative libgit2
 * code when the references cannot be listed (libgit2's last error says why). */
int hgraft_load(hist_t *h);

/* Apply a graft to node `n` (parsed from its commit object): when the graft
 * file lists it, its parents become the listed ones. */
void hgraft_apply(hist_t *h, cnode_t *n);

/* Free what hgraft_load read (the store's table is unset). */
void hgraft_free(hist_t *h);

#endif
