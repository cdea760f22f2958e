/* theme.c - theme loading. See theme.h. */
#include "theme.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "map.h"

char *theme_builtin_dir(void)
{
	const char *env = getenv("ALMANAC_THEME_DIR");
	if (env && env[0] && fsu_is_dir(env))
		return xstrdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = fsu_dirname(exe);
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

/* 1 when `real` (a resolved path) is `root` or inside it. */
static int path_within(const char *real, const char *root)
{
	size_t n = strlen(root);
	return !strncmp(real, root, n) && (real[n] == '/' || real[n] == '\0' || (n && root[n - 1] == '/'));
}

/* With `confine` (the resolved repository root, for a site theme), a symbolic
 * link whose target is outside it is not followed: a theme file in the
 * repository must not publish /etc/... or a CI secret into the site. */
static int link_escapes(const char *cabs, const char *confine, diag_list_t *d)
{
	struct stat lst;
	if (!confine || lstat(cabs, &lst) != 0 || !S_ISLNK(lst.st_mode))
		return 0;
	char real[PATH_MAX];
	if (realpath(cabs, real) && path_within(real, confine))
		return 0;
	const char *disp = cabs;
	if (!strncmp(cabs, confine, strlen(confine)))
		disp = cabs + strlen(confine) + (cabs[strlen(confine)] == '/');
	diag_add(d, DIAG_WARNING, disp, 0, 0, "symlink", "symbolic link points outside the repository: not followed");
	return 1;
}

static void list_files(const char *base, const char *rel, relvec_t *out, int depth, const char *confine,
		       diag_list_t *d)
{
	if (depth > 16)
		return;
	char *abs = rel[0] ? fsu_join(base, rel) : xstrdup(base);
	DIR *dir = opendir(abs);
	free(abs);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char *crel = rel[0] ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
		char *cabs = fsu_join(base, crel);
		if (link_escapes(cabs, confine, d)) {
			free(crel);
		} else if (fsu_is_dir(cabs)) {
			list_files(base, crel, out, depth + 1, confine, d);
			free(crel);
		} else {
			if (out->n == out->cap) {
				out->cap = out->cap ? out->cap * 2 : 32;
				out->rel = xrealloc(out->rel, out->cap * sizeof *out->rel);
			}
			out->rel[out->n++] = crel;
		}
		free(cabs);
	}
	closedir(dir);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect rel -> absolute path for `sub` of both theme folders, the site's winning.
 * `confine` (may be NULL) bounds the symbolic links of the site's folder. */
static void collect(const char *builtin, const char *site, const char *sub, map_t *m, relvec_t *names,
		    const char *confine, diag_list_t *d)
{
	const char *bases[2] = {builtin, site};
	for (int b = 0; b < 2; b++) {
		if (!bases[b])
			continue;
		char *dir = fsu_join(bases[b], sub);
		relvec_t v = {0};
		list_files(dir, "", &v, 0, b == 1 ? confine : NULL, d);
		for (size_t i = 0; i < v.n; i++) {
			char *abs = fsu_join(dir, v.rel[i]);
			char *old = map_put(m, v.rel[i], abs);
			if (old)
				free(old);
			else {
				if (names->n == names->cap) {
					names->cap = names->cap ? names->cap * 2 : 32;
					names->rel = xrealloc(names->rel, names->cap * sizeof *names->rel);
				}
				names->rel[names->n++] = xstrdup(v.rel[i]);
			}
			free(v.rel[i]);
		}
		free(v.rel);
		free(dir);
	}
	if (names->n > 1)
		qsort(names->rel, names->n, sizeof *names->rel, cmp_str);
}

int theme_load(theme_t *t, const char *site_theme_dir, diag_list_t *d)
{
	memset(t, 0, sizeof *t);
	t->builtin_dir = theme_builtin_dir();
	if (site_theme_dir && !fsu_is_dir(site_theme_dir))
		site_theme_dir = NULL;
	/* the site's theme is <root>/themes/<name>: its links must stay inside <root> */
	char *confine = NULL;
	if (site_theme_dir) {
		char *themes = fsu_dirname(site_theme_dir);
		char *root = fsu_dirname(themes);
		char real[PATH_MAX];
		confine = xstrdup(realpath(root[0] ? root : "/", real) ? real : root);
		free(themes);
		free(root);
		if (link_escapes(site_theme_dir, confine, d))
			site_theme_dir = NULL;
	}
	if (!t->builtin_dir && !site_theme_dir) {
		diag_add(d, DIAG_ERROR, "themes/default", 0, 0, "theme",
			 "the built-in theme was not found (set ALMANAC_THEME_DIR to its folder)");
		free(confine);
		return -1;
	}
	t->set = mus_set_new();
	map_t tm = MAP_INIT;
	relvec_t tn = {0};
	collect(t->builtin_dir, site_theme_dir, "templates", &tm, &tn, confine, d);
	for (size_t i = 0; i < tn.n; i++) {
		void *abs;
		map_get(&tm, tn.rel[i], &abs);
		if (fsu_ends_with(tn.rel[i], ".mustache")) {
			buf_t src = BUF_INIT;
			char *name = xstrndup(tn.rel[i], strlen(tn.rel[i]) - 9);
			char *disp = xasprintf("templates/%s", tn.rel[i]);
			if (fsu_read_file(&src, abs, FSU_MAX_FILE) != 0)
				diag_add(d, DIAG_ERROR, disp, 0, 0, "theme", "cannot read template");
			else if (mus_set_add(t->set, name, buf_cstr(&src), src.len, d) != 0)
				t->broken = 1;
			free(disp);
			free(name);
			buf_free(&src);
		}
		free(abs);
		free(tn.rel[i]);
	}
	free(tn.rel);
	map_free(&tm);
	if (t->broken) {
		free(confine);
		return -1;
	}

	map_t am = MAP_INIT;
	relvec_t an = {0};
	collect(t->builtin_dir, site_theme_dir, "assets", &am, &an, confine, d);
	t->assets = xcalloc(an.n + 1, sizeof *t->assets);
	for (size_t i = 0; i < an.n; i++) {
		void *abs;
		map_get(&am, an.rel[i], &abs);
		t->assets[i].rel = an.rel[i];
		t->assets[i].abs = abs;
	}
	t->nassets = an.n;
	free(an.rel);
	map_free(&am);
	free(confine);
	return 0;
}


uint64_t theme_fingerprint(const char *site_theme_dir, const char *confine, uint64_t h)
{
	char *builtin = theme_builtin_dir();
	diag_list_t quiet; /* links that escape are reported by theme_load, not here */
	diag_init(&quiet);
	const char *bases[2] = {builtin, site_theme_dir && fsu_is_dir(site_theme_dir) ? site_theme_dir : NULL};
	for (int b = 0; b < 2; b++) {
		if (!bases[b])
			continue;
		relvec_t v = {0};
		list_files(bases[b], "", &v, 0, b ? confine : NULL, &quiet);
		if (v.n > 1) /* v.rel is NULL for a theme folder without files */
			qsort(v.rel, v.n, sizeof *v.rel, cmp_str);
		for (size_t i = 0; i < v.n; i++) {
			char *abs = fsu_join(bases[b], v.rel[i]);
			buf_t data = BUF_INIT;
			fsu_read_file(&data, abs, FSU_MAX_FILE);
			h = map_hash_add(h, v.rel[i], strlen(v.rel[i]) + 1);
			h = map_hash_add(h, data.s ? data.s : "", data.len);
			buf_free(&data);
			free(abs);
			free(v.rel[i]);
		}
		free(v.rel);
	}
	free(builtin);
	diag_free(&quiet);
	return h;
}

void theme_free(theme_t *t)
{
	mus_set_free(t->set);
	for (size_t i = 0; i < t->nassets; i++) {
		free(t->assets[i].rel);
		free(t->assets[i].abs);
	}
	free(t->assets);
	free(t->builtin_dir);
	memset(t, 0, sizeof *t);
}
