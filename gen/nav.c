/* nav.c - folder tree, sidebar, breadcrumbs. See nav.h. */
#include "nav.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fsutil.h"
#include "scan.h"

static long folder_get(nav_t *n, map_t *m, const char *path, const char *home)
{
	if (!path[0] || !strcmp(path, home))
		return 0;
	void *v;
	if (map_get(m, path, &v))
		return MAP_AS_INT(v);
	char *up = fsu_dirname(path);
	long parent = folder_get(n, m, up, home);
	free(up);
	n->folders = xrealloc(n->folders, (n->nfolders + 1) * sizeof *n->folders);
	nav_folder_t *f = &n->folders[n->nfolders];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->url = xasprintf("%s/", path);
	f->title = scan_pretty_name(path);
	f->index_page = -1;
	f->parent = parent;
	long id = (long)n->nfolders++;
	map_put(m, path, MAP_INT(id));
	nav_folder_t *pf = &n->folders[parent];
	pf->subs = xrealloc(pf->subs, (pf->nsubs + 1) * sizeof *pf->subs);
	pf->subs[pf->nsubs++] = id;
	return id;
}

static const site_t *sort_site;
static const nav_t *sort_nav;

static int cmp_pages(const void *a, const void *b)
{
	const site_page_t *x = &sort_site->pages[*(const long *)a], *y = &sort_site->pages[*(const long *)b];
	int c = strcasecmp(x->title, y->title);
	return c ? c : strcmp(x->src, y->src);
}

static int cmp_folders(const void *a, const void *b)
{
	const nav_folder_t *x = &sort_nav->folders[*(const long *)a], *y = &sort_nav->folders[*(const long *)b];
	int c = strcasecmp(x->title, y->title);
	return c ? c : strcmp(x->path, y->path);
}

void nav_build(nav_t *n, const site_t *s)
{
	memset(n, 0, sizeof *n);
	map_t m = MAP_INIT;
	n->folders = xcalloc(1, sizeof *n->folders);
	n->folders[0].path = xstrdup("");
	n->folders[0].url = xstrdup("");
	n->folders[0].title = xstrdup("Home");
	n->folders[0].index_page = -1;
	n->folders[0].parent = -1;
	n->nfolders = 1;
	n->page_folder = xcalloc(s->npages + 1, sizeof *n->page_folder);
	const char *home = s->home_dir ? s->home_dir : "";
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		n->page_folder[i] = -1;
		if (p->draft && !s->opts.drafts)
			continue;
		long f = folder_get(n, &m, p->dir, home);
		n->page_folder[i] = f;
		nav_folder_t *fo = &n->folders[f];
		if (p->is_index && fo->index_page < 0 && !strcmp(p->url, fo->url)) {
			fo->index_page = (long)i;
			free(fo->title);
			fo->title = xstrdup(p->title);
		} else {
			fo->pages = xrealloc(fo->pages, (fo->npages + 1) * sizeof *fo->pages);
			fo->pages[fo->npages++] = (long)i;
		}
	}
	sort_site = s;
	sort_nav = n;
	for (size_t f = 0; f < n->nfolders; f++) {
		/* a folder without pages or sub-folders has NULL arrays, which qsort must not get */
		if (n->folders[f].npages > 1)
			qsort(n->folders[f].pages, n->folders[f].npages, sizeof(long), cmp_pages);
		if (n->folders[f].nsubs > 1)
			qsort(n->folders[f].subs, n->folders[f].nsubs, sizeof(long), cmp_folders);
	}
	map_free(&m);
}

void nav_free(nav_t *n)
{
	for (size_t i = 0; i < n->nfolders; i++) {
		free(n->folders[i].path);
		free(n->folders[i].url);
		free(n->folders[i].title);
		free(n->folders[i].pages);
		free(n->folders[i].subs);
	}
	free(n->folders);
	free(n->page_folder);
	memset(n, 0, sizeof *n);
}

static int on_path(const nav_t *n, long f, long target)
{
	for (long x = target; x >= 0; x = n->folders[x].parent)
		if (x == f)
			return 1;
	return 0;
}

