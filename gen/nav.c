/* nav.c - folder tree, sidebar, breadcrumbs. See nav.h. */
#include "nav.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fsutil.h"
#include "layout.h"
#include "scan.h"
#include "sitelayout.h"

/* Adders for keys that are string literals not yet in the map (val_map_add_lit). */

static long folder_get(nav_t *n, map_t *m, const site_t *s, const char *path, const char *home)
{
	if (!path[0] || !strcmp(path, home))
		return 0;
	void *v;
	if (map_get(m, path, &v))
		return MAP_AS_INT(v);
	char *up = fsu_dirname(path);
	long parent = folder_get(n, m, s, up, home);
	free(up);
	n->folders = xrealloc(n->folders, (n->nfolders + 1) * sizeof *n->folders);
	nav_folder_t *f = &n->folders[n->nfolders];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->url = sitelayout_dir_url(s, path); /* by the rules of the repository holding it */
	const char *section = sitelayout_section_title(s, path);
	f->title = section ? xstrdup(section) : scan_pretty_name(path);
	f->index_page = -1;
	f->parent = parent;
	long id = (long)n->nfolders++;
	map_put(m, path, MAP_INT(id));
	return id;
}

const char *nav_title_of(const site_page_t *p)
{
	return p->nav_title ? p->nav_title : p->title;
}

int nav_natural_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	while (*x && *y) {
		if (isdigit(*x) && isdigit(*y)) {
			while (*x == '0' && isdigit(x[1]))
				x++;
			while (*y == '0' && isdigit(y[1]))
				y++;
			size_t lx = 0, ly = 0;
			while (isdigit(x[lx]))
				lx++;
			while (isdigit(y[ly]))
				ly++;
			if (lx != ly)
				return lx < ly ? -1 : 1;
			int c = memcmp(x, y, lx);
			if (c)
				return c;
			x += lx;
			y += ly;
			continue;
		}
		int cx = tolower(*x), cy = tolower(*y);
		if (cx != cy)
			return cx < cy ? -1 : 1;
		x++;
		y++;
	}
	return *x ? 1 : *y ? -1 : 0;
}

static const site_t *sort_site;
static const nav_t *sort_nav;

/* One entry of a folder's order: its weight, whether it is a page, its title and path. */
static void entry_key(long e, int *weight, int *page, const char **title, const char **path)
{
	if (e >= 0) {
		const site_page_t *p = &sort_site->pages[e];
		*weight = p->weight;
		*page = 1;
		*title = nav_title_of(p);
		*path = p->src;
	} else {
		const nav_folder_t *f = &sort_nav->folders[-e - 1];
		*weight = f->weight;
		*page = 0;
		*title = f->title;
		*path = f->path;
	}
}

static int cmp_entries(const void *a, const void *b)
{
	int wa, wb, pa, pb;
	const char *ta, *tb, *sa, *sb;
	entry_key(*(const long *)a, &wa, &pa, &ta, &sa);
	entry_key(*(const long *)b, &wb, &pb, &tb, &sb);
	if ((wa != 0) != (wb != 0))
		return wa ? -1 : 1;
	if (wa != wb)
		return wa < wb ? -1 : 1;
	if (!wa && pa != pb)
		return pa ? 1 : -1; /* without weights, folders first */
	int c = nav_natural_cmp(ta, tb);
	return c ? c : strcmp(sa, sb);
}

