/* sitesrc.h - the sources of a multi-repository site, loaded into it (prefix sitesrc_).
 *
 * `sources:` in the hub's almanac.yml (sources.h) names other repositories
 * whose pages join the hub's site (PRODUCT.md "Several repositories"). For
 * each one, in configuration order, sitesrc_load:
 *   1. makes it a local work tree (fetch.h: read in place, or a cached clone
 *      fetched with libgit2); `--source NAME=PATH` replaces its repo by a
 *      local work tree (a service repository's own CI checking its pages
 *      against the hub);
 *   2. reads its own almanac.yml, when it has one, through its PR_REPO root:
 *      its content folders and exclude patterns decide its pages (unless the
 *      entry names a `path:`), and its freshness settings apply to them
 *      (site_source_cfg);
 *   3. scans it (scan.h) and adds its pages and assets to the site under
 *      `name/` (site.h site_source_t), with their paths in their repository
 *      (repo_path) for reading, dating and owners.
 * Diagnostics about a source's files name them by their site path
 * ("payments/x.md") when they are published, else "<name>:<path>".
 *
 * A source that cannot be fetched is an error at its entry in the
 * configuration and the load fails (exit code 4: the previous site stays),
 * unless opts.keep_going takes its last complete fetch (a warning). */
#ifndef ALMANAC_SITESRC_H
#define ALMANAC_SITESRC_H

#include <git2.h>
#include <stdint.h>

#include "site.h"

/* Load every source of s->cfg into `s` (after the hub's own scan: the pages
 * and assets are appended, unsorted). `hub` is the hub's repository (its
 * Git folder holds the cached clones, under almanac/sources/). Mixes every
 * source's inputs (its commit or HEAD, its scan's stamp, its configuration)
 * into *stamp, for the build's fingerprint. Returns 0, -4 when a source
 * could not be made available or its configuration is invalid (diagnostics
 * added), or -2 when Ctrl-C stopped a fetch. */
int sitesrc_load(site_t *s, git_repository *hub, uint64_t *stamp);
/* The site path of `repo_path` in source `k` (1-based), or NULL when that
 * source does not publish it (outside its `path:`). Caller frees. */
char *sitesrc_site_path(const site_t *s, int k, const char *repo_path);
/* Free s->sources; accepts a site without sources. */
void sitesrc_free(site_t *s);

#endif
