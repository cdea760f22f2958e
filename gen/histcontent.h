/* histcontent.h - is a commit only cosmetic for a page? (prefix hcontent_; freshness.count: content)
 *
 * With hist_opts_t.content_canon set, a change to a page is compared: the
 * page's blob before the commit (at its old path in the first parent's tree)
 * and after it (at its path in the commit's tree) are read through the
 * object store, turned into canonical rendered text by the callback
 * (cosmetic.h) and their digests (SHA-1, git_odb_hash) compared. Digests are
 * cached per (blob, path) for the walk: a page's consecutive changes share a
 * version, so each version is rendered once. Only regular files (modes 0644
 * and 0755) up to 16 MiB are compared; anything else counts as a change. */
#ifndef ALMANAC_HISTCONTENT_H
#define ALMANAC_HISTCONTENT_H

#include "histpriv.h"

/* 1 when non-merge node `ni` left the page's rendered text identical: the
 * page at `old_path` in its first parent's tree and at `new_path` in its own.
 * 0 when the text changed or cannot be compared (stats count which). */
int hcontent_cosmetic(hist_t *h, uint32_t ni, uint32_t old_path, uint32_t new_path);

/* Forget the cached digests (each walk starts empty). */
void hcontent_reset(hist_t *h);

#endif
