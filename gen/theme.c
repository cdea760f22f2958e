/* theme.c - theme loading. See theme.h. */
#include "theme.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "buf.h"
#include "fsutil.h"
#include "map.h"

char *theme_builtin_dir(void)
{
	const char *env = getenv("ALMANAC_THEME_DIR");
	if (env && env[0] && fsu_is_dir(env))
		return xstrdup(env);
	char *exe = fsu_exe_path();
	if (exe) {
		char *dir = fsu_dirname(exe);
		free(exe);
		char *cands[] = {
			xasprintf("%s/../share/almanac/themes/default", dir),
			xasprintf("%s/themes/default", dir),
			xasprintf("%s/../themes/default", dir),
		};
		char *found = NULL;
		for (size_t i = 0; i < 3; i++) {
			if (!found && fsu_is_dir(cands[i]))
				found = fsu_normalize(cands[i]);
			free(cands[i]);
		}
		free(dir);
		if (found)
			return found;
	}
#ifdef ALMANAC_SOURCE_THEMES
	if (fsu_is_dir(ALMANAC_SOURCE_THEMES "/default"))
		return xstrdup(ALMANAC_SOURCE_THEMES "/default");
#endif
	return NULL;
}

typedef struct {
	char **rel;
	size_t n, cap;
} relvec_t;

static void rv_push(relvec_t *v, char *s)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 32;
		v->rel = xrealloc(v->rel, v->cap * sizeof *v->rel);
	}
	v->rel[v->n++] = s;
}

/* Every file under the folder `base` of `root` (paths relative to `base`, into `out`). A link
 * is resolved by `root`'s rules: one that cannot be followed (it leaves the repository, leads
 * into .git, loops or dangles) is a `symlink` warning at its repository path when `warn`. */
