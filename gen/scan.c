/* scan.c - find pages and assets. See scan.h. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <pcre2.h>

#include "buf.h"
#include "regex.h"
#include "utf8.h"
#include "fsutil.h"
#include "map.h"
#include "publish.h"

typedef struct {
	char **v;
	size_t n, cap;
} strvec_t;

static void sv_push(strvec_t *s, char *x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = x;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
	char *path;
	fsu_stat_id_t st;
} page_at_t;

static int cmp_page_at(const void *a, const void *b)
{
	return strcmp(((const page_at_t *)a)->path, ((const page_at_t *)b)->path);
}

/* Sort the `n` pages at `v` by path, their stat identities `st` with them. */
static void sort_pages(char **v, fsu_stat_id_t *st, size_t n)
{
	if (n < 2)
		return;
	page_at_t *t = xmalloc(n * sizeof *t);
	for (size_t i = 0; i < n; i++)
		t[i] = (page_at_t){v[i], st[i]};
	qsort(t, n, sizeof *t, cmp_page_at);
	for (size_t i = 0; i < n; i++) {
		v[i] = t[i].path;
		st[i] = t[i].st;
	}
	free(t);
}

typedef struct {
	const char *root;
	const pr_root_t *tree;  /* every folder and link is resolved through it */
	git_repository *repo;
	git_index *index; /* tracked files are never ignored (as in git); may be NULL */
	const char *skip_dir;
	pcre2_code **ex;
	size_t nex;
	const val_t *ex_pos;  /* the exclude list in the configuration (positions), or NULL */
	int ex_failed;        /* a pattern hit the backtracking limit */
	int middleman;        /* config middleman: ".md.erb" files are pages; other ".erb" and "_x" files are skipped */
	pcre2_match_data *md;
	strvec_t pages, assets;
	fsu_stat_id_t *pst;   /* the stat identity of pages.v[i] (as many as pages.n) */
	size_t pstcap;
	uint64_t stamp; /* order-independent hash of every file's path and stat data */
	diag_list_t *d;
	const char *cfg_file; /* the configuration's name in diagnostics */
	int depth;
	int all_assets;       /* every file is an asset (a static folder): no pages */
	int hidden;           /* names starting with '.' are walked too (a static folder, as Hugo publishes them) */
} walk_t;

/* 1 when an exclude pattern matches `rel`. A pattern that hits the
 * backtracking limit is a configuration error, reported once at the pattern;
 * the path counts as excluded (nothing is published that the pattern may
 * have meant to keep out) and the scan fails. */
static int excluded(walk_t *w, const char *rel)
{
	for (size_t i = 0; i < w->nex; i++) {
		if (!w->ex[i])
			continue;
		int rc = pcre2_match(w->ex[i], (PCRE2_SPTR)rel, strlen(rel), 0, 0, w->md, rx_match_context());
		if (rc >= 0)
			return 1;
		if (rx_limit_hit(rc)) {
			const val_t *it = w->ex_pos && w->ex_pos->type == VAL_LIST && i < w->ex_pos->len ? w->ex_pos->items[i]
													  : NULL;
			diag_add(w->d, DIAG_ERROR, w->cfg_file, it ? it->line : 0, it ? it->col : 0, "config",
				 "pattern in 'exclude' needs more than %d backtracking steps to match '%s': make it "
				 "simpler (no nested repetition such as (a+)+ or (.*x){n})",
				 RX_MATCH_LIMIT, rel);
			pcre2_code_free(w->ex[i]);
			w->ex[i] = NULL;
			w->ex_failed = 1;
			return 1;
		}
	}
	return 0;
}

/* `rel` is a file, or a folder when it ends with '/'. Git's rule: ignore
 * patterns apply to untracked paths only, so a tracked file (or a folder
 * holding one) is never ignored. The index lookup is a binary search in
 * memory; libgit2's ignore check stats every parent's .gitignore. */