/* 1 when folder f lists something (a page in the navigation, its index page, a sub-folder that does). */
static int folder_visible(const nav_t *n, long f)
{
	return n->folders[f].npages || n->folders[f].nsubs || n->folders[f].index_page >= 0;
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
		long f = folder_get(n, &m, s, p->dir, home);
		n->page_folder[i] = f;
		nav_folder_t *fo = &n->folders[f];
		fo->nall++;
		if (p->is_index && fo->index_page < 0 && !strcmp(p->url, fo->url)) {
			fo->index_page = (long)i;
			if (!sitelayout_section_title(s, fo->path)) {
				free(fo->title);
				fo->title = xstrdup(nav_title_of(p));
			}
			fo->weight = p->weight;
		} else if (p->in_nav) {
			fo->pages = xrealloc(fo->pages, (fo->npages + 1) * sizeof *fo->pages);
			fo->pages[fo->npages++] = (long)i;
		}
	}
	/* MkDocs nav: a folder comes where the first page nav: lists inside it does (in an MkDocs
	 * repository's folders: a hub's or a source's) */
	for (size_t i = 0; i < s->npages; i++) {
		const layout_t *lay = sitelayout_of(s, s->pages[i].source);
		if (lay->kind != LAYOUT_MKDOCS || !lay->has_nav)
			continue;
		/* up to the repository's top: a source's own folder keeps its place among the hub's */
		const char *top = s->pages[i].source ? site_source_name(s, s->pages[i].source) : NULL;
		int w = s->pages[i].weight;
		for (long x = n->page_folder[i]; w && x > 0; x = n->folders[x].parent) {
			if (top && !strcmp(n->folders[x].path, top))
				break;
			if (!n->folders[x].weight || w < n->folders[x].weight)
				n->folders[x].weight = w;
		}
	}
	/* sub-folders, listed when they list something (children are created after their parents) */
	for (size_t f = n->nfolders; f-- > 1;) {
		if (!folder_visible(n, (long)f))
			continue;
		nav_folder_t *pf = &n->folders[n->folders[f].parent];
		pf->subs = xrealloc(pf->subs, (pf->nsubs + 1) * sizeof *pf->subs);
		pf->subs[pf->nsubs++] = (long)f;
	}
	sort_site = s;
	sort_nav = n;
	for (size_t f = 0; f < n->nfolders; f++) {
		nav_folder_t *fo = &n->folders[f];
		fo->order = xcalloc(fo->nsubs + fo->npages + 1, sizeof *fo->order);
		for (size_t i = 0; i < fo->nsubs; i++)
			fo->order[fo->norder++] = -fo->subs[i] - 1;
		for (size_t i = 0; i < fo->npages; i++)
			fo->order[fo->norder++] = fo->pages[i];
		if (fo->norder > 1)
			qsort(fo->order, fo->norder, sizeof *fo->order, cmp_entries);
		/* subs and pages in the same order, for the code that walks them apart */
		size_t ns = 0, np = 0;
		for (size_t i = 0; i < fo->norder; i++) {
			if (fo->order[i] < 0)
				fo->subs[ns++] = -fo->order[i] - 1;
			else
				fo->pages[np++] = fo->order[i];
		}
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
		free(n->folders[i].order);
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

/* Push one sidebar entry onto `list`. Every key is set on every entry: Mustache would otherwise
 * find the parent's. Takes `url` and `children`. */
static void sidebar_item(val_t *list, const char *title, val_t *url, int folder, int open, int active,
			 val_t *children)
{
	val_t *it = val_list_push(list, val_map());
	val_map_add_lit_str(it, "title", title);
	val_map_add_lit(it, "url", url);
	val_map_add_lit_bool(it, "folder", folder);
	val_map_add_lit_bool(it, "open", open);
	val_map_add_lit_bool(it, "active", active);
	val_map_add_lit(it, "children", children);
}

static val_t *folder_items(const nav_t *n, const site_t *s, long f, long target, const char *cur_url, int depth)
{
	const nav_folder_t *fo = &n->folders[f];
	val_t *list = val_list();
	for (size_t k = 0; k < fo->norder; k++) {
		long e = fo->order[k];
		if (e < 0) {
			long sf = -e - 1;
			const nav_folder_t *sub = &n->folders[sf];
			int open = on_path(n, sf, target);
			sidebar_item(list, sub->title, val_str_take(fsu_href(cur_url, sub->url)), 1, open,
				     !strcmp(sub->url, cur_url),
				     open && depth < 16 ? folder_items(n, s, sf, target, cur_url, depth + 1) : val_list());
			continue;
		}
		const site_page_t *p = &s->pages[e];
		sidebar_item(list, nav_title_of(p), val_str_take(fsu_href(cur_url, p->url)), 0, 0, !strcmp(p->url, cur_url),
			     val_list());
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
		val_map_add_lit_str(it, "title", f->title);
		val_map_add_lit(it, "url", val_str_take(fsu_href(cur_url, f->url)));
	}
	return list;
}

char *nav_trail(const nav_t *n, long page, const char *sep)
{
	long f = page >= 0 ? n->page_folder[page] : -1;
	if (f > 0 && n->folders[f].index_page == page)
		f = n->folders[f].parent;
	long chain[64];
	int k = 0;
	for (; f > 0 && k < 64; f = n->folders[f].parent)
		chain[k++] = f;
	buf_t b = BUF_INIT;
	for (int i = k - 1; i >= 0; i--) {
		if (i < k - 1)
			buf_puts(&b, sep);
		buf_puts(&b, n->folders[chain[i]].title);
	}
	return buf_detach(&b);
}

size_t nav_count_pages(const nav_t *n, long f)
{
	const nav_folder_t *fo = &n->folders[f];
	size_t c = fo->nall;
	for (size_t i = 0; i < fo->nsubs; i++)
		c += nav_count_pages(n, fo->subs[i]);
	return c;
}

val_t *nav_children(const nav_t *n, const site_t *s, long f, const char *cur_url)
{
	const nav_folder_t *fo = &n->folders[f];
	val_t *list = val_list();
	for (size_t k = 0; k < fo->norder; k++) {
		long e = fo->order[k];
		val_t *it = val_list_push(list, val_map());
		if (e < 0) {
			const nav_folder_t *sub = &n->folders[-e - 1];
			val_map_add_lit_str(it, "title", sub->title);
			val_map_add_lit(it, "url", val_str_take(fsu_href(cur_url, sub->url)));
			val_map_add_lit_bool(it, "is_folder", 1);
			size_t count = nav_count_pages(n, -e - 1);
			val_map_add_lit_num(it, "count", (double)count);
			val_map_add_lit_str(it, "description", sub->index_page >= 0 && s->pages[sub->index_page].fm.description
								   ? s->pages[sub->index_page].fm.description : "");
			val_map_add_lit_str(it, "type", "");
			val_map_add_lit_str(it, "criticality", "");
			val_map_add_lit_str(it, "owner", "");
			val_map_add_lit_str(it, "status", "");
			continue;
		}
		const site_page_t *p = &s->pages[e];
		val_map_add_lit_str(it, "title", nav_title_of(p));
		val_map_add_lit(it, "url", val_str_take(fsu_href(cur_url, p->url)));
		val_map_add_lit_bool(it, "is_folder", 0);
		val_map_add_lit_num(it, "count", 0);
		val_map_add_lit_str(it, "type", p->type);
		val_map_add_lit_str(it, "description", p->fm.description ? p->fm.description : "");
		val_map_add_lit_str(it, "criticality", p->fm.criticality ? p->fm.criticality : "");
		val_map_add_lit_str(it, "owner", p->owner ? p->owner : "");
		val_map_add_lit_str(it, "status", site_status_name(p->fresh.status));
	}
	return list;
}

/* ---- sidebars shared between the pages of a folder (see nav.h) ---- */

enum { NAV_OPEN_DEPTH = 16 }; /* folder_items() expands open folders this deep */

typedef struct {
	pthread_mutex_t mu;
	val_t *tree;      /* the sidebar seen from a page directly inside the folder, entries shared */
	int bad;          /* an entry's URL makes the shared tree unusable: always build afresh */
	size_t remaining; /* pages that will still release it */
} nav_cache_folder_t;

struct nav_cache {
	const nav_t *n;
	const site_t *s;
	nav_cache_folder_t *f;
};

nav_cache_t *nav_cache_new(const nav_t *n, const site_t *s, const unsigned char *want)
{
	nav_cache_t *c = xcalloc(1, sizeof *c);
	c->n = n;
	c->s = s;
	c->f = xcalloc(n->nfolders + 1, sizeof *c->f);
	for (size_t i = 0; i < n->nfolders; i++)
		pthread_mutex_init(&c->f[i].mu, NULL);
	for (size_t i = 0; i < s->npages; i++)
		if (n->page_folder[i] >= 0 && (!want || want[i]))
			c->f[n->page_folder[i]].remaining++;
	return c;
}

void nav_cache_free(nav_cache_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n->nfolders; i++) {
		val_free_shared(c->f[i].tree);
		pthread_mutex_destroy(&c->f[i].mu);
	}
	free(c->f);
	free(c);
}

