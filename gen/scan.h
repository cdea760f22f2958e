/* scan.h - find the pages and assets of a site (prefix scan_).
 *
 * Walks the content folders (default content/ and runbooks/; when none
 * exists, the whole work tree), skipping hidden entries, files ignored by
 * .gitignore (through libgit2; as in git, a tracked file is never ignored),
 * paths matching the exclude patterns, the output folder, and symlinks that
 * point outside the repository (warning). Ctrl-C (publish.h) ends a scan at
 * once, with what it found so far: the build then stops. */
#ifndef ALMANAC_SCAN_H
#define ALMANAC_SCAN_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "diag.h"
#include "fsutil.h"
#include "layout.h"
#include "pathres.h"

typedef struct {
	char **pages;   /* repo-relative .md paths, sorted (owned) */
	size_t npages;
	fsu_stat_id_t *page_stat; /* each page's stat identity as the scan saw it (the link's target for a
				   * link), in the order of `pages` (owned) */
	char **assets;  /* repo-relative other files, sorted (owned) */
	size_t nassets;
	char **folders; /* the content folders that exist (owned) */
	size_t nfolders;
	/* A hash of every page's and asset's path, size, mtime, ctime and inode:
	 * it changes when any of them is added, removed or written (what make
	 * and git's index rely on), without reading a file. */
	uint64_t stamp;
} scan_result_t;

/* Scan the work tree at `root` (absolute, trailing '/'), reading it through
 * `tree` (its PR_REPO root, pathres.h): a link (a content folder itself
 * included) that leaves the repository, leads into .git, loops or dangles is
 * a `symlink` warning and is left out. `repo` may be NULL (no .gitignore
 * handling). `skip_dir` (absolute, may be NULL) is never entered (the output
 * folder). Pages are the ".md" files (with cfg->middleman also ".md.erb"; other
 * ".erb" files and files named "_x" are then neither pages nor assets).
 * Returns 0 or -1 (diagnostics added). */
int scan_tree(scan_result_t *out, const char *root, const pr_root_t *tree, const config_t *cfg,
	      git_repository *repo, const char *skip_dir, diag_list_t *d);
/* Add to `out` (a scan_tree result over the same tree) every file under the
 * static folders of layout `l` (a Hugo site's, layout.h; nothing for other
 * layouts or one inherited from the hub) as an asset, Markdown files included, by the same rules (hidden entries,
 * .gitignore, exclude patterns, links, `skip_dir`); the assets stay sorted and
 * the stamp covers them. A folder that does not exist adds nothing; one that
 * holds or lies in a content folder scan_tree walked (or any folder, when it
 * walked the whole tree) is skipped: its files are there already. Returns 0
 * or -1 (an exclude pattern failed; diagnostics added). */
int scan_static(scan_result_t *out, const char *root, const pr_root_t *tree, const config_t *cfg,
		const layout_t *l, git_repository *repo, const char *skip_dir, diag_list_t *d);
/* Free the result. */
void scan_free(scan_result_t *r);
/* URL folder of a page path: "a/b.md" -> "a/b/", "a/index.md" -> "a/",
 * "a/README.md" -> "a/". `home_dir` (the first content folder, e.g. "content")
 * maps its own index to "". Caller frees. */
char *scan_page_url(const char *path, const char *home_dir);
/* A title made from the last segment of `path`: "k8s/node-not-ready" -> "Node not ready"
 * ('-' and '_' become spaces, first letter upper-cased). Caller frees. */
char *scan_pretty_name(const char *path);
/* 1 when `path`'s file name is index.md, README.md or index.html.md (Middleman's and Jekyll's
 * folder page): its folder's page under the plain layout. */
int scan_is_index(const char *path);

#endif