static void list_files(const pr_root_t *root, const char *base, const char *rel, relvec_t *out, int depth,
		       int warn, diag_list_t *d)
{
	if (depth > 16)
		return;
	char *dir = rel[0] ? fsu_join(base, rel) : xstrdup(base);
	pr_entry_t *ents;
	size_t n;
	int rc = pr_list(root, dir, 1, &ents, &n);
	if (rc != 0) {
		/* the folder itself (assets/, templates/) may be a link that may not be followed */
		if (warn && !rel[0] && pr_refused(rc))
			diag_add(d, DIAG_WARNING, dir, 0, 0, "symlink", "%s", pr_link_message(rc));
		free(dir);
		return;
	}
	free(dir);
	for (size_t i = 0; i < n; i++) {
		char *crel = rel[0] ? xasprintf("%s/%s", rel, ents[i].name) : xstrdup(ents[i].name);
		struct stat st = ents[i].st;
		if (S_ISLNK(st.st_mode)) {
			char *path = fsu_join(base, crel);
			int r = pr_stat(root, path, &st);
			if (r != 0) {
				if (warn)
					diag_add(d, DIAG_WARNING, path, 0, 0, "symlink", "%s", pr_link_message(r));
				free(path);
				free(crel);
				continue;
			}
			free(path);
		}
		if (S_ISDIR(st.st_mode)) {
			list_files(root, base, crel, out, depth + 1, warn, d);
			free(crel);
		} else if (S_ISREG(st.st_mode)) {
			rv_push(out, crel);
		} else {
			free(crel);
		}
	}
	pr_list_free(ents, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where a theme file comes from: a root and the path of the theme folder in it. */
typedef struct {
	const pr_root_t *root;
	const char *dir;
	int warn;
} tsrc_t;

/* The theme folders to read: the built-in one, then the site's (when it is a folder that can be
 * read: a link out of the repository is a warning). Returns how many (0..2). */
static int theme_sources(tsrc_t *src, const pr_root_t *builtin, const pr_root_t *repo, const char *site_theme,
			 diag_list_t *d)
{
	int n = 0;
	if (builtin)
		src[n++] = (tsrc_t){builtin, "", 0};
	if (repo && site_theme) {
		struct stat st;
		/* the theme folder (or "themes") may itself be a link: one that leaves is a warning */
		int r = pr_stat(repo, site_theme, &st);
		if (r == 0 && S_ISDIR(st.st_mode))
			src[n++] = (tsrc_t){repo, site_theme, d != NULL};
		else if (pr_refused(r) && d)
			diag_add(d, DIAG_WARNING, site_theme, 0, 0, "symlink", "%s", pr_link_message(r));
	}
	return n;
}

/* Collect rel -> (source, path) for `sub` of the theme folders, the site's winning. */
static void collect(const tsrc_t *srcs, int nsrc, const char *sub, map_t *m, relvec_t *names, diag_list_t *d)
{
	for (int b = 0; b < nsrc; b++) {
		char *dir = srcs[b].dir[0] ? fsu_join(srcs[b].dir, sub) : xstrdup(sub);
		relvec_t v = {0};
		list_files(srcs[b].root, dir, "", &v, 0, srcs[b].warn, d);
		for (size_t i = 0; i < v.n; i++) {
			theme_asset_t *a = xcalloc(1, sizeof *a);
			a->root = srcs[b].root;
			a->src = fsu_join(dir, v.rel[i]);
			theme_asset_t *old = map_put(m, v.rel[i], a);
			if (old) {
				free(old->src);
				free(old);
			} else {
				rv_push(names, xstrdup(v.rel[i]));
			}
			free(v.rel[i]);
		}
		free(v.rel);
		free(dir);
	}
	if (names->n > 1)
		qsort(names->rel, names->n, sizeof *names->rel, cmp_str);
}

int theme_load(theme_t *t, const pr_root_t *repo, const char *site_theme, diag_list_t *d)
{
	memset(t, 0, sizeof *t);
	t->builtin_dir = theme_builtin_dir();
	if (t->builtin_dir && pr_root_open(&t->builtin, t->builtin_dir, PR_TRUSTED) != 0)
		t->builtin = NULL;
	tsrc_t srcs[2];
	int nsrc = theme_sources(srcs, t->builtin, repo, site_theme, d);
	if (nsrc == 0) {
		diag_add(d, DIAG_ERROR, "themes/default", 0, 0, "theme",
			 "the built-in theme was not found (set ALMANAC_THEME_DIR to its folder)");
		return -1;
	}
	t->set = mus_set_new();
	map_t tm = MAP_INIT;
	relvec_t tn = {0};
	collect(srcs, nsrc, "templates", &tm, &tn, d);
	for (size_t i = 0; i < tn.n; i++) {
		void *v;
		map_get(&tm, tn.rel[i], &v);
		theme_asset_t *a = v;
		if (fsu_ends_with(tn.rel[i], ".mustache")) {
			buf_t src = BUF_INIT;
			char *name = xstrndup(tn.rel[i], strlen(tn.rel[i]) - 9);
			char *disp = xasprintf("templates/%s", tn.rel[i]);
			if (pr_read(a->root, a->src, &src, FSU_MAX_FILE) != 0)
				diag_add(d, DIAG_ERROR, disp, 0, 0, "theme", "cannot read template");
			else if (mus_set_add(t->set, name, buf_cstr(&src), src.len, d) != 0)
				t->broken = 1;
			free(disp);
			free(name);
			buf_free(&src);
		}
		free(a->src);
		free(a);
		free(tn.rel[i]);
	}
	free(tn.rel);
	map_free(&tm);
	if (t->broken)
		return -1;

	map_t am = MAP_INIT;
	relvec_t an = {0};
	collect(srcs, nsrc, "assets", &am, &an, d);
	t->assets = xcalloc(an.n + 1, sizeof *t->assets);
	for (size_t i = 0; i < an.n; i++) {
		void *v;
		map_get(&am, an.rel[i], &v);
		theme_asset_t *a = v;
		t->assets[i] = *a;
		t->assets[i].rel = an.rel[i];
		free(a);
	}
	t->nassets = an.n;
	free(an.rel);
	map_free(&am);
	return 0;
}

uint64_t theme_fingerprint(const pr_root_t *repo, const char *site_theme, uint64_t h)
{
	char *builtin_dir = theme_builtin_dir();
	pr_root_t *builtin = NULL;
	if (builtin_dir && pr_root_open(&builtin, builtin_dir, PR_TRUSTED) != 0)
		builtin = NULL;
	tsrc_t srcs[2];
	int nsrc = theme_sources(srcs, builtin, repo, site_theme, NULL); /* theme_load reports the links */
	for (int b = 0; b < nsrc; b++) {
		relvec_t v = {0};
		list_files(srcs[b].root, srcs[b].dir, "", &v, 0, 0, NULL);
		if (v.n > 1) /* v.rel is NULL for a theme folder without files */
			qsort(v.rel, v.n, sizeof *v.rel, cmp_str);
		for (size_t i = 0; i < v.n; i++) {
			char *path = srcs[b].dir[0] ? fsu_join(srcs[b].dir, v.rel[i]) : xstrdup(v.rel[i]);
			buf_t data = BUF_INIT;
			pr_read(srcs[b].root, path, &data, FSU_MAX_FILE);
			h = map_hash_add(h, v.rel[i], strlen(v.rel[i]) + 1);
			uint64_t body = XXH3_64bits(data.s ? data.s : "", data.len); /* faster than FNV-1a's bytes */
			h = map_hash_add(h, &body, sizeof body);
			buf_free(&data);
			free(path);
			free(v.rel[i]);
		}
		free(v.rel);
	}
	pr_root_free(builtin);
	free(builtin_dir);
	return h;
}

size_t theme_asset_names(const pr_root_t *repo, const char *site_theme, char ***out)
{
	char *builtin_dir = theme_builtin_dir();
	pr_root_t *builtin = NULL;
	if (builtin_dir && pr_root_open(&builtin, builtin_dir, PR_TRUSTED) != 0)
		builtin = NULL;
	tsrc_t srcs[2];
	int nsrc = theme_sources(srcs, builtin, repo, site_theme, NULL); /* theme_load reports the links */
	map_t m = MAP_INIT;
	relvec_t names = {0};
	collect(srcs, nsrc, "assets", &m, &names, NULL);
	for (size_t i = 0; i < names.n; i++) {
		void *v;
		if (map_get(&m, names.rel[i], &v)) {
			theme_asset_t *a = v;
			free(a->src);
			free(a);
		}
	}
	map_free(&m);
	pr_root_free(builtin);
	free(builtin_dir);
	*out = names.rel;
	return names.n;
}

void theme_free(theme_t *t)
{
	mus_set_free(t->set);
	for (size_t i = 0; i < t->nassets; i++) {
		free(t->assets[i].rel);
		free(t->assets[i].src);
	}
	free(t->assets);
	free(t->builtin_dir);
	pr_root_free(t->builtin);
	memset(t, 0, sizeof *t);
}
