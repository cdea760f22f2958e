/* render.h - the writing half of the pipeline: pages through templates into
 * an atomically published folder (prefix render_).
 *
 * Template contexts (what a theme can use) are documented in
 * themes/default/README.md. */
#ifndef ALMANAC_RENDER_H
#define ALMANAC_RENDER_H

#include "site.h"

/* Render and publish the site loaded in `s` into `out_dir` (absolute).
 * Returns 0; -4 when the output folder is unsafe or cannot be written;
 * -1 when the theme is broken or the build was interrupted. On failure the
 * previous contents of `out_dir` are untouched. */
int render_site(site_t *s, const char *out_dir);

/* ---- almanac serve: partial renders ---- */

/* Which outputs render_select() writes. */
typedef struct {
	const unsigned char *pages;   /* per page index: 1 = its page (NULL: no page) */
	const unsigned char *folders; /* per folder index as nav_build() numbers them: 1 = the generated
	                                 section page of a folder without index page (NULL: none) */
	const unsigned char *redirects; /* per page index: 1 = its alias and rename redirects, and the
	                                 alert pages that list it (NULL: none) */
	int specials;                 /* 404, search page, freshness page and freshness.json, alerts.json, sitemap.xml */
	int search;                   /* the search index (when enabled) */
	int assets;                   /* theme and site assets */
} render_sel_t;

/* The DIALECT_* flags (dialects.h) of the pages the site publishes, page
 * `skip` left out when it is >= 0: the theme's vendored libraries are
 * published only for a site that uses them (mermaid for a diagram,
 * highlight.js for code with a language). */
unsigned render_site_features(const site_t *s, long skip);
/* 1 when the theme asset `rel` (a path under assets/) is published for a
 * site whose pages use `features`. */
int render_asset_wanted(const char *rel, unsigned features);

/* Render the outputs `sel` selects for the site loaded in `s`, exactly as
 * render_site() would, straight into the existing folder `dir` (absolute):
 * no safety checks, no atomic publishing (almanac serve writes into private
 * staging folders). Returns 0, or -1 when the theme is broken or a file
 * could not be written (diagnostics added). */
int render_select(site_t *s, const char *dir, const render_sel_t *sel);

#endif
