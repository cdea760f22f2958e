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

#endif