/* The folders from the root down to `f` into chain[] (chain[0] = 0); their count, or -1 when deeper than `max`. */
static int nav_chain(const nav_t *n, long f, long *chain, int max)
{
	int k = 0;
	for (long x = f; x >= 0; x = n->folders[x].parent) {
		if (k == max)
			return -1;
		chain[k++] = x;
	}
	for (int i = 0; i < k / 2; i++) {
		long t = chain[i];
		chain[i] = chain[k - 1 - i];
		chain[k - 1 - i] = t;
	}
	return k;
}

/* How many sidebar entries (the items of the folders in chain[]) have a URL starting with the
 * `len` bytes of `prefix`; *self_ok is set when one of them is page `self` with exactly that URL. */
static size_t entries_with_prefix(const nav_t *n, const site_t *s, const long *chain, int k, const char *prefix,
				  size_t len, long self, int *self_ok)
{
	size_t hits = 0;
	*self_ok = 0;
	for (int i = 0; i < k; i++) {
		const nav_folder_t *fo = &n->folders[chain[i]];
		for (size_t j = 0; j < fo->nsubs; j++)
			if (!strncmp(n->folders[fo->subs[j]].url, prefix, len))
				hits++;
		for (size_t j = 0; j < fo->npages; j++) {
			const char *u = s->pages[fo->pages[j]].url;
			if (strncmp(u, prefix, len))
				continue;
			hits++;
			if (fo->pages[j] == self && i == k - 1 && !u[len])
				*self_ok = 1;
		}
	}
	return hits;
}

