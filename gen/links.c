/* links.c - link resolution and checks. See links.h. */
#include "links.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <xxhash.h>

#include "activefiles.h"
#include "buf.h"
#include "fsutil.h"
#include "layout.h"
#include "lfs.h"
#include "parallel.h"
#include "layout_hugo.h"
#include "scan.h"
#include "sitelayout.h"
#include "sitesrc.h"
#include "suggest.h"

static void add_link(site_page_t *p, int line, int col, long target, const char *frag, int related)
{
	p->links = xrealloc(p->links, (p->nlinks + 1) * sizeof *p->links);
	site_link_t *l = &p->links[p->nlinks++];
	l->line = line;
	l->col = col;
	l->target = target;
	l->fragment = frag && frag[0] ? xstrdup(frag) : NULL;
	l->from_related = related;
}

static int published(const site_t *s, const site_page_t *p)
{
	return !p->draft || s->opts.drafts;
}

void links_add(site_page_t *p, int line, int col, long target, const char *frag)
{
	add_link(p, line, col, target, frag, 0);
}

/* links_universe's chain: XXH3 seeded with what came before (FNV-1a byte by byte was 3 ms of a big
 * site's rebuild). */
static uint64_t uni_str(uint64_t h, const char *s)
{
	return XXH3_64bits_withSeed(s ? s : "", s ? strlen(s) + 1 : 1, h);
}

static uint64_t uni_int(uint64_t h, long long v)
{
	return XXH3_64bits_withSeed(&v, sizeof v, h);
}

uint64_t links_universe(const site_t *s)
{
	uint64_t h = uni_int(MAP_HASH_SEED, s->opts.drafts);
	h = uni_str(h, s->home_dir);
	for (size_t k = 0; k <= s->nsources; k++) {
		const layout_t *l = sitelayout_of(s, (int)k);
		if (l->kind == LAYOUT_TECHDOCS)
			return 0; /* its redirects lead links too: every link is asked again */
		const config_t *cfg = k ? &s->sources[k - 1].cfg : &s->cfg;
		h = uni_int(h, (long long)l->kind << 8 | l->lower << 1 | l->ugly);
		h = uni_str(h, l->root);
		h = uni_str(h, l->home);
		uint64_t params[2] = {0, 0};
		if (l->params) {
			const val_t *v = l->params;
			val_digest(&v, 1, params);
		}
		h = map_hash_add(h, params, sizeof params);
		for (size_t i = 0; i < cfg->ncontent; i++)
			h = uni_str(h, cfg->content[i]);
		h = uni_int(h, (long long)cfg->ncontent);
		if (k) {
			h = uni_str(h, s->sources[k - 1].name);
			h = uni_str(h, s->sources[k - 1].path);
			h = uni_int(h, s->sources[k - 1].path_from_layout);
		}
	}
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		h = uni_str(h, p->src);
		h = uni_str(h, p->url);
		h = uni_int(h, (long long)p->source << 2 | p->is_index << 1 | published(s, p));
		for (size_t k = 0; k < p->nextra; k++)
			h = uni_str(h, p->extra_urls[k]);
		h = uni_int(h, (long long)p->nextra);
	}
	h = uni_int(h, (long long)s->npages);
	for (size_t i = 0; i < s->nassets; i++) {
		const site_asset_t *a = &s->assets[i];
		h = uni_str(h, a->src);
		h = uni_str(h, a->out);
		h = uni_int(h, (long long)a->static_root << 2 | a->withheld << 1 | a->source);
	}
	h = uni_int(h, (long long)s->nassets);
	return h ? h : 1;
}

static int has_scheme(const char *u)
{
	if (!isalpha((unsigned char)u[0]))
		return 0;
	for (const char *p = u + 1; *p; p++) {
		if (*p == ':')
			return 1;
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '.' && *p != '-')
			return 0;
	}
	return 0;
}

