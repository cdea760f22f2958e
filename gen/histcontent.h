/* histcontent.h - is a commit only cosmetic for a page? (prefix hcontent_; freshness.count: content)
 *
 * With hist_opts_t.content_canon set, a change to a page is compared: the
 * page's blob before the commit (at its old path in the first parent's tree)
 * and after it (at its path in the commit's tree) are read through the
 * object store, turned into canonical rendered text by the callback
 * (cosmetic.h) and their digests (SHA-1, git_odb_hash) compared. Digests are
 * cached per (blob, path): a page's consecutive changes share a version, so
 * each version is rendered once. The verdicts are cached per (commit, old
 * path, new path), and the facts cache (histcache.h) keeps them for later
 * walks (for one version of the canonical form): a walk after new commits
 * compares only the new changes. Only regular files (modes 0644
 * and 0755) up to 16 MiB are compared; anything else counts as a change. */
#ifndef ALMANAC_HISTCONTENT_H
#define ALMANAC_HISTCONTENT_H

#include "histpriv.h"

/* 1 when non-merge node `ni` left the page's rendered text identical: the
 * page at `old_path` in its first parent's tree and at `new_path` in its own.
 * 0 when the text changed or cannot be compared (stats count which). A new
 * verdict sets h->dirty (the facts cache is rewritten with it). */
int hcontent_cosmetic(hist_t *h, uint32_t ni, uint32_t old_path, uint32_t new_path);

/* Add a known verdict (read from the facts cache) unless the triple is cached:
 * `cosmetic` 1 or 0, `compared` 0 when the versions were not comparable (a
 * link, a file over 16 MiB: the commit counts). */
void hcontent_remember_verdict(hist_t *h, const git_oid *commit, uint32_t old_path, uint32_t new_path, int cosmetic,
			       int compared);

/* Forget the cached digests. */
void hcontent_reset(hist_t *h);

#endif
