/* layout_mkdocs.c - MkDocs repositories: mkdocs.yml and its nav:. See layout.h, layout_tools.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "layout_tools.h"

static const char *const mkdocs_names[] = {"mkdocs.yml", "mkdocs.yaml"};

int layout_mkdocs_is_config(const char *rel)
{
	return !strcmp(rel, mkdocs_names[0]) || !strcmp(rel, mkdocs_names[1]);
}

char *layout_mkdocs_find_config(const pr_root_t *tree, diag_list_t *d)
{
	for (size_t i = 0; i < 2; i++)
		if (layout_exists(tree, mkdocs_names[i], 0, d))
			return xstrdup(mkdocs_names[i]);
	return NULL;
}

/* nav: entries are bounded like any input */
#define NAV_MAX_ENTRIES 100000
#define NAV_MAX_DEPTH 16

typedef struct {
	layout_t *l;
	int order;
	const pr_root_t *tree; /* the repository, to find the files nav: names */
	const char *cfg;       /* mkdocs.yml's path, where nav: warnings are reported */
	diag_list_t *d;
	int i18n; /* the i18n plugin is listed: nav: names pages in each language's folder */
} navctx_t;

/* 1 when a nav: entry is a link MkDocs does not look for among the documentation files: an
 * address with a scheme ("https:", "mailto:") or a host ("//host/x"), or a path from the site's root
 * ("/x/"), as mkdocs/structure/nav.py's get_navigation tells them from relative paths. */
static int nav_is_link(const char *p)
{
	if (p[0] == '/')
		return 1;
	size_t k = 0;
	if ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))
		while (p[k] && (strchr("+-.", p[k]) || (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
				(p[k] >= '0' && p[k] <= '9')))
			k++;
	return k > 0 && p[k] == ':';
}

/* A nav: entry that is a relative path naming no file of docs_dir is left out of MkDocs' navigation,
 * with a warning ("A relative path to 'x.md' is included in the 'nav' configuration, which is not
 * found in the documentation files"): say so at the entry. */
static void nav_check_file(const navctx_t *c, const val_t *v)
{
	const char *p = v->str;
	if (!p[0] || nav_is_link(p))
		return;
	const layout_t *l = c->l;
	char *joined = l->root[0] ? xasprintf("%s/%s", l->root, p) : xstrdup(p);
	char *n = fsu_normalize(joined);
	free(joined);
	int found = n && n[0] && n[0] != '/' && layout_exists(c->tree, n, 0, NULL);
	if (!found)
		diag_add(c->d, DIAG_WARNING, c->cfg, v->line, v->col, "layout",
			 "nav: entry '%s' names no file of %s%s: MkDocs leaves it out of the navigation; "
			 "nav: paths are relative to docs_dir%s", p, l->root[0] ? l->root : "the repository",
			 l->root[0] ? "/" : "",
			 c->i18n ? " (the i18n plugin, which reads them in each language's folder, is not followed)" : "");
	free(n);
}

/* A nav: page path (relative to docs_dir) as a repository path, or NULL for an external link. */
static char *nav_path(const layout_t *l, const char *p)
{
	if (strstr(p, "://") || !strncmp(p, "mailto:", 7) || !fsu_ends_with(p, ".md"))
		return NULL;
	char *joined = l->root[0] ? xasprintf("%s/%s", l->root, p) : xstrdup(p);
	char *n = fsu_normalize(joined);
	free(joined);
	if (n && (!n[0] || n[0] == '/')) {
		free(n);
		n = NULL;
	}
	return n;
}

/* Longest common folder of two repo folders ("" when none). */
static char *common_dir(const char *a, const char *b)
{
	size_t k = 0, last = 0;
	for (; a[k] && b[k] && a[k] == b[k]; k++)
		if (a[k] == '/')
			last = k;
	if ((!a[k] || a[k] == '/') && (!b[k] || b[k] == '/'))
		last = k;
	return xstrndup(a, last);
}

/* Walk one nav: list; returns the common folder of the pages it holds (owned, NULL when none). */
static char *walk_nav(navctx_t *c, const val_t *list, int depth)
{
	if (!list || list->type != VAL_LIST || depth > NAV_MAX_DEPTH)
		return NULL;
	char *common = NULL;
	for (size_t i = 0; i < list->len && c->l->nnav < NAV_MAX_ENTRIES; i++) {
		const val_t *it = list->items[i];
		const char *title = NULL;
		const val_t *v = it;
		if (it->type == VAL_MAP && it->len == 1) {
			title = it->pairs[0].key;
			v = it->pairs[0].val;
		}
		char *dir = NULL;
		if (v->type == VAL_LIST) {
			dir = walk_nav(c, v, depth + 1);
			/* a named section whose pages share a folder names that folder */
			if (title && dir && dir[0] && strcmp(dir, c->l->root) && !map_get(&c->l->section_titles, dir, NULL))
				map_put(&c->l->section_titles, dir, xstrdup(title));
		} else if (v->type == VAL_STR) {
			nav_check_file(c, v);
			char *path = nav_path(c->l, v->str);
			if (path) {
				if (!map_get(&c->l->nav_by_path, path, NULL)) {
					c->l->nav = xrealloc(c->l->nav, (c->l->nnav + 1) * sizeof *c->l->nav);
					layout_nav_t *e = &c->l->nav[c->l->nnav];
					e->order = ++c->order;
					e->title = title ? xstrdup(title) : NULL;
					map_put(&c->l->nav_by_path, path, MAP_INT(c->l->nnav));
					c->l->nnav++;
				}
				dir = fsu_dirname(path);
				free(path);
			}
		}
		if (dir) {
			if (!common) {
				common = dir;
			} else {
				char *cd = common_dir(common, dir);
				free(common);
				free(dir);
				common = cd;
			}
		}
	}
	return common;
}

void layout_mkdocs_read(layout_t *l, const pr_root_t *tree, const char *cfg, diag_list_t *d)
{
	free(l->root);
	l->root = xstrdup("docs");
	mdids_mkdocs(&l->ids, NULL, NULL, NULL);
	if (!cfg)
		return;
	val_t *c = layout_load_config(l, tree, cfg, "MkDocs config", d); /* NULL: reported, the defaults apply */
	if (c) {
		mdids_mkdocs(&l->ids, c, cfg, d);
		layout_set_root(l, val_as_str(val_map_get(c, "docs_dir")));
		layout_set_title(l, val_map_get(c, "site_name"));
		l->base_url = layout_site_url(val_as_str(val_map_get(c, "site_url")));
		l->repo_url = layout_site_url(val_as_str(val_map_get(c, "repo_url")));
		const val_t *u = val_map_get(c, "use_directory_urls");
		l->ugly = u && u->type == VAL_BOOL && !u->b;
		const val_t *nav = val_map_get(c, "nav");
		if (nav && nav->type == VAL_LIST) {
			l->has_nav = 1;
			navctx_t nc = {l, 0, tree, cfg, d, mdids_mkdocs_plugin(c, "i18n")};
			free(walk_nav(&nc, nav, 0));
		}
	}
	val_free(c);
}