static int unsafe_scheme(const char *u, int is_image)
{
	static const char *const bad[] = {"javascript:", "vbscript:", "data:"};
	/* browsers ignore white space and control characters inside the scheme */
	char tmp[16];
	size_t k = 0;
	for (const char *p = u; *p && k < sizeof tmp - 1; p++)
		if ((unsigned char)*p > ' ')
			tmp[k++] = (char)tolower((unsigned char)*p);
	tmp[k] = '\0';
	/* images may be data:image/..., except SVG; judged on the same cleaned text,
	 * so "data:image/<TAB>svg+xml" is not taken for a PNG */
	if (is_image && !strncmp(tmp, "data:image/", 11) && strncmp(tmp, "data:image/svg", 14))
		return 0;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (!strncmp(tmp, bad[i], strlen(bad[i])))
			return 1;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

/* 1 when `base` names its folder's page (README.md, index.md, Hugo's _index.md): the folder, not the
 * file name, says which page it is. */
static int index_name(const char *base)
{
	return !strcasecmp(base, "README.md") || !strcmp(base, "index.md") || !strcmp(base, "_index.md");
}

/* "did you mean": the page (or, for a link that is not to a .md file, the
 * page or asset) closest to the missing repo path `path`: the same file name
 * in another folder first, else the smallest edit distance within a quarter of
 * the file name's length (at least 2 edits). A folder's page (README.md...) is
 * named by its folder: only the edit distance counts, within a quarter of the
 * folder's name (a link to a missing 04-docker-port-binding/README.md is not
 * "meant" as any other folder's README). */
static const char *closest(const site_t *s, const char *path)
{
	const char *base = base_name(path);
	int want_md = fsu_ends_with(path, ".md");
	int by_folder = index_name(base);
	size_t name_len = strlen(base);
	if (by_folder) { /* the folder's own name: between the previous '/' and base */
		const char *end = base > path ? base - 1 : path;
		const char *start = end;
		while (start > path && start[-1] != '/')
			start--;
		name_len = (size_t)(end - start);
	}
	size_t cap = name_len / 4;
	if (cap < 2)
		cap = 2;
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	int best_same_name = 0;
	size_t total = s->npages + (want_md ? 0 : s->nassets);
	for (size_t i = 0; i < total; i++) {
		const char *cand;
		if (i < s->npages) {
			if (!published(s, &s->pages[i]))
				continue;
			cand = s->pages[i].src;
		} else {
			cand = s->assets[i - s->npages].src;
		}
		int same = !by_folder && !strcmp(base_name(cand), base);
		if (best_same_name && !same)
			continue;
		size_t d = suggest_distance(path, cand, same ? (size_t)-2 / 2 : (best && bestd < cap ? bestd : cap));
		if (!same && d > cap)
			continue;
		if ((same && !best_same_name) || d < bestd) {
			best = cand;
			bestd = d;
			best_same_name = same;
		}
	}
	return best;
}

/* Index of the first page whose src is >= `key` (pages are sorted by src). */
static size_t lower_bound(const site_t *s, const char *key)
{
	size_t lo = 0, hi = s->npages;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s->pages[mid].src, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 1 when a published page lives in folder `dir` ("" = anywhere) or below it. */
static int folder_has_pages(const site_t *s, const char *dir)
{
	char *prefix = dir[0] ? xasprintf("%s/", dir) : xstrdup("");
	size_t pl = strlen(prefix);
	int found = 0;
	for (size_t i = lower_bound(s, prefix); i < s->npages && !strncmp(s->pages[i].src, prefix, pl); i++)
		if (published(s, &s->pages[i])) {
			found = 1;
			break;
		}
	free(prefix);
	return found;
}

/* "source:<name>/<path>": a link from any page of a multi-repository site to a path
 * of the site ("source:payments/x.md"), whichever repository the page is in. */
static int source_scheme(const char *url)
{
	return !strncmp(url, "source:", 7);
}

typedef enum { RES_PAGE, RES_SECTION, RES_ASSET, RES_ERROR } res_kind;

typedef struct {
	res_kind kind;
	long index;      /* page or asset */
	char *url;       /* RES_SECTION: the generated section page's URL (owned) */
} res_t;

/* The index page of folder `dir` ("" = repo root), -1 when none. */
static long index_page(const site_t *s, const char *dir)
{
	const char *const *names = sitelayout_index_names(s, dir); /* by the layout of its repository */
	void *v;
	for (size_t i = 0; i < 2; i++) {
		char *p = dir[0] ? xasprintf("%s/%s", dir, names[i]) : xstrdup(names[i]);
		int ok = map_get(&s->page_map, p, &v);
		free(p);
		if (ok && published(s, &s->pages[MAP_AS_INT(v)]))
			return MAP_AS_INT(v);
	}
	return -1;
}

/* The home page: the page published at "" (the first content folder's index). */
static long home_page(const site_t *s)
{
	void *v;
	return map_get(&s->url_map, "", &v) ? MAP_AS_INT(v) : -1;
}

/* 1 when site path `path` lies in the content folders of its repository: the hub's, or (for a source
 * without `path:`) the source's own (its almanac.yml's content:, else content/ and runbooks/). */
static int in_content(const site_t *s, const char *path)
{
	int where;
	char *in_repo = NULL;
	site_locate(s, path, &where, &in_repo);
	int in = site_in_content(s, where, in_repo);
	free(in_repo);
	return in;
}

/* `path` (decoded) as a site address: relative to the page's URL, or to the root of the site of
 * repository `in` (the page's own; a source's site is under its name; a source: link's is the hub's)
 * when it starts with '/'; or, starting with '/', a path under the content root of that repository's
 * layout. RES_ERROR (no diagnostic) when it names nothing. */
static res_t resolve_address(const site_t *s, const site_page_t *p, const char *path, int in)
{
	res_t r = {RES_ERROR, -1, NULL};
	void *v;
	const layout_t *lay = sitelayout_of(s, in);
	if (path[0] == '/' && lay->root[0]) {
		char *under = xasprintf("%s%s", lay->root, path);
		char *n = fsu_normalize(under);
		free(under);
		if (n && in) { /* a path of the source's repository, as a site path */
			char *sp = sitesrc_site_path(s, in, n);
			free(n);
			n = sp;
		}
		if (n && map_get(&s->page_map, n, &v) && published(s, &s->pages[MAP_AS_INT(v)])) {
			r.kind = RES_PAGE;
			r.index = MAP_AS_INT(v);
		} else if (n && map_get(&s->asset_map, n, &v)) {
			r.kind = RES_ASSET;
			r.index = MAP_AS_INT(v);
		}
		free(n);
		if (r.kind != RES_ERROR)
			return r;
	}
	/* relative to the page's address; a Tech Docs page was "x.html", in its folder */
	char *from = sitelayout_of(s, p->source)->kind == LAYOUT_TECHDOCS && p->nextra ? fsu_dirname(p->extra_urls[0])
										       : NULL;
	char *joined = path[0] != '/' ? (from ? xasprintf("%s%s%s", from, from[0] ? "/" : "", path)
					      : xasprintf("%s%s", p->url, path))
			: in ? xasprintf("%s/%s", site_source_name(s, in), path + 1) : xstrdup(path + 1);
	free(from);
	char *u = fsu_normalize(joined);
	free(joined);
	if (!u)
		return r;
	size_t n = strlen(u);
	if (n >= 10 && !strcmp(u + n - 10, "index.html") && (n == 10 || u[n - 11] == '/'))
		u[n - 10] = '\0'; /* "x/index.html" is the page "x/" */
	n = strlen(u);
	char *folder = n && u[n - 1] != '/' ? xasprintf("%s/", u) : xstrdup(u);
	if (map_get(&s->url_map, folder, &v) && published(s, &s->pages[MAP_AS_INT(v)])) {
		r.kind = RES_PAGE;
		r.index = MAP_AS_INT(v);
	} else if (map_get(&s->dir_url_map, folder, NULL)) {
		r.kind = RES_SECTION;
		r.url = xstrdup(folder);
	} else if (map_get(&s->asset_out_map, u, &v)) {
		r.kind = RES_ASSET;
		r.index = MAP_AS_INT(v);
	} else if (lay->ugly && n > 5 && !strcmp(u + n - 5, ".html")) {
		/* "x.html" of a site whose pages were published so (uglyURLs, Tech Docs): the page "x/" */
		char *page = xasprintf("%.*s/", (int)(n - 5), u);
		if (map_get(&s->url_map, page, &v) && published(s, &s->pages[MAP_AS_INT(v)])) {
			r.kind = RES_PAGE;
			r.index = MAP_AS_INT(v);
		}
		free(page);
	}
	const char *moved = r.kind == RES_ERROR ? layout_redirect_target(lay, in ? sitelayout_local(s, in, u) : u) : NULL;
	if (moved) { /* an old address Tech Docs' redirects: lead to a page */
		char *page = in ? xasprintf("%s/%s", site_source_name(s, in), moved) : xstrdup(moved);
		if (map_get(&s->url_map, page, &v) && published(s, &s->pages[MAP_AS_INT(v)])) {
			r.kind = RES_PAGE;
			r.index = MAP_AS_INT(v);
		}
		free(page);
	}
	free(folder);
	free(u);
	return r;
}

/* 1 when site path `norm` (a relative link of source page p, joined) is outside the folder
 * its source's pages are published in (NAME/). */
static int left_source(const site_t *s, const site_page_t *p, const char *norm)
{
	const char *name = site_source_name(s, p->source);
	size_t nl = strlen(name);
	return strncmp(norm, name, nl) || (norm[nl] != '/' && norm[nl] != '\0');
}

/* The diagnostic for a relative link of source page p that climbs out of the folder its source
 * publishes: read in that repository (as its forge does), it leaves the repository, names a file
 * of the repository the source does not publish, or names nothing; when `site_path` (the link read as
 * a site path, NULL when it leaves the site) is a page of the hub or another source, the source: link that reaches it is suggested. */
static void outside_source(site_t *s, const site_page_t *p, const char *raw, const char *path, const char *site_path,
			   const char *what, int line, int col, int related)
{
	const site_source_t *src = &s->sources[p->source - 1];
	char *dir = fsu_dirname(site_page_repo_path(p));
	char *joined = fsu_join(dir, path);
	char *rp = fsu_normalize(joined);
	free(joined);
	free(dir);
	struct stat st;
	if (!rp)
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-repo",
			 "%s '%s' leaves the repository of source '%s'", what, raw, src->name);
	else if (pr_stat(src->tree, rp[0] ? rp : ".", &st) == 0)
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-content",
			 "%s '%s' is outside the folder source '%s' publishes (%s), so it is not published (%s:%s)",
			 what, raw, src->name, src->path, src->name, rp);
	else if (site_path && map_get(&s->page_map, site_path, NULL))
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, related ? "related-missing" : "broken-link",
			 "%s '%s' not found (%s:%s); to link to another repository's page, write 'source:%s'", what,
			 raw, src->name, rp, site_path);
	else
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, related ? "related-missing" : "broken-link",
			 "%s '%s' not found (%s:%s)", what, raw, src->name, rp);
	free(rp);
}

