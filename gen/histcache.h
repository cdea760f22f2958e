/* histcache.h - the per-commit facts cache file `history-cache` (prefix hcache_).
 *
 * What a walk learns about a commit depends only on the commit's id (Git
 * objects are content-addressed): its tree, parents, dates, author, summary,
 * the paths it changed against each parent and the renames found. Those
 * facts are stored in `<commondir>/almanac/history-cache` (or the walk's
 * cache_dir) so a later walk reads Git objects only for new commits. Never
 * HEAD, the branch, the pages or the configuration: those are applied when
 * the walk replays the facts.
 *
 * Format (histfile.h's framing, magic "ALMHIST\0", version 4): the digest of
 * the replace refs and grafts the facts were read under (histgraft.h: a file
 * written under others is not used), the string table (paths, names, e-mails) then one record per commit: id,
 * tree, committer and author times, author and e-mail (string indexes),
 * summary, parents, one change list per parent (path index, 'A'/'D'/'M'),
 * renames (old, new, score) and whether similarity renames were computed;
 * then, for freshness.count: content, the canonical form's version and the
 * verdicts by (commit, old path, new path) (histcontent.h), so a later walk
 * compares only changes it has not seen.
 *
 * hcache_load() validates the whole file (checksum, every record's bounds
 * and indexes) before anything is used: a truncated, corrupt or other-version
 * file is rejected (stats.cache_rejected) and rewritten by the next
 * hcache_write(), never trusted. Records are decoded lazily, once, when the
 * walk first reaches their commit (hcommit_get). */
#ifndef ALMANAC_HISTCACHE_H
#define ALMANAC_HISTCACHE_H

#include "histpriv.h"

/* Read and validate h->cache_path into h->cache (emptied first): sets
 * stats.cache_loaded, or stats.cache_rejected when a file existed but was
 * not valid (the cache is then empty). A missing file is an empty cache. */
void hcache_load(hist_t *h);

/* The record of commit `id` in `c`, or NONE. */
uint32_t hcache_find(const hcache_t *c, const git_oid *id);

/* Fill node `n` (metadata and facts) from record `ri`, which must not have
 * been decoded before: flags N_META | N_FACTS | N_FROM_CACHE (and N_SIM). */
void hcache_decode(hist_t *h, cnode_t *n, uint32_t ri);

/* Write every node with metadata and facts to h->cache_path (atomically),
 * keeping the loaded records this walk did not reach when their commit still
 * exists in the object database (they become nodes first). Sets
 * stats.cache_written on success and clears h->dirty. */
void hcache_write(hist_t *h);

/* Free the loaded file; `c` is then empty. */
void hcache_clear(hcache_t *c);

#endif
