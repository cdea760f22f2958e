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

/* 1 when `rel` is a regular file (`dir`: a folder) of `tree`, links resolved inside it. A link
 * that leaves the repository or leads into .git is a `symlink` warning when `d` is not NULL. */
int layout_exists(const pr_root_t *tree, const char *rel, int dir, diag_list_t *d);
/* Read the tool's config file `cfg` of `tree` (recorded as l->config) and
 * parse it by its extension (.toml, .json, else YAML). A link that leaves the
 * repository or leads into .git is a `symlink` warning; an unreadable or
 * unparsable file one `layout` warning naming `what` and saying its defaults
 * are used. Returns the parsed mapping (caller frees with val_free) or NULL. */
val_t *layout_load_config(layout_t *l, const pr_root_t *tree, const char *cfg, const char *what, diag_list_t *d);
/* Set l->title from a config value when it is a non-empty string. */
void layout_set_title(layout_t *l, const val_t *v);
/* `key` in map `m`, compared without case (Hugo's config keys are
 * case-insensitive). Borrowed, NULL when absent. */
val_t *layout_get_ci(const val_t *m, const char *key);
/* A site path as written ("/a/b", "a/b.html", "a/b/") made a URL: normalised,
 * no leading '/'; a folder URL ends with '/', a .html/.htm path is a file URL.
 * NULL when it climbs out. Caller frees. */
char *layout_as_url(const char *path);
/* Set l->root from a config's content folder `dir` (Hugo's contentDir,
 * MkDocs' docs_dir): normalised, without a trailing '/'; an absolute, empty
 * or root-only value keeps the current root. */
void layout_set_root(layout_t *l, const char *dir);

/* The Hugo config file of the work tree (repo-relative: hugo.toml, hugo.yaml,
 * hugo.yml, hugo.json, config.toml, ..., or the same under config/_default/),
 * or NULL (one that is a link out of the repository is a warning in `d`, which
 * may be NULL). Caller frees. */
char *layout_hugo_find_config(const pr_root_t *tree, diag_list_t *d);
/* 1 when the repo path `rel` is one of the names layout_hugo_find_config looks for. */
int layout_hugo_is_config(const char *rel);
/* A Hugo site in a top folder of the work tree, as `hugo --source website` builds it: the first
 * folder (by name; links and hidden folders are not looked into, at most the first 1000 entries)
 * holding a Hugo config by the names above (website/hugo.toml, website/config/_default/...) whose
 * content folder exists. Repo-relative path of that config, or NULL. Caller frees. */
char *layout_hugo_find_sub_config(const pr_root_t *tree);
/* Read Hugo config `cfg` (NULL: none, defaults) into `l`: config, root
 * (contentDir; like the static folders, relative to the folder Hugo runs in: the config's, or the
 * one above config/_default/), title, lower (not disablePathToLower), ugly (uglyURLs),
 * params, base_url (baseURL), statics (the [module] mounts of static, else
 * staticDir, else static/; a folder outside the repository is a warning).
 * A `permalinks` setting is a warning (not followed). */
void layout_hugo_read(layout_t *l, const pr_root_t *tree, const char *cfg, diag_list_t *d);
/* The MkDocs config of the work tree (mkdocs.yml or mkdocs.yaml), or NULL
 * (a link out of the repository: a warning in `d`, may be NULL). Caller frees. */
char *layout_mkdocs_find_config(const pr_root_t *tree, diag_list_t *d);
/* 1 when the repo path `rel` is mkdocs.yml or mkdocs.yaml. */
int layout_mkdocs_is_config(const char *rel);
/* Read MkDocs config `cfg` into `l`: config, root (docs_dir), title
 * (site_name), base_url (site_url), ugly (use_directory_urls: false), nav and section titles,
 * ids (markdown_extensions: the toc and attr_list setup, mdids_mkdocs).
 * YAML tags such as !ENV are read as plain values; !!python/name: and !!python/object tags are kept
 * (YAMLVAL_PYTHON_TAGS) for toc's slugify. */
void layout_mkdocs_read(layout_t *l, const pr_root_t *tree, const char *cfg, diag_list_t *d);
/* The Tech Docs config of the work tree (config/tech-docs.yml), or NULL (a
 * link out of the repository: a warning in `d`, may be NULL). Caller frees. */
char *layout_techdocs_find_config(const pr_root_t *tree, diag_list_t *d);
/* 1 when the repo path `rel` is config/tech-docs.yml. */
int layout_techdocs_is_config(const char *rel);
/* Read Tech Docs config `cfg` into `l`: config, root (source/), title
 * (service_name), base_url (host), ugly (pages were "x.html"), redirects (redirect_to,
 * redirects_of: an old address to a page of the site; one to another site,
 * or that is not a path of the site, is left out). */
void layout_techdocs_read(layout_t *l, const pr_root_t *tree, const char *cfg, diag_list_t *d);
/* The length of the Tech Docs page extension ending `src` (".html.md.erb",
 * ".html.md", ".md.erb", ".md"), 0 when none. */
size_t layout_techdocs_page_ext(const char *src);
/* 1 when the file name `base` is a Tech Docs folder page (index.html.md, ...). */
int layout_techdocs_is_index(const char *base);

#endif