/* `norm` ("NAME/rest") read as source NAME's file `rest` in its repository: the site path of the page or
 * file it publishes there, or NULL (no such source, or it publishes no page or file at that path).
 * Caller frees. */
static char *source_repo_path(const site_t *s, const char *norm)
{
	size_t nl = strcspn(norm, "/");
	for (size_t k = 0; norm[nl] == '/' && k < s->nsources; k++) {
		if (strlen(s->sources[k].name) != nl || strncmp(s->sources[k].name, norm, nl))
			continue;
		char *sp = sitesrc_site_path(s, (int)k + 1, norm + nl + 1);
		if (sp && (map_get(&s->page_map, sp, NULL) || map_get(&s->asset_map, sp, NULL)))
			return sp;
		free(sp);
		return NULL;
	}
	return NULL;
}

/* Resolve `path` (decoded; relative to the page's folder, or to the repository
 * root when it starts with '/') and report problems at line:col. `raw` is the
 * link as written, for messages. */
static res_t resolve(site_t *s, const site_page_t *p, const char *raw, const char *path, int line, int col,
		     int related)
{
	res_t r = {RES_ERROR, -1, NULL};
	const char *what = related ? "related page" : "link target";
	char *joined = path[0] == '/' ? xstrdup(path + 1) : fsu_join(p->dir, path);
	char *norm = fsu_normalize(joined);
	free(joined);
	if (norm && path[0] == '/' && p->source && !source_scheme(raw)) {
		/* in a source's page, '/' is that repository's root: its site path, if it publishes it */
		char *sp = sitesrc_site_path(s, p->source, norm);
		if (!sp && !related && sitelayout_site_of(s, p->source)) {
			/* a Hugo or MkDocs source: an address of its site, or a path under its content root */
			res_t u = resolve_address(s, p, path, p->source);
			if (u.kind != RES_ERROR) {
				free(norm);
				return u;
			}
		}
		struct stat st;
		if (!sp && sitelayout_site_of(s, p->source) &&
		    pr_stat(s->sources[p->source - 1].tree, norm[0] ? norm : ".", &st) != 0) {
			/* nothing there: an address of its site that names nothing, as in that site alone */
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "broken-link", "%s '%s' not found", what, raw);
			free(norm);
			return r;
		}
		if (!sp) {
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-content",
				 "%s '%s' is outside the folder source '%s' publishes (%s)", what, raw,
				 site_source_name(s, p->source), s->sources[p->source - 1].path);
			free(norm);
			return r;
		}
		free(norm);
		norm = sp;
	}
	if (path[0] != '/' && p->source && !source_scheme(raw) && (!norm || left_source(s, p, norm))) {
		/* a relative link of a source's page stays in its repository (it is broken on its forge
		 * otherwise): never a page of the hub or of another source that happens to lie there */
		outside_source(s, p, raw, path, norm, what, line, col, related);
		free(norm);
		return r;
	}
	if (!norm) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-repo",
			 "%s '%s' leaves the repository", what, raw);
		return r;
	}
	if (source_scheme(raw) && !map_get(&s->page_map, norm, NULL) && !map_get(&s->asset_map, norm, NULL)) {
		/* source:NAME/path with the file's path in that repository (as its forge shows it: a Hugo
		 * source's content/runbooks/x.md), not its site path: the page or file it publishes */
		char *sp = source_repo_path(s, norm);
		if (sp) {
			free(norm);
			norm = sp;
		}
	}
	/* a trailing '/' names a folder */
	size_t nl = strlen(norm);
	int as_folder = nl && norm[nl - 1] == '/';
	if (as_folder)
		norm[--nl] = '\0';
	void *v;
	long t = -1;
	if (!as_folder && map_get(&s->page_map, norm, &v)) {
		t = MAP_AS_INT(v);
	} else if (!as_folder && map_get(&s->asset_map, norm, &v) && !related) {
		r.kind = RES_ASSET;
		r.index = MAP_AS_INT(v);
		free(norm);
		return r;
	} else {
		/* a folder: its index page, the home page, or its generated section page */
		int home = !norm[0] || !strcmp(norm, s->home_dir);
		t = home ? home_page(s) : index_page(s, norm);
		if (t < 0 && !related && (home || folder_has_pages(s, norm))) {
			r.kind = RES_SECTION;
			r.url = home ? xstrdup("") : sitelayout_dir_url(s, norm);
			free(norm);
			return r;
		}
		if (t < 0) {
			/* an unpublished index page is reported as such below */
			const char *const *names = sitelayout_index_names(s, norm);
			const char *first = names[0], *second = names[1];
			char *idx = xasprintf("%s%s%s", norm, norm[0] ? "/" : "", first);
			if (!map_get(&s->page_map, idx, &v)) {
				free(idx);
				idx = xasprintf("%s%s%s", norm, norm[0] ? "/" : "", second);
			}
			if (map_get(&s->page_map, idx, &v))
				t = MAP_AS_INT(v);
			free(idx);
		}
	}
	if (t >= 0) {
		if (!published(s, &s->pages[t])) {
			if (s->pages[t].fm.draft)
				diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-to-draft",
					 "%s '%s' is a draft (%s), which is not published", what, raw, s->pages[t].src);
			else
				diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-to-draft",
					 "%s '%s' is not published: %s has errors (see its diagnostics)", what, raw,
					 s->pages[t].src);
		} else {
			r.kind = RES_PAGE;
			r.index = t;
		}
		free(norm);
		return r;
	}
	int in = source_scheme(raw) ? 0 : sitelayout_site_of(s, p->source); /* whose site the link is in */
	if (!related && sitelayout_of(s, in)->kind != LAYOUT_PLAIN) {
		/* Hugo and MkDocs pages also link by site address ("/runbooks/x/", "../y/") and from the
		 * content root ("/runbooks/x.md"), which the browser resolves against the page's URL; a
		 * source: link, by the hub's */
		res_t u = resolve_address(s, p, path, in);
		if (u.kind != RES_ERROR) {
			free(norm);
			return u;
		}
	}
	struct stat st;
	int where;
	char *in_repo = NULL;
	site_locate(s, norm, &where, &in_repo);
	int found = pr_stat(site_source_tree(s, where), in_repo, &st) == 0;
	free(in_repo);
	int is_file = found && S_ISREG(st.st_mode), is_dir = found && S_ISDIR(st.st_mode);
	if ((is_file || is_dir) && !in_content(s, norm)) {
		int w;
		char *rp = NULL;
		site_locate(s, norm, &w, &rp);
		if (w) { /* a source's file outside its content folders: name them, and the file in its repository */
			const config_t *c = &s->sources[w - 1].cfg;
			buf_t f = BUF_INIT;
			struct stat cs;
			for (size_t i = 0; i < c->ncontent; i++) /* the folders it has */
				if (pr_stat(s->sources[w - 1].tree, c->content[i], &cs) == 0 && S_ISDIR(cs.st_mode))
					buf_printf(&f, "%s%s", f.len ? ", " : "", c->content[i]);
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-content",
				 "%s '%s' is outside the content folders of source '%s' (%s), so it is not published "
				 "(%s:%s)", what, raw, s->sources[w - 1].name, f.s ? f.s : "", s->sources[w - 1].name, rp);
			buf_free(&f);
		} else {
			diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-outside-content",
				 "%s '%s' is outside the content folders (%s), so it is not published", what, raw,
				 norm[0] ? norm : "/");
		}
		free(rp);
	} else if (is_file && related && !fsu_ends_with(norm, ".md")) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "related-missing",
			 "related page '%s' is not a page (%s is not a Markdown file)", raw, norm);
	} else if (is_file && site_find_page(s, norm) >= 0) {
		/* "page.md/#x": the browser (and MkDocs, GitHub) ask for a folder named like the page */
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "broken-link",
			 "%s '%s' has a '/' after the page's file name, so it names a folder that does not exist; "
			 "link to the page without it (%s)", what, raw, norm);
	} else if (is_file) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-excluded",
			 "%s '%s' is not published: %s is ignored, hidden or matched by an exclude pattern", what,
			 raw, norm);
	} else if (is_dir) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, related ? "related-missing" : "broken-link",
			 related ? "related page '%s' is a folder without an index page (%s)"
				 : "link target '%s' is a folder with no published page (%s)",
			 raw, norm);
	} else {
		const char *sug = closest(s, norm);
		char *rel = NULL;
		if (sug) {
			/* in the writer's own terms: relative to the page's folder, or repo-root */
			if (source_scheme(raw)) {
				rel = xasprintf("source:%s", sug);
			} else if (path[0] == '/' || (related && path[0] != '.')) {
				rel = xasprintf("%s%s", path[0] == '/' ? "/" : "", sug);
			} else {
				char *from = p->dir[0] ? xasprintf("%s/", p->dir) : xstrdup("");
				rel = fsu_relurl(from, sug);
				free(from);
			}
		}
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, related ? "related-missing" : "broken-link",
			 "%s '%s' not found%s%s%s", what, raw, rel ? "; did you mean '" : "", rel ? rel : "",
			 rel ? "'?" : "");
		free(rel);
	}
	free(norm);
	return r;
}

