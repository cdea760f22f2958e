/* activefiles.h - repository files a browser runs scripts in (prefix af_).
 *
 * A static site is one origin: a script in any of its files can read every
 * page and act as its reader. Raw HTML in Markdown is off by default, but
 * files beside the Markdown are published as they are, and some of them are
 * documents a browser runs scripts in when it opens them: HTML (.html .htm
 * .shtml .xhtml .xht), SVG (.svg .svgz), XML (.xml .xsl .xslt: XHTML inside
 * them runs, and a stylesheet can make HTML) and web archives (.mht
 * .mhtml). The configuration says what happens to them (`active_assets`):
 *
 *   image    (default) they are not published; an image of an SVG file
 *            (`![](d.svg)`, `<img src="d.svg">`) is written into the page as a
 *            data: URL, which a browser shows as a picture and never runs (at
 *            most AF_MAX_INLINE bytes per file and AF_MAX_INLINE_PAGE per page);
 *   skip     they are not published, SVG images neither;
 *   publish  they are published as they are (for repositories whose writers
 *            are all trusted).
 *
 * A link to a file that is not published is a warning (active-asset) and
 * loses its target; so does each such file nothing shows as an image. */
#ifndef ALMANAC_ACTIVEFILES_H
#define ALMANAC_ACTIVEFILES_H

#include <stddef.h>

#include "pathres.h"

enum { AF_IMAGE = 0, AF_SKIP = 1, AF_PUBLISH = 2 };

#define AF_MAX_INLINE ((size_t)1 << 20)
#define AF_MAX_INLINE_PAGE ((size_t)8 << 20)

/* 1 when `path` (a file name or path) is of a type a browser runs scripts in. */
int af_is_active(const char *path);
/* 1 when `path` is an SVG file (.svg, not .svgz: compressed SVG needs a header). */
int af_is_svg(const char *path);
/* The repository file `rel`, read through the trust boundary `tree`
 * (pathres.h), as "data:image/svg+xml;base64,..." (caller frees), or NULL
 * when it cannot be read or is larger than `max` bytes (*too_large set). */
char *af_svg_data_url(const pr_root_t *tree, const char *rel, size_t max, int *too_large);

#endif
