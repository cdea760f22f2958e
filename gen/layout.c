/* layout.c - layout detection and URL rules. See layout.h. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"
#include "layout_tools.h"
#include "scan.h"
#include "toml.h"
#include "yamlval.h"

const char *layout_name(layout_kind k)
{
	return k == LAYOUT_HUGO ? "hugo" : k == LAYOUT_MKDOCS ? "mkdocs" : k == LAYOUT_TECHDOCS ? "techdocs" : "plain";
}

int layout_valid_setting(const char *setting)
{
	return !strcmp(setting, "auto") || !strcmp(setting, "hugo") || !strcmp(setting, "mkdocs") ||
	       !strcmp(setting, "plain") || !strcmp(setting, "techdocs");
}

int layout_detect(layout_t *l, const pr_root_t *tree, const char *setting, int in_folders, diag_list_t *d)
{
	memset(l, 0, sizeof *l);
	l->root = xstrdup("");
	l->lower = 0;
	if (!setting)
		setting = "auto";
	char *hugo_cfg = layout_hugo_find_config(tree, d);
	char *mkdocs_cfg = layout_mkdocs_find_config(tree, d);
	char *techdocs_cfg = layout_techdocs_find_config(tree, d);
	int want_hugo = !strcmp(setting, "hugo"), want_mkdocs = !strcmp(setting, "mkdocs");
	int want_techdocs = !strcmp(setting, "techdocs");
	/* no tool's config at the root: a Hugo site in a folder of its own (website/, or src/ with
	 * contentDir ../content), as code repositories keep their documentation site */
	if (in_folders && !hugo_cfg && !mkdocs_cfg && !techdocs_cfg && (want_hugo || !strcmp(setting, "auto")))
		hugo_cfg = layout_hugo_find_sub_config(tree);
	if (!strcmp(setting, "auto")) {
		/* Hugo: its config and its content folder (a config alone is not a site to read) */
		if (hugo_cfg) {
			layout_t probe;
			memset(&probe, 0, sizeof probe);
			diag_list_t quiet;
			diag_init(&quiet);
			layout_hugo_read(&probe, tree, hugo_cfg, &quiet);
			want_hugo = layout_exists(tree, probe.root ? probe.root : "content", 1, NULL);
			diag_free(&quiet);
			layout_free(&probe);
		}
		want_mkdocs = !want_hugo && mkdocs_cfg;
		/* Tech Docs: its config and its source folder */
		want_techdocs = !want_hugo && !want_mkdocs && techdocs_cfg && layout_exists(tree, "source", 1, NULL);
	}
	if (want_hugo) {
		l->kind = LAYOUT_HUGO;
		layout_hugo_read(l, tree, hugo_cfg, d);
	} else if (want_mkdocs) {
		l->kind = LAYOUT_MKDOCS;
		layout_mkdocs_read(l, tree, mkdocs_cfg, d);
	} else if (want_techdocs) {
		l->kind = LAYOUT_TECHDOCS;
		layout_techdocs_read(l, tree, techdocs_cfg, d);
	} else {
		l->kind = LAYOUT_PLAIN;
	}
	free(hugo_cfg);
	free(mkdocs_cfg);
	free(techdocs_cfg);
	return 0;
}

int layout_config_candidate(const char *rel)
{
	return layout_hugo_is_config(rel) || layout_mkdocs_is_config(rel) || layout_techdocs_is_config(rel);
}

void layout_set_home(layout_t *l, const char *first_content)
{
	free(l->home);
	l->home = xstrdup(l->kind == LAYOUT_PLAIN ? (first_content ? first_content : "") : l->root);
}

void layout_inherit(layout_t *l, const layout_t *from, const char *root)
{
	layout_free(l);
	l->kind = from->kind;
	l->root = xstrdup(root);
	l->lower = from->lower;
	l->ugly = from->ugly;
	l->params = from->params ? val_copy(from->params) : NULL;
	l->ids = from->ids;
	l->inherited = 1;
}