/* What an SVG image's URL is until links_inline_images replaces it; a link
 * written with it is dropped (links_rewrite), so every one is ours. */
#define INLINE_SCHEME "#almanac-svg-"

char *links_inline_images(links_ctx_t *c, const char *html)
{
	if (!c->nimages)
		return NULL;
	static const char mark[] = "src=\"" INLINE_SCHEME;
	buf_t b = BUF_INIT;
	const char *from = html;
	for (const char *h = html; (h = strstr(h, mark)) != NULL;) {
		const char *d = h + sizeof mark - 1;
		char *end;
		unsigned long k = strtoul(d, &end, 10);
		if (end == d || *end != '"' || k >= c->nimages) {
			h = d;
			continue;
		}
		buf_put(&b, from, (size_t)(d - from) - (sizeof INLINE_SCHEME - 1));
		buf_puts(&b, c->images[k]);
		from = h = end;
	}
	buf_puts(&b, from);
	for (size_t i = 0; i < c->nimages; i++)
		free(c->images[i]);
	free(c->images);
	c->images = NULL;
	c->nimages = 0;
	return buf_detach(&b);
}

/* A link or image to a file that is a Git LFS pointer in this clone (lfs.h): the page shows a broken picture
 * (or links to a few lines of text), so it is said where the page names it. Each file is read once. */