static val_t *folder_items(const nav_t *n, const site_t *s, long f, long target, const char *cur_url, int depth)
{
	const nav_folder_t *fo = &n->folders[f];
	val_t *list = val_list();
	for (size_t i = 0; i < fo->nsubs; i++) {
		const nav_folder_t *sub = &n->folders[fo->subs[i]];
		val_t *it = val_list_push(list, val_map());
		val_map_set_str(it, "title", sub->title);
		val_map_set(it, "url", val_str_take(fsu_relurl(cur_url, sub->url)));
		val_map_set_bool(it, "folder", 1);
		int open = on_path(n, fo->subs[i], target);
		val_map_set_bool(it, "open", open);
		val_map_set_bool(it, "active", !strcmp(sub->url, cur_url));
		/* every key is set on every item: Mustache would otherwise find the parent's */
		val_map_set(it, "children", open && depth < 16 ? folder_items(n, s, fo->subs[i], target, cur_url, depth + 1)
							    : val_list());
	}
	for (size_t i = 0; i < fo->npages; i++) {
		const site_page_t *p = &s->pages[fo->pages[i]];
		val_t *it = val_list_push(list, val_map());
		val_map_set_str(it, "title", p->title);
		val_map_set(it, "url", val_str_take(fsu_relurl(cur_url, p->url)));
		val_map_set_bool(it, "folder", 0);
		val_map_set_bool(it, "open", 0);
		val_map_set_bool(it, "active", !strcmp(p->url, cur_url));
		val_map_set(it, "children", val_list());
	}
	return list;
}

val_t *nav_sidebar(const nav_t *n, const site_t *s, long folder, const char *cur_url)
{
	return folder_items(n, s, 0, folder < 0 ? 0 : folder, cur_url, 0);
}

val_t *nav_breadcrumbs(const nav_t *n, long folder, const char *cur_url, int include_folder)
{
	long chain[64];
	int k = 0;
	for (long x = folder; x >= 0 && k < 64; x = n->folders[x].parent)
		chain[k++] = x;
	val_t *list = val_list();
	for (int i = k - 1; i >= 0; i--) {
		if (i == 0 && !include_folder)
			break;
		const nav_folder_t *f = &n->folders[chain[i]];
		val_t *it = val_list_push(list, val_map());
		val_map_set_str(it, "title", f->title);
		val_map_set(it, "url", val_str_take(fsu_relurl(cur_url, f->url)));
	}
	return list;
}

size_t nav_count_pages(const nav_t *n, long f)
{
	const nav_folder_t *fo = &n->folders[f];
	size_t c = fo->npages;
	for (size_t i = 0; i < fo->nsubs; i++)
		c += nav_count_pages(n, fo->subs[i]);
	return c;
}

val_t *nav_children(const nav_t *n, const site_t *s, long f, const char *cur_url)
{
	const nav_folder_t *fo = &n->folders[f];
	val_t *list = val_list();
	for (size_t i = 0; i < fo->nsubs; i++) {
		const nav_folder_t *sub = &n->folders[fo->subs[i]];
		val_t *it = val_list_push(list, val_map());
		val_map_set_str(it, "title", sub->title);
		val_map_set(it, "url", val_str_take(fsu_relurl(cur_url, sub->url)));
		val_map_set_bool(it, "is_folder", 1);
		size_t count = nav_count_pages(n, fo->subs[i]);
		val_map_set_num(it, "count", (double)count);
		val_map_set_str(it, "description", sub->index_page >= 0 && s->pages[sub->index_page].fm.description
							   ? s->pages[sub->index_page].fm.description : "");
		val_map_set_str(it, "type", "");
		val_map_set_str(it, "criticality", "");
		val_map_set_str(it, "owner", "");
		val_map_set_str(it, "status", "");
	}
	for (size_t i = 0; i < fo->npages; i++) {
		const site_page_t *p = &s->pages[fo->pages[i]];
		val_t *it = val_list_push(list, val_map());
		val_map_set_str(it, "title", p->title);
		val_map_set(it, "url", val_str_take(fsu_relurl(cur_url, p->url)));
		val_map_set_bool(it, "is_folder", 0);
		val_map_set_num(it, "count", 0);
		val_map_set_str(it, "type", p->type);
		val_map_set_str(it, "description", p->fm.description ? p->fm.description : "");
		val_map_set_str(it, "criticality", p->fm.criticality ? p->fm.criticality : "");
		val_map_set_str(it, "owner", p->fm.owner ? p->fm.owner : "");
		val_map_set_str(it, "status", site_status_name(p->fresh.status));
	}
	return list;
}
