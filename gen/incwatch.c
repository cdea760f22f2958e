/* incwatch.c - what a changed path means, and what is watched. See incwatch.h. */
#include "incwatch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fsutil.h"
#include "incstate.h"
#include "layout.h"
#include "pathres.h"
#include "sitesrc.h"
#include "theme.h"

/* 1 when `path` is `dir` or inside it. */
static int is_under(const char *path, const char *dir)
{
	if (!dir)
		return 0;
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* ------------------------------------------------------------------ classification setup */

void incwatch_free_paths(inc_t *inc)
{
	free(inc->gitdir);
	free(inc->commondir);
	free(inc->cfg_path);
	free(inc->alerts_path);
	free(inc->ignore_revs_path);
	free(inc->theme_site);
	free(inc->theme_builtin);
	free(inc->outdir);
	inc_free_strs(inc->roots, inc->nroots);
	inc->roots = NULL;
	inc->nroots = 0;
	inc_free_strs(inc->rule_dirs, inc->nrule_dirs);
	inc->rule_dirs = NULL;
	inc->nrule_dirs = 0;
	inc_free_strs(inc->link_paths, inc->nlinks);
	inc_free_strs(inc->link_targets, inc->nlinks);
	inc->link_paths = inc->link_targets = NULL;
	inc->nlinks = 0;
}

/* When the file `rel` of the work tree `tree` at `root` (trailing '/') leads elsewhere in it (a symbolic
 * link, followed by the resolver: pr_where), note both (inc->link_paths, inc->link_targets), spelt under
 * `root` as the watcher reports them. */
static void note_link(inc_t *inc, const pr_root_t *tree, const char *root, const char *rel)
{
	char *where = NULL;
	if (pr_where(tree, rel, &where) == 0 && strcmp(where, rel)) {
		inc->link_paths = xrealloc(inc->link_paths, (inc->nlinks + 1) * sizeof *inc->link_paths);
		inc->link_targets = xrealloc(inc->link_targets, (inc->nlinks + 1) * sizeof *inc->link_targets);
		inc->link_paths[inc->nlinks] = xasprintf("%s%s", root, rel);
		inc->link_targets[inc->nlinks++] = xasprintf("%s%s", root, where);
	}
	free(where);
}

/* Every page and file of the site, of the hub or a source read in place, that is a symbolic link. */
static void find_links(inc_t *inc)
{
	site_t *s = inc->s;
	for (size_t i = 0; i < s->npages; i++) {
		const site_page_t *p = &s->pages[i];
		if (!p->source || s->sources[p->source - 1].in_place)
			note_link(inc, site_source_tree(s, p->source), p->source ? s->sources[p->source - 1].root : s->root,
				  site_page_repo_path(p));
	}
	for (size_t i = 0; i < s->nassets; i++) {
		const site_asset_t *a = &s->assets[i];
		if (!a->source || s->sources[a->source - 1].in_place)
			note_link(inc, site_source_tree(s, a->source), a->source ? s->sources[a->source - 1].root : s->root,
				  a->repo_path ? a->repo_path : a->src);
	}
}

const char *incwatch_link_to(const inc_t *inc, const char *path, size_t *at)
{
	for (; *at < inc->nlinks; (*at)++)
		if (!strcmp(inc->link_targets[*at], path))
			return inc->link_paths[(*at)++];
	return NULL;
}

void incwatch_setup(inc_t *inc)
{
	site_t *s = inc->s;
	incwatch_free_paths(inc);
	inc->gitdir = inc->repo ? inc_strip_slash(git_repository_path(inc->repo)) : NULL;
	inc->commondir = inc->repo ? inc_strip_slash(git_repository_commondir(inc->repo)) : NULL;
	char *c = inc->o.site.config ? fsu_absolute(inc->o.site.config) : fsu_join(s->root, "almanac.yml");
	inc->cfg_path = c;
	char *a = fsu_join(s->root, s->cfg.alerts_file ? s->cfg.alerts_file : "alerts.yml");
	inc->alerts_path = fsu_normalize(a);
	free(a);
	char *ir = fsu_join(s->root, s->cfg.ignore_revs ? s->cfg.ignore_revs : ".git-blame-ignore-revs");
	inc->ignore_revs_path = fsu_normalize(ir);
	free(ir);
	char *t = xasprintf("%sthemes/%s", s->root, s->cfg.theme);
	inc->theme_site = inc_strip_slash(t);
	free(t);
	char *bt = theme_builtin_dir();
	inc->theme_builtin = bt ? inc_strip_slash(bt) : NULL;
	free(bt);
	char *o = site_output_dir(s);
	inc->outdir = inc_strip_slash(o);
	free(o);
	for (size_t i = 0; i < s->cfg.ncontent; i++) {
		char *j = fsu_join(s->root, s->cfg.content[i]);
		char *d = inc_strip_slash(j);
		free(j);
		struct stat st; /* a content folder that is a link out of the repository is not watched */
		if (pr_stat(s->tree, s->cfg.content[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			inc->roots = xrealloc(inc->roots, (inc->nroots + 1) * sizeof *inc->roots);
			inc->roots[inc->nroots++] = d;
		} else {
			free(d);
		}
	}
	/* a Hugo site's static folders (layout.h): their files are the site's too */
	for (size_t i = 0; s->layout.kind == LAYOUT_HUGO && i < s->layout.nstatic; i++) {
		struct stat st;
		const char *sd = s->layout.statics[i].dir;
		if (pr_stat(s->tree, sd, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		char *j = fsu_join(s->root, sd);
		inc->roots = xrealloc(inc->roots, (inc->nroots + 1) * sizeof *inc->roots);
		inc->roots[inc->nroots++] = inc_strip_slash(j);
		free(j);
	}
	/* alert rule files: a change to one, or a new file beside them, reloads everything */
	for (size_t i = 0; i < s->rules.nfiles; i++) {
		char *a = fsu_absolute(s->rules.files[i].abs);
		char *dn = fsu_dirname(a);
		char *d = inc_strip_slash(dn);
		free(dn);
		free(a);
		int dup = 0;
		for (size_t k = 0; k < inc->nrule_dirs && !dup; k++)
			dup = !strcmp(inc->rule_dirs[k], d);
		if (dup) {
			free(d);
			continue;
		}
		inc->rule_dirs = xrealloc(inc->rule_dirs, (inc->nrule_dirs + 1) * sizeof *inc->rule_dirs);
		inc->rule_dirs[inc->nrule_dirs++] = d;
	}
	find_links(inc);
}

/* 1 when `path` is a YAML file directly in a folder holding alert rule files. */
static int is_rule_file(const inc_t *inc, const char *path)
{
	if (!fsu_ends_with(path, ".yml") && !fsu_ends_with(path, ".yaml"))
		return 0;
	char *d = fsu_dirname(path);
	int hit = 0;
	for (size_t k = 0; k < inc->nrule_dirs && !hit; k++)
		hit = !strcmp(inc->rule_dirs[k], d);
	free(d);
	return hit;
}

/* A change of asset `a` (existing): copy it again, unless it is an SVG image pages show written into
 * them (activefiles.h): those pages change, reload everything. */
static int asset_change(inc_t *inc, long a, long *idx, const char **why)
{
	if (inc->s->assets[a].withheld && atomic_load(&inc->s->assets[a].shown)) {
		*why = "an SVG image written into pages";
		return INCWATCH_FULL;
	}
	*idx = a;
	return INCWATCH_ASSET;
}

/* A change of `rel` (a path in source k, 1-based, read in place; not hidden, not an editor's scratch
 * file): its page or asset again when it is one and still there, nothing when the source does not
 * publish it, else everything (a page or file added or removed, its settings or layout).
 * (Its Git refs, owners files and any .gitignore are judged by the caller.) */
static int classify_in_source(inc_t *inc, int k, const char *rel, unsigned flags, long *idx, const char **why)
{
	site_t *s = inc->s;
	const site_source_t *src = &s->sources[k - 1];
	if (!strcmp(rel, "almanac.yml") || layout_config_candidate(rel) || (flags & WATCH_DIR) ||
	    (src->layout.config && !strcmp(rel, src->layout.config))) {
		*why = src->name; /* its settings, layout or folders: every page of it may move */
		return INCWATCH_FULL;
	}
	/* under its content folders (the entry's path:, else its own, else the whole tree) */
	char *sp = site_in_content(s, k, rel) ? sitesrc_site_path(s, k, rel) : NULL;
	if (!sp && layout_static_of(&src->layout, rel))
		sp = xasprintf("%s:%s", src->name, rel); /* a Hugo source's static/ file (sitesrc.c) */
	if (!sp)
		return INCWATCH_IGNORE;
	struct stat st;
	int exists = pr_stat(src->tree, rel, &st) == 0 && S_ISREG(st.st_mode);
	long page = -1, asset = -1;
	void *v;
	if (map_get(&s->asset_map, sp, &v))
		asset = MAP_AS_INT(v);
	else if (fsu_ends_with(rel, ".md") || (src->cfg.middleman && fsu_ends_with(rel, ".md.erb")))
		page = site_find_page(s, sp);
	free(sp);
	if (asset >= 0 && exists)
		return asset_change(inc, asset, idx, why);
	if (page >= 0 && exists) {
		*idx = page;
		return INCWATCH_PAGE;
	}
	if (!exists && page < 0 && asset < 0)
		return INCWATCH_IGNORE;
	*why = src->name; /* a page or file of it added or removed */
	return INCWATCH_FULL;
}

char *incwatch_name(const inc_t *inc, const char *path)
{
	const site_t *s = inc->s;
	for (size_t k = 0; k < s->nsources; k++) {
		const site_source_t *src = &s->sources[k];
		size_t rl = strlen(src->root); /* with its trailing '/' */
		if (src->in_place && !strncmp(path, src->root, rl))
			return xasprintf("%s:%s", src->name, path + rl);
	}
	size_t hl = strlen(s->root);
	return xstrdup(!strncmp(path, s->root, hl) ? path + hl : path);
}

int incwatch_classify(inc_t *inc, const char *path, unsigned flags, long *idx, const char **why)
{
	site_t *s = inc->s;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t bl = strlen(base);
	int scratch = base[0] == '.' || (bl && base[bl - 1] == '~') || (bl > 4 && !strcmp(base + bl - 4, ".swp")) ||
		      !strcmp(base, "4913");
	/* Git: new commits, branch switches */
	if (is_under(path, inc->gitdir) || is_under(path, inc->commondir)) {
		const char *g = is_under(path, inc->gitdir) ? inc->gitdir : inc->commondir;
		const char *rel = path + strlen(g);
		if (*rel == '/')
			rel++;
		if (fsu_ends_with(rel, ".lock"))
			return INCWATCH_IGNORE;
		if (!strcmp(rel, "HEAD") || !strcmp(rel, "packed-refs") || !strncmp(rel, "refs/", 5)) {
			*why = "git history";
			return INCWATCH_FULL;
		}
		return INCWATCH_IGNORE;
	}
	if (!strcmp(path, inc->cfg_path)) {
		*why = "configuration";
		return INCWATCH_FULL;
	}
	if (!strncmp(path, s->root, strlen(s->root)) &&
	    (layout_config_candidate(path + strlen(s->root)) ||
	     (s->layout.config && !strcmp(path + strlen(s->root), s->layout.config)))) {
		*why = "layout configuration"; /* Hugo's or MkDocs' config: every URL may change (layout.h) */
		return INCWATCH_FULL;
	}
	if (!strcmp(path, inc->alerts_path) || !strcmp(path, inc->ignore_revs_path) || !strcmp(base, ".gitignore")) {
		*why = base;
		return INCWATCH_FULL;
	}
	/* who owns the pages (owners.h) and the alert rules (alerts.h) */
	if (!scratch && (!strcmp(base, "CODEOWNERS") || !strcmp(base, "OWNERS") || !strcmp(base, "OWNERS_ALIASES")) &&
	    !strncmp(path, s->root, strlen(s->root))) {
		*why = base;
		return INCWATCH_FULL;
	}
	if (!scratch && is_rule_file(inc, path)) {
		*why = "alert rules";
		return INCWATCH_FULL;
	}
	size_t rootlen = strlen(s->root);
	if ((flags & WATCH_DIR) && (flags & WATCH_CREATED) && !strncmp(path, s->root, rootlen) &&
	    (!strcmp(path + rootlen, ".github") || !strcmp(path + rootlen, ".gitlab"))) {
		*why = "CODEOWNERS folder"; /* watched from the full rebuild on */
		return INCWATCH_FULL;
	}
	const char *dev_theme = getenv("ALMANAC_THEME_DIR");
	if (is_under(path, inc->theme_site) ||
	    (dev_theme && dev_theme[0] && is_under(path, inc->theme_builtin))) {
		if (scratch)
			return INCWATCH_IGNORE;
		*why = "theme";
		return INCWATCH_FULL;
	}
	if (is_under(path, inc->outdir))
		return INCWATCH_IGNORE;
	/* a source read in place (sources:): its history changed (everything), or one of its files */
	for (size_t k = 0; k < s->nsources; k++) {
		const site_source_t *src = &s->sources[k];
		char *sroot = src->in_place ? inc_strip_slash(src->root) : NULL;
		int hit = sroot && is_under(path, sroot);
		const char *rel = hit ? path + strlen(sroot) : NULL;
		free(sroot);
		if (!hit)
			continue;
		if (!strncmp(rel, "/.git/", 6) || !strcmp(rel, "/.git")) {
			if (fsu_ends_with(rel, ".lock") || (strcmp(rel, "/.git/HEAD") && strncmp(rel, "/.git/refs/", 11) &&
							     strcmp(rel, "/.git/packed-refs")))
				return INCWATCH_IGNORE;
			*why = src->name;
			return INCWATCH_FULL;
		}
		/* its owners, wherever CODEOWNERS lives (.github/, .gitlab/: hidden folders), and those folders
		 * when they appear (watched from the full rebuild on) */
		int owners = !strcmp(base, "CODEOWNERS") || !strcmp(base, "OWNERS") || !strcmp(base, "OWNERS_ALIASES");
		int co_dir = (flags & WATCH_DIR) && (!strcmp(rel, "/.github") || !strcmp(rel, "/.gitlab"));
		if ((owners && !scratch) || co_dir) {
			*why = src->name;
			return INCWATCH_FULL;
		}
		if (scratch || strstr(rel, "/."))
			return INCWATCH_IGNORE;
		return classify_in_source(inc, (int)k + 1, rel + (rel[0] == '/'), flags, idx, why);
	}
	size_t rl = strlen(s->root);
	if (strncmp(path, s->root, rl))
		return INCWATCH_IGNORE;
	const char *rel = path + rl;
	/* hidden anywhere on the path: never part of the site */
	if (rel[0] == '.' || strstr(rel, "/."))
		return INCWATCH_IGNORE;
	int in_content = inc->nroots == 0;
	for (size_t i = 0; i < inc->nroots && !in_content; i++)
		in_content = is_under(path, inc->roots[i]);
	if (!in_content) {
		/* a content folder created later */
		if ((flags & WATCH_DIR) && (flags & WATCH_CREATED) && !strcmp(rel, "themes")) {
			*why = "theme";
			return INCWATCH_FULL;
		}
		if ((flags & WATCH_DIR) && (flags & WATCH_CREATED) && !strchr(rel, '/')) {
			for (size_t i = 0; i < s->cfg.ncontent; i++)
				if (!strcmp(rel, s->cfg.content[i])) {
					*why = "new content folder";
					return INCWATCH_FULL;
				}
			for (size_t i = 0; s->layout.kind == LAYOUT_HUGO && i < s->layout.nstatic; i++)
				if (!strcmp(rel, s->layout.statics[i].dir)) {
					*why = "new static folder";
					return INCWATCH_FULL;
				}
		}
		return INCWATCH_IGNORE;
	}
	if (flags & WATCH_DIR) {
		*why = "folder added or removed";
		return INCWATCH_FULL;
	}
	struct stat st;
	int exists = pr_stat(s->tree, rel, &st) == 0 && S_ISREG(st.st_mode);
	if ((fsu_ends_with(rel, ".md") || (s->cfg.middleman && fsu_ends_with(rel, ".md.erb"))) &&
	    !map_get(&s->asset_map, rel, NULL)) { /* (a static folder's .md is a file) */
		long i = site_find_page(s, rel);
		if (i >= 0 && exists) {
			*idx = i;
			return INCWATCH_PAGE;
		}
		if (i < 0 && !exists)
			return INCWATCH_IGNORE;
		*why = i >= 0 ? "page removed" : "page added";
		return INCWATCH_FULL;
	}
	void *v;
	long a = map_get(&s->asset_map, rel, &v) ? MAP_AS_INT(v) : -1;
	if (a >= 0 && exists)
		return asset_change(inc, a, idx, why);
	if (a < 0 && (!exists || scratch))
		return INCWATCH_IGNORE;
	*why = a >= 0 ? "file removed" : "file added";
	return INCWATCH_FULL;
}

/* ------------------------------------------------------------------ watching */

/* The folders CODEOWNERS may live in besides a repository's top folder (owners.h). */
static const char *const co_dirs[] = {".github", ".gitlab", "docs"};

/* The number of static folders whose files source `src` publishes (a Hugo source's own: scan_static). */
static size_t src_nstatic(const site_source_t *src)
{
	return src->layout.kind == LAYOUT_HUGO && !src->layout.inherited ? src->layout.nstatic : 0;
}

/* What the watcher covers; it is set up again when this changes. */
static char *watch_signature(const inc_t *inc)
{
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < inc->nroots; i++)
		buf_printf(&b, "%s\n", inc->roots[i]);
	char *themes = xasprintf("%sthemes", inc->s->root);
	for (size_t i = 0; i < inc->nrule_dirs; i++)
		buf_printf(&b, "rules %s\n", inc->rule_dirs[i]);
	for (size_t i = 0; i < inc->nlinks; i++)
		buf_printf(&b, "link to %s\n", inc->link_targets[i]);
	for (size_t i = 0; i < 3; i++) {
		char *d = xasprintf("%s%s", inc->s->root, co_dirs[i]);
		buf_printf(&b, "%s %d\n", co_dirs[i], fsu_is_dir(d));
		free(d);
	}
	for (size_t k = 0; k < inc->s->nsources; k++) {
		const site_source_t *src = &inc->s->sources[k];
		if (!src->in_place)
			continue;
		buf_printf(&b, "source %s %s", src->root, src->path);
		for (size_t i = 0; i < 3; i++) {
			char *d = xasprintf("%s%s", src->root, co_dirs[i]);
			buf_printf(&b, " %d", fsu_is_dir(d));
			free(d);
		}
		for (size_t i = 0; i < src_nstatic(src); i++) {
			char *d = xasprintf("%s%s", src->root, src->layout.statics[i].dir);
			buf_printf(&b, " static %s %d", src->layout.statics[i].dir, fsu_is_dir(d));
			free(d);
		}
		buf_putc(&b, '\n');
	}
	buf_printf(&b, "%s\n%s\n%s\n%s\n%s\n%d\n", inc->cfg_path, inc->alerts_path, inc->ignore_revs_path,
		   inc->outdir, inc->gitdir ? inc->gitdir : "", fsu_is_dir(themes));
	free(themes);
	return buf_detach(&b);
}

/* incremental.h */
/* Watch the folder of the other tool's config `cfg` (repo-relative, under `root` which ends in '/') when
 * it is not the top folder: a Hugo site kept in website/ (layout.h). */
static void add_config_dir(inc_t *inc, const char *root, const char *cfg)
{
	if (!cfg || !strchr(cfg, '/'))
		return;
	char *dn = fsu_dirname(cfg);
	char *d = xasprintf("%s%s", root, dn);
	if (fsu_is_dir(d))
		watch_add_dir(inc->w, d);
	free(d);
	free(dn);
}

int inc_watch(inc_t *inc)
{
	watch_close(inc->w);
	inc->w = NULL;
	if (!inc->watch_sig)
		inc->watch_sig = watch_signature(inc);
	if (watch_open(&inc->w) != 0)
		return -1;
	site_t *s = inc->s;
	/* (.git is hidden, so never entered; its refs are watched on their own below) */
	const char *skip[2];
	size_t nskip = 0;
	skip[nskip++] = inc->outdir;
	skip[nskip++] = inc->work;
	char *root = inc_strip_slash(s->root);
	if (inc->nroots == 0) {
		watch_add_tree(inc->w, root, skip, nskip);
	} else {
		watch_add_dir(inc->w, root); /* almanac.yml, .gitignore, new content folders */
		for (size_t i = 0; i < inc->nroots; i++)
			watch_add_tree(inc->w, inc->roots[i], skip, nskip);
	}
	free(root);
	/* the folders of the config, alert catalog and ignore-revs files */
	const char *files[] = {inc->cfg_path, inc->alerts_path, inc->ignore_revs_path};
	for (size_t i = 0; i < 3; i++) {
		char *d = fsu_dirname(files[i]);
		if (d[0] && fsu_is_dir(d))
			watch_add_dir(inc->w, d);
		free(d);
	}
	/* CODEOWNERS's other places, and the folders of the alert rule files */
	for (size_t i = 0; i < 3; i++) {
		char *d = xasprintf("%s%s", s->root, co_dirs[i]);
		if (fsu_is_dir(d))
			watch_add_dir(inc->w, d);
		free(d);
	}
	for (size_t i = 0; i < inc->nrule_dirs; i++)
		if (fsu_is_dir(inc->rule_dirs[i]))
			watch_add_dir(inc->w, inc->rule_dirs[i]);
	for (size_t i = 0; i < inc->nlinks; i++) { /* the files links lead to, wherever they are */
		char *d = fsu_dirname(inc->link_targets[i]);
		watch_add_dir(inc->w, d);
		free(d);
	}
	char *themes = xasprintf("%sthemes", s->root);
	if (fsu_is_dir(themes))
		watch_add_tree(inc->w, themes, skip, nskip);
	free(themes);
	char *hugo_dir = xasprintf("%sconfig/_default", s->root); /* Hugo's config folder (layout.h) */
	if (fsu_is_dir(hugo_dir))
		watch_add_dir(inc->w, hugo_dir);
	free(hugo_dir);
	add_config_dir(inc, s->root, s->layout.config); /* a Hugo site in a folder: website/hugo.toml */
	const char *dev_theme = getenv("ALMANAC_THEME_DIR");
	if (inc->theme_builtin && dev_theme && dev_theme[0])
		watch_add_tree(inc->w, inc->theme_builtin, NULL, 0);
	for (size_t k = 0; k < s->nsources; k++) { /* sources read in place: their files and history */
		const site_source_t *src = &s->sources[k];
		if (!src->in_place)
			continue;
		char *sroot = inc_strip_slash(src->root);
		char *tree = src->path[0] ? xasprintf("%s/%s", sroot, src->path) : xstrdup(sroot);
		if (fsu_is_dir(tree))
			watch_add_tree(inc->w, tree, skip, nskip);
		free(tree);
		if (src->path[0]) /* its top folder: its almanac.yml and its Hugo or MkDocs config (sitelayout.h) */
			watch_add_dir(inc->w, sroot);
		char *sr = xasprintf("%s/", sroot);
		add_config_dir(inc, sr, src->layout.config);
		free(sr);
		for (size_t i = 0; i < src_nstatic(src); i++) { /* a Hugo source's static/ files (scan_static) */
			char *d = xasprintf("%s/%s", sroot, src->layout.statics[i].dir);
			watch_add_tree(inc->w, d, skip, nskip);
			free(d);
		}
		for (size_t i = 0; i < 3; i++) { /* CODEOWNERS's other places */
			char *d = xasprintf("%s/%s", sroot, co_dirs[i]);
			if (fsu_is_dir(d))
				watch_add_dir(inc->w, d);
			free(d);
		}
		char *g = xasprintf("%s/.git", sroot);
		if (fsu_is_dir(g)) {
			watch_add_dir(inc->w, g);
			char *refs = xasprintf("%s/refs/heads", g);
			if (fsu_is_dir(refs))
				watch_add_tree(inc->w, refs, NULL, 0);
			free(refs);
		}
		free(g);
		free(sroot);
	}
	if (inc->gitdir) {
		watch_add_dir(inc->w, inc->gitdir);
		char *refs = xasprintf("%s/refs/heads", inc->commondir);
		if (fsu_is_dir(refs))
			watch_add_tree(inc->w, refs, NULL, 0);
		free(refs);
		if (strcmp(inc->gitdir, inc->commondir))
			watch_add_dir(inc->w, inc->commondir);
	}
	return 0;
}

void incwatch_rewatch(inc_t *inc)
{
	char *sig = watch_signature(inc);
	if (inc->w && inc->watch_sig && !strcmp(sig, inc->watch_sig)) {
		free(sig);
		return;
	}
	free(inc->watch_sig);
	inc->watch_sig = sig;
	watch_t *old = inc->w;
	inc->w = NULL;
	if (inc_watch(inc) != 0) {
		inc->w = old;
		return;
	}
	if (old) {
		watch_batch_t b = {NULL, 0, 0};
		if (watch_wait(old, &b, 0, 0, 0) > 0)
			inc->need_full = 1;
		watch_batch_free(&b);
		watch_close(old);
	}
}

/* incremental.h */
watch_t *inc_watcher(inc_t *inc)
{
	return inc->w;
}