static void lfs_pointer_warning(links_ctx_t *c, site_asset_t *a, const char *raw, int is_image, int line, int col)
{
	site_t *s = c->site;
	int st = atomic_load(&a->lfs);
	if (!st) {
		st = lfs_file_is_pointer(site_source_tree(s, a->source), a->repo_path ? a->repo_path : a->src) ? 2 : 1;
		atomic_store(&a->lfs, st);
	}
	if (st != 2)
		return;
	const site_source_t *src = a->source ? &s->sources[a->source - 1] : NULL;
	const char *what = is_image ? "image" : "link target", *thing = is_image ? "the picture" : "the file";
	if (src && !src->in_place)
		diag_add(&s->diags, DIAG_WARNING, s->pages[c->page].src, line, col, "lfs-pointer",
			 "%s '%s' is a Git LFS pointer, not %s: source '%s' is fetched without its LFS objects; read it "
			 "from a work tree that has them (repo: a local path, after git lfs pull)",
			 what, raw, thing, src->name);
	else
		diag_add(&s->diags, DIAG_WARNING, s->pages[c->page].src, line, col, "lfs-pointer",
			 "%s '%s' is a Git LFS pointer, not %s: this clone has no LFS objects; run git lfs pull before "
			 "building (actions/checkout: lfs: true)",
			 what, raw, thing);
}

/* A link or image to a file that is not published because browsers run its
 * scripts (activefiles.h): an SVG image becomes a data: URL, the rest loses
 * its target with a warning. */
static char *withheld_asset(links_ctx_t *c, site_asset_t *a, const char *raw, int is_image, int line, int col)
{
	site_t *s = c->site;
	const site_page_t *p = &s->pages[c->page];
	if (is_image && af_is_svg(a->src) && s->cfg.active_assets == AF_IMAGE) {
		atomic_store(&a->shown, 1);
		if (s->opts.check_only) /* nothing is written: the image would be shown */
			return NULL;
		char *d = NULL;
		int big = 0;
		if (c->inlined < AF_MAX_INLINE_PAGE)
			d = af_svg_data_url(site_source_tree(s, a->source), a->repo_path ? a->repo_path : a->src,
					    AF_MAX_INLINE, &big); /* read from its own repository */
		if (d && c->inlined + strlen(d) <= AF_MAX_INLINE_PAGE) {
			c->inlined += strlen(d);
			c->images = xrealloc(c->images, (c->nimages + 1) * sizeof *c->images);
			c->images[c->nimages] = d;
			return xasprintf(INLINE_SCHEME "%zu", c->nimages++);
		}
		free(d);
		if (big || c->inlined)
			diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "too-large",
				 "image '%s' is not shown: SVG images are written into the page (so that their scripts "
				 "never run), at most %zu KiB each and %zu MiB per page",
				 raw, AF_MAX_INLINE >> 10, AF_MAX_INLINE_PAGE >> 20);
		else
			diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "asset", "image '%s' cannot be read", raw);
		return xstrdup("");
	}
	diag_add(&s->diags, DIAG_WARNING, p->src, line, col, "active-asset",
		 "%s '%s' is not published: browsers run the scripts in HTML, SVG and XML files, with the whole site "
		 "in reach (active_assets in almanac.yml)",
		 is_image ? "image" : "link target", raw);
	return xstrdup("");
}

/* A Hugo ref/relref shortcode (layout_hugo.h): `enc` is its target, percent-encoded and padded with
 * '|'. Resolved as Hugo does (from the page's folder, from the content root, else a file name found
 * once in the whole site) and rewritten like a link to that page. */
