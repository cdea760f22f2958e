/* theme.h - themes: templates and assets (prefix theme_).
 *
 * The built-in theme lives in <datadir>/themes/default (the source tree's
 * themes/default in a development build; ALMANAC_THEME_DIR overrides). A
 * site's own themes/<name>/ overrides it file by file: a template or asset
 * with the same relative path replaces the built-in one. Templates are
 * templates/<name>.mustache, known to Mustache as <name>; assets are
 * everything under assets/, published under assets/. */
#ifndef ALMANAC_THEME_H
#define ALMANAC_THEME_H

#include <stdint.h>

#include "diag.h"
#include "mustache.h"
#include "pathres.h"

typedef struct {
	char *rel;               /* path under assets/ ("style.css") (owned) */
	const pr_root_t *root;   /* the root it is read from: the built-in theme's or the repository (borrowed) */
	char *src;               /* its path under `root` (owned) */
} theme_asset_t;

typedef struct {
	mus_set_t *set;           /* compiled templates (owned) */
	theme_asset_t *assets;    /* sorted by rel (owned) */
	size_t nassets;
	char *builtin_dir;        /* owned */
	pr_root_t *builtin;       /* the built-in theme folder, a PR_TRUSTED root (owned; NULL when none) */
	int broken;               /* a template failed to compile */
} theme_t;

/* The built-in theme folder (caller frees), or NULL when none is found. */
char *theme_builtin_dir(void);
/* Load the built-in theme, then the site's theme `site_theme` ("themes/<name>",
 * a path in the repository `repo`; may be NULL or missing) over it. The
 * site theme's files are read through `repo` (pathres.h): a symbolic link
 * that leaves the repository or leads into .git is a `symlink` warning and
 * is left out. `repo` must outlive `t` (its assets are read from it).
 * Template syntax errors are diagnostics (template:line:col). Returns 0, or
 * -1 when no theme was found or a template has a syntax error (the build
 * must then fail: theme_free still needed). */
int theme_load(theme_t *t, const pr_root_t *repo, const char *site_theme, diag_list_t *d);
/* Mix every file of the built-in theme and of the site theme (paths and
 * contents, read as theme_load reads them) into the FNV-1a hash `h`;
 * returns the new hash. */
uint64_t theme_fingerprint(const pr_root_t *repo, const char *site_theme, uint64_t h);
/* The names (paths under assets/) of the theme's assets, built-in and the
 * site theme's together, as theme_load would publish them (read as it reads
 * them), without compiling templates and without diagnostics. Returns the
 * count; *out receives owned strings, sorted (caller frees each and the
 * array; NULL when none). */
size_t theme_asset_names(const pr_root_t *repo, const char *site_theme, char ***out);
/* Free the theme. */
void theme_free(theme_t *t);

#endif
