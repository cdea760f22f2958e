/* layout_tools.h - the readers behind layout.c for Hugo and MkDocs repositories (prefix layout_).
 *
 * Private to the layout module (layout.c, layout_hugo.c, layout_mkdocs.c):
 * the rest of Almanac uses layout.h. */
#ifndef ALMANAC_LAYOUT_TOOLS_H
#define ALMANAC_LAYOUT_TOOLS_H

#include "buf.h"
#include "diag.h"
#include "layout.h"
#include "val.h"

/* Read the repository file `rel` (under `root`, absolute with a trailing '/')
 * into `out`, refusing one that is a symbolic link leaving the work tree or
 * larger than FSU_MAX_FILE. Returns 0 or -1. */
int layout_read_file(const char *root, const char *rel, buf_t *out);
/* Parse a config file's text by its extension (.toml, .json, else YAML) into
 * *out (caller frees). Problems are one warning of code "layout" saying the
 * defaults are used. Returns 0 or -1. */
int layout_parse_config(val_t **out, const char *text, size_t len, const char *file, diag_list_t *d);
/* `key` in map `m`, compared without case (Hugo's config keys are
 * case-insensitive). Borrowed, NULL when absent. */
val_t *layout_get_ci(const val_t *m, const char *key);

/* The Hugo config file of the work tree (repo-relative: hugo.toml, hugo.yaml,
 * hugo.yml, hugo.json, config.toml, ..., or the same under config/_default/),
 * or NULL. Caller frees. */
char *layout_hugo_find_config(const char *root);
/* Read Hugo config `cfg` (NULL: none, defaults) into `l`: config, root
 * (contentDir), title, lower (not disablePathToLower), ugly (uglyURLs),
 * params. A `permalinks` setting is a warning (not followed). */
void layout_hugo_read(layout_t *l, const char *root, const char *cfg, diag_list_t *d);
/* The MkDocs config of the work tree (mkdocs.yml or mkdocs.yaml), or NULL. Caller frees. */
char *layout_mkdocs_find_config(const char *root);
/* Read MkDocs config `cfg` into `l`: config, root (docs_dir), title
 * (site_name), ugly (use_directory_urls: false), nav and section titles.
 * YAML tags such as !!python/name: and !ENV are read as plain values. */
void layout_mkdocs_read(layout_t *l, const char *root, const char *cfg, diag_list_t *d);

#endif
