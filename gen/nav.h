/* nav.h - the folder tree behind navigation, breadcrumbs and section pages (prefix nav_).
 *
 * Folders of published pages form a tree whose root is the home page; the
 * first content folder (e.g. content/) is merged into the root. A folder
 * without an index page still gets a generated section page at its URL. */
#ifndef ALMANAC_NAV_H
#define ALMANAC_NAV_H

#include "site.h"
#include "val.h"

typedef struct {
	char *path;        /* repo-relative folder, "" for the root (owned) */
	char *url;         /* site-relative URL (owned) */
	char *title;       /* owned */
	long index_page;   /* page index of its index.md, or -1 */
	long parent;       /* folder index, -1 for the root */
	long *pages;       /* non-index pages directly inside that are in the navigation, in order (owned) */
	size_t npages;
	size_t nall;           /* every published page of the folder: its index, listed or not */
	long *subs;        /* sub-folders with something to list, in order (owned) */
	size_t nsubs;
	long *order;       /* subs and pages as listed: a sub-folder f as -(f+1), a page as its index (owned) */
	size_t norder;
	int weight;        /* its index page's weight, or the smallest weight inside it (MkDocs nav:); 0 = none */
} nav_folder_t;

typedef struct {
	nav_folder_t *folders;   /* folders[0] is the root (owned) */
	size_t nfolders;
	long *page_folder;       /* per page: the folder it is listed in (index pages: their own folder) */
} nav_t;

/* Build the tree from the published pages of `s`. A folder's title is the
 * MkDocs nav: section naming it, else its index page's (navigation) title,
 * else its name. Entries are listed in this order: those with a weight
 * (front matter weight:, the MkDocs nav: position) first, lowest first,
 * folders and pages mixed; then the others, folders before pages; ties by
 * title in natural order ("Step 2" before "Step 10", case-insensitive). */
void nav_build(nav_t *n, const site_t *s);
/* The title an entry shows in the navigation: nav_title, else title. Borrowed. */
const char *nav_title_of(const site_page_t *p);
/* Natural order of two titles: case-insensitive, runs of digits by value. */
int nav_natural_cmp(const char *a, const char *b);
/* Free the tree. */
void nav_free(nav_t *n);
/* The sidebar for a page whose folder is `folder` and URL `cur_url`: the
 * top-level entries, with the folders on the path to `folder` expanded.
 * Links are relative to `cur_url`. Caller owns the returned list. */
val_t *nav_sidebar(const nav_t *n, const site_t *s, long folder, const char *cur_url);
/* ---- sidebars shared between the pages of a folder ----
 * Every page directly inside a folder shows nearly the same sidebar: only
 * its own entry differs ("./", active). The cache builds each folder's
 * sidebar once (lazily, thread-safe) and hands every page a tree whose
 * entries are shared values (val.h) of the cached one; the cached tree is
 * freed once its last expected page released it. */
typedef struct nav_cache nav_cache_t;
/* A cache for the pages of `s` (the tree `n` must outlive it). `want`
 * (NULL: every published page) marks the pages whose sidebar will be asked
 * for: each of those must call nav_cache_release() after freeing the tree
 * nav_cache_sidebar() gave it. Caller frees with nav_cache_free(). */
nav_cache_t *nav_cache_new(const nav_t *n, const site_t *s, const unsigned char *want);
/* Free the cache and any folder trees still held; accepts NULL. Every tree
 * nav_cache_sidebar() returned must be freed before. */
void nav_cache_free(nav_cache_t *c);
/* The sidebar of page `page` (URL `cur_url`), equal to what nav_sidebar()
 * returns for it. Caller owns the returned list (free it with val_free,
 * which leaves the shared entries to the cache), then calls
 * nav_cache_release(). Thread-safe. */
val_t *nav_cache_sidebar(nav_cache_t *c, long page, const char *cur_url);
/* Page `page` is done with its sidebar (its tree is freed). Thread-safe; accepts a NULL cache. */
void nav_cache_release(nav_cache_t *c, long page);

/* Breadcrumbs (home ... parent folder) for a page in `folder`. Caller owns. */
val_t *nav_breadcrumbs(const nav_t *n, long folder, const char *cur_url, int include_folder);
/* Where page `page` lives, as its breadcrumbs say it without the home: the titles of the folders
 * above it from the top down (not its own folder when it is that folder's index page), joined by
 * `sep`. "" for a page of the home folder or a page not in the tree (a draft). Caller frees. */
char *nav_trail(const nav_t *n, long page, const char *sep);
/* Number of published pages in folder `f` and all its sub-folders, their index pages and the
 * pages the navigation leaves out included (the count the freshness report has for them). */
size_t nav_count_pages(const nav_t *n, long f);
/* Children of folder `f` as a list of {title,url,type,description,status,is_folder}. Caller owns. */
val_t *nav_children(const nav_t *n, const site_t *s, long f, const char *cur_url);

#endif