static char *hugo_ref(links_ctx_t *c, const char *enc, int line, int col)
{
	site_t *s = c->site;
	site_page_t *p = &s->pages[c->page];
	size_t n = strlen(enc);
	while (n && enc[n - 1] == '|')
		n--;
	char *ref = fsu_pct_decode(enc, n);
	char *hash = strchr(ref, '#');
	if (hash)
		*hash++ = '\0';
	long t = ref[0] ? -1 : c->page; /* "#anchor" alone: this page */
	/* in the page's own repository: its folder there, its layout's content root */
	const layout_t *lay = sitelayout_of(s, p->source);
	char *pdir = fsu_dirname(site_page_repo_path(p));
	char **cands = NULL;
	size_t nc = ref[0] ? layout_hugo_ref_candidates(lay->root, pdir, ref, &cands) : 0;
	void *v;
	for (size_t i = 0; i < nc && t < 0; i++) {
		char *sp = p->source ? sitesrc_site_path(s, p->source, cands[i]) : xstrdup(cands[i]);
		if (sp && map_get(&s->page_map, sp, &v))
			t = MAP_AS_INT(v);
		free(sp);
	}
	for (size_t i = 0; i < nc; i++)
		free(cands[i]);
	free(cands);
	if (t < 0 && ref[0] && !strchr(ref, '/')) {
		/* Hugo's last resort: a file name (with or without .md) found once in its site */
		char *want = fsu_ends_with(ref, ".md") ? xstrdup(ref) : xasprintf("%s.md", ref);
		long found = -1;
		int several = 0;
		for (size_t i = 0; i < s->npages; i++)
			if (s->pages[i].source == p->source && !strcmp(base_name(s->pages[i].src), want)) {
				several |= found >= 0;
				found = (long)i;
			}
		if (!several)
			t = found;
		free(want);
	}
	char *out = NULL;
	if (t < 0) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "broken-link",
			 "Hugo ref '%s' finds no page (looked from %s and from the content folder %s%s%s)", ref,
			 pdir[0] ? pdir : "the root", lay->root[0] ? lay->root : "/", p->source ? " of source " : "",
			 p->source ? site_source_name(s, p->source) : "");
	} else if (!published(s, &s->pages[t])) {
		diag_add(&s->diags, DIAG_ERROR, p->src, line, col, "link-to-draft",
			 "Hugo ref '%s' names %s, which is not published", ref, s->pages[t].src);
	} else {
		add_link(p, line, col, t, hash, 0);
		char *rel = fsu_href(p->url, s->pages[t].url);
		if (hash) {
			out = xasprintf("%s#%s", rel, hash);
			free(rel);
		} else {
			out = rel;
		}
	}
	free(ref);
	free(pdir);
	return out ? out : xstrdup("");
}

/* Tech Docs (Middleman's image_tag): an image that is not beside the page is looked up from the site
 * root, then under images/. Returns that path from the root ("/images/x.png") when one is a file of
 * the site, else NULL (the path is resolved as written). Caller frees. */
static char *middleman_image(const site_t *s, const site_page_t *p, const char *path)
{
	if (path[0] == '/' || sitelayout_of(s, p->source)->kind != LAYOUT_TECHDOCS)
		return NULL;
	char *joined = fsu_join(p->dir, path);
	char *beside = fsu_normalize(joined);
	free(joined);
	int here = beside && map_get(&s->asset_map, beside, NULL);
	free(beside);
	static const char *const dirs[] = {"/", "/images/"};
	for (size_t k = 0; k < 2 && !here; k++) {
		char *rooted = xasprintf("%s%s", dirs[k], path);
		res_t r = resolve_address(s, p, rooted, sitelayout_site_of(s, p->source));
		free(r.url);
		if (r.kind == RES_ASSET)
			return rooted;
		free(rooted);
	}
	return NULL;
}

char *links_rewrite(void *ud, const char *url, int is_image, int line, int col)
{
	links_ctx_t *c = ud;
	site_t *s = c->site;
	site_page_t *p = &s->pages[c->page];
	if (!url[0])
		return NULL;
	const layout_t *lay = sitelayout_of(s, p->source); /* the page's own repository's */
	if (!strncmp(url, LAYOUT_HUGO_REF, strlen(LAYOUT_HUGO_REF)) && lay->kind == LAYOUT_HUGO)
		return hugo_ref(c, url + strlen(LAYOUT_HUGO_REF), line, col);
	if (!strncmp(url, LAYOUT_HUGO_PARAM, strlen(LAYOUT_HUGO_PARAM)) && lay->kind == LAYOUT_HUGO) {
		/* {{< param Name >}}/rest: the site parameter's value, then the rest, as written (not checked) */
		const char *name = url + strlen(LAYOUT_HUGO_PARAM);
		size_t nl = strcspn(name, "|");
		const char *rest = name + nl + strspn(name + nl, "|");
		char *key = xstrndup(name, nl);
		const char *value = layout_hugo_param(lay->params, key);
		free(key);
		char *full = xasprintf("%s%s", value ? value : "", rest);
		if (unsafe_scheme(full, is_image)) {
			free(full);
			return xstrdup("");
		}
		return full;
	}
	if (unsafe_scheme(url, is_image) || !strncasecmp(url, INLINE_SCHEME, sizeof INLINE_SCHEME - 1))
		return xstrdup("");
	const char *written = url;
	char *site_rooted = NULL; /* "source:payments/x.md": a path from the site's root */
	if (source_scheme(url)) {
		site_rooted = xasprintf("/%s", url + 7);
		url = site_rooted;
	}
	if (!site_rooted && (has_scheme(url) || !strncmp(url, "//", 2)))
		return NULL;
	if (url[0] == '#') {
		char *frag = fsu_pct_decode(url + 1, strlen(url + 1));
		add_link(p, line, col, c->page, frag, 0);
		free(frag);
		return NULL;
	}
	size_t plen = strcspn(url, "?#");
	const char *rest = url + plen; /* "?query#frag", "#frag" or "" */
	const char *hash = strchr(rest, '#');
	char *path = fsu_pct_decode(url, plen);
	if (!path[0]) {
		/* "?query" alone: the page itself */
		free(path);
		if (hash) {
			char *frag = fsu_pct_decode(hash + 1, strlen(hash + 1));
			add_link(p, line, col, c->page, frag, 0);
			free(frag);
		}
		return NULL;
	}
	char *out = NULL;
	char *image = is_image ? middleman_image(s, p, path) : NULL;
	res_t r = resolve(s, p, written, image ? image : path, line, col, 0);
	free(image);
	if (r.kind == RES_PAGE) {
		char *frag = hash ? fsu_pct_decode(hash + 1, strlen(hash + 1)) : NULL;
		add_link(p, line, col, r.index, frag, 0);
		free(frag);
		/* fsu_href: a target named "disk full #1.md" must not have its '#' start a fragment */
		char *rel = fsu_href(p->url, s->pages[r.index].url);
		out = xasprintf("%s%s", rel, rest);
		free(rel);
	} else if (r.kind == RES_ASSET && s->assets[r.index].withheld) {
		out = withheld_asset(c, &s->assets[r.index], url, is_image, line, col);
	} else if (r.kind == RES_SECTION || r.kind == RES_ASSET) {
		if (r.kind == RES_ASSET)
			lfs_pointer_warning(c, &s->assets[r.index], url, is_image, line, col);
		char *rel = fsu_href(p->url, r.kind == RES_SECTION ? r.url : s->assets[r.index].out);
		out = xasprintf("%s%s", rel, rest);
		free(rel);
	}
	free(r.url);
	free(path);
	free(site_rooted);
	return out;
}