/* Shared items: left alone by val_free, and frozen with their digest (val.h), children first, so the
 * digest of each page's context (render.c) costs a lookup per shared item, not a walk. */
static void mark_shared(val_t *list)
{
	for (size_t i = 0; list && i < list->len; i++) {
		list->items[i]->shared = 1;
		mark_shared(val_map_get(list->items[i], "children"));
		val_digest_freeze(list->items[i]);
	}
}

/* The page's own copy of the levels on the way to its folder: new lists and open-folder entries, every
 * other entry shared from `shared`; the page's own entry is "./" and active. */
static val_t *spine_items(const nav_t *n, const site_t *s, const long *chain, int k, int nchain, const val_t *shared,
			  long self)
{
	const nav_folder_t *fo = &n->folders[chain[k]];
	val_t *list = val_list();
	list->cap = shared->len ? shared->len : 1;
	list->items = xmalloc(list->cap * sizeof *list->items);
	for (size_t i = 0; i < fo->norder; i++) {
		long e = fo->order[i];
		val_t *it = shared->items[i];
		if (e < 0) {
			if (k + 1 >= nchain || -e - 1 != chain[k + 1]) {
				val_list_push(list, it);
				continue;
			}
			sidebar_item(list, n->folders[-e - 1].title, val_str(val_as_str(val_map_get(it, "url"))), 1, 1, 0,
				     spine_items(n, s, chain, k + 1, nchain, val_map_get(it, "children"), self));
			continue;
		}
		if (k != nchain - 1 || e != self) {
			val_list_push(list, it);
			continue;
		}
		sidebar_item(list, nav_title_of(&s->pages[self]), val_str("./"), 0, 0, 1, val_list());
	}
	return list;
}

val_t *nav_cache_sidebar(nav_cache_t *c, long page, const char *cur_url)
{
	const nav_t *n = c->n;
	const site_t *s = c->s;
	long f = n->page_folder[page];
	if (f < 0)
		return nav_sidebar(n, s, f, cur_url);
	/* the shared tree is built as seen from "<folder URL>\x01/": for every URL not starting with
	 * cur_url (nor with that), fsu_relurl() from cur_url gives the same, when cur_url is the
	 * folder's URL plus one segment */
	const char *dir = n->folders[f].url;
	size_t dlen = strlen(dir), ulen = strlen(cur_url);
	long chain[NAV_OPEN_DEPTH + 1];
	int k = nav_chain(n, f, chain, NAV_OPEN_DEPTH + 1);
	int self_ok = 0;
	if (k < 0 || ulen < dlen + 2 || strncmp(cur_url, dir, dlen) || strchr(cur_url + dlen, '/') != cur_url + ulen - 1 ||
	    entries_with_prefix(n, s, chain, k, cur_url, ulen, page, &self_ok) != 1 || !self_ok)
		return nav_sidebar(n, s, f, cur_url);
	nav_cache_folder_t *cf = &c->f[f];
	pthread_mutex_lock(&cf->mu);
	if (!cf->tree && !cf->bad) {
		char *fake = xasprintf("%s\x01/", dir);
		int ok;
		if (entries_with_prefix(n, s, chain, k, fake, dlen + 2, -1, &ok) != 0) {
			cf->bad = 1;
		} else {
			cf->tree = folder_items(n, s, 0, f, fake, 0);
			mark_shared(cf->tree);
		}
		free(fake);
	}
	const val_t *tree = cf->tree;
	pthread_mutex_unlock(&cf->mu);
	if (!tree)
		return nav_sidebar(n, s, f, cur_url);
	return spine_items(n, s, chain, 0, k, tree, page);
}

void nav_cache_release(nav_cache_t *c, long page)
{
	if (!c)
		return;
	long f = c->n->page_folder[page];
	if (f < 0)
		return;
	nav_cache_folder_t *cf = &c->f[f];
	pthread_mutex_lock(&cf->mu);
	if (cf->remaining && !--cf->remaining) {
		val_free_shared(cf->tree);
		cf->tree = NULL;
	}
	pthread_mutex_unlock(&cf->mu);
}
