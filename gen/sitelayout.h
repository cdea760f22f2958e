/* sitelayout.h - which layout lays out each page of a multi-repository site (prefix sitelayout_).
 *
 * The hub's pages follow the hub's layout (s->layout). A source's pages follow
 * the source's own layout (site_source_t.layout, detected in its work tree or
 * set by its own almanac.yml `layout:`): a Hugo or MkDocs source keeps the
 * URLs its tool gives it, under the source's name. The layout is asked about
 * the page's path in its own repository (site_page_repo_path), and a URL it
 * gives is a URL of the source's own site, which sitelayout_prefix puts under
 * "name/". For the hub every function here is the layout.h function on
 * s->layout with the site path.
 *
 * A source's site path "name/rest" stands for "base/rest" of its repository,
 * where base is its `path:` (site_locate); a plain source's layout has that
 * folder as its root, so its URLs are the site paths, as before. */
#ifndef ALMANAC_SITELAYOUT_H
#define ALMANAC_SITELAYOUT_H

#include "layout.h"
#include "site.h"

/* The layout of source `source` (0: the hub's). Borrowed. */
const layout_t *sitelayout_of(const site_t *s, int source);
/* The repository whose site the addresses written in a page of `source` are
 * in: the source itself when it has a Hugo or MkDocs layout of its own (its
 * '/' is its name), else the hub (0). */
int sitelayout_site_of(const site_t *s, int source);
/* `url`, a URL of source `source`'s own site, as a URL of the whole site:
 * "name/" before it for a source, unchanged for the hub. Takes `url` (frees
 * it; NULL gives NULL), returns a new string the caller frees. */
char *sitelayout_prefix(const site_t *s, int source, char *url);
/* `url`, a URL of the whole site of page `p`, as a URL of its own site (the
 * source's name and '/' removed). Borrowed from `url`. */
const char *sitelayout_local(const site_t *s, int source, const char *url);
/* The URL of the site folder `dir` (a page's dir, "name/sub" for a source's
 * folder) by the layout of the repository holding it (layout_dir_url). Caller
 * frees. */
char *sitelayout_dir_url(const site_t *s, const char *dir);
/* The URL the page at site path `path` of source `source` had by its path
 * alone (layout_path_url: a renamed page's old address). Caller frees. */
char *sitelayout_path_url(const site_t *s, int source, const char *path);
/* The URL an `aliases:` entry of page `p` stands for (layout_alias_url with
 * the page's layout). A Hugo or MkDocs source's aliases are addresses of its
 * own site, under its name; the site paths of a source without a layout of
 * its own (plain, or the hub's rules) are addresses from the hub's root (as Almanac's own aliases always were), its repository paths
 * ("old/x.md") name its own pages' old addresses. NULL with *why as
 * layout_alias_url. Caller frees. */
char *sitelayout_alias_url(const site_t *s, const site_page_t *p, const char *alias, const char **why);
/* The title of site folder `dir` in the navigation when its repository's
 * layout names it: a source's own folder ("name") is titled by its site's
 * title (Hugo's title, MkDocs' site_name); any other folder by the MkDocs
 * nav: section of its pages. NULL when none. Borrowed. */
const char *sitelayout_section_title(const site_t *s, const char *dir);
/* The file names that are a folder's page in site folder `dir`'s repository,
 * in the order they are looked for (Hugo: _index.md, index.md; Tech Docs:
 * index.html.md, index.html.md.erb; else index.md, README.md). Static. */
const char *const *sitelayout_index_names(const site_t *s, const char *dir);

#endif