void links_resolve_front_matter(site_t *s)
{
	for (size_t i = 0; i < s->npages; i++) {
		site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		for (size_t j = 0; j < p->fm.nrelated; j++) {
			const fm_ref_t *r = &p->fm.related[j];
			size_t plen = strcspn(r->value, "#");
			char *path = xstrndup(r->value, plen);
			if (!path[0]) {
				diag_add(&s->diags, DIAG_ERROR, p->src, r->line, r->col, "related-missing",
					 "related entry '%s' names no page", r->value);
				free(path);
				continue;
			}
			/* related: paths are repo-relative, or relative to the page when they start with "." */
			char *rp = (path[0] == '.' || path[0] == '/') ? xstrdup(path) : xasprintf("/%s", path);
			res_t res = resolve(s, p, r->value, rp, r->line, r->col, 1);
			if (res.kind == RES_PAGE)
				add_link(p, r->line, r->col, res.index, r->value[plen] == '#' ? r->value + plen + 1 : NULL, 1);
			free(res.url);
			free(rp);
			free(path);
		}
	}
}

/* ---- anchors and backlinks ---- */

static int page_has_id(const site_t *s, const site_page_t *t, const char *id);

/* pymdownx's percent_encode ids hold "%C3%A9": a link's fragment (decoded here) was written so. */
static int page_has_quoted_id(const site_t *s, const site_page_t *t, const char *id)
{
	if (!sitelayout_of(s, t->source)->ids.percent)
		return 0;
	char *q = mdids_quote(id);
	int found = strcmp(q, id) && page_has_id(s, t, q);
	free(q);
	return found;
}

int links_page_has_id(const site_t *s, const site_page_t *t, const char *id)
{
	return page_has_id(s, t, id) || page_has_quoted_id(s, t, id);
}

static int page_has_id(const site_t *s, const site_page_t *t, const char *id)
{
	/* "#top" and "#" scroll to the top of any page (HTML's rules for a missing id and an empty one) */
	if (!id[0] || !strcasecmp(id, "top"))
		return 1;
	for (size_t i = 0; i < t->md.nheadings; i++)
		if (!strcmp(t->md.headings[i].id, id))
			return 1;
	for (size_t i = 0; i < t->md.nhtml_ids; i++)
		if (!strcmp(t->md.html_ids[i], id))
			return 1;
	/* the slug of the leading H1 that became the page title: the top of the page, as on GitHub
	 * (with MkDocs' ids, markdown.c keeps the title's id in html_ids) */
	int same = 0;
	if (t->md.h1 && sitelayout_of(s, t->source)->ids.style == MDIDS_GITHUB) {
		char *h = md_slug(t->md.h1);
		same = !strcmp(h, id);
		free(h);
	}
	return same;
}

const char *links_closest_id(const site_page_t *t, const char *frag)
{
	size_t n = t->md.nheadings + t->md.nhtml_ids;
	for (size_t i = 0; i < n; i++) {
		const char *id = i < t->md.nheadings ? t->md.headings[i].id : t->md.html_ids[i - t->md.nheadings];
		if (!strcasecmp(id, frag))
			return id;
	}
	size_t cap = strlen(frag) / 3;
	if (cap < 2)
		cap = 2;
	const char *best = NULL;
	size_t bestd = cap + 1;
	for (size_t i = 0; i < n; i++) {
		const char *id = i < t->md.nheadings ? t->md.headings[i].id : t->md.html_ids[i - t->md.nheadings];
		size_t d = suggest_distance(frag, id, bestd - 1);
		if (d < bestd) {
			bestd = d;
			best = id;
		}
	}
	return best;
}

/* On a page whose heading ids are MkDocs' (toc's slugify drops what is not ASCII), the heading whose
 * GitHub id (kept letters of any script: how the link was likely written, and how GitHub and the
 * editor's preview name it) is `frag`, when its MkDocs id differs; else NULL. */
static const md_heading_t *toc_heading_by_github_id(const site_t *s, const site_page_t *t, const char *frag)
{
	if (sitelayout_of(s, t->source)->ids.style != MDIDS_TOC)
		return NULL;
	for (size_t i = 0; i < t->md.nheadings; i++) {
		const md_heading_t *h = &t->md.headings[i];
		char *gh = md_slug(h->text);
		int same = !strcmp(gh, frag) && strcmp(h->id, frag);
		free(gh);
		if (same)
			return h;
	}
	return NULL;
}

