/* forgepages.h - the site's pages behind forge URLs of its repositories (prefix forgepages_).
 *
 * A runbook_url such as https://github.com/org/repo/blob/main/runbooks/db.md#failover
 * shows a file of one of the site's repositories on its forge (forgeurl.h):
 * the hub, whose web address is `repo_url` in its almanac.yml or else its
 * `origin` remote, or a source (sources:, its almanac.yml's `repo_url`, else
 * the URL it is fetched from, else its `origin` remote). This module finds
 * the page published from that file (any ref: the site has the branch it
 * builds), or says that the repository has no page there. A folder view
 * (tree/main/runbooks/db) is its README.md. */
#ifndef ALMANAC_FORGEPAGES_H
#define ALMANAC_FORGEPAGES_H

#include <git2.h>

#include "site.h"

typedef struct forgepages forgepages_t;

typedef enum {
	FORGE_OTHER,   /* not a file view of one of the site's repositories */
	FORGE_PAGE,    /* a file view of a page of the site */
	FORGE_RENAMED, /* a file view of a page's old path (a git rename): nothing there on the branch any more */
	FORGE_NO_PAGE  /* a file view of one of the site's repositories, of no page */
} forge_hit_t;

/* The web address of the repository `repo` (may be NULL) for the forge
 * checks: `repo_url` when not empty, else its `origin` remote's URL, through
 * forge_web_base. NULL when neither gives one. Caller frees. */
char *forgepages_web_base(git_repository *repo, const char *repo_url);

/* Index the pages of `s` (drafts only with --drafts) by repository and path,
 * and their old paths. Free with forgepages_free. */
forgepages_t *forgepages_new(const site_t *s);

/* What `url` shows (above). Repositories that share a web address (two
 * sources of one repository with different path: folders) are all searched:
 * a page of any of them first (in the site's order), then a renamed file's
 * page, else the file is of no page. With FORGE_PAGE and FORGE_RENAMED, *page is
 * the page; with FORGE_PAGE, *fragment is the URL's fragment (NULL when
 * none); with FORGE_NO_PAGE and FORGE_RENAMED, *path is the file's path in
 * its repository (the shortest ref taken). *fragment and *path are the
 * caller's to free (NULL when not set). `f` may be NULL: FORGE_OTHER. */
forge_hit_t forgepages_find(const forgepages_t *f, const char *url, long *page, char **fragment, char **path);

/* What GitLab's `runbook` annotation `value` names: a path in one of the
 * site's repositories (docs/patroni/postgres.md#errors; the hub's first, then
 * the sources' in order), with forgepages_find's results. FORGE_OTHER for a
 * template (`{{ $labels.type }}`: which file is not known). */
forge_hit_t forgepages_find_path(const forgepages_t *f, const char *value, long *page, char **fragment,
				 char **path);

/* Free `f`; accepts NULL. */
void forgepages_free(forgepages_t *f);

#endif