void layout_set_plain_root(layout_t *l, const char *dir)
{
	free(l->root);
	l->root = xstrdup(dir);
}

void layout_free(layout_t *l)
{
	free(l->config);
	free(l->root);
	free(l->home);
	free(l->title);
	for (size_t i = 0; i < l->nnav; i++)
		free(l->nav[i].title);
	free(l->nav);
	map_free(&l->nav_by_path);
	for (size_t i = 0; i < l->section_titles.cap; i++)
		if (l->section_titles.slots && l->section_titles.slots[i].key)
			free(l->section_titles.slots[i].val);
	map_free(&l->section_titles);
	val_free(l->params);
	for (size_t i = 0; i < l->nstatic; i++) {
		free(l->statics[i].dir);
		free(l->statics[i].target);
	}
	free(l->statics);
	free(l->base_url);
	free(l->repo_url);
	map_t *owned[] = {&l->redirect_to, &l->redirects_of};
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < owned[k]->cap; i++)
			if (owned[k]->slots && owned[k]->slots[i].key)
				free(owned[k]->slots[i].val);
		map_free(owned[k]);
	}
	memset(l, 0, sizeof *l);
}

static const char *base_of(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

int layout_is_index(const layout_t *l, const char *src)
{
	const char *base = base_of(src);
	if (l->kind == LAYOUT_HUGO)
		return !strcmp(base, "_index.md") || !strcmp(base, "index.md");
	if (l->kind == LAYOUT_PLAIN)
		return scan_is_index(src);
	if (l->kind == LAYOUT_TECHDOCS)
		return layout_techdocs_is_index(base);
	return !strcmp(base, "index.md") || !strcasecmp(base, "README.md");
}

int layout_is_page(const layout_t *l, const char *src)
{
	return fsu_ends_with(src, ".md") || (l->kind == LAYOUT_TECHDOCS && layout_techdocs_page_ext(src));
}

size_t layout_page_ext(const layout_t *l, const char *src)
{
	size_t n = l->kind == LAYOUT_TECHDOCS ? layout_techdocs_page_ext(src) : 0;
	return n ? n : 3;
}

/* `path` relative to the root: NULL when it is not under it. Borrowed. */
static const char *under_root(const layout_t *l, const char *path)
{
	size_t n = l->root ? strlen(l->root) : 0; /* a zeroed layout is plain */
	if (!n)
		return path;
	if (!strncmp(path, l->root, n) && (path[n] == '/' || !path[n]))
		return path + n + (path[n] == '/');
	return NULL;
}

/* `s` with a '/' after it. Caller frees. (Once per page and folder: no printf.) */
static char *with_slash(const char *s)
{
	size_t n = strlen(s);
	char *r = xmalloc(n + 2);
	memcpy(r, s, n);
	r[n] = '/';
	r[n + 1] = '\0';
	return r;
}

/* A repository path (no trailing '/') as a site path by the layout's rules. Caller frees. */
static char *site_path(const layout_t *l, const char *path)
{
	const char *rel = under_root(l, path);
	if (!rel)
		rel = path; /* outside the root (an explicit content folder): keep it */
	if (l->kind == LAYOUT_HUGO)
		return layout_hugo_sanitize(rel, l->lower);
	return xstrdup(rel);
}

char *layout_dir_url(const layout_t *l, const char *dir)
{
	if (!dir[0] || (l->home && !strcmp(dir, l->home)))
		return xstrdup("");
	char *p = site_path(l, dir);
	char *u = p[0] ? with_slash(p) : xstrdup("");
	free(p);
	return u;
}

char *layout_path_url(const layout_t *l, const char *src)
{
	char *dir = fsu_dirname(src);
	char *url;
	if (layout_is_index(l, src)) {
		url = layout_dir_url(l, dir);
	} else {
		char *stem = xstrndup(src, strlen(src) - layout_page_ext(l, src));
		char *p = site_path(l, stem);
		url = with_slash(p);
		free(p);
		free(stem);
	}
	free(dir);
	return url;
}

size_t layout_static_of(const layout_t *l, const char *src)
{
	if (!l->nstatic || under_root(l, src))
		return 0;
	for (size_t i = l->nstatic; i-- > 0;) {
		size_t n = strlen(l->statics[i].dir);
		if (!strncmp(src, l->statics[i].dir, n) && src[n] == '/')
			return i + 1;
	}
	return 0;
}

char *layout_asset_out(const layout_t *l, const char *src)
{
	size_t k = layout_static_of(l, src);
	if (k) /* Hugo copies a static folder's files as they are */
		return xasprintf("%s%s", l->statics[k - 1].target, src + strlen(l->statics[k - 1].dir) + 1);
	if (l->kind != LAYOUT_HUGO) {
		const char *rel = under_root(l, src);
		return xstrdup(rel ? rel : src);
	}
	/* Hugo: the folders as URLs, the file name as written */
	char *dir = fsu_dirname(src);
	char *du = layout_dir_url(l, dir);
	char *out = xasprintf("%s%s", du, base_of(src));
	free(du);
	free(dir);
	return out;
}

static int ends_html(const char *s)
{
	size_t n = strlen(s);
	return (n > 5 && !strcasecmp(s + n - 5, ".html")) || (n > 4 && !strcasecmp(s + n - 4, ".htm"));
}

char *layout_as_url(const char *path)
{
	while (*path == '/')
		path++;
	if (!path[0])
		return xstrdup("");
	char *n = fsu_normalize(path);
	if (!n)
		return NULL;
	size_t len = strlen(n);
	if (!len || !strcmp(n, "/")) {
		free(n);
		return xstrdup("");
	}
	if (n[len - 1] == '/' || ends_html(n))
		return n;
	char *u = xasprintf("%s/", n);
	free(n);
	return u;
}

char *layout_page_url(const layout_t *l, const char *src, const val_t *fm, char **file_url)
{
	if (file_url)
		*file_url = NULL;
	if (l->kind != LAYOUT_HUGO || !fm)
		return layout_path_url(l, src);
	const char *url = val_as_str(val_map_get(fm, "url"));
	if (url && url[0] && !strstr(url, "://")) {
		char *u = layout_as_url(url);
		if (u && ends_html(u)) {
			/* Hugo published the file x.html: the page lives at x/, x.html redirects to it */
			size_t n = strlen(u);
			size_t cut = !strcasecmp(u + n - 5, ".html") ? 5 : 4;
			char *folder = xasprintf("%.*s/", (int)(n - cut), u);
			if (file_url)
				*file_url = u;
			else
				free(u);
			return folder;
		}
		if (u)
			return u;
	}
	const char *slug = val_as_str(val_map_get(fm, "slug"));
	if (slug && slug[0] && !layout_is_index(l, src) && !strchr(slug, '/')) {
		char *dir = fsu_dirname(src);
		char *du = layout_dir_url(l, dir);
		char *s = layout_hugo_sanitize(slug, l->lower);
		char *u = s[0] ? xasprintf("%s%s/", du, s) : NULL;
		free(s);
		free(du);
		free(dir);
		if (u)
			return u;
	}
	return layout_path_url(l, src);
}

size_t layout_page_extra_urls(const layout_t *l, const char *src, const char *url, char *file_url, char ***out)
{
	void *r = NULL;
	const char *olds = l->redirects_of.len && map_get(&l->redirects_of, url, &r) ? r : NULL;
	size_t nold = 0;
	for (const char *q = olds; q && *q; q += strcspn(q, "\n") + (q[strcspn(q, "\n")] != 0))
		nold++;
	char **v = xcalloc(3 + nold, sizeof *v);
	size_t n = 0;
	if (file_url)
		v[n++] = xstrdup(file_url);
	/* uglyURLs / use_directory_urls: false: a page x/ was x.html; a folder's page is x/index.html, the same file */
	if (l->ugly && url[0] && !layout_is_index(l, src) && !file_url) {
		size_t len = strlen(url);
		v[n++] = xasprintf("%.*s.html", (int)(len - 1), url);
	}
	for (const char *q = olds; q && *q;) {
		size_t k = strcspn(q, "\n");
		int dup = 0; /* the redirect from "x.html" that Middleman's own address already is */
		for (size_t j = 0; j < n && !dup; j++)
			dup = strlen(v[j]) == k && !memcmp(v[j], q, k);
		if (!dup)
			v[n++] = xstrndup(q, k);
		q += k + (q[k] != 0);
	}
	if (!n) {
		free(v);
		v = NULL;
	}
	*out = v;
	return n;
}

char *layout_alias_url(const layout_t *l, const char *page_url, const char *alias, const char **why)
{
	*why = "invalid";
	if (!alias[0] || strstr(alias, "://") || !strncmp(alias, "//", 2))
		return NULL;
	for (const char *q = alias; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f || *q == '\\' || *q == '?' || *q == '#')
			return NULL;
	/* a scheme such as mailto: or javascript: */
	size_t seg = strcspn(alias, "/");
	const char *colon = memchr(alias, ':', seg);
	if (colon && colon > alias)
		return NULL;
	*why = "outside";
	char *u;
	if (l->kind == LAYOUT_HUGO && alias[0] != '/') {
		/* Hugo: relative to the page's parent URL ("." is the level of the page itself) */
		size_t n = strlen(page_url);
		char *trim = xstrndup(page_url, n && page_url[n - 1] == '/' ? n - 1 : n);
		char *up = fsu_dirname(trim);
		char *joined = up[0] ? xasprintf("%s/%s", up, alias) : xstrdup(alias);
		u = layout_as_url(joined);
		free(joined);
		free(up);
		free(trim);
	} else if (l->kind != LAYOUT_HUGO && fsu_ends_with(alias, ".md")) {
		char *clean = fsu_normalize(alias[0] == '/' ? alias + 1 : alias);
		u = clean && clean[0] && clean[0] != '/' ? layout_path_url(l, clean) : NULL;
		free(clean);
	} else {
		u = layout_as_url(alias);
	}
	if (u && !u[0]) { /* the site root itself: not an old address of a page */
		free(u);
		u = NULL;
	}
	return u;
}

const char *layout_redirect_target(const layout_t *l, const char *url)
{
	void *v;
	return l->redirect_to.len && map_get(&l->redirect_to, url, &v) ? v : NULL;
}

const layout_nav_t *layout_nav_of(const layout_t *l, const char *src)
{
	void *v;
	if (!l->nnav || !map_get(&l->nav_by_path, src, &v))
		return NULL;
	return &l->nav[MAP_AS_INT(v)];
}

const char *layout_section_title(const layout_t *l, const char *dir)
{
	void *v;
	return map_get(&l->section_titles, dir, &v) ? v : NULL;
}

char *layout_site_url(const char *v)
{
	if (!v)
		return NULL;
	size_t skip = !strncasecmp(v, "https://", 8) ? 8 : !strncasecmp(v, "http://", 7) ? 7 : 0;
	if (!skip || !v[skip] || v[skip] == '/')
		return NULL;
	for (const char *q = v; *q; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f || strchr("\"'<>\\`", *q))
			return NULL;
	/* the placeholders of the tools' quick starts and their local servers are no site's address */
	static const char *const placeholders[] = {"example.com", "example.org", "example.net", "www.example.com",
						   "www.example.org", "www.example.net", "localhost", "127.0.0.1"};
	const char *host = v + skip;
	size_t hl = strcspn(host, ":/?#");
	for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
		if (hl == strlen(placeholders[i]) && !strncasecmp(host, placeholders[i], hl))
			return NULL;
	return xstrdup(v);
}

/* ---- shared by the readers (layout_tools.h) ---- */

static int read_file(const pr_root_t *tree, const char *rel, const char *what, buf_t *out, diag_list_t *d)
{
	int rc = pr_read(tree, rel, out, FSU_MAX_FILE);
	if (rc == 0)
		return 0;
	if (pr_refused(rc))
		diag_add(d, DIAG_WARNING, rel, 0, 0, "symlink", "%s", pr_link_message(rc));
	else
		diag_add(d, DIAG_WARNING, rel, 0, 0, "layout", "cannot read the %s (%s); its defaults are used", what,
			 rc == PR_ETOOBIG ? "file too large" : pr_strerror(rc));
	return -1;
}

int layout_exists(const pr_root_t *tree, const char *rel, int dir, diag_list_t *d)
{
	struct stat st;
	int rc = pr_stat(tree, rel, &st);
	if (pr_refused(rc) && d)
		diag_add(d, DIAG_WARNING, rel, 0, 0, "symlink", "%s", pr_link_message(rc));
	return rc == 0 && (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

static int parse_config(val_t **out, const char *text, size_t len, const char *file, diag_list_t *d)
{
	diag_list_t why;
	diag_init(&why);
	int rc;
	if (fsu_ends_with(file, ".toml")) {
		rc = toml_parse(out, text, len, file, 0, &why);
	} else if (fsu_ends_with(file, ".json")) {
		char err[256];
		rc = val_parse_json(out, text, len, err, sizeof err);
		if (rc)
			diag_add(&why, DIAG_ERROR, file, 0, 0, "layout", "%s", err);
	} else {
		/* MkDocs names Python functions in its config (mdids.h reads toc's slugify) */
		rc = yamlval_parse_opts(out, text, len, file, 0, YAMLVAL_PYTHON_TAGS, &why);
	}
	if (rc == 0 && (*out)->type != VAL_MAP) {
		val_free(*out);
		*out = NULL;
		rc = -1;
		diag_add(&why, DIAG_ERROR, file, 1, 1, "layout", "not a mapping of keys to values");
	}
	if (rc) {
		const diag_t *e = why.len ? &why.items[0] : NULL;
		diag_add(d, DIAG_WARNING, file, e ? e->line : 0, e ? e->col : 0, "layout",
			 "cannot read this file (%s); its defaults are used", e ? e->message : "unreadable");
	}
	diag_free(&why);
	return rc;
}

val_t *layout_load_config(layout_t *l, const pr_root_t *tree, const char *cfg, const char *what, diag_list_t *d)
{
	free(l->config);
	l->config = xstrdup(cfg);
	buf_t text = BUF_INIT;
	val_t *c = NULL;
	if (read_file(tree, cfg, what, &text, d) == 0 && parse_config(&c, buf_cstr(&text), text.len, cfg, d) != 0) {
		val_free(c); /* what a failed parse may have left */
		c = NULL;
	}
	buf_free(&text);
	return c;
}

void layout_set_title(layout_t *l, const val_t *v)
{
	const char *t = val_as_str(v);
	if (t && t[0]) {
		free(l->title);
		l->title = xstrdup(t);
	}
}

void layout_set_root(layout_t *l, const char *dir)
{
	char *n = dir && dir[0] && dir[0] != '/' ? fsu_normalize(dir) : NULL;
	if (n && n[0] && strcmp(n, "/")) {
		size_t len = strlen(n);
		if (n[len - 1] == '/')
			n[len - 1] = '\0';
		free(l->root);
		l->root = n;
		n = NULL;
	}
	free(n);
}

val_t *layout_get_ci(const val_t *m, const char *key)
{
	if (!m || m->type != VAL_MAP)
		return NULL;
	for (size_t i = 0; i < m->len; i++)
		if (!strcasecmp(m->pairs[i].key, key))
			return m->pairs[i].val;
	return NULL;
}