/* links_finish's first pass, one page's links at a time on every core: ok[first[i] + j] is 1 when link
 * j of page i needs no message (no fragment, or its target has the id), bad[i] when one of page i's does;
 * count[t]: the links to page t from the other pages. */
typedef struct {
	const site_t *s;
	const size_t *first;
	unsigned char *ok, *bad;
	atomic_size_t *count;
} anchors_t;

static void check_anchors(void *ud, size_t i)
{
	anchors_t *a = ud;
	const site_page_t *p = &a->s->pages[i];
	for (size_t j = 0; j < p->nlinks; j++) {
		const site_link_t *l = &p->links[j];
		int ok = l->target < 0 || !l->fragment || links_page_has_id(a->s, &a->s->pages[l->target], l->fragment);
		a->ok[a->first[i] + j] = (unsigned char)ok;
		a->bad[i] |= !ok;
		if (l->target >= 0 && l->target != (long)i)
			atomic_fetch_add_explicit(&a->count[l->target], 1, memory_order_relaxed);
	}
}

/* The broken-anchor errors of page i's links that anchors_t.ok says are missing. */
static void say_broken_anchors(site_t *s, size_t i, const unsigned char *ok)
{
	site_page_t *p = &s->pages[i];
	for (size_t j = 0; j < p->nlinks; j++) {
		site_link_t *l = &p->links[j];
		if (ok[j])
			continue;
		site_page_t *t = &s->pages[l->target];
		const char *where = l->target == (long)i ? "on this page" : "in ";
		const md_heading_t *h = toc_heading_by_github_id(s, t, l->fragment);
		if (h) {
			diag_add(&s->diags, DIAG_ERROR, p->src, l->line, l->col, "broken-anchor",
				 "anchor '#%s' not found %s%s: MkDocs gives the heading '%s' (line %d) the id "
				 "'#%s', as its toc slugify drops letters outside ASCII; link to '#%s', or set "
				 "toc's slugify to one that keeps them (markdown.extensions.toc.slugify_unicode)",
				 l->fragment, where, l->target == (long)i ? "" : t->src, h->text, h->line, h->id, h->id);
			continue;
		}
		const char *sug = links_closest_id(t, l->fragment);
		int case_only = sug && !strcasecmp(sug, l->fragment);
		const char *hint = case_only ? "; anchors are case-sensitive: did you mean '#" : "; did you mean '#";
		diag_add(&s->diags, DIAG_ERROR, p->src, l->line, l->col, "broken-anchor",
			 "anchor '#%s' not found %s%s%s%s%s", l->fragment, where, l->target == (long)i ? "" : t->src,
			 sug ? hint : "", sug ? sug : "", sug ? "'?" : "");
	}
}

void links_finish(site_t *s)
{
	size_t n = s->npages;
	size_t *first = xcalloc(n + 1, sizeof *first);
	for (size_t i = 0; i < n; i++)
		first[i + 1] = first[i] + s->pages[i].nlinks;
	anchors_t an = {s, first, xmalloc(first[n] + 1), xcalloc(n + 1, 1), xcalloc(n + 1, sizeof *an.count)};
	for (size_t i = 0; i <= n; i++)
		atomic_init(&an.count[i], 0);
	par_for(n, s->opts.jobs > 0 ? s->opts.jobs : 1, check_anchors, &an);
	/* backlinks: counted above, then filled in page order (so sorted), each linking page once; the
	 * anchors' errors in page order */
	for (size_t i = 0; i < n; i++) {
		site_page_t *tp = &s->pages[i];
		size_t c = atomic_load_explicit(&an.count[i], memory_order_relaxed);
		free(tp->backlinks);
		tp->backlinks = c ? xmalloc(c * sizeof *tp->backlinks) : NULL;
		tp->nbacklinks = 0;
	}
	for (size_t i = 0; i < n; i++) {
		site_page_t *p = &s->pages[i];
		if (an.bad[i])
			say_broken_anchors(s, i, an.ok + first[i]);
		for (size_t j = 0; j < p->nlinks; j++) {
			long t = p->links[j].target;
			if (t < 0 || t == (long)i)
				continue;
			site_page_t *tp = &s->pages[t];
			if (!tp->nbacklinks || tp->backlinks[tp->nbacklinks - 1] != (long)i)
				tp->backlinks[tp->nbacklinks++] = (long)i;
		}
	}
	free(an.count);
	free(an.bad);
	free(an.ok);
	free(first);
}

/* ---- orphans ---- */

void links_orphans(site_t *s)
{
	/* roles by slug, and the owners that published pages name */
	map_t roles = MAP_INIT, owners = MAP_INIT;
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (!published(s, p))
			continue;
		if (!strcmp(p->type, "role"))
			map_put(&roles, p->slug, MAP_INT(i));
		else if (p->owner)
			map_put(&owners, p->owner, MAP_INT(i));
	}
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (!published(s, p) || p->in_nav || p->is_index || !p->url[0] || p->nbacklinks || p->nalerts)
			continue;
		void *v;
		if (strcmp(p->type, "role") && p->owner && map_get(&roles, p->owner, &v))
			continue;
		if (!strcmp(p->type, "role") && map_get(&owners, p->slug, &v))
			continue;
		diag_add(&s->diags, DIAG_WARNING, p->src, 1, 1, "orphan",
			 "no page links here and it is not in the navigation (%s's nav: does not list it): "
			 "readers cannot reach it; list it in nav: or link it from a related page",
			 sitelayout_of(s, p->source)->config ? sitelayout_of(s, p->source)->config : "mkdocs.yml");
	}
	map_free(&roles);
	map_free(&owners);
}
