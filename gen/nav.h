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
	long *pages;       /* non-index pages directly inside, sorted by title (owned) */
	size_t npages;
	long *subs;        /* sub-folders, sorted by title (owned) */
	size_t nsubs;
} nav_folder_t;

typedef struct {
	nav_folder_t *folders;   /* folders[0] is the root (owned) */
	size_t nfolders;
	long *page_folder;       /* per page: the folder it is listed in (index pages: their own folder) */
} nav_t;

/* Build the tree from the published pages of `s`. */
void nav_build(nav_t *n, const site_t *s);
/* Free the tree. */
void nav_free(nav_t *n);
/* The sidebar for a page whose folder is `folder` and URL `cur_url`: the
 * top-level entries, with the folders on the path to `folder` expanded.
 * Links are relative to `cur_url`. Caller owns the returned list. */
val_t *nav_sidebar(const nav_t *n, const site_t *s, long folder, const char *cur_url);
/* Breadcrumbs (home ... parent folder) for a page in `folder`. Caller owns. */
val_t *nav_breadcrumbs(const nav_t *n, long folder, const char *cur_url, int include_folder);
/* Number of pages in folder `f` and all its sub-folders (index pages not counted). */
size_t nav_count_pages(const nav_t *n, long f);
/* Children of folder `f` as a list of {title,url,type,description,status,is_folder}. Caller owns. */
val_t *nav_children(const nav_t *n, const site_t *s, long f, const char *cur_url);

#endif