static int ignored(walk_t *w, const char *rel)
{
	if (!w->repo)
		return 0;
	if (w->index) {
		size_t n = strlen(rel), pos;
		if (n && rel[n - 1] == '/' ? git_index_find_prefix(&pos, w->index, rel) == 0
					   : git_index_get_bypath(w->index, rel, 0) != NULL)
			return 0;
	}
	int ig = 0;
	if (git_ignore_path_is_ignored(&ig, w->repo, rel) == 0)
		return ig;
	return 0;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* What stat says about a file, as one hash (see scan_result_t.stamp). */
static uint64_t file_stamp(const char *rel, const struct stat *st)
{
	uint64_t h = map_hash(rel, strlen(rel));
	h = mix64(h ^ mix64((uint64_t)st->st_size));
	h = mix64(h ^ mix64((uint64_t)st->st_mtim.tv_sec * 1000000000ULL + (uint64_t)st->st_mtim.tv_nsec));
	h = mix64(h ^ mix64((uint64_t)st->st_ctim.tv_sec * 1000000000ULL + (uint64_t)st->st_ctim.tv_nsec));
	h = mix64(h ^ mix64((uint64_t)st->st_ino) ^ (uint64_t)st->st_dev);
	return h;
}

/* Set up a walk of `tree` by the rules of `cfg` (see scan_tree). */
static void walk_init(walk_t *w, const char *root, const pr_root_t *tree, const config_t *cfg, git_repository *repo,
		      const char *skip_dir, diag_list_t *d)
{
	memset(w, 0, sizeof *w);
	w->root = root;
	w->tree = tree;
	w->repo = repo;
	w->skip_dir = skip_dir;
	w->d = d;
	w->ex = xcalloc(cfg->nexclude + 1, sizeof *w->ex);
	for (size_t i = 0; i < cfg->nexclude; i++) {
		char *why;
		size_t off;
		w->ex[i] = rx_compile(cfg->exclude[i], &why, &off); /* config_load reported a bad one */
		free(why);
	}
	w->nex = cfg->nexclude;
	w->middleman = cfg->middleman;
	w->ex_pos = cfg->raw ? val_map_get(cfg->raw, "exclude") : NULL;
	w->cfg_file = cfg->file ? cfg->file : "almanac.yml";
	w->md = pcre2_match_data_create(4, NULL);
	if (repo && git_repository_index(&w->index, repo) != 0)
		w->index = NULL;
}

/* Free what walk_init set up (not the lists found). */
static void walk_fini(walk_t *w)
{
	git_index_free(w->index);
	for (size_t i = 0; i < w->nex; i++)
		pcre2_code_free(w->ex[i]);
	free(w->ex);
	pcre2_match_data_free(w->md);
}

static void walk_dir(walk_t *w, const char *rel)
{
	char *abs = fsu_join(w->root, rel);
	if (w->skip_dir && !strcmp(abs, w->skip_dir)) {
		free(abs);
		return;
	}
	free(abs);
	if (++w->depth > 64) {
		diag_add(w->d, DIAG_WARNING, rel, 0, 0, "scan", "folders nested deeper than 64 levels are skipped");
		w->depth--;
		return;
	}
	pr_entry_t *ents;
	size_t n;
	int rc = pr_list(w->tree, rel, !w->hidden, &ents, &n);
	if (rc != 0) {
		if (pr_refused(rc)) /* a content folder that is a link out of the repository */
			diag_add(w->d, DIAG_WARNING, rel, 0, 0, "symlink", "%s", pr_link_message(rc));
		else
			diag_add(w->d, DIAG_WARNING, rel, 0, 0, "scan", "cannot read folder");
		w->depth--;
		return;
	}
	for (size_t i = 0; i < n && !pub_interrupted(); i++) { /* Ctrl-C: the build ends (site.h), the scan at once */
		if (!strcasecmp(ents[i].name, ".git"))
			continue; /* a repository's metadata (or a submodule's .git file): never published */
		char *crel = rel[0] ? xasprintf("%s/%s", rel, ents[i].name) : xstrdup(ents[i].name);
		struct stat st = ents[i].st;
		if (S_ISLNK(st.st_mode)) {
			/* resolved by the repository's rules: never outside it, never into .git */
			int r = pr_stat(w->tree, crel, &st);
			if (r != 0) {
				diag_add(w->d, DIAG_WARNING, crel, 0, 0, "symlink", "%s", pr_link_message(r));
				goto next;
			}
			if (S_ISDIR(st.st_mode)) {
				/* links to folders inside the repository are skipped: the folder is scanned where it is */
				goto next;
			}
		}
		if (excluded(w, crel))
			goto next;
		if (S_ISDIR(st.st_mode)) {
			char *withslash = xasprintf("%s/", crel);
			int ig = ignored(w, withslash);
			free(withslash);
			if (!ig)
				walk_dir(w, crel);
		} else if (S_ISREG(st.st_mode) && !ignored(w, crel)) {
			w->stamp += file_stamp(crel, &st);
			if (w->middleman && !w->all_assets &&
			    (ents[i].name[0] == '_' || (fsu_ends_with(crel, ".erb") && !fsu_ends_with(crel, ".md.erb"))))
				; /* Middleman's partials and templates (layouts, ERB pages): not published as they are */
			else if (!w->all_assets &&
				 (fsu_ends_with(crel, ".md") || (w->middleman && fsu_ends_with(crel, ".md.erb"))))
			{
				if (w->pages.n == w->pstcap) {
					w->pstcap = w->pstcap ? w->pstcap * 2 : 64;
					w->pst = xrealloc(w->pst, w->pstcap * sizeof *w->pst);
				}
				fsu_stat_id(&w->pst[w->pages.n], &st);
				sv_push(&w->pages, xstrdup(crel));
			}
			else
				sv_push(&w->assets, xstrdup(crel));
		}
	next:
		free(crel);
	}
	pr_list_free(ents, n);
	w->depth--;
}

int scan_tree(scan_result_t *out, const char *root, const pr_root_t *tree, const config_t *cfg,
	      git_repository *repo, const char *skip_dir, diag_list_t *d)
{
	memset(out, 0, sizeof *out);
	walk_t w;
	walk_init(&w, root, tree, cfg, repo, skip_dir, d);
	strvec_t folders = {0}, refused = {0};
	for (size_t i = 0; i < cfg->ncontent; i++) {
		/* a content folder that is a link is followed only inside the repository */
		struct stat st;
		int r = pr_stat(tree, cfg->content[i], &st);
		if (r == 0 && S_ISDIR(st.st_mode))
			sv_push(&folders, xstrdup(cfg->content[i]));
		else if (pr_refused(r)) {
			diag_add(d, DIAG_WARNING, cfg->content[i], 0, 0, "symlink", "%s", pr_link_message(r));
			sv_push(&refused, xstrdup(cfg->content[i]));
		} else if (cfg->content_explicit)
			diag_add(d, DIAG_WARNING, "almanac.yml", 0, 0, "config", "content folder '%s' does not exist",
				 cfg->content[i]);
	}
	/* without content folders, the whole tree; a refused one (a link out) is not walked as "" */
	if (folders.n == 0 && refused.n == 0)
		walk_dir(&w, "");
	for (size_t i = 0; i < refused.n; i++)
		free(refused.v[i]);
	free(refused.v);
	for (size_t i = 0; i < folders.n; i++)
		walk_dir(&w, folders.v[i]);
	sort_pages(w.pages.v, w.pst, w.pages.n);
	if (w.assets.n > 1)
		qsort(w.assets.v, w.assets.n, sizeof *w.assets.v, cmp_str);
	out->pages = w.pages.v;
	out->npages = w.pages.n;
	out->page_stat = w.pst ? w.pst : xcalloc(1, sizeof *w.pst);
	out->assets = w.assets.v;
	out->nassets = w.assets.n;
	out->folders = folders.v;
	out->nfolders = folders.n;
	out->stamp = w.stamp ^ mix64(w.pages.n * 2 + w.assets.n);
	walk_fini(&w);
	return w.ex_failed ? -1 : 0;
}

/* 1 when folder `a` is `b` or holds it ("" holds everything). */
static int holds(const char *a, const char *b)
{
	size_t n = strlen(a);
	return !n || (!strncmp(a, b, n) && (b[n] == '/' || !b[n]));
}

int scan_static(scan_result_t *out, const char *root, const pr_root_t *tree, const config_t *cfg,
		const layout_t *l, git_repository *repo, const char *skip_dir, diag_list_t *d)
{
	if (l->kind != LAYOUT_HUGO || l->inherited || !l->nstatic)
		return 0;
	size_t ndirs = l->nstatic;
	const char **dirs = xcalloc(ndirs, sizeof *dirs);
	for (size_t i = 0; i < ndirs; i++)
		dirs[i] = l->statics[i].dir;
	walk_t w;
	walk_init(&w, root, tree, cfg, repo, skip_dir, d);
	w.all_assets = 1;
	w.hidden = 1;
	for (size_t i = 0; i < ndirs; i++) {
		int overlap = !out->nfolders; /* the whole tree was walked */
		for (size_t k = 0; k < out->nfolders && !overlap; k++)
			overlap = holds(out->folders[k], dirs[i]) || holds(dirs[i], out->folders[k]);
		for (size_t k = 0; k < i && !overlap; k++)
			overlap = holds(dirs[k], dirs[i]) || holds(dirs[i], dirs[k]); /* walked already */
		struct stat st;
		int r = overlap ? PR_EIO : pr_stat(tree, dirs[i], &st);
		if (r == PR_EIO || (r == 0 && !S_ISDIR(st.st_mode)))
			continue; /* not there: nothing to publish (Hugo's default static/ often is not) */
		char *slash = xasprintf("%s/", dirs[i]);
		if (!excluded(&w, dirs[i]) && !ignored(&w, slash))
			walk_dir(&w, dirs[i]); /* a link out of the repository: a symlink warning there */
		free(slash);
	}
	if (w.assets.n) {
		size_t n = out->nassets + w.assets.n;
		out->assets = xrealloc(out->assets, (n + 1) * sizeof *out->assets);
		memcpy(out->assets + out->nassets, w.assets.v, w.assets.n * sizeof *w.assets.v);
		qsort(out->assets, n, sizeof *out->assets, cmp_str);
		out->nassets = n;
		out->stamp ^= mix64(w.stamp ^ mix64(n));
	}
	free(w.assets.v);
	free(dirs);
	walk_fini(&w);
	return w.ex_failed ? -1 : 0;
}

void scan_free(scan_result_t *r)
{
	for (size_t i = 0; i < r->npages; i++)
		free(r->pages[i]);
	free(r->pages);
	free(r->page_stat);
	for (size_t i = 0; i < r->nassets; i++)
		free(r->assets[i]);
	free(r->assets);
	for (size_t i = 0; i < r->nfolders; i++)
		free(r->folders[i]);
	free(r->folders);
	memset(r, 0, sizeof *r);
}

char *scan_pretty_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *t = xstrdup(b ? b + 1 : path);
	for (char *q = t; *q; q++)
		if (*q == '-' || *q == '_')
			*q = ' ';
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

int scan_is_index(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* index.html.md: Middleman's and Jekyll's index page (published as the folder's index.html) */
	return !strcmp(base, "index.md") || !strcasecmp(base, "README.md") || !strcmp(base, "index.html.md");
}

char *scan_page_url(const char *path, const char *home_dir)
{
	char *dir = fsu_dirname(path);
	char *url;
	if (scan_is_index(path)) {
		if (!dir[0] || (home_dir && !strcmp(dir, home_dir)))
			url = xstrdup("");
		else
			url = xasprintf("%s/", dir);
	} else {
		size_t n = strlen(path);
		url = xasprintf("%.*s/", (int)(n - 3), path);
	}
	free(dir);
	/* a name that is not UTF-8: the page is published with U+FFFD for each invalid byte */
	char *fixed = utf8_fix(url);
	if (fixed) {
		free(url);
		url = fixed;
	}
	return url;
}
